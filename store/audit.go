package store

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"context"

	"github.com/perdiem/perdiem/errs"
)

// AuditEntry is one line of the audit log: who (Actor, a user id or
// "system") did what (Action: create, read, update, list, …) to which
// record (Kind and RecordID), when and from where. Detail never holds
// patient data: ids, versions, counts.
//
// Hash is the SHA-256, in hex, of PrevHash, a line feed and the entry's
// canonical form: the JSON array [seq, at in microseconds, actor, action,
// kind, record id, remote, detail]. Changing any field of any entry breaks
// the chain from there on (VerifyAudit).
type AuditEntry struct {
	Seq      int64     `json:"seq"`
	At       time.Time `json:"at"`
	Actor    string    `json:"actor"`
	Action   string    `json:"action"`
	Kind     string    `json:"kind"`
	RecordID string    `json:"record_id"`
	Remote   string    `json:"remote"`
	Detail   string    `json:"detail"`
	PrevHash string    `json:"prev_hash"`
	Hash     string    `json:"hash"`
}

func (e *AuditEntry) computeHash() string {
	canon, _ := json.Marshal([]any{e.Seq, micros(e.At), e.Actor, e.Action, e.Kind, e.RecordID, e.Remote, e.Detail})
	h := sha256.New()
	h.Write([]byte(e.PrevHash))
	h.Write([]byte{'\n'})
	h.Write(canon)
	return hex.EncodeToString(h.Sum(nil))
}

// Audit appends an entry to the log when tx commits: for actions the
// caller knows of and the store does not (a sign-in, a download of an
// interchange).
func (tx *Tx) Audit(action, kind, recordID, detail string) {
	actor := tx.actor.UserID
	if actor == "" {
		actor = System.UserID
	}
	tx.audit = append(tx.audit, AuditEntry{
		At: tx.now, Actor: actor, Action: action, Kind: kind, RecordID: recordID,
		Remote: tx.actor.Remote, Detail: detail,
	})
}

// flushAudit writes the transaction's entries at the end of the chain. The
// UPDATE of audit_head locks the head row until commit (on SQLite the
// transaction already holds the write lock), so appends are serialized and
// the chain never forks; taking it last keeps the lock short.
func (tx *Tx) flushAudit() error {
	if len(tx.audit) == 0 {
		return nil
	}
	var last int64
	var prev string
	if err := tx.queryRow(`UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash`,
		int64(len(tx.audit))).Scan(&last, &prev); err != nil {
		return internal("audit: head", err)
	}
	seq := last - int64(len(tx.audit))
	for i := range tx.audit {
		e := &tx.audit[i]
		seq++
		e.Seq = seq
		e.PrevHash = prev
		e.Hash = e.computeHash()
		prev = e.Hash
		if _, err := tx.exec("audit: append", `INSERT INTO audit_log
(seq, at, actor, action, kind, record_id, remote, detail, prev_hash, hash)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			e.Seq, micros(e.At), e.Actor, e.Action, e.Kind, e.RecordID, e.Remote, e.Detail, e.PrevHash, e.Hash); err != nil {
			return err
		}
	}
	_, err := tx.exec("audit: head", `UPDATE audit_head SET hash = $1 WHERE id = 1`, prev)
	return err
}

// AuditReport is what VerifyAudit found.
type AuditReport struct {
	Entries int64 `json:"entries"` // entries checked
	// BrokenAt is the seq of the first entry that does not fit the chain (0
	// when the chain is whole), and Reason says how.
	BrokenAt int64  `json:"broken_at,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

// OK reports whether the chain is whole.
func (r *AuditReport) OK() bool { return r.BrokenAt == 0 && r.Reason == "" }

// VerifyAudit walks the audit log from its first entry and reports the
// first one whose seq, previous hash or own hash does not fit, or a head
// that does not match the last entry (entries removed from the end).
func (db *DB) VerifyAudit(ctx context.Context) (*AuditReport, error) {
	var opts *sql.TxOptions
	if db.postgres {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	tx, err := db.r.BeginTx(ctx, opts)
	if err != nil {
		return nil, internal("verify audit: begin", err)
	}
	defer tx.Rollback()
	var headSeq int64
	var headHash string
	if err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash); err != nil {
		return nil, internal("verify audit: head", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT seq, at, actor, action, kind, record_id, remote, detail, prev_hash, hash
FROM audit_log WHERE seq <= $1 ORDER BY seq`, headSeq)
	if err != nil {
		return nil, internal("verify audit: read", err)
	}
	defer rows.Close()
	rep := &AuditReport{}
	prev := ""
	var e AuditEntry
	for rows.Next() {
		var at int64
		if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.Kind, &e.RecordID, &e.Remote, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
			return nil, internal("verify audit: read", err)
		}
		e.At = fromMicros(at)
		rep.Entries++
		switch {
		case e.Seq != rep.Entries:
			rep.BrokenAt, rep.Reason = rep.Entries, fmt.Sprintf("entry %d is missing (the next is %d)", rep.Entries, e.Seq)
		case e.PrevHash != prev:
			rep.BrokenAt, rep.Reason = e.Seq, "its previous hash is not the hash of the entry before"
		case e.computeHash() != e.Hash:
			rep.BrokenAt, rep.Reason = e.Seq, "its content does not match its hash"
		}
		if rep.BrokenAt != 0 {
			return rep, nil
		}
		prev = e.Hash
	}
	if err := rows.Err(); err != nil {
		return nil, internal("verify audit: read", err)
	}
	if rep.Entries != headSeq || prev != headHash {
		rep.BrokenAt, rep.Reason = rep.Entries+1, fmt.Sprintf("the log ends at entry %d but its head says %d", rep.Entries, headSeq)
		if rep.Entries == headSeq {
			rep.BrokenAt, rep.Reason = headSeq, "the last entry's hash is not the head's"
		}
	}
	return rep, nil
}

// ListAudit returns one page of the audit log, newest first. The cursor is
// the seq of the last entry of the page before. Reading the log is itself
// audited.
func (tx *Tx) ListAudit(p Page) ([]AuditEntry, string, error) {
	limit, err := p.limit()
	if err != nil {
		return nil, "", err
	}
	before := int64(1) << 62
	if p.Cursor != "" {
		before, err = strconv.ParseInt(p.Cursor, 10, 64)
		if err != nil || before <= 0 {
			return nil, "", errs.Errorf(errs.Invalid, "cursor %s: want an audit entry's seq", quoteID(p.Cursor))
		}
	}
	rows, err := tx.query("list audit", `SELECT seq, at, actor, action, kind, record_id, remote, detail, prev_hash, hash
FROM audit_log WHERE seq < $1 ORDER BY seq DESC LIMIT $2`, before, limit)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at int64
		if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.Kind, &e.RecordID, &e.Remote, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
			return nil, "", internal("list audit", err)
		}
		e.At = fromMicros(at)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, "", internal("list audit", err)
	}
	next := ""
	if len(out) == limit {
		next = strconv.FormatInt(out[len(out)-1].Seq, 10)
	}
	tx.Audit("list", "audit", "", fmt.Sprintf("%d entries", len(out)))
	return out, next, nil
}
