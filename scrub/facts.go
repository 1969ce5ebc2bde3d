package scrub

import (
	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/episode"
)

// Facts are what an episode says that its claim does not: how often each
// therapy is dosed and how long each nursing visit lasted. The edits that
// need them (Edit.Needs) do not run without them.
type Facts struct {
	Therapies []Therapy
	Visits    []Visit
}

// Therapy is one therapy of the episode, by the id its lines carry
// (claim.Line.Therapy).
type Therapy struct {
	ID   string
	Type string
	// Intervals are the dosing intervals in days from each day on, the
	// first from the therapy's start, in order; Days 0 when not given.
	Intervals []Interval
}

// Interval is a dosing interval in force from a day on.
type Interval struct {
	From civil.Date
	Days float64
}

// Visit is one nursing visit.
type Visit struct {
	Date    civil.Date
	Minutes int
	Nurse   string // rn or lpn; "" when not given
	Therapy string
}

// FactsOf reads the facts of an episode document.
func FactsOf(doc *episode.Document) *Facts {
	f := &Facts{}
	days := func(hours, d *float64) (float64, bool) {
		switch {
		case hours != nil:
			return *hours / 24, true
		case d != nil:
			return *d, true
		}
		return 0, false
	}
	for _, t := range doc.Therapies {
		ft := Therapy{ID: t.ID, Type: t.Type}
		n, _ := days(t.EveryHours, t.EveryDays)
		ft.Intervals = append(ft.Intervals, Interval{From: t.Start, Days: n})
		for _, ch := range t.Changes {
			if n, ok := days(ch.EveryHours, ch.EveryDays); ok {
				ft.Intervals = append(ft.Intervals, Interval{From: ch.From, Days: n})
			}
		}
		f.Therapies = append(f.Therapies, ft)
	}
	for _, v := range doc.Visits {
		f.Visits = append(f.Visits, Visit{Date: v.Date, Minutes: v.Minutes, Nurse: v.Nurse, Therapy: v.Therapy})
	}
	return f
}

func (f *Facts) therapy(id string) *Therapy {
	if f == nil || id == "" {
		return nil
	}
	for i := range f.Therapies {
		if f.Therapies[i].ID == id {
			return &f.Therapies[i]
		}
	}
	return nil
}

// intervalDays is the shortest dosing interval in days of therapy id on
// the days of s; 0 when unknown or when any day of s has none given.
func (f *Facts) intervalDays(id string, s civil.Span) float64 {
	t := f.therapy(id)
	if t == nil {
		return 0
	}
	shortest := 0.0
	for i, iv := range t.Intervals {
		end := civil.Date(1<<31 - 1)
		if i+1 < len(t.Intervals) {
			end = t.Intervals[i+1].From - 1
		}
		if end < s.From || iv.From > s.To {
			continue
		}
		if iv.Days == 0 {
			return 0
		}
		if shortest == 0 || iv.Days < shortest {
			shortest = iv.Days
		}
	}
	return shortest
}
