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

func TestE2EEditorShowsProblemsBesideFields(t *testing.T) {
	ctx := browser(t)
	f := newDemoSite(t)
	_, episode := f.episodeOf(t, "LANGFORD, CASPER", "anti-infective")

	signIn(t, ctx, f.srv.URL+"/episodes/"+episode+"/edit", f.biller().Name, f.biller().Password)
	do(t, ctx, "break two fields and save",
		chromedp.Clear(chromedp.CSS("#f-therapies-0-every_hours")),
		chromedp.SendKeys(chromedp.CSS("#f-therapies-0-every_hours"), "often"),
		chromedp.Clear(chromedp.CSS("#f-therapies-0-holds-0-to")),
		chromedp.SendKeys(chromedp.CSS("#f-therapies-0-holds-0-to"), "03/01/2026"),
		chromedp.Click(chromedp.CSS("#save")),
		chromedp.WaitVisible(chromedp.CSS(".error-box")),
	)
	if msg := text(t, ctx, "#f-therapies-0-every_hours-err"); !strings.Contains(msg, "want a number") {
		t.Errorf("beside every_hours: %q", msg)
	}
	if invalid := get(t, ctx, "aria-invalid", chromedp.AttributeValue(chromedp.CSS("#f-therapies-0-every_hours"), "aria-invalid")); invalid.Value != "true" {
		t.Errorf("every_hours is not marked invalid")
	}
	if v := f.version(t, episode); v != 1 {
		t.Errorf("a document with problems was saved as version %d", v)
	}
}
