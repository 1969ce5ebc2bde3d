package store

import (
	"database/sql"
	"encoding/json"
	"time"

	"github.com/riverqueue/river"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/errs"
)

// Billing run states.
const (
	RunQueued  = "queued"
	RunRunning = "running"
	RunDone    = "done"
	RunFailed  = "failed"
)

// BillingRun is a job that codes every active episode for a period: how
// many episodes it has, how many are done or failed, and why each failure
// failed (ids and rule text, no patient data).
type BillingRun struct {
	ID          string         `json:"id"`
	Period      civil.Span     `json:"period"`
	PayerFilter string         `json:"payer_filter,omitempty"`
	State       string         `json:"state"`
	Total       int64          `json:"total"`
	Done        int64          `json:"done"`
	Failed      int64          `json:"failed"`
	Errors      []BillingError `json:"errors"`
	CreatedBy   string         `json:"created_by"`
	CreatedAt   time.Time      `json:"created_at"`
	UpdatedAt   time.Time      `json:"updated_at"`
	FinishedAt  *time.Time     `json:"finished_at,omitempty"`
}

// BillingError is why one episode of a run made no claim ("" EpisodeID
// for the run as a whole).
type BillingError struct {
	EpisodeID string `json:"episode_id,omitempty"`
	Message   string `json:"message"`
}

// MaxRunErrors bounds the errors a run lists; Failed still counts all.
const MaxRunErrors = 200

// BillingRunJob is the job of a billing run; the server registers its
// worker.
type BillingRunJob struct {
	RunID string `json:"run_id"`
}

// Kind names the job in River's tables.
func (BillingRunJob) Kind() string { return "billing_run" }

// billingRunAttempts is how often a run's job is tried before it is given
// up: a retry skips the episodes done already.
const billingRunAttempts = 5

// QueueBillingRun starts a billing run: the run recorded (CreateBillingRun)
// and its job inserted in tx, so the job exists only if tx commits. The
// API and the pages both start runs through it.
func (tx *Tx) QueueBillingRun(period civil.Span, payerFilter string) (BillingRun, error) {
	run, err := tx.CreateBillingRun(period, payerFilter)
	if err != nil {
		return BillingRun{}, err
	}
	if _, err := tx.InsertJob(BillingRunJob{RunID: run.ID}, &river.InsertOpts{MaxAttempts: billingRunAttempts}); err != nil {
		return BillingRun{}, err
	}
	return run, nil
}

// CreateBillingRun records a queued run for period, for the episodes of
// payerFilter (a payer id, "" for all), without its job: QueueBillingRun
// starts a run.
func (tx *Tx) CreateBillingRun(period civil.Span, payerFilter string) (BillingRun, error) {
	if period.To < period.From {
		return BillingRun{}, errs.Invalids([]errs.Problem{{Path: "to", Message: "before from"}})
	}
	if payerFilter != "" {
		if err := tx.mustExist("payers", "payer", payerFilter); err != nil {
			return BillingRun{}, err
		}
	}
	r := BillingRun{ID: NewID("B"), Period: period, PayerFilter: payerFilter, State: RunQueued, Errors: []BillingError{},
		CreatedBy: tx.actorID(), CreatedAt: tx.now, UpdatedAt: tx.now}
	if _, err := tx.exec("create billing run", `INSERT INTO billing_runs (id, period_from, period_to, payer_filter, state, total, done, failed, errors, created_by, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, 0, 0, 0, '[]', $6, $7, $7)`, r.ID, period.From.String(), period.To.String(), payerFilter, RunQueued, r.CreatedBy, micros(tx.now)); err != nil {
		return BillingRun{}, err
	}
	tx.Audit("create", "billing_run", r.ID, period.From.String()+".."+period.To.String())
	return r, nil
}

// StartBillingRun marks a run running with total episodes to do. A run
// started again (its job retried) keeps its counts.
func (tx *Tx) StartBillingRun(id string, total int64) error {
	n, err := tx.exec("start billing run", `UPDATE billing_runs SET state = $2, total = $3, updated_at = $4 WHERE id = $1`,
		id, RunRunning, total, micros(tx.now))
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound("billing run", id)
	}
	return nil
}

// BillingItemDone reports whether the run has already dealt with the
// episode, so a retried job skips it.
func (tx *Tx) BillingItemDone(runID, episodeID string) (bool, error) {
	var one int
	err := tx.queryRow(`SELECT 1 FROM billing_run_items WHERE run_id = $1 AND episode_id = $2`, runID, episodeID).Scan(&one)
	if err == sql.ErrNoRows {
		return false, nil
	}
	if err != nil {
		return false, internal("read billing run", err)
	}
	return true, nil
}

