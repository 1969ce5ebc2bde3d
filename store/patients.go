package store

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/errs"
)

// Patient is a person the pharmacy bills for. Demographics is a JSON
// object of whatever else the workspace keeps (address, sex, phone).
type Patient struct {
	ID           string          `json:"id"`
	Name         string          `json:"name"`
	BirthDate    civil.Date      `json:"birth_date"`
	MemberID     string          `json:"member_id"`
	Demographics json.RawMessage `json:"demographics"`
	CreatedAt    time.Time       `json:"created_at"`
	UpdatedAt    time.Time       `json:"updated_at"`
}

func checkPatient(p *Patient) error {
	var probs []errs.Problem
	if strings.TrimSpace(p.Name) == "" {
		probs = append(probs, errs.Problem{Path: "name", Message: "required"})
	}
	if strings.TrimSpace(p.MemberID) == "" {
		probs = append(probs, errs.Problem{Path: "member_id", Message: "required"})
	}
	if p.BirthDate == 0 {
		probs = append(probs, errs.Problem{Path: "birth_date", Message: "required (YYYY-MM-DD)"})
	}
	if prob, ok := checkObject("demographics", &p.Demographics, true); !ok {
		probs = append(probs, prob)
	}
	if len(probs) > 0 {
		return errs.Invalids(probs)
	}
	return nil
}

// checkObject checks that *raw is a JSON object, putting {} in place of an
// empty one when that is allowed.
func checkObject(path string, raw *json.RawMessage, emptyOK bool) (errs.Problem, bool) {
	b := bytes.TrimSpace(*raw)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		if emptyOK {
			*raw = json.RawMessage("{}")
			return errs.Problem{}, true
		}
		return errs.Problem{Path: path, Message: "required (a JSON object)"}, false
	}
	if b[0] != '{' || !json.Valid(b) {
		return errs.Problem{Path: path, Message: "want a JSON object"}, false
	}
	return errs.Problem{}, true
}

// CreatePatient stores a new patient and returns it with its id (p.ID, or
// a new one when empty).
func (tx *Tx) CreatePatient(p Patient) (Patient, error) {
	if err := checkPatient(&p); err != nil {
		return Patient{}, err
	}
	if p.ID == "" {
		p.ID = NewID("P")
	}
	p.CreatedAt, p.UpdatedAt = tx.now, tx.now
	if _, err := tx.exec("create patient", `INSERT INTO patients (id, name, birth_date, member_id, demographics, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)`, p.ID, p.Name, p.BirthDate.String(), p.MemberID, string(p.Demographics), micros(p.CreatedAt), micros(p.UpdatedAt)); err != nil {
		return Patient{}, err
	}
	tx.Audit("create", "patient", p.ID, "")
	return p, nil
}

// UpdatePatient replaces a patient's fields (all but ID and CreatedAt).
func (tx *Tx) UpdatePatient(p Patient) (Patient, error) {
	if err := checkPatient(&p); err != nil {
		return Patient{}, err
	}
	var created int64
	if err := tx.queryRow(`UPDATE patients SET name = $2, birth_date = $3, member_id = $4, demographics = $5, updated_at = $6
WHERE id = $1 RETURNING created_at`, p.ID, p.Name, p.BirthDate.String(), p.MemberID, string(p.Demographics), micros(tx.now)).Scan(&created); err != nil {
		if err == sql.ErrNoRows {
			return Patient{}, notFound("patient", p.ID)
		}
		return Patient{}, mapErr("update patient", err)
	}
	p.CreatedAt, p.UpdatedAt = fromMicros(created), tx.now
	tx.Audit("update", "patient", p.ID, "")
	return p, nil
}

const patientColumns = `id, name, birth_date, member_id, demographics, created_at, updated_at`

func scanPatient(row interface{ Scan(...any) error }) (Patient, error) {
	var p Patient
	var birth, demo string
	var created, updated int64
	if err := row.Scan(&p.ID, &p.Name, &birth, &p.MemberID, &demo, &created, &updated); err != nil {
		return Patient{}, err
	}
	d, err := civil.Parse(birth)
	if err != nil {
		return Patient{}, fmt.Errorf("patient %s: stored birth date: %w", p.ID, err)
	}
	p.BirthDate, p.Demographics = d, json.RawMessage(demo)
	p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
	return p, nil
}

// Patient returns the patient with id.
func (tx *Tx) Patient(id string) (Patient, error) {
	p, err := scanPatient(tx.readRow(`SELECT `+patientColumns+` FROM patients WHERE id = $1`, id))
	if err == sql.ErrNoRows {
		return Patient{}, notFound("patient", id)
	}
	if err != nil {
		return Patient{}, internal("read patient", err)
	}
	tx.Audit("read", "patient", id, "")
	return p, nil
}

// Patients returns one page of patients, newest first.
func (tx *Tx) Patients(p Page) ([]Patient, string, error) {
	limit, err := p.limit()
	if err != nil {
		return nil, "", err
	}
	rows, err := tx.readQuery("list patients", `SELECT `+patientColumns+` FROM patients
WHERE ($1 = '' OR id < $1) ORDER BY id DESC LIMIT $2`, p.Cursor, limit)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var out []Patient
	for rows.Next() {
		pt, err := scanPatient(rows)
		if err != nil {
			return nil, "", internal("list patients", err)
		}
		out = append(out, pt)
	}
	if err := rows.Err(); err != nil {
		return nil, "", internal("list patients", err)
	}
	for _, pt := range out {
		tx.Audit("list", "patient", pt.ID, "")
	}
	return out, nextCursor(len(out), limit, func() string { return out[len(out)-1].ID }), nil
}

func nextCursor(n, limit int, last func() string) string {
	if n < limit || n == 0 {
		return ""
	}
	return last()
}
