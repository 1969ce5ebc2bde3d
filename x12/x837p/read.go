package x837p

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/money"
	"github.com/perdiem/perdiem/x12"
)

// ReadError says which segment of an 837P could not be read into a Claim.
type ReadError struct {
	Pos     x12.Position
	Segment string // segment ID
	Element int    // 1-based element, 0 when the whole segment is at fault
	Err     error
}

func (e *ReadError) Error() string {
	el := ""
	if e.Element > 0 {
		el = fmt.Sprintf("%02d", e.Element)
	}
	return fmt.Sprintf("837P: segment %d (%s%s) at byte %d, line %d: %v", e.Pos.Segment, e.Segment, el, e.Pos.Offset, e.Pos.Line, e.Err)
}

func (e *ReadError) Unwrap() error { return e.Err }

// Read reads every claim of an 837P. See Decoder for what it understands.
func Read(r io.Reader) ([]*Claim, error) { return x12.ReadAll(NewDecoder(r).Next) }

// Decoder reads claims one at a time, so memory stays flat however many
// claims the input holds. It reads everything Write produces and skips the
// loops it does not model (pay-to address, other subscribers and payers,
// line adjudication, line-level providers other than ordering…).
type Decoder struct {
	r *x12.Reader

	submitter Submitter
	receiver  Party
	billing   Billing
	sub       Subscriber
	payer     Party
	patient   *Patient

	// loop names the entity that N3, N4, DMG, REF and PRV segments belong to.
	loop  string
	claim *Claim
	line  *Line
	done  *Claim
	err   error

	// pos is where the claim being read is; donePos where done is.
	pos, donePos Positions
	// strs interns the values that repeat (intern).
	strs map[string]string
	// lines gathers the lines of the claim being read, which gets a copy
	// of exactly their number when it is done.
	lines []Line
}

// Positions say where a claim is in the 837P: its CLM segment and each
// line's SV1 (its LX when the line has no SV1), in line order.
type Positions struct {
	Claim x12.Position
	Lines []x12.Position
}

// Positions returns where the claim Next last returned is in the input.
// Its Lines are valid until the next call to Next.
func (d *Decoder) Positions() Positions { return d.donePos }

// NewDecoder returns a Decoder reading from r.
func NewDecoder(r io.Reader) *Decoder { return &Decoder{r: x12.NewReader(r)} }

// Next returns the next claim, or io.EOF after the last one.
func (d *Decoder) Next() (*Claim, error) {
	if d.err != nil {
		return nil, d.err
	}
	for {
		s, err := d.r.Next()
		if err == io.EOF {
			d.finishClaim()
			d.err = io.EOF
			if c := d.done; c != nil {
				d.done = nil
				return c, nil
			}
			return nil, io.EOF
		}
		if err != nil {
			d.err = err
			return nil, err
		}
		if err := d.segment(s); err != nil {
			d.err = err
			return nil, err
		}
		if c := d.done; c != nil {
			d.done = nil
			return c, nil
		}
	}
}

func (d *Decoder) fail(s *x12.Segment, el int, format string, args ...any) error {
	return &ReadError{Pos: s.Pos(), Segment: s.ID(), Element: el, Err: fmt.Errorf(format, args...)}
}

// finishClaim hands the claim being read to Next.
func (d *Decoder) finishClaim() {
	if d.claim != nil {
		if len(d.lines) > 0 {
			d.claim.Lines = slices.Clone(d.lines)
		}
		d.done = d.claim
		d.claim, d.line, d.lines = nil, nil, d.lines[:0]
		d.pos, d.donePos = d.donePos, d.pos
	}
}

