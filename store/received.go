package store

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/money"
)

// Acknowledgment is a 999 or 277CA as it was received: its bytes, the
// server's summary of it and what in it matched no claim (JSON the server
// defines, without patient data in the summary), and the status changes
// it asked for that the claims' statuses did not allow.
type Acknowledgment struct {
	ID         string          `json:"id"`
	Kind       string          `json:"kind"` // "999" or "277CA"
	Content    []byte          `json:"-"`
	Summary    json.RawMessage `json:"summary"`
	Unmatched  json.RawMessage `json:"unmatched"`
	Skipped    []Skipped       `json:"skipped"`
	ReceivedBy string          `json:"received_by"`
	ReceivedAt time.Time       `json:"received_at"`
}

// Remittance is an 835 as it was received, with the payer, the check or
// EFT trace number and the total paid.
type Remittance struct {
	ID          string          `json:"id"`
	Content     []byte          `json:"-"`
	Payer       string          `json:"payer"`
	CheckNumber string          `json:"check_number"`
	Paid        money.Amount    `json:"paid"`
	Summary     json.RawMessage `json:"summary"`
	Unmatched   json.RawMessage `json:"unmatched"`
	Skipped     []Skipped       `json:"skipped"`
	// Claims is the reconciliation of each claim it paid; lists leave it
	// empty.
	Claims     []Reconciliation `json:"claims,omitempty"`
	ReceivedBy string           `json:"received_by"`
	ReceivedAt time.Time        `json:"received_at"`
}

// Skipped is a status change a received file asked for and the store did
// not make, and why.
type Skipped struct {
	ClaimID string `json:"claim_id"`
	Status  Status `json:"status"`
	Reason  string `json:"reason"`
}

func jsonOr(raw json.RawMessage, empty string) string {
	if len(raw) == 0 {
		return empty
	}
	return string(raw)
}

// applyChanges makes each change with src as its source; a change the
// claim's status does not allow, or of a claim that does not exist, is
// skipped and said so, not an error: the file was received all the same.
func (tx *Tx) applyChanges(changes []ClaimChange, src Source) ([]Skipped, error) {
	// Claims are locked in id order, as CreateInterchange does, so two
	// files that move the same claims never wait for each other in a
	// cycle; what was skipped is told in the file's order.
	order := make([]int, len(changes))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return changes[order[i]].ClaimID < changes[order[j]].ClaimID })
	why := map[int]string{}
	for _, i := range order {
		err := tx.SetClaimStatus(changes[i], src)
		switch errs.CodeOf(err) {
		case "":
		case errs.Conflict, errs.NotFound, errs.Invalid:
			why[i] = err.Error()
		default:
			return nil, err
		}
	}
	skipped := []Skipped{}
	for i, ch := range changes {
		if reason, ok := why[i]; ok {
			skipped = append(skipped, Skipped{ClaimID: ch.ClaimID, Status: ch.Status, Reason: reason})
		}
	}
	return skipped, nil
}

