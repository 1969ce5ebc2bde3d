package remit

import (
	"fmt"
	"strconv"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/money"
	"github.com/perdiem/perdiem/x12/x835"
)

// Expecter gives the payment a contract expects for line lineIndex of a
// claim, and the contract term that set it; ok is false when the contract
// has no price for the line.
type Expecter interface {
	Expected(c *claim.Claim, lineIndex int) (amount money.Amount, term string, ok bool)
}

// Options tune the reconciliation.
type Options struct {
	// Expecter prices the lines sent; nil reconciles without expected
	// amounts, so nothing is flagged underpaid or overpaid.
	Expecter Expecter
	// Tolerance is how far the payer's allowed amount may be from the
	// expected one, either way, before it is flagged: 0 flags every cent.
	// An Expecter that is also Tolerances gives each claim its own.
	Tolerance money.Amount
}

// Tolerances is an Expecter that knows the tolerance of each claim (its
// contract's); ok false leaves the claim to Options.Tolerance.
type Tolerances interface {
	Tolerance(c *claim.Claim) (amount money.Amount, ok bool)
}

// tolerance is the tolerance c's allowed amounts are judged by.
func (r *Reconciler) tolerance(c *claim.Claim) money.Amount {
	if t, ok := r.opt.Expecter.(Tolerances); ok && c != nil {
		if a, ok := t.Tolerance(c); ok {
			return a
		}
	}
	return r.opt.Tolerance
}

// Reconcile matches every remittance to the claims sent and gives the
// report. Its only error is an amount that overflows money.Max when added
// up (errs invalid), which no real remittance carries.
func Reconcile(claims []*claim.Claim, rems []*x835.Remittance, opt Options) (*Report, error) {
	r := NewReconciler(claims, opt)
	rep := &Report{}
	for _, rem := range rems {
		rr, err := r.Add(rem)
		if err != nil {
			return nil, err
		}
		rep.Remittances = append(rep.Remittances, rr)
	}
	rep.Claims, rep.Totals = r.Finish()
	return rep, nil
}

// Reconciler reconciles remittances one at a time, so an 835 of any size
// is reconciled as it is read: Add gives each remittance's result, Finish
// the outcome of each claim sent. It keeps a few words per claim sent and
// per patient control number seen, not the remittances.
type Reconciler struct {
	opt      Options
	claims   []*claim.Claim
	byID     map[string][]int
	byMember map[string][]int
	outcomes []*ClaimOutcome
	states   [][]Outcome // per claim sent, the outcome of each payment in order

	// history is, per CLP01, the last adjudication not yet reversed and a
	// reversal not yet followed by its correction.
	history map[string]*pairing
	// payerNumbers maps a CLP07 seen to the claim sent it answered, so a
	// PLB naming it is linked.
	payerNumbers map[string]string

	n      int // remittances added
	totals Totals
}

type pairing struct {
	original *where // the last adjudication not reversed
	reversal *where // a reversal waiting for its correction
}

type where struct {
	remittance, claim int
	controlNumber     string // ST02
	payerNumber       string // CLP07
	paid              money.Amount
}

func (w *where) String() string {
	return fmt.Sprintf("payer claim %s (remittance %s, claim %d)", w.payerNumber, w.controlNumber, w.claim+1)
}

// NewReconciler returns a Reconciler for the claims sent.
func NewReconciler(claims []*claim.Claim, opt Options) *Reconciler {
	r := &Reconciler{
		opt:          opt,
		claims:       claims,
		byID:         make(map[string][]int, len(claims)),
		byMember:     make(map[string][]int),
		outcomes:     make([]*ClaimOutcome, len(claims)),
		states:       make([][]Outcome, len(claims)),
		history:      make(map[string]*pairing),
		payerNumbers: make(map[string]string),
		totals:       Totals{Flags: map[FlagKind]int{}},
	}
	for i, c := range claims {
		r.byID[c.ID] = append(r.byID[c.ID], i)
		if c.Subscriber.MemberID != "" {
			r.byMember[c.Subscriber.MemberID] = append(r.byMember[c.Subscriber.MemberID], i)
		}
		r.outcomes[i] = &ClaimOutcome{ClaimID: c.ID, Outcome: NoRemittance, Billed: c.Total, Expected: r.claimExpected(c)}
	}
	return r
}

