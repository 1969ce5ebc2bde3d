package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const partlyPaid835 = "testdata/reconcile/partly-paid.835"

// reconJSONOut is the part of the JSON report the tests read.
type reconJSONOut struct {
	Remittances []struct {
		ControlNumber string `json:"control_number"`
		Claims        []struct {
			ClaimID string `json:"claim_id"`
			Match   string `json:"match"`
			Outcome string `json:"outcome"`
			Lines   []struct {
				LineID string `json:"line_id"`
				Match  string `json:"match"`
				Paid   json.Number
				Flags  []struct{ Kind string }
			} `json:"lines"`
		} `json:"claims"`
		ProviderAdjustments []struct {
			Reason  string `json:"reason"`
			ClaimID string `json:"claim_id"`
		} `json:"provider_adjustments"`
	} `json:"remittances"`
	Claims []struct {
		ClaimID string `json:"claim_id"`
		Outcome string `json:"outcome"`
		Paid    json.Number
	} `json:"claims"`
	Totals struct {
		Payments json.Number
		Flags    map[string]int
	} `json:"totals"`
}

// TestReconcileJSON: the example episode's claim against an 835 that
// cuts, denies, adds and leaves out lines: the report as JSON.
func TestReconcileJSON(t *testing.T) {
	code, out, errs := runCmd("", "reconcile", "--claims", "../../examples/episode.json", "--remit", partlyPaid835, "--format", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var o reconJSONOut
	if err := json.Unmarshal([]byte(out), &o); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(o.Remittances) != 1 || len(o.Remittances[0].Claims) != 2 {
		t.Fatalf("%+v", o)
	}
	c := o.Remittances[0].Claims[0]
	if c.ClaimID != "HIT20260301A" || c.Outcome != "partly-paid" || len(c.Lines) != 6 {
		t.Errorf("claim %+v", c)
	}
	var got []string
	for _, l := range c.Lines {
		var k []string
		for _, f := range l.Flags {
			k = append(k, f.Kind)
		}
		got = append(got, l.LineID+" "+l.Match+" "+string(l.Paid)+" "+strings.Join(k, ","))
	}
	want := []string{
		"HIT20260301A-1 line-control-number 1800.00 units-changed",
		"HIT20260301A-2 line-control-number 0.00 denied",
		"HIT20260301A-3 line-control-number 240.00 ",
		"HIT20260301A-4 line-control-number 450.00 ",
		" unmatched 20.00 unmatched-line",
		"HIT20260301A-5 not-in-remittance 0.00 line-not-answered",
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("lines\n got %q\nwant %q", got, want)
	}
	// OTHER1 has no date: the same patient and charge are no match.
	if u := o.Remittances[0].Claims[1]; u.ClaimID != "" || u.Match != "unmatched" || u.Outcome != "denied" {
		t.Errorf("other claim %+v", u)
	}
	if p := o.Remittances[0].ProviderAdjustments; len(p) != 1 || p[0].Reason != "WO" || p[0].ClaimID != "HIT20260301A" {
		t.Errorf("PLB %+v", p)
	}
	if len(o.Claims) != 1 || o.Claims[0].Outcome != "partly-paid" || o.Claims[0].Paid != "2510.00" {
		t.Errorf("claims sent %+v", o.Claims)
	}
	if o.Totals.Payments != "2410.00" || o.Totals.Flags["unmatched-claim"] != 1 || o.Totals.Flags["denied"] != 2 {
		t.Errorf("totals %+v", o.Totals)
	}
}

// TestReconcileCSV: one row per line, a claim row for a claim with no
// lines, a row for the PLB; money as plain decimals.
func TestReconcileCSV(t *testing.T) {
	code, out, errs := runCmd("", "reconcile", "--claims", "../../examples/episode.json", "--remit", partlyPaid835, "--format", "csv")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != strings.Join(csvColumns, ",") {
		t.Errorf("header %v", recs[0])
	}
	col := map[string]int{}
	for i, c := range recs[0] {
		col[c] = i
	}
	var kinds []string
	for _, r := range recs[1:] {
		kinds = append(kinds, r[col["row"]])
	}
	if strings.Join(kinds, ",") != "line,line,line,line,line,line,claim,provider-adjustment" {
		t.Errorf("rows %v", kinds)
	}
	drug := recs[3]
	if drug[col["line_id"]] != "HIT20260301A-3" || drug[col["billed"]] != "357.00" || drug[col["allowed"]] != "300.00" ||
		drug[col["paid"]] != "240.00" || drug[col["patient_responsibility"]] != "60.00" ||
		drug[col["adjustments"]] != "CO-45 57.00 (Charge exceeds fee schedule/maximum allowable or contracted/legislated fee arrangement.); PR-2 60.00 (Coinsurance Amount)" {
		t.Errorf("drug row %q", drug)
	}
	if other := recs[7]; other[col["patient_control_number"]] != "OTHER1" || other[col["billed"]] != "3927.00" || !strings.HasPrefix(other[col["claim_flags"]], "unmatched-claim: ") {
		t.Errorf("claim row %q", other)
	}
	if plb := recs[8]; plb[col["code"]] != "WO" || plb[col["provider_adjustment"]] != "100.00" || plb[col["claim_id"]] != "HIT20260301A" {
		t.Errorf("PLB row %q", plb)
	}
}

// TestReconcileFrom837: the 837P that 'perdiem claim' writes reconciles
// exactly as the episode it was written from.
func TestReconcileFrom837(t *testing.T) {
	dir := t.TempDir()
	out837 := filepath.Join(dir, "claims.837")
	if code, _, errs := runCmd("", "claim", "../../examples/episode.json", "--out", out837, "--state", filepath.Join(dir, "state")); code != exitOK {
		t.Fatalf("claim: exit %d: %s", code, errs)
	}
	// With a contract too: each line read from the 837P is priced as the
	// kind of line it is (a drug, a visit), not as a per diem.
	for _, extra := range [][]string{nil, {"--contract", "../../examples/contract/example-health.json"}} {
		code, from837, errs := runCmd("", append([]string{"reconcile", "--claims", out837, "--remit", partlyPaid835, "--format", "csv"}, extra...)...)
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errs)
		}
		_, fromEpisode, _ := runCmd("", append([]string{"reconcile", "--claims", "../../examples/episode.json", "--remit", partlyPaid835, "--format", "csv"}, extra...)...)
		if from837 != fromEpisode {
			t.Errorf("%v from the 837P:\n%s\nfrom the episode:\n%s", extra, from837, fromEpisode)
		}
	}
}

