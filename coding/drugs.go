package coding

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/episode"
	"github.com/perdiem/perdiem/ident"
	"github.com/perdiem/perdiem/profile"
)

// nocDrug is the NOC code for drugs with no specific code (DR-3).
const nocDrug = "J3490"

// drugs codes each drug on its own line (DR-1…DR-5).
func (c *coder) drugs() {
	for i := range c.doc.Drugs {
		g := &c.doc.Drugs[i]
		path := ref{"drugs", i, ""}
		// A drug belongs to the claim whose period holds its first day, so
		// two claims never bill the same administrations (LN-3).
		if !c.period.Contains(g.From) {
			continue
		}
		if g.To > c.period.To {
			c.warn("LN-3", "%s: %s..%s runs past the billing period; billed whole on this claim, where it starts", path, g.From, g.To)
		}
		if g.Unused && c.s.UnusedDrug == profile.UnusedNotBilled {
			c.warn("DR-4", "%s: %s delivered but not used; profile %s does not bill it", path, drugName(g), c.prof.ID)
			continue
		}
		// The reasons gather in whyBuf and move to the line's own on emit.
		var whyBuf [8]claim.Reason
		why := whyBuf[:0]
		l := claim.Line{Modifiers: []string{}, From: g.From, To: g.To, POS: c.drugPOS(g), Kind: claim.Drug, Therapy: g.Therapy,
			NDCQuantity: g.NDCQuantity, NDCUnit: g.NDCUnit}
		why = append(why, claim.Reason{Rule: "DR-1", Text: "every drug on its own line"})
		if g.NDC != "" {
			ndc, err := c.ndc(g.NDC)
			if err != nil {
				c.fail(path.dot("ndc"), "%v", err)
				continue
			}
			l.NDC = ndc
			b := append(c.textBuf(), "NDC "...)
			b = append(append(append(b, g.NDC...), " -> "...), ndc...)
			why = append(why, claim.Reason{Rule: "DR-2", Text: c.newText(append(b, " (11 digits, 5-4-2)"...))})
		}
		var in3 claim.Reason
		if row := nutrition(g.HCPCS); row != nil {
			var keep bool
			if in3, keep = c.nutritionDrug(g, row, path); !keep {
				continue
			}
		}
		code, why, ok := c.drugCode(g, path, &l, why)
		if !ok {
			continue
		}
		l.Code = code
		if in3.Rule != "" {
			why = append(why, in3)
		}
		if g.Unused {
			l.Modifiers = append(l.Modifiers, "SV")
			why = append(why, c.reasons().unusedSV)
		}
		if l.POS != "12" {
			why = append(why, c.reasons().drugPOS)
		}
		l.Why = c.keepWhy(why)
		c.emit(l, path)
	}
}

