package scrub

import (
	"github.com/perdiem/perdiem/asp"
	"math"
	"slices"
	"strconv"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/profile"
)

// Edit is one row of the edit table: what it checks, the rule it enforces
// and where the rule comes from. The check itself is a small function.
type Edit struct {
	ID       string
	Severity Severity
	// Title says what the edit catches, in a line.
	Title string
	// Rule is the rule of docs/coding-standard.md the edit enforces;
	// Setting the setting of docs/profiles.md when a profile decides it.
	Rule    string
	Setting string
	Source  string
	// Effective and Terminated bound the days of service the edit applies
	// to, both included; Terminated 0 means still in force.
	Effective, Terminated civil.Date
	// Needs is NeedsFacts when the edit can only run with the episode's
	// Facts; "" when the claim is enough.
	Needs string

	check func(v *view, e *emitter)
	// batch is the check of an edit that compares claims (SC-21).
	batch func(b *Batch, v *view, e *emitter) error
}

// NeedsFacts marks the edits that need Facts.
const NeedsFacts = "facts"

func (e *Edit) activeOn(d civil.Date) bool {
	return d >= e.Effective && (e.Terminated == 0 || d <= e.Terminated)
}

// Edits returns the edit table, in ID order.
func Edits() []Edit { return slices.Clone(edits) }

// Sources cited by the edits.
const (
	srcNHIA    = "NHIA national definition of per diem (docs/coding-standard.md)"
	srcHCPCS   = "CMS HCPCS Level II descriptors (docs/coding-standard.md)"
	srcCPT     = "CPT time conventions for 99601/99602 (docs/coding-standard.md)"
	srcDefault = "docs/coding-standard.md and docs/engine-defaults.md"
	srcProfile = "the payer profile's published policy (docs/profiles.md)"
	srcMedHIT  = "Medicare home infusion therapy services benefit (docs/medicare-hit.md)"
	srcX12     = "005010X222A1 837P: one claim per service, the payer's duplicate edit"
)

// hcpcsStart is the first day of the home infusion S-codes of HCPCS.
var hcpcsStart = civil.FromYMD(2002, 1, 1)

