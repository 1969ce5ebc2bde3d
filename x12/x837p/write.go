package x837p

import (
	"errors"
	"fmt"
	"github.com/perdiem/perdiem/money"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/x12"
)

// Control holds what identifies one interchange.
type Control struct {
	Number int64     // ISA13 and GS06, 1…999999999, never reused (see package ctlnum)
	Time   time.Time // ISA09/10, GS04/05, BHT04/05; its own zone is used
	Usage  string    // ISA15: P production, T test
	// AckRequested sets ISA14 to ask the receiver for a TA1.
	AckRequested bool
}

// Version is the implementation guide Write follows (GS08, ST03).
const Version = "005010X222A1"

// MaxSetClaims is the most claims Encode puts in one transaction set: the
// 005010X222A1 guide recommends at most 5,000 claims (CLM segments) per
// ST/SE, so a larger batch gets more sets in the same group.
const MaxSetClaims = 5000

// Encoder writes 837P interchanges. It keeps its scratch space between
// calls, so one Encoder writing many interchanges allocates little.
//
// Encode writes a whole interchange from a slice; Begin, Add and End write
// one claim at a time, so memory does not grow with the number of claims.
type Encoder struct {
	w   *x12.Writer
	d   x12.Delimiters
	err error
	buf []byte
	hl  int
	// Newlines puts a line break after each segment for people reading
	// the file; receivers ignore it.
	Newlines bool

	// The interchange being written between Begin and End.
	open      bool
	first     *Claim // the envelope's sender and receiver
	prev      *Claim // the last claim added
	num, gs   string // ISA13 and GS06
	t         time.Time
	sets      int // transaction sets begun
	claims    int // claims added
	setClaims int // claims in the current set
	subClaims int // claims under the current subscriber or patient HL
}

// NewEncoder returns an Encoder writing to w with the default delimiters.
func NewEncoder(w io.Writer) *Encoder {
	return &Encoder{w: x12.NewWriter(w, x12.DefaultDelimiters), d: x12.DefaultDelimiters}
}

// Write writes claims as one interchange: one ISA/GS, and one ST per run of
// consecutive claims from the same submitter, receiver and billing provider
// (at most MaxSetClaims each).
func Write(w io.Writer, claims []*Claim, ctl Control) error {
	return NewEncoder(w).Encode(claims, ctl)
}

// EnvelopeError says why a set of claims cannot go into one interchange.
type EnvelopeError struct {
	Claim int    // index in the claims given to Encode (or count given to Add); -1 for the whole set
	ID    string // CLM01 of that claim
	Err   error
}

func (e *EnvelopeError) Error() string {
	if e.Claim < 0 {
		return "837P: " + e.Err.Error()
	}
	return fmt.Sprintf("837P: claim %d (%s): %v", e.Claim+1, e.ID, e.Err)
}

func (e *EnvelopeError) Unwrap() error { return e.Err }

// Sentinel errors wrapped in *EnvelopeError.
var (
	ErrNoClaims       = errors.New("no claims to write")
	ErrMixedEnvelope  = errors.New("interchange sender or receiver differs from the first claim's; write it in another interchange")
	ErrTooManyLines   = errors.New("more lines than the 837P allows in one claim (50); use Split")
	ErrTotal          = errors.New("claim total (CLM02) is not the sum of the line charges")
	ErrControlNumber  = errors.New("control number out of range 1..999999999")
	ErrUsage          = errors.New("usage indicator must be P or T")
	ErrEnvelopeIDSize = errors.New("interchange sender and receiver IDs are 1 to 15 characters")
	ErrContact        = errors.New("submitter contact (PER) needs a phone or an email")
	ErrDelimiter      = errors.New("data contains an X12 delimiter (* : ^ ~)")
	ErrState          = errors.New("Add or End without Begin, or Begin twice")
)

