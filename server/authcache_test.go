package server

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/perdiem/perdiem/auth"
	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/store/storetest"
)

// clock is a server clock the test moves.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// cachedFixture is a fixture whose server remembers credentials for ttl on
// a clock the test moves, with a second handle on its database standing
// for another server.
func cachedFixture(t *testing.T, dsn string, ttl time.Duration) (*fixture, *clock, *store.DB) {
	c := &clock{t: time.Now()}
	f := newFixture(t, dsn, Options{AuthCache: ttl, Now: c.now})
	other, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	return f, c, other
}

// tokenOf makes a bearer token for the user and returns a client sending
// it, and the token's hash.
func (f *fixture) tokenOf(t *testing.T, userID string) (*client, []byte) {
	t.Helper()
	secret, hash := auth.NewSecret(auth.TokenPrefix)
	if err := f.db.Do(context.Background(), store.System, func(tx *store.Tx) error {
		return tx.CreateToken(userID, "cache test", hash)
	}); err != nil {
		t.Fatal(err)
	}
	return newClient(t, f.srv).with("Authorization", "Bearer "+secret), hash
}

func change(t *testing.T, db *store.DB, fn func(tx *store.Tx) error) {
	t.Helper()
	if err := db.Do(context.Background(), store.System, fn); err != nil {
		t.Fatal(err)
	}
}

func roleOf(t *testing.T, c *client) string {
	t.Helper()
	var me struct{ User store.User }
	c.do("GET", "/v1/me", nil).want(t, 200, "").json(t, &me)
	return string(me.User.Role)
}

// What this process's store commits that ends or narrows a credential
// (the API's sign-out, the pages' revoking, disabling and role changes)
// takes effect on the next request, however long the server remembers.
func TestAuthCacheForgetsAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		f, _, _ := cachedFixture(t, dsn, time.Hour)
		biller := f.users["biller"].ID

		c, hash := f.tokenOf(t, biller)
		c.do("GET", "/v1/me", nil).want(t, 200, "")
		change(t, f.db, func(tx *store.Tx) error { return tx.RevokeToken(hash) })
		c.do("GET", "/v1/me", nil).want(t, 401, "unauthorized")

		c, _ = f.tokenOf(t, biller)
		if r := roleOf(t, c); r != "biller" {
			t.Fatalf("role %s", r)
		}
		change(t, f.db, func(tx *store.Tx) error { return tx.SetRole(biller, "auditor") })
		if r := roleOf(t, c); r != "auditor" {
			t.Errorf("after the role change: %s", r)
		}
		c.do("POST", "/v1/patients", aPatient).want(t, 403, "forbidden")

		s, csrf := f.signIn(t, "biller-user", testPassword)
		s.do("GET", "/v1/me", nil).want(t, 200, "")
		s.with(CSRFHeader, csrf).do("DELETE", "/v1/sessions/current", nil).want(t, 204, "")
		s.do("GET", "/v1/me", nil).want(t, 401, "unauthorized")

		s, _ = f.signIn(t, "biller-user", testPassword)
		s.do("GET", "/v1/me", nil).want(t, 200, "")
		change(t, f.db, func(tx *store.Tx) error { return tx.DisableUser(biller) })
		c.do("GET", "/v1/me", nil).want(t, 401, "unauthorized")
		s.do("GET", "/v1/me", nil).want(t, 401, "unauthorized")
	})
}

