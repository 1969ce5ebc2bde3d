package codeset

import (
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/perdiem/perdiem/civil"
)

// Set is a dated code table with its flag rules (IN-1 bundling, NOC) and
// exclusion groups (CS-9). A Set is immutable and safe for concurrent use;
// callers must not modify the Codes and Exclusions it hands out.
type Set struct {
	codes  []*Code // sorted by code
	index  map[string]*Code
	rules  []flagRule
	groups []group
	excl   []Exclusion
	// release is the first day of the newest CMS release the set holds.
	release civil.Date
	// derived holds tables other packages compute from the set (Derived).
	derived sync.Map
}

// Release is the first day of the newest CMS release the set is built
// from (2025-01-01 for the embedded table).
func (s *Set) Release() civil.Date { return s.release }

// Derived returns build(s), computed once per set and key. Packages that
// derive lookup tables from a code set keep them here, so a table lives
// exactly as long as its set and no global cache grows with each new set.
func (s *Set) Derived(key any, build func(*Set) any) any {
	if v, ok := s.derived.Load(key); ok {
		return v
	}
	v, _ := s.derived.LoadOrStore(key, build(s))
	return v
}

var (
	defaultOnce sync.Once
	defaultSet  *Set
)

// Default returns the embedded table: the CMS annual file merged with the
// curated home infusion rows (see data/). It is parsed once.
func Default() *Set {
	defaultOnce.Do(func() {
		s, err := loadEmbedded()
		if err != nil {
			// The embedded data is checked by the package tests; a failure
			// here is a build that skipped them.
			panic("codeset: embedded table: " + err.Error())
		}
		defaultSet = s
	})
	return defaultSet
}

// newSet indexes codes and applies the flag rules and exclusion groups.
func newSet(codes []*Code, rules []flagRule, groups []group) *Set {
	s := &Set{codes: codes, index: make(map[string]*Code, len(codes)), rules: rules, groups: groups}
	for _, c := range codes {
		s.index[c.Code] = c
	}
	s.sortCodes()
	for _, c := range s.codes {
		s.flag(c)
	}
	s.expand()
	return s
}

func (s *Set) sortCodes() {
	s.codes = s.codes[:0]
	for _, c := range s.index {
		s.codes = append(s.codes, c)
	}
	sort.Slice(s.codes, func(i, j int) bool { return s.codes[i].Code < s.codes[j].Code })
}

// flag sets Bundled and NOC on a code the Set owns and no other Set shares.
func (s *Set) flag(c *Code) {
	c.Bundled, c.NOC = false, false
	for _, r := range s.rules {
		if r.match(c) {
			switch r.flag {
			case flagBundled:
				c.Bundled = true
			case flagNOC:
				c.NOC = true
			}
		}
	}
}

// expand turns each exclusion group's patterns into the codes of the Set.
func (s *Set) expand() {
	s.excl = make([]Exclusion, 0, len(s.groups))
	for _, g := range s.groups {
		x := g.Exclusion
		x.A, x.B = s.codesMatching(g.a), s.codesMatching(g.b)
		s.excl = append(s.excl, x)
	}
}

func (s *Set) codesMatching(ps []pattern) []string {
	var out []string
	for _, c := range s.codes {
		if matchAll(ps, c) {
			out = append(out, c.Code)
		}
	}
	return out
}

// Len is the number of codes.
func (s *Set) Len() int { return len(s.codes) }

// All returns every code, sorted by code.
func (s *Set) All() []*Code { return slices.Clone(s.codes) }

// Lookup finds a code or modifier, in any letter case.
func (s *Set) Lookup(code string) (*Code, bool) {
	if c, ok := s.index[code]; ok {
		return c, true
	}
	up := strings.ToUpper(strings.TrimSpace(code))
	c, ok := s.index[up]
	return c, ok
}

// Exclusions returns the CS-9 groups with their patterns expanded to the
// codes of this Set ("any per diem" becomes every per diem code).
func (s *Set) Exclusions() []Exclusion { return slices.Clone(s.excl) }

