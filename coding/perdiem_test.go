package coding

import (
	"slices"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/episode"
	"github.com/perdiem/perdiem/money"
	"github.com/perdiem/perdiem/profile"
)

func TestPD1_AccessDaysFromStartThroughEnd(t *testing.T) {
	res := code(t, therapy(`"type":"anti-infective","start":"2026-03-02","end":"2026-03-15","every_hours":8`), "")
	wantLines(t, res, "S9502 2026-03-02..2026-03-15 x14")
	if res.Lines[0].Why[0].Rule != "PD-1" {
		t.Errorf("why %v does not cite PD-1", res.Lines[0].Why)
	}
}

func TestPD2_EveryIntervalUpTo72HoursCountsEveryDay(t *testing.T) {
	for _, h := range []string{"4", "8", "12", "24", "48", "72"} {
		res := code(t, therapy(`"type":"anti-infective","start":"2026-03-01","end":"2026-03-14","every_hours":`+h), "")
		if len(res.Lines) != 1 || res.Lines[0].Units != 14 {
			t.Errorf("q%sh: %v, want one line of 14 units", h, brief(res))
		}
	}
}

func TestPD3_WeeklyTherapyUnitsPerInterval(t *testing.T) {
	res := code(t, therapy(`"type":"immunotherapy","start":"2026-09-24","end":"2026-10-20","every_hours":168`), "")
	// Intervals start 09-24, 10-01, 10-08, 10-15; the line splits at the month.
	wantLines(t, res, "S9338 2026-09-24..2026-09-30 x1", "S9338 2026-10-01..2026-10-20 x3")
	if res.Lines[0].Why[0].Rule != "PD-3" || !hasWarning(res, "PD-3") {
		t.Errorf("why %v or warnings %+v do not cite PD-3", res.Lines[0].Why, res.Warnings)
	}
	// every_days is the same thing in days: a 28-day interval from 01-05
	// starts again on 02-02, 03-02 and 03-30.
	res = code(t, therapy(`"type":"immunotherapy","start":"2026-01-05","end":"2026-03-31","every_days":28`), "")
	wantLines(t, res, "S9338 2026-01-05..2026-01-31 x1", "S9338 2026-02-01..2026-02-28 x1", "S9338 2026-03-01..2026-03-31 x2")
}

func TestPD3_IntervalStartInsideHoldIsNotBilled(t *testing.T) {
	res := code(t, therapy(`"type":"immunotherapy","start":"2026-09-01","end":"2026-09-28","every_hours":168,
		"holds":[{"from":"2026-09-08","to":"2026-09-09","reason":"inpatient"}]`), "")
	wantLines(t, res, "S9338 2026-09-01..2026-09-07 x1", "S9338 2026-09-10..2026-09-28 x2")
}

func TestPD4_HoldDaysAreNotPerDiemDays(t *testing.T) {
	res := code(t, therapy(`"type":"tpn","start":"2026-05-01","end":"2026-05-20","liters_per_day":1.5,
		"holds":[{"from":"2026-05-08","to":"2026-05-10","reason":"inpatient"},{"from":"2026-05-15","to":"2026-05-15"}]`), "")
	wantLines(t, res, "S9366 2026-05-01..2026-05-07 x7", "S9366 2026-05-11..2026-05-14 x4", "S9366 2026-05-16..2026-05-20 x5")
}

func TestPD5_NoEndRunsToTheEndOfThePeriod(t *testing.T) {
	res := code(t, `{"period":{"from":"2026-03-01","to":"2026-03-31"},"therapies":[{"id":"a","type":"anti-infective","start":"2026-03-10","every_hours":24}]}`, "")
	wantLines(t, res, "S9500 2026-03-10..2026-03-31 x22")
}

