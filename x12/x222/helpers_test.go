package x222

import (
	"math/rand/v2"
	"testing"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/ident"
)

// mayBeBox settles an address line without ident.LooksLikePOBox only when
// that would say no: every line it takes for a box has BOX or DRAWER.
func TestMayBeBoxKeepsEveryBox(t *testing.T) {
	lines := []string{"PO BOX 123", "P.O. Box 12", "p o box 7", "POBOX 9", "Post Office Box 4", "post box 1",
		"Lock Box 771", "LOCKBOX 771", "PO Drawer 5", "po drawer 5", "BOX 12", "box 3", "100 MAIN STREET, PO BOX 5",
		"100 MAIN STREET", "BOXWOOD LANE", "12 BOX ELDER ROAD", "DRAWERS ROAD", "", "X", "BO", "PO  DRAWER"}
	r := rand.New(rand.NewPCG(5, 6))
	alphabet := []byte("POBXDRAWEpobxdrawe .1")
	for range 20000 {
		b := make([]byte, r.IntN(16))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		lines = append(lines, string(b))
	}
	for _, l := range lines {
		if ident.LooksLikePOBox(l) && !mayBeBox([]byte(l)) {
			t.Errorf("%q is a box, but mayBeBox says no", l)
		}
	}
}

// splitComponents gives each component as component does.
func TestSplitComponentsAsComponent(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for range 5000 {
		v := make([]byte, r.IntN(14))
		for i := range v {
			v[i] = "HC:1S"[r.IntN(5)]
		}
		for _, n := range []int{1, 2, 4, 7} {
			out := make([][]byte, n)
			splitComponents(v, ':', out)
			for k := range out {
				if want := component(v, ':', k+1); string(out[k]) != string(want) || (out[k] == nil) != (want == nil) {
					t.Fatalf("%q: component %d of %d is %q, want %q", v, k+1, n, out[k], want)
				}
			}
		}
	}
}

// A dateMemo reads each date as date8 and dayNumber do, whatever it read
// before: the same date again, another, one that is no date, or none.
func TestDateMemoReadsAsDate8(t *testing.T) {
	texts := []string{"20260101", "20260107", "20260230", "00000000", "2026010", "202601011", "", "\x00\x00\x00\x00\x00\x00\x00\x00",
		"19991231", "20240229", "20230229", "2026O101", "20261301"}
	r := rand.New(rand.NewPCG(11, 12))
	var m dateMemo
	for range 5000 {
		v := []byte(texts[r.IntN(len(texts))])
		d, day, ok := m.read(v)
		wd, wok := date8(v)
		var wday civil.Date
		if wok {
			wday = dayNumber(wd)
		}
		if ok != wok || ok && (d != wd || day != wday) {
			t.Fatalf("%q reads as %d %v %v, want %d %v %v", v, d, day, ok, wd, wday, wok)
		}
	}
}
