package guide

import (
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

const (
	// defaultChunkSize is the input a chunk holds, give or take a segment.
	defaultChunkSize = 128 << 10
	// chunksInFlight bounds memory: a few MiB of input, enough for a
	// worker to get on with the next set while another walks a set of a few
	// thousand claims.
	chunksInFlight = 32
	maxWorkers     = 64
)

// chunkSize is a variable so that tests can cut small inputs into many
// chunks.
var chunkSize = defaultChunkSize

// chunk is a run of segments, copied out of the Reader's buffer.
type chunk struct {
	data   []byte
	segs   []segRef
	delims []delimAt          // at least one, from segment 0
	first  x12.Position       // of segs[0]: segment number, line and offset bases
	sets   int                // transaction sets begun before the chunk
	end    error              // after the last segment: io.EOF, a read or syntax error, or nil (more follows)
	bad    []*x12.SyntaxError // the segments the Reader skipped (segRef.bad), in order

	// filled in by the worker
	events   []event
	good     int // segments tokenized or skipped
	lastGood int // index of the last segment tokenized, -1: none
	done     chan struct{}
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
	f      Finding
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

func (c *chunk) tokenize(seg *x12.Segment, i int) error {
	r := &c.segs[i]
	stop := len(c.data)
	if i+1 < len(c.segs) {
		stop = int(c.segs[i+1].start)
	}
	k := len(c.delims) - 1
	for c.delims[k].at > i {
		k--
	}
	return seg.Tokenize(c.data[r.start:stop], c.delims[k].d, c.pos(i))
}

// parallel is Validate with workers goroutines checking transaction sets.
func (m *Machine) parallel(r io.Reader, rules func() Rules, workers int) error {
	free := make(chan *chunk, chunksInFlight)
	for range chunksInFlight {
		free <- &chunk{done: make(chan struct{}, 1)}
	}
	order := make(chan *chunk, chunksInFlight)
	queues := make([]chan *chunk, workers)
	quit := make(chan struct{})
	for i := range queues {
		queues[i] = make(chan *chunk, chunksInFlight)
		w := newMachine(m.g, m.opt, false)
		w.rules = rules()
		go w.work(queues[i])
	}
	xr := x12.NewReader(r)
	xr.Resync = true
	go split(xr, free, order, queues, quit)

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
				c.tokenize(&seg, ev.seg)
				m.cur = &seg
				m.padded = c.segs[ev.seg].padded
				m.segment(&seg)
			case evSkipped:
				m.resynced(ev.syntax)
			case evSet:
				m.setClosed(ev.set)
			case evSyntax, evEnd:
				if ev.seg >= 0 {
					c.tokenize(&seg, ev.seg)
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
					m.syntaxEnd(ev.syntax, ev.f, ev.inSet)
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
			c.tokenize(&seg, c.lastGood)
			last = *seg.Clone()
			haveLast = true
		}
		free <- c
	}
	return nil
}

// split cuts the input into chunks for the workers and lists them, in
// order, for the envelope part. It ends at the end of the input, at the
// first error, or when quit closes.
func split(r *x12.Reader, free <-chan *chunk, order chan<- *chunk, queues []chan *chunk, quit <-chan struct{}) {
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
		if c != nil && err == nil && (len(c.data) >= chunkSize || pos.Offset-c.first.Offset >= 1<<30 || pos.Line-c.first.Line >= 1<<30) {
			if !send() {
				return
			}
			if !inSet {
				// A set that goes on stays with its worker; the
				// next one may go to another.
				w = (w + 1) % len(queues)
			}
		}
		if c == nil {
			select {
			case c = <-free:
			case <-quit:
				return
			}
			if c.data == nil {
				// room for a chunk and a typical last segment, so that
				// filling it copies nothing twice
				c.data = make([]byte, 0, chunkSize+4<<10)
				c.segs = make([]segRef, 0, chunkSize/24)
			}
			c.data, c.segs, c.events, c.good, c.lastGood, c.end, c.bad = c.data[:0], c.segs[:0], c.events[:0], 0, -1, nil, c.bad[:0]
			c.delims = append(c.delims[:0], delimAt{0, r.Delimiters()})
			c.first, c.sets = pos, sets
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
		case "SE", "ISA", "IEA", "GS", "GE":
			inSet = false
		}
	}
}

// work is a worker: the set part of the machine, over the chunks of its
// queue.
func (m *Machine) work(q <-chan *chunk) {
	var seg x12.Segment
	m.closed = func(c *closedSet) { m.events = append(m.events, event{kind: evSet, set: c}) }
	for c := range q {
		m.events = c.events[:0]
		if !m.inST {
			m.setOrdinal = c.sets
		}
		m.chunkWork(c, &seg)
		c.events = m.events
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
	m.events = append(m.events, event{kind: evSyntax, seg: last, syntax: se, inSet: inSet, f: f})
}
