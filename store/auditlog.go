package store

import (
	"math"
	"strconv"
	"time"

	"github.com/perdiem/perdiem/errs"
)

// AuditFilter narrows a read of the audit log; empty fields match all.
type AuditFilter struct {
	Actor    string
	Kind     string
	RecordID string
	Action   string
	// Since and Until bound the entries' times, Since included and Until
	// not; a zero time is no bound.
	Since, Until time.Time
}

// AuditLog returns one page of the audit log, newest first. The cursor is
// the seq of the last entry of the page before. Reading the log is itself
// an entry of the log.
func (tx *Tx) AuditLog(f AuditFilter, p Page) ([]AuditEntry, string, error) {
	limit, err := p.limit()
	if err != nil {
		return nil, "", err
	}
	var before int64 = 1<<63 - 1
	if p.Cursor != "" {
		if before, err = strconv.ParseInt(p.Cursor, 10, 64); err != nil || before < 1 {
			return nil, "", errs.Invalids([]errs.Problem{{Path: "cursor", Message: "want an entry number"}})
		}
	}
	var since, until int64 = 0, math.MaxInt64
	if !f.Since.IsZero() {
		since = micros(f.Since)
	}
	if !f.Until.IsZero() {
		until = micros(f.Until)
	}
	rows, err := tx.query("read audit log", `SELECT `+auditColumns+` FROM audit_log
WHERE seq < $1 AND ($2 = '' OR actor = $2) AND ($3 = '' OR kind = $3) AND ($4 = '' OR record_id = $4)
AND ($5 = '' OR action = $5) AND at >= $6 AND at < $7
ORDER BY seq DESC LIMIT $8`, before, f.Actor, f.Kind, f.RecordID, f.Action, since, until, limit)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	out := []AuditEntry{}
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, "", internal("read audit log", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, "", internal("read audit log", err)
	}
	tx.Audit("list", "audit", "", strconv.Itoa(len(out))+" entries")
	return out, nextCursor(len(out), limit, func() string { return strconv.FormatInt(out[len(out)-1].Seq, 10) }), nil
}
