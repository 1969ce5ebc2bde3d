package pricing

import (
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/perdiem/perdiem/asp"
	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/internal/strictjson"
	"github.com/perdiem/perdiem/money"
)

// Options are what pricing needs besides the claim and the contract.
type Options struct {
	// ASP are the CMS ASP quarters the asp and asp-limit bases read; each
	// piece of a line is priced by the quarter in force on its first day.
	ASP []*asp.Table
}

// Status says whether a line (or a piece of one) has an expected amount.
type Status string

// The statuses.
const (
	// Priced: a term sets the amount.
	Priced Status = "priced"
	// NotPayable: the term lists the code as not payable; expected 0.
	NotPayable Status = "not-payable"
	// Unpriced: no term in force gives a rate for the line (or for part
	// of its days). Its expected amount counts only what was priced, and
	// it is no basis for calling a payment short.
	Unpriced Status = "unpriced"
)

// ClaimPrice is what a claim should pay under a contract.
type ClaimPrice struct {
	ClaimID  string       `json:"claim_id"`
	Contract string       `json:"contract"`
	Charge   money.Amount `json:"charge"`   // the sum of the line charges
	Expected money.Amount `json:"expected"` // the sum of the lines' expected amounts
	Unpriced int          `json:"unpriced"` // lines with status unpriced
	Lines    []LinePrice  `json:"lines"`
	Notes    []string     `json:"notes,omitempty"`
}

// LinePrice is what one line should pay.
type LinePrice struct {
	Line      int          `json:"line"`         // 1-based position in the claim
	ID        string       `json:"id,omitempty"` // the line's control number (REF*6R)
	Code      string       `json:"code"`
	Modifiers []string     `json:"modifiers"`
	From      civil.Date   `json:"from"`
	To        civil.Date   `json:"to"`
	Units     float64      `json:"units"`
	Charge    money.Amount `json:"charge"`
	// Contract is the sum of the parts' amounts; Expected is Contract, or
	// the charge when the contract pays the lesser of the two and the
	// charge is lower (LesserOf).
	Contract money.Amount `json:"contract"`
	Expected money.Amount `json:"expected"`
	LesserOf bool         `json:"lesser_of,omitempty"`
	Status   Status       `json:"status"`
	// Parts are the line's days grouped by the term in force: one part
	// unless a term ends inside the line.
	Parts []Part `json:"parts"`
}

// Part is a stretch of a line's days priced by one term.
type Part struct {
	Term  string     `json:"term,omitempty"` // the term's id; "" when none is in force
	From  civil.Date `json:"from"`
	To    civil.Date `json:"to"`
	Units float64    `json:"units"` // the line's units on these days
	// Amount is the part's figure, rounded half up to the cent.
	Amount money.Amount `json:"amount"`
	Status Status       `json:"status"`
	// Paths are the contract's figures that set the amount, as field
	// paths into the contract file: terms[0].per_diem.S9500,
	// terms[0].sh_percent.
	Paths []string `json:"paths"`
	// Why says how the amount was reached, or why there is none.
	Why string `json:"why"`
}

// Line returns the price of the line with control number id, or nil.
func (p *ClaimPrice) Line(id string) *LinePrice {
	for i := range p.Lines {
		if p.Lines[i].ID == id {
			return &p.Lines[i]
		}
	}
	return nil
}

// Price prices every line of a claim under the contract.
//
// Each line's days are grouped by the term in force on them; a line within
// one term is one part. A line spanning a change of terms is split: when
// its units are one a day (a per diem line billed for each day), each part
// has its days as units; otherwise the units are shared out in proportion
// to the days, in the line's smallest unit step, the remainder going to
// the parts with the largest fractions (the earliest on a tie), so the
// parts' units add up to the line's. Each part is priced by its term and
// rounded half up to the cent; the line's contract amount is the sum of
// its parts, and the claim's the sum of its lines.
func Price(c *claim.Claim, k *Contract, opt Options) (*ClaimPrice, error) {
	p := &ClaimPrice{ClaimID: c.ID, Contract: k.ID, Lines: make([]LinePrice, 0, len(c.Lines))}
	if c.Payer.ID != "" && c.Payer.ID != k.Payer.ID {
		p.Notes = append(p.Notes, fmt.Sprintf("the claim's payer id %s is not the contract's (%s)", quoteShort(c.Payer.ID), k.Payer.ID))
	}
	var probs []errs.Problem
	for i := range c.Lines {
		lp, err := priceLine(&c.Lines[i], k, opt)
		if err != nil {
			probs = append(probs, errs.Problem{Path: strictjson.IndexPath("lines", i), Message: err.Error()})
			continue
		}
		lp.Line = i + 1
		var errc, erre error
		if p.Charge, errc = money.Add(p.Charge, lp.Charge); errc != nil {
			probs = append(probs, errs.Problem{Path: strictjson.IndexPath("lines", i) + ".charge", Message: "the claim's charges: " + errc.Error()})
		}
		if p.Expected, erre = money.Add(p.Expected, lp.Expected); erre != nil {
			return nil, errs.Errorf(errs.Invalid, "claim %s: the expected amount %v", c.ID, erre)
		}
		if lp.Status == Unpriced {
			p.Unpriced++
		}
		p.Lines = append(p.Lines, *lp)
	}
	if len(probs) > 0 {
		return nil, &errs.Error{Code: errs.Invalid, Message: "claim " + c.ID + ": lines that cannot be priced", Problems: probs}
	}
	return p, nil
}

