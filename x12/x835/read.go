package x835

import (
	"errors"
	"fmt"
	"github.com/perdiem/perdiem/money"
	"io"
	"strconv"
	"strings"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/x12"
)

// Error reports an 835 that is well-formed X12 but not a readable
// remittance: a missing or malformed element, or a segment out of place.
type Error struct {
	Pos       x12.Position
	SegmentID string
	Element   int // 1-based; 0 when the error concerns the whole segment
	Err       error
}

func (e *Error) Error() string {
	where := e.SegmentID
	if e.Element > 0 {
		where = fmt.Sprintf("%s%02d", e.SegmentID, e.Element)
	}
	return fmt.Sprintf("x835: segment %d (%s) at byte %d, line %d: %v", e.Pos.Segment, where, e.Pos.Offset, e.Pos.Line, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Sentinel errors wrapped in an *Error; test for them with errors.Is.
var (
	ErrMissing    = errors.New("required element is missing")
	ErrAmount     = errors.New("not an amount")
	ErrDecimal    = errors.New("not a decimal number")
	ErrDate       = errors.New("not a date CCYYMMDD")
	ErrOutOfPlace = errors.New("segment out of place")
	ErrUnexpected = errors.New("unexpected value")
	ErrControl    = errors.New("envelope mismatch")
)

// Read reads every 835 transaction set in r, one Remittance per ST … SE.
func Read(r io.Reader) ([]*Remittance, error) { return x12.ReadAll(NewReader(r).Next) }

// Reader reads remittances one transaction set at a time, so a file of any
// size is read with the memory of its largest transaction set.
type Reader struct {
	x                 *x12.Reader
	isa13, gs06, gs08 string
	err               error
}

// NewReader returns a Reader that reads 835 transaction sets from r.
func NewReader(r io.Reader) *Reader { return &Reader{x: x12.NewReader(r)} }

// Next returns the next remittance, or io.EOF after the last one. Errors are
// *x12.SyntaxError for broken X12 and *Error for a broken 835; after an
// error every call returns it again.
func (r *Reader) Next() (*Remittance, error) {
	if r.err != nil {
		return nil, r.err
	}
	rem, err := r.next()
	if err != nil {
		r.err = err
	}
	return rem, err
}

func (r *Reader) next() (*Remittance, error) {
	for {
		s, err := r.x.Next()
		if err != nil {
			return nil, err
		}
		switch s.ID() {
		case "ISA":
			r.isa13, r.gs06, r.gs08 = s.Element(13), "", ""
		case "GS":
			r.gs06, r.gs08 = s.Element(6), s.Element(8)
		case "GE", "IEA":
		case "ST":
			if s.Element(1) != "835" {
				return nil, fail(s, 1, ErrUnexpected, "transaction set %q, want 835", s.Element(1))
			}
			p := &parser{rem: &Remittance{
				InterchangeControlNumber: r.isa13,
				GroupControlNumber:       r.gs06,
				Version:                  r.gs08,
				ControlNumber:            s.Element(2),
				Claims:                   []*Claim{},
			}, st: s.Pos()}
			return p.transaction(r.x)
		default:
			return nil, fail(s, 0, ErrOutOfPlace, "%s outside a transaction set (ST … SE)", s.ID())
		}
	}
}

// fail builds an *Error for element i of s.
func fail(s *x12.Segment, i int, kind error, format string, args ...any) *Error {
	return &Error{Pos: s.Pos(), SegmentID: s.ID(), Element: i, Err: fmt.Errorf("%w: "+format, append([]any{kind}, args...)...)}
}

// loop is where in the transaction set the parser is; segments that repeat
// in several loops (REF, DTM, CAS, AMT) attach to the innermost one.
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
	seen     map[string]bool // BPR, TRN, N1*PR, N1*PE
	lx       string
	claim    *Claim
	line     *ServiceLine
	segments int
	err      *Error // first element error in the current segment
}

func (p *parser) transaction(x *x12.Reader) (*Remittance, error) {
	p.seen = map[string]bool{}
	p.segments = 1 // ST
	for {
		s, err := x.Next()
		if err == io.EOF {
			return nil, &Error{Pos: p.st, SegmentID: "ST", Err: fmt.Errorf("%w: input ends inside transaction set %s, before its SE", ErrControl, p.rem.ControlNumber)}
		}
		if err != nil {
			return nil, err
		}
		p.segments++
		if s.ID() == "SE" {
			return p.end(s)
		}
		if err := p.segment(s); err != nil {
			return nil, err
		}
		if p.err != nil {
			return nil, p.err
		}
	}
}

func (p *parser) end(s *x12.Segment) (*Remittance, error) {
	for _, need := range []string{"BPR", "TRN", "N1*PR", "N1*PE"} {
		if !p.seen[need] {
			return nil, fail(s, 0, ErrMissing, "transaction set %s has no %s", p.rem.ControlNumber, need)
		}
	}
	if n, err := strconv.Atoi(s.Element(1)); err != nil || n != p.segments {
		return nil, fail(s, 1, ErrControl, "segment count %q, but ST … SE holds %d segments", s.Element(1), p.segments)
	}
	if c := s.Element(2); c != p.rem.ControlNumber {
		return nil, fail(s, 2, ErrControl, "control number %q, but ST02 is %q", c, p.rem.ControlNumber)
	}
	return p.rem, nil
}

func (p *parser) outOfPlace(s *x12.Segment, where string) error {
	return fail(s, 0, ErrOutOfPlace, "%s must be %s", s.ID(), where)
}

func (p *parser) segment(s *x12.Segment) error {
	rem := p.rem
	switch s.ID() {
	case "BPR":
		if p.at != inHeader || p.seen["BPR"] {
			return p.outOfPlace(s, "the first segment after ST")
		}
		p.seen["BPR"] = true
		rem.Payment = Payment{
			HandlingCode:          p.req(s, 1),
			Amount:                p.money(s, 2, true),
			CreditDebit:           p.req(s, 3),
			Method:                p.req(s, 4),
			Format:                s.Element(5),
			SenderBankQualifier:   s.Element(6),
			SenderBankID:          s.Element(7),
			SenderAccountType:     s.Element(8),
			SenderAccount:         s.Element(9),
			OriginatingCompanyID:  s.Element(10),
			ReceiverBankQualifier: s.Element(12),
			ReceiverBankID:        s.Element(13),
			ReceiverAccountType:   s.Element(14),
			ReceiverAccount:       s.Element(15),
			Date:                  p.date(s, 16),
		}
	case "TRN":
		if p.at != inHeader {
			return p.outOfPlace(s, "in the header, before N1*PR")
		}
		p.seen["TRN"] = true
		rem.Trace = Trace{Type: p.req(s, 1), Number: p.req(s, 2), OriginatingCompanyID: s.Element(3), Supplemental: s.Element(4)}
	case "CUR", "RDM", "TS3", "TS2":
		// Currency, remittance delivery method and provider summary
		// totals are not modelled; they do not change what was paid.
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
			return p.outOfPlace(s, "in the header, a party, a claim or a service line")
		}
	case "DTM":
		q, d := p.req(s, 1), p.date(s, 2)
		switch {
		case p.at == inHeader && q == "405":
			rem.ProductionDate = &d
		case p.at == inClaim && q == "232":
			p.claim.StatementFrom = &d
		case p.at == inClaim && q == "233":
			p.claim.StatementTo = &d
		case p.at == inClaim:
			p.claim.Dates = append(p.claim.Dates, Dated{Qualifier: q, Date: d})
		case p.at == inService && q == "472":
			p.line.ServiceDate = &d
		case p.at == inService && q == "150":
			p.line.From = &d
		case p.at == inService && q == "151":
			p.line.To = &d
		default:
			return fail(s, 1, ErrUnexpected, "DTM*%s is not expected here", q)
		}
	case "N1":
		switch q := s.Element(1); {
		case q == "PR" && p.at == inHeader:
			p.at = inPayer
			p.seen["N1*PR"] = true
			rem.Payer = p.partyName(s)
		case q == "PE" && p.at == inPayer:
			p.at = inPayee
			p.seen["N1*PE"] = true
			rem.Payee = p.partyName(s)
		case q == "PR" || q == "PE":
			return fail(s, 1, ErrOutOfPlace, "N1*%s: the payer (N1*PR) follows the header, then comes the payee (N1*PE), once each", q)
		default:
			return fail(s, 1, ErrUnexpected, "entity %q, want PR (payer) or PE (payee)", q)
		}
	case "N3", "N4", "PER":
		if p.at != inPayer && p.at != inPayee {
			return p.outOfPlace(s, "in the payer or payee loop")
		}
		party := p.party()
		if party.Address == nil && s.ID() != "PER" {
			party.Address = &Address{}
		}
		switch s.ID() {
		case "N3":
			party.Address.Lines = append(party.Address.Lines, nonEmpty(p.req(s, 1), s.Element(2))...)
		case "N4":
			a := party.Address
			a.City, a.State, a.PostalCode, a.Country = p.req(s, 1), s.Element(2), s.Element(3), s.Element(4)
		case "PER":
			c := Contact{Function: p.req(s, 1), Name: s.Element(2)}
			for i := 3; i <= 7; i += 2 {
				if q := s.Element(i); q != "" {
					c.Numbers = append(c.Numbers, Ref{Qualifier: q, Value: p.req(s, i+1)})
				}
			}
			party.Contacts = append(party.Contacts, c)
		}
	case "LX":
		if p.at < inPayee {
			return p.outOfPlace(s, "after N1*PE")
		}
		p.at = inHeaderNumber
		p.lx = p.req(s, 1)
	case "CLP":
		if p.at < inPayee || p.at == inProviderAdjustments {
			return p.outOfPlace(s, "after N1*PE and before PLB")
		}
		p.at = inClaim
		p.line = nil
		p.claim = &Claim{
			HeaderNumber:            p.lx,
			PatientControlNumber:    p.req(s, 1),
			Status:                  p.req(s, 2),
			Charge:                  p.money(s, 3, true),
			Paid:                    p.money(s, 4, true),
			PatientResponsibility:   p.money(s, 5, false),
			FilingIndicator:         s.Element(6),
			PayerClaimControlNumber: s.Element(7),
			FacilityType:            s.Element(8),
			Frequency:               s.Element(9),
		}
		rem.Claims = append(rem.Claims, p.claim)
	case "NM1":
		if p.at != inClaim {
			return p.outOfPlace(s, "in a claim, before its service lines")
		}
		n := Name{
			Entity: p.req(s, 1), Type: s.Element(2), Last: s.Element(3), First: s.Element(4),
			Middle: s.Element(5), Suffix: s.Element(7), IDQualifier: s.Element(8), ID: s.Element(9),
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
			return p.outOfPlace(s, "in a claim, before its service lines")
		}
		codes := []int{3, 4, 5, 6, 7} // MOA03-07
		if s.ID() == "MIA" {
			codes = []int{5, 20, 21, 22, 23}
		}
		for _, i := range codes {
			if c := s.Element(i); c != "" {
				p.claim.RemarkCodes = append(p.claim.RemarkCodes, c)
			}
		}
	case "CAS":
		a := p.adjustment(s)
		switch p.at {
		case inClaim:
			p.claim.Adjustments = append(p.claim.Adjustments, a)
		case inService:
			p.line.Adjustments = append(p.line.Adjustments, a)
		default:
			return p.outOfPlace(s, "in a claim or a service line")
		}
	case "AMT":
		a := Amount{Qualifier: p.req(s, 1), Amount: p.money(s, 2, true)}
		switch {
		case p.at == inClaim:
			p.claim.Amounts = append(p.claim.Amounts, a)
		case p.at == inService && a.Qualifier == "B6":
			p.line.AllowedAmount = &a.Amount
		case p.at == inService:
			p.line.Amounts = append(p.line.Amounts, a)
		default:
			return p.outOfPlace(s, "in a claim or a service line")
		}
	case "QTY":
		q := Quantity{Qualifier: p.req(s, 1), Quantity: p.decimal(s, 2, true)}
		switch p.at {
		case inClaim:
			p.claim.Quantities = append(p.claim.Quantities, q)
		case inService:
			p.line.Quantities = append(p.line.Quantities, q)
		default:
			return p.outOfPlace(s, "in a claim or a service line")
		}
	case "SVC":
		if p.at != inClaim && p.at != inService {
			return p.outOfPlace(s, "in a claim")
		}
		p.at = inService
		p.line = &ServiceLine{
			Procedure:     p.procedure(s, 1, true),
			Charge:        p.money(s, 2, true),
			Paid:          p.money(s, 3, true),
			RevenueCode:   s.Element(4),
			Units:         p.decimal(s, 5, false),
			OriginalUnits: p.decimal(s, 7, false),
		}
		if s.Element(6) != "" {
			orig := p.procedure(s, 6, false)
			p.line.OriginalProcedure = &orig
		}
		p.claim.ServiceLines = append(p.claim.ServiceLines, p.line)
	case "LQ":
		if p.at != inService {
			return p.outOfPlace(s, "in a service line")
		}
		p.line.Remarks = append(p.line.Remarks, Remark{Qualifier: p.req(s, 1), Code: p.req(s, 2)})
	case "PLB":
		if p.at < inPayee {
			return p.outOfPlace(s, "after the claims")
		}
		p.at = inProviderAdjustments
		rem.ProviderAdjustments = append(rem.ProviderAdjustments, p.providerAdjustment(s))
	default:
		return fail(s, 0, ErrUnexpected, "segment %s is not part of an 835", s.ID())
	}
	return nil
}