// total adds amounts and remembers the first overflow.
type total struct {
	sum money.Amount
	err error
}

func (t *total) add(a money.Amount) {
	if t.err != nil {
		return
	}
	t.sum, t.err = money.Add(t.sum, a)
}

// Add reconciles one remittance.
func (r *Reconciler) Add(rem *x835.Remittance) (*Remittance, error) {
	out := &Remittance{
		ControlNumber: rem.ControlNumber,
		Payer:         rem.Payer.Name,
		Payee:         rem.Payee.Name,
		Trace:         rem.Trace.Number,
		Payment:       rem.Payment.Amount,
		Method:        rem.Payment.Method,
		Date:          rem.Payment.Date,
		Findings:      len(rem.Findings),
	}
	idx := r.n
	r.n++
	fail := func(what string, err error) (*Remittance, error) {
		return nil, errs.Errorf(errs.Invalid, "remittance %d (ST02 %s): %s: %v", idx+1, rem.ControlNumber, what, err)
	}
	var paid, pr, plb total
	for ci, cl := range rem.Claims {
		cp, err := r.claim(idx, ci, rem, cl)
		if err != nil {
			return fail("claim "+cl.PatientControlNumber, err)
		}
		out.Claims = append(out.Claims, cp)
		paid.add(cl.Paid)
		pr.add(cl.PatientResponsibility)
		r.count(cp.Flags)
		for _, l := range cp.Lines {
			r.count(l.Flags)
		}
	}
	for _, a := range rem.ProviderAdjustments {
		for _, it := range a.Items {
			pa := ProviderAdjustment{
				ProviderID: a.ProviderID, Period: a.FiscalPeriodEnd,
				Reason: it.Reason, Meaning: meaning(providerAdjustments, it.Reason),
				Reference: it.Reference, Amount: it.Amount,
			}
			if it.Reference != "" {
				if id, ok := r.payerNumbers[it.Reference]; ok {
					pa.ClaimID = id
				} else if _, ok := r.byID[it.Reference]; ok {
					pa.ClaimID = it.Reference
				}
			}
			out.ProviderAdjustments = append(out.ProviderAdjustments, pa)
			plb.add(it.Amount)
			r.totals.Flags[ProviderLevel]++
		}
	}
	var pay total
	pay.add(r.totals.Payments)
	pay.add(rem.Payment.Amount)
	for _, t := range []*total{&paid, &pr, &plb, &pay} {
		if t.err != nil {
			return fail("totals", t.err)
		}
	}
	sums := []*money.Amount{&r.totals.ClaimsPaid, &r.totals.PatientResponsibility, &r.totals.ProviderAdjustments}
	for i, t := range []total{paid, pr, plb} {
		s, err := money.Add(*sums[i], t.sum)
		if err != nil {
			return fail("totals", err)
		}
		*sums[i] = s
	}
	r.totals.Payments = pay.sum
	r.totals.Remittances++
	return out, nil
}

func (r *Reconciler) count(flags []Flag) {
	for _, f := range flags {
		r.totals.Flags[f.Kind]++
	}
}

// Finish gives the outcome of every claim sent, in their order, and the
// totals of everything added.
func (r *Reconciler) Finish() ([]*ClaimOutcome, Totals) {
	for i, o := range r.outcomes {
		o.Outcome = combine(r.states[i])
		if o.Outcome == NoRemittance {
			o.Flags = append(o.Flags, Flag{NotAnswered, "no remittance answers this claim"})
			r.totals.Flags[NotAnswered]++
		}
	}
	return r.outcomes, r.totals
}

// combine is a claim's outcome over its payments in order: a reversal
// takes back the last adjudication before it, and what is left decides.
func combine(states []Outcome) Outcome {
	if len(states) == 0 {
		return NoRemittance
	}
	var active []Outcome
	for _, s := range states {
		if s == Reversed {
			if len(active) > 0 {
				active = active[:len(active)-1]
			}
			continue
		}
		active = append(active, s)
	}
	if len(active) == 0 {
		return Reversed
	}
	o := active[0]
	for _, s := range active[1:] {
		if s != o {
			if s == Paid || s == PartlyPaid || o == Paid || o == PartlyPaid {
				return PartlyPaid
			}
			o = s
		}
	}
	return o
}

