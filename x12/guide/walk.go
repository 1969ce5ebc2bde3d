package guide

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/x12"
	"github.com/perdiem/perdiem/x12/internal/packed"
)

// push opens an instance of loop l whose first segment is the current one.
func (m *Machine) push(l *LoopDef) {
	n := len(m.stack)
	if n < cap(m.stack) {
		m.stack = m.stack[:n+1]
	} else {
		m.stack = append(m.stack, frame{})
	}
	f := &m.stack[n]
	f.loop, f.pos, f.checked = l, 0, 0
	if cap(f.counts) < len(l.Children) {
		f.counts = make([]int, len(l.Children))
	}
	f.counts = f.counts[:len(l.Children)]
	clear(f.counts)
	f.counts[0] = 1
	f.node = nil
	if !m.build {
		m.rules.Enter(m, l.ID)
		return
	}
	f.node = m.arena.loop(l.ID)
	if n > 0 {
		p := m.stack[n-1].node
		p.Loops = append(p.Loops, f.node)
	}
}

// pop closes the innermost loop, reporting required children never seen.
func (m *Machine) pop() {
	f := &m.stack[len(m.stack)-1]
	if !m.build {
		if !f.settled(len(f.loop.Children)) {
			m.missing(f, len(f.loop.Children))
		}
		m.rules.Exit(m, f.loop.ID)
	}
	m.stack = m.stack[:len(m.stack)-1]
}

// settled reports whether missing has no required child of f before index
// end left to look at, as is mostly the case: callers ask first, which
// costs less than the call.
func (f *frame) settled(end int) bool {
	req := f.loop.required
	return f.checked >= len(req) || req[f.checked] >= end
}

// missing reports required children of f before index end that never
// occurred, at the current segment (where their absence became certain).
func (m *Machine) missing(f *frame, end int) {
	from := 1
	if f.loop == m.g.Root {
		from = 0
	}
	// Required children before f.checked were looked at by an earlier
	// call: matching only moves forward, so their counts cannot have
	// changed since.
	req := f.loop.required
	k := f.checked
	for ; k < len(req) && req[k] < end; k++ {
		i := req[k]
		if i < from || f.counts[i] != 0 {
			continue
		}
		c := &f.loop.Children[i]
		f.counts[i] = -1
		var msg string
		loop := f.loop.ID
		if c.Segment != nil {
			msg = fmt.Sprintf("required segment %s missing in loop %s", c.Segment.ID, f.loop.ID)
		} else {
			first := c.Loop.first()
			_, _, kd := first.key()
			q := ""
			if kd.Codes != nil && len(kd.Codes.codes) <= 3 {
				q = " (" + first.ID + "*" + codeNames(kd.Codes) + ")"
			}
			loop = c.Loop.ID
			msg = fmt.Sprintf("required loop %s%s missing in loop %s", c.Loop.ID, q, f.loop.ID)
		}
		// The finding names the missing segment, as IK301 does, at the
		// segment where its absence became certain.
		p := m.cur.Pos()
		m.addAt(Finding{Level: LevelStructure, Segment: p.Segment, SegmentID: c.ID(), Loop: loop, Code: "3",
			Message: msg, Offset: p.Offset, Line: p.Line})
	}
	f.checked = k
}

func codeNames(c *CodeList) string {
	var b []byte
	for _, k := range c.codes {
		if len(b) > 0 {
			b = append(b, '/')
		}
		b = append(b, k...)
	}
	return string(b)
}

