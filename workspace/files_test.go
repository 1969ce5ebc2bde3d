package workspace_test

import (
	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/internal/x12gen"
)

// files are the received files of the tests, of 3 June 2026, about the
// fixture's patient.
var files = x12gen.From{Date: civil.FromYMD(2026, 6, 3), Last: "POE", First: "EDGAR", MemberID: "MBR777000222"}

func isa(sender, receiver string, control int) string { return files.ISA(sender, receiver, control) }

// set is one set response of a 999: AK202 and IK501.
type set struct{ control, status string }

func a999(control int64, status string, sets ...set) string {
	ss := make([]x12gen.Set, len(sets))
	for i, s := range sets {
		ss[i] = x12gen.Set{Control: s.control, Status: s.status}
	}
	return files.A999(control, status, ss...)
}

func a277CA(claims map[string]bool, order ...string) string { return files.A277CA(claims, order...) }

// remitClaim is one CLP of an 835: the claim id, the charge and the
// amount paid in cents, and CLP02.
type remitClaim struct {
	id           string
	charge, paid int64
	clp02        string
}

// an835 pays each claim, the rest a contractual adjustment so the claim
// balances.
func an835(claims ...remitClaim) string {
	cs := make([]x12gen.Claim, len(claims))
	for i, c := range claims {
		cs[i] = x12gen.Claim{ID: c.id, CLP02: c.clp02, Charge: c.charge, Paid: c.paid}
	}
	return files.An835(901, cs...)
}