// Encode writes claims as one interchange and flushes it. Claims that
// cannot be written (see the Err variables) are refused before anything is
// written. An error while writing leaves the output incomplete and the
// Encoder unusable: later calls return the same error.
func (e *Encoder) Encode(claims []*Claim, ctl Control) error {
	if e.err != nil {
		return e.err
	}
	if len(claims) == 0 {
		return &EnvelopeError{Claim: -1, Err: ErrNoClaims}
	}
	if err := checkControl(ctl); err != nil {
		return err
	}
	for i, c := range claims {
		if err := Check(c, claims[0]); err != nil {
			return &EnvelopeError{Claim: i, ID: c.ID, Err: err}
		}
	}
	if err := e.Begin(claims[0], ctl); err != nil {
		return err
	}
	for _, c := range claims {
		if err := e.Add(c); err != nil {
			return err
		}
	}
	return e.End()
}

// Begin writes the interchange and group headers (ISA, GS) for claims
// sent by first's submitter to first's receiver. first is not written:
// give it to Add like the others.
func (e *Encoder) Begin(first *Claim, ctl Control) error {
	if e.err != nil {
		return e.err
	}
	if e.open {
		return &EnvelopeError{Claim: -1, Err: ErrState}
	}
	if err := checkControl(ctl); err != nil {
		return err
	}
	if err := Check(first, first); err != nil {
		return &EnvelopeError{Claim: 0, ID: first.ID, Err: err}
	}
	e.w.NewlineAfterSegment = e.Newlines
	e.open, e.first, e.prev, e.t = true, first, nil, ctl.Time
	e.sets, e.claims, e.setClaims, e.subClaims = 0, 0, 0, 0
	ack := "0"
	if ctl.AckRequested {
		ack = "1"
	}
	e.num = pad9(ctl.Number)
	t := ctl.Time
	e.seg("ISA", "00", "", "00", "", "ZZ", first.Submitter.ID, "ZZ", first.Receiver.ID,
		t.Format("060102"), t.Format("1504"), string(e.d.Repetition), "00501", e.num, ack, ctl.Usage, string(e.d.Component))
	e.gs = strconv.FormatInt(ctl.Number, 10)
	e.seg("GS", "HC", first.Submitter.ID, first.Receiver.ID, t.Format("20060102"), t.Format("1504"), e.gs, "X", Version)
	return e.err
}

// Add writes one claim: in the current transaction set and under the
// current subscriber when it shares them with the claim before it (and
// they have room), else under new ones. A claim that cannot be written
// (see Check) is refused before any of it is written, and the Encoder can
// go on.
func (e *Encoder) Add(c *Claim) error {
	if e.err != nil {
		return e.err
	}
	if !e.open {
		return &EnvelopeError{Claim: -1, Err: ErrState}
	}
	if err := Check(c, e.first); err != nil {
		return &EnvelopeError{Claim: e.claims, ID: c.ID, Err: err}
	}
	switch {
	case e.prev != nil && sameTransaction(e.prev, c) && e.setClaims < MaxSetClaims:
		if !sameSubscriber(e.prev, c) || e.subClaims >= MaxClaims {
			e.subscriber(c)
			e.subClaims = 0
		}
	default:
		if e.prev != nil {
			e.endTransaction()
		}
		e.beginTransaction(c)
		e.subscriber(c)
		e.setClaims, e.subClaims = 0, 0
	}
	e.claim(c)
	e.prev = c
	e.claims++
	e.setClaims++
	e.subClaims++
	return e.err
}

// End closes the last transaction set, the group and the interchange, and
// flushes.
func (e *Encoder) End() error {
	if e.err != nil {
		return e.err
	}
	if !e.open {
		return &EnvelopeError{Claim: -1, Err: ErrState}
	}
	if e.claims == 0 {
		return &EnvelopeError{Claim: -1, Err: ErrNoClaims}
	}
	e.endTransaction()
	e.seg("GE", strconv.Itoa(e.sets), e.gs)
	e.seg("IEA", "1", e.num)
	e.open, e.first, e.prev = false, nil, nil
	if e.err != nil {
		return e.err
	}
	return e.w.Flush()
}

func checkControl(ctl Control) error {
	whole := func(err error) error { return &EnvelopeError{Claim: -1, Err: err} }
	switch {
	case ctl.Number < 1 || ctl.Number > 999999999:
		return whole(ErrControlNumber)
	case ctl.Usage != "P" && ctl.Usage != "T":
		return whole(ErrUsage)
	}
	return nil
}

