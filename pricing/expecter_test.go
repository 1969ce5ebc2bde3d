package pricing

import (
	"testing"

	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/remit"
)

var _ remit.Expecter = (*Expecter)(nil)

func TestExpecter(t *testing.T) {
	e := &Expecter{Contract: decode(t, twoTerms)}
	c := &claim.Claim{ID: "C", Payer: claim.Payer{ID: "P1"}, Lines: []claim.Line{
		line(claim.PerDiem, "S9500", "2026-03-01", "2026-03-31", 31),
		line(claim.Supply, "A4222", "2026-03-01", "2026-03-01", 1),
	}}
	a, term, ok := e.Expected(c, 0)
	if !ok || a != cents(t, "3260.00") || term != "old, new" {
		t.Errorf("line 0: %v %q %v", a, term, ok)
	}
	if _, _, ok := e.Expected(c, 1); ok {
		t.Error("an unpriced line has an expected amount")
	}
	if _, _, ok := e.Expected(c, 2); ok {
		t.Error("a line the claim does not have has an expected amount")
	}
	c2 := &claim.Claim{ID: "D", Lines: []claim.Line{line(claim.PerDiem, "S9500", "2026-01-05", "2026-01-06", 2, "SH")}}
	if a, term, ok := e.Expected(c2, 0); !ok || a != cents(t, "100.00") || term != "old" {
		t.Errorf("another claim: %v %q %v", a, term, ok)
	}
}