// walk places a segment of the transaction set in the loop tree and checks it.
func (m *Machine) walk(seg *x12.Segment) {
	t := tag(seg.ID())
	for d := len(m.stack) - 1; d >= 0; d-- {
		f := &m.stack[d]
		i := m.match(f, seg, t)
		if i < 0 {
			continue
		}
		for len(m.stack)-1 > d {
			m.pop()
		}
		f = &m.stack[d]
		if g := f.loop.Children[i].group; !m.build && !f.settled(g) {
			m.missing(f, g)
		}
		c := &f.loop.Children[i]
		f.pos = i
		if f.counts[i] < 0 {
			f.counts[i] = 0
		}
		f.counts[i]++
		if c.Segment != nil {
			if c.Segment.MaxUse > 0 && f.counts[i] > c.Segment.MaxUse {
				m.add(LevelStructure, f.loop.ID, "", "5", fmt.Sprintf("segment %s occurs more than %d times in loop %s", seg.ID(), c.Segment.MaxUse, f.loop.ID))
			}
			m.place(seg, c.Segment, f.loop.ID, f.node)
			return
		}
		if c.Repeat > 0 && f.counts[i] > c.Repeat {
			m.add(LevelStructure, c.Loop.ID, "", "4", fmt.Sprintf("loop %s occurs more than %d times in loop %s", c.Loop.ID, c.Repeat, f.loop.ID))
		}
		m.push(c.Loop)
		top := &m.stack[len(m.stack)-1]
		m.place(seg, c.Loop.first(), c.Loop.ID, top.node)
		return
	}
	top := &m.stack[len(m.stack)-1]
	if _, known := m.g.Segments[seg.ID()]; known {
		m.add(LevelStructure, top.loop.ID, "", "2", fmt.Sprintf("segment %s is not expected here (in or after loop %s)", seg.ID(), top.loop.ID))
	} else {
		m.add(LevelStructure, top.loop.ID, "", "1", fmt.Sprintf("segment %s not known in loop %s", seg.ID(), top.loop.ID))
	}
	if top.node != nil {
		m.arena.place(top.node, seg, m.setPos)
	}
}

func (m *Machine) place(seg *x12.Segment, def *SegmentDef, loop string, node *Loop) {
	if m.build {
		m.arena.place(node, seg, m.setPos)
		return
	}
	if m.fine == nil {
		m.checkElements(seg, def, loop)
	} else if f := &m.fine[def.num]; f.has(seg) {
		// layout found nothing in its text either: only spaces before it
		// are left to report
		if m.layoutDue && !m.padded {
			m.layoutDue = false
		}
	} else {
		if m.layoutDue {
			m.layout(seg, m.setPos)
		}
		n := m.elementFindings
		m.checkElements(seg, def, loop)
		if m.elementFindings == n && !m.trailing {
			f.add(seg)
		}
	}
	if m.layoutDue {
		m.layout(seg, m.setPos)
	}
	m.rules.Segment(m, seg, loop)
}

// fineSegs are the last segments at one SegmentDef whose elements
// checkElements found fine, and whose text layout found no trailing
// separators in. What they find is a function of the segment's text, its
// delimiters and the definition, and they change nothing else when they
// find nothing: a segment with the same text and delimiters is fine too.
// The segments of a file repeat (the submitter, the billing provider and
// the payer in every set, a claim's dates on every line), and comparing a
// few dozen bytes costs less than the checks; a few are kept, for the
// lines of a claim (LX*1, LX*2, …) take turns at one definition.
type fineSegs struct {
	segs [fineWays]struct {
		raw   []byte
		delim x12.Delimiters
	}
	next int // the one to replace
}

const (
	fineWays = 4
	// fineMax bounds the text kept of each, so that memory stays flat.
	fineMax = 256
)

func (f *fineSegs) has(seg *x12.Segment) bool {
	raw, d := seg.Raw(), seg.Delimiters()
	for k := range f.segs {
		if s := &f.segs[k]; bytes.Equal(s.raw, raw) && s.delim == d {
			return true
		}
	}
	return false
}

func (f *fineSegs) add(seg *x12.Segment) {
	raw := seg.Raw()
	if len(raw) > fineMax {
		return
	}
	s := &f.segs[f.next]
	s.raw, s.delim = append(s.raw[:0], raw...), seg.Delimiters()
	f.next = (f.next + 1) % fineWays
}

// placement is an answer of match, remembered: child i, in the loop
// numbered loop (LoopDef.num), for a segment with tag t from position
// start on, whose element elem (component comp when not 0) was code when
// the answer depended on it (elem 0: it did not).
type placement struct {
	loop, t    uint32
	start      int32
	i          int32
	elem, comp int32
	code       uint64
}

const placementSlots = 512

