package guide

import (
	"bytes"
	"errors"
	"io"

	"github.com/perdiem/perdiem/x12"
)

// Checking in parallel: one goroutine cuts the input into chunks of whole
// segments, worker goroutines tokenize the chunks and walk their
// transaction sets, and the calling goroutine does the envelope part,
// taking the chunks back in input order. Transaction sets are independent,
// so a worker needs nothing from the others: a set that does not fit in one
// chunk goes on in the next chunk of the same worker.
//
// The splitter cuts the input's bytes (cut): it looks at each segment's
// first bytes only, for an SE to cut after (so the next chunk may go to
// another worker) and an ISA to cut before (where the delimiters may
// change), and counts terminators and line breaks for the positions the
// next chunk starts at; the worker reads the chunk with an x12.Reader
// resumed there, so each byte is tokenized once, on a worker. Input it
// cannot cut that way (a segment terminator that is a space character or
// not ASCII, a segment longer than a few chunks, a malformed ISA) goes on
// through an x12.Reader in the splitter (splitSegments), which finds each
// segment with Reader.Skip and hands its text on.
//
// A worker hands a chunk's input back to the splitter as soon as it is
// done with it, keeping copies of the few segments the envelope part needs
// (those outside sets, and the last one read): so the input in flight stays
// bounded, while the splitter gets on past a set of thousands of claims that
// one worker walks, and gives the next sets to the others.

const (
	// defaultChunkSize is the input a chunk holds, give or take a segment.
	defaultChunkSize = 128 << 10
	// maxCut is the most input cut keeps for a chunk while it looks for
	// a segment's end; a longer segment goes to splitSegments, whose
	// Reader reports one longer than x12.DefaultMaxSegmentSize.
	maxCut = 512 << 10
	// chunksInFlight bounds the chunks split and not yet taken back in
	// order: a chunk whose input is handed back holds only its results, so
	// the splitter can run past a set of a few thousand claims that one
	// worker walks, and give the sets after it to the others. The results
	// waiting are those of at most as many chunks' worth of input.
	chunksInFlight = 64
	maxWorkers     = 64
)

// These are variables so that tests can cut small inputs into many chunks
// and hold the splitter back.
var (
	chunkSize = defaultChunkSize
	// buffersInFlight bounds memory: 2 MiB of input, read ahead of the
	// workers.
	buffersInFlight = 16
	// setsInFlight bounds the transaction sets begun and not yet taken
	// back in order by splitSegments, whose results (findings, claim keys)
	// wait in their chunks: about as many as 16 chunks of one-claim sets
	// hold. cut bounds them by chunksInFlight.
	setsInFlight = 2048
)

// chunk is a run of segments: the input's bytes from first on (whole), in
// an interchange with delimiters d (zero: the start of the input), or the
// segments splitSegments copied out of its Reader's buffer (segs).
type chunk struct {
	buf    *chunkBuf // data and segs, until the worker hands them back
	data   []byte
	whole  bool
	d      x12.Delimiters
	segs   []segRef
	delims []delimAt          // at least one, from segment 0
	first  x12.Position       // where data starts; of segs[0]: segment number, line and offset bases
	nST    int                // STs in the chunk: tokens of setsInFlight
	end    error              // after the last segment: io.EOF, a read or syntax error, or nil (more follows)
	bad    []*x12.SyntaxError // the segments the Reader skipped (segRef.bad), in order

	// filled in by the worker
	events   []event
	good     int // segments tokenized or skipped
	lastGood int // index of the last segment tokenized (in kept once the worker is done), -1: none
	done     chan struct{}

	// copies of the segments the envelope part needs, made when the
	// worker hands the input back: event.seg and lastGood index kept
	keep []byte
	kept []keptSeg
}

// chunkBuf is the input of a chunk, reused.
type chunkBuf struct {
	data []byte
	segs []segRef
}

// keptSeg is a segment copied into chunk.keep: its text is keep[start:end].
type keptSeg struct {
	start, end int
	d          x12.Delimiters
	pos        x12.Position
	padded     bool
}

// segRef is one segment of a chunk: its text runs from start to the next
// segment's start (or the end of data), and its position is the chunk's
// first one moved on by line and offset deltas. Sixteen bytes: a chunk
// holds thousands.
type segRef struct {
	start  int32
	line   int32
	offset int32
	padded bool // spaces before the ID (x12.Reader.Padded)
	bad    bool // the Reader skipped it: the next of chunk.bad
}