// Check says why c cannot be written in an interchange whose first claim
// is first (one of the Err variables or money.ErrOverflow, wrapped), or nil.
func Check(c, first *Claim) error {
	switch {
	case c.Submitter.ID != first.Submitter.ID || c.Receiver.ID != first.Receiver.ID:
		return ErrMixedEnvelope
	case len(c.Submitter.ID) < 1 || len(c.Submitter.ID) > 15 || len(c.Receiver.ID) < 1 || len(c.Receiver.ID) > 15:
		return ErrEnvelopeIDSize
	case len(c.Lines) > MaxLines:
		return ErrTooManyLines
	case c.Total < -money.Max || c.Total > money.Max:
		return fmt.Errorf("%w: CLM02 %s", money.ErrOverflow, c.Total)
	case lineTotalErr(c) != nil:
		return lineTotalErr(c)
	case c.Submitter.Contact.Phone == "" && c.Submitter.Contact.Email == "":
		return ErrContact
	}
	if field := c.delimiterIn(); field != "" {
		return fmt.Errorf("%w: %s", ErrDelimiter, field)
	}
	return nil
}

// lineTotalErr checks that every line charge fits in SV102 and that they
// add up to CLM02.
func lineTotalErr(c *Claim) error {
	for i := range c.Lines {
		if m := c.Lines[i].Charge; m < -money.Max || m > money.Max {
			return fmt.Errorf("%w: line %d charge (SV102) %s", money.ErrOverflow, i+1, m)
		}
	}
	t, err := c.LineTotal()
	switch {
	case err != nil:
		return fmt.Errorf("%w: %w", ErrTotal, err)
	case t != c.Total:
		return fmt.Errorf("%w: CLM02 %s, lines %s", ErrTotal, c.Total.X12(), t.X12())
	}
	return nil
}

// delimiterIn names the first text field holding a delimiter, or "". The
// x12 Writer refuses element separators and terminators itself, but
// component and repetition separators are legal inside composites, so only
// the model knows they do not belong in a name.
func (c *Claim) delimiterIn() string {
	bad := func(s string) bool { return strings.ContainsAny(s, delimiters) }
	addr := func(a *Address) bool {
		return bad(a.Line1) || bad(a.Line2) || bad(a.City) || bad(a.State) || bad(a.Zip)
	}
	prov := func(p *Provider) bool {
		return p != nil && (bad(p.Last) || bad(p.First) || bad(p.NPI) || bad(p.Taxonomy))
	}
	s, ct, b := &c.Subscriber, &c.Submitter.Contact, &c.Billing
	switch {
	case bad(c.Submitter.Name) || bad(c.Submitter.ID) || bad(ct.Name) || bad(ct.Phone) || bad(ct.Email):
		return "Submitter"
	case bad(c.Receiver.Name) || bad(c.Receiver.ID):
		return "Receiver"
	case bad(b.Name) || bad(b.NPI) || bad(b.TaxID) || bad(b.Taxonomy) || addr(&b.Address):
		return "Billing"
	case bad(s.Responsibility) || bad(s.Group) || bad(s.Filing) || bad(s.MemberID) || bad(s.Last) ||
		bad(s.First) || bad(s.Middle) || bad(s.Sex) || s.Address != nil && addr(s.Address):
		return "Subscriber"
	case bad(c.Payer.Name) || bad(c.Payer.ID):
		return "Payer"
	case c.Patient != nil && (bad(c.Patient.Relationship) || bad(c.Patient.Last) || bad(c.Patient.First) ||
		bad(c.Patient.Middle) || bad(c.Patient.Sex) || addr(&c.Patient.Address)):
		return "Patient"
	case bad(c.ID) || bad(c.POS) || bad(c.Frequency) || bad(c.OriginalRef) || bad(c.PriorAuth) || bad(c.Note):
		return "Claim"
	case prov(c.Rendering):
		return "Rendering"
	}
	for _, d := range c.Diagnoses {
		if bad(d) {
			return "Diagnoses"
		}
	}
	for i := range c.Lines {
		l := &c.Lines[i]
		x := bad(l.Code) || bad(l.Description) || bad(l.POS) || bad(l.ControlNum) || prov(l.Ordering) ||
			l.Drug != nil && (bad(l.Drug.NDC) || bad(l.Drug.Unit))
		for _, m := range l.Modifiers {
			x = x || bad(m)
		}
		if x {
			return fmt.Sprintf("Lines[%d]", i)
		}
	}
	return ""
}

