package workspace_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/store/storetest"
	"github.com/perdiem/perdiem/workspace"
)

// fixture is a fresh store with one patient, a payer whose profile
// (bcbs-tx: only infusion days count) differs from the NHIA defaults the
// documents name, and the episode of examples/hospitalisation.json with
// that payer.
type fixture struct {
	t       *testing.T
	db      *store.DB
	ws      *workspace.Service
	patient string
	payer   string
	episode string
	doc     []byte
}

// at is the fixture's clock: the interchanges' ISA and GS dates.
var at = time.Date(2026, 6, 2, 9, 30, 0, 0, time.UTC)

// may is the billing period of the fixture's claims.
var may = civil.Span{From: civil.FromYMD(2026, 5, 1), To: civil.FromYMD(2026, 5, 31)}

const payerProfile = "bcbs-tx"

// each runs fn on a fixture on each database (storetest.Each).
func each(t *testing.T, fn func(t *testing.T, f *fixture)) {
	storetest.Each(t, func(t *testing.T, dsn string) { fn(t, newFixture(t, dsn)) })
}

func newFixture(t *testing.T, dsn string) *fixture {
	t.Helper()
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	doc, err := os.ReadFile("../examples/hospitalisation.json")
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, db: db, doc: doc, ws: workspace.New(workspace.Options{Now: func() time.Time { return at }})}
	f.do(func(tx *store.Tx) error {
		p, err := tx.CreatePatient(store.Patient{Name: "Edgar Poe", BirthDate: civil.FromYMD(1948, 1, 19), MemberID: "MBR777000222"})
		if err != nil {
			return err
		}
		py, err := tx.CreatePayer(store.Payer{Name: "Example Health Plan", ProfileID: payerProfile, PayerID: "PAYER01"})
		if err != nil {
			return err
		}
		f.patient, f.payer = p.ID, py.ID
		return nil
	})
	f.episode = f.newEpisode(f.payer, doc)
	return f
}

// do runs fn in a transaction of the system, failing the test on error.
func (f *fixture) do(fn func(tx *store.Tx) error) {
	f.t.Helper()
	if err := f.try(fn); err != nil {
		f.t.Fatal(err)
	}
}

// try runs fn in a transaction of the system.
func (f *fixture) try(fn func(tx *store.Tx) error) error {
	return f.db.Do(context.Background(), store.System, fn)
}

func (f *fixture) newEpisode(payer string, doc []byte) string {
	f.t.Helper()
	var id string
	f.do(func(tx *store.Tx) error {
		e, err := tx.CreateEpisode(f.patient, payer, doc)
		id = e.ID
		return err
	})
	return id
}

// newClaim makes a claim of episode for may.
func (f *fixture) newClaim(episode string) store.Claim {
	f.t.Helper()
	var c store.Claim
	f.do(func(tx *store.Tx) error {
		var err error
		c, err = f.ws.CreateClaim(tx, episode, may)
		return err
	})
	return c
}

// claim reads a claim as the store has it now.
func (f *fixture) claim(id string) store.Claim {
	f.t.Helper()
	var c store.Claim
	f.do(func(tx *store.Tx) error {
		var err error
		c, err = tx.Claim(id)
		return err
	})
	return c
}

// edit is doc with each old replaced by its new, once each.
func edit(t *testing.T, doc []byte, pairs ...string) []byte {
	t.Helper()
	s := string(doc)
	for i := 0; i < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			t.Fatalf("the document has no %q", pairs[i])
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return []byte(s)
}

// without is doc with its top-level field name removed.
func without(t *testing.T, doc []byte, name string) []byte {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, name)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wantErr fails unless err has code and, when path is not "", a problem
// at path.
func wantErr(t *testing.T, what string, err error, code errs.Code, path string) {
	t.Helper()
	if errs.CodeOf(err) != code {
		t.Errorf("%s: error %v (%s), want %s", what, err, errs.CodeOf(err), code)
		return
	}
	if path == "" {
		return
	}
	for _, p := range errs.ProblemsOf(err) {
		if p.Path == path {
			return
		}
	}
	t.Errorf("%s: %v: no problem at %s", what, err, path)
}
