package guide

import "testing"

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
