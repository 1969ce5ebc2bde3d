package store

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/money"
)

// Status is where a claim is in its life. The statuses, and the moves
// between them that the store allows (Moves), are defined here once.
type Status string

// The claim statuses.
const (
	Draft         Status = "draft"          // coded, not yet checked
	Ready         Status = "ready"          // checked, waiting to be sent
	Submitted     Status = "submitted"      // sent in an interchange
	Accepted999   Status = "accepted_999"   // its transaction set accepted by a 999
	Rejected999   Status = "rejected_999"   // its transaction set rejected by a 999
	Accepted277CA Status = "accepted_277ca" // accepted by the payer's front end (277CA)
	Rejected277CA Status = "rejected_277ca" // rejected by the payer's front end (277CA)
	Paid          Status = "paid"           // an 835 paid it in full
	PartlyPaid    Status = "partly_paid"    // an 835 paid part of it
	Denied        Status = "denied"         // an 835 paid nothing
)

// Statuses lists the statuses in the order of a claim's life.
var Statuses = []Status{Draft, Ready, Submitted, Accepted999, Rejected999, Accepted277CA, Rejected277CA, Paid, PartlyPaid, Denied}

// Moves says which statuses a claim may move to from each. A claim moves
// forward through its life; one rejected or denied may go back to draft
// or ready to be corrected and sent again; an 835 may arrive without a
// 999 or 277CA before it, and a later 835 may correct an earlier one.
var Moves = map[Status][]Status{
	Draft:         {Ready, Submitted},
	Ready:         {Draft, Submitted},
	Submitted:     {Accepted999, Rejected999, Accepted277CA, Rejected277CA, Paid, PartlyPaid, Denied},
	Accepted999:   {Accepted277CA, Rejected277CA, Paid, PartlyPaid, Denied},
	Rejected999:   {Draft, Ready},
	Accepted277CA: {Paid, PartlyPaid, Denied},
	Rejected277CA: {Draft, Ready},
	Paid:          {PartlyPaid, Denied},
	PartlyPaid:    {Paid, Denied},
	Denied:        {Paid, PartlyPaid, Draft, Ready},
}

// Valid reports whether s is one of the statuses.
func (s Status) Valid() bool {
	_, ok := Moves[s]
	return ok
}

