package x222

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/codeset"
)

// The index gives what codeset.Set.Lookup gives, for every code of the set,
// in upper and lower case, with spaces around, and for strings that are no
// code.
func TestCodeIndexAsLookup(t *testing.T) {
	cs := codeset.Default()
	x := codesByBytes(cs)
	var values []string
	for _, c := range cs.All() {
		values = append(values, c.Code, strings.ToLower(c.Code), " "+c.Code, c.Code+" ", c.Code[:len(c.Code)-1], c.Code+"0")
	}
	r := rand.New(rand.NewPCG(11, 12))
	alphabet := "AJSZ0159abz :-"
	for range 20000 {
		b := make([]byte, r.IntN(9))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		values = append(values, string(b))
	}
	found := 0
	for _, v := range append(values, "99601", "S9500", "J3490", "GY", "XX", "") {
		got, gotOK := x.lookup(cs, []byte(v))
		want, wantOK := cs.Lookup(v)
		if got != want || gotOK != wantOK {
			t.Fatalf("%q: lookup gives %v %v, Lookup %v %v", v, got, gotOK, want, wantOK)
		}
		if gotOK {
			found++
		}
	}
	if found < len(cs.All()) {
		t.Fatalf("only %d of the values were found, fewer than the set's %d codes", found, len(cs.All()))
	}
}
