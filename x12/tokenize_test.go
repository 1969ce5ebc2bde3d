package x12

import (
	"bytes"
	"math/rand/v2"
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

// The flags tokenize sets on its one pass (Printable, HasComponents, line
// breaks) agree with looking at each byte, for every byte value at every
// position of a word and of the tail.
func TestTokenizeSeesBytesAsOneByOne(t *testing.T) {
	d := Delimiters{Element: '*', Component: ':', Repetition: '^', Segment: '~'}
	for n := 1; n <= 19; n++ {
		for pos := 0; pos < n; pos++ {
			for c := 0; c < 256; c++ {
				raw := []byte("REF*")
				for i := range n {
					raw = append(raw, byte('A'+(i*7)%26)) // printable neighbours
				}
				raw[4+pos] = byte(c)
				var s Segment
				if err := s.tokenize(raw, d, Position{Segment: 1}, new(idCache)); err != nil {
					t.Fatalf("%q: %v", raw, err)
				}
				printable := c >= 0x20 && c <= 0x7E
				if got := s.Printable(); got != printable {
					t.Fatalf("%q: Printable = %v, want %v", raw, got, printable)
				}
				if got := s.HasComponents(); got != (c == ':') {
					t.Fatalf("%q: HasComponents = %v, want %v", raw, got, c == ':')
				}
				if got := s.bytesSeen&seenLineBreak != 0; got != (c == '\n') {
					t.Fatalf("%q: line break seen = %v, want %v", raw, got, c == '\n')
				}
			}
		}
	}
}

// Finding the terminator on the pass that splits the elements gives the
// segment tokenize gives for the text before the first terminator, with
// the same notes of the bytes seen, whatever follows it; without a
// terminator, or when tokenize fails, it gives nothing.
func TestTokenizeTerminatedAsTokenize(t *testing.T) {
	d := Delimiters{Element: '*', Component: ':', Repetition: '^', Segment: '~'}
	r := rand.New(rand.NewPCG(7, 8))
	alphabet := []byte("AB*\n:9 ~\x01\xffE")
	for n := range 20000 {
		var b []byte
		if r.IntN(10) > 0 {
			b = append(b, "CLM*"[:2+r.IntN(3)]...)
		}
		for range r.IntN(40) {
			b = append(b, alphabet[r.IntN(len(alphabet))])
		}
		pos := Position{Segment: n + 1}
		var got, want Segment
		size, ok := got.tokenizeTerminated(b, d, pos, new(idCache))
		end := bytes.IndexByte(b, '~')
		if end < 0 {
			if ok {
				t.Fatalf("%q: a segment of %d bytes without a terminator", b, size)
			}
			continue
		}
		err := want.tokenize(b[:end], d, pos, new(idCache))
		if ok != (err == nil) {
			t.Fatalf("%q: tokenizeTerminated ok %v, tokenize %v", b, ok, err)
		}
		if !ok {
			continue
		}
		if size != end || got.id != want.id || !bytes.Equal(got.raw, want.raw) || got.bytesSeen != want.bytesSeen ||
			len(got.seps) != len(want.seps) {
			t.Fatalf("%q: got %d bytes %q %q seen %b seps %v, want %d %q %q %b %v", b, size, got.id, got.raw, got.bytesSeen, got.seps,
				end, want.id, want.raw, want.bytesSeen, want.seps)
		}
		for i := range got.seps {
			if got.seps[i] != want.seps[i] {
				t.Fatalf("%q: separators %v, want %v", b, got.seps, want.seps)
			}
		}
	}
}