// delimAt says the segments of a chunk from at on use d: the delimiters
// change at an ISA.
type delimAt struct {
	at int
	d  x12.Delimiters
}

// event is something the envelope part must do, in order.
type event struct {
	kind   eventKind
	seg    int // evSegment: index in segs; evSyntax, evEnd: the last good segment, -1 when before the chunk
	set    *closedSet
	syntax *x12.SyntaxError
	inSet  bool
	f      *Finding // evSyntax: the finding of the syntax error
	err    error
}

type eventKind uint8

const (
	evSegment eventKind = iota // an envelope segment
	evSet                      // a set closed
	evSyntax                   // the input stops being X12 here
	evEnd                      // the input ends
	evError                    // reading failed
	evSkipped                  // the Reader skipped a segment outside a set
)

func (c *chunk) pos(i int) x12.Position {
	r := &c.segs[i]
	return x12.Position{Segment: c.first.Segment + i, Line: c.first.Line + int(r.line), Offset: c.first.Offset + int64(r.offset)}
}

// text returns segment i's text and delimiters.
func (c *chunk) text(i int) ([]byte, x12.Delimiters) {
	r := &c.segs[i]
	stop := len(c.data)
	if i+1 < len(c.segs) {
		stop = int(c.segs[i+1].start)
	}
	k := len(c.delims) - 1
	for c.delims[k].at > i {
		k--
	}
	return c.data[r.start:stop], c.delims[k].d
}

func (c *chunk) tokenize(seg *x12.Segment, i int) error {
	raw, d := c.text(i)
	return seg.Tokenize(raw, d, c.pos(i))
}

// keepSeg copies segment i into c.keep and returns its index in c.kept.
func (c *chunk) keepSeg(i int) int {
	raw, d := c.text(i)
	return c.keepText(raw, d, c.pos(i), c.segs[i].padded)
}

// keepText copies a segment's text into c.keep and returns its index in
// c.kept.
func (c *chunk) keepText(raw []byte, d x12.Delimiters, pos x12.Position, padded bool) int {
	start := len(c.keep)
	c.keep = append(c.keep, raw...)
	c.kept = append(c.kept, keptSeg{start: start, end: len(c.keep), d: d, pos: pos, padded: padded})
	return len(c.kept) - 1
}

// tokenizeKept tokenizes kept segment k for the envelope part. The worker
// tokenized it without error, so it does again.
func (c *chunk) tokenizeKept(seg *x12.Segment, k int) {
	s := &c.kept[k]
	_ = seg.Tokenize(c.keep[s.start:s.end], s.d, s.pos)
}

// release copies what the envelope part needs out of the chunk's input and
// hands the input back to the splitter.
func (c *chunk) release(bufs chan<- *chunkBuf) {
	if c.whole {
		// the worker kept them as it read
		c.buf.data = c.data[:0]
		bufs <- c.buf
		c.buf, c.data = nil, nil
		return
	}
	c.keep, c.kept = c.keep[:0], c.kept[:0]
	for k := range c.events {
		ev := &c.events[k]
		switch ev.kind {
		case evSegment, evSyntax, evEnd:
			if ev.seg >= 0 {
				ev.seg = c.keepSeg(ev.seg)
			}
		}
	}
	if c.lastGood >= 0 {
		c.lastGood = c.keepSeg(c.lastGood)
	}
	c.buf.data, c.buf.segs = c.data, c.segs
	bufs <- c.buf
	c.buf, c.data, c.segs = nil, nil, nil
}

