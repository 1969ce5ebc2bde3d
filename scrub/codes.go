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
// that billed it first: open addressing over flat arrays, which stay in
// cache far better than a map of a million entries.
type serviceSet struct {
	keys []uint64 // 0 is an empty slot
	vals []int32
	n    int
}

// firstOrAdd returns the claim recorded for h, or records v and returns
// it with false.
func (s *serviceSet) firstOrAdd(h uint64, v int32) (int32, bool) {
	if h == 0 {
		h = 1
	}
	if 2*(s.n+1) > len(s.keys) {
		s.grow()
	}
	mask := uint64(len(s.keys) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch s.keys[i] {
		case h:
			return s.vals[i], true
		case 0:
			s.keys[i], s.vals[i] = h, v
			s.n++
			return v, false
		}
	}
}

func (s *serviceSet) grow() {
	old, oldVals := s.keys, s.vals
	size := max(1024, 2*len(old))
	s.keys, s.vals, s.n = make([]uint64, size), make([]int32, size), 0
	for i, k := range old {
		if k != 0 {
			s.firstOrAdd(k, oldVals[i])
		}
	}
}
