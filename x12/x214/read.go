package x214

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/money"
	"github.com/perdiem/perdiem/x12"
	"github.com/perdiem/perdiem/x12/internal/txset"
)

// Error is a problem in a 277CA that is well-formed X12: a missing or
// malformed element, a segment out of place, an envelope count that is
// off. The Reader reports it as a finding of the acknowledgment it is in
// and reads on.
type Error struct {
	Pos       x12.Position
	SegmentID string
	Element   int    // 1-based; 0 when the error concerns the whole segment
	Claim     string // TRN02 of the claim it is in, if any
	Err       error
}

// Finding is the name the server and reports use for an Error.
type Finding = Error

func (e *Error) located() txset.Located {
	return txset.Located{Pos: e.Pos, SegmentID: e.SegmentID, Element: e.Element, Claim: e.Claim, Err: e.Err}
}

func (e *Error) Error() string { return e.located().Message("x214") }

func (e *Error) Unwrap() error { return e.Err }

func (e *Error) where() string { return e.located().Where() }

// Kind names the sentinel error the finding wraps: "missing", "amount",
// "date", ….
func (e *Error) Kind() string { return txset.KindOf(e.Err, kinds) }

// MarshalJSON gives the finding with its position, kind and message.
func (e *Error) MarshalJSON() ([]byte, error) { return e.located().JSON(e.Kind()) }

// Sentinel errors wrapped in an *Error; test for them with errors.Is.
var (
	ErrMissing    = errors.New("required element is missing")
	ErrAmount     = errors.New("not an amount")
	ErrDecimal    = errors.New("not a decimal number")
	ErrDate       = errors.New("not a date")
	ErrOutOfPlace = errors.New("segment out of place")
	ErrUnexpected = errors.New("unexpected value")
	ErrControl    = errors.New("envelope mismatch")
	ErrCutShort   = errors.New("transaction set cut short")
	ErrSkipped    = errors.New("unreadable segment skipped")
)

var kinds = []txset.Kind{
	{Name: "missing", Err: ErrMissing}, {Name: "amount", Err: ErrAmount}, {Name: "decimal", Err: ErrDecimal}, {Name: "date", Err: ErrDate},
	{Name: "out_of_place", Err: ErrOutOfPlace}, {Name: "unexpected", Err: ErrUnexpected}, {Name: "envelope", Err: ErrControl},
	{Name: "cut_short", Err: ErrCutShort}, {Name: "skipped", Err: ErrSkipped},
}

// Read reads every 277CA transaction set in r, one Ack per ST … SE, each
// with its findings. Outside are the findings that belong to no
// acknowledgment: segments outside a transaction set, sets that are not
// 277s. The error is non-nil only when the input stops being X12 (an
// *x12.SyntaxError) or cannot be read; the acknowledgments before that
// point are returned with it, the one it cut short marked Incomplete.
func Read(r io.Reader) (acks []*Ack, outside []*Error, err error) {
	rd := NewReader(r)
	acks, err = x12.ReadAll(rd.Next)
	return acks, rd.Outside(), err
}

// Reader reads acknowledgments one transaction set at a time, so a file of
// any size is read with the memory of its largest transaction set.
type Reader struct {
	s *txset.Stream[*Error]
}

// NewReader returns a Reader that reads 277CA transaction sets from r. A
// segment the tokenizer cannot read (a bad segment ID, too many elements,
// one too long) is skipped with a finding, and reading goes on after it.
func NewReader(r io.Reader) *Reader {
	return &Reader{s: txset.New(r, skipped, outOfPlace)}
}

func skipped(se *x12.SyntaxError) *Error {
	return &Error{Pos: se.Pos, SegmentID: se.SegmentID, Err: fmt.Errorf("%w: %v", ErrSkipped, se.Err)}
}

// resynced reports whether err is a syntax error the tokenizer got past.
var resynced = txset.Resynced

// outOfPlace is the finding for a segment outside a transaction set.
func outOfPlace(s *x12.Segment) *Error {
	return fail(s, 0, ErrOutOfPlace, "%s outside a transaction set (ST … SE)", s.ID())
}

