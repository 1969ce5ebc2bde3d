package guide

import (
	"testing"

	"github.com/perdiem/perdiem/civil"
)

// TestInCharsetIsByteByByte: the word-at-a-time character set check agrees
// with looking at each byte, for every byte value at every position of a
// word and of the tail.
func TestInCharsetIsByteByByte(t *testing.T) {
	for n := 1; n <= 19; n++ {
		for pos := 0; pos < n; pos++ {
			for c := 0; c < 256; c++ {
				b := make([]byte, n)
				for i := range b {
					b[i] = byte(0x20 + (i*7)%0x5F) // printable neighbours
				}
				b[pos] = byte(c)
				want := c >= 0x20 && c <= 0x7E
				if got := inCharset(b); got != want {
					t.Fatalf("len %d, byte %#x at %d: inCharset = %v, want %v", n, c, pos, got, want)
				}
			}
		}
	}
}

// TestDateNReadsDigitsOneByOne: the eight-digits-at-a-time date parse
// agrees with reading each digit, for every byte value at every position.
func TestDateNReadsDigitsOneByOne(t *testing.T) {
	slow := func(v []byte) (int, bool) {
		x := 0
		for _, b := range v {
			if b < '0' || b > '9' {
				return 0, false
			}
			x = x*10 + int(b-'0')
		}
		y, mo, d := x/10000, x/100%100, x%100
		if mo < 1 || mo > 12 || d < 1 || d > civil.DaysIn(y, mo) {
			return 0, false
		}
		return x, true
	}
	for _, base := range []string{"20260131", "20240229", "20230229", "19991231", "00000101", "99991130", "20261301", "20260100", "20260431"} {
		for pos := range len(base) {
			for c := range 256 {
				v := []byte(base)
				v[pos] = byte(c)
				n, ok := dateN(v)
				wn, wok := slow(v)
				if n != wn || ok != wok {
					t.Fatalf("dateN(%q) = %d, %v, want %d, %v", v, n, ok, wn, wok)
				}
			}
		}
	}
}