// claimExpected is the sum of the lines' expected payments, nil when a
// line has none.
func (r *Reconciler) claimExpected(c *claim.Claim) *money.Amount {
	if r.opt.Expecter == nil {
		return nil
	}
	var t total
	for i := range c.Lines {
		a, _, ok := r.opt.Expecter.Expected(c, i)
		if !ok {
			return nil
		}
		t.add(a)
	}
	if t.err != nil {
		return nil
	}
	return &t.sum
}

// matchClaim finds the claim sent that an 835 claim answers.
func (r *Reconciler) matchClaim(cl *x835.Claim) (int, MatchRule) {
	charge := abs(cl.Charge)
	if cands := r.byID[cl.PatientControlNumber]; len(cands) > 0 {
		best := cands[len(cands)-1]
		for j := len(cands) - 1; j >= 0; j-- {
			if r.claims[cands[j]].Total == charge {
				best = cands[j]
				break
			}
		}
		return best, ByClaimID
	}
	// Without a date of service the member and charge alone are too weak
	// a key: the same patient is billed the same amount month after month.
	from, to, dated := claimDates(cl)
	if !dated {
		return -1, Unmatched
	}
	found := -1
	seen := map[int]bool{}
	for _, n := range []*x835.Name{cl.Patient, cl.Insured} {
		if n == nil || n.ID == "" {
			continue
		}
		for _, i := range r.byMember[n.ID] {
			c := r.claims[i]
			if seen[i] || c.Total != charge {
				continue
			}
			if !(civil.Span{From: from, To: to}).Overlaps(c.Period) {
				continue
			}
			if found >= 0 {
				return -1, Unmatched // two claims fit: a person decides
			}
			seen[i] = true
			found = i
		}
	}
	if found < 0 {
		return -1, Unmatched
	}
	return found, ByMember
}

func abs(a money.Amount) money.Amount {
	if a < 0 {
		return -a
	}
	return a
}

// claimDates are the earliest and latest service dates of an 835 claim:
// its lines' dates, else its statement period.
func claimDates(cl *x835.Claim) (from, to civil.Date, ok bool) {
	for _, l := range cl.ServiceLines {
		f, t, has := lineDates(l, cl)
		if !has {
			continue
		}
		if !ok || f < from {
			from = f
		}
		if !ok || t > to {
			to = t
		}
		ok = true
	}
	if !ok && cl.StatementFrom != nil {
		from, to, ok = *cl.StatementFrom, *cl.StatementFrom, true
		if cl.StatementTo != nil {
			to = *cl.StatementTo
		}
	}
	return from, to, ok
}

// lineDates resolves a service line's dates: DTM*472, else DTM*150/151,
// else the claim's statement period.
func lineDates(l *x835.ServiceLine, cl *x835.Claim) (from, to civil.Date, ok bool) {
	switch {
	case l.ServiceDate != nil:
		return *l.ServiceDate, *l.ServiceDate, true
	case l.From != nil:
		to := *l.From
		if l.To != nil {
			to = *l.To
		}
		return *l.From, to, true
	case l.To != nil:
		return *l.To, *l.To, true
	case cl.StatementFrom != nil:
		to := *cl.StatementFrom
		if cl.StatementTo != nil {
			to = *cl.StatementTo
		}
		return *cl.StatementFrom, to, true
	}
	return 0, 0, false
}

