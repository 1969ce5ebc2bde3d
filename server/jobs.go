package server

import (
	"net/http"

	"github.com/riverqueue/river"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/workspace"
)

// Workers registers the jobs' workers (the billing run's,
// workspace.Workers) in w, for the job client of each process that works
// jobs (perdiem serve starts one).
func (s *Server) Workers(w *river.Workers) {
	s.ws.Workers(w, s.db)
}

type runBody struct {
	From    civil.Date `json:"from"`
	To      civil.Date `json:"to"`
	PayerID string     `json:"payer_id"`
}

// createBillingRun answers POST /v1/billing-runs: a run recorded and its
// job queued in one transaction; any serving process's job client works
// it.
func (s *Server) createBillingRun(w http.ResponseWriter, r *http.Request) error {
	body, err := readJSON(w, r, maxSmall)
	if err != nil {
		return err
	}
	var req runBody
	if err := strictDecode(body, &req); err != nil {
		return err
	}
	period, err := workspace.CheckPeriod(req.From, req.To)
	if err != nil {
		return err
	}
	return s.write(w, r, body, func(tx *store.Tx) (int, any, error) {
		run, err := tx.QueueBillingRun(period, req.PayerID)
		return http.StatusAccepted, run, err
	})
}

func (s *Server) getBillingRun(w http.ResponseWriter, r *http.Request) error {
	return s.read(w, r, func(tx *store.Tx) (any, error) { return tx.BillingRun(r.PathValue("id")) })
}

func (s *Server) listBillingRuns(w http.ResponseWriter, r *http.Request) error {
	p, err := page(r)
	if err != nil {
		return err
	}
	return s.read(w, r, func(tx *store.Tx) (any, error) {
		rs, next, err := tx.BillingRuns(p)
		return newList(rs, next), err
	})
}

func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) error {
	p, err := page(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := store.AuditFilter{Actor: q.Get("actor"), Kind: q.Get("kind"), RecordID: q.Get("record_id")}
	return s.read(w, r, func(tx *store.Tx) (any, error) {
		es, next, err := tx.AuditLog(f, p)
		return newList(es, next), err
	})
}
