package x214

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/money"
	"github.com/perdiem/perdiem/x12"
)

// Problem is a business finding about an 837P, as a validator reports it:
// where it is (the segment number in the file, the loop, the element) and
// what it says. Answer turns each into the status that rejects the claims
// it concerns.
type Problem struct {
	Segment int    // 1-based segment number in the 837P file (ISA = 1)
	Loop    string // 2010AA, 2300, 2400, …
	SegID   string // CLM, NM1, SV1, …
	Element string // CLM02, NM109, SV101-2, …; "" for the whole segment
	Message string
}

// SetVerdict is what validation found in one 837P transaction set.
type SetVerdict struct {
	Control  string // ST02, to make sure the set is the one validated
	Accepted bool   // a 999 accepts it; a rejected set gets no 277CA
	Problems []Problem
}

// AnswerOptions tune Answer.
type AnswerOptions struct {
	// Verdict gives what validation found in the set of the given ordinal
	// (1-based, in file order); false when the set was not validated.
	Verdict func(ordinal int) (SetVerdict, bool)
	// Date is the day the 837P was received and processed (DTP*050,
	// DTP*009, STC02, BHT04) and Time the hour (BHT05, HHMM).
	Date civil.Date
	Time string
	// ClaimNumber gives the payer claim control number (REF*1K) of the
	// n-th accepted claim (1-based, over the whole input).
	ClaimNumber func(n int) string
	// Reference gives the 277CA's own identifier (BHT03, and the source's
	// TRN02) of the n-th acknowledgment (1-based).
	Reference func(n int) string
}

// Group is the start of an 837P functional group, for the envelope of its
// 277CAs: who sent it to whom.
type Group struct {
	SenderQualifier, SenderID     string // the 837's ISA05/06
	ReceiverQualifier, ReceiverID string // ISA07/08
	AppSender, AppReceiver        string // GS02/03
	Control                       string // GS06
	Usage                         string // ISA15
}

// Answer reads an 837P and gives, for each transaction set that validation
// accepted (opt.Verdict), the 277CA a payer's front end sends for it: one
// Ack per 837 transaction set (X12 RFI 2815), whose receiver level names
// the submitter and the set's BHT03, with under each billing provider every
// claim by its CLM01, accepted (A2:20, with a payer claim control number)
// or rejected with a status for each business problem of the claim, of
// its service lines (with a 2220D echoing the line) or of the levels above
// it (billing provider, subscriber, patient, header). A set the 999
// rejects gets none.
//
// ack is called with the Group of each Ack first (group), then each Ack in
// file order. One 837 transaction set is held in memory at a time.
func Answer(r io.Reader, opt AnswerOptions, group func(Group) error, ack func(*Ack) error) error {
	if opt.Verdict == nil || opt.ClaimNumber == nil || opt.Reference == nil {
		return errors.New("x214: Answer needs Verdict, ClaimNumber and Reference")
	}
	xr := x12.NewReader(r)
	xr.Resync = true
	a := &answerer{opt: opt}
	var isa *x12.Segment
	for {
		s, err := xr.Next()
		if err == io.EOF {
			return nil
		}
		var se *x12.SyntaxError
		if errors.As(err, &se) && se.Resynced {
			if a.set != nil {
				a.at(se.Pos.Segment)
			}
			continue
		}
		if err != nil {
			return err
		}
		switch s.ID() {
		case "ISA":
			isa = s.Clone()
		case "GS":
			a.group = Group{Control: s.Element(6), AppSender: s.Element(2), AppReceiver: s.Element(3)}
			if isa != nil {
				a.group.SenderQualifier, a.group.SenderID = isa.Element(5), strings.TrimSpace(isa.Element(6))
				a.group.ReceiverQualifier, a.group.ReceiverID = isa.Element(7), strings.TrimSpace(isa.Element(8))
				a.group.Usage = isa.Element(15)
			}
			a.groupSent = false
		case "ST":
			a.ordinal++
			a.set = nil
			v, ok := opt.Verdict(a.ordinal)
			if !ok || !v.Accepted {
				continue
			}
			if v.Control != s.Element(2) {
				return fmt.Errorf("x214: transaction set %d is %q, but the one validated was %q: the 837P changed between readings", a.ordinal, s.Element(2), v.Control)
			}
			a.begin(v)
			a.st = s.Clone()
			a.at(s.Pos().Segment)
		case "SE":
			if a.set == nil {
				continue
			}
			a.at(s.Pos().Segment)
			if !a.groupSent {
				if err := group(a.group); err != nil {
					return err
				}
				a.groupSent = true
			}
			st := a.st
			done := a.finish()
			if missing := lacks(done); len(missing) > 0 {
				return fmt.Errorf("%w: transaction set %s (segment %d) has no %s", ErrCannotAnswer, st.Element(2), st.Pos().Segment, strings.Join(missing, ", "))
			}
			if err := ack(done); err != nil {
				return err
			}
		default:
			if a.set != nil {
				a.segment(s)
				a.at(s.Pos().Segment)
			}
		}
	}
}

