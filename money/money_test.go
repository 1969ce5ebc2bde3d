package money

import (
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

func TestMoney(t *testing.T) {
	for _, c := range []struct {
		in       string
		cents    Amount
		str, x12 string
	}{
		{"200.00", 20000, "200.00", "200"},
		{"200", 20000, "200.00", "200"},
		{"12.5", 1250, "12.50", "12.5"},
		{"0.07", 7, "0.07", "0.07"},
		{"-3.10", -310, "-3.10", "-3.1"},
		{"0", 0, "0.00", "0"},
	} {
		m, err := Parse(c.in)
		if err != nil || m != c.cents || m.String() != c.str || m.X12() != c.x12 {
			t.Errorf("%s: got %d %q %q %v", c.in, m, m.String(), m.X12(), err)
		}
	}
	// A second sign, a sign or a blank inside the amount: strconv would
	// take "-5" as the whole part of "--5" and "-1" as the cents of "5.-1".
	for _, bad := range []string{"1.234", "1e3", "abc", "", ".5", "1.", "--5", "5.-1", "-+5", "5. 1", "-", "+5"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

// parseByParts is Parse as it was written first, by the parts of the text:
// the one-pass Parse must read the same amounts and refuse the same texts.
func parseByParts(s string) (Amount, bool) {
	neg := strings.HasPrefix(s, "-")
	whole, frac, hasDot := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	if !digits(whole) || (hasDot && (!digits(frac) || len(frac) > 2)) {
		return 0, false
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > 1e13 {
		return 0, false
	}
	frac += "00"[len(frac):]
	m := Amount(w*100 + int64(frac[0]-'0')*10 + int64(frac[1]-'0'))
	if neg {
		m = -m
	}
	return m, true
}

func TestParseAsByParts(t *testing.T) {
	texts := []string{"0", "-0", "1", "-1", "0.5", "0.05", "12.34", "-12.34", "100.00", "1.500", "1.", "1e2", "1E2",
		"10000000000000", "10000000000000.99", "10000000000001", "-10000000000000.01", "000000000000000000001.5",
		"99999999999999999999", "00", "01", "-", "", ".5", "1.x", "1.2.3", "--1", "+1", " 1", "1 "}
	r := rand.New(rand.NewPCG(7, 8))
	alphabet := "0123456789.-+e "
	for range 50000 {
		var b []byte
		if r.IntN(3) == 0 {
			b = append(b, '-')
		}
		for k := r.IntN(18); k >= 0; k-- {
			b = append(b, byte('0'+r.IntN(10)))
		}
		if r.IntN(2) == 0 {
			b = append(b, '.')
			for k := r.IntN(4); k > 0; k-- {
				b = append(b, byte('0'+r.IntN(10)))
			}
		}
		if r.IntN(8) == 0 {
			b[r.IntN(len(b))] = alphabet[r.IntN(len(alphabet))]
		}
		texts = append(texts, string(b))
	}
	for _, s := range texts {
		got, err := Parse(s)
		want, ok := parseByParts(s)
		if (err == nil) != ok || got != want {
			t.Fatalf("Parse(%q) = %d, %v; by parts %d, %v", s, got, err, want, ok)
		}
	}
}

func TestParseX12(t *testing.T) {
	for _, c := range []struct {
		in string
		m  Amount
		ok bool
	}{
		{"132", 13200, true}, {"-1.27", -127, true}, {".5", 50, true}, {"-.5", -50, true}, {"138018.40", 13801840, true},
		{"1.230", 123, true}, {"0", 0, true}, {"007", 700, true}, {"2470.000", 247000, true},
		{"1.234", 0, false}, {"", 0, false}, {"-", 0, false}, {".", 0, false}, {"1.2.3", 0, false}, {"1e3", 0, false},
		{"12a", 0, false}, {"1234567890123456", 0, false}, {"--1", 0, false}, {"+1", 0, false},
	} {
		m, ok := ParseX12(c.in)
		mb, okb := ParseX12([]byte(c.in))
		if m != c.m || ok != c.ok || mb != m || okb != ok {
			t.Errorf("ParseX12(%q) = %v %v (bytes %v %v), want %v %v", c.in, m, ok, mb, okb, c.m, c.ok)
		}
	}
}

// ParseX12 answers as the rules of the R type say, for random texts of
// digits, points and signs, whether or not they are amounts.
func TestParseX12AsTheRules(t *testing.T) {
	rules := func(s string) (Amount, bool) {
		neg := strings.HasPrefix(s, "-")
		whole, frac, _ := strings.Cut(strings.TrimPrefix(s, "-"), ".")
		if whole+frac == "" || strings.Trim(whole+frac, "0123456789") != "" || len(strings.TrimLeft(whole, "0")) > 15 ||
			len(frac) > 2 && strings.Trim(frac[2:], "0") != "" {
			return 0, false
		}
		cents, _ := strconv.ParseInt("0"+whole+(frac + "00")[:2], 10, 64)
		if neg {
			cents = -cents
		}
		return Amount(cents), true
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 200000 {
		b := make([]byte, r.IntN(20))
		for i := range b {
			b[i] = "0123456789012345678.-"[r.IntN(21)]
		}
		s := string(b)
		m, ok := ParseX12(s)
		mb, okb := ParseX12(b)
		if w, wok := rules(s); m != w || ok != wok || mb != m || okb != ok {
			t.Fatalf("ParseX12(%q) = %v %v (bytes %v %v), want %v %v", s, m, ok, mb, okb, w, wok)
		}
	}
}

func TestMul(t *testing.T) {
	for _, c := range []struct {
		per   Amount
		units float64
		want  Amount
	}{
		{12500, 14, 175000},
		{1999, 0.5, 1000},   // 9.995 rounds half up to 10.00
		{1999, 0.25, 500},   // 4.9975 -> 5.00
		{1001, 0.1, 100},    // 1.001 -> 1.00: 0.1 is one tenth, not 0.1000000000000000055
		{333, 3, 999},       //
		{-1999, 0.5, -1000}, // half away from zero
		{1999, -0.5, -1000},
		{0, 1e15, 0},
		{1250, 56, 70000},
		{333, 0.5, 167},       // 166.5 cents rounds up
		{1, 0.5, 1},           // half a cent rounds up
		{1, 0.49, 0},          // below half rounds down
		{19900, 1.005, 20000}, // 199.995 dollars → 200.00, not 199.99 as float64 would give
		{7, 3.3333, 23},       // 23.3331
		{999999, 1000, 999999000},
	} {
		got, err := Mul(c.per, c.units)
		if err != nil || got != c.want {
			t.Errorf("Mul(%v, %v) = %v, %v; want %v", c.per, c.units, got, err, c.want)
		}
	}
}

// A charge beyond what X12 carries is an error, never a wrapped or clipped
// amount: 1e15 units at 125.00 once wrote a wrong SV102 and CLM02.
func TestMulOverflow(t *testing.T) {
	for _, c := range []struct {
		per   Amount
		units float64
	}{
		{12500, 1e15}, {12500, 1e17}, {Max, 2}, {-Max, 2}, {100, math.Inf(1)}, {100, math.NaN()}, {100, 1e300},
		{Max + 1, 1}, {1, 1e18},
	} {
		if got, err := Mul(c.per, c.units); !errors.Is(err, ErrOverflow) {
			t.Errorf("Mul(%d, %v) = %v, %v; want ErrOverflow", c.per, c.units, got, err)
		}
	}
	if got, err := Mul(Max, 1); err != nil || got != Max {
		t.Errorf("Mul(Max, 1) = %v, %v", got, err)
	}
	// Near the limit the units' shortest decimal form is what counts.
	if got, err := Mul(1, 999_999_999_999_999_900); err != nil || got != 999_999_999_999_999_900 {
		t.Errorf("Mul(0.01, 999999999999999900) = %v, %v; want 9999999999999999.00", got, err)
	}
	var oe *OverflowError
	if _, err := Mul(12500, 1e15); !errors.As(err, &oe) || oe.Op != "125.00 × 1e+15" {
		t.Errorf("overflow error %v does not say what overflowed", err)
	}
}

func TestAddAndSum(t *testing.T) {
	if s, err := Sum(175000, 4250, -50); err != nil || s != 179200 {
		t.Errorf("Sum = %v, %v", s, err)
	}
	if s, err := Sum(); err != nil || s != 0 {
		t.Errorf("Sum() = %v, %v", s, err)
	}
	if s, err := Add(Max-1, 1); err != nil || s != Max {
		t.Errorf("Add(Max-1, 1) = %v, %v", s, err)
	}
	for _, c := range [][2]Amount{{Max, 1}, {-Max, -1}, {math.MaxInt64, 0}, {math.MinInt64, 0}} {
		if s, err := Add(c[0], c[1]); !errors.Is(err, ErrOverflow) {
			t.Errorf("Add(%d, %d) = %v, %v; want ErrOverflow", c[0], c[1], s, err)
		}
	}
	// Each addend fits; their sum does not. int64 would not have wrapped
	// here, but X12's 18 digits are the limit that matters.
	if s, err := Sum(Max/2+1, Max/2+1); !errors.Is(err, ErrOverflow) {
		t.Errorf("Sum past Max = %v, %v", s, err)
	}
}

// The most negative int64 has no positive counterpart: its text must still
// be one sign and its digits (an overflow message prints such amounts).
func TestStringExtremes(t *testing.T) {
	for m, want := range map[Amount]string{
		math.MinInt64: "-92233720368547758.08",
		math.MaxInt64: "92233720368547758.07",
		-Max:          "-9999999999999999.99",
	} {
		if got := m.String(); got != want {
			t.Errorf("Amount(%d).String() = %q, want %q", int64(m), got, want)
		}
	}
}
