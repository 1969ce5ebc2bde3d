package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/perdiem/perdiem/auth"
)

// An admin adds a user, gives them a token, reads it once with the
// warning, and finds both in the audit log.
func TestE2EAdminUsersAndTokens(t *testing.T) {
	ctx := browser(t)
	f := newFixture(t)
	dir := artifacts(t)

	signIn(t, ctx, f.srv.URL+"/admin", "ada", "admin-pw")
	do(t, ctx, "mistype the second password",
		chromedp.WaitVisible(chromedp.CSS("#user-form")),
		chromedp.SendKeys(chromedp.CSS("#new-name"), "Cal Clerk"),
		chromedp.SetValue(chromedp.CSS("#new-role"), "auditor"),
		chromedp.SendKeys(chromedp.CSS("#new-password"), "correct horse battery"),
		chromedp.SendKeys(chromedp.CSS("#new-password2"), "correct horse batterie"),
		chromedp.Click(chromedp.CSS("#add-user")),
		chromedp.WaitVisible(chromedp.CSS("#new-password2-error")),
	)
	if v := get(t, ctx, "the name kept", chromedp.Value(chromedp.CSS("#new-name"))); v != "Cal Clerk" {
		t.Errorf("the form lost the name: %q", v)
	}
	do(t, ctx, "add the user",
		chromedp.SendKeys(chromedp.CSS("#new-password"), "correct horse battery"),
		chromedp.SendKeys(chromedp.CSS("#new-password2"), "correct horse battery"),
		chromedp.Click(chromedp.CSS("#add-user")),
		chromedp.WaitVisible(chromedp.CSS("#admin-note")),
	)
	if row := text(t, ctx, `#users tr[data-user="Cal Clerk"]`); !strings.Contains(row, "active") {
		t.Errorf("the new user's row: %q", row)
	}
	if role := get(t, ctx, "the new user's role", chromedp.Evaluate[string](`document.querySelector('#users tr[data-user="Cal Clerk"] select').value`)); role != "auditor" {
		t.Errorf("the new user is %q", role)
	}
	do(t, ctx, "make a token for the new user",
		chromedp.Evaluate[chromedp.Void](`(s => { s.value = Array.from(s.options).find(o => o.text.startsWith("Cal Clerk")).value })(document.querySelector("#token-user"))`),
		chromedp.SendKeys(chromedp.CSS("#token-name"), "nightly export"),
		chromedp.Click(chromedp.CSS("#make-token")),
		chromedp.WaitVisible(chromedp.CSS("#new-token")),
	)
	secret := get(t, ctx, "the token", chromedp.Value(chromedp.CSS("#new-token")))
	if !auth.HasPrefix(secret, auth.TokenPrefix) {
		t.Fatalf("the page shows %q as the token", secret)
	}
	if w := text(t, ctx, "#new-token-warning"); !strings.Contains(w, "will not be shown again") {
		t.Errorf("the warning reads %q", w)
	}
	do(t, ctx, "copy it", chromedp.WaitVisible(chromedp.CSS("#copy-token")), chromedp.Click(chromedp.CSS("#copy-token")),
		chromedp.Poll[chromedp.Void](`document.querySelector("#copy-done").textContent !== ""`))
	screenshot(t, ctx, dir, "admin-token")
	checkAccessibility(t, ctx, "admin with a new token")

	do(t, ctx, "open the admin page again", chromedp.Navigate(f.srv.URL+"/admin"), chromedp.WaitVisible(chromedp.CSS("#tokens")))
	if s := text(t, ctx, "main"); strings.Contains(s, secret) {
		t.Error("the token's secret is shown again")
	}
	if row := text(t, ctx, `#tokens tr[data-token="nightly export"]`); !strings.Contains(row, "Cal Clerk") || !strings.Contains(row, "active") {
		t.Errorf("the token's row: %q", row)
	}
	screenshot(t, ctx, dir, "admin-users")
	checkAccessibility(t, ctx, "admin users")

	do(t, ctx, "open the audit log of users", chromedp.Click(chromedp.CSS("#tab-audit")), chromedp.WaitVisible(chromedp.CSS("#audit")),
		chromedp.SendKeys(chromedp.CSS("#kind"), "user"),
		chromedp.Submit(chromedp.CSS("#kind")),
		chromedp.WaitVisible(chromedp.CSS(`#kind[value="user"]`)))
	audit := text(t, ctx, "#audit tbody")
	if !strings.Contains(audit, "create-token") || !strings.Contains(audit, "create\tuser") || strings.Contains(audit, "episode ") {
		t.Errorf("the audit log of users:\n%s", audit)
	}
	screenshot(t, ctx, dir, "admin-audit")
	checkAccessibility(t, ctx, "audit log")
}
