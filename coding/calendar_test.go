package coding

import (
	"fmt"
	"math/rand"
	"slices"
	"testing"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/episode"
	"github.com/perdiem/perdiem/internal/gen"
	"github.com/perdiem/perdiem/profile"
)

// calendarReference is calendar as first written, every day on its own
// (the start and the end are calendar's).
func (c *coder) calendarReference(i int) *therapyDays {
	td, f, next, hi := c.calendarStart(i)
	if td == nil {
		return nil
	}
	t, lo := td.t, td.from
	ch := c.choose(t.Type, f)
	warned, skipped := false, 0
	var checked *choice // the last choice noteGeneral looked at
	infusion := c.infusionDays(t, lo, hi)
	nextStart := intervalStartFrom(f, lo)
	for d := lo; d <= hi; d++ {
		if next < len(t.Changes) && t.Changes[next].From == d {
			for next < len(t.Changes) && t.Changes[next].From == d {
				apply(&f, &t.Changes[next])
				next++
			}
			ch = c.choose(t.Type, f)
			nextStart = intervalStartFrom(f, d)
		}
		dd := &td.days[d-lo]
		dd.suite = f.suite
		dd.continuous = f.continuous != nil && *f.continuous
		if dd.continuous {
			td.continuousDays = true
		}
		if len(td.choices) == 0 || td.choices[len(td.choices)-1] != ch {
			td.choices = append(td.choices, ch)
		}
		dd.choice = uint16(len(td.choices))
		if f.everyHours > 72 {
			dd.interval = f.everyHours / 24
			if d == nextStart {
				dd.intervalStart = true
			}
			for nextStart <= d {
				nextStart = nextIntervalStart(f, nextStart)
			}
		}
		if inHold(t, d) {
			continue
		}
		if infusion != nil && !infusion[d-lo] {
			skipped++
			continue
		}
		dd.billable = true
		if !warned && ch != checked {
			checked = ch
			warned = c.noteGeneral(t, ch)
		}
	}
	c.calendarEnd(td, skipped, hi)
	return td
}

// TestCalendarMatchesReference builds the calendars of generated episodes
// under every shipped profile, with changes added, some out of order or on
// one day, and holds, and compares each day, the therapy's codes and flags
// and the warnings with calendarReference's.
func TestCalendarMatchesReference(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	ids := []string{"nhia", "bcbs-mi", "bcbs-nc", "bcbs-nd", "bcbs-ne", "bcbs-tx", "hmsa", "bc-idaho", "oregon-medicaid"}
	days := 0
	for n := 0; n < 3000; n++ {
		doc := gen.Episode(r)
		for k := range doc.Therapies {
			th := &doc.Therapies[k]
			for range r.Intn(4) {
				from := th.Start + civil.Date(r.Intn(50)-5)
				h := []float64{4, 8, 24, 96, 168}[r.Intn(5)]
				l := float64(r.Intn(5))
				cont := r.Intn(2) == 0
				th.Changes = append(th.Changes, episode.Change{From: from, EveryHours: &h, LitersPerDay: &l, Continuous: &cont,
					Method: []string{"", "pump", "bolus"}[r.Intn(3)], Site: []string{"", "home", "suite"}[r.Intn(3)]})
			}
			if r.Intn(3) > 0 {
				slices.SortFunc(th.Changes, func(a, b episode.Change) int { return int(a.From - b.From) })
			}
			if r.Intn(3) == 0 {
				from := th.Start + civil.Date(r.Intn(30))
				th.Holds = append(th.Holds, episode.Hold{From: from, To: from + civil.Date(r.Intn(6))})
			}
		}
		p, err := profile.Get(ids[n%len(ids)])
		if err != nil {
			t.Fatal(err)
		}
		build := func(calendar func(*coder, int) *therapyDays) (string, []*therapyDays) {
			c := coder{doc: doc, prof: p, s: &p.Settings, codes: codeset.Default(), memo: new(memo)}
			c.period = c.billingPeriod()
			var tds []*therapyDays
			for k := range doc.Therapies {
				if td := calendar(&c, k); td != nil {
					tds = append(tds, td)
				}
			}
			return fmt.Sprint(c.warnings), tds
		}
		gotWarn, got := build((*coder).calendar)
		wantWarn, want := build((*coder).calendarReference)
		if gotWarn != wantWarn {
			t.Fatalf("episode %d: warnings\n%s\nwant\n%s", n, gotWarn, wantWarn)
		}
		if len(got) != len(want) {
			t.Fatalf("episode %d: %d calendars, want %d", n, len(got), len(want))
		}
		for k := range want {
			g, w := got[k], want[k]
			if g.from != w.from || g.order != w.order || g.continuousDays != w.continuousDays || g.catheter != w.catheter ||
				!slices.Equal(g.days, w.days) || len(g.choices) != len(w.choices) {
				t.Fatalf("episode %d, therapy %s: calendar\n%+v\nwant\n%+v", n, g.t.ID, *g, *w)
			}
			for j := range w.choices {
				if *g.choices[j] != *w.choices[j] {
					t.Fatalf("episode %d, therapy %s: choice %d is %+v, want %+v", n, g.t.ID, j, *g.choices[j], *w.choices[j])
				}
			}
			days += len(w.days)
		}
	}
	if days < 100000 {
		t.Fatalf("only %d days: the episodes hardly test calendar", days)
	}
}
