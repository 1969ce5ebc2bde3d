package coding

import (
	"math/rand"
	"testing"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/internal/gen"
	"github.com/perdiem/perdiem/money"
	"github.com/perdiem/perdiem/profile"
)

// rankReference is rank as it was first written: every comparison looks
// each therapy's day and rate up again. rank must set the same ranks and
// criteria.
func (c *coder) rankReference() {
	if len(c.therapies) < 2 {
		return
	}
	rate := func(td *therapyDays, d civil.Date) money.Amount {
		x := td.at(d)
		if x == nil || x.choice == 0 {
			return 0
		}
		return c.s.Rates[td.choiceOf(x).code]
	}
	compare := func(a, b *therapyDays, d civil.Date) (bool, int) {
		switch c.s.PrimaryTherapy {
		case profile.PrimaryFirstBilled:
			return a.order < b.order, rankByOrder
		case profile.PrimaryRate:
			ra, rb := rate(a, d), rate(b, d)
			if ra != rb {
				return ra > rb, rankByRate
			}
			return a.order < b.order, rankByOrder
		}
		ra, rb := rate(a, d), rate(b, d)
		if ra != 0 && rb != 0 && ra != rb {
			return ra > rb, rankByRate
		}
		if a.t.Start != b.t.Start {
			return a.t.Start < b.t.Start, rankByStart
		}
		return a.order < b.order, rankByOrder
	}
	var todays []*therapyDays
	for d := c.period.From; d <= c.period.To; d++ {
		todays = todays[:0]
		for _, td := range c.therapies {
			if x := td.at(d); x != nil && td.ranked(x) {
				todays = append(todays, td)
			}
		}
		if len(todays) < 2 {
			continue
		}
		for i := 1; i < len(todays); i++ {
			for j := i; j > 0; j-- {
				if first, _ := compare(todays[j], todays[j-1], d); !first {
					break
				}
				todays[j], todays[j-1] = todays[j-1], todays[j]
			}
		}
		for r, td := range todays {
			x := td.at(d)
			x.rank = uint8(min(r, 2))
			if r > 0 {
				_, by := compare(todays[r-1], td, d)
				x.rankedBy |= 1 << by
			}
			if r+1 < len(todays) {
				_, by := compare(td, todays[r+1], d)
				x.rankedBy |= 1 << by
			}
		}
	}
}

// TestRankMatchesReference ranks the calendars of generated episodes, of up
// to eleven therapies, under every primary_therapy with random rates (ties
// and missing codes among them), and compares each day's rank and criteria
// with rankReference's.
func TestRankMatchesReference(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	base, err := profile.Get("nhia")
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, c := range codeset.Default().All() {
		if c.Kind == codeset.PerDiem {
			codes = append(codes, c.Code)
		}
	}
	ranked := 0
	for i := 0; i < 3000; i++ {
		doc := gen.Episode(r)
		for len(doc.Therapies) < 11 && r.Intn(3) == 0 {
			doc.Therapies = append(doc.Therapies, gen.Episode(r).Therapies...)
		}
		p := *base
		p.ID = "test"
		p.Settings.PrimaryTherapy = []string{profile.PrimaryRateThenStart, profile.PrimaryFirstBilled, profile.PrimaryRate}[i%3]
		p.Settings.Rates = map[string]money.Amount{}
		for _, code := range codes {
			if r.Intn(3) > 0 {
				p.Settings.Rates[code] = money.Amount(r.Intn(4) * 1000)
			}
		}
		c := coder{doc: doc, prof: &p, s: &p.Settings, codes: codeset.Default()}
		c.period = c.billingPeriod()
		for k := range doc.Therapies {
			if td := c.calendar(k); td != nil {
				c.therapies = append(c.therapies, td)
			}
		}
		c.generalizeFamilies()
		c.forbidConcurrent()
		before := make([][]day, len(c.therapies))
		for k, td := range c.therapies {
			before[k] = append([]day(nil), td.days...)
		}
		c.rank()
		got := make([][]day, len(c.therapies))
		for k, td := range c.therapies {
			got[k] = append([]day(nil), td.days...)
			copy(td.days, before[k])
		}
		c.rankReference()
		for k, td := range c.therapies {
			for n, want := range td.days {
				if g := got[k][n]; g.rank != want.rank || g.rankedBy != want.rankedBy {
					t.Fatalf("episode %d (%s), therapy %s, %s: rank %d by %03b, want %d by %03b",
						i, p.Settings.PrimaryTherapy, td.t.ID, td.from+civil.Date(n), g.rank, g.rankedBy, want.rank, want.rankedBy)
				}
				if want.rankedBy != 0 {
					ranked++
				}
			}
		}
	}
	if ranked < 10000 {
		t.Fatalf("only %d ranked days: the episodes hardly test rank", ranked)
	}
}