func TestPD6_InfusionDaysProfile(t *testing.T) {
	doc := `{"therapies":[{"id":"a","type":"anti-infective","start":"2026-03-01","end":"2026-03-10","every_hours":48,
		"infusion_days":["2026-03-01","2026-03-03","2026-03-05"]}],
		"visits":[{"date":"2026-03-07","minutes":60,"therapy":"a"}]}`
	res := code(t, doc, "bcbs-tx")
	wantLines(t, res,
		"S9494 2026-03-01..2026-03-01 x1", "S9494 2026-03-03..2026-03-03 x1", "S9494 2026-03-05..2026-03-05 x1",
		"S9494 2026-03-07..2026-03-07 x1", "99601 2026-03-07..2026-03-07 x1")
	if !hasWarning(res, "PD-6") {
		t.Errorf("the access days left out must be said: %+v", res.Warnings)
	}
	// The default counts every access day.
	res = code(t, doc, "")
	if res.Lines[0].Units != 10 {
		t.Errorf("nhia: %v, want 10 access days", brief(res))
	}
}

func TestPD6_Elapsed24hCountsContinuousHours(t *testing.T) {
	doc := therapy(`"type":"pain","start":"2026-03-01","end":"2026-03-05","continuous":true`)
	res := withSettings(t, doc, func(s *profile.Settings) { s.PerDiemDays = profile.Elapsed24h })
	wantLines(t, res, "S9326 2026-03-01..2026-03-04 x4")
	// An intermittent therapy is still counted by access days.
	res = withSettings(t, therapy(`"type":"pain","start":"2026-03-01","end":"2026-03-05","continuous":false`),
		func(s *profile.Settings) { s.PerDiemDays = profile.Elapsed24h })
	wantLines(t, res, "S9327 2026-03-01..2026-03-05 x5")
}

func TestPD7_FrequencyChangesCodeNotDays(t *testing.T) {
	q4 := code(t, therapy(`"type":"anti-infective","start":"2026-03-01","end":"2026-03-14","every_hours":4`), "")
	q72 := code(t, therapy(`"type":"anti-infective","start":"2026-03-01","end":"2026-03-14","every_hours":72`), "")
	if q4.Lines[0].Units != q72.Lines[0].Units || q4.Lines[0].Code == q72.Lines[0].Code {
		t.Errorf("q4h %v vs q72h %v: want the same units, different codes", brief(q4), brief(q72))
	}
}

func TestCS1_GeneralProfileUsesTheFamilyGeneralCode(t *testing.T) {
	res := withSettings(t, therapy(`"type":"anti-infective","start":"2026-03-01","end":"2026-03-05","every_hours":8`),
		func(s *profile.Settings) { s.Specificity = profile.General })
	wantLines(t, res, "S9494 2026-03-01..2026-03-05 x5")
	if !slices.ContainsFunc(res.Lines[0].Why, func(r claim.Reason) bool { return r.Rule == "CS-1" }) {
		t.Errorf("why %v does not cite CS-1", res.Lines[0].Why)
	}
}

func TestCS2_AntiInfectiveByInterval(t *testing.T) {
	for _, c := range []struct{ hours, code string }{
		{"3", "S9497"}, {"4", "S9504"}, {"6", "S9503"}, {"8", "S9502"}, {"12", "S9501"}, {"24", "S9500"},
		{"48", "S9494"}, {"72", "S9494"}, {"36", "S9494"},
	} {
		res := code(t, therapy(`"type":"anti-infective","start":"2026-03-01","end":"2026-03-02","every_hours":`+c.hours), "")
		if res.Lines[0].Code != c.code {
			t.Errorf("every %s hours: %s, want %s", c.hours, res.Lines[0].Code, c.code)
		}
	}
	res := withSettings(t, therapy(`"type":"anti-infective","start":"2026-03-01","end":"2026-03-02","every_hours":48`),
		func(s *profile.Settings) { s.AntiInfectiveOtherInterval = "S9500" })
	wantLines(t, res, "S9500 2026-03-01..2026-03-02 x2")
}