// match finds the child of f that seg (whose ID has tag t) continues with,
// searching from the position group of the last match onward, or returns -1.
func (m *Machine) match(f *frame, seg *x12.Segment, t uint32) int {
	children := f.loop.Children
	start := 1
	switch {
	case f.pos > 0:
		start = children[f.pos].group
	case f.pos < 0: // the root loop before BHT: ST is not one of its children
		start = 0
	}
	// Segments mostly come in the guide's order: when the first child
	// from start with this tag is near and a segment no other shares
	// the position with, it is the one the search below finds first.
	for i := start; i < min(start+3, len(children)); i++ {
		if c := &children[i]; c.tag == t {
			if c.Segment != nil && !c.keyed {
				return i
			}
			break
		}
	}
	// Otherwise the answer is remembered, in one of two slots.
	h := (f.loop.num*0x9E3779B1 ^ t*0x85EBCA6B ^ uint32(start)*0xC2B2AE35) % placementSlots &^ 1
	var code uint64
	var elem, comp int32 // whose code is read
	for k := range 2 {
		p := &m.placements[h+uint32(k)]
		if p.loop != f.loop.num || p.t != t || p.start != int32(start) {
			continue
		}
		if p.elem == 0 {
			return int(p.i)
		}
		if p.elem != elem || p.comp != comp {
			v, ok := keyCode(seg, int(p.elem), int(p.comp))
			if !ok {
				break
			}
			code, elem, comp = v, p.elem, p.comp
		}
		if p.code == code {
			return int(p.i)
		}
	}
	i, dep, ok := search(children, seg, t, start, f.loop)
	if !ok {
		return i
	}
	p := placement{loop: f.loop.num, t: t, start: int32(start), i: int32(i)}
	if dep != nil {
		v, ok := keyCode(seg, dep.keyElem, dep.keyComp)
		if !ok {
			return i
		}
		p.elem, p.comp, p.code = int32(dep.keyElem), int32(dep.keyComp), v
	}
	// The newer answer goes first; the older one it displaces, second.
	m.placements[h+1] = m.placements[h]
	m.placements[h] = p
	return i
}

// keyCode packs the value keyMatches reads for a segment definition whose
// key is element elem (component comp when not 0), when it is short
// enough to pack.
func keyCode(seg *x12.Segment, elem, comp int) (uint64, bool) {
	v := seg.ElementBytes(elem)
	if comp > 0 {
		v = Component(v, seg.Delimiters().Component, comp)
	}
	if len(v) > packed.MaxLen {
		return 0, false
	}
	return packed.Pack(v), true
}

// search is match past the near children: the child of loop l (its
// children) for seg from start on, or -1. When the answer depended on a
// qualifier, dep is a segment definition whose key element it is; ok is
// false when it depended on more than one element, so that it must not be
// remembered by one.
func search(children []Child, seg *x12.Segment, t uint32, start int, l *LoopDef) (i int, dep *SegmentDef, ok bool) {
	ok = true
	// matches is keyMatches, noting that the answer depends on def's key.
	matches := func(def *SegmentDef) bool {
		if def.keyDef.Codes == nil {
			return true
		}
		if dep == nil {
			dep = def
		} else if dep.keyElem != def.keyElem || dep.keyComp != def.keyComp {
			ok = false
		}
		return keyMatches(def, seg)
	}
	for _, k := range l.byTag.children(t) {
		i := int(k)
		if i < start {
			continue
		}
		c := &children[i]
		if c.Loop != nil {
			if matches(c.Loop.first()) {
				return i, dep, ok
			}
			continue
		}
		if !c.keyed {
			return i, dep, ok
		}
		// Several segments share this position: pick by qualifier, else
		// the first, so the bad qualifier is reported as a code error.
		j := i
		for ; j < len(children) && children[j].group == c.group; j++ {
			if children[j].Segment != nil && matches(children[j].Segment) {
				return j, dep, ok
			}
		}
		return i, dep, ok
	}
	return -1, dep, ok
}

func keyMatches(def *SegmentDef, seg *x12.Segment) bool {
	d := def.keyDef
	if d.Codes == nil {
		return true
	}
	v := seg.ElementBytes(def.keyElem)
	if def.keyComp > 0 {
		v = Component(v, seg.Delimiters().Component, def.keyComp)
	}
	return has(d.Codes, v)
}

// Component returns component c (1-based) of element value v.
func Component(v []byte, sep byte, c int) []byte {
	for k := 1; k < c; k++ {
		n := indexByte(v, sep)
		if n < 0 {
			return nil
		}
		v = v[n+1:]
	}
	if n := indexByte(v, sep); n >= 0 {
		v = v[:n]
	}
	return v
}

// indexByte is bytes.IndexByte for the few bytes of a composite element,
// where a plain loop beats the call into the vectorized search.
func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