// claim reconciles one CLP.
func (r *Reconciler) claim(ri, ci int, rem *x835.Remittance, cl *x835.Claim) (*ClaimPayment, error) {
	cp := &ClaimPayment{
		Match:                 Unmatched,
		PatientControlNumber:  cl.PatientControlNumber,
		PayerClaimNumber:      cl.PayerClaimControlNumber,
		Status:                cl.Status,
		StatusMeaning:         meaning(claimStatuses, cl.Status),
		Billed:                cl.Charge,
		Paid:                  cl.Paid,
		PatientResponsibility: cl.PatientResponsibility,
		Adjustments:           adjustments(cl.Adjustments),
	}
	for _, code := range cl.RemarkCodes {
		m, s := remark("", code)
		cp.Remarks = append(cp.Remarks, Remark{Code: code, Meaning: m, Status: s})
	}
	reversal := cl.Status == "22"
	ci0 := -1
	var c *claim.Claim
	if i, rule := r.matchClaim(cl); i >= 0 {
		ci0, c = i, r.claims[i]
		cp.ClaimID, cp.Match = c.ID, rule
		if cl.PayerClaimControlNumber != "" {
			r.payerNumbers[cl.PayerClaimControlNumber] = c.ID
		}
		if abs(cl.Charge) != c.Total {
			cp.flag(ChargeDiffers, "the payer's claim charge %s (CLP03) is not the claim's total %s", abs(cl.Charge), c.Total)
		}
	} else {
		cp.flag(UnmatchedClaim, "no claim sent matches patient control number %q (CLP01)", cl.PatientControlNumber)
	}

	if err := r.lines(cp, cl, c, reversal); err != nil {
		return nil, err
	}

	// Claim-level expected and, when the payer sent no lines, the variance.
	if c != nil && r.opt.Expecter != nil {
		cp.Expected = r.outcomes[ci0].Expected
		if len(cl.ServiceLines) == 0 && cp.Expected != nil && !reversal {
			allowed, err := allowedOf(cl.Charge, cl.Adjustments)
			if err != nil {
				return nil, err
			}
			v, err := money.Add(*cp.Expected, -allowed)
			if err != nil {
				return nil, err
			}
			r.variance(&cp.Flags, c, v, *cp.Expected, allowed, cl.Status == "4" || isDenied(cl.Paid, cl.PatientResponsibility, cl.Charge, cl.Adjustments))
		}
	}

	cp.Outcome = r.outcome(cp, cl)
	switch cl.Status {
	case "19", "20", "21", "23":
		cp.flag(ForwardedFlag, "%s: expect the other payer's remittance; do not bill it yourself", cp.StatusMeaning)
	}
	if cp.Outcome == Denied && !reversal {
		cp.flag(DeniedFlag, "the claim paid nothing and left nothing to the patient (%s)", cp.StatusMeaning)
	}
	r.pair(ri, ci, rem, cl, cp)
	if ci0 >= 0 {
		o := r.outcomes[ci0]
		var err error
		if o.Paid, err = money.Add(o.Paid, cl.Paid); err != nil {
			return nil, err
		}
		if o.PatientResponsibility, err = money.Add(o.PatientResponsibility, cl.PatientResponsibility); err != nil {
			return nil, err
		}
		o.Payments = append(o.Payments, PaymentRef{Remittance: ri, Claim: ci, Status: cl.Status, PayerClaimNumber: cl.PayerClaimControlNumber})
		r.states[ci0] = append(r.states[ci0], cp.Outcome)
	}
	return cp, nil
}

// pair links a reversal to the adjudication it takes back, and the
// correction after it to the reversal, by CLP01 over every remittance
// added so far.
func (r *Reconciler) pair(ri, ci int, rem *x835.Remittance, cl *x835.Claim, cp *ClaimPayment) {
	h := r.history[cl.PatientControlNumber]
	if h == nil {
		h = &pairing{}
		r.history[cl.PatientControlNumber] = h
	}
	w := &where{remittance: ri, claim: ci, controlNumber: rem.ControlNumber, payerNumber: cl.PayerClaimControlNumber, paid: cl.Paid}
	if cl.Status == "22" {
		if h.original != nil {
			msg := "takes back " + h.original.String()
			if h.original.paid != -cl.Paid {
				msg += fmt.Sprintf(", which paid %s, by %s", h.original.paid, cl.Paid)
			}
			cp.flag(Reversal, "%s", msg)
		} else {
			cp.flag(Reversal, "takes back %s of a payment not in these remittances", cl.Paid)
		}
		h.original, h.reversal = nil, w
		return
	}
	if h.reversal != nil {
		cp.flag(Correction, "corrects the payment reversed by %s", h.reversal)
		h.reversal = nil
	}
	h.original = w
}

