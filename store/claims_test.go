package store_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/money"
	"github.com/perdiem/perdiem/store"
)

func sampleClaim() (claim.Claim, claim.Result) {
	from, to := civil.FromYMD(2026, 3, 1), civil.FromYMD(2026, 3, 31)
	lines := []claim.Line{
		{Code: "S9500", Modifiers: []string{"SH"}, From: from, To: to, Units: 31, Charge: 310000, Why: []claim.Reason{{Rule: "PD-1", Text: "per diem"}}},
		{Code: "99601", From: from, To: from, Units: 1, Charge: 15050, Why: []claim.Reason{{Rule: "NV-1"}}},
	}
	res := claim.Result{Profile: "nhia", Period: civil.Span{From: from, To: to}, Lines: lines}
	c := claim.Claim{ID: "ignored", Frequency: "1", Profile: "nhia", Period: res.Period, Lines: lines,
		Payer: claim.Payer{Name: "EXAMPLE HEALTH PLAN", ID: "PAYER01"}}
	return c, res
}

func newClaim(t testing.TB, db *store.DB, e store.Episode) store.Claim {
	t.Helper()
	var out store.Claim
	do(t, db, func(tx *store.Tx) error {
		c, r := sampleClaim()
		var err error
		out, err = tx.CreateClaim(store.NewClaim{EpisodeID: e.ID, EpisodeVersion: e.Version, Claim: c, Result: r})
		return err
	})
	return out
}

func TestClaims(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		e := newEpisode(t, db, `{}`)
		c := newClaim(t, db, e)
		if len(c.ID) > claim.MaxIDLength || c.Status != store.Draft || c.Total != 325050 {
			t.Fatalf("created %+v", c)
		}
		do(t, db, func(tx *store.Tx) error {
			got, err := tx.Claim(c.ID)
			if err != nil {
				return err
			}
			if got.Claim.ID != c.ID || got.Claim.Lines[1].ID != c.ID+"-2" || got.Claim.Total != 325050 ||
				got.EpisodeVersion != 1 || got.PatientID != e.PatientID || got.Period.To != civil.FromYMD(2026, 3, 31) {
				t.Errorf("read back %+v / %+v", got, got.Claim)
			}
			if got.Result.Lines[0].Why[0].Text != "per diem" || got.Claim.Lines[0].Modifiers[0] != "SH" {
				t.Errorf("result %+v", got.Result)
			}
			id, err := tx.ClaimByLine(c.ID + "-1")
			if id != c.ID {
				t.Errorf("ClaimByLine gave %q, %v", id, err)
			}
			if err != nil {
				return err
			}
			// Only a line's exact id finds it.
			for _, line := range []string{c.ID + "-3", c.ID + "-01", c.ID + "-+1", c.ID + "-", c.ID, c.ID + "-1-1", "-1", "", c.ID[1:] + "-1"} {
				if id, err := tx.ClaimByLine(line); errs.CodeOf(err) != errs.NotFound {
					t.Errorf("ClaimByLine(%q) gave %q, %v; want not found", line, id, err)
				}
			}
			return nil
		})
		// The move table is enforced, and each move is in the history.
		err := db.Do(ctx, alice, func(tx *store.Tx) error {
			return tx.SetClaimStatus(store.ClaimChange{ClaimID: c.ID, Status: store.Paid}, store.Source{Kind: "user", ID: alice.UserID})
		})
		wantCode(t, err, errs.Conflict)
		paid := money.Amount(300000)
		do(t, db, func(tx *store.Tx) error {
			src := store.Source{Kind: "remittance", ID: "R1"}
			if err := tx.SetClaimStatus(store.ClaimChange{ClaimID: c.ID, Status: store.Ready}, store.Source{Kind: "user", ID: alice.UserID}); err != nil {
				return err
			}
			if err := tx.SetClaimStatus(store.ClaimChange{ClaimID: c.ID, Status: store.Submitted}, store.Source{Kind: "interchange", ID: "I1"}); err != nil {
				return err
			}
			return tx.SetClaimStatus(store.ClaimChange{ClaimID: c.ID, Status: store.PartlyPaid, Paid: &paid, Detail: "CLP02 2"}, src)
		})
		do(t, db, func(tx *store.Tx) error {
			h, err := tx.ClaimHistory(c.ID)
			if err != nil {
				return err
			}
			var got []string
			for _, s := range h {
				got = append(got, fmt.Sprintf("%d %s %s:%s", s.N, s.Status, s.Source.Kind, s.Source.ID))
			}
			want := "1 draft user:U-alice|2 ready user:U-alice|3 submitted interchange:I1|4 partly_paid remittance:R1"
			if strings.Join(got, "|") != want {
				t.Errorf("history %q, want %q", strings.Join(got, "|"), want)
			}
			cs, _, err := tx.Claims(store.ClaimFilter{Status: store.PartlyPaid}, store.Page{})
			if err != nil {
				return err
			}
			if len(cs) != 1 || cs[0].Paid != paid || cs[0].Claim != nil {
				t.Errorf("list by status %+v", cs)
			}
			cs, _, err = tx.Claims(store.ClaimFilter{Status: store.Draft}, store.Page{})
			if len(cs) != 0 {
				t.Errorf("draft claims %+v", cs)
			}
			return err
		})
		err = db.Do(ctx, alice, func(tx *store.Tx) error {
			c, r := sampleClaim()
			_, err := tx.CreateClaim(store.NewClaim{EpisodeID: e.ID, EpisodeVersion: 2, Claim: c, Result: r})
			return err
		})
		wantCode(t, err, errs.NotFound)
	})
}

