package guide

import "math/bits"

// keyTable maps 64-bit hashes to the segment where each was first seen,
// for the claim-repeat checks: at most maxKept of them, in an open-addressed
// table of at most maxKept·5/4 slots, which takes less memory than a map of
// as many entries and does not double when it is nearly full.
type keyTable struct {
	slots []keySlot
	n     int
}

// keySlot is an entry; seg 0 (segments count from 1) marks a free slot.
type keySlot struct {
	key uint64
	seg int
}

const maxKeySlots = maxKept + maxKept/4

// find returns where key is, or the free slot where it would go.
func (t *keyTable) find(key uint64) *keySlot {
	n := uint64(len(t.slots))
	i, _ := bits.Mul64(key*0x9E3779B97F4A7C15, n)
	for {
		s := &t.slots[i]
		if s.seg == 0 || s.key == key {
			return s
		}
		if i++; i == n {
			i = 0
		}
	}
}

// first returns the segment where key was first seen, and whether it was.
// When not, it records it at seg, while fewer than maxKept are kept.
func (t *keyTable) first(key uint64, seg int) (int, bool) {
	if len(t.slots) == 0 {
		t.slots = make([]keySlot, 1024)
	}
	s := t.find(key)
	if s.seg != 0 {
		return s.seg, true
	}
	if t.n >= maxKept {
		return 0, false
	}
	if 4*(t.n+1) > 3*len(t.slots) && len(t.slots) < maxKeySlots {
		t.grow()
		s = t.find(key)
	}
	s.key, s.seg = key, seg
	t.n++
	return 0, false
}

func (t *keyTable) grow() {
	old := t.slots
	t.slots = make([]keySlot, min(2*len(old), maxKeySlots))
	for _, s := range old {
		if s.seg != 0 {
			*t.find(s.key) = s
		}
	}
}