// checkElements checks each element against the guide (IK4 codes).
func (m *Machine) checkElements(seg *x12.Segment, def *SegmentDef, loop string) {
	if seg.Len() > len(def.Elements) {
		id := seg.ID()
		m.elementFinding(loop, id, len(def.Elements)+1, 0, nil, "3", fmt.Sprintf("%s has %d elements, at most %d allowed", id, seg.Len(), len(def.Elements)), nil)
	}
	// When the whole segment is in the character set, so is each value.
	printable := inCharset(seg.Raw())
	var present uint64 // bit i: element i+1 has a value
	checks := def.checks[:max(min(seg.Len(), len(def.checks)), def.needed)]
	for i := range checks {
		c := &checks[i]
		v := seg.ElementBytes(i + 1)
		if len(v) == 0 {
			if c.required {
				m.elementFinding(loop, seg.ID(), i+1, 0, &def.Elements[i], "1", "required element missing", nil)
			}
			continue
		}
		present |= 1 << (uint(i) & 63) // the guide's segments have fewer than 64 elements
		// Most values are fine: settle those here, without a call.
		switch c.op {
		case opText:
			// fine, with the lists of a few codes looked at in place
			if printable && uint32(len(v))-c.min <= c.span && (c.codes == nil ||
				c.codes.small && len(v) <= packed.MaxLen && c.codes.hasFew(packed.Pack(v)) || has(c.codes, v)) {
				continue
			}
		case opComposite:
			if fineComposite(&def.Elements[i], v, seg.Delimiters().Component, printable) {
				continue
			}
		case opPeriod:
			if finePeriod(seg.ElementBytes(i), v) {
				continue
			}
		case opSlow: // not used here: checkElement reports it
		default:
			if c.fine(v, printable) {
				continue
			}
		}
		m.checkElement(seg, def, loop, i+1, v, printable)
	}
	if present&def.noteElems != 0 || def.notesAlways {
		for k := range def.relations {
			nt := &def.relations[k]
			if nt.plainlyMet(present) {
				continue
			}
			if elems, excluded := nt.broken(present); elems != 0 {
				m.checkNote(seg, def, loop, nt, present, elems, excluded)
			}
		}
	}
}

// checkElement checks the non-empty value v of element e (1-based) that
// its check did not find fine: a composite, an element not used here, or a
// value with something to report.
func (m *Machine) checkElement(seg *x12.Segment, def *SegmentDef, loop string, e int, v []byte, printable bool) {
	id := seg.ID()
	d := &def.Elements[e-1]
	if d.Usage == NotUsed {
		m.elementFinding(loop, id, e, 0, d, "10", "element is not used in this loop ("+m.g.Name+") but is present", v)
		return
	}
	if d.Components == nil {
		if d.period {
			m.checkPeriod(loop, id, e, d, seg.ElementBytes(e-1), v)
			return
		}
		if code, msg := checkValue(d, v, printable); code != "" {
			m.elementFinding(loop, id, e, 0, d, code, msg, v)
		}
		return
	}
	csep := seg.Delimiters().Component
	rest := v
	for k := 0; ; k++ {
		part := rest
		n := indexByte(rest, csep)
		if n >= 0 {
			part = rest[:n]
		}
		if k >= len(d.comps) {
			m.elementFinding(loop, id, e, k+1, d, "3", fmt.Sprintf("composite has more than %d components", len(d.Components)), v)
			return
		}
		if c := &d.comps[k]; len(part) == 0 {
			if c.required {
				m.elementFinding(loop, id, e, k+1, &d.Components[k], "1", "required component missing", nil)
			}
		} else if !c.fine(part, printable) {
			cd := &d.Components[k]
			if cd.Usage == NotUsed {
				m.elementFinding(loop, id, e, k+1, cd, "10", "component is not used in this loop ("+m.g.Name+") but is present", part)
			} else if code, msg := checkValue(cd, part, printable); code != "" {
				m.elementFinding(loop, id, e, k+1, cd, code, msg, part)
			}
		}
		if n < 0 {
			for k++; k < d.compNeeded; k++ {
				if d.comps[k].required {
					m.elementFinding(loop, id, e, k+1, &d.Components[k], "1", "required component missing", nil)
				}
			}
			return
		}
		rest = rest[n+1:]
	}
}