func build(control int64, claims []store.Claim) ([]byte, error) {
	ids := make([]string, len(claims))
	for i, c := range claims {
		ids[i] = c.Claim.ID
	}
	return fmt.Appendf(nil, "ISA*%09d~CLM*%s~", control, strings.Join(ids, "*")), nil
}

func TestInterchanges(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		e := newEpisode(t, db, `{}`)
		c1, c2 := newClaim(t, db, e), newClaim(t, db, e)
		do(t, db, func(tx *store.Tx) error { return tx.SeedControl(41) })
		// A failed build keeps nothing: the claims stay draft and the
		// number is handed out again.
		boom := errors.New("boom")
		err := db.Do(ctx, alice, func(tx *store.Tx) error {
			_, err := tx.CreateInterchange([]string{c2.ID, c1.ID}, func(control int64, _ []store.Claim) ([]byte, error) {
				if control != 42 {
					t.Errorf("first control %d, want 42", control)
				}
				return nil, boom
			})
			return err
		})
		if err != boom {
			t.Fatalf("CreateInterchange: %v", err)
		}
		var ic store.Interchange
		do(t, db, func(tx *store.Tx) error {
			var err error
			ic, err = tx.CreateInterchange([]string{c2.ID, c1.ID}, build)
			return err
		})
		if ic.Control != 42 || ic.GS06 != 42 {
			t.Fatalf("interchange %+v", ic)
		}
		do(t, db, func(tx *store.Tx) error {
			got, err := tx.Interchange(ic.ID)
			if err != nil {
				return err
			}
			want := fmt.Sprintf("ISA*000000042~CLM*%s*%s~", c2.ID, c1.ID)
			if string(got.Content) != want || got.ClaimIDs[0] != c2.ID || got.ClaimIDs[1] != c1.ID {
				t.Errorf("stored %q %v, want %q", got.Content, got.ClaimIDs, want)
			}
			for _, id := range []string{c1.ID, c2.ID} {
				c, err := tx.Claim(id)
				if err != nil {
					return err
				}
				if c.Status != store.Submitted {
					t.Errorf("claim %s is %s", id, c.Status)
				}
			}
			id, err := tx.InterchangeByControl(42)
			if id != ic.ID {
				t.Errorf("InterchangeByControl: %q %v", id, err)
			}
			// Seeding never moves the counter back.
			return tx.SeedControl(7)
		})
		// A claim already sent cannot go in a second interchange.
		err = db.Do(ctx, alice, func(tx *store.Tx) error {
			_, err := tx.CreateInterchange([]string{c1.ID}, build)
			return err
		})
		wantCode(t, err, errs.Conflict)
		err = db.Do(ctx, alice, func(tx *store.Tx) error {
			_, err := tx.CreateInterchange([]string{"C-none"}, build)
			return err
		})
		wantCode(t, err, errs.NotFound)
		if last, err := db.LastControl(ctx); err != nil || last != 42 {
			t.Fatalf("LastControl %d, %v", last, err)
		}
	})
}

