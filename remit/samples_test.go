package remit

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/money"
	"github.com/perdiem/perdiem/x12/x835"
)

// The 835 samples are the repository's (testdata/x12/835, sources in
// testdata/x12/README.md). The claims below are built to be the ones each
// sample answers, from what the sample says was billed.

func sample(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "x12", "835", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func day(s string) civil.Date {
	d, err := civil.Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

// sent is a claim sent: id, member id, and its lines.
func sent(id, member string, lines ...claim.Line) *claim.Claim {
	c := &claim.Claim{ID: id, Frequency: "1", Subscriber: claim.Subscriber{MemberID: member}}
	for i, ln := range lines {
		c.Total += ln.Charge
		if i == 0 || ln.From < c.Period.From {
			c.Period.From = ln.From
		}
		if ln.To > c.Period.To {
			c.Period.To = ln.To
		}
		c.Lines = append(c.Lines, ln)
	}
	return c
}

func line(id, code, from, to string, units float64, charge string, mods ...string) claim.Line {
	return claim.Line{ID: id, Code: code, Modifiers: mods, From: day(from), To: day(to), Units: units, Charge: m(charge)}
}

// TestSampleExample5a: X12's example 5a, a professional claim paid under
// the fee schedule. With a contract of 3.00 for 99214 and 10.00 for 36415,
// the office visit is paid as agreed (3.00 allowed, 3.06 paid with a
// regulatory surcharge) and the venipuncture is 2.00 short: partly paid.
func TestSampleExample5a(t *testing.T) {
	c := sent("PCN", "123456789",
		line("B1", "99214", "2017-01-09", "2017-01-09", 1, "26.20"),
		line("B2", "36415", "2017-01-09", "2017-01-09", 1, "10.00"))
	k := contract{"B1": m("3"), "B2": m("10")}
	rep := reconcile(t, []*claim.Claim{c}, fixedISA(t), Options{Expecter: k})
	cp := rep.Remittances[0].Claims[0]
	if cp.ClaimID != "PCN" || cp.Outcome != PartlyPaid || cp.Paid != m("11.06") || cp.Billed != m("36.20") {
		t.Fatalf("claim %s %s paid %s billed %s", cp.ClaimID, cp.Outcome, cp.Paid, cp.Billed)
	}
	if len(cp.Remarks) != 1 || cp.Remarks[0].Code != "N25" || !strings.HasPrefix(cp.Remarks[0].Meaning, "This company has been contracted by your benefit plan") {
		t.Errorf("claim remarks %+v", cp.Remarks)
	}
	b1, b2 := cp.Lines[0], cp.Lines[1]
	if b1.LineID != "B1" || b1.Match != ByControlNumber || amt(b1.Allowed) != "3.00" || b1.Paid != m("3.06") || amt(b1.Variance) != "0.00" || len(b1.Flags) != 0 {
		t.Errorf("B1: %s %s allowed %s paid %s variance %s flags %v", b1.LineID, b1.Match, amt(b1.Allowed), b1.Paid, amt(b1.Variance), b1.Flags)
	}
	adj := []string{}
	for _, a := range b1.Adjustments {
		adj = append(adj, a.Group+"-"+a.Reason+" "+a.Amount.String()+" "+a.Meaning)
	}
	want := "CO-45 23.20 Charge exceeds fee schedule/maximum allowable or contracted/legislated fee arrangement.|" +
		"CO-137 -0.06 Regulatory Surcharges, Assessments, Allowances or Health Related Taxes."
	if strings.Join(adj, "|") != want {
		t.Errorf("B1 adjustments\n got %s\nwant %s", strings.Join(adj, "|"), want)
	}
	if b2.LineID != "B2" || amt(b2.Allowed) != "8.00" || b2.Paid != m("8") || amt(b2.Variance) != "2.00" || kinds(b2.Flags) != "underpaid" {
		t.Errorf("B2: allowed %s paid %s variance %s flags %v", amt(b2.Allowed), b2.Paid, amt(b2.Variance), b2.Flags)
	}
	if rep.Claims[0].Outcome != PartlyPaid || rep.Claims[0].Paid != m("11.06") {
		t.Errorf("outcome %+v", rep.Claims[0])
	}
}

// TestSampleSecondaryPayments: a secondary payer's remittance. The first
// claim is answered at claim level (the prior payer's 9,411.64 as OA-23),
// the second by lines with no REF*6R, matched by code and date; 220.00 is
// left to the patient.
func TestSampleSecondaryPayments(t *testing.T) {
	hosp := sent("L0004828311", "XXX123456789", line("L0004828311-1", "99223", "2005-03-03", "2005-03-04", 2, "10323.64"))
	prof := sent("0001000053", "456789123",
		line("0001000053-1", "12345", "2005-01-06", "2005-01-06", 1, "166.50", "26"),
		line("0001000053-2", "66543", "2005-01-06", "2005-01-06", 1, "585.00", "26"))
	rep := reconcile(t, []*claim.Claim{hosp, prof}, sample(t, "stupidedi__secondary-payments.edi"), Options{})
	r := rep.Remittances[0]
	if r.Payment != m("1222") || len(r.Claims) != 2 {
		t.Fatalf("payment %s, %d claims", r.Payment, len(r.Claims))
	}
	c1, c2 := r.Claims[0], r.Claims[1]
	if c1.ClaimID != hosp.ID || c1.Outcome != Paid || c1.Status != "2" || c1.StatusMeaning != "processed as secondary" || len(c1.Flags) != 0 {
		t.Errorf("claim 1: %s %s %s %q flags %v", c1.ClaimID, c1.Outcome, c1.Status, c1.StatusMeaning, c1.Flags)
	}
	if len(c1.Adjustments) != 1 || c1.Adjustments[0].Group != "OA" || c1.Adjustments[0].Reason != "23" || c1.Adjustments[0].Amount != m("9411.64") {
		t.Errorf("claim 1 adjustments %+v", c1.Adjustments)
	}
	if len(c1.Lines) != 1 || c1.Lines[0].Match != NotInRemittance || len(c1.Lines[0].Flags) != 0 {
		t.Errorf("claim 1 lines %+v", c1.Lines)
	}
	if c2.ClaimID != prof.ID || c2.Outcome != Paid || c2.PatientResponsibility != m("220") {
		t.Errorf("claim 2: %s %s patient %s", c2.ClaimID, c2.Outcome, c2.PatientResponsibility)
	}
	l1, l2 := c2.Lines[0], c2.Lines[1]
	if l1.LineID != "0001000053-1" || l1.Match != ByCodeAndDate || l1.Paid != m("30") || amt(l1.Allowed) != "150.00" {
		t.Errorf("line 1: %s %s paid %s allowed %s", l1.LineID, l1.Match, l1.Paid, amt(l1.Allowed))
	}
	if l2.LineID != "0001000053-2" || l2.Match != ByCodeAndDate || l2.Paid != m("280") || l2.PatientResponsibility != m("220") || len(l2.Adjustments) != 3 {
		t.Errorf("line 2: %s %s paid %s patient %s adjustments %d", l2.LineID, l2.Match, l2.Paid, l2.PatientResponsibility, len(l2.Adjustments))
	}
	// CO-42 is deactivated but still said in words.
	if a := l2.Adjustments[2]; a.Reason != "42" || a.Status != "deactivated" || a.Meaning == Unknown {
		t.Errorf("CO-42 %+v", a)
	}
}

// TestSampleDenied: pyx12's remittance denies a claim (CLP02 4) with a
// deactivated reason (A7) and remark (N14) on each of three lines dated by
// DTM*150/151, with no REF*6R.
func TestSampleDenied(t *testing.T) {
	c := sent("2005555A", "00001612",
		line("2005555A-1", "T1005", "2003-10-30", "2003-10-30", 16, "127.80"),
		line("2005555A-2", "T1005", "2003-10-31", "2003-10-31", 36, "287.55"),
		line("2005555A-3", "T1005", "2003-11-29", "2003-11-29", 68, "500.04"))
	rep := reconcile(t, []*claim.Claim{c}, sample(t, "pyx12__835_mult_loops.x12"), Options{})
	cp := rep.Remittances[0].Claims[0]
	if cp.Outcome != Denied || kinds(cp.Flags) != "denied" || rep.Claims[0].Outcome != Denied {
		t.Fatalf("claim %s flags %s", cp.Outcome, kinds(cp.Flags))
	}
	// The remittance lists 11-29 first; each goes to the line of its date.
	want := []string{"2005555A-3 CO-16", "2005555A-1 OA-A7", "2005555A-2 OA-A7"}
	for i, w := range want {
		lp := cp.Lines[i]
		got := lp.LineID + " " + lp.Adjustments[0].Group + "-" + lp.Adjustments[0].Reason
		if got != w || lp.Match != ByCodeAndDate || kinds(lp.Flags) != "denied" {
			t.Errorf("line %d: %s %s flags %s, want %s", i, got, lp.Match, kinds(lp.Flags), w)
		}
		if len(lp.Remarks) != 1 || lp.Remarks[0].Code != "N14" || lp.Remarks[0].Status != "deactivated" {
			t.Errorf("line %d remarks %+v", i, lp.Remarks)
		}
	}
}

// TestSampleProviderAdjustment: the Medicare Part A remittance closes with
// PLB CV −1.27 (capital passthru), which raises the payment; with no claims
// given, both claims are reported unmatched, not dropped.
func TestSampleProviderAdjustment(t *testing.T) {
	rep := reconcile(t, nil, sample(t, "stupidedi__dollars-and-data-sent-together.edi"), Options{})
	r := rep.Remittances[0]
	if len(r.ProviderAdjustments) != 1 {
		t.Fatalf("%d provider adjustments", len(r.ProviderAdjustments))
	}
	if p := r.ProviderAdjustments[0]; p.Reason != "CV" || p.Meaning != "capital passthru" || p.Amount != m("-1.27") || p.Reference != "CP" {
		t.Errorf("PLB %+v", p)
	}
	if r.Payment != m("150000") || rep.Totals.ClaimsPaid != m("149998.73") {
		t.Errorf("payment %s, claims paid %s", r.Payment, rep.Totals.ClaimsPaid)
	}
	for _, cp := range r.Claims {
		if cp.ClaimID != "" || cp.Match != Unmatched || kinds(cp.Flags) != "unmatched-claim" {
			t.Errorf("claim %s: %q %s %s", cp.PatientControlNumber, cp.ClaimID, cp.Match, kinds(cp.Flags))
		}
	}
	if rep.Totals.Flags[UnmatchedClaim] != 2 || rep.Totals.Flags[ProviderLevel] != 1 {
		t.Errorf("flags %v", rep.Totals.Flags)
	}
}

// TestSamplesNothingDropped: for every 835 sample, reconciled against no
// claims, every claim, service line, adjustment and remark the reader
// read is in the report with its amount.
func TestSamplesNothingDropped(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "x12", "835", "*"))
	if err != nil || len(files) < 14 {
		t.Fatalf("samples: %v %d", err, len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasSuffix(f, "5a.edi") {
				data = fixedISA(t)
			}
			rems, _, err := x835.Read(bytes.NewReader(data))
			if filepath.Base(f) == "keironstoddart__blue_cross_nc_sample.x12" {
				// An ST with no ISA is not X12 to the reader (its tests pin it).
				if err == nil {
					t.Fatal("the ST with no ISA was read")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			rep, err := Reconcile(nil, rems, Options{})
			if err != nil {
				t.Fatal(err)
			}
			for i, rem := range rems {
				got := rep.Remittances[i]
				if len(got.Claims) != len(rem.Claims) {
					t.Fatalf("remittance %d: %d claims of %d", i, len(got.Claims), len(rem.Claims))
				}
				for j, cl := range rem.Claims {
					cp := got.Claims[j]
					if len(cp.Lines) != len(cl.ServiceLines) {
						t.Errorf("claim %d: %d lines of %d", j, len(cp.Lines), len(cl.ServiceLines))
						continue
					}
					if n, s := casTotals(cl.Adjustments); n != len(cp.Adjustments) || s != adjSum(cp.Adjustments) {
						t.Errorf("claim %d: adjustments %d %s, report %d %s", j, n, s, len(cp.Adjustments), adjSum(cp.Adjustments))
					}
					if len(cp.Remarks) != len(cl.RemarkCodes) {
						t.Errorf("claim %d: %d remarks of %d", j, len(cp.Remarks), len(cl.RemarkCodes))
					}
					for k, l := range cl.ServiceLines {
						lp := cp.Lines[k]
						n, s := casTotals(l.Adjustments)
						if lp.Paid != l.Paid || lp.Billed != l.Charge || n != len(lp.Adjustments) || s != adjSum(lp.Adjustments) || len(lp.Remarks) != len(l.Remarks) {
							t.Errorf("claim %d line %d: report %+v", j, k, lp)
						}
						for _, a := range lp.Adjustments {
							if a.Meaning == "" || a.Status == "" {
								t.Errorf("claim %d line %d: adjustment without meaning %+v", j, k, a)
							}
						}
					}
				}
			}
		})
	}
}

func casTotals(adj []x835.Adjustment) (int, money.Amount) {
	n, s := 0, money.Amount(0)
	for _, a := range adj {
		for _, r := range a.Reasons {
			n++
			s += r.Amount
		}
	}
	return n, s
}

func adjSum(adj []Adjustment) money.Amount {
	var s money.Amount
	for _, a := range adj {
		s += a.Amount
	}
	return s
}

// fixedISA is X12's example 5a with its padded ISA made fixed-width
// (testdata/SOURCES.md), which the 835 reader refuses as published.
func fixedISA(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "example-5a-fixed-isa.edi"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}
