package remit

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/money"
	"github.com/perdiem/perdiem/x12/x835"
)

// This file builds 835s from our own claims with chosen payments, so a
// test says what the payer did and the builder writes it as a payer would:
// amounts balanced, REF*6R echoed, dates as DTM*472 or DTM*150/151.

// cas is one adjustment: group, reason, amount.
type cas struct {
	group, reason string
	amount        money.Amount
}

// pay is how the payer answers one line of the claim.
type pay struct {
	line    int          // index in the claim's lines
	paid    money.Amount // SVC03
	adj     []cas
	allowed money.Amount // AMT*B6 when not 0
	units   string       // SVC05 other than the units billed
	remarks []string     // LQ*HE
	noRef   bool         // leave out REF*6R
	ref     string       // REF*6R other than the line's id
	charge  money.Amount // SVC02 other than the line's charge, when not 0
	code    string       // SVC01 other than the line's code; SVC06 then has ours, unless extra
	extra   bool         // a service line for no line of the claim: code, charge
}

// answer is one CLP.
type answer struct {
	c        *claim.Claim
	pcn      string // CLP01 other than the claim's id
	status   string // CLP02, 1 when empty
	icn      string // CLP07
	lines    []pay
	claimAdj []cas
	negate   bool // a reversal: every amount negated
}

// plb is one provider adjustment.
type plb struct {
	reason, ref string
	amount      money.Amount
}

// build835 writes one 835 transaction set answering claims, and checks
// that the 835 reader reads it back with no finding: the builder's
// balances are the reader's.
func build835(t testing.TB, st string, answers []answer, plbs ...plb) []byte {
	t.Helper()
	var b bytes.Buffer
	writeISA(&b)
	body := build835Set(st, answers, plbs...)
	b.WriteString(body)
	b.WriteString("GE*1*7~IEA*1*000000777~")
	rems, outside, err := x835.Read(bytes.NewReader(b.Bytes()))
	if err != nil || len(outside) > 0 || len(rems) != 1 {
		t.Fatalf("built 835 does not read: %v %v %d", err, outside, len(rems))
	}
	for _, f := range rems[0].Findings {
		t.Errorf("built 835: %v", f)
	}
	return b.Bytes()
}

func writeISA(b *bytes.Buffer) {
	b.WriteString("ISA*00*          *00*          *ZZ*PAYER          *ZZ*HITSUBMIT      *260401*1200*^*00501*000000777*0*T*:~")
	b.WriteString("GS*HP*PAYER*HITSUBMIT*20260401*1200*7*X*005010X221A1~")
}

// build835Set writes the ST … SE of an 835 answering claims.
func build835Set(st string, answers []answer, plbs ...plb) string {
	var segs []string
	seg := func(f string, args ...any) { segs = append(segs, fmt.Sprintf(f, args...)) }
	var claims []string
	var total money.Amount
	for _, a := range answers {
		sign := money.Amount(1)
		if a.negate {
			sign = -1
		}
		c := a.c
		var body []string
		bseg := func(f string, args ...any) { body = append(body, fmt.Sprintf(f, args...)) }
		var charge, paid, patient money.Amount
		for _, ca := range a.claimAdj {
			if ca.group == "PR" {
				patient += ca.amount
			}
		}
		for _, p := range a.lines {
			ln := c.Lines[p.line]
			lineCharge := ln.Charge
			if p.charge != 0 {
				lineCharge = p.charge
			}
			code := ln.Code
			if p.code != "" {
				code = p.code
			}
			paidUnits := p.units
			if paidUnits == "" {
				paidUnits = units(ln.Units)
			}
			proc := "HC:" + code
			for _, m := range ln.Modifiers {
				proc += ":" + m
			}
			svc := fmt.Sprintf("SVC*%s*%s*%s", proc, (sign * lineCharge).X12(), (sign * p.paid).X12())
			svc += "**" + paidUnits
			if p.code != "" && !p.extra {
				orig := "HC:" + ln.Code
				for _, m := range ln.Modifiers {
					orig += ":" + m
				}
				svc += "*" + orig
			}
			bseg("%s", svc)
			if ln.From == ln.To {
				bseg("DTM*472*%s", ln.From.Compact())
			} else {
				bseg("DTM*150*%s", ln.From.Compact())
				bseg("DTM*151*%s", ln.To.Compact())
			}
			for _, ca := range p.adj {
				bseg("CAS*%s*%s*%s", ca.group, ca.reason, (sign * ca.amount).X12())
				if ca.group == "PR" {
					patient += ca.amount
				}
			}
			switch {
			case p.ref != "":
				bseg("REF*6R*%s", p.ref)
			case !p.noRef && !p.extra:
				bseg("REF*6R*%s", ln.ID)
			}
			if p.allowed != 0 {
				bseg("AMT*B6*%s", (sign * p.allowed).X12())
			}
			for _, r := range p.remarks {
				bseg("LQ*HE*%s", r)
			}
			charge += lineCharge
			paid += p.paid
		}
		if len(a.lines) == 0 {
			charge = c.Total
			paid = c.Total
			for _, ca := range a.claimAdj {
				paid -= ca.amount
			}
		}
		status := a.status
		if status == "" {
			status = "1"
		}
		pcn := c.ID
		if a.pcn != "" {
			pcn = a.pcn
		}
		clp := fmt.Sprintf("CLP*%s*%s*%s*%s*%s*12*%s*12*1", pcn, status, (sign * charge).X12(), (sign * paid).X12(), (sign * patient).X12(), a.icn)
		claims = append(claims, clp)
		for _, ca := range a.claimAdj {
			claims = append(claims, fmt.Sprintf("CAS*%s*%s*%s", ca.group, ca.reason, (sign*ca.amount).X12()))
		}
		claims = append(claims, fmt.Sprintf("NM1*QC*1*%s*%s****MI*%s", c.Subscriber.Last, c.Subscriber.First, c.Subscriber.MemberID))
		claims = append(claims, body...)
		total += sign * paid
	}
	var plbTotal money.Amount
	var plbSegs []string
	for _, p := range plbs {
		ref := p.reason
		if p.ref != "" {
			ref += ":" + p.ref
		}
		plbSegs = append(plbSegs, fmt.Sprintf("PLB*1234567893*20261231*%s*%s", ref, p.amount.X12()))
		plbTotal += p.amount
	}
	seg("ST*835*%s", st)
	seg("BPR*I*%s*C*CHK************20260401", (total - plbTotal).X12())
	seg("TRN*1*CHK%s*1512345678", st)
	seg("N1*PR*EXAMPLE HEALTH PLAN")
	seg("N3*1 PLAN WAY")
	seg("N4*CHICAGO*IL*60601")
	seg("PER*BL*EDI*TE*8005551212")
	seg("N1*PE*ACME HOME INFUSION*XX*1234567893")
	seg("LX*1")
	segs = append(segs, claims...)
	segs = append(segs, plbSegs...)
	seg("SE*%d*%s", len(segs)+1, st)
	return strings.Join(segs, "~") + "~"
}