// Outside returns the findings read so far that belong to no
// acknowledgment.
func (r *Reader) Outside() []*Error { return r.s.Outside }

// Next returns the next acknowledgment, or io.EOF after the last one.
// Problems inside a transaction set are its Findings, not errors. The error
// is an *x12.SyntaxError when the input stops being X12, or the underlying
// reader's; a set it cuts short is returned first, marked Incomplete, and
// every later call returns the error.
func (r *Reader) Next() (*Ack, error) { return txset.Next(r.s, r.next) }

func (r *Reader) next() (*Ack, error) {
	for {
		s, err := r.s.Header()
		if err != nil {
			return nil, err
		}
		if s.Element(1) != "277" {
			r.s.Outside = append(r.s.Outside, fail(s, 1, ErrUnexpected, "transaction set %s %q is not a 277; it is skipped", s.Element(1), s.Element(2)))
			if err := r.s.SkipSet(); err != nil {
				return nil, err
			}
			continue
		}
		version := s.Element(3)
		if version == "" {
			version = r.s.GS08
		}
		p := &parser{ack: &Ack{
			InterchangeControlNumber: r.s.ISA13,
			GroupControlNumber:       r.s.GS06,
			ControlNumber:            s.Element(2),
			Version:                  version,
			Sources:                  []*Source{},
		}, st: s.Pos()}
		if version != "" && !strings.HasPrefix(version, "005010X214") {
			p.finding(fail(s, 3, ErrUnexpected, "version %q: this reader reads 277CA claim acknowledgments (005010X214); read as one", version))
		}
		return p.transaction(r.s)
	}
}

// fail builds an *Error for element i of s.
func fail(s *x12.Segment, i int, kind error, format string, args ...any) *Error {
	return &Error{Pos: s.Pos(), SegmentID: s.ID(), Element: i, Err: fmt.Errorf("%w: "+format, append([]any{kind}, args...)...)}
}

// level is where in the hierarchy the parser is; segments that occur at
// several levels (NM1, TRN, STC, REF, QTY, AMT, DTP) attach to the
// innermost one.
type level int

const (
	inHeader   level = iota // after ST, BHT
	inSource                // 2000A, 2100A, 2200A
	inReceiver              // 2000B …
	inProvider              // 2000C …
	inPatient               // 2000D, 2100D, before a TRN
	inClaim                 // 2200D
	inLine                  // 2220D
)

type parser struct {
	ack      *Ack
	st       x12.Position
	at       level
	seenBHT  bool
	segments int

	source   *Source
	receiver *Receiver
	provider *Provider
	patient  *Patient
	claim    *Claim
	line     *Line
	// named says the current level's NM1 has come.
	named bool
	// hl maps the HL01s of the set to their level, for HL02 checks.
	hl map[string]level
}

func (p *parser) transaction(r *txset.Stream[*Error]) (*Ack, error) {
	p.segments = 1 // ST
	for {
		s, err := r.Segment()
		if err == io.EOF {
			p.cutShort(p.st, "ST", "input ends inside transaction set %s, before its SE", p.ack.ControlNumber)
			return p.ack, nil
		}
		if se, ok := resynced(err); ok {
			p.segments++
			p.finding(skipped(se))
			continue
		}
		if err != nil {
			var se *x12.SyntaxError
			if errors.As(err, &se) {
				p.cutShort(se.Pos, se.SegmentID, "the input stops being X12 here (%v); the rest of transaction set %s is not read", se.Err, p.ack.ControlNumber)
				return p.ack, nil
			}
			return nil, err
		}
		switch s.ID() {
		case "SE":
			p.segments++
			p.end(s)
			return p.ack, nil
		case "ST", "GE", "GS", "IEA", "ISA":
			r.Unread(s)
			p.cutShort(s.Pos(), s.ID(), "%s before the SE of transaction set %s", s.ID(), p.ack.ControlNumber)
			p.closeClaim()
			return p.ack, nil
		}
		p.segments++
		p.segment(s)
	}
}

func (p *parser) finding(e *Error) {
	if p.claim != nil && p.at >= inClaim {
		e.Claim = p.claim.ClaimID
	}
	p.ack.Findings = append(p.ack.Findings, e)
}