// ErrCannotAnswer says an 837P transaction set lacks what its 277CA must
// echo: a set a 999 accepts has all of it, so validation and the answer
// disagree about the input.
var ErrCannotAnswer = errors.New("x214: cannot answer the 837P")

// lacks names what the 277CA of an 837P set would need and not have.
func lacks(a *Ack) []string {
	var out []string
	need := func(v, what string) {
		if v == "" && !slices.Contains(out, what) {
			out = append(out, what)
		}
	}
	need(a.Sources[0].Name.Last, "receiver name (1000B NM103)")
	need(a.Sources[0].Name.ID, "receiver id (1000B NM109)")
	rc := a.Sources[0].Receivers[0]
	need(rc.Name.Last, "submitter name (1000A NM103)")
	need(rc.Name.ID, "submitter id (1000A NM109)")
	need(rc.Batch, "BHT03")
	if len(rc.Providers) == 0 {
		out = append(out, "claim (CLM)")
	}
	for _, pv := range rc.Providers {
		need(pv.Name.Last, "billing provider name (2010AA NM103)")
		need(pv.Name.ID, "billing provider id (2010AA NM109)")
		for _, pt := range pv.Patients {
			need(pt.Name.Last, "patient or subscriber name (NM103)")
			need(pt.Name.ID, "subscriber id (2010BA NM109)")
			for _, c := range pt.Claims {
				need(c.ClaimID, "CLM01")
				if c.From == nil {
					need("", "date of service (2400 DTP*472)")
				}
				for _, l := range c.Lines {
					need(l.Procedure.Qualifier, "procedure qualifier (SV101-1)")
					need(l.Procedure.Code, "procedure code (SV101-2)")
				}
			}
		}
	}
	return out
}

// node is a level of the 837P hierarchy with the problems found in its own
// segments, which every claim under it inherits.
type node struct {
	parent   *node
	problems []Problem
}

func (n *node) inherited() []Problem {
	if n == nil {
		return nil
	}
	return append(n.parent.inherited(), n.problems...)
}

// claim837 is a claim of the 837P being answered.
type claim837 struct {
	c        *Claim
	charge   money.Amount
	under    *node
	problems []Problem
	lines    []*line837
	provider *Provider
	patient  Name
}

type line837 struct {
	l        Line
	problems []Problem
}

type answerer struct {
	opt       AnswerOptions
	group     Group
	groupSent bool
	ordinal   int
	acks      int
	accepted  int

	set      *SetVerdict
	st       *x12.Segment
	problems map[int][]Problem // by segment number, not yet placed
	left     []Problem         // placed nowhere: they reject every claim
	bht03    string
	hdr      *node // the header: BHT, 1000A, 1000B
	levels   map[string]*node
	cur      *node // the level the segments belong to
	submit   Name
	receiver Name
	provs    []*Provider
	prov     *Provider
	provNode *node
	sub      Name // 2010BA
	pat      *Name
	claims   []*claim837
	claim    *claim837
	line     *line837
	hlLevel  string
}

