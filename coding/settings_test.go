package coding

import (
	"strconv"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/money"
	"github.com/perdiem/perdiem/profile"
)

// TestProfileSettingsAreCitedOnTheLinesTheyShape: each line a profile
// setting coded or ranked names the profile and the setting in its reasons.
func TestProfileSettingsAreCitedOnTheLinesTheyShape(t *testing.T) {
	abx := func(extra string) string {
		return therapy(`"type":"anti-infective","start":"2026-03-01","end":"2026-03-05",` + extra)
	}
	drug := func(extra string) string {
		return drugDoc(`{"therapy":"a","hcpcs":"J0696","ndc":"0004-1965-01","from":"2026-03-01","to":"2026-03-07","dose":1,"dose_unit":"g","doses":7,"ndc_quantity":7,"ndc_unit":"UN"` + extra + `}`)
	}
	for _, c := range []struct {
		name    string
		doc     string
		profile string                    // a shipped profile, or
		change  func(s *profile.Settings) // nhia changed, as profile "test"
		code    string                    // the line to look at
		rule    string
		setting string
	}{
		{"access days", abx(`"every_hours":8`), "nhia", nil, "S9502", "PD-1", "per_diem_days: access-days"},
		{"infusion days", abx(`"every_hours":24,"infusion_days":["2026-03-02"]`), "bcbs-tx", nil, "S9500", "PD-6", "per_diem_days: infusion-days"},
		{"elapsed 24 hours", therapy(`"type":"pain","continuous":true,"start":"2026-03-01","end":"2026-03-05"`), "bcbs-nc", nil, "S9326", "PD-6", "per_diem_days: elapsed-24h"},
		{"elapsed 24 hours, intermittent", abx(`"every_hours":8`), "bcbs-nc", nil, "S9502", "PD-1", "per_diem_days: elapsed-24h"},
		{"span", abx(`"every_hours":8`), "bc-idaho", nil, "S9502", "LN-2", "span: min-7-days"},
		{"general code", abx(`"every_hours":8`), "hmsa", nil, "S9494", "CS-1", "specificity: general"},
		{"other interval", abx(`"every_hours":48`), "nhia", nil, "S9494", "CS-2", "anti_infective_other_interval: S9494"},
		{"other interval, nearest", abx(`"every_hours":48`), "", func(s *profile.Settings) { s.AntiInfectiveOtherInterval = "S9500" }, "S9500", "CS-2", "anti_infective_other_interval: S9500"},
		{"continuous anti-infective", abx(`"continuous":true`), "nhia", nil, "S9494", "CS-2", "anti_infective_other_interval: S9494"},
		{"primary therapy", threeTherapies, "nhia", nil, "S9374", "CC-2", "primary_therapy: rate-then-start"},
		{"first billed", threeTherapies, "bc-idaho", nil, "S9374", "CC-2", "primary_therapy: first-billed"},
		{"extra modifier", threeTherapies, "bcbs-nc", nil, "S9374", "CC-3", "concurrency_extra_modifier: 59"},
		{"suite per diem", abx(`"every_hours":8,"site":"suite"`), "", func(s *profile.Settings) { s.SuitePOS = "49" }, "S9502", "LN-1", "suite_pos: 49"},
		{"suite visit", `{"therapies":[{"id":"a","type":"anti-infective","every_hours":24,"start":"2026-03-01","end":"2026-03-07"}],
			"visits":[{"date":"2026-03-01","minutes":60,"site":"suite","therapy":"a"}]}`, "bcbs-nd", nil, "99601", "LN-1", "suite_pos: 49"},
		{"suite drug", `{"therapies":[{"id":"a","type":"anti-infective","every_hours":24,"site":"suite","start":"2026-03-01","end":"2026-03-07"}],
			"drugs":[{"therapy":"a","hcpcs":"J0696","ndc":"0004-1965-01","from":"2026-03-01","to":"2026-03-07","dose":1,"dose_unit":"g","doses":7}]}`, "bcbs-nd", nil, "J0696", "LN-1", "suite_pos: 49"},
		{"extra hour", visitDoc, "nhia", nil, "99602", "NU-2", "nursing_extra_hour_minutes: 31"},
		{"drug by HCPCS", drug(""), "nhia", nil, "J0696", "DR-5", "drug_coding: hcpcs+ndc"},
		{"drug by NDC", drug(""), "", func(s *profile.Settings) { s.DrugCoding = profile.DrugNDCOnly }, "J3490", "DR-5", "drug_coding: ndc-only"},
		{"drug as NOC", drug(""), "", func(s *profile.Settings) { s.DrugCoding = profile.DrugNOCNDC }, "J3490", "DR-5", "drug_coding: noc+ndc"},
		{"unused drug", drug(`,"unused":true`), "", func(s *profile.Settings) { s.UnusedDrug = profile.UnusedSV }, "J0696", "DR-4", "unused_drug: sv"},
		{"billable outside", supplyDoc("A4222"), "bcbs-ne", nil, "A4222", "IN-2", "billable_outside_per_diem: lists A4222"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var res *claim.Result
			id := c.profile
			if c.change != nil {
				res, id = withSettings(t, c.doc, c.change), "test"
			} else {
				res = code(t, c.doc, c.profile)
			}
			want := "(profile " + id + ", setting " + c.setting
			found := false
			for _, l := range res.Lines {
				if l.Code != c.code {
					continue
				}
				found = true
				if why := reasonOf(l, c.rule); !strings.Contains(why, want) {
					t.Errorf("%s %v..%v: %s reason %q, want it to cite %q; why %v", l.Code, l.From, l.To, c.rule, why, want, l.Why)
				}
			}
			if !found {
				t.Fatalf("no %s line: %v", c.code, brief(res))
			}
		})
	}
}