// segment is a stretch of a line's days under one term (nil: none).
type segment struct {
	term     *Term
	index    int // the term's index in the contract
	from, to civil.Date
}

// segments splits [from, to] at the terms' boundaries.
func segments(k *Contract, from, to civil.Date) []segment {
	var out []segment
	for d := from; d <= to; {
		s := segment{from: d, to: to, index: -1}
		for i := range k.Terms {
			t := &k.Terms[i]
			if t.In(d) {
				s.term, s.index = t, i
				if t.To != nil && *t.To < s.to {
					s.to = *t.To
				}
				break
			}
		}
		if s.term == nil {
			// No term on d: the gap runs to the day before the next one starts.
			for i := range k.Terms {
				if f := k.Terms[i].From; f > d && f-1 < s.to {
					s.to = f - 1
				}
			}
		}
		out = append(out, s)
		d = s.to + 1
	}
	return out
}

// exact returns a count such as units as the decimal its shortest form
// prints, exactly, and the power of ten of its last digit.
func exact(v float64) (*big.Rat, int, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return nil, 0, fmt.Errorf("%v: want a count of zero or more", v)
	}
	s := strconv.FormatFloat(v, 'f', -1, 64)
	r, _ := new(big.Rat).SetString(s)
	_, frac, _ := strings.Cut(s, ".")
	return r, len(frac), nil
}

// share splits units over the segments (see Price).
func share(units *big.Rat, scale int, segs []segment) []*big.Rat {
	out := make([]*big.Rat, len(segs))
	if len(segs) == 1 {
		out[0] = units
		return out
	}
	days := int64(segs[len(segs)-1].to-segs[0].from) + 1
	if units.Cmp(big.NewRat(days, 1)) == 0 {
		for i, s := range segs {
			out[i] = big.NewRat(int64(s.to-s.from)+1, 1)
		}
		return out
	}
	step := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil)
	n := new(big.Int).Mul(units.Num(), step)
	n.Quo(n, units.Denom()) // units in steps, exactly: units has scale decimals
	whole := make([]*big.Int, len(segs))
	rem := make([]*big.Int, len(segs))
	left := new(big.Int).Set(n)
	for i, s := range segs {
		q := new(big.Int).Mul(n, big.NewInt(int64(s.to-s.from)+1))
		whole[i], rem[i] = new(big.Int).QuoRem(q, big.NewInt(days), new(big.Int))
		left.Sub(left, whole[i])
	}
	for left.Sign() > 0 {
		best := -1
		for i := range segs {
			if rem[i].Sign() >= 0 && (best < 0 || rem[i].Cmp(rem[best]) > 0) {
				best = i
			}
		}
		whole[best].Add(whole[best], big.NewInt(1))
		rem[best].SetInt64(-1) // one extra step a part at most
		left.Sub(left, big.NewInt(1))
	}
	for i := range segs {
		out[i] = new(big.Rat).SetFrac(whole[i], step)
	}
	return out
}

