package store

import (
	"crypto/sha256"
	"encoding/binary"
	"slices"
	"time"

	"github.com/perdiem/perdiem/errs"
)

// Sign-in attempts are counted in the database (table sign_in_attempts),
// so that the limits on guessing passwords hold across every server on
// it: N servers on one PostgreSQL allow what one allows, not N times as
// many guesses.

// SignInLimit is one limit on sign-in attempts: at most Max attempts of
// Subject counted within the window. Scope says what Subject is ("name"
// for an account name, "address" for a client's address); the store keeps
// only Subject's SHA-256.
type SignInLimit struct {
	Scope   string
	Subject string
	Max     int
}

func (l SignInLimit) hash() []byte {
	h := sha256.Sum256([]byte(l.Subject))
	return h[:]
}

// signInLockClass is the first key of the sign-in advisory locks (the
// two-key form, whose keys are apart from the one-key locks of
// idempotency keys and migrations); the second is the subject's.
const signInLockClass = 0x5349 // "SI"

// BeginSignIn counts an attempt at now against each of limits, before its
// password is checked, so that attempts made at the same moment, in this
// server or another on the database, count as failures until they are
// known to have succeeded (SignInSucceeded); a failed attempt needs nothing
// more. If a limit already has Max attempts within window before now, it
// records nothing and returns how long until the oldest of them leaves the
// window. Attempts older than window are deleted as it goes.
func (tx *Tx) BeginSignIn(limits []SignInLimit, now time.Time, window time.Duration) (attempt string, wait time.Duration, err error) {
	since := micros(now.Add(-window))
	if err := tx.lockSubjects(limits); err != nil {
		return "", 0, err
	}
	for _, l := range limits {
		if l.Max <= 0 {
			return "", 0, errs.Errorf(errs.Internal, "store: sign-in limit %q: max %d", l.Scope, l.Max)
		}
		var n int64
		var oldest *int64
		if err := tx.queryRow(`SELECT COUNT(*), MIN(at) FROM sign_in_attempts WHERE scope = $1 AND subject = $2 AND at > $3`,
			l.Scope, l.hash(), since).Scan(&n, &oldest); err != nil {
			return "", 0, internal("count sign-in attempts", err)
		}
		if n >= int64(l.Max) && oldest != nil {
			return "", max(fromMicros(*oldest).Add(window).Sub(now), time.Microsecond), nil
		}
	}
	if err := tx.pruneSignIns(since); err != nil {
		return "", 0, err
	}
	attempt = NewID("A")
	for _, l := range limits {
		if _, err := tx.exec("count sign-in attempt", `INSERT INTO sign_in_attempts (attempt, scope, subject, at) VALUES ($1, $2, $3, $4)`,
			attempt, l.Scope, l.hash(), micros(now)); err != nil {
			return "", 0, err
		}
	}
	return attempt, 0, nil
}

// lockSubjects takes, on PostgreSQL, a transaction lock on each subject
// of limits, so one attempt at a time per subject, from any server, counts
// and is counted (in one order, so two never wait for each other).
func (tx *Tx) lockSubjects(limits []SignInLimit) error {
	if !tx.db.postgres {
		return nil
	}
	keys := make([]int32, len(limits))
	for i, l := range limits {
		h := sha256.Sum256([]byte(l.Scope + "\x00" + l.Subject))
		keys[i] = int32(binary.BigEndian.Uint32(h[:4]))
	}
	slices.Sort(keys)
	for _, k := range slices.Compact(keys) {
		if _, err := tx.exec("sign-in lock", `SELECT pg_advisory_xact_lock($1, $2)`, int32(signInLockClass), k); err != nil {
			return err
		}
	}
	return nil
}

// pruneSignIns deletes the attempts older than the window. On PostgreSQL
// it skips rows another transaction holds, so it never waits for one.
func (tx *Tx) pruneSignIns(since int64) error {
	q := `DELETE FROM sign_in_attempts WHERE at <= $1`
	if tx.db.postgres {
		q = `DELETE FROM sign_in_attempts WHERE (attempt, scope) IN
(SELECT attempt, scope FROM sign_in_attempts WHERE at <= $1 FOR UPDATE SKIP LOCKED)`
	}
	_, err := tx.exec("forget old sign-in attempts", q, since)
	return err
}

// SignInSucceeded takes attempt out of the counts, and forgets every
// attempt counted against the subjects of clear (a right password clears
// its account name's failures, not those of the address it came from).
func (tx *Tx) SignInSucceeded(attempt string, clear ...SignInLimit) error {
	if err := tx.lockSubjects(clear); err != nil {
		return err
	}
	if _, err := tx.exec("end sign-in attempt", `DELETE FROM sign_in_attempts WHERE attempt = $1`, attempt); err != nil {
		return err
	}
	for _, l := range clear {
		if _, err := tx.exec("clear sign-in attempts", `DELETE FROM sign_in_attempts WHERE scope = $1 AND subject = $2`, l.Scope, l.hash()); err != nil {
			return err
		}
	}
	return nil
}
