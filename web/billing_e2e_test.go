package web_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/store"
)

// addEpisode adds a patient with the episode of an example document.
func (f *fixture) addEpisode(t *testing.T, name, example string) string {
	t.Helper()
	b, err := os.ReadFile("../examples/" + example)
	if err != nil {
		t.Fatal(err)
	}
	var id string
	err = f.db.Do(context.Background(), store.System, func(tx *store.Tx) error {
		p, err := tx.CreatePatient(store.Patient{Name: name, BirthDate: civil.FromYMD(1960, 7, 4), MemberID: "MBR" + strings.ToUpper(name[:3]) + "001"})
		if err != nil {
			return err
		}
		ps, _, err := tx.Payers(store.Page{})
		if err != nil {
			return err
		}
		e, err := tx.CreateEpisode(p.ID, ps[0].ID, b)
		id = e.ID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// A biller starts a run for May 2026 from the page, watches it reach done
// without reloading, reads why one episode made no claim, and lands on
// the work queue of the run's claims.
func TestE2EBillingRun(t *testing.T) {
	ctx := browser(t)
	f := newFixture(t)
	dir := artifacts(t)
	startJobs(t, f.db)
	f.addEpisode(t, "Mary Shelley", "tpn-with-hydration.json")
	p := &pages{fixture: f}
	p.episodeWithoutClaimBlock(t)

	signIn(t, ctx, f.srv.URL+"/billing-runs", "bea", "biller-pw")
	do(t, ctx, "start a run for May 2026",
		chromedp.WaitVisible(chromedp.CSS("#run-form")),
		chromedp.Clear(chromedp.CSS("#run-from")),
		chromedp.SendKeys(chromedp.CSS("#run-from"), "05/01/2026"),
		chromedp.Clear(chromedp.CSS("#run-to")),
		chromedp.SendKeys(chromedp.CSS("#run-to"), "05/31/2026"),
		chromedp.Click(chromedp.CSS("#start-run")),
		chromedp.WaitVisible(chromedp.CSS("#run-status")),
	)
	url := get(t, ctx, "the run's address", chromedp.Location())
	do(t, ctx, "wait for the page to show the run done",
		chromedp.Poll[chromedp.Void](`document.querySelector("#run-state").textContent.startsWith("Done")`))
	if got := get(t, ctx, "the address after the run", chromedp.Location()); got != url {
		t.Errorf("the page moved from %s to %s: it should update in place", url, got)
	}
	if s := text(t, ctx, "#run-state"); s != "Done: 2 claim(s) made, 1 episode(s) not coded, of 3." {
		t.Errorf("the run's state reads %q", s)
	}
	if s := text(t, ctx, "#run-count"); s != "3 of 3" {
		t.Errorf("the progress reads %q", s)
	}
	if s := text(t, ctx, "#run-errors tbody"); !strings.Contains(s, "no claim block") {
		t.Errorf("the episodes not coded:\n%s", s)
	}
	// Done, the page asks the server no more.
	if n := get(t, ctx, "polling elements", chromedp.Evaluate[int](`document.querySelectorAll("[hx-trigger]").length`)); n != 0 {
		t.Errorf("%d element(s) still poll after the run is done", n)
	}
	screenshot(t, ctx, dir, "billing-run")
	checkAccessibility(t, ctx, "billing run")

	do(t, ctx, "open the run's work queue", chromedp.Click(chromedp.CSS("#run-queue")), chromedp.WaitVisible(chromedp.CSS("#claims")))
	rows := get(t, ctx, "the queue's patients", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#claims tbody tr td:nth-child(3)")).map(td => td.textContent.trim()).sort()`))
	if strings.Join(rows, ", ") != "Edgar Poe, Mary Shelley" {
		t.Errorf("the run's queue lists %v", rows)
	}
	if s := text(t, ctx, "#run-filter"); !strings.Contains(s, "Claims of billing run") {
		t.Errorf("the queue does not say it shows one run: %q", s)
	}
	screenshot(t, ctx, dir, "queue-of-run")

	do(t, ctx, "back to the runs", chromedp.Navigate(f.srv.URL+"/billing-runs"), chromedp.WaitVisible(chromedp.CSS("#runs")))
	if s := text(t, ctx, "#runs tbody tr"); !strings.Contains(s, "05/01/2026–05/31/2026") || !strings.Contains(s, "done") || !strings.Contains(s, "3 of 3") {
		t.Errorf("the list shows the run as %q", s)
	}
	screenshot(t, ctx, dir, "billing-runs")
	checkAccessibility(t, ctx, "billing runs")
}

// An auditor reads the runs and finds no way to start one.
func TestE2EAuditorSeesNoRunForm(t *testing.T) {
	ctx := browser(t)
	f := newFixture(t)
	signIn(t, ctx, f.srv.URL+"/billing-runs", "abe", "auditor-pw")
	do(t, ctx, "wait for the runs", chromedp.WaitVisible(chromedp.CSS("#runs")))
	if n := get(t, ctx, "forms", chromedp.Evaluate[int](`document.querySelectorAll("main form, main button").length`)); n != 0 {
		t.Errorf("the auditor is offered %d form(s) or button(s)", n)
	}
	status := get(t, ctx, "forge a run", chromedp.Evaluate[int](`fetch("/billing-runs", {method: "POST",
		headers: {"Content-Type": "application/x-www-form-urlencoded"},
		body: "csrf_token=csrf-abe&from=05/01/2026&to=05/31/2026"}).then(r => r.status)`, chromedp.EvalAwaitPromise))
	if status != 403 {
		t.Errorf("a forged run answered %d, want 403", status)
	}
}