// outcome is what one CLP did to its claim.
func (r *Reconciler) outcome(cp *ClaimPayment, cl *x835.Claim) Outcome {
	switch cl.Status {
	case "22":
		return Reversed
	case "23":
		return Forwarded
	case "25":
		return Predetermination
	case "4":
		return Denied
	}
	if isDenied(cl.Paid, cl.PatientResponsibility, cl.Charge, cl.Adjustments) {
		// Nothing paid on the claim: a denial, unless a line leaves its
		// charge to the patient or a prior payer paid it (OA-23).
		denied := true
		for _, l := range cl.ServiceLines {
			denied = denied && (l.Charge <= 0 || isDenied(l.Paid, 0, l.Charge, l.Adjustments))
		}
		if denied {
			return Denied
		}
	}
	for _, f := range cp.Flags {
		if f.Kind == Underpaid {
			return PartlyPaid
		}
	}
	for _, l := range cp.Lines {
		for _, f := range l.Flags {
			switch f.Kind {
			case DeniedFlag, Underpaid, LineNotAnswered:
				return PartlyPaid
			}
		}
	}
	return Paid
}

// isDenied says an amount charged was paid nothing and left nothing to the
// patient nor to a prior payer (OA-23): the payer refused it.
func isDenied(paid, patient, charge money.Amount, adj []x835.Adjustment) bool {
	if paid != 0 || patient != 0 || charge <= 0 {
		return false
	}
	for _, a := range adj {
		for _, rs := range a.Reasons {
			if a.Group == "PR" || (a.Group == "OA" && rs.Reason == "23") {
				if rs.Amount != 0 {
					return false
				}
			}
		}
	}
	return true
}

// allowedOf is what the payer allowed of a charge: the charge less the
// CO, PI and OA adjustments other than OA-23 (a prior payer's share).
func allowedOf(charge money.Amount, adj []x835.Adjustment) (money.Amount, error) {
	t := total{sum: charge}
	for _, a := range adj {
		if a.Group != "CO" && a.Group != "PI" && a.Group != "OA" {
			continue
		}
		for _, rs := range a.Reasons {
			if a.Group == "OA" && rs.Reason == "23" {
				continue
			}
			t.add(-rs.Amount)
		}
	}
	return t.sum, t.err
}

// variance flags an allowed amount that is beyond the tolerance from the
// expected one; a denial is flagged as such, not as an underpayment.
func (r *Reconciler) variance(flags *[]Flag, c *claim.Claim, v, expected, allowed money.Amount, denied bool) {
	if denied {
		return
	}
	tol := r.tolerance(c)
	switch {
	case v > tol:
		*flags = append(*flags, Flag{Underpaid, fmt.Sprintf("allowed %s is %s below the expected %s", allowed, v, expected)})
	case -v > tol:
		*flags = append(*flags, Flag{Overpaid, fmt.Sprintf("allowed %s is %s above the expected %s", allowed, -v, expected)})
	}
}

func (cp *ClaimPayment) flag(k FlagKind, format string, args ...any) {
	cp.Flags = append(cp.Flags, Flag{k, fmt.Sprintf(format, args...)})
}

func (lp *LinePayment) flag(k FlagKind, format string, args ...any) {
	lp.Flags = append(lp.Flags, Flag{k, fmt.Sprintf(format, args...)})
}

func adjustments(in []x835.Adjustment) []Adjustment {
	n := 0
	for _, a := range in {
		n += len(a.Reasons)
	}
	if n == 0 {
		return nil
	}
	out := make([]Adjustment, 0, n)
	for _, a := range in {
		for _, rs := range a.Reasons {
			m, s := reason(rs.Reason)
			out = append(out, Adjustment{
				Group: a.Group, GroupMeaning: meaning(groups, a.Group),
				Reason: rs.Reason, Meaning: m, Status: s,
				Amount: rs.Amount, Quantity: rs.Quantity,
			})
		}
	}
	return out
}

// units formats a unit count as the claim prints it.
func units(u float64) string { return strconv.FormatFloat(u, 'f', -1, 64) }

// parseUnits reads an X12 quantity; an absent one is 1.
func parseUnits(s string) (float64, bool) {
	if s == "" {
		return 1, true
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}
