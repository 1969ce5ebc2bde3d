package demo

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/auth"
	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/store/storetest"
)

// counts reads what the store holds: patients, episodes, and claims by status.
func counts(t *testing.T, db *store.DB) (patients, episodes int, claims map[store.Status]int) {
	t.Helper()
	claims = map[store.Status]int{}
	err := db.Do(context.Background(), store.System, func(tx *store.Tx) error {
		p, _, err := tx.Patients(store.Page{Limit: store.MaxLimit})
		if err != nil {
			return err
		}
		e, _, err := tx.Episodes(store.EpisodeFilter{}, store.Page{Limit: store.MaxLimit})
		if err != nil {
			return err
		}
		c, _, err := tx.Claims(store.ClaimFilter{}, store.Page{Limit: store.MaxLimit})
		if err != nil {
			return err
		}
		patients, episodes = len(p), len(e)
		for _, cl := range c {
			claims[cl.Status]++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return
}

// TestSeed seeds a new database (SQLite, and PostgreSQL when one is
// reachable), then seeds it again.
func TestSeed(t *testing.T) { storetest.Each(t, testSeed) }

func testSeed(t *testing.T, dsn string) {
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	res, err := Seed(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Seeded || res.Patients != 12 || res.Episodes != 16 || res.Claims != 16 || len(res.Accounts) != 3 {
		t.Fatalf("first run: %+v", res)
	}
	want := map[store.Status]int{
		store.Draft: 2, store.Ready: 2, store.Submitted: 2, store.Rejected999: 2, store.Accepted999: 1,
		store.Accepted277CA: 1, store.Rejected277CA: 1, store.Paid: 2, store.PartlyPaid: 2, store.Denied: 1,
	}
	check := func(when string) {
		p, e, c := counts(t, db)
		if p != 12 || e != 16 {
			t.Errorf("%s: %d patients, %d episodes; want 12, 16", when, p, e)
		}
		for s, n := range want {
			if c[s] != n {
				t.Errorf("%s: %d claims %s, want %d (all: %v)", when, c[s], s, n, c)
			}
		}
		if len(c) != len(want) {
			t.Errorf("%s: claims by status %v", when, c)
		}
	}
	check("first run")
	// A month of claims: every claim is for March 2026.
	err = db.Do(ctx, store.System, func(tx *store.Tx) error {
		c, _, err := tx.Claims(store.ClaimFilter{}, store.Page{Limit: store.MaxLimit})
		for _, cl := range c {
			if cl.Period.From.String() != "2026-03-01" || cl.Period.To.String() != "2026-03-31" {
				t.Errorf("claim %s is for %s…%s, want March 2026", cl.ID, cl.Period.From, cl.Period.To)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// The partly paid claims were paid some but not all of their charge,
	// after a 999 and a 277CA accepted them.
	err = db.Do(ctx, store.System, func(tx *store.Tx) error {
		c, _, err := tx.Claims(store.ClaimFilter{Status: store.PartlyPaid}, store.Page{})
		if err != nil {
			return err
		}
		if len(c) != 2 {
			t.Fatalf("partly paid claims: %+v", c)
		}
		for _, cl := range c {
			if cl.Paid <= 0 || cl.Paid >= cl.Total {
				t.Errorf("partly paid claim %s: paid %s of %s", cl.ID, cl.Paid, cl.Total)
			}
			h, err := tx.ClaimHistory(cl.ID)
			if err != nil {
				return err
			}
			var moves []string
			for _, s := range h {
				moves = append(moves, string(s.Status))
			}
			if got := strings.Join(moves, " "); got != "draft ready submitted accepted_999 accepted_277ca partly_paid" {
				t.Errorf("history of partly paid claim %s: %s", cl.ID, got)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The 835 was reconciled against the contracts: one claim is flagged
	// underpaid (its per diem allowed 10 % below the rate), the paid ones
	// were paid what their contract expects, and the denied one is denied.
	err = db.Do(ctx, store.System, func(tx *store.Tx) error {
		under, _, err := tx.Claims(store.ClaimFilter{Flag: "underpaid"}, store.Page{})
		if err != nil {
			return err
		}
		if len(under) != 1 || under[0].Status != store.PartlyPaid {
			t.Fatalf("underpaid claims: %+v", under)
		}
		for _, st := range []store.Status{store.Paid, store.Denied, store.PartlyPaid} {
			cs, _, err := tx.Claims(store.ClaimFilter{Status: st}, store.Page{})
			if err != nil {
				return err
			}
			for _, c := range cs {
				rs, err := tx.ClaimReconciliations(c.ID)
				if err != nil {
					return err
				}
				if len(rs) != 1 || rs[0].Expected == nil {
					t.Errorf("claim %s (%s): reconciliations %+v", c.ID, st, rs)
					continue
				}
				rc := rs[0]
				switch {
				case st == store.Paid && (rc.Paid != *rc.Expected || len(rc.Flags) != 0 || rc.Paid >= c.Total):
					t.Errorf("paid claim %s: paid %s, expected %s, billed %s, flags %v", c.ID, rc.Paid, rc.Expected, c.Total, rc.Flags)
				case st == store.Denied && (rc.Paid != 0 || !slices.Contains(c.Flags, "denied")):
					t.Errorf("denied claim %s: paid %s, flags %v", c.ID, rc.Paid, c.Flags)
				case st == store.PartlyPaid && c.ID == under[0].ID && (rc.Paid >= *rc.Expected || !slices.Equal(c.Flags, []string{"underpaid"})):
					t.Errorf("underpaid claim %s: paid %s, expected %s, flags %v", c.ID, rc.Paid, rc.Expected, c.Flags)
				case st == store.PartlyPaid && c.ID != under[0].ID && !slices.Equal(c.Flags, []string{"denied"}):
					t.Errorf("claim %s with a line denied: flags %v", c.ID, c.Flags)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Every payer has a contract.
	err = db.Do(ctx, store.System, func(tx *store.Tx) error {
		ps, _, err := tx.Payers(store.Page{})
		for _, p := range ps {
			if len(p.Contract) == 0 {
				t.Errorf("payer %s has no contract", p.Name)
			}
		}
		if len(ps) != 3 {
			t.Errorf("%d payers, want 3", len(ps))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// The showcase episode has three versions and its claim was coded from
	// the last.
	err = db.Do(ctx, store.System, func(tx *store.Tx) error {
		vs, _, err := tx.EpisodeVersions(res.Showcase, store.Page{})
		if err != nil {
			return err
		}
		if len(vs) != 3 {
			t.Errorf("showcase episode: %d versions, want 3", len(vs))
		}
		cs, _, err := tx.Claims(store.ClaimFilter{EpisodeID: res.Showcase}, store.Page{})
		if err != nil {
			return err
		}
		if len(cs) != 1 || cs[0].EpisodeVersion != 3 {
			t.Errorf("showcase claims: %+v", cs)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// One billing run, done, made the two claims of BCBS of North Dakota.
	err = db.Do(ctx, store.System, func(tx *store.Tx) error {
		runs, _, err := tx.BillingRuns(store.Page{})
		if err != nil {
			return err
		}
		if len(runs) != 1 || runs[0].State != store.RunDone || runs[0].Total != 2 || runs[0].Done != 2 || runs[0].Failed != 0 {
			t.Fatalf("billing runs: %+v", runs)
		}
		cs, _, err := tx.Claims(store.ClaimFilter{BillingRunID: runs[0].ID}, store.Page{})
		if err != nil {
			return err
		}
		got := map[store.Status]int{}
		for _, c := range cs {
			got[c.Status]++
		}
		if len(cs) != 2 || got[store.Denied] != 1 || got[store.Submitted] != 1 {
			t.Errorf("the run's claims: %v", got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := db.VerifyAudit(ctx); err != nil || !rep.OK() {
		t.Fatalf("audit: %+v %v", rep, err)
	}
	// The accounts sign in with the passwords given.
	err = db.Do(ctx, store.System, func(tx *store.Tx) error {
		for _, a := range res.Accounts {
			u, hash, err := tx.UserByName(a.Name)
			if err != nil {
				return err
			}
			if u.Role != a.Role || !auth.CheckPassword(a.Password, hash) {
				t.Errorf("account %s: role %s, password does not match", a.Name, u.Role)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// A second run adds nothing and gives new passwords.
	again, err := Seed(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if again.Seeded || again.Patients != 0 || len(again.Accounts) != 3 {
		t.Fatalf("second run: %+v", again)
	}
	for i, a := range again.Accounts {
		if a.Password == res.Accounts[i].Password {
			t.Errorf("%s: the password was not reset", a.Name)
		}
	}
	check("second run")
	if rep, err := db.VerifyAudit(ctx); err != nil || !rep.OK() {
		t.Fatalf("audit after the second run: %+v %v", rep, err)
	}
}
