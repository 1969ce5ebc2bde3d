package codeset

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// unitWords maps the ways HCPCS descriptors spell a unit to its normal form.
// Longer spellings come first so "units" is not read as "unit" plus "s".
var unitWords = []struct{ word, unit string }{
	{"international units", "units"},
	{"square centimeters", "cm2"},
	{"square centimeter", "cm2"},
	{"million units", "million units"}, // scaled to units by the caller
	{"micrograms", "mcg"},
	{"microgram", "mcg"},
	{"milligrams", "mg"},
	{"milligram", "mg"},
	{"milliliters", "ml"},
	{"milliliter", "ml"},
	{"usp units", "units"},
	{"usp unit", "units"},
	{"grams", "g"},
	{"gram", "g"},
	{"calories", "calories"},
	{"units", "units"},
	{"unit", "units"},
	{"i.u.", "units"},
	{"meq", "meq"},
	{"mcg", "mcg"},
	{"kiu", "kiu"},
	{"gm", "g"},
	{"mg", "mg"},
	{"ml", "ml"},
	{"cc", "ml"},
	{"iu", "units"},
	{"g", "g"},
}

// candidate is one amount found in a descriptor.
type candidate struct {
	start, end int // byte span in the descriptor, including "per " or "up to "
	amount     float64
	unit       string
	inParens   bool
	afterSlash bool // "1 g/0.125 g": the second component of a combination
	afterEq    bool // "500 ml = 1 unit": the "1 unit" side
	beforeEq   bool // "500 ml = 1 unit": the "500 ml" side
	rate       bool // "10 mg/ml", "180 mcg per ml": a concentration
	bound      bool // "less than or equal to 3 mg", "10 to 51 grams": a range that chooses the code
	pack       bool // "provided in 1.1 mg vial": the package, not the unit
}

// ParseDose reads the amount of drug one HCPCS unit stands for from a
// descriptor; see ReadDose. It reports false when there is none.
func ParseDose(descriptor string) (*Dose, bool) {
	d, _ := ReadDose(descriptor)
	return d, d != nil
}

// ReadDose reads the amount of drug one HCPCS unit stands for from a
// descriptor: "Injection, cefazolin sodium, 500 mg" gives 500 mg, "per 250
// mg" 250 mg, "up to 10 mg" 10 mg, "per i.u." 1 unit, "(500 ml = 1 unit)"
// 500 ml, "100 calories = 1 unit" 100 calories, "10 grams lipids" 10 g
// (of lipids). A combination is billed by its combined amount: "1
// gram/0.125 grams (1.125 grams)" is 1.125 g and "ceftolozane 50 mg and
// tazobactam 25 mg" 75 mg, with the components in Parts. When a descriptor
// holds several amounts of one drug, the last one outside parentheses wins,
// since CMS puts the billing unit at the end ("..., 300 micrograms (1500
// i.u.)"); a concentration ("10 mg/ml") counts only when nothing else does.
//
// It returns no dose and no problem when the descriptor states no amount
// per unit: none at all ("per vial", "Unclassified drugs"), a package
// ("150 mg, per bottle of 60 tablets", "..., each") or a range that chooses
// the code rather than sizes the unit ("less than or equal to 100 mg", "10
// to 51 grams of protein"). It returns a problem, and no dose, when the
// amounts are there but do not make one unit: a combination in different
// units, or a stated total that is not the sum of its parts.
func ReadDose(descriptor string) (*Dose, string) {
	all := scanAmounts(descriptor)
	low := asciiLower(descriptor)
	var cands []candidate
	for _, c := range all {
		if !c.bound && !c.pack {
			cands = append(cands, c)
		}
	}
	if len(cands) == 0 {
		return nil, ""
	}
	for _, c := range cands {
		if c.beforeEq {
			return &Dose{Amount: c.amount, Unit: c.unit, Text: descriptor[c.start:c.end]}, ""
		}
	}
	// The billing candidates: outside parentheses and not a concentration
	// when there are such; else what there is.
	pick := func(ok func(candidate) bool) []int {
		var idx []int
		for i, c := range cands {
			if !c.afterSlash && !c.afterEq && ok(c) {
				idx = append(idx, i)
			}
		}
		return idx
	}
	idx := pick(func(c candidate) bool { return !c.inParens && !c.rate })
	if len(idx) == 0 {
		idx = pick(func(c candidate) bool { return !c.inParens })
	}
	if len(idx) == 0 {
		idx = pick(func(c candidate) bool { return !c.rate })
	}
	if len(idx) == 0 {
		return nil, ""
	}
	last := idx[len(idx)-1]
	if perItemAfter(low, cands[last].end) {
		return nil, ""
	}
	// "acetaminophen 10 mg and ibuprofen 3 mg": amounts of different drugs
	// joined by "and" are one combined unit.
	if len(idx) > 1 {
		first := idx[0]
		span := low[cands[first].end:cands[last].start]
		if strings.Contains(span, " and ") && !strings.Contains(span, ";") {
			parts := make([]candidate, 0, len(idx))
			for _, i := range idx {
				parts = append(parts, cands[i])
			}
			return combine(descriptor, parts, cands[first].start, cands[last].end, -1)
		}
	}
	c := cands[last]
	// "1 gram/0.125 grams (1.125 grams)": the components after the slash,
	// and the total in parentheses when CMS states it.
	parts := []candidate{c}
	end := c.end
	for k := last + 1; k < len(cands) && cands[k].afterSlash && onlySpaceOrSlash(descriptor[end:cands[k].start]); k++ {
		parts = append(parts, cands[k])
		end = cands[k].end
	}
	if len(parts) == 1 {
		return &Dose{Amount: c.amount, Unit: c.unit, Text: descriptor[c.start:c.end]}, ""
	}
	total := -1.0
	if k := last + len(parts); k < len(cands) && cands[k].inParens && strings.Trim(descriptor[end:cands[k].start], " (") == "" {
		if cands[k].unit != c.unit {
			return nil, fmt.Sprintf("the combination %q states its total %q in another unit", descriptor[c.start:end], descriptor[cands[k].start:cands[k].end])
		}
		total = cands[k].amount
		end = strings.IndexByte(descriptor[cands[k].end:], ')') + cands[k].end + 1
	}
	return combine(descriptor, parts, c.start, end, total)
}

