package pricing

import (
	"math/big"
	"math/rand"
	"os"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/asp"
	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/money"
)

func day(s string) civil.Date {
	d, err := civil.Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

func decode(t *testing.T, s string) *Contract {
	t.Helper()
	k, err := Decode([]byte(s))
	if err != nil {
		t.Fatalf("contract rejected: %v", err)
	}
	return k
}

func cents(t *testing.T, s string) money.Amount {
	t.Helper()
	m, err := money.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// line makes a claim line; mods are its modifiers.
func line(kind claim.Kind, code, from, to string, units float64, mods ...string) claim.Line {
	if mods == nil {
		mods = []string{}
	}
	return claim.Line{Kind: kind, Code: code, From: day(from), To: day(to), Units: units, Modifiers: mods}
}

func priceOne(t *testing.T, k *Contract, l claim.Line, opt Options) LinePrice {
	t.Helper()
	p, err := Price(&claim.Claim{ID: "C1", Payer: claim.Payer{ID: k.Payer.ID}, Lines: []claim.Line{l}}, k, opt)
	if err != nil {
		t.Fatal(err)
	}
	return p.Lines[0]
}

// oneTerm is a contract of one open term with the given body.
func oneTerm(body string) string {
	return `{"id":"k","payer":{"id":"P1","name":"PLAN"},"source":"agreement","terms":[{"id":"t1","from":"2026-01-01",` + body + `}]}`
}

const perDiemTerm = `"per_diem":{"S9500":100.00,"S9501":120.00,"S9502":125.00},"sh_percent":50,"sj_percent":25`

// TestWorkedExample prices the worked example of the contract reference
// (contracts-and-workflow §2.8): S9501 10 days at 120.00, S9500-SH at
// 100.00 × 50 %, two 99601 visits at 150.00, 99602 at 0 units, and J0696
// 80 units at ASP + 6 %, which is the October 2025 CMS limit of 0.430,
// read from CMS's file.
func TestWorkedExample(t *testing.T) {
	k := decode(t, oneTerm(perDiemTerm+`,"nursing":{"visit":150,"extra_hour":60},"drugs":[{"basis":"asp","percent":6}]`))
	f, err := os.Open("../testdata/cms/asp-2025-10-pricing.csv") // CMS's October 2025 file
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tab, err := asp.ReadPricing(f, "asp-2025-10-pricing.csv", 0)
	if err != nil {
		t.Fatal(err)
	}
	k.Terms[0].From = day("2025-01-01")
	c := &claim.Claim{ID: "W", Payer: claim.Payer{ID: "P1"}, Lines: []claim.Line{
		line(claim.PerDiem, "S9501", "2025-11-01", "2025-11-10", 10),
		line(claim.PerDiem, "S9500", "2025-11-01", "2025-11-10", 10, "SH"),
		line(claim.Nursing, "99601", "2025-11-01", "2025-11-08", 2),
		line(claim.Nursing, "99602", "2025-11-01", "2025-11-01", 0),
		line(claim.Drug, "J0696", "2025-11-01", "2025-11-10", 80),
	}}
	p, err := Price(c, k, Options{ASP: []*asp.Table{tab}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"1200.00", "500.00", "300.00", "0.00", "34.40"}
	for i, w := range want {
		if got := p.Lines[i].Expected; got != cents(t, w) {
			t.Errorf("line %d %s: expected %v, want %s (%s)", i+1, p.Lines[i].Code, got, w, p.Lines[i].Parts[0].Why)
		}
	}
	if p.Expected != cents(t, "2034.40") {
		t.Errorf("claim expected %v, want 2034.40", p.Expected)
	}
}

// TestConcurrency pins the SH and SJ shares: the primary at the full rate,
// SH and SJ at their percents of the code's rate, each naming the percent
// that set it.
func TestConcurrency(t *testing.T) {
	k := decode(t, oneTerm(perDiemTerm))
	for _, c := range []struct {
		name string
		l    claim.Line
		want string
		path string
	}{
		{"primary", line(claim.PerDiem, "S9502", "2026-02-01", "2026-02-14", 14), "1750.00", "terms[0].per_diem.S9502"},
		{"SH 50 %", line(claim.PerDiem, "S9500", "2026-02-01", "2026-02-14", 14, "SH"), "700.00", "terms[0].sh_percent"},
		{"SJ 25 %", line(claim.PerDiem, "S9501", "2026-02-01", "2026-02-14", 14, "SJ"), "420.00", "terms[0].sj_percent"},
		{"SH with another modifier", line(claim.PerDiem, "S9500", "2026-02-01", "2026-02-03", 3, "SH", "59"), "150.00", "terms[0].sh_percent"},
	} {
		lp := priceOne(t, k, c.l, Options{})
		if lp.Expected != cents(t, c.want) || lp.Status != Priced || !contains(lp.Parts[0].Paths, c.path) {
			t.Errorf("%s: %v %s %v (%s); want %s citing %s", c.name, lp.Expected, lp.Status, lp.Parts[0].Paths, lp.Parts[0].Why, c.want, c.path)
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TestNursing pins per visit and per extra hour, and a nursing code with a
// fee of its own.
func TestNursing(t *testing.T) {
	k := decode(t, oneTerm(`"nursing":{"visit":150.00,"extra_hour":62.50},"fees":{"G0068":80.00}`))
	for _, c := range []struct {
		l    claim.Line
		want string
		path string
	}{
		{line(claim.Nursing, "99601", "2026-02-02", "2026-02-02", 1), "150.00", "terms[0].nursing.visit"},
		{line(claim.Nursing, "99602", "2026-02-02", "2026-02-02", 3), "187.50", "terms[0].nursing.extra_hour"},
		{line(claim.Nursing, "G0068", "2026-02-02", "2026-02-02", 1), "80.00", "terms[0].fees.G0068"},
	} {
		lp := priceOne(t, k, c.l, Options{})
		if lp.Expected != cents(t, c.want) || lp.Parts[0].Paths[0] != c.path {
			t.Errorf("%s: %v %v, want %s from %s", c.l.Code, lp.Expected, lp.Parts[0].Paths, c.want, c.path)
		}
	}
	lp := priceOne(t, decode(t, oneTerm(`"nursing":{"visit":150.00}`)), line(claim.Nursing, "99602", "2026-02-02", "2026-02-02", 1), Options{})
	if lp.Status != Unpriced || lp.Expected != 0 {
		t.Errorf("99602 with no extra-hour rate: %v %s, want unpriced", lp.Expected, lp.Status)
	}
}

// TestDrugBases prices one drug line by each basis, and shows that the
// bases are tried in order: the first that prices the line sets it.
func TestDrugBases(t *testing.T) {
	tab := &asp.Table{From: day("2026-01-01"), Through: day("2026-03-31"), Limits: map[string]asp.Limit{
		"J0690": {Code: "J0690", Dosage: "500 MG", Limit: 798_000, HasLimit: true},
		"J9999": {Code: "J9999", Dosage: "1 MG", HasLimit: false},
	}}
	opt := Options{ASP: []*asp.Table{tab}}
	drug := line(claim.Drug, "J0690", "2026-03-02", "2026-03-15", 84)
	drug.NDC, drug.NDCQuantity, drug.NDCUnit = "00409080501", 42, "UN"
	drug.Charge = cents(t, "357.00")
	for _, c := range []struct {
		name, drugs string
		want        string
		path        string
	}{
		// 84 × 0.50 = 42.00
		{"fee schedule", `[{"basis":"fee-schedule","rates":{"J0690":0.50}}]`, "42.00", "terms[0].drugs[0].rates.J0690"},
		// 84 × 0.50 × 0.9 = 37.80
		{"fee schedule less 10 %", `[{"basis":"fee-schedule","rates":{"J0690":0.50},"percent":-10}]`, "37.80", "terms[0].drugs[0].percent"},
		// 42 UN × 2.15 × 0.82 = 74.046 → 74.05
		{"AWP − 18 %", `[{"basis":"ndc-price","file":"awp.csv","name":"AWP","percent":-18}]`, "74.05", "terms[0].drugs[0].file"},
		// 84 × 0.798 = 67.032 → 67.03
		{"ASP limit", `[{"basis":"asp-limit","percent":0}]`, "67.03", "terms[0].drugs[0].percent"},
		// 84 × 0.798 × 1.04 = 69.71328 → 69.71
		{"ASP limit + 4 %", `[{"basis":"asp-limit","percent":4}]`, "69.71", "terms[0].drugs[0].percent"},
		// ASP + 6 % is the limit: 67.03
		{"ASP + 6 %", `[{"basis":"asp","percent":6}]`, "67.03", "terms[0].drugs[0].percent"},
		// 84 × 0.798 / 1.06 × 1.20 = 75.8853 → 75.89
		{"ASP + 20 %", `[{"basis":"asp","percent":20}]`, "75.89", "terms[0].drugs[0].percent"},
		// 357.00 × 40 % = 142.80
		{"40 % of charge", `[{"basis":"percent-of-charge","percent":40}]`, "142.80", "terms[0].drugs[0].percent"},
		// not in the fee schedule: the ASP basis after it prices the line
		{"first basis that applies", `[{"basis":"fee-schedule","rates":{"J1569":52.5}},{"basis":"asp-limit","percent":0}]`, "67.03", "terms[0].drugs[1].percent"},
	} {
		k := decode(t, oneTerm(`"drugs":`+c.drugs))
		if b := &k.Terms[0].Drugs[0]; b.Basis == NDCPrice {
			b.Prices = map[string]money.Rate{"00409080501": 2_150_000}
		}
		lp := priceOne(t, k, drug, opt)
		if lp.Expected != cents(t, c.want) || !contains(lp.Parts[0].Paths, c.path) {
			t.Errorf("%s: %v %v (%s), want %s citing %s", c.name, lp.Expected, lp.Parts[0].Paths, lp.Parts[0].Why, c.want, c.path)
		}
	}
	// No basis applies: unpriced, with each basis's reason.
	k := decode(t, oneTerm(`"drugs":[{"basis":"fee-schedule","rates":{"J1569":52.5}},{"basis":"asp","percent":6},{"basis":"ndc-price","file":"x.csv","name":"WAC","percent":5}]`))
	k.Terms[0].Drugs[2].Prices = map[string]money.Rate{"00000000000": 1}
	for _, c := range []struct {
		name string
		opt  Options
		miss string
	}{
		{"no ASP quarter", Options{}, "no CMS ASP quarter is loaded for 2026-03-02"},
		{"no limit", opt, "J9999 has no ASP payment limit"},
	} {
		l := drug
		l.Code = "J9999"
		lp := priceOne(t, k, l, c.opt)
		why := lp.Parts[0].Why
		if lp.Status != Unpriced || lp.Expected != 0 || !strings.Contains(why, c.miss) || !strings.Contains(why, "J9999 is not in the fee schedule") || !strings.Contains(why, "NDC 00409080501 is not in WAC") {
			t.Errorf("%s: %v %s %q", c.name, lp.Expected, lp.Status, why)
		}
	}
}

// TestNotPayable: a code the term lists as not payable is expected to pay
// nothing, and says which entry of the contract says so.
func TestNotPayable(t *testing.T) {
	k := decode(t, oneTerm(`"fees":{"A4222":25},"not_payable":["E0781","99601"]`))
	for _, l := range []claim.Line{
		line(claim.Supply, "E0781", "2026-02-02", "2026-02-02", 1),
		line(claim.Nursing, "99601", "2026-02-02", "2026-02-02", 1),
	} {
		l.Charge = cents(t, "50.00")
		lp := priceOne(t, k, l, Options{})
		if lp.Status != NotPayable || lp.Expected != 0 || lp.Parts[0].Paths[0] == "" || !strings.HasPrefix(lp.Parts[0].Paths[0], "terms[0].not_payable[") {
			t.Errorf("%s: %v %s %v", l.Code, lp.Expected, lp.Status, lp.Parts[0].Paths)
		}
	}
	lp := priceOne(t, k, line(claim.Supply, "A4222", "2026-02-02", "2026-02-02", 4), Options{})
	if lp.Status != Priced || lp.Expected != cents(t, "100.00") {
		t.Errorf("A4222: %v %s", lp.Expected, lp.Status)
	}
	lp = priceOne(t, k, line(claim.Supply, "A4221", "2026-02-02", "2026-02-02", 1), Options{})
	if lp.Status != Unpriced {
		t.Errorf("A4221 with no fee: %s, want unpriced", lp.Status)
	}
}

const twoTerms = `{"id":"k","payer":{"id":"P1","name":"PLAN"},"source":"agreement","terms":[
	{"id":"old","from":"2026-01-01","to":"2026-03-15","per_diem":{"S9500":100.00},"sh_percent":50,"sj_percent":0,
	 "drugs":[{"basis":"fee-schedule","rates":{"J0696":1.00}}]},
	{"id":"new","from":"2026-03-16","per_diem":{"S9500":110.00},"sh_percent":100,"sj_percent":0,
	 "drugs":[{"basis":"fee-schedule","rates":{"J0696":1.30}}]}]}`

// TestTermChangeMidLine: a line across the day a new term starts is split
// there, each part priced by its own term.
func TestTermChangeMidLine(t *testing.T) {
	k := decode(t, twoTerms)
	// Per diem billed every day, 1–31 March: 15 days at 100, 16 at 110.
	lp := priceOne(t, k, line(claim.PerDiem, "S9500", "2026-03-01", "2026-03-31", 31), Options{})
	if len(lp.Parts) != 2 || lp.Parts[0].Term != "old" || lp.Parts[0].Units != 15 || lp.Parts[0].Amount != cents(t, "1500.00") ||
		lp.Parts[1].Term != "new" || lp.Parts[1].Units != 16 || lp.Parts[1].Amount != cents(t, "1760.00") || lp.Expected != cents(t, "3260.00") {
		t.Errorf("per diem across the change: %+v", lp)
	}
	// SH: 50 % in the old term, 100 % in the new.
	lp = priceOne(t, k, line(claim.PerDiem, "S9500", "2026-03-14", "2026-03-17", 4, "SH"), Options{})
	if lp.Expected != cents(t, "320.00") { // 2 × 100 × 0.5 + 2 × 110
		t.Errorf("SH across the change: %v, want 320.00", lp.Expected)
	}
	// A line entirely in one term is one part of that term.
	lp = priceOne(t, k, line(claim.PerDiem, "S9500", "2026-03-16", "2026-03-20", 5), Options{})
	if len(lp.Parts) != 1 || lp.Parts[0].Term != "new" || lp.Expected != cents(t, "550.00") {
		t.Errorf("after the change: %+v", lp)
	}
	// Drug units not one a day are shared by days: 100 units over 10 days,
	// 6 in the old term (60 units at 1.00) and 4 in the new (40 at 1.30).
	lp = priceOne(t, k, line(claim.Drug, "J0696", "2026-03-10", "2026-03-19", 100), Options{})
	if len(lp.Parts) != 2 || lp.Parts[0].Units != 60 || lp.Parts[1].Units != 40 || lp.Expected != cents(t, "112.00") {
		t.Errorf("drug across the change: %+v", lp)
	}
	// 7 units over 3 days (2 before, 1 after): 4.67 and 2.33 by days, in
	// whole units 5 and 2; the remainder goes to the larger fraction.
	lp = priceOne(t, k, line(claim.Drug, "J0696", "2026-03-14", "2026-03-16", 7), Options{})
	if lp.Parts[0].Units != 5 || lp.Parts[1].Units != 2 || lp.Expected != cents(t, "7.60") {
		t.Errorf("7 units over the change: %+v", lp)
	}
}

// TestGapBetweenTerms: days no term covers are unpriced, and so is the
// line, while the days a term covers still show their amount.
func TestGapBetweenTerms(t *testing.T) {
	k := decode(t, `{"id":"k","payer":{"id":"P1"},"source":"a","terms":[
		{"id":"a","from":"2026-01-01","to":"2026-01-31","per_diem":{"S9500":100},"sh_percent":50,"sj_percent":0},
		{"id":"b","from":"2026-02-10","per_diem":{"S9500":100},"sh_percent":50,"sj_percent":0}]}`)
	lp := priceOne(t, k, line(claim.PerDiem, "S9500", "2026-01-30", "2026-02-11", 13), Options{})
	if len(lp.Parts) != 3 || lp.Parts[1].Status != Unpriced || lp.Parts[1].From != day("2026-02-01") || lp.Parts[1].To != day("2026-02-09") ||
		lp.Status != Unpriced || lp.Expected != cents(t, "400.00") {
		t.Errorf("%+v", lp)
	}
	lp = priceOne(t, k, line(claim.PerDiem, "S9500", "2025-12-01", "2025-12-05", 5), Options{})
	if lp.Status != Unpriced || len(lp.Parts) != 1 || lp.Parts[0].Term != "" {
		t.Errorf("before every term: %+v", lp)
	}
}

// TestLesserOf: with lesser_of, a charge below the contract amount is what
// is expected; above it, the contract amount.
func TestLesserOf(t *testing.T) {
	body := `"per_diem":{"S9500":100.00},"sh_percent":50,"sj_percent":0`
	k := decode(t, strings.Replace(oneTerm(body), `"terms"`, `"lesser_of":true,"terms"`, 1))
	l := line(claim.PerDiem, "S9500", "2026-02-01", "2026-02-10", 10)
	l.Charge = cents(t, "900.00")
	if lp := priceOne(t, k, l, Options{}); lp.Expected != l.Charge || !lp.LesserOf || lp.Contract != cents(t, "1000.00") {
		t.Errorf("charge below: %+v", lp)
	}
	l.Charge = cents(t, "1200.00")
	if lp := priceOne(t, k, l, Options{}); lp.Expected != cents(t, "1000.00") || lp.LesserOf {
		t.Errorf("charge above: %+v", lp)
	}
	l.Charge = 0 // no charge given: the contract amount
	if lp := priceOne(t, k, l, Options{}); lp.Expected != cents(t, "1000.00") || lp.LesserOf {
		t.Errorf("no charge: %+v", lp)
	}
	k.LesserOf = false
	l.Charge = cents(t, "900.00")
	if lp := priceOne(t, k, l, Options{}); lp.Expected != cents(t, "1000.00") {
		t.Errorf("without lesser_of: %+v", lp)
	}
}

// TestRounding: each part is rounded once, half up, to the cent, from the
// exact product (no float64 anywhere).
func TestRounding(t *testing.T) {
	for _, c := range []struct {
		rate  string
		units float64
		mods  []string
		sh    string
		want  string
	}{
		{"0.005", 1, nil, "50", "0.01"},               // half a cent rounds up
		{"0.004999", 1, nil, "50", "0.00"},            // below half rounds down
		{"33.333333", 3, nil, "50", "100.00"},         // 99.999999
		{"10.01", 1, []string{"SH"}, "50", "5.01"},    // 5.005 → 5.01
		{"10.01", 1, []string{"SH"}, "33.33", "3.34"}, // 3.336333 → 3.34
		{"19.99", 0.5, nil, "50", "10.00"},            // 9.995 → 10.00
		{"199.99", 1.005, nil, "50", "200.99"},        // 200.98995 → 200.99: 1.005 is read as written
	} {
		k := decode(t, oneTerm(`"per_diem":{"S9500":`+c.rate+`},"sh_percent":`+c.sh+`,"sj_percent":0`))
		lp := priceOne(t, k, line(claim.PerDiem, "S9500", "2026-02-01", "2026-02-01", c.units, c.mods...), Options{})
		if lp.Expected != cents(t, c.want) {
			t.Errorf("%s × %v %v at %s %%: %v, want %s", c.rate, c.units, c.mods, c.sh, lp.Expected, c.want)
		}
	}
}

// TestPropertyTotalIsSumOfLines prices random claims under random
// contracts whose terms change on random days: the claim's expected amount
// is the sum of its lines', each line's contract amount is the sum of its
// parts', and the parts' units add up to the line's and cover its days.
func TestPropertyTotalIsSumOfLines(t *testing.T) {
	r := rand.New(rand.NewSource(9))
	codes := []struct {
		kind claim.Kind
		code string
	}{{claim.PerDiem, "S9500"}, {claim.PerDiem, "S9501"}, {claim.Nursing, "99601"}, {claim.Nursing, "99602"}, {claim.Drug, "J0696"}, {claim.Drug, "J0690"}, {claim.Supply, "A4222"}, {claim.Supply, "E0781"}}
	base := day("2026-01-01")
	for i := 0; i < 500; i++ {
		k := &Contract{ID: "k", Payer: Payer{ID: "P"}, Source: "s", LesserOf: r.Intn(2) == 0}
		from := base - civil.Date(r.Intn(10))
		for n := 0; n < 1+r.Intn(4); n++ {
			sh, sj := Percent(r.Intn(10_001)), Percent(r.Intn(10_001))
			term := Term{ID: string(rune('a' + n)), From: from, SHPercent: &sh, SJPercent: &sj,
				PerDiem:    map[string]money.Rate{"S9500": money.Rate(r.Int63n(300_000_000)), "S9501": money.Rate(r.Int63n(300_000_000))},
				Nursing:    &Nursing{Visit: rate(r.Int63n(200_000_000))},
				Fees:       map[string]money.Rate{"A4222": money.Rate(r.Int63n(50_000_000))},
				NotPayable: []string{"E0781"},
				Drugs:      []DrugBasis{{Basis: FeeSchedule, Rates: map[string]money.Rate{"J0696": money.Rate(r.Int63n(5_000_000))}}, {Basis: PercentOfCharge, Percent: pct(Percent(r.Intn(10_000)))}},
			}
			end := from + civil.Date(r.Intn(40))
			if r.Intn(5) > 0 {
				term.To = &end
			}
			k.Terms = append(k.Terms, term)
			if term.To == nil {
				break
			}
			from = end + 1 + civil.Date(r.Intn(3)) // sometimes a gap
		}
		c := &claim.Claim{ID: "C"}
		for n := 0; n < 1+r.Intn(12); n++ {
			cd := codes[r.Intn(len(codes))]
			f := base + civil.Date(r.Intn(60))
			to := f + civil.Date(r.Intn(31))
			units := float64(int(to-f) + 1)
			switch r.Intn(3) {
			case 0:
				units = float64(r.Intn(200))
			case 1:
				units = float64(r.Intn(2000)) / 10
			}
			mods := [][]string{{}, {"SH"}, {"SJ"}}[r.Intn(3)]
			c.Lines = append(c.Lines, claim.Line{Kind: cd.kind, Code: cd.code, From: f, To: to, Units: units, Modifiers: mods,
				Charge: money.Amount(r.Int63n(100_000_00))})
		}
		p, err := Price(c, k, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var sum money.Amount
		for _, lp := range p.Lines {
			sum += lp.Expected
			var parts money.Amount
			units := new(big.Rat)
			next := lp.From
			for _, pt := range lp.Parts {
				parts += pt.Amount
				u, _, _ := exact(pt.Units)
				units.Add(units, u)
				if pt.From != next || pt.To < pt.From {
					t.Fatalf("line %d: parts do not cover its days in order: %+v", lp.Line, lp.Parts)
				}
				next = pt.To + 1
			}
			lu, _, _ := exact(lp.Units)
			if parts != lp.Contract || next != lp.To+1 || units.Cmp(lu) != 0 {
				t.Fatalf("line %d: parts %v (units %v) vs contract %v (units %v): %+v", lp.Line, parts, units, lp.Contract, lp.Units, lp)
			}
			if lp.Expected > lp.Contract || lp.Expected != lp.Contract && !lp.LesserOf {
				t.Fatalf("line %d: expected %v, contract %v", lp.Line, lp.Expected, lp.Contract)
			}
		}
		if sum != p.Expected {
			t.Fatalf("claim expected %v, sum of lines %v", p.Expected, sum)
		}
	}
}

func rate(v int64) *money.Rate { r := money.Rate(v); return &r }
func pct(v Percent) *Percent   { return &v }

// sampleClaim has a line of each kind, over a year, with NDCs and charges.
func sampleClaim() *claim.Claim {
	c := &claim.Claim{ID: "S", Payer: claim.Payer{ID: "PAYER01"}}
	for m := 1; m <= 12; m++ {
		from := civil.FromYMD(2026, m, 1)
		to := from.MonthEnd()
		days := float64(to-from) + 1
		drug := claim.Line{Kind: claim.Drug, Code: "J0690", From: from, To: to, Units: 3 * days, NDC: "00409080501", NDCQuantity: 1.5 * days, NDCUnit: "UN", Charge: 12345}
		c.Lines = append(c.Lines,
			claim.Line{Kind: claim.PerDiem, Code: "S9502", From: from, To: to, Units: days, Charge: 100000},
			claim.Line{Kind: claim.PerDiem, Code: "S9500", From: from, To: to, Units: days, Modifiers: []string{"SH"}},
			claim.Line{Kind: claim.PerDiem, Code: "S9365", From: from, To: to, Units: days - 3, Modifiers: []string{"SJ"}},
			claim.Line{Kind: claim.Nursing, Code: "99601", From: from, To: from, Units: 1, Charge: 30000},
			claim.Line{Kind: claim.Nursing, Code: "99602", From: from, To: from, Units: 2},
			drug,
			claim.Line{Kind: claim.Supply, Code: "E0781", From: from, To: from, Units: 1},
			claim.Line{Kind: claim.Supply, Code: "A4222", From: from, To: to, Units: 4},
		)
	}
	return c
}

// TestExampleClaimPrices prices the sample claim under the example
// contract, whose amendment of 16 March raises the per diem rates: the
// March per diem line is split there.
func TestExampleClaimPrices(t *testing.T) {
	k := decode(t, mustRead(t, "../examples/contract/example-health.json"))
	k.Terms[0].Drugs[2].Prices = map[string]money.Rate{"00409080501": 2_150_000}
	k.Terms[1].Drugs[2].Prices = k.Terms[0].Drugs[2].Prices
	p, err := Price(sampleClaim(), k, Options{})
	if err != nil {
		t.Fatal(err)
	}
	march := p.Lines[16] // S9502, 1–31 March: 15 days at 125.00, 16 at 131.25
	if march.Code != "S9502" || len(march.Parts) != 2 || march.Contract != cents(t, "3975.00") || march.Expected != cents(t, "1000.00") || !march.LesserOf {
		t.Errorf("March S9502: %+v", march)
	}
	if len(p.Notes) != 0 {
		t.Errorf("notes %v", p.Notes)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
