package store

import (
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"github.com/perdiem/perdiem/errs"
)

// Payer is a health plan the pharmacy bills: the payer profile its claims
// are coded under (package profile), its payer id (837P loop 2010BB), and
// the contract's terms as JSON when the workspace prices claims.
type Payer struct {
	ID        string          `json:"id"`
	Name      string          `json:"name"`
	ProfileID string          `json:"profile_id"`
	PayerID   string          `json:"payer_id"`
	Contract  json.RawMessage `json:"contract,omitempty"`
	CreatedAt time.Time       `json:"created_at"`
	UpdatedAt time.Time       `json:"updated_at"`
}

func checkPayer(p *Payer) error {
	var probs []errs.Problem
	if strings.TrimSpace(p.Name) == "" {
		probs = append(probs, errs.Problem{Path: "name", Message: "required"})
	}
	if strings.TrimSpace(p.ProfileID) == "" {
		probs = append(probs, errs.Problem{Path: "profile_id", Message: "required"})
	}
	if strings.TrimSpace(p.PayerID) == "" {
		probs = append(probs, errs.Problem{Path: "payer_id", Message: "required"})
	}
	if len(p.Contract) > 0 && string(p.Contract) != "null" {
		if prob, ok := checkObject("contract", &p.Contract, false); !ok {
			probs = append(probs, prob)
		}
	} else {
		p.Contract = nil
	}
	if len(probs) > 0 {
		return errs.Invalids(probs)
	}
	return nil
}

func nullJSON(raw json.RawMessage) any {
	if raw == nil {
		return nil
	}
	return string(raw)
}

// CreatePayer stores a new payer and returns it with its id.
func (tx *Tx) CreatePayer(p Payer) (Payer, error) {
	if err := checkPayer(&p); err != nil {
		return Payer{}, err
	}
	if p.ID == "" {
		p.ID = NewID("Y")
	}
	p.CreatedAt, p.UpdatedAt = tx.now, tx.now
	if _, err := tx.exec("create payer", `INSERT INTO payers (id, name, profile_id, payer_id, contract, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)`, p.ID, p.Name, p.ProfileID, p.PayerID, nullJSON(p.Contract), micros(tx.now), micros(tx.now)); err != nil {
		return Payer{}, err
	}
	tx.Audit("create", "payer", p.ID, "")
	return p, nil
}

// UpdatePayer replaces a payer's fields (all but ID and CreatedAt). Its
// audit entry names the fields that changed ("name, contract"; "no
// change").
func (tx *Tx) UpdatePayer(p Payer) (Payer, error) {
	if err := checkPayer(&p); err != nil {
		return Payer{}, err
	}
	lock := ""
	if tx.db.postgres {
		lock = " FOR UPDATE"
	}
	old, err := scanPayer(tx.queryRow(`SELECT `+payerColumns+` FROM payers WHERE id = $1`+lock, p.ID))
	if err == sql.ErrNoRows {
		return Payer{}, notFound("payer", p.ID)
	}
	if err != nil {
		return Payer{}, internal("read payer", err)
	}
	if _, err := tx.exec("update payer", `UPDATE payers SET name = $2, profile_id = $3, payer_id = $4, contract = $5, updated_at = $6 WHERE id = $1`,
		p.ID, p.Name, p.ProfileID, p.PayerID, nullJSON(p.Contract), micros(tx.now)); err != nil {
		return Payer{}, err
	}
	p.CreatedAt, p.UpdatedAt = old.CreatedAt, tx.now
	var changed []string
	for _, f := range []struct {
		name     string
		was, now string
	}{{"name", old.Name, p.Name}, {"profile_id", old.ProfileID, p.ProfileID}, {"payer_id", old.PayerID, p.PayerID},
		{"contract", string(old.Contract), string(p.Contract)}} {
		if f.was != f.now {
			changed = append(changed, f.name)
		}
	}
	detail := "no change"
	if len(changed) > 0 {
		detail = strings.Join(changed, ", ")
	}
	tx.Audit("update", "payer", p.ID, detail)
	return p, nil
}

const payerColumns = `id, name, profile_id, payer_id, contract, created_at, updated_at`

func scanPayer(row interface{ Scan(...any) error }) (Payer, error) {
	var p Payer
	var contract sql.NullString
	var created, updated int64
	if err := row.Scan(&p.ID, &p.Name, &p.ProfileID, &p.PayerID, &contract, &created, &updated); err != nil {
		return Payer{}, err
	}
	if contract.Valid {
		p.Contract = json.RawMessage(contract.String)
	}
	p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
	return p, nil
}

// Payer returns the payer with id. Payers hold no patient data, so reading
// one is not audited.
func (tx *Tx) Payer(id string) (Payer, error) {
	p, err := scanPayer(tx.readRow(`SELECT `+payerColumns+` FROM payers WHERE id = $1`, id))
	if err == sql.ErrNoRows {
		return Payer{}, notFound("payer", id)
	}
	if err != nil {
		return Payer{}, internal("read payer", err)
	}
	return p, nil
}

// Payers returns one page of payers, newest first.
func (tx *Tx) Payers(p Page) ([]Payer, string, error) {
	limit, err := p.limit()
	if err != nil {
		return nil, "", err
	}
	rows, err := tx.readQuery("list payers", `SELECT `+payerColumns+` FROM payers
WHERE ($1 = '' OR id < $1) ORDER BY id DESC LIMIT $2`, p.Cursor, limit)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var out []Payer
	for rows.Next() {
		py, err := scanPayer(rows)
		if err != nil {
			return nil, "", internal("list payers", err)
		}
		out = append(out, py)
	}
	if err := rows.Err(); err != nil {
		return nil, "", internal("list payers", err)
	}
	return out, nextCursor(len(out), limit, func() string { return out[len(out)-1].ID }), nil
}
