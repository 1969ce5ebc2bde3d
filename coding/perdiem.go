package coding

import (
	"github.com/perdiem/perdiem/money"
	"math"
	"slices"
	"strings"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/episode"
	"github.com/perdiem/perdiem/profile"
)

// therapyDays is one therapy's calendar inside the billing period.
type therapyDays struct {
	t     *episode.Therapy
	order int // position in the document (CC-2 ties)
	path  ref
	from  civil.Date // first day inside the period
	days  []day      // days[i] is from+i
	// catheter therapies bill only on days nothing else covers (CS-8).
	catheter bool
	// nocNoted: the missing description of a NOC code was reported.
	nocNoted bool
	// continuous on some day, for elapsed-24h counting (PD-6).
	continuousDays bool
	// intervalNoted: the PD-3 note has been given for this therapy.
	intervalNoted bool
	// choices are the codes of the therapy's days, one per run of equal
	// facts; days refer to them by index so a calendar holds no pointers.
	choices []*choice
}

// choiceOf returns the code chosen for day x.
func (td *therapyDays) choiceOf(x *day) *choice {
	if x.choice == 0 {
		return nil
	}
	return td.choices[x.choice-1]
}

// day is one calendar day of a therapy, in 16 bytes.
type day struct {
	// interval is the dosing interval in days for therapies dosed less often
	// than every 72 hours (PD-3); 0 for per diem days.
	interval float64
	choice   uint16 // 1-based index into therapyDays.choices; 0 for none
	billable bool
	suite    bool
	// intervalStart marks the days a PD-3 dosing interval starts.
	intervalStart bool
	rank          uint8 // 0 primary, 1 SH, 2+ SJ (CC-1)
	// rankedBy has bit 1<<k set when criterion k (rankByRate, rankByStart,
	// rankByOrder) set the rank against a concurrent therapy (CC-2); 0 on
	// days the therapy is alone.
	rankedBy   uint8
	continuous bool
}

// The criteria of CC-2, as bit numbers of day.rankedBy.
const (
	rankByRate = iota
	rankByStart
	rankByOrder
)

// perDiems builds every therapy's calendar, resolves families and
// concurrency, and emits the per diem lines.
func (c *coder) perDiems() {
	for i := range c.doc.Therapies {
		if td := c.calendar(i); td != nil {
			c.therapies = append(c.therapies, td)
		}
	}
	c.generalizeFamilies()
	c.forbidConcurrent()
	c.rank()
	c.catheterDays()
	for _, td := range c.therapies {
		c.assemble(td)
	}
}

