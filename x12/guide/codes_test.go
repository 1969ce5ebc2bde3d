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

// A compiled check finds a value fine exactly when checkValue has nothing
// to report, for a printable value (an unprintable one is left to
// checkValue).
func TestCheckAgreesWithCheckValue(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	types := []string{"AN", "ID", "DT", "TM", "N0", "N2", "R"}
	for range 500 {
		typ := types[r.IntN(len(types))]
		lo := 1 + r.IntN(4)
		d := ElementDef{Type: typ, kind: kinds[typ], Min: lo, Max: lo + r.IntN(6), Usage: Situational}
		if r.IntN(3) == 0 {
			d.Codes = NewCodeList("", []string{"1", "20", "-3.5", "ZZ", "20260101"}[:1+r.IntN(5)])
		}
		c := compile(&d)
		for range 200 {
			b := make([]byte, 1+r.IntN(10))
			for i := range b {
				b[i] = "0123456789.-ZA \x01"[r.IntN(16)]
			}
			printable := inCharset(b)
			code, _ := checkValue(&d, b, printable)
			if got := c.fine(b, printable); got && code != "" || printable && !got && code == "" {
				t.Fatalf("%+v: fine(%q) = %v, checkValue code %q", d, b, got, code)
			}
		}
	}
}
