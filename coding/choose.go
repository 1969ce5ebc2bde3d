package coding

import (
	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/profile"
)

// facts are the values of a therapy that decide its code on one day: the
// therapy's own values with every change up to that day applied (CS-11).
type facts struct {
	everyHours   float64 // 0 when not known
	continuous   *bool
	implanted    bool
	litersPerDay float64 // 0 when not known
	method       string
	suite        bool
	lumens       int
	device       string
	// since is the first day these facts hold: the therapy's start or the
	// change that set the dosing interval (PD-3 counts intervals from it).
	intervalSince int32
}

// choice is the per diem code for a day, with the reason that cites the rule.
type choice struct {
	code string
	why  claim.Reason
	// missing names the fact that would have made the code specific (BI-2);
	// empty when the code is as specific as the facts allow.
	missing string
}

// familyRule codes one therapy type. Each type's function is the rule of
// coding-standard.md section 4 that names its codes.
type familyRule func(f facts, p *profile.Profile) choice

// general is the family's general code, used when the profile asks for it
// (specificity: general) and when a fact is missing (BI-2).
type family struct {
	rule    familyRule
	general string
}

var families = map[string]family{
	"anti-infective": {antiInfective, "S9494"},
	"pain":           {pain, "S9325"},
	"chemotherapy":   {chemotherapy, "S9329"},
	"tpn":            {volume("TPN", [5]string{"S9364", "S9365", "S9366", "S9367", "S9368"}), "S9364"},
	"hydration":      {volume("hydration", [5]string{"S9373", "S9374", "S9375", "S9376", "S9377"}), "S9373"},
	"enteral":        {enteral, "S9340"},
	"catheter-care":  {catheterCare, ""},

	"anticoagulant":           single("S9336", claim.Reason{Rule: "CS-6", Text: "continuous anticoagulant -> S9336"}),
	"anticoagulant-injection": single("S9372", claim.Reason{Rule: "CS-6", Text: "injectable anticoagulant -> S9372"}),
	"immunotherapy":           single("S9338", claim.Reason{Rule: "CS-6", Text: "immunotherapy -> S9338"}),
	"immunotherapy-injection": single("S9563", claim.Reason{Rule: "CS-6", Text: "injectable immunotherapy -> S9563"}),
	"hemodialysis":            single("S9335", claim.Reason{Rule: "CS-6", Text: "hemodialysis -> S9335"}),
	"peritoneal-dialysis":     single("S9339", claim.Reason{Rule: "CS-6", Text: "peritoneal dialysis -> S9339"}),
	"factor":                  single("S9345", claim.Reason{Rule: "CS-6", Text: "anti-hemophilic factor -> S9345"}),
	"alpha-1":                 single("S9346", claim.Reason{Rule: "CS-6", Text: "alpha-1 proteinase inhibitor -> S9346"}),
	"controlled-rate":         single("S9347", claim.Reason{Rule: "CS-6", Text: "long-term controlled-rate infusion -> S9347"}),
	"inotrope":                single("S9348", claim.Reason{Rule: "CS-6", Text: "sympathomimetic/inotrope -> S9348"}),
	"tocolytic":               single("S9349", claim.Reason{Rule: "CS-6", Text: "tocolytic -> S9349"}),
	"antiemetic":              single("S9351", claim.Reason{Rule: "CS-6", Text: "anti-emetic infusion -> S9351"}),
	"antiemetic-injection":    single("S9370", claim.Reason{Rule: "CS-6", Text: "injectable anti-emetic -> S9370"}),
	"insulin":                 single("S9353", claim.Reason{Rule: "CS-6", Text: "continuous insulin -> S9353"}),
	"chelation":               single("S9355", claim.Reason{Rule: "CS-6", Text: "chelation -> S9355"}),
	"enzyme-replacement":      single("S9357", claim.Reason{Rule: "CS-6", Text: "enzyme replacement -> S9357"}),
	"anti-tnf":                single("S9359", claim.Reason{Rule: "CS-6", Text: "anti-TNF -> S9359"}),
	"diuretic":                single("S9361", claim.Reason{Rule: "CS-6", Text: "diuretic -> S9361"}),
	"antispasmodic":           single("S9363", claim.Reason{Rule: "CS-6", Text: "anti-spasmodic -> S9363"}),
	"corticosteroid":          single("S9490", claim.Reason{Rule: "CS-6", Text: "corticosteroid -> S9490"}),
	"aerosolized":             single("S9061", claim.Reason{Rule: "CS-6", Text: "aerosolised drug -> S9061"}),
	"irrigation":              single("S9590", claim.Reason{Rule: "CS-6", Text: "irrigation -> S9590"}),
	"blood-products":          single("S9538", claim.Reason{Rule: "CS-6", Text: "blood products -> S9538"}),
	"hematopoietic-injection": single("S9537", claim.Reason{Rule: "CS-6", Text: "hematopoietic hormone injection -> S9537"}),
	"growth-hormone":          single("S9558", claim.Reason{Rule: "CS-6", Text: "growth hormone -> S9558"}),
	"interferon":              single("S9559", claim.Reason{Rule: "CS-6", Text: "interferon -> S9559"}),
	"hormonal-injection":      single("S9560", claim.Reason{Rule: "CS-6", Text: "hormonal injection -> S9560"}),
	"rsv-antibody":            single("S9562", claim.Reason{Rule: "CS-6", Text: "RSV monoclonal antibody -> S9562"}),
	"infusion-noc":            single("S9379", claim.Reason{Rule: "CS-7", Text: "infusion not otherwise classified -> S9379"}),
	"injectable-noc":          single("S9542", claim.Reason{Rule: "CS-7", Text: "injectable not otherwise classified -> S9542"}),
}