// checkNote reports the elements that break an X12 syntax note (elems and
// excluded, from Note.broken), each as an element finding with the IK403
// code a front end gives it.
func (m *Machine) checkNote(seg *x12.Segment, def *SegmentDef, loop string, nt *Note, present, elems uint64, excluded bool) {
	for elems != 0 {
		e := bits.TrailingZeros64(elems) + 1
		elems &= elems - 1
		d := &def.Elements[e-1]
		id := def.ID
		switch {
		case excluded:
			m.elementFinding(loop, id, e, 0, d, "10", fmt.Sprintf("%s may not be present with %s (X12 syntax note %s)", ElemName(id, e, 0), presentNames(id, nt, present, e), nt), seg.ElementBytes(e))
		case d.Usage == Required:
			// its absence is already a finding (IK403 1)
		default:
			m.elementFinding(loop, id, e, 0, d, "2", fmt.Sprintf("%s (X12 syntax note %s)", noteReason(id, e, nt, present), nt), nil)
		}
	}
}

// noteReason says why a note makes element e required.
func noteReason(id string, e int, nt *Note, present uint64) string {
	name := ElemName(id, e, 0)
	switch nt.Kind {
	case Required1:
		return "one of " + noteNames(id, nt.Elements) + " is required"
	case Paired:
		return name + " is required when " + presentNames(id, nt, present, 99) + " is present"
	case ListCond:
		return "one of " + noteNames(id, nt.Elements[1:]) + " is required when " + ElemName(id, nt.Elements[0], 0) + " is present"
	}
	return name + " is required when " + ElemName(id, nt.Elements[0], 0) + " is present"
}

// presentNames names the elements of nt present before element e.
func presentNames(id string, nt *Note, present uint64, e int) string {
	var es []int
	for _, x := range nt.Elements {
		if x < e && present&(1<<(x-1)) != 0 {
			es = append(es, x)
		}
	}
	return noteNames(id, es)
}

func noteNames(id string, es []int) string {
	var b []byte
	for i, e := range es {
		if i > 0 {
			b = append(b, '/')
		}
		b = append(b, ElemName(id, e, 0)...)
	}
	return string(b)
}

// checkPeriod checks a date or date range (DTP03, DMG02, PAT06) in the
// format its qualifier (the element before) names.
func (m *Machine) checkPeriod(loop, id string, e int, d *ElementDef, format, v []byte) {
	if !finePeriod(format, v) {
		m.elementFinding(loop, id, e, 0, d, "8", fmt.Sprintf("%q is not a valid %s date (CCYYMMDD%s)", v, format, map[bool]string{true: "-CCYYMMDD"}[string(format) == "RD8"]), v)
	}
}

// finePeriod reports whether v is a date or date range in the format
// named, or the format is none it knows (the qualifier's own code error
// is reported).
func finePeriod(format, v []byte) bool {
	switch string(format) {
	case "D8":
		_, ok := Date8(v)
		return ok
	case "RD8":
		// CCYYMMDD-CCYYMMDD: the hyphen is where Cut would find it,
		// unless the first date is bad anyway
		from, to, found := v, v, len(v) == 17 && v[8] == '-'
		if found {
			from, to = v[:8], v[9:]
		} else {
			from, to, found = bytes.Cut(v, []byte{'-'})
		}
		_, ok1 := Date8(from)
		_, ok2 := Date8(to)
		return found && ok1 && ok2
	}
	return true
}

func (m *Machine) elementFinding(loop, id string, e, c int, d *ElementDef, code, msg string, v []byte) {
	m.elementFindings++
	p := m.cur.Pos()
	f := Finding{Level: LevelElement, Segment: p.Segment, SegmentID: id, Loop: loop, Element: ElemName(id, e, c),
		Code: code, Message: msg, Offset: p.Offset, Line: p.Line, Value: string(v)}
	if d != nil {
		f.ElementRef = d.Ref
	}
	m.addAt(f)
}