var edits = []Edit{
	{ID: "SC-1", Severity: Error, Rule: "PD-1", Source: srcNHIA, Effective: hcpcsStart,
		Title: "per diem units above the days of the line's span", check: unitsOverDays},
	{ID: "SC-2", Severity: Error, Rule: "PD-1", Source: srcNHIA, Effective: hcpcsStart,
		Title: "the same per diem code twice on a day in the same concurrency place", check: sameCodeOverlap},
	{ID: "SC-3", Severity: Error, Rule: "CC-1", Source: srcHCPCS, Effective: hcpcsStart,
		Title: "two per diems on one day, neither with SH or SJ", check: twoPrimaries},
	{ID: "SC-4", Severity: Error, Rule: "CC-1", Source: srcHCPCS, Effective: hcpcsStart,
		Title: "SH or SJ on a day with no primary per diem (SJ: no SH either)", check: concurrentWithoutPrimary},
	{ID: "SC-5", Severity: Error, Rule: "CS-9", Source: srcHCPCS, Effective: hcpcsStart,
		Title: "codes that exclude each other on one claim", check: excluded},
	{ID: "SC-6", Severity: Error, Rule: "IN-1", Setting: "billable_outside_per_diem", Source: srcNHIA, Effective: hcpcsStart,
		Title: "an item bundled into the per diem billed on a day a per diem covers", check: bundledBeside},
	{ID: "SC-7", Severity: Error, Rule: "NU-1", Source: srcCPT, Effective: hcpcsStart,
		Title: "99602 on a day with no 99601", check: addOnWithoutVisit},
	{ID: "SC-8", Severity: Error, Rule: "NU-2", Setting: "nursing_extra_hour_minutes", Source: srcCPT, Effective: hcpcsStart,
		Title: "nursing units the visits' minutes cannot support", check: nursingUnits},
	{ID: "SC-9", Severity: Error, Rule: "CS-7", Source: srcHCPCS, Effective: hcpcsStart,
		Title: "a not otherwise classified code without a description", check: nocWithoutDescription},
	{ID: "SC-10", Severity: Error, Rule: "MC-1", Source: srcMedHIT, Effective: hcpcsStart,
		Title: "a per diem S-code billed to Medicare (filing MA or MB) without GY", check: perDiemToMedicare},
	{ID: "SC-11", Severity: Error, Rule: "CS-10", Source: srcHCPCS, Effective: hcpcsStart,
		Title: "a code or modifier not in force on the date of service", check: notInForce},
	{ID: "SC-12", Severity: Error, Rule: "DR-2", Setting: "drug_coding", Source: srcHCPCS, Effective: hcpcsStart,
		Title: "a drug line without its NDC, or with one that is not 11 digits", check: ndcOnDrug},
	{ID: "SC-13", Severity: Warning, Rule: "DR-1", Source: srcHCPCS, Effective: hcpcsStart,
		Title: "HCPCS drug units too few for the NDC quantity at the code's dose or CMS's billing units per item", check: drugUnits},
	{ID: "SC-14", Severity: Error, Rule: "PD-3", Source: srcNHIA, Effective: hcpcsStart, Needs: NeedsFacts,
		Title: "a weekly or monthly therapy billed in daily units", check: intervalInDays},
	{ID: "SC-15", Severity: Error, Rule: "CS-8", Source: srcDefault, Effective: hcpcsStart,
		Title: "catheter care on a day another per diem covers", check: catheterCovered},
	{ID: "SC-16", Severity: Warning, Rule: "NU-4", Setting: "nursing_caps", Source: srcProfile, Effective: hcpcsStart,
		Title: "nursing hours on a day above the profile's cap", check: hoursPerDay},
	{ID: "SC-17", Severity: Warning, Rule: "NU-4", Setting: "nursing_caps", Source: srcProfile, Effective: hcpcsStart,
		Title: "nursing hours in 7 days above the profile's cap", check: hoursPerWeek},
	{ID: "SC-18", Severity: Warning, Rule: "NU-4", Setting: "nursing_caps", Source: srcProfile, Effective: hcpcsStart,
		Title: "nursing visits in 7 days above the profile's cap", check: visitsPerWeek},
	{ID: "SC-19", Severity: Warning, Rule: "NU-4", Setting: "nursing_caps", Source: srcProfile, Effective: hcpcsStart, Needs: NeedsFacts,
		Title: "a visit by an LPN billed to a profile that pays registered nurses only", check: rnOnly},
	{ID: "SC-20", Severity: Error, Rule: "CC-4", Setting: "forbidden_concurrent", Source: srcProfile, Effective: hcpcsStart,
		Title: "a per diem the profile forbids beside another therapy's on the same day", check: forbidden},
	{ID: "SC-21", Severity: Error, Rule: "LN-4", Source: srcX12, Effective: hcpcsStart,
		Title: "a duplicate: the same patient, code and dates as another claim of the batch or the store", batch: duplicate},
	{ID: "SC-22", Severity: Error, Rule: "NU-4", Setting: "nursing_on_claim", Source: srcProfile, Effective: hcpcsStart,
		Title: "nursing billed to a profile whose nursing is billed elsewhere", check: nursingElsewhere},
	{ID: "SC-23", Severity: Warning, Rule: "CC-3", Setting: "concurrency_extra_modifier", Source: srcProfile, Effective: hcpcsStart,
		Title: "SH or SJ without the extra modifier the profile asks for", check: extraModifier},
}

// unitsOverDays: SC-1.
func unitsOverDays(v *view, e *emitter) {
	for i := range v.lines {
		l := &v.lines[i]
		if l.perDiem && l.Units > float64(l.span.Days()) {
			e.add(l.n, "%s bills %s units on %s, %d day(s): a per diem is at most one unit a day", l.Code, num(l.Units), spanText(l.span), l.span.Days())
		}
	}
}

// sameCodeOverlap: SC-2. SJ may repeat on a day (the third and each
// further therapy), and weekly lines are their own therapies.
func sameCodeOverlap(v *view, e *emitter) {
	for i := range v.lines {
		l := &v.lines[i]
		if !l.perDiem || l.interval || l.conc == further {
			continue
		}
		for j := range i {
			o := &v.lines[j]
			if o.Code == l.Code && !o.interval && o.conc == l.conc && o.span.Overlaps(l.span) {
				e.add(l.n, "%s is billed on %s by line %d too: one per diem a day for a therapy", l.Code, firstShared(o.span, l.span), o.n)
				break
			}
		}
	}
}

