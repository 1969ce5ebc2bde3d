package coding

import (
	"math/rand"
	"testing"

	"github.com/perdiem/perdiem/codeset"
)

// TestLookupIsCodeSetLookup asks lookup for names of every length up to
// twelve, real codes among them and names that differ from them in one
// byte, many of one length and shared ends, and checks each answer
// against the code set's own.
func TestLookupIsCodeSetLookup(t *testing.T) {
	r := rand.New(rand.NewSource(8))
	cs := codeset.Default()
	var names []string
	for _, c := range cs.All()[:200] {
		names = append(names, c.Code)
		b := []byte(c.Code)
		b[r.Intn(len(b))] ^= 1
		names = append(names, string(b))
	}
	for n := 0; n <= 12; n++ {
		for range 8 {
			b := make([]byte, n)
			for i := range b {
				b[i] = "S95A0"[r.Intn(5)]
			}
			names = append(names, string(b))
			if n > 8 {
				// The same ends, another middle.
				b[n/2] ^= 1
				names = append(names, string(b))
			}
		}
	}
	// A long name of the code set's, and the same ends around another
	// middle, as codes of their own.
	names = append(names, "ABCDxEFGH", "ABCDyEFGH")
	cs = cs.With([]codeset.Code{{Code: "ABCDxEFGH", Kind: codeset.SupplyKind}})
	for k := 0; k < 2000; k++ {
		c := coder{codes: cs}
		for range 40 {
			name := names[r.Intn(len(names))]
			code, ok := c.lookup(name)
			wantCode, wantOK := cs.Lookup(name)
			if code != wantCode || ok != wantOK {
				t.Fatalf("lookup(%q) = %v, %v; want %v, %v", name, code, ok, wantCode, wantOK)
			}
		}
	}
}
