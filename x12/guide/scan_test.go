package guide

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// refScan is the walk cut made segment by segment before scanSegments
// looked at each S instead: the answers scanSegments must give.
func refScan(data []byte, first, from int, term, es byte) segScan {
	p, next := from, from
	lastSE, seStart, isaAt := -1, 0, -1
	for p < len(data) {
		q := p
		for q < len(data) && isSpace(data[q]) {
			q++
		}
		k := bytes.IndexByte(data[q:], term)
		if k < 0 {
			break
		}
		if q > first && startsISA(data[q:]) {
			isaAt = p
			break
		}
		if k >= 2 && data[q] == 'S' && data[q+1] == 'E' && (k == 2 || data[q+2] == es) {
			lastSE, seStart = q+k+1, q
		}
		p = q + k + 1
		next = p
	}
	return segScan{next: next, lastSE: lastSE, seStart: seStart, isaAt: isaAt}
}

// checkScan compares scanSegments with refScan on data as cut meets a
// chunk: first past spaces (and a byte order mark), from past an ISA
// there; and from other places.
func checkScan(t *testing.T, name string, data []byte, term, es byte) {
	t.Helper()
	first := 0
	if bytes.HasPrefix(data, utf8BOM) {
		first = len(utf8BOM)
	}
	for first < len(data) && isSpace(data[first]) {
		first++
	}
	froms := []int{first}
	if first < len(data) && startsISA(data[first:]) && len(data)-first >= isaLen {
		froms = append(froms, first+isaLen)
	}
	if len(data) > first {
		froms = append(froms, first+1, first+(len(data)-first)/2, len(data))
	}
	for _, from := range froms {
		want := refScan(data, first, from, term, es)
		if got := scanSegments(data, first, from, term, es); got != want {
			t.Fatalf("%s (%d bytes, first %d, from %d, terminator %q, separator %q): got %+v, want %+v",
				name, len(data), first, from, term, es, got, want)
		}
	}
}

// samples are the X12 files of the repository and the 837P variants of
// inputs.
func samples(t *testing.T) map[string][]byte {
	out := inputs(t)
	files, err := filepath.Glob("../../testdata/x12/*/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if filepath.Ext(f) == ".md" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(f)] = b
	}
	return out
}

// TestScanSegmentsSamples holds scanSegments to the segment walk on the
// samples cut into chunks at random places, with their own delimiters and
// others.
func TestScanSegmentsSamples(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for name, in := range samples(t) {
		term, es := byte('~'), byte('*')
		if i := bytes.Index(in, []byte("ISA")); i >= 0 {
			if d, ok := isaDelimiters(in[i:]); ok && !isSpace(d.Segment) {
				term, es = d.Segment, d.Element
			}
		}
		delims := [][2]byte{{term, es}, {'~', '*'}, {'!', '|'}, {'S', 'E'}, {'A', '*'}, {'E', '~'}, {'*', '~'}}
		for range 40 {
			lo := rng.IntN(len(in) + 1)
			if rng.IntN(4) == 0 {
				lo = 0
			}
			hi := lo + rng.IntN(min(len(in)-lo, 16<<10)+1)
			if rng.IntN(4) == 0 {
				hi = len(in)
			}
			d := delims[rng.IntN(len(delims))]
			if rng.IntN(2) == 0 {
				d = delims[0]
			}
			checkScan(t, fmt.Sprintf("%s[%d:%d]", name, lo, hi), in[lo:hi], d[0], d[1])
		}
	}
}

