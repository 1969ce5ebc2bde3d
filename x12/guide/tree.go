package guide

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/perdiem/perdiem/x12"
)

// Interchange is a parsed file: envelope segments and, inside each
// transaction set, the guide's loop tree. Composite elements keep their
// component separator; Delimiters says which it is.
type Interchange struct {
	Delimiters Delims   `json:"delimiters"`
	ISA        []string `json:"isa"`
	Groups     []*Group `json:"groups"`
	IEA        []string `json:"iea"`
}

// Delims are the interchange's separators as one-character strings.
type Delims struct {
	Element    string `json:"element"`
	Component  string `json:"component"`
	Repetition string `json:"repetition"`
	Segment    string `json:"segment"`
}

// Group is a functional group (GS … GE).
type Group struct {
	GS   []string `json:"gs"`
	Sets []*Set   `json:"sets"`
	GE   []string `json:"ge"`
}

// Set is a transaction set; Root is the guide's root loop ("ST") holding
// BHT and the loops 1000A … 2000A.
type Set struct {
	ST   []string `json:"st"`
	Root *Loop    `json:"root"`
	SE   []string `json:"se"`
}

// Loop is one loop instance: its own segments, then its child loops, as
// the guide orders them.
type Loop struct {
	ID       string     `json:"id"`
	Segments []*Segment `json:"segments"`
	Loops    []*Loop    `json:"loops,omitempty"`
}

// Segment is one segment with its elements (1-based in X12: Elements[0] is
// element 01).
type Segment struct {
	ID       string   `json:"id"`
	Elements []string `json:"elements"`
	Position int      `json:"position"` // in the transaction set, ST = 1
}

// Tree reads one interchange into the loop tree of guide g. It is
// tolerant: segments out of place stay in the loop where they occur, and
// guide violations are left to Validate. It fails on unreadable X12 or a
// second interchange. Unlike Validate it holds the whole file in memory.
func Tree(g *Guide, r io.Reader) (*Interchange, error) {
	ts, err := trees(g, r, false)
	if err != nil {
		return nil, err
	}
	return ts[0], nil
}

// Trees is Tree for a file of one or more interchanges.
func Trees(g *Guide, r io.Reader) ([]*Interchange, error) { return trees(g, r, true) }

func trees(g *Guide, r io.Reader, several bool) ([]*Interchange, error) {
	m := newMachine(g, Options{MaxFindings: 1}, true)
	m.several = several
	if err := m.run(x12.NewReader(r)); err != nil {
		return nil, err
	}
	if se := m.syntaxErr; se != nil {
		return nil, fmt.Errorf("x12/guide: segment %d at byte %d, line %d: %w", se.Pos.Segment, se.Pos.Offset, se.Pos.Line, se.Err)
	}
	if len(m.trees) == 0 {
		return nil, errors.New("x12/guide: no interchange")
	}
	return m.trees, nil
}

// Write writes the interchange back as X12 with its own delimiters, segment
// for segment as it was read: trailing empty elements are kept, and control
// counts are written as they were read, not recomputed. Within a loop, a
// segment whose position is after the first segment of a child loop (one
// out of place in the input) is written after that loop, where it was; a
// segment without a position (added by a program) goes with the loop's
// own segments, before its child loops.
func (t *Interchange) Write(w io.Writer) error {
	d := x12.Delimiters{Element: one(t.Delimiters.Element), Component: one(t.Delimiters.Component),
		Repetition: one(t.Delimiters.Repetition), Segment: one(t.Delimiters.Segment)}
	xw := x12.NewWriter(w, d)
	xw.KeepTrailing = true
	var err error
	put := func(id string, els []string) {
		if err == nil && els != nil {
			err = xw.WriteSegment(id, els...)
		}
	}
	put("ISA", t.ISA)
	for _, g := range t.Groups {
		put("GS", g.GS)
		for _, s := range g.Sets {
			put("ST", s.ST)
			if s.Root != nil {
				writeLoop(s.Root, put)
			}
			put("SE", s.SE)
		}
		put("GE", g.GE)
	}
	put("IEA", t.IEA)
	if err != nil {
		return err
	}
	return xw.Flush()
}

// writeLoop writes l's segments and child loops in input order.
func writeLoop(l *Loop, put func(string, []string)) {
	j := 0
	for _, sg := range l.Segments {
		for ; j < len(l.Loops) && sg.Position > 0 && firstPosition(l.Loops[j]) > 0 && firstPosition(l.Loops[j]) < sg.Position; j++ {
			writeLoop(l.Loops[j], put)
		}
		put(sg.ID, sg.Elements)
	}
	for ; j < len(l.Loops); j++ {
		writeLoop(l.Loops[j], put)
	}
}

func firstPosition(l *Loop) int {
	if len(l.Segments) == 0 {
		return 0
	}
	return l.Segments[0].Position
}

func one(s string) byte {
	if s == "" {
		return 0
	}
	return s[0]
}

func delimitersOf(d x12.Delimiters) Delims {
	s := func(b byte) string {
		if b == 0 {
			return ""
		}
		return string(b)
	}
	return Delims{s(d.Element), s(d.Component), s(d.Repetition), s(d.Segment)}
}

func elements(seg *x12.Segment) []string {
	return splitElements(seg, make([]string, seg.Len()))
}

// splitElements fills out (seg.Len() long) with the elements of seg, all
// cut from one string so that a segment costs one allocation for its text.
func splitElements(seg *x12.Segment, out []string) []string {
	raw := string(seg.Raw())
	sep := seg.Delimiters().Element
	for i := -1; i < len(out); i++ {
		n := strings.IndexByte(raw, sep)
		if i >= 0 {
			if n < 0 || i == len(out)-1 {
				out[i] = raw
				break
			}
			out[i] = raw[:n]
		}
		raw = raw[n+1:]
	}
	return out
}

// arena hands out the tree's loops, segments, element lists and segment
// lists from blocks, so that a segment costs about one allocation (its
// text) instead of one per element and a few more. Blocks grow with the
// tree, so a small file gets small blocks.
type arena struct {
	loops []Loop
	segs  []Segment
	elems []string
	lists []*Segment
	n     int // segments handed out
}

// take returns the next n items of *block (with capacity n, so appending
// to them cannot write into the next ones), starting a new block of at
// least size items when it runs short.
func take[T any](block *[]T, n, size int) []T {
	if len(*block) < n || *block == nil { // nil: an empty list must still be non-nil
		*block = make([]T, max(n, size))
	}
	s := (*block)[:n:n]
	*block = (*block)[n:]
	return s
}

func (a *arena) size() int { return min(max(a.n, 16), 1024) }

func (a *arena) loop(id string) *Loop {
	l := &take(&a.loops, 1, a.size()/4)[0]
	*l = Loop{ID: id, Segments: []*Segment{}}
	return l
}

// place appends seg to the segments of l.
func (a *arena) place(l *Loop, seg *x12.Segment, pos int) {
	if len(l.Segments) == cap(l.Segments) {
		grown := take(&a.lists, max(4, 2*cap(l.Segments)), 4*a.size())
		l.Segments = grown[:copy(grown, l.Segments)]
	}
	l.Segments = append(l.Segments, a.segment(seg, pos))
}

func (a *arena) segment(seg *x12.Segment, pos int) *Segment {
	a.n++
	s := &take(&a.segs, 1, a.size())[0]
	*s = Segment{ID: seg.ID(), Elements: splitElements(seg, take(&a.elems, seg.Len(), 8*a.size())), Position: pos}
	return s
}
