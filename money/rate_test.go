package money

import (
	"math/big"
	"testing"
)

func TestRate(t *testing.T) {
	for _, c := range []struct {
		in   string
		r    Rate
		text string
	}{
		{"120", 120_000_000, "120.00"},
		{"120.00", 120_000_000, "120.00"},
		{"0.430", 430_000, "0.43"},
		{"0.12345", 123_450, "0.12345"},
		{"0.000001", 1, "0.000001"},
		{"1000000000", MaxRate, "1000000000.00"},
	} {
		r, err := ParseRate(c.in)
		if err != nil || r != c.r || r.String() != c.text {
			t.Errorf("ParseRate(%q) = %d %q %v; want %d %q", c.in, r, r.String(), err, c.r, c.text)
		}
	}
	for _, bad := range []string{"", "-1", "+1", ".5", "1.", "1e3", "0.0000001", "1000000000.01", "99999999999999999999", "1,000", " 1"} {
		if _, err := ParseRate(bad); err == nil {
			t.Errorf("ParseRate(%q) accepted", bad)
		}
	}
	var r Rate
	if err := r.UnmarshalJSON([]byte(`"1.00"`)); err == nil {
		t.Error("a rate as a JSON string was accepted")
	}
}

func TestRoundCents(t *testing.T) {
	for _, c := range []struct {
		num, den int64
		want     Amount
	}{
		{5, 1000, 1},       // 0.005 → 0.01: half up
		{4999, 1000000, 0}, // 0.004999 → 0.00
		{-5, 1000, -1},     // half away from zero
		{1, 3, 33},         // 0.333…
		{2, 3, 67},         // 0.666…
		{344, 10, 3440},    // 34.40 exactly
		{1999, 200, 1000},  // 9.995 → 10.00
	} {
		got, err := RoundCents(big.NewRat(c.num, c.den))
		if err != nil || got != c.want {
			t.Errorf("RoundCents(%d/%d) = %v, %v; want %v", c.num, c.den, got, err, c.want)
		}
	}
	if _, err := RoundCents(new(big.Rat).SetInt64(1e17)); err == nil {
		t.Error("RoundCents beyond Max did not fail")
	}
}
