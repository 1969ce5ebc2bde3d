package web_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/x12/x222"
)

func TestE2EClaimToInterchangeAndFileCheck(t *testing.T) {
	ctx := browser(t)
	f := newFixture(t)
	dir := artifacts(t)

	signIn(t, ctx, f.srv.URL+"/patients/"+f.patient, "bea", "biller-pw")
	screenshot(t, ctx, dir, "patient")
	checkAccessibility(t, ctx, "patient")
	if from := get(t, ctx, "suggested period", chromedp.Value(chromedp.CSS("#from-"+f.episode))); from != "05/01/2026" {
		t.Errorf("the claim form suggests a period from %q, want 05/01/2026", from)
	}
	do(t, ctx, "make the claim", chromedp.Click(chromedp.CSS("#make-claim-"+f.episode)), chromedp.WaitVisible(chromedp.CSS("#claim-lines")))
	if status := text(t, ctx, "#claim-status"); status != "to check" {
		t.Errorf("a new claim is %q", status)
	}
	if n := unitsOf(t, ctx, "#claim-lines", "S9501"); n != 12 {
		t.Errorf("the claim bills %d units of S9501, want 12", n)
	}
	screenshot(t, ctx, dir, "claim")
	checkAccessibility(t, ctx, "claim")

	do(t, ctx, "open the printable summary", chromedp.Click(chromedp.CSS(`a[href$="/print"]`)), chromedp.WaitVisible(chromedp.CSS(".cms1500")))
	if s := text(t, ctx, ".cms1500"); !strings.Contains(s, "MBR777000222") || !strings.Contains(s, "A41.9") {
		t.Errorf("the summary lacks the member id or the diagnosis:\n%s", s)
	}
	screenshot(t, ctx, dir, "claim-print")

	do(t, ctx, "open the work queue", chromedp.Navigate(f.srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#claims")))
	if n := text(t, ctx, "#tab-check .count"); n != "1" {
		t.Errorf("the queue counts %s claim(s) to check, want 1", n)
	}
	screenshot(t, ctx, dir, "queue")
	checkAccessibility(t, ctx, "queue")
	do(t, ctx, "send it in an 837P",
		chromedp.Click(chromedp.CSS(`#claims input[name=claim]`)),
		chromedp.Click(chromedp.CSS("#build-interchange")),
		chromedp.WaitVisible(chromedp.CSS("#download-837")))
	if n := text(t, ctx, "#tab-waiting .count"); n != "1" {
		t.Errorf("after sending, %s claim(s) wait", n)
	}
	x12 := get(t, ctx, "download the 837P", chromedp.Evaluate[string](
		`fetch(document.querySelector("#download-837").href).then(r => r.text())`, chromedp.EvalAwaitPromise))
	if !strings.HasPrefix(x12, "ISA*") {
		t.Fatalf("the download is not an interchange: %.80q", x12)
	}
	path := filepath.Join(dir, "interchange.837p")
	if err := os.WriteFile(path, []byte(x12), 0o600); err != nil {
		t.Fatal(err)
	}
	rep, err := x222.Validate(strings.NewReader(x12), x222.Options{Codes: codeset.Default()})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Accepted != rep.Sets || rep.Sets == 0 {
		t.Errorf("the 837P: %d of %d sets accepted: %+v", rep.Accepted, rep.Sets, rep.Findings)
	}

	do(t, ctx, "check the 837P on the files page",
		chromedp.Navigate(f.srv.URL+"/files"),
		chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{path}),
		chromedp.Click(chromedp.CSS("#check")),
		chromedp.WaitVisible(chromedp.CSS("#summary")))
	if s := text(t, ctx, "#summary"); !strings.Contains(s, "1 transaction set(s), 1 accepted") {
		t.Errorf("the files page says %q", s)
	}
	screenshot(t, ctx, dir, "files")
	checkAccessibility(t, ctx, "files")

	// The 999 a front end would send for it, then the payer's 835.
	do(t, ctx, "choose the 837P again", chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{path}))
	ack := get(t, ctx, "the 999", chromedp.Evaluate[string](`(() => {
		const fd = new FormData(document.querySelector("form[action='/files/validate']"));
		fd.set("want", "999");
		return fetch("/files/validate", {method: "POST", body: fd}).then(r => r.text());
	})()`, chromedp.EvalAwaitPromise))
	if !strings.Contains(ack, "ST*999*") || !strings.Contains(ack, "IK5*A") {
		t.Fatalf("the 999 does not accept the set:\n%s", ack)
	}
	ackPath := filepath.Join(dir, "ack.999")
	if err := os.WriteFile(ackPath, []byte(ack), 0o600); err != nil {
		t.Fatal(err)
	}
	claimID := claimIn(t, x12)
	receive := func(what, path string) string {
		t.Helper()
		do(t, ctx, "receive "+what,
			chromedp.Navigate(f.srv.URL+"/files"),
			chromedp.SetUploadFiles(chromedp.CSS("#received-file"), []string{path}),
			chromedp.Click(chromedp.CSS("#receive")),
			chromedp.WaitVisible(chromedp.CSS("#received")))
		return text(t, ctx, "#received")
	}
	if got := receive("the 999", ackPath); !strings.Contains(got, claimID+" → accepted (999)") {
		t.Errorf("after the 999: %s", got)
	}
	remPath := filepath.Join(dir, "paid.835")
	if err := os.WriteFile(remPath, []byte(remittance(claimID, "5638.60", "5000")), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := receive("the 835", remPath); !strings.Contains(got, claimID+" → partly paid") {
		t.Errorf("after the 835: %s", got)
	}
	screenshot(t, ctx, dir, "files-received")
	do(t, ctx, "open the claim", chromedp.Navigate(f.srv.URL+"/claims/"+claimID), chromedp.WaitVisible(chromedp.CSS("#timeline")))
	if s, paid := text(t, ctx, "#claim-status"), text(t, ctx, "#claim-paid"); s != "partly paid" || paid != "$5000.00" {
		t.Errorf("the claim is %q, paid %q", s, paid)
	}
	timeline := text(t, ctx, "#timeline")
	for _, want := range []string{"to check", "submitted, waiting", "in interchange", "accepted (999)", "partly paid"} {
		if !strings.Contains(timeline, want) {
			t.Errorf("the timeline does not say %q:\n%s", want, timeline)
		}
	}
	screenshot(t, ctx, dir, "claim-timeline")
}

// claimIn is the claim id (CLM01) of the first claim of an 837P.
func claimIn(t *testing.T, x12 string) string {
	t.Helper()
	i := strings.Index(x12, "CLM*")
	if i < 0 {
		t.Fatal("no CLM segment")
	}
	return strings.SplitN(x12[i+4:], "*", 2)[0]
}

// remittance is an 835 paying one claim: CLP01 the claim id, CLP03 the
// charge, CLP04 the amount paid.
func remittance(claimID, charge, paid string) string {
	segs := []string{
		"ISA*00*          *00*          *ZZ*PAYERRCVR      *ZZ*HITSUBMIT      *260610*1200*^*00501*000000901*0*T*:",
		"GS*HP*PAYERRCVR*HITSUBMIT*20260610*1200*901*X*005010X221A1",
		"ST*835*0001",
		"BPR*I*" + paid + "*C*CHK************20260610",
		"TRN*1*CHK901*1512345678",
		"N1*PR*EXAMPLE HEALTH PLAN",
		"N3*1 PLAN WAY",
		"N4*CHICAGO*IL*60601",
		"PER*BL*EDI*TE*8005551212",
		"N1*PE*ACME HOME INFUSION*XX*1234567893",
		"LX*1",
		"CLP*" + claimID + "*1*" + charge + "*" + paid + "*0*CI*ICN901",
		"CAS*CO*45*638.60",
		"SE*12*0001",
		"GE*1*901",
		"IEA*1*000000901",
	}
	return strings.Join(segs, "~\n") + "~\n"
}
