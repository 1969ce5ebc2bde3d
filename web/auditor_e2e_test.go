package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// An auditor reads every page and finds no way to change anything; a
// write forged with the auditor's own session and CSRF token is refused
// by the server, on the pages and on the API.
func TestE2EAuditorCannotEdit(t *testing.T) {
	ctx := browser(t)
	f := newDemoSite(t)
	dir := artifacts(t)
	patient, episode := f.episodeOf(t, "LANGFORD, CASPER", "anti-infective")
	claims := f.claims(t, episode)

	signIn(t, ctx, f.srv.URL+"/patients/"+patient, f.auditor().Name, f.auditor().Password)
	// The forms a page offers, as "METHOD action", the sign-out and the
	// 837P check (which changes nothing) aside; and links to an editor.
	writes := func(page string) []string {
		t.Helper()
		do(t, ctx, "open "+page, chromedp.Navigate(f.srv.URL+page), chromedp.WaitVisible(chromedp.CSS("main")))
		return get(t, ctx, "forms of "+page, chromedp.Evaluate[[]string](`Array.from(document.forms)
			.filter(f => f.method === "post" && !/\/(logout|files\/validate)$/.test(f.action)).map(f => f.action)
			.concat(Array.from(document.querySelectorAll("[hx-post]")).map(e => e.getAttribute("hx-post")))
			.concat(Array.from(document.querySelectorAll("a[href$='/edit']")).map(a => a.href))
			.concat(Array.from(document.querySelectorAll("main input:not([type=hidden]):not([type=file]), main textarea"))
				.filter(e => !e.closest("form[action$='/files/validate'], form[method=get]")).map(e => "field " + (e.id || e.name)))`))
	}
	pages := []string{"/", "/patients", "/patients/" + patient, "/episodes/" + episode + "/calendar?month=2026-03",
		"/claims/" + claims[0].ID, "/claims/" + claims[0].ID + "/print", "/files", "/billing-runs", "/rules"}
	for _, page := range pages {
		if w := writes(page); len(w) > 0 {
			t.Errorf("the auditor is offered writes on %s: %v", page, w)
		}
	}
	if role := text(t, ctx, "header .role"); !strings.Contains(role, "read only") {
		t.Errorf("the header says %q, not that the auditor reads only", role)
	}
	screenshot(t, ctx, dir, "auditor-files")

	do(t, ctx, "open the editor by its address", chromedp.Navigate(f.srv.URL+"/episodes/"+episode+"/edit"), chromedp.WaitVisible(chromedp.CSS("main")))
	if s := text(t, ctx, "main"); !strings.Contains(s, "Your role may not do this") {
		t.Errorf("the editor opened for an auditor: %s", s)
	}
	// The session's own CSRF token, from the sign-out form: the forged
	// writes are refused for the role, not for a missing token.
	csrf := get(t, ctx, "the session's CSRF token", chromedp.Evaluate[string](`document.querySelector("form[action='/logout'] input[name=csrf_token]").value`))
	if csrf == "" {
		t.Fatal("the sign-out form carries no CSRF token")
	}
	forge := func(what, js string) {
		t.Helper()
		status := get(t, ctx, "forge "+what, chromedp.Evaluate[int](js, chromedp.EvalAwaitPromise))
		if status != 403 {
			t.Errorf("%s forged by the auditor answered %d, want 403", what, status)
		}
	}
	forge("a claim on the pages", `fetch("/episodes/`+episode+`/claims", {method: "POST",
		headers: {"Content-Type": "application/x-www-form-urlencoded"},
		body: "csrf_token=`+csrf+`&from=03/01/2026&to=03/31/2026"}).then(r => r.status)`)
	forge("an edit on the pages", `fetch("/episodes/`+episode+`/edit", {method: "POST",
		headers: {"Content-Type": "application/x-www-form-urlencoded"},
		body: "csrf_token=`+csrf+`&_base=1&_action=save"}).then(r => r.status)`)
	forge("an interchange on the pages", `fetch("/interchanges", {method: "POST",
		headers: {"Content-Type": "application/x-www-form-urlencoded"},
		body: "csrf_token=`+csrf+`&claim=`+claims[0].ID+`"}).then(r => r.status)`)
	forge("a claim through the API", `fetch("/v1/episodes/`+episode+`/claims", {method: "POST",
		headers: {"Content-Type": "application/json", "X-CSRF-Token": "`+csrf+`"},
		body: JSON.stringify({from: "2026-03-01", to: "2026-03-31"})}).then(r => r.status)`)
	if after := f.claims(t, episode); len(after) != len(claims) {
		t.Errorf("after the auditor's attempts the episode has %d claims, had %d", len(after), len(claims))
	}
	if v := f.version(t, episode); v != 1 {
		t.Errorf("after the auditor's attempts the episode is at version %d", v)
	}
}

func TestE2EAdminPage(t *testing.T) {
	ctx := browser(t)
	f := newDemoSite(t)
	_, episode := f.episodeOf(t, "LANGFORD, CASPER", "anti-infective")
	signIn(t, ctx, f.srv.URL+"/admin?kind=episode", f.admin().Name, f.admin().Password)
	do(t, ctx, "wait for the audit log", chromedp.WaitVisible(chromedp.CSS("#audit")))
	audit := text(t, ctx, "#audit")
	if !strings.Contains(audit, "create") || !strings.Contains(audit, "episode "+episode) || strings.Contains(audit, "patient ") {
		t.Errorf("the audit log filtered to episodes:\n%.2000s", audit)
	}
}
