package therapy

import (
	"slices"
	"testing"
)

// Known relies on the list being sorted and free of repeats.
func TestTypesSortedUnique(t *testing.T) {
	for i := 1; i < len(types); i++ {
		if types[i-1] >= types[i] {
			t.Fatalf("types not sorted or repeated at %d: %q, %q", i, types[i-1], types[i])
		}
	}
}

func TestKnown(t *testing.T) {
	for _, typ := range []string{"aerosolized", "anti-infective", "tpn"} {
		if !Known(typ) {
			t.Errorf("Known(%q) = false, want true", typ)
		}
	}
	for _, typ := range []string{"", "TPN", "antiinfective", "zzz", "a"} {
		if Known(typ) {
			t.Errorf("Known(%q) = true, want false", typ)
		}
	}
	got := Types()
	got[0] = "changed"
	if !slices.Equal(Types(), types) || types[0] != "aerosolized" {
		t.Error("Types returns the list itself, not a copy")
	}
}
