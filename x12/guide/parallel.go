package guide

import (
	"bytes"
	"errors"
	"io"

	"github.com/perdiem/perdiem/x12"
)

// Checking in parallel: one goroutine cuts the input into chunks of whole
// segments with x12.Reader.Skip (finding segment ends and IDs only), worker
// goroutines tokenize the chunks and walk their transaction sets, and the
// calling goroutine does the envelope part, taking the chunks back in input
// order. Transaction sets are independent, so a worker needs nothing from
// the others: a set that does not fit in one chunk goes on in the next
// chunk of the same worker.
//
// A worker hands a chunk's input back to the splitter as soon as it is
// done with it, keeping copies of the few segments the envelope part needs
// (those outside sets, and the last one read): so the input in flight stays
// bounded, while the splitter gets on past a set of thousands of claims that
// one worker walks, and gives the next sets to the others.

const (
	// defaultChunkSize is the input a chunk holds, give or take a segment.
	defaultChunkSize = 128 << 10
	// chunksInFlight bounds the chunks split and not yet taken back in
	// order: a chunk whose input is handed back holds only its results, so
	// the splitter can run past a set of a few thousand claims that one
	// worker walks, and give the sets after it to the others.
	chunksInFlight = 256
	maxWorkers     = 64
)

// These are variables so that tests can cut small inputs into many chunks
// and hold the splitter back.
var (
	chunkSize = defaultChunkSize
	// buffersInFlight bounds memory: a few MiB of input, read ahead of
	// the workers.
	buffersInFlight = 32
	// setsInFlight bounds the transaction sets begun and not yet taken
	// back in order, whose results (findings, claim keys) wait in their
	// chunks: about as many as 16 chunks of one-claim sets hold.
	setsInFlight = 2048
)

// chunk is a run of segments, copied out of the Reader's buffer.
type chunk struct {
	buf    *chunkBuf // data and segs, until the worker hands them back
	data   []byte
	segs   []segRef
	delims []delimAt          // at least one, from segment 0
	first  x12.Position       // of segs[0]: segment number, line and offset bases
	sets   int                // transaction sets begun before the chunk
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
	start := len(c.keep)
	c.keep = append(c.keep, raw...)
	c.kept = append(c.kept, keptSeg{start: start, end: len(c.keep), d: d, pos: c.pos(i), padded: c.segs[i].padded})
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
	xr := x12.NewReader(r)
	xr.Resync = true
	go split(xr, free, bufs, tokens, order, queues, quit)

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

// split cuts the input into chunks for the workers and lists them, in
// order, for the envelope part. It ends at the end of the input, at the
// first error, or when quit closes.
func split(r *x12.Reader, free <-chan *chunk, bufs <-chan *chunkBuf, tokens chan<- struct{}, order chan<- *chunk, queues []chan *chunk, quit <-chan struct{}) {
	defer func() {
		close(order)
		for _, q := range queues {
			close(q)
		}
	}()
	var c *chunk
	w, sets, inSet := 0, 0, false
	send := func() bool {
		select {
		case queues[w] <- c:
		case <-quit:
			return false
		}
		select {
		case order <- c:
		case <-quit:
			return false
		}
		c = nil
		return true
	}
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
			case tokens <- struct{}{}:
			default:
				wait = true
			}
		}
		if c != nil && err == nil && (wait || len(c.data) >= chunkSize || pos.Offset-c.first.Offset >= 1<<30 || pos.Line-c.first.Line >= 1<<30) {
			if !send() {
				return
			}
			if !inSet {
				// A set that goes on stays with its worker; the
				// next one may go to another.
				w = (w + 1) % len(queues)
			}
		}
		if wait {
			select {
			case tokens <- struct{}{}:
			case <-quit:
				return
			}
		}
		if c == nil {
			select {
			case c = <-free:
			case <-quit:
				return
			}
			select {
			case c.buf = <-bufs:
			case <-quit:
				return
			}
			if c.buf.data == nil {
				// room for a chunk and a typical last segment, so that
				// filling it copies nothing twice
				c.buf.data = make([]byte, 0, chunkSize+4<<10)
				c.buf.segs = make([]segRef, 0, chunkSize/24)
			}
			c.data, c.segs = c.buf.data, c.buf.segs
			c.data, c.segs, c.events, c.good, c.lastGood, c.end, c.bad = c.data[:0], c.segs[:0], c.events[:0], 0, -1, nil, c.bad[:0]
			c.delims = append(c.delims[:0], delimAt{0, r.Delimiters()})
			c.first, c.sets, c.nST = pos, sets, 0
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
			send()
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
			sets++
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
	m.closed = func(c *closedSet) { m.events = append(m.events, event{kind: evSet, set: c}) }
	for c := range q {
		m.events = c.events[:0]
		if !m.inST {
			m.setOrdinal = c.sets
		}
		m.chunkWork(c, &seg)
		c.events = m.events
		c.release(bufs)
		c.done <- struct{}{}
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
	last := c.lastGood
	var se *x12.SyntaxError
	switch {
	case c.end == nil:
	case c.end == io.EOF:
		if m.inST {
			m.endOfSet("input ends inside transaction set %s: SE missing")
		}
		m.events = append(m.events, event{kind: evEnd, seg: last})
	case errors.As(c.end, &se):
		m.workSyntax(se, last)
	default:
		m.events = append(m.events, event{kind: evError, err: c.end})
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