func (p *parser) party() *Party {
	if p.at == inPayer {
		return &p.rem.Payer
	}
	return &p.rem.Payee
}

func (p *parser) partyName(s *x12.Segment) Party {
	party := Party{Name: p.req(s, 2), IDQualifier: s.Element(3), ID: s.Element(4)}
	switch party.IDQualifier {
	case "XX":
		party.NPI = party.ID
	case "FI":
		party.TIN = party.ID
	}
	return party
}

// adjustment reads a CAS: a group code and up to six (reason, amount,
// quantity) triples in CAS02-04, CAS05-07, … CAS17-19.
func (p *parser) adjustment(s *x12.Segment) Adjustment {
	a := Adjustment{Group: p.req(s, 1)}
	for i := 2; i <= 17; i += 3 {
		reason := s.Element(i)
		if reason == "" {
			if s.Element(i+1) != "" || s.Element(i+2) != "" {
				p.setErr(fail(s, i, ErrMissing, "an adjustment amount without its reason code"))
			}
			continue
		}
		a.Reasons = append(a.Reasons, AdjustmentReason{Reason: reason, Amount: p.money(s, i+1, true), Quantity: p.decimal(s, i+2, false)})
	}
	if len(a.Reasons) == 0 {
		p.setErr(fail(s, 2, ErrMissing, "CAS without a reason code"))
	}
	return a
}