// calendar walks one therapy day by day (PD-1, PD-4, PD-5, PD-6, CS-11).
func (c *coder) calendar(i int) *therapyDays {
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
	for d := lo; d <= hi; {
		if next < len(t.Changes) && t.Changes[next].From == d {
			for next < len(t.Changes) && t.Changes[next].From == d {
				apply(&f, &t.Changes[next])
				next++
			}
			ch = c.choose(t.Type, f)
			nextStart = intervalStartFrom(f, d)
		}
		// The days up to the next change have these facts: what they
		// make of a day is set once for them all.
		end := hi
		if next < len(t.Changes) && t.Changes[next].From > d && t.Changes[next].From <= hi {
			end = t.Changes[next].From - 1
		}
		suite, continuous := f.suite, f.continuous != nil && *f.continuous
		if continuous {
			td.continuousDays = true
		}
		if len(td.choices) == 0 || td.choices[len(td.choices)-1] != ch {
			td.choices = append(td.choices, ch)
		}
		choice := uint16(len(td.choices))
		for ; d <= end; d++ {
			dd := &td.days[d-lo]
			dd.suite, dd.continuous, dd.choice = suite, continuous, choice
			if f.everyHours > 72 {
				dd.interval = f.everyHours / 24
				if d == nextStart {
					dd.intervalStart = true
				}
				for nextStart <= d {
					nextStart = nextIntervalStart(f, nextStart)
				}
			}
			if len(t.Holds) > 0 && inHold(t, d) {
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
	}
	c.calendarEnd(td, skipped, hi)
	return td
}

// calendarStart begins a therapy's calendar: its days in the period (from
// td.from to hi), and its facts with the changes that took effect before
// the period applied (next is the first change not applied). It returns a
// nil td when the therapy has no day in the period.
func (c *coder) calendarStart(i int) (td *therapyDays, f facts, next int, hi civil.Date) {
	t := &c.doc.Therapies[i]
	lo, hi := t.Start, c.period.To
	if t.End != nil && *t.End < hi {
		hi = *t.End
	}
	if lo < c.period.From {
		lo = c.period.From
	}
	if lo > hi {
		return nil, f, 0, hi
	}
	if cap(c.tdBuf) < len(c.doc.Therapies) {
		c.tdBuf = make([]therapyDays, 0, len(c.doc.Therapies))
	}
	c.tdBuf = append(c.tdBuf, therapyDays{t: t, order: i, path: ref{"therapies", i, ""}, from: lo, days: c.dayBuffer(int(hi-lo) + 1), catheter: t.Type == "catheter-care", choices: c.choiceList()})
	td = &c.tdBuf[len(c.tdBuf)-1]
	f = facts{
		everyHours:    hours(t.EveryHours, t.EveryDays),
		continuous:    t.Continuous,
		implanted:     t.ImplantedPump != nil && *t.ImplantedPump,
		litersPerDay:  deref(t.LitersPerDay),
		method:        t.Method,
		suite:         t.Site == "suite",
		device:        t.Device,
		intervalSince: int32(t.Start),
	}
	if t.Lumens != nil {
		f.lumens = *t.Lumens
	}
	// Apply the changes that took effect before the period starts.
	for next < len(t.Changes) && t.Changes[next].From <= lo {
		apply(&f, &t.Changes[next])
		next++
	}
	return td, f, next, hi
}

// calendarEnd warns of the days a therapy's calendar did not bill (PD-6):
// skipped days without an infusion, and under Elapsed24h the last day of
// each continuous run.
func (c *coder) calendarEnd(td *therapyDays, skipped int, hi civil.Date) {
	t := td.t
	if skipped > 0 {
		c.warn("PD-6", "therapy %s: %d access day(s) not billed: profile %s pays only days with an infusion (infusion_days) or a nursing visit", t.ID, skipped, c.prof.ID)
	}
	if c.s.PerDiemDays == profile.Elapsed24h && td.continuousDays {
		if n := elapsed24h(td, t.End == nil || *t.End > hi); n > 0 {
			c.warn("PD-6", "therapy %s: %d day(s) not billed: profile %s counts a continuous infusion per 24 hours elapsed, so the last day of each run is not a per diem day", t.ID, n, c.prof.ID)
		}
	}
}

// dayBuffer hands out calendars from one allocation for all therapies.
func (c *coder) dayBuffer(n int) []day {
	if len(c.dayBuf) < n {
		// Enough for every therapy over the whole period.
		total := len(c.doc.Therapies) * (int(c.period.To-c.period.From) + 1)
		if c.dayBuf == nil && cap(c.dayBase) >= max(total, n) {
			// The pooled buffer, cleared when it was returned, not yet
			// handed out in this call.
			c.dayBuf = c.dayBase[:cap(c.dayBase)]
		} else {
			c.dayBuf = make([]day, max(total, n))
		}
		c.dayBase = c.dayBuf
	}
	d := c.dayBuf[:n:n]
	c.dayBuf = c.dayBuf[n:]
	return d
}

// noteGeneral warns, once per therapy, when a day takes its family's
// general code: for lack of a fact (BI-2), by the profile (CS-1), or because
// no specific code fits (CS-2: q48h, q72h, continuous anti-infectives). It
// reports whether it warned.
func (c *coder) noteGeneral(t *episode.Therapy, ch *choice) bool {
	general := families[t.Type].general
	switch {
	case ch.missing != "":
		c.warn("BI-2", "therapy %s (%s): %s is not given, so the general code %s is used; %s would make it specific", t.ID, t.Type, ch.missing, ch.code, ch.missing)
	case general == "" || ch.code != general:
		return false
	case c.s.Specificity == profile.General:
		c.warn("CS-1", "therapy %s (%s): profile %s bills the family's general code %s", t.ID, t.Type, c.prof.ID, general)
	default:
		c.warn("CS-2", "therapy %s (%s): %s, the family's general code", t.ID, t.Type, ch.why.Text)
	}
	return true
}

// intervalStartFrom returns the first PD-3 interval start on or after day d,
// counting intervals from f.intervalSince.
func intervalStartFrom(f facts, d civil.Date) civil.Date {
	if f.everyHours <= 72 {
		return d
	}
	s := civil.Date(f.intervalSince)
	for s < d {
		s = nextIntervalStart(f, s)
	}
	return s
}

// nextIntervalStart returns the interval start after s: the day on which
// k·every_hours first reaches a new day, counted from the interval's origin.
// Arithmetic is in float64 and clamped, so an absurd interval (1e300 hours)
// gives a start beyond any period instead of an overflow.
func nextIntervalStart(f facts, s civil.Date) civil.Date {
	origin, step := float64(f.intervalSince), f.everyHours/24
	k := math.Floor((float64(s)-origin)/step) + 1
	for ; ; k++ {
		n := origin + math.Floor(k*step)
		if n > math.MaxInt32/2 {
			return civil.Date(math.MaxInt32 / 2)
		}
		if n > float64(s) {
			return civil.Date(n)
		}
	}
}

func hours(everyHours, everyDays *float64) float64 {
	switch {
	case everyHours != nil:
		return *everyHours
	case everyDays != nil:
		return *everyDays * 24
	}
	return 0
}

func deref(p *float64) float64 {
	if p == nil {
		return 0
	}
	return *p
}

// apply sets the values a change gives, from its day on (CS-11).
func apply(f *facts, ch *episode.Change) {
	if h := hours(ch.EveryHours, ch.EveryDays); h != 0 {
		f.everyHours = h
		f.intervalSince = int32(ch.From)
	}
	if ch.Continuous != nil {
		f.continuous = ch.Continuous
	}
	if ch.LitersPerDay != nil {
		f.litersPerDay = *ch.LitersPerDay
	}
	if ch.Method != "" {
		f.method = ch.Method
	}
	if ch.Site != "" {
		f.suite = ch.Site == "suite"
	}
}

func inHold(t *episode.Therapy, d civil.Date) bool {
	for i := range t.Holds {
		if d >= t.Holds[i].From && d <= t.Holds[i].To {
			return true
		}
	}
	return false
}

// infusionDays marks, for profiles that pay only days with an infusion or a
// nursing visit (PD-6 infusion-days), which days of [lo, hi] qualify. It
// returns nil under access-day counting.
func (c *coder) infusionDays(t *episode.Therapy, lo, hi civil.Date) []bool {
	if c.s.PerDiemDays != profile.InfusionDays {
		return nil
	}
	m := make([]bool, int(hi-lo)+1)
	mark := func(d civil.Date) {
		if d >= lo && d <= hi {
			m[d-lo] = true
		}
	}
	for _, d := range t.InfusionDays {
		mark(d)
	}
	for i := range c.doc.Visits {
		v := &c.doc.Visits[i]
		if v.Therapy == "" || v.Therapy == t.ID {
			mark(v.Date)
		}
	}
	return m
}

// elapsed24h counts a continuous infusion per started 24 hours after its
// start rather than per calendar day (PD-6 elapsed-24h): a run of N
// consecutive continuous days spans (N-1)×24 hours, so its last day is not
// a per diem day unless the run is a single day. A run that goes on past
// the billing period keeps its last day here; the next period drops it.
// [DEFAULT] reading of a payer rule that gives hours where the document
// has days.
func elapsed24h(td *therapyDays, continuesAfter bool) (dropped int) {
	days := td.days
	for i := 0; i < len(days); {
		if !days[i].billable || !days[i].continuous {
			i++
			continue
		}
		j := i
		for j+1 < len(days) && days[j+1].billable && days[j+1].continuous {
			j++
		}
		if j > i && !(j == len(days)-1 && continuesAfter) {
			days[j].billable = false
			dropped++
		}
		i = j + 1
	}
	return dropped
}

// generalizeFamilies keeps the exclusion groups of CS-9 whose first side is
// a family's general code: if the general code is billed on any day, every
// specific code of its family on the claim becomes the general code (CS-2:
// "the whole therapy on that claim is coded S9494").
func (c *coder) generalizeFamilies() {
	// The codes billed on some day: each therapy has a handful of choices,
	// so one pass over its days marks which of them are billed.
	var billed []string
	for _, td := range c.therapies {
		var small [64]bool
		seen := small[:]
		if len(td.choices) > len(small) {
			seen = make([]bool, len(td.choices))
		}
		for i := range td.days {
			d := &td.days[i]
			if d.billable && !seen[d.choice-1] {
				seen[d.choice-1] = true
				billed = append(billed, td.choices[d.choice-1].code)
			}
		}
	}
	for _, fam := range familyGroups(c.codes) {
		if !slices.Contains(billed, fam.general) {
			continue
		}
		for _, td := range c.therapies {
			changed := false
			for k, ch := range td.choices {
				if fam.specific[ch.code] {
					td.choices[k] = c.newChoice(choice{code: fam.general, why: claim.Reason{Rule: ch.why.Rule, Text: ch.why.Text + "; " + fam.why.String()}})
					changed = true
				}
			}
			if changed {
				c.warn("CS-9", "therapy %s: coded %s on every day because %s is billed on this claim (exclusion group %s)", td.t.ID, fam.general, fam.general, fam.id)
			}
		}
	}
}

// familyGroup is an exclusion group between a family's general per diem
// code and its specific ones.
type familyGroup struct {
	id, general string
	why         claim.Reason
	specific    map[string]bool
}

type familyGroupsKey struct{}

// familyGroups lists the exclusion groups between a family's general code
// and its specific codes, derived once per code set.
func familyGroups(cs *codeset.Set) []familyGroup {
	return cs.Derived(familyGroupsKey{}, buildFamilyGroups).([]familyGroup)
}

func buildFamilyGroups(cs *codeset.Set) any {
	var out []familyGroup
	for _, g := range cs.Exclusions() {
		if len(g.A) != 1 || !allPerDiem(cs, g.A) || !allPerDiem(cs, g.B) {
			continue
		}
		fg := familyGroup{id: g.ID, general: g.A[0], specific: map[string]bool{},
			why: claim.Reason{Rule: "CS-9", Text: "" + g.A[0] + " is on this claim, so its family's specific codes become " + g.A[0]}}
		for _, b := range g.B {
			fg.specific[b] = true
		}
		out = append(out, fg)
	}
	return out
}

func allPerDiem(cs *codeset.Set, codes []string) bool {
	for _, s := range codes {
		k, ok := cs.Lookup(s)
		if !ok || k.Kind != codeset.PerDiem {
			return false
		}
	}
	return true
}

// forbidConcurrent drops the days of a therapy type that the profile does
// not pay alongside another type (CC-4).
func (c *coder) forbidConcurrent() {
	for _, rule := range c.s.ForbiddenConcurrent {
		for _, td := range c.therapies {
			if td.t.Type != rule.Type {
				continue
			}
			dropped, first, last := 0, civil.Date(0), civil.Date(0)
			for i := range td.days {
				d := td.from + civil.Date(i)
				if !td.days[i].billable || !c.anyBillable(d, rule.With, td) {
					continue
				}
				td.days[i].billable = false
				if dropped == 0 {
					first = d
				}
				last = d
				dropped++
			}
			if dropped > 0 {
				c.warn("CC-4", "therapy %s (%s): %d day(s) %s..%s not billed: profile %s does not pay %s alongside %v", td.t.ID, td.t.Type, dropped, first, last, c.prof.ID, rule.Type, rule.With)
			}
		}
	}
}

func (c *coder) anyBillable(d civil.Date, types []string, except *therapyDays) bool {
	for _, td := range c.therapies {
		if td == except || !td.billableOn(d) {
			continue
		}
		for _, t := range types {
			if td.t.Type == t {
				return true
			}
		}
	}
	return false
}

func (td *therapyDays) at(d civil.Date) *day {
	i := int(d - td.from)
	if i < 0 || i >= len(td.days) {
		return nil
	}
	return &td.days[i]
}

func (td *therapyDays) billableOn(d civil.Date) bool {
	x := td.at(d)
	return x != nil && x.billable
}

// ranked reports whether a day takes part in concurrency: per diem days do,
// PD-3 interval days and catheter care do not (CC-5).
func (td *therapyDays) ranked(x *day) bool {
	return x.billable && x.interval == 0 && !td.catheter
}

// rank orders the per diem therapies of each day (CC-1, CC-2).
func (c *coder) rank() {
	// The therapies that can rank: catheter care never does (CC-5). Each
	// keeps the rate of the choice it looked up last: a day's rate is its
	// code's, and a therapy's days share a few codes, so the map is asked
	// once per run of a code rather than in every comparison.
	var small [8]candidate
	cands := small[:0]
	for _, td := range c.therapies {
		if !td.catheter {
			cands = append(cands, candidate{td: td})
		}
	}
	if len(cands) < 2 {
		return
	}
	// Only days inside two calendars can rank anything: from the second
	// calendar to start to the second last to end.
	lo, hi := c.period.To+1, c.period.From-1
	first, last := lo, hi
	for _, cd := range cands {
		from, to := cd.td.from, cd.td.from+civil.Date(len(cd.td.days))-1
		if from < first {
			lo, first = first, from
		} else if from < lo {
			lo = from
		}
		if to > last {
			hi, last = last, to
		} else if to > hi {
			hi = to
		}
	}
	var buf [8]ranking
	todays := buf[:0]
	for d := lo; d <= hi; d++ {
		todays = todays[:0]
		for k := range cands {
			cd := &cands[k]
			i := int(d - cd.td.from)
			if i < 0 || i >= len(cd.td.days) {
				continue
			}
			x := &cd.td.days[i]
			if !x.billable || x.interval != 0 {
				continue
			}
			// A choice of 0 has no code and the rate 0, which is what
			// a candidate starts with.
			if cd.choice != x.choice {
				cd.choice, cd.rate = x.choice, c.s.Rates[cd.td.choiceOf(x).code]
			}
			todays = append(todays, ranking{cd.td, x, cd.rate})
		}
		if len(todays) < 2 {
			continue
		}
		// Insertion sort: a handful of therapies, stable for ties.
		for i := 1; i < len(todays); i++ {
			for j := i; j > 0; j-- {
				if first, _ := c.compare(&todays[j], &todays[j-1]); !first {
					break
				}
				todays[j], todays[j-1] = todays[j-1], todays[j]
			}
		}
		for r := range todays {
			todays[r].x.rank = uint8(min(r, 2))
		}
		// What set a therapy's place: its comparisons with the therapies
		// before and after it, each of which marks both.
		for r := 1; r < len(todays); r++ {
			_, by := c.compare(&todays[r-1], &todays[r])
			todays[r-1].x.rankedBy |= 1 << by
			todays[r].x.rankedBy |= 1 << by
		}
	}
}

// candidate is a therapy that may rank, with the rate of the choice it
// looked up last (1-based, as day.choice).
type candidate struct {
	td     *therapyDays
	choice uint16
	rate   money.Amount
}

// ranking is a therapy that takes part in the concurrency of one day: its
// day and the rate of that day's code.
type ranking struct {
	td   *therapyDays
	x    *day
	rate money.Amount
}

// compare says whether therapy a is primary to b on their day under the
// profile's primary_therapy (CC-2), and by which criterion.
func (c *coder) compare(a, b *ranking) (bool, int) {
	switch c.s.PrimaryTherapy {
	case profile.PrimaryFirstBilled:
		return a.td.order < b.td.order, rankByOrder
	case profile.PrimaryRate:
		if a.rate != b.rate {
			return a.rate > b.rate, rankByRate
		}
		return a.td.order < b.td.order, rankByOrder
	}
	if a.rate != 0 && b.rate != 0 && a.rate != b.rate {
		return a.rate > b.rate, rankByRate
	}
	if a.td.t.Start != b.td.t.Start {
		return a.td.t.Start < b.td.t.Start, rankByStart
	}
	return a.td.order < b.td.order, rankByOrder
}

// catheterDays keeps catheter care only on days no other per diem covers
// (CS-8).
func (c *coder) catheterDays() {
	for _, td := range c.therapies {
		if !td.catheter {
			continue
		}
		dropped := 0
		for i := range td.days {
			d := td.from + civil.Date(i)
			if !td.days[i].billable {
				continue
			}
			for _, o := range c.therapies {
				if x := o.at(d); x != nil && o.ranked(x) {
					td.days[i].billable = false
					dropped++
					break
				}
			}
		}
		if dropped > 0 {
			c.warn("CS-8", "therapy %s: catheter care not billed on %d day(s) another per diem covers", td.t.ID, dropped)
		}
	}
}

// assemble joins consecutive equal days into lines (LN-2) and emits them.
func (c *coder) assemble(td *therapyDays) {
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		var spans [8][2]int
		for _, r := range c.splitSpan(spans[:0], td, start, end) {
			c.perDiemLine(td, r[0], r[1])
		}
		start = -1
	}
	for i := range td.days {
		x := &td.days[i]
		if !x.billable {
			flush(i - 1)
			continue
		}
		if start >= 0 && !td.sameLine(&td.days[start], x) {
			flush(i - 1)
		}
		if start < 0 {
			start = i
		}
	}
	flush(len(td.days) - 1)
}

func (td *therapyDays) sameLine(a, b *day) bool {
	// Days of one choice have one code: most runs are of one choice, and
	// their codes need no comparing.
	return a.rank == b.rank && a.suite == b.suite && a.interval == b.interval &&
		(a.choice == b.choice || td.choiceOf(a).code == td.choiceOf(b).code)
}

// splitSpan cuts a run of equal days [i, j] into line spans (LN-2),
// appended to out.
func (c *coder) splitSpan(out [][2]int, td *therapyDays, i, j int) [][2]int {
	switch c.s.Span {
	case profile.SpanEpisode:
		return append(out, [2]int{i, j})
	case profile.SpanWeek:
		return cut(out, td, i, j, weekEnd)
	case profile.SpanMin7Days:
		return atLeast7(cut(out, td, i, j, civil.Date.MonthEnd))
	}
	return cut(out, td, i, j, civil.Date.MonthEnd)
}

// weekEnd is the Saturday ending d's week.
func weekEnd(d civil.Date) civil.Date { return d + civil.Date(6-int(d.Weekday())) }

// cut splits [i, j] after each day that end(day) names as its period's
// last, appending the pieces to out.
func cut(out [][2]int, td *therapyDays, i, j int, end func(civil.Date) civil.Date) [][2]int {
	for k := i; k <= j; {
		d := td.from + civil.Date(k)
		e := k + int(end(d)-d)
		if e > j {
			e = j
		}
		out = append(out, [2]int{k, e})
		k = e + 1
	}
	return out
}

// atLeast7 joins calendar-month pieces shorter than 7 days to a neighbour,
// so a payer that wants lines of at least 7 days gets monthly lines without
// a short stub at either end (profile span min-7-days).
func atLeast7(pieces [][2]int) [][2]int {
	out := pieces[:0]
	for _, p := range pieces {
		if n := len(out); n > 0 && (p[1]-p[0] < 6 || out[n-1][1]-out[n-1][0] < 6) {
			out[n-1][1] = p[1]
			continue
		}
		out = append(out, p)
	}
	return out
}

var rankModifier = [...]string{"", "SH", "SJ"}

func (c *coder) perDiemLine(td *therapyDays, i, j int) {
	x := &td.days[i]
	units := j - i + 1
	var whyBuf [12]claim.Reason
	why := whyBuf[:0]
	switch {
	case x.interval > 0:
		units = 0
		for k := i; k <= j; k++ {
			if td.days[k].intervalStart {
				units++
			}
		}
		if units == 0 {
			return
		}
		b := appendNumber(append(c.textBuf(), "dosed every "...), x.interval)
		b = append(b, " days: one unit per dosing interval starting in the span; the rate is contractual"...)
		why = append(why, claim.Reason{Rule: "PD-3", Text: c.newText(b)})
		if !td.intervalNoted {
			td.intervalNoted = true
			c.warn("PD-3", "therapy %s is dosed every %s days, less often than every 72 hours: it is outside the per diem structure, billed one unit per dosing interval at a contractual rate", td.t.ID, formatNumber(x.interval))
		}
	case c.s.PerDiemDays == profile.InfusionDays:
		why = append(why, c.reasons().pd6Infusion)
	case c.s.PerDiemDays == profile.Elapsed24h && x.continuous:
		why = append(why, c.reasons().pd6Elapsed)
	case c.s.PerDiemDays == profile.Elapsed24h:
		why = append(why, c.reasons().pd1Intermittent)
	default:
		why = append(why, c.reasons().pd1)
	}
	ch := td.choiceOf(x)
	why = append(why, ch.why)
	if td.catheter {
		why = append(why, claim.Reason{Rule: "CS-8", Text: "catheter care only on days no other per diem covers"})
	}
	var rankedBy uint8
	for k := i; k <= j; k++ {
		rankedBy |= td.days[k].rankedBy
	}
	for by := range c.reasons().cc2 {
		if rankedBy&(1<<by) != 0 {
			why = append(why, c.reasons().cc2[by])
		}
	}
	if rankedBy&(1<<rankByRate) != 0 {
		why = append(why, c.reasons().ln5)
	}
	var modBuf [4]string
	mods := modBuf[:0]
	if x.rank > 0 {
		mods = append(mods, rankModifier[x.rank])
		if x.rank == 1 {
			why = append(why, claim.Reason{Rule: "CC-1", Text: "second therapy on these days -> SH"})
		} else {
			why = append(why, claim.Reason{Rule: "CC-1", Text: "third or later therapy on these days -> SJ"})
		}
		if m := c.s.ConcurrencyExtraModifier; m != "" {
			mods = append(mods, m)
			why = append(why, c.reasons().cc3)
		}
	}
	pos := "12"
	if x.suite {
		mods = insertSS(mods)
		pos = c.s.SuitePOS
		why = append(why, c.reasons().suite)
	}
	why = append(why, c.reasons().span)
	l := claim.Line{
		Code:      ch.code,
		Modifiers: c.keepMods(mods),
		From:      td.from + civil.Date(i),
		To:        td.from + civil.Date(j),
		Units:     float64(units),
		POS:       pos,
		Kind:      claim.PerDiem,
		Therapy:   td.t.ID,
		Why:       c.keepWhy(why),
	}
	if k, ok := c.lookup(l.Code); ok && k.NOC {
		// The code set says which codes are not otherwise classified
		// (CS-7); only catheter care falls back to its NOC code for lack
		// of a fact (BI-2), and so describes itself.
		l.Description = td.t.Description
		switch {
		case strings.TrimSpace(l.Description) != "":
		case td.catheter:
			l.Description = "CATHETER CARE"
		case !td.nocNoted:
			td.nocNoted = true
			c.fail(td.path.dot("description"), "missing: type %s bills %s, a not-otherwise-classified code, which needs a description of the therapy (CS-7)", td.t.Type, l.Code)
		}
	}
	c.emit(l, td.path)
}

// insertSS puts SS after the concurrency modifiers (input-format.md order:
// SH/SJ, then SS, SD, SV, others).
// It inserts in place when mods has room.
func insertSS(mods []string) []string {
	i := 0
	for i < len(mods) && (mods[i] == "SH" || mods[i] == "SJ") {
		i++
	}
	return slices.Insert(mods, i, "SS")
}