func (a *answerer) begin(v SetVerdict) {
	*a = answerer{opt: a.opt, group: a.group, groupSent: a.groupSent, ordinal: a.ordinal, acks: a.acks, accepted: a.accepted,
		set: &v, problems: map[int][]Problem{}, levels: map[string]*node{}}
	for _, p := range v.Problems {
		a.problems[p.Segment] = append(a.problems[p.Segment], p)
	}
	a.hdr = &node{}
	a.cur = a.hdr
}

// at places the problems of segment n where the reading is.
func (a *answerer) at(n int) {
	ps := a.problems[n]
	if len(ps) == 0 {
		return
	}
	delete(a.problems, n)
	switch {
	case a.line != nil:
		a.line.problems = append(a.line.problems, ps...)
	case a.claim != nil:
		a.claim.problems = append(a.claim.problems, ps...)
	case a.cur != nil:
		a.cur.problems = append(a.cur.problems, ps...)
	default:
		a.left = append(a.left, ps...)
	}
}

func (a *answerer) segment(s *x12.Segment) {
	switch s.ID() {
	case "BHT":
		a.bht03 = s.Element(3)
	case "HL":
		a.claim, a.line = nil, nil
		parent := a.levels[s.Element(2)]
		n := &node{parent: parent}
		if parent == nil {
			n.parent = a.hdr
		}
		a.levels[s.Element(1)] = n
		a.cur = n
		a.hlLevel = s.Element(3)
		switch a.hlLevel {
		case "20":
			a.prov = &Provider{Trace: "0"}
			a.provs = append(a.provs, a.prov)
			a.provNode = n
		case "22":
			a.sub, a.pat = Name{}, nil
		case "23":
			a.pat = &Name{}
		}
	case "NM1":
		if a.claim != nil {
			return
		}
		n := Name{Entity: s.Element(1), Type: s.Element(2), Last: s.Element(3), First: s.Element(4),
			Middle: s.Element(5), Suffix: s.Element(7), IDQualifier: s.Element(8), ID: s.Element(9)}
		switch {
		case n.Entity == "41" && a.hlLevel == "":
			a.submit = n
		case n.Entity == "40" && a.hlLevel == "":
			a.receiver = n
		case n.Entity == "85" && a.hlLevel == "20" && a.prov != nil:
			a.prov.Name = n
		case n.Entity == "IL" && a.hlLevel == "22":
			a.sub = n
		case n.Entity == "QC" && a.hlLevel == "23" && a.pat != nil:
			*a.pat = n
		}
	case "CLM":
		a.line = nil
		charge, _ := money.ParseX12(s.ElementBytes(2))
		patient := Name{Entity: "QC", Type: "1", Last: a.sub.Last, First: a.sub.First, Middle: a.sub.Middle, Suffix: a.sub.Suffix}
		if a.pat != nil {
			patient.Last, patient.First, patient.Middle, patient.Suffix = a.pat.Last, a.pat.First, a.pat.Middle, a.pat.Suffix
		}
		patient.IDQualifier, patient.ID = "MI", a.sub.ID
		a.claim = &claim837{c: &Claim{ClaimID: s.Element(1)}, charge: charge, under: a.cur, provider: a.prov, patient: patient}
		a.claims = append(a.claims, a.claim)
	case "REF":
		switch {
		case a.claim != nil && a.line == nil && s.Element(1) == "D9":
			a.claim.c.ClearinghouseTrace = s.Element(2)
		case a.line != nil && s.Element(1) == "6R":
			a.line.l.ControlNumber = s.Element(2)
		}
	case "LX":
		if a.claim != nil {
			a.line = &line837{}
			a.claim.lines = append(a.claim.lines, a.line)
		}
	case "SV1":
		if a.line != nil {
			comps := s.Components(1)
			if len(comps) > 6 {
				comps = comps[:6] // SV101-7, the description, has no place in SVC01
			}
			p := Procedure{}
			if len(comps) > 0 {
				p.Qualifier = comps[0]
			}
			if len(comps) > 1 {
				p.Code = comps[1]
			}
			for _, m := range comps[min(2, len(comps)):] {
				if m != "" {
					p.Modifiers = append(p.Modifiers, m)
				}
			}
			a.line.l.Procedure = p
			a.line.l.Charge, _ = money.ParseX12(s.ElementBytes(2))
			if u := s.Element(4); isDecimal(u) {
				a.line.l.Units = u
			}
		}
	case "DTP":
		if a.line != nil && s.Element(1) == "472" {
			from, to, ok := serviceSpan(s.Element(2), s.Element(3))
			if ok {
				a.line.l.From, a.line.l.To = &from, &to
			}
		}
	}
}

