package workspace

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/riverqueue/river"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/store"
)

// Workers registers the workspace's jobs' workers in w, working on db,
// for the job client of each process that works jobs: the billing run's
// (store.BillingRunJob, queued by store.Tx.QueueBillingRun).
func (s *Service) Workers(w *river.Workers, db *store.DB) {
	river.AddWorker(w, &billingWorker{s: s, db: db})
}

// billingWorker codes every active episode of a run's payer (or all) for
// the run's period, one transaction per episode. A job retried after its
// process died skips the episodes done already (store.BillingItemDone),
// and an episode recorded twice is a conflict that undoes the second
// claim, so a run bills each episode at most once.
type billingWorker struct {
	river.WorkerDefaults[store.BillingRunJob]
	s  *Service
	db *store.DB
}

func (bw *billingWorker) Work(ctx context.Context, job *river.Job[store.BillingRunJob]) error {
	db, id := bw.db, job.Args.RunID
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
		err := db.Do(ctx, sys, func(tx *store.Tx) error { return bw.s.BillEpisode(tx, run, ep) })
		if err != nil && errs.CodeOf(err) != errs.Conflict {
			return err
		}
	}
	return db.Do(ctx, sys, func(tx *store.Tx) error { return tx.FinishBillingRun(id, store.RunDone, "") })
}

// BillEpisode is one episode's step of a billing run: unless the run has
// done it already, the episode's current version coded for the run's
// period (CodeEpisode) and kept as a claim of the run, or why it made
// none recorded with the run. Only an internal error is returned as one;
// a second record of the same episode is a conflict.
func (s *Service) BillEpisode(tx *store.Tx, run store.BillingRun, episodeID string) error {
	done, err := tx.BillingItemDone(run.ID, episodeID)
	if err != nil || done {
		return err
	}
	billed, err := claimCovering(tx, episodeID, run.Period)
	if err != nil {
		return err
	}
	if billed != nil {
		return tx.RecordBillingItem(run.ID, episodeID, "", fmt.Sprintf("already billed: claim %s (%s) covers %s to %s of the period; a corrected claim is made from the episode by hand",
			billed.ID, strings.ReplaceAll(string(billed.Status), "_", " "), billed.Period.From.US(), billed.Period.To.US()))
	}
	ce, err := s.CodeEpisode(tx, episodeID, run.Period)
	if err != nil {
		if errs.CodeOf(err) == errs.Internal {
			return err
		}
		return tx.RecordBillingItem(run.ID, episodeID, "", runFailure(err))
	}
	c, err := tx.CreateClaim(store.NewClaim{ID: ce.Claim.ID, EpisodeID: episodeID, EpisodeVersion: ce.Version, BillingRunID: run.ID, Claim: *ce.Claim, Result: *ce.Result})
	if err != nil {
		return err
	}
	return tx.RecordBillingItem(run.ID, episodeID, c.ID, "")
}

// claimCovering is a claim of the episode whose billing period overlaps
// period, whatever its status, or nil when there is none: a billing run
// never bills the same days twice (a rejected or denied claim is
// corrected by hand, as a replacement or a new claim).
func claimCovering(tx *store.Tx, episodeID string, period civil.Span) (*store.Claim, error) {
	p := store.Page{Limit: store.MaxLimit}
	for {
		cs, next, err := tx.Claims(store.ClaimFilter{EpisodeID: episodeID}, p)
		if err != nil {
			return nil, err
		}
		for i := range cs {
			if cs[i].Period.Overlaps(period) {
				return &cs[i], nil
			}
		}
		if next == "" {
			return nil, nil
		}
		p.Cursor = next
	}
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
