package guide

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"

	"github.com/perdiem/perdiem/x12/internal/packed"
)

// Usage is the TR3 usage of a segment, loop or element: 'R' required,
// 'S' situational, 'N' not used.
type Usage byte

// Usages.
const (
	Required    Usage = 'R'
	Situational Usage = 'S'
	NotUsed     Usage = 'N'
)

// ElementDef describes one data element (or one component of a composite)
// as used at one place in the guide.
type ElementDef struct {
	Ref        string // data element reference number, e.g. "1251" (IK402)
	Type       string // AN, ID, DT, TM, N0, R (composites: "")
	Min, Max   int
	Usage      Usage
	Codes      *CodeList    // allowed values of an ID element, nil when external or any
	Components []ElementDef // non-nil for a composite

	kind   kind // Type, decoded once so checking a value compares no strings
	period bool // a date in the format the element before names (DTP03 after DTP02)
	// comps are Components compiled for checkElement's loop; compNeeded
	// is one past the last required component.
	comps      []check
	compNeeded int
}

// kind is the type of a simple element.
type kind uint8

const (
	kindAN kind = iota
	kindID
	kindDT
	kindTM
	kindN0
	kindN2
	kindR
)

var kinds = map[string]kind{"AN": kindAN, "ID": kindID, "DT": kindDT, "TM": kindTM, "N0": kindN0, "N2": kindN2, "R": kindR}

// CodeList is a set of allowed code values.
type CodeList struct {
	Name  string
	codes []string // in guide order
	// A list of at most four codes of up to seven bytes (most of the
	// guide's) is looked up by comparing the packed value with each: few
	// holds them, packed, padded with a value no code packs to.
	few   [4]uint64
	small bool
	// Otherwise codes of up to seven bytes are looked up packed into
	// integers (every list has some, most have nothing else), in an
	// open-addressed table of at least twice as many slots; longer ones in
	// a map.
	table []uint64 // 0: free (only the empty code packs to 0: empty says whether it is in the list)
	shift uint     // 64 less the log2 of len(table)
	empty bool
	long  map[string]struct{}
}

// Has reports whether v is in the list.
func (c *CodeList) Has(v string) bool { return has(c, v) }

// HasBytes is Has for the bytes of an element, without allocating.
func (c *CodeList) HasBytes(v []byte) bool { return has(c, v) }

// has is Has for a string or the bytes of an element, without allocating.
func has[T string | []byte](c *CodeList, v T) bool {
	if len(v) > packed.MaxLen {
		_, ok := c.long[string(v)]
		return ok
	}
	k := packed.Pack(v)
	if c.small {
		return c.hasFew(k)
	}
	return c.hasPacked(k)
}

// hasFew is hasPacked for a small list; it is inlined where elements are
// checked.
func (c *CodeList) hasFew(k uint64) bool {
	return k == c.few[0] || k == c.few[1] || k == c.few[2] || k == c.few[3]
}

func (c *CodeList) hasPacked(k uint64) bool {
	if k == 0 {
		return c.empty
	}
	mask := uint64(len(c.table) - 1)
	for h := k * 0x9E3779B97F4A7C15 >> c.shift; ; h = (h + 1) & mask {
		switch c.table[h] {
		case k:
			return true
		case 0:
			return false
		}
	}
}

// tag is a segment ID as an integer, so that placing a segment compares no
// strings. IDs are two or three bytes and start with a letter, so no two
// share a tag. Those lengths are read without the loop, which costs
// several times as much.
func tag(id string) uint32 {
	switch len(id) {
	case 2:
		return uint32(id[0])<<8 | uint32(id[1])
	case 3:
		return uint32(id[0])<<16 | uint32(id[1])<<8 | uint32(id[2])
	}
	var t uint32
	for i := 0; i < len(id) && i < 4; i++ {
		t = t<<8 | uint32(id[i])
	}
	return t
}

