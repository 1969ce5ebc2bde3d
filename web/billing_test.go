package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/web"
)

// A run's page suggests the calendar month before today's, across the
// turn of a year too.
func TestBillingRunsSuggestLastMonth(t *testing.T) {
	for _, c := range []struct {
		today    time.Time
		from, to string
	}{
		{time.Date(2026, 1, 15, 10, 0, 0, 0, time.Local), "12/01/2025", "12/31/2025"},
		{time.Date(2026, 3, 1, 0, 30, 0, 0, time.Local), "02/01/2026", "02/28/2026"},
		{time.Date(2028, 3, 31, 23, 59, 0, 0, time.Local), "02/01/2028", "02/29/2028"},
	} {
		p := newPages(t, web.Options{Now: func() time.Time { return c.today }})
		p.as(t, "bea", "GET", "/billing-runs", nil).want(t, 200, `id="run-from" name="from" value="`+c.from+`"`, `id="run-to" name="to" value="`+c.to+`"`)
	}
}

func (p *pages) runs(t *testing.T) []store.BillingRun {
	t.Helper()
	var out []store.BillingRun
	err := p.db.Do(context.Background(), store.System, func(tx *store.Tx) error {
		var err error
		out, _, err = tx.BillingRuns(store.Page{})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (p *pages) payer(t *testing.T) string {
	t.Helper()
	var id string
	err := p.db.Do(context.Background(), store.System, func(tx *store.Tx) error {
		ps, _, err := tx.Payers(store.Page{})
		if len(ps) > 0 {
			id = ps[0].ID
		}
		return err
	})
	if err != nil || id == "" {
		t.Fatalf("the fixture's payer: %q %v", id, err)
	}
	return id
}

func TestStartBillingRun(t *testing.T) {
	var bea store.User
	p := newPages(t, web.Options{Actor: func(context.Context) store.Actor { return store.Actor{UserID: bea.ID} }})
	payer := p.payer(t)
	err := p.db.Do(context.Background(), store.System, func(tx *store.Tx) error {
		var err error
		bea, err = tx.CreateUser("Bea Biller", "biller", "not-a-real-hash")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	// Billers and admins see the form; an auditor sees the runs only.
	for _, who := range []string{"bea", "ada"} {
		p.as(t, who, "GET", "/billing-runs", nil).want(t, 200, `id="run-form"`, `action="/billing-runs"`, `name="csrf_token" value="csrf-`+who+`"`, "Example Health Plan")
	}
	p.as(t, "abe", "GET", "/billing-runs", nil).want(t, 200, "No billing runs yet.").lacks(t, "run-form", "<form method=\"post\" action=\"/billing-runs\"", "hx-trigger")

	// Each wrong field is named beside it, and nothing is started.
	for _, c := range []struct {
		form  url.Values
		field string
		msg   string
	}{
		{url.Values{"from": {"5/1/26"}, "to": {"05/31/2026"}}, "run-from-error", "want a date MM/DD/YYYY"},
		{url.Values{"from": {"05/01/2026"}, "to": {"02/30/2026"}}, "run-to-error", "want a date MM/DD/YYYY"},
		{url.Values{"from": {"05/01/2026"}, "to": {""}}, "run-to-error", "want a date MM/DD/YYYY"},
		{url.Values{"from": {"05/31/2026"}, "to": {"05/01/2026"}}, "run-to-error", "before the first day of the period"},
		{url.Values{"from": {"05/01/2026"}, "to": {"05/31/2026"}, "payer": {"Y-nobody"}}, "run-payer-error", "no such payer"},
	} {
		a := p.as(t, "bea", "POST", "/billing-runs", c.form).want(t, http.StatusUnprocessableEntity, `id="`+c.field+`">`+c.msg, `aria-invalid="true"`)
		// What was typed is kept.
		a.want(t, 422, `value="`+c.form.Get("from")+`"`)
	}
	if rs := p.runs(t); len(rs) != 0 {
		t.Fatalf("a refused form started %d run(s)", len(rs))
	}

	// An auditor's write and a form without the session's token are
	// refused.
	p.as(t, "abe", "POST", "/billing-runs", url.Values{"from": {"05/01/2026"}, "to": {"05/31/2026"}}).want(t, 403, "Your role may not do this")
	p.as(t, "bea", "POST", "/billing-runs", url.Values{"from": {"05/01/2026"}, "to": {"05/31/2026"}, "csrf_token": {"csrf-abe"}}).want(t, 403)
	p.as(t, "", "POST", "/billing-runs", url.Values{"from": {"05/01/2026"}, "to": {"05/31/2026"}}).want(t, 400, "sign in first")
	if rs := p.runs(t); len(rs) != 0 {
		t.Fatalf("refused writes started %d run(s)", len(rs))
	}

	a := p.as(t, "bea", "POST", "/billing-runs", url.Values{"from": {"05/01/2026"}, "to": {"05/31/2026"}, "payer": {payer}}).want(t, http.StatusSeeOther)
	rs := p.runs(t)
	if len(rs) != 1 {
		t.Fatalf("%d runs after starting one", len(rs))
	}
	run := rs[0]
	if a.location != "/billing-runs/"+run.ID {
		t.Errorf("starting a run goes to %q, want its page", a.location)
	}
	if run.Period != (civil.Span{From: civil.FromYMD(2026, 5, 1), To: civil.FromYMD(2026, 5, 31)}) || run.PayerFilter != payer || run.State != store.RunQueued || run.CreatedBy != bea.ID {
		t.Errorf("the run started: %+v", run)
	}
	// The run is listed with its period, payer and who started it, in a
	// list that refreshes itself while a run works; its queued page polls
	// for progress.
	p.as(t, "abe", "GET", "/billing-runs", nil).want(t, 200, `hx-get="/billing-runs" hx-trigger="every 2s" hx-select="#runs"`, `href="/billing-runs/`+run.ID+`"`, "05/01/2026–05/31/2026", "Example Health Plan", "queued", "0 of 0", "<td>Bea Biller</td>")
	p.as(t, "abe", "GET", "/billing-runs/"+run.ID, nil).want(t, 200, `hx-trigger="every 1s"`, "Queued: waiting for a worker").lacks(t, "run-queue")
	p.as(t, "abe", "GET", "/billing-runs/B-nobody", nil).want(t, 404, "B-nobody")
}

// A run worked by the server's job: its page follows it to done, lists
// the episode it could not code and why, and leads to the work queue of
// its claims only.
func TestBillingRunProgressAndQueue(t *testing.T) {
	p := newPages(t, web.Options{})
	startJobs(t, p.db)
	noClaim := p.episodeWithoutClaimBlock(t)
	// A claim made by hand for the first week of May is no claim of the
	// run of the rest of May (a run never bills days a claim already
	// covers: see package workspace).
	p.as(t, "bea", "POST", "/episodes/"+p.episode+"/claims", url.Values{"from": {"05/01/2026"}, "to": {"05/07/2026"}}).want(t, http.StatusSeeOther)

	a := p.as(t, "bea", "POST", "/billing-runs", url.Values{"from": {"05/13/2026"}, "to": {"05/31/2026"}}).want(t, http.StatusSeeOther)
	var frag string
	deadline := time.Now().Add(30 * time.Second)
	for {
		frag = p.as(t, "bea", "GET", a.location, nil, "HX-Request", "true").want(t, 200).body
		if !strings.Contains(frag, "hx-trigger") || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if strings.Contains(frag, "<html") || !strings.HasPrefix(frag, `<section id="run-status"`) {
		t.Errorf("the poll answered more than its fragment:\n%.500s", frag)
	}
	if !strings.Contains(frag, "Done: 1 claim(s) made, 1 episode(s) not coded, of 2.") {
		t.Fatalf("the run did not finish as expected:\n%s", frag)
	}
	// Done, the page stops polling and shows the failure with its patient.
	page := p.as(t, "bea", "GET", a.location, nil).want(t, 200, "<html", `id="run-errors"`, `href="/episodes/`+noClaim+`/calendar"`, "Ann Other", "no claim block").
		lacks(t, "hx-trigger")
	runID := strings.TrimPrefix(a.location, "/billing-runs/")
	// With every run done, the list of runs no longer refreshes itself.
	p.as(t, "bea", "GET", "/billing-runs", nil).want(t, 200, `href="/billing-runs/`+runID+`"`, "done").lacks(t, "hx-trigger")
	page.want(t, 200, `href="/?run=`+runID+`"`, "Open the work queue for this run")

	var runClaims, all []store.Claim
	err := p.db.Do(context.Background(), store.System, func(tx *store.Tx) error {
		var err error
		if runClaims, _, err = tx.Claims(store.ClaimFilter{BillingRunID: runID}, store.Page{}); err != nil {
			return err
		}
		all, _, err = tx.Claims(store.ClaimFilter{}, store.Page{})
		return err
	})
	if err != nil || len(runClaims) != 1 || len(all) != 2 {
		t.Fatalf("the store has %d claims of the run and %d in all (%v)", len(runClaims), len(all), err)
	}
	var other string
	for _, c := range all {
		if c.ID != runClaims[0].ID {
			other = c.ID
		}
	}
	q := p.as(t, "abe", "GET", "/?run="+runID, nil).want(t, 200, `href="/claims/`+runClaims[0].ID+`"`, "Claims of billing run", `href="/billing-runs/`+runID+`"`).
		lacks(t, `href="/claims/`+other+`"`)
	if !strings.Contains(q.body, `id="tab-check"`) || !strings.Contains(q.body, `<span class="count">1</span>`) {
		t.Errorf("the run's queue does not count its one claim to check:\n%.3000s", q.body)
	}
}

// episodeWithoutClaimBlock adds a patient whose episode has no claim block,
// which a run cannot bill.
func (p *pages) episodeWithoutClaimBlock(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../examples/hospitalisation.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc, "claim")
	b, _ = json.Marshal(doc)
	var id string
	err = p.db.Do(context.Background(), store.System, func(tx *store.Tx) error {
		pt, err := tx.CreatePatient(store.Patient{Name: "Ann Other", BirthDate: civil.FromYMD(1950, 2, 3), MemberID: "MBR000111"})
		if err != nil {
			return err
		}
		e, err := tx.CreateEpisode(pt.ID, "", b)
		id = e.ID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}
