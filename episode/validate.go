package episode

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/ident"
	"github.com/perdiem/perdiem/therapy"
)

// TherapyTypes returns the known therapy types, sorted (see package therapy).
func TherapyTypes() []string { return therapy.Types() }

// Enumerated values of the document.
var (
	sites     = []string{"home", "suite"}
	methods   = []string{"gravity", "pump", "bolus"}
	nurses    = []string{"rn", "lpn"}
	doseUnits = []string{"mg", "g", "mcg", "units", "ml"}
	ndcUnits  = []string{"UN", "ML", "GR", "F2", "ME"}
	devices   = []string{"implanted"}
)

const wantDate = "missing: want a date YYYY-MM-DD"

// checker collects problems in document order.
type checker struct{ probs []Problem }

func (c *checker) add(path, format string, args ...any) {
	c.probs = append(c.probs, Problem{path, fmt.Sprintf(format, args...)})
}

// pathFunc spells the path of a field of the element being checked. Paths
// are only spelled out for a problem, so a clean document builds none.
type pathFunc func(field string) string

// enum checks an optional enumerated value.
func (c *checker) enum(p pathFunc, field, v string, allowed []string) {
	if v != "" && !slices.Contains(allowed, v) {
		c.add(p(field), "%q: want one of %s", v, strings.Join(allowed, ", "))
	}
}

// positive checks an optional number that must be above zero when given.
func (c *checker) positive(p pathFunc, field string, v *float64) {
	if v != nil && !(*v > 0) {
		c.add(p(field), "%s: want a number above zero", fmtNum(*v))
	}
}

// validate applies the semantic rules of docs/input-format.md to a document
// that decoded cleanly.
func (d *Document) validate() []Problem {
	var c checker
	if d.Period != nil {
		if d.Period.From == 0 {
			c.add("period.from", wantDate)
		}
		if d.Period.To == 0 {
			c.add("period.to", wantDate)
		} else if d.Period.To < d.Period.From {
			c.add("period.to", "%s is before period.from %s", d.Period.To, d.Period.From)
		}
	}
	if len(d.Therapies) == 0 {
		c.add("therapies", "missing: want at least one therapy")
	}
	for i := range d.Therapies {
		d.checkTherapy(&c, i)
	}
	for i := range d.Visits {
		d.checkVisit(&c, i)
	}
	for i := range d.Drugs {
		d.checkDrug(&c, i)
	}
	for i := range d.Supplies {
		s := &d.Supplies[i]
		if s.HCPCS == "" {
			c.add(at("supplies", i, "hcpcs"), "missing: want the supply's HCPCS code")
		}
		if s.Date == 0 {
			c.add(at("supplies", i, "date"), wantDate)
		}
		if !(s.Units > 0) {
			c.add(at("supplies", i, "units"), "%s: want a number above zero", fmtNum(s.Units))
		}
	}
	sortByPath(c.probs)
	return c.probs
}

func (d *Document) checkTherapy(c *checker, i int) {
	t := &d.Therapies[i]
	p := func(field string) string { return at("therapies", i, field) }
	if t.ID == "" {
		c.add(p("id"), "missing: want an id the visits and drugs can name")
	} else if j := d.therapyIndex(t.ID); j < i {
		c.add(p("id"), "%q is also the id of therapies[%d]: ids must be unique", t.ID, j)
	}
	switch {
	case t.Type == "":
		c.add(p("type"), "missing: want a therapy type such as anti-infective")
	case !therapy.Known(t.Type):
		c.add(p("type"), "unknown therapy type %q: want one of %s", t.Type, strings.Join(therapy.Types(), ", "))
	}
	if t.Start == 0 {
		c.add(p("start"), wantDate)
	}
	if t.End != nil && t.Start != 0 && *t.End < t.Start {
		c.add(p("end"), "%s is before start %s", *t.End, t.Start)
	}
	checkInterval(c, p, t.EveryHours, t.EveryDays)
	c.enum(p, "method", t.Method, methods)
	if t.Lumens != nil && *t.Lumens < 1 {
		c.add(p("lumens"), "%d: want 1 or more", *t.Lumens)
	}
	c.enum(p, "device", t.Device, devices)
	c.enum(p, "site", t.Site, sites)
	c.positive(p, "liters_per_day", t.LitersPerDay)
	if t.Start == 0 || (t.End != nil && *t.End < t.Start) {
		// Without a sound span the date checks below would only echo the
		// problem already reported.
		d.checkTherapyParts(c, i, false)
	} else {
		d.checkTherapyParts(c, i, true)
	}
}

