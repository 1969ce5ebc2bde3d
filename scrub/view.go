package scrub

import (
	"github.com/perdiem/perdiem/asp"
	"slices"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/profile"
)

// Concurrency positions of a per diem line (CC-1).
const (
	primary = iota
	second  // SH
	further // SJ
)

// view is a claim as the edits look at it: each line classified once.
type view struct {
	c     *claim.Claim
	f     *Facts
	p     *profile.Profile
	codes *codeset.Set
	asp   []*asp.Table // for SC-13; nil when none is given
	table *codeTable
	lines []lineInfo
	// grouped is the number of lines whose code is in a CS-9 group.
	grouped int
	// first is the earliest day of service (the period's first day for a
	// claim without lines).
	first civil.Date
	spans []civil.Span // scratch for uncovered

	// nursing is nursingDays' result once nursingDone; loads is scratch.
	nursing     []nursingDay
	nursingDone bool
	loads       []nursingLoad
}

// lineInfo is one line with what the edits ask of it.
type lineInfo struct {
	*claim.Line
	n    int           // 1-based place in the claim
	info *codeInfo     // nil when the code set does not know the code
	code *codeset.Code // info's code, or nil
	// perDiem: the code bills per day (codeset IsPerDiem), catheter care
	// included; catheter: a catheter care per diem (CS-8); interval: a
	// weekly or monthly line (PD-3), which covers no day and takes no part
	// in ranking (CC-5); daily: a per diem that takes part in ranking.
	// A line is known to bill by the dosing interval from its reasons
	// (PD-3), from the facts (an interval over 3 days), or from fewer units
	// than days: a daily per diem bills each day of its span (LN-2), and an
	// 837P says nothing else about it.
	perDiem, catheter, interval, daily bool
	conc                               int // primary, second (SH) or further (SJ)
	span                               civil.Span
}

func (v *view) reset(c *claim.Claim, f *Facts, p *profile.Profile, cs *codeset.Set) {
	v.c, v.f, v.p, v.codes = c, f, p, cs
	v.table = tableOf(cs)
	v.lines = v.lines[:0]
	v.grouped = 0
	v.nursingDone = false
	v.first = c.Period.From
	for i := range c.Lines {
		l := &c.Lines[i]
		li := lineInfo{Line: l, n: i + 1, span: civil.Span{From: l.From, To: l.To}}
		if i == 0 || l.From < v.first {
			v.first = l.From
		}
		if li.info = v.table.lookup(cs, l.Code); li.info != nil {
			li.code = li.info.code
			if len(li.info.refs) > 0 {
				v.grouped++
			}
		}
		if li.info != nil && li.info.perDiem {
			li.perDiem = true
			li.catheter = li.info.catheter
			li.interval = !li.catheter && (citesRule(l, "PD-3") || f.intervalDays(l.Therapy, li.span) > 3 ||
				l.Units < float64(li.span.Days()))
			li.daily = !li.catheter && !li.interval
			for _, m := range l.Modifiers {
				switch m {
				case "SH":
					li.conc = max(li.conc, second)
				case "SJ":
					li.conc = further
				}
			}
		}
		v.lines = append(v.lines, li)
	}
}

// citesRule reports whether a line's reasons cite rule.
func citesRule(l *claim.Line, rule string) bool {
	for _, r := range l.Why {
		if r.Rule == rule {
			return true
		}
	}
	return false
}

func hasModifier(l *claim.Line, m string) bool { return slices.Contains(l.Modifiers, m) }

// uncovered returns the first day of s that no span of the lines keep
// selects covers, and whether there is one.
func (v *view) uncovered(s civil.Span, keep func(*lineInfo) bool) (civil.Date, bool) {
	v.spans = v.spans[:0]
	for i := range v.lines {
		if o := &v.lines[i]; keep(o) && o.span.Overlaps(s) {
			v.spans = append(v.spans, o.span)
		}
	}
	slices.SortFunc(v.spans, func(a, b civil.Span) int { return int(a.From - b.From) })
	cur := s.From
	for _, o := range v.spans {
		if o.From > cur {
			return cur, true
		}
		if o.To >= cur {
			cur = o.To + 1
		}
		if cur > s.To {
			return 0, false
		}
	}
	return cur, cur <= s.To
}

// coveredBy returns the first line keep selects whose span shares a day
// with s, or nil.
func (v *view) coveredBy(s civil.Span, keep func(*lineInfo) bool) *lineInfo {
	for i := range v.lines {
		if o := &v.lines[i]; keep(o) && o.span.Overlaps(s) {
			return o
		}
	}
	return nil
}

// firstShared is the first day two spans share.
func firstShared(a, b civil.Span) civil.Date { return max(a.From, b.From) }

// spanText writes a line's dates as people read them.
func spanText(s civil.Span) string {
	if s.From == s.To {
		return s.From.String()
	}
	return s.From.String() + ".." + s.To.String()
}