// seg writes one segment; the first error sticks and stops further output.
func (e *Encoder) seg(id string, elements ...string) {
	if e.err != nil {
		return
	}
	e.err = e.w.WriteSegment(id, elements...)
}

func pad9(n int64) string {
	var b [9]byte
	for i := 8; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[:])
}

func (e *Encoder) beginTransaction(c *Claim) {
	e.sets++
	st := strconv.Itoa(e.sets)
	for len(st) < 4 {
		st = "0" + st
	}
	t := e.t
	e.w.ResetCount()
	e.seg("ST", "837", st, Version)
	e.seg("BHT", "0019", "00", e.num+st, t.Format("20060102"), t.Format("1504"), "CH")
	e.seg("NM1", "41", "2", c.Submitter.Name, "", "", "", "", "46", c.Submitter.ID)
	ct := &c.Submitter.Contact
	if ct.Phone != "" && ct.Email != "" {
		e.seg("PER", "IC", ct.Name, "TE", ct.Phone, "EM", ct.Email)
	} else if ct.Phone != "" {
		e.seg("PER", "IC", ct.Name, "TE", ct.Phone)
	} else {
		e.seg("PER", "IC", ct.Name, "EM", ct.Email)
	}
	e.seg("NM1", "40", "2", c.Receiver.Name, "", "", "", "", "46", c.Receiver.ID)

	e.hl = 1
	e.seg("HL", "1", "", "20", "1")
	bp := &c.Billing
	if bp.Taxonomy != "" {
		e.seg("PRV", "BI", "PXC", bp.Taxonomy)
	}
	e.seg("NM1", "85", "2", bp.Name, "", "", "", "", "XX", bp.NPI)
	e.address(&bp.Address)
	e.seg("REF", "EI", bp.TaxID)
}

func (e *Encoder) endTransaction() {
	st := strconv.Itoa(e.sets)
	for len(st) < 4 {
		st = "0" + st
	}
	e.seg("SE", strconv.Itoa(e.w.Segments()+1), st)
}

func (e *Encoder) nextHL() string {
	e.hl++
	return strconv.Itoa(e.hl)
}

func (e *Encoder) address(a *Address) {
	e.seg("N3", a.Line1, a.Line2)
	e.seg("N4", a.City, a.State, a.Zip)
}

func (e *Encoder) demographics(dob civil.Date, sex string) {
	e.seg("DMG", "D8", dob.Compact(), sex)
}

// subscriber writes the 2000B loop header (and 2000C for a patient who is
// not the subscriber) that the claims after it belong to.
func (e *Encoder) subscriber(c *Claim) {
	s := &c.Subscriber
	sub := e.nextHL()
	child, rel := "0", selfCode
	if c.Patient != nil {
		child, rel = "1", ""
	}
	e.seg("HL", sub, "1", "22", child)
	e.seg("SBR", s.Responsibility, rel, s.Group, "", "", "", "", "", s.Filing)
	e.seg("NM1", "IL", "1", s.Last, s.First, s.Middle, "", "", "MI", s.MemberID)
	if s.Address != nil {
		e.address(s.Address)
	}
	if s.DOB != nil {
		e.demographics(*s.DOB, s.Sex)
	}
	e.seg("NM1", "PR", "2", c.Payer.Name, "", "", "", "", "PI", c.Payer.ID)
	if p := c.Patient; p != nil {
		e.seg("HL", e.nextHL(), sub, "23", "0")
		e.seg("PAT", p.Relationship)
		e.seg("NM1", "QC", "1", p.Last, p.First, p.Middle)
		e.address(&p.Address)
		e.demographics(p.DOB, p.Sex)
	}
}

