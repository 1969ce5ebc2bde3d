package guide

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/perdiem/perdiem/x12"
)

// Options tune Validate.
type Options struct {
	// MaxFindings bounds the findings kept in the Report (0: 10000), so a
	// badly broken file of any size keeps memory flat. Counts in the
	// results still include the ones left out.
	MaxFindings int
}

// ErrNotX12 is returned (wrapped) by Validate and Parse when the input has
// no readable ISA: there is nothing to acknowledge.
var ErrNotX12 = x12.ErrNotX12

// Validate reads an interchange and checks it at every level against the
// guide g, with rules (nil: none) for the business level. It streams:
// memory holds the loop stack and what rules keep, whatever the input size.
// The error is non-nil only when the input is not X12 at all or cannot be
// read; everything else is a Finding.
func Validate(g *Guide, r io.Reader, rules Rules, opt Options) (*Report, error) {
	m := newMachine(g, opt, false)
	if rules != nil {
		m.rules = rules
	}
	if err := m.run(x12.NewReader(r)); err != nil {
		return nil, err
	}
	return m.rep, nil
}

// Rules are the business checks of one transaction type. The machine calls
// them as it walks each transaction set: StartSet at ST, Enter and Exit as
// loops open and close, Segment for each segment placed in the guide's tree,
// EndSet at SE (or where the set is cut short).
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
type Machine struct {
	g     *Guide
	opt   Options
	rep   *Report
	build bool

	cur       *x12.Segment
	delim     x12.Delimiters
	syntaxErr *x12.SyntaxError // where the input stopped being X12

	// envelope
	inISA, inGS, inST bool
	isa13             string
	groups, sets      int
	gs06              string
	group             *GroupResult
	set               *SetResult
	st02              string
	setPos            int
	setOrdinal        int

	stack []frame

	rules Rules

	// tree mode: the loop tree is built and the guide's element and
	// business checks, whose findings Parse drops, are skipped.
	arena    arena
	tree     *Interchange
	treeErr  error
	curGroup *Group
	curSet   *Set
}

func newMachine(g *Guide, opt Options, build bool) *Machine {
	if opt.MaxFindings <= 0 {
		opt.MaxFindings = 10000
	}
	return &Machine{g: g, opt: opt, rep: &Report{Findings: []Finding{}, Interchanges: []InterchangeInfo{}, Groups: []*GroupResult{}}, build: build, rules: noRules{}}
}

func (m *Machine) run(r *x12.Reader) error {
	for {
		seg, err := r.Next()
		if err == io.EOF {
			m.eof()
			return nil
		}
		if err != nil {
			var se *x12.SyntaxError
			if !errors.As(err, &se) {
				return err
			}
			if m.rep.Segments == 0 {
				return err
			}
			m.syntax(se)
			return nil
		}
		m.rep.Segments++
		m.cur = seg
		m.segment(seg)
		if m.treeErr != nil {
			return m.treeErr
		}
	}
}

func (m *Machine) syntax(se *x12.SyntaxError) {
	m.syntaxErr = se
	m.addAt(Finding{Level: LevelSyntax, Segment: se.Pos.Segment, SegmentID: se.SegmentID, Message: se.Err.Error(),
		Offset: se.Pos.Offset, Line: se.Pos.Line})
	m.eof()
}

// add records a finding about the current segment.
func (m *Machine) add(level, loop, element, code, msg string) {
	p := m.cur.Pos()
	m.addAt(Finding{Level: level, Segment: p.Segment, SegmentID: m.cur.ID(), Loop: loop, Element: element,
		Code: code, Message: msg, Offset: p.Offset, Line: p.Line})
}

func (m *Machine) addAt(f Finding) {
	if m.inST {
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
	}
	if len(m.rep.Findings) >= m.opt.MaxFindings {
		m.rep.Truncated = true
		return
	}
	m.rep.Findings = append(m.rep.Findings, f)
}

func (m *Machine) envelope(element, code, format string, a ...any) {
	m.add(LevelEnvelope, "", element, code, fmt.Sprintf(format, a...))
}

