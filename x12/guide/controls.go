package guide

import (
	"hash/fnv"
	"slices"
)

// controls remembers control numbers (ISA13, GS06, ST02) to find repeats,
// in little memory whatever the file's size. Numeric ones, the usual case,
// are kept as runs of consecutive values, so a group whose sets count 0001,
// 0002, … costs one run however many sets it has; others, and numeric ones
// once the runs are many, are kept as 64-bit hashes, at most maxKept of
// them. A number kept neither way (the hashes are full) is not a repeat.
type controls struct {
	runs   []span // sorted, apart: a gap between any two
	hashed map[uint64]struct{}
}

// span is the keys lo … hi.
type span struct{ lo, hi uint64 }

// maxRuns bounds the runs, which are kept sorted by inserting: beyond it
// numbers go to the hashes.
const maxRuns = 4096

// seen reports whether v was added before, and adds it.
func (c *controls) seen(v string) bool {
	k, ok := numericKey(v)
	if !ok {
		return c.hash(v)
	}
	i, _ := slices.BinarySearchFunc(c.runs, k, func(s span, k uint64) int {
		switch {
		case s.hi < k:
			return -1
		case s.lo > k:
			return 1
		}
		return 0
	})
	// runs[i] is the first run that does not end before k.
	if i < len(c.runs) && c.runs[i].lo <= k {
		return true
	}
	if len(c.hashed) > 0 && c.hash(v) {
		return true // kept as a hash once the runs were many
	}
	switch {
	case i > 0 && c.runs[i-1].hi+1 == k:
		c.runs[i-1].hi = k
		if i < len(c.runs) && c.runs[i].lo == k+1 {
			c.runs[i-1].hi = c.runs[i].hi
			c.runs = slices.Delete(c.runs, i, i+1)
		}
	case i < len(c.runs) && c.runs[i].lo == k+1:
		c.runs[i].lo = k
	case len(c.runs) < maxRuns:
		c.runs = slices.Insert(c.runs, i, span{k, k})
	default:
		c.hash(v)
	}
	return false
}

// hash reports whether v's hash was added before, and adds it.
func (c *controls) hash(v string) bool {
	h := fnv.New64a()
	h.Write([]byte(v))
	k := h.Sum64()
	if _, dup := c.hashed[k]; dup {
		return true
	}
	if len(c.hashed) < maxKept {
		if c.hashed == nil {
			c.hashed = map[uint64]struct{}{}
		}
		c.hashed[k] = struct{}{}
	}
	return false
}

func (c *controls) reset() {
	c.runs = c.runs[:0]
	clear(c.hashed)
}

// numericKey is v's value with its length above it, so that "0001" and "1"
// differ and consecutive numbers of one width have consecutive keys.
func numericKey(v string) (uint64, bool) {
	if len(v) == 0 || len(v) > 17 {
		return 0, false
	}
	var x uint64
	for i := 0; i < len(v); i++ {
		d := v[i] - '0'
		if d > 9 {
			return 0, false
		}
		x = x*10 + uint64(d)
	}
	return uint64(len(v))<<57 | x, true
}
