package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/store/storetest"
)

// signIn signs in as name and returns a client with the session cookie,
// and the session's CSRF token.
func (f *fixture) signIn(t *testing.T, name, password string) (*client, string) {
	t.Helper()
	a := f.anon.do("POST", "/v1/sessions", map[string]string{"name": name, "password": password}).want(t, 201, "")
	var s struct {
		CSRFToken string `json:"csrf_token"`
	}
	a.json(t, &s)
	c := newClient(t, f.srv)
	for _, line := range a.header.Values("Set-Cookie") {
		ck, err := http.ParseSetCookie(line)
		if err != nil {
			t.Fatal(err)
		}
		if ck.Name == SessionCookie {
			if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" {
				t.Errorf("session cookie %s: want HttpOnly, SameSite=Lax, Path=/", line)
			}
			c.cookies = append(c.cookies, ck)
		}
	}
	if len(c.cookies) != 1 || s.CSRFToken == "" {
		t.Fatalf("no session cookie or CSRF token: %v %s", a.header, a.body)
	}
	return c, s.CSRFToken
}

var aPatient = map[string]any{"name": "DOE, JANE", "birth_date": "1960-01-01", "member_id": "MBR123456789", "demographics": map[string]any{"sex": "F"}}

func (f *fixture) newPatient(t *testing.T) string {
	t.Helper()
	var p struct{ ID string }
	f.biller.do("POST", "/v1/patients", aPatient).want(t, 201, "").json(t, &p)
	return p.ID
}

func (f *fixture) newEpisode(t *testing.T, patient string, doc []byte) string {
	t.Helper()
	var e struct{ ID string }
	f.biller.do("POST", "/v1/episodes?patient_id="+patient, doc).want(t, 201, "").json(t, &e)
	if e.ID == "" {
		t.Fatal("no episode id")
	}
	return e.ID
}

