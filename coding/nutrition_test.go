package coding

import (
	"strings"
	"testing"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/profile"
)

// TestIN3_TableMatchesTheCodeSet keeps data/nutrition.csv honest: its per
// diem codes are the TPN and enteral per diems of the code set, and every
// code its ranges name is a parenteral or enteral nutrition code.
func TestIN3_TableMatchesTheCodeSet(t *testing.T) {
	cs := codeset.Default()
	if len(nutritionTable) == 0 {
		t.Fatal("the IN-3 table is empty")
	}
	families := map[string]string{"TPN": "tpn", "enteral": "enteral"}
	for _, row := range nutritionTable {
		typ, ok := families[row.perDiemName]
		if !ok {
			t.Errorf("row %s: per diem name %q is not TPN or enteral", row.what, row.perDiemName)
			continue
		}
		for _, r := range row.perDiem {
			for _, code := range []string{r.from, r.to} {
				k, ok := cs.Lookup(code)
				if !ok || !k.IsPerDiem() {
					t.Errorf("row %s: per diem %s is not a per diem of the code set", row.what, code)
				}
			}
		}
		// The family's codes are the ones the row speaks of.
		for _, code := range familyCodes(typ) {
			if !inRanges(row.perDiem, code) {
				t.Errorf("row %s: the %s per diem %s is not in %s", row.what, typ, code, row.perDiemText)
			}
		}
		n := 0
		for _, code := range cs.All() {
			if !inRanges(row.codes, code.Code) {
				continue
			}
			n++
			if code.Kind != codeset.EnteralParenteral {
				t.Errorf("row %s: %s is a %s code, not nutrition", row.what, code.Code, code.Kind)
			}
		}
		for _, r := range row.codes {
			for _, code := range []string{r.from, r.to} {
				if _, ok := cs.Lookup(code); !ok {
					t.Errorf("row %s: %s is not in the code set", row.what, code)
				}
			}
		}
		if n == 0 {
			t.Errorf("row %s names no code of the code set", row.what)
		}
	}
}

// familyCodes lists the per diem codes a therapy type can bill.
func familyCodes(typ string) []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range []float64{0, 1, 2, 3, 4} {
		for _, m := range []string{"", "gravity", "pump", "bolus"} {
			ch := families[typ].rule(facts{litersPerDay: l, method: m}, profile.Default())
			if !seen[ch.code] {
				seen[ch.code] = true
				out = append(out, ch.code)
			}
		}
	}
	return out
}

