package scrub

import (
	"github.com/perdiem/perdiem/codeset"
)

// codeInfo is what the edits ask of a code, worked out once per code set.
type codeInfo struct {
	code     *codeset.Code
	perDiem  bool       // bills per day (codeset IsPerDiem), catheter care included
	catheter bool       // a catheter care per diem (CS-8)
	refs     []groupRef // the CS-9 groups the code is in, and on which side
}

type groupRef struct {
	group int
	a     bool
}

// codeTable indexes a code set for the edits.
type codeTable struct {
	codes  map[string]*codeInfo
	groups []codeset.Exclusion
}

type codeTableKey struct{}

func tableOf(cs *codeset.Set) *codeTable {
	return cs.Derived(codeTableKey{}, func(cs *codeset.Set) any {
		t := &codeTable{codes: map[string]*codeInfo{}, groups: cs.Exclusions()}
		for _, c := range cs.All() {
			t.codes[c.Code] = &codeInfo{code: c, perDiem: c.IsPerDiem(), catheter: c.IsPerDiem() && c.Kind == codeset.Catheter}
		}
		for gi, g := range t.groups {
			for _, c := range g.A {
				t.codes[c].refs = append(t.codes[c].refs, groupRef{gi, true})
			}
			for _, c := range g.B {
				t.codes[c].refs = append(t.codes[c].refs, groupRef{gi, false})
			}
		}
		return t
	}).(*codeTable)
}

// lookup finds a code as the claim writes it; a code in another letter
// case or with spaces around it is found as codeset.Lookup finds it.
func (t *codeTable) lookup(cs *codeset.Set, code string) *codeInfo {
	if c, ok := t.codes[code]; ok {
		return c
	}
	if c, ok := cs.Lookup(code); ok {
		return t.codes[c.Code]
	}
	return nil
}

// serviceSet maps the hash of each service a batch has seen to the claim
// that billed it first: open addressing over one flat array, which stays
// in cache far better than a map of a million entries (a probe reads the
// key and its claim from one cache line).
type serviceSet struct {
	slots []serviceSlot
	n     int
}

type serviceSlot struct {
	key uint64 // 0: empty
	val int32
}

// firstOrAdd returns the claim recorded for h, or records v and returns
// it with false.
func (s *serviceSet) firstOrAdd(h uint64, v int32) (int32, bool) {
	if h == 0 {
		h = 1
	}
	if 2*(s.n+1) > len(s.slots) {
		s.grow()
	}
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		sl := &s.slots[i]
		switch sl.key {
		case h:
			return sl.val, true
		case 0:
			sl.key, sl.val = h, v
			s.n++
			return v, false
		}
	}
}

func (s *serviceSet) grow() {
	old := s.slots
	s.slots, s.n = make([]serviceSlot, max(1024, 2*len(old))), 0
	for _, sl := range old {
		if sl.key != 0 {
			s.firstOrAdd(sl.key, sl.val)
		}
	}
}