func TestRolesAndSignedOut(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		doc := readExample(t, "episode.json")
		// Signed out: nothing but the document and signing in.
		for _, path := range []string{"/v1/patients", "/v1/episodes", "/v1/payers", "/v1/me", "/v1/users"} {
			f.anon.do("GET", path, nil).want(t, 401, "unauthorized")
		}
		f.anon.do("POST", "/v1/code", doc).want(t, 401, "unauthorized")
		f.anon.do("POST", "/v1/patients", aPatient).want(t, 401, "unauthorized")
		f.anon.do("GET", "/v1/openapi.json", nil).want(t, 200, "")
		// A token that is not one, or not any more.
		f.anon.with("Authorization", "Bearer pdt_"+strings.Repeat("A", 43)).do("GET", "/v1/patients", nil).want(t, 401, "unauthorized")
		f.anon.with("Authorization", "Basic YWRtaW46YWRtaW4=").do("GET", "/v1/patients", nil).want(t, 401, "unauthorized")
		// An auditor reads and never writes.
		patient := f.newPatient(t)
		episode := f.newEpisode(t, patient, doc)
		f.auditor.do("GET", "/v1/patients/"+patient, nil).want(t, 200, "")
		f.auditor.do("GET", "/v1/episodes/"+episode, nil).want(t, 200, "")
		f.auditor.do("POST", "/v1/code", doc).want(t, 200, "")
		f.auditor.do("POST", "/v1/patients", aPatient).want(t, 403, "forbidden")
		f.auditor.do("POST", "/v1/episodes?patient_id="+patient, doc).want(t, 403, "forbidden")
		f.auditor.with("If-Match", `"1"`).do("PUT", "/v1/episodes/"+episode, doc).want(t, 403, "forbidden")
		f.auditor.do("POST", "/v1/payers", map[string]any{"name": "X", "profile_id": "nhia", "payer_id": "X1"}).want(t, 403, "forbidden")
		// A biller's token does what a biller does, no more.
		f.biller.do("GET", "/v1/users", nil).want(t, 403, "forbidden")
		f.biller.do("POST", "/v1/users", map[string]any{"name": "eve", "role": "admin", "password": testPassword}).want(t, 403, "forbidden")
		f.biller.do("POST", "/v1/users/"+f.users["biller"].ID+"/tokens", map[string]any{"name": "more"}).want(t, 403, "forbidden")
		f.auditor.do("POST", "/v1/users/"+f.users["auditor"].ID+"/tokens", map[string]any{"name": "more"}).want(t, 403, "forbidden")
		// The admin manages accounts.
		var u struct{ ID, Role string }
		f.admin.do("POST", "/v1/users", map[string]any{"name": "carol", "role": "biller", "password": testPassword}).want(t, 201, "").json(t, &u)
		f.admin.do("POST", "/v1/users", map[string]any{"name": "carol", "role": "biller", "password": testPassword}).want(t, 409, "conflict")
		f.admin.do("POST", "/v1/users", map[string]any{"name": "dave", "role": "root", "password": "short"}).want(t, 400, "invalid")
		var tok struct{ Token string }
		f.admin.do("POST", "/v1/users/"+u.ID+"/tokens", map[string]any{"name": "script"}).want(t, 201, "").json(t, &tok)
		f.admin.do("POST", "/v1/users/U-nobody/tokens", map[string]any{"name": "script"}).want(t, 404, "not_found")
		carol := f.anon.with("Authorization", "Bearer "+tok.Token)
		var me struct {
			User struct{ Name, Role string }
			Via  string
		}
		carol.do("GET", "/v1/me", nil).want(t, 200, "").json(t, &me)
		if me.User.Name != "carol" || me.User.Role != "biller" || me.Via != "token" {
			t.Errorf("me: %+v", me)
		}
		var users struct{ Items []struct{ Name string } }
		f.admin.do("GET", "/v1/users", nil).want(t, 200, "").json(t, &users)
		if len(users.Items) != 4 {
			t.Errorf("%d users, want 4", len(users.Items))
		}
		f.admin.do("GET", "/v1/users?limit=0", nil).want(t, 400, "invalid")
	})
}

func TestSessionsAndCSRF(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c, csrf := f.signIn(t, "biller-user", testPassword)
		var me struct {
			Via       string
			CSRFToken string `json:"csrf_token"`
		}
		c.do("GET", "/v1/me", nil).want(t, 200, "").json(t, &me)
		if me.Via != "session" || me.CSRFToken != csrf {
			t.Errorf("me: %+v", me)
		}
		// A write with the cookie alone, as another site's form or script
		// would make it, is refused; with the token it is done.
		c.do("POST", "/v1/patients", aPatient).want(t, 403, "forbidden")
		c.with(CSRFHeader, "wrong").do("POST", "/v1/patients", aPatient).want(t, 403, "forbidden")
		c.with(CSRFHeader, csrf).do("POST", "/v1/patients", aPatient).want(t, 201, "")
		// Another session's token does not do.
		c2, csrf2 := f.signIn(t, "biller-user", testPassword)
		c.with(CSRFHeader, csrf2).do("POST", "/v1/patients", aPatient).want(t, 403, "forbidden")
		// Signing out ends the session for good.
		c.with(CSRFHeader, csrf).do("DELETE", "/v1/sessions/current", nil).want(t, 204, "")
		c.do("GET", "/v1/me", nil).want(t, 401, "unauthorized")
		c2.do("GET", "/v1/me", nil).want(t, 200, "")
		// The auditor's session reads and cannot write, token or not.
		a, acsrf := f.signIn(t, "auditor-user", testPassword)
		a.do("GET", "/v1/patients", nil).want(t, 200, "")
		a.with(CSRFHeader, acsrf).do("POST", "/v1/patients", aPatient).want(t, 403, "forbidden")
		// Bad sign-ins.
		f.anon.do("POST", "/v1/sessions", map[string]string{"name": "biller-user", "password": "wrong password!"}).want(t, 401, "unauthorized")
		f.anon.do("POST", "/v1/sessions", map[string]string{"name": "nobody", "password": testPassword}).want(t, 401, "unauthorized")
		f.anon.do("POST", "/v1/sessions", map[string]any{"name": 1}).want(t, 400, "invalid")
		f.anon.do("POST", "/v1/sessions", `{"name":"a","password":"b","extra":true}`).want(t, 400, "invalid")
	})
}

