package x222

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"testing"
)

// claimFile generates an 837P of n subscriber/claim blocks copied from the
// good sample, numbered so that it validates clean (each block has its own
// HL number, member ID and CLM01, so no claim repeats another), without
// holding it in memory.
type claimFile struct {
	head, tail []byte
	// block is a subscriber loop after its "HL*n", cut where the member
	// ID's and CLM01's numbers go
	block        [3][]byte
	n, i         int
	buf, scratch []byte
	size         int64
}

func newClaimFile(tb testing.TB, n int) *claimFile {
	tb.Helper()
	src, err := os.ReadFile(samples + "synthetic__home-infusion-good.x12")
	if err != nil {
		tb.Fatal(err)
	}
	src = bytes.ReplaceAll(src, []byte("\n"), nil)
	i := bytes.Index(src, []byte("HL*2*1*22*0~"))
	j := bytes.Index(src, []byte("~SE*")) + 1
	if i < 0 || j < 1 {
		tb.Fatal("sample layout changed")
	}
	st := bytes.Index(src, []byte("ST*"))
	block := src[i+len("HL*2") : j]
	const member, claim = "MBR123456789", "CLM*HIT20260101A"
	m, k := bytes.Index(block, []byte(member)), bytes.Index(block, []byte(claim))
	if m < 0 || k < m {
		tb.Fatal("sample layout changed")
	}
	parts := [3][]byte{block[:m+3], block[m+len(member) : k+len("CLM*HIT")], block[k+len(claim):]}
	segs := bytes.Count(src[st:i], []byte("~")) + n*bytes.Count(block, []byte("~")) + 1
	end := bytes.Index(src[j:], []byte("~"))
	tail := fmt.Appendf(nil, "SE*%d*0001%s", segs, src[j+end:])
	c := &claimFile{head: src[:i], block: parts, tail: tail, n: n}
	c.size = int64(len(c.head) + len(c.tail) + n*(len(parts[0])+len(parts[1])+len(parts[2])+len("HL*")) + 3*digitsUpTo(n+1))
	c.buf = c.head
	return c
}

// digitsUpTo is the number of digits in the HL numbers 2 … n. It counts by
// powers of ten so that the benchmark's allocations are the validator's.
func digitsUpTo(n int) int {
	d := 0
	for lo, w := 1, 1; lo <= n; lo, w = lo*10, w+1 {
		d += (min(n, lo*10-1) - max(lo, 2) + 1) * w
	}
	return d
}

func (c *claimFile) Read(p []byte) (int, error) {
	for len(c.buf) == 0 {
		switch {
		case c.i < c.n:
			c.i++
			n := int64(c.i + 1)
			b := strconv.AppendInt(append(c.scratch[:0], "HL*"...), n, 10)
			b = strconv.AppendInt(append(b, c.block[0]...), n, 10)
			b = strconv.AppendInt(append(b, c.block[1]...), n, 10)
			c.scratch = append(b, c.block[2]...)
			c.buf = c.scratch
		case c.i == c.n:
			c.i++
			c.buf = c.tail
		default:
			return 0, io.EOF
		}
	}
	k := copy(p, c.buf)
	c.buf = c.buf[k:]
	return k, nil
}

func TestGeneratedFileIsValid(t *testing.T) {
	rep, err := Validate(newClaimFile(t, 300), testOptions())
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Valid() || rep.Groups[0].Sets[0].Claims != 300 {
		t.Fatalf("generated file: valid %v, claims %d\n%s", rep.Valid(), rep.Groups[0].Sets[0].Claims, findingLines(rep))
	}
}

func BenchmarkValidate(b *testing.B) {
	for _, n := range []int{1000, 20000} {
		b.Run(fmt.Sprintf("claims=%d", n), func(b *testing.B) {
			b.SetBytes(newClaimFile(b, n).size)
			b.ReportAllocs()
			var peak uint64
			for b.Loop() {
				rep, err := Validate(newClaimFile(b, n), testOptions())
				if err != nil || !rep.Valid() {
					b.Fatal(err, findingLines(rep))
				}
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
			b.ReportMetric(float64(peak)/(1<<20), "heapMB")
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