// TestCC2_EachConcurrentLineSaysWhatRankedIt: the criterion that set a
// line's place among concurrent therapies is on the line; when the
// contracted rates decided, LN-5 says that money decided nothing else.
func TestCC2_EachConcurrentLineSaysWhatRankedIt(t *testing.T) {
	res := code(t, threeTherapies, "")
	for _, l := range res.Lines {
		if l.Code == "S9366" && l.From.String() == "2026-03-11" {
			// Alone on 03-11 and 03-12: nothing ranked it.
			if why := reasonOf(l, "CC-2"); why != "" {
				t.Errorf("S9366 alone: CC-2 reason %q", why)
			}
			continue
		}
		if why := reasonOf(l, "CC-2"); !strings.Contains(why, "by start, the earlier first") {
			t.Errorf("%s %v: CC-2 reason %q, want the start to decide", l.Code, l.Modifiers, why)
		}
		if reasonOf(l, "LN-5") != "" {
			t.Errorf("%s: LN-5 cited though no rate decided", l.Code)
		}
	}
	res = withSettings(t, threeTherapies, func(s *profile.Settings) {
		s.Rates = map[string]money.Amount{"S9500": 10000, "S9366": 25000, "S9374": 5000}
	})
	for _, l := range res.Lines {
		if l.Code == "S9500" && l.To.String() == "2026-03-02" {
			// Alone on 03-01 and 03-02: nothing ranked it.
			if why := reasonOf(l, "CC-2"); why != "" {
				t.Errorf("S9500 alone: CC-2 reason %q", why)
			}
			continue
		}
		if why := reasonOf(l, "CC-2"); !strings.Contains(why, "by contracted rate") || !strings.Contains(why, "(profile test, setting primary_therapy: rate-then-start)") {
			t.Errorf("%s %v: CC-2 reason %q, want the rate to decide", l.Code, l.Modifiers, why)
		}
		if reasonOf(l, "LN-5") == "" {
			t.Errorf("%s %v: the rates ranked it but LN-5 is not cited: %v", l.Code, l.Modifiers, l.Why)
		}
	}
	res = withSettings(t, `{"therapies":[
		{"id":"a","type":"anti-infective","every_hours":24,"start":"2026-03-01","end":"2026-03-02"},
		{"id":"b","type":"tpn","liters_per_day":2,"start":"2026-03-01","end":"2026-03-02"}]}`, func(s *profile.Settings) {})
	for _, l := range res.Lines {
		if why := reasonOf(l, "CC-2"); !strings.Contains(why, "same start") {
			t.Errorf("%s: CC-2 reason %q, want document order for a tie", l.Code, why)
		}
	}
}