func (d *Decoder) segment(s *x12.Segment) error {
	switch s.ID() {
	case "ST", "SE":
		d.finishClaim()
		if s.ID() == "ST" {
			d.submitter, d.receiver, d.billing = Submitter{}, Party{}, Billing{}
			d.sub, d.payer, d.patient = Subscriber{}, Party{}, nil
		}
		d.loop = ""
	case "HL":
		d.finishClaim()
		switch string(s.ElementBytes(3)) {
		case "20":
			d.billing, d.loop = Billing{}, "2000A"
			d.sub, d.payer, d.patient = Subscriber{}, Party{}, nil
		case "22":
			d.sub, d.payer, d.patient, d.loop = Subscriber{}, Party{}, nil, "2000B"
		case "23":
			d.patient, d.loop = &Patient{}, "2000C"
		default:
			d.loop = ""
		}
	case "NM1":
		return d.nm1(s)
	case "PER":
		if d.loop == "1000A" {
			ct := Contact{Name: s.Element(2)}
			for i := 3; i+1 <= s.Len(); i += 2 {
				switch s.Element(i) {
				case "TE":
					ct.Phone = s.Element(i + 1)
				case "EM":
					ct.Email = s.Element(i + 1)
				}
			}
			d.submitter.Contact = ct
		}
	case "PRV":
		switch {
		case d.loop == "2000A" && s.Element(1) == "BI":
			d.billing.Taxonomy = s.Element(3)
		case d.loop == "2310B" && s.Element(1) == "PE" && d.claim.Rendering != nil:
			d.claim.Rendering.Taxonomy = s.Element(3)
		}
	case "N3", "N4":
		if a := d.address(); a != nil {
			if s.ID() == "N3" {
				a.Line1, a.Line2 = s.Element(1), s.Element(2)
			} else {
				a.City, a.State, a.Zip = s.Element(1), s.Element(2), s.Element(3)
			}
		}
	case "DMG":
		return d.dmg(s)
	case "REF":
		return d.ref(s)
	case "SBR":
		if d.loop == "2000B" {
			d.sub.Responsibility, d.sub.Group, d.sub.Filing = s.Element(1), s.Element(3), s.Element(9)
		}
	case "PAT":
		if d.patient != nil {
			d.patient.Relationship = s.Element(1)
		}
	case "CLM":
		return d.clm(s)
	case "NTE":
		if d.claim != nil && d.line == nil && d.loop == "2300" {
			d.claim.Note = s.Element(2)
		}
	case "HI":
		if d.claim != nil && d.line == nil {
			for i := 1; i <= s.Len(); i++ {
				switch s.Component(i, 1) {
				case "ABK", "ABF", "BK", "BF":
					d.claim.Diagnoses = append(d.claim.Diagnoses, s.Component(i, 2))
				}
			}
		}
	case "LX":
		if d.claim == nil {
			return d.fail(s, 0, "service line outside a claim")
		}
		d.lines = append(d.lines, Line{POS: d.claim.POS})
		d.pos.Lines = append(d.pos.Lines, s.Pos())
		d.line, d.loop = &d.lines[len(d.lines)-1], "2400"
	case "SV1":
		if d.line == nil {
			return d.fail(s, 0, "SV1 without LX")
		}
		d.pos.Lines[len(d.pos.Lines)-1] = s.Pos()
		return d.sv1(s)
	case "DTP":
		if d.line != nil && d.loop == "2400" && string(s.ElementBytes(1)) == "472" {
			return d.serviceDate(s)
		}
	case "LIN":
		if d.line != nil {
			d.loop = "2410"
			if s.Element(2) == "N4" {
				d.line.Drug = &Drug{NDC: s.Element(3)}
			}
		}
	case "CTP":
		if d.line != nil && d.loop == "2410" && d.line.Drug != nil {
			q, ok := parseNumber(s.ElementBytes(4))
			if !ok {
				return d.fail(s, 4, "quantity %q is not a number", s.Element(4))
			}
			d.line.Drug.Quantity, d.line.Drug.Unit = q, s.Component(5, 1)
		}
	}
	return nil
}

func (d *Decoder) nm1(s *x12.Segment) error {
	name := func() (last, first, middle, id string) {
		return s.Element(3), s.Element(4), s.Element(5), s.Element(9)
	}
	switch q := s.Element(1); {
	case q == "41":
		d.loop, d.submitter.Name, d.submitter.ID = "1000A", s.Element(3), s.Element(9)
	case q == "40":
		d.loop, d.receiver.Name, d.receiver.ID = "1000B", s.Element(3), s.Element(9)
	case q == "85" && d.claim == nil:
		d.loop, d.billing.Name, d.billing.NPI = "2010AA", s.Element(3), s.Element(9)
	case q == "IL" && d.claim == nil:
		d.loop = "2010BA"
		d.sub.Last, d.sub.First, d.sub.Middle, d.sub.MemberID = name()
	case q == "PR" && d.claim == nil:
		d.loop, d.payer.Name, d.payer.ID = "2010BB", s.Element(3), s.Element(9)
	case q == "QC" && d.claim == nil && d.patient != nil:
		d.loop = "2010CA"
		d.patient.Last, d.patient.First, d.patient.Middle, _ = name()
	case q == "82" && d.claim != nil && d.line == nil:
		d.loop = "2310B"
		last, first, _, id := name()
		d.claim.Rendering = &Provider{Last: last, First: first, NPI: id}
	case q == "DK" && d.line != nil:
		d.loop = "2420E"
		last, first, _, id := name()
		d.line.Ordering = &Provider{Last: last, First: first, NPI: id}
	default:
		d.loop = "other"
	}
	return nil
}

func (d *Decoder) address() *Address {
	switch d.loop {
	case "2010AA":
		return &d.billing.Address
	case "2010BA":
		if d.sub.Address == nil {
			d.sub.Address = &Address{}
		}
		return d.sub.Address
	case "2010CA":
		return &d.patient.Address
	}
	return nil
}

func (d *Decoder) dmg(s *x12.Segment) error {
	if d.loop != "2010BA" && d.loop != "2010CA" {
		return nil
	}
	dob, err := civil.ParseCompact(s.Element(2))
	if err != nil {
		return d.fail(s, 2, "%v", err)
	}
	if d.loop == "2010BA" {
		d.sub.DOB, d.sub.Sex = &dob, s.Element(3)
	} else {
		d.patient.DOB, d.patient.Sex = dob, s.Element(3)
	}
	return nil
}

