package remit

import (
	"slices"
	"strings"

	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/money"
	"github.com/perdiem/perdiem/x12/x835"
)

// lines matches the service lines of a CLP to the lines of the claim
// sent (c, nil when unmatched) and reconciles each.
func (r *Reconciler) lines(cp *ClaimPayment, cl *x835.Claim, c *claim.Claim, reversal bool) error {
	svcs := cl.ServiceLines
	match := make([]int, len(svcs))
	rules := make([]MatchRule, len(svcs))
	var used []bool
	for i := range match {
		match[i] = -1
	}
	if c != nil {
		used = make([]bool, len(c.Lines))
		for i, l := range svcs {
			if l.LineItemControlNumber == "" {
				continue
			}
			for j := range c.Lines {
				if c.Lines[j].ID == l.LineItemControlNumber {
					match[i], rules[i], used[j] = j, ByControlNumber, true
					break
				}
			}
		}
		for i, l := range svcs {
			if match[i] < 0 {
				if j := bestLine(c, l, cl, used); j >= 0 {
					match[i], rules[i], used[j] = j, ByCodeAndDate, true
				}
			}
		}
	}

	// parts[j] collects the service lines answering line j of the claim.
	parts := make([]*linePart, len(used))
	order := make([]*linePart, 0, len(svcs))
	for i, l := range svcs {
		if j := match[i]; j >= 0 && parts[j] != nil {
			parts[j].add(l)
			continue
		}
		p := &linePart{line: match[i], rule: rules[i], svcs: svcs[i : i+1 : i+1]}
		if j := match[i]; j >= 0 {
			parts[j] = p
		}
		order = append(order, p)
	}
	for _, p := range order {
		lp, err := r.linePayment(p, cl, c, reversal)
		if err != nil {
			return err
		}
		cp.Lines = append(cp.Lines, lp)
	}
	for j := range used {
		if used[j] {
			continue
		}
		ln := &c.Lines[j]
		lp := &LinePayment{
			LineID: ln.ID, Match: NotInRemittance,
			Code: ln.Code, Modifiers: ln.Modifiers, From: ln.From, To: ln.To,
			Units: units(ln.Units), Billed: ln.Charge,
		}
		r.expect(lp, c, j)
		if len(svcs) > 0 {
			lp.flag(LineNotAnswered, "the remittance claim does not answer this line")
		}
		cp.Lines = append(cp.Lines, lp)
	}
	return nil
}

// bestLine is the line of c not yet matched that a service line answers
// by procedure code and date of service: the one with the same modifiers,
// then the same charge, then the same dates. Without any date the charge
// must be the same.
func bestLine(c *claim.Claim, l *x835.ServiceLine, cl *x835.Claim, used []bool) int {
	proc := l.Procedure
	if l.OriginalProcedure != nil {
		proc = *l.OriginalProcedure
	}
	from, to, dated := lineDates(l, cl)
	best, bestScore := -1, -1
	for j := range c.Lines {
		ln := &c.Lines[j]
		if used[j] {
			continue
		}
		if proc.Qualifier == "N4" {
			if ln.NDC == "" || ln.NDC != proc.Code {
				continue
			}
		} else if !strings.EqualFold(ln.Code, proc.Code) {
			continue
		}
		sameCharge := abs(l.Charge) == ln.Charge
		if dated {
			if from > ln.To || to < ln.From {
				continue
			}
		} else if !sameCharge {
			continue
		}
		score := 0
		if slices.Equal(ln.Modifiers, proc.Modifiers) || (len(ln.Modifiers) == 0 && len(proc.Modifiers) == 0) {
			score += 4
		}
		if sameCharge {
			score += 2
		}
		if dated && from == ln.From && to == ln.To {
			score++
		}
		if score > bestScore {
			best, bestScore = j, score
		}
	}
	return best
}

// linePart is the service lines of one CLP that answer one line sent
// (several when the payer split it), or one service line that answers
// none (line < 0).
type linePart struct {
	line int
	rule MatchRule
	svcs []*x835.ServiceLine
}

func (p *linePart) add(l *x835.ServiceLine) { p.svcs = append(p.svcs, l) }

