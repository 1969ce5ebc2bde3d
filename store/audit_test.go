package store_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/perdiem/perdiem/errs"
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
	const copyOf6 = `INSERT INTO audit_log (seq, chain, n, at, actor, action, kind, record_id, remote, detail, prev_hash, hash)
SELECT seq + 100, %s, at, actor, action, kind, record_id, remote, 'added', hash, hash FROM audit_log WHERE seq = 6`
	cases := []struct {
		name      string
		sql       string
		wantChain int64
		wantAt    int64
	}{
		{"detail edited", `UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 3`, 0, 3},
		{"actor edited", `UPDATE audit_log SET actor = 'U-mallory' WHERE seq = 2`, 0, 2},
		{"hash recomputed by hand", `UPDATE audit_log SET hash = 'ff', detail = 'x' WHERE seq = 2`, 0, 2},
		{"seq edited", `UPDATE audit_log SET seq = 60 WHERE seq = 5`, 0, 5},
		{"entry removed", `DELETE FROM audit_log WHERE seq = 4`, 0, 4},
		{"last entry removed", `DELETE FROM audit_log WHERE seq = 6`, 0, 6},
		{"entry moved to another chain", `UPDATE audit_log SET chain = 1, n = 1 WHERE seq = 3`, 0, 3},
		{"entry added after the last", fmt.Sprintf(copyOf6, "chain, n + 1"), 0, 7},
		{"entry added in a chain of its own", fmt.Sprintf(copyOf6, "7, 1"), 7, 1},
		{"entry added in a chain that does not exist", fmt.Sprintf(copyOf6, "999, 1"), 999, 1},
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
				if rep.OK() || rep.Chain != c.wantChain || rep.BrokenAt != c.wantAt {
					t.Fatalf("after %s: %+v, want broken at entry %d of chain %d", c.sql, rep, c.wantAt, c.wantChain)
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

// TestAuditChainsDoNotQueue: on PostgreSQL a write does not wait for the
// transaction holding chain 0 (as it would behind one chain's lock): it
// appends to another chain, and the log stays whole. With every chain
// held it waits for one, and goes on when it is free.
func TestAuditChainsDoNotQueue(t *testing.T) {
	dsn := storetest.Postgres(t)
	db := open(t, dsn)
	hold := func(where string) *sql.Tx {
		t.Helper()
		tx, err := raw(t, dsn).Begin()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(`SELECT chain FROM audit_chains WHERE ` + where + ` FOR UPDATE`); err != nil {
			t.Fatal(err)
		}
		return tx
	}
	write := func(c context.Context) error {
		return db.Do(c, alice, func(tx *store.Tx) error {
			_, err := tx.CreatePatient(samplePatient())
			return err
		})
	}
	do(t, db, func(tx *store.Tx) error { _, err := tx.CreatePatient(samplePatient()); return err })
	held := hold(`chain = 0`)
	c, cancel := context.WithTimeout(ctx, 30*time.Second)
	err := write(c)
	cancel()
	if err != nil {
		t.Fatalf("a write while chain 0 is held: %v", err)
	}
	held.Rollback()
	if rep := verify(t, db); !rep.OK() || rep.Entries != 2 || rep.Chains != 2 {
		t.Fatalf("%+v, want 2 entries in 2 chains", rep)
	}

	// With every chain held, a write, a read (whose entry is appended
	// without a transaction when a chain is free) and a claim made by
	// DoFinal (one statement, when a chain is free) all wait for one.
	e := newEpisode(t, db, `{}`)
	before := verify(t, db).Entries
	held = hold(`TRUE`)
	done := make(chan error, 3)
	go func() { done <- write(ctx) }()
	go func() {
		done <- db.Do(ctx, alice, func(tx *store.Tx) error { _, _, err := tx.Episode(e.ID); return err })
	}()
	go func() { done <- finalClaim(db, e.ID, 0).err }()
	time.Sleep(100 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("done while every chain was held: %v", err)
	default:
	}
	held.Commit()
	for range 3 {
		if err := <-done; err != nil {
			t.Fatalf("while every chain was held: %v", err)
		}
	}
	if rep := verify(t, db); !rep.OK() || rep.Entries != before+4 {
		t.Fatalf("%+v, want %d entries", rep, before+4)
	}
}

// TestAuditOldChainMigrates: a log written as one chain under audit_head
// (schema version 2) becomes chain 0, still whole, and new entries follow
// it.
func TestAuditOldChainMigrates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		r := raw(t, dsn)
		for _, f := range []string{"0001_init.sql", "0002_skipped_changes.sql"} {
			b, err := os.ReadFile("migrations/" + f)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := r.Exec(string(b)); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
		}
		if _, err := r.Exec(`CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL);
INSERT INTO schema_migrations VALUES (1, 'init', 0), (2, 'skipped_changes', 0)`); err != nil {
			t.Fatal(err)
		}
		// Three entries chained as version 2 of the schema did.
		prev := ""
		for seq := 1; seq <= 3; seq++ {
			at := int64(1767225600000000 + seq)
			canon := fmt.Sprintf(`[%d,%d,"U-alice","read","patient","P-%d","127.0.0.1",""]`, seq, at, seq)
			h := sha256.Sum256([]byte(prev + "\n" + canon))
			hash := hex.EncodeToString(h[:])
			if _, err := r.Exec(`INSERT INTO audit_log (seq, at, actor, action, kind, record_id, remote, detail, prev_hash, hash)
VALUES ($1, $2, 'U-alice', 'read', 'patient', $3, '127.0.0.1', '', $4, $5)`, seq, at, fmt.Sprintf("P-%d", seq), prev, hash); err != nil {
				t.Fatal(err)
			}
			prev = hash
		}
		if _, err := r.Exec(`UPDATE audit_head SET seq = 3, hash = $1`, prev); err != nil {
			t.Fatal(err)
		}
		db := open(t, dsn)
		if rep := verify(t, db); !rep.OK() || rep.Entries != 3 {
			t.Fatalf("after the migration: %+v, want 3 entries, whole", rep)
		}
		do(t, db, func(tx *store.Tx) error { _, err := tx.CreatePatient(samplePatient()); return err })
		if rep := verify(t, db); !rep.OK() || rep.Entries != 4 || rep.Chains != 1 {
			t.Fatalf("after a new entry: %+v, want 4 entries in 1 chain", rep)
		}
		var entries []store.AuditEntry
		do(t, db, func(tx *store.Tx) error {
			var err error
			entries, _, err = tx.ListAudit(store.Page{Limit: 2})
			return err
		})
		if len(entries) != 2 || entries[0].Seq != 4 || entries[0].N != 4 || entries[0].PrevHash != entries[1].Hash || entries[1].Seq != 3 {
			t.Fatalf("newest entries %+v", entries)
		}
	})
}

