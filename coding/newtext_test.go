package coding

import (
	"math/rand"
	"strings"
	"testing"
	"unsafe"

	"github.com/perdiem/perdiem/ident"
)

// TestNewTextIsTheTextBuilt makes texts of every length up to 80 from a few
// letters, so that many repeat and many share slots, and checks that
// newText returns each as built, whatever texts came before it, and that
// a text made again at once is the same string, not a copy.
func TestNewTextIsTheTextBuilt(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	c := coder{memo: new(memo)}
	var kept []string
	var built []string
	for i := 0; i < 200000; i++ {
		b := c.textBuf()
		for n := r.Intn(81); n > 0; n-- {
			b = append(b, "ab9 "[r.Intn(4)])
		}
		want := string(b)
		got := c.newText(b)
		if got != want {
			t.Fatalf("text %d: newText gave %q, want %q", i, got, want)
		}
		if again := c.newText(append(c.textBuf(), want...)); unsafe.StringData(again) != unsafe.StringData(got) {
			t.Fatalf("text %d: %q made again is a new copy", i, want)
		}
		if i%97 == 0 {
			kept, built = append(kept, got), append(built, want)
		}
	}
	for i := range kept {
		if kept[i] != built[i] {
			t.Fatalf("text kept from earlier changed to %q, want %q", kept[i], built[i])
		}
	}
}

// TestNDCIsNormalizeNDC normalises NDCs of every form, good and bad, many
// repeating, through ndc and through ident.NormalizeNDC. Each is given in
// memory that is written over afterwards, as a batch's documents are, so a
// remembered NDC that kept the document's memory would change.
func TestNDCIsNormalizeNDC(t *testing.T) {
	r := rand.New(rand.NewSource(4))
	c := coder{memo: new(memo)}
	digits := func(b []byte, n int) []byte {
		for ; n > 0; n-- {
			b = append(b, "0123456789"[r.Intn(3)])
		}
		return b
	}
	buf := make([]byte, 0, 32)
	for i := 0; i < 100000; i++ {
		b := buf[:0]
		switch r.Intn(4) {
		case 0:
			b = digits(b, 9+r.Intn(4))
		default:
			b = digits(b, 3+r.Intn(3))
			b = append(b, '-')
			b = digits(b, 2+r.Intn(3))
			b = append(b, '-')
			b = digits(b, 1+r.Intn(2))
		}
		if r.Intn(50) == 0 {
			b[r.Intn(len(b))] = "x- "[r.Intn(3)]
		}
		s := unsafe.String(unsafe.SliceData(b), len(b))
		want, wantErr := ident.NormalizeNDC(strings.Clone(s))
		got, err := c.ndc(s)
		if got != want || (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
			t.Fatalf("ndc(%q) = %q, %v; want %q, %v", s, got, err, want, wantErr)
		}
		got = strings.Clone(got)
		for k := range b {
			b[k] = '#'
		}
		for k := range c.memo.ndcs {
			if e := c.memo.ndcs[k]; strings.Contains(e.in+e.out, "#") {
				t.Fatalf("ndc(%q) kept the memory it was given", got)
			}
		}
	}
}
