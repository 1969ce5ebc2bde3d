package remit

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/x12/x835"
)

// FuzzReconcile: whatever the 835 reader makes of the input, reconciling
// it with the example claim does not fail, and every claim and service line
// read is in the report.
func FuzzReconcile(f *testing.F) {
	c := exampleClaim(f)
	var lines []pay
	for i, ln := range c.Lines {
		e := exampleContract[ln.ID]
		lines = append(lines, pay{line: i, paid: e, allowed: e, adj: []cas{{"CO", "45", ln.Charge - e}}})
	}
	f.Add(build835(f, "0001", []answer{{c: c, icn: "ICN1", lines: lines}}))
	f.Add(build835(f, "0002", []answer{{c: c, icn: "ICN1", status: "22", lines: lines, negate: true}, {c: c, icn: "ICN2", lines: lines[1:]}}))
	samples, _ := filepath.Glob(filepath.Join("..", "testdata", "x12", "835", "*"))
	for _, s := range samples {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rems, _, _ := x835.Read(bytes.NewReader(data))
		rep, err := Reconcile([]*claim.Claim{c}, rems, Options{Expecter: exampleContract, Tolerance: 1})
		if err != nil {
			return // an amount beyond money.Max: reported, not reconciled
		}
		for i, rem := range rems {
			if len(rep.Remittances[i].Claims) != len(rem.Claims) {
				t.Fatalf("remittance %d: %d claims of %d", i, len(rep.Remittances[i].Claims), len(rem.Claims))
			}
			for j, cl := range rem.Claims {
				cp := rep.Remittances[i].Claims[j]
				answered := 0
				for _, lp := range cp.Lines {
					if lp.Match != NotInRemittance {
						answered++
					}
				}
				// Split lines are one line; every other SVC is its own.
				if answered > len(cl.ServiceLines) || (answered == 0) != (len(cl.ServiceLines) == 0) {
					t.Fatalf("remittance %d claim %d: %d lines answered of %d SVC", i, j, answered, len(cl.ServiceLines))
				}
			}
		}
		if len(rep.Claims) != 1 {
			t.Fatalf("%d claim outcomes", len(rep.Claims))
		}
	})
}