// TestConcurrentClaimsAndInterchanges: 50 writers each create a claim
// (half of them as a request without an Idempotency-Key does, DoFinal),
// read it back and send it in an interchange of its own, at once (on
// PostgreSQL through two handles, as two processes would). Every
// interchange gets a distinct control number, 1..50 with none skipped,
// every claim is submitted, and the audit log stays whole.
func TestConcurrentClaimsAndInterchanges(t *testing.T) {
	storeEach(t, func(t *testing.T, dbs []*store.DB) {
		e := newEpisode(t, dbs[0], `{}`)
		const n = 50
		controls := make([]int64, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				db := dbs[i%len(dbs)]
				var c created
				if i%4 < 2 {
					c = finalClaim(db, e.ID, 0)
				} else {
					c = newClaimErr(db, e)
				}
				if c.err != nil {
					t.Error(c.err)
					return
				}
				if err := db.Do(ctx, alice, func(tx *store.Tx) error {
					if _, err := tx.Claim(c.id); err != nil {
						return err
					}
					_, err := tx.ClaimHistory(c.id)
					return err
				}); err != nil {
					t.Error(err)
				}
				if err := db.Do(ctx, alice, func(tx *store.Tx) error {
					ic, err := tx.CreateInterchange([]string{c.id}, build)
					controls[i] = ic.Control
					return err
				}); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		seen := map[int64]bool{}
		for _, c := range controls {
			if c < 1 || c > n || seen[c] {
				t.Fatalf("control numbers %v: want each of 1..%d once", controls, n)
			}
			seen[c] = true
		}
		do(t, dbs[0], func(tx *store.Tx) error {
			cs, _, err := tx.Claims(store.ClaimFilter{Status: store.Submitted}, store.Page{Limit: 100})
			if len(cs) != n {
				t.Errorf("%d claims submitted, want %d", len(cs), n)
			}
			return err
		})
		if rep := verify(t, dbs[0]); !rep.OK() {
			t.Fatalf("audit chain: %+v", rep)
		}
	})
}

type created struct {
	id  string
	err error
}

func newClaimErr(db *store.DB, e store.Episode) created {
	var out created
	out.err = db.Do(ctx, alice, func(tx *store.Tx) error {
		c, r := sampleClaim()
		sc, err := tx.CreateClaim(store.NewClaim{EpisodeID: e.ID, EpisodeVersion: e.Version, Claim: c, Result: r})
		out.id = sc.ID
		return err
	})
	return out
}

// finalClaim makes a claim as a request without an Idempotency-Key does:
// the episode read, then the claim, with nothing after (DoFinal).
func finalClaim(db *store.DB, episodeID string, version int64) created {
	var out created
	out.err = db.DoFinal(ctx, alice, func(tx *store.Tx) error {
		e, _, err := tx.Episode(episodeID)
		if err != nil {
			return err
		}
		if version == 0 {
			version = e.Version
		}
		c, r := sampleClaim()
		sc, err := tx.CreateClaim(store.NewClaim{EpisodeID: episodeID, EpisodeVersion: version, Claim: c, Result: r})
		out.id = sc.ID
		return err
	})
	return out
}

// TestFinalClaim: a claim made by DoFinal is kept with its lines, status
// and audit entries, in order; one whose episode version does not exist
// keeps nothing, not even the episode's read; and a statement or an
// audit entry after the final write fails the function as the
// programming error it is.
func TestFinalClaim(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		e := newEpisode(t, db, `{}`)
		before := verify(t, db).Entries
		c := finalClaim(db, e.ID, 0)
		if c.err != nil {
			t.Fatal(c.err)
		}
		do(t, db, func(tx *store.Tx) error {
			got, err := tx.Claim(c.id)
			if err != nil {
				return err
			}
			h, err := tx.ClaimHistory(c.id)
			if got.PatientID != e.PatientID || len(got.Claim.Lines) != 2 || len(h) != 1 || h[0].Status != store.Draft {
				t.Errorf("claim %+v, history %+v", got, h)
			}
			return err
		})
		var entries []store.AuditEntry
		do(t, db, func(tx *store.Tx) error {
			var err error
			entries, _, err = tx.ListAudit(store.Page{Limit: 4})
			return err
		})
		if rep := verify(t, db); !rep.OK() || rep.Entries != before+5 {
			t.Fatalf("%+v, want %d entries", rep, before+5)
		}
		if got := entries[3].Action + " " + entries[3].Kind + ", " + entries[2].Action + " " + entries[2].Kind + " " + entries[2].RecordID; got != "read episode, create claim "+c.id {
			t.Fatalf("entries %s", got)
		}

		before += 5
		wantCode(t, finalClaim(db, e.ID, e.Version+1).err, errs.NotFound)
		if rep := verify(t, db); !rep.OK() || rep.Entries != before {
			t.Fatalf("after a failed claim: %+v, want %d entries", rep, before)
		}

		claims := func() int {
			n := 0
			do(t, db, func(tx *store.Tx) error {
				cs, _, err := tx.Claims(store.ClaimFilter{EpisodeID: e.ID}, store.Page{})
				n = len(cs)
				return err
			})
			return n
		}
		made := claims()
		for name, after := range map[string]func(tx *store.Tx, id string) error{
			"a read":         func(tx *store.Tx, id string) error { _, err := tx.Claim(id); return err },
			"an audit entry": func(tx *store.Tx, id string) error { tx.Audit("read", "claim", id, ""); return nil },
			"another claim": func(tx *store.Tx, id string) error {
				c, r := sampleClaim()
				_, err := tx.CreateClaim(store.NewClaim{EpisodeID: e.ID, EpisodeVersion: e.Version, Claim: c, Result: r})
				return err
			},
		} {
			err := db.DoFinal(ctx, alice, func(tx *store.Tx) error {
				c, r := sampleClaim()
				sc, err := tx.CreateClaim(store.NewClaim{EpisodeID: e.ID, EpisodeVersion: e.Version, Claim: c, Result: r})
				if err != nil {
					return err
				}
				return after(tx, sc.ID)
			})
			if errs.CodeOf(err) != errs.Internal {
				t.Errorf("%s after the final write: %v, want an internal error", name, err)
			}
		}
		// On PostgreSQL the first claim of each was kept before the
		// mistake was made, and the second claim never made; on SQLite
		// all was rolled back with it.
		want := made
		if db.Postgres() {
			want += 3
		}
		if n := claims(); n != want {
			t.Errorf("%d claims, want %d", n, want)
		}
		if rep := verify(t, db); !rep.OK() {
			t.Fatalf("%+v", rep)
		}
	})
}

