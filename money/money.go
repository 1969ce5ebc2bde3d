// Package money holds exact amounts of US dollars: integer cents, never
// floating point. Arithmetic that would overflow is an error, so a claim
// never carries a wrong amount.
package money

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// Amount is an amount in cents. JSON reads it from a number such as 200.00 or
// 12.5 without going through float64, so no cent is ever lost to rounding.
type Amount int64

// Max is the largest amount X12 carries: an R element has at most 18
// digits, so 9999999999999999.99. Arithmetic whose result is beyond ±Max
// fails with ErrOverflow rather than write an amount no receiver can read.
const Max Amount = 999_999_999_999_999_999

// ErrOverflow is the error of arithmetic whose result is beyond ±Max.
var ErrOverflow = errors.New("beyond the largest amount an X12 claim carries (9999999999999999.99)")

// OverflowError says which operation overflowed; it wraps ErrOverflow.
type OverflowError struct {
	Op string // what was computed, e.g. "12.50 × 1e+15"
}

func (e *OverflowError) Error() string { return e.Op + " is " + ErrOverflow.Error() }

func (e *OverflowError) Unwrap() error { return ErrOverflow }

// Add returns a + b, or an *OverflowError when it is beyond ±Max.
func Add(a, b Amount) (Amount, error) {
	if !a.inRange() || !b.inRange() {
		return 0, &OverflowError{Op: a.String() + " + " + b.String()}
	}
	s := a + b // cannot overflow int64: |a|, |b| ≤ Max < 2^62
	if !s.inRange() {
		return 0, &OverflowError{Op: a.String() + " + " + b.String()}
	}
	return s, nil
}

// Sum returns the sum of amounts, or an *OverflowError as soon as a partial
// sum is beyond ±Max.
func Sum(amounts ...Amount) (Amount, error) {
	var t Amount
	for _, m := range amounts {
		var err error
		if t, err = Add(t, m); err != nil {
			return 0, err
		}
	}
	return t, nil
}

// Mul returns m × units rounded half away from zero to the cent, or an
// *OverflowError when it is beyond ±Max. Units are a count such as a
// claim line's quantity; their shortest decimal form (what the claim
// prints) is what is multiplied, exactly, so 0.1 units are one tenth.
// Units that are not finite are an error too.
func Mul(m Amount, units float64) (Amount, error) {
	op := func() *OverflowError {
		return &OverflowError{Op: m.String() + " × " + strconv.FormatFloat(units, 'g', -1, 64)}
	}
	if math.IsNaN(units) || math.IsInf(units, 0) || !m.inRange() {
		return 0, op()
	}
	// units = digits × 10^-scale exactly, from the shortest decimal form.
	s := strconv.FormatFloat(math.Abs(units), 'f', -1, 64)
	whole, frac, _ := strings.Cut(s, ".")
	p, _ := new(big.Int).SetString(whole+frac, 10)
	p.Mul(p, big.NewInt(int64(m)))
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(len(frac))), nil)
	neg := p.Sign() < 0
	p.Abs(p)
	p.Add(p, new(big.Int).Rsh(scale, 1)) // half up on the magnitude
	p.Quo(p, scale)
	if neg != (units < 0) {
		p.Neg(p)
	}
	if !p.IsInt64() || !Amount(p.Int64()).inRange() {
		return 0, op()
	}
	return Amount(p.Int64()), nil
}

func (m Amount) inRange() bool { return m >= -Max && m <= Max }

// digits reports whether s is one or more ASCII digits.
func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Parse reads a decimal amount with at most two fraction digits and a
// whole part of at most 10,000,000,000,000, in one pass: every charge of
// every episode document comes through here.
func Parse(s string) (Amount, error) {
	t := s
	neg := t != "" && t[0] == '-'
	if neg {
		t = t[1:]
	}
	var w int64
	i := 0
	for ; i < len(t) && '0' <= t[i] && t[i] <= '9'; i++ {
		if w = w*10 + int64(t[i]-'0'); w > 1e13 {
			return 0, badAmount(s)
		}
	}
	if i == 0 {
		return 0, badAmount(s)
	}
	// tenths and hundredths, after a point and at least one digit
	var f int64
	if i < len(t) {
		frac := t[i+1:]
		if t[i] != '.' || frac == "" || len(frac) > 2 {
			return 0, badAmount(s)
		}
		for k := range 2 {
			f *= 10
			if k < len(frac) {
				c := frac[k]
				if c < '0' || c > '9' {
					return 0, badAmount(s)
				}
				f += int64(c - '0')
			}
		}
	}
	m := Amount(w*100 + f)
	if neg {
		m = -m
	}
	return m, nil
}

func badAmount(s string) error {
	return fmt.Errorf("%q: want an amount with at most two decimals", s)
}

// String formats the amount as dollars with two decimals.
func (m Amount) String() string {
	sign, u := "", uint64(m)
	if m < 0 {
		sign, u = "-", -u // as unsigned, so the most negative amount has its magnitude too
	}
	return fmt.Sprintf("%s%d.%02d", sign, u/100, u%100)
}

// X12 formats the amount as X12 wants it: no trailing zero decimals.
func (m Amount) X12() string {
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
func (m Amount) MarshalJSON() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalJSON reads a JSON number.
func (m *Amount) UnmarshalJSON(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// ParseX12 reads an X12 decimal amount (data type R: "132", "-1.27", ".5",
// "138018.40") into exact cents, from a string or the bytes of a segment
// without allocating. Zeros past the cent are allowed; a non-zero digit
// there, more than 15 whole digits, or anything but digits, one point and a
// leading minus is not an amount.
func ParseX12[T string | []byte](v T) (Amount, bool) {
	// Most amounts are whole dollars or dollars and cents, of few digits:
	// those are read in one pass, without the rules for the rest.
	if n := len(v); n > 0 && n <= 15 {
		var x int64
		i := 0
		for ; i < n; i++ {
			d := v[i] - '0'
			if d > 9 {
				break
			}
			x = x*10 + int64(d)
		}
		if i == n {
			return Amount(x * 100), true
		}
		if i == n-3 && v[i] == '.' {
			if d, e := v[i+1]-'0', v[i+2]-'0'; d <= 9 && e <= 9 {
				return Amount(x*100 + int64(d)*10 + int64(e)), true
			}
		}
	}
	neg := len(v) > 0 && v[0] == '-'
	if neg {
		v = v[1:]
	}
	var cents int64
	whole, frac, digits, point := 0, 0, 0, false
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '.' && !point:
			point = true
		case c < '0' || c > '9':
			return 0, false
		case !point:
			digits++
			if whole > 0 || c != '0' {
				whole++
			}
			cents = cents*10 + int64(c-'0')
		default:
			digits++
			frac++
			if frac <= 2 {
				cents = cents*10 + int64(c-'0')
			} else if c != '0' {
				return 0, false
			}
		}
	}
	if digits == 0 || whole > 15 {
		return 0, false
	}
	for ; frac < 2; frac++ {
		cents *= 10
	}
	if neg {
		cents = -cents
	}
	return Amount(cents), true
}
