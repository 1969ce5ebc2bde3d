package coding

import (
	"slices"
	"strconv"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/episode"
	"github.com/perdiem/perdiem/profile"
)

// nursing codes each visit as 99601 plus 99602 for the extra hours
// (NU-1…NU-5), and flags what exceeds the profile's caps (NU-4).
func (c *coder) nursing() {
	if len(c.doc.Visits) == 0 {
		return
	}
	if !c.s.NursingOnClaim {
		c.warn("NU-4", "%d nursing visit(s) not on this claim: profile %s has nursing billed elsewhere", len(c.doc.Visits), c.prof.ID)
		return
	}
	for i := range c.doc.Visits {
		v := &c.doc.Visits[i]
		if !c.period.Contains(v.Date) {
			continue
		}
		path := ref{"visits", i, ""}
		k, pos := 0, "12"
		if v.Site == "suite" {
			k, pos = k|1, c.s.SuitePOS
		}
		if v.Specialty {
			if v.Nurse == "lpn" {
				c.warn("NU-3", "visit %s on %s: SD is for a registered nurse; the visit is by an LPN, so no SD", path, v.Date)
			} else {
				k |= 2
			}
		}
		c.inpatientVisit(i, v)
		vk := &c.reasons().visits[k]
		c.emit(claim.Line{Code: "99601", Modifiers: vk.mods, From: v.Date, To: v.Date, Units: 1, POS: pos, Kind: claim.Nursing, Therapy: v.Therapy, Why: vk.why601}, path)
		if extra := extraHours(v.Minutes, c.s.NursingExtraHourMinutes); extra > 0 {
			// The NU-1 reason that names the visit's 99601 line is added
			// once the lines have their places (extendedVisits).
			var whyBuf [6]claim.Reason
			b := strconv.AppendInt(c.textBuf(), int64(v.Minutes), 10)
			b = strconv.AppendInt(append(b, " minutes -> "...), int64(extra), 10)
			b = append(append(b, " additional hour(s), "...), c.reasons().nu2...)
			why := append(append(whyBuf[:0], vk.why602...), claim.Reason{Rule: "NU-2", Text: c.newText(b)})
			c.emit(claim.Line{Code: "99602", Modifiers: vk.mods, From: v.Date, To: v.Date, Units: float64(extra), POS: pos, Kind: claim.Nursing, Therapy: v.Therapy, Why: c.keepWhyRoom(why, 1)}, path.dot("minutes"))
		}
	}
	if caps := c.s.NursingCaps; caps != nil {
		c.nursingCaps(caps)
	}
}

// visitKind holds the modifiers and reasons of a visit's lines, one for
// each combination of suite (bit 1) and SD (bit 2). Lines share these
// slices; their capacity equals their length, so an append copies.
type visitKind struct {
	mods           []string
	why601, why602 []claim.Reason
}

func visitKinds(nursingSuite claim.Reason) (vk [4]visitKind) {
	for k := range vk {
		var mods []string
		var notes []claim.Reason
		if k&1 != 0 {
			mods = append(mods, "SS")
			notes = append(notes, claim.Reason{Rule: "NU-3", Text: "visit in the infusion suite -> SS"}, nursingSuite)
		}
		if k&2 != 0 {
			mods = append(mods, "SD")
			notes = append(notes, claim.Reason{Rule: "NU-3", Text: "registered nurse with specialised infusion training -> SD"})
		}
		if mods == nil {
			mods = []string{}
		}
		why601 := append([]claim.Reason{{Rule: "NU-1", Text: "one 99601 per visit, up to two hours"}, {Rule: "NU-5", Text: "each visit on its own line"}}, notes...)
		why602 := slices.Clone(notes)
		vk[k] = visitKind{mods: slices.Clip(mods), why601: slices.Clip(why601), why602: slices.Clip(why602)}
	}
	return vk
}

// extraHours applies the mid-point rule (NU-2): minutes beyond 120 give
// whole hours, plus one for a remainder of at least threshold minutes.
func extraHours(minutes, threshold int) int {
	extra := minutes - 120
	if extra <= 0 {
		return 0
	}
	n := extra / 60
	if rem := extra % 60; rem > 0 && threshold > 0 && threshold < 60 && rem >= threshold {
		n++
	}
	return n
}

