package x12

import (
	"strings"
	"testing"
)

// A delimiter outside ASCII is named by its byte value in messages, not as
// the Latin-1 character %q would make of it.
func TestMessagesQuoteBytesAsBytes(t *testing.T) {
	err := Delimiters{Element: 0xC3, Component: ':', Repetition: '^', Segment: 0xC3}.Validate()
	if err == nil || !strings.Contains(err.Error(), "both 0xC3") || strings.Contains(err.Error(), "Ã") {
		t.Errorf("Validate: %v, want the separators named 0xC3", err)
	}
	for c, want := range map[byte]string{'~': "'~'", '\n': `'\n'`, 0xC3: "0xC3", 0x85: "0x85"} {
		if got := quoteByte(c); got != want {
			t.Errorf("quoteByte(%#x) = %s, want %s", c, got, want)
		}
	}
}