// RecordAcknowledgment stores a received 999 or 277CA and makes the claim
// status changes it causes, each recorded with the acknowledgment as its
// source, in one transaction. It returns the acknowledgment with its id
// and the changes skipped.
func (tx *Tx) RecordAcknowledgment(a Acknowledgment, changes []ClaimChange) (Acknowledgment, error) {
	if a.Kind != "999" && a.Kind != "277CA" {
		return Acknowledgment{}, errs.Invalids([]errs.Problem{{Path: "kind", Message: "want 999 or 277CA"}})
	}
	if len(a.Content) == 0 {
		return Acknowledgment{}, errs.Invalids([]errs.Problem{{Path: "", Message: "the acknowledgment is empty"}})
	}
	a.ID, a.ReceivedBy, a.ReceivedAt = NewID("A"), tx.actorID(), tx.now
	skipped, err := tx.applyChanges(changes, Source{Kind: "acknowledgment", ID: a.ID})
	if err != nil {
		return Acknowledgment{}, err
	}
	a.Skipped = skipped
	sk, _ := json.Marshal(skipped)
	if _, err := tx.exec("store acknowledgment", `INSERT INTO acknowledgments (id, kind, content, summary, unmatched, skipped, received_by, received_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, a.ID, a.Kind, a.Content, jsonOr(a.Summary, "{}"), jsonOr(a.Unmatched, "[]"), string(sk),
		a.ReceivedBy, micros(tx.now)); err != nil {
		return Acknowledgment{}, err
	}
	tx.Audit("create", "acknowledgment", a.ID, fmt.Sprintf("%s, %d changes, %d skipped", a.Kind, len(changes)-len(skipped), len(skipped)))
	return a, nil
}

// RecordRemittance stores a received 835 and makes the claim status
// changes (and amounts paid) it causes, as RecordAcknowledgment does, and
// keeps the reconciliation of each claim it paid (r.Claims): each claim's
// flags become those of this reconciliation.
func (tx *Tx) RecordRemittance(r Remittance, changes []ClaimChange) (Remittance, error) {
	if len(r.Content) == 0 {
		return Remittance{}, errs.Invalids([]errs.Problem{{Path: "", Message: "the remittance is empty"}})
	}
	r.ID, r.ReceivedBy, r.ReceivedAt = NewID("R"), tx.actorID(), tx.now
	skipped, err := tx.applyChanges(changes, Source{Kind: "remittance", ID: r.ID})
	if err != nil {
		return Remittance{}, err
	}
	r.Skipped = skipped
	sk, _ := json.Marshal(skipped)
	if _, err := tx.exec("store remittance", `INSERT INTO remittances (id, content, payer, check_number, paid_cents, summary, unmatched, skipped, received_by, received_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, r.ID, r.Content, r.Payer, r.CheckNumber, int64(r.Paid), jsonOr(r.Summary, "{}"),
		jsonOr(r.Unmatched, "[]"), string(sk), r.ReceivedBy, micros(tx.now)); err != nil {
		return Remittance{}, err
	}
	if err := tx.recordReconciliations(r.ID, r.Claims); err != nil {
		return Remittance{}, err
	}
	tx.Audit("create", "remittance", r.ID, fmt.Sprintf("%d changes, %d skipped", len(changes)-len(skipped), len(skipped)))
	return r, nil
}

// Acknowledgment returns a received acknowledgment, its bytes included.
func (tx *Tx) Acknowledgment(id string) (Acknowledgment, error) {
	var a Acknowledgment
	var summary, unmatched, skipped string
	var at int64
	err := tx.readRow(`SELECT id, kind, content, summary, unmatched, skipped, received_by, received_at FROM acknowledgments WHERE id = $1`, id).
		Scan(&a.ID, &a.Kind, &a.Content, &summary, &unmatched, &skipped, &a.ReceivedBy, &at)
	if err == sql.ErrNoRows {
		return Acknowledgment{}, notFound("acknowledgment", id)
	}
	if err != nil {
		return Acknowledgment{}, internal("read acknowledgment", err)
	}
	a.Summary, a.Unmatched, a.ReceivedAt = json.RawMessage(summary), json.RawMessage(unmatched), fromMicros(at)
	if err := json.Unmarshal([]byte(skipped), &a.Skipped); err != nil {
		return Acknowledgment{}, internal("read acknowledgment", err)
	}
	tx.Audit("read", "acknowledgment", id, "")
	return a, nil
}

// Remittance returns a received remittance, its bytes included.
func (tx *Tx) Remittance(id string) (Remittance, error) {
	var r Remittance
	var summary, unmatched, skipped string
	var paid, at int64
	err := tx.readRow(`SELECT id, content, payer, check_number, paid_cents, summary, unmatched, skipped, received_by, received_at FROM remittances WHERE id = $1`, id).
		Scan(&r.ID, &r.Content, &r.Payer, &r.CheckNumber, &paid, &summary, &unmatched, &skipped, &r.ReceivedBy, &at)
	if err == sql.ErrNoRows {
		return Remittance{}, notFound("remittance", id)
	}
	if err != nil {
		return Remittance{}, internal("read remittance", err)
	}
	r.Paid, r.Summary, r.Unmatched, r.ReceivedAt = money.Amount(paid), json.RawMessage(summary), json.RawMessage(unmatched), fromMicros(at)
	if err := json.Unmarshal([]byte(skipped), &r.Skipped); err != nil {
		return Remittance{}, internal("read remittance", err)
	}
	if r.Claims, err = tx.reconciliations("read remittance", "r.remittance_id = $1", id); err != nil {
		return Remittance{}, err
	}
	tx.Audit("read", "remittance", id, "")
	return r, nil
}

// Acknowledgments returns one page of received acknowledgments, newest
// first, without their bytes.
func (tx *Tx) Acknowledgments(p Page) ([]Acknowledgment, string, error) {
	limit, err := p.limit()
	if err != nil {
		return nil, "", err
	}
	rows, err := tx.readQuery("list acknowledgments", `SELECT id, kind, summary, unmatched, skipped, received_by, received_at FROM acknowledgments
WHERE ($1 = '' OR id < $1) ORDER BY id DESC LIMIT $2`, p.Cursor, limit)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var out []Acknowledgment
	for rows.Next() {
		var a Acknowledgment
		var summary, unmatched, skipped string
		var at int64
		if err := rows.Scan(&a.ID, &a.Kind, &summary, &unmatched, &skipped, &a.ReceivedBy, &at); err != nil {
			return nil, "", internal("list acknowledgments", err)
		}
		a.Summary, a.Unmatched, a.ReceivedAt = json.RawMessage(summary), json.RawMessage(unmatched), fromMicros(at)
		if err := json.Unmarshal([]byte(skipped), &a.Skipped); err != nil {
			return nil, "", internal("list acknowledgments", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, "", internal("list acknowledgments", err)
	}
	for _, a := range out {
		tx.Audit("list", "acknowledgment", a.ID, "")
	}
	return out, nextCursor(len(out), limit, func() string { return out[len(out)-1].ID }), nil
}

// Remittances returns one page of received remittances, newest first,
// without their bytes.
func (tx *Tx) Remittances(p Page) ([]Remittance, string, error) {
	limit, err := p.limit()
	if err != nil {
		return nil, "", err
	}
	rows, err := tx.readQuery("list remittances", `SELECT id, payer, check_number, paid_cents, summary, unmatched, skipped, received_by, received_at FROM remittances
WHERE ($1 = '' OR id < $1) ORDER BY id DESC LIMIT $2`, p.Cursor, limit)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var out []Remittance
	for rows.Next() {
		var r Remittance
		var summary, unmatched, skipped string
		var paid, at int64
		if err := rows.Scan(&r.ID, &r.Payer, &r.CheckNumber, &paid, &summary, &unmatched, &skipped, &r.ReceivedBy, &at); err != nil {
			return nil, "", internal("list remittances", err)
		}
		r.Paid, r.Summary, r.Unmatched, r.ReceivedAt = money.Amount(paid), json.RawMessage(summary), json.RawMessage(unmatched), fromMicros(at)
		if err := json.Unmarshal([]byte(skipped), &r.Skipped); err != nil {
			return nil, "", internal("list remittances", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, "", internal("list remittances", err)
	}
	for _, r := range out {
		tx.Audit("list", "remittance", r.ID, "")
	}
	return out, nextCursor(len(out), limit, func() string { return out[len(out)-1].ID }), nil
}
