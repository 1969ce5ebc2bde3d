package x12

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
)

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
	ids   *idCache // Tokenize's, made on first use
	// padded: spaces or tabs stood before the ID (Padded)
	padded bool
}

// badID is the error for a segment whose first idLen bytes of raw are not
// a segment ID.
func badID(pos Position, raw []byte, idLen int) *SyntaxError {
	return &SyntaxError{Pos: pos, Raw: string(head(raw, 20)),
		Err: fmt.Errorf("%w: %q, want 2 or 3 capital letters or digits", ErrBadSegmentID, head(raw[:idLen], 20))}
}

// Padded reports whether spaces or tabs stood between the previous
// segment's terminator and this segment's ID. Line breaks (CR, LF) there
// are layout and do not count; spaces are not allowed by X12, and a front
// end reports them. A segment made with Tokenize is not padded: the
// program that cut the input asks its Reader (Reader.Padded).
func (s *Segment) Padded() bool { return s.padded }

// Tokenize makes s the segment whose text (without its terminator) is raw,
// split with the delimiters d, as a Reader would at position pos. raw is
// kept, not copied. It reports a bad segment ID or too many elements as a
// *SyntaxError at pos. Programs that cut the input with Reader.Skip use it to
// tokenize the segments elsewhere, for instance on other goroutines.
func (s *Segment) Tokenize(raw []byte, d Delimiters, pos Position) error {
	if s.ids == nil {
		s.ids = new(idCache)
	}
	err := s.tokenize(raw, d, pos, s.ids)
	if err != nil && errors.Is(err, ErrTooManyElements) {
		se := &SyntaxError{Pos: pos, Err: err}
		if i := bytes.IndexByte(raw, d.Element); i >= 0 && validID(raw[:i]) {
			se.SegmentID = s.ids.intern(raw[:i])
		}
		err = se
	}
	return err
}

// tokenize splits raw into elements, taking the ID's string from ids.
func (s *Segment) tokenize(raw []byte, d Delimiters, pos Position, ids *idCache) error {
	es := d.Element
	seps := append(s.seps[:0], -1)
	// Eight bytes at a time: zeroBytes marks the bytes equal to the
	// separator with their top bits.
	sepAll := uint64(es) * ones
	// The limit is checked a word at a time: a word adds at most eight.
	i := 0
	for ; i+8 <= len(raw); i += 8 {
		if len(seps) > MaxElements+1 {
			return errTooMany
		}
		w := binary.LittleEndian.Uint64(raw[i:])
		for m := zeroBytes(w ^ sepAll); m != 0; m &= m - 1 {
			seps = append(seps, i+bits.TrailingZeros64(m)/8)
		}
	}
	if n := len(raw) - i; n > 0 && i > 0 {
		// The last bytes: the word that ends the segment, less the
		// bytes of it already looked at.
		w := binary.LittleEndian.Uint64(raw[len(raw)-8:])
		for m := zeroBytes(w^sepAll) >> (64 - 8*n) << (64 - 8*n); m != 0; m &= m - 1 {
			seps = append(seps, len(raw)-8+bits.TrailingZeros64(m)/8)
		}
	} else {
		for ; i < len(raw); i++ {
			if raw[i] == es {
				seps = append(seps, i)
			}
		}
	}
	if len(seps) > MaxElements+1 {
		return errTooMany
	}
	seps = append(seps, len(raw))
	id := raw[:seps[1]]
	if !validID(id) {
		return badID(pos, raw, len(id))
	}
	s.seps, s.raw, s.id, s.delim, s.pos, s.padded = seps, raw, ids.intern(id), d, pos, false
	return nil
}

