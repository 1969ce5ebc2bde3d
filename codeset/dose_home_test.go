package codeset

import "testing"

// homeInfusionDoses are the drug, nutrient and solution codes home
// infusion bills, with their January 2025 descriptors and the amount one
// unit stands for as a biller reads each descriptor: the drug and nutrient
// rows of the curated table (data/hcpcs-home-infusion-2026.csv), the J
// codes of the Medicare home infusion therapy categories (42 U.S.C.
// 1395m(u)), and the anti-infectives, immune globulins, biologics,
// hydration, electrolytes, iron and supportive drugs infused at home. An
// empty unit means the descriptor states no amount per unit: the unit is
// the item, the day or the administration.
var homeInfusionDoses = []struct {
	code, descriptor string
	amount           float64
	unit             string
}{
	// Curated table.
	{"J0696", "Injection, ceftriaxone sodium, per 250 mg", 250, "mg"},
	{"J1756", "Injection, iron sucrose, 1 mg", 1, "mg"},
	{"S5000", "Prescription drug, generic", 0, ""},
	{"S5001", "Prescription drug, brand name", 0, ""},
	{"S5010", "5% dextrose and 0.45% normal saline, 1000 ml", 1000, "ml"},
	{"S5012", "5% dextrose with potassium chloride, 1000 ml", 1000, "ml"},
	{"S5013", "5% dextrose/0.45% normal saline with potassium chloride and magnesium sulfate, 1000 ml", 1000, "ml"},
	{"S5014", "5% dextrose/0.45% normal saline with potassium chloride and magnesium sulfate, 1500 ml", 1500, "ml"},
	{"B4102", "Enteral formula, for adults, used to replace fluids and electrolytes (e.g., clear liquids), 500 ml = 1 unit", 500, "ml"},
	{"B4103", "Enteral formula, for pediatrics, used to replace fluids and electrolytes (e.g., clear liquids), 500 ml = 1 unit", 500, "ml"},
	{"B4104", "Additive for enteral formula (e.g., fiber)", 0, ""},
	{"B4149", "Enteral formula, manufactured blenderized natural foods with intact nutrients, includes proteins, fats, carbohydrates, vitamins and minerals, may include fiber, administered through an enteral feeding tube, 100 calories = 1 unit", 100, "calories"},
	{"B4150", "Enteral formula, nutritionally complete with intact nutrients, includes proteins, fats, carbohydrates, vitamins and minerals, may include fiber, administered through an enteral feeding tube, 100 calories = 1 unit", 100, "calories"},
	{"B4152", "Enteral formula, nutritionally complete, calorically dense (equal to or greater than 1.5 kcal/ml) with intact nutrients, includes proteins, fats, carbohydrates, vitamins and minerals, may include fiber, administered through an enteral feeding tube, 100 calories = 1 unit", 100, "calories"},
	{"B4153", "Enteral formula, nutritionally complete, hydrolyzed proteins (amino acids and peptide chain), includes fats, carbohydrates, vitamins and minerals, may include fiber, administered through an enteral feeding tube, 100 calories = 1 unit", 100, "calories"},
	{"B4154", "Enteral formula, nutritionally complete, for special metabolic needs, excludes inherited disease of metabolism, includes altered composition of proteins, fats, carbohydrates, vitamins and/or minerals, may include fiber, administered through an enteral feeding tube, 100 calories = 1 unit", 100, "calories"},
	{"B4155", "Enteral formula, nutritionally incomplete/modular nutrients, includes specific nutrients, carbohydrates (e.g., glucose polymers), proteins/amino acids (e.g., glutamine, arginine), fat (e.g., medium chain triglycerides) or combination, administered through an enteral feeding tube, 100 calories = 1 unit", 100, "calories"},
	{"B4157", "Enteral formula, nutritionally complete, for special metabolic needs for inherited disease of metabolism, includes proteins, fats, carbohydrates, vitamins and minerals, may include fiber, administered through an enteral feeding tube, 100 calories = 1 unit", 100, "calories"},
	{"B4158", "Enteral formula, for pediatrics, nutritionally complete with intact nutrients, includes proteins, fats, carbohydrates, vitamins and minerals, may include fiber and/or iron, administered through an enteral feeding tube, 100 calories = 1 unit", 100, "calories"},
	{"B4159", "Enteral formula, for pediatrics, nutritionally complete soy based with intact nutrients, includes proteins, fats, carbohydrates, vitamins and minerals, may include fiber and/or iron, administered through an enteral feeding tube, 100 calories = 1 unit", 100, "calories"},
	{"B4160", "Enteral formula, for pediatrics, nutritionally complete calorically dense (equal to or greater than 0.7 kcal/ml) with intact nutrients, includes proteins, fats, carbohydrates, vitamins and minerals, may include fiber, administered through an enteral feeding tube, 100 calories = 1 unit", 100, "calories"},
	{"B4161", "Enteral formula, for pediatrics, hydrolyzed/amino acids and peptide chain proteins, includes fats, carbohydrates, vitamins and minerals, may include fiber, administered through an enteral feeding tube, 100 calories = 1 unit", 100, "calories"},
	{"B4162", "Enteral formula, for pediatrics, special metabolic needs for inherited disease of metabolism, includes proteins, fats, carbohydrates, vitamins and minerals, may include fiber, administered through an enteral feeding tube, 100 calories = 1 unit", 100, "calories"},
	{"B4164", "Parenteral nutrition solution: carbohydrates (dextrose), 50% or less (500 ml = 1 unit) - home mix", 500, "ml"},
	{"B4168", "Parenteral nutrition solution; amino acid, 3.5%, (500 ml = 1 unit) - home mix", 500, "ml"},
	{"B4172", "Parenteral nutrition solution; amino acid, 5.5% through 7%, (500 ml = 1 unit) - home mix", 500, "ml"},
	{"B4176", "Parenteral nutrition solution; amino acid, 7% through 8.5%, (500 ml = 1 unit) - home mix", 500, "ml"},
	{"B4178", "Parenteral nutrition solution: amino acid, greater than 8.5% (500 ml = 1 unit) - home mix", 500, "ml"},
	{"B4180", "Parenteral nutrition solution; carbohydrates (dextrose), greater than 50% (500 ml = 1 unit) - home mix", 500, "ml"},
	{"B4185", "Parenteral nutrition solution, not otherwise specified, 10 grams lipids", 10, "g"},
	{"B4187", "Omegaven, 10 grams lipids", 10, "g"},
	// The premixes are chosen by grams of protein a day; a unit is a day.
	{"B4189", "Parenteral nutrition solution; compounded amino acid and carbohydrates with electrolytes, trace elements, and vitamins, including preparation, any strength, 10 to 51 grams of protein - premix", 0, ""},
	{"B4193", "Parenteral nutrition solution; compounded amino acid and carbohydrates with electrolytes, trace elements, and vitamins, including preparation, any strength, 52 to 73 grams of protein - premix", 0, ""},
	{"B4197", "Parenteral nutrition solution; compounded amino acid and carbohydrates with electrolytes, trace elements and vitamins, including preparation, any strength, 74 to 100 grams of protein - premix", 0, ""},
	{"B4199", "Parenteral nutrition solution; compounded amino acid and carbohydrates with electrolytes, trace elements and vitamins, including preparation, any strength, over 100 grams of protein - premix", 0, ""},
	{"B4216", "Parenteral nutrition; additives (vitamins, trace elements, heparin, electrolytes), home mix, per day", 0, ""},
	{"B5000", "Parenteral nutrition solution compounded amino acid and carbohydrates with electrolytes, trace elements, and vitamins, including preparation, any strength, renal-aminosyn-rf, nephramine, renamine-premix", 0, ""},
	{"B5100", "Parenteral nutrition solution compounded amino acid and carbohydrates with electrolytes, trace elements, and vitamins, including preparation, any strength, hepatic, hepatamine-premix", 0, ""},
	{"B5200", "Parenteral nutrition solution compounded amino acid and carbohydrates with electrolytes, trace elements, and vitamins, including preparation, any strength, stress-branch chain amino acids-freamine-hbc-premix", 0, ""},
	// Medicare home infusion therapy categories 1–3.
	{"J0133", "Injection, acyclovir, 5 mg", 5, "mg"},
	{"J0285", "Injection, amphotericin b, 50 mg", 50, "mg"},
	{"J0287", "Injection, amphotericin b lipid complex, 10 mg", 10, "mg"},
	{"J0288", "Injection, amphotericin b cholesteryl sulfate complex, 10 mg", 10, "mg"},
	{"J0289", "Injection, amphotericin b liposome, 10 mg", 10, "mg"},
	{"J0895", "Injection, deferoxamine mesylate, 500 mg", 500, "mg"},
	{"J1170", "Injection, hydromorphone, up to 4 mg", 4, "mg"},
	{"J1171", "Injection, hydromorphone, 0.1 mg", 0.1, "mg"},
	{"J1250", "Injection, dobutamine hydrochloride, per 250 mg", 250, "mg"},
	{"J1265", "Injection, dopamine hcl, 40 mg", 40, "mg"},
	{"J1325", "Injection, epoprostenol, 0.5 mg", 0.5, "mg"},
	{"J1455", "Injection, foscarnet sodium, per 1000 mg", 1000, "mg"},
	{"J1457", "Injection, gallium nitrate, 1 mg", 1, "mg"},
	{"J1551", "Injection, immune globulin (cutaquig), 100 mg", 100, "mg"},
	{"J1555", "Injection, immune globulin (cuvitru), 100 mg", 100, "mg"},
	{"J1558", "Injection, immune globulin (xembify), 100 mg", 100, "mg"},
	{"J1559", "Injection, immune globulin (hizentra), 100 mg", 100, "mg"},
	{"J1561", "Injection, immune globulin, (gamunex-c/gammaked), non-lyophilized (e.g., liquid), 500 mg", 500, "mg"},
	{"J1562", "Injection, immune globulin (vivaglobin), 100 mg", 100, "mg"},
	{"J1569", "Injection, immune globulin, (gammagard liquid), non-lyophilized, (e.g., liquid), 500 mg", 500, "mg"},
	{"J1570", "Injection, ganciclovir sodium, 500 mg", 500, "mg"},
	{"J1575", "Injection, immune globulin/hyaluronidase, (hyqvia), 100 mg immuneglobulin", 100, "mg"},
	{"J2175", "Injection, meperidine hydrochloride, per 100 mg", 100, "mg"},
	{"J2260", "Injection, milrinone lactate, 5 mg", 5, "mg"},
	{"J2270", "Injection, morphine sulfate, up to 10 mg", 10, "mg"},
	{"J2274", "Injection, morphine sulfate, preservative-free for epidural or intrathecal use, 10 mg", 10, "mg"},
	{"J2278", "Injection, ziconotide, 1 microgram", 1, "mcg"},
	{"J3010", "Injection, fentanyl citrate, 0.1 mg", 0.1, "mg"},
	{"J3285", "Injection, treprostinil, 1 mg", 1, "mg"},
	{"J7799", "Noc drugs, other than inhalation drugs, administered through dme", 0, ""},
	{"J7999", "Compounded drug, not otherwise classified", 0, ""},
	{"J9000", "Injection, doxorubicin hydrochloride, 10 mg", 10, "mg"},
	{"J9039", "Injection, blinatumomab, 1 microgram", 1, "mcg"},
	{"J9040", "Injection, bleomycin sulfate, 15 units", 15, "units"},
	{"J9065", "Injection, cladribine, per 1 mg", 1, "mg"},
	{"J9100", "Injection, cytarabine, 100 mg", 100, "mg"},
	{"J9190", "Injection, fluorouracil, 500 mg", 500, "mg"},
	{"J9200", "Injection, floxuridine, 500 mg", 500, "mg"},
	{"J9360", "Injection, vinblastine sulfate, 1 mg", 1, "mg"},
	{"J9370", "Vincristine sulfate, 1 mg", 1, "mg"},
	// Anti-infectives; a combination bills its combined amount.
	{"J0690", "Injection, cefazolin sodium, 500 mg", 500, "mg"},
	{"J3370", "Injection, vancomycin hcl, 500 mg", 500, "mg"},
	{"J2543", "Injection, piperacillin sodium/tazobactam sodium, 1 gram/0.125 grams (1.125 grams)", 1.125, "g"},
	{"J0714", "Injection, ceftazidime and avibactam, 0.5 g/0.125 g", 0.625, "g"},
	{"J0695", "Injection, ceftolozane 50 mg and tazobactam 25 mg", 75, "mg"},
	{"J0742", "Injection, imipenem 4 mg, cilastatin 4 mg and relebactam 2 mg", 10, "mg"},
	{"J2186", "Injection, meropenem and vaborbactam, 10mg/10mg (20mg)", 20, "mg"},
	{"J0743", "Injection, cilastatin sodium; imipenem, per 250 mg", 250, "mg"},
	{"J0295", "Injection, ampicillin sodium/sulbactam sodium, per 1.5 gm", 1.5, "g"},
	{"J0878", "Injection, daptomycin, 1 mg", 1, "mg"},
	{"J1956", "Injection, levofloxacin, 250 mg", 250, "mg"},
	{"J2185", "Injection, meropenem, 100 mg", 100, "mg"},
	{"J1580", "Injection, garamycin, gentamicin, up to 80 mg", 80, "mg"},
	{"J0456", "Injection, azithromycin, 500 mg", 500, "mg"},
	{"J2020", "Injection, linezolid, 200 mg", 200, "mg"},
	{"J0692", "Injection, cefepime hydrochloride, 500 mg", 500, "mg"},
	{"J0713", "Injection, ceftazidime, per 500 mg", 500, "mg"},
	{"J0697", "Injection, sterile cefuroxime sodium, per 750 mg", 750, "mg"},
	{"J0694", "Injection, cefoxitin sodium, 1 gm", 1, "g"},
	{"J0290", "Injection, ampicillin sodium, 500 mg", 500, "mg"},
	{"J2540", "Injection, penicillin g potassium, up to 600,000 units", 600000, "units"},
	{"J0770", "Injection, colistimethate sodium, up to 150 mg", 150, "mg"},
	{"J1335", "Injection, ertapenem sodium, 500 mg", 500, "mg"},
	// Immune globulins and biologics.
	{"J1566", "Injection, immune globulin, intravenous, lyophilized (e.g., powder), not otherwise specified, 500 mg", 500, "mg"},
	{"J1568", "Injection, immune globulin, (octagam), intravenous, non-lyophilized (e.g., liquid), 500 mg", 500, "mg"},
	{"J1572", "Injection, immune globulin, (flebogamma/flebogamma dif), intravenous, non-lyophilized (e.g., liquid), 500 mg", 500, "mg"},
	{"J1459", "Injection, immune globulin (privigen), intravenous, non-lyophilized (e.g., liquid), 500 mg", 500, "mg"},
	{"J1745", "Injection, infliximab, excludes biosimilar, 10 mg", 10, "mg"},
	{"Q5103", "Injection, infliximab-dyyb, biosimilar, (inflectra), 10 mg", 10, "mg"},
	{"J0129", "Injection, abatacept, 10 mg (code may be used for medicare when drug administered under the direct supervision of a physician, not for use when drug is self administered)", 10, "mg"},
	{"J0256", "Injection, alpha 1 proteinase inhibitor (human), not otherwise specified, 10 mg", 10, "mg"},
	{"J7186", "Injection, antihemophilic factor viii/von willebrand factor complex (human), per factor viii i.u.", 1, "units"},
	// Hydration, electrolytes, flushes.
	{"J7050", "Infusion, normal saline solution, 250 cc", 250, "ml"},
	{"J7040", "Infusion, normal saline solution, sterile (500 ml = 1 unit)", 500, "ml"},
	{"J7042", "5% dextrose/normal saline (500 ml = 1 unit)", 500, "ml"},
	{"J7060", "5% dextrose/water (500 ml = 1 unit)", 500, "ml"},
	{"J7070", "Infusion, d5w, 1000 cc", 1000, "ml"},
	{"J7120", "Ringers lactate infusion, up to 1000 cc", 1000, "ml"},
	{"J3475", "Injection, magnesium sulfate, per 500 mg", 500, "mg"},
	{"J3480", "Injection, potassium chloride, per 2 meq", 2, "meq"},
	{"J1644", "Injection, heparin sodium, per 1000 units", 1000, "units"},
	{"J1642", "Injection, heparin sodium, (heparin lock flush), per 10 units", 10, "units"},
	// Supportive drugs, insulin, iron, epoetin.
	{"J2405", "Injection, ondansetron hydrochloride, per 1 mg", 1, "mg"},
	{"J1100", "Injection, dexamethasone sodium phosphate, 1 mg", 1, "mg"},
	{"J1200", "Injection, diphenhydramine hcl, up to 50 mg", 50, "mg"},
	{"J0131", "Injection, acetaminophen, not otherwise specified,10 mg", 10, "mg"},
	{"J1815", "Injection, insulin, per 5 units", 5, "units"},
	{"J1817", "Insulin for administration through dme (i.e., insulin pump) per 50 units", 50, "units"},
	{"J0885", "Injection, epoetin alfa, (for non-esrd use), 1000 units", 1000, "units"},
	{"J1439", "Injection, ferric carboxymaltose, 1 mg", 1, "mg"},
	{"J2916", "Injection, sodium ferric gluconate complex in sucrose injection, 12.5 mg", 12.5, "mg"},
	{"J1750", "Injection, iron dextran, 50 mg", 50, "mg"},
	{"Q0138", "Injection, ferumoxytol, for treatment of iron deficiency anemia, 1 mg (non-esrd use)", 1, "mg"},
}