func TestIN3_TableErrorsNameTheLine(t *testing.T) {
	const header = "per_diem,per_diem_name,codes,billing,what,source\n"
	for _, c := range []struct{ name, text, want string }{
		{"header", "a,b,c,d,e,f\n", "header"},
		{"billing", header + "S9364-S9368,TPN,B4185,apart,lipids,src\n", "line 2: billing"},
		{"range", header + "S9364-S9368,TPN,B4187-B4185,separate,lipids,src\n", "line 2: codes"},
		{"short code", header + "S9364,TPN,B418,separate,lipids,src\n", "line 2: codes"},
		{"no source", header + "S9364,TPN,B4185,separate,lipids,\n", "line 2: per_diem_name, what and source"},
		{"two rows", header + "S9364,TPN,B4185-B4187,separate,lipids,src\nS9364,TPN,B4187,included,x,src\n", "line 3: B4187-B4187 is already in the row for lipids"},
		{"range around a row", header + "S9364,TPN,B4186,separate,lipids,src\nS9364,TPN,B4185-B4187,included,x,src\n", "line 3: B4185-B4187 is already in the row for lipids"},
		{"same row", header + "S9364,TPN,B4185-B4189 B4186,separate,lipids,src\n", "line 2: B4186-B4186 is already in the row for lipids"},
		{"fields", header + "S9364,TPN,B4185\n", "wrong number of fields"},
	} {
		_, err := parseNutrition(c.text)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

const tpnMonth = `{"period":{"from":"2026-03-01","to":"2026-03-31"},
	"therapies":[{"id":"tpn","type":"tpn","liters_per_day":1.5,"start":"2026-03-01","end":"2026-03-10"}],
	"supplies":[
		{"hcpcs":"B4185","date":"2026-03-02","units":5},
		{"hcpcs":"B4216","date":"2026-03-02","units":1},
		{"hcpcs":"B5000","date":"2026-03-02","units":1},
		{"hcpcs":"B4197","date":"2026-03-02","units":1},
		{"hcpcs":"B4189","date":"2026-03-02","units":1},
		{"hcpcs":"B4222","date":"2026-03-02","units":1},
		{"hcpcs":"B4189","date":"2026-03-12","units":1},
		{"hcpcs":"B4222","date":"2026-03-12","units":1}]}`

func TestIN3_LipidsAndSpecialtyFormulasBilledApartFromTheTPNPerDiem(t *testing.T) {
	res := code(t, tpnMonth, "")
	wantLines(t, res, "S9366 2026-03-01..2026-03-10 x10",
		"B4185 2026-03-02..2026-03-02 x5", "B4216 2026-03-02..2026-03-02 x1", "B5000 2026-03-02..2026-03-02 x1", "B4197 2026-03-02..2026-03-02 x1",
		"B4189 2026-03-12..2026-03-12 x1", "B4222 2026-03-12..2026-03-12 x1")
	for code, what := range map[string]string{"B4185": "lipids", "B4216": "additives", "B5000": "specialty amino acid formula", "B4197": "specialty amino acid formula"} {
		l := lineOf(res, code)
		if why := reasonOf(*l, "IN-3"); !strings.Contains(why, what) || !strings.Contains(why, "billed apart from the TPN per diem") {
			t.Errorf("%s: IN-3 reason %q, want it billed apart as %s", code, why, what)
		}
	}
}

func TestIN3_StandardFormulaAndKitsAreInsideTheTPNPerDiem(t *testing.T) {
	res := code(t, tpnMonth, "")
	for _, want := range []string{"supplies[4]: B4189 (standard TPN formula) is inside the TPN per diem S9366", "supplies[5]: B4222 (TPN supply or administration kit) is inside the TPN per diem S9366"} {
		if !warningAbout(res, "IN-3", want) {
			t.Errorf("no IN-3 warning %q in %+v", want, res.Warnings)
		}
	}
	// On 03-12 no TPN per diem is billed: both are billed, and say why.
	for _, code := range []string{"B4189", "B4222"} {
		if why := reasonOf(*lineOf(res, code), "IN-3"); !strings.Contains(why, "not billed on 2026-03-12, so it is billed") {
			t.Errorf("%s on 03-12: IN-3 reason %q", code, why)
		}
	}
}

func TestIN3_KitInsideAnotherPerDiemIsStillBundled_IN1(t *testing.T) {
	// A TPN kit beside an anti-infective per diem is no TPN matter, but
	// IN-1 bundles it into any per diem.
	res := code(t, supplyDoc("B4222"), "")
	wantLines(t, res, "S9500 2026-03-01..2026-03-07 x7", "B4222 2026-03-09..2026-03-09 x1")
	if !warningAbout(res, "IN-1", "B4222 is bundled") {
		t.Errorf("no IN-1 warning: %+v", res.Warnings)
	}
	// The standard formula is inside the TPN per diem only: billed beside
	// an anti-infective.
	res = code(t, supplyDoc("B4189"), "")
	wantLines(t, res, "S9500 2026-03-01..2026-03-07 x7", "B4189 2026-03-02..2026-03-02 x2", "B4189 2026-03-09..2026-03-09 x1")
}

func TestIN3_EnteralFormulaBilledApartKitsInside(t *testing.T) {
	res := code(t, `{"therapies":[{"id":"ent","type":"enteral","method":"pump","start":"2026-03-01","end":"2026-03-05"}],
		"supplies":[{"hcpcs":"B4150","date":"2026-03-02","units":15},{"hcpcs":"B4103","date":"2026-03-02","units":2},{"hcpcs":"B4035","date":"2026-03-02","units":1}]}`, "")
	wantLines(t, res, "S9342 2026-03-01..2026-03-05 x5", "B4150 2026-03-02..2026-03-02 x15", "B4103 2026-03-02..2026-03-02 x2")
	if why := reasonOf(*lineOf(res, "B4150"), "IN-3"); !strings.Contains(why, "enteral formula") || !strings.Contains(why, "enteral per diem S9340-S9343") {
		t.Errorf("B4150: IN-3 reason %q", why)
	}
	if !warningAbout(res, "IN-3", "B4035 (enteral feeding supply kit) is inside the enteral per diem S9342") {
		t.Errorf("no IN-3 warning for the kit: %+v", res.Warnings)
	}
}

func TestIN3_ProfileMayBillAnIncludedCodeOutside(t *testing.T) {
	res := withSettings(t, tpnMonth, func(s *profile.Settings) { s.BillableOutsidePerDiem = []string{"B4189"} })
	var n int
	for _, l := range res.Lines {
		if l.Code == "B4189" {
			n++
			if why := reasonOf(l, "IN-2"); !strings.Contains(why, "profile test, setting billable_outside_per_diem") {
				t.Errorf("B4189 billed outside: IN-2 reason %q does not cite the setting", why)
			}
		}
	}
	if n != 2 {
		t.Errorf("%d B4189 lines, want both days billed: %v", n, brief(res))
	}
}

func TestIN3_NutritionGivenAsDrugs(t *testing.T) {
	doc := `{"therapies":[{"id":"tpn","type":"tpn","liters_per_day":1.5,"start":"2026-03-01","end":"2026-03-10"}],
		"drugs":[
			{"therapy":"tpn","hcpcs":"B4185","ndc":"0338-0519-13","from":"2026-03-01","to":"2026-03-10","dose":50,"dose_unit":"g","doses":10},
			{"therapy":"tpn","hcpcs":"B4189","ndc":"0338-0519-13","from":"2026-03-01","to":"2026-03-10","doses":10},
			{"therapy":"tpn","hcpcs":"B4189","ndc":"0338-0519-13","from":"2026-03-08","to":"2026-03-12","doses":5}]}`
	res := code(t, doc, "")
	wantLines(t, res, "S9366 2026-03-01..2026-03-10 x10", "B4185 2026-03-01..2026-03-10 x50", "B4189 2026-03-08..2026-03-12 x5")
	if why := reasonOf(*lineOf(res, "B4185"), "IN-3"); !strings.Contains(why, "lipids") {
		t.Errorf("B4185: IN-3 reason %q", why)
	}
	if !warningAbout(res, "IN-3", "drugs[1]: B4189 (standard TPN formula) is inside the TPN per diem S9366 billed on 2026-03-01..2026-03-10 and is not billed") {
		t.Errorf("no IN-3 warning for the covered drug: %+v", res.Warnings)
	}
	if !warningAbout(res, "IN-3", "drugs[2]: B4189 (standard TPN formula) is inside the TPN per diem S9366, billed on 3 of the 5 days") {
		t.Errorf("no IN-3 warning for the partly covered drug: %+v", res.Warnings)
	}
	if warningAbout(res, "DR-1", "drugs[1]") {
		t.Errorf("a drug that is not billed needs no DR-1 warning about its units: %+v", res.Warnings)
	}
}

// TestIN3_IsData shows the rule moving with its table: the same document
// codes differently when a row of data/nutrition.csv changes.
func TestIN3_IsData(t *testing.T) {
	saved := nutritionTable
	defer func() { nutritionTable = saved }()
	text := strings.Replace(nutritionCSV, "B4164-B4180 B4189,included", "B4164-B4180 B4189,separate", 1)
	if text == nutritionCSV {
		t.Fatal("the standard formula row is not in the table")
	}
	nutritionTable = mustNutrition(text)
	res := code(t, tpnMonth, "")
	if n := strings.Count(strings.Join(brief(res), " "), "B4189"); n != 2 {
		t.Errorf("with the standard formula billed apart: %d B4189 lines, want 2: %v", n, brief(res))
	}
}

func TestIN3_CoveredDaysCountEachDayOnce(t *testing.T) {
	d := func(s string) civil.Date {
		v, err := civil.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	c := &coder{lines: []claim.Line{
		{Code: "S9366", Kind: claim.PerDiem, From: d("2026-03-05"), To: d("2026-03-10")},
		{Code: "S9366", Kind: claim.PerDiem, From: d("2026-03-01"), To: d("2026-03-07")},
		{Code: "S9500", Kind: claim.PerDiem, From: d("2026-03-01"), To: d("2026-03-31")},
		{Code: "B4185", Kind: claim.Supply, From: d("2026-03-12"), To: d("2026-03-12")},
		{Code: "S9367", Kind: claim.PerDiem, From: d("2026-03-12"), To: d("2026-03-20")},
	}}
	row := nutrition("B4189")
	for _, tc := range []struct {
		from, to string
		want     int
	}{
		{"2026-03-01", "2026-03-31", 19}, {"2026-03-06", "2026-03-06", 1}, {"2026-03-11", "2026-03-11", 0},
		{"2026-03-09", "2026-03-13", 4}, {"2026-02-01", "2026-02-28", 0},
	} {
		if got, _ := c.perDiemDays(row, d(tc.from), d(tc.to)); got != tc.want {
			t.Errorf("%s..%s: %d days covered, want %d", tc.from, tc.to, got, tc.want)
		}
	}
}
