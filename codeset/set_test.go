package codeset

import (
	"slices"
	"testing"
)

// TestDefault_CS10 pins the dated code set: a code is valid only inside
// its effective dates.
func TestDefault_CS10(t *testing.T) {
	s := Default()
	tests := []struct {
		code, day string
		active    bool
	}{
		{"S9563", "2023-03-31", false}, // added 2023-04-01
		{"S9563", "2023-04-01", true},
		{"S9562", "2010-06-01", true},
		{"B9000", "2016-12-31", true}, // terminated: last day 2016-12-31
		{"B9000", "2017-01-01", false},
		{"B4148", "2023-09-30", false}, // added 2023-10-01
		{"G0088", "2021-01-01", true},
		{"G0088", "2020-12-31", false},
		{"JZ", "2022-12-31", false},
		{"JZ", "2023-01-01", true},
	}
	for _, tt := range tests {
		c, ok := s.Lookup(tt.code)
		if !ok {
			t.Errorf("%s not in the default set", tt.code)
			continue
		}
		if got := c.ActiveOn(mustDate(t, tt.day)); got != tt.active {
			t.Errorf("%s active on %s = %v; want %v", tt.code, tt.day, got, tt.active)
		}
	}
}

// TestDefault_Versions pins the descriptor history of S9562, broadened on
// 2023-04-01 from palivizumab to any RSV monoclonal antibody.
func TestDefault_Versions(t *testing.T) {
	c, ok := Default().Lookup("S9562")
	if !ok {
		t.Fatal("S9562 missing")
	}
	beforeShort, before := c.DescriptorOn(mustDate(t, "2023-03-31"))
	_, after := c.DescriptorOn(mustDate(t, "2023-04-01"))
	if beforeShort != "Ht inj palivizumab diem" {
		t.Errorf("S9562 short on 2023-03-31: %q; want the 2020 short descriptor", beforeShort)
	}
	if before != "Home injectable therapy, palivizumab, including administrative services, professional pharmacy services, care coordination, and all necessary supplies and equipment (drugs and nursing visits coded separately), per diem" {
		t.Errorf("S9562 on 2023-03-31: %q; want the palivizumab-only descriptor", before)
	}
	if after != c.Long || after == before {
		t.Errorf("S9562 on 2023-04-01: %q; want the current, broadened descriptor", after)
	}
	if c.Kind != PerDiem || c.Short != "Ht inj palivizumab/ab diem" {
		t.Errorf("S9562 = %s %q; want the curated per diem row", c.Kind, c.Short)
	}
}

// TestDefault_Lookup pins rows the engine depends on: kinds from the curated
// table, doses of drugs (DR-1), modifiers and nursing codes.
func TestDefault_Lookup(t *testing.T) {
	s := Default()
	tests := []struct {
		code string
		kind Kind
		dose string
	}{
		{"s9500", PerDiem, ""},
		{"S5498", Catheter, ""},
		{"99601", Nursing, ""},
		{"99602", Nursing, ""},
		{"S9123", Nursing, ""},
		{"G0069", MedicareHIT, ""},
		{"G0090", MedicareHIT, ""},
		{"E0781", DME, ""},
		{"A4222", SupplyKind, ""},
		{"B4150", EnteralParenteral, "100 calories"},
		{"J0690", DrugKind, "500 mg"},
		{"J0696", DrugKind, "per 250 mg"},
		{"J1756", DrugKind, "1 mg"},
		{"J3370", DrugKind, "500 mg"},
		{"j1569", DrugKind, "500 mg"},
		{"J3490", DrugKind, ""},
		{"SH", Modifier, ""},
		{"sj", Modifier, ""},
		{"SS", Modifier, ""},
		{"SD", Modifier, ""},
		{"SV", Modifier, ""},
		{"59", Modifier, ""},
		{"JW", Modifier, ""},
		{"JZ", Modifier, ""},
		{"JB", Modifier, ""},
		{"GY", Modifier, ""},
		{"KX", Modifier, ""},
	}
	for _, tt := range tests {
		c, ok := s.Lookup(tt.code)
		if !ok {
			t.Errorf("Lookup(%q) found nothing", tt.code)
			continue
		}
		if c.Kind != tt.kind {
			t.Errorf("%s kind %s; want %s", tt.code, c.Kind, tt.kind)
		}
		got := ""
		if c.Dose != nil {
			got = c.Dose.Text
		}
		if got != tt.dose {
			t.Errorf("%s dose %q; want %q", tt.code, got, tt.dose)
		}
	}
	if _, ok := s.Lookup("X9999"); ok {
		t.Error("Lookup(X9999) found a code")
	}
	if c, _ := s.Lookup("99601"); c.Long == "" || c.Short != "(CPT - AMA copyright)" {
		t.Errorf("99601 = %q / %q; want the curated paraphrase, not the CPT text", c.Short, c.Long)
	}
}

