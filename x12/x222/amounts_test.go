package x222

import (
	"os"
	"strings"
	"testing"
)

// Amounts are dollars and cents; units may be any positive decimal.
func TestAmountsAndUnits(t *testing.T) {
	good, err := os.ReadFile("../../testdata/x12/837p/synthetic__home-infusion-good.x12")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ from, to, element string }{
		{"CLM*HIT20260101A*2470*", "CLM*HIT20260101A*2470.009*", "CLM02"},
		{"SV1*HC:99601*300*UN*1*", "SV1*HC:99601*300.001*UN*1*", "SV102"},
		{"SV1*HC:99601*300*UN*1*", "SV1*HC:99601*300*UN*0*", "SV104"},
		{"SV1*HC:99601*300*UN*1*", "SV1*HC:99601*300*UN*0.001*", ""},
		{"CLM*HIT20260101A*2470*", "CLM*HIT20260101A*2470.000*", ""},
		// S9500 bills 7 days over 2026-01-01..07: 8 units cannot fit, 6 can.
		{"SV1*HC:S9500*1400*UN*7*", "SV1*HC:S9500*1400*UN*8*", "SV104"},
		{"SV1*HC:S9500*1400*UN*7*", "SV1*HC:S9500*1400*UN*6*", ""},
	} {
		in := strings.Replace(string(good), c.from, c.to, 1)
		rep, err := Validate(strings.NewReader(in), testOptions())
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range rep.Findings {
			got = append(got, f.Element)
		}
		if c.element == "" && len(got) > 0 || c.element != "" && (len(got) != 1 || got[0] != c.element) {
			t.Errorf("%s: findings at %v, want %q", c.to, got, c.element)
		}
	}
}
