package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/perdiem/perdiem/server"
	"github.com/perdiem/perdiem/server/demo"
	"github.com/perdiem/perdiem/site"
	"github.com/perdiem/perdiem/store"
)

// demoSite is the workspace as perdiem serve --demo runs it: the server's
// handler (the API, the pages, the server's sessions, CSRF tokens and
// roles) over a fresh store that holds the demo pharmacy, whose accounts
// sign in through /login. The end-to-end tests run on it.
type demoSite struct {
	db  *store.DB
	srv *httptest.Server
	// accounts are the demo's, by role: admin, biller, auditor.
	accounts map[store.Role]demo.Account
}

// seeded is the demo, seeded once per test binary into an SQLite file
// that each demoSite copies: seeding takes seconds, a copy milliseconds.
var seeded struct {
	sync.Once
	dir string
	res demo.Result
	err error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if seeded.dir != "" {
		os.RemoveAll(seeded.dir)
	}
	os.Exit(code)
}

// newDemoSite serves a copy of the seeded demo on SQLite.
func newDemoSite(t testing.TB) *demoSite {
	t.Helper()
	seeded.Do(func() {
		seeded.dir, seeded.err = os.MkdirTemp("", "perdiem-web-demo-")
		if seeded.err != nil {
			return
		}
		var db *store.DB
		db, seeded.err = store.Open(context.Background(), filepath.Join(seeded.dir, "perdiem.db"))
		if seeded.err != nil {
			return
		}
		seeded.res, seeded.err = demo.Seed(context.Background(), db)
		if err := db.Close(); seeded.err == nil {
			seeded.err = err
		}
	})
	if seeded.err != nil {
		t.Fatalf("seeding the demo: %v", seeded.err)
	}
	dir := t.TempDir()
	files, err := filepath.Glob(filepath.Join(seeded.dir, "perdiem.db*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	db, err := store.Open(context.Background(), filepath.Join(dir, "perdiem.db"))
	if err != nil {
		t.Fatal(err)
	}
	return serve(t, db, seeded.res)
}

// newDemoSiteOn seeds the demo into the empty database dsn and serves it.
func newDemoSiteOn(t testing.TB, dsn string) *demoSite {
	t.Helper()
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	res, err := demo.Seed(context.Background(), db)
	if err != nil {
		db.Close()
		t.Fatalf("seeding the demo: %v", err)
	}
	return serve(t, db, res)
}

func serve(t testing.TB, db *store.DB, res demo.Result) *demoSite {
	t.Helper()
	t.Cleanup(func() { db.Close() })
	f := &demoSite{db: db, accounts: map[store.Role]demo.Account{}}
	for _, a := range res.Accounts {
		f.accounts[a.Role] = a
	}
	h := site.New(db, server.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	f.srv = httptest.NewServer(h)
	t.Cleanup(f.srv.Close)
	return f
}

// episodeOf finds a demo patient's episode whose first therapy is of a
// type, and returns the patient's id and the episode's.
func (f *demoSite) episodeOf(t testing.TB, patient, therapy string) (string, string) {
	t.Helper()
	var patientID, episodeID string
	err := f.db.Do(context.Background(), store.System, func(tx *store.Tx) error {
		ps, _, err := tx.Patients(store.Page{Limit: store.MaxLimit})
		if err != nil {
			return err
		}
		for _, p := range ps {
			if p.Name == patient {
				patientID = p.ID
			}
		}
		es, _, err := tx.Episodes(store.EpisodeFilter{PatientID: patientID}, store.Page{Limit: store.MaxLimit})
		if err != nil {
			return err
		}
		for _, e := range es {
			_, v, err := tx.Episode(e.ID)
			if err != nil {
				return err
			}
			var doc struct{ Therapies []struct{ Type string } }
			if err := json.Unmarshal(v.Document, &doc); err != nil {
				return err
			}
			if len(doc.Therapies) > 0 && doc.Therapies[0].Type == therapy {
				episodeID = e.ID
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if patientID == "" || episodeID == "" {
		t.Fatalf("the demo has no %s episode of %s", therapy, patient)
	}
	return patientID, episodeID
}

// version is an episode's current version in the store.
func (f *demoSite) version(t testing.TB, episodeID string) int64 {
	t.Helper()
	var v int64
	err := f.db.Do(context.Background(), store.System, func(tx *store.Tx) error {
		e, _, err := tx.Episode(episodeID)
		v = e.Version
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// claims are an episode's claims in the store, newest first.
func (f *demoSite) claims(t testing.TB, episodeID string) []store.Claim {
	t.Helper()
	var cs []store.Claim
	err := f.db.Do(context.Background(), store.System, func(tx *store.Tx) error {
		var err error
		cs, _, err = tx.Claims(store.ClaimFilter{EpisodeID: episodeID}, store.Page{Limit: store.MaxLimit})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// biller, auditor and admin are the demo's accounts.
func (f *demoSite) biller() demo.Account  { return f.accounts[store.RoleBiller] }
func (f *demoSite) auditor() demo.Account { return f.accounts[store.RoleAuditor] }
func (f *demoSite) admin() demo.Account   { return f.accounts[store.RoleAdmin] }
