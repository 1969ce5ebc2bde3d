package guide

import (
	"math"
	"math/bits"
)

// keyTable maps 64-bit hashes to the segment where each was first seen,
// for the claim-repeat checks: at most maxKept of them, in an open-addressed
// table of at most maxKept·5/4 slots, which takes less memory than a map of
// as many entries and does not double when it is nearly full. Keys and
// segment numbers are kept in two arrays, twelve bytes a slot: a claim
// past segment 2³²−1 (an input of some hundred GB) is not kept, as one past
// the maxKept-th is not.
type keyTable struct {
	keys []uint64
	segs []uint32 // 0 (segments count from 1) marks a free slot
	n    int
}

const maxKeySlots = maxKept + maxKept/4

// find returns the slot where key is, or the free slot where it would go.
func (t *keyTable) find(key uint64) int {
	n := uint64(len(t.keys))
	i, _ := bits.Mul64(key*0x9E3779B97F4A7C15, n)
	for {
		if t.segs[i] == 0 || t.keys[i] == key {
			return int(i)
		}
		if i++; i == n {
			i = 0
		}
	}
}

// first returns the segment where key was first seen, and whether it was.
// When not, it records it at seg, while fewer than maxKept are kept.
func (t *keyTable) first(key uint64, seg int) (int, bool) {
	if len(t.keys) == 0 {
		t.keys, t.segs = make([]uint64, 1024), make([]uint32, 1024)
	}
	s := t.find(key)
	if t.segs[s] != 0 {
		return int(t.segs[s]), true
	}
	if t.n >= maxKept || seg > math.MaxUint32 {
		return 0, false
	}
	if 4*(t.n+1) > 3*len(t.keys) && len(t.keys) < maxKeySlots {
		t.grow()
		s = t.find(key)
	}
	t.keys[s], t.segs[s] = key, uint32(seg)
	t.n++
	return 0, false
}

func (t *keyTable) grow() {
	keys, segs := t.keys, t.segs
	n := min(2*len(keys), maxKeySlots)
	t.keys, t.segs = make([]uint64, n), make([]uint32, n)
	for i, seg := range segs {
		if seg != 0 {
			s := t.find(keys[i])
			t.keys[s], t.segs[s] = keys[i], seg
		}
	}
}
