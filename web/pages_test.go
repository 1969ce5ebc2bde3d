package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/perdiem/perdiem/server"
	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/web"
)

// pages is the pages' handler over a fixture's store, called directly
// with a user's fake session: the handler tests of the pages.
type pages struct {
	*fixture
	h http.Handler
}

func newPages(t *testing.T, opt web.Options) *pages {
	t.Helper()
	f := newFixture(t)
	opt.DB, opt.Auth = f.db, testUsers
	return &pages{fixture: f, h: web.New(opt)}
}

// answer is what a page answered.
type answer struct {
	status   int
	body     string
	location string
	header   http.Header
}

// as sends a request as the user name ("" for signed out) with the
// session's CSRF token in a POST's form unless csrf is false.
func (p *pages) as(t *testing.T, name, method, path string, form url.Values, hdr ...string) answer {
	t.Helper()
	var body io.Reader
	if method == http.MethodPost {
		if form == nil {
			form = url.Values{}
		}
		if _, set := form[web.CSRFField]; !set && name != "" {
			form.Set(web.CSRFField, "csrf-"+name)
		}
		body = strings.NewReader(form.Encode())
	}
	r := httptest.NewRequest(method, path, body)
	if method == http.MethodPost {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	if name != "" {
		r.AddCookie(&http.Cookie{Name: "fake_session", Value: name})
	}
	w := httptest.NewRecorder()
	p.h.ServeHTTP(w, r)
	return answer{status: w.Code, body: w.Body.String(), location: w.Header().Get("Location"), header: w.Header()}
}

func (a answer) want(t *testing.T, status int, contains ...string) answer {
	t.Helper()
	if a.status != status {
		t.Fatalf("answered %d, want %d:\n%.3000s", a.status, status, a.body)
	}
	for _, s := range contains {
		if !strings.Contains(a.body, s) {
			t.Errorf("the page lacks %q:\n%.4000s", s, a.body)
		}
	}
	return a
}

func (a answer) lacks(t *testing.T, not ...string) answer {
	t.Helper()
	for _, s := range not {
		if strings.Contains(a.body, s) {
			t.Errorf("the page has %q, which it should not:\n%.4000s", s, a.body)
		}
	}
	return a
}

// startJobs works the store's jobs (billing runs) with the server's
// workers until the test ends.
func startJobs(t testing.TB, db *store.DB) {
	t.Helper()
	workers := river.NewWorkers()
	server.New(server.Options{DB: db}).Workers(workers)
	client, err := db.NewJobClient(context.Background(), &river.Config{
		Queues:  map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 2}},
		Workers: workers, FetchCooldown: 20 * time.Millisecond, FetchPollInterval: 50 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		client.Stop(ctx)
	})
}
