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
}
