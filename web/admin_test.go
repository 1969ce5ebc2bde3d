package web_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/perdiem/perdiem/auth"
	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/web"
)

// adminPages is the pages with store users named as the fake sessions'
// (so an admin is known to be themself), the admin "ada" acting in the
// store.
type adminPages struct {
	*pages
	ids map[string]string
}

func newAdminPages(t *testing.T) *adminPages {
	t.Helper()
	a := &adminPages{ids: map[string]string{}}
	a.pages = newPages(t, web.Options{Actor: func(context.Context) store.Actor { return store.Actor{UserID: a.ids["ada"], Remote: "192.0.2.7"} }})
	err := a.db.Do(context.Background(), store.System, func(tx *store.Tx) error {
		for name, u := range testUsers {
			su, err := tx.CreateUser(name, u.role, "not-a-real-hash")
			if err != nil {
				return err
			}
			a.ids[name] = su.ID
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (a *adminPages) user(t *testing.T, id string) store.User {
	t.Helper()
	var u store.User
	if err := a.db.Do(context.Background(), store.System, func(tx *store.Tx) error {
		var err error
		u, err = tx.User(id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return u
}

// audit is the log's entries of action, newest first.
func (a *adminPages) audit(t *testing.T, action string) []store.AuditEntry {
	t.Helper()
	var es []store.AuditEntry
	if err := a.db.Do(context.Background(), store.System, func(tx *store.Tx) error {
		var err error
		es, _, err = tx.AuditLog(store.AuditFilter{Action: action}, store.Page{})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return es
}

func (a *adminPages) userCount(t *testing.T) int {
	t.Helper()
	var n int
	if err := a.db.Do(context.Background(), store.System, func(tx *store.Tx) error {
		us, _, err := tx.Users(store.Page{})
		n = len(us)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

// Only an admin opens the admin pages or acts on them; a form without the
// session's token is refused too.
func TestAdminIsForAdmins(t *testing.T) {
	a := newAdminPages(t)
	bea := a.ids["bea"]
	for _, who := range []string{"bea", "abe"} {
		a.as(t, who, "GET", "/admin", nil).want(t, 403, "Your role may not do this").lacks(t, "users-h")
		a.as(t, who, "GET", "/admin/audit", nil).want(t, 403).lacks(t, `id="audit"`)
		// The layout offers the link to admins only.
		a.as(t, who, "GET", "/billing-runs", nil).want(t, 200, `href="/billing-runs"`).lacks(t, `href="/admin"`)
		for _, c := range []struct {
			path string
			form url.Values
		}{
			{"/admin/users", url.Values{"name": {"mallory"}, "role": {"admin"}, "password": {"long enough password"}, "password2": {"long enough password"}}},
			{"/admin/users/" + bea + "/role", url.Values{"role": {"admin"}}},
			{"/admin/users/" + bea + "/disable", nil},
			{"/admin/users/" + bea + "/enable", nil},
			{"/admin/tokens", url.Values{"user": {bea}, "name": {"export"}}},
			{"/admin/tokens/revoke", url.Values{"token": {strings.Repeat("ab", 32)}}},
		} {
			a.as(t, who, "POST", c.path, c.form).want(t, 403)
		}
	}
	a.as(t, "ada", "GET", "/admin", nil).want(t, 200, `href="/admin"`, "users-h")
	a.as(t, "ada", "POST", "/admin/users/"+bea+"/role", url.Values{"role": {"auditor"}, "csrf_token": {"csrf-bea"}}).want(t, 403)
	a.as(t, "ada", "POST", "/admin/users/"+bea+"/disable", url.Values{"csrf_token": {""}}).want(t, 403)
	if u := a.user(t, bea); u.Role != store.RoleBiller || u.Disabled {
		t.Errorf("refused writes changed the biller: %+v", u)
	}
	if n := a.userCount(t); n != 3 {
		t.Errorf("refused writes left %d users, want 3", n)
	}
	if es := a.audit(t, "create-token"); len(es) != 0 {
		t.Errorf("a refused write made a token: %+v", es)
	}
}

func TestAdminCreatesUser(t *testing.T) {
	a := newAdminPages(t)
	good := url.Values{"name": {"Cal Clerk"}, "role": {"auditor"}, "password": {"correct horse battery"}, "password2": {"correct horse battery"}}
	with := func(k, v string) url.Values {
		f := url.Values{}
		for key, vs := range good {
			f[key] = vs
		}
		f.Set(k, v)
		return f
	}
	for _, c := range []struct {
		form      url.Values
		field, is string
	}{
		{with("name", "  "), "new-name-error", "required"},
		{with("name", "bea"), "new-name-error", "taken: choose another name"},
		{with("password", "short"), "new-password-error", "5 characters, want at least 12"},
		{with("password2", "correct horse battery!"), "new-password2-error", "not the same as the password"},
	} {
		p := a.as(t, "ada", "POST", "/admin/users", c.form).want(t, http.StatusUnprocessableEntity, `id="`+c.field+`">`+c.is)
		// Passwords are never sent back; the rest of the form is kept.
		p.lacks(t, "correct horse battery", "short")
	}
	a.as(t, "ada", "POST", "/admin/users", with("role", "owner")).want(t, 422, "want admin, biller or auditor")
	if n := a.userCount(t); n != 3 {
		t.Fatalf("refused forms made users: %d", n)
	}

	a.as(t, "ada", "POST", "/admin/users", good).want(t, http.StatusSeeOther)
	var u store.User
	var hash string
	err := a.db.Do(context.Background(), store.System, func(tx *store.Tx) error {
		var err error
		u, hash, err = tx.UserByName("Cal Clerk")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if u.Role != store.RoleAuditor || !strings.HasPrefix(hash, "$argon2id$") || !auth.CheckPassword("correct horse battery", hash) {
		t.Errorf("the user made: %+v with hash %.20s", u, hash)
	}
	es := a.audit(t, "create")
	if len(es) == 0 || es[0].Kind != "user" || es[0].RecordID != u.ID || es[0].Actor != a.ids["ada"] || es[0].Remote != "192.0.2.7" {
		t.Errorf("the audit log of the new user: %+v", es)
	}
	a.as(t, "ada", "GET", "/admin?done=created", nil).want(t, 200, "The user was added.", `data-user="Cal Clerk"`)
}

func TestAdminRolesAndDisabling(t *testing.T) {
	a := newAdminPages(t)
	bea, ada := a.ids["bea"], a.ids["ada"]
	page := a.as(t, "ada", "GET", "/admin", nil).want(t, 200, `action="/admin/users/`+bea+`/role"`, `action="/admin/users/`+bea+`/disable"`, "(you)")
	// No control acts on the admin themself.
	page.lacks(t, `/admin/users/`+ada+`/`)

	a.as(t, "ada", "POST", "/admin/users/"+bea+"/role", url.Values{"role": {"auditor"}}).want(t, http.StatusSeeOther)
	if u := a.user(t, bea); u.Role != store.RoleAuditor {
		t.Errorf("after the change bea is %s", u.Role)
	}
	if es := a.audit(t, "set-role"); len(es) != 1 || es[0].RecordID != bea || es[0].Detail != "role auditor" || es[0].Actor != ada {
		t.Errorf("the audit log of the role change: %+v", es)
	}
	a.as(t, "ada", "POST", "/admin/users/"+bea+"/role", url.Values{"role": {"owner"}}).want(t, 400, "want admin, biller or auditor")
	a.as(t, "ada", "POST", "/admin/users/U-nobody/role", url.Values{"role": {"biller"}}).want(t, 404, "U-nobody")
	a.as(t, "ada", "POST", "/admin/users/"+ada+"/role", url.Values{"role": {"biller"}}).want(t, 400, "your own role")
	a.as(t, "ada", "POST", "/admin/users/"+ada+"/disable", nil).want(t, 400, "disable yourself")
	if u := a.user(t, ada); u.Role != store.RoleAdmin || u.Disabled {
		t.Errorf("the admin changed themself: %+v", u)
	}

	a.as(t, "ada", "POST", "/admin/users/"+bea+"/disable", nil).want(t, http.StatusSeeOther)
	if !a.user(t, bea).Disabled {
		t.Error("bea is not disabled")
	}
	a.as(t, "ada", "GET", "/admin?done=disabled", nil).want(t, 200, "The user was disabled", `action="/admin/users/`+bea+`/enable"`, "disabled</span>")
	a.as(t, "ada", "POST", "/admin/users/"+bea+"/enable", nil).want(t, http.StatusSeeOther)
	if a.user(t, bea).Disabled {
		t.Error("bea is still disabled")
	}
	if d, e := a.audit(t, "disable"), a.audit(t, "enable"); len(d) != 1 || len(e) != 1 || d[0].RecordID != bea || e[0].RecordID != bea {
		t.Errorf("the audit log of disabling and enabling: %+v %+v", d, e)
	}
	a.as(t, "ada", "POST", "/admin/users/U-nobody/enable", nil).want(t, 404)
}

var tokenPattern = regexp.MustCompile(`id="new-token" value="([^"]+)"`)

func TestAdminTokens(t *testing.T) {
	a := newAdminPages(t)
	bea := a.ids["bea"]
	a.as(t, "ada", "POST", "/admin/tokens", url.Values{"user": {bea}, "name": {" "}}).want(t, 422, `id="token-name-error">required`)
	a.as(t, "ada", "POST", "/admin/tokens", url.Values{"user": {""}, "name": {"export"}}).want(t, 422, `id="token-user-error">choose a user`)
	a.as(t, "ada", "POST", "/admin/tokens", url.Values{"user": {"U-nobody"}, "name": {"export"}}).want(t, 422, `id="token-user-error">no such user`)

	p := a.as(t, "ada", "POST", "/admin/tokens", url.Values{"user": {bea}, "name": {"nightly export"}}).
		want(t, http.StatusCreated, "API token for bea (nightly export)", "It will not be shown again", `id="copy-token"`)
	if cc := p.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("the page with the secret may be kept: Cache-Control %q", cc)
	}
	m := tokenPattern.FindStringSubmatch(p.body)
	if m == nil || !auth.HasPrefix(m[1], auth.TokenPrefix) {
		t.Fatalf("no token on the page:\n%.3000s", p.body)
	}
	secret := m[1]
	if u, err := a.db.UserByToken(context.Background(), auth.HashSecret(secret)); err != nil || u.ID != bea {
		t.Fatalf("the token shown does not act as bea: %+v %v", u, err)
	}
	if es := a.audit(t, "create-token"); len(es) != 1 || es[0].RecordID != bea || es[0].Actor != a.ids["ada"] {
		t.Errorf("the audit log of the token: %+v", es)
	}
	// Listed afterwards, the token never shows its secret.
	hash := hex.EncodeToString(auth.HashSecret(secret))
	a.as(t, "ada", "GET", "/admin", nil).want(t, 200, `data-token="nightly export"`, `name="token" value="`+hash+`"`).lacks(t, secret, "new-token")

	a.as(t, "ada", "POST", "/admin/tokens/revoke", url.Values{"token": {"not hex"}}).want(t, 400, "want the hex of a token")
	a.as(t, "ada", "POST", "/admin/tokens/revoke", url.Values{"token": {strings.Repeat("ab", 32)}}).want(t, 404, "no such token")
	a.as(t, "ada", "POST", "/admin/tokens/revoke", url.Values{"token": {hash}}).want(t, http.StatusSeeOther)
	if _, err := a.db.UserByToken(context.Background(), auth.HashSecret(secret)); err == nil {
		t.Error("the revoked token still works")
	}
	if es := a.audit(t, "revoke-token"); len(es) != 1 || es[0].RecordID != bea {
		t.Errorf("the audit log of the revocation: %+v", es)
	}
	a.as(t, "ada", "GET", "/admin?done=revoked", nil).want(t, 200, "The token was revoked", "revoked ").lacks(t, `name="token" value="`+hash+`"`)
	a.as(t, "ada", "POST", "/admin/tokens/revoke", url.Values{"token": {hash}}).want(t, 404)
}

func TestAdminAuditLog(t *testing.T) {
	a := newAdminPages(t)
	// 120 entries of one action, to page through.
	if err := a.db.Do(context.Background(), store.Actor{UserID: a.ids["bea"]}, func(tx *store.Tx) error {
		for i := range 120 {
			tx.Audit("test-fill", "claim", fmt.Sprintf("C-%03d", i), "")
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	rows := func(body string) int { return strings.Count(body, "<tr><td class=\"num\">") }

	p := a.as(t, "ada", "GET", "/admin/audit?action=test-fill", nil).want(t, 200, "claim C-119", `id="audit-older"`)
	if n := rows(p.body); n != 100 {
		t.Errorf("the first page lists %d entries, want 100", n)
	}
	p.lacks(t, "claim C-019", `id="audit-newest"`)
	older := regexp.MustCompile(`href="(/admin/audit\?[^"]+)" id="audit-older"`).FindStringSubmatch(p.body)
	if older == nil {
		t.Fatal("no link to older entries")
	}
	p = a.as(t, "ada", "GET", strings.ReplaceAll(older[1], "&amp;", "&"), nil).want(t, 200, "claim C-019", "claim C-000", `id="audit-newest"`).lacks(t, "claim C-020", `id="audit-older"`)
	if n := rows(p.body); n != 20 {
		t.Errorf("the second page lists %d entries, want 20", n)
	}

	// Each filter narrows: by who, kind, record and action.
	if p := a.as(t, "ada", "GET", "/admin/audit?actor="+a.ids["bea"]+"&record=C-007", nil).want(t, 200, "claim C-007"); rows(p.body) != 1 {
		t.Errorf("the filter by who and record lists %d entries, want 1", rows(p.body))
	}
	a.as(t, "ada", "GET", "/admin/audit?actor="+a.ids["ada"]+"&action=test-fill", nil).want(t, 200, "No entries.")
	a.as(t, "ada", "GET", "/admin/audit?kind=user&action=create", nil).want(t, 200, "user "+a.ids["abe"]).lacks(t, "test-fill")

	// Days are MM/DD/YYYY, both included.
	es := a.audit(t, "test-fill")
	y, m, d := es[0].At.Local().Date()
	day := time.Date(y, m, d, 12, 0, 0, 0, time.Local)
	us := func(t time.Time) string { return t.Format("01/02/2006") }
	a.as(t, "ada", "GET", "/admin/audit?action=test-fill&from="+us(day)+"&to="+us(day), nil).want(t, 200, "claim C-119")
	a.as(t, "ada", "GET", "/admin/audit?action=test-fill&from="+us(day.AddDate(0, 0, 1)), nil).want(t, 200, "No entries.")
	a.as(t, "ada", "GET", "/admin/audit?action=test-fill&to="+us(day.AddDate(0, 0, -1)), nil).want(t, 200, "No entries.")
	a.as(t, "ada", "GET", "/admin/audit?from=2026-13-01", nil).want(t, 400, `id="audit-from-error">want a date MM/DD/YYYY`)
	a.as(t, "ada", "GET", "/admin/audit?from=05/02/2026&to=05/01/2026", nil).want(t, 400, `id="audit-to-error">before the first day`)
	a.as(t, "ada", "GET", "/admin/audit?before=x", nil).want(t, 400, "want an entry number")
	// The admin page's old filter addresses lead to the log.
	if l := a.as(t, "ada", "GET", "/admin?kind=episode", nil).want(t, http.StatusSeeOther).location; l != "/admin/audit?kind=episode" {
		t.Errorf("/admin?kind=episode goes to %q", l)
	}
}
