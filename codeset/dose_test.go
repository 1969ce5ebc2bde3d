package codeset

import (
	"strings"
	"testing"
)

// TestParseDose_DR1 pins how the amount one HCPCS unit stands for is read
// from a descriptor, so DR-1 can compute drug units.
func TestParseDose_DR1(t *testing.T) {
	tests := []struct {
		descriptor string
		amount     float64
		unit       string
		text       string
	}{
		{"Injection, cefazolin sodium, 500 mg", 500, "mg", "500 mg"},
		{"Injection, ceftriaxone sodium, per 250 mg", 250, "mg", "per 250 mg"},
		{"Injection, morphine sulfate, up to 10 mg", 10, "mg", "up to 10 mg"},
		{"Injection, epoetin alfa, (for non-esrd use), 1000 units", 1000, "units", "1000 units"},
		{"Injection, something, per 10 ml", 10, "ml", "per 10 ml"},
		{"Injection, interferon beta-1a, 1 mcg for intramuscular use", 1, "mcg", "1 mcg"},
		{"Injection, bortezomib, 0.1 mg", 0.1, "mg", "0.1 mg"},
		{"Injection, something, per 1 g", 1, "g", "per 1 g"},
		{"Injection, something, per 5 ml", 5, "ml", "per 5 ml"},
		{"Injection, c-1 esterase inhibitor, 10 units", 10, "units", "10 units"},
		{"Injection, heparin sodium, per 100 units", 100, "units", "per 100 units"},
		{"Injection, cefotaxime sodium, per gm", 1, "g", "per gm"},
		{"Inhalation solution, unit dose form, per milligram", 1, "mg", "per milligram"},
		{"Factor viii (antihemophilic factor, human) per i.u.", 1, "units", "per i.u."},
		{"Injection, factor xiii a-subunit, (recombinant), per iu", 1, "units", "per iu"},
		{"Injection, dexamethasone sodium phosphate, 1mg", 1, "mg", "1mg"},
		{"Injection, penicillin g potassium, up to 600,000 units", 600000, "units", "up to 600,000 units"},
		{"Injection, interferon, alfa-2b, recombinant, 1 million units", 1e6, "units", "1 million units"},
		{"Injection, potassium chloride, per 2 meq", 2, "meq", "per 2 meq"},
		{"Infusion, normal saline solution, 250 cc", 250, "ml", "250 cc"},
		{"Injection, gamma globulin, intramuscular, 1 cc", 1, "ml", "1 cc"},
		{"Capsaicin 8% patch, per 10 square centimeters", 10, "cm2", "per 10 square centimeters"},
		{"Injection, chorionic gonadotropin, per 1,000 usp units", 1000, "units", "per 1,000 usp units"},
		{"Injection, aprotonin, 10,000 kiu", 10000, "kiu", "10,000 kiu"},
		// A ratio descriptor puts the billing amount before the equals sign.
		{"Infusion, normal saline solution, sterile (500 ml = 1 unit)", 500, "ml", "500 ml"},
		{"5% dextrose/normal saline (500 ml=1 unit)", 500, "ml", "500 ml"},
		// The amount in parentheses restates the billing amount in other units.
		{"Injection, rho d immune globulin, human, full dose, 300 micrograms (1500 i.u.)", 300, "mcg", "300 micrograms"},
		{"Injection, hyaluronidase, ovine, preservative free, per 1 usp unit (up to 999 usp units)", 1, "units", "per 1 usp unit"},
		// A combination is billed by its combined amount: 4.5 g of
		// piperacillin/tazobactam is 4 units of 1.125 g, not 5 of 1 g.
		{"Injection, piperacillin sodium/tazobactam sodium, 1 gram/0.125 grams (1.125 grams)", 1.125, "g", "1 gram/0.125 grams (1.125 grams)"},
		{"Injection, ceftazidime and avibactam, 0.5 g/0.125 g", 0.625, "g", "0.5 g/0.125 g"},
		// A note in parentheses after the amount does not hide it.
		{"Injection, abatacept, 10 mg (code may be used for medicare when drug administered under the direct supervision of a physician)", 10, "mg", "10 mg"},
		{"Injection, immune globulin, (gammagard liquid), non-lyophilized, (e.g., liquid), 500 mg", 500, "mg", "500 mg"},
		{"INJECTION, VANCOMYCIN HCL, 500 MG", 500, "mg", "500 MG"},
		{"Injection, something, .5 mg", 0.5, "mg", ".5 mg"},
		// The phrasings of the January 2025 release, one real descriptor each.
		{"Injection, meropenem and vaborbactam, 10mg/10mg (20mg)", 20, "mg", "10mg/10mg (20mg)"},
		{"Injection, cabotegravir and rilpivirine, 2mg/3mg", 5, "mg", "2mg/3mg"},
		{"Injection, ceftolozane 50 mg and tazobactam 25 mg", 75, "mg", "50 mg and tazobactam 25 mg"},
		{"Injection, imipenem 4 mg, cilastatin 4 mg and relebactam 2 mg", 10, "mg", "4 mg, cilastatin 4 mg and relebactam 2 mg"},
		{"Injection, betamethasone acetate 3 mg and betamethasone sodium phosphate 3 mg", 6, "mg", "3 mg and betamethasone sodium phosphate 3 mg"},
		{"Albuterol, up to 2.5 mg and ipratropium bromide, up to 0.5 mg, fda-approved final product, non-compounded, administered through dme", 3, "mg", "up to 2.5 mg and ipratropium bromide, up to 0.5 mg"},
		{"Injection, daratumumab, 10 mg and hyaluronidase-fihj", 10, "mg", "10 mg"},
		{"Injection, quinupristin/dalfopristin, 500 mg (150/350)", 500, "mg", "500 mg"},
		{"Enteral formula, nutritionally complete with intact nutrients, includes proteins, fats, carbohydrates, vitamins and minerals, may include fiber, administered through an enteral feeding tube, 100 calories = 1 unit", 100, "calories", "100 calories"},
		{"Parenteral nutrition solution, not otherwise specified, 10 grams lipids", 10, "g", "10 grams lipids"},
		{"Parenteral nutrition solution, per 10 grams lipids", 10, "g", "per 10 grams lipids"},
		{"Injection, antihemophilic factor viii/von willebrand factor complex (human), per factor viii i.u.", 1, "units", "per factor viii i.u."},
		{"Injection, von willebrand factor complex (human), wilate, 1 i.u. vwf:rco", 1, "units", "1 i.u."},
		{"Injection, torsemide, 10 mg/ml", 10, "mg", "10 mg"},
		{"Injection, pegylated interferon alfa-2a, 180 mcg per ml", 180, "mcg", "180 mcg"},
		{"High osmolar contrast material, up to 149 mg/ml iodine concentration, per ml", 1, "ml", "per ml"},
		{"Phenylephrine 10.16 mg/ml and ketorolac 2.88 mg/ml ophthalmic irrigation solution, 1 ml", 1, "ml", "1 ml"},
		{"Injection, thyrotropin alpha, 0.9 mg, provided in 1.1 mg vial", 0.9, "mg", "0.9 mg"},
		{"Carbidopa 5 mg/levodopa 20 mg enteral suspension, 100 ml", 100, "ml", "100 ml"},
		{"Injection, hyaluronidase, recombinant, 1 usp unit", 1, "units", "1 usp unit"},
		{"Injection, darbepoetin alfa, 1 microgram (non-esrd use)", 1, "mcg", "1 microgram"},
		{"Injection, acetaminophen, not otherwise specified,10 mg", 10, "mg", "10 mg"},
	}
	for _, tt := range tests {
		t.Run(tt.descriptor, func(t *testing.T) {
			d, ok := ParseDose(tt.descriptor)
			if !ok {
				t.Fatalf("ParseDose(%q) found no dose", tt.descriptor)
			}
			if d.Amount != tt.amount || d.Unit != tt.unit || d.Text != tt.text {
				t.Errorf("ParseDose(%q) = %g %s %q; want %g %s %q", tt.descriptor, d.Amount, d.Unit, d.Text, tt.amount, tt.unit, tt.text)
			}
		})
	}
}