// SegmentDef is a segment at one position of one loop.
type SegmentDef struct {
	ID       string
	Usage    Usage
	MaxUse   int // 0: unbounded
	Elements []ElementDef
	// Notes are the X12 syntax notes of the segment (the same at every
	// place it is used).
	Notes []Note

	// relations are the notes that can be broken here without a usage
	// finding saying so first (see checkedNotes).
	relations []Note

	// key() computed once
	keyElem, keyComp int
	keyDef           *ElementDef
	// needed is one past the last required element: absent elements after
	// it need no check.
	needed int
	// checks are Elements as checkElements's loop reads them, compact so
	// that a segment's fit in a few cache lines.
	checks []check
	// noteElems are the elements the relations name: with none of them
	// present only an R note (at least one required) can be broken, and
	// notesAlways says there is one.
	noteElems   uint64
	notesAlways bool
	// num is its number among the guide's segment definitions, from 0,
	// for Machine.fine
	num int
}

// check is what checkElements needs of an element (or a component) to
// find a fine value fine without checkValue's call.
type check struct {
	codes    *CodeList
	min      uint32
	span     uint32 // Max - Min
	op       op
	required bool
}

// op says how a check settles a value.
type op uint8

const (
	opSlow      op = iota // not used: checkElement
	opText                // AN or ID: printable, of allowed length, in codes
	opNumber              // N0 or N2: digits only, as many as allowed
	opDecimal             // R: Numeric with a decimal point
	opDate                // DT
	opTime                // TM
	opComposite           // each component by its own check (ElementDef.comps)
	opPeriod              // a date in the format the element before names
)

// compile turns d into the check that settles its common case.
func compile(d *ElementDef) check {
	c := check{codes: d.Codes, min: uint32(d.Min), span: uint32(d.Max - d.Min), required: d.Usage == Required}
	switch {
	case d.Usage == NotUsed:
		return c
	case d.Components != nil:
		c.op = opComposite
		return c
	case d.period:
		c.op = opPeriod
		return c
	}
	switch d.kind {
	case kindAN, kindID:
		c.op = opText
	case kindN0, kindN2:
		c.op = opNumber
	case kindR:
		c.op = opDecimal
	case kindDT:
		c.op = opDate
	case kindTM:
		c.op = opTime
	}
	return c
}

// fine reports whether the non-empty value v of a simple element passes
// c, as checkValue would find it; false leaves the verdict to checkValue.
func (c *check) fine(v []byte, printable bool) bool {
	switch c.op {
	case opText:
		return printable && uint32(len(v))-c.min <= c.span && (c.codes == nil || has(c.codes, v))
	case opNumber, opDecimal:
		n, ok := Numeric(v, c.op == opDecimal)
		return ok && uint32(n)-c.min <= c.span && (c.codes == nil || has(c.codes, v))
	case opDate:
		_, ok := dateN(v)
		return ok
	case opTime:
		return validTime(v)
	}
	return false
}

// fineComposite reports whether the non-empty composite v, its components
// separated by sep, passes d's component checks as checkElement would
// find it: no more components than d has, each present one fine, none of
// the required ones missing.
func fineComposite(d *ElementDef, v []byte, sep byte, printable bool) bool {
	comps := d.comps
	for k := 0; k < len(comps); k++ {
		part := v
		n := indexByte(v, sep)
		if n >= 0 {
			part = v[:n]
		}
		c := &comps[k]
		if len(part) == 0 {
			if c.required {
				return false
			}
		} else if c.op == opText {
			// fine, with the lists of a few codes looked at in place
			if !printable || uint32(len(part))-c.min > c.span || c.codes != nil &&
				!(c.codes.small && len(part) <= packed.MaxLen && c.codes.hasFew(packed.Pack(part)) || has(c.codes, part)) {
				return false
			}
		} else if !c.fine(part, printable) {
			return false
		}
		if n < 0 {
			return k+1 >= d.compNeeded
		}
		v = v[n+1:]
	}
	return false
}

