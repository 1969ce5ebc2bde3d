package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"strings"
	"time"

	"github.com/perdiem/perdiem/errs"
)

// Role is what a user may do: a biller reads and writes, an auditor only
// reads, an admin also manages users and reads the audit log.
type Role string

// The roles.
const (
	RoleAdmin   Role = "admin"
	RoleBiller  Role = "biller"
	RoleAuditor Role = "auditor"
)

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleBiller || r == RoleAuditor }

// User is an account. Its password hash (the encoded argon2id hash the
// server made; the store keeps the string and never sees a password) comes
// only from UserByName.
type User struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	CreatedAt time.Time `json:"created_at"`
	Disabled  bool      `json:"disabled"`
}

// CreateUser stores a new user with role (admin, biller or auditor) and
// the password's encoded hash; a name already taken is a conflict.
func (tx *Tx) CreateUser(name, role, passwordHash string) (User, error) {
	var probs []errs.Problem
	if strings.TrimSpace(name) == "" {
		probs = append(probs, errs.Problem{Path: "name", Message: "required"})
	}
	if !Role(role).Valid() {
		probs = append(probs, errs.Problem{Path: "role", Message: "want admin, biller or auditor"})
	}
	if passwordHash == "" {
		probs = append(probs, errs.Problem{Path: "password", Message: "required"})
	}
	if len(probs) > 0 {
		return User{}, errs.Invalids(probs)
	}
	u := User{ID: NewID("U"), Name: name, Role: Role(role), CreatedAt: tx.now}
	if _, err := tx.exec("create user", `INSERT INTO users (id, name, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)`,
		u.ID, name, role, passwordHash, micros(tx.now)); err != nil {
		if errs.CodeOf(err) == errs.Conflict {
			return User{}, errs.Errorf(errs.Conflict, "a user named %s exists", quoteID(name))
		}
		return User{}, err
	}
	tx.Audit("create", "user", u.ID, "role "+role)
	return u, nil
}

// SetPassword replaces a user's password hash.
func (tx *Tx) SetPassword(userID, passwordHash string) error {
	if passwordHash == "" {
		return errs.Invalids([]errs.Problem{{Path: "password", Message: "required"}})
	}
	n, err := tx.exec("set password", `UPDATE users SET password_hash = $2 WHERE id = $1`, userID, passwordHash)
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound("user", userID)
	}
	tx.Audit("set-password", "user", userID, "")
	return nil
}