// parallel is Validate with workers goroutines checking transaction sets.
func (m *Machine) parallel(r io.Reader, rules func() Rules, workers int) error {
	free := make(chan *chunk, chunksInFlight)
	for range chunksInFlight {
		free <- &chunk{done: make(chan struct{}, 1)}
	}
	bufs := make(chan *chunkBuf, buffersInFlight)
	for range buffersInFlight {
		bufs <- &chunkBuf{}
	}
	tokens := make(chan struct{}, setsInFlight)
	order := make(chan *chunk, chunksInFlight)
	queues := make([]chan *chunk, workers)
	quit := make(chan struct{})
	for i := range queues {
		queues[i] = make(chan *chunk, chunksInFlight)
		w := newMachine(m.g, m.opt, false)
		w.rules = rules()
		go w.work(queues[i], bufs)
	}
	sp := &splitter{free: free, bufs: bufs, tokens: tokens, order: order, queues: queues, quit: quit}
	go sp.cut(r)

	stop := func(err error) error {
		close(quit)
		for range order {
		}
		return err
	}
	var seg, last x12.Segment
	haveLast := false
	for c := range order {
		<-c.done
		for _, ev := range c.events {
			switch ev.kind {
			case evSegment:
				c.tokenizeKept(&seg, ev.seg)
				m.cur = &seg
				m.padded = c.kept[ev.seg].padded
				m.segment(&seg)
			case evSkipped:
				m.resynced(ev.syntax)
			case evSet:
				m.setClosed(ev.set)
			case evSyntax, evEnd:
				if ev.seg >= 0 {
					c.tokenizeKept(&seg, ev.seg)
					m.cur = &seg
				} else if haveLast {
					m.cur = &last
				}
				m.rep.Segments += c.good
				c.good = 0
				if ev.kind == evEnd {
					m.eof()
				} else if m.rep.Segments == 0 {
					return stop(ev.syntax)
				} else {
					m.syntaxEnd(ev.syntax, *ev.f, ev.inSet)
				}
				return stop(m.err)
			case evError:
				return stop(ev.err)
			}
			if m.err != nil {
				return stop(m.err)
			}
		}
		m.rep.Segments += c.good
		if c.lastGood >= 0 {
			c.tokenizeKept(&seg, c.lastGood)
			last = *seg.Clone()
			haveLast = true
		}
		for range c.nST {
			<-tokens
		}
		// The chunk waits in free with its slices kept for reuse: what
		// they point to (sets' results, errors) must not stay alive.
		clear(c.events)
		clear(c.bad)
		free <- c
	}
	return nil
}

// splitter cuts the input into chunks for the workers and lists them, in
// order, for the envelope part. It ends at the end of the input, at the
// first error, or when quit closes.
type splitter struct {
	free   chan *chunk
	bufs   chan *chunkBuf
	tokens chan<- struct{}
	order  chan<- *chunk
	queues []chan *chunk
	quit   <-chan struct{}
	w      int // the worker the next chunk goes to
}

// take returns a free chunk and a buffer for its input, or false when quit
// closes.
func (s *splitter) take() (*chunk, bool) {
	var c *chunk
	select {
	case c = <-s.free:
	case <-s.quit:
		return nil, false
	}
	select {
	case c.buf = <-s.bufs:
	case <-s.quit:
		return nil, false
	}
	if c.buf.data == nil {
		// room for a chunk and a typical last segment, so that
		// filling it copies nothing twice
		c.buf.data = make([]byte, 0, chunkSize+4<<10)
	}
	c.events, c.good, c.lastGood, c.end, c.bad, c.nST = c.events[:0], 0, -1, nil, c.bad[:0], 0
	c.keep, c.kept = c.keep[:0], c.kept[:0]
	return c, true
}

// send hands c to worker s.w and lists it for the envelope part; then,
// unless a set goes on in the next chunk (cont), the next worker's turn.
func (s *splitter) send(c *chunk, cont bool) bool {
	select {
	case s.queues[s.w] <- c:
	case <-s.quit:
		return false
	}
	select {
	case s.order <- c:
	case <-s.quit:
		return false
	}
	if !cont {
		s.w = (s.w + 1) % len(s.queues)
	}
	return true
}

func (s *splitter) close() {
	close(s.order)
	for _, q := range s.queues {
		close(q)
	}
}

