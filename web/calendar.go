package web

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/coding"
	"github.com/perdiem/perdiem/episode"
)

// Calendar is the month view of an episode: one row per therapy, then a
// row for nursing visits and one for drugs, each cell a day with what the
// engine decided and why.
type Calendar struct {
	Month      civil.Date // the first day of the month shown
	Title      string     // "May 2026"
	Prev, Next string     // the months either side, YYYY-MM
	Period     civil.Span // the billing period
	Days       []DayHead
	Rows       []Row
	Result     *claim.Result
}

// DayHead heads one column.
type DayHead struct {
	Date     civil.Date
	Num      int
	Weekday  string // "Mo"
	Weekend  bool
	InPeriod bool
}

// Row is one line of the grid.
type Row struct {
	Label string // the therapy id, "Nursing" or "Drugs"
	Sub   string // the therapy type
	Kind  string // "therapy", "nursing", "drugs"
	Cells []Cell
}

// Cell is one day of a row.
type Cell struct {
	ID    string // unique in the page, for the reason's popover
	Date  civil.Date
	State string // css class and machine-readable state: billed, hold, not-started, …
	// Tone is "sh" or "sj" on a billed day of a concurrent therapy.
	Tone string
	// Short is what the cell shows (a code, HOLD, a dash); Mod the
	// concurrency or site modifiers shown under it.
	Short string
	Mod   string
	// Label says in words what the cell shows, for screen readers and the
	// hover title.
	Label   string
	Empty   bool // nothing happens that day in this row (nursing, drugs)
	Lines   []CellLine
	Reasons []CellReason
}

// CellLine is a claim line a cell belongs to.
type CellLine struct {
	Number    int // 1-based, as on the claim
	Code      string
	Modifiers string
	From, To  civil.Date
	Units     string
}

// CellReason is one rule behind a cell: its ID, its sentence from the
// coding standard, and what it did here.
type CellReason struct {
	Rule     string
	Sentence string
	Detail   string
}

var stateWords = map[coding.DayState]string{
	coding.DayOutside:      "outside the billing period",
	coding.DayNotStarted:   "not yet started",
	coding.DayDiscontinued: "discontinued",
	coding.DayHold:         "on hold",
	coding.DayNotBilled:    "not billed",
	coding.DayBilled:       "billed",
}

var stateShort = map[coding.DayState]string{
	coding.DayOutside:      "out",
	coding.DayNotStarted:   "pre",
	coding.DayDiscontinued: "end",
	coding.DayHold:         "HOLD",
	coding.DayNotBilled:    "none",
}

// MonthOf returns the first day of the month of d.
func MonthOf(d civil.Date) civil.Date {
	y, m, _ := d.YMD()
	return civil.FromYMD(y, m, 1)
}

// ParseMonth reads YYYY-MM.
func ParseMonth(s string) (civil.Date, error) {
	d, err := civil.Parse(s + "-01")
	if err != nil || len(s) != 7 {
		return 0, fmt.Errorf("month %q: want YYYY-MM", s)
	}
	return d, nil
}

func monthKey(d civil.Date) string { return d.String()[:7] }

var monthNames = [...]string{"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"}

var weekdayShort = [...]string{"Su", "Mo", "Tu", "We", "Th", "Fr", "Sa"}

