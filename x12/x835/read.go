package x835

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/money"
	"github.com/perdiem/perdiem/x12"
	"github.com/perdiem/perdiem/x12/internal/txset"
)

// Error is a problem in an 835 that is well-formed X12: a missing or
// malformed element, a segment out of place, an envelope count that is off,
// or a balance that does not hold. The Reader reports it as a finding of
// the remittance it is in and reads on.
type Error struct {
	Pos       x12.Position
	SegmentID string
	Element   int    // 1-based; 0 when the error concerns the whole segment
	Claim     string // CLP01 of the claim it is in, if any
	Err       error
}

func (e *Error) located() txset.Located {
	return txset.Located{Pos: e.Pos, SegmentID: e.SegmentID, Element: e.Element, Claim: e.Claim, Err: e.Err}
}

func (e *Error) Error() string { return e.located().Message("x835") }

func (e *Error) Unwrap() error { return e.Err }

func (e *Error) where() string { return e.located().Where() }

// Kind names the sentinel error the finding wraps: "missing", "amount",
// "unbalanced", ….
func (e *Error) Kind() string { return txset.KindOf(e.Err, kinds) }

// MarshalJSON gives the finding with its position, kind and message.
func (e *Error) MarshalJSON() ([]byte, error) { return e.located().JSON(e.Kind()) }

// Sentinel errors wrapped in an *Error; test for them with errors.Is.
var (
	ErrMissing    = errors.New("required element is missing")
	ErrAmount     = errors.New("not an amount")
	ErrDecimal    = errors.New("not a decimal number")
	ErrDate       = errors.New("not a date CCYYMMDD")
	ErrOutOfPlace = errors.New("segment out of place")
	ErrUnexpected = errors.New("unexpected value")
	ErrControl    = errors.New("envelope mismatch")
	ErrUnbalanced = errors.New("does not balance")
	ErrCutShort   = errors.New("transaction set cut short")
	ErrSkipped    = errors.New("unreadable segment skipped")
	// ErrPatientShare: CLP05 is not the sum of the PR adjustments.
	ErrPatientShare = errors.New("patient responsibility does not add up")
)

var kinds = []txset.Kind{
	{Name: "missing", Err: ErrMissing}, {Name: "amount", Err: ErrAmount}, {Name: "decimal", Err: ErrDecimal}, {Name: "date", Err: ErrDate},
	{Name: "out_of_place", Err: ErrOutOfPlace}, {Name: "unexpected", Err: ErrUnexpected}, {Name: "envelope", Err: ErrControl},
	{Name: "unbalanced", Err: ErrUnbalanced}, {Name: "cut_short", Err: ErrCutShort}, {Name: "skipped", Err: ErrSkipped},
	{Name: "patient_responsibility", Err: ErrPatientShare},
}

// Read reads every 835 transaction set in r, one Remittance per ST … SE,
// each with its findings. Outside are the findings that belong to no
// remittance: segments outside a transaction set, sets that are not 835s.
// The error is non-nil only when the input stops being X12 (an
// *x12.SyntaxError) or cannot be read; the remittances before that point
// are returned with it, the one it cut short marked Incomplete.
func Read(r io.Reader) (rems []*Remittance, outside []*Error, err error) {
	rd := NewReader(r)
	rems, err = x12.ReadAll(rd.Next)
	return rems, rd.Outside(), err
}

// Reader reads remittances one transaction set at a time, so a file of any
// size is read with the memory of its largest transaction set.
type Reader struct {
	s *txset.Stream[*Error]
}

// NewReader returns a Reader that reads 835 transaction sets from r. A
// segment the tokenizer cannot read (a bad segment ID, too many elements,
// one too long) is skipped with a finding, and reading goes on after it.
func NewReader(r io.Reader) *Reader {
	return &Reader{s: txset.New(r, skipped, outOfPlace)}
}

// skipped is the finding for a segment the tokenizer skipped.
func skipped(se *x12.SyntaxError) *Error {
	return &Error{Pos: se.Pos, SegmentID: se.SegmentID, Err: fmt.Errorf("%w: %v", ErrSkipped, se.Err)}
}

