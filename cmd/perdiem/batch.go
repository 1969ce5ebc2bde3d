package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/coding"
	"github.com/perdiem/perdiem/episode"
)

// maxDocument bounds one episode document (a file, or a JSONL line) so a
// file without newlines cannot take all memory.
const maxDocument = 16 << 20

// maxWorkers bounds --workers: each worker holds a few chunks in memory.
const maxWorkers = 64

// chunkLines and chunkBytes bound a chunk: it is sent to a worker when it
// holds either (a single longer line makes a chunk of its own).
const (
	chunkLines = 256
	chunkBytes = 1 << 20
)

// batchChunk is a run of input lines coded by one worker; chunks are written
// back in input order, so output line N answers input line N.
// Chunks are recycled with their input and output buffers, so a long batch
// allocates next to nothing once its chunks are in use.
type batchChunk struct {
	seq   int
	first int // input line number of the first document
	// buf holds the chunk's input as read, lines with their line endings,
	// and text is its lines as one string the decoder reads in place. The
	// reader writes buf again only once the chunk is back from the writer,
	// when nothing reads the documents any more.
	buf     []byte
	text    string
	docs    []span // where each document is in text
	long    []int  // indexes of the lines longer than maxDocument (not kept in text)
	out     []byte // the chunk's output lines, results appended in place
	errs    bytes.Buffer
	failed  int
	scanned int64 // input bytes in this chunk, for progress
}

// span is where a document is in its chunk's text.
type span struct{ start, end int }

// reset empties the chunk for the lines from line first on. A new chunk is
// given a buffer of room bytes; a chunk's buffer grows when its lines need
// more, and is kept, but for a long line's.
func (ch *batchChunk) reset(seq, first, room int) {
	ch.seq, ch.first, ch.failed, ch.scanned = seq, first, 0, 0
	ch.text, ch.docs, ch.long = "", ch.docs[:0], ch.long[:0]
	ch.out = ch.out[:0]
	ch.errs.Reset()
	if ch.buf == nil || len(ch.buf) > maxChunkRoom {
		ch.buf = make([]byte, room)
	}
}

// doc returns document i of the chunk.
func (ch *batchChunk) doc(i int) string {
	return ch.text[ch.docs[i].start:ch.docs[i].end]
}

type batchError struct {
	Line   int               `json:"line"`
	Errors []episode.Problem `json:"errors"`
}

// batchGCPercent is the garbage collector's target while a batch runs,
// unless the GOGC environment variable says otherwise. What a batch
// allocates is the few texts of each result, which die with it, and the
// live heap is the chunks in flight: collecting when the heap has grown by
// 200% rather than Go's 100% halves the collections for about 10 MB more.
const batchGCPercent = 200

// codeBatch codes one document per line, streaming: memory stays flat
// whatever the input size, and output order follows input order.
func codeBatch(e *env, in io.Reader, opt coding.Options, f codeFlags) int {
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(batchGCPercent))
	}
	if f.workers < 0 || f.workers > maxWorkers {
		fmt.Fprintf(e.stderr, "perdiem code: --workers %d: want 1..%d, or 0 for the number of CPUs\n", f.workers, maxWorkers)
		return exitInput
	}
	workers := f.workers
	if workers == 0 {
		workers = min(runtime.GOMAXPROCS(0), maxWorkers)
	}
	var total int64
	if fh, ok := in.(*os.File); ok {
		if st, err := fh.Stat(); err == nil && st.Mode().IsRegular() {
			total = st.Size()
		}
	}
	jobs := make(chan *batchChunk, workers)
	done := make(chan *batchChunk, workers)
	// free bounds the chunks in flight (reading, coding or waiting to be
	// written), which bounds memory.
	free := make(chan *batchChunk, workers*4)
	for i := 0; i < cap(free); i++ {
		free <- new(batchChunk)
	}
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var w codeWorker // each worker's documents and results reuse one memory
			for ch := range jobs {
				codeChunk(ch, &w, opt, f.format == "table")
				done <- ch
			}
		}()
	}
	readErr := make(chan error, 1)
	quit := make(chan struct{}) // closed when the output fails: stop reading
	var writeErr error
	go func() {
		readErr <- readChunks(in, jobs, free, quit)
		close(jobs)
		wg.Wait()
		close(done)
	}()

	out := bufio.NewWriterSize(e.stdout, 1<<16)
	prog := newProgress(e, total)
	pending := map[int]*batchChunk{}
	next, docs, failed := 0, 0, 0
	var scanned int64
	for ch := range done {
		pending[ch.seq] = ch
		for {
			c, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			if writeErr == nil {
				if _, writeErr = out.Write(c.out); writeErr == nil && c.errs.Len() > 0 {
					writeErr = out.Flush()
					e.stderr.Write(c.errs.Bytes())
				}
				if writeErr != nil {
					close(quit)
				}
			}
			docs += len(c.docs)
			failed += c.failed
			scanned += c.scanned
			prog.update(docs, failed, scanned)
			free <- c
		}
	}
	if writeErr == nil {
		writeErr = out.Flush()
	}
	if writeErr != nil {
		fmt.Fprintf(e.stderr, "perdiem code: writing: %v\n", writeErr)
		return exitFindings
	}
	prog.finish(docs, failed)
	if err := <-readErr; err != nil {
		fmt.Fprintf(e.stderr, "perdiem code: %v\n", err)
		return exitInput
	}
	if failed > 0 {
		fmt.Fprintf(e.stderr, "perdiem code: %d of %d document(s) had errors\n", failed, docs)
		return exitInput
	}
	return exitOK
}

