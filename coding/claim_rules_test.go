package coding

import (
	"strings"
	"testing"

	"github.com/perdiem/perdiem/episode"
)

// TestLN4_LN5_ClaimLinesSayWhichClaimAndHowTheirChargeWasMade: on the
// claim, each line cites the claim that holds every line of the patient,
// payer and period (LN-4) and its charge as units × the charge per unit
// (LN-5); the coded result is left as it was.
func TestLN4_LN5_ClaimLinesSayWhichClaimAndHowTheirChargeWasMade(t *testing.T) {
	doc, res := decodeFile(t, sampleDoc, func(d *episode.Document) {
		d.Claim.Charges["S9500"] = 19999 // 199.99 a day
	})
	before := make([]int, len(res.Lines))
	for i, l := range res.Lines {
		before[i] = len(l.Why)
	}
	c, err := Claim(doc, res)
	if err != nil {
		t.Fatal(err)
	}
	period := res.Period.From.String() + ".." + res.Period.To.String()
	for _, l := range c.Lines {
		if why := reasonOf(l, "LN-4"); !strings.Contains(why, "on claim "+c.ID) || !strings.Contains(why, period) {
			t.Errorf("%s: LN-4 reason %q, want the claim %s and the period %s", l.ID, why, c.ID, period)
		}
		want := formatNumber(l.Units) + " unit(s) × " + doc.Claim.Charges[l.Code].String() + " (claim.charges." + l.Code + ") = " + l.Charge.String()
		if why := reasonOf(l, "LN-5"); why != want {
			t.Errorf("%s: LN-5 reason %q, want %q", l.ID, why, want)
		}
		if l.Code == "S9500" && !strings.HasSuffix(reasonOf(l, "LN-5"), "= 1399.93") {
			t.Errorf("S9500: %q, want 7 days × 199.99 = 1399.93", reasonOf(l, "LN-5"))
		}
	}
	for i, l := range res.Lines {
		if len(l.Why) != before[i] || reasonOf(l, "LN-4") != "" {
			t.Errorf("Claim changed the reasons of the coded line %d: %v", i, l.Why)
		}
	}
	// A second claim from the same result shares no reasons with the first.
	doc.Claim.ID = "OTHER"
	if _, err := Claim(doc, res); err != nil {
		t.Fatal(err)
	}
	for _, l := range c.Lines {
		if why := reasonOf(l, "LN-4"); !strings.Contains(why, "on claim "+c.ID) {
			t.Errorf("%s: after another claim, LN-4 reason %q", l.ID, why)
		}
	}
}
