package episode

import (
	"fmt"
	"strconv"
	"strings"
)

// Money is an amount in cents. JSON reads it from a number such as 200.00 or
// 12.5 without going through float64, so no cent is ever lost to rounding.
type Money int64

// ParseMoney reads a decimal amount with at most two fraction digits.
func ParseMoney(s string) (Money, error) {
	neg := strings.HasPrefix(s, "-")
	t := strings.TrimPrefix(s, "-")
	whole, frac, hasDot := strings.Cut(t, ".")
	if whole == "" || (hasDot && (frac == "" || len(frac) > 2)) || strings.ContainsAny(t, "eE+") {
		return 0, fmt.Errorf("%q: want an amount with at most two decimals", s)
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > 1e13 {
		return 0, fmt.Errorf("%q: want an amount with at most two decimals", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q: want an amount with at most two decimals", s)
	}
	m := Money(w*100 + f)
	if neg {
		m = -m
	}
	return m, nil
}

// String formats the amount as dollars with two decimals.
func (m Money) String() string {
	sign := ""
	if m < 0 {
		sign, m = "-", -m
	}
	return fmt.Sprintf("%s%d.%02d", sign, int64(m)/100, int64(m)%100)
}

// X12 formats the amount as X12 wants it: no trailing zero decimals.
func (m Money) X12() string {
	s := m.String()
	if m%100 == 0 {
		return s[:len(s)-3]
	}
	if m%10 == 0 {
		return s[:len(s)-1]
	}
	return s
}

// MarshalJSON writes the amount as a JSON number with two decimals.
func (m Money) MarshalJSON() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalJSON reads a JSON number.
func (m *Money) UnmarshalJSON(b []byte) error {
	v, err := ParseMoney(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}