// drugCode picks the code and units of a drug line; it returns why with
// the reasons of the choice appended.
func (c *coder) drugCode(g *episode.Drug, path ref, l *claim.Line, why []claim.Reason) (string, []claim.Reason, bool) {
	mode := c.s.DrugCoding
	if g.HCPCS == "" && mode == profile.DrugHCPCSNDC {
		c.warn("DR-3", "%s: no HCPCS code given; billed as %s with the NDC", path, nocDrug)
		mode = profile.DrugNOCNDC
	}
	if mode != profile.DrugHCPCSNDC {
		return c.nocDrugLine(g, path, l, why, mode)
	}
	code, ok := c.lookup(g.HCPCS)
	if !ok {
		c.fail(path.dot("hcpcs"), "%s is not in the code set", g.HCPCS)
		return "", why, false
	}
	if code.NOC {
		return c.nocDrugLine(g, path, l, why, profile.DrugNOCNDC)
	}
	// The descriptor in force on the first day of the drug line (CS-10).
	v := code.On(g.From)
	if v.Dose == nil {
		if g.Doses <= 0 {
			c.fail(path.dot("doses"), "%s's descriptor states no amount, so the units are the number of administrations: want doses > 0", code.Code)
			return "", why, false
		}
		l.Units = float64(g.Doses)
		if v.DoseNote != "" {
			// The amounts are there but make no one unit: say so (BI-2)
			// rather than guess which one bills.
			why = append(why, c.reasons().drugHCPCS, claim.Reason{Rule: "BI-2", Text: code.Code + "'s descriptor cannot be read for a dose -> one unit per administration"})
			c.warn("BI-2", "%s: %s's descriptor cannot be read for a dose: %s; units are the %d administrations: check them against the descriptor", path, code.Code, v.DoseNote, g.Doses)
			return code.Code, why, true
		}
		why = append(why, c.reasons().drugHCPCS, claim.Reason{Rule: "DR-1", Text: code.Code + "'s descriptor states no amount -> one unit per administration"})
		c.warn("DR-1", "%s: %s's descriptor states no amount; units are the %d administrations", path, code.Code, g.Doses)
		return code.Code, why, true
	}
	per, err := unitsPerDose(g, v.Dose)
	if err != nil {
		c.fail(path.dot("dose_unit"), "%s: %v", code.Code, err)
		return "", why, false
	}
	if g.Doses <= 0 {
		c.fail(path.dot("doses"), "want the number of administrations to compute %s units", code.Code)
		return "", why, false
	}
	if total := int64(per) * int64(g.Doses); total > maxDrugUnits {
		c.fail(path.dot("doses"), "%d doses of %d units of %s make %d units: at most %d are accepted", g.Doses, per, code.Code, total, maxDrugUnits)
		return "", why, false
	}
	l.Units = float64(per * g.Doses)
	b := append(append(c.textBuf(), code.Code...), " is "...)
	b = append(b, v.Dose.Text...)
	if len(v.Dose.Parts) > 0 {
		b = append(append(b, ", combined "...), v.Dose.String()...)
	}
	b = appendNumber(append(b, ": "...), g.Dose)
	b = append(append(append(b, ' '), g.DoseUnit...), " a dose -> "...)
	b = strconv.AppendInt(b, int64(per), 10)
	b = strconv.AppendInt(append(b, " unit(s) a dose × "...), int64(g.Doses), 10)
	why = append(why, c.reasons().drugHCPCS, claim.Reason{Rule: "DR-1", Text: c.newText(append(b, " doses"...))})
	return code.Code, why, true
}

// nocDrugLine bills a drug under the unclassified-drug code with its NDC
// and description (DR-3, DR-5); it returns why with its reasons appended.
func (c *coder) nocDrugLine(g *episode.Drug, path ref, l *claim.Line, why []claim.Reason, mode string) (string, []claim.Reason, bool) {
	code := nocDrug
	if g.HCPCS != "" {
		if k, ok := c.lookup(g.HCPCS); ok && k.NOC {
			code = k.Code
		}
	}
	if g.NDC == "" {
		c.fail(path.dot("ndc"), "%s needs the NDC of the drug (DR-3)", code)
		return "", why, false
	}
	l.Description = g.Description
	if l.Description == "" {
		if k, ok := c.lookup(g.HCPCS); ok && !k.NOC {
			l.Description = k.Short
		}
	}
	if l.Description == "" {
		c.fail(path.dot("description"), "%s is not otherwise classified: want a description of the drug (CS-7, DR-3)", code)
		return "", why, false
	}
	switch mode {
	case profile.DrugNDCOnly:
		if g.NDCQuantity <= 0 {
			c.fail(path.dot("ndc_quantity"), "profile %s bills drugs by NDC quantity: want ndc_quantity > 0", c.prof.ID)
			return "", why, false
		}
		l.Units = g.NDCQuantity
		why = append(why, claim.Reason{Rule: "DR-5", Text: "billed by NDC: units are the NDC quantity" + c.setting("drug_coding", c.s.DrugCoding)})
	default:
		l.Units = 1
		r := claim.Reason{Rule: "DR-3", Text: "no specific code -> " + code + " with NDC and description, 1 unit per NDC line; quantity in the NDC"}
		if mode == profile.DrugNOCNDC && c.s.DrugCoding == profile.DrugNOCNDC {
			r = claim.Reason{Rule: "DR-5", Text: "billed as " + code + " with NDC and description, 1 unit per NDC line" + c.setting("drug_coding", c.s.DrugCoding)}
		}
		why = append(why, r)
	}
	return code, why, true
}

// maxUnitsPerDose and maxDrugUnits bound drug units far above any real
// dose, so a mistyped amount is an error rather than an overflowed count.
const (
	maxUnitsPerDose = 1_000_000
	maxDrugUnits    = 1_000_000_000
)