// checkValue checks a non-empty simple value against its type, length and
// codes, returning the IK403 code and a message, or "" when it is fine.
// printable says v is known to be in the X12 character set.
func checkValue(d *ElementDef, v []byte, printable bool) (code, msg string) {
	n := len(v)
	switch d.kind {
	case kindDT:
		if _, ok := dateN(v); !ok {
			return "8", fmt.Sprintf("%q is not a valid date (%s)", v, map[bool]string{true: "YYMMDD", false: "CCYYMMDD"}[d.Max == 6])
		}
		return "", ""
	case kindTM:
		if !validTime(v) {
			return "9", fmt.Sprintf("%q is not a valid time (HHMM[SS[D…]])", v)
		}
		return "", ""
	case kindN0, kindN2, kindR:
		digits, ok := Numeric(v, d.kind == kindR)
		if !ok {
			return "6", fmt.Sprintf("%q is not a valid %s number", v, d.Type)
		}
		n = digits
	case kindAN, kindID:
		if printable {
			break
		}
		for _, b := range v {
			if b < 0x20 || b > 0x7E {
				return "6", fmt.Sprintf("%q has a character outside the X12 character set", v)
			}
		}
	}
	if n < d.Min {
		return "4", fmt.Sprintf("%q is shorter than %d characters", v, d.Min)
	}
	if n > d.Max {
		return "5", fmt.Sprintf("%q is longer than %d characters", v, d.Max)
	}
	if d.Codes != nil {
		if !has(d.Codes, v) {
			return "7", fmt.Sprintf("%q is not a valid code here", v)
		}
	}
	return "", ""
}

const ones, highs = 0x0101010101010101, 0x8080808080808080

// inCharset reports whether every byte of b is in 0x20 … 0x7E, eight bytes
// at a time: a byte below 0x20 borrows into its top bit when 0x20 is taken
// away, one above 0x7E reaches it when 1 is added.
func inCharset(b []byte) bool {
	if len(b) < 8 {
		for _, c := range b {
			if c < 0x20 || c > 0x7E {
				return false
			}
		}
		return true
	}
	bad := func(x uint64) bool { return ((x-0x20*ones)&^x|(x+ones)|x)&highs != 0 }
	// The last word ends at the end of b, overlapping the one before: a
	// byte looked at twice costs less than a loop over the tail.
	if bad(binary.LittleEndian.Uint64(b[len(b)-8:])) {
		return false
	}
	for ; len(b) > 8; b = b[8:] {
		if bad(binary.LittleEndian.Uint64(b)) {
			return false
		}
	}
	return true
}

// Numeric checks an N0 or R value and returns its digit count, which is
// what X12 lengths count (sign and decimal point excluded).
func Numeric(v []byte, decimal bool) (int, bool) {
	if len(v) > 0 && v[0] == '-' {
		v = v[1:]
	}
	digits, dots := 0, 0
	for _, b := range v {
		switch {
		case b >= '0' && b <= '9':
			digits++
		case b == '.' && decimal:
			dots++
		default:
			return 0, false
		}
	}
	return digits, digits > 0 && dots <= 1
}

// Date8 parses CCYYMMDD, returning it as the integer CCYYMMDD.
func Date8(v []byte) (int, bool) {
	if len(v) != 8 {
		return 0, false
	}
	return dateN(v)
}

// dateN parses CCYYMMDD or YYMMDD.
func dateN(v []byte) (int, bool) {
	var n, y, mo, d int
	switch len(v) {
	case 8:
		// Eight digits at a time: a byte below '0' borrows into its top
		// bit when '0' is taken away, one above '9' reaches it when 0x46
		// is added. Then each pair of digits is made a number, CC YY MM
		// DD in the four 16-bit lanes.
		w := binary.LittleEndian.Uint64(v)
		x := w - '0'*ones
		if (x|(w+0x46*ones)|w)&highs != 0 {
			return 0, false
		}
		x = (x*10 + x>>8) & 0x00FF00FF00FF00FF
		y, mo, d = int(x&0xFF)*100+int(x>>16&0xFF), int(x>>32&0xFF), int(x>>48)
		n = y*10000 + mo*100 + d
	case 6:
		x := 0
		for _, b := range v {
			if b < '0' || b > '9' {
				return 0, false
			}
			x = x*10 + int(b-'0')
		}
		n, y, mo, d = x, 2000+x/10000, x/100%100, x%100
	default:
		return 0, false
	}
	if mo < 1 || mo > 12 || d < 1 || d > civil.DaysIn(y, mo) {
		return 0, false
	}
	return n, true
}

func validTime(v []byte) bool {
	if len(v) < 4 || len(v) > 8 || len(v) == 5 {
		return false
	}
	for _, b := range v {
		if b < '0' || b > '9' {
			return false
		}
	}
	hh := int(v[0]-'0')*10 + int(v[1]-'0')
	mm := int(v[2]-'0')*10 + int(v[3]-'0')
	if hh > 23 || mm > 59 {
		return false
	}
	if len(v) >= 6 {
		if ss := int(v[4]-'0')*10 + int(v[5]-'0'); ss > 59 {
			return false
		}
	}
	return true
}