// TestParseDose_NoAmount pins descriptors that state no amount: DR-1 must
// not invent one.
func TestParseDose_NoAmount(t *testing.T) {
	for _, s := range []string{
		"Unclassified drugs",
		"Injection, digoxin immune fab (ovine), per vial",
		"Hyaluronan or derivative, euflexxa, for intra-articular injection, per dose",
		"Contraceptive supply, hormone containing patch, each",
		"Laetrile, amygdalin, vitamin b17",
		"Injection, voretigene neparvovec-rzyl, 1 billion vector genomes",
		"Home infusion therapy, antibiotic, antiviral, or antifungal therapy; once every 8 hours, per diem",
		"Professional services ... for each infusion drug administration calendar day, each 15 minutes",
		"5% dextrose, 8%",
		"",
		"per",
		"0 mg",
		// A range chooses the code; each administration is a unit.
		"Injection, buprenorphine extended-release (sublocade), less than or equal to 100 mg",
		"Injection, buprenorphine extended-release (sublocade), greater than 100 mg",
		"Buprenorphine/naloxone, oral, greater than 3 mg, but less than or equal to 6 mg buprenorphine",
		"Injection, gamma globulin, intramuscular, over 10 cc",
		"Parenteral nutrition solution; compounded amino acid and carbohydrates with electrolytes, trace elements, and vitamins, including preparation, any strength, 10 to 51 grams of protein - premix",
		// A package or an item is the unit.
		"Bupropion hcl sustained release tablet, 150 mg, per bottle of 60 tablets",
		"Segesterone acetate and ethinyl estradiol 0.15mg, 0.013mg per 24 hours; yearly vaginal system, each",
		"Injection, pegaspargase, per single dose vial",
		"Parenteral nutrition supply kit; premix, per day",
	} {
		if d, ok := ParseDose(s); ok {
			t.Errorf("ParseDose(%q) = %+v; want no dose", s, *d)
		}
	}
}

