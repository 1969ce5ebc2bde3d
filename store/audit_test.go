package store_test

import (
	"database/sql"
	"strings"
	"sync"
	"testing"

	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/store/storetest"
)

// raw opens the store's database directly, as someone with file or
// database access would, to change rows behind the store's back.
func raw(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	driver := "sqlite"
	if strings.HasPrefix(dsn, "postgres") {
		driver = "pgx"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func verify(t *testing.T, db *store.DB) *store.AuditReport {
	t.Helper()
	rep, err := db.VerifyAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestAuditDetectsEdits: each way of changing the log behind the store's
// back — a field of an entry, an entry recomputed with its own hash, a
// removed entry, a removed last entry — is found at the right entry.
func TestAuditDetectsEdits(t *testing.T) {
	cases := []struct {
		name   string
		sql    string
		wantAt int64
	}{
		{"detail edited", `UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 3`, 3},
		{"actor edited", `UPDATE audit_log SET actor = 'U-mallory' WHERE seq = 2`, 2},
		{"hash recomputed by hand", `UPDATE audit_log SET hash = 'ff', detail = 'x' WHERE seq = 2`, 2},
		{"entry removed", `DELETE FROM audit_log WHERE seq = 4`, 4},
		{"last entry removed", `DELETE FROM audit_log WHERE seq = 6`, 6},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, dsn string) {
				db := open(t, dsn)
				e := newEpisode(t, db, `{}`) // 2 entries: patient, episode
				do(t, db, func(tx *store.Tx) error {
					_, _, err := tx.Episode(e.ID) // 3
					if err != nil {
						return err
					}
					_, err = tx.UpdateEpisode(e.ID, 1, []byte(`{"a":1}`)) // 4
					if err != nil {
						return err
					}
					_, err = tx.Patient(e.PatientID)               // 5
					tx.Audit("download", "interchange", "I-1", "") // 6
					return err
				})
				if rep := verify(t, db); !rep.OK() || rep.Entries != 6 {
					t.Fatalf("before the edit: %+v", rep)
				}
				if _, err := raw(t, dsn).Exec(c.sql); err != nil {
					t.Fatal(err)
				}
				rep := verify(t, db)
				if rep.OK() || rep.BrokenAt != c.wantAt {
					t.Fatalf("after %s: %+v, want broken at %d", c.sql, rep, c.wantAt)
				}
			})
		})
	}
}

// TestAuditChainUnderConcurrency: writers on every handle append at once;
// the chain stays one line with no gap or fork.
func TestAuditChainUnderConcurrency(t *testing.T) {
	storeEach(t, func(t *testing.T, dbs []*store.DB) {
		var wg sync.WaitGroup
		for i := range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := dbs[i%len(dbs)].Do(ctx, alice, func(tx *store.Tx) error {
					p, err := tx.CreatePatient(samplePatient())
					if err != nil {
						return err
					}
					_, err = tx.Patient(p.ID)
					return err
				}); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		rep := verify(t, dbs[0])
		if !rep.OK() || rep.Entries != 80 {
			t.Fatalf("%+v, want 80 entries and a whole chain", rep)
		}
		var entries []store.AuditEntry
		do(t, dbs[0], func(tx *store.Tx) error {
			var err error
			entries, _, err = tx.ListAudit(store.Page{Limit: 3})
			return err
		})
		if len(entries) != 3 || entries[0].Seq != 80 || entries[0].Actor != alice.UserID || entries[0].Remote != "127.0.0.1" {
			t.Fatalf("newest entries %+v", entries)
		}
	})
}
