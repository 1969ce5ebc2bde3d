package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/store"
)

// The pages refuse on their own, whatever server is in front of them, a
// write by a role that only reads and a form without the session's CSRF
// token; the same form from a biller with its token goes through.
func TestPagesRefuseWritesOfReadersAndStaleForms(t *testing.T) {
	f := newFixture(t)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(user, token, path string, form url.Values) *http.Response {
		t.Helper()
		if token != "" {
			form.Set("csrf_token", token)
		}
		req, _ := http.NewRequest("POST", f.srv.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if user != "" {
			req.AddCookie(&http.Cookie{Name: "fake_session", Value: user})
		}
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	claim := func() url.Values { return url.Values{"from": {"05/01/2026"}, "to": {"05/31/2026"}} }
	for _, c := range []struct {
		what, user, token, path string
		form                    url.Values
	}{
		{"an auditor's claim", "abe", "csrf-abe", "/episodes/" + f.episode + "/claims", claim()},
		{"an auditor's save", "abe", "csrf-abe", "/episodes/" + f.episode + "/edit", url.Values{"_base": {"1"}, "_action": {"save"}}},
		{"an auditor's interchange", "abe", "csrf-abe", "/interchanges", url.Values{"claim": {"C1"}}},
		{"a biller's claim without a token", "bea", "", "/episodes/" + f.episode + "/claims", claim()},
		{"a biller's claim with another session's token", "bea", "csrf-abe", "/episodes/" + f.episode + "/claims", claim()},
		{"a biller's admin form", "bea", "csrf-bea", "/admin", url.Values{}},
	} {
		if resp := post(c.user, c.token, c.path, c.form); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: %s, want 403 Forbidden", c.what, resp.Status)
		}
	}
	if resp := post("", "", "/episodes/"+f.episode+"/claims", claim()); resp.StatusCode < 400 {
		t.Errorf("a signed-out claim: %s, want a refusal", resp.Status)
	}
	var n int
	count := func() int {
		t.Helper()
		err := f.db.Do(context.Background(), store.System, func(tx *store.Tx) error {
			cs, _, err := tx.Claims(store.ClaimFilter{}, store.Page{})
			n = len(cs)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(); n != 0 || f.version(t) != 1 {
		t.Fatalf("after the refused writes: %d claim(s), episode version %d", n, f.version(t))
	}
	resp := post("bea", "csrf-bea", "/episodes/"+f.episode+"/claims", claim())
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/claims/") {
		t.Errorf("the biller's claim with its token: %s to %q, want 303 to the claim", resp.Status, resp.Header.Get("Location"))
	}
	if n := count(); n != 1 {
		t.Errorf("after the biller's claim the store has %d claim(s)", n)
	}
}
