package guide

import (
	"math/rand/v2"
	"testing"
)

// The table answers as a map bounded to maxKept entries does: a key seen
// before gives the segment it was first seen at; once maxKept are kept,
// new keys are not recorded.
func TestKeyTableIsABoundedMap(t *testing.T) {
	var tab keyTable
	want := map[uint64]int{}
	r := rand.New(rand.NewPCG(1, 2))
	keys := make([]uint64, 0, maxKept*5/4)
	for seg := 1; seg <= maxKept*5/4; seg++ {
		k := r.Uint64()
		if seg%7 == 0 && len(keys) > 0 {
			k = keys[r.IntN(len(keys))] // a repeat
		}
		keys = append(keys, k)
		got, dup := tab.first(k, seg)
		w, wdup := want[k]
		if dup != wdup || got != w {
			t.Fatalf("key %d at segment %d: got %d %v, want %d %v", k, seg, got, dup, w, wdup)
		}
		if !wdup && len(want) < maxKept {
			want[k] = seg
		}
	}
	if tab.n != maxKept || len(tab.keys) > maxKeySlots {
		t.Errorf("kept %d in %d slots, want %d in at most %d", tab.n, len(tab.keys), maxKept, maxKeySlots)
	}
}