// The same done by another server on the database takes effect once the
// remembered look-up lapses, and not before.
func TestAuthCacheElsewhere(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		const ttl = time.Minute
		f, clk, other := cachedFixture(t, dsn, ttl)
		biller, auditor := f.users["biller"].ID, f.users["auditor"].ID

		revoked, hash := f.tokenOf(t, biller)
		promoted, _ := f.tokenOf(t, auditor)
		disabled, _ := f.tokenOf(t, f.users["admin"].ID)
		s, _ := f.signIn(t, "biller-user", testPassword)
		for _, c := range []*client{revoked, promoted, disabled, s} {
			c.do("GET", "/v1/me", nil).want(t, 200, "")
		}
		change(t, other, func(tx *store.Tx) error {
			if err := tx.RevokeToken(hash); err != nil {
				return err
			}
			if err := tx.SetRole(auditor, "biller"); err != nil {
				return err
			}
			if err := tx.DisableUser(f.users["admin"].ID); err != nil {
				return err
			}
			return tx.DeleteSession(auth.HashSecret(s.cookies[0].Value))
		})
		clk.add(ttl / 2)
		revoked.do("GET", "/v1/me", nil).want(t, 200, "")
		if r := roleOf(t, promoted); r != "auditor" {
			t.Errorf("remembered role: %s", r)
		}
		disabled.do("GET", "/v1/me", nil).want(t, 200, "")
		s.do("GET", "/v1/me", nil).want(t, 200, "")

		clk.add(ttl / 2)
		revoked.do("GET", "/v1/me", nil).want(t, 401, "unauthorized")
		if r := roleOf(t, promoted); r != "biller" {
			t.Errorf("role after the lifetime: %s", r)
		}
		disabled.do("GET", "/v1/me", nil).want(t, 401, "unauthorized")
		s.do("GET", "/v1/me", nil).want(t, 401, "unauthorized")
	})
}

// A session is never served from memory past its end, however long the
// server remembers. The store judges an end by the real clock, so the
// session is also signed out elsewhere: what then answers after its end
// is the memory or nothing.
func TestAuthCacheSessionEnds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		f, clk, other := cachedFixture(t, dsn, 2*sessionLife)
		s, _ := f.signIn(t, "biller-user", testPassword)
		s.do("GET", "/v1/me", nil).want(t, 200, "")
		change(t, other, func(tx *store.Tx) error { return tx.DeleteSession(auth.HashSecret(s.cookies[0].Value)) })
		clk.add(sessionLife - time.Second)
		s.do("GET", "/v1/me", nil).want(t, 200, "")
		clk.add(time.Second)
		s.do("GET", "/v1/me", nil).want(t, 401, "unauthorized")
	})
}

// A credential that does not work is not remembered: a token made
// elsewhere after it was refused works at once.
func TestAuthCacheRemembersNoFailure(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		f, _, other := cachedFixture(t, dsn, time.Hour)
		secret, hash := auth.NewSecret(auth.TokenPrefix)
		c := newClient(t, f.srv).with("Authorization", "Bearer "+secret)
		c.do("GET", "/v1/me", nil).want(t, 401, "unauthorized")
		change(t, other, func(tx *store.Tx) error { return tx.CreateToken(f.users["biller"].ID, "late", hash) })
		c.do("GET", "/v1/me", nil).want(t, 200, "")
	})
}

// The memory holds at most maxAuthCache credentials, the lapsed ones
// going first.
func TestAuthCacheBounded(t *testing.T) {
	c := newAuthCache(time.Minute)
	now := time.Now()
	p := &Principal{User: store.User{ID: "U-1"}}
	for i := range maxAuthCache + 10 {
		c.put([32]byte{byte(i), byte(i >> 8)}, p, now, time.Time{}, 0)
	}
	if len(c.m) != maxAuthCache {
		t.Fatalf("%d remembered, want %d", len(c.m), maxAuthCache)
	}
	later := now.Add(time.Hour)
	fresh := [32]byte{0xff, 0xff}
	c.put(fresh, p, later, time.Time{}, 0)
	if len(c.m) != 1 {
		t.Errorf("%d remembered after the others lapsed, want 1", len(c.m))
	}
	if got, _ := c.get(fresh, false, later); got == nil || got.User.ID != "U-1" {
		t.Errorf("get: %+v", got)
	}
	if got, _ := c.get(fresh, true, later); got != nil {
		t.Errorf("a token's entry answered for a session: %+v", got)
	}
}
