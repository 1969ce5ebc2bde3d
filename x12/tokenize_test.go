package x12

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// Tokenize finds every element separator wherever it falls in the
// eight-byte words it reads, as splitting the text byte by byte does.
func TestTokenizeSplitsAsBytesSplit(t *testing.T) {
	d := Delimiters{Element: '*', Component: ':', Repetition: '^', Segment: '~'}
	r := rand.New(rand.NewPCG(3, 4))
	alphabet := []byte("AB*\n:9 *")
	for n := range 2000 {
		raw := []byte("CLM*")
		for range r.IntN(40) {
			raw = append(raw, alphabet[r.IntN(len(alphabet))])
		}
		var s Segment
		err := s.tokenize(raw, d, Position{Segment: n + 1}, new(idCache))
		if err != nil {
			t.Fatalf("%q: %v", raw, err)
		}
		want := bytes.Split(raw, []byte{'*'})
		if s.Len()+1 != len(want) {
			t.Fatalf("%q: %d elements, want %d", raw, s.Len(), len(want)-1)
		}
		for i, w := range want {
			if got := s.ElementBytes(i); !bytes.Equal(got, w) {
				t.Fatalf("%q: element %d is %q, want %q", raw, i, got, w)
			}
		}
	}
}

// A segment may have MaxElements elements, not one more, wherever its
// last separators fall in the words the tokenizer reads.
func TestTokenizeElementLimit(t *testing.T) {
	d := Delimiters{Element: '*', Component: ':', Repetition: '^', Segment: '~'}
	for pad := range 9 {
		for _, n := range []int{MaxElements, MaxElements + 1} {
			raw := []byte("REF" + strings.Repeat("*", n) + strings.Repeat("X", pad))
			var s Segment
			err := s.tokenize(raw, d, Position{Segment: 1}, new(idCache))
			if tooMany := errors.Is(err, ErrTooManyElements); tooMany != (n > MaxElements) {
				t.Errorf("%d elements and %d more bytes: error %v", n, pad, err)
			}
			if err == nil && s.Len() != n {
				t.Errorf("%d elements and %d more bytes: Len %d", n, pad, s.Len())
			}
		}
	}
}

// Next splits each segment as Tokenize splits the text Skip finds for it,
// and gives the same errors, however the input arrives: Next finds the
// terminator and the separators in one pass when the segment is buffered,
// and the other way when not.
func TestNextSplitsAsSkipAndTokenize(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	alphabet := []byte("AB*~\n:9 *~Z")
	for n := range 500 {
		in := []byte(isa)
		for range r.IntN(30) {
			in = append(in, "NM1*"[:2+r.IntN(3)]...)
			for range r.IntN(30) {
				in = append(in, alphabet[r.IntN(len(alphabet))])
			}
			in = append(in, '~')
		}
		in = in[:len(in)-r.IntN(3)]
		piece := 1 + r.IntN(40)
		next, skip := NewReader(&pieces{data: in, n: piece}), NewReader(&pieces{data: in, n: piece})
		next.Resync, skip.Resync = true, true
		next.MaxSegmentSize, skip.MaxSegmentSize = 25, 25
		nextAsSkip(t, fmt.Sprintf("input %d %q", n, in), next, skip)
	}
}

// nextAsSkip reads the same input with next's Next and skip's Skip and
// Tokenize, and fails the test where they differ.
func nextAsSkip(t *testing.T, name string, next, skip *Reader) {
	t.Helper()
	for {
		seg, err := next.Next()
		id, raw, pos, serr := skip.Skip()
		var want Segment
		if serr == nil {
			serr = want.Tokenize(raw, skip.Delimiters(), pos)
		}
		if (err == nil) != (serr == nil) || err != nil && err.Error() != serr.Error() {
			t.Fatalf("%s: Next: %v, Skip and Tokenize: %v", name, err, serr)
		}
		if err != nil {
			if se, ok := err.(*SyntaxError); ok && se.Resynced {
				continue
			}
			return
		}
		if seg.ID() != id || seg.Pos() != want.Pos() || seg.Len() != want.Len() || seg.Padded() != skip.Padded() {
			t.Fatalf("%s: Next gives %s at %v, %d elements, padded %v; want %s at %v, %d, %v",
				name, seg.ID(), seg.Pos(), seg.Len(), seg.Padded(), id, want.Pos(), want.Len(), skip.Padded())
		}
		for i := 0; i <= seg.Len(); i++ {
			if !bytes.Equal(seg.ElementBytes(i), want.ElementBytes(i)) {
				t.Fatalf("%s: %s element %d is %q, want %q", name, id, i, seg.ElementBytes(i), want.ElementBytes(i))
			}
		}
	}
}