// outOfPlace is the finding for a segment outside a transaction set.
func outOfPlace(s *x12.Segment) *Error {
	return fail(s, 0, ErrOutOfPlace, "%s outside a transaction set (ST … SE)", s.ID())
}

// Outside returns the findings read so far that belong to no remittance.
func (r *Reader) Outside() []*Error { return r.s.Outside }

// Next returns the next remittance, or io.EOF after the last one. Problems
// inside a transaction set are its Findings, not errors. The error is an
// *x12.SyntaxError when the input stops being X12, or the underlying
// reader's; a set it cuts short is returned first, marked Incomplete, and
// every later call returns the error.
func (r *Reader) Next() (*Remittance, error) { return txset.Next(r.s, r.next) }

func (r *Reader) next() (*Remittance, error) {
	for {
		s, err := r.s.Header()
		if err != nil {
			return nil, err
		}
		if s.Element(1) != "835" {
			r.s.Outside = append(r.s.Outside, fail(s, 1, ErrUnexpected, "transaction set %s %q is not an 835; it is skipped", s.Element(1), s.Element(2)))
			if err := r.s.SkipSet(); err != nil {
				return nil, err
			}
			continue
		}
		p := &parser{rem: &Remittance{
			InterchangeControlNumber: r.s.ISA13,
			GroupControlNumber:       r.s.GS06,
			Version:                  r.s.GS08,
			ControlNumber:            s.Element(2),
			Claims:                   []*Claim{},
		}, st: s.Pos()}
		return p.transaction(r.s)
	}
}

// fail builds an *Error for element i of s.
func fail(s *x12.Segment, i int, kind error, format string, args ...any) *Error {
	return &Error{Pos: s.Pos(), SegmentID: s.ID(), Element: i, Err: fmt.Errorf("%w: "+format, append([]any{kind}, args...)...)}
}

// loop is where in the transaction set the parser is; segments that repeat
// in several loops (REF, DTM, CAS, AMT, PER) attach to the innermost one.
type loop int

const (
	inHeader loop = iota
	inPayer
	inPayee
	inHeaderNumber // LX, TS3, TS2
	inClaim
	inService
	inProviderAdjustments
)

type parser struct {
	rem      *Remittance
	st       x12.Position
	at       loop
	seen     [4]bool // BPR, TRN, N1*PR, N1*PE
	lx       string
	summary  *ProviderSummary
	claim    *Claim
	line     *ServiceLine
	segments int
	// unreadable says an amount that enters the transaction balance (BPR02,
	// CLP04, PLB) could not be read.
	unreadable bool
	// text is the current segment's text as one string, which the
	// elements kept from it are cut from (see str).
	text    string
	textSeg int
}

// str returns element i of s as a string cut from one copy of the
// segment's text, so that a segment costs one allocation however many of
// its elements the remittance keeps.
func (p *parser) str(s *x12.Segment, i int) string {
	e := s.ElementBytes(i)
	if len(e) == 0 {
		return ""
	}
	raw := s.Raw()
	if p.textSeg != s.Pos().Segment || len(p.text) != len(raw) {
		p.text, p.textSeg = string(raw), s.Pos().Segment
	}
	// e is a slice of raw: its offset in raw is the capacity it lacks.
	off := cap(raw) - cap(e)
	if off < 0 || off+len(e) > len(p.text) {
		return string(e)
	}
	return p.text[off : off+len(e)]
}

const (
	seenBPR = iota
	seenTRN
	seenPayer
	seenPayee
)