// combine makes the dose of a combination from its components, which must
// share a unit; total is the combined amount CMS states, or -1.
func combine(descriptor string, parts []candidate, start, end int, total float64) (*Dose, string) {
	text := descriptor[start:end]
	d := &Dose{Unit: parts[0].unit, Text: text}
	for _, p := range parts {
		if p.unit != d.Unit {
			return nil, fmt.Sprintf("the combination %q has components in different units (%s and %s), so no one amount is the unit", text, d.Unit, p.unit)
		}
		d.Parts = append(d.Parts, p.amount)
	}
	d.Amount = sumParts(d.Parts)
	if total >= 0 && math.Abs(total-d.Amount) > 1e-9*math.Max(1, total) {
		return nil, fmt.Sprintf("the combination %q states a total that is not the sum of its components (%s)", text, strconv.FormatFloat(d.Amount, 'f', -1, 64))
	}
	return d, ""
}

// sumParts adds amounts written with up to a few decimals exactly enough
// that 1 + 0.125 is 1.125, not 1.1250000000000002.
func sumParts(ps []float64) float64 {
	const scale = 1e6
	var n float64
	for _, p := range ps {
		n += math.Round(p * scale)
	}
	return n / scale
}

// perItemAfter reports whether, after the amount ending at i, the
// descriptor bills a package or an item: "per bottle of 60 tablets",
// "per single dose vial", ", each" at the end. Text in parentheses and
// "per" with a number ("per 24 hours") do not count.
func perItemAfter(low string, i int) bool {
	rest := low[i:]
	depth := 0
	var b strings.Builder
	for k := 0; k < len(rest); k++ {
		switch rest[k] {
		case '(':
			depth++
		case ')':
			if depth > 0 {
				depth--
			}
		default:
			if depth == 0 {
				b.WriteByte(rest[k])
			}
		}
	}
	out := strings.TrimSpace(b.String())
	if strings.HasSuffix(out, ", each") || strings.HasSuffix(out, "; each") {
		return true
	}
	for k := strings.Index(out, "per "); k >= 0; k = nextPer(out, k) {
		if k > 0 && isAlnum(out[k-1]) {
			continue
		}
		w := out[k+4:]
		if w == "" || isDigit(w[0]) || w[0] == '.' {
			continue
		}
		if _, n := readUnit(w[len(qualifier(w)):]); n == 0 {
			return true
		}
	}
	return false
}