func priceLine(l *claim.Line, k *Contract, opt Options) (*LinePrice, error) {
	lp := &LinePrice{ID: l.ID, Code: l.Code, Modifiers: l.Modifiers, From: l.From, To: l.To, Units: l.Units, Charge: l.Charge}
	if lp.Modifiers == nil {
		lp.Modifiers = []string{}
	}
	if l.To < l.From {
		return nil, fmt.Errorf("to %s is before from %s", l.To, l.From)
	}
	units, scale, err := exact(l.Units)
	if err != nil {
		return nil, fmt.Errorf("units %w", err)
	}
	segs := segments(k, l.From, l.To)
	shares := share(units, scale, segs)
	var sum money.Amount
	all, none := true, true // every part not payable; no part priced
	for i, s := range segs {
		u := shares[i]
		frac := big.NewRat(1, 1) // the part's share of the line, for charges and NDC quantities
		if units.Sign() > 0 {
			frac.Quo(u, units)
		}
		uf, _ := u.Float64()
		part := Part{From: s.from, To: s.to, Units: uf, Paths: []string{}}
		if s.term == nil {
			part.Status = Unpriced
			part.Why = "no contract term is in force on these days"
		} else {
			part.Term = s.term.ID
			amount := priceTerm(&part, l, s, u, frac, k, opt)
			if amount != nil {
				if part.Amount, err = money.RoundCents(amount); err != nil {
					return nil, err
				}
			}
		}
		switch part.Status {
		case Unpriced:
			lp.Status = Unpriced
			all = false
		case Priced:
			all, none = false, false
		case NotPayable:
			none = false
		}
		if sum, err = money.Add(sum, part.Amount); err != nil {
			return nil, err
		}
		lp.Parts = append(lp.Parts, part)
	}
	switch {
	case lp.Status == Unpriced:
	case all && !none:
		lp.Status = NotPayable
	default:
		lp.Status = Priced
	}
	lp.Contract, lp.Expected = sum, sum
	if k.LesserOf && lp.Status == Priced && l.Charge > 0 && l.Charge < sum {
		lp.Expected, lp.LesserOf = l.Charge, true
	}
	return lp, nil
}

// priceTerm prices a part under its term and fills in its status, paths
// and reasons; it returns the exact amount, or nil when there is none.
func priceTerm(part *Part, l *claim.Line, s segment, units, frac *big.Rat, k *Contract, opt Options) *big.Rat {
	t := s.term
	tp := strictjson.IndexPath("terms", s.index)
	if j := slices.Index(t.NotPayable, l.Code); j >= 0 {
		part.Status = NotPayable
		part.Paths = append(part.Paths, fmt.Sprintf("%s.not_payable[%d]", tp, j))
		part.Why = fmt.Sprintf("%s is not payable under term %s", l.Code, t.ID)
		return new(big.Rat)
	}
	unpriced := func(format string, args ...any) *big.Rat {
		part.Status = Unpriced
		part.Why = fmt.Sprintf(format, args...)
		return nil
	}
	priced := func(amount *big.Rat, why string, paths ...string) *big.Rat {
		part.Status = Priced
		part.Paths = append(part.Paths, paths...)
		part.Why = why
		return amount
	}
	u := units.FloatString(scaleOf(units))
	switch l.Kind {
	case claim.PerDiem:
		rate, ok := t.PerDiem[l.Code]
		if !ok {
			return unpriced("term %s has no per diem rate for %s", t.ID, l.Code)
		}
		amount := mul(units, rate.Rat())
		why := fmt.Sprintf("%s day(s) × %s", u, rate)
		paths := []string{tp + ".per_diem." + l.Code}
		switch {
		case slices.Contains(l.Modifiers, "SJ"):
			amount.Mul(amount, t.SJPercent.Rat())
			why += fmt.Sprintf(" × %s %% (SJ)", t.SJPercent)
			paths = append(paths, tp+".sj_percent")
		case slices.Contains(l.Modifiers, "SH"):
			amount.Mul(amount, t.SHPercent.Rat())
			why += fmt.Sprintf(" × %s %% (SH)", t.SHPercent)
			paths = append(paths, tp+".sh_percent")
		}
		return priced(amount, why, paths...)
	case claim.Nursing:
		if n := t.Nursing; n != nil {
			switch {
			case l.Code == "99601" && n.Visit != nil:
				return priced(mul(units, n.Visit.Rat()), fmt.Sprintf("%s visit(s) × %s", u, n.Visit), tp+".nursing.visit")
			case l.Code == "99602" && n.ExtraHour != nil:
				return priced(mul(units, n.ExtraHour.Rat()), fmt.Sprintf("%s extra hour(s) × %s", u, n.ExtraHour), tp+".nursing.extra_hour")
			}
		}
		if rate, ok := t.Fees[l.Code]; ok {
			return priced(mul(units, rate.Rat()), fmt.Sprintf("%s unit(s) × %s", u, rate), tp+".fees."+l.Code)
		}
		return unpriced("term %s has no nursing rate for %s", t.ID, l.Code)
	case claim.Drug:
		var misses []string
		for j := range t.Drugs {
			b := &t.Drugs[j]
			bp := fmt.Sprintf("%s.drugs[%d]", tp, j)
			amount, why, paths, miss := priceDrug(b, bp, l, s, units, u, frac, opt)
			if amount != nil {
				if len(misses) > 0 {
					// Say why the bases before it did not apply.
					why += "; not by " + strings.Join(misses, "; ")
				}
				return priced(amount, why, paths...)
			}
			misses = append(misses, miss+" ("+bp+")")
		}
		if len(misses) == 0 {
			return unpriced("term %s prices no drugs", t.ID)
		}
		return unpriced("%s", strings.Join(misses, "; "))
	default:
		if rate, ok := t.Fees[l.Code]; ok {
			return priced(mul(units, rate.Rat()), fmt.Sprintf("%s unit(s) × %s", u, rate), tp+".fees."+l.Code)
		}
		return unpriced("term %s has no fee for %s", t.ID, l.Code)
	}
}