func (p *parser) transaction(r *txset.Stream[*Error]) (*Remittance, error) {
	p.segments = 1 // ST
	for {
		s, err := r.Segment()
		if err == io.EOF {
			p.cutShort(p.st, "ST", "input ends inside transaction set %s, before its SE", p.rem.ControlNumber)
			return p.rem, nil
		}
		if se, ok := txset.Resynced(err); ok {
			// The sender counted it in SE01; what it held is lost, so the
			// balances it might enter are not checked.
			p.segments++
			p.finding(skipped(se))
			p.unreadable = true
			p.markUnreadable()
			continue
		}
		if err != nil {
			var se *x12.SyntaxError
			if errors.As(err, &se) {
				p.cutShort(se.Pos, se.SegmentID, "the input stops being X12 here (%v); the rest of transaction set %s is not read", se.Err, p.rem.ControlNumber)
				return p.rem, nil
			}
			return nil, err
		}
		switch s.ID() {
		case "SE":
			p.segments++
			p.end(s)
			return p.rem, nil
		case "ST", "GE", "GS", "IEA", "ISA":
			r.Unread(s)
			p.cutShort(s.Pos(), s.ID(), "%s before the SE of transaction set %s", s.ID(), p.rem.ControlNumber)
			return p.rem, nil
		}
		p.segments++
		p.segment(s)
	}
}

func (p *parser) finding(e *Error) {
	if p.claim != nil && p.at >= inClaim && p.at <= inService {
		e.Claim = p.claim.PatientControlNumber
	}
	p.rem.Findings = append(p.rem.Findings, e)
}

// cutShort ends a transaction set that has no SE: what was read is kept,
// the balances are not checked (the rest of the money is missing).
func (p *parser) cutShort(pos x12.Position, id, format string, args ...any) {
	p.rem.Incomplete = true
	p.rem.Findings = append(p.rem.Findings, &Error{Pos: pos, SegmentID: id, Err: fmt.Errorf("%w: "+format, append([]any{ErrCutShort}, args...)...)})
}

func (p *parser) end(s *x12.Segment) {
	for i, need := range []string{"BPR", "TRN", "N1*PR", "N1*PE"} {
		if !p.seen[i] {
			p.finding(fail(s, 0, ErrMissing, "transaction set %s has no %s", p.rem.ControlNumber, need))
		}
	}
	if n, err := strconv.Atoi(p.str(s, 1)); err != nil || n != p.segments {
		p.finding(fail(s, 1, ErrControl, "segment count %q, but ST … SE holds %d segments", p.str(s, 1), p.segments))
	}
	if c := p.str(s, 2); c != p.rem.ControlNumber {
		p.finding(fail(s, 2, ErrControl, "control number %q, but ST02 is %q", c, p.rem.ControlNumber))
	}
	p.balance()
}

// balance checks the three 835 balances on what was read: each service
// line (SVC02 − its CAS = SVC03), each claim (CLP03 − its CAS and its
// lines' CAS = CLP04) and the transaction (ΣCLP04 − ΣPLB = BPR02). A
// balance with an unreadable amount in it is not checked: that amount is a
// finding already.
func (p *parser) balance() {
	rem := p.rem
	var paid money.Amount
	for _, c := range rem.Claims {
		paid += c.Paid
		if c.unreadable {
			continue
		}
		adj := sumCAS(c.Adjustments)
		for _, l := range c.ServiceLines {
			lineAdj := sumCAS(l.Adjustments)
			adj += lineAdj
			if l.Charge-lineAdj != l.Paid {
				rem.Findings = append(rem.Findings, &Error{Pos: l.pos, SegmentID: "SVC", Element: 3, Claim: c.PatientControlNumber,
					Err: fmt.Errorf("%w: service line charge %s (SVC02) − adjustments %s (CAS) = %s, but paid (SVC03) is %s",
						ErrUnbalanced, l.Charge, lineAdj, l.Charge-lineAdj, l.Paid)})
			}
		}
		// CLP05 is the sum of the PR adjustments of the claim and its
		// lines; not on a reversal (X12 RFI 2548), and not part of the
		// balance.
		if pr := sumGroup(c, "PR"); c.Status != "22" && c.PatientResponsibility != pr {
			rem.Findings = append(rem.Findings, &Error{Pos: c.pos, SegmentID: "CLP", Element: 5, Claim: c.PatientControlNumber,
				Err: fmt.Errorf("%w: patient responsibility (CLP05) is %s, but the PR adjustments of the claim and its lines add up to %s",
					ErrPatientShare, c.PatientResponsibility, pr)})
		}
		if c.Charge-adj != c.Paid {
			rem.Findings = append(rem.Findings, &Error{Pos: c.pos, SegmentID: "CLP", Element: 4, Claim: c.PatientControlNumber,
				Err: fmt.Errorf("%w: claim charge %s (CLP03) − adjustments %s (CAS of the claim and its lines) = %s, but paid (CLP04) is %s",
					ErrUnbalanced, c.Charge, adj, c.Charge-adj, c.Paid)})
		}
	}
	var plb money.Amount
	for _, a := range rem.ProviderAdjustments {
		for _, it := range a.Items {
			plb += it.Amount
		}
	}
	if p.seen[seenBPR] && !p.unreadable && paid-plb != rem.Payment.Amount {
		rem.Findings = append(rem.Findings, &Error{Pos: rem.bprPos, SegmentID: "BPR", Element: 2,
			Err: fmt.Errorf("%w: paid on claims %s (ΣCLP04) − provider adjustments %s (ΣPLB) = %s, but the payment (BPR02) is %s",
				ErrUnbalanced, paid, plb, paid-plb, rem.Payment.Amount)})
	}
}

