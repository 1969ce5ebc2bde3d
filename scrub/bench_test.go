package scrub

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/internal/cputime"
	"github.com/perdiem/perdiem/internal/gen"
	"github.com/perdiem/perdiem/x12/x837p"
)

// benchClaims is the number of claims in the generated 837P.
const benchClaims = 20000

var bench struct {
	once   sync.Once
	x12    []byte
	claims []*claim.Claim
}

// benchInput writes benchClaims claims coded from random episodes, each
// for its own member, into one 837P, and keeps them read back.
func benchInput(b *testing.B) ([]byte, []*claim.Claim) {
	bench.once.Do(func() {
		block := claimBlock(b)
		r := rand.New(rand.NewSource(1))
		var buf bytes.Buffer
		enc := x837p.NewEncoder(&buf)
		begun := false
		for n := 0; n < benchClaims; {
			doc := gen.Episode(r)
			data, err := json.Marshal(doc)
			if err != nil {
				b.Fatal(err)
			}
			_, c := coded(b, data, block)
			if c == nil || len(c.Lines) == 0 {
				continue
			}
			c.ID = fmt.Sprintf("B%08d", n)
			c.Subscriber.MemberID = fmt.Sprintf("M%08d", n)
			for i := range c.Lines {
				c.Lines[i].ID = fmt.Sprintf("%s-%d", c.ID, i+1)
			}
			x, err := x837p.Build(c, x837p.Options{Codes: codeset.Default()})
			if err != nil {
				b.Fatal(err)
			}
			parts, err := x837p.Split(x)
			if err != nil {
				b.Fatal(err)
			}
			for _, p := range parts {
				if !begun {
					if err := enc.Begin(p, x837p.Control{Number: 1, Time: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC), Usage: "T"}); err != nil {
						b.Fatal(err)
					}
					begun = true
				}
				if err := enc.Add(p); err != nil {
					b.Fatal(err)
				}
				n++
			}
		}
		if err := enc.End(); err != nil {
			b.Fatal(err)
		}
		bench.x12 = buf.Bytes()
		d := x837p.NewDecoder(bytes.NewReader(bench.x12))
		for {
			x, err := d.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			bench.claims = append(bench.claims, x.Coded(codeset.Default()))
		}
	})
	return bench.x12, bench.claims
}

// BenchmarkScrub837P reads every claim of a generated 837P, turns it into
// a claim.Claim and scrubs it in one batch, placing the findings at their
// segments: what perdiem scrub does on its second pass.
func BenchmarkScrub837P(b *testing.B) {
	data, claims := benchInput(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cputime.Process()
	for i := 0; i < b.N; i++ {
		d := x837p.NewDecoder(bytes.NewReader(data))
		batch := NewBatch(Options{})
		var segs []int
		var c claim.Claim
		for {
			x, err := d.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			x.CodedInto(&c, batch.codes)
			fs, err := batch.Check(&c, nil)
			if err != nil {
				b.Fatal(err)
			}
			pos := d.Positions()
			segs = segs[:0]
			for _, p := range pos.Lines {
				segs = append(segs, p.Segment)
			}
			Locate(fs, pos.Claim.Segment, segs)
		}
	}
	report(b, claims, cpu)
}

// BenchmarkCheck scrubs the claims already read: the edits alone.
func BenchmarkCheck(b *testing.B) {
	_, claims := benchInput(b)
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cputime.Process()
	for i := 0; i < b.N; i++ {
		batch := NewBatch(Options{})
		for _, c := range claims {
			if _, err := batch.Check(c, nil); err != nil {
				b.Fatal(err)
			}
		}
	}
	report(b, claims, cpu)
}

// BenchmarkDecodeOnly reads the claims of the 837P and nothing more: the
// share of BenchmarkScrub837P that is reading.
func BenchmarkDecodeOnly(b *testing.B) {
	data, claims := benchInput(b)
	b.ResetTimer()
	cpu := cputime.Process()
	for i := 0; i < b.N; i++ {
		d := x837p.NewDecoder(bytes.NewReader(data))
		for {
			_, err := d.Next()
			if err == io.EOF {
				break
			}
		}
	}
	report(b, claims, cpu)
}

// report gives claims a second by the wall clock and, with GOMAXPROCS 1
// (-cpu 1) where the process's processor time is known, by the processor
// time used since cpu.
func report(b *testing.B, claims []*claim.Claim, cpu time.Duration) {
	n := float64(len(claims) * b.N)
	lines := 0
	for _, c := range claims {
		lines += len(c.Lines)
	}
	b.ReportMetric(n/b.Elapsed().Seconds(), "claims/s")
	b.ReportMetric(float64(lines)/float64(len(claims)), "lines/claim")
	if used := cputime.Process() - cpu; cpu > 0 && used > 0 && runtime.GOMAXPROCS(0) == 1 {
		b.ReportMetric(n/used.Seconds(), "claims/cpu-s")
	}
}
