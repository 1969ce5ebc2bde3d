package x222

import (
	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/x12/internal/packed"
)

// codeIndex finds the codes of a code set by the bytes of an element, as
// codeset.Set.Lookup finds them by a string, at the cost of a few integer
// operations: every service line looks up its procedure code and
// modifiers. Codes of up to seven bytes are packed into integers (packed.Pack)
// in an open-addressed table of at least twice as many slots.
type codeIndex struct {
	keys  []uint64 // 0: free
	codes []*codeset.Code
	shift uint // 64 less the log2 of len(keys)
}

type codeIndexKey struct{}

// codesByBytes is the codeIndex of cs, made once per code set.
func codesByBytes(cs *codeset.Set) *codeIndex {
	return cs.Derived(codeIndexKey{}, func(s *codeset.Set) any {
		// The codes lookup packs: for them Lookup is the map's exact
		// answer.
		var keys []string
		for _, c := range s.All() {
			if k := c.Code; len(k) > 0 && len(k) <= packed.MaxLen && upperASCII([]byte(k)) {
				keys = append(keys, k)
			}
		}
		size, bits := 4, uint(2)
		for size < 2*len(keys) {
			size, bits = 2*size, bits+1
		}
		x := &codeIndex{keys: make([]uint64, size), codes: make([]*codeset.Code, size), shift: 64 - bits}
		for _, k := range keys {
			if c, ok := s.Lookup(k); ok {
				h := x.slot(packed.Pack(k))
				x.keys[h], x.codes[h] = packed.Pack(k), c
			}
		}
		return x
	}).(*codeIndex)
}

// slot is where key is in the table, or the free slot where it goes.
func (x *codeIndex) slot(key uint64) uint64 {
	mask := uint64(len(x.keys) - 1)
	h := key * 0x9E3779B97F4A7C15 >> x.shift
	for x.keys[h] != 0 && x.keys[h] != key {
		h = (h + 1) & mask
	}
	return h
}

// lookup is cs.Lookup(string(v)), cs being the set x was made of.
func (x *codeIndex) lookup(cs *codeset.Set, v []byte) (*codeset.Code, bool) {
	if len(v) == 0 || len(v) > packed.MaxLen || !upperASCII(v) {
		return cs.Lookup(string(v))
	}
	// Lookup tries v, then v in upper case without spaces around it,
	// which is v itself: v is a code exactly when the table has it.
	h := x.slot(packed.Pack(v))
	return x.codes[h], x.keys[h] != 0
}

// upperASCII reports whether v is printable ASCII without spaces or lower
// case letters, so that it is its own upper case and has nothing to trim.
func upperASCII(v []byte) bool {
	for _, c := range v {
		if c <= ' ' || c > '~' || c >= 'a' && c <= 'z' {
			return false
		}
	}
	return true
}
