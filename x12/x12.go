// Package x12 reads and writes ASC X12 interchanges (ISA … IEA) one segment at
// a time, in the manner of encoding/csv.
//
// A Reader learns the delimiters from each ISA header, tolerates line breaks
// and indentation between segments, and keeps memory flat however large the
// input is: a segment is a view into the Reader's buffer and is valid only
// until the next call to Next. Errors are *SyntaxError values that say which
// segment, byte offset and line went wrong.
//
// A Writer emits segments with a chosen set of delimiters, refuses data that
// would corrupt the interchange, and counts segments for SE01.
//
// The package knows the envelope syntax only; it does not know any
// transaction set. Element and component indexes are 1-based, as in X12
// ("CLM01" is Element(1)).
package x12

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Delimiters are the four separator characters of an interchange.
type Delimiters struct {
	Element   byte
	Component byte
	// Repetition is 0 when ISA11 is not a separator (e.g. 'U' in 4010).
	Repetition byte
	Segment    byte
}

// DefaultDelimiters are the separators most 5010 trading partners use.
var DefaultDelimiters = Delimiters{Element: '*', Component: ':', Repetition: '^', Segment: '~'}

// Validate reports whether the delimiters can be used together: each must be
// set (Repetition may be 0), distinct, and neither a letter, a digit nor a
// space, since those occur in data.
func (d Delimiters) Validate() error {
	seps := []struct {
		name string
		c    byte
	}{{"element", d.Element}, {"component", d.Component}, {"repetition", d.Repetition}, {"segment", d.Segment}}
	for i, s := range seps {
		if s.c == 0 {
			if s.name == "repetition" {
				continue
			}
			return fmt.Errorf("%w: %s separator is not set", ErrBadDelimiters, s.name)
		}
		if isAlnum(s.c) || s.c == ' ' || (s.name != "segment" && isSpace(s.c)) {
			return fmt.Errorf("%w: %s separator %s is not allowed", ErrBadDelimiters, s.name, quoteByte(s.c))
		}
		for _, t := range seps[:i] {
			if t.c == s.c {
				return fmt.Errorf("%w: %s and %s separators are both %s", ErrBadDelimiters, t.name, s.name, quoteByte(s.c))
			}
		}
	}
	return nil
}

// Composite joins the components of a composite element (SV101, HI01, …)
// with the component separator, dropping trailing empty components as X12
// requires.
func Composite(d Delimiters, parts ...string) string {
	n := len(parts)
	for n > 0 && parts[n-1] == "" {
		n--
	}
	return strings.Join(parts[:n], string(d.Component))
}

// Position locates a segment in the input.
type Position struct {
	Segment int   `json:"segment"` // 1-based count of segments in the input
	Line    int   `json:"line"`    // 1-based line where the segment starts
	Offset  int64 `json:"offset"`  // byte offset of the segment's first character
}

// Sentinel errors, wrapped in a *SyntaxError by the Reader and in a
// *WriteError by the Writer; test for them with errors.Is.
var (
	ErrNotX12           = errors.New("not X12: input does not start with an ISA segment")
	ErrBadISA           = errors.New("malformed ISA")
	ErrBadDelimiters    = errors.New("unusable delimiters")
	ErrSegmentTooLong   = errors.New("segment too long")
	ErrTooManyElements  = errors.New("too many elements")
	ErrBadSegmentID     = errors.New("bad segment ID")
	ErrUnterminated     = errors.New("last segment is not terminated")
	ErrDelimiterInData  = errors.New("data contains a delimiter")
	ErrISAElementLength = errors.New("ISA element has the wrong length")
)

// SyntaxError reports where the input stops being readable X12.
type SyntaxError struct {
	Pos       Position
	SegmentID string // "" when the segment has no readable ID
	// Raw is the start of a segment whose ID is bad (at most 20 bytes),
	// for reports that must name it.
	Raw string
	Err error
	// Resynced says the Reader skipped the bad segment and reads on
	// (Reader.Resync); otherwise the error is sticky.
	Resynced bool
}

func (e *SyntaxError) Error() string {
	id := ""
	if e.SegmentID != "" {
		id = " (" + e.SegmentID + ")"
	}
	return fmt.Sprintf("x12: segment %d%s at byte %d, line %d: %v", e.Pos.Segment, id, e.Pos.Offset, e.Pos.Line, e.Err)
}

func (e *SyntaxError) Unwrap() error { return e.Err }

// WriteError reports a segment the Writer refused to write.
type WriteError struct {
	SegmentID string
	Element   int // 1-based; 0 when the error concerns the whole segment
	Err       error
}

func (e *WriteError) Error() string {
	if e.Element == 0 {
		return fmt.Sprintf("x12: writing %s: %v", e.SegmentID, e.Err)
	}
	return fmt.Sprintf("x12: writing %s%02d: %v", e.SegmentID, e.Element, e.Err)
}

func (e *WriteError) Unwrap() error { return e.Err }

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'
}

// validID reports whether id looks like a segment identifier: two or three
// upper-case letters or digits, starting with a letter.
func validID[T string | []byte](id T) bool {
	if len(id) < 2 || len(id) > 3 || id[0] < 'A' || id[0] > 'Z' {
		return false
	}
	for i := 1; i < len(id); i++ {
		if c := id[i]; !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// ReadAll calls next until io.EOF and returns everything it gave: the
// whole-file form of the streaming readers built on this package. On an
// error it returns what was read before it.
func ReadAll[T any](next func() (T, error)) ([]T, error) {
	var out []T
	for {
		v, err := next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
}

// quoteByte quotes one byte of the input for a message: an ASCII byte as
// the character it is ('~', '\n'), any other by its value (0xC3), never as
// the Latin-1 character %q would make of it ('Ã').
func quoteByte(c byte) string {
	if c < utf8.RuneSelf {
		return strconv.QuoteRune(rune(c))
	}
	return fmt.Sprintf("0x%02X", c)
}