// twoPrimaries: SC-3. Lines of the same code are SC-2's.
func twoPrimaries(v *view, e *emitter) {
	for i := range v.lines {
		l := &v.lines[i]
		if !l.daily || l.conc != primary {
			continue
		}
		for j := range i {
			o := &v.lines[j]
			if o.daily && o.conc == primary && o.Code != l.Code && o.span.Overlaps(l.span) {
				e.add(l.n, "%s and %s (line %d) are both billed as the primary per diem on %s: the second therapy of a day takes SH, each further one SJ", l.Code, o.Code, o.n, firstShared(o.span, l.span))
				break
			}
		}
	}
}

// concurrentWithoutPrimary: SC-4.
func concurrentWithoutPrimary(v *view, e *emitter) {
	for i := range v.lines {
		l := &v.lines[i]
		if !l.daily || l.conc == primary {
			continue
		}
		if d, ok := v.uncovered(l.span, func(o *lineInfo) bool { return o.daily && o.conc == primary }); ok {
			e.add(l.n, "%s carries %s on %s, when no per diem without SH or SJ is billed that day", l.Code, concName(l.conc), d)
			continue
		}
		if l.conc == further {
			if d, ok := v.uncovered(l.span, func(o *lineInfo) bool { return o.daily && o.conc == second }); ok {
				e.add(l.n, "%s carries SJ on %s, when no per diem with SH is billed that day: the second therapy takes SH", l.Code, d)
			}
		}
	}
}

func concName(c int) string {
	if c == second {
		return "SH"
	}
	return "SJ"
}

// excluded: SC-5.
func excluded(v *view, e *emitter) {
	if v.grouped < 2 {
		return
	}
	groups := v.table.groups
	for i := range v.lines {
		l := &v.lines[i]
		if l.info == nil || len(l.info.refs) == 0 {
			continue
		}
	other:
		for j := range i {
			o := &v.lines[j]
			if o.info == nil {
				continue
			}
			for _, r := range l.info.refs {
				g := &groups[r.group]
				if !g.ActiveOn(l.From) {
					continue
				}
				for _, q := range o.info.refs {
					if q.group == r.group && q.a != r.a {
						e.add(l.n, "%s may not be on one claim with %s (line %d): exclusion group %s", l.Code, o.Code, o.n, g.ID)
						break other
					}
				}
			}
		}
	}
}

// bundledBeside: SC-6. Any per diem covers the day, as coding decides it.
func bundledBeside(v *view, e *emitter) {
	for i := range v.lines {
		l := &v.lines[i]
		if l.code == nil || !l.code.Bundled || slices.Contains(v.p.Settings.BillableOutsidePerDiem, l.Code) {
			continue
		}
		if o := v.coveredBy(l.span, func(o *lineInfo) bool { return o.perDiem }); o != nil {
			e.add(l.n, "%s is included in the per diem %s (line %d) billed on %s, and profile %s does not bill it outside the per diem", l.Code, o.Code, o.n, firstShared(o.span, l.span), v.p.ID)
		}
	}
}

// nursingDay is what one day's nursing lines bill.
type nursingDay struct {
	day           civil.Date
	visits, extra float64 // 99601 and 99602 units
	first         int     // the day's first 99601 line, 0 when none
	firstExtra    int     // the day's first 99602 line, 0 when none
}

// nursingDays sums the nursing units of each day, in day order, once per
// claim. A line over several days bills its units on its first day.
func (v *view) nursingDays() []nursingDay {
	if v.nursingDone {
		return v.nursing
	}
	v.nursingDone = true
	v.nursing = v.nursing[:0]
	for i := range v.lines {
		l := &v.lines[i]
		if l.Code != "99601" && l.Code != "99602" {
			continue
		}
		k := slices.IndexFunc(v.nursing, func(n nursingDay) bool { return n.day == l.From })
		if k < 0 {
			v.nursing = append(v.nursing, nursingDay{day: l.From})
			k = len(v.nursing) - 1
		}
		n := &v.nursing[k]
		if l.Code == "99601" {
			n.visits += l.Units
			if n.first == 0 {
				n.first = l.n
			}
		} else {
			n.extra += l.Units
			if n.firstExtra == 0 {
				n.firstExtra = l.n
			}
		}
	}
	slices.SortFunc(v.nursing, func(a, b nursingDay) int { return int(a.day - b.day) })
	return v.nursing
}