func (d *Decoder) ref(s *x12.Segment) error {
	q, v := string(s.ElementBytes(1)), s.Element(2)
	switch {
	case d.loop == "2010AA" && (q == "EI" || q == "SY"):
		d.billing.TaxID = v
	case d.loop == "2300" && q == "G1":
		d.claim.PriorAuth = v
	case d.loop == "2300" && q == "F8":
		d.claim.OriginalRef = v
	case d.loop == "2400" && q == "6R":
		d.line.ControlNum = v
	}
	return nil
}

func (d *Decoder) clm(s *x12.Segment) error {
	d.finishClaim()
	total, err := parseMoney(s.Element(2))
	if err != nil {
		return d.fail(s, 2, "%v", err)
	}
	c := &Claim{
		Submitter:  d.submitter,
		Receiver:   d.receiver,
		Billing:    d.billing,
		Subscriber: d.sub,
		Payer:      d.payer,
		ID:         s.Element(1),
		Total:      total,
		POS:        s.Component(5, 1),
		Frequency:  s.Component(5, 3),
	}
	if a := d.sub.Address; a != nil {
		cp := *a
		c.Subscriber.Address = &cp
	}
	if dob := d.sub.DOB; dob != nil {
		cp := *dob
		c.Subscriber.DOB = &cp
	}
	if d.patient != nil {
		p := *d.patient
		c.Patient = &p
	}
	d.claim, d.line, d.loop = c, nil, "2300"
	d.pos.Claim, d.pos.Lines = s.Pos(), d.pos.Lines[:0]
	return nil
}

func (d *Decoder) sv1(s *x12.Segment) error {
	l := d.line
	// SV101: qualifier, code, up to four modifiers, description.
	e, sep := s.ElementBytes(1), s.Delimiters().Component
	k := 0
	for start := 0; ; k++ {
		c := e[start:]
		n := bytes.IndexByte(c, sep)
		if n >= 0 {
			c = c[:n]
		}
		switch {
		case k == 1:
			l.Code = d.intern(c)
		case k >= 2 && k < 6 && len(c) > 0:
			l.Modifiers = append(l.Modifiers, d.intern(c))
		case k == 6:
			l.Description = string(c)
		}
		if n < 0 {
			break
		}
		start += n + 1
	}
	if k < 1 {
		return d.fail(s, 1, "procedure %q: want HC:<code>", s.Element(1))
	}
	var ok bool
	if l.Charge, ok = money.ParseX12(s.ElementBytes(2)); !ok {
		return d.fail(s, 2, "%q: want an amount in dollars and cents", s.Element(2))
	}
	if l.Units, ok = parseNumber(s.ElementBytes(4)); !ok {
		return d.fail(s, 4, "units %q are not a number", s.Element(4))
	}
	if p := s.ElementBytes(5); len(p) > 0 {
		l.POS = d.intern(p)
	}
	if p := s.ElementBytes(7); len(p) > 0 {
		for _, c := range bytes.Split(p, []byte{sep}) {
			n, ok := smallInt(c)
			if !ok {
				return d.fail(s, 7, "diagnosis pointer %q is not a number", c)
			}
			l.Pointers = append(l.Pointers, n)
		}
	}
	return nil
}

// intern returns b as a string, the same string each time for the values
// that repeat from line to line (codes, modifiers, places of service).
func (d *Decoder) intern(b []byte) string {
	if s, ok := d.strs[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(d.strs) < 4096 {
		if d.strs == nil {
			d.strs = map[string]string{}
		}
		d.strs[s] = s
	}
	return s
}

// parseNumber reads an X12 decimal: whole numbers at once, anything else
// as strconv.ParseFloat reads it.
func parseNumber(b []byte) (float64, bool) {
	if n, ok := smallInt(b); ok {
		return float64(n), true
	}
	f, err := strconv.ParseFloat(string(b), 64)
	return f, err == nil
}

// smallInt reads 1 to 9 decimal digits.
func smallInt(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 9 {
		n, err := strconv.Atoi(string(b))
		return n, err == nil
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			n, err := strconv.Atoi(string(b))
			return n, err == nil
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func (d *Decoder) serviceDate(s *x12.Segment) error {
	v := s.ElementBytes(3)
	var err error
	switch string(s.ElementBytes(2)) {
	case "D8":
		if d.line.From, err = civil.ParseCompactBytes(v); err == nil {
			d.line.To = d.line.From
		}
	case "RD8":
		from, to, ok := bytes.Cut(v, []byte{'-'})
		if !ok {
			return d.fail(s, 3, "%q: want CCYYMMDD-CCYYMMDD", v)
		}
		if d.line.From, err = civil.ParseCompactBytes(from); err == nil {
			d.line.To, err = civil.ParseCompactBytes(to)
		}
	default:
		err = errors.New("want D8 or RD8")
	}
	if err != nil {
		return d.fail(s, 3, "%v", err)
	}
	return nil
}

// parseMoney reads an X12 amount ("1400", "70.5", ".5").
func parseMoney(s string) (money.Amount, error) {
	if m, ok := money.ParseX12(s); ok {
		return m, nil
	}
	return 0, fmt.Errorf("%q: want an amount in dollars and cents", s)
}
