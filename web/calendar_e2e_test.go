package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestE2ECalendarShowsWhyADayIsBilled(t *testing.T) {
	ctx := browser(t)
	f := newFixture(t)
	dir := artifacts(t)

	signIn(t, ctx, f.srv.URL+"/episodes/"+f.episode+"/calendar?month=2026-05", "bea", "biller-pw")
	abx := func(date string) string { return `tr.row-therapy:nth-child(1) td[data-date="` + date + `"]` }
	if title, code := text(t, ctx, "#month-title"), text(t, ctx, abx("2026-05-13")+" .code"); title != "May 2026" || code != "S9501" {
		t.Fatalf("month %q, 05/13 shows %q; want May 2026 and S9501", title, code)
	}
	screenshot(t, ctx, dir, "calendar")
	do(t, ctx, "open the reason of 05/13",
		chromedp.Click(chromedp.CSS(abx("2026-05-13")+" button.day")),
		chromedp.WaitVisible(chromedp.CSS("#p-t0-13")))
	reason := text(t, ctx, "#p-t0-13")
	for _, want := range []string{"05/13/2026: abx billed S9501", "PD-1", "A per diem unit is each day the patient has access",
		"CS-2", "every 12 hours -> S9501", "Line 5: S9501, 05/13/2026–05/24/2026, 12 unit(s)"} {
		if !strings.Contains(reason, want) {
			t.Errorf("the reason of 05/13 does not say %q:\n%s", want, reason)
		}
	}
	screenshot(t, ctx, dir, "calendar-reason")
	do(t, ctx, "close the reason with Escape", chromedp.KeyEvent("\x1b"), chromedp.WaitNotVisible(chromedp.CSS("#p-t0-13")))

	do(t, ctx, "open a hold day's reason",
		chromedp.Click(chromedp.CSS(abx("2026-05-09")+" button.day")),
		chromedp.WaitVisible(chromedp.CSS("#p-t0-9")))
	reason = text(t, ctx, "#p-t0-9")
	do(t, ctx, "close it", chromedp.KeyEvent("\x1b"))
	if !strings.Contains(reason, "on hold: inpatient") || !strings.Contains(reason, "PD-4") {
		t.Errorf("the reason of a hold day:\n%s", reason)
	}
	checkAccessibility(t, ctx, "calendar")

	do(t, ctx, "next month", chromedp.Click(chromedp.CSS(".month-nav a[rel=next]")), chromedp.WaitVisible(chromedp.CSS("#month-title")))
	if title := text(t, ctx, "#month-title"); title != "June 2026" {
		t.Errorf("after one click on next month: %q", title)
	}
	if class := get(t, ctx, "a June day", chromedp.AttributeValue(chromedp.CSS(abx("2026-06-01")), "class")); !strings.Contains(class.Value, "outside") {
		t.Errorf("06/01 of a May period is %q, want outside", class.Value)
	}
}