// key returns the element (or component) whose codes tell this segment
// apart from others with the same ID: HL03 for HL, else the first element
// (its first component when it is a composite).
func (s *SegmentDef) key() (elem, comp int, d *ElementDef) {
	if s.ID == "HL" {
		return 3, 0, &s.Elements[2]
	}
	d = &s.Elements[0]
	if d.Components != nil {
		return 1, 1, &d.Components[0]
	}
	return 1, 0, d
}

// LoopDef is a loop of the guide: its segments and child loops in TR3 order.
type LoopDef struct {
	ID       string
	Children []Child

	required []int    // indexes of the required children
	byTag    tagIndex // the children of each segment ID, for match
	num      uint32   // its number among the guide's loops, from 1, for Machine.placements
}

// tagIndex lists, for each segment ID of a loop's children, the indexes of
// the children with that ID, in order: an open-addressed table keyed by
// tag, so that placing a segment looks at its few candidates only.
type tagIndex struct {
	shift uint32    // 32 less the log2 of len(slots)
	slots []tagSlot // tag 0: free
	idx   []int32   // the runs of child indexes, one run a tag
}

type tagSlot struct {
	tag    uint32
	lo, hi int32 // idx[lo:hi]
}

func newTagIndex(tags []uint32) tagIndex {
	distinct := map[uint32][]int32{}
	var order []uint32
	for i, t := range tags {
		if distinct[t] == nil {
			order = append(order, t)
		}
		distinct[t] = append(distinct[t], int32(i))
	}
	size, bits := 4, uint32(2)
	for size < 2*len(order) {
		size, bits = 2*size, bits+1
	}
	x := tagIndex{shift: 32 - bits, slots: make([]tagSlot, size)}
	for _, t := range order {
		lo := int32(len(x.idx))
		x.idx = append(x.idx, distinct[t]...)
		h := t * 0x9E3779B1 >> x.shift
		for x.slots[h].tag != 0 {
			h = (h + 1) & uint32(size-1)
		}
		x.slots[h] = tagSlot{t, lo, int32(len(x.idx))}
	}
	return x
}

// children returns the indexes of the children whose ID has tag t.
func (x *tagIndex) children(t uint32) []int32 {
	mask := uint32(len(x.slots) - 1)
	for h := t * 0x9E3779B1 >> x.shift; ; h = (h + 1) & mask {
		s := &x.slots[h&mask]
		if s.tag == t {
			return x.idx[s.lo:s.hi]
		}
		if s.tag == 0 {
			return nil
		}
	}
}

// Child is one entry of a loop: a segment, or a child loop with the usage
// and repeat it has at this place.
type Child struct {
	Segment *SegmentDef
	Loop    *LoopDef
	Usage   Usage
	Repeat  int // loops only; 0: unbounded

	id    string // ID()
	tag   uint32 // tag(id)
	group int    // index of the first child of the same position
	keyed bool   // several segments share the position: told apart by qualifier
}

// ID is the segment ID of a segment child, or the first segment ID of a
// loop child.
func (c *Child) ID() string {
	if c.Segment != nil {
		return c.Segment.ID
	}
	return c.Loop.first().ID
}

func (l *LoopDef) first() *SegmentDef { return l.Children[0].Segment }

// Guide is an implementation guide: what its envelope carries, the
// transaction set's root loop (ST … SE without the envelope segments), and
// the generic element layout of every segment it knows.
type Guide struct {
	// Name is the guide's short name in messages, e.g. "X222A1".
	Name string
	// TransactionSet is ST01 (e.g. "837"), FunctionalID is GS01 (e.g.
	// "HC") and Version is GS08 and ST03 (e.g. "005010X222A1").
	TransactionSet, FunctionalID, Version string
	Root                                  *LoopDef
	Segments                              map[string][]ElementDef // by segment ID
	Notes                                 map[string][]Note       // syntax notes by segment ID
	Loops                                 map[string]*LoopDef

	segDefs int // how many SegmentDefs the loops have
}

