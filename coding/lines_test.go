package coding

import (
	"strings"
	"testing"

	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/profile"
)

func TestNU2_MidpointRule(t *testing.T) {
	for _, c := range []struct{ minutes, threshold, want int }{
		{60, 31, 0}, {120, 31, 0}, {150, 31, 0}, {151, 31, 1}, {180, 31, 1}, {210, 31, 1}, {211, 31, 2}, {225, 31, 2},
		{240, 31, 2}, {150, 60, 0}, {179, 60, 0}, {180, 60, 1}, {239, 60, 1}, {240, 60, 2},
	} {
		if got := extraHours(c.minutes, c.threshold); got != c.want {
			t.Errorf("%d minutes (threshold %d): %d extra hours, want %d", c.minutes, c.threshold, got, c.want)
		}
	}
}

const visitDoc = `{"therapies":[{"id":"a","type":"anti-infective","every_hours":24,"start":"2026-03-01","end":"2026-03-07"}],
	"visits":[
		{"date":"2026-03-01","minutes":90,"nurse":"rn","therapy":"a"},
		{"date":"2026-03-01","minutes":200,"nurse":"rn","specialty":true,"site":"suite","therapy":"a"},
		{"date":"2026-03-02","minutes":130,"nurse":"lpn","specialty":true,"therapy":"a"}]}`

func TestNU1_NU3_NU5_EachVisitOnItsOwnLine(t *testing.T) {
	res := code(t, visitDoc, "")
	wantLines(t, res, "S9500 2026-03-01..2026-03-07 x7",
		"99601 2026-03-01..2026-03-01 x1", "99601[SS,SD] 2026-03-01..2026-03-01 x1", "99602[SS,SD] 2026-03-01..2026-03-01 x1",
		"99601 2026-03-02..2026-03-02 x1")
	if !hasWarning(res, "NU-3") {
		t.Errorf("an LPN visit marked specialty should warn that SD is not used")
	}
}