func TestCS2_OneDayOfS9494MakesTheWholeTherapyS9494(t *testing.T) {
	res := code(t, therapy(`"type":"anti-infective","start":"2026-03-01","end":"2026-03-10","every_hours":8,
		"changes":[{"from":"2026-03-06","every_hours":48}]`), "")
	wantLines(t, res, "S9494 2026-03-01..2026-03-10 x10")
	if !hasWarning(res, "CS-9") {
		t.Errorf("no CS-9 warning: %+v", res.Warnings)
	}
}

func TestCS2_MissingIntervalFallsBackWithWarning(t *testing.T) {
	res := code(t, therapy(`"type":"anti-infective","start":"2026-03-01","end":"2026-03-02"`), "")
	wantLines(t, res, "S9494 2026-03-01..2026-03-02 x2")
	if !hasWarning(res, "BI-2") {
		t.Errorf("no BI-2 warning: %+v", res.Warnings)
	}
}

func TestCS3_PainAndChemotherapy(t *testing.T) {
	for _, c := range []struct{ fields, code string }{
		{`"type":"pain","continuous":true`, "S9326"},
		{`"type":"pain","continuous":false`, "S9327"},
		{`"type":"pain","implanted_pump":true`, "S9328"},
		{`"type":"pain"`, "S9325"},
		{`"type":"chemotherapy","continuous":true`, "S9330"},
		{`"type":"chemotherapy","continuous":false`, "S9331"},
		{`"type":"chemotherapy"`, "S9329"},
	} {
		res := code(t, therapy(c.fields+`,"start":"2026-03-01","end":"2026-03-02"`), "")
		if res.Lines[0].Code != c.code {
			t.Errorf("%s: %s, want %s", c.fields, res.Lines[0].Code, c.code)
		}
	}
}

func TestCS4_VolumeBreakpoints(t *testing.T) {
	for _, c := range []struct{ typ, liters, code string }{
		{"tpn", "0.5", "S9365"}, {"tpn", "1", "S9365"}, {"tpn", "1.01", "S9366"}, {"tpn", "2", "S9366"},
		{"tpn", "2.5", "S9367"}, {"tpn", "3", "S9367"}, {"tpn", "3.2", "S9368"},
		{"hydration", "1", "S9374"}, {"hydration", "1.5", "S9375"}, {"hydration", "3", "S9376"}, {"hydration", "4", "S9377"},
	} {
		res := code(t, therapy(`"type":"`+c.typ+`","liters_per_day":`+c.liters+`,"start":"2026-03-01","end":"2026-03-02"`), "")
		if res.Lines[0].Code != c.code {
			t.Errorf("%s %s L: %s, want %s", c.typ, c.liters, res.Lines[0].Code, c.code)
		}
	}
	res := code(t, therapy(`"type":"hydration","start":"2026-03-01","end":"2026-03-02"`), "")
	if res.Lines[0].Code != "S9373" || !hasWarning(res, "BI-2") {
		t.Errorf("hydration without volume: %v %+v", brief(res), res.Warnings)
	}
}

func TestCS5_EnteralByMethod(t *testing.T) {
	for m, want := range map[string]string{"gravity": "S9341", "pump": "S9342", "bolus": "S9343"} {
		res := code(t, therapy(`"type":"enteral","method":"`+m+`","start":"2026-03-01","end":"2026-03-02"`), "")
		if res.Lines[0].Code != want {
			t.Errorf("%s: %s, want %s", m, res.Lines[0].Code, want)
		}
	}
}

func TestCS6_OneCodePerTherapyType(t *testing.T) {
	for _, typ := range episode.TherapyTypes() {
		fam, ok := families[typ]
		if !ok {
			t.Errorf("therapy type %s has no coding rule", typ)
			continue
		}
		if fam.general != "" || typ == "catheter-care" {
			continue
		}
		doc := therapy(`"type":"` + typ + `","start":"2026-06-01","end":"2026-06-03","description":"X"`)
		res := code(t, doc, "")
		want := fam.rule(facts{}, &profile.Profile{}).code
		if len(res.Lines) != 1 || res.Lines[0].Code != want || res.Lines[0].Units != 3 {
			t.Errorf("%s: %v, want %s x3", typ, brief(res), want)
		}
	}
	for typ := range families {
		found := false
		for _, known := range episode.TherapyTypes() {
			found = found || known == typ
		}
		if !found {
			t.Errorf("coding rule for %s, which the document does not accept", typ)
		}
	}
}

