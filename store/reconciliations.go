package store

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/perdiem/perdiem/money"
)

// Reconciliation is what one received 835 did to one claim, as the
// server's reconciliation (package remit) found it: the outcome, what was
// billed, expected under the payer's contract (nil without a contract or
// a price for every line), paid and left to the patient, the flags that
// need a person, and the remittance's claims and lines that answered it
// (JSON the server defines: codes, amounts and ids, no names).
type Reconciliation struct {
	ClaimID               string          `json:"claim_id"`
	RemittanceID          string          `json:"remittance_id"`
	Outcome               string          `json:"outcome"`
	Billed                money.Amount    `json:"billed"`
	Expected              *money.Amount   `json:"expected,omitempty"`
	Paid                  money.Amount    `json:"paid"`
	PatientResponsibility money.Amount    `json:"patient_responsibility"`
	Flags                 []Flag          `json:"flags"`
	Payments              json.RawMessage `json:"payments"`
	ReceivedAt            time.Time       `json:"received_at"`
}

// Flag is one thing about a claim's payment that needs a person: its
// kind (underpaid, overpaid, denied, reversal, ...) and what it says.
type Flag struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
}

// FlagKinds are the distinct kinds of the reconciliation's flags, sorted.
func (rc *Reconciliation) FlagKinds() []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range rc.Flags {
		if !seen[f.Kind] {
			seen[f.Kind] = true
			out = append(out, f.Kind)
		}
	}
	sort.Strings(out)
	return out
}

// recordReconciliations keeps the reconciliations of remittance id and
// makes each claim's flags those of this, its latest, reconciliation.
func (tx *Tx) recordReconciliations(id string, recs []Reconciliation) error {
	for i := range recs {
		rc := &recs[i]
		rc.RemittanceID, rc.ReceivedAt = id, tx.now
		if rc.Flags == nil {
			rc.Flags = []Flag{}
		}
		if len(rc.Payments) == 0 {
			rc.Payments = json.RawMessage("[]")
		}
		flags, _ := json.Marshal(rc.Flags)
		var expected any
		if rc.Expected != nil {
			expected = int64(*rc.Expected)
		}
		if _, err := tx.exec("store reconciliation", `INSERT INTO claim_reconciliations (claim_id, remittance_id, outcome, billed_cents, expected_cents,
paid_cents, patient_cents, flags, payments) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, rc.ClaimID, id, rc.Outcome, int64(rc.Billed), expected,
			int64(rc.Paid), int64(rc.PatientResponsibility), string(flags), string(rc.Payments)); err != nil {
			return err
		}
		if _, err := tx.exec("replace claim flags", `DELETE FROM claim_flags WHERE claim_id = $1`, rc.ClaimID); err != nil {
			return err
		}
		for _, k := range rc.FlagKinds() {
			if _, err := tx.exec("flag claim", `INSERT INTO claim_flags (claim_id, flag, remittance_id) VALUES ($1, $2, $3)`, rc.ClaimID, k, id); err != nil {
				return err
			}
		}
		tx.Audit("reconcile", "claim", rc.ClaimID, fmt.Sprintf("remittance %s: %s, flags %s", id, rc.Outcome, strings.Join(rc.FlagKinds(), " ")))
	}
	return nil
}

const reconciliationColumns = `r.claim_id, r.remittance_id, r.outcome, r.billed_cents, r.expected_cents, r.paid_cents, r.patient_cents, r.flags, r.payments, m.received_at`

func (tx *Tx) reconciliations(what, where string, arg string) ([]Reconciliation, error) {
	rows, err := tx.query(what, `SELECT `+reconciliationColumns+` FROM claim_reconciliations r JOIN remittances m ON m.id = r.remittance_id
WHERE `+where+` ORDER BY m.received_at, r.remittance_id, r.claim_id`, arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Reconciliation{}
	for rows.Next() {
		var rc Reconciliation
		var expected sql.NullInt64
		var billed, paid, patient, at int64
		var flags, payments string
		if err := rows.Scan(&rc.ClaimID, &rc.RemittanceID, &rc.Outcome, &billed, &expected, &paid, &patient, &flags, &payments, &at); err != nil {
			return nil, internal(what, err)
		}
		rc.Billed, rc.Paid, rc.PatientResponsibility, rc.ReceivedAt = money.Amount(billed), money.Amount(paid), money.Amount(patient), fromMicros(at)
		if expected.Valid {
			e := money.Amount(expected.Int64)
			rc.Expected = &e
		}
		if err := json.Unmarshal([]byte(flags), &rc.Flags); err != nil {
			return nil, internal(what, err)
		}
		rc.Payments = json.RawMessage(payments)
		out = append(out, rc)
	}
	if err := rows.Err(); err != nil {
		return nil, internal(what, err)
	}
	return out, nil
}

// ClaimReconciliations returns what each received 835 did to a claim,
// oldest first.
func (tx *Tx) ClaimReconciliations(claimID string) ([]Reconciliation, error) {
	if err := tx.mustExist("claims", "claim", claimID); err != nil {
		return nil, err
	}
	out, err := tx.reconciliations("read claim reconciliations", "r.claim_id = $1", claimID)
	if err == nil {
		tx.Audit("read", "claim", claimID, "reconciliations")
	}
	return out, err
}

// claimFlags returns the flags of each of the claims ids, by claim.
func (tx *Tx) claimFlags(ids []string) (map[string][]string, error) {
	out := map[string][]string{}
	if len(ids) == 0 {
		return out, nil
	}
	ph := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		ph[i], args[i] = fmt.Sprintf("$%d", i+1), id
	}
	rows, err := tx.readQuery("read claim flags", `SELECT claim_id, flag FROM claim_flags WHERE claim_id IN (`+strings.Join(ph, ", ")+`) ORDER BY claim_id, flag`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, flag string
		if err := rows.Scan(&id, &flag); err != nil {
			return nil, internal("read claim flags", err)
		}
		out[id] = append(out[id], flag)
	}
	if err := rows.Err(); err != nil {
		return nil, internal("read claim flags", err)
	}
	return out, nil
}