// cut cuts the input's bytes into chunks: after the last SE of what a
// chunk's worth of input holds, so that the next chunk may go to another
// worker, or else after its last segment terminator, the set going on in
// the same worker's next chunk; and before an ISA, whose delimiters the
// chunk after it is cut with. The positions a chunk starts at are counted:
// segments by their terminators, lines by their line breaks.
func (s *splitter) cut(src io.Reader) {
	defer s.close()
	var (
		carry []byte
		d     x12.Delimiters // at the cut; zero at the start of the input
		pos   = x12.Position{Segment: 1, Line: 1}
		rerr  error // from src, once met
		cont  bool  // a set may go on past the last cut
	)
	for {
		c, ok := s.take()
		if !ok {
			return
		}
		data := append(c.buf.data[:0], carry...)
		zeros := 0
		// fill reads into data until it holds goal bytes or the input
		// ends (or fails, or reads nothing a hundred times), growing data
		// as needed.
		fill := func(goal int) {
			for rerr == nil && len(data) < goal {
				if len(data) == cap(data) {
					data = append(data, make([]byte, min(goal-len(data), 64<<10))...)[:len(data)]
				}
				n, err := src.Read(data[len(data):min(cap(data), goal)])
				data = data[:len(data)+n]
				if err != nil {
					rerr = err
				} else if n == 0 {
					if zeros++; zeros == 100 {
						rerr = io.ErrNoProgress
					}
				}
			}
		}
	read:
		// Read a chunk's worth, and on while the chunk cannot be cut.
		fill(chunkSize)
		eof := rerr != nil
		// The first segment: past a byte order mark at the start of the
		// input, and past whitespace.
		first := 0
		if d == (x12.Delimiters{}) && bytes.HasPrefix(data, utf8BOM) {
			first = len(utf8BOM)
		}
		for first < len(data) && isSpace(data[first]) {
			first++
		}
		more := func() bool { // read on, when there is more to read and room
			if eof || len(data) >= maxCut {
				return false
			}
			fill(len(data) + max(chunkSize, isaLen, len(data)))
			eof = rerr != nil
			return true
		}
		// An ISA at the start sets the delimiters the chunk is cut with.
		cd := d
		isa := first < len(data) && startsISA(data[first:])
		if d == (x12.Delimiters{}) || isa {
			if len(data)-first < isaLen && more() {
				goto read
			}
			if !isa {
				s.fallback(c, data, 0, src, rerr, d, pos, cont)
				return
			}
			nd, ok := isaDelimiters(data[first:])
			if !ok || nd.Segment >= 0x80 || isSpace(nd.Segment) {
				// read on as a Reader does, reporting it
				s.fallback(c, data, 0, src, rerr, d, pos, cont)
				return
			}
			cd = nd
		}
		term, es := cd.Segment, cd.Element
		from := first // past the ISA that sets the delimiters
		if isa {
			from = first + isaLen
		}
		sc := scanSegments(data, first, from, term, es)
		var end int // the cut
		final := false
		switch {
		case sc.isaAt >= 0:
			end, cont = sc.isaAt, true
		case eof:
			end, final = len(data), true
			if rerr != io.EOF {
				end = sc.next // what the Reader reads before it meets the error
			}
		case sc.next == first:
			// not one whole segment: read on
			if more() {
				goto read
			}
			s.fallback(c, data, 0, src, rerr, d, pos, cont)
			return
		case sc.lastSE > 0 && bytes.Count(data[sc.seStart:sc.lastSE], []byte{es}) <= x12.MaxElements:
			end, cont = sc.lastSE, false
		default:
			end, cont = sc.next, true
		}
		c.buf.data = data
		c.data, c.whole, c.d, c.first = data[:end], true, d, pos
		if final {
			c.end = rerr
		}
		pos.Segment += bytes.Count(c.data, []byte{term})
		pos.Line += bytes.Count(c.data, []byte{'\n'})
		pos.Offset += int64(end)
		d = cd
		carry = append(carry[:0], data[end:]...)
		if !s.send(c, cont) || final {
			return
		}
	}
}

// segScan is what cut needs of a chunk's segments.
type segScan struct {
	next    int // past the last segment's terminator, or isaAt
	lastSE  int // past the terminator of the last SE before isaAt; -1: none
	seStart int // where that SE begins
	isaAt   int // where the first ISA after first begins, padding included; -1: none
}