// DisableUser signs a user out everywhere and keeps them from signing in or
// using their tokens again.
func (tx *Tx) DisableUser(userID string) error {
	n, err := tx.exec("disable user", `UPDATE users SET disabled_at = $2 WHERE id = $1 AND disabled_at IS NULL`, userID, micros(tx.now))
	if err != nil {
		return err
	}
	if n == 0 {
		if err := tx.mustExist("users", "user", userID); err != nil {
			return err
		}
	}
	if _, err := tx.exec("disable user", `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
		return err
	}
	tx.narrowed(userID)
	tx.Audit("disable", "user", userID, "")
	return nil
}

const userColumns = `id, name, role, created_at, disabled_at`

type scanner interface{ Scan(...any) error }

func scanUser(row scanner) (User, error) { return scanUserWith(row) }

// User returns the user with id.
func (tx *Tx) User(id string) (User, error) {
	return oneUser(tx.queryRow(`SELECT `+userColumns+` FROM users WHERE id = $1`, id), "user", id)
}

func oneUser(row scanner, kind, key string, extra ...any) (User, error) {
	u, err := scanUserWith(row, extra...)
	if err == sql.ErrNoRows {
		return User{}, notFound(kind, key)
	}
	if err != nil {
		return User{}, internal("read user", err)
	}
	return u, nil
}

// UserByName returns the user called name and their password hash, for
// signing in.
func (tx *Tx) UserByName(name string) (User, string, error) {
	var hash string
	u, err := oneUser(tx.queryRow(`SELECT `+userColumns+`, password_hash FROM users WHERE name = $1`, name), "user", name, &hash)
	return u, hash, err
}

// Users returns one page of users, newest first.
func (tx *Tx) Users(p Page) ([]User, string, error) {
	limit, err := p.limit()
	if err != nil {
		return nil, "", err
	}
	rows, err := tx.query("list users", `SELECT `+userColumns+` FROM users
WHERE ($1 = '' OR id < $1) ORDER BY id DESC LIMIT $2`, p.Cursor, limit)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, "", internal("list users", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, "", internal("list users", err)
	}
	return out, nextCursor(len(out), limit, func() string { return out[len(out)-1].ID }), nil
}

// checkHash checks that a secret's hash is a SHA-256: the store keeps only
// that of a bearer token or a session id, so a copy of the database lets
// no one act as a user.
func checkHash(what string, hash []byte) error {
	if len(hash) != 32 {
		return errs.Errorf(errs.Invalid, "%s: want the 32-byte SHA-256 of the secret, not %d bytes", what, len(hash))
	}
	return nil
}

// CreateToken records a bearer token of userID, named for the system that
// uses it, by its SHA-256 hash.
func (tx *Tx) CreateToken(userID, name string, hash []byte) error {
	if err := checkHash("token", hash); err != nil {
		return err
	}
	if err := tx.mustExist("users", "user", userID); err != nil {
		return err
	}
	if _, err := tx.exec("create token", `INSERT INTO api_tokens (hash, user_id, name, created_at) VALUES ($1, $2, $3, $4)`,
		hash, userID, name, micros(tx.now)); err != nil {
		return err
	}
	tx.Audit("create-token", "user", userID, "")
	return nil
}

// RevokeToken stops the token with this hash from working.
func (tx *Tx) RevokeToken(hash []byte) error {
	var userID string
	err := tx.queryRow(`UPDATE api_tokens SET revoked_at = $2 WHERE hash = $1 AND revoked_at IS NULL RETURNING user_id`,
		hash, micros(tx.now)).Scan(&userID)
	if err == sql.ErrNoRows {
		return errs.Errorf(errs.NotFound, "no such token")
	}
	if err != nil {
		return mapErr("revoke token", err)
	}
	tx.narrowed(userID)
	tx.Audit("revoke-token", "user", userID, "")
	return nil
}

// errNoAuth is the one answer to a token or session that does not work,
// whatever the reason, so a caller learns nothing from it.
var errNoAuth = errs.Errorf(errs.NotFound, "no such token or session, or it has ended")

// UserByToken returns the enabled user whose unrevoked token has this
// SHA-256 hash. It reads without a transaction or an audit entry: it runs
// on every request.
func (db *DB) UserByToken(ctx context.Context, hash []byte) (User, error) {
	var revoked sql.NullInt64
	u, err := scanUserWith(db.r.QueryRowContext(ctx, userByToken, hash), &revoked)
	if err == sql.ErrNoRows {
		return User{}, errNoAuth
	}
	if err != nil {
		return User{}, internal("read token", err)
	}
	if u.Disabled || revoked.Valid {
		return User{}, errNoAuth
	}
	return u, nil
}

const userByToken = `SELECT u.id, u.name, u.role, u.created_at, u.disabled_at, t.revoked_at
FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = $1`

func scanUserWith(row scanner, extra ...any) (User, error) {
	var u User
	var role string
	var created int64
	var disabled sql.NullInt64
	if err := row.Scan(append([]any{&u.ID, &u.Name, &role, &created, &disabled}, extra...)...); err != nil {
		return User{}, err
	}
	u.Role, u.CreatedAt, u.Disabled = Role(role), fromMicros(created), disabled.Valid
	return u, nil
}

// CreateSession records a signed-in web session of userID by the SHA-256
// hash of its id, with the secret its forms' CSRF tokens derive from and
// the time it ends.
func (tx *Tx) CreateSession(userID string, hash []byte, csrfSecret string, expires time.Time) error {
	if err := checkHash("session", hash); err != nil {
		return err
	}
	if _, err := tx.exec("create session", `INSERT INTO sessions (hash, user_id, csrf_secret, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		hash, userID, csrfSecret, micros(tx.now), micros(expires)); err != nil {
		return err
	}
	tx.Audit("sign-in", "user", userID, "")
	return nil
}

// DeleteSession ends the session with this hash (signing out); an unknown
// one is no error.
func (tx *Tx) DeleteSession(hash []byte) error {
	var userID string
	err := tx.queryRow(`DELETE FROM sessions WHERE hash = $1 RETURNING user_id`, hash).Scan(&userID)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return mapErr("delete session", err)
	}
	tx.narrowed(userID)
	tx.Audit("sign-out", "user", userID, "")
	return nil
}