func (p *parser) cutShort(pos x12.Position, id, format string, args ...any) {
	p.ack.Incomplete = true
	p.closeClaim()
	p.ack.Findings = append(p.ack.Findings, &Error{Pos: pos, SegmentID: id, Err: fmt.Errorf("%w: "+format, append([]any{ErrCutShort}, args...)...)})
}

func (p *parser) end(s *x12.Segment) {
	p.closeClaim()
	if !p.seenBHT {
		p.finding(fail(s, 0, ErrMissing, "transaction set %s has no BHT", p.ack.ControlNumber))
	}
	if len(p.ack.Sources) == 0 {
		p.finding(fail(s, 0, ErrMissing, "transaction set %s has no information source (HL*…*20)", p.ack.ControlNumber))
	}
	if n, err := strconv.Atoi(s.Element(1)); err != nil || n != p.segments {
		p.finding(fail(s, 1, ErrControl, "segment count %q, but ST … SE holds %d segments", s.Element(1), p.segments))
	}
	if c := s.Element(2); c != p.ack.ControlNumber {
		p.finding(fail(s, 2, ErrControl, "control number %q, but ST02 is %q", c, p.ack.ControlNumber))
	}
}

// closeClaim sums up the open claim's verdict.
func (p *parser) closeClaim() {
	if c := p.claim; c != nil {
		all := [][]Status{c.Statuses}
		for _, l := range c.Lines {
			all = append(all, l.Statuses)
		}
		c.Verdict, _ = verdictOf(all...)
		if len(c.Statuses) == 0 {
			p.ack.Findings = append(p.ack.Findings, &Error{Pos: c.pos, SegmentID: "TRN", Claim: c.ClaimID,
				Err: fmt.Errorf("%w: claim %q has no status (STC)", ErrMissing, c.ClaimID)})
		}
	}
	p.claim, p.line = nil, nil
}

func (p *parser) outOfPlace(s *x12.Segment, where string) {
	p.finding(fail(s, 0, ErrOutOfPlace, "%s must be %s; it is skipped", s.ID(), where))
}

// levels of HL03.
var hlLevels = map[string]level{"20": inSource, "21": inReceiver, "19": inProvider, "PT": inPatient}

func (p *parser) segment(s *x12.Segment) {
	switch s.ID() {
	case "BHT":
		if p.at != inHeader || p.seenBHT {
			p.outOfPlace(s, "the first segment after ST, once")
			return
		}
		p.seenBHT = true
		p.ack.Reference = p.req(s, 3)
		if v := s.Element(4); v != "" {
			p.ack.CreatedDate = p.date(s, 4)
		} else {
			p.req(s, 4)
		}
		p.ack.CreatedTime = s.Element(5)
	case "HL":
		p.hlSegment(s)
	case "NM1":
		p.nm1(s)
	case "TRN":
		p.trn(s)
	case "STC":
		st := p.status(s)
		switch p.at {
		case inReceiver:
			p.receiver.Statuses = append(p.receiver.Statuses, st)
		case inProvider:
			p.provider.Statuses = append(p.provider.Statuses, st)
		case inClaim:
			p.claim.Statuses = append(p.claim.Statuses, st)
		case inLine:
			p.line.Statuses = append(p.line.Statuses, st)
		default:
			p.outOfPlace(s, "after the TRN of a receiver, provider or claim, or in a service line")
		}
	case "REF":
		ref := Ref{Qualifier: p.req(s, 1), Value: p.req(s, 2)}
		switch {
		case p.at == inProvider:
			p.provider.Refs = append(p.provider.Refs, ref)
		case p.at == inClaim && ref.Qualifier == "1K":
			p.claim.PayerClaimControlNumber = ref.Value
		case p.at == inClaim && ref.Qualifier == "D9":
			p.claim.ClearinghouseTrace = ref.Value
		case p.at == inClaim && ref.Qualifier == "BLT":
			p.claim.BillType = ref.Value
		case p.at == inClaim:
			p.claim.Refs = append(p.claim.Refs, ref)
		case p.at == inLine && ref.Qualifier == "FJ":
			p.line.ControlNumber = ref.Value
		case p.at == inLine && ref.Qualifier == "XZ":
			p.line.RxNumber = ref.Value
		case p.at == inLine:
			p.finding(fail(s, 1, ErrUnexpected, "REF*%s in a service line, want FJ (line item control number) or XZ (prescription number); it is skipped", ref.Qualifier))
		default:
			p.outOfPlace(s, "in a provider, a claim or a service line")
		}
	case "QTY", "AMT":
		p.count(s)
	case "DTP":
		p.dtp(s)
	case "SVC":
		if p.at != inClaim && p.at != inLine {
			p.outOfPlace(s, "in a claim (after its TRN)")
			return
		}
		p.at = inLine
		p.line = &Line{Procedure: p.procedure(s, 1), Charge: p.money(s, 2, true), RevenueCode: s.Element(4), Units: p.decimal(s, 7)}
		p.claim.Lines = append(p.claim.Lines, p.line)
	default:
		p.finding(fail(s, 0, ErrUnexpected, "segment %s is not part of a 277CA; it is skipped", s.ID()))
	}
}