// RecordBillingItem records what the run did with an episode: the claim it
// made, or why it made none (failure, without patient data). Call it in
// the transaction that made the claim: an episode already recorded is a
// conflict, so a run retried after its process died never bills one twice.
func (tx *Tx) RecordBillingItem(runID, episodeID, claimID, failure string) error {
	if _, err := tx.exec("record billing item", `INSERT INTO billing_run_items (run_id, episode_id, claim_id, error, at) VALUES ($1, $2, $3, $4, $5)`,
		runID, episodeID, nullString(claimID), nullString(failure), micros(tx.now)); err != nil {
		return err
	}
	col := "done"
	if failure != "" {
		col = "failed"
	}
	n, err := tx.exec("record billing item", `UPDATE billing_runs SET `+col+` = `+col+` + 1, updated_at = $2 WHERE id = $1`, runID, micros(tx.now))
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound("billing run", runID)
	}
	return nil
}

// FinishBillingRun marks a run done or failed; problem, if any, is why
// the run as a whole failed.
func (tx *Tx) FinishBillingRun(id, state, problem string) error {
	if state != RunDone && state != RunFailed {
		return errs.Errorf(errs.Invalid, "a run finishes done or failed, not %s", quoteID(state))
	}
	errsJSON := "[]"
	if problem != "" {
		b, _ := json.Marshal([]BillingError{{Message: problem}})
		errsJSON = string(b)
	}
	n, err := tx.exec("finish billing run", `UPDATE billing_runs SET state = $2, errors = $3, updated_at = $4, finished_at = $4 WHERE id = $1`,
		id, state, errsJSON, micros(tx.now))
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound("billing run", id)
	}
	tx.Audit("finish", "billing_run", id, state)
	return nil
}

// BillingRun returns a run with its counts and first MaxRunErrors errors.
func (tx *Tx) BillingRun(id string) (BillingRun, error) {
	r, err := scanRun(tx.readRow(`SELECT `+runColumns+` FROM billing_runs WHERE id = $1`, id))
	if err == sql.ErrNoRows {
		return BillingRun{}, notFound("billing run", id)
	}
	if err != nil {
		return BillingRun{}, internal("read billing run", err)
	}
	rows, err := tx.readQuery("read billing run", `SELECT episode_id, error FROM billing_run_items WHERE run_id = $1 AND error IS NOT NULL
ORDER BY at, episode_id LIMIT $2`, id, MaxRunErrors)
	if err != nil {
		return BillingRun{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var e BillingError
		if err := rows.Scan(&e.EpisodeID, &e.Message); err != nil {
			return BillingRun{}, internal("read billing run", err)
		}
		r.Errors = append(r.Errors, e)
	}
	if err := rows.Err(); err != nil {
		return BillingRun{}, internal("read billing run", err)
	}
	return r, nil
}

const runColumns = `id, period_from, period_to, payer_filter, state, total, done, failed, errors, created_by, created_at, updated_at, finished_at`

func scanRun(row scanner) (BillingRun, error) {
	var r BillingRun
	var from, to, runErrs string
	var created, updated int64
	var finished sql.NullInt64
	if err := row.Scan(&r.ID, &from, &to, &r.PayerFilter, &r.State, &r.Total, &r.Done, &r.Failed, &runErrs,
		&r.CreatedBy, &created, &updated, &finished); err != nil {
		return BillingRun{}, err
	}
	var err error
	if r.Period.From, err = civil.Parse(from); err == nil {
		r.Period.To, err = civil.Parse(to)
	}
	if err != nil {
		return BillingRun{}, err
	}
	r.CreatedAt, r.UpdatedAt = fromMicros(created), fromMicros(updated)
	if finished.Valid {
		t := fromMicros(finished.Int64)
		r.FinishedAt = &t
	}
	if err := json.Unmarshal([]byte(runErrs), &r.Errors); err != nil {
		return BillingRun{}, err
	}
	return r, nil
}

// BillingRuns returns one page of runs, newest first, with their counts
// and only their run-wide errors.
func (tx *Tx) BillingRuns(p Page) ([]BillingRun, string, error) {
	limit, err := p.limit()
	if err != nil {
		return nil, "", err
	}
	rows, err := tx.readQuery("list billing runs", `SELECT `+runColumns+` FROM billing_runs
WHERE ($1 = '' OR id < $1) ORDER BY id DESC LIMIT $2`, p.Cursor, limit)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var out []BillingRun
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, "", internal("list billing runs", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, "", internal("list billing runs", err)
	}
	return out, nextCursor(len(out), limit, func() string { return out[len(out)-1].ID }), nil
}
