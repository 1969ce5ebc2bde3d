//go:build !amd64

package x12

// findSeps writes the offsets of the element separators es in b before the
// first terminator term into seps from seps[1] on, and returns the
// terminator's offset and the index after the last offset written; or -1
// when the blocks of b it reads have no terminator, and the offset of the
// bytes after them. It reads no more bytes than seps has room for offsets,
// less two: seps[k] is then in it.
func findSeps(b []byte, es, term byte, seps []int) (n, k, i int) {
	return findSepsWords(b, es, term, seps)
}
