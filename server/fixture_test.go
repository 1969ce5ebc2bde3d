package server

import (
	"context"
	"io"
	"net/http/httptest"
	"testing"

	"github.com/perdiem/perdiem/auth"
	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/store/storetest"
)

// fixture is a server on a fresh store with one account of each role,
// each with a bearer token, and a client for each (anon sends nothing).
type fixture struct {
	t                            testing.TB
	db                           *store.DB
	srv                          *httptest.Server
	s                            *Server
	admin, biller, auditor, anon *client
	users                        map[string]store.User
}

// passwordHash is one argon2id hash shared by the fixtures' accounts, so
// that each test does not pay for hashing.
var passwordHash = func() string {
	h, err := auth.HashPassword(testPassword)
	if err != nil {
		panic(err)
	}
	return h
}()

const testPassword = "a long test password"

func newFixture(t testing.TB, dsn string, opt Options) *fixture {
	t.Helper()
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	opt.DB = db
	if opt.Logger == nil {
		opt.Logger = newTestLogger(io.Discard)
	}
	s := New(opt)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	f := &fixture{t: t, db: db, srv: srv, s: s, anon: newClient(t, srv), users: map[string]store.User{}}
	for _, role := range []string{"admin", "biller", "auditor"} {
		secret, hash := auth.NewSecret(auth.TokenPrefix)
		err := db.Do(context.Background(), store.System, func(tx *store.Tx) error {
			u, err := tx.CreateUser(role+"-user", role, passwordHash)
			if err != nil {
				return err
			}
			f.users[role] = u
			return tx.CreateToken(u.ID, "test", hash)
		})
		if err != nil {
			t.Fatal(err)
		}
		c := newClient(t, srv).with("Authorization", "Bearer "+secret)
		switch role {
		case "admin":
			f.admin = c
		case "biller":
			f.biller = c
		case "auditor":
			f.auditor = c
		}
	}
	return f
}

// each runs fn on a fixture on each database (storetest.Each).
func each(t *testing.T, fn func(t *testing.T, f *fixture)) {
	storetest.Each(t, func(t *testing.T, dsn string) { fn(t, newFixture(t, dsn, Options{})) })
}

func storetestSQLite(t testing.TB) string { return storetest.SQLite(t) }