// findSepsWords is findSeps eight bytes at a time, where there is no
// assembly for it: it writes the offsets of the element separators es in b
// before the first terminator term into seps from seps[1] on, and returns
// the terminator's offset and the index after the last offset written; or
// -1 when the words of b it reads have no terminator, and the offset of the
// bytes after them. It reads no more bytes than seps has room for offsets,
// less two: seps[k] is then in it.
func findSepsWords(b []byte, es, term byte, seps []int) (n, k, i int) {
	b = b[:max(min(len(b), len(seps)-2), 0)]
	sepAll, termAll := uint64(es)*ones, uint64(term)*ones
	k = 1
	for ; i < len(b)-7; i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		m := zeroBytes(w ^ sepAll)
		if t := zeroBytes(w ^ termAll); t != 0 {
			// the separators before the terminator
			for m &= t ^ (t - 1); m != 0; m &= m - 1 {
				seps[k] = i + bits.TrailingZeros64(m)>>3
				k++
			}
			return i + bits.TrailingZeros64(t)>>3, k, i
		}
		for ; m != 0; m &= m - 1 {
			seps[k] = i + bits.TrailingZeros64(m)>>3
			k++
		}
	}
	return -1, k, i
}

// findRunWords is findRun with findSepsWords, where there is no assembly
// for it.
func findRunWords(b []byte, from int, es, term byte, offs, ends []int) (nseg int) {
	end := min(len(b), from+runBytes)
	k := 0 // the index of the segment's -1
	for start := from; nseg < len(ends) && k+1 < len(offs); {
		n, j, _ := findSepsWords(b[start:end], es, term, offs[k:])
		if n < 0 {
			break
		}
		offs[k], offs[k+j] = -1, n
		ends[nseg] = k + j
		nseg++
		start += n + 1
		for start < len(b) && isSpace(b[start]) {
			start++
		}
		if start >= len(b) || b[start] <= ' ' || b[start] == 'I' {
			break
		}
		k += j + 1
	}
	return nseg
}

// restore writes s's element offsets again after scan wrote over them. A
// segment that was not split (Reader.Skip), or whose offsets were lost to
// too many elements, has none to write.
func (s *Segment) restore(ids *idCache) {
	if len(s.seps) > 0 {
		padded := s.padded
		_ = s.tokenize(s.raw, s.delim, s.pos, ids)
		s.padded = padded
	}
}

const ones, highs = 0x0101010101010101, 0x8080808080808080

// zeroBytes returns the top bit of each zero byte of w, exactly: adding
// 0x7F to a byte's low seven bits carries into its top bit unless they are
// all zero, and no byte carries into the next.
func zeroBytes(w uint64) uint64 {
	return ^((w&^highs + ^uint64(highs)) | w) & highs
}

// errTooMany is the error for a segment with more than MaxElements
// elements. On an error tokenize keeps s's ID, position, text and element
// count, so that a validator still pointing at the previous segment
// reports it under its own name; its element offsets are overwritten, so
// its elements must not be read again.
var errTooMany = fmt.Errorf("%w: more than %d", ErrTooManyElements, MaxElements)

// idCache turns segment IDs into strings without allocating for IDs seen
// before: an open-addressed table keyed by the ID's bytes, faster than a
// map for the two or three bytes of an ID. A transaction set uses a few
// dozen IDs; once the table is full, new IDs are allocated each time.
type idCache struct {
	slots [128]struct {
		key uint32
		id  string
	}
}

// check returns id as intern does when it is a valid segment ID, and
// whether it is.
func (c *idCache) check(id []byte) (string, bool) {
	if !validID(id) {
		return "", false
	}
	return c.intern(id), true
}

func (c *idCache) intern(id []byte) string {
	var k uint32
	for _, b := range id {
		k = k<<8 | uint32(b)
	}
	h := k * 0x9E3779B1 >> 25
	for range 8 {
		e := &c.slots[h]
		if e.key == k {
			return e.id
		}
		if e.key == 0 {
			e.key, e.id = k, string(id)
			return e.id
		}
		h = (h + 1) & 127
	}
	return string(id)
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
	c.ids = nil
	return &c
}
