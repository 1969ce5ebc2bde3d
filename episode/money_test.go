package episode

import "testing"

func TestMoney(t *testing.T) {
	for _, c := range []struct {
		in       string
		cents    Money
		str, x12 string
	}{
		{"200.00", 20000, "200.00", "200"},
		{"200", 20000, "200.00", "200"},
		{"12.5", 1250, "12.50", "12.5"},
		{"0.07", 7, "0.07", "0.07"},
		{"-3.10", -310, "-3.10", "-3.1"},
		{"0", 0, "0.00", "0"},
	} {
		m, err := ParseMoney(c.in)
		if err != nil || m != c.cents || m.String() != c.str || m.X12() != c.x12 {
			t.Errorf("%s: got %d %q %q %v", c.in, m, m.String(), m.X12(), err)
		}
	}
	for _, bad := range []string{"1.234", "1e3", "abc", "", ".5", "1."} {
		if _, err := ParseMoney(bad); err == nil {
			t.Errorf("ParseMoney(%q) accepted", bad)
		}
	}
}