// checkInterval checks every_hours and every_days, which say the same thing.
func checkInterval(c *checker, p pathFunc, hours, days *float64) {
	if hours != nil && days != nil {
		c.add(p("every_days"), "given with every_hours: give the interval once")
	}
	c.positive(p, "every_hours", hours)
	c.positive(p, "every_days", days)
}

func (d *Document) checkTherapyParts(c *checker, i int, spanOK bool) {
	t := &d.Therapies[i]
	in := func(day civil.Date) bool { return day >= t.Start && (t.End == nil || day <= *t.End) }
	// span is only spelled out for a message, off the hot path.
	span := func() string {
		if t.End != nil {
			return t.Start.String() + " to " + t.End.String()
		}
		return t.Start.String() + " to the end of the period"
	}
	for k := range t.Changes {
		ch := &t.Changes[k]
		p := func(field string) string { return at("therapies", i, "changes["+strconv.Itoa(k)+"]."+field) }
		switch {
		case ch.From == 0:
			c.add(p("from"), wantDate)
		case spanOK && !in(ch.From):
			c.add(p("from"), "%s is outside the therapy (%s)", ch.From, span())
		case k > 0 && ch.From <= t.Changes[k-1].From:
			c.add(p("from"), "%s is not after changes[%d].from %s: changes go in date order, one per day", ch.From, k-1, t.Changes[k-1].From)
		}
		if ch.EveryHours == nil && ch.EveryDays == nil && ch.Continuous == nil && ch.LitersPerDay == nil && ch.Method == "" && ch.Site == "" {
			c.add(at("therapies", i, "changes["+strconv.Itoa(k)+"]"), "changes nothing: want every_hours, every_days, continuous, liters_per_day, method or site")
		}
		checkInterval(c, p, ch.EveryHours, ch.EveryDays)
		c.positive(p, "liters_per_day", ch.LitersPerDay)
		c.enum(p, "method", ch.Method, methods)
		c.enum(p, "site", ch.Site, sites)
	}
	for k := range t.Holds {
		h := &t.Holds[k]
		p := func(field string) string { return at("therapies", i, "holds["+strconv.Itoa(k)+"]."+field) }
		if h.From == 0 {
			c.add(p("from"), wantDate)
		} else if spanOK && !in(h.From) {
			c.add(p("from"), "%s is outside the therapy (%s)", h.From, span())
		}
		switch {
		case h.To == 0:
			c.add(p("to"), wantDate)
		case h.To < h.From:
			c.add(p("to"), "%s is before from %s", h.To, h.From)
		case spanOK && !in(h.To):
			c.add(p("to"), "%s is outside the therapy (%s)", h.To, span())
		}
		if h.From == 0 || h.To < h.From {
			continue
		}
		for j := range k {
			o := &t.Holds[j]
			if o.From != 0 && o.To >= o.From && h.From <= o.To && o.From <= h.To {
				c.add(at("therapies", i, "holds["+strconv.Itoa(k)+"]"), "%s to %s overlaps holds[%d] (%s to %s)", h.From, h.To, j, o.From, o.To)
				break
			}
		}
	}
	for k, day := range t.InfusionDays {
		if spanOK && !in(day) {
			c.add(at("therapies", i, "infusion_days["+strconv.Itoa(k)+"]"), "%s is outside the therapy (%s)", day, span())
		}
	}
}

// therapyIndex returns the index of the first therapy with the id, or -1.
// Documents have a handful of therapies, so a scan beats building a map.
func (d *Document) therapyIndex(id string) int {
	for i := range d.Therapies {
		if d.Therapies[i].ID == id {
			return i
		}
	}
	return -1
}

// covers reports whether therapy t runs on day; a therapy without an end
// runs to the end of the period (PD-5), or on without one.
func (d *Document) covers(t *Therapy, day civil.Date) bool {
	if day < t.Start {
		return false
	}
	switch {
	case t.End != nil:
		return day <= *t.End
	case d.Period != nil:
		return day <= d.Period.To
	}
	return true
}