func TestNU4_CapsAreFlaggedNotEnforced(t *testing.T) {
	res := withSettings(t, visitDoc, func(s *profile.Settings) {
		s.NursingCaps = &profile.NursingCaps{HoursPerDay: 4, RNOnly: true, VisitsPer7Days: 2}
	})
	if len(res.Lines) != 5 {
		t.Errorf("caps must not remove lines: %v", brief(res))
	}
	var msgs []string
	for _, w := range res.Warnings {
		if w.Rule == "NU-4" {
			msgs = append(msgs, w.Message)
		}
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{"LPN", "hours a day", "visits in 7 days"} {
		if !strings.Contains(all, want) {
			t.Errorf("no NU-4 warning about %q in %q", want, all)
		}
	}
	res = withSettings(t, visitDoc, func(s *profile.Settings) { s.NursingOnClaim = false })
	wantLines(t, res, "S9500 2026-03-01..2026-03-07 x7")
	if !hasWarning(res, "NU-4") {
		t.Errorf("nursing billed elsewhere must warn")
	}
}

func drugDoc(drug string) string {
	return `{"therapies":[{"id":"a","type":"anti-infective","every_hours":24,"start":"2026-03-01","end":"2026-03-07"}],
	"drugs":[` + drug + `]}`
}

func TestDR1_UnitsRoundEachAdministrationUp(t *testing.T) {
	for _, c := range []struct {
		drug  string
		units float64
	}{
		{`"hcpcs":"J0696","dose":2,"dose_unit":"g","doses":7`, 56},       // per 250 mg: 8 a dose
		{`"hcpcs":"J3370","dose":750,"dose_unit":"mg","doses":14`, 28},   // 500 mg: 2 a dose
		{`"hcpcs":"J0690","dose":1,"dose_unit":"g","doses":21`, 42},      // 500 mg: 2 a dose
		{`"hcpcs":"J0690","dose":1.5,"dose_unit":"g","doses":3`, 9},      // exactly 3 a dose
		{`"hcpcs":"J0690","dose":1001,"dose_unit":"mg","doses":1`, 3},    // rounded up
		{`"hcpcs":"J0690","dose":250000,"dose_unit":"mcg","doses":2`, 2}, // 250 mg: 1 a dose
	} {
		res := code(t, drugDoc(`{"therapy":"a","ndc":"0409-0805-01","from":"2026-03-01","to":"2026-03-07",`+c.drug+`}`), "")
		var got float64 = -1
		for _, l := range res.Lines {
			if l.Kind == 2 {
				got = l.Units
			}
		}
		if got != c.units {
			t.Errorf("%s: %v units, want %v", c.drug, got, c.units)
		}
	}
	_, err := tryCode(drugDoc(`{"therapy":"a","hcpcs":"J0690","ndc":"0409-0805-01","from":"2026-03-01","to":"2026-03-07","dose":10,"dose_unit":"ml","doses":3}`), "")
	if err == nil || !strings.Contains(err.Error(), "drugs[0].dose_unit") {
		t.Errorf("ml against a mg descriptor: %v, want an error at drugs[0].dose_unit", err)
	}
}

func TestDR2_NDCIsElevenDigits(t *testing.T) {
	res := code(t, drugDoc(`{"therapy":"a","hcpcs":"J0696","ndc":"0004-1965-01","from":"2026-03-01","to":"2026-03-07","dose":1,"dose_unit":"g","doses":7,"ndc_quantity":7,"ndc_unit":"UN"}`), "")
	l := res.Lines[len(res.Lines)-1]
	if l.NDC != "00004196501" || l.NDCQuantity != 7 || l.NDCUnit != "UN" {
		t.Errorf("got %+v", l)
	}
}

func TestDR3_NOCDrugNeedsDescriptionAndNDC(t *testing.T) {
	res := code(t, drugDoc(`{"therapy":"a","hcpcs":"J3490","ndc":"0338-0049-38","description":"SODIUM CHLORIDE 0.9% 100 ML","from":"2026-03-01","to":"2026-03-07","ndc_quantity":700,"ndc_unit":"ML"}`), "")
	l := res.Lines[len(res.Lines)-1]
	if l.Code != "J3490" || l.Units != 1 || l.Description == "" || l.NDC != "00338004938" {
		t.Errorf("got %+v", l)
	}
	_, err := tryCode(drugDoc(`{"therapy":"a","hcpcs":"J3490","ndc":"0338-0049-38","from":"2026-03-01","to":"2026-03-07","ndc_quantity":700,"ndc_unit":"ML"}`), "")
	if err == nil || !strings.Contains(err.Error(), "description") {
		t.Errorf("NOC without description: %v", err)
	}
}

func TestDR4_UnusedDrug(t *testing.T) {
	doc := drugDoc(`{"therapy":"a","hcpcs":"J0696","ndc":"0004-1965-01","from":"2026-03-01","to":"2026-03-07","dose":1,"dose_unit":"g","doses":7,"unused":true}`)
	res := code(t, doc, "")
	if len(res.Lines) != 1 || !hasWarning(res, "DR-4") {
		t.Errorf("nhia must drop an unused drug with a warning: %v", brief(res))
	}
	res = withSettings(t, doc, func(s *profile.Settings) { s.UnusedDrug = profile.UnusedSV })
	wantLines(t, res, "S9500 2026-03-01..2026-03-07 x7", "J0696[SV] 2026-03-01..2026-03-07 x28")
}

func TestDR5_NOCProfileBillsEveryDrugAsNOC(t *testing.T) {
	res := withSettings(t, drugDoc(`{"therapy":"a","hcpcs":"J0696","ndc":"0004-1965-01","from":"2026-03-01","to":"2026-03-07","dose":1,"dose_unit":"g","doses":7,"ndc_quantity":7,"ndc_unit":"UN"}`),
		func(s *profile.Settings) { s.DrugCoding = profile.DrugNOCNDC })
	l := res.Lines[len(res.Lines)-1]
	if l.Code != "J3490" || l.Description == "" || l.Units != 1 {
		t.Errorf("got %+v", l)
	}
}

func supplyDoc(code string) string {
	return `{"therapies":[{"id":"a","type":"anti-infective","every_hours":24,"start":"2026-03-01","end":"2026-03-07"}],
	"supplies":[{"hcpcs":"` + code + `","date":"2026-03-02","units":2},{"hcpcs":"` + code + `","date":"2026-03-09","units":1}]}`
}

func TestIN1_BundledItemsAreDroppedOnPerDiemDays(t *testing.T) {
	res := code(t, supplyDoc("A4222"), "")
	wantLines(t, res, "S9500 2026-03-01..2026-03-07 x7", "A4222 2026-03-09..2026-03-09 x1")
	if !hasWarning(res, "IN-1") {
		t.Errorf("no IN-1 warning")
	}
	res = code(t, supplyDoc("A4222"), "bcbs-ne")
	wantLines(t, res, "S9500 2026-03-01..2026-03-07 x7", "A4222 2026-03-02..2026-03-02 x2", "A4222 2026-03-09..2026-03-09 x1")
}

func TestIN2_SeparatelyBillableSupplies(t *testing.T) {
	res := code(t, supplyDoc("S5520"), "")
	wantLines(t, res, "S9500 2026-03-01..2026-03-07 x7", "S5520 2026-03-02..2026-03-02 x2", "S5520 2026-03-09..2026-03-09 x1")
}

func TestLN1_SuiteSiteAndPlaceOfService(t *testing.T) {
	doc := therapy(`"type":"immunotherapy","site":"suite","start":"2026-03-01","end":"2026-03-02"`)
	res := code(t, doc, "")
	if l := res.Lines[0]; l.POS != "12" || strings.Join(l.Modifiers, ",") != "SS" {
		t.Errorf("nhia suite: %+v", l)
	}
	res = withSettings(t, doc, func(s *profile.Settings) { s.SuitePOS = "49" })
	if l := res.Lines[0]; l.POS != "49" {
		t.Errorf("suite_pos 49: %+v", l)
	}
}

func TestLN2_Spans(t *testing.T) {
	doc := therapy(`"type":"anti-infective","every_hours":24,"start":"2026-01-28","end":"2026-02-19"`)
	for span, want := range map[string][]string{
		profile.SpanCalendarMonth: {"S9500 2026-01-28..2026-01-31 x4", "S9500 2026-02-01..2026-02-19 x19"},
		profile.SpanEpisode:       {"S9500 2026-01-28..2026-02-19 x23"},
		// 2026-01-28 is a Wednesday: weeks end on Saturdays.
		profile.SpanWeek: {"S9500 2026-01-28..2026-01-31 x4", "S9500 2026-02-01..2026-02-07 x7", "S9500 2026-02-08..2026-02-14 x7", "S9500 2026-02-15..2026-02-19 x5"},
		// The 4 days of January are too short for a line of their own.
		profile.SpanMin7Days: {"S9500 2026-01-28..2026-02-19 x23"},
	} {
		res := withSettings(t, doc, func(s *profile.Settings) { s.Span = span })
		t.Run(span, func(t *testing.T) { wantLines(t, res, want...) })
	}
}

func TestLN2_Min7DaysKeepsMonthlyLinesOfAtLeastSevenDays(t *testing.T) {
	doc := therapy(`"type":"anti-infective","every_hours":24,"start":"2026-01-10","end":"2026-03-04"`)
	res := withSettings(t, doc, func(s *profile.Settings) { s.Span = profile.SpanMin7Days })
	wantLines(t, res, "S9500 2026-01-10..2026-01-31 x22", "S9500 2026-02-01..2026-03-04 x32")
	doc = therapy(`"type":"anti-infective","every_hours":24,"start":"2026-03-01","end":"2026-03-31"`)
	res = withSettings(t, doc, func(s *profile.Settings) { s.Span = profile.SpanMin7Days })
	wantLines(t, res, "S9500 2026-03-01..2026-03-31 x31")
}

func TestLN3_OnlyDaysInsideThePeriod(t *testing.T) {
	res := code(t, `{"period":{"from":"2026-03-01","to":"2026-03-31"},
		"therapies":[{"id":"a","type":"anti-infective","every_hours":24,"start":"2026-02-20","end":"2026-04-05"}],
		"visits":[{"date":"2026-02-25","minutes":60,"therapy":"a"},{"date":"2026-03-25","minutes":60,"therapy":"a"}]}`, "")
	wantLines(t, res, "S9500 2026-03-01..2026-03-31 x31", "99601 2026-03-25..2026-03-25 x1")
	var msgs []string
	for _, w := range res.Warnings {
		if w.Rule == "LN-3" {
			msgs = append(msgs, w.Message)
		}
	}
	if len(msgs) != 2 || !strings.Contains(msgs[0], "therapy a runs 2026-02-20..2026-04-05") || !strings.Contains(msgs[1], "1 visit(s)") {
		t.Errorf("LN-3 warnings %q", msgs)
	}
}

func TestWhyCitesRulesOnEveryLine(t *testing.T) {
	res := code(t, visitDoc, "")
	for _, l := range res.Lines {
		if len(l.Why) == 0 {
			t.Errorf("line %s has no why", l.Code)
		}
		for _, w := range l.Why {
			if !ruleID.MatchString(w.Rule) || w.Text == "" {
				t.Errorf("line %s: reason %#v is not a rule ID with a text", l.Code, w)
			}
		}
	}
}

func TestMC1_MedicarePrimaryIsWarned(t *testing.T) {
	doc := `{"therapies":[{"id":"a","type":"anti-infective","every_hours":24,"start":"2026-03-01","end":"2026-03-02"}],
		"claim":{"id":"X","billing_provider":{"name":"A","npi":"1234567893","tax_id":"361234567","address":{"line1":"1 MAIN","city":"X","state":"IL","zip":"627010000"}},
		"subscriber":{"member_id":"M","last":"D","first":"J","relationship":"self"},"patient":null,
		"payer":{"name":"MEDICARE","id":"MCR","filing":"MB"},"diagnoses":["A41.9"],"charges":{},"interchange":{"sender":"S","receiver":"R"}}}`
	if res := code(t, doc, ""); !hasWarning(res, "MC-1") {
		t.Errorf("no MC-1 warning for a Medicare Part B payer: %+v", res.Warnings)
	}
	if res := code(t, strings.Replace(doc, `"MB"`, `"CI"`, 1), ""); hasWarning(res, "MC-1") {
		t.Errorf("MC-1 warning for a commercial payer")
	}
}

// Lines may share their modifier and reason slices; appending to one line's
// slices must never change another line.
func TestSharedSlicesAreNotAliased(t *testing.T) {
	res := code(t, visitDoc+"", "")
	res2 := code(t, visitDoc, "")
	for i := range res.Lines {
		res.Lines[i].Why = append(res.Lines[i].Why, claim.Reason{Rule: "X"})
		res.Lines[i].Modifiers = append(res.Lines[i].Modifiers, "X")
	}
	for i := range res2.Lines {
		for _, w := range res2.Lines[i].Why {
			if w.Rule == "X" {
				t.Fatalf("line %d of another result sees an append: %v", i, res2.Lines[i].Why)
			}
		}
		for _, m := range res2.Lines[i].Modifiers {
			if m == "X" {
				t.Fatalf("line %d of another result sees an append: %v", i, res2.Lines[i].Modifiers)
			}
		}
	}
}

func TestIN2_CatheterPerDiemIsNotASupply(t *testing.T) {
	_, err := tryCode(supplyDoc("S5498"), "")
	if err == nil || !strings.Contains(err.Error(), "supplies[0].hcpcs: S5498 is a per diem") {
		t.Errorf("S5498 as a supply: %v", err)
	}
	res := code(t, supplyDoc("S5517"), "")
	wantLines(t, res, "S9500 2026-03-01..2026-03-07 x7", "S5517 2026-03-02..2026-03-02 x2", "S5517 2026-03-09..2026-03-09 x1")
}