// MustParse is Parse for a guide embedded in the program: an error in it
// is a bug, so it panics.
func MustParse(text string) *Guide {
	g, err := Parse(text)
	if err != nil {
		panic(err)
	}
	return g
}

type guideError struct {
	line int
	msg  string
}

func (e *guideError) Error() string { return fmt.Sprintf("guide.txt:%d: %s", e.line, e.msg) }

// Parse reads a guide written in the notation described at the top of
// x12/x222/guide.txt.
func Parse(text string) (*Guide, error) {
	g := &Guide{Segments: map[string][]ElementDef{}, Notes: map[string][]Note{}, Loops: map[string]*LoopDef{}}
	lists := map[string]*CodeList{}
	type open struct {
		indent int
		loop   *LoopDef
	}
	var stack []open
	for n, line := range strings.Split(text, "\n") {
		n++
		fail := func(format string, a ...any) (*Guide, error) {
			return nil, &guideError{n, fmt.Sprintf(format, a...)}
		}
		trimmed := strings.TrimLeft(line, " ")
		if trimmed == "" || trimmed[0] == '#' {
			continue
		}
		indent := len(line) - len(trimmed)
		f := strings.Fields(trimmed)
		switch f[0] {
		case "transaction":
			if len(f) != 5 {
				return fail("transaction needs ST01, GS01, version and name")
			}
			g.TransactionSet, g.FunctionalID, g.Version, g.Name = f[1], f[2], f[3], f[4]
			continue
		case "codes":
			if len(f) < 3 {
				return fail("codes needs a name and at least one code")
			}
			lists[f[1]] = NewCodeList(f[1], f[2:])
			continue
		case "seg":
			if len(f) < 4 {
				return fail("seg needs an ID, usages and elements")
			}
			els, err := parseElements(strings.Join(f[3:], " "))
			if err != nil {
				return fail("%s: %v", f[1], err)
			}
			if len(els) != len(f[2]) {
				return fail("%s: %d usages for %d elements", f[1], len(f[2]), len(els))
			}
			for i := range els {
				els[i].Usage = Usage(f[2][i])
			}
			g.Segments[f[1]] = els
			continue
		case "notes":
			els, ok := g.Segments[f[1]]
			if len(f) < 3 || !ok {
				return fail("notes needs a segment ID with a seg line before it and at least one note")
			}
			for _, s := range f[2:] {
				nt, err := parseNote(s, len(els))
				if err != nil {
					return fail("%s: %v", f[1], err)
				}
				g.Notes[f[1]] = append(g.Notes[f[1]], nt)
			}
			continue
		}
		for len(stack) > 0 && stack[len(stack)-1].indent >= indent {
			stack = stack[:len(stack)-1]
		}
		var parent *LoopDef
		if len(stack) > 0 {
			parent = stack[len(stack)-1].loop
		}
		switch f[0] {
		case "loop", "use":
			if len(f) != 4 {
				return fail("%s needs NAME USAGE REPEAT", f[0])
			}
			rep, err := parseRepeat(f[3])
			if err != nil {
				return fail("%v", err)
			}
			var l *LoopDef
			if f[0] == "loop" {
				l = &LoopDef{ID: f[1]}
				g.Loops[l.ID] = l
				stack = append(stack, open{indent, l})
			} else if l = g.Loops[f[1]]; l == nil {
				return fail("use of undefined loop %s", f[1])
			}
			if parent == nil {
				if g.Root != nil {
					return fail("second root loop %s", f[1])
				}
				g.Root = l
				continue
			}
			parent.Children = append(parent.Children, Child{Loop: l, Usage: Usage(f[2][0]), Repeat: rep})
		default:
			if parent == nil || len(f) < 3 {
				return fail("segment line outside a loop or without USAGE MAXUSE")
			}
			base, ok := g.Segments[f[0]]
			if !ok {
				return fail("segment %s has no seg line", f[0])
			}
			rep, err := parseRepeat(f[2])
			if err != nil {
				return fail("%v", err)
			}
			sd := &SegmentDef{ID: f[0], Usage: Usage(f[1][0]), MaxUse: rep, Elements: cloneElements(base), num: g.segDefs}
			g.segDefs++
			for _, opt := range f[3:] {
				if err := applyOption(sd, opt, lists); err != nil {
					return fail("%s %s: %v", f[0], opt, err)
				}
			}
			parent.Children = append(parent.Children, Child{Segment: sd, Usage: sd.Usage})
		}
	}
	if g.Root == nil {
		return nil, &guideError{0, "no root loop"}
	}
	if g.TransactionSet == "" {
		return nil, &guideError{0, "no transaction line"}
	}
	for id, l := range g.Loops {
		if id != g.Root.ID && (len(l.Children) == 0 || l.Children[0].Segment == nil) {
			return nil, &guideError{0, "loop " + id + " does not start with a segment"}
		}
	}
	var num uint32
	for _, l := range g.Loops {
		num++
		l.num = num
		tags := make([]uint32, len(l.Children))
		for i := range l.Children {
			c := &l.Children[i]
			c.id = c.ID()
			c.tag = tag(c.id)
			tags[i] = c.tag
			if c.Segment != nil {
				sd := c.Segment
				sd.keyElem, sd.keyComp, sd.keyDef = sd.key()
				sd.Notes = g.Notes[sd.ID]
				sd.relations = checkedNotes(sd)
				for k := range sd.Elements {
					e := &sd.Elements[k]
					if e.Usage == Required {
						sd.needed = k + 1
					}
					sd.checks = append(sd.checks, compile(e))
					for j := range e.Components {
						cd := &e.Components[j]
						if cd.Usage == Required {
							e.compNeeded = j + 1
						}
						e.comps = append(e.comps, compile(cd))
					}
				}
				for _, nt := range sd.relations {
					if nt.Kind == Required1 {
						sd.notesAlways = true
					}
					sd.noteElems |= nt.all
				}
			}
			if c.Usage == Required {
				l.required = append(l.required, i)
			}
			c.group = i
			if i > 0 && l.Children[i-1].id == c.id {
				c.group = l.Children[i-1].group
			}
		}
		l.byTag = newTagIndex(tags)
		for i := range l.Children {
			c := &l.Children[i]
			c.keyed = c.Segment != nil && ((i > 0 && l.Children[i-1].id == c.id) ||
				(i+1 < len(l.Children) && l.Children[i+1].id == c.id))
		}
	}
	return g, nil
}

