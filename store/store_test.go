package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/store/storetest"
)

var ctx = context.Background()

var alice = store.Actor{UserID: "U-alice", Remote: "127.0.0.1"}

// each runs fn on a fresh store on each database.
func each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		fn(t, open(t, dsn))
	})
}

func open(t testing.TB, dsn string) *store.DB {
	t.Helper()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func wantCode(t testing.TB, err error, code errs.Code) {
	t.Helper()
	if got := errs.CodeOf(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}

func do(t testing.TB, db *store.DB, fn func(tx *store.Tx) error) {
	t.Helper()
	if err := db.Do(ctx, alice, fn); err != nil {
		t.Fatal(err)
	}
}

func samplePatient() store.Patient {
	return store.Patient{Name: "DOE, JANE", BirthDate: civil.FromYMD(1950, 4, 1), MemberID: "M123", Demographics: []byte(`{"sex":"F"}`)}
}

func TestOpenSQLiteFileMode(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "w.db")
	db := open(t, "file:"+path)
	do(t, db, func(tx *store.Tx) error { _, err := tx.CreatePatient(samplePatient()); return err })
	for _, name := range []string{"w.db", "w.db-wal"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", name, fi.Mode().Perm())
		}
	}
}

// TestOpenTwice: a second Open of a migrated store finds nothing to do and
// keeps the data; two Opens at once both succeed.
func TestOpenTwice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		errc := make(chan error, 2)
		for range 2 {
			go func() {
				db, err := store.Open(ctx, dsn)
				if err == nil {
					db.Close()
				}
				errc <- err
			}()
		}
		for range 2 {
			if err := <-errc; err != nil {
				t.Fatalf("concurrent Open: %v", err)
			}
		}
		db := open(t, dsn)
		var id string
		do(t, db, func(tx *store.Tx) error {
			p, err := tx.CreatePatient(samplePatient())
			id = p.ID
			return err
		})
		db.Close()
		db = open(t, dsn)
		do(t, db, func(tx *store.Tx) error { _, err := tx.Patient(id); return err })
	})
}

func TestPatients(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		var ids []string
		do(t, db, func(tx *store.Tx) error {
			for range 5 {
				p, err := tx.CreatePatient(samplePatient())
				if err != nil {
					return err
				}
				ids = append(ids, p.ID)
			}
			return nil
		})
		do(t, db, func(tx *store.Tx) error {
			p, err := tx.Patient(ids[2])
			if err != nil {
				return err
			}
			if p.Name != "DOE, JANE" || p.BirthDate != civil.FromYMD(1950, 4, 1) || string(p.Demographics) != `{"sex":"F"}` {
				t.Errorf("read back %+v", p)
			}
			return nil
		})
		// Pages of two, newest first, cover every patient once.
		var seen []string
		cursor := ""
		for {
			var page []store.Patient
			do(t, db, func(tx *store.Tx) error {
				var err error
				page, cursor, err = tx.Patients(store.Page{Limit: 2, Cursor: cursor})
				return err
			})
			for _, p := range page {
				seen = append(seen, p.ID)
			}
			if cursor == "" {
				break
			}
		}
		if len(seen) != 5 {
			t.Fatalf("pages gave %v", seen)
		}
		for i := range seen {
			if seen[i] != ids[4-i] {
				t.Fatalf("pages gave %v, want newest first of %v", seen, ids)
			}
		}
		err := db.Do(ctx, alice, func(tx *store.Tx) error { _, err := tx.Patient("P-none"); return err })
		wantCode(t, err, errs.NotFound)
		err = db.Do(ctx, alice, func(tx *store.Tx) error {
			_, err := tx.CreatePatient(store.Patient{ID: ids[0], Name: "X", BirthDate: 1, MemberID: "1"})
			return err
		})
		wantCode(t, err, errs.Conflict)
		err = db.Do(ctx, alice, func(tx *store.Tx) error {
			_, err := tx.CreatePatient(store.Patient{Name: " ", Demographics: []byte(`[1]`)})
			return err
		})
		wantCode(t, err, errs.Invalid)
		if n := len(errs.ProblemsOf(err)); n != 4 {
			t.Errorf("%d problems, want 4 (name, member_id, birth_date, demographics): %v", n, err)
		}
	})
}

// TestRollback: an error from the function keeps nothing it wrote.
func TestRollback(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		var id string
		boom := errors.New("boom")
		err := db.Do(ctx, alice, func(tx *store.Tx) error {
			p, err := tx.CreatePatient(samplePatient())
			id = p.ID
			if err != nil {
				return err
			}
			return boom
		})
		if err != boom {
			t.Fatalf("Do returned %v", err)
		}
		err = db.Do(ctx, alice, func(tx *store.Tx) error { _, err := tx.Patient(id); return err })
		wantCode(t, err, errs.NotFound)
	})
}

func TestPayers(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		var py store.Payer
		do(t, db, func(tx *store.Tx) error {
			var err error
			py, err = tx.CreatePayer(store.Payer{Name: "EXAMPLE HEALTH PLAN", ProfileID: "nhia", PayerID: "PAYER01", Contract: []byte(`{"per_diem":"S9500"}`)})
			return err
		})
		do(t, db, func(tx *store.Tx) error {
			got, err := tx.Payer(py.ID)
			if err != nil {
				return err
			}
			if got.PayerID != "PAYER01" || string(got.Contract) != `{"per_diem":"S9500"}` {
				t.Errorf("read back %+v", got)
			}
			got.Contract = nil
			if _, err := tx.UpdatePayer(got); err != nil {
				return err
			}
			got, err = tx.Payer(py.ID)
			if got.Contract != nil {
				t.Errorf("contract after clearing: %s", got.Contract)
			}
			return err
		})
	})
}