func (e *Encoder) claim(c *Claim) {
	e.seg("CLM", c.ID, e.money(c.Total), "", "", x12.Composite(e.d, c.POS, "B", c.Frequency), "Y", "A", "Y", "Y")
	if c.PriorAuth != "" {
		e.seg("REF", "G1", c.PriorAuth)
	}
	if c.OriginalRef != "" {
		e.seg("REF", "F8", c.OriginalRef)
	}
	if c.Note != "" {
		e.seg("NTE", "ADD", c.Note)
	}
	hi := make([]string, len(c.Diagnoses))
	for i, d := range c.Diagnoses {
		q := "ABF"
		if i == 0 {
			q = "ABK"
		}
		hi[i] = q + string(e.d.Component) + d
	}
	e.seg("HI", hi...)
	if r := c.Rendering; r != nil {
		e.seg("NM1", "82", "1", r.Last, r.First, "", "", "", "XX", r.NPI)
		if r.Taxonomy != "" {
			e.seg("PRV", "PE", "PXC", r.Taxonomy)
		}
	}
	for i := range c.Lines {
		e.line(c, i)
	}
}

func (e *Encoder) line(c *Claim, i int) {
	l := &c.Lines[i]
	e.seg("LX", strconv.Itoa(i+1))
	b := append(e.buf[:0], "HC"...)
	b = append(b, e.d.Component)
	b = append(b, l.Code...)
	if l.Description != "" || len(l.Modifiers) > 0 {
		for k := range 4 {
			if k >= len(l.Modifiers) && l.Description == "" {
				break
			}
			b = append(b, e.d.Component)
			if k < len(l.Modifiers) {
				b = append(b, l.Modifiers[k]...)
			}
		}
		if l.Description != "" {
			b = append(b, e.d.Component)
			b = append(b, l.Description...)
		}
	}
	sv101 := string(b)
	b = b[:0]
	for k, p := range l.Pointers {
		if k > 0 {
			b = append(b, e.d.Component)
		}
		b = strconv.AppendInt(b, int64(p), 10)
	}
	sv107 := string(b)
	e.buf = b
	pos := ""
	if l.POS != c.POS {
		pos = l.POS
	}
	e.seg("SV1", sv101, e.money(l.Charge), "UN", number(l.Units), pos, "", sv107)
	if l.From == l.To {
		e.seg("DTP", "472", "D8", l.From.Compact())
	} else {
		e.seg("DTP", "472", "RD8", l.From.Compact()+"-"+l.To.Compact())
	}
	if l.ControlNum != "" {
		e.seg("REF", "6R", l.ControlNum)
	}
	if d := l.Drug; d != nil {
		e.seg("LIN", "", "N4", d.NDC)
		e.seg("CTP", "", "", "", number(d.Quantity), d.Unit)
	}
	if o := l.Ordering; o != nil {
		e.seg("NM1", "DK", "1", o.Last, o.First, "", "", "", "XX", o.NPI)
	}
}

// money formats an amount as X12 wants it (no trailing zero decimals)
// without going through fmt.
func (e *Encoder) money(m money.Amount) string {
	b := e.buf[:0]
	if m < 0 {
		b = append(b, '-')
		m = -m
	}
	b = strconv.AppendInt(b, int64(m/100), 10)
	if c := int64(m % 100); c != 0 {
		b = append(b, '.', byte('0'+c/10))
		if c%10 != 0 {
			b = append(b, byte('0'+c%10))
		}
	}
	e.buf = b
	return string(b)
}

// number formats a quantity in its shortest decimal form, which reads back
// as the same float64.
func number(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func sameTransaction(a, b *Claim) bool {
	return a.Submitter == b.Submitter && a.Receiver == b.Receiver && a.Billing == b.Billing
}

func sameSubscriber(a, b *Claim) bool {
	sa, sb := &a.Subscriber, &b.Subscriber
	if sa.Responsibility != sb.Responsibility || sa.Group != sb.Group || sa.Filing != sb.Filing ||
		sa.MemberID != sb.MemberID || sa.Last != sb.Last || sa.First != sb.First ||
		sa.Middle != sb.Middle || sa.Sex != sb.Sex || a.Payer != b.Payer {
		return false
	}
	if !samePtr(sa.Address, sb.Address) || !samePtr(sa.DOB, sb.DOB) {
		return false
	}
	return samePtr(a.Patient, b.Patient)
}

func samePtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}