// addOnWithoutVisit: SC-7.
func addOnWithoutVisit(v *view, e *emitter) {
	for _, n := range v.nursingDays() {
		if n.extra > 0 && n.visits == 0 {
			e.add(n.firstExtra, "99602 (each additional hour) on %s, with no 99601 visit that day", n.day)
		}
	}
}

// extraHours is NU-2: the 99602 units of a visit of so many minutes.
func extraHours(minutes, threshold int) int {
	x := minutes - 120
	if x <= 0 {
		return 0
	}
	n := x / 60
	if x%60 >= threshold {
		n++
	}
	return n
}

// nursingUnits: SC-8. With the visits' minutes, each day's units must be
// those of NU-1 and NU-2; without them, a day's 99602 units must fit in
// the day.
func nursingUnits(v *view, e *emitter) {
	t := v.p.Settings.NursingExtraHourMinutes
	for _, n := range v.nursingDays() {
		d := n.day
		if v.f == nil {
			if n.extra > 0 && 120+60*(n.extra-1)+float64(t) > 24*60 {
				e.add(n.firstExtra, "%s units of 99602 on %s need more than the 24 hours of a day", num(n.extra), d)
			}
			continue
		}
		visits, extra := 0, 0
		for _, vis := range v.f.Visits {
			if vis.Date == d {
				visits++
				extra += extraHours(vis.Minutes, t)
			}
		}
		switch {
		case n.visits > float64(visits):
			e.add(n.first, "%s units of 99601 on %s, for %d visit(s) that day", num(n.visits), d, visits)
		case n.extra > float64(extra):
			e.add(n.firstExtra, "%s units of 99602 on %s, where the visits' minutes give %d (NU-2, at least %d minutes past the last full hour)", num(n.extra), d, extra, t)
		}
	}
}

// nocWithoutDescription: SC-9.
func nocWithoutDescription(v *view, e *emitter) {
	for i := range v.lines {
		l := &v.lines[i]
		if l.code != nil && l.code.NOC && len(l.Description) == 0 {
			e.add(l.n, "%s is not otherwise classified: the line must describe what it bills (SV101-7)", l.Code)
		}
	}
}

// perDiemToMedicare: SC-10.
func perDiemToMedicare(v *view, e *emitter) {
	if f := v.c.Payer.Filing; f != "MA" && f != "MB" {
		return
	}
	for i := range v.lines {
		l := &v.lines[i]
		if l.perDiem && !hasModifier(l.Line, "GY") {
			e.add(l.n, "%s is an NHIA per diem and the payer is Medicare (filing %s): Medicare pays home infusion as G0068-G0070 visits; bill the per diem only with GY to obtain a denial", l.Code, v.c.Payer.Filing)
		}
	}
}

// notInForce: SC-11. Codes the set does not hold are left alone: an 837P
// may bill CPT codes, and a code newer than the set cannot be judged.
func notInForce(v *view, e *emitter) {
	for i := range v.lines {
		l := &v.lines[i]
		if l.code != nil {
			if d, ok := inactive(l.code, l.span); ok {
				e.add(l.n, "%s is not in force on %s: %s", l.Code, d, inForce(l.code))
				continue
			}
		}
		for _, m := range l.Modifiers {
			if c := v.table.lookup(v.codes, m); c != nil {
				if d, ok := inactive(c.code, l.span); ok {
					e.add(l.n, "modifier %s is not in force on %s: %s", m, d, inForce(c.code))
					break
				}
			}
		}
	}
}

func inactive(c *codeset.Code, s civil.Span) (civil.Date, bool) {
	for _, d := range [2]civil.Date{s.From, s.To} {
		if !c.ActiveOn(d) {
			return d, true
		}
	}
	return 0, false
}

func inForce(c *codeset.Code) string {
	s := "in force from " + c.Effective.String()
	if c.Terminated != nil {
		s += " to " + c.Terminated.String()
	}
	return s
}