// NewCodeList makes a code list of the given codes.
func NewCodeList(name string, codes []string) *CodeList {
	c := &CodeList{Name: name, codes: codes}
	var short []uint64
	for _, v := range codes {
		switch {
		case len(v) > packed.MaxLen:
			if c.long == nil {
				c.long = map[string]struct{}{}
			}
			c.long[v] = struct{}{}
		case v == "":
			c.empty = true
		default:
			short = append(short, packed.Pack(v))
		}
	}
	size, bits := 4, uint(2)
	for size < 2*len(short) {
		size, bits = 2*size, bits+1
	}
	c.table, c.shift = make([]uint64, size), 64-bits
	for _, k := range short {
		h := k * 0x9E3779B97F4A7C15 >> c.shift
		for c.table[h] != 0 && c.table[h] != k {
			h = (h + 1) & uint64(size-1)
		}
		c.table[h] = k
	}
	if c.long == nil && len(codes) <= len(c.few) {
		c.small = true
		for i := range c.few {
			c.few[i] = noCode
			if i < len(codes) {
				c.few[i] = packed.Pack(codes[i])
			}
		}
	}
	return c
}

// noCode is a value no code packs to: its top byte, the length, is above
// packed.MaxLen.
const noCode = ^uint64(0)

func parseRepeat(s string) (int, error) {
	if s == ">1" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("bad repeat %q", s)
	}
	return n, nil
}