// TestSignInIsRateLimited: the limits on failed sign-ins are kept in the
// database, so two servers on one database share them: failures made
// through either count against both.
func TestSignInIsRateLimited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn, Options{})
		db2, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db2.Close() })
		srv2 := httptest.NewServer(New(Options{DB: db2, Logger: newTestLogger(io.Discard)}))
		t.Cleanup(srv2.Close)
		anons := []*client{f.anon, newClient(t, srv2)}
		for i := range maxFailuresByName {
			anons[i%2].do("POST", "/v1/sessions", map[string]string{"name": "admin-user", "password": fmt.Sprintf("guess number %d", i)}).want(t, 401, "unauthorized")
		}
		// The right password is refused too, by either server, until the
		// window has passed.
		for _, c := range anons {
			a := c.do("POST", "/v1/sessions", map[string]string{"name": "admin-user", "password": testPassword}).want(t, 429, "rate_limited")
			if a.header.Get("Retry-After") == "" {
				t.Error("no Retry-After")
			}
		}
		// Another account from the same address still signs in, up to the
		// address's own limit, which unknown names count against too.
		f.signIn(t, "biller-user", testPassword)
		for i := range maxFailuresByAddr - maxFailuresByName {
			anons[i%2].do("POST", "/v1/sessions", map[string]string{"name": fmt.Sprintf("user%d", i), "password": "guess"}).want(t, 401, "unauthorized")
		}
		for _, c := range anons {
			c.do("POST", "/v1/sessions", map[string]string{"name": "auditor-user", "password": testPassword}).want(t, 429, "rate_limited")
		}
	})
}

func TestPatients(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		var p struct {
			ID, Name string
		}
		f.biller.do("POST", "/v1/patients", aPatient).want(t, 201, "").json(t, &p)
		if p.ID == "" || p.Name != "DOE, JANE" {
			t.Errorf("patient %+v", p)
		}
		f.biller.do("GET", "/v1/patients/"+p.ID, nil).want(t, 200, "")
		f.biller.do("GET", "/v1/patients/P-nobody", nil).want(t, 404, "not_found")
		a := f.biller.do("POST", "/v1/patients", map[string]any{"name": "X", "birth_date": "1960-02-30", "member_id": "M"}).want(t, 400, "invalid")
		if a.errorPath() != "birth_date" {
			t.Errorf("path %q: %s", a.errorPath(), a.body)
		}
		a = f.biller.do("POST", "/v1/patients", map[string]any{"name": "X", "birth_date": "1960-02-01", "member_id": "M", "ssn": "1"}).want(t, 400, "invalid")
		if a.errorPath() != "ssn" {
			t.Errorf("path %q: %s", a.errorPath(), a.body)
		}
		a = f.biller.do("POST", "/v1/patients", map[string]any{"birth_date": "1960-02-01"}).want(t, 400, "invalid")
		if a.errorPath() != "member_id" && a.errorPath() != "name" {
			t.Errorf("path %q: %s", a.errorPath(), a.body)
		}
		f.biller.do("POST", "/v1/patients", `[1,2]`).want(t, 400, "invalid")
		f.biller.do("POST", "/v1/patients", `{"name":"x"} {}`).want(t, 400, "invalid")
		f.biller.do("POST", "/v1/patients", strings.Repeat(" ", maxSmall+1)).want(t, 413, "too_large")
		f.biller.with("Content-Type", "text/csv").do("POST", "/v1/patients", aPatient).want(t, 415, "unsupported_media_type")
		// Pages.
		for range 4 {
			f.newPatient(t)
		}
		seen := map[string]bool{}
		cursor := ""
		for pages := 0; ; pages++ {
			var l struct {
				Items []struct{ ID string }
				Next  string
			}
			f.auditor.do("GET", "/v1/patients?limit=2&cursor="+cursor, nil).want(t, 200, "").json(t, &l)
			for _, it := range l.Items {
				seen[it.ID] = true
			}
			if l.Next == "" || pages > 5 {
				break
			}
			cursor = l.Next
		}
		if len(seen) != 5 {
			t.Errorf("pages gave %d patients, want 5", len(seen))
		}
		f.auditor.do("GET", "/v1/patients?limit=x", nil).want(t, 400, "invalid")
	})
}

