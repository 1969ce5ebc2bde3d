package x12

import "bytes"

// Segment is one tokenized segment. The Segment returned by Reader.Next is
// reused by the following call; use Clone to keep one.
type Segment struct {
	raw []byte
	// seps[k] is the index in raw of the k-th element separator, with
	// seps[0] = -1 and a final entry len(raw), so element i (0 = the ID) is
	// raw[seps[i]+1 : seps[i+1]].
	seps  []int
	id    string
	delim Delimiters
	pos   Position
}

// ID returns the segment identifier, e.g. "CLM".
func (s *Segment) ID() string { return s.id }

// Len returns the number of elements after the ID, as written: trailing
// empty elements count.
func (s *Segment) Len() int { return len(s.seps) - 2 }

// ElementBytes returns element i (1-based; 0 is the ID) without copying, or
// nil when the segment has fewer elements. The bytes are valid until the
// Reader's next call to Next.
func (s *Segment) ElementBytes(i int) []byte {
	if i < 0 || i+1 >= len(s.seps) {
		return nil
	}
	return s.raw[s.seps[i]+1 : s.seps[i+1]]
}

// Element returns element i (1-based; 0 is the ID), or "" when absent.
// Elements are returned as written: the fixed-width ISA elements keep their
// space padding.
func (s *Segment) Element(i int) string { return string(s.ElementBytes(i)) }

// Component returns component j (1-based) of element i, or "" when absent.
// Component(1, 2) of "HC:S9500:SH" is "S9500".
func (s *Segment) Component(i, j int) string {
	e := s.ElementBytes(i)
	if j < 1 || len(e) == 0 {
		return ""
	}
	for k := 1; k < j; k++ {
		n := bytes.IndexByte(e, s.delim.Component)
		if n < 0 {
			return ""
		}
		e = e[n+1:]
	}
	if n := bytes.IndexByte(e, s.delim.Component); n >= 0 {
		e = e[:n]
	}
	return string(e)
}

// Components splits element i at the component separator. It returns nil
// for an absent or empty element.
func (s *Segment) Components(i int) []string { return split(s.ElementBytes(i), s.delim.Component) }

// Repetitions splits element i at the repetition separator. When the
// interchange has no repetition separator, the element is its only
// repetition. It returns nil for an absent or empty element.
func (s *Segment) Repetitions(i int) []string {
	e := s.ElementBytes(i)
	if s.delim.Repetition == 0 && len(e) > 0 {
		return []string{string(e)}
	}
	return split(e, s.delim.Repetition)
}

func split(e []byte, sep byte) []string {
	if len(e) == 0 {
		return nil
	}
	out := make([]string, 0, bytes.Count(e, []byte{sep})+1)
	for {
		n := bytes.IndexByte(e, sep)
		if n < 0 {
			return append(out, string(e))
		}
		out = append(out, string(e[:n]))
		e = e[n+1:]
	}
}

// Delimiters returns the delimiters of the interchange the segment came from.
func (s *Segment) Delimiters() Delimiters { return s.delim }

// Pos returns where the segment starts in the input.
func (s *Segment) Pos() Position { return s.pos }

// Raw returns the segment text without its terminator. Like ElementBytes it
// is valid until the next call to Next.
func (s *Segment) Raw() []byte { return s.raw }

// Clone returns a copy that does not share memory with the Reader.
func (s *Segment) Clone() *Segment {
	c := *s
	c.raw = bytes.Clone(s.raw)
	c.seps = append([]int(nil), s.seps...)
	return &c
}