func single(code string, why claim.Reason) family {
	c := choice{code: code, why: why}
	return family{rule: func(facts, *profile.Profile) choice { return c }}
}

var antiInfectiveByHours = map[float64]choice{
	3:  {code: "S9497", why: claim.Reason{Rule: "CS-2", Text: "every 3 hours -> S9497"}},
	4:  {code: "S9504", why: claim.Reason{Rule: "CS-2", Text: "every 4 hours -> S9504"}},
	6:  {code: "S9503", why: claim.Reason{Rule: "CS-2", Text: "every 6 hours -> S9503"}},
	8:  {code: "S9502", why: claim.Reason{Rule: "CS-2", Text: "every 8 hours -> S9502"}},
	12: {code: "S9501", why: claim.Reason{Rule: "CS-2", Text: "every 12 hours -> S9501"}},
	24: {code: "S9500", why: claim.Reason{Rule: "CS-2", Text: "every 24 hours -> S9500"}},
}

func antiInfective(f facts, p *profile.Profile) choice {
	other := p.Settings.AntiInfectiveOtherInterval
	if f.continuous != nil && *f.continuous {
		return choice{code: other, why: claim.Reason{Rule: "CS-2", Text: "continuous anti-infective -> " + other + setting(p, "anti_infective_other_interval", other)}}
	}
	if f.everyHours == 0 {
		return choice{code: "S9494", why: claim.Reason{Rule: "CS-2", Text: "dosing interval not given -> S9494"}, missing: "every_hours"}
	}
	if c, ok := antiInfectiveByHours[f.everyHours]; ok {
		return c
	}
	return choice{code: other, why: claim.Reason{Rule: "CS-2", Text: "every " + formatNumber(f.everyHours) + " hours has no specific code -> " + other + setting(p, "anti_infective_other_interval", other)}}
}

func pain(f facts, _ *profile.Profile) choice {
	switch {
	case f.implanted:
		return choice{code: "S9328", why: claim.Reason{Rule: "CS-3", Text: "pain management by implanted pump -> S9328"}}
	case f.continuous == nil:
		return choice{code: "S9325", why: claim.Reason{Rule: "CS-3", Text: "pain management, continuous or intermittent not given -> S9325"}, missing: "continuous"}
	case *f.continuous:
		return choice{code: "S9326", why: claim.Reason{Rule: "CS-3", Text: "continuous pain management -> S9326"}}
	}
	return choice{code: "S9327", why: claim.Reason{Rule: "CS-3", Text: "intermittent pain management -> S9327"}}
}

