// Package txset holds the envelope handling that the streaming
// transaction-set readers (x835, x214) share: reading past ISA, GS, GE and
// IEA while keeping their control numbers, skipping segments the tokenizer
// could not read and sets of another kind with a finding, and handing back
// a header that ended a set early.
package txset

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
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

// Located is what the 835 and 277CA readers' findings share: where in the
// file a problem is and what it is. Each package's Error converts to it to
// describe itself, so the message and the JSON are written once.
type Located struct {
	Pos       x12.Position
	SegmentID string
	Element   int    // 1-based; 0 when the problem concerns the whole segment
	Claim     string // the claim it is in, if any
	Err       error
}

// Kind names a sentinel error of a reader's findings.
type Kind struct {
	Name string
	Err  error
}

// KindOf names the sentinel err wraps, "other" for none of kinds.
func KindOf(err error, kinds []Kind) string {
	for _, k := range kinds {
		if errors.Is(err, k.Err) {
			return k.Name
		}
	}
	return "other"
}

// Where names the segment, or its element ("CLP02") when there is one.
func (l Located) Where() string {
	if l.Element > 0 {
		return fmt.Sprintf("%s%02d", l.SegmentID, l.Element)
	}
	return l.SegmentID
}

// Message is the finding's text, after the reader's name.
func (l Located) Message(reader string) string {
	where := ""
	if w := l.Where(); w != "" {
		where = " (" + w + ")"
	}
	return fmt.Sprintf("%s: segment %d%s at byte %d, line %d: %v", reader, l.Pos.Segment, where, l.Pos.Offset, l.Pos.Line, l.Err)
}

// JSON gives the finding with its position, kind and message.
func (l Located) JSON(kind string) ([]byte, error) {
	element := ""
	if l.Element > 0 {
		element = l.Where()
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // an element quoted as it is: "HC>12345>26"
	err := enc.Encode(struct {
		Segment   int    `json:"segment"`
		Offset    int64  `json:"offset"`
		Line      int    `json:"line"`
		SegmentID string `json:"segment_id"`
		Element   string `json:"element,omitempty"`
		Kind      string `json:"kind"`
		Claim     string `json:"claim,omitempty"`
		Message   string `json:"message"`
	}{l.Pos.Segment, l.Pos.Offset, l.Pos.Line, l.SegmentID, element, kind, l.Claim, l.Err.Error()})
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), err
}