// CanMove reports whether a claim in status from may move to status to.
func CanMove(from, to Status) bool {
	for _, s := range Moves[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Claim is a stored claim: the claim.Claim that goes out in an 837P (its
// ID the store's, each line's ID "<claim id>-<n>"), the coding result it
// was made from, the episode version it was coded from, and where it is.
// Lists leave Claim and Result empty.
type Claim struct {
	ID             string       `json:"id"`
	PatientID      string       `json:"patient_id"`
	PayerID        string       `json:"payer_id,omitempty"`
	EpisodeID      string       `json:"episode_id"`
	EpisodeVersion int64        `json:"episode_version"`
	Period         civil.Span   `json:"period"`
	Status         Status       `json:"status"`
	Total          money.Amount `json:"total"`
	Paid           money.Amount `json:"paid"`
	BillingRunID   string       `json:"billing_run_id,omitempty"`
	// Flags are the kinds of flags of the claim's latest reconciliation
	// with an 835 (underpaid, overpaid, denied, ...): what needs a person.
	Flags     []string      `json:"flags,omitempty"`
	CreatedBy string        `json:"created_by"`
	CreatedAt time.Time     `json:"created_at"`
	UpdatedAt time.Time     `json:"updated_at"`
	Claim     *claim.Claim  `json:"claim,omitempty"`
	Result    *claim.Result `json:"result,omitempty"`

	// stored is Claim and Result as CreateClaim encoded them for the
	// database, for AppendJSON; nil in a claim read back.
	stored *storedJSON
}

type storedJSON struct{ claim, result []byte }

// AppendJSON appends c's JSON to b: the bytes an encoding/json Encoder
// with SetEscapeHTML(false) writes for it, without its line feed. The
// claim and the result are written by their own writers, without
// reflection; in the claim CreateClaim returns, they are the JSON it
// stored, not encoded again (most of the work of answering with a new
// claim), so a change made to them after CreateClaim is not seen.
func (c Claim) AppendJSON(b []byte) ([]byte, error) {
	doc, res, s := c.Claim, c.Result, c.stored
	// Claim and Result are the last fields: the rest, then them.
	c.Claim, c.Result, c.stored = nil, nil, nil
	extra := 0
	if s != nil {
		extra = len(s.claim) + len(s.result)
	}
	b, err := appendPlainJSON(slices.Grow(b, 512+extra), c)
	if err != nil || doc == nil && res == nil {
		return b, err
	}
	b = b[:len(b)-1]
	if doc != nil {
		b = append(b, `,"claim":`...)
		if s != nil {
			b = append(b, s.claim...)
		} else {
			b = doc.AppendJSON(b)
		}
	}
	if res != nil {
		b = append(b, `,"result":`...)
		if s != nil {
			b = append(b, s.result...)
		} else {
			b = res.AppendJSON(b)
		}
	}
	return append(b, '}'), nil
}

// appendPlainJSON appends v as an encoding/json Encoder with
// SetEscapeHTML(false) writes it, without the line feed.
func appendPlainJSON(b []byte, v any) ([]byte, error) {
	buf := bytes.NewBuffer(b)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), nil
}

// NewClaim is what CreateClaim needs: the coded claim and result, the
// episode version they were coded from, and optionally the payer (else the
// episode's), the first status (else Draft) and the billing run.
type NewClaim struct {
	// ID is the claim's id when the caller made it (NewID("C")) before
	// coding, so that the claim's reasons can name it; "" gives a new one.
	ID             string
	EpisodeID      string
	EpisodeVersion int64
	PayerID        string
	Status         Status
	BillingRunID   string
	Claim          claim.Claim
	Result         claim.Result
}

// Source says what caused a status change: a user's request ("user", with
// the user id), an interchange, an acknowledgment, a remittance or a
// billing run, with that record's id.
type Source struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

// StatusChange is one entry of a claim's status history.
type StatusChange struct {
	N      int64     `json:"n"`
	Status Status    `json:"status"`
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	Source Source    `json:"source"`
	Detail string    `json:"detail,omitempty"`
}

// CreateClaim stores a claim with a new id (at most claim.MaxIDLength
// characters), its lines with ids "<claim id>-<n>", and its first status.
// The total is the sum of the line charges.
func (tx *Tx) CreateClaim(n NewClaim) (Claim, error) {
	if n.Status == "" {
		n.Status = Draft
	}
	if n.Status != Draft && n.Status != Ready {
		return Claim{}, errs.Invalids([]errs.Problem{{Path: "status", Message: "a new claim is draft or ready"}})
	}
	c := n.Claim
	c.ID = n.ID
	if c.ID == "" {
		c.ID = NewID("C")
	}
	if len(c.ID) > claim.MaxIDLength {
		return Claim{}, errs.Invalids([]errs.Problem{{Path: "id", Message: fmt.Sprintf("%d characters; at most %d", len(c.ID), claim.MaxIDLength)}})
	}
	charges := make([]money.Amount, len(c.Lines))
	c.Lines = append([]claim.Line(nil), c.Lines...)
	for i := range c.Lines {
		l := &c.Lines[i]
		// JSON has no NaN or infinity, and the claim is kept as JSON.
		for _, q := range [...]struct {
			name string
			v    float64
		}{{"units", l.Units}, {"ndc_quantity", l.NDCQuantity}} {
			if math.IsNaN(q.v) || math.IsInf(q.v, 0) {
				return Claim{}, errs.Invalids([]errs.Problem{{Path: fmt.Sprintf("claim.lines[%d].%s", i, q.name), Message: "not a finite number"}})
			}
		}
		l.ID = claimLineID(c.ID, i+1)
		charges[i] = l.Charge
	}
	total, err := money.Sum(charges...)
	if err != nil {
		return Claim{}, errs.Invalids([]errs.Problem{{Path: "claim.lines", Message: "the charges' total: " + err.Error()}})
	}
	c.Total = total
	// Text as it is (no \u003e for >), as the result's own writer and the
	// server's answers have it: the answer with the new claim is these
	// bytes (AppendJSON).
	claimJSON := c.AppendJSON(nil)
	resultJSON := n.Result.AppendJSON(nil)
	out := Claim{
		ID: c.ID, EpisodeID: n.EpisodeID, EpisodeVersion: n.EpisodeVersion,
		Period: c.Period, Status: n.Status, Total: total, BillingRunID: n.BillingRunID,
		CreatedBy: tx.actorID(), CreatedAt: tx.now, UpdatedAt: tx.now, Claim: &c, Result: &n.Result,
		stored: &storedJSON{claim: claimJSON, result: resultJSON},
	}
	src := Source{Kind: "user", ID: tx.actorID()}
	if n.BillingRunID != "" {
		src = Source{Kind: "billing_run", ID: n.BillingRunID}
	}
	detail := fmt.Sprintf("coded from episode version %d", n.EpisodeVersion)
	// The patient and, unless given, the payer are the episode's; the
	// claim is made from the version's row, so a version that does not
	// exist makes none.
	var payer sql.NullString
	auditDetail := fmt.Sprintf("episode %s version %d, %d lines", n.EpisodeID, n.EpisodeVersion, len(c.Lines))
	if tx.db.postgres {
		err = tx.createClaimPostgres(&out, &payer, n, claimJSON, resultJSON, src, detail, auditDetail)
	} else {
		err = tx.queryRow(insertClaim+` RETURNING patient_id, payer_id`, tx.claimArgs(&out, n, claimJSON, resultJSON)...).Scan(&out.PatientID, &payer)
	}
	if err == sql.ErrNoRows {
		return Claim{}, errs.Errorf(errs.NotFound, "episode %s has no version %d", quoteID(n.EpisodeID), n.EpisodeVersion)
	}
	if err != nil {
		return Claim{}, mapErr("create claim", err)
	}
	out.PayerID = payer.String
	if !tx.db.postgres {
		if err := tx.insertLines(out.ID, c.Lines); err != nil {
			return Claim{}, err
		}
		if err := tx.insertHistory(out.ID, 1, n.Status, src, detail); err != nil {
			return Claim{}, err
		}
		tx.Audit("create", "claim", out.ID, auditDetail)
	}
	// Nothing may follow a final write (DoFinal), whichever way it was
	// made: a function that does something after it fails on both
	// databases alike.
	tx.ended = tx.final
	return out, nil
}

// insertClaim makes a claim from an episode version's row; its parameters
// are claimArgs'.
const insertClaim = `INSERT INTO claims (id, patient_id, payer_id, episode_id, episode_version, period_from, period_to,
status, claim, result, total_cents, paid_cents, history_n, billing_run_id, created_by, created_at, updated_at)
SELECT $1, e.patient_id, COALESCE($2, e.payer_id), v.episode_id, v.version, $3, $4, $5, $6, $7, CAST($8 AS BIGINT), 0, 1, $9, $10,
CAST($11 AS BIGINT), CAST($11 AS BIGINT)
FROM episode_versions v JOIN episodes e ON e.id = v.episode_id WHERE v.episode_id = $12 AND v.version = $13`

func (tx *Tx) claimArgs(out *Claim, n NewClaim, claimJSON, resultJSON []byte) []any {
	return []any{out.ID, nullString(n.PayerID), out.Period.From.String(), out.Period.To.String(),
		string(n.Status), string(claimJSON), string(resultJSON), int64(out.Total), nullString(n.BillingRunID), out.CreatedBy, micros(tx.now),
		n.EpisodeID, n.EpisodeVersion}
}

// createClaimPostgres stores the claim, its lines and its first status in
// one statement, one round trip to the server instead of three. For a
// transaction not begun yet that does nothing after (DoFinal), that
// statement also appends all its audit entries and commits on its own
// (createClaimAlone). When the transaction holds an audit chain already
// (Episode takes one in a transaction begun before it), the same
// statement appends the transaction's audit entries and the claim's, so
// that nothing is left for the commit; otherwise it takes a chain and
// numbers the entries (takeChain), and the append waits for the commit.
func (tx *Tx) createClaimPostgres(out *Claim, payer *sql.NullString, n NewClaim, claimJSON, resultJSON []byte, src Source, detail, auditDetail string) error {
	lines := out.Claim.Lines
	lineIDs, codes, mods, froms, tos, reasons := make([]string, len(lines)), make([]string, len(lines)), make([]string, len(lines)),
		make([]string, len(lines)), make([]string, len(lines)), make([]string, len(lines))
	units, charges := make([]float64, len(lines)), make([]int64, len(lines))
	for i, l := range lines {
		m, r, err := lineJSON(l)
		if err != nil {
			return err
		}
		lineIDs[i], codes[i], mods[i], froms[i], tos[i], reasons[i] = l.ID, l.Code, m, l.From.String(), l.To.String(), r
		units[i], charges[i] = l.Units, int64(l.Charge)
	}
	args := append(tx.claimArgs(out, n, claimJSON, resultJSON), lineIDs, codes, mods, froms, tos, units, charges, reasons,
		string(n.Status), src.Kind, src.ID, detail)
	if tx.final && tx.tx == nil {
		made, err := tx.createClaimAlone(out, payer, args, auditDetail)
		if err != nil || made {
			return err
		}
		// Every chain is held: make the claim in a transaction, which
		// waits for a chain at its commit.
		if _, err := tx.begun(); err != nil {
			return err
		}
	}
	if h := tx.chain; h != nil {
		tx.Audit("create", "claim", out.ID, auditDetail)
		k := len(tx.audit)
		chain, cn, prev, err := tx.takeChain()
		if err != nil {
			tx.audit = tx.audit[:k-1]
			return err
		}
		last, lastHash := tx.hashAudit(chain, cn, prev)
		args = append(auditArgs(args, tx.audit), last, lastHash, chain)
		if err := tx.queryRow(createClaimAuditedPG(k), args...).Scan(&out.PatientID, payer); err != nil {
			// Nothing was written (the statement's audit entries are
			// conditional on the claim): the claim's entry goes.
			tx.audit = tx.audit[:k-1]
			return err
		}
		// The entries are in the chain: the commit has none to append.
		h.n, h.hash, h.seqs = last, lastHash, h.seqs[k:]
		tx.audit = tx.audit[:0]
		return nil
	}
	var chain, cn sql.NullInt64
	var hash, seqs sql.NullString
	err := tx.queryRow(createClaimTakingChainPG, append(args, int64(len(tx.audit)+1))...).Scan(&out.PatientID, payer, &chain, &cn, &hash, &seqs)
	if err != nil {
		return err
	}
	if err := tx.holdChain(chain, cn, hash, seqs); err != nil {
		return err
	}
	tx.Audit("create", "claim", out.ID, auditDetail)
	return nil
}

// createClaimAlone makes the claim and appends the transaction's audit
// entries with the claim's in one statement that commits on its own
// (createClaimAlonePG), for a transaction that has not begun and will do
// nothing after (DoFinal). It reports false, having written nothing, when
// every chain is held.
func (tx *Tx) createClaimAlone(out *Claim, payer *sql.NullString, args []any, auditDetail string) (bool, error) {
	conn, err := tx.on()
	if err != nil {
		return false, err
	}
	tx.Audit("create", "claim", out.ID, auditDetail)
	var chain sql.NullInt64
	var patient sql.NullString
	err = conn.QueryRowContext(tx.ctx, aloneStatement(createClaimAlonePG, len(tx.audit)), auditParams(args, tx.audit)...).Scan(&chain, &patient, payer)
	switch {
	case err != nil:
	case !chain.Valid:
		err = nil
	case !patient.Valid:
		err = sql.ErrNoRows
	default:
		out.PatientID = patient.String
		tx.audit = tx.audit[:0]
		return true, nil
	}
	tx.audit = tx.audit[:len(tx.audit)-1]
	return false, err
}

// claimCTEs are the WITH part of createClaimPostgres's statement: the
// claim (insertClaim), its lines from arrays ($14 to $21) and its first
// status ($22 to $25).
const claimCTEs = `WITH c AS (` + insertClaim + `
RETURNING id, patient_id, payer_id),
` + claimRowsCTEs

// claimRowsCTEs are the CTEs l and h of claimCTEs, the claim's lines and
// first status.
const claimRowsCTEs = `l AS (INSERT INTO claim_lines (claim_id, n, line_id, code, modifiers, from_date, to_date, units, charge_cents, reasons)
SELECT c.id, t.n, t.line_id, t.code, t.modifiers, t.from_date, t.to_date, t.units, t.charge_cents, t.reasons
FROM c, unnest(CAST($14 AS TEXT[]), CAST($15 AS TEXT[]), CAST($16 AS TEXT[]), CAST($17 AS TEXT[]), CAST($18 AS TEXT[]),
CAST($19 AS DOUBLE PRECISION[]), CAST($20 AS BIGINT[]), CAST($21 AS TEXT[]))
WITH ORDINALITY AS t (line_id, code, modifiers, from_date, to_date, units, charge_cents, reasons, n)),
h AS (INSERT INTO claim_status_history (claim_id, n, status, at, by_user, source_kind, source_id, detail)
SELECT c.id, 1, CAST($22 AS TEXT), CAST($11 AS BIGINT), CAST($10 AS TEXT), CAST($23 AS TEXT), CAST($24 AS TEXT), CAST($25 AS TEXT) FROM c)`

// createClaimTakingChainPG is the statement that creates a claim and
// takes an audit chain and parameter $26 seqs.
var (
	createClaimTakingChainPG = claimCTEs + ",\n" + takeChainCTEs(26, seqsAhead) + `
SELECT c.patient_id, c.payer_id, ch.chain, ch.n, ch.hash, CASE WHEN ch.chain IS NOT NULL THEN (SELECT string_agg(CAST(seq AS TEXT), ',' ORDER BY seq) FROM s) END
FROM c LEFT JOIN ch ON true`
)

// createClaimAlonePG are the statements (aloneStatements) that create a
// claim, if they take an audit chain (takeChainCTE), and append to the
// chain the audit entries of the parameters from $26 on (auditCTEs) if
// they made the claim: each commits on its own. They answer the chain
// taken, NULL when every chain is held, and the claim's patient and
// payer, NULL when the episode version does not exist; in either case
// they wrote nothing.
var createClaimAlonePG = aloneStatements(func(k int) string {
	return `WITH RECURSIVE ` + takeChainCTE + `,
c AS (` + insertClaim + ` AND EXISTS (SELECT 1 FROM ch)
RETURNING id, patient_id, payer_id),
` + claimRowsCTEs + `,
` + auditCTEs(26, k, "EXISTS (SELECT 1 FROM c)") + `
SELECT (SELECT chain FROM ch), c.patient_id, c.payer_id FROM (SELECT 1) AS one LEFT JOIN c ON true`
})

// createClaimAuditedPG is the statement that creates a claim and appends
// k audit entries (parameters from $26 on, appendAuditCTEs).
func createClaimAuditedPG(k int) string {
	return claimCTEs + ",\n" + appendAuditCTEs(k, 26, "c") + "\nSELECT c.patient_id, c.payer_id FROM c"
}

// linesPerInsert bounds the lines of one INSERT (10 parameters each).
const linesPerInsert = 200

// insertLines stores a claim's lines, many to a statement.
func (tx *Tx) insertLines(claimID string, lines []claim.Line) error {
	for first := 0; first < len(lines); first += linesPerInsert {
		batch := lines[first:min(len(lines), first+linesPerInsert)]
		args := make([]any, 0, 10*len(batch))
		for i, l := range batch {
			mods, reasons, err := lineJSON(l)
			if err != nil {
				return err
			}
			args = append(args, claimID, first+i+1, l.ID, l.Code, mods, l.From.String(), l.To.String(), l.Units, int64(l.Charge), reasons)
		}
		if _, err := tx.exec("create claim lines", insertLinesSQL(len(batch)), args...); err != nil {
			return err
		}
	}
	return nil
}

// insertLinesSQL is the statement that inserts k lines, 10 parameters
// each.
func insertLinesSQL(k int) string {
	var q strings.Builder
	q.WriteString(`INSERT INTO claim_lines (claim_id, n, line_id, code, modifiers, from_date, to_date, units, charge_cents, reasons) VALUES `)
	for i := range k {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(placeholders(10*i+1, 10))
	}
	return q.String()
}

// lineJSON is what the claim_lines row of l keeps as JSON: its modifiers
// and its reasons, [] when it has none.
func lineJSON(l claim.Line) (mods, reasons string, err error) {
	m, err := json.Marshal(nonNil(l.Modifiers))
	if err != nil {
		return "", "", internal("encode claim line", err)
	}
	r, err := json.Marshal(nonNilReasons(l.Why))
	if err != nil {
		return "", "", internal("encode claim line", err)
	}
	return string(m), string(r), nil
}

func nonNil(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}

func nonNilReasons(rs []claim.Reason) []claim.Reason {
	if rs == nil {
		return []claim.Reason{}
	}
	return rs
}

const insertHistorySQL = `INSERT INTO claim_status_history (claim_id, n, status, at, by_user, source_kind, source_id, detail)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`

func (tx *Tx) insertHistory(claimID string, n int64, s Status, src Source, detail string) error {
	_, err := tx.exec("record claim status", insertHistorySQL, claimID, n, string(s), micros(tx.now), tx.actorID(), src.Kind, src.ID, detail)
	return err
}

// ClaimChange moves a claim to a status. Paid, when set, replaces the
// amount paid (from an 835). Reversal marks an 835's reversal, which may
// also move a paid, partly paid or denied claim back to the status it had
// before (reversals.go).
type ClaimChange struct {
	ClaimID  string
	Status   Status
	Paid     *money.Amount
	Detail   string // no patient data: codes, amounts, ids
	Reversal bool
}

// SetClaimStatus moves a claim as ch says, if Moves allows it from the
// claim's current status (a conflict otherwise), and records the change
// with its source in the claim's history.
func (tx *Tx) SetClaimStatus(ch ClaimChange, src Source) error {
	if !ch.Status.Valid() {
		return errs.Invalids([]errs.Problem{{Path: "status", Message: "not a claim status"}})
	}
	var cur string
	err := tx.queryRow(`SELECT status FROM claims WHERE id = $1`, ch.ClaimID).Scan(&cur)
	if err == sql.ErrNoRows {
		return notFound("claim", ch.ClaimID)
	}
	if err != nil {
		return internal("read claim", err)
	}
	return tx.moveClaim(ch, Status(cur), []Status{Status(cur)}, src)
}

// moveClaim moves a claim whose status is one of from; the conditional
// UPDATE, which locks the row on PostgreSQL, makes a concurrent change a
// conflict instead of a lost update.
func (tx *Tx) moveClaim(ch ClaimChange, cur Status, from []Status, src Source) error {
	if !CanMove(cur, ch.Status) && !(ch.Reversal && canReverse(cur, ch.Status)) {
		return errs.Errorf(errs.Conflict, "claim %s is %s and cannot become %s", quoteID(ch.ClaimID), cur, ch.Status)
	}
	args := []any{ch.ClaimID, string(ch.Status), micros(tx.now)}
	paid := ""
	if ch.Paid != nil {
		args = append(args, int64(*ch.Paid))
		paid = fmt.Sprintf(", paid_cents = $%d", len(args))
	}
	ph := make([]string, len(from))
	for i, s := range from {
		args = append(args, string(s))
		ph[i] = fmt.Sprintf("$%d", len(args))
	}
	var n int64
	err := tx.queryRow(`UPDATE claims SET status = $2, updated_at = $3, history_n = history_n + 1`+paid+`
WHERE id = $1 AND status IN (`+strings.Join(ph, ", ")+`) RETURNING history_n`, args...).Scan(&n)
	if err == sql.ErrNoRows {
		var now string
		if err := tx.queryRow(`SELECT status FROM claims WHERE id = $1`, ch.ClaimID).Scan(&now); err == sql.ErrNoRows {
			return notFound("claim", ch.ClaimID)
		}
		return errs.Errorf(errs.Conflict, "claim %s is %s and cannot become %s", quoteID(ch.ClaimID), now, ch.Status)
	}
	if err != nil {
		return mapErr("update claim", err)
	}
	if err := tx.insertHistory(ch.ClaimID, n, ch.Status, src, ch.Detail); err != nil {
		return err
	}
	tx.Audit("update", "claim", ch.ClaimID, "status "+string(ch.Status))
	return nil
}

const claimColumns = `id, patient_id, payer_id, episode_id, episode_version, period_from, period_to, status, total_cents, paid_cents,
billing_run_id, created_by, created_at, updated_at`

func scanClaim(row scanner, extra ...any) (Claim, error) {
	var c Claim
	var payer, run sql.NullString
	var from, to, status string
	var total, paid, created, updated int64
	if err := row.Scan(append([]any{&c.ID, &c.PatientID, &payer, &c.EpisodeID, &c.EpisodeVersion, &from, &to, &status, &total, &paid,
		&run, &c.CreatedBy, &created, &updated}, extra...)...); err != nil {
		return Claim{}, err
	}
	var err error
	if c.Period.From, err = civil.Parse(from); err == nil {
		c.Period.To, err = civil.Parse(to)
	}
	if err != nil {
		return Claim{}, fmt.Errorf("claim %s: stored period: %w", c.ID, err)
	}
	c.PayerID, c.BillingRunID, c.Status = payer.String, run.String, Status(status)
	c.Total, c.Paid = money.Amount(total), money.Amount(paid)
	c.CreatedAt, c.UpdatedAt = fromMicros(created), fromMicros(updated)
	return c, nil
}

// Claim returns the claim with id, its claim.Claim and coding result
// included.
func (tx *Tx) Claim(id string) (Claim, error) {
	c, err := tx.claim(id)
	if err != nil {
		return Claim{}, err
	}
	flags, err := tx.claimFlags([]string{id})
	if err != nil {
		return Claim{}, err
	}
	c.Flags = flags[id]
	tx.Audit("read", "claim", id, "")
	return c, nil
}

func (tx *Tx) claim(id string) (Claim, error) {
	var claimJSON, resultJSON string
	c, err := scanClaim(tx.readRow(`SELECT `+claimColumns+`, claim, result FROM claims WHERE id = $1`, id), &claimJSON, &resultJSON)
	if err == sql.ErrNoRows {
		return Claim{}, notFound("claim", id)
	}
	if err != nil {
		return Claim{}, internal("read claim", err)
	}
	c.Claim, c.Result = new(claim.Claim), new(claim.Result)
	if err := json.Unmarshal([]byte(claimJSON), c.Claim); err != nil {
		return Claim{}, internal("read claim "+id, err)
	}
	if err := json.Unmarshal([]byte(resultJSON), c.Result); err != nil {
		return Claim{}, internal("read claim "+id, err)
	}
	return c, nil
}

// ClaimHistory returns a claim's status changes, oldest first.
func (tx *Tx) ClaimHistory(id string) ([]StatusChange, error) {
	if err := tx.mustExist("claims", "claim", id); err != nil {
		return nil, err
	}
	rows, err := tx.readQuery("read claim history", `SELECT n, status, at, by_user, source_kind, source_id, detail
FROM claim_status_history WHERE claim_id = $1 ORDER BY n`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StatusChange
	for rows.Next() {
		var s StatusChange
		var status string
		var at int64
		if err := rows.Scan(&s.N, &status, &at, &s.By, &s.Source.Kind, &s.Source.ID, &s.Detail); err != nil {
			return nil, internal("read claim history", err)
		}
		s.Status, s.At = Status(status), fromMicros(at)
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, internal("read claim history", err)
	}
	tx.Audit("read", "claim", id, "history")
	return out, nil
}

// ClaimFilter narrows a list of claims; empty fields match all.
type ClaimFilter struct {
	Status       Status
	PatientID    string
	EpisodeID    string
	PayerID      string
	BillingRunID string
	// Flag finds the claims whose latest reconciliation has a flag of
	// this kind (underpaid, ...).
	Flag string
}

// Claims returns one page of claims, newest first, without their
// claim.Claim and coding result.
func (tx *Tx) Claims(f ClaimFilter, p Page) ([]Claim, string, error) {
	limit, err := p.limit()
	if err != nil {
		return nil, "", err
	}
	if f.Status != "" && !f.Status.Valid() {
		return nil, "", errs.Invalids([]errs.Problem{{Path: "status", Message: "not a claim status"}})
	}
	rows, err := tx.readQuery("list claims", `SELECT `+claimColumns+` FROM claims
WHERE ($1 = '' OR id < $1) AND ($2 = '' OR status = $2) AND ($3 = '' OR patient_id = $3) AND ($4 = '' OR episode_id = $4)
AND ($5 = '' OR payer_id = $5) AND ($6 = '' OR billing_run_id = $6)
AND ($8 = '' OR EXISTS (SELECT 1 FROM claim_flags f WHERE f.claim_id = claims.id AND f.flag = $8))
ORDER BY id DESC LIMIT $7`, p.Cursor, string(f.Status), f.PatientID, f.EpisodeID, f.PayerID, f.BillingRunID, limit, f.Flag)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var out []Claim
	for rows.Next() {
		c, err := scanClaim(rows)
		if err != nil {
			return nil, "", internal("list claims", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, "", internal("list claims", err)
	}
	rows.Close()
	ids := make([]string, len(out))
	for i, c := range out {
		ids[i] = c.ID
	}
	flags, err := tx.claimFlags(ids)
	if err != nil {
		return nil, "", err
	}
	for i := range out {
		out[i].Flags = flags[out[i].ID]
	}
	for _, c := range out {
		tx.Audit("list", "claim", c.ID, "")
	}
	return out, nextCursor(len(out), limit, func() string { return out[len(out)-1].ID }), nil
}

// claimLineID is the id of a claim's line n (from 1): the claim's id, "-" and n.
func claimLineID(claimID string, n int) string { return claimID + "-" + strconv.Itoa(n) }

// splitLineID returns the claim id and number claimLineID made id from, or
// false for an id it does not make.
func splitLineID(id string) (claimID string, n int, ok bool) {
	i := strings.LastIndexByte(id, '-')
	if i < 0 {
		return "", 0, false
	}
	num := id[i+1:]
	n, err := strconv.Atoi(num)
	if err != nil || n < 1 || strconv.Itoa(n) != num {
		return "", 0, false
	}
	return id[:i], n, true
}

// ClaimByLine returns the id of the claim that has the line with lineID
// (REF*6R in an 837P, answered in an 835's SVC loop).
func (tx *Tx) ClaimByLine(lineID string) (string, error) {
	// The primary key finds the line by its claim and number, which its id
	// holds; on PostgreSQL it is the only index of line ids.
	claimID, n, ok := splitLineID(lineID)
	if !ok {
		return "", notFound("claim line", lineID)
	}
	var id string
	err := tx.readRow(`SELECT claim_id FROM claim_lines WHERE claim_id = $1 AND n = $2 AND line_id = $3`, claimID, n, lineID).Scan(&id)
	if err == sql.ErrNoRows {
		return "", notFound("claim line", lineID)
	}
	if err != nil {
		return "", internal("read claim line", err)
	}
	return id, nil
}

func sortedUnique(ids []string) ([]string, error) {
	s := append([]string(nil), ids...)
	sort.Strings(s)
	for i := 1; i < len(s); i++ {
		if s[i] == s[i-1] {
			return nil, errs.Invalids([]errs.Problem{{Path: "claims", Message: "claim " + quoteID(s[i]) + " is listed twice"}})
		}
	}
	return s, nil
}
