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
// Chunks are recycled with their output buffers, so a long batch allocates
// little but each chunk's input text.
type batchChunk struct {
	seq     int
	first   int    // input line number of the first document
	text    string // the chunk's input lines, back to back
	ends    []int  // end offset in text of each document
	long    []int  // indexes of the lines longer than maxDocument (not kept in text)
	out     []byte // the chunk's output lines, results appended in place
	errs    bytes.Buffer
	failed  int
	scanned int64 // input bytes in this chunk, for progress
}

func (ch *batchChunk) reset(seq, first int) {
	ch.seq, ch.first, ch.failed, ch.scanned = seq, first, 0, 0
	ch.text, ch.ends, ch.long = "", ch.ends[:0], ch.long[:0]
	ch.out = ch.out[:0]
	ch.errs.Reset()
}

// doc returns document i of the chunk.
func (ch *batchChunk) doc(i int) string {
	start := 0
	if i > 0 {
		start = ch.ends[i-1]
	}
	return ch.text[start:ch.ends[i]]
}

type batchError struct {
	Line   int               `json:"line"`
	Errors []episode.Problem `json:"errors"`
}

// batchGCPercent is the garbage collector's target while a batch runs,
// unless the GOGC environment variable says otherwise. Nearly all a batch
// allocates is its input text, which dies with its chunk, and the live heap
// is the chunks in flight: collecting when the heap has grown by 200%
// rather than Go's 100% halves the collections for about 16 MB more.
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
			docs += len(c.ends)
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

// readChunks reads the input into chunks until EOF, a read error, or quit
// closing (the output failed). A line cut short by a read error is never
// coded; a line longer than maxDocument is skipped and answered with an
// error record.
//
// Each chunk's lines are read straight into a string of their own, which
// the decoder reads in place: the documents are copied once, from the
// read buffer, and their strings are substrings of the chunk's.
func readChunks(in io.Reader, jobs chan<- *batchChunk, free <-chan *batchChunk, quit <-chan struct{}) error {
	r := bufio.NewReaderSize(in, 1<<20)
	line, seq := 0, 0
	var (
		ch      *batchChunk
		text    strings.Builder
		scratch []byte // a line longer than the read buffer
	)
	size := 64 << 10 // the room a chunk's text is given: about the last chunk's size
	send := func() {
		if ch != nil && len(ch.ends) > 0 {
			ch.text = text.String()
			size = max(64<<10, min(len(ch.text)+len(ch.text)/8, chunkBytes+chunkBytes/8))
			jobs <- ch
		}
		ch = nil
		text = strings.Builder{}
	}
	for {
		if ch == nil {
			select {
			case <-quit:
				return nil
			case ch = <-free:
			}
			ch.reset(seq, line+1)
			seq++
			text.Grow(size)
		}
		before := text.Len()
		err := readLineTo(r, &text, &scratch)
		if errors.Is(err, errLineTooLong) {
			ch.long = append(ch.long, len(ch.ends))
			ch.scanned += maxDocument
			err = nil // answered with an error record; go on
		}
		if err != nil && err != io.EOF {
			send()
			return fmt.Errorf("line %d: %w", line+1, err)
		}
		if text.Len() > before || err == nil {
			line++
			ch.ends = append(ch.ends, text.Len())
			ch.scanned += int64(text.Len()-before) + 1
			if len(ch.ends) == chunkLines || text.Len() >= chunkBytes {
				send()
			}
		}
		if err == io.EOF {
			send()
			return nil
		}
	}
}

// readLineTo writes the next line, without its line ending, to text. A line
// longer than the read buffer is gathered in *scratch first. A line longer
// than maxDocument is read to its end and not written, with errLineTooLong,
// and the next call reads the next line; nor is a line cut short by a read
// error.
func readLineTo(r *bufio.Reader, text *strings.Builder, scratch *[]byte) error {
	line, err := r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		buf := append((*scratch)[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = r.ReadSlice('\n')
			if len(buf)+len(line) > maxDocument+2 { // room for "\r\n"
				for err == bufio.ErrBufferFull {
					_, err = r.ReadSlice('\n')
				}
				if err != nil && err != io.EOF {
					return err
				}
				return errLineTooLong
			}
			buf = append(buf, line...)
		}
		line = buf
		if cap(buf) <= 4<<20 {
			*scratch = buf[:0]
		} else {
			*scratch = nil // do not keep a huge line's memory for the rest of the batch
		}
	}
	if err != nil && err != io.EOF {
		return err
	}
	if err == nil {
		line = line[:len(line)-1]
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
	}
	text.Write(line)
	return err
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
	// Error records and tables go through other, which is then appended.
	var other bytes.Buffer
	enc := json.NewEncoder(&other)
	enc.SetEscapeHTML(false)
	long := ch.long
	for i := range ch.ends {
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
