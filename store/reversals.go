package store

import (
	"database/sql"
)

// A reversal (an 835 claim with CLP02 22, "reversal of previous
// payment") takes back the payment posted to a claim; posted alone,
// without its correction, it puts the claim back where it was before that
// payment: its status before the 835s that made it paid, partly paid or
// denied. The status-history entry names the remittance, as any 835's.

// paidStatuses are the statuses an 835 gives.
var paidStatuses = []Status{Paid, PartlyPaid, Denied}

// canReverse reports whether a reversal may move a claim from one status
// to another: from a status an 835 gave back to one it had before, once
// sent (submitted, or accepted by a 999 or a 277CA).
func canReverse(from, to Status) bool {
	switch from {
	case Paid, PartlyPaid, Denied:
		return to == Submitted || to == Accepted999 || to == Accepted277CA
	}
	return false
}

// StatusBeforePayment is the status a claim had before the 835s that gave
// it its current status: the newest status in its history that is not
// paid, partly paid or denied. It is what a reversal takes the claim back
// to (ClaimChange.Reversal).
func (tx *Tx) StatusBeforePayment(id string) (Status, error) {
	var s string
	err := tx.queryRow(`SELECT status FROM claim_status_history WHERE claim_id = $1 AND status NOT IN ($2, $3, $4) ORDER BY n DESC LIMIT 1`,
		id, string(paidStatuses[0]), string(paidStatuses[1]), string(paidStatuses[2])).Scan(&s)
	if err == sql.ErrNoRows {
		return "", notFound("claim", id)
	}
	if err != nil {
		return "", internal("read claim history", err)
	}
	return Status(s), nil
}
