package web_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/money"
	"github.com/perdiem/perdiem/x12/x222"
)

// TestE2EBillingFlow is a biller's month on the demo pharmacy, through
// the server of perdiem serve: sign in at /login; read on an episode's
// calendar why a day is billed; add a hospital stay in the editor and see
// the days turn to hold and the claim preview's units drop before saving;
// save; make the claim; send it in an 837P, download it and check it as
// perdiem validate does; receive its 999 and an 835 and see the claim
// move on its page.
func TestE2EBillingFlow(t *testing.T) {
	ctx := browser(t)
	f := newDemoSite(t)
	dir := artifacts(t)
	// LANGFORD, CASPER: the demo's hospital stay of March 8–12 on the
	// nhia profile, abx every 24 hours, every 12 from 03/13.
	patient, episode := f.episodeOf(t, "LANGFORD, CASPER", "anti-infective")

	signIn(t, ctx, f.srv.URL+"/episodes/"+episode+"/calendar?month=2026-03", f.biller().Name, f.biller().Password)
	abx := func(date string) string { return `tr.row-therapy:nth-child(1) td[data-date="` + date + `"]` }
	if title, code := text(t, ctx, "#month-title"), text(t, ctx, abx("2026-03-13")+" .code"); title != "March 2026" || code != "S9501" {
		t.Fatalf("month %q, 03/13 shows %q; want March 2026 and S9501", title, code)
	}
	do(t, ctx, "open the reason of 03/13",
		chromedp.Click(chromedp.CSS(abx("2026-03-13")+" button.day")),
		chromedp.WaitVisible(chromedp.CSS("#p-t0-13")))
	reason := text(t, ctx, "#p-t0-13")
	for _, want := range []string{"03/13/2026: abx billed S9501", "PD-1", "A per diem unit is each day the patient has access",
		"CS-2", "every 12 hours -> S9501", "Line 5: S9501, 03/13/2026–03/24/2026, 12 unit(s)"} {
		if !strings.Contains(reason, want) {
			t.Errorf("the reason of 03/13 does not say %q:\n%s", want, reason)
		}
	}
	screenshot(t, ctx, dir, "flow-calendar-reason")
	do(t, ctx, "close the reason with Escape", chromedp.KeyEvent("\x1b"), chromedp.WaitNotVisible(chromedp.CSS("#p-t0-13")))
	do(t, ctx, "open a hold day's reason",
		chromedp.Click(chromedp.CSS(abx("2026-03-09")+" button.day")),
		chromedp.WaitVisible(chromedp.CSS("#p-t0-9")))
	reason = text(t, ctx, "#p-t0-9")
	do(t, ctx, "close it", chromedp.KeyEvent("\x1b"), chromedp.WaitNotVisible(chromedp.CSS("#p-t0-9")))
	if !strings.Contains(reason, "on hold: inpatient") || !strings.Contains(reason, "PD-4") {
		t.Errorf("the reason of a hold day:\n%s", reason)
	}
	do(t, ctx, "next month", chromedp.Click(chromedp.CSS(".month-nav a[rel=next]")), chromedp.WaitVisible(chromedp.CSS("#month-title")))
	if title := text(t, ctx, "#month-title"); title != "April 2026" {
		t.Errorf("after one click on next month: %q", title)
	}
	if class := get(t, ctx, "an April day", chromedp.AttributeValue(chromedp.CSS(abx("2026-04-01")), "class")); !strings.Contains(class.Value, "outside") {
		t.Errorf("04/01 of a March period is %q, want outside", class.Value)
	}

	// A second hospital stay, 03/15–03/17, in the editor: the preview
	// shows it before anything is saved.
	do(t, ctx, "open the editor", chromedp.Click(chromedp.CSS("#edit-episode")), chromedp.WaitVisible(chromedp.CSS("#editor")))
	if n := unitsOf(t, ctx, "#preview", "S9501"); n != 12 {
		t.Fatalf("the preview bills %d units of S9501 before the edit, want 12", n)
	}
	do(t, ctx, "add a hold to abx",
		chromedp.Click(chromedp.CSS(`button[value="add:therapies[0].holds"]`)),
		chromedp.WaitVisible(chromedp.CSS("#f-therapies-0-holds-1-from")),
		chromedp.SendKeys(chromedp.CSS("#f-therapies-0-holds-1-from"), "03/15/2026"),
		chromedp.SendKeys(chromedp.CSS("#f-therapies-0-holds-1-to"), "03/17/2026"),
		chromedp.SendKeys(chromedp.CSS("#f-therapies-0-holds-1-reason"), "inpatient\t"),
	)
	day := func(date string) string { return `#preview tr.row-therapy:nth-child(1) td[data-date="` + date + `"]` }
	do(t, ctx, "wait for the preview to show the hold",
		chromedp.Poll[chromedp.Void](`document.querySelector('`+day("2026-03-17")+`.hold') !== null`))
	for _, d := range []string{"2026-03-15", "2026-03-16", "2026-03-17"} {
		if code := text(t, ctx, day(d)+" .code"); code != "HOLD" {
			t.Errorf("%s in the preview shows %q, want HOLD", d, code)
		}
	}
	if code := text(t, ctx, day("2026-03-18")+" .code"); code != "S9501" {
		t.Errorf("03/18 in the preview shows %q, want S9501", code)
	}
	if n := unitsOf(t, ctx, "#preview", "S9501"); n != 9 {
		t.Errorf("the preview bills %d units of S9501 after a 3-day stay, want 9", n)
	}
	// The preview is in sight beside the form while the biller edits.
	if inView := get(t, ctx, "where the preview is", chromedp.Evaluate[bool](`(() => {
		const r = document.querySelector("#preview table.lines").getBoundingClientRect();
		return r.top < innerHeight && r.bottom > 0 && r.left >= document.querySelector("#editor").getBoundingClientRect().right;
	})()`)); !inView {
		t.Errorf("at 1280×800 the claim preview is not in sight beside the form being edited")
	}
	screenshot(t, ctx, dir, "flow-editor-hold")
	if v := f.version(t, episode); v != 1 {
		t.Fatalf("the preview saved version %d", v)
	}
	do(t, ctx, "save", chromedp.Click(chromedp.CSS("#save")), chromedp.WaitVisible(chromedp.CSS("#month-title")))
	if crumbs := text(t, ctx, "nav.crumbs"); !strings.Contains(crumbs, "version 2") {
		t.Errorf("after saving, the calendar shows %q", crumbs)
	}
	if v := f.version(t, episode); v != 2 {
		t.Errorf("after saving, the store has version %d", v)
	}
	if code := text(t, ctx, abx("2026-03-16")+" .code"); code != "HOLD" {
		t.Errorf("03/16 after saving shows %q", code)
	}

	// The claim of the new version, from the patient's page.
	before := len(f.claims(t, episode))
	do(t, ctx, "open the patient", chromedp.Navigate(f.srv.URL+"/patients/"+patient), chromedp.WaitVisible(chromedp.CSS("#make-claim-"+episode)))
	// March has its claim already (the demo's, ready to send), so the form
	// suggests April; the biller makes March's again from the new version.
	if from := get(t, ctx, "suggested period", chromedp.Value(chromedp.CSS("#from-"+episode))); from != "04/01/2026" {
		t.Errorf("the claim form suggests a period from %q, want 04/01/2026", from)
	}
	do(t, ctx, "make the claim of March",
		chromedp.Clear(chromedp.CSS("#from-"+episode)),
		chromedp.SendKeys(chromedp.CSS("#from-"+episode), "03/01/2026"),
		chromedp.Clear(chromedp.CSS("#to-"+episode)),
		chromedp.SendKeys(chromedp.CSS("#to-"+episode), "03/31/2026"),
		chromedp.Click(chromedp.CSS("#make-claim-"+episode)),
		chromedp.WaitVisible(chromedp.CSS("#claim-lines")))
	cs := f.claims(t, episode)
	if len(cs) != before+1 || cs[0].EpisodeVersion != 2 {
		t.Fatalf("after making the claim the episode has %d claims (had %d), the newest of version %d", len(cs), before, cs[0].EpisodeVersion)
	}
	claimID, total := cs[0].ID, cs[0].Total
	if status := text(t, ctx, "#claim-status"); status != "to check" {
		t.Errorf("a new claim is %q", status)
	}
	if n := unitsOf(t, ctx, "#claim-lines", "S9501"); n != 9 {
		t.Errorf("the claim bills %d units of S9501, want 9", n)
	}

	do(t, ctx, "open the printable summary", chromedp.Click(chromedp.CSS(`a[href$="/print"]`)), chromedp.WaitVisible(chromedp.CSS(".cms1500")))
	if s := text(t, ctx, ".cms1500"); !strings.Contains(s, "DM000487226") || !strings.Contains(s, "A41.9") || !strings.Contains(s, "$"+total.String()) {
		t.Errorf("the summary lacks the member id, the diagnosis or the total $%s:\n%s", total, s)
	}

	// Sent from the work queue in one 837P.
	do(t, ctx, "open the work queue", chromedp.Navigate(f.srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#claims")))
	checking := text(t, ctx, "#tab-check .count")
	do(t, ctx, "send it in an 837P",
		chromedp.Click(chromedp.CSS("#send-"+claimID)),
		chromedp.Click(chromedp.CSS("#build-interchange")),
		chromedp.WaitVisible(chromedp.CSS("#download-837")))
	if n := text(t, ctx, "#tab-check .count"); n == checking {
		t.Errorf("after sending, the queue still counts %s claim(s) to check", n)
	}
	x12 := get(t, ctx, "download the 837P", chromedp.Evaluate[string](
		`fetch(document.querySelector("#download-837").href).then(r => r.text())`, chromedp.EvalAwaitPromise))
	if !strings.HasPrefix(x12, "ISA*") || claimIn(t, x12) != claimID {
		t.Fatalf("the download is not the claim's interchange: %.200q", x12)
	}
	path := filepath.Join(dir, "flow.837p")
	if err := os.WriteFile(path, []byte(x12), 0o600); err != nil {
		t.Fatal(err)
	}
	// perdiem validate's check: the 837P guide and business rules, on the
	// embedded code set, as of today.
	rep, err := x222.Validate(strings.NewReader(x12), x222.Options{Codes: codeset.Default(), Today: today()})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 0 || rep.Sets != 1 || rep.Accepted != 1 {
		t.Errorf("perdiem validate on the 837P: %d of %d sets accepted, findings %+v", rep.Accepted, rep.Sets, rep.Findings)
	}

	// The 999 of that interchange, as the files page makes it.
	do(t, ctx, "check the 837P on the files page",
		chromedp.Navigate(f.srv.URL+"/files"),
		chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{path}),
		chromedp.Click(chromedp.CSS("#check")),
		chromedp.WaitVisible(chromedp.CSS("#summary")))
	if s := text(t, ctx, "#summary"); !strings.Contains(s, "1 transaction set(s), 1 accepted") {
		t.Errorf("the files page says %q", s)
	}
	do(t, ctx, "choose the 837P again", chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{path}))
	ack := get(t, ctx, "the 999", chromedp.Evaluate[string](`(() => {
		const fd = new FormData(document.querySelector("form[action='/files/validate']"));
		fd.set("want", "999");
		return fetch("/files/validate", {method: "POST", body: fd}).then(r => r.text());
	})()`, chromedp.EvalAwaitPromise))
	gs06 := groupControl(t, x12)
	if !strings.Contains(ack, "ST*999*") || !strings.Contains(ack, "AK1*HC*"+gs06+"*") || !strings.Contains(ack, "IK5*A") || !strings.Contains(ack, "AK9*A*1*1*1") {
		t.Fatalf("the 999 does not accept group %s's set:\n%s", gs06, ack)
	}
	ackPath := filepath.Join(dir, "flow.999")
	if err := os.WriteFile(ackPath, []byte(ack), 0o600); err != nil {
		t.Fatal(err)
	}
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
	do(t, ctx, "open the claim", chromedp.Navigate(f.srv.URL+"/claims/"+claimID), chromedp.WaitVisible(chromedp.CSS("#timeline")))
	if s := text(t, ctx, "#claim-status"); s != "accepted (999)" {
		t.Errorf("after the 999 the claim is %q", s)
	}

	// The payer's 835 pays 30% of the charge and writes off the rest:
	// below what the demo payer's contract expects (about half of the
	// charges), so it is a partial payment, flagged underpaid.
	paid := total * 3 / 10
	remPath := filepath.Join(dir, "flow.835")
	if err := os.WriteFile(remPath, []byte(remittance(gs06, claimID, total, paid)), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := receive("the 835", remPath); !strings.Contains(got, claimID+" → partly paid") {
		t.Errorf("after the 835: %s", got)
	}
	do(t, ctx, "open the claim again", chromedp.Navigate(f.srv.URL+"/claims/"+claimID), chromedp.WaitVisible(chromedp.CSS("#timeline")))
	if s, p := text(t, ctx, "#claim-status"), text(t, ctx, "#claim-paid"); s != "partly paid" || p != "$"+paid.String() {
		t.Errorf("after the 835 the claim is %q, paid %q; want partly paid, $%s", s, p, paid)
	}
	timeline := text(t, ctx, "#timeline")
	// Who made the claim is named, not their user id.
	for _, want := range []string{"to check", "by " + f.biller().Name, "submitted, waiting", "in interchange", "accepted (999)", "partly paid"} {
		if !strings.Contains(timeline, want) {
			t.Errorf("the timeline does not say %q:\n%s", want, timeline)
		}
	}
	screenshot(t, ctx, dir, "flow-claim-timeline")
}

// today is the date perdiem validate checks a file on.
func today() civil.Date {
	y, m, d := time.Now().Date()
	return civil.FromYMD(y, int(m), d)
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

// groupControl is the functional group control number (GS06) of an 837P.
func groupControl(t *testing.T, x12 string) string {
	t.Helper()
	i := strings.Index(x12, "GS*")
	if i < 0 {
		t.Fatal("no GS segment")
	}
	el := strings.Split(strings.SplitN(x12[i:], "~", 2)[0], "*")
	if len(el) < 7 {
		t.Fatalf("short GS segment: %q", el)
	}
	return el[6]
}

// remittance is an 835 (005010X221A1) answering the interchange of group
// gs06: it pays one claim (CLP01) paid of its charge, the rest a
// contractual adjustment (CO-45) so the claim balances.
func remittance(gs06, claimID string, charge, paid money.Amount) string {
	control := fmt.Sprintf("%09s", "7"+gs06)
	segs := []string{
		"ISA*00*          *00*          *ZZ*PAYERRCVR      *ZZ*HITSUBMIT      *260410*1200*^*00501*" + control + "*0*T*:",
		"GS*HP*PAYERRCVR*HITSUBMIT*20260410*1200*7" + gs06 + "*X*005010X221A1",
		"ST*835*0001",
		"BPR*I*" + paid.String() + "*C*CHK************20260410",
		"TRN*1*CHK7" + gs06 + "*1512345678",
		"N1*PR*DEMO HEALTH PLAN",
		"N3*1 PAYER WAY",
		"N4*SPRINGFIELD*IL*62701",
		"PER*BL*EDI*TE*8005551212",
		"N1*PE*ACME HOME INFUSION*XX*1234567893",
		"LX*1",
		"CLP*" + claimID + "*1*" + charge.String() + "*" + paid.String() + "*0*12*ICN7" + gs06,
		"CAS*CO*45*" + (charge - paid).String(),
		"SE*12*0001",
		"GE*1*7" + gs06,
		"IEA*1*" + control,
	}
	return strings.Join(segs, "~\n") + "~\n"
}