// sumGroup adds the adjustments of one group (PR, CO, …) of a claim and its
// lines.
func sumGroup(c *Claim, group string) money.Amount {
	var s money.Amount
	add := func(adj []Adjustment) {
		for _, a := range adj {
			if a.Group == group {
				s += sumCAS([]Adjustment{a})
			}
		}
	}
	add(c.Adjustments)
	for _, l := range c.ServiceLines {
		add(l.Adjustments)
	}
	return s
}

func sumCAS(adj []Adjustment) money.Amount {
	var s money.Amount
	for _, a := range adj {
		for _, r := range a.Reasons {
			s += r.Amount
		}
	}
	return s
}

func (p *parser) outOfPlace(s *x12.Segment, where string) {
	p.finding(fail(s, 0, ErrOutOfPlace, "%s must be %s; it is skipped", s.ID(), where))
}

func (p *parser) segment(s *x12.Segment) {
	rem := p.rem
	switch s.ID() {
	case "BPR":
		if p.at != inHeader || p.seen[seenBPR] {
			p.outOfPlace(s, "the first segment after ST")
			return
		}
		p.seen[seenBPR] = true
		rem.bprPos = s.Pos()
		rem.Payment = Payment{
			HandlingCode:          p.req(s, 1),
			Amount:                p.total(s, 2),
			CreditDebit:           p.req(s, 3),
			Method:                p.req(s, 4),
			Format:                p.str(s, 5),
			SenderBankQualifier:   p.str(s, 6),
			SenderBankID:          p.str(s, 7),
			SenderAccountType:     p.str(s, 8),
			SenderAccount:         p.str(s, 9),
			OriginatingCompanyID:  p.str(s, 10),
			ReceiverBankQualifier: p.str(s, 12),
			ReceiverBankID:        p.str(s, 13),
			ReceiverAccountType:   p.str(s, 14),
			ReceiverAccount:       p.str(s, 15),
			Date:                  p.date(s, 16),
		}
	case "TRN":
		if p.at != inHeader || p.seen[seenTRN] {
			p.outOfPlace(s, "in the header, once, before N1*PR")
			return
		}
		p.seen[seenTRN] = true
		rem.Trace = Trace{Type: p.req(s, 1), Number: p.req(s, 2), OriginatingCompanyID: p.str(s, 3), Supplemental: p.str(s, 4)}
	case "CUR":
		if p.at != inHeader {
			p.outOfPlace(s, "in the header, before N1*PR")
			return
		}
		p.req(s, 1)
		rem.Currency = p.req(s, 2)
	case "RDM":
		if p.at != inPayee {
			p.outOfPlace(s, "in the payee loop (N1*PE)")
			return
		}
		rem.Payee.Delivery = &Delivery{Method: p.req(s, 1), Name: p.str(s, 2), Communication: p.str(s, 3)}
	case "TS3":
		if p.at != inHeaderNumber || p.summary != nil {
			p.outOfPlace(s, "right after LX, once")
			return
		}
		p.summary = &ProviderSummary{HeaderNumber: p.lx, ProviderID: p.req(s, 1), FacilityType: p.req(s, 2),
			FiscalPeriodEnd: p.date(s, 3), Claims: p.decimal(s, 4, true), TotalCharge: p.money(s, 5, true)}
		p.summaryAmounts(s, 6, map[int]bool{15: true, 17: true})
		rem.ProviderSummaries = append(rem.ProviderSummaries, p.summary)
	case "TS2":
		if p.at != inHeaderNumber || p.summary == nil {
			p.outOfPlace(s, "right after TS3")
			return
		}
		p.summaryAmounts(s, 1, map[int]bool{7: true, 10: true, 11: true, 12: true, 13: true, 14: true, 16: true})
	case "REF":
		ref := Ref{Qualifier: p.req(s, 1), Value: p.req(s, 2)}
		switch p.at {
		case inHeader:
			if ref.Qualifier == "EV" {
				rem.ReceiverID = ref.Value
			} else {
				rem.Refs = append(rem.Refs, ref)
			}
		case inPayer, inPayee:
			party := p.party()
			party.Refs = append(party.Refs, ref)
		case inClaim:
			p.claim.Refs = append(p.claim.Refs, ref)
		case inService:
			if ref.Qualifier == "6R" {
				p.line.LineItemControlNumber = ref.Value
			} else {
				p.line.Refs = append(p.line.Refs, ref)
			}
		default:
			p.outOfPlace(s, "in the header, a party, a claim or a service line")
		}
	case "DTM":
		q := p.str(s, 1)
		where := map[loop]string{inHeader: "405", inClaim: "232, 233, 036 or 050", inService: "150, 151 or 472"}[p.at]
		switch {
		case p.at == inHeader && q == "405",
			p.at == inClaim && (q == "232" || q == "233" || q == "036" || q == "050"),
			p.at == inService && (q == "150" || q == "151" || q == "472"):
		case where == "":
			p.outOfPlace(s, "in the header, a claim or a service line")
			return
		default:
			p.finding(fail(s, 1, ErrUnexpected, "DTM*%s is not expected here (want %s); it is skipped", q, where))
			return
		}
		d := p.date(s, 2)
		switch {
		case q == "405":
			rem.ProductionDate = &d
		case q == "232":
			p.claim.StatementFrom = &d
		case q == "233":
			p.claim.StatementTo = &d
		case p.at == inClaim:
			p.claim.Dates = append(p.claim.Dates, Dated{Qualifier: q, Date: d})
		case q == "472":
			p.line.ServiceDate = &d
		case q == "150":
			p.line.From = &d
		case q == "151":
			p.line.To = &d
		}
	case "N1":
		switch q := p.str(s, 1); {
		case q == "PR" && p.at == inHeader:
			p.at = inPayer
			p.seen[seenPayer] = true
			rem.Payer = p.partyName(s)
		case q == "PE" && (p.at == inPayer || p.at == inHeader && !p.seen[seenPayer]):
			p.at = inPayee
			p.seen[seenPayee] = true
			rem.Payee = p.partyName(s)
		case q == "PR" || q == "PE":
			p.finding(fail(s, 1, ErrOutOfPlace, "N1*%s: the payer (N1*PR) follows the header, then comes the payee (N1*PE), once each; it is skipped", q))
		default:
			p.finding(fail(s, 1, ErrUnexpected, "entity %q, want PR (payer) or PE (payee); it is skipped", q))
		}
	case "N3", "N4":
		if p.at != inPayer && p.at != inPayee {
			p.outOfPlace(s, "in the payer or payee loop")
			return
		}
		party := p.party()
		if party.Address == nil {
			party.Address = &Address{}
		}
		if s.ID() == "N3" {
			party.Address.Lines = append(party.Address.Lines, nonEmpty(p.req(s, 1), p.str(s, 2))...)
			return
		}
		a := party.Address
		a.City, a.State, a.PostalCode, a.Country = p.req(s, 1), p.str(s, 2), p.str(s, 3), p.str(s, 4)
	case "PER":
		c := Contact{Function: p.req(s, 1), Name: p.str(s, 2)}
		for i := 3; i <= 7; i += 2 {
			if q := p.str(s, i); q != "" {
				c.Numbers = append(c.Numbers, Ref{Qualifier: q, Value: p.req(s, i+1)})
			}
		}
		switch p.at {
		case inPayer, inPayee:
			party := p.party()
			party.Contacts = append(party.Contacts, c)
		case inClaim:
			p.claim.Contacts = append(p.claim.Contacts, c)
		default:
			p.outOfPlace(s, "in the payer loop or a claim, before its service lines")
		}
	case "LX":
		if p.at < inPayee {
			p.outOfPlace(s, "after N1*PE")
			return
		}
		p.at = inHeaderNumber
		p.lx = p.req(s, 1)
		p.summary = nil
		p.claim, p.line = nil, nil
	case "CLP":
		if p.at < inPayee || p.at == inProviderAdjustments {
			p.outOfPlace(s, "after N1*PE and before PLB")
			return
		}
		p.at = inClaim
		p.line = nil
		p.claim = &Claim{HeaderNumber: p.lx, PatientControlNumber: p.str(s, 1), pos: s.Pos()}
		c := p.claim
		p.req(s, 1)
		c.Status = p.req(s, 2)
		c.Charge = p.money(s, 3, true)
		c.Paid = p.total(s, 4)
		c.PatientResponsibility = p.money(s, 5, false)
		c.FilingIndicator = p.str(s, 6)
		c.PayerClaimControlNumber = p.str(s, 7)
		c.FacilityType = p.str(s, 8)
		c.Frequency = p.str(s, 9)
		rem.Claims = append(rem.Claims, c)
	case "NM1":
		if p.at != inClaim {
			p.outOfPlace(s, "in a claim, before its service lines")
			return
		}
		n := Name{
			Entity: p.req(s, 1), Type: p.str(s, 2), Last: p.str(s, 3), First: p.str(s, 4),
			Middle: p.str(s, 5), Suffix: p.str(s, 7), IDQualifier: p.str(s, 8), ID: p.str(s, 9),
		}
		c := p.claim
		switch n.Entity {
		case "QC":
			c.Patient = &n
		case "IL":
			c.Insured = &n
		case "74":
			c.CorrectedPatient = &n
		case "82":
			c.RenderingProvider = &n
		default:
			c.OtherNames = append(c.OtherNames, n)
		}
	case "MIA", "MOA":
		if p.at != inClaim {
			p.outOfPlace(s, "in a claim, before its service lines")
			return
		}
		codes := []int{3, 4, 5, 6, 7} // MOA03-07
		if s.ID() == "MIA" {
			codes = []int{5, 20, 21, 22, 23}
		}
		for _, i := range codes {
			if c := p.str(s, i); c != "" {
				p.claim.RemarkCodes = append(p.claim.RemarkCodes, c)
			}
		}
	case "CAS":
		if p.at != inClaim && p.at != inService {
			p.outOfPlace(s, "in a claim or a service line")
			return
		}
		a := p.adjustment(s)
		if p.at == inClaim {
			p.claim.Adjustments = append(p.claim.Adjustments, a)
		} else {
			p.line.Adjustments = append(p.line.Adjustments, a)
		}
	case "AMT":
		if p.at != inClaim && p.at != inService {
			p.outOfPlace(s, "in a claim or a service line")
			return
		}
		a := Amount{Qualifier: p.req(s, 1), Amount: p.money(s, 2, true)}
		switch {
		case p.at == inClaim:
			p.claim.Amounts = append(p.claim.Amounts, a)
		case a.Qualifier == "B6":
			p.line.AllowedAmount = &a.Amount
		default:
			p.line.Amounts = append(p.line.Amounts, a)
		}
	case "QTY":
		if p.at != inClaim && p.at != inService {
			p.outOfPlace(s, "in a claim or a service line")
			return
		}
		q := Quantity{Qualifier: p.req(s, 1), Quantity: p.decimal(s, 2, true)}
		if p.at == inClaim {
			p.claim.Quantities = append(p.claim.Quantities, q)
		} else {
			p.line.Quantities = append(p.line.Quantities, q)
		}
	case "SVC":
		if p.at != inClaim && p.at != inService {
			p.outOfPlace(s, "in a claim")
			return
		}
		p.at = inService
		p.line = &ServiceLine{pos: s.Pos()}
		l := p.line
		l.Procedure = p.procedure(s, 1, true)
		l.Charge = p.money(s, 2, true)
		l.Paid = p.money(s, 3, true)
		l.RevenueCode = p.str(s, 4)
		l.Units = p.decimal(s, 5, false)
		l.OriginalUnits = p.decimal(s, 7, false)
		if p.str(s, 6) != "" {
			orig := p.procedure(s, 6, false)
			l.OriginalProcedure = &orig
		}
		p.claim.ServiceLines = append(p.claim.ServiceLines, l)
	case "LQ":
		if p.at != inService {
			p.outOfPlace(s, "in a service line")
			return
		}
		p.line.Remarks = append(p.line.Remarks, Remark{Qualifier: p.req(s, 1), Code: p.req(s, 2)})
	case "PLB":
		if p.at < inPayee {
			p.outOfPlace(s, "after the claims")
			return
		}
		p.at = inProviderAdjustments
		p.claim, p.line = nil, nil
		rem.ProviderAdjustments = append(rem.ProviderAdjustments, p.providerAdjustment(s))
	default:
		p.finding(fail(s, 0, ErrUnexpected, "segment %s is not part of an 835; it is skipped", s.ID()))
	}
}