// TestPD4_NursingVisitOnAnInpatientDayIsWarned: a home visit on a day
// inside an inpatient hold is coded, with a PD-4 warning naming the hold.
func TestPD4_NursingVisitOnAnInpatientDayIsWarned(t *testing.T) {
	doc := `{"therapies":[
		{"id":"abx","type":"anti-infective","every_hours":24,"start":"2026-03-01","end":"2026-03-10",
		 "holds":[{"from":"2026-03-04","to":"2026-03-05","reason":"inpatient"},{"from":"2026-03-08","to":"2026-03-08","reason":"hold"}]},
		{"id":"tpn","type":"tpn","liters_per_day":1,"start":"2026-03-01","end":"2026-03-10"}],
		"visits":[
			{"date":"2026-03-03","minutes":60,"therapy":"abx"},
			{"date":"2026-03-05","minutes":60,"therapy":"tpn"},
			{"date":"2026-03-06","minutes":60,"therapy":"abx"},
			{"date":"2026-03-08","minutes":60,"therapy":"tpn"}]}`
	res := code(t, doc, "")
	var warned []string
	for _, w := range res.Warnings {
		if w.Rule == "PD-4" {
			warned = append(warned, w.Message)
		}
	}
	if len(warned) != 1 || !strings.Contains(warned[0], "visits[1] on 2026-03-05: the patient is inpatient that day (therapies[0].holds[0], 2026-03-04..2026-03-05)") {
		t.Errorf("PD-4 warnings %q, want one for visits[1] naming the inpatient hold", warned)
	}
	n := 0
	for _, l := range res.Lines {
		if l.Code == "99601" {
			n++
		}
	}
	if n != 4 {
		t.Errorf("%d visits coded, want all 4: the warning does not drop the visit", n)
	}
}

// TestNU1_Each99602NamesTheVisitItExtends: the 99602 line says which
// visit it extends, by date and by the place of that visit's 99601 line.
func TestNU1_Each99602NamesTheVisitItExtends(t *testing.T) {
	res := code(t, `{"therapies":[{"id":"a","type":"anti-infective","every_hours":24,"start":"2026-03-01","end":"2026-03-07"}],
		"visits":[
			{"date":"2026-03-03","minutes":200,"therapy":"a"},
			{"date":"2026-03-01","minutes":90,"therapy":"a"},
			{"date":"2026-03-01","minutes":300,"nurse":"rn","specialty":true,"therapy":"a"}],
		"drugs":[{"therapy":"a","hcpcs":"J0696","ndc":"0004-1965-01","from":"2026-03-01","to":"2026-03-07","dose":1,"dose_unit":"g","doses":7}]}`, "")
	seen := 0
	for _, l := range res.Lines {
		if l.Code != "99602" {
			continue
		}
		seen++
		why := reasonOf(l, "NU-1")
		i := strings.Index(why, "billed on line ")
		if i < 0 {
			t.Errorf("99602 of %s: NU-1 reason %q names no line", l.From, why)
			continue
		}
		n, err := strconv.Atoi(strings.Fields(why[i+len("billed on line "):])[0])
		if err != nil || n < 1 || n > len(res.Lines) {
			t.Errorf("99602 of %s: %q names no line of the %d", l.From, why, len(res.Lines))
			continue
		}
		v := res.Lines[n-1]
		if v.Code != "99601" || v.From != l.From || strings.Join(v.Modifiers, ",") != strings.Join(l.Modifiers, ",") {
			t.Errorf("99602 of %s %v: line %d is %s %v of %s, want the visit's 99601", l.From, l.Modifiers, n, v.Code, v.Modifiers, v.From)
		}
		if !strings.Contains(why, "the visit of "+l.From.String()) {
			t.Errorf("99602 of %s: NU-1 reason %q does not give the visit's date", l.From, why)
		}
	}
	if seen != 2 {
		t.Errorf("%d 99602 lines, want 2: %v", seen, brief(res))
	}
}