func (p *parser) hlSegment(s *x12.Segment) {
	id, parent, code := p.req(s, 1), s.Element(2), p.req(s, 3)
	lv, ok := hlLevels[code]
	if !ok {
		if code != "" {
			p.finding(fail(s, 3, ErrUnexpected, "hierarchical level %q, want 20 (information source), 21 (receiver), 19 (provider) or PT (patient); the level is skipped", code))
		}
		return
	}
	if p.hl == nil {
		p.hl = map[string]level{}
	}
	if id != "" {
		p.hl[id] = lv
	}
	if lv == inSource {
		if parent != "" {
			p.finding(fail(s, 2, ErrUnexpected, "an information source (HL03 20) has no parent, but HL02 is %q", parent))
		}
	} else if pl, ok := p.hl[parent]; !ok || pl != lv-1 {
		p.finding(fail(s, 2, ErrUnexpected, "parent %q is not the %s level above this %s", parent, levelName(lv-1), levelName(lv)))
	}
	p.closeClaim()
	p.named = false
	p.at = lv
	// A level without the one above it is read under an empty one, with a
	// finding, so that nothing below it is lost.
	switch lv {
	case inSource:
		p.source = &Source{Receivers: []*Receiver{}}
		p.ack.Sources = append(p.ack.Sources, p.source)
		p.receiver, p.provider, p.patient = nil, nil, nil
	case inReceiver:
		p.need(s, inSource)
		p.receiver = &Receiver{}
		p.source.Receivers = append(p.source.Receivers, p.receiver)
		p.provider, p.patient = nil, nil
	case inProvider:
		p.need(s, inReceiver)
		p.provider = &Provider{}
		p.receiver.Providers = append(p.receiver.Providers, p.provider)
		p.patient = nil
	case inPatient:
		p.need(s, inProvider)
		p.patient = &Patient{}
		p.provider.Patients = append(p.provider.Patients, p.patient)
	}
}

// need makes sure the level above lv exists, with a finding when it did not.
func (p *parser) need(s *x12.Segment, above level) {
	missing := false
	if p.source == nil {
		missing = true
		p.source = &Source{Receivers: []*Receiver{}}
		p.ack.Sources = append(p.ack.Sources, p.source)
	}
	if above >= inReceiver && p.receiver == nil {
		missing = true
		p.receiver = &Receiver{}
		p.source.Receivers = append(p.source.Receivers, p.receiver)
	}
	if above >= inProvider && p.provider == nil {
		missing = true
		p.provider = &Provider{}
		p.receiver.Providers = append(p.receiver.Providers, p.provider)
	}
	if missing {
		p.finding(fail(s, 3, ErrOutOfPlace, "no %s level precedes this one; it is read under an empty one", levelName(above)))
	}
}

func levelName(l level) string {
	switch l {
	case inSource:
		return "information source (HL03 20)"
	case inReceiver:
		return "information receiver (HL03 21)"
	case inProvider:
		return "billing provider (HL03 19)"
	case inPatient:
		return "patient (HL03 PT)"
	}
	return "header"
}

// nm1Entities are the NM101 codes of each level.
var nm1Entities = map[level][]string{inSource: {"PR", "AY"}, inReceiver: {"41"}, inProvider: {"85"}, inPatient: {"QC"}}

