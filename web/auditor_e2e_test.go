package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/perdiem/perdiem/store"
)

// An auditor reads everything and finds no way to change anything; a
// write they forge anyway is refused.
func TestE2EAuditorCannotEdit(t *testing.T) {
	ctx := browser(t)
	f := newFixture(t)
	dir := artifacts(t)

	signIn(t, ctx, f.srv.URL+"/patients/"+f.patient, "abe", "auditor-pw")
	// The forms a page offers, as "METHOD action", the sign-out and the
	// 837P check (which changes nothing) aside.
	writes := func(page string) []string {
		t.Helper()
		do(t, ctx, "open "+page, chromedp.Navigate(f.srv.URL+page), chromedp.WaitVisible(chromedp.CSS("main")))
		list := get(t, ctx, "forms of "+page, chromedp.Evaluate[[]string](`Array.from(document.forms)
			.filter(f => f.method === "post" && !/\/(logout|files\/validate)$/.test(f.action)).map(f => f.action)
			.concat(Array.from(document.querySelectorAll("[hx-post]")).map(e => e.getAttribute("hx-post")))
			.concat(Array.from(document.querySelectorAll("a[href$='/edit']")).map(a => a.href))`))
		return list
	}
	for _, page := range []string{"/patients/" + f.patient, "/episodes/" + f.episode + "/calendar?month=2026-05", "/", "/files", "/patients"} {
		if w := writes(page); len(w) > 0 {
			t.Errorf("the auditor is offered writes on %s: %v", page, w)
		}
	}
	if role := text(t, ctx, "header .role"); !strings.Contains(role, "read only") {
		t.Errorf("the header says %q, not that the auditor reads only", role)
	}
	screenshot(t, ctx, dir, "auditor-files")

	do(t, ctx, "open the editor by its address", chromedp.Navigate(f.srv.URL+"/episodes/"+f.episode+"/edit"), chromedp.WaitVisible(chromedp.CSS("main")))
	if s := text(t, ctx, "main"); !strings.Contains(s, "Your role may not do this") {
		t.Errorf("the editor opened for an auditor: %s", s)
	}
	status := get(t, ctx, "forge a claim", chromedp.Evaluate[int](`fetch("/episodes/`+f.episode+`/claims", {method: "POST",
		headers: {"Content-Type": "application/x-www-form-urlencoded"},
		body: "csrf_token=csrf-abe&from=05/01/2026&to=05/31/2026"}).then(r => r.status)`, chromedp.EvalAwaitPromise))
	if status != 403 {
		t.Errorf("a forged claim answered %d, want 403", status)
	}
	var n int
	err := f.db.Do(context.Background(), store.System, func(tx *store.Tx) error {
		cs, _, err := tx.Claims(store.ClaimFilter{}, store.Page{})
		n = len(cs)
		return err
	})
	if err != nil || n != 0 {
		t.Errorf("after the auditor's attempt the store has %d claims (%v)", n, err)
	}
}

func TestE2EAdminPage(t *testing.T) {
	ctx := browser(t)
	f := newFixture(t)
	dir := artifacts(t)
	signIn(t, ctx, f.srv.URL+"/admin?kind=episode", "ada", "admin-pw")
	do(t, ctx, "wait for the audit log", chromedp.WaitVisible(chromedp.CSS("#audit")))
	audit := text(t, ctx, "#audit")
	if !strings.Contains(audit, "create") || !strings.Contains(audit, "episode "+f.episode) || strings.Contains(audit, "patient ") {
		t.Errorf("the audit log filtered to episodes:\n%s", audit)
	}
	screenshot(t, ctx, dir, "admin")
	checkAccessibility(t, ctx, "admin")
}