// parseElements reads "REF/TYPE/MIN/MAX ... {REF/TYPE/MIN/MAX/U ...}".
func parseElements(s string) ([]ElementDef, error) {
	var out []ElementDef
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		if s[0] == '{' {
			end := strings.IndexByte(s, '}')
			if end < 0 {
				return nil, fmt.Errorf("unclosed composite")
			}
			comp := ElementDef{Components: []ElementDef{}}
			for _, c := range strings.Fields(s[1:end]) {
				d, err := parseElement(c, true)
				if err != nil {
					return nil, err
				}
				comp.Components = append(comp.Components, d)
			}
			out = append(out, comp)
			s = s[end+1:]
			continue
		}
		tok, rest, _ := strings.Cut(s, " ")
		d, err := parseElement(tok, false)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
		s = rest
	}
	for i := 1; i < len(out); i++ {
		out[i].period = out[i].Ref == "1251" && out[i-1].Ref == "1250"
	}
	return out, nil
}

func parseElement(s string, component bool) (ElementDef, error) {
	p := strings.Split(s, "/")
	want := 4
	if component {
		want = 5
	}
	if len(p) != want {
		return ElementDef{}, fmt.Errorf("element %q: want %d parts", s, want)
	}
	min, err1 := strconv.Atoi(p[2])
	max, err2 := strconv.Atoi(p[3])
	if err1 != nil || err2 != nil || min > max {
		return ElementDef{}, fmt.Errorf("element %q: bad length", s)
	}
	k, ok := kinds[p[1]]
	if !ok {
		return ElementDef{}, fmt.Errorf("element %q: unknown type %s", s, p[1])
	}
	d := ElementDef{Ref: p[0], Type: p[1], Min: min, Max: max, kind: k}
	if component {
		d.Usage = Usage(p[4][0])
	}
	return d, nil
}

func cloneElements(els []ElementDef) []ElementDef {
	out := make([]ElementDef, len(els))
	copy(out, els)
	for i := range out {
		if out[i].Components != nil {
			out[i].Components = append([]ElementDef(nil), out[i].Components...)
		}
	}
	return out
}

// applyOption applies "u=USAGES", "NN=CODES" or "NN.K=CODES" to sd.
func applyOption(sd *SegmentDef, opt string, lists map[string]*CodeList) error {
	name, val, ok := strings.Cut(opt, "=")
	if !ok {
		return fmt.Errorf("want NAME=VALUE")
	}
	if name == "u" {
		if len(val) != len(sd.Elements) {
			return fmt.Errorf("%d usages for %d elements", len(val), len(sd.Elements))
		}
		for i := range sd.Elements {
			sd.Elements[i].Usage = Usage(val[i])
		}
		return nil
	}
	es, cs, isComp := strings.Cut(name, ".")
	e, err := strconv.Atoi(es)
	if err != nil || e < 1 || e > len(sd.Elements) {
		return fmt.Errorf("no element %s", es)
	}
	d := &sd.Elements[e-1]
	if isComp {
		c, err := strconv.Atoi(cs)
		if err != nil || c < 1 || c > len(d.Components) {
			return fmt.Errorf("no component %s", cs)
		}
		d = &d.Components[c-1]
	} else if d.Components != nil {
		return fmt.Errorf("element %d is a composite", e)
	}
	if strings.HasPrefix(val, "@") {
		l := lists[val[1:]]
		if l == nil {
			return fmt.Errorf("no code list %s", val)
		}
		d.Codes = l
		return nil
	}
	d.Codes = NewCodeList("", strings.Split(val, ","))
	return nil
}

// Note is an X12 syntax note: a condition on which elements of one segment
// may or must be present together. A front end reports a broken one in a
// 999 as IK403 code 2 (a conditionally required element is missing) or 10
// (an exclusion is violated).
type Note struct {
	Kind     NoteKind
	Elements []int // 1-based element positions, in the note's order

	all, rest uint64 // bit e-1 for each element; rest leaves out the first
}

