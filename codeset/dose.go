package codeset

import (
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
}

// ParseDose reads the amount of drug one HCPCS unit stands for from a
// descriptor: "Injection, cefazolin sodium, 500 mg" gives 500 mg, "per 250
// mg" 250 mg, "up to 10 mg" 10 mg, "per i.u." 1 unit, "(500 ml = 1 unit)"
// 500 ml, "1 g/0.125 g (1.125 g)" 1 g (the first component of a combination
// is the billing amount). When a descriptor holds several amounts, the last
// one outside parentheses wins, since CMS puts the billing unit at the end
// ("..., 300 micrograms (1500 i.u.)"). It reports false when the descriptor
// states no amount ("per vial", "Unclassified drugs").
func ParseDose(descriptor string) (*Dose, bool) {
	cands := scanAmounts(descriptor)
	if len(cands) == 0 {
		return nil, false
	}
	best := -1
	for i, c := range cands {
		if c.beforeEq {
			best = i
			break
		}
	}
	if best < 0 {
		outside := false
		for _, c := range cands {
			if !c.afterSlash && !c.afterEq && !c.inParens {
				outside = true
			}
		}
		for i, c := range cands {
			if c.afterSlash || c.afterEq || (outside && c.inParens) {
				continue
			}
			best = i
		}
	}
	if best < 0 {
		return nil, false
	}
	c := cands[best]
	end := c.end
	if best+1 < len(cands) && cands[best+1].afterSlash && onlySpaceOrSlash(descriptor[c.end:cands[best+1].start]) {
		end = cands[best+1].end
	}
	return &Dose{Amount: c.amount, Unit: c.unit, Text: descriptor[c.start:end]}, true
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
		out = append(out, c)
		i = c.end - 1
	}
	return out
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