func (p *parser) party() *Party {
	if p.at == inPayer {
		return &p.rem.Payer
	}
	return &p.rem.Payee
}

func (p *parser) partyName(s *x12.Segment) Party {
	party := Party{Name: p.req(s, 2), IDQualifier: p.str(s, 3), ID: p.str(s, 4)}
	switch party.IDQualifier {
	case "XX":
		party.NPI = party.ID
	case "FI":
		party.TIN = party.ID
	}
	return party
}

// summaryAmounts adds the elements of a TS3 (from TS306) or a TS2 to the
// current provider summary: amounts, or quantities at the positions given.
func (p *parser) summaryAmounts(s *x12.Segment, from int, quantities map[int]bool) {
	for i := from; i <= s.Len(); i++ {
		if p.str(s, i) == "" {
			continue
		}
		name := fmt.Sprintf("%s%02d", s.ID(), i)
		if quantities[i] {
			p.summary.Quantities = append(p.summary.Quantities, Quantity{Qualifier: name, Quantity: p.decimal(s, i, false)})
			continue
		}
		p.summary.Amounts = append(p.summary.Amounts, Amount{Qualifier: name, Amount: p.money(s, i, false)})
	}
}

// adjustment reads a CAS: a group code and up to six (reason, amount,
// quantity) triples in CAS02-04, CAS05-07, … CAS17-19.
func (p *parser) adjustment(s *x12.Segment) Adjustment {
	a := Adjustment{Group: p.req(s, 1)}
	for i := 2; i <= 17; i += 3 {
		reason := p.str(s, i)
		if reason == "" {
			if p.str(s, i+1) != "" || p.str(s, i+2) != "" {
				p.finding(fail(s, i, ErrMissing, "an adjustment amount without its reason code"))
				p.markUnreadable()
			}
			continue
		}
		a.Reasons = append(a.Reasons, AdjustmentReason{Reason: reason, Amount: p.money(s, i+1, true), Quantity: p.decimal(s, i+2, false)})
	}
	if len(a.Reasons) == 0 && p.str(s, 3) == "" {
		p.finding(fail(s, 2, ErrMissing, "CAS without a reason code"))
	}
	return a
}

