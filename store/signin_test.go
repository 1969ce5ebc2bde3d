package store_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/store/storetest"
)

// twoHandles opens the store twice on one database, as two servers would.
func twoHandles(t *testing.T, fn func(t *testing.T, a, b *store.DB)) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		fn(t, open(t, dsn), open(t, dsn))
	})
}

func beginSignIn(t *testing.T, db *store.DB, now time.Time, limits ...store.SignInLimit) (string, time.Duration) {
	t.Helper()
	var attempt string
	var wait time.Duration
	do(t, db, func(tx *store.Tx) error {
		var err error
		attempt, wait, err = tx.BeginSignIn(limits, now, 15*time.Minute)
		return err
	})
	return attempt, wait
}

// TestSignInLimitsAcrossHandles: failed sign-ins counted through one
// handle count through the other, so two servers on one database allow
// what one allows; a success clears its name's count, not its address's;
// the counts forget attempts older than the window.
func TestSignInLimitsAcrossHandles(t *testing.T) {
	twoHandles(t, func(t *testing.T, a, b *store.DB) {
		t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		name := func(n string) store.SignInLimit { return store.SignInLimit{Scope: "name", Subject: n, Max: 3} }
		addr := store.SignInLimit{Scope: "address", Subject: "192.0.2.7", Max: 5}
		dbs := []*store.DB{a, b}
		// Three failures of "ann", alternating handles, a second apart.
		for i := range 3 {
			if id, wait := beginSignIn(t, dbs[i%2], t0.Add(time.Duration(i)*time.Second), name("ann"), addr); id == "" || wait != 0 {
				t.Fatalf("attempt %d refused (wait %v)", i+1, wait)
			}
		}
		for i, db := range dbs {
			id, wait := beginSignIn(t, db, t0.Add(10*time.Second), name("ann"), addr)
			if id != "" || wait != 15*time.Minute-10*time.Second {
				t.Errorf("handle %d: a fourth attempt of ann: attempt %q, wait %v; want refused, wait 14m50s", i, id, wait)
			}
		}
		// The refused attempts were not counted: "bob" from the same
		// address has the address's two attempts left.
		var bobOK string
		for i := range 2 {
			id, wait := beginSignIn(t, dbs[i%2], t0.Add(20*time.Second), name("bob"), addr)
			if id == "" {
				t.Fatalf("bob's attempt %d refused (wait %v)", i+1, wait)
			}
			bobOK = id
		}
		if id, _ := beginSignIn(t, b, t0.Add(21*time.Second), name("cy"), addr); id != "" {
			t.Error("the address's sixth attempt was counted, want refused")
		}
		// bob's second attempt succeeds (through the other handle): bob's
		// count is cleared and that attempt leaves the address's count, so
		// the address allows one more attempt, then no more.
		do(t, a, func(tx *store.Tx) error { return tx.SignInSucceeded(bobOK, name("bob")) })
		if id, _ := beginSignIn(t, b, t0.Add(30*time.Second), name("cy"), addr); id == "" {
			t.Error("after bob's success the address allows no attempt, want one")
		}
		if id, _ := beginSignIn(t, a, t0.Add(31*time.Second), name("cy"), addr); id != "" {
			t.Error("the address allows a second attempt after bob's success, want one")
		}
		// Another address may still try bob, whose count was cleared, three times.
		other := store.SignInLimit{Scope: "address", Subject: "198.51.100.1", Max: 5}
		for i := range 3 {
			if id, _ := beginSignIn(t, dbs[i%2], t0.Add(40*time.Second), name("bob"), other); id == "" {
				t.Fatalf("bob from another address: attempt %d refused after a success", i+1)
			}
		}
		// Once the window has passed ann's failures, ann may try again.
		if id, _ := beginSignIn(t, b, t0.Add(15*time.Minute+3*time.Second), name("ann"), other); id == "" {
			t.Error("ann refused after the window passed her failures")
		}
	})
}

// TestSignInLimitUnderConcurrency: attempts made at the same moment
// through two handles are counted before any password is checked, so no
// more than the limit get through, however many race.
func TestSignInLimitUnderConcurrency(t *testing.T) {
	twoHandles(t, func(t *testing.T, a, b *store.DB) {
		now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		limits := []store.SignInLimit{{Scope: "name", Subject: "ann", Max: 5}, {Scope: "address", Subject: "192.0.2.7", Max: 20}}
		var let atomic.Int64
		var wg sync.WaitGroup
		for i := range 24 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				db := []*store.DB{a, b}[i%2]
				err := db.Do(ctx, alice, func(tx *store.Tx) error {
					id, _, err := tx.BeginSignIn(limits, now, 15*time.Minute)
					if id != "" {
						let.Add(1)
					}
					return err
				})
				if err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if let.Load() != 5 {
			t.Errorf("%d of 24 attempts at once let through, want 5", let.Load())
		}
	})
}
