package coding

import (
	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/episode"
	"github.com/perdiem/perdiem/profile"
)

// DayState is what the engine decided for one therapy on one day.
type DayState uint8

// The states of a therapy's day, each with the rule that decides it.
const (
	// DayOutside is a day outside the billing period (LN-3).
	DayOutside DayState = iota
	// DayNotStarted is a day before the therapy's start (PD-1).
	DayNotStarted
	// DayDiscontinued is a day after the therapy's end (PD-5).
	DayDiscontinued
	// DayHold is a day inside one of the therapy's holds (PD-4).
	DayHold
	// DayNotBilled is a day of access that a rule leaves unbilled: the
	// profile's day counting (PD-6), a dosing interval that starts on no
	// day of the line (PD-3), a forbidden combination (CC-4), or catheter
	// care on a day another per diem covers (CS-8).
	DayNotBilled
	// DayBilled is a day on a per diem line.
	DayBilled
)

var dayStateNames = [...]string{"outside", "not-started", "discontinued", "hold", "not-billed", "billed"}

func (s DayState) String() string {
	if int(s) < len(dayStateNames) {
		return dayStateNames[s]
	}
	return "unknown"
}

// Day is the engine's decision for one therapy on one day.
type Day struct {
	Date  civil.Date
	State DayState
	// Rule is the ID in coding-standard.md of the rule that decided the
	// state; a billed day's reasons are those of its line.
	Rule string
	// Line is the index in Result.Lines of the per diem line that bills
	// the day, or -1.
	Line int
	// Hold is the index in the therapy's holds of the hold holding the
	// day, or -1.
	Hold int
	// IntervalStart marks the days a dosing interval of a weekly or
	// monthly therapy starts, each one unit of its line (PD-3).
	IntervalStart bool
}

// TherapyDays is one therapy's days over the span asked for.
type TherapyDays struct {
	// Therapy is the therapy's index in the document's therapies.
	Therapy int
	Days    []Day
}

// Source names the item of the document a line came from: List is
// "therapies", "visits", "drugs" or "supplies", Index its place there.
type Source struct {
	List  string
	Index int
}

// Calendar is a coded document with the decisions behind its lines.
type Calendar struct {
	// Result is what Code gives for the document.
	Result *claim.Result
	// Therapies has one entry per therapy of the document, in order.
	Therapies []TherapyDays
	// Sources[k] is the item that line k of Result came from.
	Sources []Source
}

// Days codes doc as Code does and says, for each therapy and each day of
// span, what the engine decided and by which rule: the per diem calendar
// behind the lines. Span may reach outside the billing period; those days
// are DayOutside.
func Days(doc *episode.Document, opt Options, span civil.Span) (*Calendar, error) {
	p := opt.Profile
	if p == nil {
		id := doc.Profile
		if id == "" {
			id = "nhia"
		}
		var err error
		if p, err = profile.Get(id); err != nil {
			return nil, &episode.Error{Problems: []episode.Problem{{Path: "profile", Message: err.Error()}}}
		}
	}
	// A coder of its own, outside the pool: its calendars are read after
	// the run.
	c := coder{doc: doc, prof: p, s: &p.Settings, codes: opt.Codes, memo: new(memo)}
	if c.codes == nil {
		c.codes = codeset.Default()
	}
	res, err := c.run()
	if err != nil {
		return nil, err
	}
	calendars := make(map[int]*therapyDays, len(c.therapies))
	for _, td := range c.therapies {
		calendars[td.order] = td
	}
	// lineOf[i] lists the per diem lines of therapy i.
	lineOf := make(map[int][]int)
	sources := make([]Source, len(res.Lines))
	for k := range res.Lines {
		sources[k] = Source{List: c.meta[k].path.list, Index: c.meta[k].path.i}
		if m := c.meta[k]; res.Lines[k].Kind == claim.PerDiem && m.path.list == "therapies" {
			lineOf[m.path.i] = append(lineOf[m.path.i], k)
		}
	}
	out := make([]TherapyDays, len(doc.Therapies))
	for i := range doc.Therapies {
		t := &doc.Therapies[i]
		td := calendars[i]
		var infusion []bool
		if td != nil {
			infusion = c.infusionDays(t, td.from, td.from+civil.Date(len(td.days)-1))
		}
		days := make([]Day, 0, span.Days())
		for d := span.From; d <= span.To; d++ {
			days = append(days, c.dayOf(t, td, infusion, lineOf[i], res.Lines, d))
		}
		out[i] = TherapyDays{Therapy: i, Days: days}
	}
	return &Calendar{Result: &res, Therapies: out, Sources: sources}, nil
}

// dayOf decides one day of therapy t, whose calendar td (nil when the
// therapy has no day in the period) the run left.
func (c *coder) dayOf(t *episode.Therapy, td *therapyDays, infusion []bool, lines []int, all []claim.Line, d civil.Date) Day {
	day := Day{Date: d, Line: -1, Hold: -1}
	switch {
	case !c.period.Contains(d):
		day.State, day.Rule = DayOutside, "LN-3"
		return day
	case d < t.Start:
		day.State, day.Rule = DayNotStarted, "PD-1"
		return day
	case t.End != nil && d > *t.End:
		day.State, day.Rule = DayDiscontinued, "PD-5"
		return day
	}
	for k := range t.Holds {
		if d >= t.Holds[k].From && d <= t.Holds[k].To {
			day.State, day.Rule, day.Hold = DayHold, "PD-4", k
			return day
		}
	}
	x := td.at(d)
	day.IntervalStart = x.intervalStart
	if x.billable {
		for _, k := range lines {
			if all[k].From <= d && d <= all[k].To {
				day.State, day.Rule, day.Line = DayBilled, all[k].Why[0].Rule, k
				return day
			}
		}
		// A weekly or monthly therapy's piece in which no interval
		// starts bills nothing (PD-3).
		day.State, day.Rule = DayNotBilled, "PD-3"
		return day
	}
	day.State = DayNotBilled
	switch {
	case infusion != nil && !infusion[d-td.from]:
		day.Rule = "PD-6"
	case c.s.PerDiemDays == profile.Elapsed24h && x.continuous:
		day.Rule = "PD-6"
	case td.catheter:
		day.Rule = "CS-8"
	default:
		// The one other rule that unbills an access day.
		day.Rule = "CC-4"
	}
	return day
}
