package remit

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/coding"
	"github.com/perdiem/perdiem/episode"
	"github.com/perdiem/perdiem/money"
	"github.com/perdiem/perdiem/x12/x835"
)

// exampleClaim is the claim perdiem makes of examples/episode.json:
//
//	HIT20260301A-1 S9502     2026-03-02..15 14 units 2520.00
//	HIT20260301A-2 99601 SD  2026-03-02      1 unit   300.00
//	HIT20260301A-3 J0690     2026-03-02..15 84 units  357.00
//	HIT20260301A-4 S5520     2026-03-02      1 unit   450.00
//	HIT20260301A-5 99601     2026-03-09      1 unit   300.00
func exampleClaim(t testing.TB) *claim.Claim {
	t.Helper()
	data, err := os.ReadFile("../examples/episode.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := episode.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	res, err := coding.Code(doc, coding.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := coding.Claim(doc, res)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"S9502 2520.00", "99601 300.00", "J0690 357.00", "S5520 450.00", "99601 300.00"}
	if len(c.Lines) != len(want) {
		t.Fatalf("example claim has %d lines, want %d", len(c.Lines), len(want))
	}
	for i, ln := range c.Lines {
		if got := ln.Code + " " + ln.Charge.String(); got != want[i] || ln.ID != c.ID+"-"+string(rune('1'+i)) {
			t.Fatalf("example line %d is %s %s, want %s", i, ln.ID, got, want[i])
		}
	}
	return c
}

// contract is a price per line id, named by a term.
type contract map[string]money.Amount

func (k contract) Expected(c *claim.Claim, i int) (money.Amount, string, bool) {
	a, ok := k[c.Lines[i].ID]
	return a, "rate:" + c.Lines[i].Code, ok
}

// exampleContract prices the example claim: the per diem at 150.00 a day,
// the nursing visits at 250.00, the drug at 300.00, the supply at 400.00.
var exampleContract = contract{
	"HIT20260301A-1": 210000,
	"HIT20260301A-2": 25000,
	"HIT20260301A-3": 30000,
	"HIT20260301A-4": 40000,
	"HIT20260301A-5": 25000,
}

func m(s string) money.Amount {
	a, err := money.Parse(s)
	if err != nil {
		panic(err)
	}
	return a
}

func read835(t testing.TB, data []byte) []*x835.Remittance {
	t.Helper()
	rems, _, err := x835.Read(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return rems
}

func reconcile(t testing.TB, claims []*claim.Claim, data []byte, opt Options) *Report {
	t.Helper()
	rep, err := Reconcile(claims, read835(t, data), opt)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func kinds(flags []Flag) string {
	var s []string
	for _, f := range flags {
		s = append(s, string(f.Kind))
	}
	return strings.Join(s, ",")
}

func amt(a *money.Amount) string {
	if a == nil {
		return "-"
	}
	return a.String()
}

// TestPaidAsContracted: every line paid at the contract's price, the rest
// written off as CO-45: paid, nothing flagged, every variance 0.
func TestPaidAsContracted(t *testing.T) {
	c := exampleClaim(t)
	var lines []pay
	for i, ln := range c.Lines {
		e := exampleContract[ln.ID]
		lines = append(lines, pay{line: i, paid: e, allowed: e, adj: []cas{{"CO", "45", ln.Charge - e}}})
	}
	data := build835(t, "0001", []answer{{c: c, icn: "ICN1", lines: lines}})
	rep := reconcile(t, []*claim.Claim{c}, data, Options{Expecter: exampleContract})
	cp := rep.Remittances[0].Claims[0]
	if cp.ClaimID != c.ID || cp.Match != ByClaimID || cp.Outcome != Paid || len(cp.Flags) != 0 {
		t.Fatalf("claim: %s %s %s flags %s", cp.ClaimID, cp.Match, cp.Outcome, kinds(cp.Flags))
	}
	if amt(cp.Expected) != "3300.00" || cp.Paid != m("3300.00") {
		t.Errorf("claim expected %s paid %s, want 3300.00 both", amt(cp.Expected), cp.Paid)
	}
	for i, lp := range cp.Lines {
		if lp.LineID != c.Lines[i].ID || lp.Match != ByControlNumber || amt(lp.Variance) != "0.00" || len(lp.Flags) != 0 {
			t.Errorf("line %d: %s %s variance %s flags %s", i, lp.LineID, lp.Match, amt(lp.Variance), kinds(lp.Flags))
		}
		if lp.Term != "rate:"+c.Lines[i].Code {
			t.Errorf("line %d term %q", i, lp.Term)
		}
	}
	if o := rep.Claims[0]; o.Outcome != Paid || o.Paid != m("3300.00") || len(o.Payments) != 1 {
		t.Errorf("outcome %+v", o)
	}
}

// TestPartlyPaid: the payer cuts the per diem to 12 days, denies the first
// visit as bundled, takes coinsurance on the drug, overpays the supply,
// does not answer the second visit and pays a line never billed.
func TestPartlyPaid(t *testing.T) {
	c := exampleClaim(t)
	lines := []pay{
		// 12 days of 150.00 allowed: 300.00 under the contract.
		{line: 0, paid: m("1800"), allowed: m("1800"), units: "12", adj: []cas{{"CO", "45", m("720")}}},
		// denied: included in another service.
		{line: 1, paid: 0, adj: []cas{{"CO", "97", m("300")}}, remarks: []string{"N19"}},
		// allowed 300.00 as contracted; 60.00 coinsurance to the patient.
		{line: 2, paid: m("240"), allowed: m("300"), units: "84", adj: []cas{{"CO", "45", m("57")}, {"PR", "2", m("60")}}},
		// allowed in full: 50.00 over the contract; no AMT*B6 sent.
		{line: 3, paid: m("450")},
		// a line of another claim: A4222 is not on this one.
		{line: 3, paid: m("20"), code: "A4222", extra: true, charge: m("20")},
	}
	data := build835(t, "0002", []answer{{c: c, icn: "ICN2", lines: lines}})
	rep := reconcile(t, []*claim.Claim{c}, data, Options{Expecter: exampleContract})
	cp := rep.Remittances[0].Claims[0]
	if cp.Outcome != PartlyPaid {
		t.Errorf("outcome %s, want partly-paid", cp.Outcome)
	}
	want := []struct{ id, match, flags, variance, paid, patient string }{
		{"HIT20260301A-1", "line-control-number", "units-changed,underpaid", "300.00", "1800.00", "0.00"},
		{"HIT20260301A-2", "line-control-number", "denied", "250.00", "0.00", "0.00"},
		{"HIT20260301A-3", "line-control-number", "", "0.00", "240.00", "60.00"},
		{"HIT20260301A-4", "line-control-number", "overpaid", "-50.00", "450.00", "0.00"},
		{"", "unmatched", "unmatched-line", "-", "20.00", "0.00"},
		{"HIT20260301A-5", "not-in-remittance", "line-not-answered", "-", "0.00", "0.00"},
	}
	if len(cp.Lines) != len(want) {
		t.Fatalf("%d lines, want %d", len(cp.Lines), len(want))
	}
	for i, w := range want {
		lp := cp.Lines[i]
		got := []string{lp.LineID, string(lp.Match), kinds(lp.Flags), amt(lp.Variance), lp.Paid.String(), lp.PatientResponsibility.String()}
		if strings.Join(got, "|") != strings.Join([]string{w.id, w.match, w.flags, w.variance, w.paid, w.patient}, "|") {
			t.Errorf("line %d: got %v, want %+v", i, got, w)
		}
	}
	// The unmatched line keeps what the payer sent.
	if u := cp.Lines[4]; u.Code != "A4222" || u.Billed != m("20") || !strings.Contains(u.Flags[0].Message, "A4222") {
		t.Errorf("unmatched line %+v", u)
	}
	// The denial says why in words.
	d := cp.Lines[1]
	if len(d.Adjustments) != 1 || d.Adjustments[0].Reason != "97" || d.Adjustments[0].GroupMeaning != groups["CO"] ||
		!strings.HasPrefix(d.Adjustments[0].Meaning, "The benefit for this service is included in the payment/allowance for another service/procedure that has already been adjudicated") {
		t.Errorf("denial adjustments %+v", d.Adjustments)
	}
	if len(d.Remarks) != 1 || d.Remarks[0].Meaning != "Procedure code incidental to primary procedure." || d.Remarks[0].Status != "current" {
		t.Errorf("denial remarks %+v", d.Remarks)
	}
	if f := rep.Totals.Flags; f[Underpaid] != 1 || f[Overpaid] != 1 || f[DeniedFlag] != 1 || f[UnmatchedLine] != 1 || f[LineNotAnswered] != 1 {
		t.Errorf("totals %v", f)
	}

	// With a tolerance of 300.00 the cut per diem and the 50.00 overpayment
	// are within it; the denial is still a denial.
	rep = reconcile(t, []*claim.Claim{c}, data, Options{Expecter: exampleContract, Tolerance: m("300")})
	if f := rep.Totals.Flags; f[Underpaid] != 0 || f[Overpaid] != 0 || f[DeniedFlag] != 1 {
		t.Errorf("with tolerance: %v", f)
	}
	// An Expecter that knows each claim's tolerance (its contract's) is
	// judged by it, not by Options.Tolerance: 60.00 lets the 50.00
	// overpayment pass, not the 300.00 cut.
	rep = reconcile(t, []*claim.Claim{c}, data, Options{Expecter: tolerant{exampleContract, m("60")}, Tolerance: m("300")})
	if f := rep.Totals.Flags; f[Underpaid] != 1 || f[Overpaid] != 0 || f[DeniedFlag] != 1 {
		t.Errorf("with the claim's own tolerance: %v", f)
	}
	// Without a contract nothing is under- or overpaid, and nothing expected.
	rep = reconcile(t, []*claim.Claim{c}, data, Options{})
	if f := rep.Totals.Flags; f[Underpaid] != 0 || f[Overpaid] != 0 || rep.Remittances[0].Claims[0].Lines[0].Expected != nil {
		t.Errorf("without contract: %v", f)
	}
}

// TestReversalAndCorrection: a payment, then in a later 835 its reversal
// (every amount negated) and the corrected adjudication.
func TestReversalAndCorrection(t *testing.T) {
	c := exampleClaim(t)
	var first, second []pay
	for i, ln := range c.Lines {
		e := exampleContract[ln.ID]
		first = append(first, pay{line: i, paid: e, allowed: e, adj: []cas{{"CO", "45", ln.Charge - e}}})
		// The correction pays the drug at 250.00 instead.
		if i == 2 {
			e = m("250")
		}
		second = append(second, pay{line: i, paid: e, allowed: e, adj: []cas{{"CO", "45", ln.Charge - e}}})
	}
	var b bytes.Buffer
	writeISA(&b)
	b.WriteString(build835Set("0001", []answer{{c: c, icn: "ICN1", lines: first}}))
	b.WriteString(build835Set("0002", []answer{
		{c: c, icn: "ICN1", status: "22", lines: first, negate: true},
		{c: c, icn: "ICN9", lines: second},
	}))
	b.WriteString("GE*2*7~IEA*1*000000777~")
	rems := read835(t, b.Bytes())
	for _, r := range rems {
		for _, f := range r.Findings {
			t.Errorf("built 835: %v", f)
		}
	}
	rep, err := Reconcile([]*claim.Claim{c}, rems, Options{Expecter: exampleContract})
	if err != nil {
		t.Fatal(err)
	}
	rev, cor := rep.Remittances[1].Claims[0], rep.Remittances[1].Claims[1]
	if rev.Outcome != Reversed || kinds(rev.Flags) != "reversal" || !strings.Contains(rev.Flags[0].Message, "payer claim ICN1 (remittance 0001, claim 1)") {
		t.Errorf("reversal: %s %v", rev.Outcome, rev.Flags)
	}
	// A reversal's negated lines are not underpayments.
	for _, lp := range rev.Lines {
		if len(lp.Flags) != 0 || lp.Paid >= 0 {
			t.Errorf("reversal line %s: paid %s flags %v", lp.LineID, lp.Paid, lp.Flags)
		}
	}
	if kinds(cor.Flags) != "correction" || !strings.Contains(cor.Flags[0].Message, "payer claim ICN1 (remittance 0002, claim 1)") {
		t.Errorf("correction flags %v", cor.Flags)
	}
	if cor.Outcome != PartlyPaid || kinds(cor.Lines[2].Flags) != "underpaid" || amt(cor.Lines[2].Variance) != "50.00" {
		t.Errorf("correction: %s, drug line %v %s", cor.Outcome, cor.Lines[2].Flags, amt(cor.Lines[2].Variance))
	}
	o := rep.Claims[0]
	// Net: 3300.00 − 3300.00 + 3250.00.
	if o.Outcome != PartlyPaid || o.Paid != m("3250") || len(o.Payments) != 3 {
		t.Errorf("claim outcome %s paid %s payments %d", o.Outcome, o.Paid, len(o.Payments))
	}

	// A reversal with no correction leaves the claim reversed.
	rep, err = Reconcile([]*claim.Claim{c}, rems[:1], Options{})
	if err != nil {
		t.Fatal(err)
	}
	data := build835(t, "0003", []answer{{c: c, icn: "ICN1", status: "22", lines: first, negate: true}})
	r := NewReconciler([]*claim.Claim{c}, Options{})
	for _, rem := range append(rems[:1:1], read835(t, data)...) {
		if _, err := r.Add(rem); err != nil {
			t.Fatal(err)
		}
	}
	outs, totals := r.Finish()
	if outs[0].Outcome != Reversed || outs[0].Paid != 0 || totals.Flags[Reversal] != 1 {
		t.Errorf("reversed alone: %s paid %s flags %v", outs[0].Outcome, outs[0].Paid, totals.Flags)
	}
	if rep.Claims[0].Outcome != Paid {
		t.Errorf("before the reversal: %s", rep.Claims[0].Outcome)
	}
}

// TestUnknownCodes: a reason and a remark code on no list are shown as
// unknown, with their amounts, never dropped.
func TestUnknownCodes(t *testing.T) {
	c := exampleClaim(t)
	data := build835(t, "0001", []answer{{c: c, icn: "ICN1", lines: []pay{
		{line: 0, paid: m("2000"), adj: []cas{{"CO", "ZZ9", m("500")}, {"OA", "A7", m("20")}}, remarks: []string{"XX999", "N14"}},
	}}})
	rep := reconcile(t, []*claim.Claim{c}, data, Options{})
	lp := rep.Remittances[0].Claims[0].Lines[0]
	if len(lp.Adjustments) != 2 || len(lp.Remarks) != 2 {
		t.Fatalf("adjustments %v remarks %v", lp.Adjustments, lp.Remarks)
	}
	if a := lp.Adjustments[0]; a.Reason != "ZZ9" || a.Meaning != Unknown || a.Status != "unknown" || a.Amount != m("500") {
		t.Errorf("unknown CARC %+v", a)
	}
	if a := lp.Adjustments[1]; a.Meaning != "Presumptive Payment Adjustment" || a.Status != "deactivated" {
		t.Errorf("deactivated CARC %+v", a)
	}
	if r := lp.Remarks[0]; r.Code != "XX999" || r.Meaning != Unknown || r.Status != "unknown" {
		t.Errorf("unknown RARC %+v", r)
	}
	if r := lp.Remarks[1]; r.Status != "deactivated" || !strings.HasPrefix(r.Meaning, "Payment based on a contractual amount") {
		t.Errorf("deactivated RARC %+v", r)
	}
}

// TestMatchFallbacks: a line with no REF*6R, or one naming no line, is
// matched by code and date; a mangled CLP01 by member id, charge and
// dates; two claims that fit equally are left to a person.
func TestMatchFallbacks(t *testing.T) {
	c := exampleClaim(t)
	data := build835(t, "0001", []answer{{c: c, pcn: "HIT2026030", icn: "ICN1", lines: []pay{
		{line: 4, paid: m("300"), noRef: true},
		{line: 1, paid: m("300"), ref: "WRONG-7"},
		{line: 0, paid: m("2520")},
		{line: 3, paid: m("450"), noRef: true},
		{line: 2, paid: m("357")},
	}}})
	rep := reconcile(t, []*claim.Claim{c}, data, Options{})
	cp := rep.Remittances[0].Claims[0]
	if cp.ClaimID != c.ID || cp.Match != ByMember {
		t.Fatalf("claim matched %q by %s", cp.ClaimID, cp.Match)
	}
	// Both visits are 99601 at 300.00: the dates and the modifier decide.
	got := []string{}
	for _, lp := range cp.Lines {
		got = append(got, lp.LineID+" "+string(lp.Match))
	}
	want := "HIT20260301A-5 code-and-date|HIT20260301A-2 code-and-date|HIT20260301A-1 line-control-number|HIT20260301A-4 code-and-date|HIT20260301A-3 line-control-number"
	if strings.Join(got, "|") != want {
		t.Errorf("lines\n got %s\nwant %s", strings.Join(got, "|"), want)
	}
	if cp.Lines[1].ControlNumber != "WRONG-7" {
		t.Errorf("the payer's REF*6R is lost: %q", cp.Lines[1].ControlNumber)
	}

	// A claim answered at claim level, with no date anywhere, is not
	// matched by member and charge alone.
	undated := build835(t, "0002", []answer{{c: c, pcn: "HIT2026030", icn: "ICN1", claimAdj: []cas{{"CO", "45", m("100")}}}})
	if cp := reconcile(t, []*claim.Claim{c}, undated, Options{}).Remittances[0].Claims[0]; cp.Match != Unmatched {
		t.Errorf("undated claim matched %q by %s", cp.ClaimID, cp.Match)
	}

	twin := *c
	twin.ID = "HIT20260301B"
	rep = reconcile(t, []*claim.Claim{c, &twin}, data, Options{})
	if cp := rep.Remittances[0].Claims[0]; cp.ClaimID != "" || kinds(cp.Flags) != "unmatched-claim" {
		t.Errorf("two fitting claims: matched %q, flags %s", cp.ClaimID, kinds(cp.Flags))
	}
	if o := rep.Claims; o[0].Outcome != NoRemittance || o[1].Outcome != NoRemittance || kinds(o[0].Flags) != "no-remittance" {
		t.Errorf("claims not answered: %s %s", o[0].Outcome, o[1].Outcome)
	}
}

// TestDeniedClaim: CLP02 4 with claim-level adjustments only: the claim is
// denied, its lines are listed unanswered without a flag each.
func TestDeniedClaim(t *testing.T) {
	c := exampleClaim(t)
	data := build835(t, "0001", []answer{{c: c, icn: "ICN1", status: "4", claimAdj: []cas{{"CO", "197", c.Total}}}})
	rep := reconcile(t, []*claim.Claim{c}, data, Options{Expecter: exampleContract})
	cp := rep.Remittances[0].Claims[0]
	if cp.Outcome != Denied || kinds(cp.Flags) != "denied" || cp.Paid != 0 || rep.Claims[0].Outcome != Denied {
		t.Errorf("denied claim: %s %s paid %s", cp.Outcome, kinds(cp.Flags), cp.Paid)
	}
	if len(cp.Adjustments) != 1 || cp.Adjustments[0].Meaning != "Precertification/authorization/notification/pre-treatment absent." {
		t.Errorf("claim adjustments %+v", cp.Adjustments)
	}
	if len(cp.Lines) != 5 {
		t.Fatalf("%d lines", len(cp.Lines))
	}
	for _, lp := range cp.Lines {
		if lp.Match != NotInRemittance || len(lp.Flags) != 0 || lp.Expected == nil {
			t.Errorf("line %s: %s flags %v expected %s", lp.LineID, lp.Match, lp.Flags, amt(lp.Expected))
		}
	}
}

// TestSplitAndRecodedLines: one line answered by two SVC with its REF*6R
// is one line with their sums; a line paid under another code says so.
func TestSplitAndRecodedLines(t *testing.T) {
	c := exampleClaim(t)
	data := build835(t, "0001", []answer{{c: c, icn: "ICN1", lines: []pay{
		{line: 0, paid: m("1200"), charge: m("1260"), units: "7", adj: []cas{{"CO", "45", m("60")}}},
		{line: 0, paid: m("900"), charge: m("1260"), units: "7", adj: []cas{{"CO", "45", m("360")}}},
		{line: 2, paid: m("300"), code: "J0692", units: "84", adj: []cas{{"CO", "45", m("57")}}},
	}}})
	rep := reconcile(t, []*claim.Claim{c}, data, Options{Expecter: exampleContract})
	cp := rep.Remittances[0].Claims[0]
	split, recoded := cp.Lines[0], cp.Lines[1]
	if split.LineID != "HIT20260301A-1" || split.Paid != m("2100") || split.PaidUnits != "14" || kinds(split.Flags) != "split-line" || amt(split.Variance) != "0.00" {
		t.Errorf("split line: %s paid %s units %s flags %s variance %s", split.LineID, split.Paid, split.PaidUnits, kinds(split.Flags), amt(split.Variance))
	}
	if recoded.LineID != "HIT20260301A-3" || recoded.PaidCode != "J0692" || recoded.Code != "J0690" || kinds(recoded.Flags) != "code-changed" {
		t.Errorf("recoded line: %s %s/%s flags %s", recoded.LineID, recoded.Code, recoded.PaidCode, kinds(recoded.Flags))
	}
}

// TestProviderAdjustments: a PLB is reported with its meaning, and a WO
// naming a payer claim number seen earlier is linked to our claim.
func TestProviderAdjustments(t *testing.T) {
	c := exampleClaim(t)
	data := build835(t, "0001", []answer{{c: c, icn: "ICN1", lines: []pay{{line: 3, paid: m("450")}}}},
		plb{"WO", "ICN1", m("100")}, plb{"L6", "", m("-2.50")}, plb{"Q1", "", m("1")})
	rep := reconcile(t, []*claim.Claim{c}, data, Options{})
	r := rep.Remittances[0]
	if len(r.ProviderAdjustments) != 3 {
		t.Fatalf("%d provider adjustments", len(r.ProviderAdjustments))
	}
	wo, l6, q1 := r.ProviderAdjustments[0], r.ProviderAdjustments[1], r.ProviderAdjustments[2]
	if wo.Meaning != "overpayment recovery" || wo.ClaimID != c.ID || wo.Amount != m("100") {
		t.Errorf("WO %+v", wo)
	}
	if l6.Meaning != "interest owed" || l6.ClaimID != "" || l6.Amount != m("-2.50") {
		t.Errorf("L6 %+v", l6)
	}
	if q1.Meaning != Unknown {
		t.Errorf("Q1 %+v", q1)
	}
	// 450.00 paid on the claim − 98.50 of provider adjustments.
	if r.Payment != m("351.50") || rep.Totals.ProviderAdjustments != m("98.50") || rep.Totals.Flags[ProviderLevel] != 3 {
		t.Errorf("payment %s, PLB total %s, flags %v", r.Payment, rep.Totals.ProviderAdjustments, rep.Totals.Flags)
	}
}

// TestSecondaryPaidByPrimary: a secondary payer that pays nothing because
// the primary paid it all (OA-23 on each line) has not denied the claim.
func TestSecondaryPaidByPrimary(t *testing.T) {
	c := exampleClaim(t)
	var lines []pay
	for i, ln := range c.Lines {
		lines = append(lines, pay{line: i, paid: 0, adj: []cas{{"OA", "23", ln.Charge}}})
	}
	data := build835(t, "0001", []answer{{c: c, icn: "ICN1", status: "2", lines: lines}})
	cp := reconcile(t, []*claim.Claim{c}, data, Options{}).Remittances[0].Claims[0]
	if cp.Outcome != Paid || len(cp.Flags) != 0 {
		t.Errorf("outcome %s flags %v", cp.Outcome, cp.Flags)
	}
	for _, lp := range cp.Lines {
		if len(lp.Flags) != 0 {
			t.Errorf("line %s flags %v", lp.LineID, lp.Flags)
		}
	}
}

// tolerant is an Expecter with a tolerance of its own for every claim.
type tolerant struct {
	Expecter
	tol money.Amount
}

func (t tolerant) Tolerance(*claim.Claim) (money.Amount, bool) { return t.tol, true }