// providerAdjustment reads a PLB: provider, fiscal period end and up to six
// (reason:reference, amount) pairs in PLB03-04 … PLB13-14.
func (p *parser) providerAdjustment(s *x12.Segment) ProviderAdjustment {
	a := ProviderAdjustment{ProviderID: p.req(s, 1), FiscalPeriodEnd: p.date(s, 2)}
	for i := 3; i <= 13; i += 2 {
		if s.Element(i) == "" {
			if s.Element(i+1) != "" {
				p.setErr(fail(s, i, ErrMissing, "an adjustment amount without its reason code"))
			}
			continue
		}
		a.Items = append(a.Items, ProviderAdjustmentItem{
			Reason:    s.Component(i, 1),
			Reference: s.Component(i, 2),
			Amount:    p.money(s, i+1, true),
		})
	}
	if len(a.Items) == 0 {
		p.setErr(fail(s, 3, ErrMissing, "PLB without an adjustment"))
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
		p.setErr(fail(s, i, ErrMissing, "procedure %q needs a qualifier and a code", s.Element(i)))
	}
	return pr
}

func (p *parser) setErr(e *Error) {
	if p.err == nil {
		p.err = e
	}
}

func (p *parser) req(s *x12.Segment, i int) string {
	v := s.Element(i)
	if v == "" {
		p.setErr(fail(s, i, ErrMissing, "%s%02d is required", s.ID(), i))
	}
	return v
}

func (p *parser) money(s *x12.Segment, i int, required bool) money.Amount {
	v := s.Element(i)
	if v == "" {
		if required {
			p.setErr(fail(s, i, ErrMissing, "%s%02d is required", s.ID(), i))
		}
		return 0
	}
	m, ok := parseAmount(v)
	if !ok {
		p.setErr(fail(s, i, ErrAmount, "%q, want a decimal amount with at most two decimals", v))
	}
	return m
}

func (p *parser) decimal(s *x12.Segment, i int, required bool) string {
	v := s.Element(i)
	if v == "" {
		if required {
			p.setErr(fail(s, i, ErrMissing, "%s%02d is required", s.ID(), i))
		}
		return ""
	}
	if !isDecimal(v) {
		p.setErr(fail(s, i, ErrDecimal, "%q", v))
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
		p.setErr(fail(s, i, ErrDate, "%q", v))
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
