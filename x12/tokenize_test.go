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