// linePayment reconciles the service lines of a part.
func (r *Reconciler) linePayment(p *linePart, cl *x835.Claim, c *claim.Claim, reversal bool) (*LinePayment, error) {
	first := p.svcs[0]
	lp := &LinePayment{Match: Unmatched, ControlNumber: first.LineItemControlNumber}
	var charge, paid, patient, allowed total
	allAllowed := true
	var paidUnits float64
	unitsOK := true
	var raw []x835.Adjustment
	for _, l := range p.svcs {
		charge.add(l.Charge)
		paid.add(l.Paid)
		for _, a := range l.Adjustments {
			if a.Group == "PR" {
				for _, rs := range a.Reasons {
					patient.add(rs.Amount)
				}
			}
		}
		if l.AllowedAmount != nil {
			allowed.add(*l.AllowedAmount)
		} else {
			allAllowed = false
		}
		u, ok := parseUnits(l.Units)
		unitsOK = unitsOK && ok
		paidUnits += u
		if len(p.svcs) == 1 {
			raw = l.Adjustments
		} else {
			raw = append(raw, l.Adjustments...)
		}
		lp.Adjustments = append(lp.Adjustments, adjustments(l.Adjustments)...)
		for _, rm := range l.Remarks {
			m, s := remark(rm.Qualifier, rm.Code)
			lp.Remarks = append(lp.Remarks, Remark{Qualifier: rm.Qualifier, Code: rm.Code, Meaning: m, Status: s})
		}
	}
	for _, t := range []*total{&charge, &paid, &patient, &allowed} {
		if t.err != nil {
			return nil, t.err
		}
	}
	lp.Paid, lp.PatientResponsibility = paid.sum, patient.sum
	if allAllowed {
		a := allowed.sum
		lp.Allowed = &a
	}
	if len(p.svcs) == 1 {
		lp.PaidUnits = first.Units
		if lp.PaidUnits == "" {
			lp.PaidUnits = "1"
		}
	} else {
		lp.PaidUnits = units(paidUnits)
	}
	proc := first.Procedure
	if first.OriginalProcedure != nil {
		proc = *first.OriginalProcedure
		if first.OriginalProcedure.Code != first.Procedure.Code {
			lp.PaidCode = first.Procedure.Code
		}
	}
	denied := !reversal && isDenied(lp.Paid, lp.PatientResponsibility, charge.sum, raw)

	if p.line < 0 {
		lp.Code, lp.Modifiers, lp.Billed = proc.Code, proc.Modifiers, charge.sum
		if from, to, ok := lineDates(first, cl); ok {
			lp.From, lp.To = from, to
		}
		lp.Units = first.OriginalUnits
		if lp.Units == "" {
			lp.Units = lp.PaidUnits
		}
		if c != nil {
			lp.flag(UnmatchedLine, "no line of claim %s matches this service line (%s)", c.ID, describe(first))
		}
		if denied {
			lp.flag(DeniedFlag, "the line paid nothing and left nothing to the patient")
		}
		return lp, nil
	}

	ln := &c.Lines[p.line]
	lp.LineID, lp.Match = ln.ID, p.rule
	lp.Code, lp.Modifiers, lp.From, lp.To = ln.Code, ln.Modifiers, ln.From, ln.To
	lp.Units, lp.Billed = units(ln.Units), ln.Charge
	if lp.PaidCode == "" && first.OriginalProcedure == nil && !strings.EqualFold(first.Procedure.Code, ln.Code) && first.Procedure.Qualifier != "N4" {
		lp.PaidCode = first.Procedure.Code
	}
	if lp.PaidCode != "" {
		lp.flag(CodeChanged, "the payer paid %s for %s", lp.PaidCode, ln.Code)
	}
	if len(p.svcs) > 1 {
		lp.flag(SplitLine, "the payer split this line into %d service lines", len(p.svcs))
	}
	if abs(charge.sum) != ln.Charge {
		lp.flag(ChargeDiffers, "the payer's line charge %s (SVC02) is not the line's charge %s", abs(charge.sum), ln.Charge)
	}
	if !reversal && !denied && unitsOK && paidUnits != ln.Units {
		lp.flag(UnitsChanged, "%s units paid of %s billed", lp.PaidUnits, lp.Units)
	}
	if denied {
		lp.flag(DeniedFlag, "the line paid nothing and left nothing to the patient")
	}
	r.expect(lp, c, p.line)
	if lp.Expected != nil && !reversal {
		cmp := allowed.sum
		if !allAllowed {
			a, err := allowedOf(charge.sum, raw)
			if err != nil {
				return nil, err
			}
			cmp = a
		}
		v, err := money.Add(*lp.Expected, -cmp)
		if err != nil {
			return nil, err
		}
		lp.Variance = &v
		r.variance(&lp.Flags, c, v, *lp.Expected, cmp, denied)
	}
	return lp, nil
}

// expect sets a line's expected payment from the contract.
func (r *Reconciler) expect(lp *LinePayment, c *claim.Claim, j int) {
	if r.opt.Expecter == nil {
		return
	}
	if a, term, ok := r.opt.Expecter.Expected(c, j); ok {
		lp.Expected, lp.Term = &a, term
	}
}

// describe names a service line for a message: its code, modifiers,
// control number and dates as the payer sent them.
func describe(l *x835.ServiceLine) string {
	s := l.Procedure.Code
	for _, m := range l.Procedure.Modifiers {
		s += ":" + m
	}
	if l.LineItemControlNumber != "" {
		s += ", REF*6R " + l.LineItemControlNumber
	}
	switch {
	case l.ServiceDate != nil:
		s += ", " + l.ServiceDate.String()
	case l.From != nil:
		s += ", " + l.From.String()
		if l.To != nil {
			s += " to " + l.To.String()
		}
	}
	return s
}
