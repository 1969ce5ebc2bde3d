package codeset

import (
	"encoding/csv"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// aspPricing is CMS's ASP payment allowance file for October 2025, whose
// "HCPCS Code Dosage" column states, for each Part B drug code, the amount
// one unit stands for (testdata/cms/README.md).
const aspPricing = "../testdata/cms/asp-2025-10-pricing.csv"

// aspDosage reads the file's dosage: "500 MG", "1.125 GM", "100,000
// UNITS", "1 USP UNIT", and the combinations "10 MG/3MG", "3 MG & 3 MG",
// "4 MG-4 MG-2 MG", whose amounts add up. It reports false for the rest
// ("PER VIAL", "Less than or equal to 100 MG").
func aspDosage(s string) (float64, string, bool) {
	units := map[string]string{"mg": "mg", "gm": "g", "g": "g", "mcg": "mcg", "ml": "ml", "cc": "ml", "meq": "meq",
		"unit": "units", "units": "units", "iu": "units", "i.u.": "units", "usp unit": "units", "usp units": "units", "sq cm": "cm2", "kiu": "kiu"}
	part := regexp.MustCompile(`^\s*([0-9][0-9,]*\.?[0-9]*|\.[0-9]+)\s*([a-z .]+?)\s*$`)
	total, unit := 0.0, ""
	for _, p := range regexp.MustCompile(`/|&|-`).Split(strings.ToLower(s), -1) {
		m := part.FindStringSubmatch(p)
		if m == nil {
			return 0, "", false
		}
		v, err := strconv.ParseFloat(strings.ReplaceAll(m[1], ",", ""), 64)
		u, ok := units[m[2]]
		if err != nil || !ok || unit != "" && u != unit {
			return 0, "", false
		}
		total, unit = total+v, u
	}
	return total, unit, true
}

// aspDiffers are the codes whose ASP dosage and descriptor disagree on
// paper, with why the units billed come out the same or the descriptor
// governs.
var aspDiffers = map[string]string{
	"J1454": "ASP states the palonosetron 0.25 mg; a vial of fosnetupitant 235 mg and palonosetron 0.25 mg is one unit either way",
	"J8655": "ASP states the palonosetron 0.5 mg; a capsule of netupitant 300 mg and palonosetron 0.5 mg is one unit either way",
	"J1560": "the descriptor says over 10 cc, a range that chooses the code: one unit an injection",
	"Q4314": "the descriptor misspells centimeter (\"per square cenitmeter\"), so no unit is read; a skin substitute, not billed by home infusion",
}

// TestReadDose_AgreesWithASP checks the dose read from every January 2025
// descriptor against the dosage CMS's ASP file states for the code, an
// independent statement of the same billing unit.
func TestReadDose_AgreesWithASP(t *testing.T) {
	f, err := os.Open(aspPricing)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	r, err := OpenRelease(release2025)
	if err != nil {
		t.Fatal(err)
	}
	byCode := map[string]*Code{}
	for i := range r.Codes {
		byCode[r.Codes[i].Code] = &r.Codes[i]
	}
	header := -1
	for i, row := range rows {
		if len(row) > 2 && row[0] == "HCPCS Code" && row[2] == "HCPCS Code Dosage" {
			header = i
			break
		}
	}
	if header < 0 {
		t.Fatal("no header row in the ASP file")
	}
	compared, combos := 0, 0
	for _, row := range rows[header+1:] {
		c, ok := byCode[row[0]]
		if !ok || !TakesDose(c.Code, c.Kind) {
			continue
		}
		amount, unit, ok := aspDosage(row[2])
		if !ok {
			continue
		}
		if why, known := aspDiffers[c.Code]; known {
			if c.Dose != nil && math.Abs(c.Dose.Amount-amount) < 1e-9 && c.Dose.Unit == unit {
				t.Errorf("%s now agrees with ASP; drop it from aspDiffers (%s)", c.Code, why)
			}
			continue
		}
		compared++
		if c.Dose == nil {
			t.Errorf("%s %q: no dose read (%s); ASP says %s", c.Code, c.Long, c.DoseNote, row[2])
			continue
		}
		if len(c.Dose.Parts) > 0 {
			combos++
		}
		if math.Abs(c.Dose.Amount-amount) > 1e-9 || c.Dose.Unit != unit {
			t.Errorf("%s %q: read %s; ASP says %s", c.Code, c.Long, c.Dose, row[2])
		}
	}
	if compared < 850 || combos < 5 {
		t.Errorf("compared %d codes, %d of them combinations; want at least 850 and 5", compared, combos)
	}
	t.Logf("%d codes agree with the ASP dosage, %d of them combinations", compared, combos)
}
