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

// findRun splits the segments of b from from on as findSeps does one, up
// to runBytes bytes: it writes each one's offsets into offs as
// Segment.seps has them, from -1 to its terminator, one after the other,
// and the index in offs of each one's terminator into ends, and returns
// how many it wrote. It stops before a segment whose terminator is not in
// the words it reads or whose offsets do not fit, and after one that is
// followed, after any whitespace (isSpace), by another byte up to a space,
// an I or the end of b, where a Reader looks at more than the bytes. A
// segment after whitespace starts at its first byte that is not.
func findRun(b []byte, from int, es, term byte, offs, ends []int) (nseg int) {
	return findRunWords(b, from, es, term, offs, ends)
}
