package demo

import (
	"context"
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
	if !res.Seeded || res.Patients != 12 || res.Episodes != 14 || res.Claims != 14 || len(res.Accounts) != 3 {
		t.Fatalf("first run: %+v", res)
	}
	want := map[store.Status]int{
		store.Draft: 2, store.Ready: 2, store.Submitted: 2, store.Rejected999: 2,
		store.Accepted999: 2, store.Paid: 2, store.PartlyPaid: 1, store.Denied: 1,
	}
	check := func(when string) {
		p, e, c := counts(t, db)
		if p != 12 || e != 14 {
			t.Errorf("%s: %d patients, %d episodes; want 12, 14", when, p, e)
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
	// A partly paid claim was paid some but not all of its charge.
	err = db.Do(ctx, store.System, func(tx *store.Tx) error {
		c, _, err := tx.Claims(store.ClaimFilter{Status: store.PartlyPaid}, store.Page{})
		if err != nil {
			return err
		}
		if len(c) != 1 || c[0].Paid <= 0 || c[0].Paid >= c[0].Total {
			t.Errorf("partly paid claim: %+v", c)
		}
		h, err := tx.ClaimHistory(c[0].ID)
		if err != nil {
			return err
		}
		var moves []string
		for _, s := range h {
			moves = append(moves, string(s.Status))
		}
		if got := strings.Join(moves, " "); got != "draft ready submitted accepted_999 partly_paid" {
			t.Errorf("history of the partly paid claim: %s", got)
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
