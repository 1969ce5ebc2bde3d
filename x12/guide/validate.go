package guide

import (
	"bytes"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/perdiem/perdiem/x12"
)

// Options tune Validate.
type Options struct {
	// MaxFindings bounds the findings kept in the Report, and those kept
	// for one transaction set until it closes (0: 10000), so a badly broken
	// file of any size keeps memory flat. Counts in the results still
	// include the ones left out.
	MaxFindings int
	// Workers is how many transaction sets are checked at once (0: one per
	// CPU; 1: all in the calling goroutine). The results are the same, in
	// the same order, whatever the number.
	Workers int
	// Sink, when set, receives the results in file order as they are
	// known, and the Report keeps only totals: memory stays flat however
	// many sets and findings the input has.
	Sink Sink

	// noFineMemo checks every segment's elements, as if none had been
	// found fine before: for the test that holds Machine.fine to that.
	noFineMemo bool
}

// A Sink receives what Validate finds, in file order. A method that
// returns an error stops Validate, which returns that error.
type Sink interface {
	// Interchange is called at each ISA.
	Interchange(InterchangeInfo) error
	// Finding is called for each finding outside a transaction set.
	Finding(Finding) error
	// Set is called when a transaction set closes (at its SE, or where the
	// input cuts it short) with its result and findings, which may not be
	// kept after Set returns: Validate reuses them. g is the group it is in.
	Set(g *GroupResult, s *SetResult, findings []Finding) error
	// Group is called when a functional group closes (at its GE, or where
	// the input cuts it short).
	Group(g *GroupResult) error
}

// An InterchangeCloser is a Sink that also takes each interchange as it
// closes (at its IEA, or where the input ends), with the TA1 its envelope
// earns: InterchangeInfo.Ack and Notes.
type InterchangeCloser interface {
	InterchangeEnd(InterchangeInfo) error
}

// ErrNotX12 is returned (wrapped) by Validate and Parse when the input has
// no readable ISA: there is nothing to acknowledge.
var ErrNotX12 = x12.ErrNotX12