// NoteKind is the relation a Note states.
type NoteKind byte

// Relations of the X12 syntax notes.
const (
	Paired      NoteKind = 'P' // if any is present, all are
	Required1   NoteKind = 'R' // at least one is present
	Exclusion   NoteKind = 'E' // not more than one is present
	Conditional NoteKind = 'C' // if the first is present, all the others are
	ListCond    NoteKind = 'L' // if the first is present, at least one other is
)

// String gives the note as the standard writes it: "P0809", "L050607".
func (n Note) String() string {
	b := []byte{byte(n.Kind)}
	for _, e := range n.Elements {
		b = fmt.Appendf(b, "%02d", e)
	}
	return string(b)
}

// parseNote reads a note in the standard's notation for a segment of n
// elements.
func parseNote(s string, n int) (Note, error) {
	if len(s) < 5 || len(s)%2 == 0 || !strings.ContainsRune("PRECL", rune(s[0])) {
		return Note{}, fmt.Errorf("note %q: want P, R, E, C or L and two or more two-digit positions", s)
	}
	nt := Note{Kind: NoteKind(s[0])}
	for i := 1; i < len(s); i += 2 {
		e, err := strconv.Atoi(s[i : i+2])
		if err != nil || e < 1 || e > n || e > 64 {
			return Note{}, fmt.Errorf("note %q: no element %s", s, s[i:i+2])
		}
		bit := uint64(1) << (e - 1)
		if nt.all&bit != 0 {
			return Note{}, fmt.Errorf("note %q: element %d twice", s, e)
		}
		nt.Elements = append(nt.Elements, e)
		nt.all |= bit
		if i > 1 {
			nt.rest |= bit
		}
	}
	return nt, nil
}

// CheckedNotes are the syntax notes checked where this segment stands
// (see checkedNotes).
func (s *SegmentDef) CheckedNotes() []Note { return s.relations }

// checkedNotes picks the notes of sd worth checking where it stands. A note
// naming an element the guide does not use here is left out: that element
// present is already a finding, and the guide never asks for it. A
// required-one-of note with an element the guide requires is left out too:
// that element missing is already a finding.
func checkedNotes(sd *SegmentDef) []Note {
	var out []Note
next:
	for _, nt := range sd.Notes {
		for _, e := range nt.Elements {
			u := sd.Elements[e-1].Usage
			if u == NotUsed || (u == Required && nt.Kind == Required1) {
				continue next
			}
		}
		out = append(out, nt)
	}
	return out
}

// plainlyMet reports whether the note is met for the usual reasons, none
// of its elements present (but for a required-one-of note) or all of them
// (but for an exclusion), so that most segments need not call broken.
func (n *Note) plainlyMet(present uint64) bool {
	have := present & n.all
	return have == 0 && n.Kind != Required1 || have == n.all && n.Kind != Exclusion
}

// broken returns the elements of a note that is not met, given the set of
// present elements (bit e-1 for element e), and whether they are missing
// (IK403 2) or present where they may not be (IK403 10). It returns 0 when
// the note is met.
func (n *Note) broken(present uint64) (elems uint64, excluded bool) {
	have := present & n.all
	first := n.all &^ n.rest
	switch n.Kind {
	case Paired:
		if have != 0 && have != n.all {
			return n.all &^ have, false
		}
	case Required1:
		if have == 0 {
			return first, false
		}
	case Exclusion:
		if bits.OnesCount64(have) > 1 {
			return have &^ (have & -have), true // all but the first present
		}
	case Conditional:
		if have&first != 0 && have&n.rest != n.rest {
			return n.rest &^ have, false
		}
	case ListCond:
		if have&first != 0 && have&n.rest == 0 {
			return n.rest & -n.rest, false // the first of the others
		}
	}
	return 0, false
}