func (d *Document) checkVisit(c *checker, i int) {
	v := &d.Visits[i]
	p := func(field string) string { return at("visits", i, field) }
	if v.Date == 0 {
		c.add(p("date"), wantDate)
	}
	if v.Minutes <= 0 {
		c.add(p("minutes"), "%d: want the visit's length in minutes, above zero", v.Minutes)
	}
	c.enum(p, "nurse", v.Nurse, nurses)
	c.enum(p, "site", v.Site, sites)
	if v.Therapy != "" {
		j := d.therapyIndex(v.Therapy)
		switch {
		case j < 0:
			c.add(p("therapy"), "%q is not the id of any therapy", v.Therapy)
		case v.Date != 0 && !d.covers(&d.Therapies[j], v.Date):
			c.add(p("date"), "%s is outside therapy %q", v.Date, v.Therapy)
		}
		return
	}
	if v.Date == 0 {
		return
	}
	for j := range d.Therapies {
		if d.covers(&d.Therapies[j], v.Date) {
			return
		}
	}
	c.add(p("date"), "%s is outside every therapy: a nursing visit belongs to a day of therapy", v.Date)
}

func (d *Document) checkDrug(c *checker, i int) {
	g := &d.Drugs[i]
	p := func(field string) string { return at("drugs", i, field) }
	if g.Therapy != "" && d.therapyIndex(g.Therapy) < 0 {
		c.add(p("therapy"), "%q is not the id of any therapy", g.Therapy)
	}
	if g.HCPCS == "" && g.NDC == "" {
		c.add(p("hcpcs"), "missing: want hcpcs, ndc or both")
	}
	if g.NDC != "" {
		if _, err := ident.NormalizeNDC(g.NDC); err != nil {
			c.add(p("ndc"), "%s", err)
		}
	}
	if g.From == 0 {
		c.add(p("from"), wantDate)
	}
	switch {
	case g.To == 0:
		c.add(p("to"), wantDate)
	case g.To < g.From:
		c.add(p("to"), "%s is before from %s", g.To, g.From)
	}
	if g.Dose < 0 {
		c.add(p("dose"), "%s: want the amount of one administration, above zero", fmtNum(g.Dose))
	}
	switch {
	case g.Doses < 0:
		c.add(p("doses"), "%d: want the number of administrations, above zero", g.Doses)
	case g.Dose > 0 && g.Doses == 0:
		c.add(p("doses"), "missing: a dose is given, so want the number of administrations, above zero")
	}
	switch {
	case g.Dose > 0 && g.DoseUnit == "":
		c.add(p("dose_unit"), "missing: want the unit of dose (%s)", strings.Join(doseUnits, ", "))
	case g.DoseUnit != "" && g.Dose == 0:
		c.add(p("dose"), "missing: dose_unit is given, so want the amount of one administration")
	}
	c.enum(p, "dose_unit", g.DoseUnit, doseUnits)
	if g.NDCQuantity < 0 {
		c.add(p("ndc_quantity"), "%s: want a quantity above zero", fmtNum(g.NDCQuantity))
	}
	c.enum(p, "ndc_unit", g.NDCUnit, ndcUnits)
}

// at builds the path list[i].field.
func at(list string, i int, field string) string {
	return list + "[" + strconv.Itoa(i) + "]." + field
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// sortByPath puts problems in the order their fields come in a document
// written in the order of the types: by list index, then by field.
func sortByPath(probs []Problem) {
	if len(probs) < 2 {
		return
	}
	slices.SortStableFunc(probs, func(a, b Problem) int {
		return slices.Compare(pathKey(a.Path), pathKey(b.Path))
	})
}

// pathKey turns a path into the field numbers and indexes leading to it.
func pathKey(path string) []int {
	var key []int
	t := documentType
	for path != "" {
		if path[0] == '[' {
			end := strings.IndexByte(path, ']')
			n, _ := strconv.Atoi(path[1:end])
			key = append(key, n)
			path = path[end+1:]
			t = t.Elem()
			continue
		}
		path = strings.TrimPrefix(path, ".")
		end := strings.IndexAny(path, ".[")
		if end < 0 {
			end = len(path)
		}
		name := path[:end]
		path = path[end:]
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			key = append(key, 0)
			continue
		}
		f, ok := fieldByJSONName(t, name)
		if !ok {
			key = append(key, t.NumField())
			continue
		}
		key = append(key, f.Index[0])
		t = f.Type
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
	}
	return key
}

func fieldByJSONName(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if n, _, _ := strings.Cut(f.Tag.Get("json"), ","); n == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}
