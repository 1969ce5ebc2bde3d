package store

import (
	"encoding/json"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/claim"
)

// Unbilled are the statuses of claims that have not billed their services
// to a payer: a draft, and a claim a 999 or 277CA rejected (the payer has
// no such claim on file; once corrected it goes out again under its id).
var Unbilled = []Status{Draft, Rejected999, Rejected277CA}

// ClaimsBilling returns the claims other than exclude, in a status other
// than Unbilled, with a line of code on exactly the days from–to, each
// with its claim.Claim (no coding result): what the duplicate check
// compares a claim with. Each is audited as read for that check.
func (tx *Tx) ClaimsBilling(code string, from, to civil.Date, exclude string) ([]Claim, error) {
	rows, err := tx.query("find claims billing a service", `SELECT DISTINCT c.id, c.claim FROM claim_lines l JOIN claims c ON c.id = l.claim_id
WHERE l.code = $1 AND l.from_date = $2 AND l.to_date = $3 AND l.claim_id <> $4 AND c.status NOT IN ($5, $6, $7)
ORDER BY c.id`, code, from.String(), to.String(), exclude, string(Unbilled[0]), string(Unbilled[1]), string(Unbilled[2]))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Claim
	for rows.Next() {
		var c Claim
		var claimJSON string
		if err := rows.Scan(&c.ID, &claimJSON); err != nil {
			return nil, internal("find claims billing a service", err)
		}
		c.Claim = new(claim.Claim)
		if err := json.Unmarshal([]byte(claimJSON), c.Claim); err != nil {
			return nil, internal("read claim "+c.ID, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, internal("find claims billing a service", err)
	}
	for _, c := range out {
		tx.Audit("read", "claim", c.ID, "duplicate check")
	}
	return out, nil
}