// The input is read straight into the chunks' own buffers: a document is
// copied once, by the read, into memory a batch uses again and again.
const (
	// readSize bounds one read: what a chunk's last read brings past its
	// last line is copied to the next chunk.
	readSize = 64 << 10
	// maxChunkRoom bounds the buffer a chunk keeps: chunkBytes of text,
	// the line endings of chunkLines lines and one read fit. A chunk's
	// buffer is about the size the last chunk needed, and grows for a
	// longer line.
	maxChunkRoom = chunkBytes + chunkBytes/4
)

// readChunks reads the input into chunks until EOF, a read error, or quit
// closing (the output failed). A line cut short by a read error is never
// coded; a line longer than maxDocument is skipped and answered with an
// error record.
func readChunks(in io.Reader, jobs chan<- *batchChunk, free <-chan *batchChunk, quit <-chan struct{}) error {
	var (
		ch       *batchChunk
		n        int  // bytes of ch.buf read
		pos      int  // where the line being read starts in ch.buf
		size     int  // the text of ch's documents, as chunkBytes counts it
		skipping bool // dropping the rest of a line longer than maxDocument
		line     int
		seq      int
		room     = 2 * readSize // the buffer a new chunk is given
	)
	// send hands ch to the workers, when it holds lines.
	send := func() {
		if len(ch.docs) > 0 {
			room = min(max(2*readSize, pos+pos/8+readSize), maxChunkRoom)
			ch.text = unsafe.String(unsafe.SliceData(ch.buf), pos)
			jobs <- ch
		}
	}
	// next sends ch and takes a free chunk for the lines after it, moving
	// there what was read past ch's last line; false when the output failed.
	next := func() bool {
		var rest []byte
		if ch != nil {
			rest = ch.buf[pos:n]
			send()
		}
		select {
		case <-quit:
			return false
		case ch = <-free:
		}
		ch.reset(seq, line+1, room)
		seq++
		// ch may be the chunk just sent, back already: copy moves rest
		// to its start then.
		n, pos, size = copy(ch.buf, rest), 0, 0
		return true
	}
	// add ends ch's line that starts at pos at end, or answers it with an
	// error record when it is longer than maxDocument; false when ch is full.
	add := func(end int, tooLong bool) bool {
		if tooLong {
			ch.long = append(ch.long, len(ch.docs))
			ch.docs = append(ch.docs, span{pos, pos})
			ch.scanned += maxDocument
		} else {
			ch.docs = append(ch.docs, span{pos, end})
			size += end - pos
			ch.scanned += int64(end-pos) + 1
		}
		line++
		return len(ch.docs) < chunkLines && size < chunkBytes
	}
	if !next() {
		return nil
	}
	var rerr error
	eof, empty := false, 0
	for {
		if skipping {
			i := bytes.IndexByte(ch.buf[pos:n], '\n')
			if i < 0 {
				n = pos
			} else {
				skipping = false
				n = pos + copy(ch.buf[pos:], ch.buf[pos+i+1:n])
				if !add(pos, true) && !next() {
					return nil
				}
			}
		}
		for !skipping {
			i := bytes.IndexByte(ch.buf[pos:n], '\n')
			if i < 0 {
				break
			}
			end := pos + i
			if end > pos && ch.buf[end-1] == '\r' {
				end--
			}
			full := !add(end, i+1 > maxDocument+2) // room for "\r\n"
			pos += i + 1
			if full && !next() {
				return nil
			}
		}
		if !skipping && n-pos > maxDocument+2 {
			skipping, n = true, pos
		}
		if rerr != nil {
			send()
			return fmt.Errorf("line %d: %w", line+1, rerr)
		}
		if eof {
			// The last line, without a line ending.
			if skipping || n > pos {
				add(n, skipping)
				pos = n
			}
			send()
			return nil
		}
		if n == len(ch.buf) {
			grown := make([]byte, min(2*len(ch.buf), pos+maxDocument+3))
			copy(grown, ch.buf[:n])
			ch.buf = grown
		}
		k, err := in.Read(ch.buf[n:min(len(ch.buf), n+readSize)])
		n += k
		switch {
		case err == io.EOF:
			eof = true
		case err != nil:
			rerr = err
		case k > 0:
			empty = 0
		default:
			if empty++; empty == 100 {
				rerr = io.ErrNoProgress // as bufio.Reader gives up on such a reader
			}
		}
	}
}

var errLineTooLong = fmt.Errorf("document longer than %d MiB on one line (is the input JSON Lines?)", maxDocument>>20)

