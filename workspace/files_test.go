package workspace_test

import (
	"fmt"
	"strings"
)

// The received files of the tests, written as a clearinghouse and a payer
// would send them, with only what the readers need.

// isa is an ISA segment of the fixed widths X12 wants.
func isa(sender, receiver string, control int) string {
	return fmt.Sprintf("ISA*00*          *00*          *ZZ*%-15s*ZZ*%-15s*260603*1200*^*00501*%09d*0*T*:~", sender, receiver, control)
}

// set is one set response of a 999: AK202 and IK501.
type set struct{ control, status string }

// a999 acknowledges group control (AK102) with a set response for each of
// sets, and status (AK901) for the group.
func a999(control int64, status string, sets ...set) string {
	segs := []string{
		isa("PAYERRCVR", "HITSUBMIT", 900),
		"GS*FA*PAYERRCVR*HITSUBMIT*20260603*1200*900*X*005010X231A1~",
		"ST*999*0001*005010X231A1~",
		fmt.Sprintf("AK1*HC*%d*005010X222A1~", control),
	}
	accepted := 0
	for _, s := range sets {
		segs = append(segs, "AK2*837*"+s.control+"*005010X222A1~", "IK5*"+s.status+"~")
		if s.status != "R" {
			accepted++
		}
	}
	segs = append(segs, fmt.Sprintf("AK9*%s*%d*%d*%d~", status, len(sets), len(sets), accepted),
		fmt.Sprintf("SE*%d*0001~", len(segs)-1), "GE*1*900~", "IEA*1*000000900~")
	return strings.Join(segs, "\n")
}

// a277CA answers each claim id: accepted (A2:20) or rejected (A7:21).
func a277CA(claims map[string]bool, order ...string) string {
	segs := []string{
		isa("PAYERRCVR", "HITSUBMIT", 902),
		"GS*HN*PAYERRCVR*HITSUBMIT*20260603*1200*902*X*005010X214~",
		"ST*277*0001*005010X214~",
		"BHT*0085*08*277X2140001*20260603*1200*TH~",
		"HL*1**20*1~",
		"NM1*AY*2*EXAMPLE CLEARINGHOUSE*****46*CLHR00~",
		"TRN*1*200102051635S00001ABCDEF~",
		"DTP*050*D8*20260603~",
		"DTP*009*D8*20260603~",
		"HL*2*1*21*1~",
		"NM1*41*2*ACME HOME INFUSION*****46*HITSUBMIT~",
		"TRN*2*2026060300001~",
		"STC*A0:16:PR*20260603*WQ*1000~",
		"HL*3*2*19*1~",
		"NM1*85*2*ACME HOME INFUSION*****XX*1234567893~",
	}
	hl := 3
	for _, id := range order {
		hl++
		stc := "STC*A2:20:PR*20260603*WQ*100~"
		if !claims[id] {
			stc = "STC*A7:21:PR*20260603*U*100~"
		}
		segs = append(segs, fmt.Sprintf("HL*%d*3*PT~", hl), "NM1*QC*1*POE*EDGAR****MI*MBR777000222~", "TRN*2*"+id+"~", stc,
			"DTP*472*RD8*20260501-20260531~")
	}
	segs = append(segs, fmt.Sprintf("SE*%d*0001~", len(segs)-1), "GE*1*902~", "IEA*1*000000902~")
	return strings.Join(segs, "\n")
}

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
	cents := func(c int64) string {
		sign := ""
		if c < 0 {
			sign, c = "-", -c
		}
		return fmt.Sprintf("%s%d.%02d", sign, c/100, c%100)
	}
	var total int64
	for _, c := range claims {
		total += c.paid
	}
	segs := []string{
		isa("PAYERRCVR", "HITSUBMIT", 901),
		"GS*HP*PAYERRCVR*HITSUBMIT*20260603*1200*901*X*005010X221A1~",
		"ST*835*0001~",
		"BPR*I*" + cents(total) + "*C*NON************20260603~",
		"TRN*1*CHK12345*1512345678~",
		"DTM*405*20260603~",
		"N1*PR*EXAMPLE HEALTH PLAN~", "N3*1 PAYER WAY~", "N4*SPRINGFIELD*IL*62701~",
		"N1*PE*ACME HOME INFUSION*XX*1234567893~",
		"LX*1~",
	}
	for i, c := range claims {
		segs = append(segs, fmt.Sprintf("CLP*%s*%s*%s*%s*0*12*PAYERCLM%d~", c.id, c.clp02, cents(c.charge), cents(c.paid), i))
		if c.charge != c.paid {
			segs = append(segs, "CAS*CO*45*"+cents(c.charge-c.paid)+"~")
		}
		segs = append(segs, "NM1*QC*1*POE*EDGAR****MI*MBR777000222~")
	}
	segs = append(segs, fmt.Sprintf("SE*%d*0001~", len(segs)-1), "GE*1*901~", "IEA*1*000000901~")
	return strings.Join(segs, "\n")
}