func (p *parser) nm1(s *x12.Segment) {
	want, ok := nm1Entities[p.at]
	if !ok || p.named {
		p.outOfPlace(s, "right after the HL of a level, once")
		return
	}
	n := Name{Entity: p.req(s, 1), Type: s.Element(2), Last: s.Element(3), First: s.Element(4),
		Middle: s.Element(5), Suffix: s.Element(7), IDQualifier: s.Element(8), ID: s.Element(9)}
	if n.Entity != "" && !slices.Contains(want, n.Entity) {
		p.finding(fail(s, 1, ErrUnexpected, "entity %q at the %s level, want %s; read as it is", n.Entity, levelName(p.at), strings.Join(want, " or ")))
	}
	p.named = true
	switch p.at {
	case inSource:
		p.source.Name = n
	case inReceiver:
		p.receiver.Name = n
	case inProvider:
		p.provider.Name = n
	case inPatient:
		p.patient.Name = n
	}
}

func (p *parser) trn(s *x12.Segment) {
	typ, v := s.Element(1), p.req(s, 2)
	switch p.at {
	case inSource:
		p.source.Trace = v
	case inReceiver:
		p.receiver.Batch = v
	case inProvider:
		p.provider.Trace = v
	case inPatient, inClaim, inLine:
		p.closeClaim()
		p.at = inClaim
		p.claim = &Claim{ClaimID: v, pos: s.Pos()}
		p.patient.Claims = append(p.patient.Claims, p.claim)
		if typ != "2" {
			p.finding(fail(s, 1, ErrUnexpected, "trace type %q for a claim, want 2 (referenced transaction trace number)", typ))
		}
		return
	default:
		p.outOfPlace(s, "in a level (after its HL)")
		return
	}
	if want := map[level]string{inSource: "1", inReceiver: "2", inProvider: "1"}[p.at]; typ != want && !(p.at == inProvider && typ == "2") {
		p.finding(fail(s, 1, ErrUnexpected, "trace type %q at the %s level, want %s", typ, levelName(p.at), want))
	}
}

// status reads an STC: the composites of STC01, STC10 and STC11, the date,
// the action, the amount and the message.
func (p *parser) status(s *x12.Segment) Status {
	var st Status
	for _, i := range []int{1, 10, 11} {
		if s.Element(i) == "" {
			if i == 1 {
				p.req(s, 1)
			}
			continue
		}
		cat, code, entity := s.Component(i, 1), s.Component(i, 2), s.Component(i, 3)
		if cat == "" || code == "" {
			p.finding(fail(s, i, ErrMissing, "status %q needs a category and a status code", s.Element(i)))
		}
		st.Codes = append(st.Codes, NewStatusCode(cat, code, entity))
	}
	if s.Element(2) != "" {
		st.Date = p.date(s, 2)
	}
	st.Action = s.Element(3)
	switch st.Action {
	case "", "WQ", "U":
	default:
		p.finding(fail(s, 3, ErrUnexpected, "action %q, want WQ (accept) or U (reject)", st.Action))
	}
	if s.Element(4) != "" {
		m := p.money(s, 4, false)
		st.Amount = &m
	}
	st.Message = s.Element(12)
	return st
}

func (p *parser) count(s *x12.Segment) {
	var c *Counts
	switch p.at {
	case inReceiver:
		c = &p.receiver.Counts
	case inProvider:
		c = &p.provider.Counts
	default:
		p.outOfPlace(s, "in the receiver or a provider level")
		return
	}
	q := p.req(s, 1)
	if s.ID() == "QTY" {
		v := p.decimal(s, 2)
		if v == "" {
			p.req(s, 2)
			return
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			p.finding(fail(s, 2, ErrDecimal, "%q, want a whole number of claims", v))
			return
		}
		switch q {
		case "90", "QA":
			c.AcceptedClaims = &n
		case "AA", "QC":
			c.RejectedClaims = &n
		default:
			p.finding(fail(s, 1, ErrUnexpected, "quantity %q, want 90 or QA (accepted) or AA or QC (rejected); it is skipped", q))
		}
		return
	}
	m := p.money(s, 2, true)
	switch q {
	case "YU":
		c.AcceptedAmount = &m
	case "YY":
		c.RejectedAmount = &m
	default:
		p.finding(fail(s, 1, ErrUnexpected, "amount %q, want YU (accepted) or YY (rejected); it is skipped", q))
	}
}

