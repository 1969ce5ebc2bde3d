package pricing

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// Percent is a percentage in hundredths of a percent (basis points): 50 %
// is 5000, 12.25 % is 1225, −18 % is −1800. In JSON it is a number with at
// most two decimals, read exactly.
type Percent int64

// maxPercent bounds a percent's magnitude: ten thousand percent.
const maxPercent = 1_000_000

// ParsePercent reads a decimal percentage with at most two fraction digits
// and an optional leading minus.
func ParsePercent(s string) (Percent, error) {
	neg := strings.HasPrefix(s, "-")
	t := strings.TrimPrefix(s, "-")
	whole, frac, hasDot := strings.Cut(t, ".")
	if !isDigits(whole) || hasDot && (!isDigits(frac) || len(frac) > 2) {
		return 0, fmt.Errorf("%s: want a percent with at most two decimals, such as 50 or -18.5", quoteShort(s))
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > maxPercent/100 {
		return 0, fmt.Errorf("%s: want a percent up to 10000", quoteShort(s))
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	p := Percent(w*100 + f)
	if neg {
		p = -p
	}
	return p, nil
}

// String writes the percent without trailing zero decimals: 50, 12.5, -18.
func (p Percent) String() string {
	sign, u := "", int64(p)
	if u < 0 {
		sign, u = "-", -u
	}
	s := fmt.Sprintf("%s%d", sign, u/100)
	if f := u % 100; f != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%02d", f), "0")
	}
	return s
}

// Rat is the percent as a fraction: 50 % is 1/2.
func (p Percent) Rat() *big.Rat { return big.NewRat(int64(p), 10_000) }

// Factor is one plus the percent as a fraction: +6 % is 1.06, −18 % is 0.82.
func (p Percent) Factor() *big.Rat { return big.NewRat(10_000+int64(p), 10_000) }

// MarshalJSON writes the percent as a JSON number.
func (p Percent) MarshalJSON() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalJSON reads a JSON number without going through float64.
func (p *Percent) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return fmt.Errorf("want %s, got a string", Percent(0).DescribeJSON())
	}
	v, err := ParsePercent(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// DescribeJSON says what a percent looks like in JSON.
func (Percent) DescribeJSON() string { return "a percent such as 50 or -18.5" }

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// quoteShort quotes at most 40 bytes of a value from the input, then says
// how long it was.
func quoteShort(s string) string {
	if len(s) > 40 {
		return fmt.Sprintf("%q… (%d bytes)", s[:40], len(s))
	}
	return strconv.Quote(s)
}
