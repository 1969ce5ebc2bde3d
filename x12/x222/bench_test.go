package x222

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"testing"

	"github.com/perdiem/perdiem/internal/cputime"
)

// claimFile generates an 837P of sets transaction sets of perSet
// subscriber/claim blocks each, copied from the good sample and numbered so
// that it validates clean (each block has its HL number within its set, and
// its own member ID and CLM01 within the file, so no claim repeats another;
// each set its own ST02), without holding it in memory.
type claimFile struct {
	head, setHead, tail []byte
	// block is a subscriber loop after its "HL*n", cut where the member
	// ID's and CLM01's numbers go
	block        [3][]byte
	setSegs      int // segments of a set without its claim blocks
	blockSegs    int
	sets, perSet int
	set, i, id   int // set being written (1-based), its blocks written, last claim number
	buf, scratch []byte
}

func newClaimFile(tb testing.TB, sets, perSet int) *claimFile {
	tb.Helper()
	src, err := os.ReadFile(samples + "synthetic__home-infusion-good.x12")
	if err != nil {
		tb.Fatal(err)
	}
	src = bytes.ReplaceAll(src, []byte("\n"), nil)
	const st = "ST*837*0001*005010X222A1~"
	s := bytes.Index(src, []byte(st))
	i := bytes.Index(src, []byte("HL*2*1*22*0~"))
	j := bytes.Index(src, []byte("~SE*")) + 1
	if s < 0 || i < s || j < i {
		tb.Fatal("sample layout changed")
	}
	block := src[i+len("HL*2") : j]
	const member, claim = "MBR123456789", "CLM*HIT20260101A"
	m, k := bytes.Index(block, []byte(member)), bytes.Index(block, []byte(claim))
	if m < 0 || k < m {
		tb.Fatal("sample layout changed")
	}
	return &claimFile{
		head: src[:s], setHead: src[s+len(st) : i],
		block:   [3][]byte{block[:m+3], block[m+len(member) : k+len("CLM*HIT")], block[k+len(claim):]},
		setSegs: bytes.Count(src[s:i], []byte("~")) + 1, blockSegs: bytes.Count(block, []byte("~")),
		tail: fmt.Appendf(nil, "GE*%d*101~IEA*1*000000101~", sets),
		sets: sets, perSet: perSet, id: 1, buf: src[:s],
	}
}

// size is the length of the file c generates, found by generating it.
func (c claimFile) size() int64 {
	c.buf, c.scratch = c.head, nil
	n, _ := io.Copy(io.Discard, &c)
	return n
}

func (c *claimFile) Read(p []byte) (int, error) {
	for len(c.buf) == 0 {
		b := c.scratch[:0]
		switch {
		case c.set > c.sets:
			return 0, io.EOF
		case c.set == 0 || c.i == c.perSet:
			c.set++
			c.i = 0
			b = fmt.Appendf(b, "ST*837*%04d*005010X222A1~", c.set)
			b = append(b, c.setHead...)
		default:
			c.i++
			c.id++
			b = strconv.AppendInt(append(b, "HL*"...), int64(c.i+1), 10)
			b = strconv.AppendInt(append(b, c.block[0]...), int64(c.id), 10)
			b = strconv.AppendInt(append(b, c.block[1]...), int64(c.id), 10)
			b = append(b, c.block[2]...)
			if c.i == c.perSet {
				b = fmt.Appendf(b, "SE*%d*%04d~", c.setSegs+c.perSet*c.blockSegs, c.set)
				if c.set == c.sets {
					c.set++
					b = append(b, c.tail...)
				}
			}
		}
		c.scratch, c.buf = b, b
	}
	k := copy(p, c.buf)
	c.buf = c.buf[k:]
	return k, nil
}

func TestGeneratedFileIsValid(t *testing.T) {
	for _, c := range []struct{ sets, perSet int }{{1, 300}, {300, 1}, {7, 40}} {
		rep, err := Validate(newClaimFile(t, c.sets, c.perSet), testOptions())
		if err != nil {
			t.Fatal(err)
		}
		claims := 0
		for _, s := range rep.Groups[0].Sets {
			claims += s.Claims
		}
		if !rep.Valid() || rep.Sets != c.sets || claims != c.sets*c.perSet {
			t.Fatalf("generated file of %d×%d: valid %v, %d sets, %d claims\n%s", c.sets, c.perSet, rep.Valid(), rep.Sets, claims, findingLines(rep))
		}
	}
}

// The files the whole-process figures of perdiem validate are measured on
// are written by
//
//	go test ./x12/x222 -run TestWriteClaimFile -claimfile FILE -claimfile.mb 100 -claimfile.perset 1
//
// (-claimfile.perset 5000 for sets of 5,000 claims); without -claimfile
// the test is skipped.
var (
	claimFileOut    = flag.String("claimfile", "", "write a generated 837P to this file")
	claimFileMB     = flag.Int("claimfile.mb", 100, "its size in MB (10^6 bytes), give or take a set")
	claimFilePerSet = flag.Int("claimfile.perset", 1, "its claims per transaction set")
)

func TestWriteClaimFile(t *testing.T) {
	if *claimFileOut == "" {
		t.Skip("no -claimfile given")
	}
	per := *claimFilePerSet
	one := newClaimFile(t, 2, per).size() - newClaimFile(t, 1, per).size()
	sets := max(1, int(int64(*claimFileMB)*1e6/one))
	f, err := os.Create(*claimFileOut)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	n, err := io.Copy(w, newClaimFile(t, sets, per))
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %d bytes, %d sets of %d claims", *claimFileOut, n, sets, per)
}

// discard is a Sink that keeps nothing, as perdiem validate's report
// keeps nothing of a set without findings.
type discard struct{}

func (discard) Interchange(InterchangeInfo) error             { return nil }
func (discard) Finding(Finding) error                         { return nil }
func (discard) Set(*GroupResult, *SetResult, []Finding) error { return nil }
func (discard) Group(*GroupResult) error                      { return nil }

func BenchmarkValidate(b *testing.B) {
	for _, c := range []struct {
		name         string
		sets, perSet int
		sink         Sink
	}{{"claims=1000", 1, 1000, nil}, {"claims=20000", 1, 20000, nil}, {"sets=20000", 20000, 1, nil}, {"sets=20000,sink", 20000, 1, discard{}}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(newClaimFile(b, c.sets, c.perSet).size())
			b.ReportAllocs()
			opt := testOptions()
			opt.Sink = c.sink
			var peak uint64
			cpu := cputime.Process()
			for b.Loop() {
				rep, err := Validate(newClaimFile(b, c.sets, c.perSet), opt)
				if err != nil || !rep.Valid() {
					b.Fatal(err, findingLines(rep))
				}
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
			b.ReportMetric(float64(peak)/(1<<20), "heapMB")
			// The processor time of every goroutine (and the input's
			// generation): on a shared machine the wall clock also counts
			// the time others had the processor.
			if used := cputime.Process() - cpu; cpu > 0 && used > 0 {
				b.ReportMetric(float64(used.Nanoseconds())/float64(b.N), "cpu-ns/op")
			}
		})
	}
}

func BenchmarkParse(b *testing.B) {
	src, err := os.ReadFile(samples + "imsweb__x12_many_claims.x12")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(bytes.NewReader(src)); err != nil {
			b.Fatal(err)
		}
	}
}