// TestDefault_IN1 pins the bundled items of the per diem and that drugs,
// nursing and PICC supplies are not bundled (IN-2).
func TestDefault_IN1(t *testing.T) {
	s := Default()
	for _, code := range []string{"E0776", "E0779", "E0780", "E0781", "E0784", "E0791", "A4221", "A4222", "K0552", "B4220", "B4222", "B4224", "B4034", "B4035", "B4036", "B4148", "B9000", "B9002", "B9004", "B9006"} {
		if c, ok := s.Lookup(code); !ok || !c.Bundled {
			t.Errorf("%s: found %v, bundled %v; want a bundled item (IN-1)", code, ok, ok && c.Bundled)
		}
	}
	for _, code := range []string{"J0690", "99601", "S5520", "S5517", "B4150", "B4185", "S9500", "A4223", "E0792"} {
		if c, ok := s.Lookup(code); ok && c.Bundled {
			t.Errorf("%s is bundled; IN-2 bills it separately", code)
		}
	}
}

// TestDefault_NOC pins the not-otherwise-classified codes (CS-7, DR-3).
func TestDefault_NOC(t *testing.T) {
	s := Default()
	for _, code := range []string{"S9379", "S9542", "S5497", "J3490", "J3590", "J7799", "J7999", "J9999", "A9999", "E1399", "B9998", "B9999"} {
		if c, ok := s.Lookup(code); !ok || !c.NOC {
			t.Errorf("%s: found %v; want a NOC code", code, ok)
		}
	}
	for _, code := range []string{"S9500", "J0690", "J1566", "S9810"} {
		if c, ok := s.Lookup(code); !ok || c.NOC {
			t.Errorf("%s: found %v, NOC %v; want a specific code", code, ok, ok && c.NOC)
		}
	}
}

// TestDefault_CS9 pins the exclusion groups, expanded to concrete codes.
func TestDefault_CS9(t *testing.T) {
	byID := map[string]Exclusion{}
	for _, x := range Default().Exclusions() {
		byID[x.ID] = x
		if x.Source == "" || len(x.A) == 0 || len(x.B) == 0 {
			t.Errorf("%s: a %v, b %v, source %q; want both sides and a source", x.ID, x.A, x.B, x.Source)
		}
	}
	exact := []struct {
		id   string
		a, b []string
	}{
		{"CS-9/S9494", []string{"S9494"}, []string{"S9497", "S9500", "S9501", "S9502", "S9503", "S9504"}},
		{"CS-9/S9325", []string{"S9325"}, []string{"S9326", "S9327", "S9328"}},
		{"CS-9/S9329", []string{"S9329"}, []string{"S9330", "S9331"}},
		{"CS-9/S9364", []string{"S9364"}, []string{"S9365", "S9366", "S9367", "S9368"}},
		{"CS-9/S9373", []string{"S9373"}, []string{"S9374", "S9375", "S9376", "S9377"}},
		{"CS-9/S9123", []string{"S9123", "S9124"}, []string{"99601", "99602"}},
	}
	for _, tt := range exact {
		x, ok := byID[tt.id]
		if !ok {
			t.Errorf("group %s missing", tt.id)
			continue
		}
		if !slices.Equal(x.A, tt.a) || !slices.Equal(x.B, tt.b) {
			t.Errorf("%s = %v with %v; want %v with %v", tt.id, x.A, x.B, tt.a, tt.b)
		}
	}
	// "Any per diem" is every per diem of the set, and nothing else; "any
	// home infusion per diem" leaves out the home management per diems.
	for _, tt := range []struct {
		id        string
		in, notIn []string
	}{
		{"CS-9/S9810", []string{"S9500", "S9494", "S9338", "S9563", "S9365", "S9061", "S5498", "S5502", "S9208"}, []string{"S9810", "J0690", "99601", "E0781", "S9123"}},
		{"CS-9/S9208", []string{"S9500", "S9494", "S9338", "S9563", "S9365", "S9061", "S5498", "S5502"}, []string{"S9208", "S9214", "S9810", "J0690", "99601", "E0781", "S9123"}},
	} {
		x := byID[tt.id]
		for _, code := range tt.in {
			if !slices.Contains(x.B, code) {
				t.Errorf("%s: %s missing from b", tt.id, code)
			}
		}
		for _, code := range tt.notIn {
			if slices.Contains(x.B, code) {
				t.Errorf("%s: %s in b", tt.id, code)
			}
		}
	}
	if a := byID["CS-9/S9208"].A; !slices.Equal(a, []string{"S9208", "S9209", "S9211", "S9212", "S9213", "S9214"}) {
		t.Errorf("CS-9/S9208 a = %v; want the codes of S9208-S9214 in the set (there is no S9210)", a)
	}
	x := byID["CS-9/S9494"]
	if x.ActiveOn(mustDate(t, "2001-12-31")) || !x.ActiveOn(mustDate(t, "2026-03-02")) {
		t.Errorf("CS-9/S9494 dates %s–%v: want in force from 2002-01-01 with no end", x.Effective, x.Terminated)
	}
}

