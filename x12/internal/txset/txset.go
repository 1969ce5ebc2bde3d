// Package txset holds the envelope handling that the streaming
// transaction-set readers (x835, x214) share: reading past ISA, GS, GE and
// IEA while keeping their control numbers, skipping segments the tokenizer
// could not read and sets of another kind with a finding, and handing back
// a header that ended a set early.
package txset

import (
	"errors"
	"io"

	"github.com/perdiem/perdiem/x12"
)

// Stream reads the segments of an interchange for a transaction-set
// reader whose findings are of type F.
type Stream[F any] struct {
	x       *x12.Reader
	pending *x12.Segment // a header that ended the previous set early
	err     error

	// ISA13, GS06 and GS08 are those of the envelope the stream is in.
	ISA13, GS06, GS08 string
	// Outside are the findings that belong to no transaction set.
	Outside []F

	skipped    func(*x12.SyntaxError) F
	outOfPlace func(*x12.Segment) F
}

// New returns a Stream over r. A segment the tokenizer cannot read is
// skipped: outside a set with the finding skipped makes of it. A segment
// other than an envelope one outside a set gets the finding outOfPlace
// makes of it.
func New[F any](r io.Reader, skipped func(*x12.SyntaxError) F, outOfPlace func(*x12.Segment) F) *Stream[F] {
	x := x12.NewReader(r)
	x.Resync = true
	return &Stream[F]{x: x, skipped: skipped, outOfPlace: outOfPlace}
}

// Resynced reports whether err is a syntax error the tokenizer got past.
func Resynced(err error) (*x12.SyntaxError, bool) {
	if err == nil {
		return nil, false
	}
	var se *x12.SyntaxError
	return se, errors.As(err, &se) && se.Resynced
}

// Segment returns the next segment: the one given back with Unread, if
// any, or the next the tokenizer reads.
func (st *Stream[F]) Segment() (*x12.Segment, error) {
	if s := st.pending; s != nil {
		st.pending = nil
		return s, nil
	}
	return st.x.Next()
}

// Unread gives s back, to be returned by the next call to Segment: a
// header that ended a set early.
func (st *Stream[F]) Unread(s *x12.Segment) { st.pending = s }

// Header reads up to the next ST and returns it, keeping the envelope's
// control numbers on the way and adding a finding to Outside for each
// unreadable or out-of-place segment. It returns io.EOF at the end of the
// input.
func (st *Stream[F]) Header() (*x12.Segment, error) {
	for {
		s, err := st.Segment()
		if se, ok := Resynced(err); ok {
			st.Outside = append(st.Outside, st.skipped(se))
			continue
		}
		if err != nil {
			return nil, err
		}
		switch s.ID() {
		case "ISA":
			st.ISA13, st.GS06, st.GS08 = s.Element(13), "", ""
		case "GS":
			st.GS06, st.GS08 = s.Element(6), s.Element(8)
		case "GE", "IEA":
		case "ST":
			return s, nil
		default:
			st.Outside = append(st.Outside, st.outOfPlace(s))
		}
	}
}

// SkipSet reads past a transaction set the reader does not read, up to
// its SE or to a header that ends it early.
func (st *Stream[F]) SkipSet() error {
	for {
		s, err := st.Segment()
		if _, ok := Resynced(err); ok {
			continue
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch s.ID() {
		case "SE":
			return nil
		case "ST", "GE", "GS", "IEA", "ISA":
			st.pending = s
			return nil
		}
	}
}

// Next calls next unless an earlier call failed, and keeps its error:
// once next returns an error (io.EOF included), every later call returns
// it again.
func Next[T, F any](st *Stream[F], next func() (T, error)) (T, error) {
	if st.err != nil {
		var zero T
		return zero, st.err
	}
	v, err := next()
	if err != nil {
		st.err = err
	}
	return v, err
}