// providerAdjustment reads a PLB: provider, fiscal period end and up to six
// (reason:reference, amount) pairs in PLB03-04 … PLB13-14.
func (p *parser) providerAdjustment(s *x12.Segment) ProviderAdjustment {
	a := ProviderAdjustment{ProviderID: p.req(s, 1), FiscalPeriodEnd: p.date(s, 2)}
	for i := 3; i <= 13; i += 2 {
		if p.str(s, i) == "" {
			if p.str(s, i+1) != "" {
				p.finding(fail(s, i, ErrMissing, "an adjustment amount without its reason code"))
				p.unreadable = true
			}
			continue
		}
		a.Items = append(a.Items, ProviderAdjustmentItem{
			Reason:    s.Component(i, 1),
			Reference: s.Component(i, 2),
			Amount:    p.total(s, i+1),
		})
	}
	if len(a.Items) == 0 && p.str(s, 4) == "" {
		p.finding(fail(s, 3, ErrMissing, "PLB without an adjustment"))
	}
	return a
}

func (p *parser) procedure(s *x12.Segment, i int, required bool) Procedure {
	c := s.Components(i)
	get := func(j int) string {
		if j < len(c) {
			return c[j]
		}
		return ""
	}
	pr := Procedure{Qualifier: get(0), Code: get(1), Description: get(6)}
	for j := 2; j <= 5; j++ {
		if m := get(j); m != "" {
			pr.Modifiers = append(pr.Modifiers, m)
		}
	}
	if (required || len(c) > 0) && (pr.Qualifier == "" || pr.Code == "") {
		p.finding(fail(s, i, ErrMissing, "procedure %q needs a qualifier and a code", p.str(s, i)))
	}
	return pr
}

