package store_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/store"
)

func hash(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

func TestUsersTokensSessions(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		var u store.User
		expires := time.Now().Add(time.Hour).UTC().Truncate(time.Microsecond)
		do(t, db, func(tx *store.Tx) error {
			var err error
			u, err = tx.CreateUser("ann", "biller", "$argon2id$v=19$stub")
			if err != nil {
				return err
			}
			if err := tx.CreateToken(u.ID, "lab system", hash("pdt_token")); err != nil {
				return err
			}
			return tx.CreateSession(u.ID, hash("pds_session"), "csrf-secret", expires)
		})
		err := db.Do(ctx, alice, func(tx *store.Tx) error { _, err := tx.CreateUser("ann", "admin", "x"); return err })
		wantCode(t, err, errs.Conflict)
		err = db.Do(ctx, alice, func(tx *store.Tx) error { _, err := tx.CreateUser("bob", "root", "x"); return err })
		wantCode(t, err, errs.Invalid)
		do(t, db, func(tx *store.Tx) error {
			got, pw, err := tx.UserByName("ann")
			if got.ID != u.ID || got.Role != store.RoleBiller || pw != "$argon2id$v=19$stub" {
				t.Errorf("UserByName: %+v %q", got, pw)
			}
			return err
		})
		if got, err := db.UserByToken(ctx, hash("pdt_token")); err != nil || got.ID != u.ID {
			t.Fatalf("UserByToken: %+v %v", got, err)
		}
		_, err = db.UserByToken(ctx, hash("pdt_other"))
		wantCode(t, err, errs.NotFound)
		if got, csrf, exp, err := db.UserBySession(ctx, hash("pds_session")); err != nil || got.ID != u.ID || csrf != "csrf-secret" || !exp.Equal(expires) {
			t.Fatalf("UserBySession: %+v %q %v %v", got, csrf, exp, err)
		}
		// An expired session does not work; a disabled user's token neither.
		do(t, db, func(tx *store.Tx) error {
			return tx.CreateSession(u.ID, hash("pds_old"), "c", time.Now().Add(-time.Second))
		})
		_, _, _, err = db.UserBySession(ctx, hash("pds_old"))
		wantCode(t, err, errs.NotFound)
		do(t, db, func(tx *store.Tx) error { return tx.DisableUser(u.ID) })
		_, err = db.UserByToken(ctx, hash("pdt_token"))
		wantCode(t, err, errs.NotFound)
		_, _, _, err = db.UserBySession(ctx, hash("pds_session"))
		wantCode(t, err, errs.NotFound)
	})
}

// TestIdempotency: the work and its answer are kept together; a second
// request with the key, even at the same time from another handle, finds
// the answer instead of doing the work again.
func TestIdempotency(t *testing.T) {
	storeEach(t, func(t *testing.T, dbs []*store.DB) {
		var works atomic.Int64
		request := func(db *store.DB) (store.Answer, bool, error) {
			var ans store.Answer
			var replay bool
			err := db.Do(ctx, alice, func(tx *store.Tx) error {
				kept, ok, err := tx.IdempotentAnswer(alice.UserID, "key-1")
				if err != nil || ok {
					ans, replay = kept, ok
					return err
				}
				p, err := tx.CreatePatient(samplePatient())
				if err != nil {
					return err
				}
				works.Add(1)
				ans = store.Answer{Fingerprint: []byte("fp"), Status: 201, Body: []byte(`{"id":"` + p.ID + `"}`)}
				return tx.KeepAnswer(alice.UserID, "key-1", ans)
			})
			return ans, replay, err
		}
		var wg sync.WaitGroup
		answers := make([]store.Answer, 10)
		var replays atomic.Int64
		for i := range answers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a, replay, err := request(dbs[i%len(dbs)])
				if err != nil {
					t.Error(err)
					return
				}
				if replay {
					replays.Add(1)
				}
				answers[i] = a
			}()
		}
		wg.Wait()
		if works.Load() != 1 || replays.Load() != 9 {
			t.Fatalf("the work ran %d times, %d replays; want 1 and 9", works.Load(), replays.Load())
		}
		for _, a := range answers {
			if a.Status != 201 || !bytes.Equal(a.Body, answers[0].Body) {
				t.Fatalf("answers differ: %+v", answers)
			}
		}
		do(t, dbs[0], func(tx *store.Tx) error {
			ps, _, err := tx.Patients(store.Page{})
			if len(ps) != 1 {
				t.Errorf("%d patients, want 1", len(ps))
			}
			return err
		})
	})
}