// num writes units as the claim does: whole numbers without a point.
func num(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// ndcOnDrug: SC-12. Every drug code needs its NDC under each drug_coding
// of the profiles (hcpcs+ndc, ndc-only, noc+ndc).
func ndcOnDrug(v *view, e *emitter) {
	for i := range v.lines {
		l := &v.lines[i]
		if l.code == nil || l.code.Kind != codeset.DrugKind {
			continue
		}
		switch {
		case l.NDC == "":
			e.add(l.n, "%s is a drug and the line has no NDC: profile %s bills drugs %s (LIN N4 in loop 2410)", l.Code, v.p.ID, v.p.Settings.DrugCoding)
		case !ndc11(l.NDC):
			e.add(l.n, "NDC %q of %s is not 11 digits in 5-4-2 form", clip(l.NDC), l.Code)
		}
	}
}

func ndc11(s string) bool {
	if len(s) != 11 || s == "00000000000" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// clip shortens a value quoted from the claim to 40 characters.
func clip(s string) string {
	if len(s) <= 40 {
		return s
	}
	return s[:40] + "… (" + strconv.Itoa(len(s)) + " bytes)"
}

// ndcUnits are the NDC units of measure (CTP05-1) that say an amount the
// code's dose can be compared with, in the dose's units; UN (each) says
// nothing of the amount.
var ndcUnits = map[string]struct {
	unit   string
	factor float64 // the amount of one NDC unit in unit
}{
	"ME": {"mg", 1},
	"GR": {"mg", 1000},
	"F2": {"units", 1},
	"ML": {"ml", 1},
}

// doseInMg converts a mass dose to milligrams.
var doseInMg = map[string]float64{"mg": 1, "g": 1000, "mcg": 0.001}

// drugUnits: SC-13. DR-1 rounds each administration up to whole units, so
// the units times the code's dose are at least the amount dispensed. When
// the NDC quantity says no amount the dose can be compared with (items,
// or millilitres of a code dosed by mass), CMS's NDC–HCPCS crosswalk for
// the quarter says how many billing units one item holds.
func drugUnits(v *view, e *emitter) {
	for i := range v.lines {
		l := &v.lines[i]
		if l.code == nil || l.NDCQuantity <= 0 || l.NDC == "" {
			continue
		}
		if !unitsByDose(l, e) {
			unitsByPackage(v, l, e)
		}
	}
}

// unitsByDose judges l's units against its code's dose, and reports
// whether the NDC quantity could be compared with the dose at all.
func unitsByDose(l *lineInfo, e *emitter) bool {
	u, ok := ndcUnits[l.NDCUnit]
	if !ok {
		return false
	}
	dose := l.code.On(l.From).Dose
	if dose == nil || dose.Amount <= 0 {
		return false
	}
	per := dose.Amount
	if u.unit == "mg" {
		f, ok := doseInMg[dose.Unit]
		if !ok {
			return false
		}
		per *= f
	} else if dose.Unit != u.unit {
		return false
	}
	amount := l.NDCQuantity * u.factor
	if need := amount / per; l.Units < need*(1-1e-9) {
		e.add(l.n, "%s units of %s (%s a unit) bill %s %s, less than the NDC quantity %s %s (%s %s): want at least %s units",
			num(l.Units), l.Code, dose.Text, num(l.Units*per), u.unit, num(l.NDCQuantity), l.NDCUnit, num(amount), u.unit, num(math.Ceil(need*(1-1e-9))))
	}
	return true
}

// unitsByPackage judges l's units against the billing units CMS's
// crosswalk gives one item of its NDC under its code: the quantity in
// items (UN) times those units, or in millilitres (ML) divided by the
// item's size first. An NDC the crosswalk lists with different units for
// the code is not judged.
func unitsByPackage(v *view, l *lineInfo, e *emitter) {
	t := asp.On(v.asp, l.From)
	if t == nil || (l.NDCUnit != "UN" && l.NDCUnit != "ML") {
		return
	}
	var pkg *asp.Package
	for _, p := range t.NDC(l.NDC) {
		if p.Code != l.Code || p.BillUnits <= 0 || l.NDCUnit == "ML" && p.PkgSize <= 0 {
			continue
		}
		if pkg != nil && (pkg.BillUnits != p.BillUnits || pkg.PkgSize != p.PkgSize) {
			return
		}
		pkg = &p
	}
	if pkg == nil {
		return
	}
	items, size := l.NDCQuantity, ""
	if l.NDCUnit == "ML" {
		items /= pkg.PkgSize
		size = " of " + num(pkg.PkgSize) + " mL"
	}
	if need := items * pkg.BillUnits; l.Units < need*(1-1e-9) {
		e.add(l.n, "%s units of %s bill less than the %s %s of NDC %s dispensed: CMS's crosswalk of the quarter from %s gives %s billing units an item%s, want at least %s units",
			num(l.Units), l.Code, num(l.NDCQuantity), l.NDCUnit, l.NDC, t.From.String(), num(pkg.BillUnits), size, num(math.Ceil(need*(1-1e-9))))
	}
}

// intervalInDays: SC-14. A therapy dosed every N days (N > 3) bills one
// unit per dosing interval starting in the line's span: at most ⌈days ÷ N⌉.
func intervalInDays(v *view, e *emitter) {
	for i := range v.lines {
		l := &v.lines[i]
		if !l.perDiem || l.catheter {
			continue
		}
		n := v.f.intervalDays(l.Therapy, l.span)
		if n <= 3 {
			continue
		}
		if most := math.Ceil(float64(l.span.Days())/n - 1e-9); l.Units > most {
			e.add(l.n, "therapy %s is dosed every %s days, outside the per diem: %s bills %s units on %s, where one unit per dosing interval gives at most %s",
				clip(l.Therapy), num(n), l.Code, num(l.Units), spanText(l.span), num(most))
		}
	}
}

// catheterCovered: SC-15. Weekly and monthly lines cover no day.
func catheterCovered(v *view, e *emitter) {
	for i := range v.lines {
		l := &v.lines[i]
		if !l.catheter {
			continue
		}
		if o := v.coveredBy(l.span, func(o *lineInfo) bool { return o.daily }); o != nil {
			e.add(l.n, "catheter care %s on %s, a day the per diem %s (line %d) covers: catheter care is billed only on days no other per diem covers", l.Code, firstShared(o.span, l.span), o.Code, o.n)
		}
	}
}

// nursingLoad is the nursing of one day: minutes (from the visits when
// the facts give them, else billed: 99601 as two hours, 99602 as one) and
// visits.
type nursingLoad struct {
	day     civil.Date
	minutes float64
	visits  float64
	line    int // the day's first nursing line
}

// nursingLoads returns the nursing of each day the claim bills a 99601.
// With facts, a day's minutes and visits are its visits' (every visit of
// the episode that day, as coding counts them).
func nursingLoads(v *view) []nursingLoad {
	v.loads = v.loads[:0]
	for _, n := range v.nursingDays() {
		if n.visits == 0 {
			continue
		}
		ld := nursingLoad{day: n.day, minutes: 120*n.visits + 60*n.extra, visits: n.visits, line: n.first}
		if v.f != nil {
			ld.minutes, ld.visits = 0, 0
			for _, vis := range v.f.Visits {
				if vis.Date == n.day {
					ld.minutes += float64(vis.Minutes)
					ld.visits++
				}
			}
		}
		v.loads = append(v.loads, ld)
	}
	return v.loads
}

// visitLine is the first 99601 line on day d, 0 when none.
func (v *view) visitLine(d civil.Date) int {
	for _, n := range v.nursingDays() {
		if n.day == d {
			return n.first
		}
	}
	return 0
}

func (v *view) caps() *profile.NursingCaps { return v.p.Settings.NursingCaps }

// measure says how nursing hours were counted, for the messages.
func measure(v *view) string {
	if v.f != nil {
		return "minutes of the visits"
	}
	return "billed hours, 99601 as 2 and 99602 as 1"
}

// hoursPerDay: SC-16.
func hoursPerDay(v *view, e *emitter) {
	c := v.caps()
	if c == nil || c.HoursPerDay <= 0 {
		return
	}
	for _, ld := range nursingLoads(v) {
		if ld.minutes > c.HoursPerDay*60 {
			e.add(ld.line, "%s hours of nursing on %s (%s) exceed profile %s's cap of %s hours a day", num(ld.minutes/60), ld.day, measure(v), v.p.ID, num(c.HoursPerDay))
		}
	}
}

// window sums the nursing of the 7 days ending on each day nursing is
// billed, as coding's rolling windows do. With facts, every visit of the
// episode in the window counts.
func window(v *view, each func(end nursingLoad, minutes, visits float64)) {
	loads := nursingLoads(v)
	for _, end := range loads {
		var minutes, visits float64
		if v.f != nil {
			for _, vis := range v.f.Visits {
				if vis.Date > end.day-7 && vis.Date <= end.day {
					minutes += float64(vis.Minutes)
					visits++
				}
			}
		} else {
			for _, o := range loads {
				if o.day > end.day-7 && o.day <= end.day {
					minutes += o.minutes
					visits += o.visits
				}
			}
		}
		each(end, minutes, visits)
	}
}

// hoursPerWeek: SC-17.
func hoursPerWeek(v *view, e *emitter) {
	c := v.caps()
	if c == nil || c.HoursPerWeek <= 0 {
		return
	}
	window(v, func(end nursingLoad, minutes, _ float64) {
		if minutes > c.HoursPerWeek*60 {
			e.add(end.line, "%s hours of nursing in the 7 days to %s (%s) exceed profile %s's cap of %s hours a week", num(minutes/60), end.day, measure(v), v.p.ID, num(c.HoursPerWeek))
		}
	})
}

// visitsPerWeek: SC-18.
func visitsPerWeek(v *view, e *emitter) {
	c := v.caps()
	if c == nil || c.VisitsPer7Days <= 0 {
		return
	}
	window(v, func(end nursingLoad, _, visits float64) {
		if visits > float64(c.VisitsPer7Days) {
			e.add(end.line, "%s visits in the 7 days to %s exceed profile %s's cap of %d visits in 7 days", num(visits), end.day, v.p.ID, c.VisitsPer7Days)
		}
	})
}

// rnOnly: SC-19.
func rnOnly(v *view, e *emitter) {
	c := v.caps()
	if c == nil || !c.RNOnly {
		return
	}
	for _, vis := range v.f.Visits {
		if vis.Nurse != "lpn" {
			continue
		}
		if n := v.visitLine(vis.Date); n > 0 {
			e.add(n, "the visit of %s is by an LPN; profile %s pays registered nurse visits only", vis.Date, v.p.ID)
		}
	}
}

// forbidden: SC-20. A line's therapy type is the facts' when they name
// its therapy, else its code's family.
func forbidden(v *view, e *emitter) {
	rules := v.p.Settings.ForbiddenConcurrent
	if len(rules) == 0 {
		return
	}
	for i := range v.lines {
		l := &v.lines[i]
		if !l.daily {
			continue
		}
		t := v.therapyType(l)
		for _, r := range rules {
			if r.Type != t {
				continue
			}
			if o := v.coveredBy(l.span, func(o *lineInfo) bool { return o.daily && slices.Contains(r.With, v.therapyType(o)) }); o != nil {
				e.add(l.n, "profile %s does not pay %s (%s) on days %s is billed: %s (line %d) on %s", v.p.ID, t, l.Code, v.therapyType(o), o.Code, o.n, firstShared(o.span, l.span))
				break
			}
		}
	}
}

func (v *view) therapyType(l *lineInfo) string {
	if t := v.f.therapy(l.Therapy); t != nil {
		return t.Type
	}
	return typeOfCode[l.Code]
}

// nursingElsewhere: SC-22.
func nursingElsewhere(v *view, e *emitter) {
	if v.p.Settings.NursingOnClaim {
		return
	}
	for i := range v.lines {
		if l := &v.lines[i]; l.code != nil && l.code.Kind == codeset.Nursing {
			e.add(l.n, "%s is nursing, and profile %s has nursing billed elsewhere (by a home health agency), not on this claim", l.Code, v.p.ID)
		}
	}
}

// extraModifier: SC-23.
func extraModifier(v *view, e *emitter) {
	m := v.p.Settings.ConcurrencyExtraModifier
	if m == "" {
		return
	}
	for i := range v.lines {
		if l := &v.lines[i]; l.daily && l.conc != primary && !hasModifier(l.Line, m) {
			e.add(l.n, "%s carries %s without %s, which profile %s wants with SH and SJ", l.Code, concName(l.conc), m, v.p.ID)
		}
	}
}
