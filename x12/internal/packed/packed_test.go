package packed

import "testing"

// TestPackTellsCodesApart: codes of up to MaxLen bytes, of every length,
// pack to different integers, the same for a string and its bytes, and
// only the empty one to 0.
func TestPackTellsCodesApart(t *testing.T) {
	seen := map[uint64]string{}
	for _, s := range []string{"", "\x00", "\x00\x00", "A", "A\x00", "\x00A", "AB", "BA", "S9500", "S9500\x00", "99601", "J1234", "ZZZZZZZ", "\xff\xff\xff\xff\xff\xff\xff"} {
		k := Pack(s)
		if k != Pack([]byte(s)) {
			t.Errorf("%q: string and bytes differ", s)
		}
		if (k == 0) != (s == "") {
			t.Errorf("%q packs to %d", s, k)
		}
		if o, ok := seen[k]; ok {
			t.Errorf("%q and %q both pack to %#x", s, o, k)
		}
		seen[k] = s
	}
}