// serviceSpan reads a D8 or RD8 date of service; a range that runs
// backwards is read from its earlier to its later day.
func serviceSpan(format, v string) (from, to civil.Date, ok bool) {
	if format == "D8" {
		d, err := civil.ParseCompact(v)
		return d, d, err == nil
	}
	f, t, found := strings.Cut(v, "-")
	df, err1 := civil.ParseCompact(f)
	dt, err2 := civil.ParseCompact(t)
	if !found || err1 != nil || err2 != nil {
		return 0, 0, false
	}
	return min(df, dt), max(df, dt), true
}

// finish builds the Ack of the set just read.
func (a *answerer) finish() *Ack {
	for _, ps := range a.problems {
		a.left = append(a.left, ps...)
	}
	a.acks++
	date := a.opt.Date
	ref := a.opt.Reference(a.acks)
	ack := &Ack{Reference: ref, CreatedDate: &date, CreatedTime: a.opt.Time}
	src := &Source{Name: payerName(a.receiver), Trace: ref, Received: &date, Processed: &date}
	ack.Sources = []*Source{src}
	submitter := a.submit
	submitter.Suffix, submitter.IDQualifier = "", "46"
	rc := &Receiver{Name: submitter, Batch: a.bht03}
	src.Receivers = []*Receiver{rc}

	var acc, rej counter
	for _, c := range a.claims {
		pv := c.provider
		if pv == nil {
			pv = &Provider{Trace: "0"}
			a.provs = append(a.provs, pv)
			c.provider = pv
		}
		problems := append(append(c.under.inherited(), a.left...), c.problems...)
		for i, l := range c.lines {
			if len(l.problems) > 0 {
				line := l.l
				line.Statuses = []Status{lineStatus(l.problems, date)}
				c.c.Lines = append(c.c.Lines, &line)
				// The claim says it too, with the message a line's status
				// has no place for (STC12 is the claim's only).
				for _, p := range l.problems {
					p.Message = fmt.Sprintf("line %d: %s", i+1, p.Message)
					problems = append(problems, p)
				}
			}
		}
		from, to := claimSpan(c.lines)
		c.c.From, c.c.To = from, to
		charge := c.charge
		if len(problems) == 0 {
			a.accepted++
			c.c.Statuses = []Status{{Codes: []StatusCode{NewStatusCode("A2", "20", "")}, Date: &date, Action: "WQ", Amount: &charge}}
			c.c.PayerClaimControlNumber = a.opt.ClaimNumber(a.accepted)
			c.c.Verdict = Accepted
			acc.add(pv, charge)
		} else {
			for _, p := range problems {
				c.c.Statuses = append(c.c.Statuses, Status{Codes: codesFor(p), Date: &date, Action: "U", Amount: &charge, Message: p.Message})
			}
			c.c.Verdict = Rejected
			rej.add(pv, charge)
		}
		pv.Patients = append(pv.Patients, &Patient{Name: c.patient, Claims: []*Claim{c.c}})
	}
	var total money.Amount
	for _, pv := range a.provs {
		if len(pv.Patients) == 0 {
			continue
		}
		pv.Counts = Counts{AcceptedClaims: acc.n(pv), RejectedClaims: rej.n(pv), AcceptedAmount: acc.amount(pv), RejectedAmount: rej.amount(pv)}
		sum := acc.sum[pv] + rej.sum[pv]
		total += sum
		pv.Statuses = []Status{{Codes: []StatusCode{NewStatusCode("A1", "19", "PR")}, Action: "WQ", Amount: &sum}}
		rc.Providers = append(rc.Providers, pv)
	}
	rc.Statuses = []Status{{Codes: []StatusCode{NewStatusCode("A1", "19", "PR")}, Date: &date, Action: "WQ", Amount: &total}}
	rc.Counts = Counts{AcceptedClaims: acc.total(), RejectedClaims: rej.total(), AcceptedAmount: acc.totalAmount(), RejectedAmount: rej.totalAmount()}
	a.set = nil
	return ack
}

