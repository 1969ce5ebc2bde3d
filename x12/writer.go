package x12

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// isaWidths are the fixed widths of ISA01 … ISA16.
var isaWidths = [16]int{2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1}

// Writer writes segments with a fixed set of delimiters. It buffers its
// output; call Flush at the end.
type Writer struct {
	// NewlineAfterSegment adds a line feed after each segment terminator,
	// for people reading the file. Readers skip it.
	NewlineAfterSegment bool

	w     *bufio.Writer
	d     Delimiters
	derr  error
	count int

	// KeepTrailing writes trailing empty elements as given, so that a
	// segment read in is written back as it was (X12 says to drop them,
	// and WriteSegment does by default).
	KeepTrailing bool
}

// NewWriter returns a Writer that writes to w with delimiters d. Unusable
// delimiters are reported by the first WriteSegment.
func NewWriter(w io.Writer, d Delimiters) *Writer {
	return &Writer{w: bufio.NewWriter(w), d: d, derr: d.Validate()}
}

// Delimiters returns the delimiters the Writer uses.
func (w *Writer) Delimiters() Delimiters { return w.d }

// WriteSegment writes one segment. Trailing empty elements are dropped, as
// X12 requires. An element that contains the element separator or the
// segment terminator is refused with ErrDelimiterInData and nothing is
// written; component and repetition separators are allowed, since composite
// and repeated elements carry them (see Composite).
//
// The ISA is fixed width: WriteSegment("ISA", …) needs all 16 elements,
// pads ISA02, ISA04, ISA06 and ISA08 with spaces on the right, requires every
// other element at its exact width (ISA13 "000000101", not "101"), and checks
// that ISA11 and ISA16 name the Writer's repetition and component
// separators (ISA11 may be a letter such as 'U' when Repetition is 0).
func (w *Writer) WriteSegment(id string, elements ...string) error {
	if w.derr != nil {
		return &WriteError{SegmentID: id, Err: w.derr}
	}
	if !validID(id) {
		return &WriteError{SegmentID: id, Err: fmt.Errorf("%w: %q, want 2 or 3 capital letters or digits", ErrBadSegmentID, id)}
	}
	if id == "ISA" {
		return w.writeISA(elements)
	}
	n := len(elements)
	for n > 0 && elements[n-1] == "" && !w.KeepTrailing {
		n--
	}
	for i, e := range elements[:n] {
		if err := w.check(e); err != nil {
			return &WriteError{SegmentID: id, Element: i + 1, Err: err}
		}
	}
	w.w.WriteString(id)
	for _, e := range elements[:n] {
		w.w.WriteByte(w.d.Element)
		w.w.WriteString(e)
	}
	return w.end()
}

func (w *Writer) writeISA(elements []string) error {
	if len(elements) != len(isaWidths) {
		return &WriteError{SegmentID: "ISA", Err: fmt.Errorf("%w: %d elements, want 16", ErrBadISA, len(elements))}
	}
	for i, e := range elements {
		k, want := i+1, isaWidths[i]
		padded := k == 2 || k == 4 || k == 6 || k == 8
		if len(e) > want || (len(e) < want && !padded) {
			return &WriteError{SegmentID: "ISA", Element: k, Err: fmt.Errorf("%w: %q is %d characters, want %d", ErrISAElementLength, e, len(e), want)}
		}
		if err := w.check(e); err != nil {
			return &WriteError{SegmentID: "ISA", Element: k, Err: err}
		}
	}
	if r := elements[10][0]; r != w.d.Repetition && (w.d.Repetition != 0 || !isAlnum(r)) {
		return &WriteError{SegmentID: "ISA", Element: 11, Err: fmt.Errorf("%w: %s, but the repetition separator is %s", ErrBadISA, quoteByte(r), quoteByte(w.d.Repetition))}
	}
	if c := elements[15][0]; c != w.d.Component {
		return &WriteError{SegmentID: "ISA", Element: 16, Err: fmt.Errorf("%w: %s, but the component separator is %s", ErrBadISA, quoteByte(c), quoteByte(w.d.Component))}
	}
	w.w.WriteString("ISA")
	for i, e := range elements {
		w.w.WriteByte(w.d.Element)
		w.w.WriteString(e)
		for range isaWidths[i] - len(e) {
			w.w.WriteByte(' ')
		}
	}
	return w.end()
}

func (w *Writer) check(e string) error {
	for _, c := range [2]byte{w.d.Element, w.d.Segment} {
		if strings.IndexByte(e, c) >= 0 {
			name := "element separator"
			if c == w.d.Segment {
				name = "segment terminator"
			}
			return fmt.Errorf("%w: %q contains the %s %s", ErrDelimiterInData, e, name, quoteByte(c))
		}
	}
	return nil
}

func (w *Writer) end() error {
	err := w.w.WriteByte(w.d.Segment)
	if err == nil && w.NewlineAfterSegment {
		err = w.w.WriteByte('\n')
	}
	if err != nil {
		return err
	}
	w.count++
	return nil
}

// Segments returns the number of segments written since the last
// ResetCount. Call ResetCount before writing ST; SE01 is then Segments()+1.
func (w *Writer) Segments() int { return w.count }

// ResetCount restarts the segment count.
func (w *Writer) ResetCount() { w.count = 0 }

// Flush writes any buffered data to the underlying writer.
func (w *Writer) Flush() error { return w.w.Flush() }
