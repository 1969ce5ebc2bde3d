package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// screenSizes are the screens the pages are laid out for: the issue's
// 1280×800 and a common laptop's 1366×768.
var screenSizes = []struct{ w, h int64 }{{1280, 800}, {1366, 768}}

// TestE2EMainPages opens every main page on the demo data, signed in as
// the demo biller (the admin pages as the demo admin), and for each runs
// axe-core (a critical violation fails the test, the others are logged),
// checks at both screen sizes the layout for a page wider than the screen
// and for content cut off or controls overlapping, and writes screenshots
// to the artifacts directory: the viewport at both sizes (NAME-WxH.png)
// and the whole page 1280 wide (NAME-full.png).
func TestE2EMainPages(t *testing.T) {
	ctx := browser(t)
	f := newDemoSite(t)
	dir := artifacts(t)
	// LANGFORD, CASPER's calendar shows every kind of day (billed, a
	// frequency change, a hospital stay, discontinued, not billed);
	// BRENNAN, OTIS's claim is paid and has the whole timeline.
	patient, episode := f.episodeOf(t, "LANGFORD, CASPER", "anti-infective")
	_, paid := f.episodeOf(t, "BRENNAN, OTIS", "anti-infective")
	cs := f.claims(t, paid)
	if len(cs) == 0 {
		t.Fatal("the demo episode has no claim")
	}
	claim := cs[0].ID

	type mainPage struct{ name, path, ready string }
	tour := func(pages []mainPage) {
		t.Helper()
		for _, p := range pages {
			do(t, ctx, "open the "+p.name+" page", chromedp.Navigate(f.srv.URL+p.path), chromedp.WaitVisible(chromedp.CSS(p.ready)))
			checkAccessibility(t, ctx, p.name)
			for _, s := range screenSizes {
				do(t, ctx, fmt.Sprintf("size the screen %d×%d", s.w, s.h), chromedp.EmulateViewport(s.w, s.h))
				checkLayout(t, ctx, fmt.Sprintf("%s at %d×%d", p.name, s.w, s.h))
				screenshot(t, ctx, dir, fmt.Sprintf("%s-%dx%d", p.name, s.w, s.h))
			}
			do(t, ctx, "size the screen 1280×800", chromedp.EmulateViewport(1280, 800))
			// The whole page too, unless it is very long (a screenshot of
			// more than a few screens takes long and says little more).
			if h := get(t, ctx, "height of "+p.name, chromedp.Evaluate[int](`document.documentElement.scrollHeight`)); h <= 4000 {
				png := get(t, ctx, "screenshot of the whole "+p.name+" page", chromedp.FullScreenshot(100))
				if err := os.WriteFile(filepath.Join(dir, p.name+"-full.png"), png, 0o644); err != nil {
					t.Fatal(err)
				}
			} else {
				t.Logf("the %s page is %d px long: no screenshot of the whole page", p.name, h)
			}
		}
	}

	tour([]mainPage{{"login", "/login", "#name"}})
	signIn(t, ctx, f.srv.URL+"/", f.biller().Name, f.biller().Password)
	tour([]mainPage{
		{"queue", "/", "#claims"},
		{"patients", "/patients", "main table"},
		{"patient", "/patients/" + patient, "main"},
		{"calendar", "/episodes/" + episode + "/calendar?month=2026-03", "#month-title"},
		{"editor", "/episodes/" + episode + "/edit", "#preview"},
		{"claim", "/claims/" + claim, "#timeline"},
		{"print", "/claims/" + claim + "/print", ".cms1500"},
		{"files", "/files", "#file"},
		{"billing-runs", "/billing-runs", "#run-form"},
		{"rules", "/rules", "main"},
	})
	do(t, ctx, "sign out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS("#name")))
	signIn(t, ctx, f.srv.URL+"/admin", f.admin().Name, f.admin().Password)
	tour([]mainPage{{"admin", "/admin", "#users"}, {"audit", "/admin/audit", "#audit"}})
}

// checkLayout fails when the open page is wider than the screen (a
// horizontal scroll bar) or when an element's text is cut off by its box
// or two controls overlap.
func checkLayout(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	problems := get(t, ctx, "layout of "+page, chromedp.Evaluate[[]string](layoutProbe))
	for _, p := range problems {
		t.Errorf("%s: %s", page, p)
	}
}

// layoutProbe lists what is wrong with the layout of the open page.
const layoutProbe = `(() => {
	const out = [];
	const doc = document.documentElement;
	if (doc.scrollWidth > doc.clientWidth + 1) out.push("the page is " + doc.scrollWidth + " px wide on a " + doc.clientWidth + " px screen");
	const name = e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && typeof e.className === "string" ? "." + e.className.trim().split(/\s+/).join(".") : "");
	const visible = e => { const r = e.getBoundingClientRect(); return r.width > 1 && r.height > 1 && e.checkVisibility({visibilityProperty: true, opacityProperty: true}); };
	for (const e of document.querySelectorAll("body *")) {
		if (!visible(e)) continue;
		const s = getComputedStyle(e);
		if ((s.overflowX === "hidden" || s.overflowX === "clip") && e.scrollWidth > e.clientWidth + 1 && s.textOverflow !== "ellipsis" && s.clipPath === "none")
			out.push(name(e) + " cuts off its content (" + e.scrollWidth + " px in " + e.clientWidth + ")");
	}
	const controls = Array.from(document.querySelectorAll("main a, main button, main input, main select, main textarea, main label, main th, main h1, main h2")).filter(visible);
	for (let i = 0; i < controls.length; i++) {
		const a = controls[i].getBoundingClientRect();
		for (let j = i + 1; j < controls.length; j++) {
			const b = controls[j];
			if (controls[i].contains(b) || b.contains(controls[i])) continue;
			const r = b.getBoundingClientRect();
			const w = Math.min(a.right, r.right) - Math.max(a.left, r.left), h = Math.min(a.bottom, r.bottom) - Math.max(a.top, r.top);
			if (w > 2 && h > 2) out.push(name(controls[i]) + " overlaps " + name(b));
		}
	}
	return out.slice(0, 20);
})()`
