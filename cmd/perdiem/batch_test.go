package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/perdiem/perdiem/internal/gen"
)

func TestBatchKeepsOrderAndReportsBadLines(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	var in bytes.Buffer
	const n = 1500
	bad := map[int]bool{17: true, 900: true}
	for i := 1; i <= n; i++ {
		switch {
		case bad[i]:
			in.WriteString(`{"therapies":[{"id":"x","type":"antibiotic-ish","start":"2026-04-06"}]}` + "\n")
		case i == 400:
			in.WriteString("\n")
		default:
			b, _ := json.Marshal(gen.Episode(r))
			in.Write(append(b, '\n'))
		}
	}
	var stdout, stderr bytes.Buffer
	code := run(&env{stdin: &in, stdout: &stdout, stderr: &stderr}, []string{"code", "--jsonl", "--workers", "3", "-"})
	if code != exitInput {
		t.Errorf("exit %d, want 2 when some documents have errors", code)
	}
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(nil, 1<<24)
	line := 0
	for sc.Scan() {
		line++
		var rec struct {
			Line   int               `json:"line"`
			Lines  []json.RawMessage `json:"lines"`
			Errors []struct{ Path string }
			Empty  bool
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("output line %d: %v", line, err)
		}
		if rec.Line != line {
			t.Fatalf("output line %d answers input line %d", line, rec.Line)
		}
		switch {
		case bad[line]:
			if len(rec.Errors) == 0 || rec.Errors[0].Path != "therapies[0].type" {
				t.Errorf("line %d: want an error at therapies[0].type, got %s", line, sc.Text())
			}
		case line == 400:
			if !rec.Empty {
				t.Errorf("blank line 400 not reported as empty")
			}
		case rec.Lines == nil:
			t.Errorf("line %d: no lines: %s", line, sc.Text())
		}
	}
	if line != n {
		t.Errorf("%d output lines for %d input lines", line, n)
	}
	if !strings.Contains(stderr.String(), "line 17: therapies[0].type") || !strings.Contains(stderr.String(), "2 of 1500") {
		t.Errorf("stderr: %s", stderr.String())
	}
}