func TestSearch(t *testing.T) {
	s := Default()
	codes := func(cs []*Code) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Code)
		}
		return out
	}
	tests := []struct {
		query string
		want  []string
	}{
		{"S950", []string{"S9500", "S9501", "S9502", "S9503", "S9504"}},
		{"j0690", []string{"J0690"}},
		{"cefazolin", []string{"J0687", "J0688", "J0689", "J0690"}}, // J0687–J0689 added 2025-01-01
		{"Ceftriaxone SODIUM", []string{"J0696"}},
		{"tpn liter", []string{"S9365", "S9366", "S9367", "S9368"}},
		{"palivizumab", []string{"S9562"}},
		{"concurrent infusion", []string{"SH", "SJ"}},
		{"no such drug zzz", nil},
	}
	for _, tt := range tests {
		if got := codes(s.Search(tt.query)); !slices.Equal(got, tt.want) {
			t.Errorf("Search(%q) = %v; want %v", tt.query, got, tt.want)
		}
	}
	if n := len(s.Search("")); n != s.Len() {
		t.Errorf("Search(\"\") gave %d codes; want all %d", n, s.Len())
	}
}

// TestWith pins laying a newer CMS file over the table.
func TestWith(t *testing.T) {
	base := Default()
	d := mustDate(t, "2026-04-01")
	newer := []Code{
		// A changed descriptor on a known day keeps the old one as history.
		{Code: "S9500", Kind: Other, Short: "Hit antibiotic q24h diem", Long: "Home infusion therapy, anti-infective, once every 24 hours, per diem", Effective: mustDate(t, "2002-01-01"),
			Versions: []Version{{From: d, Short: "Hit antibiotic q24h diem", Long: "Home infusion therapy, anti-infective, once every 24 hours, per diem"}}},
		// A new pump in the bundled range is bundled; a new drug keeps its dose.
		{Code: "E0788", Kind: DME, Short: "New pump", Long: "External ambulatory infusion pump, new kind", Effective: d},
		{Code: "J9998", Kind: DrugKind, Short: "New drug", Long: "Injection, newdrug, 5 mg", Effective: d, Dose: &Dose{Amount: 5, Unit: "mg", Text: "5 mg"}},
	}
	s := base.With(newer)
	c, _ := s.Lookup("S9500")
	if c.Kind != PerDiem {
		t.Errorf("S9500 kind %s after With; want the curated per diem kind kept", c.Kind)
	}
	_, old := c.DescriptorOn(d - 1)
	if _, now := c.DescriptorOn(d); len(c.Versions) != 2 || old == c.Long || now != c.Long {
		t.Errorf("S9500 versions %+v; want the old descriptor before %s and the new one from then", c.Versions, d)
	}
	if e, ok := s.Lookup("E0788"); !ok || !e.Bundled {
		t.Errorf("E0788 after With: found %v; want it bundled by IN-1's range", ok)
	}
	if j, ok := s.Lookup("J9998"); !ok || j.Dose == nil || j.Kind != DrugKind {
		t.Errorf("J9998 after With: found %v; want a drug with its dose", ok)
	}
	if _, ok := base.Lookup("J9998"); ok {
		t.Error("With changed the Set it was called on")
	}
	if b, _ := base.Lookup("S9500"); len(b.Versions) != 0 {
		t.Error("With changed a code of the Set it was called on")
	}
	var anyPerDiem []string
	for _, x := range s.Exclusions() {
		if x.ID == "CS-9/S9810" {
			anyPerDiem = x.B
		}
	}
	if !slices.Contains(anyPerDiem, "S9500") || s.Len() != base.Len()+2 {
		t.Errorf("after With: %d codes, any per diem %v; want 2 more codes and the groups expanded again", s.Len(), anyPerDiem)
	}
	// An undated change claims no history.
	u := base.With([]Code{{Code: "S9501", Kind: Other, Long: "changed", Effective: mustDate(t, "2002-01-01")}})
	if c, _ := u.Lookup("S9501"); len(c.Versions) != 0 || c.Long != "changed" {
		t.Errorf("undated change: versions %+v, long %q; want the new descriptor and no history", c.Versions, c.Long)
	}
}

func BenchmarkLoadDefault(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := loadEmbedded(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLookup(b *testing.B) {
	s := Default()
	codes := []string{"S9500", "J0690", "sh", "99601", "E0781", "X0000"}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		s.Lookup(codes[i%len(codes)])
		i++
	}
}