// TestAuditEntriesBeyondThoseTakenAhead: reading an episode takes an
// audit chain and a few seqs ahead (at most eight) on PostgreSQL; a
// transaction that goes on to make many more entries, before and after a
// claim, still numbers them all in order on one chain.
func TestAuditEntriesBeyondThoseTakenAhead(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		e := newEpisode(t, db, `{}`)
		before := verify(t, db).Entries
		var id string
		do(t, db, func(tx *store.Tx) error {
			if _, _, err := tx.Episode(e.ID); err != nil {
				return err
			}
			for i := range 12 {
				tx.Audit("read", "patient", e.PatientID, fmt.Sprintf("check %d", i))
			}
			c, r := sampleClaim()
			out, err := tx.CreateClaim(store.NewClaim{EpisodeID: e.ID, EpisodeVersion: e.Version, Claim: c, Result: r})
			id = out.ID
			for i := range 12 {
				tx.Audit("read", "claim", out.ID, fmt.Sprintf("check %d", i))
			}
			return err
		})
		rep := verify(t, db)
		if !rep.OK() || rep.Entries != before+26 {
			t.Fatalf("%+v, want %d entries and a whole chain", rep, before+26)
		}
		var entries []store.AuditEntry
		do(t, db, func(tx *store.Tx) error {
			var err error
			entries, _, err = tx.ListAudit(store.Page{Limit: 26})
			return err
		})
		// Newest first: the claim's checks, the claim, the patient's
		// checks, the episode read.
		for i, en := range entries {
			want := "read claim " + id
			switch {
			case i == 12:
				want = "create claim " + id
			case i > 12 && i < 25:
				want = "read patient " + e.PatientID
			case i == 25:
				want = "read episode " + e.ID
			}
			if got := en.Action + " " + en.Kind + " " + en.RecordID; got != want {
				t.Errorf("entry %d (seq %d): %s, want %s", i, en.Seq, got, want)
			}
			if i > 0 && en.Seq >= entries[i-1].Seq {
				t.Errorf("entry %d: seq %d after %d", i, en.Seq, entries[i-1].Seq)
			}
		}
	})
}