// unitsPerDose is ⌈one administration ÷ the descriptor's amount⌉ (DR-1),
// after converting the dose to the descriptor's unit.
func unitsPerDose(g *episode.Drug, d *codeset.Dose) (int, error) {
	if g.Dose <= 0 {
		return 0, errDose{"want the amount of one administration (dose with dose_unit) to compute units against " + d.Text}
	}
	amount, ok := convert(g.Dose, g.DoseUnit, d.Unit)
	if !ok {
		return 0, errDose{"a dose in " + g.DoseUnit + " cannot be converted to the descriptor's " + d.Unit + " (" + d.Text + ")"}
	}
	q := amount / d.Amount
	// Guard against binary noise: 1.5 g / 500 mg must be exactly 3.
	n := math.Ceil(q - 1e-9)
	if n < 1 {
		n = 1
	}
	if n > maxUnitsPerDose {
		return 0, errDose{fmt.Sprintf("%s %s a dose is %.0f units of %s: at most %d are accepted; check dose and dose_unit", formatNumber(g.Dose), g.DoseUnit, n, d.Text, maxUnitsPerDose)}
	}
	return int(n), nil
}

type errDose struct{ msg string }

func (e errDose) Error() string { return e.msg }

var massInMg = map[string]float64{"mcg": 0.001, "mg": 1, "g": 1000}

func convert(v float64, from, to string) (float64, bool) {
	if from == to {
		return v, true
	}
	f, ok1 := massInMg[from]
	t, ok2 := massInMg[to]
	if ok1 && ok2 {
		return v * f / t, true
	}
	return 0, false
}

func drugName(g *episode.Drug) string {
	if g.HCPCS != "" {
		return g.HCPCS
	}
	return "NDC " + g.NDC
}

// drugPOS is the place of service of the drug's therapy on its first day.
func (c *coder) drugPOS(g *episode.Drug) string {
	for _, td := range c.therapies {
		if td.t.ID == g.Therapy {
			if x := td.at(g.From); x != nil && x.suite {
				return c.s.SuitePOS
			}
		}
	}
	return "12"
}

// nutritionDrug applies IN-3 to a nutrition code given as a drug: a code
// billed apart from its per diem says so; one inside it is not billed when
// a per diem of its row covers every day of the drug's span, and is billed
// with a warning when one covers only some: the engine cannot split the
// administrations between the days. It returns the line's IN-3 reason and
// whether the line stays.
func (c *coder) nutritionDrug(g *episode.Drug, row *nutritionRow, path ref) (claim.Reason, bool) {
	switch {
	case !row.included:
		return row.separateReason(g.HCPCS), true
	case c.billableOutside(g.HCPCS):
		return c.outsideReason(g.HCPCS), true
	}
	covered, pd := c.perDiemDays(row, g.From, g.To)
	span := g.From.String() + ".." + g.To.String()
	switch days := int(g.To-g.From) + 1; {
	case covered == days:
		c.warn("IN-3", "%s: %s (%s) is inside the %s per diem %s billed on %s and is not billed", path, g.HCPCS, row.what, row.perDiemName, pd, span)
		return claim.Reason{}, false
	case covered > 0:
		c.warn("IN-3", "%s: %s (%s) is inside the %s per diem %s, billed on %d of the %d days %s; the drug is billed whole: give the days no %s per diem covers as a drug of their own", path, g.HCPCS, row.what, row.perDiemName, pd, covered, days, span, row.perDiemName)
		return claim.Reason{Rule: "IN-3", Text: fmt.Sprintf("%s (%s) belongs inside the %s per diem %s, billed on only %d of the %d days %s, so it is billed", g.HCPCS, row.what, row.perDiemName, row.perDiemText, covered, days, span)}, true
	}
	return row.notCoveredReason(g.HCPCS, span), true
}

// ndc is ident.NormalizeNDC, remembering the NDCs it normalised before.
func (c *coder) ndc(s string) (string, error) {
	if len(s) < 8 {
		return ident.NormalizeNDC(s)
	}
	e := &c.memo.ndcs[textSlot(s, ndcBits)]
	if e.in == s {
		return e.out, nil
	}
	ndc, err := ident.NormalizeNDC(s)
	if err == nil {
		// Copies: s, and ndc when it is s, may be the text of a document
		// whose memory is used again.
		*e = seenNDC{strings.Clone(s), strings.Clone(ndc)}
	}
	return ndc, err
}

// seenNDC is an NDC as given and normalised.
type seenNDC struct{ in, out string }

// ndcBits is the log2 of the NDCs ndc keeps.
const ndcBits = 4