// TestReadDose_HomeInfusion2025 pins the dose of every home infusion drug
// code as the January 2025 release states it: the descriptor must still
// read as pinned, and its amount as a biller reads it.
func TestReadDose_HomeInfusion2025(t *testing.T) {
	r, err := OpenRelease(release2025)
	if err != nil {
		t.Fatal(err)
	}
	byCode := map[string]*Code{}
	for i := range r.Codes {
		byCode[r.Codes[i].Code] = &r.Codes[i]
	}
	seen := map[string]bool{}
	for _, tt := range homeInfusionDoses {
		if seen[tt.code] {
			t.Errorf("%s listed twice", tt.code)
		}
		seen[tt.code] = true
		c, ok := byCode[tt.code]
		if !ok {
			t.Errorf("%s is not in the January 2025 release", tt.code)
			continue
		}
		if c.Long != tt.descriptor {
			t.Errorf("%s descriptor %q; pinned %q", tt.code, c.Long, tt.descriptor)
			continue
		}
		if c.DoseNote != "" {
			t.Errorf("%s: no dose read: %s", tt.code, c.DoseNote)
			continue
		}
		switch {
		case tt.unit == "" && c.Dose != nil:
			t.Errorf("%s: dose %s read from %q; want none", tt.code, c.Dose, tt.descriptor)
		case tt.unit != "" && (c.Dose == nil || c.Dose.Amount != tt.amount || c.Dose.Unit != tt.unit):
			t.Errorf("%s: dose %q read from %q; want %g %s", tt.code, c.Dose.String(), tt.descriptor, tt.amount, tt.unit)
		}
	}
}
