package codeset

import (
	"strings"
	"testing"
)

// TestMentionsPerDiem holds the descriptor check to the lower-case copy it
// saves.
func TestMentionsPerDiem(t *testing.T) {
	for _, s := range []string{"", "per diem", "PER DIEM", "Home infusion, Per Diem", "catheter care, per die",
		"PER\x00DIEM", "per  diem", "perdiem", "x per diem", "PER DİEM", "Ünicode per diem", "PEr dIEm tail"} {
		if got, want := mentionsPerDiem(s), strings.Contains(strings.ToLower(s), "per diem"); got != want {
			t.Errorf("mentionsPerDiem(%q) = %v, want %v", s, got, want)
		}
	}
	for _, c := range Default().All() {
		if got, want := mentionsPerDiem(c.Long), strings.Contains(strings.ToLower(c.Long), "per diem"); got != want {
			t.Errorf("%s %q: %v, want %v", c.Code, c.Long, got, want)
		}
	}
}
