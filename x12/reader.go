package x12

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

const (
	// DefaultMaxSegmentSize is the longest segment a Reader accepts when
	// MaxSegmentSize is not set. Real segments are under a few hundred bytes.
	DefaultMaxSegmentSize = 1 << 20
	// MaxElements is the most elements a segment may have after its ID; the
	// largest X12 segments have a few dozen.
	MaxElements = 10000

	isaLen     = 106 // the ISA including its terminator
	minBufSize = 64 << 10
)

// isaSeps are the offsets of the 16 element separators in a fixed-width ISA.
var isaSeps = [16]int{3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// Reader reads segments from X12 input. The delimiters come from each ISA
// header, so one input may hold several interchanges with different
// delimiters. Whitespace (line breaks, indentation) between a segment
// terminator and the next segment ID is skipped, and a leading UTF-8 byte
// order mark is ignored. Line breaks are layout; spaces and tabs before a
// segment ID are not X12, and Segment.Padded tells a validator they were
// there.
//
// Memory use is bounded by the longest segment, whatever the input size.
type Reader struct {
	// MaxSegmentSize is the longest segment accepted, in bytes without the
	// terminator. A longer one is reported as ErrSegmentTooLong. Zero means
	// DefaultMaxSegmentSize.
	MaxSegmentSize int
	// Resync makes the errors about one segment (a bad segment ID, too
	// many elements, a segment longer than MaxSegmentSize) not sticky:
	// Next (or Skip) returns the *SyntaxError, with Resynced set, and the
	// following call goes on after the bad segment's terminator, so the
	// rest of the input can still be checked. The skipped segment counts in
	// segment numbers. Errors that leave nothing to resynchronise at (input
	// that is not X12, a malformed ISA, a last segment without its
	// terminator) stay sticky.
	Resync bool

	r          io.Reader
	buf        []byte
	start, end int   // unread input is buf[start:end]
	base       int64 // input offset of buf[0]
	line       int
	nseg       int
	delim      Delimiters
	started    bool // the byte order mark has been looked for
	seenISA    bool
	rerr       error // from r; reported once buffered input is used up
	err        error // sticky: every later Next returns it
	seg        Segment
	ids        idCache
	skim       bool // Skip: find the segment but do not split it
	padded     bool // spaces or tabs came before the current segment
	// The segments of a run, split in one pass when Next met the first
	// (findRun): offs holds their offsets one after another, ends[j] is
	// the index in offs of segment j's terminator, runJ the next one to
	// hand out, whose offsets start at offs[runA], runN how many there
	// are. Only Next hands them out; next ends the run.
	offs, ends       []int
	runA, runJ, runN int
	// one holds the offsets of a segment scan splits alone.
	one []int
	// lf is the index in buf of the first line feed from where one was
	// last looked for, or of the end of the input buffered then when there
	// was none: a segment that ends before it has no line feed, and most
	// inputs have none but between segments, or none at all, so one
	// search serves many segments.
	lf int
}

// NewReader returns a Reader that reads from r. It buffers its input.
func NewReader(r io.Reader) *Reader {
	return &Reader{r: r, line: 1}
}

// Resume makes r read on in the middle of an input, as the Reader that read
// it up to there would: the input from pos (where a segment, or the
// whitespace before it, begins) is data, then what src gives (nil: nothing
// more). d are the delimiters of the interchange pos is in; a zero d means
// pos is the start of the input, where a byte order mark and an ISA are
// looked for. Programs that cut an input into pieces at segment
// terminators use it to read the pieces on other goroutines, each with the
// positions it has in the whole input.
//
// When src is nil, r reads data in place and never writes to it, so the
// segments it returns are views into data. Otherwise r takes data for its
// buffer. MaxSegmentSize and Resync are kept; everything else is reset.
func (r *Reader) Resume(data []byte, src io.Reader, d Delimiters, pos Position) {
	*r = Reader{MaxSegmentSize: r.MaxSegmentSize, Resync: r.Resync, r: src, buf: data, end: len(data),
		base: pos.Offset, line: pos.Line, nseg: pos.Segment - 1, delim: d, seg: Segment{seps: r.seg.seps[:0]}, ids: r.ids,
		offs: r.offs, ends: r.ends, one: r.one}
	if d != (Delimiters{}) {
		r.started, r.seenISA = true, true
	}
	if src == nil {
		r.rerr = io.EOF
	}
}

// Delimiters returns the delimiters of the current interchange. They are
// known once Next has returned the ISA.
func (r *Reader) Delimiters() Delimiters { return r.delim }

// Next returns the next segment, or io.EOF after the last one. The Segment
// and the bytes it returns are reused by the next call. Any other error is
// returned again by every later call: a *SyntaxError for malformed input, or
// the underlying reader's error.
func (r *Reader) Next() (*Segment, error) {
	if r.err != nil {
		return nil, r.err
	}
	r.padded = false
	if r.runJ < r.runN {
		if s := r.take(); s != nil {
			return s, nil
		}
	} else if r.seenISA && r.start < r.end && (r.buf[r.start] > ' ' || r.skipSpace()) && r.buf[r.start] != 'I' {
		// Mostly a segment other than an ISA follows, and its
		// terminator is buffered, and more segments after it: split
		// them here, without next's checks for the rest.
		if s := r.run(); s != nil {
			return s, nil
		}
	}
	seg, err := r.next()
	if err != nil {
		r.sticky(err)
		return nil, err
	}
	return seg, nil
}

// sticky keeps err for every later call, unless the Reader resynchronised
// after it.
func (r *Reader) sticky(err error) {
	if se, ok := err.(*SyntaxError); !ok || !se.Resynced {
		r.err = err
	}
}

// Padded reports whether spaces or tabs stood before the segment last
// returned by Next or Skip (see Segment.Padded).
func (r *Reader) Padded() bool { return r.padded }

// skip consumes the segment at buf[start] whose terminator is n bytes on,
// after an error about it, when Resync is set; it marks the error resynced.
func (r *Reader) skip(n int, se *SyntaxError) *SyntaxError {
	if !r.Resync {
		return se
	}
	r.line += bytes.Count(r.buf[r.start:r.start+n], []byte{'\n'})
	if r.delim.Segment == '\n' {
		r.line++
	}
	r.start += n + 1
	r.nseg++
	se.Resynced = true
	return se
}

// skipLong consumes a segment longer than the limit up to and including
// its terminator, reading on as far as it goes, when Resync is set. At the
// end of the input there is no terminator to resume after, and the error
// stays sticky.
func (r *Reader) skipLong(se *SyntaxError) *SyntaxError {
	if !r.Resync {
		return se
	}
	for {
		b := r.buf[r.start:r.end]
		if i := bytes.IndexByte(b, r.delim.Segment); i >= 0 {
			return r.skip(i, se)
		}
		r.line += bytes.Count(b, []byte{'\n'})
		r.start = r.end
		if !r.fill() {
			return se
		}
	}
}

// runSegs and runOffs are how many segments and offsets a run holds at
// most; runBytes is the most bytes findRun reads for one.
const runSegs, runOffs, runBytes = 128, 1024, 2048

// run splits the segments that follow in the buffer (findRun) and returns
// the first; or the one scan splits alone when there are none.
func (r *Reader) run() *Segment {
	if r.offs == nil {
		r.offs, r.ends = make([]int, runOffs), make([]int, runSegs)
	}
	r.runA, r.runJ = 0, 0
	r.runN = findRun(r.buf[:r.end], r.start, r.delim.Element, r.delim.Segment, r.offs, r.ends)
	if r.runN > 0 {
		if s := r.take(); s != nil {
			return s
		}
		// The offsets of the segment last returned may have been in
		// those the run wrote over.
		r.seg.restore(&r.ids)
	}
	return r.scan()
}

// take hands out the next segment of the run, consuming it and its
// terminator. It returns nil, and ends the run, when the segment is longer
// than the limit or has a bad ID: next reports it.
func (r *Reader) take() *Segment {
	if r.buf[r.start] <= ' ' {
		// whitespace findRun went past, and a segment after it
		r.skipSpace()
	}
	e := r.ends[r.runJ]
	seps := r.offs[r.runA : e+1]
	n := seps[len(seps)-1]
	if n > r.limit() {
		r.runN = 0
		return nil
	}
	b := r.buf[r.start : r.start+n]
	// lookID, inlined
	var id string
	if l := seps[1]; (l == 2 || l == 3) && len(b) >= l {
		key := uint32(b[0])<<8 | uint32(b[1])
		if l == 3 {
			key = key<<8 | uint32(b[2])
		}
		if e := &r.ids.slots[key*0x9E3779B1>>25]; e.key == key && b[0] != 0 {
			id = e.id
		}
	}
	if id == "" {
		var ok bool
		if id, ok = r.ids.check(b[:seps[1]]); !ok {
			r.runN = 0
			return nil
		}
	}
	r.runA, r.runJ = e+1, r.runJ+1
	s := &r.seg
	s.raw, s.seps, s.id, s.delim, s.pos = b, seps, id, r.delim, r.here()
	return r.consume(n)
}

// lookID returns the segment ID, the first l bytes of the segment whose
// text is b, and whether it is valid. An ID of two or three bytes found in
// its first slot of the cache was valid when it was put there. Keys of two
// and three bytes differ when the first is not zero.
func (r *Reader) lookID(b []byte, l int) (string, bool) {
	if (l == 2 || l == 3) && len(b) >= l {
		key := uint32(b[0])<<8 | uint32(b[1])
		if l == 3 {
			key = key<<8 | uint32(b[2])
		}
		if e := &r.ids.slots[key*0x9E3779B1>>25]; e.key == key && b[0] != 0 {
			return e.id, true
		}
	}
	return r.ids.check(b[:l])
}

// next reads the next segment; the caller has set padded false. It ends
// the run: the segment it reads is not the run's next.
func (r *Reader) next() (*Segment, error) {
	r.runN = 0
	if !r.started {
		r.started = true
		for r.end-r.start < len(utf8BOM) && r.fill() {
		}
		if bytes.HasPrefix(r.buf[r.start:r.end], utf8BOM) {
			r.start += len(utf8BOM)
		}
	}
	// Whitespace is a byte up to ' ': mostly a segment follows at once.
	if (r.start >= r.end || r.buf[r.start] <= ' ') && !r.skipSpace() {
		if r.rerr != io.EOF {
			return nil, r.rerr
		}
		if !r.seenISA {
			return nil, &SyntaxError{Pos: r.here(), Err: fmt.Errorf("%w: the input is empty", ErrNotX12)}
		}
		return nil, io.EOF
	}
	for r.end-r.start < 4 && r.fill() {
	}
	b := r.buf[r.start:r.end]
	if len(b) >= 4 && b[0] == 'I' && b[1] == 'S' && b[2] == 'A' && !isAlnum(b[3]) {
		return r.readISA(r.here())
	}
	if !r.seenISA {
		return nil, &SyntaxError{Pos: r.here(), Err: fmt.Errorf("%w (it starts %q)", ErrNotX12, head(b, 20))}
	}
	if !r.skim {
		// Mostly the terminator is in the buffer: one pass over the
		// segment finds it and the element separators. Anything else (no
		// terminator buffered, a segment too long, too many elements, a
		// bad ID) takes the way below, which reports it.
		if s := r.scan(); s != nil {
			return s, nil
		}
	}
	limit := r.limit()
	pos := r.here()
	n := 0 // bytes after start known not to hold the terminator
	for {
		if i := bytes.IndexByte(r.buf[r.start+n:r.end], r.delim.Segment); i >= 0 {
			n += i
			break
		}
		n = r.end - r.start
		if n > limit {
			return nil, r.skipLong(r.errAt(pos, fmt.Errorf("%w: no terminator %s within %d bytes", ErrSegmentTooLong, quoteByte(r.delim.Segment), limit)))
		}
		if !r.fill() {
			if r.rerr != io.EOF {
				return nil, r.rerr
			}
			return nil, r.errAt(pos, fmt.Errorf("%w: input ends after %q, want the segment terminator %s", ErrUnterminated, tail(r.buf[r.start:r.end], 20), quoteByte(r.delim.Segment)))
		}
	}
	if n > limit {
		return nil, r.skip(n, r.errAt(pos, fmt.Errorf("%w: %d bytes, the limit is %d", ErrSegmentTooLong, n, limit)))
	}
	return r.tokenize(pos, n)
}

// Skip reads past the next segment like Next, but does not split it into
// elements: it returns the segment's ID, its text without the terminator
// and where it starts. The text is valid until the next call. Programs that
// only route segments use it (to cut an interchange into transaction sets
// that are then tokenized elsewhere with Segment.Tokenize); an ISA is still
// read whole, since it sets the delimiters. Errors are those of Next, less
// the ones only splitting finds (too many elements).
func (r *Reader) Skip() (id string, raw []byte, pos Position, err error) {
	if r.err != nil {
		return "", nil, Position{}, r.err
	}
	r.skim, r.padded = true, false
	seg, err := r.next()
	r.skim = false
	if err != nil {
		r.sticky(err)
		return "", nil, Position{}, err
	}
	return seg.id, seg.raw, seg.pos, nil
}

// skipSpace moves past whitespace, counting lines, and reports whether a
// non-space byte follows.
func (r *Reader) skipSpace() bool {
	for {
		for r.start < r.end {
			c := r.buf[r.start]
			if c == '\n' {
				r.line++
			} else if !isSpace(c) {
				return true
			} else if c != '\r' {
				r.padded = true
			}
			r.start++
		}
		if !r.fill() {
			return false
		}
	}
}

func (r *Reader) here() Position {
	return Position{Segment: r.nseg + 1, Line: r.line, Offset: r.base + int64(r.start)}
}

// errAt builds a SyntaxError for the segment starting at buf[start], naming
// its ID when the bytes before the first element separator look like one.
func (r *Reader) errAt(pos Position, err error) *SyntaxError {
	b := r.buf[r.start:r.end]
	if i := bytes.IndexByte(b[:min(len(b), 4)], r.delim.Element); i >= 0 && validID(b[:i]) {
		return &SyntaxError{Pos: pos, SegmentID: string(b[:i]), Err: err}
	}
	return &SyntaxError{Pos: pos, Err: err}
}

// readISA checks the fixed-width ISA at buf[start], takes the interchange's
// delimiters from it and returns it as a segment.
func (r *Reader) readISA(pos Position) (*Segment, error) {
	for r.end-r.start < isaLen && r.fill() {
	}
	b := r.buf[r.start:min(r.end, r.start+isaLen)]
	fail := func(format string, args ...any) (*Segment, error) {
		return nil, &SyntaxError{Pos: pos, SegmentID: "ISA", Err: fmt.Errorf("%w: "+format, append([]any{ErrBadISA}, args...)...)}
	}
	es := b[3]
	if isSpace(es) {
		return fail("the element separator (4th character) is %s; the ISA must be exactly %d characters with fixed-width elements, not padded around its separators", quoteByte(es), isaLen)
	}
	// Report the first element whose width differs from the standard one.
	p := 0
	for k, want := range isaSeps {
		i := bytes.IndexByte(b[p:], es)
		if i < 0 {
			if len(b) < isaLen {
				return fail("input ends %d bytes into the ISA; it must be %d characters", len(b), isaLen)
			}
			return fail("ISA%02d is longer than %d characters (the ISA is fixed width, %d characters)", k, want-isaSeps[k-1]-1, isaLen)
		}
		if p+i != want {
			return fail("ISA%02d is %d characters, want %d (the ISA is fixed width, %d characters)", k, p+i-isaSeps[k-1]-1, want-isaSeps[k-1]-1, isaLen)
		}
		p = want + 1
	}
	if len(b) < isaLen {
		return fail("input ends %d bytes into the ISA; it must be %d characters", len(b), isaLen)
	}
	if i := bytes.IndexByte(b[p:isaLen-1], es); i >= 0 {
		return fail("ISA16 is longer than 1 character (the ISA is fixed width, %d characters)", isaLen)
	}
	d := Delimiters{Element: es, Component: b[104], Repetition: b[82], Segment: b[105]}
	if isAlnum(d.Repetition) {
		d.Repetition = 0 // ISA11 is a standards identifier (4010 'U'), not a separator
	}
	if err := d.Validate(); err != nil {
		return nil, &SyntaxError{Pos: pos, SegmentID: "ISA", Err: fmt.Errorf("%w: %w", ErrBadISA, err)}
	}
	if i := bytes.IndexByte(b[:isaLen-1], d.Segment); i >= 0 {
		return fail("the segment terminator %s (the character after ISA16) also occurs at byte %d of the ISA", quoteByte(d.Segment), i)
	}
	r.delim = d
	r.seenISA = true
	return r.tokenize(pos, isaLen-1)
}

// limit is the longest segment accepted.
func (r *Reader) limit() int {
	if r.MaxSegmentSize <= 0 {
		return DefaultMaxSegmentSize
	}
	return r.MaxSegmentSize
}

// scanSeps is how many element offsets a Reader makes room for at first:
// a segment shorter than that has fewer separators.
const scanSeps = 512

// scan splits the segment at buf[start] into r.seg, up to the first
// terminator buffered, as Segment.tokenize does, and consumes it and its
// terminator, as consume does. It returns nil when no terminator is
// buffered, or the segment is longer than the limit, has too many elements
// or a bad ID; then r.seg is the segment it was, its offsets written again
// (Segment.restore), since scan writes over them, and next reports it.
func (r *Reader) scan() *Segment {
	s := &r.seg
	b := r.buf[r.start:r.end]
	if limit := r.limit(); len(b) > limit {
		// a terminator after the limit is not looked for
		b = b[:limit+1]
	}
	if cap(r.one) < scanSeps {
		r.one = make([]int, scanSeps)
	}
	seps := r.one[:cap(r.one)]
	n, k, i := findSeps(b[:min(len(b), len(seps)-2)], r.delim.Element, r.delim.Segment, seps)
	if n < 0 {
		if n, k, seps = r.scanRest(b, i, k, seps); n < 0 {
			return nil
		}
	}
	if k > MaxElements+1 {
		s.restore(&r.ids)
		return nil
	}
	seps[0], seps[k] = -1, n
	id, ok := r.lookID(b, seps[1])
	if !ok {
		s.restore(&r.ids)
		return nil
	}
	// scanRest's larger array is kept for the next
	r.one = seps[:cap(seps)]
	s.seps = seps[:k+1]
	s.raw, s.id, s.delim, s.pos = b[:n], id, r.delim, r.here()
	return r.consume(n)
}

// scanRest goes on with scan's search, from byte i of b, with k offsets
// found, when the terminator is not in the words findSeps looked at: in the
// bytes after the last whole word, or after as many bytes as seps had room
// for separators, in larger arrays. It returns the terminator's offset, k
// and the offsets' array; or -1 and restores r.seg.
func (r *Reader) scanRest(b []byte, i, k int, seps []int) (n int, _ int, _ []int) {
	es, term := r.delim.Element, r.delim.Segment
	for {
		w := b[:min(len(b), len(seps)-2)]
		for ; i < len(w); i++ {
			switch w[i] {
			case term:
				return i, k, seps
			case es:
				seps[k] = i
				k++
			}
		}
		if len(w) == len(b) || len(seps) >= MaxElements+3 {
			r.seg.restore(&r.ids)
			return -1, k, seps
		}
		grown := make([]int, min(2*len(seps), MaxElements+3))
		copy(grown, seps[:k])
		seps = grown
	}
}

// tokenize splits the n bytes at buf[start] into elements and consumes them
// and the terminator that follows.
func (r *Reader) tokenize(pos Position, n int) (*Segment, error) {
	raw := r.buf[r.start : r.start+n]
	s := &r.seg
	if r.skim {
		// An ID is two or three bytes: look for its end among the first
		// four before searching the whole segment.
		i := -1
		for k := range min(n, 4) {
			if raw[k] == r.delim.Element {
				i = k
				break
			}
		}
		if i < 0 {
			if i = bytes.IndexByte(raw, r.delim.Element); i < 0 {
				i = n
			}
		}
		if !validID(raw[:i]) {
			return nil, r.skip(n, badID(pos, raw, i))
		}
		s.raw, s.seps, s.id, s.delim, s.pos = raw, s.seps[:0], r.intern(raw[:i]), r.delim, pos
	} else if err := s.tokenize(raw, r.delim, pos, &r.ids); err != nil {
		if errors.Is(err, ErrTooManyElements) {
			return nil, r.skip(n, r.errAt(pos, err))
		}
		return nil, r.skip(n, err.(*SyntaxError))
	}
	return r.consume(n), nil
}

// consume moves past the segment of n bytes at buf[start], split into
// r.seg, and its terminator.
func (r *Reader) consume(n int) *Segment {
	if r.lf < r.start+n {
		r.countLines(n)
	}
	s := &r.seg
	s.padded = r.padded
	r.nseg++
	r.start += n + 1
	if r.delim.Segment == '\n' {
		r.line++
	}
	return s
}

// countLines counts the line feeds in the n bytes at buf[start], looking
// for the next one after them.
func (r *Reader) countLines(n int) {
	r.lf = r.end
	if i := bytes.IndexByte(r.buf[r.start:r.end], '\n'); i >= 0 {
		r.lf = r.start + i
	}
	if r.lf < r.start+n {
		r.line += bytes.Count(r.buf[r.start:r.start+n], []byte{'\n'})
	}
}

// intern returns id as a string without allocating for IDs seen before.
func (r *Reader) intern(id []byte) string { return r.ids.intern(id) }

// fill reads more input into the buffer, compacting or growing it when
// full. It reports whether any bytes were added.
func (r *Reader) fill() bool {
	if r.rerr != nil {
		return false
	}
	if r.end == len(r.buf) {
		if r.start > 0 {
			r.base += int64(r.start)
			r.end = copy(r.buf, r.buf[r.start:r.end])
			r.lf -= r.start
			r.start = 0
		}
		if r.end == len(r.buf) {
			nb := make([]byte, max(2*len(r.buf), minBufSize))
			copy(nb, r.buf[:r.end])
			r.buf = nb
		}
	}
	for range 100 {
		n, err := r.r.Read(r.buf[r.end:])
		r.end += n
		if err != nil {
			r.rerr = err
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	r.rerr = io.ErrNoProgress
	return false
}

func head(b []byte, n int) []byte { return b[:min(len(b), n)] }

func tail(b []byte, n int) []byte { return b[max(0, len(b)-n):] }