// TestClaimAppendJSON: the JSON of the claim CreateClaim returns, made
// from what it stored, is what an encoding/json Encoder without HTML
// escaping writes for it, text that JSON or HTML escape included; so is
// that of a claim read back, and of one with a payer and billing run.
func TestClaimAppendJSON(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		e := newEpisode(t, db, `{}`)
		var made store.Claim
		do(t, db, func(tx *store.Tx) error {
			c, r := sampleClaim()
			c.Payer.Name = `A & B <"Plan"> \ ` + "\u2028 é\t"
			r.Lines = append([]claim.Line(nil), r.Lines...)
			r.Lines[1].Why = []claim.Reason{{Rule: "NV-1", Text: "a -> b & <c>"}}
			var err error
			made, err = tx.CreateClaim(store.NewClaim{EpisodeID: e.ID, EpisodeVersion: e.Version, Claim: c, Result: r})
			return err
		})
		var back store.Claim
		do(t, db, func(tx *store.Tx) error {
			var err error
			back, err = tx.Claim(made.ID)
			return err
		})
		listed := back
		listed.Claim, listed.Result, listed.PayerID, listed.BillingRunID, listed.Flags = nil, nil, "P1", "R1", []string{"underpaid"}
		for _, c := range []store.Claim{made, back, listed} {
			var want strings.Builder
			enc := json.NewEncoder(&want)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(c); err != nil {
				t.Fatal(err)
			}
			got, err := c.AppendJSON([]byte("x"))
			if err != nil || string(got) != "x"+strings.TrimSuffix(want.String(), "\n") {
				t.Errorf("AppendJSON:\n%s, %v\nwant\n%s", got, err, want.String())
			}
		}
		if !strings.Contains(string(mustAppend(t, made)), `A & B <\"Plan\"> \\`) {
			t.Errorf("the payer's name is escaped for HTML: %s", mustAppend(t, made))
		}
	})
}

func mustAppend(t *testing.T, c store.Claim) []byte {
	t.Helper()
	b, err := c.AppendJSON(nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A line whose units or NDC quantity is not a finite number is refused,
// with its path, before anything is written: the claim is kept as JSON,
// which has no NaN or infinity.
func TestCreateClaimRefusesNonFiniteQuantities(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		e := newEpisode(t, db, `{}`)
		for _, bad := range []struct {
			path string
			set  func(*claim.Line)
		}{
			{"claim.lines[1].units", func(l *claim.Line) { l.Units = math.NaN() }},
			{"claim.lines[1].ndc_quantity", func(l *claim.Line) { l.NDCQuantity = math.Inf(-1) }},
		} {
			c, r := sampleClaim()
			c.Lines = append([]claim.Line(nil), c.Lines...)
			bad.set(&c.Lines[1])
			err := db.Do(ctx, alice, func(tx *store.Tx) error {
				_, err := tx.CreateClaim(store.NewClaim{EpisodeID: e.ID, EpisodeVersion: e.Version, Claim: c, Result: r})
				return err
			})
			wantCode(t, err, errs.Invalid)
			if p := errs.ProblemsOf(err); len(p) != 1 || p[0].Path != bad.path {
				t.Errorf("problems %+v, want one at %s", p, bad.path)
			}
		}
		var n int
		do(t, db, func(tx *store.Tx) error {
			cs, _, err := tx.Claims(store.ClaimFilter{}, store.Page{})
			n = len(cs)
			return err
		})
		if n != 0 {
			t.Errorf("%d claims stored, want none", n)
		}
	})
}
