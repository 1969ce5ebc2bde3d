package coding

import (
	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/codeset"
)

// supplies bills the separately billable items and drops the ones the per
// diem includes (IN-1…IN-3).
func (c *coder) supplies() {
	for i := range c.doc.Supplies {
		s := &c.doc.Supplies[i]
		path := ref{"supplies", i, ""}
		if !c.period.Contains(s.Date) {
			continue
		}
		code, ok := c.lookup(s.HCPCS)
		if !ok {
			c.fail(path.dot("hcpcs"), "%s is not in the code set", s.HCPCS)
			continue
		}
		switch code.Kind {
		case codeset.PerDiem, codeset.Catheter:
			if code.IsPerDiem() {
				c.fail(path.dot("hcpcs"), "%s is a per diem: bill it as a therapy, not a supply", code.Code)
				continue
			}
		case codeset.Nursing:
			if code.Code == "99601" || code.Code == "99602" {
				c.fail(path.dot("hcpcs"), "%s is coded from the visit: give it in visits[] (NU-1)", code.Code)
				continue
			}
		case codeset.Modifier:
			c.fail(path.dot("hcpcs"), "%s is a modifier, not a billable item", code.Code)
			continue
		}
		why := []claim.Reason{}
		row := nutrition(code.Code)
		switch {
		case c.billableOutside(code.Code):
			why = append(why, c.outsideReason(code.Code))
		case row != nil && row.included:
			if pd := c.perDiemOf(row, s.Date); pd != "" {
				c.warn("IN-3", "%s: %s (%s) is inside the %s per diem %s billed on %s and is not billed", path, code.Code, row.what, row.perDiemName, pd, s.Date)
				continue
			}
			if code.Bundled && c.perDiemOn(s.Date) {
				c.warn("IN-1", "%s: %s is bundled into the per diem on %s and is not billed", path, code.Code, s.Date)
				continue
			}
			why = append(why, row.notCoveredReason(code.Code, s.Date.String()))
		case row != nil:
			why = append(why, row.separateReason(code.Code))
		case code.Bundled && c.perDiemOn(s.Date):
			c.warn("IN-1", "%s: %s is bundled into the per diem on %s and is not billed", path, code.Code, s.Date)
			continue
		case code.Bundled:
			why = append(why, claim.Reason{Rule: "IN-1", Text: "bundled item billed because no per diem covers " + s.Date.String()})
		default:
			why = append(why, claim.Reason{Rule: "IN-2", Text: "not included in the per diem, billed separately"})
		}
		l := claim.Line{Code: code.Code, Modifiers: []string{}, From: s.Date, To: s.Date, Units: s.Units, POS: "12", Kind: claim.Supply, Why: why}
		if code.NOC {
			l.Description = code.Short
		}
		c.lines = append(c.lines, l)
		c.meta = append(c.meta, lineMeta{path: path.dot("hcpcs"), supply: true})
	}
}

// outsideReason cites the profile setting that bills code outside the per
// diem.
func (c *coder) outsideReason(code string) claim.Reason {
	return claim.Reason{Rule: "IN-2", Text: code + " billed outside the per diem" + c.setting("billable_outside_per_diem", "lists "+code)}
}

func (c *coder) billableOutside(code string) bool {
	for _, b := range c.s.BillableOutsidePerDiem {
		if b == code {
			return true
		}
	}
	return false
}

// perDiemOn reports whether a per diem line covers day d.
func (c *coder) perDiemOn(d civil.Date) bool {
	for i := range c.lines {
		l := &c.lines[i]
		if l.Kind == claim.PerDiem && d >= l.From && d <= l.To {
			return true
		}
	}
	return false
}

// exclusions enforces the CS-9 groups that the code choice cannot resolve:
// a supply that may not go on a claim with a coded line is dropped; two
// coded lines that may not go together are an error.
func (c *coder) exclusions() {
	idx, groups := exclusionIndex(c.codes)
	// Per group and side: lines seen, and whether any is a coded (not
	// supply) line. Most claims violate nothing, so nothing is allocated
	// unless a group has lines on both sides.
	type side struct {
		n     int
		coded bool
		code  string
	}
	var small [32][2]side
	var seen [][2]side
	if len(groups) <= len(small) {
		seen = small[:len(groups)]
	} else {
		seen = make([][2]side, len(groups))
	}
	for i := range c.lines {
		l, supply := &c.lines[i], c.meta[i].supply
		for _, ref := range idx[l.Code] {
			s := &seen[ref.group][ref.side()]
			s.n++
			s.coded = s.coded || !supply
			if s.code == "" || !supply {
				s.code = l.Code
			}
		}
	}
	var drop map[int]bool
	for gi := range seen {
		a, b := &seen[gi][0], &seen[gi][1]
		if a.n == 0 || b.n == 0 {
			continue
		}
		g := &groups[gi]
		victim, other := 0, b.code
		switch {
		case a.coded && b.coded:
			c.fail(ref{}, "CS-9: %s and %s may not be billed on one claim (exclusion group %s)", a.code, b.code, g.ID)
			continue
		case a.coded:
			victim, other = 1, a.code
		}
		for i := range c.lines {
			l := &c.lines[i]
			if !c.meta[i].supply {
				continue
			}
			for _, ref := range idx[l.Code] {
				if ref.group == gi && ref.side() == victim && !drop[i] {
					if drop == nil {
						drop = map[int]bool{}
					}
					drop[i] = true
					c.warn("CS-9", "%s: %s is not billed on a claim with %s (exclusion group %s)", c.meta[i].path, l.Code, other, g.ID)
				}
			}
		}
	}
	if len(drop) == 0 {
		return
	}
	kept, keptMeta := c.lines[:0], c.meta[:0]
	for i := range c.lines {
		if !drop[i] {
			kept, keptMeta = append(kept, c.lines[i]), append(keptMeta, c.meta[i])
		}
	}
	c.lines, c.meta = kept, keptMeta
}

type groupRef struct {
	group int
	a     bool
}

func (r groupRef) side() int {
	if r.a {
		return 0
	}
	return 1
}

type exclusionTable struct {
	idx    map[string][]groupRef
	groups []codeset.Exclusion
}

type exclusionKey struct{}

// exclusionIndex maps each code to the exclusion groups it is in, derived
// once per code set, and returns the groups.
func exclusionIndex(cs *codeset.Set) (map[string][]groupRef, []codeset.Exclusion) {
	t := cs.Derived(exclusionKey{}, func(cs *codeset.Set) any {
		idx := map[string][]groupRef{}
		groups := cs.Exclusions()
		for gi, g := range groups {
			for _, s := range g.A {
				idx[s] = append(idx[s], groupRef{gi, true})
			}
			for _, s := range g.B {
				idx[s] = append(idx[s], groupRef{gi, false})
			}
		}
		return &exclusionTable{idx, groups}
	}).(*exclusionTable)
	return t.idx, t.groups
}