// BuildCalendar codes doc and lays out the month starting on month (any
// day of it) as a calendar. Coding errors come back as coding.Code's.
func BuildCalendar(doc *episode.Document, opt coding.Options, month civil.Date) (*Calendar, error) {
	month = MonthOf(month)
	end := month.MonthEnd()
	span := civil.Span{From: month, To: end}
	cal, err := coding.Days(doc, opt, span)
	if err != nil {
		return nil, err
	}
	res := cal.Result
	y, m, _ := month.YMD()
	v := &Calendar{
		Month:  month,
		Title:  monthNames[m-1] + " " + strconv.Itoa(y),
		Prev:   monthKey(MonthOf(month - 1)),
		Next:   monthKey(end + 1),
		Period: res.Period,
		Result: res,
	}
	for d := month; d <= end; d++ {
		_, _, n := d.YMD()
		wd := d.Weekday()
		v.Days = append(v.Days, DayHead{Date: d, Num: n, Weekday: weekdayShort[wd], Weekend: wd == 0 || wd == 6, InPeriod: res.Period.Contains(d)})
	}
	for _, td := range cal.Therapies {
		t := &doc.Therapies[td.Therapy]
		row := Row{Label: t.ID, Sub: t.Type, Kind: "therapy"}
		for k, d := range td.Days {
			row.Cells = append(row.Cells, therapyCell(fmt.Sprintf("t%d-%d", td.Therapy, k+1), t, d, res))
		}
		v.Rows = append(v.Rows, row)
	}
	v.Rows = append(v.Rows, nursingRow(doc, cal, span), drugRow(doc, cal, span))
	return v, nil
}

func therapyCell(id string, t *episode.Therapy, d coding.Day, res *claim.Result) Cell {
	c := Cell{ID: id, Date: d.Date, State: d.State.String(), Short: stateShort[d.State]}
	words := stateWords[d.State]
	switch d.State {
	case coding.DayBilled:
		l := &res.Lines[d.Line]
		c.Short, c.Mod = l.Code, strings.Join(l.Modifiers, " ")
		for _, m := range l.Modifiers {
			if m == "SH" || m == "SJ" {
				c.Tone = strings.ToLower(m)
			}
		}
		words = "billed " + l.Code
		if c.Mod != "" {
			words += " " + c.Mod
		}
		if d.IntervalStart {
			words += ", a dosing interval starts"
		}
		c.Lines = []CellLine{cellLine(res, d.Line)}
		for _, r := range l.Why {
			c.Reasons = append(c.Reasons, reason(r.Rule, r.Text))
		}
		if d.Rule == "PD-3" && !d.IntervalStart {
			c.Short = "·"
			c.Mod = l.Code
			words = "inside a dosing interval of " + l.Code + " (no new unit)"
		}
	case coding.DayHold:
		h := t.Holds[d.Hold]
		detail := fmt.Sprintf("hold %s–%s", usDate(h.From), usDate(h.To))
		if h.Reason != "" {
			detail += " (" + h.Reason + ")"
			words = "on hold: " + h.Reason
		}
		c.Reasons = []CellReason{reason(d.Rule, detail)}
	case coding.DayNotStarted:
		c.Reasons = []CellReason{reason(d.Rule, "the therapy starts on "+usDate(t.Start))}
	case coding.DayDiscontinued:
		c.Reasons = []CellReason{reason(d.Rule, "the therapy ended on "+usDate(*t.End))}
	case coding.DayOutside:
		c.Reasons = []CellReason{reason(d.Rule, fmt.Sprintf("the billing period is %s–%s", usDate(res.Period.From), usDate(res.Period.To)))}
	case coding.DayNotBilled:
		c.Reasons = []CellReason{reason(d.Rule, notBilledDetail(d.Rule, res, t.ID))}
		words = "not billed (" + d.Rule + ")"
	}
	c.Label = usDate(d.Date) + ": " + t.ID + " " + words
	return c
}

// notBilledDetail finds the engine's warning that says why access days of
// a therapy were not billed.
func notBilledDetail(rule string, res *claim.Result, therapy string) string {
	for _, w := range res.Warnings {
		if w.Rule == rule && (strings.Contains(w.Message, "therapy "+therapy+" ") || strings.Contains(w.Message, "therapy "+therapy+":")) {
			return w.Message
		}
	}
	return ""
}

func cellLine(res *claim.Result, k int) CellLine {
	l := &res.Lines[k]
	return CellLine{Number: k + 1, Code: l.Code, Modifiers: strings.Join(l.Modifiers, " "), From: l.From, To: l.To,
		Units: strconv.FormatFloat(l.Units, 'f', -1, 64)}
}

func reason(rule, detail string) CellReason {
	return CellReason{Rule: rule, Sentence: rules[rule].Sentence, Detail: detail}
}