func TestRolesEnablingAndTokenList(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		var ann, bob store.User
		do(t, db, func(tx *store.Tx) error {
			var err error
			if ann, err = tx.CreateUser("ann", "biller", "h"); err != nil {
				return err
			}
			if bob, err = tx.CreateUser("bob", "auditor", "h"); err != nil {
				return err
			}
			if err := tx.CreateToken(ann.ID, "export", hash("pdt_a")); err != nil {
				return err
			}
			return tx.CreateToken(bob.ID, "lab", hash("pdt_b"))
		})
		do(t, db, func(tx *store.Tx) error { return tx.SetRole(ann.ID, "auditor") })
		if got, err := db.UserByToken(ctx, hash("pdt_a")); err != nil || got.Role != store.RoleAuditor {
			t.Errorf("after SetRole: %+v %v", got, err)
		}
		wantCode(t, db.Do(ctx, alice, func(tx *store.Tx) error { return tx.SetRole(ann.ID, "root") }), errs.Invalid)
		wantCode(t, db.Do(ctx, alice, func(tx *store.Tx) error { return tx.SetRole("U-nobody", "biller") }), errs.NotFound)

		do(t, db, func(tx *store.Tx) error { return tx.DisableUser(ann.ID) })
		_, err := db.UserByToken(ctx, hash("pdt_a"))
		wantCode(t, err, errs.NotFound)
		do(t, db, func(tx *store.Tx) error { return tx.EnableUser(ann.ID) })
		if _, err := db.UserByToken(ctx, hash("pdt_a")); err != nil {
			t.Errorf("the token of an enabled user: %v", err)
		}
		wantCode(t, db.Do(ctx, alice, func(tx *store.Tx) error { return tx.EnableUser("U-nobody") }), errs.NotFound)

		do(t, db, func(tx *store.Tx) error { return tx.RevokeToken(hash("pdt_b")) })
		do(t, db, func(tx *store.Tx) error {
			all, err := tx.Tokens("")
			if err != nil {
				return err
			}
			if len(all) != 2 {
				t.Fatalf("Tokens: %+v", all)
			}
			for _, tk := range all {
				revoked := tk.RevokedAt != nil
				if tk.UserID == bob.ID && (tk.Name != "lab" || !revoked || tk.Hash != hex.EncodeToString(hash("pdt_b"))) ||
					tk.UserID == ann.ID && (tk.Name != "export" || revoked) {
					t.Errorf("token %+v", tk)
				}
			}
			mine, err := tx.Tokens(ann.ID)
			if len(mine) != 1 || mine[0].UserID != ann.ID {
				t.Errorf("Tokens(ann): %+v", mine)
			}
			return err
		})
		do(t, db, func(tx *store.Tx) error {
			for action, want := range map[string]string{"set-role": ann.ID, "enable": ann.ID} {
				es, _, err := tx.AuditLog(store.AuditFilter{Action: action}, store.Page{})
				if err != nil {
					return err
				}
				if len(es) != 1 || es[0].RecordID != want {
					t.Errorf("audit of %s: %+v", action, es)
				}
			}
			return nil
		})
	})
}

