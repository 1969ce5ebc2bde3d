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
	"strconv"
	"sync"
	"time"

	"perdiem/coding"
	"perdiem/episode"
)

// maxDocumentLine bounds one JSONL document so a file without newlines
// cannot take all memory.
const maxDocumentLine = 16 << 20

// batchChunk is a run of input lines coded by one worker; chunks are written
// back in input order, so output line N answers input line N.
type batchChunk struct {
	seq     int
	first   int // input line number of docs[0]
	docs    [][]byte
	n       int // documents in the chunk (docs is released once coded)
	out     bytes.Buffer
	errs    bytes.Buffer
	failed  int
	scanned int64 // input bytes in this chunk, for progress
}

type batchError struct {
	Line   int               `json:"line"`
	Errors []episode.Problem `json:"errors"`
}

// codeBatch codes one document per line, streaming: memory stays flat
// whatever the input size, and output order follows input order.
func codeBatch(e *env, in io.Reader, opt coding.Options, f codeFlags) int {
	workers := f.workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
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
	free := make(chan struct{}, workers*4)
	for i := 0; i < cap(free); i++ {
		free <- struct{}{}
	}
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ch := range jobs {
				codeChunk(ch, opt, f.format == "table")
				done <- ch
			}
		}()
	}
	readErr := make(chan error, 1)
	go func() {
		readErr <- readChunks(in, jobs, free)
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
			out.Write(c.out.Bytes())
			if c.errs.Len() > 0 {
				out.Flush()
				e.stderr.Write(c.errs.Bytes())
			}
			docs += c.n
			failed += c.failed
			scanned += c.scanned
			prog.update(docs, failed, scanned)
			free <- struct{}{}
		}
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintf(e.stderr, "perdiem code: writing: %v\n", err)
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

func readChunks(in io.Reader, jobs chan<- *batchChunk, free <-chan struct{}) error {
	const chunkLines = 256
	r := bufio.NewReaderSize(in, 1<<20)
	line, seq := 0, 0
	var ch *batchChunk
	for {
		b, err := readLine(r)
		if len(b) > 0 || (err == nil) {
			line++
			if ch == nil {
				<-free
				ch = &batchChunk{seq: seq, first: line}
				seq++
			}
			ch.docs = append(ch.docs, b)
			ch.scanned += int64(len(b)) + 1
			if len(ch.docs) == chunkLines {
				jobs <- ch
				ch = nil
			}
		}
		if err != nil {
			if ch != nil {
				jobs <- ch
			}
			if err == io.EOF {
				return nil
			}
			return fmt.Errorf("line %d: %w", line+1, err)
		}
	}
}

var errLineTooLong = errors.New("document longer than 16 MiB on one line (is the input JSON Lines?)")

// readLine returns the next line without its newline, copied.
func readLine(r *bufio.Reader) ([]byte, error) {
	var buf []byte
	for {
		frag, err := r.ReadSlice('\n')
		buf = append(buf, frag...)
		if len(buf) > maxDocumentLine {
			return nil, errLineTooLong
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == nil {
			buf = buf[:len(buf)-1]
			if n := len(buf); n > 0 && buf[n-1] == '\r' {
				buf = buf[:n-1]
			}
		}
		return buf, err
	}
}

func codeChunk(ch *batchChunk, opt coding.Options, table bool) {
	enc := json.NewEncoder(&ch.out)
	var buf []byte
	for i, doc := range ch.docs {
		n := ch.first + i
		if len(bytes.TrimSpace(doc)) == 0 {
			ch.out.WriteString("{\"line\":" + strconv.Itoa(n) + ",\"empty\":true}\n")
			continue
		}
		res, err := codeDocument(doc, opt)
		if err != nil {
			ch.failed++
			var pe *episode.Error
			probs := []episode.Problem{{Message: err.Error()}}
			if errors.As(err, &pe) {
				probs = pe.Problems
			}
			enc.Encode(batchError{Line: n, Errors: probs})
			for _, p := range probs {
				fmt.Fprintf(&ch.errs, "line %d: %s\n", n, p)
			}
			continue
		}
		if table {
			fmt.Fprintf(&ch.out, "# line %d\n", n)
			writeTable(&ch.out, res)
			continue
		}
		// {"line":N, then the result's own fields, without reflection.
		buf = append(buf[:0], `{"line":`...)
		buf = strconv.AppendInt(buf, int64(n), 10)
		mark := len(buf)
		buf = res.AppendJSON(buf)
		buf[mark] = ',' // the result's opening brace
		ch.out.Write(append(buf, '\n'))
	}
	ch.n = len(ch.docs)
	ch.docs = nil
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
