package guide

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/x12"
)

// inputs are the 837P samples of the repository, and variants of them cut
// short, with bad bytes, missing trailers and sets repeated, so that every
// way a set can end (SE, another ST, GE, IEA, a syntax error, the end of
// the input) falls inside a chunk and at its edges; and with segments the
// tokenizer skips (resynchronising) or reports for their layout.
func inputs(t testing.TB) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob("../../testdata/x12/837p/*")
	if err != nil || len(files) == 0 {
		t.Fatal("no 837P samples", err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(f)
		out[name] = b
		for _, cut := range []int{len(b) / 3, len(b) / 2, len(b) - 40} {
			out[fmt.Sprintf("%s cut at %d", name, cut)] = b[:cut]
		}
		mid := len(b) / 2
		out[name+" with a bad byte"] = append(append(bytes.Clone(b[:mid]), '\x01', '~', '!', '*'), b[mid:]...)
		out[name+" with a bad segment ID"] = bytes.Replace(b, []byte("N3*"), []byte("N@3*"), 1)
		out[name+" with a bad segment between sets"] = bytes.Replace(b, []byte("ST*"), []byte("B@D*1~ST*"), 1)
		long := []byte("REF" + strings.Repeat("*", x12.MaxElements+1) + "~")
		if n4 := bytes.Index(b, []byte("~N4*")); n4 > 0 {
			out[name+" ending after a segment of too many elements"] = append(bytes.Clone(b[:n4+1]), long...)
		}
		out[name+" with an ST of too many elements"] = bytes.Replace(b, []byte("ST*"), append([]byte("ST"), long[3:]...), 1)
		out[name+" with an SE of too many elements"] = bytes.Replace(b, []byte("SE*"), append([]byte("SE"), long[3:]...), 1)
		out[name+" indented"] = bytes.ReplaceAll(b, []byte("~N"), []byte("~ N"))
		out[name+" with trailing separators"] = bytes.ReplaceAll(b, []byte("~D"), []byte("*~D"))
		out[name+" on lines"] = bytes.ReplaceAll(b, []byte("~"), []byte("~\r\n"))
		out[name+" with a byte order mark"] = append([]byte("\xEF\xBB\xBF\n"), b...)
		if !bytes.Contains(b, []byte("\n")) {
			// a space character for terminator: cut segment by segment
			nl := bytes.ReplaceAll(b, []byte("~"), []byte("\n"))
			out[name+" with line breaks for terminators"] = nl
			if st, ge := bytes.Index(nl, []byte("\nST*")), bytes.LastIndex(nl, []byte("\nGE*")); st > 0 && ge > st {
				sets := bytes.Repeat(nl[st:ge], 3)
				sets = bytes.Replace(sets, []byte("\nN3*"), []byte("\nN@3*"), 2)
				sets = bytes.Replace(sets, []byte("\nST*"), append([]byte("\nST"), bytes.Repeat([]byte("*"), x12.MaxElements+1)...), 1)
				out[name+" with line breaks for terminators, sets repeated and bad segments"] = append(append(append([]byte(nil), nl[:st]...), sets...), nl[ge:]...)
			}
			// a second interchange that breaks off in its ISA
			out[name+" and a broken one"] = append(bytes.Clone(b), bytes.Replace(b, []byte("*00*"), []byte("*000*"), 1)...)
			// the second interchange with other delimiters
			other := []byte(strings.NewReplacer("~", "!", "*", "|", ":", "<").Replace(string(b)))
			out[name+" and another with other delimiters"] = append(bytes.Clone(b), other...)
		}
		if n4 := bytes.Index(b, []byte("~N4*")); n4 > 0 {
			// longer than the splitter cuts: read segment by segment
			// from there
			huge := append([]byte("NTE*ADD*"), bytes.Repeat([]byte("A"), maxCut+10)...)
			out[name+" with a huge segment"] = append(append(bytes.Clone(b[:n4+1]), huge...), b[n4:]...)
		}
		out[name+" without SE"] = bytes.Replace(b, []byte("SE*"), []byte("ZZ*"), 1)
		out[name+" without GE"] = bytes.Replace(b, []byte("GE*"), []byte("ZZ*"), 1)
		if st, ge := bytes.Index(b, []byte("ST*")), bytes.LastIndex(b, []byte("GE*")); st > 0 && ge > st {
			sets := bytes.Repeat(b[st:ge], 5)
			out[name+" sets repeated"] = append(append(append([]byte(nil), b[:st]...), sets...), b[ge:]...)
			out[name+" twice"] = append(bytes.Clone(b), b...)
		}
	}
	return out
}