// priceDrug tries one drug basis; it returns the amount, or nil and why not.
func priceDrug(b *DrugBasis, bp string, l *claim.Line, s segment, units *big.Rat, u string, frac *big.Rat, opt Options) (*big.Rat, string, []string, string) {
	adjust := func(amount *big.Rat, why string, paths []string) (*big.Rat, string, []string) {
		if b.Percent == nil || *b.Percent == 0 {
			if b.Percent != nil {
				paths = append(paths, bp+".percent")
			}
			return amount, why, paths
		}
		amount.Mul(amount, b.Percent.Factor())
		return amount, fmt.Sprintf("%s × %s %%", why, 10_000+*b.Percent), append(paths, bp+".percent")
	}
	switch b.Basis {
	case FeeSchedule:
		rate, ok := b.Rates[l.Code]
		if !ok {
			return nil, "", nil, l.Code + " is not in the fee schedule"
		}
		a, why, paths := adjust(mul(units, rate.Rat()), fmt.Sprintf("%s unit(s) × %s (fee schedule)", u, rate), []string{bp + ".rates." + l.Code})
		return a, why, paths, ""
	case NDCPrice:
		if l.NDC == "" {
			return nil, "", nil, "the line has no NDC"
		}
		price, ok := b.Prices[l.NDC]
		if !ok {
			return nil, "", nil, "NDC " + l.NDC + " is not in " + b.Name
		}
		qty, _, err := exact(l.NDCQuantity)
		if err != nil || qty.Sign() == 0 {
			return nil, "", nil, "the line has no NDC quantity"
		}
		qty.Mul(qty, frac)
		unit := l.NDCUnit
		if unit == "" {
			unit = "unit"
		}
		a, why, paths := adjust(mul(qty, price.Rat()), fmt.Sprintf("%s %s of NDC %s × %s (%s)", qty.FloatString(scaleOf(qty)), unit, l.NDC, price, b.Name), []string{bp + ".file"})
		return a, why, paths, ""
	case ASPLimit, ASP:
		tab := asp.On(opt.ASP, s.from)
		if tab == nil {
			return nil, "", nil, "no CMS ASP quarter is loaded for " + s.from.String()
		}
		lim, ok := tab.Limit(l.Code)
		if !ok {
			return nil, "", nil, fmt.Sprintf("%s has no ASP payment limit in the quarter of %s", l.Code, tab.From)
		}
		amount := mul(units, lim.Limit.Rat())
		why := fmt.Sprintf("%s unit(s) × %s (CMS payment limit per %s, quarter of %s)", u, lim.Limit, lim.Dosage, tab.From)
		if b.Basis == ASP {
			// The limit is 106 % of ASP: ASP + p % is limit × (100 + p) / 106.
			amount.Mul(amount, big.NewRat(10_000+int64(*b.Percent), 10_600))
			return amount, fmt.Sprintf("%s ÷ 1.06 × %s %%", why, 10_000+*b.Percent), []string{bp + ".percent"}, ""
		}
		a, why, paths := adjust(amount, why, nil)
		return a, why, paths, ""
	case PercentOfCharge:
		if l.Charge <= 0 {
			return nil, "", nil, "the line has no billed charge"
		}
		charge := new(big.Rat).Mul(l.Charge.Rat(), frac)
		amount := new(big.Rat).Mul(charge, b.Percent.Rat())
		return amount, fmt.Sprintf("%s %% of the charge %s", b.Percent, charge.FloatString(2)), []string{bp + ".percent"}, ""
	}
	return nil, "", nil, "unknown basis " + b.Basis
}

func mul(a, b *big.Rat) *big.Rat { return new(big.Rat).Mul(a, b) }

// scaleOf is the number of decimals a terminating decimal needs (at most 6
// are shown).
func scaleOf(r *big.Rat) int {
	for n := 0; n < 6; n++ {
		if new(big.Rat).Mul(r, big.NewRat(int64(math.Pow10(n)), 1)).IsInt() {
			return n
		}
	}
	return 6
}