// A Next that fails because the input ends without a terminator, or at a
// segment too long, leaves the segment it returned before as it was: a
// validator still reports at it, and may read its elements.
func TestFailedNextKeepsTheLastSegment(t *testing.T) {
	for _, tail := range []string{"N4*CITY*ST", "N4*" + strings.Repeat("X", 40) + "~"} {
		// the first read ends a few bytes into the tail
		head := isa + "NM1*IL*1*DOE*JANE~"
		r := NewReader(&pieces{data: []byte(head + tail), n: len(head) + 5})
		r.MaxSegmentSize = 30
		var last *Segment
		for {
			s, err := r.Next()
			if err != nil {
				break
			}
			last = s
		}
		got := []string{last.ID()}
		for i := 1; i <= last.Len(); i++ {
			got = append(got, last.Element(i))
		}
		if want := []string{"NM1", "IL", "1", "DOE", "JANE"}; !slices.Equal(got, want) {
			t.Errorf("after %q: the last segment reads %q, want %q", tail, got, want)
		}
	}
}

// pieces reads data n bytes at a time.
type pieces struct {
	data []byte
	n    int
}

func (p *pieces) Read(b []byte) (int, error) {
	if len(p.data) == 0 {
		return 0, io.EOF
	}
	k := copy(b[:min(len(b), p.n)], p.data)
	p.data = p.data[k:]
	return k, nil
}

// Segments longer than the offsets a Reader first makes room for, with
// separators before and after that many bytes, are split as Tokenize
// splits them, whether they are buffered whole or arrive in pieces.
func TestNextSplitsLongSegments(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for n := range 200 {
		in := []byte(isa)
		for range 1 + r.IntN(4) {
			in = append(in, "REF*"...)
			stars := r.IntN(4) == 0 // every byte a separator
			for range scanSeps - 40 + r.IntN(3*scanSeps) {
				c := byte('A' + r.IntN(3))
				if stars || r.IntN(5) == 0 {
					c = '*'
				}
				in = append(in, c)
			}
			in = append(in, "~N3*X~"...)
		}
		piece := len(in)
		if n%2 == 1 {
			piece = 1 + r.IntN(700)
		}
		nextAsSkip(t, fmt.Sprintf("input %d", n), NewReader(&pieces{data: in, n: piece}), NewReader(bytes.NewReader(in)))
	}
}

// An ID of three bytes whose first is zero has the key of the ID of two
// bytes after it in the Reader's cache of IDs; it is still a bad ID.
func TestNextRejectsIDLikeACachedOne(t *testing.T) {
	r := NewReader(strings.NewReader(isa + "HL*1~\x00HL*2~HL*3~"))
	r.Resync = true
	var got []string
	for {
		s, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if !errors.Is(err, ErrBadSegmentID) {
				t.Fatalf("segment %d: %v, want a bad segment ID", len(got)+1, err)
			}
			got = append(got, "bad")
			continue
		}
		got = append(got, s.ID())
	}
	if want := []string{"ISA", "HL", "bad", "HL"}; !slices.Equal(got, want) {
		t.Errorf("read %q, want %q", got, want)
	}
}

