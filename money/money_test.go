package money

import "testing"

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
	for _, bad := range []string{"1.234", "1e3", "abc", "", ".5", "1."} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
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