func chemotherapy(f facts, _ *profile.Profile) choice {
	switch {
	case f.continuous == nil:
		return choice{code: "S9329", why: claim.Reason{Rule: "CS-3", Text: "chemotherapy, continuous or intermittent not given -> S9329"}, missing: "continuous"}
	case *f.continuous:
		return choice{code: "S9330", why: claim.Reason{Rule: "CS-3", Text: "continuous chemotherapy -> S9330"}}
	}
	return choice{code: "S9331", why: claim.Reason{Rule: "CS-3", Text: "intermittent chemotherapy -> S9331"}}
}

// volume codes TPN and hydration by litres a day: unknown, ≤1, ≤2, ≤3, >3 (CS-4).
func volume(name string, codes [5]string) familyRule {
	whys := [5]claim.Reason{
		{Rule: "CS-4", Text: name + ", daily volume not given -> " + codes[0]},
		{Rule: "CS-4", Text: name + ", up to 1 liter a day -> " + codes[1]},
		{Rule: "CS-4", Text: name + ", over 1 to 2 liters a day -> " + codes[2]},
		{Rule: "CS-4", Text: name + ", over 2 to 3 liters a day -> " + codes[3]},
		{Rule: "CS-4", Text: name + ", over 3 liters a day -> " + codes[4]},
	}
	return func(f facts, _ *profile.Profile) choice {
		i := 4
		switch l := f.litersPerDay; {
		case l == 0:
			return choice{code: codes[0], why: whys[0], missing: "liters_per_day"}
		case l <= 1:
			i = 1
		case l <= 2:
			i = 2
		case l <= 3:
			i = 3
		}
		return choice{code: codes[i], why: whys[i]}
	}
}

func enteral(f facts, _ *profile.Profile) choice {
	switch f.method {
	case "gravity":
		return choice{code: "S9341", why: claim.Reason{Rule: "CS-5", Text: "enteral by gravity -> S9341"}}
	case "pump":
		return choice{code: "S9342", why: claim.Reason{Rule: "CS-5", Text: "enteral by pump -> S9342"}}
	case "bolus":
		return choice{code: "S9343", why: claim.Reason{Rule: "CS-5", Text: "enteral by bolus -> S9343"}}
	}
	return choice{code: "S9340", why: claim.Reason{Rule: "CS-5", Text: "enteral, method not given -> S9340"}, missing: "method"}
}

func catheterCare(f facts, _ *profile.Profile) choice {
	switch {
	case f.device == "implanted":
		return choice{code: "S5502", why: claim.Reason{Rule: "CS-8", Text: "implanted access device not in use -> S5502"}}
	case f.lumens == 1:
		return choice{code: "S5498", why: claim.Reason{Rule: "CS-8", Text: "single lumen catheter care -> S5498"}}
	case f.lumens > 1:
		return choice{code: "S5501", why: claim.Reason{Rule: "CS-8", Text: "catheter care, more than one lumen -> S5501"}}
	}
	return choice{code: "S5497", why: claim.Reason{Rule: "CS-7", Text: "catheter care not otherwise classified -> S5497"}, missing: "lumens or device"}
}

// choose returns the code of therapy type t on days with facts f.
func (c *coder) choose(t string, f facts) *choice {
	fam := families[t]
	ch := fam.rule(f, c.prof)
	if c.s.Specificity == profile.General && fam.general != "" && ch.code != fam.general {
		ch = choice{code: fam.general, why: claim.Reason{Rule: "CS-1", Text: "the family's general code -> " + fam.general + c.setting("specificity", c.s.Specificity)}}
	}
	return c.newChoice(ch)
}