// DeleteExpiredSessions removes the sessions that have ended and says how
// many there were.
func (tx *Tx) DeleteExpiredSessions() (int64, error) {
	return tx.exec("delete expired sessions", `DELETE FROM sessions WHERE expires_at <= $1`, micros(tx.now))
}

const userBySession = `SELECT u.id, u.name, u.role, u.created_at, u.disabled_at, s.csrf_secret, s.expires_at
FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.hash = $1`

// UserBySession returns the enabled user of the unexpired session with
// this hash, the session's CSRF secret and when it ends. Like UserByToken
// it writes nothing.
func (db *DB) UserBySession(ctx context.Context, hash []byte) (u User, csrf string, expires time.Time, err error) {
	var exp int64
	u, err = scanUserWith(db.r.QueryRowContext(ctx, userBySession, hash), &csrf, &exp)
	if err == sql.ErrNoRows {
		return User{}, "", time.Time{}, errNoAuth
	}
	if err != nil {
		return User{}, "", time.Time{}, internal("read session", err)
	}
	if u.Disabled || exp <= micros(now()) {
		return User{}, "", time.Time{}, errNoAuth
	}
	return u, csrf, fromMicros(exp), nil
}

// SetRole changes a user's role (admin, biller or auditor).
func (tx *Tx) SetRole(userID, role string) error {
	if !Role(role).Valid() {
		return errs.Invalids([]errs.Problem{{Path: "role", Message: "want admin, biller or auditor"}})
	}
	n, err := tx.exec("set role", `UPDATE users SET role = $2 WHERE id = $1`, userID, role)
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound("user", userID)
	}
	tx.narrowed(userID)
	tx.Audit("set-role", "user", userID, "role "+role)
	return nil
}

// EnableUser lets a disabled user sign in and use their tokens again.
func (tx *Tx) EnableUser(userID string) error {
	n, err := tx.exec("enable user", `UPDATE users SET disabled_at = NULL WHERE id = $1 AND disabled_at IS NOT NULL`, userID)
	if err != nil {
		return err
	}
	if n == 0 {
		if err := tx.mustExist("users", "user", userID); err != nil {
			return err
		}
	}
	tx.Audit("enable", "user", userID, "")
	return nil
}

// Token is a bearer token as an admin sees it: whose, what for, and
// whether it still works; Hash (the SHA-256 of the secret, in hex) names
// it for RevokeToken and says nothing of the secret.
type Token struct {
	Hash      string     `json:"hash"`
	UserID    string     `json:"user_id"`
	Name      string     `json:"name"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// MaxTokens bounds the tokens Tokens lists, newest first.
const MaxTokens = 1000

// Tokens lists the bearer tokens of userID ("" for every user's), newest
// first, revoked ones too.
func (tx *Tx) Tokens(userID string) ([]Token, error) {
	rows, err := tx.query("list tokens", `SELECT hash, user_id, name, created_at, revoked_at FROM api_tokens
WHERE ($1 = '' OR user_id = $1) ORDER BY created_at DESC, hash LIMIT $2`, userID, MaxTokens)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		var t Token
		var hash []byte
		var created int64
		var revoked sql.NullInt64
		if err := rows.Scan(&hash, &t.UserID, &t.Name, &created, &revoked); err != nil {
			return nil, internal("list tokens", err)
		}
		t.Hash, t.CreatedAt = hex.EncodeToString(hash), fromMicros(created)
		if revoked.Valid {
			r := fromMicros(revoked.Int64)
			t.RevokedAt = &r
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, internal("list tokens", err)
	}
	return out, nil
}
