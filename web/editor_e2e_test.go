package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// unitsOf sums the units of the lines with a code in the table under sel.
func unitsOf(t *testing.T, ctx context.Context, sel, code string) int {
	t.Helper()
	return get(t, ctx, "units of "+code, chromedp.Evaluate[int](`Array.from(document.querySelectorAll(`+
		"`"+sel+` tr[data-code="`+code+`"] td[data-units]`+"`"+`)).reduce((n, td) => n + Number(td.textContent), 0)`))
}

func TestE2EEditorHospitalStayTurnsDaysToHold(t *testing.T) {
	ctx := browser(t)
	f := newFixture(t)
	dir := artifacts(t)

	signIn(t, ctx, f.srv.URL+"/episodes/"+f.episode+"/calendar?month=2026-05", "bea", "biller-pw")
	do(t, ctx, "open the editor", chromedp.Click(chromedp.CSS("#edit-episode")), chromedp.WaitVisible(chromedp.CSS("#editor")))
	if n := unitsOf(t, ctx, "#preview", "S9501"); n != 12 {
		t.Fatalf("the preview bills %d units of S9501 before the edit, want 12", n)
	}
	do(t, ctx, "add a hold to abx",
		chromedp.Click(chromedp.CSS(`button[value="add:therapies[0].holds"]`)),
		chromedp.WaitVisible(chromedp.CSS("#f-therapies-0-holds-1-from")),
		chromedp.SendKeys(chromedp.CSS("#f-therapies-0-holds-1-from"), "05/15/2026"),
		chromedp.SendKeys(chromedp.CSS("#f-therapies-0-holds-1-to"), "05/17/2026"),
		chromedp.SendKeys(chromedp.CSS("#f-therapies-0-holds-1-reason"), "inpatient\t"),
	)
	day := `#preview tr.row-therapy:nth-child(1) td[data-date="2026-05-16"]`
	do(t, ctx, "wait for the preview to show the hold",
		chromedp.Poll[chromedp.Void](`document.querySelector('`+day+`.hold') !== null`))
	if code := text(t, ctx, day+" .code"); code != "HOLD" {
		t.Errorf("05/16 in the preview shows %q, want HOLD", code)
	}
	if n := unitsOf(t, ctx, "#preview", "S9501"); n != 9 {
		t.Errorf("the preview bills %d units of S9501 after a 3-day stay, want 9", n)
	}
	screenshot(t, ctx, dir, "editor")
	checkAccessibility(t, ctx, "editor")
	if v := f.version(t); v != 1 {
		t.Fatalf("the preview saved version %d", v)
	}

	do(t, ctx, "save", chromedp.Click(chromedp.CSS("#save")), chromedp.WaitVisible(chromedp.CSS("#month-title")))
	if crumbs := text(t, ctx, "nav.crumbs"); !strings.Contains(crumbs, "version 2") {
		t.Errorf("after saving, the calendar shows %q", crumbs)
	}
	if code := text(t, ctx, `tr.row-therapy:nth-child(1) td[data-date="2026-05-16"] .code`); code != "HOLD" {
		t.Errorf("05/16 after saving shows %q", code)
	}
	if n := unitsOf(t, ctx, "table.lines", "S9501"); n != 9 {
		t.Errorf("the saved version bills %d units of S9501, want 9", n)
	}
}

func TestE2EEditorShowsProblemsBesideFields(t *testing.T) {
	ctx := browser(t)
	f := newFixture(t)

	signIn(t, ctx, f.srv.URL+"/episodes/"+f.episode+"/edit", "bea", "biller-pw")
	do(t, ctx, "break two fields and save",
		chromedp.Clear(chromedp.CSS("#f-therapies-0-every_hours")),
		chromedp.SendKeys(chromedp.CSS("#f-therapies-0-every_hours"), "often"),
		chromedp.Clear(chromedp.CSS("#f-therapies-0-holds-0-to")),
		chromedp.SendKeys(chromedp.CSS("#f-therapies-0-holds-0-to"), "05/01/2026"),
		chromedp.Click(chromedp.CSS("#save")),
		chromedp.WaitVisible(chromedp.CSS(".error-box")),
	)
	if msg := text(t, ctx, "#f-therapies-0-every_hours-err"); !strings.Contains(msg, "want a number") {
		t.Errorf("beside every_hours: %q", msg)
	}
	if invalid := get(t, ctx, "aria-invalid", chromedp.AttributeValue(chromedp.CSS("#f-therapies-0-every_hours"), "aria-invalid")); invalid.Value != "true" {
		t.Errorf("every_hours is not marked invalid")
	}
	if v := f.version(t); v != 1 {
		t.Errorf("a document with problems was saved as version %d", v)
	}
}