func TestPayers(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		var p struct{ ID string }
		f.biller.do("POST", "/v1/payers", map[string]any{"name": "BCBS TX", "profile_id": "bcbs-tx", "payer_id": "84980"}).want(t, 201, "").json(t, &p)
		f.auditor.do("GET", "/v1/payers/"+p.ID, nil).want(t, 200, "")
		f.auditor.do("GET", "/v1/payers", nil).want(t, 200, "")
		f.auditor.do("GET", "/v1/payers/Y-nobody", nil).want(t, 404, "not_found")
		a := f.biller.do("POST", "/v1/payers", map[string]any{"name": "X", "profile_id": "nope", "payer_id": "1"}).want(t, 400, "invalid")
		if a.errorPath() != "profile_id" {
			t.Errorf("path %q", a.errorPath())
		}
	})
}

func TestEpisodes(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		doc := readExample(t, "episode.json")
		patient := f.newPatient(t)
		id := f.newEpisode(t, patient, doc)
		a := f.biller.do("GET", "/v1/episodes/"+id, nil).want(t, 200, "")
		if a.header.Get("ETag") != `"1"` {
			t.Errorf("ETag %q", a.header.Get("ETag"))
		}
		// Edits: each a new version; a stale base is refused.
		edit := []byte(strings.Replace(string(doc), `"every_hours": 8`, `"every_hours": 12`, 1))
		a = f.biller.with("If-Match", `"1"`).do("PUT", "/v1/episodes/"+id, edit).want(t, 200, "")
		if a.header.Get("ETag") != `"2"` {
			t.Errorf("ETag after PUT %q", a.header.Get("ETag"))
		}
		f.biller.with("If-Match", `"1"`).do("PUT", "/v1/episodes/"+id, doc).want(t, 409, "conflict")
		f.biller.do("PUT", "/v1/episodes/"+id+"?version=2", doc).want(t, 200, "")
		f.biller.do("PUT", "/v1/episodes/"+id, doc).want(t, 428, "precondition_required")
		f.biller.with("If-Match", `"x"`).do("PUT", "/v1/episodes/"+id, doc).want(t, 400, "invalid")
		f.biller.with("If-Match", `"3"`).do("PUT", "/v1/episodes/E-nobody", doc).want(t, 404, "not_found")
		bad := []byte(strings.Replace(string(doc), `"2026-03-15"`, `"2026-03-45"`, 1))
		a = f.biller.with("If-Match", `"3"`).do("PUT", "/v1/episodes/"+id, bad).want(t, 400, "invalid")
		if !strings.HasPrefix(a.errorPath(), "therapies[0].end") {
			t.Errorf("path %q", a.errorPath())
		}
		var vs struct {
			Items []struct{ Version int }
			Next  string
		}
		f.auditor.do("GET", "/v1/episodes/"+id+"/versions", nil).want(t, 200, "").json(t, &vs)
		if len(vs.Items) != 3 || vs.Items[0].Version != 3 {
			t.Errorf("versions %+v", vs)
		}
		var v1 struct {
			Document map[string]any
		}
		f.auditor.do("GET", "/v1/episodes/"+id+"/versions/1", nil).want(t, 200, "").json(t, &v1)
		if th := v1.Document["therapies"].([]any)[0].(map[string]any); th["every_hours"] != float64(8) {
			t.Errorf("version 1 changed: %v", th)
		}
		f.auditor.do("GET", "/v1/episodes/"+id+"/versions/9", nil).want(t, 404, "not_found")
		f.auditor.do("GET", "/v1/episodes/"+id+"/versions/x", nil).want(t, 404, "not_found")
		f.auditor.do("GET", "/v1/episodes/E-nobody/versions", nil).want(t, 404, "not_found")
		var l struct{ Items []struct{ ID string } }
		f.auditor.do("GET", "/v1/episodes?patient_id="+patient, nil).want(t, 200, "").json(t, &l)
		if len(l.Items) != 1 || l.Items[0].ID != id {
			t.Errorf("episodes of the patient: %+v", l)
		}
		f.auditor.do("GET", "/v1/episodes?limit=501", nil).want(t, 400, "invalid")
		// Creating: the document is checked with its paths; the patient
		// must exist.
		a = f.biller.do("POST", "/v1/episodes?patient_id="+patient, bad).want(t, 400, "invalid")
		if !strings.HasPrefix(a.errorPath(), "therapies[0].end") {
			t.Errorf("path %q", a.errorPath())
		}
		f.biller.do("POST", "/v1/episodes", doc).want(t, 400, "invalid")
		f.biller.do("POST", "/v1/episodes?patient_id=P-nobody", doc).want(t, 404, "not_found")
		f.biller.do("POST", "/v1/episodes?patient_id="+patient, `{"therapies":[`+strings.Repeat(" ", maxDocument)+`]}`).want(t, 413, "too_large")
		f.biller.with("Content-Type", "text/plain").do("POST", "/v1/episodes?patient_id="+patient, doc).want(t, 415, "")
		// One record's id reaches nothing through another route.
		f.biller.do("GET", "/v1/patients/"+id, nil).want(t, 404, "not_found")
		f.biller.do("GET", "/v1/episodes/"+patient, nil).want(t, 404, "not_found")
		f.biller.do("GET", "/v1/payers/"+patient, nil).want(t, 404, "not_found")
	})
}

