package guide

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// A code list holds exactly its codes: short and long ones, the empty one
// when listed, and nothing that packs alike.
func TestCodeListHasItsCodesOnly(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	word := func() string {
		b := make([]byte, r.IntN(10))
		for i := range b {
			b[i] = "AB019:*\x00"[r.IntN(8)]
		}
		return string(b)
	}
	for range 300 {
		var codes []string
		for range r.IntN(60) {
			codes = append(codes, word())
		}
		c := NewCodeList("", codes)
		for range 200 {
			v := word()
			if got, want := c.Has(v), slices.Contains(codes, v); got != want {
				t.Fatalf("codes %q: Has(%q) = %v, want %v", codes, v, got, want)
			}
		}
		for _, v := range codes {
			if !c.HasBytes([]byte(v)) {
				t.Fatalf("codes %q: HasBytes(%q) = false", codes, v)
			}
		}
	}
}
