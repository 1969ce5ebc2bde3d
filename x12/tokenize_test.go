package x12

import (
	"bytes"
	"errors"
	"math/rand/v2"
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
