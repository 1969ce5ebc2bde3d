package coding

import (
	"strings"
	"testing"
)

func TestAbsurdPeriodIsAnError(t *testing.T) {
	_, err := tryCode(`{"period":{"from":"0001-01-01","to":"9999-12-31"},"therapies":[{"id":"a","type":"anti-infective","start":"2026-01-01","every_hours":24}]}`, "")
	if err == nil || !strings.Contains(err.Error(), "period: the billing period 0001-01-01..9999-12-31 spans") {
		t.Errorf("err %v, want an error at period", err)
	}
	_, err = tryCode(`{"therapies":[{"id":"a","type":"anti-infective","start":"2026-01-01","end":"9999-01-01","every_hours":24}]}`, "")
	if err == nil || !strings.Contains(err.Error(), "at most 3660") {
		t.Errorf("err %v, want the period limit for a derived period", err)
	}
}

func TestCS10_OneProblemPerItemAndCode(t *testing.T) {
	_, err := tryCode(therapy(`"type":"immunotherapy-injection","start":"2022-10-10","end":"2023-03-31"`), "")
	if err == nil {
		t.Fatal("no error")
	}
	if lines := strings.Split(err.Error(), "\n"); len(lines) != 1 || !strings.Contains(lines[0], "therapies[0]: CS-10: S9563 is not billable on 2022-10-10..2023-03-31") {
		t.Errorf("want one problem over the whole span, got %q", err.Error())
	}
}

// An absurd dosing interval is one dose at the start, not an endless loop.
func TestPD3_AbsurdIntervalEnds(t *testing.T) {
	for _, h := range []string{"1e20", "1e300"} {
		res := code(t, `{"period":{"from":"2026-01-01","to":"2026-01-31"},"therapies":[{"id":"a","type":"immunotherapy","start":"2026-01-05","every_hours":`+h+`}]}`, "")
		wantLines(t, res, "S9338 2026-01-05..2026-01-31 x1")
	}
}

func TestDR1_AbsurdDoseIsAnError(t *testing.T) {
	for _, drug := range []string{`"dose":1e300,"dose_unit":"g","doses":1`, `"dose":1,"dose_unit":"g","doses":900000000`} {
		_, err := tryCode(drugDoc(`{"therapy":"a","hcpcs":"J0690","ndc":"0409-0805-01","from":"2026-03-01","to":"2026-03-07",`+drug+`}`), "")
		if err == nil || !strings.Contains(err.Error(), "drugs[0].") {
			t.Errorf("%s: err %v, want an error at drugs[0]", drug, err)
		}
	}
}

// Without a period, a drug dispensed before the therapy starts is still on
// the claim: the derived period reaches back to it.
func TestLN3_DerivedPeriodHoldsEveryDrug(t *testing.T) {
	res := code(t, `{"therapies":[{"id":"a","type":"anti-infective","every_hours":24,"start":"2026-03-02","end":"2026-03-07"}],
		"drugs":[{"therapy":"a","hcpcs":"J0690","ndc":"0409-0805-01","from":"2026-03-01","to":"2026-03-07","dose":1,"dose_unit":"g","doses":7}]}`, "")
	wantLines(t, res, "S9500 2026-03-02..2026-03-07 x6", "J0690 2026-03-01..2026-03-07 x14")
}