// BenchmarkBatch codes b.N generated episodes through the --jsonl pipeline,
// generated on the fly so memory measures the pipeline, not the input. Run
// with -benchtime 1000000x for the million-episode figure.
func BenchmarkBatch(b *testing.B) {
	docs := make([][]byte, 512)
	r := rand.New(rand.NewSource(8))
	for i := range docs {
		d, _ := json.Marshal(gen.Episode(r))
		docs[i] = append(d, '\n')
	}
	pr, pw := io.Pipe()
	go func() {
		w := bufio.NewWriterSize(pw, 1<<16)
		for i := 0; i < b.N; i++ {
			w.Write(docs[i%len(docs)])
		}
		w.Flush()
		pw.Close()
	}()
	var peak uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var ms runtime.MemStats
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak {
				peak = ms.HeapInuse
			}
		}
	}()
	b.ReportAllocs()
	b.ResetTimer()
	code := run(&env{stdin: pr, stdout: io.Discard, stderr: io.Discard}, []string{"code", "--jsonl", "-"})
	b.StopTimer()
	close(stop)
	<-done
	if code != exitOK {
		b.Fatalf("exit %d", code)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "episodes/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}

// A full last chunk without a final newline, and output that fails.
func TestBatchEdges(t *testing.T) {
	doc := `{"therapies":[{"id":"a","type":"anti-infective","start":"2026-03-01","end":"2026-03-02","every_hours":24}]}`
	in := strings.Repeat(doc+"\n", 255) + doc
	var stdout, stderr bytes.Buffer
	if code := run(&env{stdin: strings.NewReader(in), stdout: &stdout, stderr: &stderr}, []string{"code", "--jsonl", "-"}); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if n := strings.Count(stdout.String(), "\n"); n != 256 {
		t.Errorf("%d results for 256 documents", n)
	}
	stderr.Reset()
	big := strings.Repeat(doc+"\n", 5000)
	code := run(&env{stdin: strings.NewReader(big), stdout: failingWriter{}, stderr: &stderr}, []string{"code", "--jsonl", "-"})
	if code != exitFindings || !strings.Contains(stderr.String(), "writing") {
		t.Errorf("failing output: exit %d, %q", code, stderr.String())
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }

// A line longer than a document may be gets its error record in place and
// the batch goes on, also when it is the last line, and whatever its
// length relative to the read buffer; so does claim --jsonl, which reports
// it and writes nothing.
func TestBatchTooLongLine(t *testing.T) {
	doc := `{"therapies":[{"id":"a","type":"anti-infective","start":"2026-03-01","end":"2026-03-02","every_hours":24}]}`
	for _, long := range []string{
		strings.Repeat(" ", maxDocument+3) + doc,
		`{"note":"` + strings.Repeat("x", maxDocument+(1<<20)) + `"}`,
	} {
		for _, last := range []bool{false, true} {
			in := doc + "\n" + long + "\n" + doc + "\n"
			if last {
				in = doc + "\n" + doc + "\n" + long
			}
			var stdout, stderr bytes.Buffer
			code := run(&env{stdin: strings.NewReader(in), stdout: &stdout, stderr: &stderr}, []string{"code", "--jsonl", "-"})
			lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
			bad := 1
			if last {
				bad = 2
			}
			if code != exitInput || len(lines) != 3 {
				t.Fatalf("last=%v: exit %d, %d results; want 2 and 3 results", last, code, len(lines))
			}
			for i, l := range lines {
				isErr := strings.HasPrefix(l, fmt.Sprintf(`{"line":%d,"errors":[{`, i+1)) && strings.Contains(l, "longer than 16 MiB")
				if (i == bad) != isErr || len(l) > 10000 {
					t.Errorf("last=%v: result %d: %.120s", last, i+1, l)
				}
			}
		}
	}
	in := jsonlDocs(t, 1, nil) + strings.Repeat("x", maxDocument+10) + "\n" + jsonlDocs(t, 1, nil)
	code, stdout, stderr := runClaimCmd(t, in, "-", "--jsonl")
	if code != exitInput || stdout != "" || !strings.Contains(stderr, "-:2: document longer than 16 MiB") || strings.Contains(stderr, "-:3") {
		t.Errorf("claim: exit %d, stdout %d bytes, stderr %.300s", code, len(stdout), stderr)
	}
}

func TestWorkersAreBounded(t *testing.T) {
	for _, w := range []string{"-1", "65", "100000000"} {
		code, _, stderr := runCmd("", "code", "--jsonl", "--workers", w, "../../examples/month.jsonl")
		if code != exitInput || !strings.Contains(stderr, "want 1..64") {
			t.Errorf("--workers %s: exit %d, %s", w, code, stderr)
		}
	}
	if code, _, stderr := runCmd("", "code", "--jsonl", "--workers", "64", "../../examples/month.jsonl"); code != exitOK {
		t.Errorf("--workers 64: exit %d, %s", code, stderr)
	}
}

func TestCodeDocumentSizeIsBounded(t *testing.T) {
	code, stdout, stderr := runCmd(`{"therapies":[`+strings.Repeat(" ", maxDocument)+`]}`, "code", "-")
	if code != exitInput || stdout != "" || !strings.Contains(stderr, "larger than 16 MiB") {
		t.Errorf("exit %d, stdout %q, stderr %s", code, stdout, stderr)
	}
}

// Lines longer than the read buffer, CRLF endings and blank lines are read
// whole: each result is the one the document gets on its own.
func TestBatchLineEndingsAndLongLines(t *testing.T) {
	doc := `{"therapies":[{"id":"a","type":"anti-infective","start":"2026-03-01","end":"2026-03-02","every_hours":24}]}`
	padded := `{"therapies":[{"id":"b","type":"anti-infective","start":"2026-03-01",` + strings.Repeat(" ", 3<<20) + `"end":"2026-03-04","every_hours":8}]}`
	in := doc + "\r\n" + padded + "\n" + " \t\r\n" + padded + "\r\n" + doc
	var stdout, stderr bytes.Buffer
	if code := run(&env{stdin: strings.NewReader(in), stdout: &stdout, stderr: &stderr}, []string{"code", "--jsonl", "-"}); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	alone := func(d string) string {
		t.Helper()
		var out bytes.Buffer
		if code := run(&env{stdin: strings.NewReader(d), stdout: &out, stderr: io.Discard}, []string{"code", "-"}); code != exitOK {
			t.Fatalf("exit %d coding alone", code)
		}
		var res json.RawMessage
		if err := json.Unmarshal(out.Bytes(), &res); err != nil {
			t.Fatal(err)
		}
		var compact bytes.Buffer
		json.Compact(&compact, res)
		return compact.String()
	}
	want := []string{alone(doc), alone(padded), "", alone(padded), alone(doc)}
	lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("%d results for %d lines", len(lines), len(want))
	}
	for i, l := range lines {
		n := fmt.Sprintf(`{"line":%d`, i+1)
		if want[i] == "" {
			if l != n+`,"empty":true}` {
				t.Errorf("line %d: %s, want it reported empty", i+1, l)
			}
			continue
		}
		if got := "{" + strings.TrimPrefix(l, n+","); !strings.HasPrefix(l, n+",") || got != want[i] {
			t.Errorf("line %d:\n got %.300s\nwant %.300s", i+1, got, want[i])
		}
	}
}

// A read error ends the batch: the documents before it are coded, the line
// it cut short is not, and the error names that line.
func TestBatchReadError(t *testing.T) {
	doc := `{"therapies":[{"id":"a","type":"anti-infective","start":"2026-03-01","end":"2026-03-02","every_hours":24}]}`
	in := io.MultiReader(strings.NewReader(strings.Repeat(doc+"\n", 300)+doc[:40]), iotest.ErrReader(errors.New("disk gone")))
	var stdout, stderr bytes.Buffer
	code := run(&env{stdin: in, stdout: &stdout, stderr: &stderr}, []string{"code", "--jsonl", "-"})
	if code != exitInput || strings.Count(stdout.String(), "\n") != 300 || !strings.Contains(stderr.String(), "line 301: disk gone") {
		t.Errorf("exit %d, %d results, stderr %q", code, strings.Count(stdout.String(), "\n"), stderr.String())
	}
}

// However the input arrives, a byte at a time or with its last read
// returning io.EOF alongside data, the batch codes the same lines.
func TestBatchReadsInAnyPieces(t *testing.T) {
	r := rand.New(rand.NewSource(9))
	var in strings.Builder
	for i := 0; i < 600; i++ {
		b, _ := json.Marshal(gen.Episode(r))
		in.Write(b)
		in.WriteString([]string{"\n", "\r\n", "\n\n"}[i%3])
	}
	last, _ := json.Marshal(gen.Episode(r))
	in.Write(last) // no final newline
	code := func(src io.Reader) string {
		var stdout bytes.Buffer
		if c := run(&env{stdin: src, stdout: &stdout, stderr: io.Discard}, []string{"code", "--jsonl", "-"}); c != exitOK {
			t.Fatalf("exit %d", c)
		}
		return stdout.String()
	}
	want := code(strings.NewReader(in.String()))
	if n := strings.Count(want, "\n"); n != 801 {
		t.Fatalf("%d results for 801 lines", n)
	}
	for name, src := range map[string]io.Reader{
		"one byte":  iotest.OneByteReader(strings.NewReader(in.String())),
		"half":      iotest.HalfReader(strings.NewReader(in.String())),
		"EOF early": iotest.DataErrReader(strings.NewReader(in.String())),
	} {
		if got := code(src); got != want {
			t.Errorf("%s: the results differ", name)
		}
	}
}