// findSeps, and findSepsWords where there is no assembly for it, find the
// separators before the first terminator as a byte at a time does, or
// stop at a block without one before the end; neither writes an offset
// past the room seps has.
func TestFindSeps(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	alphabet := []byte("AB*~:*Z\x00\xff\x80")
	for n := range 20000 {
		b := make([]byte, r.IntN(80))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
			if n%7 == 0 {
				b[i] = '*'
			}
		}
		var want []int
		term := -1
		for i, c := range b {
			if c == '~' {
				term = i
				break
			}
			if c == '*' {
				want = append(want, i)
			}
		}
		for name, find := range map[string]func([]byte, byte, byte, []int) (int, int, int){"findSeps": findSeps, "findSepsWords": findSepsWords} {
			room := len(b) + 2
			if n%3 == 0 {
				room = 2 + r.IntN(len(b)+1)
			}
			seps := make([]int, room+8)
			for i := range seps {
				seps[i] = -7
			}
			got, k, i := find(b, '*', '~', seps[:room])
			if k >= room || slices.ContainsFunc(seps[room:], func(v int) bool { return v != -7 }) {
				t.Fatalf("%s(%q) with room for %d offsets wrote %d, or past them: %v", name, b, room, k, seps)
			}
			switch {
			case got >= 0:
				if got != term || !slices.Equal(seps[1:k], want) {
					t.Fatalf("%s(%q): terminator %d, separators %v; want %d, %v", name, b, got, seps[1:k], term, want)
				}
			case i > len(b) || term >= 0 && term < i || !slices.Equal(seps[1:k], want[:min(len(want), k-1)]) || len(want) >= k && want[k-1] < i:
				t.Fatalf("%s(%q): no terminator before %d, separators %v; want %d, %v", name, b, i, seps[1:k], term, want)
			}
		}
	}
}

// findRun, and findRunWords where there is no assembly for it, split the
// segments from where they start as a byte at a time does, stop only where
// they may (at the end of what they read, before a segment that does not
// fit, after one followed by a byte up to a space that is not whitespace,
// an I or the end), go past whitespace between segments, and write
// nothing past the room they have.
func TestFindRun(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	alphabet := []byte("AB*~~:*Z\x00\xff\x80 \n\r\t\vI")
	for n := range 20000 {
		b := make([]byte, r.IntN(120))
		if n%2 == 0 {
			b = make([]byte, r.IntN(3*runBytes/2))
		}
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
			if n%5 == 0 && b[i] <= ' ' {
				b[i] = 'A'
			}
		}
		from := r.IntN(len(b) + 1)
		// the segments from from, a byte at a time, each as -1, the
		// separators and the terminator, from its start
		var want [][]int
		next := -1 // where the run must stop at the latest
		for start, seps := from, []int{-1}; start < len(b); {
			i := start
			for ; i < len(b) && b[i] != '~'; i++ {
				if b[i] == '*' {
					seps = append(seps, i-start)
				}
			}
			if i == len(b) || i >= from+runBytes {
				break
			}
			want = append(want, append(seps, i-start))
			start, seps = i+1, []int{-1}
			for start < len(b) && isSpace(b[start]) {
				start++
			}
			if start == len(b) || b[start] <= ' ' || b[start] == 'I' {
				next = len(want)
				break
			}
		}
		for name, find := range map[string]func([]byte, int, byte, byte, []int, []int) int{"findRun": findRun, "findRunWords": findRunWords} {
			room, segs := 40+r.IntN(runOffs), 1+r.IntN(runSegs)
			offs, ends := make([]int, room+8), make([]int, segs+8)
			for i := range offs {
				offs[i] = -7
			}
			for i := range ends {
				ends[i] = -7
			}
			got := find(b, from, '*', '~', offs[:room], ends[:segs])
			if slices.ContainsFunc(offs[room:], func(v int) bool { return v != -7 }) || slices.ContainsFunc(ends[segs:], func(v int) bool { return v != -7 }) {
				t.Fatalf("%s(%q, %d) wrote past its room", name, b, from)
			}
			if got > len(want) || next >= 0 && got > next {
				t.Fatalf("%s(%q, %d): %d segments, want at most %d", name, b, from, got, len(want))
			}
			a := 0
			for j := range got {
				if ends[j] < a || !slices.Equal(offs[a:ends[j]+1], want[j]) {
					t.Fatalf("%s(%q, %d): segment %d is %v, want %v", name, b, from, j, offs[a:max(a, ends[j]+1)], want[j])
				}
				a = ends[j] + 1
			}
			// The first segment is found when it ends a block before the
			// end and its offsets fit with a block's to spare.
			if len(want) > 0 && got == 0 && from+want[0][len(want[0])-1]+16 < min(len(b), from+runBytes) && len(want[0])+34 < room {
				t.Fatalf("%s(%q, %d): no segment, want %v", name, b, from, want[0])
			}
		}
	}
}