func TestIdempotentPOST(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c := f.biller.with(IdempotencyHeader, "patient-once")
		var a1, a2 struct{ ID string }
		first := c.do("POST", "/v1/patients", aPatient).want(t, 201, "")
		first.json(t, &a1)
		again := c.do("POST", "/v1/patients", aPatient).want(t, 201, "")
		again.json(t, &a2)
		if a1.ID != a2.ID || string(first.body) != string(again.body) || again.header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("retry answered %s, first %s", again.body, first.body)
		}
		var l struct{ Items []struct{ ID string } }
		f.biller.do("GET", "/v1/patients", nil).want(t, 200, "").json(t, &l)
		if len(l.Items) != 1 {
			t.Errorf("%d patients after a retry, want 1", len(l.Items))
		}
		// The same key for another request is refused; another user's
		// key is their own.
		other := map[string]any{"name": "ROE, RICHARD", "birth_date": "1950-05-05", "member_id": "M2"}
		c.do("POST", "/v1/patients", other).want(t, 409, "conflict")
		f.admin.with(IdempotencyHeader, "patient-once").do("POST", "/v1/patients", other).want(t, 201, "")
		f.biller.with(IdempotencyHeader, strings.Repeat("k", 256)).do("POST", "/v1/patients", other).want(t, 400, "invalid")
		// A failed request keeps nothing: its retry is done afresh.
		bad := f.biller.with(IdempotencyHeader, "fix-and-retry")
		bad.do("POST", "/v1/patients", map[string]any{"name": "X"}).want(t, 400, "invalid")
		bad.do("POST", "/v1/patients", other).want(t, 201, "")
	})
}