func (m *Machine) segment(seg *x12.Segment) {
	switch seg.ID() {
	case "ISA":
		m.isa(seg)
	case "IEA":
		m.iea(seg)
	case "GS":
		m.gs(seg)
	case "GE":
		m.ge(seg)
	case "ST":
		m.st(seg)
	case "SE":
		m.se(seg)
	default:
		if !m.inST {
			m.envelope("", "", "segment %s outside a transaction set (ST … SE)", seg.ID())
			return
		}
		m.setPos++
		m.walk(seg)
	}
}

func (m *Machine) eof() {
	if m.cur == nil {
		return
	}
	if m.inST {
		m.envelope("", "2", "input ends inside transaction set %s: SE missing", m.st02)
		m.endSet()
		m.set.Codes = append(m.set.Codes, "2")
	}
	if m.inGS {
		m.groupError("", "3", "input ends inside functional group %s: GE missing", m.gs06)
		m.inGS = false
	}
	if m.inISA {
		m.envelope("", "", "input ends inside interchange %s: IEA missing", m.isa13)
		m.inISA = false
	}
}

func (m *Machine) isa(seg *x12.Segment) {
	if m.inISA {
		m.eofBefore("ISA")
	}
	m.delim = seg.Delimiters()
	m.inISA, m.groups, m.isa13 = true, 0, seg.Element(13)
	m.rep.Interchanges = append(m.rep.Interchanges, InterchangeInfo{
		SenderQualifier: seg.Element(5), SenderID: strings.TrimSpace(seg.Element(6)),
		ReceiverQualifier: seg.Element(7), ReceiverID: strings.TrimSpace(seg.Element(8)),
		Control: m.isa13, Usage: seg.Element(15)})
	m.checkEnvelopeElements(seg)
	for _, c := range []struct {
		i     int
		codes []string
	}{{1, []string{"00", "03"}}, {3, []string{"00", "01"}}, {12, []string{"00501"}}, {14, []string{"0", "1"}}, {15, []string{"P", "T"}}} {
		if v := seg.Element(c.i); !contains(c.codes, v) {
			m.envelope(fmt.Sprintf("ISA%02d", c.i), "", "%q is not one of %v", v, c.codes)
		}
	}
	if m.build {
		if m.tree != nil {
			m.treeErr = fmt.Errorf("x12/guide: segment %d: a second interchange; Parse reads one", seg.Pos().Segment)
			return
		}
		m.tree = &Interchange{Delimiters: delimitersOf(m.delim), ISA: elements(seg), Groups: []*Group{}}
	}
}

// eofBefore closes open envelopes when a new header arrives without the
// trailers of the previous one.
func (m *Machine) eofBefore(id string) {
	if m.inST {
		m.envelope("", "2", "%s before SE of transaction set %s", id, m.st02)
		m.set.Codes = append(m.set.Codes, "2")
		m.endSet()
	}
	if m.inGS && id != "ST" {
		m.groupError("", "3", "%s before GE of group %s", id, m.gs06)
		m.inGS = false
	}
}

func (m *Machine) iea(seg *x12.Segment) {
	if !m.inISA {
		m.envelope("", "", "IEA without ISA")
		return
	}
	m.eofBefore("IEA")
	m.checkEnvelopeElements(seg)
	if n, err := strconv.Atoi(seg.Element(1)); err != nil || n != m.groups {
		m.envelope("IEA01", "", "IEA01 is %q but the interchange has %d functional groups", seg.Element(1), m.groups)
	}
	if seg.Element(2) != m.isa13 {
		m.envelope("IEA02", "", "IEA02 %q does not match ISA13 %q", seg.Element(2), m.isa13)
	}
	m.inISA = false
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
	m.eofBefore("GS")
	m.inGS, m.sets, m.gs06 = true, 0, seg.Element(6)
	m.groups++
	m.group = &GroupResult{FunctionalID: seg.Element(1), Control: m.gs06, Version: seg.Element(8),
		Sender: seg.Element(2), Receiver: seg.Element(3), Sets: []*SetResult{}}
	m.rep.Groups = append(m.rep.Groups, m.group)
	m.checkEnvelopeElements(seg)
	if v := seg.Element(1); v != m.g.FunctionalID {
		m.groupError("GS01", "1", "GS01 is %q, want %s", v, m.g.FunctionalID)
	}
	if v := seg.Element(8); v != m.g.Version {
		m.groupError("GS08", "2", "GS08 is %q, want %s", v, m.g.Version)
	}
	if m.build && m.tree != nil {
		m.curGroup = &Group{GS: elements(seg), Sets: []*Set{}}
		m.tree.Groups = append(m.tree.Groups, m.curGroup)
	}
}

