// Package auth holds what accounts are made of: roles and what each may
// do, argon2id password hashes, and the random secrets of bearer tokens
// and sign-in sessions, of which only a hash is ever stored.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"
	"github.com/perdiem/perdiem/errs"
)

// Role is what an account may do.
type Role string

// The roles: a biller reads and writes patients, episodes and claims; an
// auditor reads them; an admin does both and also manages accounts and
// reads the audit log.
const (
	Admin   Role = "admin"
	Biller  Role = "biller"
	Auditor Role = "auditor"
)

// Roles lists the roles.
var Roles = []Role{Admin, Biller, Auditor}

// ParseRole reads a role's name.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", errs.Errorf(errs.Invalid, "role %q: want admin, biller or auditor", s)
}

// CanWrite says whether the role may change patient data.
func (r Role) CanWrite() bool { return r == Admin || r == Biller }

// CanAdmin says whether the role may manage accounts and read the audit log.
func (r Role) CanAdmin() bool { return r == Admin }

// Password lengths, in characters.
const (
	MinPassword = 12
	MaxPassword = 256
)

// params are argon2id's costs: OWASP's recommendation of 19 MiB, two
// passes, one lane.
var params = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// CheckPasswordRules refuses a password too short or too long to hash.
func CheckPasswordRules(pw string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case !utf8.ValidString(pw):
		return errs.Errorf(errs.Invalid, "password: not UTF-8 text")
	case n < MinPassword:
		return errs.Errorf(errs.Invalid, "password: %d characters, want at least %d", n, MinPassword)
	case n > MaxPassword:
		return errs.Errorf(errs.Invalid, "password: %d characters, want at most %d", n, MaxPassword)
	}
	return nil
}

// HashPassword returns the argon2id hash of pw in the PHC string form
// ($argon2id$v=19$m=…,t=…,p=…$salt$key), salted at random.
func HashPassword(pw string) (string, error) {
	if err := CheckPasswordRules(pw); err != nil {
		return "", err
	}
	return argon2id.CreateHash(pw, params)
}

// CheckPassword says whether pw is the password of hash, in constant time.
func CheckPassword(pw, hash string) bool {
	if len(pw) > 4*MaxPassword {
		return false
	}
	ok, err := argon2id.ComparePasswordAndHash(pw, hash)
	return err == nil && ok
}

// dummyHash is compared against when an account does not exist, so that
// signing in as nobody takes as long as a wrong password.
var dummyHash = sync.OnceValue(func() string {
	h, err := argon2id.CreateHash("not a password of anyone", params)
	if err != nil {
		panic(err)
	}
	return h
})

// WasteTime spends what CheckPassword would, for an unknown account.
func WasteTime(pw string) { CheckPassword(pw, dummyHash()) }

// Secret kinds, the prefix of their text: a bearer token for systems, a
// sign-in session for people.
const (
	TokenPrefix   = "pdt_"
	SessionPrefix = "pds_"
)

// NewSecret returns a new random secret with prefix (256 bits, base64url)
// and the hash to store in its place.
func NewSecret(prefix string) (secret string, hash []byte) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err))
	}
	secret = prefix + base64.RawURLEncoding.EncodeToString(b[:])
	return secret, HashSecret(secret)
}

// HashSecret is the stored form of a token or session secret: its SHA-256.
// The secrets are random and long, so a fast hash is enough; a copy of the
// database gives no one a usable token.
func HashSecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// HasPrefix says whether secret looks like one of kind prefix.
func HasPrefix(secret, prefix string) bool {
	return strings.HasPrefix(secret, prefix) && len(secret) == len(prefix)+43
}
