// Package x12gen writes the small files tests receive — a 999, a 277CA
// and an 835 — as a clearinghouse and a payer would send them to the
// pharmacy (HITSUBMIT) of the tests, with only what the readers need.
package x12gen

import (
	"fmt"
	"strings"

	"github.com/perdiem/perdiem/civil"
)

// From is who and when the files are about: the date they carry (ISA09,
// GS04, BPR16, DTM*405, STC) and the patient of their claims (NM1*QC).
type From struct {
	Date                  civil.Date
	Last, First, MemberID string
}

// ISA is an ISA segment of the fixed widths X12 wants, of the date f.
func (f From) ISA(sender, receiver string, control int) string {
	return fmt.Sprintf("ISA*00*          *00*          *ZZ*%-15s*ZZ*%-15s*%s*1200*^*00501*%09d*0*T*:~",
		sender, receiver, f.ymd()[2:], control)
}

func (f From) ymd() string { return ymd(f.Date) }

func (f From) patient() string {
	return "NM1*QC*1*" + f.Last + "*" + f.First + "****MI*" + f.MemberID + "~"
}

// Set is one set response of a 999: AK202 and IK501.
type Set struct{ Control, Status string }

// A999 acknowledges group control (AK102) with a set response for each of
// sets, and status (AK901) for the group.
func (f From) A999(control int64, status string, sets ...Set) string {
	segs := []string{
		f.ISA("PAYERRCVR", "HITSUBMIT", 900),
		"GS*FA*PAYERRCVR*HITSUBMIT*" + f.ymd() + "*1200*900*X*005010X231A1~",
		"ST*999*0001*005010X231A1~",
		fmt.Sprintf("AK1*HC*%d*005010X222A1~", control),
	}
	accepted := 0
	for _, s := range sets {
		segs = append(segs, "AK2*837*"+s.Control+"*005010X222A1~", "IK5*"+s.Status+"~")
		if s.Status != "R" {
			accepted++
		}
	}
	segs = append(segs, fmt.Sprintf("AK9*%s*%d*%d*%d~", status, len(sets), len(sets), accepted),
		fmt.Sprintf("SE*%d*0001~", len(segs)-1), "GE*1*900~", "IEA*1*000000900~")
	return strings.Join(segs, "\n")
}

// A277CA answers the claims of order in that order: accepted (A2:20) if
// claims says so, else rejected (A7:21).
func (f From) A277CA(claims map[string]bool, order ...string) string {
	d := f.ymd()
	segs := []string{
		f.ISA("PAYERRCVR", "HITSUBMIT", 902),
		"GS*HN*PAYERRCVR*HITSUBMIT*" + d + "*1200*902*X*005010X214~",
		"ST*277*0001*005010X214~",
		"BHT*0085*08*277X2140001*" + d + "*1200*TH~",
		"HL*1**20*1~",
		"NM1*AY*2*EXAMPLE CLEARINGHOUSE*****46*CLHR00~",
		"TRN*1*200102051635S00001ABCDEF~",
		"DTP*050*D8*" + d + "~",
		"DTP*009*D8*" + d + "~",
		"HL*2*1*21*1~",
		"NM1*41*2*ACME HOME INFUSION*****46*HITSUBMIT~",
		"TRN*2*" + d + "00001~",
		"STC*A0:16:PR*" + d + "*WQ*1000~",
		"HL*3*2*19*1~",
		"NM1*85*2*ACME HOME INFUSION*****XX*1234567893~",
	}
	for i, id := range order {
		stc := "STC*A2:20:PR*" + d + "*WQ*100~"
		if !claims[id] {
			stc = "STC*A7:21:PR*" + d + "*U*100~"
		}
		segs = append(segs, fmt.Sprintf("HL*%d*3*PT~", i+4), f.patient(), "TRN*2*"+id+"~", stc,
			"DTP*472*RD8*20260501-20260531~")
	}
	segs = append(segs, fmt.Sprintf("SE*%d*0001~", len(segs)-1), "GE*1*902~", "IEA*1*000000902~")
	return strings.Join(segs, "\n")
}

// Claim is one claim of an 835 (CLP): its id, CLP02, charge and payment
// in cents, and its service lines if any. Without lines the difference of
// charge and payment is a claim adjustment; with lines, each line's.
type Claim struct {
	ID           string
	CLP02        string
	Charge, Paid int64
	Lines        []Line
}

// Line is a service line of an 835 (SVC): the line id sent (REF*6R), the
// procedure (SVC01, such as "HC:S9500:SH"), units, dates of service, and
// charge and allowed amount in cents; the difference is a contractual
// adjustment (CO-45).
type Line struct {
	ID, Procedure, Units string
	From, To             civil.Date
	Charge, Allowed      int64
}

// Cents writes an amount of cents as X12 does: 1234.50, -2.00.
func Cents(c int64) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("%s%d.%02d", sign, c/100, c%100)
}

// An835 is an 835 of control number control (ISA13, GS06; TRN02 names it
// too, so that two 835s differ) paying claims, the total of their
// payments in BPR02.
func (f From) An835(control int, claims ...Claim) string {
	d := f.ymd()
	var total int64
	for _, c := range claims {
		total += c.Paid
	}
	segs := []string{
		f.ISA("PAYERRCVR", "HITSUBMIT", control),
		fmt.Sprintf("GS*HP*PAYERRCVR*HITSUBMIT*%s*1200*%d*X*005010X221A1~", d, control),
		"ST*835*0001~",
		"BPR*I*" + Cents(total) + "*C*NON************" + d + "~",
		fmt.Sprintf("TRN*1*CHK%d*1512345678~", 11444+control),
		"DTM*405*" + d + "~",
		"N1*PR*EXAMPLE HEALTH PLAN~", "N3*1 PAYER WAY~", "N4*SPRINGFIELD*IL*62701~",
		"N1*PE*ACME HOME INFUSION*XX*1234567893~",
		"LX*1~",
	}
	for i, c := range claims {
		segs = append(segs, fmt.Sprintf("CLP*%s*%s*%s*%s*0*12*PAYERCLM%d~", c.ID, c.CLP02, Cents(c.Charge), Cents(c.Paid), i))
		if len(c.Lines) == 0 && c.Charge != c.Paid {
			segs = append(segs, "CAS*CO*45*"+Cents(c.Charge-c.Paid)+"~")
		}
		segs = append(segs, f.patient())
		for _, l := range c.Lines {
			segs = append(segs, fmt.Sprintf("SVC*%s*%s*%s**%s~", l.Procedure, Cents(l.Charge), Cents(l.Allowed), l.Units),
				"DTM*150*"+ymd(l.From)+"~", "DTM*151*"+ymd(l.To)+"~")
			if l.Charge != l.Allowed {
				segs = append(segs, "CAS*CO*45*"+Cents(l.Charge-l.Allowed)+"~")
			}
			segs = append(segs, "REF*6R*"+l.ID+"~", "AMT*B6*"+Cents(l.Allowed)+"~")
		}
	}
	segs = append(segs, fmt.Sprintf("SE*%d*0001~", len(segs)-1), fmt.Sprintf("GE*1*%d~", control), fmt.Sprintf("IEA*1*%09d~", control))
	return strings.Join(segs, "\n")
}

func ymd(d civil.Date) string { return strings.ReplaceAll(d.String(), "-", "") }