func (p *parser) req(s *x12.Segment, i int) string {
	v := p.str(s, i)
	if v == "" {
		p.finding(fail(s, i, ErrMissing, "%s%02d is required", s.ID(), i))
	}
	return v
}

// markUnreadable notes that an amount of the current claim (or the set's
// totals, outside a claim) could not be read, so its balance is not checked.
func (p *parser) markUnreadable() {
	if p.claim != nil && (p.at == inClaim || p.at == inService) {
		p.claim.unreadable = true
	}
}

// total reads an amount that enters the transaction balance (BPR02, CLP04,
// PLB amounts).
func (p *parser) total(s *x12.Segment, i int) money.Amount {
	n := len(p.rem.Findings)
	m := p.money(s, i, true)
	if len(p.rem.Findings) > n {
		p.unreadable = true
	}
	return m
}

func (p *parser) money(s *x12.Segment, i int, required bool) money.Amount {
	v := s.ElementBytes(i)
	if len(v) == 0 {
		if required {
			p.finding(fail(s, i, ErrMissing, "%s%02d is required", s.ID(), i))
			p.markUnreadable()
		}
		return 0
	}
	m, ok := money.ParseX12(v)
	if !ok {
		p.finding(fail(s, i, ErrAmount, "%q, want a decimal amount with at most two decimals", v))
		p.markUnreadable()
	}
	return m
}

func (p *parser) decimal(s *x12.Segment, i int, required bool) string {
	v := p.str(s, i)
	if v == "" {
		if required {
			p.finding(fail(s, i, ErrMissing, "%s%02d is required", s.ID(), i))
		}
		return ""
	}
	if !isDecimal(v) {
		p.finding(fail(s, i, ErrDecimal, "%q", v))
	}
	return v
}

func (p *parser) date(s *x12.Segment, i int) civil.Date {
	v := p.req(s, i)
	if v == "" {
		return 0
	}
	d, err := civil.ParseCompact(v)
	if err != nil {
		p.finding(fail(s, i, ErrDate, "%q", v))
	}
	return d
}

func nonEmpty(ss ...string) []string {
	out := ss[:0]
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// isDecimal reports whether s is an X12 R value: an optional minus sign,
// digits, and at most one decimal point, with at least one digit.
func isDecimal(s string) bool {
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	return whole+frac != "" && allDigits(whole) && allDigits(frac)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseAmount reads an X12 monetary amount ("132", "-1.27", ".5",
// "138018.40") into exact cents. Digits past the cent must be zeros.
func parseAmount(s string) (money.Amount, bool) { return money.ParseX12(s) }