// Search finds codes for the "perdiem codes" command: a code or code prefix
// ("S95", "j0690") gives the codes that start with it; otherwise every word
// of the query must occur in the code or one of its descriptors. An empty
// query gives every code. Results are sorted by code.
func (s *Set) Search(query string) []*Code {
	q := strings.TrimSpace(query)
	if q == "" {
		return s.All()
	}
	if up := strings.ToUpper(q); isCodePrefix(up) {
		i := sort.Search(len(s.codes), func(i int) bool { return s.codes[i].Code >= up })
		var out []*Code
		for ; i < len(s.codes) && strings.HasPrefix(s.codes[i].Code, up); i++ {
			out = append(out, s.codes[i])
		}
		if len(out) > 0 {
			return out
		}
	}
	words := strings.Fields(asciiLower(q))
	var out []*Code
	for _, c := range s.codes {
		if containsAll(searchText(c), words) {
			out = append(out, c)
		}
	}
	return out
}

func isCodePrefix(s string) bool {
	if len(s) > 5 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) {
			return false
		}
	}
	return true
}

func searchText(c *Code) string {
	var b strings.Builder
	b.WriteString(c.Code)
	for _, t := range []string{c.Short, c.Long} {
		b.WriteByte(' ')
		b.WriteString(t)
	}
	for _, v := range c.Versions {
		b.WriteByte(' ')
		b.WriteString(v.Long)
	}
	return asciiLower(b.String())
}

func containsAll(s string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}

// With returns a new Set with codes laid over this one, as when a user
// points at a newer CMS quarterly file. A code already in the Set keeps its
// Kind (the curated classification: per diem, nursing, …) and takes the new
// descriptor, dates and dose; when the descriptor changed on a known day
// (Versions from ReadCMS), the old one stays in Versions. Flag rules and
// exclusion groups are applied again, so a new code in a bundled range is
// bundled and a new per diem joins "any per diem".
func (s *Set) With(codes []Code) *Set {
	n := &Set{index: make(map[string]*Code, len(s.index)+len(codes)), rules: s.rules, groups: s.groups, release: s.release}
	for k, c := range s.index {
		n.index[k] = c
	}
	for i := range codes {
		c := Overlay(n.index[codes[i].Code], codes[i])
		n.flag(c)
		n.index[c.Code] = c
	}
	n.sortCodes()
	n.expand()
	return n
}

// Overlay lays a newer row over a code (nil when the code is new) and
// returns the merged copy, as With does for each row. The newer row wins,
// except that a Kind which only restates what the code's letter says (J is
// a drug, a two-character code a modifier, …) leaves a curated Kind such as
// per diem in place. When the descriptor changed on a known day (the last
// of newer's Versions), the old descriptor is kept in Versions; when the day
// is unknown, no history is claimed.
func Overlay(old *Code, newer Code) *Code {
	c := newer
	c.Versions = slices.Clone(newer.Versions)
	if old != nil {
		if c.Kind == classify(c.Code) {
			c.Kind = old.Kind
		}
		if sameText(old.Long, c.Long) {
			// The same descriptor: keep the longer known history.
			if len(c.Versions) < 2 || len(c.Versions) <= len(old.Versions) {
				c.Versions = old.Versions
			}
		} else {
			history := old.history()
			last := history[len(history)-1].From
			var later []Version
			for _, v := range c.Versions {
				if v.From > last {
					later = append(later, v)
				}
			}
			if len(later) > 0 {
				c.Versions = append(history, later...)
			} else {
				c.Versions = nil
			}
		}
	}
	if len(c.Versions) == 1 && c.Versions[0].From <= c.Effective {
		c.Versions = nil
	}
	return &c
}

// sameText compares descriptors ignoring letter case and spacing, which CMS
// changes without changing the meaning.
func sameText(a, b string) bool {
	return strings.EqualFold(strings.Join(strings.Fields(a), " "), strings.Join(strings.Fields(b), " "))
}