// scanSegments reads the segments of data from the one at from on: the
// last whole one, the last SE and the first ISA after first, where the
// first segment of data begins. A segment begins past padding after each
// terminator (term, not a space: cut leaves those to splitSegments).
//
// Walking segment by segment (scanEach) costs an IndexByte call for each
// segment, of twenty or thirty bytes. Both IDs hold an S, which is one
// byte in sixty of a claim: so it calls IndexByte for each S instead, and
// looks about it for the rest of the ID and back past padding for a
// terminator. An S counts only before the last terminator, found first:
// a segment without its terminator is not read yet.
func scanSegments(data []byte, first, from int, term, es byte) segScan {
	if isAlnum(term) {
		// The bytes about an S of an ID may be terminators.
		return scanEach(data, first, from, term, es)
	}
	last := lastIndexByte(data[from:], term)
	if last < 0 {
		return segScan{next: from, lastSE: -1, isaAt: -1}
	}
	last += from
	sc := segScan{next: last + 1, lastSE: -1, isaAt: -1}
	se := -1
	// Each S costs a call, where the walk makes one a segment: where S is
	// more common than one byte in eight, the walk is cheaper.
	budget := 256
	ids := data[:last]
scan:
	for i := from; ; i++ {
		k := bytes.IndexByte(ids[i:], 'S')
		if k < 0 {
			break
		}
		if budget += k - 7; budget < 0 {
			return scanEach(data, first, from, term, es)
		}
		i += k
		// data[i+1] is not the last terminator, nor is data[i+2] when
		// data[i+1] is a letter.
		switch data[i+1] {
		case 'E':
			if c := data[i+2]; c == es || c == term {
				if _, ok := segStart(data, from, i, term); ok {
					se = i
				}
			}
		case 'A':
			if i-1 > first && i-1 >= from && data[i-1] == 'I' && !isAlnum(data[i+2]) {
				if p, ok := segStart(data, from, i-1, term); ok {
					sc.next, sc.isaAt = p, p
					break scan // the SEs after it do not count
				}
			}
		}
	}
	if se >= 0 {
		sc.lastSE, sc.seStart = se+bytes.IndexByte(data[se:], term)+1, se
	}
	return sc
}

// segStart reports whether a segment begins at q, a byte that is not a
// space, and where that segment's padding begins.
func segStart(data []byte, from, q int, term byte) (int, bool) {
	j := q - 1
	for j >= from && isSpace(data[j]) {
		j--
	}
	if j < from {
		return from, true
	}
	return j + 1, data[j] == term
}

// scanEach is scanSegments segment by segment.
func scanEach(data []byte, first, from int, term, es byte) segScan {
	p, next := from, from // next: past the last terminator
	sc := segScan{lastSE: -1, isaAt: -1}
	for p < len(data) {
		q := p
		for q < len(data) && isSpace(data[q]) {
			q++
		}
		k := bytes.IndexByte(data[q:], term)
		if k < 0 {
			break
		}
		if q > first && startsISA(data[q:]) {
			sc.isaAt = p
			break
		}
		if k >= 2 && data[q] == 'S' && data[q+1] == 'E' && (k == 2 || data[q+2] == es) {
			sc.lastSE, sc.seStart = q+k+1, q
		}
		p = q + k + 1
		next = p
	}
	sc.next = next
	return sc
}

// lastIndexByte is bytes.LastIndexByte, which looks at a byte at a time,
// for a c most likely near the end of b: a window at a time from the end,
// by IndexByte, and a byte at a time only in the window that holds it.
func lastIndexByte(b []byte, c byte) int {
	const window = 256
	for hi := len(b); hi > 0; hi -= window {
		lo := max(hi-window, 0)
		if bytes.IndexByte(b[lo:hi], c) >= 0 {
			return lo + bytes.LastIndexByte(b[lo:hi], c)
		}
	}
	return -1
}

// fallback reads the rest of the input, data[from:] then src (which
// failed with rerr when not nil), with an x12.Reader that resumes at pos,
// handing c and its buffer back.
func (s *splitter) fallback(c *chunk, data []byte, from int, src io.Reader, rerr error, d x12.Delimiters, pos x12.Position, inSet bool) {
	rest := bytes.Clone(data[from:])
	c.buf.data = data[:0]
	s.bufs <- c.buf
	c.buf = nil
	s.free <- c
	if rerr != nil {
		src = errReader{rerr}
	}
	var r x12.Reader
	r.Resync = true
	r.Resume(rest, src, d, pos)
	s.splitSegments(&r, inSet)
}

// errReader is a reader that has failed.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

const isaLen = 106 // the ISA and its terminator

