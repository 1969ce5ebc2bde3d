// Package packed turns short codes into integers, for tables that look
// codes up without hashing strings.
package packed

// MaxLen is the most bytes Pack takes.
const MaxLen = 7

// Pack turns up to MaxLen bytes into an integer that no other string of at
// most MaxLen bytes has, and that is 0 only for the empty string: the
// bytes, then the length in the top byte.
func Pack[T string | []byte](v T) uint64 {
	var k uint64
	for i := 0; i < len(v); i++ {
		k = k<<8 | uint64(v[i])
	}
	return k | uint64(len(v))<<56
}
