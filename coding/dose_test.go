package coding

import (
	"strings"
	"testing"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/episode"
)

func drugUnits(t *testing.T, res *claim.Result) float64 {
	t.Helper()
	for _, l := range res.Lines {
		if l.Kind == claim.Drug {
			return l.Units
		}
	}
	t.Fatal("no drug line")
	return 0
}

// TestDR1_CombinationBillsTheCombinedAmount pins that a combination's unit
// is its combined amount: piperacillin/tazobactam "1 gram/0.125 grams
// (1.125 grams)" is 1.125 g, so 4.5 g is 4 units, not 5.
func TestDR1_CombinationBillsTheCombinedAmount(t *testing.T) {
	for _, c := range []struct {
		drug  string
		units float64
	}{
		{`"hcpcs":"J2543","dose":4.5,"dose_unit":"g","doses":3`, 12},   // 4 a dose
		{`"hcpcs":"J2543","dose":3.375,"dose_unit":"g","doses":4`, 12}, // 3 a dose
		{`"hcpcs":"J2543","dose":2.25,"dose_unit":"g","doses":1`, 2},   // 2 a dose
		{`"hcpcs":"J0714","dose":2.5,"dose_unit":"g","doses":3`, 12},   // 0.625 g: 4 a dose
		{`"hcpcs":"J0695","dose":1.5,"dose_unit":"g","doses":3`, 60},   // 75 mg: 20 a dose
		{`"hcpcs":"J0742","dose":1.25,"dose_unit":"g","doses":4`, 500}, // 10 mg: 125 a dose
		{`"hcpcs":"B4185","dose":50,"dose_unit":"g","doses":1`, 5},     // 10 grams lipids
	} {
		res := code(t, drugDoc(`{"therapy":"a","ndc":"0409-0805-01","from":"2026-03-01","to":"2026-03-07",`+c.drug+`}`), "")
		if got := drugUnits(t, res); got != c.units {
			t.Errorf("%s: %v units, want %v", c.drug, got, c.units)
		}
	}
}

// TestBI2_UnreadableDescriptorIsWarned pins that a descriptor whose amounts
// make no one unit (J0911: taurolidine in mg, heparin in units) is billed
// one unit an administration with a BI-2 warning, not a guessed amount.
func TestBI2_UnreadableDescriptorIsWarned(t *testing.T) {
	res := code(t, drugDoc(`{"therapy":"a","hcpcs":"J0911","ndc":"0409-0805-01","from":"2026-03-01","to":"2026-03-07","dose":3,"dose_unit":"ml","doses":7}`), "")
	if got := drugUnits(t, res); got != 7 {
		t.Errorf("J0911: %v units, want 7 (one an administration)", got)
	}
	warned := false
	for _, w := range res.Warnings {
		if w.Rule == "BI-2" && strings.Contains(w.Message, "J0911") && strings.Contains(w.Message, "different units") {
			warned = true
		}
	}
	if !warned {
		t.Errorf("no BI-2 warning naming J0911 and why: %+v", res.Warnings)
	}
}

// TestCS10_DoseInForceOnTheDay pins that a drug is billed by the descriptor
// in force on its first day: a code whose amount went from 5 mg to 10 mg
// on 2026-03-04.
func TestCS10_DoseInForceOnTheDay(t *testing.T) {
	day := func(s string) civil.Date {
		d, err := civil.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	old, _ := codeset.ReadDose("Injection, testdrug, 5 mg")
	cur, _ := codeset.ReadDose("Injection, testdrug, 10 mg")
	set := codeset.Default().With([]codeset.Code{{
		Code: "J9997", Kind: codeset.DrugKind, Short: "Testdrug", Long: "Injection, testdrug, 10 mg", Dose: cur, Effective: day("2020-01-01"),
		Versions: []codeset.Version{
			{From: day("2020-01-01"), Short: "Testdrug", Long: "Injection, testdrug, 5 mg", Dose: old},
			{From: day("2026-03-04"), Short: "Testdrug", Long: "Injection, testdrug, 10 mg", Dose: cur},
		},
	}})
	for _, c := range []struct {
		from  string
		units float64
	}{{"2026-03-01", 8}, {"2026-03-03", 8}, {"2026-03-04", 4}, {"2026-03-06", 4}} {
		d, err := episode.Decode([]byte(drugDoc(`{"therapy":"a","hcpcs":"J9997","ndc":"0409-0805-01","from":"` + c.from + `","to":"2026-03-07","dose":20,"dose_unit":"mg","doses":2}`)))
		if err != nil {
			t.Fatal(err)
		}
		res, err := Code(d, Options{Codes: set})
		if err != nil {
			t.Fatal(err)
		}
		if got := drugUnits(t, res); got != c.units {
			t.Errorf("from %s: %v units, want %v", c.from, got, c.units)
		}
	}
}