// startsISA reports whether a segment that begins b is an ISA, as
// x12.Reader decides it.
func startsISA(b []byte) bool {
	return len(b) >= 4 && b[0] == 'I' && b[1] == 'S' && b[2] == 'A' && !isAlnum(b[3])
}

// isaDelimiters reads the ISA that begins b, reporting whether an
// x12.Reader reads it without error, and its delimiters.
func isaDelimiters(b []byte) (x12.Delimiters, bool) {
	var r x12.Reader
	r.Resume(b[:min(len(b), isaLen)], nil, x12.Delimiters{}, x12.Position{Segment: 1, Line: 1})
	if _, err := r.Next(); err != nil {
		return x12.Delimiters{}, false
	}
	return r.Delimiters(), true
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

// splitSegments cuts the rest of what r reads into chunks of segments
// found with Reader.Skip. inSet says a set goes on in the worker of the
// last chunk.
func (s *splitter) splitSegments(r *x12.Reader, inSet bool) {
	var c *chunk
	for {
		id, raw, pos, err := r.Skip()
		se, skipped := err.(*x12.SyntaxError)
		if skipped = skipped && se.Resynced; skipped {
			pos = se.Pos // a chunk's positions count from its first segment, read or skipped
		}
		if err == nil && bounds(id) && bytes.Count(raw, []byte{r.Delimiters().Element}) > x12.MaxElements {
			// The worker will skip it (too many elements, which Skip
			// does not find): it neither begins nor ends a set.
			id = ""
		}
		// A set begins: take a token, or when there is none, send what
		// is split so far, so that the sets holding the tokens can be
		// taken back, and wait for one.
		wait := false
		if id == "ST" && err == nil {
			select {
			case s.tokens <- struct{}{}:
			default:
				wait = true
			}
		}
		if c != nil && err == nil && (wait || len(c.data) >= chunkSize || pos.Offset-c.first.Offset >= 1<<30 || pos.Line-c.first.Line >= 1<<30) {
			// A set that goes on stays with its worker; the next one
			// may go to another.
			if !s.send(c, inSet) {
				return
			}
			c = nil
		}
		if wait {
			select {
			case s.tokens <- struct{}{}:
			case <-s.quit:
				return
			}
		}
		if c == nil {
			var ok bool
			if c, ok = s.take(); !ok {
				return
			}
			if c.buf.segs == nil {
				c.buf.segs = make([]segRef, 0, chunkSize/24)
			}
			c.data, c.segs, c.whole = c.buf.data[:0], c.buf.segs[:0], false
			c.delims = append(c.delims[:0], delimAt{0, r.Delimiters()})
			c.first = pos
		}
		if skipped {
			c.segs = append(c.segs, segRef{start: int32(len(c.data)),
				line: int32(se.Pos.Line - c.first.Line), offset: int32(se.Pos.Offset - c.first.Offset),
				padded: r.Padded(), bad: true})
			c.bad = append(c.bad, se)
			continue
		}
		if err != nil {
			c.end = err
			s.send(c, inSet)
			return
		}
		if id == "ISA" {
			c.delims = append(c.delims, delimAt{len(c.segs), r.Delimiters()})
		}
		c.segs = append(c.segs, segRef{start: int32(len(c.data)),
			line: int32(pos.Line - c.first.Line), offset: int32(pos.Offset - c.first.Offset), padded: r.Padded()})
		c.data = append(c.data, raw...)
		switch id {
		case "ST":
			inSet = true
			c.nST++
		case "SE", "ISA", "IEA", "GS", "GE":
			inSet = false
		}
	}
}

// bounds reports whether a segment ID begins or ends a transaction set for
// the splitter, leaving out the ISA (read whole, with fixed widths).
func bounds(id string) bool {
	switch id {
	case "ST", "SE", "GS", "GE", "IEA":
		return true
	}
	return false
}

// work is a worker: the set part of the machine, over the chunks of its
// queue.
func (m *Machine) work(q <-chan *chunk, bufs chan<- *chunkBuf) {
	var seg x12.Segment
	var r x12.Reader
	r.Resync = true
	m.closed = func(c *closedSet) { m.events = append(m.events, event{kind: evSet, set: c}) }
	for c := range q {
		m.events = c.events[:0]
		if c.whole {
			m.chunkRead(c, &r)
		} else {
			m.chunkWork(c, &seg)
		}
		c.events = m.events
		c.release(bufs)
		c.done <- struct{}{}
	}
}

// chunkRead is chunkWork for a chunk of the input's bytes, which it reads
// with r.
func (m *Machine) chunkRead(c *chunk, r *x12.Reader) {
	r.Resume(c.data, nil, c.d, c.first)
	if m.prev.ID() != "" {
		// where a set that goes on stands, should the chunk hold no
		// segment it can read
		m.cur = &m.prev
	}
	var last *x12.Segment // the last segment read, until the next one
	end := c.end
	for {
		seg, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			se := syntaxError(err)
			if se == nil || !se.Resynced {
				end = err
				break
			}
			if last != nil {
				c.lastGood = c.keepText(last.Raw(), last.Delimiters(), last.Pos(), last.Padded())
				last = nil
			}
			c.good++
			if m.inST {
				m.resynced(se)
			} else {
				m.events = append(m.events, event{kind: evSkipped, syntax: se})
			}
			continue
		}
		c.good++
		last = seg
		m.cur = seg
		m.padded = seg.Padded()
		if !m.setSegment(seg) {
			k := c.keepText(seg.Raw(), seg.Delimiters(), seg.Pos(), seg.Padded())
			m.events = append(m.events, event{kind: evSegment, seg: k})
			c.lastGood, last = k, nil
		}
	}
	if last != nil {
		c.lastGood = c.keepText(last.Raw(), last.Delimiters(), last.Pos(), last.Padded())
	}
	m.chunkEnd(c, end, c.lastGood)
	if c.lastGood >= 0 {
		// The chunk's input goes back to the splitter: keep a copy.
		k := &c.kept[c.lastGood]
		m.prevText = append(m.prevText[:0], c.keep[k.start:k.end]...)
		_ = m.prev.Tokenize(m.prevText, k.d, k.pos)
	}
}