// TestReadDose_Problems pins descriptors whose amounts make no one unit:
// the engine says why (BI-2) instead of picking one.
func TestReadDose_Problems(t *testing.T) {
	for _, tt := range []struct{ descriptor, says string }{
		{"Instillation, taurolidine 1.35 mg and heparin sodium 100 units (central venous catheter lock for adult patients receiving chronic hemodialysis)", "different units (mg and units)"},
		{"Injection, testdrug and otherdrug, 1 g/0.5 g (2 g)", "not the sum of its components (1.5)"},
		{"Injection, testdrug and otherdrug, 1 g/200 mg", "different units (g and mg)"},
		{"Injection, testdrug and otherdrug, 1 g/0.5 g (1500 mg)", "total \"1500 mg\" in another unit"},
	} {
		d, why := ReadDose(tt.descriptor)
		if d != nil || !strings.Contains(why, tt.says) {
			t.Errorf("ReadDose(%q) = %v, %q; want no dose and a reason saying %q", tt.descriptor, d, why, tt.says)
		}
	}
}

func FuzzParseDose(f *testing.F) {
	for _, s := range []string{"Injection, cefazolin sodium, 500 mg", "per 250 mg", "(500 ml = 1 unit)", "1 g/0.125 g (1.125 g)", "1,000,000 units", "per i.u.", ".5.5 mg", "1,00 mg", "per per mg"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := ParseDose(s)
		if !ok {
			return
		}
		if d.Amount <= 0 || d.Unit == "" || d.Text == "" || !strings.Contains(s, d.Text) {
			t.Fatalf("ParseDose(%q) = %+v; want a positive amount, a unit and the text", s, *d)
		}
	})
}