// ReadDoses sets the dose of the code and of each of its versions from
// their long descriptors, when the code takes one (TakesDose).
func ReadDoses(c *Code) {
	takes := TakesDose(c.Code, c.Kind)
	read := func(long string) (*Dose, string) {
		if !takes {
			return nil, ""
		}
		return ReadDose(long)
	}
	c.Dose, c.DoseNote = read(c.Long)
	for i := range c.Versions {
		v := &c.Versions[i]
		v.Dose, v.DoseNote = read(v.Long)
	}
}

// FormatDoseAmount writes a dose's amount as codes.tsv holds it: "500",
// or the parts of a combination, "1+0.125".
func FormatDoseAmount(d *Dose) string {
	if len(d.Parts) == 0 {
		return strconv.FormatFloat(d.Amount, 'f', -1, 64)
	}
	s := make([]string, len(d.Parts))
	for i, p := range d.Parts {
		s[i] = strconv.FormatFloat(p, 'f', -1, 64)
	}
	return strings.Join(s, "+")
}

// parseDoseAmount reads what FormatDoseAmount writes.
func parseDoseAmount(s string) (float64, []float64, error) {
	if !strings.Contains(s, "+") {
		v, err := strconv.ParseFloat(s, 64)
		return v, nil, err
	}
	var parts []float64
	for _, f := range strings.Split(s, "+") {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return 0, nil, err
		}
		parts = append(parts, v)
	}
	return sumParts(parts), parts, nil
}

func onlySpaceOrSlash(s string) bool {
	return strings.Trim(s, " /") == ""
}

// scanAmounts finds every "NUMBER UNIT" and "per UNIT" in s, in order.
func scanAmounts(s string) []candidate {
	low := asciiLower(s)
	var out []candidate
	depth := 0
	for i := 0; i < len(low); i++ {
		ch := low[i]
		switch ch {
		case '(':
			depth++
			continue
		case ')':
			if depth > 0 {
				depth--
			}
			continue
		}
		if i > 0 && isAlnum(low[i-1]) {
			continue
		}
		var c candidate
		switch {
		case isDigit(ch) || (ch == '.' && i+1 < len(low) && isDigit(low[i+1])):
			amount, n := readNumber(low[i:])
			if n == 0 {
				continue
			}
			j := skipSpaces(low, i+n)
			u, m := readUnit(low[j:])
			if m == 0 {
				i += n - 1
				continue
			}
			c = candidate{start: i, end: j + m, amount: amount, unit: u}
		case strings.HasPrefix(low[i:], "per "):
			j := skipSpaces(low, i+4)
			// "per factor viii i.u.": the unit of one component.
			j += len(qualifier(low[j:]))
			if j < len(low) && (isDigit(low[j]) || low[j] == '.') {
				continue // "per 250 mg": the number is read on its own
			}
			u, m := readUnit(low[j:])
			if m == 0 {
				continue
			}
			c = candidate{start: i, end: j + m, amount: 1, unit: u}
		default:
			continue
		}
		// "10 grams lipids": the unit counts one nutrient of the solution.
		if k := c.end; strings.HasPrefix(low[k:], " lipids") || strings.HasPrefix(low[k:], " of protein") {
			c.end = k + 1 + wordEnd(low[k+1:])
		}
		if c.unit == "million units" {
			c.amount *= 1e6
			c.unit = "units"
		}
		c.start = withLead(low, c.start)
		c.inParens = depth > 0
		if p := prevNonSpace(low, c.start); p == '/' {
			c.afterSlash = true
		} else if p == '=' {
			c.afterEq = true
		}
		if k := skipSpaces(low, c.end); k < len(low) && low[k] == '=' {
			c.beforeEq = true
		}
		c.rate = isRate(low[c.end:])
		next := c.end
		if c.rate && strings.HasPrefix(low[c.end:], " per ") {
			// "180 mcg per ml": the "per ml" is the concentration's, not a unit.
			j := skipSpaces(low, c.end+5)
			_, m := readUnit(low[j:])
			next = j + m
		}
		c.bound = isBound(low[:c.start])
		c.pack = strings.HasSuffix(low[:c.start], "provided in ")
		out = append(out, c)
		i = next - 1
	}
	return out
}