// TestPagesFollowTheRoles: whatever the pages' handler does, a signed-out
// visitor sees only the sign-in page, and a role that may not write cannot
// post to any page but signing out.
func TestPagesFollowTheRoles(t *testing.T) {
	web := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		who := "nobody"
		if p := UserOf(r); p != nil {
			who = p.User.Name + " " + ActorOf(r.Context()).UserID
		}
		fmt.Fprintf(w, "page %s %s for %s", r.Method, r.URL.Path, who)
	})
	f := newFixture(t, storetestSQLite(t), Options{Web: web})
	noRedirect := f.srv.Client()
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	get := func(c *client, path string) (int, string, string) {
		req, _ := http.NewRequest("GET", f.srv.URL+path, nil)
		for _, ck := range c.cookies {
			req.AddCookie(ck)
		}
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Location"), string(b)
	}
	if code, loc, _ := get(f.anon, "/episodes/E1/calendar?month=2026-03"); code != 303 || loc != "/login?next=%2Fepisodes%2FE1%2Fcalendar%3Fmonth%3D2026-03" {
		t.Errorf("signed out: %d to %q", code, loc)
	}
	if code, _, body := get(f.anon, "/login"); code != 200 || !strings.Contains(body, "for nobody") {
		t.Errorf("/login signed out: %d %s", code, body)
	}
	if code, _, _ := get(f.anon, "/static/app.css"); code != 200 {
		t.Errorf("/static signed out: %d", code)
	}
	f.anon.do("POST", "/episodes/E1", "{}").want(t, 401, "unauthorized")
	aud, acsrf := f.signIn(t, "auditor-user", testPassword)
	if code, _, body := get(aud, "/"); code != 200 || !strings.Contains(body, "for auditor-user "+f.users["auditor"].ID) {
		t.Errorf("auditor reads a page: %d %s", code, body)
	}
	aud.with(CSRFHeader, acsrf).do("POST", "/episodes/E1", "{}").want(t, 403, "forbidden")
	aud.with(CSRFHeader, acsrf).do("POST", "/admin/users", "{}").want(t, 403, "forbidden")
	aud.with(CSRFHeader, acsrf).do("POST", "/billing-runs", "{}").want(t, 403, "forbidden")
	if a := aud.with(CSRFHeader, acsrf).do("POST", "/episodes/E1/preview", "{}"); a.status != 200 {
		t.Errorf("auditor previews: %d", a.status)
	}
	if a := aud.with(CSRFHeader, acsrf).do("POST", "/logout", "{}"); a.status != 200 {
		t.Errorf("auditor signs out: %d", a.status)
	}
	bil, bcsrf := f.signIn(t, "biller-user", testPassword)
	bil.do("POST", "/episodes/E1", "{}").want(t, 403, "forbidden") // no CSRF token
	if a := bil.with(CSRFHeader, bcsrf).do("POST", "/episodes/E1", "{}"); a.status != 200 {
		t.Errorf("biller posts a page with its token: %d %s", a.status, a.body)
	}
	// The admin pages are an admin's only.
	bil.with(CSRFHeader, bcsrf).do("POST", "/admin/users", "{}").want(t, 403, "forbidden")
	bil.with(CSRFHeader, bcsrf).do("POST", "/admin/users/U1/tokens", "{}").want(t, 403, "forbidden")
	if a := bil.with(CSRFHeader, bcsrf).do("POST", "/billing-runs", "{}"); a.status != 200 {
		t.Errorf("biller starts a run from its page: %d %s", a.status, a.body)
	}
	// A page's form may send the token as a field.
	req, _ := http.NewRequest("POST", f.srv.URL+"/episodes/E1", strings.NewReader(CSRFField+"="+bcsrf+"&x=1"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, ck := range bil.cookies {
		req.AddCookie(ck)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("form with the token field: %d", resp.StatusCode)
	}
}
