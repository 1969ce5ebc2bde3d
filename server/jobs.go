package server

import (
	"context"
	"net/http"
	"strconv"

	"github.com/riverqueue/river"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/store"
)

// billingWorker codes every active episode of a run's payer (or all) for
// the run's period, one transaction per episode. A job retried after its
// process died skips the episodes done already (store.BillingItemDone),
// and an episode recorded twice is a conflict that undoes the second
// claim, so a run bills each episode at most once.
type billingWorker struct {
	river.WorkerDefaults[store.BillingRunJob]
	s *Server
}

// Workers registers the server's jobs' workers in w, for the job client
// of each process that works jobs (perdiem serve starts one).
func (s *Server) Workers(w *river.Workers) {
	river.AddWorker(w, &billingWorker{s: s})
}

func (bw *billingWorker) Work(ctx context.Context, job *river.Job[store.BillingRunJob]) error {
	db, id := bw.s.db, job.Args.RunID
	sys := store.Actor{UserID: store.System.UserID}
	var run store.BillingRun
	var episodes []string
	err := db.Do(ctx, sys, func(tx *store.Tx) error {
		var err error
		if run, err = tx.BillingRun(id); err != nil {
			return err
		}
		episodes = nil
		cursor := ""
		for {
			es, next, err := tx.Episodes(store.EpisodeFilter{PayerID: run.PayerFilter, Status: store.EpisodeActive}, store.Page{Limit: store.MaxLimit, Cursor: cursor})
			if err != nil {
				return err
			}
			for _, e := range es {
				episodes = append(episodes, e.ID)
			}
			if next == "" {
				break
			}
			cursor = next
		}
		return tx.StartBillingRun(id, int64(len(episodes)))
	})
	if err != nil {
		return err
	}
	for _, ep := range episodes {
		if err := ctx.Err(); err != nil {
			return err
		}
		err := db.Do(ctx, sys, func(tx *store.Tx) error {
			done, err := tx.BillingItemDone(id, ep)
			if err != nil || done {
				return err
			}
			ce, err := bw.s.codeEpisodeVersion(tx, ep, run.Period)
			if err != nil {
				if errs.CodeOf(err) == errs.Internal {
					return err
				}
				return tx.RecordBillingItem(id, ep, "", runFailure(err))
			}
			c, err := tx.CreateClaim(store.NewClaim{EpisodeID: ep, EpisodeVersion: ce.version, BillingRunID: id, Claim: *ce.claim, Result: *ce.result})
			if err != nil {
				return err
			}
			return tx.RecordBillingItem(id, ep, c.ID, "")
		})
		if err != nil && errs.CodeOf(err) != errs.Conflict {
			return err
		}
	}
	return db.Do(ctx, sys, func(tx *store.Tx) error { return tx.FinishBillingRun(id, store.RunDone, "") })
}

// runFailure is why an episode made no claim, for the run's list: the
// paths and rule text of the problems, which name no patient.
func runFailure(err error) string {
	if probs := errs.ProblemsOf(err); len(probs) > 0 {
		msg := probs[0].String()
		if len(probs) > 1 {
			msg += " (and " + strconv.Itoa(len(probs)-1) + " more)"
		}
		return msg
	}
	return errs.Message(err)
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
	period, err := checkPeriod(req.From, req.To)
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