func reportJSON(t testing.TB, g *Guide, in []byte, workers, maxFindings int) string {
	t.Helper()
	rep, err := Validate(g, bytes.NewReader(in), nil, Options{Workers: workers, MaxFindings: maxFindings})
	if err != nil {
		var se *x12.SyntaxError
		if !errors.As(err, &se) {
			t.Fatalf("workers %d: %v", workers, err)
		}
		return "error: " + err.Error()
	}
	b, err := json.MarshalIndent(rep, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestWorkersGiveTheSameReport checks that checking sets in parallel, with
// chunks cut anywhere, gives the report of checking them one by one.
func TestWorkersGiveTheSameReport(t *testing.T) {
	g := x222Guide(t)
	bufs, sets := buffersInFlight, setsInFlight
	defer func(n int) { chunkSize, buffersInFlight, setsInFlight = n, bufs, sets }(chunkSize)
	for name, in := range inputs(t) {
		chunkSize = defaultChunkSize
		want := reportJSON(t, g, in, 1, 0)
		for _, c := range []struct{ workers, chunk, max int }{{2, defaultChunkSize, 0}, {2, 1, 0}, {3, 300, 0}} {
			chunkSize = c.chunk
			if got := reportJSON(t, g, in, c.workers, c.max); got != want {
				t.Errorf("%s: %d workers, chunks of %d bytes: the report differs from one worker's:\n%s", name, c.workers, c.chunk, diff(want, got))
			}
		}
		// the splitter held back: one chunk of input at a time, one or
		// two sets waiting to be taken back in order
		for _, c := range []struct{ bufs, sets int }{{1, 1}, {2, 2}} {
			chunkSize, buffersInFlight, setsInFlight = 300, c.bufs, c.sets
			if got := reportJSON(t, g, in, 3, 0); got != want {
				t.Errorf("%s: %d chunk buffers, %d sets in flight: the report differs from one worker's:\n%s", name, c.bufs, c.sets, diff(want, got))
			}
		}
		buffersInFlight, setsInFlight = bufs, sets
		chunkSize = defaultChunkSize
		want = reportJSON(t, g, in, 1, 3)
		chunkSize = 100
		if got := reportJSON(t, g, in, 4, 3); got != want {
			t.Errorf("%s: at most 3 findings: the report of 4 workers differs from one worker's:\n%s", name, diff(want, got))
		}
	}
}

// diff shows the first line where two reports differ.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range min(len(w), len(g)) {
		if w[i] != g[i] {
			return fmt.Sprintf("line %d: want %s\n got %s", i+1, w[i], g[i])
		}
	}
	return fmt.Sprintf("want %d lines, got %d", len(w), len(g))
}

// setRecorder is a Sink that writes down each set's result and findings as
// it is given them (Validate reuses them afterwards).
type setRecorder struct{ sets []string }

func (r *setRecorder) Interchange(InterchangeInfo) error { return nil }
func (r *setRecorder) Finding(Finding) error             { return nil }
func (r *setRecorder) Group(*GroupResult) error          { return nil }
func (r *setRecorder) Set(g *GroupResult, s *SetResult, findings []Finding) error {
	b, err := json.Marshal(struct {
		Group    string
		Set      *SetResult
		Findings []Finding
	}{g.Control, s, findings})
	r.sets = append(r.sets, string(b))
	return err
}

// TestSinkGetsTheReportsSets checks that a Sink is given, set by set, the
// results a Report keeps, while the results handed to it are reused,
// whatever the number of workers.
func TestSinkGetsTheReportsSets(t *testing.T) {
	g := x222Guide(t)
	defer func(n int) { chunkSize = n }(chunkSize)
	for name, in := range inputs(t) {
		chunkSize = defaultChunkSize
		// every finding kept, so that the Report's are the Sink's
		const all = 1 << 20
		rep, err := Validate(g, bytes.NewReader(in), nil, Options{Workers: 1, MaxFindings: all})
		if err != nil {
			continue // not X12: no sets
		}
		var want []string
		for _, gr := range rep.Groups {
			for _, s := range gr.Sets {
				var fs []Finding
				for _, f := range rep.Findings {
					if f.Set == s.Ordinal {
						fs = append(fs, f)
					}
				}
				b, _ := json.Marshal(struct {
					Group    string
					Set      *SetResult
					Findings []Finding
				}{gr.Control, s, fs})
				want = append(want, string(b))
			}
		}
		for _, workers := range []int{1, 3} {
			chunkSize = 300
			var r setRecorder
			if _, err := Validate(g, bytes.NewReader(in), nil, Options{Workers: workers, Sink: &r, MaxFindings: all}); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if got := strings.Join(r.sets, "\n"); got != strings.Join(want, "\n") {
				d := diff(strings.Join(want, "\n"), got)
				t.Errorf("%s: %d workers: the Sink's sets differ from the Report's:\n%s", name, workers, d[:min(len(d), 600)])
			}
		}
	}
}

// FuzzWorkers checks that checking sets in parallel, with the input cut in
// small chunks, gives the report of checking them one by one, whatever the
// input.
func FuzzWorkers(f *testing.F) {
	g := x222Guide(f)
	for _, in := range inputs(f) {
		if len(in) < 8<<10 {
			f.Add(in)
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		defer func(n int) { chunkSize = n }(chunkSize)
		want := reportJSON(t, g, in, 1, 0)
		for _, size := range []int{1, 200} {
			chunkSize = size
			if got := reportJSON(t, g, in, 3, 0); got != want {
				t.Errorf("chunks of %d bytes: the report of 3 workers differs from one worker's:\n%s", size, diff(want, got))
			}
		}
	})
}
