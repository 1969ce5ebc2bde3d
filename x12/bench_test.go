package x12

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// claimStream is an 837P built from the home-infusion sample by repeating
// its claim (CLM through the last service line) n times, generated as it is
// read so that no large file is ever held.
type claimStream struct {
	parts [][]byte // head, claim, foot
	n     int      // claims still to emit
	cur   []byte
	stage int
}

func loadClaimParts(t testing.TB) (head, claim, foot []byte) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "x12", "837p", "synthetic__home-infusion-good.x12"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	i, j := strings.Index(s, "\nCLM*")+1, strings.Index(s, "\nSE*")+1
	if i == 0 || j < i {
		t.Fatal("home-infusion sample has no CLM … SE")
	}
	return data[:i], data[i:j], data[j:]
}

func newClaimStream(t testing.TB, claims int) (*claimStream, int64) {
	head, claim, foot := loadClaimParts(t)
	size := int64(len(head)+len(foot)) + int64(claims)*int64(len(claim))
	return &claimStream{parts: [][]byte{head, claim, foot}, n: claims, cur: head}, size
}

func (c *claimStream) Read(p []byte) (int, error) {
	for len(c.cur) == 0 {
		switch {
		case c.stage == 0 || c.stage == 1 && c.n > 0:
			c.stage = 1
			c.n--
			c.cur = c.parts[1]
			if c.n < 0 {
				c.stage, c.cur = 2, c.parts[2]
			}
		case c.stage == 1:
			c.stage, c.cur = 2, c.parts[2]
		default:
			return 0, io.EOF
		}
	}
	n := copy(p, c.cur)
	c.cur = c.cur[n:]
	return n, nil
}

func countSegments(t testing.TB, r io.Reader) int {
	t.Helper()
	x := NewReader(r)
	n := 0
	for {
		_, err := x.Next()
		if err == io.EOF {
			return n
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
}

func TestClaimStreamIsTheSampleRepeated(t *testing.T) {
	head, claim, foot := loadClaimParts(t)
	for _, claims := range []int{0, 1, 3} {
		s, size := newClaimStream(t, claims)
		got, err := io.ReadAll(s)
		if err != nil {
			t.Fatal(err)
		}
		want := string(head) + strings.Repeat(string(claim), claims) + string(foot)
		if string(got) != want || int64(len(got)) != size {
			t.Errorf("%d claims: stream of %d bytes differs from the sample repeated (%d bytes)", claims, len(got), len(want))
		}
	}
}

// TestMemoryFlatOnLargeInput pins that tokenizing allocates a fixed amount,
// whatever the input size: the buffer, the element offsets and the ID table.
func TestMemoryFlatOnLargeInput(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 64 MB")
	}
	_, claim, _ := loadClaimParts(t)
	var before, after runtime.MemStats
	s, size := newClaimStream(t, 64<<20/len(claim))
	runtime.GC()
	runtime.ReadMemStats(&before)
	n := countSegments(t, s)
	runtime.ReadMemStats(&after)
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("%d segments, %d MB: %d KB allocated", n, size>>20, alloc>>10)
	if alloc > 1<<20 {
		t.Errorf("tokenizing %d MB allocated %d KB, want under 1 MB", size>>20, alloc>>10)
	}
}

func BenchmarkReader837P(b *testing.B) {
	_, claim, _ := loadClaimParts(b)
	s, _ := newClaimStream(b, b.N)
	b.SetBytes(int64(len(claim)))
	b.ReportAllocs()
	b.ResetTimer()
	n := countSegments(b, s)
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "segments/s")
}

func BenchmarkReaderManyClaimsFile(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("..", "testdata", "x12", "837p", "imsweb__x12_many_claims.x12"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		countSegments(b, bytes.NewReader(data))
	}
}

// BenchmarkReaderMemory reads whole streams of growing size and reports
// what the heap held and how much was allocated, to show memory is flat.
func BenchmarkReaderMemory(b *testing.B) {
	_, claim, _ := loadClaimParts(b)
	for _, mb := range []int{100, 500} {
		b.Run(fmt.Sprintf("%dMB", mb), func(b *testing.B) {
			var before, after runtime.MemStats
			var size int64
			var peak uint64
			runtime.GC()
			runtime.ReadMemStats(&before)
			for b.Loop() {
				var s *claimStream
				s, size = newClaimStream(b, mb<<20/len(claim))
				r := NewReader(s)
				for i := 0; ; i++ {
					_, err := r.Next()
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					if i%1_000_000 == 0 {
						runtime.ReadMemStats(&after)
						peak = max(peak, after.HeapInuse)
					}
				}
			}
			runtime.ReadMemStats(&after)
			b.SetBytes(size)
			b.ReportMetric(float64(peak)/(1<<20), "peak-HeapInuse-MB")
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/(1<<10), "TotalAlloc-KB/op")
		})
	}
}

func BenchmarkWriter(b *testing.B) {
	_, claim, _ := loadClaimParts(b)
	r := NewReader(strings.NewReader(isa + string(claim)))
	var segs [][]string
	for {
		s, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		if s.ID() == "ISA" {
			continue
		}
		els := []string{s.ID()}
		for i := 1; i <= s.Len(); i++ {
			els = append(els, s.Element(i))
		}
		segs = append(segs, els)
	}
	w := NewWriter(io.Discard, DefaultDelimiters)
	b.SetBytes(int64(len(claim)))
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range segs {
			if err := w.WriteSegment(s[0], s[1:]...); err != nil {
				b.Fatal(err)
			}
		}
	}
	w.Flush()
	b.ReportMetric(float64(len(segs)*b.N)/b.Elapsed().Seconds(), "segments/s")
}
