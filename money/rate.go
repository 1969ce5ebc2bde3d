package money

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// Rate is a price per unit in millionths of a dollar: a per diem of 120.00,
// a CMS payment limit of 0.430 per 250 mg, a compendium price of 0.12345
// per mL. Prices per unit often carry more than two decimals; amounts billed
// or paid never do, so a Rate becomes an Amount only through Rat and a
// rounding rule of the caller's.
type Rate int64

// RateDecimals is the most fraction digits a Rate holds.
const RateDecimals = 6

// MaxRate is the largest rate: a billion dollars a unit.
const MaxRate Rate = 1_000_000_000 * 1_000_000

// ParseRate reads a decimal price with at most six fraction digits and no
// sign, exponent or thousands separator ("120", "0.430", ".5" is refused:
// write 0.5).
func ParseRate(s string) (Rate, error) {
	whole, frac, hasDot := strings.Cut(s, ".")
	if !digits(whole) || hasDot && (!digits(frac) || len(frac) > RateDecimals) {
		return 0, fmt.Errorf("%s: want a price of zero or more with at most %d decimals, such as 120.00 or 0.430", short(s), RateDecimals)
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > int64(MaxRate/1_000_000) {
		return 0, fmt.Errorf("%s: want a price up to 1000000000", short(s))
	}
	for len(frac) < RateDecimals {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	r := Rate(w*1_000_000 + f)
	if r > MaxRate {
		return 0, fmt.Errorf("%s: want a price up to 1000000000", short(s))
	}
	return r, nil
}

// short quotes at most 40 bytes of a value from the input, then says how
// long it was.
func short(s string) string {
	if len(s) > 40 {
		return fmt.Sprintf("%q… (%d bytes)", s[:40], len(s))
	}
	return strconv.Quote(s)
}

// String writes the rate with at least two decimals and no trailing zeros
// beyond them: 120.00, 0.43, 0.12345.
func (r Rate) String() string {
	sign, u := "", uint64(r)
	if r < 0 {
		sign, u = "-", -u
	}
	frac := fmt.Sprintf("%06d", u%1_000_000)
	frac = strings.TrimRight(frac, "0")
	for len(frac) < 2 {
		frac += "0"
	}
	return fmt.Sprintf("%s%d.%s", sign, u/1_000_000, frac)
}

// Rat returns the rate in dollars, exactly.
func (r Rate) Rat() *big.Rat { return big.NewRat(int64(r), 1_000_000) }

// MarshalJSON writes the rate as a JSON number (String).
func (r Rate) MarshalJSON() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalJSON reads a JSON number without going through float64.
func (r *Rate) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return fmt.Errorf("want %s, got a string", Rate(0).DescribeJSON())
	}
	v, err := ParseRate(string(b))
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// DescribeJSON says what a rate looks like in JSON, for messages about
// documents that hold one.
func (Rate) DescribeJSON() string { return "a price such as 120.00 or 0.430" }

// RoundCents rounds an exact amount of dollars half away from zero to the
// cent: 0.005 is 0.01, -0.005 is -0.01, 0.00499… is 0.00. It fails with an
// *OverflowError beyond ±Max.
func RoundCents(x *big.Rat) (Amount, error) {
	n := new(big.Int).Mul(x.Num(), big.NewInt(100))
	d := x.Denom()
	neg := n.Sign() < 0
	n.Abs(n)
	// ⌊(2n + d) / 2d⌋ is n/d rounded half up.
	n.Lsh(n, 1).Add(n, d)
	n.Quo(n, new(big.Int).Lsh(d, 1))
	if neg {
		n.Neg(n)
	}
	if !n.IsInt64() || !Amount(n.Int64()).inRange() {
		return 0, &OverflowError{Op: x.FloatString(6)}
	}
	return Amount(n.Int64()), nil
}

// Rat returns the amount in dollars, exactly.
func (m Amount) Rat() *big.Rat { return big.NewRat(int64(m), 100) }