func nextPer(s string, k int) int {
	if i := strings.Index(s[k+1:], "per "); i >= 0 {
		return k + 1 + i
	}
	return -1
}

// qualifier is a name between "per" and a unit that says which component
// the unit counts: "factor viii " in "per factor viii i.u.".
func qualifier(s string) string {
	for _, q := range []string{"factor viii "} {
		if strings.HasPrefix(s, q) {
			return q
		}
	}
	return ""
}

// wordEnd is the length of the words of a component name: "lipids", "of
// protein".
func wordEnd(s string) int {
	if strings.HasPrefix(s, "of ") {
		return 3 + wordEnd(s[3:])
	}
	n := 0
	for n < len(s) && isAlnum(s[n]) {
		n++
	}
	return n
}

// isRate reports whether the text after an amount makes it a
// concentration: "/ml", "/kg", " per ml".
func isRate(after string) bool {
	switch {
	case strings.HasPrefix(after, "/"):
		_, n := readUnit(strings.TrimLeft(after[1:], " "))
		return n > 0 || strings.HasPrefix(after[1:], "kg")
	case strings.HasPrefix(after, " per "):
		rest := strings.TrimLeft(after[5:], " ")
		if rest == "" || isDigit(rest[0]) {
			return false
		}
		_, n := readUnit(rest)
		return n > 0
	}
	return false
}

// bounds are the words before an amount that make it one end of a range.
var bounds = []string{"less than or equal to ", "greater than ", "less than ", "more than ", "over ", "at least ", "minimum of "}

// isBound reports whether the text before an amount makes it one end of a
// range ("less than or equal to 3 mg", "10 to 51 grams", "52-73 grams").
func isBound(before string) bool {
	for _, b := range bounds {
		if strings.HasSuffix(before, b) {
			return true
		}
	}
	for _, sep := range []string{" to ", "-", " - "} {
		if t, ok := strings.CutSuffix(before, sep); ok && t != "" && isDigit(t[len(t)-1]) {
			return true
		}
	}
	return false
}

// withLead widens a match that starts at i to take in a preceding "per " or
// "up to ", so Dose.Text reads as the descriptor does.
func withLead(low string, i int) int {
	for _, lead := range []string{"per ", "up to "} {
		if i >= len(lead) && low[i-len(lead):i] == lead && (i == len(lead) || !isAlnum(low[i-len(lead)-1])) {
			return i - len(lead)
		}
	}
	return i
}

// readNumber reads "500", "0.25", ".5" or "10,000" and returns the value and
// the bytes used; commas must group thousands.
func readNumber(s string) (float64, int) {
	var digits []byte
	dot := false
	i := 0
scan:
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case isDigit(c):
			digits = append(digits, c)
		case c == ',' && len(digits) > 0 && !dot && threeDigits(s[i+1:]):
		case c == '.' && !dot && i+1 < len(s) && isDigit(s[i+1]):
			dot = true
			digits = append(digits, c)
		default:
			break scan
		}
	}
	if len(digits) == 0 {
		return 0, 0
	}
	v, err := strconv.ParseFloat(string(digits), 64)
	if err != nil || v <= 0 {
		return 0, 0
	}
	return v, i
}

func threeDigits(s string) bool {
	return len(s) >= 3 && isDigit(s[0]) && isDigit(s[1]) && isDigit(s[2]) && (len(s) == 3 || !isDigit(s[3]))
}

// readUnit matches a unit word at the start of s that ends at a word boundary.
func readUnit(s string) (string, int) {
	for _, w := range unitWords {
		if !strings.HasPrefix(s, w.word) {
			continue
		}
		n := len(w.word)
		if n < len(s) && (isAlnum(s[n]) || (s[n] == '.' && n+1 < len(s) && isAlnum(s[n+1]))) {
			continue
		}
		return w.unit, n
	}
	return "", 0
}

func skipSpaces(s string, i int) int {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i
}

func prevNonSpace(s string, i int) byte {
	for i > 0 {
		i--
		if s[i] != ' ' {
			return s[i]
		}
	}
	return 0
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isAlnum(c byte) bool {
	return isDigit(c) || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}