func (m *Machine) ge(seg *x12.Segment) {
	if !m.inGS {
		m.envelope("", "", "GE without GS")
		return
	}
	m.eofBefore("ST") // an open ST ends here; the group is closed below
	m.checkEnvelopeElements(seg)
	n, err := strconv.Atoi(seg.Element(1))
	m.group.Declared = n
	if err != nil || n != m.sets {
		m.groupError("GE01", "5", "GE01 is %q but the group has %d transaction sets", seg.Element(1), m.sets)
	}
	if seg.Element(2) != m.gs06 {
		m.groupError("GE02", "4", "GE02 %q does not match GS06 %q", seg.Element(2), m.gs06)
	}
	m.inGS = false
	if m.build && m.curGroup != nil {
		m.curGroup.GE = elements(seg)
	}
}

func (m *Machine) st(seg *x12.Segment) {
	if !m.inGS {
		m.envelope("", "", "ST outside a functional group")
	}
	m.eofBefore("ST")
	m.sets++
	m.setOrdinal++
	m.inST, m.setPos, m.st02 = true, 1, seg.Element(2)
	m.set = &SetResult{Ordinal: m.setOrdinal, ID: seg.Element(1), Control: m.st02, Version: seg.Element(3), Accepted: true}
	if m.group == nil {
		m.group = &GroupResult{Sets: []*SetResult{}}
		m.rep.Groups = append(m.rep.Groups, m.group)
	}
	m.group.Sets = append(m.group.Sets, m.set)
	m.checkEnvelopeElements(seg)
	if v := seg.Element(1); v != m.g.TransactionSet {
		m.envelope("ST01", "6", "ST01 is %q, want %s", v, m.g.TransactionSet)
		m.set.Codes = append(m.set.Codes, "6")
	}
	if v := seg.Element(3); v != m.g.Version && m.g.Segments["ST"][2].Usage != NotUsed {
		m.envelope("ST03", "1", "ST03 is %q, want %s", v, m.g.Version)
		m.set.Codes = append(m.set.Codes, "1")
	}
	m.stack = m.stack[:0]
	m.push(m.g.Root)
	m.stack[0].pos, m.stack[0].counts[0] = -1, 0
	m.rules.StartSet()
	if m.build {
		m.curSet = &Set{ST: elements(seg), Root: m.stack[0].node}
		if m.curGroup != nil {
			m.curGroup.Sets = append(m.curGroup.Sets, m.curSet)
		}
	}
}

func (m *Machine) se(seg *x12.Segment) {
	if !m.inST {
		m.envelope("", "", "SE without ST")
		return
	}
	m.setPos++
	m.checkEnvelopeElements(seg)
	if n, err := strconv.Atoi(seg.Element(1)); err != nil || n != m.setPos {
		m.envelope("SE01", "4", "SE01 is %q but the transaction set has %d segments (ST through SE)", seg.Element(1), m.setPos)
		m.set.Codes = append(m.set.Codes, "4")
	}
	if v := seg.Element(2); v != m.st02 {
		m.envelope("SE02", "3", "SE02 %q does not match ST02 %q", v, m.st02)
		m.set.Codes = append(m.set.Codes, "3")
	}
	m.endSet()
	if m.build && m.curSet != nil {
		m.curSet.SE = elements(seg)
	}
}

// endSet closes every open loop of the transaction set.
func (m *Machine) endSet() {
	for len(m.stack) > 0 {
		m.pop()
	}
	m.rules.EndSet(m)
	if m.set.Errors > 0 && !contains(m.set.Codes, "5") {
		m.set.Codes = append(m.set.Codes, "5")
	}
	m.inST = false
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
				m.envelope(ElemName(seg.ID(), i+1, 0), "", "required element missing")
			}
			continue
		}
		if code, msg := checkValue(d, v, false); code != "" {
			m.envelope(ElemName(seg.ID(), i+1, 0), "", "%s", msg)
		}
	}
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