// Validate reads an interchange and checks it at every level against the
// guide g, with business rules from rules (nil: none), called once for each
// goroutine that checks transaction sets. It streams: memory holds the loop
// stack, what the rules keep and the findings of the sets being checked,
// whatever the input size. The error is non-nil only when the input is not
// X12 at all, cannot be read, or the Sink fails; everything else is a
// Finding.
func Validate(g *Guide, r io.Reader, rules func() Rules, opt Options) (*Report, error) {
	if rules == nil {
		rules = func() Rules { return noRules{} }
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	m := newMachine(g, opt, false)
	if workers > 1 {
		return m.rep, m.parallel(r, rules, min(workers, maxWorkers))
	}
	m.rules = rules()
	xr := x12.NewReader(r)
	xr.Resync = true
	if err := m.run(xr); err != nil {
		return nil, err
	}
	return m.rep, nil
}

// Rules are the business checks of one transaction type. The machine calls
// them as it walks each transaction set: StartSet at ST, Enter and Exit as
// loops open and close, Segment for each segment placed in the guide's tree,
// EndSet at SE (or where the set is cut short). One Rules value sees the
// sets one at a time, but not every set of the input: sets are checked in
// parallel, each goroutine with its own Rules.
type Rules interface {
	StartSet()
	Enter(m *Machine, loop string)
	Exit(m *Machine, loop string)
	Segment(m *Machine, seg *x12.Segment, loop string)
	EndSet(m *Machine)
	// Claim names the claim being walked, for findings; "" outside one.
	Claim() string
}

type noRules struct{}

func (noRules) StartSet()                              {}
func (noRules) Enter(*Machine, string)                 {}
func (noRules) Exit(*Machine, string)                  {}
func (noRules) Segment(*Machine, *x12.Segment, string) {}
func (noRules) EndSet(*Machine)                        {}
func (noRules) Claim() string                          { return "" }

// Cur is the segment being walked.
func (m *Machine) Cur() *x12.Segment { return m.cur }

// SetPos is the position of the current segment in its transaction set,
// ST = 1.
func (m *Machine) SetPos() int { return m.setPos }

// Set is the result of the transaction set being walked (nil outside one).
func (m *Machine) Set() *SetResult { return m.set }

// Add records a finding about the current segment.
func (m *Machine) Add(level, loop, element, code, msg string) { m.add(level, loop, element, code, msg) }

// AddAt records a finding; inside a transaction set it counts against it.
func (m *Machine) AddAt(f Finding) { m.addAt(f) }

// frame is one open loop instance.
type frame struct {
	loop    *LoopDef
	pos     int   // index of the last child matched
	checked int   // loop.required[:checked] were checked by missing
	counts  []int // per child: segments used or loop instances; -1: reported missing
	node    *Loop // tree mode only
}

// Machine walks the segments of an interchange through a guide's loop tree,
// checking them or (in tree mode) building the tree.
//
// It has two parts. The set part walks one transaction set (ST … SE) and
// keeps its findings until it closes; the envelope part follows
// interchanges and groups and hands results on in file order. One Machine
// does both when sets are checked in the calling goroutine; in parallel,
// each worker has a Machine for the set part and one more does the
// envelope part.
type Machine struct {
	g     *Guide
	opt   Options
	rep   *Report
	build bool

	cur       *x12.Segment
	padded    bool             // spaces stood before cur (x12.Segment.Padded)
	syntaxErr *x12.SyntaxError // where the input stopped being X12
	err       error            // from the Sink: stop

	// envelope part
	inISA, inGS  bool
	isa13        string
	ic           InterchangeInfo // the open interchange, for its TA1
	isa13s       controls        // every ISA13 of the input (TA105 025)
	gs06s        controls        // the GS06 of the open interchange (AK905 19)
	st02s        controls        // the ST02 of the open group (IK502 23)
	keyIDs       keyTable        // every claim ID of the input: where it was first
	keySums      keyTable        // every claim digest of the input: where it was first
	groups, sets int
	gs06         string
	group        *GroupResult

	// set part
	inST       bool
	set        *SetResult // &open.set
	open       *closedSet
	st01, st03 string // the last set's, reused while they repeat
	st02       string
	stPos      x12.Position
	setPos     int
	setOrdinal int
	findings   []Finding      // of the open set
	counts     map[string]int // of the open set's findings by level, with any left out
	truncated  bool           // the open set had more than MaxFindings
	stack      []frame
	rules      Rules
	// placements remembers where match put segments, by loop, position,
	// tag and the qualifier the answer depended on: a file repeats a few
	// dozen combinations.
	placements [placementSlots]placement
	// fine remembers, by SegmentDef.num, the last few segments whose
	// elements checkElements found nothing wrong with; elementFindings
	// counts the findings it made, so that it knows.
	fine            []fineSegs
	elementFindings int
	// layoutDue says layout has yet to look at the segment being walked;
	// trailing, that it found trailing separators in the last it looked at.
	layoutDue, trailing bool
	// closed receives each set as it closes: the envelope part of the same
	// Machine, or a worker's list for the envelope part to take in order.
	closed func(*closedSet)
	events []event // a worker's, for the chunk it walks
	// a worker's copy of the last segment of the last chunk it read,
	// and its text
	prev     x12.Segment
	prevText []byte

	// tree mode: the loop tree is built and the guide's element and
	// business checks, whose findings Parse drops, are skipped.
	arena    arena
	tree     *Interchange
	trees    []*Interchange
	several  bool // more than one interchange may be read
	treeErr  error
	curGroup *Group
	curSet   *Set
}

// closedSet is a transaction set the set part has finished with. Its
// result is kept in it, with room for one claim's key, so that a set costs
// one allocation; when a Sink takes the results, the envelope part hands
// it back for reuse once the Sink is done with it (recycle).
type closedSet struct {
	res       *SetResult // &set
	set       SetResult
	key       [1]Key
	findings  []Finding
	counts    map[string]int
	truncated bool
	st        x12.Position // where its ST is
	tree      *Set
}

func newMachine(g *Guide, opt Options, build bool) *Machine {
	if opt.MaxFindings <= 0 {
		opt.MaxFindings = 10000
	}
	m := &Machine{g: g, opt: opt, build: build, rules: noRules{},
		rep: &Report{Findings: []Finding{}, Interchanges: []InterchangeInfo{}, Groups: []*GroupResult{}, Counts: map[string]int{}}}
	m.closed = m.setClosed
	if !build && !opt.noFineMemo {
		m.fine = make([]fineSegs, g.segDefs)
	}
	return m
}

func (m *Machine) run(r *x12.Reader) error {
	for m.err == nil {
		seg, err := r.Next()
		if err == io.EOF {
			m.endOfSet("input ends inside transaction set %s: SE missing")
			m.eof()
			break
		}
		if err != nil {
			var se *x12.SyntaxError
			if !errors.As(err, &se) {
				return err
			}
			if m.rep.Segments == 0 {
				return err
			}
			if se.Resynced {
				m.rep.Segments++
				m.resynced(se)
				continue
			}
			m.syntax(se)
			break
		}
		m.rep.Segments++
		m.cur = seg
		m.padded = seg.Padded()
		if !m.setSegment(seg) {
			m.segment(seg)
		}
		if m.treeErr != nil {
			return m.treeErr
		}
	}
	return m.err
}

// syntax reports where the input stopped being X12 and closes what is open.
func (m *Machine) syntax(se *x12.SyntaxError) {
	f := syntaxFinding(se)
	inSet := m.inST
	if inSet {
		m.addAt(f)
		m.endOfSet("input ends inside transaction set %s: SE missing")
	}
	m.syntaxEnd(se, f, inSet)
}

func syntaxFinding(se *x12.SyntaxError) Finding {
	return Finding{Level: LevelSyntax, Segment: se.Pos.Segment, SegmentID: se.SegmentID, Message: se.Err.Error(),
		Offset: se.Pos.Offset, Line: se.Pos.Line}
}

// syntaxEnd is the envelope part of syntax: the finding, when it was not in
// a set, and the envelopes left open.
func (m *Machine) syntaxEnd(se *x12.SyntaxError, f Finding, inSet bool) {
	m.syntaxErr = se
	if !inSet {
		m.addAt(f)
	}
	m.eof()
}

// resynced reports a segment the tokenizer could not read and skipped.
// Inside a transaction set it takes its place in the count (the sender
// counted it in SE01) and rejects the set: IK3 code 1 for a bad segment ID,
// 8 for a segment with too many or too long elements.
func (m *Machine) resynced(se *x12.SyntaxError) {
	f := syntaxFinding(se)
	if m.inST {
		m.setPos++
		f.SetPosition = m.setPos
		f.Code = "8"
		if errors.Is(se, x12.ErrBadSegmentID) {
			f.Code, f.Value = "1", se.Raw
		}
	}
	m.addAt(f)
}

// layout reports what the tokenizer tolerated but X12 does not allow:
// spaces before the segment ID (IK3 code 1, as the ID is then not a
// segment ID) and trailing element or component separators (IK3 code 8),
// as pyx12 does. pos is the segment's position in its transaction set; 0
// outside one, where these are envelope findings.
func (m *Machine) layout(seg *x12.Segment, pos int) {
	m.layoutDue = false
	raw := seg.Raw()
	d := seg.Delimiters()
	trailing := ""
	switch {
	case len(raw) > 0 && raw[len(raw)-1] == d.Element:
		trailing = fmt.Sprintf("%s ends with the element separator %q: empty elements at the end of a segment are left out, with their separators", seg.ID(), d.Element)
	case seg.ID() != "ISA": // ISA16 is the separator itself
		// the first element that ends with a component separator
		for k := bytes.IndexByte(raw, d.Component); k >= 0; {
			if k+1 == len(raw) || raw[k+1] == d.Element {
				i := bytes.Count(raw[:k], []byte{d.Element})
				trailing = fmt.Sprintf("%s ends with the component separator %q: empty components at the end of a composite are left out, with their separators", ElemName(seg.ID(), i, 0), d.Component)
				break
			}
			n := indexByte(raw[k+1:], d.Component)
			if n < 0 {
				break
			}
			k += n + 1
		}
	}
	m.trailing = trailing != ""
	if !m.padded && trailing == "" {
		return
	}
	p := seg.Pos()
	f := Finding{Level: LevelEnvelope, Segment: p.Segment, SegmentID: seg.ID(), Offset: p.Offset, Line: p.Line}
	if pos > 0 {
		f.Level, f.SetPosition = LevelStructure, pos
	}
	if m.padded {
		g := f
		g.Message = "spaces before the segment ID: only line breaks may stand between segments"
		if pos > 0 {
			g.Code = "1"
		}
		m.addAt(g)
	}
	if trailing != "" {
		f.Message = trailing
		if pos > 0 {
			f.Code = "8"
		}
		m.addAt(f)
	}
}

// add records a finding about the current segment.
func (m *Machine) add(level, loop, element, code, msg string) {
	p := m.cur.Pos()
	m.addAt(Finding{Level: level, Segment: p.Segment, SegmentID: m.cur.ID(), Loop: loop, Element: element,
		Code: code, Message: msg, Offset: p.Offset, Line: p.Line})
}

// addAt records a finding: in the open set until it closes, or handed on
// at once outside a set.
func (m *Machine) addAt(f Finding) {
	if m.layoutDue {
		m.layout(m.cur, m.setPos)
	}
	if !m.inST {
		m.emit(f)
		return
	}
	f.Set = m.setOrdinal
	if f.SetPosition == 0 && f.Segment == m.cur.Pos().Segment {
		f.SetPosition = m.setPos
	}
	if f.Level == LevelBusiness {
		m.set.Business++
	} else {
		m.set.Errors++
		m.set.Accepted = false
	}
	if f.Claim == "" {
		f.Claim = m.rules.Claim()
	}
	if m.counts == nil {
		m.counts = map[string]int{}
	}
	m.counts[f.Level]++
	if len(m.findings) >= m.opt.MaxFindings {
		m.truncated = true
		return
	}
	m.findings = append(m.findings, f)
}

// emit hands on a finding outside a set.
func (m *Machine) emit(f Finding) {
	m.rep.Counts[f.Level]++
	if m.opt.Sink != nil {
		m.fail(m.opt.Sink.Finding(f))
		return
	}
	m.keep(f)
}

func (m *Machine) keep(f Finding) {
	if len(m.rep.Findings) >= m.opt.MaxFindings {
		m.rep.Truncated = true
		return
	}
	m.rep.Findings = append(m.rep.Findings, f)
}

func (m *Machine) fail(err error) {
	if err != nil && m.err == nil {
		m.err = err
	}
}

func (m *Machine) envelope(element, code, format string, a ...any) {
	m.add(LevelEnvelope, "", element, code, fmt.Sprintf(format, a...))
}

// setSegment is the set part's step: it walks seg when it belongs to a
// transaction set, and closes the open set when an envelope segment cuts
// it short. It reports whether seg was taken; the envelope part takes the
// others.
func (m *Machine) setSegment(seg *x12.Segment) bool {
	switch id := seg.ID(); id {
	case "ST":
		m.endOfSet("ST before SE of transaction set %s")
		m.st(seg)
		m.layout(seg, 1)
		return true
	case "SE":
		if !m.inST {
			return false
		}
		m.layout(seg, m.setPos+1)
		m.se(seg)
		return true
	case "ISA", "IEA", "GS", "GE":
		m.endOfSet(id + " before SE of transaction set %s")
		return false
	default:
		if !m.inST {
			return false
		}
		m.setPos++
		if m.fine == nil {
			m.layout(seg, m.setPos)
		} else {
			// place may know there is nothing to report (Machine.fine);
			// a finding before it has layout's go first (addAt)
			m.layoutDue = true
		}
		m.walk(seg)
		if m.layoutDue {
			m.layout(seg, m.setPos)
		}
		return true
	}
}

// segment is the envelope part's step, for the segments the set part did
// not take.
func (m *Machine) segment(seg *x12.Segment) {
	m.layout(seg, 0)
	switch seg.ID() {
	case "ISA":
		m.isa(seg)
	case "IEA":
		m.iea(seg)
	case "GS":
		m.gs(seg)
	case "GE":
		m.ge(seg)
	case "SE":
		m.envelope("", "", "SE without ST")
	default:
		m.envelope("", "", "segment %s outside a transaction set (ST … SE)", seg.ID())
	}
}

// endOfSet closes a set left open, with an IK5 2 finding (msg names its
// ST02) at the current segment.
func (m *Machine) endOfSet(msg string) {
	if !m.inST {
		return
	}
	m.envelope("", "2", msg, m.st02)
	m.set.Codes = append(m.set.Codes, "2")
	m.endSet()
}

// eof closes the envelopes left open at the end of the input.
func (m *Machine) eof() {
	if m.cur == nil {
		return
	}
	if m.inGS {
		m.groupError("", "3", "input ends inside functional group %s: GE missing", m.gs06)
		m.closeGroup()
	}
	if m.inISA {
		m.interchangeError("", "023", "input ends inside interchange %s: IEA missing", m.isa13)
		m.closeInterchange()
	}
}

func (m *Machine) isa(seg *x12.Segment) {
	if m.inISA {
		m.groupBefore("ISA")
	}
	m.inISA, m.groups, m.isa13 = true, 0, seg.Element(13)
	m.gs06s.reset()
	info := InterchangeInfo{
		SenderQualifier: seg.Element(5), SenderID: strings.TrimSpace(seg.Element(6)),
		ReceiverQualifier: seg.Element(7), ReceiverID: strings.TrimSpace(seg.Element(8)),
		Control: m.isa13, Usage: seg.Element(15), Date: seg.Element(9), Time: seg.Element(10)}
	m.ic = info
	m.rep.InterchangeCount++
	if m.opt.Sink != nil {
		m.fail(m.opt.Sink.Interchange(info))
	} else {
		m.rep.Interchanges = append(m.rep.Interchanges, info)
	}
	m.checkEnvelopeElements(seg)
	for _, c := range []struct {
		i     int
		codes []string
	}{{1, []string{"00", "03"}}, {3, []string{"00", "01"}}, {12, []string{"00501"}}, {14, []string{"0", "1"}}, {15, []string{"P", "T"}}} {
		if v := seg.Element(c.i); !contains(c.codes, v) {
			m.interchangeError(fmt.Sprintf("ISA%02d", c.i), isaNotes[c.i], "%q is not one of %v", v, c.codes)
		}
	}
	if m.isa13s.seen(m.isa13) {
		m.interchangeError("ISA13", "025", "ISA13 %s is used by an earlier interchange of the input: each interchange needs its own control number", m.isa13)
	}
	if m.build {
		if m.tree != nil && !m.several {
			m.treeErr = fmt.Errorf("x12/guide: segment %d: a second interchange; Parse reads one", seg.Pos().Segment)
			return
		}
		m.tree = &Interchange{Delimiters: delimitersOf(seg.Delimiters()), ISA: elements(seg), Groups: []*Group{}}
		m.trees = append(m.trees, m.tree)
		m.curGroup = nil
	}
}

// groupBefore closes a group left open when a new header or an IEA
// arrives without its GE.
func (m *Machine) groupBefore(id string) {
	if m.inGS {
		m.groupError("", "3", "%s before GE of group %s", id, m.gs06)
		m.closeGroup()
	}
}

// closeGroup hands on the group that ends here.
func (m *Machine) closeGroup() {
	m.inGS = false
	if m.opt.Sink != nil && m.group != nil {
		m.fail(m.opt.Sink.Group(m.group))
	}
}

func (m *Machine) iea(seg *x12.Segment) {
	if !m.inISA {
		m.envelope("", "", "IEA without ISA")
		return
	}
	m.groupBefore("IEA")
	m.checkEnvelopeElements(seg)
	if n, err := strconv.Atoi(seg.Element(1)); err != nil || n != m.groups {
		m.interchangeError("IEA01", "021", "IEA01 is %q but the interchange has %d functional groups", seg.Element(1), m.groups)
	}
	if seg.Element(2) != m.isa13 {
		m.interchangeError("IEA02", "001", "IEA02 %q does not match ISA13 %q", seg.Element(2), m.isa13)
	}
	m.closeInterchange()
	if m.build && m.tree != nil {
		m.tree.IEA = elements(seg)
	}
}

// groupError reports an envelope problem that rejects the functional group,
// and keeps its AK9 code for the 999.
func (m *Machine) groupError(element, code, format string, args ...any) {
	m.envelope(element, code, format, args...)
	m.group.Codes = append(m.group.Codes, code)
}

func (m *Machine) gs(seg *x12.Segment) {
	if !m.inISA {
		m.envelope("", "", "GS outside an interchange")
	}
	m.groupBefore("GS")
	m.inGS, m.sets, m.gs06 = true, 0, seg.Element(6)
	m.groups++
	m.newGroup(&GroupResult{FunctionalID: seg.Element(1), Control: m.gs06, Version: seg.Element(8),
		Sender: seg.Element(2), Receiver: seg.Element(3), Sets: []*SetResult{}})
	m.checkEnvelopeElements(seg)
	if v := seg.Element(1); v != m.g.FunctionalID {
		m.groupError("GS01", "1", "GS01 is %q, want %s", v, m.g.FunctionalID)
	}
	if m.gs06s.seen(m.gs06) {
		m.groupError("GS06", "19", "GS06 %s is used by an earlier group of the interchange", m.gs06)
	}
	m.st02s.reset()
	if v := seg.Element(8); v != m.g.Version {
		m.groupError("GS08", "2", "GS08 is %q, want %s", v, m.g.Version)
	}
	if m.build && m.tree != nil {
		m.curGroup = &Group{GS: elements(seg), Sets: []*Set{}}
		m.tree.Groups = append(m.tree.Groups, m.curGroup)
	}
}

func (m *Machine) newGroup(g *GroupResult) {
	m.group = g
	if m.opt.Sink == nil {
		m.rep.Groups = append(m.rep.Groups, g)
	}
}

func (m *Machine) ge(seg *x12.Segment) {
	if !m.inGS {
		m.envelope("", "", "GE without GS")
		return
	}
	m.checkEnvelopeElements(seg)
	n, err := strconv.Atoi(seg.Element(1))
	m.group.Declared = n
	if err != nil || n != m.sets {
		m.groupError("GE01", "5", "GE01 is %q but the group has %d transaction sets", seg.Element(1), m.sets)
	}
	if seg.Element(2) != m.gs06 {
		m.groupError("GE02", "4", "GE02 %q does not match GS06 %q", seg.Element(2), m.gs06)
	}
	if m.build && m.curGroup != nil {
		m.curGroup.GE = elements(seg)
	}
	m.closeGroup()
}

// st opens a transaction set (the set part).
func (m *Machine) st(seg *x12.Segment) {
	m.setOrdinal++
	st01, st03 := reuse(m.st01, seg.ElementBytes(1)), reuse(m.st03, seg.ElementBytes(3))
	m.st01, m.st03 = st01, st03
	m.inST, m.setPos, m.st02, m.stPos = true, 1, seg.Element(2), seg.Pos()
	c := closedSets.Get().(*closedSet)
	c.set = SetResult{Ordinal: m.setOrdinal, ID: st01, Control: m.st02, Version: st03, Accepted: true, Keys: c.key[:0]}
	c.res = &c.set
	m.set, m.open = c.res, c
	m.checkEnvelopeElements(seg)
	if st01 != m.g.TransactionSet {
		m.envelope("ST01", "6", "ST01 is %q, want %s", st01, m.g.TransactionSet)
		m.set.Codes = append(m.set.Codes, "6")
	}
	if st03 != m.g.Version && m.g.Segments["ST"][2].Usage != NotUsed {
		m.envelope("ST03", "1", "ST03 is %q, want %s", st03, m.g.Version)
		m.set.Codes = append(m.set.Codes, "1")
	}
	m.stack = m.stack[:0]
	m.push(m.g.Root)
	m.stack[0].pos, m.stack[0].counts[0] = -1, 0
	m.rules.StartSet()
	if m.build {
		m.curSet = &Set{ST: elements(seg), Root: m.stack[0].node}
	}
}

func (m *Machine) se(seg *x12.Segment) {
	m.setPos++
	m.checkEnvelopeElements(seg)
	if n, ok := count(seg.ElementBytes(1)); !ok || n != m.setPos {
		m.envelope("SE01", "4", "SE01 is %q but the transaction set has %d segments (ST through SE)", seg.Element(1), m.setPos)
		m.set.Codes = append(m.set.Codes, "4")
	}
	if v := seg.ElementBytes(2); string(v) != m.st02 {
		m.envelope("SE02", "3", "SE02 %q does not match ST02 %q", v, m.st02)
		m.set.Codes = append(m.set.Codes, "3")
	}
	if m.build && m.curSet != nil {
		m.curSet.SE = elements(seg)
	}
	m.endSet()
}

// reuse returns v as a string: last when it has the same bytes, so that a
// value every set repeats (ST01, ST03) costs no allocation.
func reuse(last string, v []byte) string {
	if string(v) == last {
		return last
	}
	return string(v)
}

// count is strconv.Atoi for the bytes of an element, without allocating:
// what Atoi accepts (a sign, then digits), it accepts.
func count(v []byte) (int, bool) {
	if len(v) < 19 {
		neg := false
		d := v
		if len(d) > 0 && (d[0] == '-' || d[0] == '+') {
			neg, d = d[0] == '-', d[1:]
		}
		if len(d) == 0 {
			return 0, false
		}
		n := 0
		for _, c := range d {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		if neg {
			n = -n
		}
		return n, true
	}
	n, err := strconv.Atoi(string(v))
	return n, err == nil
}

// endSet closes every open loop of the transaction set and hands the set
// on.
func (m *Machine) endSet() {
	for len(m.stack) > 0 {
		m.pop()
	}
	m.rules.EndSet(m)
	if m.set.Errors > 0 && !contains(m.set.Codes, "5") {
		m.set.Codes = append(m.set.Codes, "5")
	}
	m.inST = false
	c := m.open
	c.findings, c.counts, c.truncated, c.st, c.tree = m.findings, m.counts, m.truncated, m.stPos, m.curSet
	m.set, m.open, m.findings, m.counts, m.truncated, m.curSet = nil, nil, nil, nil, false, nil
	m.closed(c)
}

// closedSets are the closedSets handed back for reuse.
var closedSets = sync.Pool{New: func() any { return new(closedSet) }}

// recycle hands c back for reuse, when nothing keeps it: a Sink does not
// keep the result or the findings it is given.
func (m *Machine) recycle(c *closedSet) {
	*c = closedSet{}
	closedSets.Put(c)
}

// setClosed is the envelope part's side of a set: its place in the group,
// the totals, and the Sink or the Report.
func (m *Machine) setClosed(c *closedSet) {
	if !m.inGS {
		m.addAt(Finding{Level: LevelEnvelope, Segment: c.st.Segment, SegmentID: "ST", Message: "ST outside a functional group",
			Offset: c.st.Offset, Line: c.st.Line})
	}
	m.sets++
	if m.group == nil {
		m.newGroup(&GroupResult{Sets: []*SetResult{}})
	}
	s := c.res
	if n := m.rep.Sets + 1; s.Ordinal != n {
		// A worker numbers the sets it walks among its own: in file
		// order, this is set n.
		s.Ordinal = n
		for i := range c.findings {
			c.findings[i].Set = n
		}
	}
	m.uniqueST02(c)
	m.uniqueKeys(c)
	m.group.Received++
	m.rep.Sets++
	if s.Accepted {
		m.group.Accepted++
		m.rep.Accepted++
	}
	for l, n := range c.counts {
		m.rep.Counts[l] += n
	}
	if c.truncated {
		m.rep.Truncated = true
	}
	if m.build && m.tree != nil && c.tree != nil {
		if m.curGroup == nil || !m.inGS {
			// a set outside a group keeps its place in a group without GS
			m.curGroup = &Group{Sets: []*Set{}}
			m.tree.Groups = append(m.tree.Groups, m.curGroup)
		}
		m.curGroup.Sets = append(m.curGroup.Sets, c.tree)
	}
	if m.opt.Sink != nil {
		m.fail(m.opt.Sink.Set(m.group, s, c.findings))
		if !m.build {
			m.recycle(c)
		}
		return
	}
	m.group.Sets = append(m.group.Sets, s)
	for _, f := range c.findings {
		m.keep(f)
	}
}

// maxKept bounds the control numbers kept to find repeats (ISA13 in the
// input, GS06 in an interchange, ST02 in a group), so memory stays flat.
const maxKept = 1 << 18

// uniqueST02 rejects a set whose ST02 an earlier set of its group used
// (IK502 23). It runs in file order, as sets close.
func (m *Machine) uniqueST02(c *closedSet) {
	if m.build || c.res.Control == "" {
		return
	}
	if m.st02s.seen(c.res.Control) {
		s := c.res
		s.Accepted = false
		s.Errors++
		s.Codes = append(s.Codes, "23")
		f := Finding{Level: LevelEnvelope, Segment: c.st.Segment, SegmentID: "ST", Element: "ST02", Code: "23",
			Message: fmt.Sprintf("ST02 %s is used by an earlier transaction set of the group", s.Control),
			Offset:  c.st.Offset, Line: c.st.Line, Set: s.Ordinal, SetPosition: 1}
		if c.counts == nil {
			c.counts = map[string]int{}
		}
		c.counts[f.Level]++
		c.findings = append([]Finding{f}, c.findings...)
	}
}

// uniqueKeys reports a claim whose ID (CLM01), or whose whole content
// under another ID, an earlier claim of the input has: business findings,
// as a payer rejects a duplicate claim. It runs in file order.
func (m *Machine) uniqueKeys(c *closedSet) {
	keys := c.res.Keys
	c.res.Keys = nil
	if len(keys) == 0 {
		return
	}
	for _, k := range keys {
		id := maphash.String(keySeed, k.ID)
		f := Finding{Level: LevelBusiness, Segment: k.Segment, SetPosition: k.SetPosition, SegmentID: "CLM", Loop: "2300",
			Offset: k.Offset, Line: k.Line, Set: c.res.Ordinal, Claim: k.ID}
		if first, dup := m.keyIDs.first(id, k.Segment); dup {
			f.Element = "CLM01"
			f.Message = fmt.Sprintf("CLM01 %s is the patient control number of the claim at segment %d too: each claim of a submission needs its own", k.ID, first)
			m.addClosed(c, f)
		}
		if k.Sum == 0 {
			continue
		}
		if first, dup := m.keySums.first(k.Sum, k.Segment); dup {
			f.Element = ""
			f.Message = fmt.Sprintf("the claim repeats the claim at segment %d: same subscriber, patient, services, dates and charges (the same claim sent twice)", first)
			m.addClosed(c, f)
		}
	}
}

// addClosed adds a business finding to a set that has closed.
func (m *Machine) addClosed(c *closedSet, f Finding) {
	c.res.Business++
	if c.counts == nil {
		c.counts = map[string]int{}
	}
	c.counts[f.Level]++
	if len(c.findings) >= m.opt.MaxFindings {
		c.truncated = true
		return
	}
	c.findings = append(c.findings, f)
}

// keySeed hashes claim IDs and content; digests are compared within one
// run only.
var keySeed = maphash.MakeSeed()

// KeySeed is the seed Rules hash claim content with (Key.Sum), so that the
// digests of every goroutine compare.
func KeySeed() maphash.Seed { return keySeed }

// isaNotes are the TA105 note codes for a bad value of each ISA element.
var isaNotes = [17]string{1: "010", 2: "011", 3: "012", 4: "013", 5: "005", 6: "006", 7: "007", 8: "008",
	9: "014", 10: "015", 11: "016", 12: "017", 13: "018", 14: "019", 15: "020", 16: "027"}

// interchangeError reports an interchange envelope error, answered with a
// TA1 that rejects the interchange: code is its TA105 note code.
func (m *Machine) interchangeError(element, code, format string, args ...any) {
	m.envelope(element, code, format, args...)
	if !contains(m.ic.Notes, code) {
		m.ic.Notes = append(m.ic.Notes, code)
	}
}

// closeInterchange settles the open interchange's TA1 and hands it on.
func (m *Machine) closeInterchange() {
	m.inISA = false
	info := m.ic
	info.Ack = "A"
	if len(info.Notes) > 0 {
		info.Ack = "R"
	}
	if m.opt.Sink != nil {
		if c, ok := m.opt.Sink.(InterchangeCloser); ok {
			m.fail(c.InterchangeEnd(info))
		}
	} else if n := len(m.rep.Interchanges); n > 0 {
		m.rep.Interchanges[n-1] = info
	}
}

func (m *Machine) checkEnvelopeElements(seg *x12.Segment) {
	defs := m.g.Segments[seg.ID()]
	if seg.Len() > len(defs) {
		m.envelope(ElemName(seg.ID(), len(defs)+1, 0), "", "%s has %d elements, at most %d allowed", seg.ID(), seg.Len(), len(defs))
	}
	for i := range defs {
		d := &defs[i]
		v := seg.ElementBytes(i + 1)
		if len(v) == 0 {
			if d.Usage == Required {
				m.envelopeElement(seg.ID(), i+1, "required element missing")
			}
			continue
		}
		if code, msg := checkValue(d, v, false); code != "" {
			m.envelopeElement(seg.ID(), i+1, msg)
		}
	}
}

// envelopeElement reports a bad envelope element; a bad ISA element
// rejects the interchange in a TA1.
func (m *Machine) envelopeElement(id string, e int, msg string) {
	if id == "ISA" && e < len(isaNotes) {
		m.interchangeError(ElemName(id, e, 0), isaNotes[e], "%s", msg)
		return
	}
	m.envelope(ElemName(id, e, 0), "", "%s", msg)
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

// ElemName names element e (component c when not 0) of segment id as a
// 999 and people do: "CLM05", "SV101-2".
func ElemName(id string, e, c int) string {
	if c == 0 {
		return fmt.Sprintf("%s%02d", id, e)
	}
	return fmt.Sprintf("%s%02d-%d", id, e, c)
}
