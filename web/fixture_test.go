package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/store/storetest"
	"github.com/perdiem/perdiem/web"
)

// fixture is the pages' handler alone (web.New), signing in through
// fakeAuth, over a fresh store in an SQLite file with one patient, one
// payer and the episode of examples/hospitalisation.json: for tests of the
// pages themselves. The end-to-end tests run the whole server (demoSite).
type fixture struct {
	db      *store.DB
	srv     *httptest.Server
	patient string
	episode string
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, storetest.SQLite(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	doc, err := os.ReadFile("../examples/hospitalisation.json")
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db}
	err = db.Do(ctx, store.System, func(tx *store.Tx) error {
		p, err := tx.CreatePatient(store.Patient{Name: "Edgar Poe", BirthDate: civil.FromYMD(1948, 1, 19), MemberID: "MBR777000222"})
		if err != nil {
			return err
		}
		py, err := tx.CreatePayer(store.Payer{Name: "Example Health Plan", ProfileID: "nhia", PayerID: "PAYER01"})
		if err != nil {
			return err
		}
		e, err := tx.CreateEpisode(p.ID, py.ID, doc)
		f.patient, f.episode = p.ID, e.ID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	f.srv = httptest.NewServer(web.New(web.Options{DB: db, Auth: testUsers}))
	t.Cleanup(f.srv.Close)
	return f
}

// version is the episode's current version in the store.
func (f *fixture) version(t *testing.T) int64 {
	t.Helper()
	var v int64
	err := f.db.Do(context.Background(), store.System, func(tx *store.Tx) error {
		e, _, err := tx.Episode(f.episode)
		v = e.Version
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// fakeAuth signs in the users it is given, by a cookie holding the name:
// the pages' roles and forms, without the server's sessions.
type fakeAuth map[string]struct{ password, role string }

func (a fakeAuth) User(r *http.Request) *web.User {
	c, err := r.Cookie("fake_session")
	if err != nil {
		return nil
	}
	u, ok := a[c.Value]
	if !ok {
		return nil
	}
	return &web.User{Name: c.Value, Role: u.role, CSRF: "csrf-" + c.Value}
}

func (a fakeAuth) SignIn(w http.ResponseWriter, r *http.Request, name, password string) error {
	if u, ok := a[name]; !ok || u.password != password {
		return errs.Errorf(errs.Invalid, "wrong name or password")
	}
	http.SetCookie(w, &http.Cookie{Name: "fake_session", Value: name, Path: "/", HttpOnly: true})
	return nil
}

func (a fakeAuth) SignOut(w http.ResponseWriter, r *http.Request) error {
	http.SetCookie(w, &http.Cookie{Name: "fake_session", Value: "", Path: "/", MaxAge: -1})
	return nil
}

var testUsers = fakeAuth{"bea": {"biller-pw", "biller"}, "abe": {"auditor-pw", "auditor"}, "ada": {"admin-pw", "admin"}}