func TestCS7_NOCTherapyCarriesItsDescription(t *testing.T) {
	res := code(t, therapy(`"type":"infusion-noc","description":"IV BISPHOSPHONATE","start":"2026-03-01","end":"2026-03-02"`), "")
	if res.Lines[0].Code != "S9379" || res.Lines[0].Description != "IV BISPHOSPHONATE" {
		t.Errorf("got %+v", res.Lines[0])
	}
}

func TestCS8_CatheterCare(t *testing.T) {
	for _, c := range []struct{ fields, code string }{
		{`"lumens":1`, "S5498"}, {`"lumens":3`, "S5501"}, {`"device":"implanted"`, "S5502"},
	} {
		res := code(t, therapy(`"type":"catheter-care",`+c.fields+`,"start":"2026-03-01","end":"2026-03-02"`), "")
		if res.Lines[0].Code != c.code {
			t.Errorf("%s: %s, want %s", c.fields, res.Lines[0].Code, c.code)
		}
	}
	// Never a concurrency modifier, and only on days nothing else covers.
	res := code(t, `{"therapies":[
		{"id":"line","type":"catheter-care","lumens":2,"start":"2026-03-01","end":"2026-03-10"},
		{"id":"abx","type":"anti-infective","every_hours":24,"start":"2026-03-04","end":"2026-03-06"}]}`, "")
	wantLines(t, res, "S5501 2026-03-01..2026-03-03 x3", "S9500 2026-03-04..2026-03-06 x3", "S5501 2026-03-07..2026-03-10 x4")
}

func TestCS9_GeneralAndSpecificNeverOnOneClaim(t *testing.T) {
	res := code(t, `{"therapies":[
		{"id":"a","type":"anti-infective","every_hours":48,"start":"2026-03-01","end":"2026-03-05"},
		{"id":"b","type":"anti-infective","every_hours":8,"start":"2026-03-03","end":"2026-03-08"}]}`, "")
	for _, l := range res.Lines {
		if l.Code != "S9494" {
			t.Errorf("line %s %v: want every anti-infective line S9494 once S9494 is billed", l.Code, l.Modifiers)
		}
	}
}

func TestCS9_ExcludedSupplyIsDropped(t *testing.T) {
	res := code(t, `{"therapies":[{"id":"a","type":"anti-infective","every_hours":24,"start":"2026-03-01","end":"2026-03-05"}],
		"visits":[{"date":"2026-03-02","minutes":60,"therapy":"a"}],
		"supplies":[{"hcpcs":"S9123","date":"2026-03-02","units":1}]}`, "")
	for _, l := range res.Lines {
		if l.Code == "S9123" {
			t.Errorf("S9123 billed beside 99601")
		}
	}
	if !hasWarning(res, "CS-9") {
		t.Errorf("no CS-9 warning: %+v", res.Warnings)
	}
}

func TestCS10_CodeOutsideItsDatesIsAnError(t *testing.T) {
	_, err := tryCode(therapy(`"type":"immunotherapy-injection","start":"2023-03-25","end":"2023-03-31"`), "")
	if err == nil || !strings.Contains(err.Error(), "therapies[0]") || !strings.Contains(err.Error(), "S9563") {
		t.Errorf("S9563 before 2023-04-01: err %v, want a CS-10 error at therapies[0]", err)
	}
	res := code(t, therapy(`"type":"immunotherapy-injection","start":"2023-04-01","end":"2023-04-02"`), "")
	wantLines(t, res, "S9563 2023-04-01..2023-04-02 x2")
}