// payerName is the information source: the 837's receiver (1000B), the
// payer or clearinghouse that took the file.
func payerName(r Name) Name {
	q := r.IDQualifier
	if q == "" {
		q = "46"
	}
	return Name{Entity: "PR", Type: "2", Last: r.Last, IDQualifier: q, ID: r.ID}
}

// claimSpan is the first and last day of service of a claim's lines.
func claimSpan(lines []*line837) (from, to *civil.Date) {
	for _, l := range lines {
		if l.l.From == nil {
			continue
		}
		if from == nil || *l.l.From < *from {
			d := *l.l.From
			from = &d
		}
		if to == nil || *l.l.To > *to {
			d := *l.l.To
			to = &d
		}
	}
	return from, to
}

// lineStatus is the one STC of a rejected service line: the status
// composites of its problems, three at most (STC01, STC10, STC11).
func lineStatus(ps []Problem, date civil.Date) Status {
	st := Status{Date: &date, Action: "U"}
	for _, p := range ps {
		for _, c := range codesFor(p) {
			if len(st.Codes) < 3 && !hasCode(st.Codes, c) {
				st.Codes = append(st.Codes, c)
			}
		}
	}
	return st
}

func hasCode(cs []StatusCode, c StatusCode) bool {
	for _, x := range cs {
		if x.Category == c.Category && x.Code == c.Code && x.Entity == c.Entity {
			return true
		}
	}
	return false
}

// counter adds claims and charges up by provider.
type counter struct {
	count map[*Provider]int64
	sum   map[*Provider]money.Amount
}

func (c *counter) add(p *Provider, m money.Amount) {
	if c.count == nil {
		c.count, c.sum = map[*Provider]int64{}, map[*Provider]money.Amount{}
	}
	c.count[p]++
	c.sum[p] += m
}

func (c *counter) n(p *Provider) *int64 {
	if c.count[p] == 0 {
		return nil
	}
	n := c.count[p]
	return &n
}

func (c *counter) amount(p *Provider) *money.Amount {
	if c.count[p] == 0 {
		return nil
	}
	m := c.sum[p]
	return &m
}

func (c *counter) total() *int64 {
	var n int64
	for _, v := range c.count {
		n += v
	}
	if n == 0 {
		return nil
	}
	return &n
}

func (c *counter) totalAmount() *money.Amount {
	if len(c.count) == 0 {
		return nil
	}
	var m money.Amount
	for _, v := range c.sum {
		m += v
	}
	return &m
}

// ClaimNumber makes a payer claim control number from the 277CA's
// interchange control number and the claim's sequence in it: unique as
// long as control numbers are never reused.
func ClaimNumber(control, n int) string {
	return fmt.Sprintf("%09d%06d", control, n)
}
