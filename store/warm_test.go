package store

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/store/storetest"
)

// TestWarm: after Warm, every hot statement is prepared (on PostgreSQL on
// each of the connections it opens, and the claim it rehearses on each
// left nothing behind; on SQLite on the writer), so
// a misspelt one, which would only be prepared when it runs, is caught;
// and a claim made on the warm store is read back with its lines and its
// audit entries in a whole chain.
func TestWarm(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, dsn string) {
		db, err := Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.SetConns(1); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("1 connection: %v, want invalid", err)
		}
		if err := db.SetConns(5); err != nil {
			t.Fatal(err)
		}
		if err := db.Warm(ctx); err != nil {
			t.Fatal(err)
		}
		if db.postgres {
			// Warm opens every connection the pool may hold.
			if n := db.w.Stats().OpenConnections; n != 5 {
				t.Errorf("%d connections open, want 5", n)
			}
			rows, err := db.w.QueryContext(ctx, `SELECT statement FROM pg_prepared_statements`)
			if err != nil {
				t.Fatal(err)
			}
			var prepared []string
			for rows.Next() {
				var s string
				if err := rows.Scan(&s); err != nil {
					t.Fatal(err)
				}
				prepared = append(prepared, s)
			}
			rows.Close()
			for _, q := range hotStatements() {
				if !slices.Contains(prepared, q) {
					t.Errorf("not prepared: %.80s…", q)
				}
			}
			// The rehearsed claims left nothing behind.
			var left int
			if err := db.w.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM patients) + (SELECT count(*) FROM episodes) + (SELECT count(*) FROM claims)
+ (SELECT count(*) FROM claim_lines) + (SELECT count(*) FROM audit_log) + (SELECT count(*) FROM audit_chains WHERE n > 0)`).Scan(&left); err != nil || left != 0 {
				t.Errorf("after Warm: %d rows left, %v", left, err)
			}
			// Migration 7: the claim's documents are compressed with LZ4
			// (Debian's PostgreSQL has it).
			var method string
			if err := db.w.QueryRowContext(ctx, `SELECT string_agg(attcompression::text, ',' ORDER BY attname) FROM pg_attribute
WHERE attrelid = 'claims'::regclass AND attname IN ('claim', 'result')`).Scan(&method); err != nil || method != "l,l" {
				t.Errorf("compression of claims.claim and result: %q, %v; want l,l (lz4)", method, err)
			}
		} else {
			// The writer prepares between groups: after this one, those
			// Warm asked for are ready.
			if err := db.Do(ctx, System, func(*Tx) error { return nil }); err != nil {
				t.Fatal(err)
			}
			db.stmts.mu.Lock()
			if len(db.stmts.wanted) > 0 {
				t.Errorf("%d statements not prepared", len(db.stmts.wanted))
			}
			for _, q := range []string{readEpisode, insertHistorySQL, takeChainSQLite, insertLinesSQL(2), appendAudit(2, false)} {
				if db.stmts.m[q] == nil {
					t.Errorf("not prepared: %.80s…", q)
				}
			}
			db.stmts.mu.Unlock()
		}
		from, to := civil.FromYMD(2026, 3, 1), civil.FromYMD(2026, 3, 31)
		lines := []claim.Line{{Code: "S9500", Modifiers: []string{"SH"}, From: from, To: to, Units: 31, Charge: 310000, Why: []claim.Reason{{Rule: "PD-1"}}},
			{Code: "99601", From: from, To: from, Units: 1.5, Charge: 15050}}
		var id string
		if err := db.Do(ctx, Actor{UserID: "U-alice"}, func(tx *Tx) error {
			p, err := tx.CreatePatient(Patient{Name: "DOE, JANE", BirthDate: civil.FromYMD(1950, 4, 1), MemberID: "M1", Demographics: []byte(`{}`)})
			if err != nil {
				return err
			}
			e, err := tx.CreateEpisode(p.ID, "", []byte(`{}`))
			if err != nil {
				return err
			}
			if _, _, err := tx.Episode(e.ID); err != nil {
				return err
			}
			c, err := tx.CreateClaim(NewClaim{EpisodeID: e.ID, EpisodeVersion: e.Version,
				Claim:  claim.Claim{Profile: "nhia", Period: civil.Span{From: from, To: to}, Lines: lines},
				Result: claim.Result{Profile: "nhia", Period: civil.Span{From: from, To: to}, Lines: lines}})
			id = c.ID
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if err := db.Do(ctx, System, func(tx *Tx) error {
			c, err := tx.Claim(id)
			if err != nil {
				return err
			}
			h, err := tx.ClaimHistory(id)
			if err != nil {
				return err
			}
			if c.Total != 325050 || len(c.Claim.Lines) != 2 || c.Claim.Lines[1].Units != 1.5 || len(h) != 1 || h[0].Status != Draft {
				t.Errorf("read back %+v, history %+v", c, h)
			}
			var n int
			var mods, reasons string
			var units float64
			if err := tx.queryRow(`SELECT n, modifiers, reasons, units FROM claim_lines WHERE line_id = $1`, id+"-1").Scan(&n, &mods, &reasons, &units); err != nil {
				return err
			}
			if n != 1 || mods != `["SH"]` || reasons != `["PD-1"]` || units != 31 {
				t.Errorf("line 1: n %d, modifiers %s, reasons %s, units %v", n, mods, reasons, units)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		rep, err := db.VerifyAudit(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK() || rep.Entries < 4 {
			t.Errorf("audit: %+v", rep)
		}
	})
}

// TestSQLiteCheckpointsInBackground: the writer does not copy the WAL
// into the database file as it commits; the checkpointer does, within a
// few seconds of a commit.
func TestSQLiteCheckpointsInBackground(t *testing.T) {
	ctx := context.Background()
	path := storetest.SQLite(t)
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	size := func() int64 {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	before := size()
	if err := db.Do(ctx, System, func(tx *Tx) error {
		_, err := tx.CreatePatient(Patient{Name: "DOE, JANE", BirthDate: civil.FromYMD(1950, 4, 1), MemberID: "M1", Demographics: []byte(`{}`)})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if after := size(); after != before {
		t.Fatalf("the database file grew from %d to %d bytes at the commit: the writer checkpointed", before, after)
	}
	deadline := time.Now().Add(5 * time.Second)
	for size() == before {
		if time.Now().After(deadline) {
			t.Fatalf("the database file is still %d bytes 5 s after a commit: no checkpoint", before)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