func TestCS11_ChangeSplitsTheLine(t *testing.T) {
	res := code(t, therapy(`"type":"tpn","liters_per_day":1,"start":"2026-03-01","end":"2026-03-10",
		"changes":[{"from":"2026-03-05","liters_per_day":2.5},{"from":"2026-03-08","site":"suite"}]`), "")
	wantLines(t, res, "S9365 2026-03-01..2026-03-04 x4", "S9367 2026-03-05..2026-03-07 x3", "S9367[SS] 2026-03-08..2026-03-10 x3")
}

const threeTherapies = `{"therapies":[
	{"id":"abx","type":"anti-infective","every_hours":24,"start":"2026-03-01","end":"2026-03-10"},
	{"id":"tpn","type":"tpn","liters_per_day":2,"start":"2026-03-03","end":"2026-03-12"},
	{"id":"hyd","type":"hydration","liters_per_day":1,"start":"2026-03-05","end":"2026-03-06"}]}`

func TestCC1_SecondTakesSHThirdTakesSJDayByDay(t *testing.T) {
	res := code(t, threeTherapies, "")
	wantLines(t, res,
		"S9500 2026-03-01..2026-03-10 x10",
		"S9366[SH] 2026-03-03..2026-03-10 x8", "S9366 2026-03-11..2026-03-12 x2",
		"S9374[SJ] 2026-03-05..2026-03-06 x2")
}

func TestCC2_PrimaryByRateThenStart(t *testing.T) {
	res := withSettings(t, threeTherapies, func(s *profile.Settings) {
		s.Rates = map[string]money.Amount{"S9500": 10000, "S9366": 25000, "S9374": 5000}
	})
	wantLines(t, res,
		"S9500 2026-03-01..2026-03-02 x2", "S9500[SH] 2026-03-03..2026-03-10 x8",
		"S9366 2026-03-03..2026-03-12 x10",
		"S9374[SJ] 2026-03-05..2026-03-06 x2")
	res = withSettings(t, `{"therapies":[
		{"id":"tpn","type":"tpn","liters_per_day":2,"start":"2026-03-03","end":"2026-03-04"},
		{"id":"abx","type":"anti-infective","every_hours":24,"start":"2026-03-01","end":"2026-03-04"}]}`,
		func(s *profile.Settings) { s.PrimaryTherapy = profile.PrimaryFirstBilled })
	wantLines(t, res, "S9366 2026-03-03..2026-03-04 x2", "S9500 2026-03-01..2026-03-02 x2", "S9500[SH] 2026-03-03..2026-03-04 x2")
}

func TestCC3_ExtraModifierWithSH(t *testing.T) {
	res := withSettings(t, threeTherapies, func(s *profile.Settings) { s.ConcurrencyExtraModifier = "59" })
	for _, l := range res.Lines {
		if len(l.Modifiers) > 0 && (l.Modifiers[0] == "SH" || l.Modifiers[0] == "SJ") && (len(l.Modifiers) != 2 || l.Modifiers[1] != "59") {
			t.Errorf("%s %v: want 59 after the concurrency modifier", l.Code, l.Modifiers)
		}
	}
}

func TestCC4_ForbiddenCombinationDropsTheExcludedDays(t *testing.T) {
	res := withSettings(t, threeTherapies, func(s *profile.Settings) {
		s.ForbiddenConcurrent = []profile.Forbidden{{Type: "hydration", With: []string{"tpn", "enteral"}}}
	})
	for _, l := range res.Lines {
		if l.Code == "S9374" {
			t.Errorf("hydration billed beside TPN: %v", brief(res))
		}
	}
	if !hasWarning(res, "CC-4") {
		t.Errorf("no CC-4 warning")
	}
}

func TestCC5_WeeklyTherapyDoesNotTakePartInRanking(t *testing.T) {
	res := code(t, `{"therapies":[
		{"id":"ivig","type":"immunotherapy","every_hours":168,"start":"2026-03-01","end":"2026-03-14"},
		{"id":"abx","type":"anti-infective","every_hours":24,"start":"2026-03-02","end":"2026-03-05"}]}`, "")
	wantLines(t, res, "S9338 2026-03-01..2026-03-14 x2", "S9500 2026-03-02..2026-03-05 x4")
}
