package web_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/store/storetest"
)

// BenchmarkPages times each main page on the demo pharmacy, server side
// through the handler of perdiem serve (sessions, audit log and all),
// signed in through /login: on SQLite, and on PostgreSQL when
// PERDIEM_TEST_POSTGRES names one.
//
//	go test ./web -run x -bench Pages
func BenchmarkPages(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchmarkPages(b, newDemoSite(b)) })
	b.Run("postgres", func(b *testing.B) { benchmarkPages(b, newDemoSiteOn(b, storetest.Postgres(b))) })
}

func benchmarkPages(b *testing.B, f *demoSite) {
	patient, episode := f.episodeOf(b, "LANGFORD, CASPER", "anti-infective")
	var claim string
	for _, c := range f.claims(b, episode) {
		claim = c.ID
	}
	biller, admin := f.client(b, f.biller().Name, f.biller().Password), f.client(b, f.admin().Name, f.admin().Password)
	for _, p := range []struct {
		name, path string
		c          *http.Client
	}{
		{"login", "/login", http.DefaultClient},
		{"queue", "/", biller},
		{"patients", "/patients", biller},
		{"patient", "/patients/" + patient, biller},
		{"calendar", "/episodes/" + episode + "/calendar?month=2026-03", biller},
		{"editor", "/episodes/" + episode + "/edit", biller},
		{"claim", "/claims/" + claim, biller},
		{"print", "/claims/" + claim + "/print", biller},
		{"files", "/files", biller},
		{"rules", "/rules", biller},
		{"admin", "/admin", admin},
	} {
		b.Run(p.name, func(b *testing.B) {
			for b.Loop() {
				resp, err := p.c.Get(f.srv.URL + p.path)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					b.Fatalf("%s: %s", p.path, resp.Status)
				}
			}
		})
	}
}

// client signs in through the /login form and keeps the session cookie.
func (f *demoSite) client(b testing.TB, name, password string) *http.Client {
	b.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Post(f.srv.URL+"/login", "application/x-www-form-urlencoded",
		strings.NewReader(url.Values{"name": {name}, "password": {password}, "next": {"/"}}.Encode()))
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		b.Fatalf("sign in as %s: %s", name, resp.Status)
	}
	return c
}