// nursingCaps flags visits beyond the profile's limits; they stay coded
// (NU-4): whether to pay them is the payer's call.
func (c *coder) nursingCaps(caps *profile.NursingCaps) {
	byDay := map[civil.Date]int{}
	var days []civil.Date
	for i := range c.doc.Visits {
		v := &c.doc.Visits[i]
		if !c.period.Contains(v.Date) {
			continue
		}
		if caps.RNOnly && v.Nurse == "lpn" {
			c.warn("NU-4", "visits[%d] on %s is by an LPN; profile %s pays registered nurse visits only", i, v.Date, c.prof.ID)
		}
		if byDay[v.Date] == 0 {
			days = append(days, v.Date)
		}
		byDay[v.Date] += v.Minutes
	}
	slices.Sort(days)
	for _, d := range days {
		if caps.HoursPerDay > 0 && float64(byDay[d]) > caps.HoursPerDay*60 {
			c.warn("NU-4", "%s: %d minutes of nursing exceed profile %s's cap of %s hours a day", d, byDay[d], c.prof.ID, formatNumber(caps.HoursPerDay))
		}
	}
	// Rolling seven-day windows ending on each visit day.
	for _, d := range days {
		minutes, visits := 0, 0
		for i := range c.doc.Visits {
			v := &c.doc.Visits[i]
			if v.Date > d-7 && v.Date <= d {
				minutes += v.Minutes
				visits++
			}
		}
		if caps.HoursPerWeek > 0 && float64(minutes) > caps.HoursPerWeek*60 {
			c.warn("NU-4", "7 days to %s: %d minutes of nursing exceed profile %s's cap of %s hours a week", d, minutes, c.prof.ID, formatNumber(caps.HoursPerWeek))
		}
		if caps.VisitsPer7Days > 0 && visits > caps.VisitsPer7Days {
			c.warn("NU-4", "7 days to %s: %d visits exceed profile %s's cap of %d visits in 7 days", d, visits, c.prof.ID, caps.VisitsPer7Days)
		}
	}
}

// inpatientVisit warns about a home nursing visit on a day the patient is
// in hospital: a day inside a hold whose reason is inpatient, of any
// therapy (PD-4). The visit is still coded; the biller checks the dates.
func (c *coder) inpatientVisit(i int, v *episode.Visit) {
	for k := range c.doc.Therapies {
		t := &c.doc.Therapies[k]
		for h := range t.Holds {
			hold := &t.Holds[h]
			if hold.Reason == "inpatient" && v.Date >= hold.From && v.Date <= hold.To {
				c.warn("PD-4", "visits[%d] on %s: the patient is inpatient that day (therapies[%d].holds[%d], %s..%s); a home nursing visit is not expected during a hospital stay: check the visit's date or the hold", i, v.Date, k, h, hold.From, hold.To)
				return
			}
		}
	}
}

// extendedVisits tells each 99602 line which visit it extends: the visit's
// date and the place (1-based) of the visit's 99601 line among the lines
// (NU-1). It runs once the lines are in their final order.
func (c *coder) extendedVisits() {
	var first []int // first[i]: place of visits[i]'s 99601 line
	var small [64]int
	for k := range c.lines {
		if m := &c.meta[k]; c.lines[k].Code == "99602" && m.path.list == "visits" {
			if first = small[:]; len(c.doc.Visits) > len(small) {
				first = make([]int, len(c.doc.Visits))
			}
			break
		}
	}
	if first == nil {
		return
	}
	for k := range c.lines {
		if m := &c.meta[k]; c.lines[k].Code == "99601" && m.path.list == "visits" {
			first[m.path.i] = k + 1
		}
	}
	for k := range c.lines {
		l, m := &c.lines[k], &c.meta[k]
		if l.Code != "99602" || m.path.list != "visits" || first[m.path.i] == 0 {
			continue
		}
		b := l.From.AppendISO(append(c.textBuf(), "each additional hour of the visit of "...))
		b = strconv.AppendInt(append(b, " (visits["...), int64(m.path.i), 10)
		b = strconv.AppendInt(append(b, "]) billed on line "...), int64(first[m.path.i]), 10)
		l.Why = append(l.Why, claim.Reason{Rule: "NU-1", Text: c.newText(append(b, " as 99601"...))})
	}
}
