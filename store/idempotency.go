package store

import (
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"time"

	"github.com/perdiem/perdiem/errs"
)

// Answer is the response kept for an idempotency key: the fingerprint of
// the request that made it (the server's digest of method, path and body),
// and the status and body it was answered with.
type Answer struct {
	Fingerprint []byte
	Status      int
	Body        []byte
}

// IdempotentAnswer returns the answer kept for actor's key, and whether
// there is one. Call it first in the transaction of the request's work and
// KeepAnswer last: the work and its answer are kept together or not at all.
//
// On PostgreSQL it first takes a transaction lock on the key, so a second
// request with the key made at the same time, from any process, waits for
// the first to commit or roll back and then finds its answer rather than
// doing the work again. (On SQLite the store's one writer does the same.)
func (tx *Tx) IdempotentAnswer(actor, key string) (Answer, bool, error) {
	if key == "" {
		return Answer{}, false, errs.Errorf(errs.Invalid, "an empty idempotency key")
	}
	if tx.db.postgres {
		h := sha256.Sum256([]byte("idempotency\x00" + actor + "\x00" + key))
		if _, err := tx.exec("idempotency lock", idempotencyLock, int64(binary.BigEndian.Uint64(h[:8]))); err != nil {
			return Answer{}, false, err
		}
	}
	var a Answer
	var status int64
	err := tx.queryRow(readAnswer, actor, key).
		Scan(&a.Fingerprint, &status, &a.Body)
	if err == sql.ErrNoRows {
		return Answer{}, false, nil
	}
	if err != nil {
		return Answer{}, false, internal("read idempotency key", err)
	}
	a.Status = int(status)
	return a, true, nil
}

const (
	idempotencyLock = `SELECT pg_advisory_xact_lock($1)`
	readAnswer      = `SELECT fingerprint, status, body FROM idempotency_keys WHERE actor = $1 AND idem_key = $2`
	keepAnswer      = `INSERT INTO idempotency_keys (actor, idem_key, fingerprint, status, body, created_at)
VALUES ($1, $2, $3, $4, $5, $6)`
)

// KeepAnswer keeps a as the answer to actor's key. A key already answered
// is a conflict.
func (tx *Tx) KeepAnswer(actor, key string, a Answer) error {
	if key == "" {
		return errs.Errorf(errs.Invalid, "an empty idempotency key")
	}
	_, err := tx.exec("keep idempotent answer", keepAnswer, actor, key, a.Fingerprint, int64(a.Status), a.Body, micros(tx.now))
	return err
}

// DeleteAnswersBefore forgets the answers kept before t (a key need only
// outlive the client's retries) and says how many there were.
func (tx *Tx) DeleteAnswersBefore(t time.Time) (int64, error) {
	return tx.exec("delete idempotency keys", `DELETE FROM idempotency_keys WHERE created_at < $1`, micros(t))
}
