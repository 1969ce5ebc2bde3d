package web_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// BenchmarkPages times the main pages over the store (SQLite, the
// fixture's patient, episode and one claim), server side, signed in as a
// biller: go test ./web -run x -bench Pages.
func BenchmarkPages(b *testing.B) {
	f := newFixture(b)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	jar := &http.Cookie{Name: "fake_session", Value: "bea"}
	get := func(path string) *http.Response {
		req, _ := http.NewRequest("GET", f.srv.URL+path, nil)
		req.AddCookie(jar)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		return resp
	}
	post := func(path string, form url.Values) *http.Response {
		form.Set("csrf_token", "csrf-bea")
		req, _ := http.NewRequest("POST", f.srv.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(jar)
		resp, err := noRedirect.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		return resp
	}
	resp := post("/episodes/"+f.episode+"/claims", url.Values{"from": {"05/01/2026"}, "to": {"05/31/2026"}})
	claimURL := resp.Header.Get("Location")
	resp.Body.Close()
	if !strings.HasPrefix(claimURL, "/claims/") {
		b.Fatalf("no claim made: %s", resp.Status)
	}
	for _, p := range []struct{ name, path string }{
		{"queue", "/"},
		{"patient", "/patients/" + f.patient},
		{"calendar", "/episodes/" + f.episode + "/calendar?month=2026-05"},
		{"editor", "/episodes/" + f.episode + "/edit"},
		{"claim", claimURL},
		{"print", claimURL + "/print"},
	} {
		b.Run(p.name, func(b *testing.B) {
			for b.Loop() {
				resp := get(p.path)
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					b.Fatalf("%s: %s", p.path, resp.Status)
				}
			}
		})
	}
}