// linesFrom lists the lines that came from one item of the document.
func linesFrom(cal *coding.Calendar, list string, i int) []int {
	var out []int
	for k, s := range cal.Sources {
		if s.List == list && s.Index == i {
			out = append(out, k)
		}
	}
	return out
}

func nursingRow(doc *episode.Document, cal *coding.Calendar, span civil.Span) Row {
	row := Row{Label: "Nursing", Sub: "visits", Kind: "nursing"}
	res := cal.Result
	for d := span.From; d <= span.To; d++ {
		c := Cell{ID: fmt.Sprintf("n-%d", int(d-span.From)+1), Date: d, State: "none", Empty: true}
		var what []string
		for i := range doc.Visits {
			v := &doc.Visits[i]
			if v.Date != d {
				continue
			}
			c.Empty = false
			nurse := strings.ToUpper(v.Nurse)
			if nurse == "" {
				nurse = "nurse"
			}
			what = append(what, fmt.Sprintf("%s visit, %d min", nurse, v.Minutes))
			lines := linesFrom(cal, "visits", i)
			if len(lines) == 0 {
				c.Reasons = append(c.Reasons, reason("LN-3", "the visit is not on this claim: outside the billing period or billed elsewhere"))
			}
			for _, k := range lines {
				c.Lines = append(c.Lines, cellLine(res, k))
				for _, r := range res.Lines[k].Why {
					c.Reasons = append(c.Reasons, reason(r.Rule, r.Text))
				}
			}
		}
		if !c.Empty {
			c.State = "visit"
			c.Short = "RN"
			if len(c.Lines) > 0 {
				c.Short = c.Lines[0].Code
				c.Mod = c.Lines[0].Modifiers
			}
			c.Label = usDate(d) + ": " + strings.Join(what, "; ")
		}
		row.Cells = append(row.Cells, c)
	}
	return row
}

func drugRow(doc *episode.Document, cal *coding.Calendar, span civil.Span) Row {
	row := Row{Label: "Drugs", Sub: "deliveries", Kind: "drugs"}
	res := cal.Result
	for d := span.From; d <= span.To; d++ {
		c := Cell{ID: fmt.Sprintf("g-%d", int(d-span.From)+1), Date: d, State: "none", Empty: true}
		var what []string
		during := false
		for i := range doc.Drugs {
			g := &doc.Drugs[i]
			if d < g.From || d > g.To {
				continue
			}
			if d != g.From {
				during = true
				continue
			}
			c.Empty = false
			name := g.HCPCS
			if name == "" {
				name = "NDC " + g.NDC
			}
			what = append(what, fmt.Sprintf("%s delivered for %s–%s, %d doses", name, usDate(g.From), usDate(g.To), g.Doses))
			lines := linesFrom(cal, "drugs", i)
			if len(lines) == 0 {
				c.Reasons = append(c.Reasons, reason("LN-3", "the drug is not billed on this claim"))
			}
			for _, k := range lines {
				c.Lines = append(c.Lines, cellLine(res, k))
				for _, r := range res.Lines[k].Why {
					c.Reasons = append(c.Reasons, reason(r.Rule, r.Text))
				}
			}
			if c.Short == "" {
				c.Short = name
				if len(c.Lines) > 0 {
					c.Short, c.Mod = c.Lines[0].Code, "×"+c.Lines[0].Units
				}
			}
		}
		switch {
		case !c.Empty:
			c.State = "drug"
			c.Label = usDate(d) + ": " + strings.Join(what, "; ")
		case during:
			c.State = "drug-span"
			c.Empty = false
			c.Short = "·"
			c.Label = usDate(d) + ": inside a drug's delivery span"
			c.Reasons = []CellReason{reason("DR-1", "every drug is its own line, billed from the day it starts")}
		}
		row.Cells = append(row.Cells, c)
	}
	return row
}

// usDate writes a date as people write it in the US: MM/DD/YYYY.
func usDate(d civil.Date) string { return d.US() }