func (m *Machine) chunkWork(c *chunk, seg *x12.Segment) {
	bad := c.bad
	for i := range c.segs {
		var se *x12.SyntaxError
		if c.segs[i].bad {
			se, bad = bad[0], bad[1:]
		} else if err := c.tokenize(seg, i); err != nil {
			// too many elements, which only splitting finds: skipped
			// like the segments the Reader skipped
			se = syntaxError(err)
			se.Resynced = true
		}
		c.good++
		if se != nil {
			if m.inST {
				m.resynced(se)
			} else {
				m.events = append(m.events, event{kind: evSkipped, syntax: se})
			}
			continue
		}
		c.lastGood = i
		m.cur = seg
		m.padded = c.segs[i].padded
		if !m.setSegment(seg) {
			m.events = append(m.events, event{kind: evSegment, seg: i})
		}
	}
	m.chunkEnd(c, c.end, c.lastGood)
}

// chunkEnd is what a worker does after a chunk's last segment, given how
// the chunk ends (chunk.end) and its last good segment.
func (m *Machine) chunkEnd(c *chunk, end error, last int) {
	var se *x12.SyntaxError
	switch {
	case end == nil:
	case end == io.EOF:
		if m.inST {
			m.endOfSet("input ends inside transaction set %s: SE missing")
		}
		m.events = append(m.events, event{kind: evEnd, seg: last})
	case errors.As(end, &se):
		m.workSyntax(se, last)
	default:
		m.events = append(m.events, event{kind: evError, err: end})
	}
}

// syntaxError is the *x12.SyntaxError in err. It is a function of its own
// so that the pointer errors.As fills does not escape from the worker's
// loop, which would cost an allocation a segment.
func syntaxError(err error) *x12.SyntaxError {
	var se *x12.SyntaxError
	errors.As(err, &se)
	return se
}

// workSyntax is the set part of syntax: last is the last good segment.
func (m *Machine) workSyntax(se *x12.SyntaxError, last int) {
	f := syntaxFinding(se)
	inSet := m.inST
	if inSet {
		m.addAt(f)
		m.endOfSet("input ends inside transaction set %s: SE missing")
	}
	m.events = append(m.events, event{kind: evSyntax, seg: last, syntax: se, inSet: inSet, f: &f})
}