// readLine appends the next line, without its line ending, to buf. A line
// longer than maxDocument is read to its end and dropped: buf comes back as
// it was, with errLineTooLong, and the next call reads the next line.
func readLine(r *bufio.Reader, buf []byte) ([]byte, error) {
	start := len(buf)
	for {
		frag, err := r.ReadSlice('\n')
		if len(buf)-start+len(frag) > maxDocument+2 { // room for "\r\n"
			for err == bufio.ErrBufferFull {
				_, err = r.ReadSlice('\n')
			}
			if err != nil && err != io.EOF {
				return buf[:start], err
			}
			return buf[:start], errLineTooLong
		}
		buf = append(buf, frag...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == nil {
			buf = buf[:len(buf)-1]
			if n := len(buf); n > start && buf[n-1] == '\r' {
				buf = buf[:n-1]
			}
		}
		return buf, err
	}
}

// readAllLimited reads a whole document of at most max bytes.
func readAllLimited(r io.Reader, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err == nil && int64(len(data)) > max {
		return nil, fmt.Errorf("document larger than %d MiB", max>>20)
	}
	return data, err
}

// blank says whether a line holds nothing but white space.
func blank(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f':
		case c < utf8.RuneSelf:
			return false
		default:
			return strings.TrimSpace(s[i:]) == ""
		}
	}
	return true
}

func codeChunk(ch *batchChunk, w *codeWorker, opt coding.Options, table bool) {
	// The Writer remembers texts by their address, and a document's text
	// is memory the reader fills again once its chunk is written: what it
	// remembered of another chunk is forgotten, so that a reason text
	// taken from a document could never be mistaken for another's.
	w.json = claim.Writer{}
	// Error records and tables go through other, which is then appended.
	var other bytes.Buffer
	enc := json.NewEncoder(&other)
	enc.SetEscapeHTML(false)
	// Results are about twice as long as their documents: the output
	// buffer is made that large at once, rather than grown to it in many
	// steps that each copy it.
	if need := 2*len(ch.text) + 4<<10; cap(ch.out) < need {
		ch.out = make([]byte, 0, need)
	}
	long := ch.long
	for i := range ch.docs {
		doc := ch.doc(i)
		n := ch.first + i
		if len(long) > 0 && long[0] == i {
			long = long[1:]
			ch.failed++
			enc.Encode(batchError{Line: n, Errors: []episode.Problem{{Message: errLineTooLong.Error()}}})
			fmt.Fprintf(&ch.errs, "line %d: %s\n", n, errLineTooLong)
		} else if blank(doc) {
			other.WriteString("{\"line\":" + strconv.Itoa(n) + ",\"empty\":true}\n")
		} else if res, ep, err := w.code(doc, opt); err != nil {
			ch.failed++
			var pe *episode.Error
			probs := []episode.Problem{{Message: shortText(err.Error())}}
			if errors.As(err, &pe) {
				probs = pe.Problems
			}
			enc.Encode(batchError{Line: n, Errors: probs})
			for _, p := range probs {
				fmt.Fprintf(&ch.errs, "line %d: %s\n", n, p)
			}
		} else if table {
			fmt.Fprintf(&other, "# line %d\n", n)
			writeTable(&other, res, ep)
		} else {
			// {"line":N, then the result's own fields, without reflection,
			// straight into the chunk's output.
			b := append(ch.out, `{"line":`...)
			b = strconv.AppendInt(b, int64(n), 10)
			mark := len(b)
			b = w.json.AppendResult(b, res)
			b[mark] = ',' // the result's opening brace
			ch.out = append(b, '\n')
			continue
		}
		ch.out = append(ch.out, other.Bytes()...)
		other.Reset()
	}
}

// progress draws a one-line progress report on a terminal's standard error.
type progress struct {
	e     *env
	total int64
	start time.Time
	last  time.Time
}

func newProgress(e *env, total int64) *progress {
	now := time.Now()
	return &progress{e: e, total: total, start: now, last: now}
}

func (p *progress) update(docs, failed int, scanned int64) {
	if !p.e.stderrTTY {
		return
	}
	now := time.Now()
	if now.Sub(p.last) < 200*time.Millisecond {
		return
	}
	p.last = now
	rate := float64(docs) / now.Sub(p.start).Seconds()
	pct := ""
	if p.total > 0 {
		frac := float64(scanned) / float64(p.total)
		if frac > 1 {
			frac = 1
		}
		bar := int(frac * 30)
		pct = fmt.Sprintf("[%-30s] %3.0f%% ", string(bytes.Repeat([]byte{'#'}, bar)), frac*100)
	}
	fmt.Fprintf(p.e.stderr, "\r%scoded %d episode(s), %d with errors, %.0f/s ", pct, docs, failed, rate)
}

func (p *progress) finish(docs, failed int) {
	if !p.e.stderrTTY {
		return
	}
	el := time.Since(p.start)
	fmt.Fprintf(p.e.stderr, "\rcoded %d episode(s), %d with errors, in %s%20s\n", docs, failed, el.Round(time.Millisecond), "")
}