// TestReconcileText: the report for people names each flag and each
// adjustment in words.
func TestReconcileText(t *testing.T) {
	code, out, errs := runCmd("", "reconcile", "--claims", "../../examples/episode.json", "--remit", partlyPaid835)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"REMITTANCE 0001  EXAMPLE HEALTH PLAN to ACME HOME INFUSION  CHK CHK0001 of 2026-04-01  payment 2410.00",
		"CLAIM HIT20260301A  partly-paid  CLP01 HIT20260301A, payer claim ICN2, status 1 processed as primary; matched by claim-id",
		"CO-97 300.00  The benefit for this service is included in the payment/allowance for another service/procedure that has already been adjudicated.",
		"remark N19  Procedure code incidental to primary procedure.",
		"! units-changed: 12 units paid of 14 billed",
		"! unmatched-line: no line of claim HIT20260301A matches this service line (A4222, 2026-03-02)",
		"CLAIM (no claim sent matches)  denied  CLP01 OTHER1",
		"WO 100.00  overpayment recovery (provider 1234567893, period 2026-12-31, reference ICN2, claim HIT20260301A)",
		"TOTALS  1 remittance(s), payments 2410.00, paid on claims 2510.00, provider adjustments 100.00, patient responsibility 60.00",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
}

// TestReconcileBadInput: usage and input errors exit 2 with nothing on
// standard output.
func TestReconcileBadInput(t *testing.T) {
	dir := t.TempDir()
	noClaim := filepath.Join(dir, "no-claim.json")
	data, err := os.ReadFile("../../examples/episode.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc, "claim")
	b, _ := json.Marshal(doc)
	if err := os.WriteFile(noClaim, b, 0o644); err != nil {
		t.Fatal(err)
	}
	month, err := os.ReadFile("../../examples/month.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	badLine := filepath.Join(dir, "bad.jsonl")
	if err := os.WriteFile(badLine, append(month, "\n{\"bogus\": 1}\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--claims", badLine, "--remit", partlyPaid835}, badLine + `:6: bogus: unknown field "bogus"`},
		{[]string{"--remit", partlyPaid835}, "give the claims sent with --claims"},
		{[]string{"--claims", "../../examples/episode.json", "--remit", partlyPaid835, "--format", "xml"}, `--format "xml"`},
		{[]string{"--claims", "../../examples/episode.json", "--remit", partlyPaid835, "--tolerance", "-1"}, `--tolerance "-1"`},
		{[]string{"--claims", "../../examples/episode.json", "--remit", "../../examples/episode.json"}, "not X12"},
		{[]string{"--claims", noClaim, "--remit", partlyPaid835}, "no claim block"},
		{[]string{"--claims", partlyPaid835, "--remit", partlyPaid835}, "837P: segment 11 (LX)"},
	}
	for _, tt := range tests {
		code, out, errs := runCmd("", append([]string{"reconcile"}, tt.args...)...)
		if code != exitInput || out != "" || !strings.Contains(errs, tt.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and %q", tt.args, code, out, errs, tt.want)
		}
	}
}

// TestReconcileContract: with --contract each line has the contract's
// expected amount and the term that set it; the supply at the contract's
// fee of 300.00 (examples/contract) was allowed in full at 450.00.
func TestReconcileContract(t *testing.T) {
	code, out, errs := runCmd("", "reconcile", "--claims", "../../examples/episode.json", "--remit", partlyPaid835,
		"--contract", "../../examples/contract/example-health.json", "--asp", t.TempDir(), "--format", "csv")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, c := range recs[0] {
		col[c] = i
	}
	supply := recs[4]
	got := []string{supply[col["line_id"]], supply[col["expected"]], supply[col["term"]], supply[col["allowed"]], supply[col["variance"]], supply[col["flags"]]}
	want := []string{"HIT20260301A-4", "300.00", "2026-base", "", "-150.00",
		"overpaid: allowed 450.00 is 150.00 above the expected 300.00"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("supply row\n got %q\nwant %q", got, want)
	}
	// The visit the payer did not answer still shows what it should pay.
	if v := recs[6]; v[col["line_id"]] != "HIT20260301A-5" || v[col["expected"]] != "150.00" || v[col["term"]] != "2026-base" {
		t.Errorf("unanswered visit %q", v)
	}
}