func TestAuditLogByActionAndTime(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		do(t, db, func(tx *store.Tx) error { tx.Audit("poke", "claim", "C1", ""); return nil })
		var at time.Time
		do(t, db, func(tx *store.Tx) error {
			es, _, err := tx.AuditLog(store.AuditFilter{Action: "poke"}, store.Page{})
			if len(es) != 1 {
				t.Fatalf("by action: %+v", es)
			}
			at = es[0].At
			return err
		})
		for _, c := range []struct {
			f    store.AuditFilter
			want int
		}{
			{store.AuditFilter{Action: "poke", Since: at}, 1},
			{store.AuditFilter{Action: "poke", Until: at.Add(time.Microsecond)}, 1},
			{store.AuditFilter{Action: "poke", Since: at.Add(time.Microsecond)}, 0},
			{store.AuditFilter{Action: "poke", Until: at}, 0},
			{store.AuditFilter{Action: "prod"}, 0},
		} {
			do(t, db, func(tx *store.Tx) error {
				es, _, err := tx.AuditLog(c.f, store.Page{})
				if len(es) != c.want {
					t.Errorf("%+v: %d entries, want %d", c.f, len(es), c.want)
				}
				return err
			})
		}
	})
}

// TestWatchCredentials: a transaction that ends or narrows a user's
// credentials tells the watchers once it has committed; one rolled back,
// or rolled back to its savepoint in an SQLite group, tells nothing.
func TestWatchCredentials(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		var mu sync.Mutex
		var told []string
		db.WatchCredentials(func(ids []string) {
			mu.Lock()
			defer mu.Unlock()
			told = append(told, ids...)
		})
		heard := func() []string {
			mu.Lock()
			defer mu.Unlock()
			out := told
			told = nil
			return out
		}
		var ann, bob store.User
		do(t, db, func(tx *store.Tx) error {
			var err error
			if ann, err = tx.CreateUser("ann", "biller", "x"); err != nil {
				return err
			}
			if bob, err = tx.CreateUser("bob", "biller", "x"); err != nil {
				return err
			}
			if err := tx.CreateToken(ann.ID, "lab", hash("pdt_a")); err != nil {
				return err
			}
			if err := tx.CreateSession(bob.ID, hash("pds_b"), "c", time.Now().Add(time.Hour)); err != nil {
				return err
			}
			return tx.SetPassword(ann.ID, "y")
		})
		if got := heard(); len(got) != 0 {
			t.Errorf("creating users, tokens and sessions told %v", got)
		}
		errStop := errs.Errorf(errs.Invalid, "stop")
		wantCode(t, db.Do(ctx, alice, func(tx *store.Tx) error {
			if err := tx.DisableUser(ann.ID); err != nil {
				return err
			}
			return errStop
		}), errs.Invalid)
		if got := heard(); len(got) != 0 {
			t.Errorf("a rolled-back transaction told %v", got)
		}
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				db.Do(ctx, alice, func(tx *store.Tx) error {
					if i == 0 {
						return tx.SetRole(ann.ID, "auditor")
					}
					tx.SetRole(bob.ID, "auditor")
					return errStop
				})
			}()
		}
		wg.Wait()
		if got := heard(); len(got) != 1 || got[0] != ann.ID {
			t.Errorf("role changes told %v, want only ann's", got)
		}
		do(t, db, func(tx *store.Tx) error { return tx.RevokeToken(hash("pdt_a")) })
		do(t, db, func(tx *store.Tx) error { return tx.DeleteSession(hash("pds_b")) })
		do(t, db, func(tx *store.Tx) error { return tx.DeleteSession(hash("pds_none")) })
		do(t, db, func(tx *store.Tx) error { return tx.DisableUser(bob.ID) })
		do(t, db, func(tx *store.Tx) error { return tx.EnableUser(bob.ID) })
		if got, want := heard(), []string{ann.ID, bob.ID, bob.ID}; !slices.Equal(got, want) {
			t.Errorf("told %v, want %v", got, want)
		}
	})
}
