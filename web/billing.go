package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/store"
)

// maxRunsListed bounds the runs the billing runs page lists, newest first.
const maxRunsListed = 100

// runView is a billing run as the pages show it.
type runView struct {
	store.BillingRun
	PayerName string
	StartedBy string
}

// Finished says whether the run will change no more.
func (r runView) Finished() bool { return r.State == store.RunDone || r.State == store.RunFailed }

// Handled is how many of the run's episodes are dealt with, coded or not.
func (r runView) Handled() int64 { return r.Done + r.Failed }

// runForm is the form that starts a run, with what was typed and what is
// wrong with it.
type runForm struct {
	From, To, Payer string
	Problems        map[string]string
}

type runsPage struct {
	Runs     []runView
	Payers   []store.Payer
	Form     runForm
	CanWrite bool
}

// Working reports whether a run listed is not finished: the list then
// refreshes itself until every run is.
func (p runsPage) Working() bool {
	for _, r := range p.Runs {
		if !r.Finished() {
			return true
		}
	}
	return false
}

type runPage struct {
	Run runView
	// Episodes names the patient of each episode the finished run could
	// not code.
	Episodes map[string]string
}

// defaultPeriod is the billing period a new run suggests: the calendar
// month before today's.
func defaultPeriod(now time.Time) civil.Span {
	y, m, _ := now.Date()
	first := civil.FromYMD(y, int(m), 1)
	prev := MonthOf(first - 1)
	return civil.Span{From: prev, To: prev.MonthEnd()}
}

func (h *Handler) now() time.Time {
	if h.opt.Now != nil {
		return h.opt.Now()
	}
	return time.Now()
}

// billingRuns lists the runs, newest first, with the form that starts one
// for a role that writes.
func (h *Handler) billingRuns(w http.ResponseWriter, r *http.Request) {
	p := defaultPeriod(h.now())
	h.renderRuns(w, r, http.StatusOK, runForm{From: usDate(p.From), To: usDate(p.To)})
}

func (h *Handler) renderRuns(w http.ResponseWriter, r *http.Request, status int, form runForm) {
	pg := runsPage{Form: form, CanWrite: h.opt.Auth.User(r).CanWrite()}
	err := h.do(r.Context(), func(tx *store.Tx) error {
		runs, err := allPages(maxRunsListed, tx.BillingRuns)
		if err != nil {
			return err
		}
		if pg.Payers, err = allPages(maxListed, tx.Payers); err != nil {
			return err
		}
		users, err := allPages(maxListed, tx.Users)
		if err != nil {
			return err
		}
		for _, run := range runs {
			pg.Runs = append(pg.Runs, viewRun(run, pg.Payers, users))
		}
		return nil
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, status, "runs", page{Title: "Billing runs", Nav: "runs", Data: pg})
}

func viewRun(run store.BillingRun, payers []store.Payer, users []store.User) runView {
	v := runView{BillingRun: run, StartedBy: run.CreatedBy}
	for _, p := range payers {
		if p.ID == run.PayerFilter {
			v.PayerName = p.Name
		}
	}
	for _, u := range users {
		if u.ID == run.CreatedBy {
			v.StartedBy = u.Name
		}
	}
	return v
}

// startRun starts a billing run as POST /v1/billing-runs does
// (store.Tx.QueueBillingRun) and goes to its page; a period or payer that
// is wrong shows the form again with the problem beside its field.
func (h *Handler) startRun(w http.ResponseWriter, r *http.Request) {
	form := runForm{From: strings.TrimSpace(r.PostFormValue("from")), To: strings.TrimSpace(r.PostFormValue("to")),
		Payer: r.PostFormValue("payer"), Problems: map[string]string{}}
	from, err := parseUSDate(form.From)
	if err != nil {
		form.Problems["from"] = "want a date MM/DD/YYYY"
	}
	to, err := parseUSDate(form.To)
	if err != nil {
		form.Problems["to"] = "want a date MM/DD/YYYY"
	}
	if len(form.Problems) == 0 && to < from {
		form.Problems["to"] = "before the first day of the period"
	}
	if len(form.Problems) > 0 {
		h.renderRuns(w, r, http.StatusUnprocessableEntity, form)
		return
	}
	var run store.BillingRun
	err = h.do(r.Context(), func(tx *store.Tx) error {
		var err error
		run, err = tx.QueueBillingRun(civil.Span{From: from, To: to}, form.Payer)
		return err
	})
	if errs.CodeOf(err) == errs.NotFound {
		form.Problems["payer"] = "no such payer: choose one from the list"
		h.renderRuns(w, r, http.StatusUnprocessableEntity, form)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/billing-runs/"+url.PathEscape(run.ID), http.StatusSeeOther)
}

// billingRun shows a run: its progress, which the page polls for while the
// run works (htmx asks for the fragment alone), the episodes it could not
// code and why, and the way to its claims.
func (h *Handler) billingRun(w http.ResponseWriter, r *http.Request) {
	var pg runPage
	err := h.do(r.Context(), func(tx *store.Tx) error {
		run, err := tx.BillingRun(r.PathValue("id"))
		if err != nil {
			return err
		}
		var payers []store.Payer
		if run.PayerFilter != "" {
			p, err := tx.Payer(run.PayerFilter)
			if err != nil && errs.CodeOf(err) != errs.NotFound {
				return err
			}
			payers = append(payers, p)
		}
		var users []store.User
		if u, err := tx.User(run.CreatedBy); err == nil {
			users = append(users, u)
		}
		pg.Run = viewRun(run, payers, users)
		pg.Episodes = map[string]string{}
		for _, e := range run.Errors {
			// Names are read (and audited) once the run is over, not on
			// every poll while it works.
			if e.EpisodeID == "" || !pg.Run.Finished() {
				continue
			}
			ep, _, err := tx.Episode(e.EpisodeID)
			if err != nil {
				continue
			}
			if p, err := tx.Patient(ep.PatientID); err == nil {
				pg.Episodes[e.EpisodeID] = p.Name
			}
		}
		return nil
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Vary", "HX-Request")
	if r.Header.Get("HX-Request") == "true" {
		var b bytes.Buffer
		if err := h.tmpl["run"].ExecuteTemplate(&b, "run-status", pg); err != nil {
			h.fail(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(b.Bytes())
		return
	}
	h.render(w, r, http.StatusOK, "run", page{Title: "Billing run " + pg.Run.ID, Nav: "runs", Data: pg})
}