// TestScanSegmentsRandom holds scanSegments to the segment walk on random
// segments: IDs and elements that are, begin with, end with or hold SE and
// ISA, padding before segments, empty segments, delimiters of all kinds,
// and runs dense in S.
func TestScanSegmentsRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	delims := [][2]byte{{'~', '*'}, {'!', '|'}, {'\'', '+'}, {'~', ' '}, {'~', '~'}, {'S', '*'}, {'E', '*'}, {'~', 'S'}, {'~', 'E'}, {'I', '*'}, {'A', '*'}, {'~', 'A'}}
	ids := []string{"SE", "ISA", "ST", "NM1", "S", "E", "I", "SES", "SEE", "ISAB", "ISA1", "IS", "XSE", "LISA", "", "SSSSSSSS", "SV1"}
	elems := []string{"", "SE", "ISA", "LISA", "JOSE", "SEE NDC", "S", "SS", "X", "A B", "12", "ISA~", "SE~", "ISA\n", "SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS"}
	pads := []string{"", "", "", " ", "\n", "\r\n", "\t", "  \n ", "\v\f"}
	for n := range 20000 {
		d := delims[rng.IntN(len(delims))]
		if n%2 == 0 {
			d = delims[0]
		}
		term, es := d[0], d[1]
		var b []byte
		if rng.IntN(3) == 0 {
			b = append(b, pads[rng.IntN(len(pads))]...)
		}
		segs := rng.IntN(12)
		if n%50 == 0 {
			segs = 400
		}
		for range segs {
			b = append(b, pads[rng.IntN(len(pads))]...)
			b = append(b, ids[rng.IntN(len(ids))]...)
			for range rng.IntN(4) {
				b = append(b, es)
				b = append(b, elems[rng.IntN(len(elems))]...)
			}
			if rng.IntN(20) != 0 {
				b = append(b, term)
			}
		}
		if rng.IntN(4) == 0 {
			// an ISA of the real length, with other delimiters
			isa := "ISA*00*          *00*          *ZZ*HITSUBMIT      *ZZ*PAYERRCVR      *260115*1200*^*00501*000000101*0*T*:~"
			at := rng.IntN(len(b) + 1)
			b = append(b[:at:at], append([]byte(isa), b[at:]...)...)
		}
		if rng.IntN(4) == 0 {
			b = b[:rng.IntN(len(b)+1)]
		}
		checkScan(t, fmt.Sprintf("random input %d %q", n, b), b, term, es)
	}
	// bytes of a small alphabet, any order
	const alphabet = "SEIA*~| \nSSx"
	for n := range 20000 {
		b := make([]byte, rng.IntN(300))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		term, es := alphabet[rng.IntN(len(alphabet))], alphabet[rng.IntN(len(alphabet))]
		if isSpace(term) {
			continue // cut takes no space for terminator
		}
		checkScan(t, fmt.Sprintf("random bytes %d %q", n, b), b, term, es)
	}
}

// FuzzScanSegments holds scanSegments to the segment walk on any input.
func FuzzScanSegments(f *testing.F) {
	f.Add([]byte("ISA*00*~GS*HC~ST*837~SE*2*0001~ \n SE~ISA*~LISA*SE*~SE"), byte('~'), byte('*'))
	f.Add([]byte(strings.Repeat("SSSS*S~", 40)+"SE*1~"), byte('~'), byte('*'))
	f.Fuzz(func(t *testing.T, data []byte, term, es byte) {
		if isSpace(term) {
			return
		}
		checkScan(t, "input", data, term, es)
	})
}

// BenchmarkScanSegments is scanSegments and the segment walk over chunks
// of sets of one claim (an SE in every few hundred bytes) and of a set of
// many (no SE).
func BenchmarkScanSegments(b *testing.B) {
	in, err := os.ReadFile("../../testdata/x12/837p/synthetic__home-infusion-good.x12")
	if err != nil {
		b.Fatal(err)
	}
	st, se := bytes.Index(in, []byte("ST*")), bytes.LastIndex(in, []byte("SE*"))
	clm := bytes.Index(in, []byte("CLM*"))
	if st < 0 || se < st || clm < st {
		b.Fatal("no set in the sample")
	}
	end := se + bytes.IndexByte(in[se:], '~') + 1
	sets := bytes.Repeat(in[st:end], defaultChunkSize/(end-st)+1)[:defaultChunkSize]
	claims := bytes.Repeat(in[clm:se], defaultChunkSize/(se-clm)+1)[:defaultChunkSize]
	for _, c := range []struct {
		name string
		data []byte
	}{{"sets of one claim", sets}, {"a set of many claims", claims}} {
		b.Run(c.name+"/by S", func(b *testing.B) {
			b.SetBytes(int64(len(c.data)))
			for b.Loop() {
				scanSegments(c.data, 0, 0, '~', '*')
			}
		})
		b.Run(c.name+"/segment by segment", func(b *testing.B) {
			b.SetBytes(int64(len(c.data)))
			for b.Loop() {
				scanEach(c.data, 0, 0, '~', '*')
			}
		})
	}
}