// TestAuditHashOfAwkwardValues: entries whose fields need escaping in
// their canonical form (quotes, backslashes, <>&, U+2028, non-ASCII,
// control characters, empty strings, a long detail) chain as computeHash
// says, whether the hashes are computed in Go or, for a transaction that
// only reads on PostgreSQL, in the statement that appends them (for 2 to
// 10 entries, each way that statement is written), and their seqs follow
// their order in their chain.
func TestAuditHashOfAwkwardValues(t *testing.T) {
	awkward := []string{"", `"quoted"`, `back\slash\`, "<a>&amp;</a>", "line\u2028sep\u2029para", "ünïcödé 漢字 🩺",
		"tab\tnew\nline\r\x01\x1f\x7f", strings.Repeat("long detail ", 2000), "'; DROP TABLE audit_log; --"}
	each(t, func(t *testing.T, db *store.DB) {
		want := 0
		for i, s := range awkward {
			a := store.Actor{UserID: s, Remote: awkward[(i+1)%len(awkward)]}
			if err := db.Do(ctx, a, func(tx *store.Tx) error {
				tx.Audit(s, awkward[(i+2)%len(awkward)], awkward[(i+3)%len(awkward)], s)
				for j := range i + 1 {
					tx.Audit("read", "patient", fmt.Sprint(i, j), awkward[(i+j+4)%len(awkward)])
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			want += i + 2
		}
		rep := verify(t, db)
		if !rep.OK() || rep.Entries != int64(want) {
			t.Fatalf("%+v, want %d entries and whole chains", rep, want)
		}
		var entries []store.AuditEntry
		do(t, db, func(tx *store.Tx) error {
			var err error
			entries, _, err = tx.ListAudit(store.Page{Limit: 100})
			return err
		})
		for i, e := range entries {
			for _, f := range entries[:i] {
				if e.Chain == f.Chain && (e.Seq < f.Seq) != (e.N < f.N) {
					t.Errorf("entries %d and %d: seqs out of their chain's order", e.Seq, f.Seq)
				}
			}
		}
		for _, e := range entries[1:] {
			canon, err := json.Marshal([]any{e.Seq, e.At.UnixMicro(), e.Actor, e.Action, e.Kind, e.RecordID, e.Remote, e.Detail})
			if err != nil {
				t.Fatal(err)
			}
			h := sha256.Sum256([]byte(e.PrevHash + "\n" + string(canon)))
			if got := hex.EncodeToString(h[:]); got != e.Hash {
				t.Errorf("entry %d (%q): hash %s, want %s", e.Seq, e.Detail, e.Hash, got)
			}
		}
	})
}

// TestFailedReadKeepsNothing: a transaction that read and then failed
// appends none of its audit entries.
func TestFailedReadKeepsNothing(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		e := newEpisode(t, db, `{}`)
		before := verify(t, db).Entries
		err := db.Do(ctx, alice, func(tx *store.Tx) error {
			if _, _, err := tx.Episode(e.ID); err != nil {
				return err
			}
			return errs.Errorf(errs.Invalid, "refused")
		})
		wantCode(t, err, errs.Invalid)
		if rep := verify(t, db); !rep.OK() || rep.Entries != before {
			t.Fatalf("%+v, want %d entries", rep, before)
		}
	})
}