// storeEach runs fn on each database with the handles writers should use:
// one on SQLite, two on one PostgreSQL database (two processes' worth).
func storeEach(t *testing.T, fn func(t *testing.T, dbs []*store.DB)) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		dbs := []*store.DB{open(t, dsn)}
		if dbs[0].Postgres() {
			dbs = append(dbs, open(t, dsn))
		}
		fn(t, dbs)
	})
}

// TestSQLitePragmas: the store's durability and safety settings are in
// force on every connection; a DSN may relax synchronous, not the rest.
func TestSQLitePragmas(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.db")
	for _, c := range []struct {
		dsn  string
		sync int
	}{{path, 2}, {"file:" + path + "?_pragma=synchronous(NORMAL)&_pragma=foreign_keys(0)", 1}} {
		db := open(t, c.dsn)
		do(t, db, func(tx *store.Tx) error {
			var mode string
			var fk, sync, temp int
			if err := tx.SQL().QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil {
				return err
			}
			if err := tx.SQL().QueryRow(`PRAGMA temp_store`).Scan(&temp); err != nil {
				return err
			}
			if err := tx.SQL().QueryRow(`PRAGMA foreign_keys`).Scan(&fk); err != nil {
				return err
			}
			if err := tx.SQL().QueryRow(`PRAGMA synchronous`).Scan(&sync); err != nil {
				return err
			}
			if mode != "wal" || fk != 1 || sync != c.sync || temp != 2 {
				t.Errorf("%s: journal_mode %s, foreign_keys %d, synchronous %d, temp_store %d; want wal, 1, %d, 2 (memory)", c.dsn, mode, fk, sync, temp, c.sync)
			}
			return nil
		})
		db.Close()
	}
}

// TestFailuresDoNotSpread: of many transactions at once (on SQLite
// committed in groups), those that fail or panic keep nothing and the
// others keep everything.
func TestFailuresDoNotSpread(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		const n = 60
		ids := make([]string, n)
		errsOut := make([]error, n)
		boom := errors.New("boom")
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errsOut[i] = db.Do(ctx, alice, func(tx *store.Tx) error {
					p, err := tx.CreatePatient(samplePatient())
					if err != nil {
						return err
					}
					ids[i] = p.ID
					switch i % 3 {
					case 1:
						return boom
					case 2:
						if i%2 == 0 {
							panic("a bug")
						}
						_, err := tx.Patient("P-none") // a failed statement
						return err
					}
					return nil
				})
			}()
		}
		wg.Wait()
		for i := range n {
			err := db.Do(ctx, alice, func(tx *store.Tx) error { _, err := tx.Patient(ids[i]); return err })
			switch i % 3 {
			case 0:
				if errsOut[i] != nil || err != nil {
					t.Errorf("transaction %d: %v, then reading its patient: %v", i, errsOut[i], err)
				}
			default:
				if errsOut[i] == nil || errs.CodeOf(err) != errs.NotFound {
					t.Errorf("transaction %d failed with %v, yet reading its patient gave %v", i, errsOut[i], err)
				}
			}
		}
		// A create and a read of each patient kept; the reads of those not
		// kept failed, and a failed transaction leaves no entry either.
		if rep := verify(t, db); !rep.OK() || rep.Entries != 2*n/3 {
			t.Errorf("audit %+v, want %d entries", rep, 2*n/3)
		}
	})
}

// TestNestedDoFailsFast: a DB.Do called from inside the function of
// another would wait forever for SQLite's one writer, which is running
// that function, and on PostgreSQL would commit a second transaction of
// its own, apart from the first; on both it fails at once with the same
// internal error instead, and the outer transaction keeps nothing. A Do
// after the failed one works as ever (the goroutine is no longer marked
// as inside one).
func TestNestedDoFailsFast(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		done := make(chan error, 1)
		go func() {
			done <- db.Do(ctx, alice, func(tx *store.Tx) error {
				if _, err := tx.CreatePatient(samplePatient()); err != nil {
					return err
				}
				return db.Do(ctx, alice, func(tx *store.Tx) error {
					_, err := tx.CreatePatient(samplePatient())
					return err
				})
			})
		}()
		select {
		case err := <-done:
			if errs.CodeOf(err) != errs.Internal || !strings.Contains(err.Error(), "DB.Do called inside the function of another DB.Do") {
				t.Fatalf("nested Do: %v, want an internal error saying so", err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("a nested Do still waits after 30 s")
		}
		do(t, db, func(tx *store.Tx) error {
			ps, _, err := tx.Patients(store.Page{})
			if err == nil && len(ps) != 0 {
				t.Errorf("%d patients kept, want none: the nested Do or the outer transaction committed", len(ps))
			}
			return err
		})
		do(t, db, func(tx *store.Tx) error {
			_, err := tx.CreatePatient(samplePatient())
			return err
		})
	})
}