func (p *parser) dtp(s *x12.Segment) {
	q := s.Element(1)
	switch {
	case p.at == inSource && (q == "050" || q == "009"):
		d := p.dtpDate(s)
		if q == "050" {
			p.source.Received = d
		} else {
			p.source.Processed = d
		}
	case (p.at == inClaim || p.at == inLine) && q == "472":
		from, to := p.dtpSpan(s)
		if p.at == inClaim {
			p.claim.From, p.claim.To = from, to
		} else {
			p.line.From, p.line.To = from, to
		}
	case p.at == inSource:
		p.finding(fail(s, 1, ErrUnexpected, "DTP*%s at the information source, want 050 (received) or 009 (processed); it is skipped", q))
	case p.at == inClaim || p.at == inLine:
		p.finding(fail(s, 1, ErrUnexpected, "DTP*%s in a claim, want 472 (service dates); it is skipped", q))
	default:
		p.outOfPlace(s, "in the information source, a claim or a service line")
	}
}

// dtpDate reads a D8 DTP03.
func (p *parser) dtpDate(s *x12.Segment) *civil.Date {
	if f := s.Element(2); f != "D8" {
		p.finding(fail(s, 2, ErrUnexpected, "date format %q, want D8", f))
		return nil
	}
	return p.date(s, 3)
}

// dtpSpan reads a D8 or RD8 DTP03 as from and to.
func (p *parser) dtpSpan(s *x12.Segment) (from, to *civil.Date) {
	switch f := s.Element(2); f {
	case "D8":
		d := p.date(s, 3)
		return d, d
	case "RD8":
		v := p.req(s, 3)
		if v == "" {
			return nil, nil
		}
		a, b, ok := strings.Cut(v, "-")
		da, err1 := civil.ParseCompact(a)
		db, err2 := civil.ParseCompact(b)
		if !ok || err1 != nil || err2 != nil {
			p.finding(fail(s, 3, ErrDate, "%q, want CCYYMMDD-CCYYMMDD", v))
			return nil, nil
		}
		if db < da {
			p.finding(fail(s, 3, ErrDate, "%q: the range runs backwards", v))
		}
		return &da, &db
	default:
		p.finding(fail(s, 2, ErrUnexpected, "date format %q, want D8 or RD8", f))
		return nil, nil
	}
}

func (p *parser) procedure(s *x12.Segment, i int) Procedure {
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
	if pr.Qualifier == "" || pr.Code == "" {
		p.finding(fail(s, i, ErrMissing, "procedure %q needs a qualifier and a code", s.Element(i)))
	}
	return pr
}

func (p *parser) req(s *x12.Segment, i int) string {
	v := s.Element(i)
	if v == "" {
		p.finding(fail(s, i, ErrMissing, "%s%02d is required", s.ID(), i))
	}
	return v
}

func (p *parser) money(s *x12.Segment, i int, required bool) money.Amount {
	v := s.ElementBytes(i)
	if len(v) == 0 {
		if required {
			p.finding(fail(s, i, ErrMissing, "%s%02d is required", s.ID(), i))
		}
		return 0
	}
	m, ok := money.ParseX12(v)
	if !ok {
		p.finding(fail(s, i, ErrAmount, "%q, want a decimal amount with at most two decimals", v))
	}
	return m
}

func (p *parser) decimal(s *x12.Segment, i int) string {
	v := s.Element(i)
	if v != "" && !isDecimal(v) {
		p.finding(fail(s, i, ErrDecimal, "%q", v))
	}
	return v
}

func (p *parser) date(s *x12.Segment, i int) *civil.Date {
	v := p.req(s, i)
	if v == "" {
		return nil
	}
	d, err := civil.ParseCompact(v)
	if err != nil {
		p.finding(fail(s, i, ErrDate, "%q, want CCYYMMDD", v))
		return nil
	}
	return &d
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
