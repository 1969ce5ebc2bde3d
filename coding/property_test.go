package coding

import (
	"encoding/json"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/episode"
	"github.com/perdiem/perdiem/internal/gen"
)

// validated round-trips a generated document through the strict decoder,
// so the properties hold for documents users can actually send.
func validated(t *testing.T, doc *episode.Document) *episode.Document {
	t.Helper()
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	d, err := episode.Decode(b)
	if err != nil {
		t.Fatalf("generated document rejected: %v\n%s", err, b)
	}
	return d
}

func codeDoc(t *testing.T, doc *episode.Document) *claim.Result {
	t.Helper()
	res, err := Code(doc, Options{})
	if err != nil {
		b, _ := json.Marshal(doc)
		t.Fatalf("coding failed: %v\n%s", err, b)
	}
	return res
}

func TestPropertyPerDiemUnitsNeverExceedTherapyDays(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 2000; i++ {
		doc := validated(t, gen.Episode(r))
		res := codeDoc(t, doc)
		units := map[string]float64{}
		for _, l := range res.Lines {
			if l.Kind == claim.PerDiem {
				units[l.Therapy] += l.Units
			}
		}
		for _, th := range doc.Therapies {
			end := doc.Period.To
			if th.End != nil {
				end = *th.End
			}
			if days := float64(end-th.Start) + 1; units[th.ID] > days {
				t.Fatalf("therapy %s: %v units over %v days\n%v", th.ID, units[th.ID], days, brief(res))
			}
		}
	}
}

// Lines come sorted by from, then kind, then code (input-format.md).
func TestPropertyLinesAreSorted(t *testing.T) {
	r := rand.New(rand.NewSource(9))
	for i := 0; i < 2000; i++ {
		res := codeDoc(t, validated(t, gen.Episode(r)))
		for k := 1; k < len(res.Lines); k++ {
			a, b := res.Lines[k-1], res.Lines[k]
			if a.From > b.From || a.From == b.From && (a.Kind > b.Kind || a.Kind == b.Kind && a.Code > b.Code) {
				t.Fatalf("line %d (%s %s %s) before line %d (%s %s %s)", k-1, a.From, a.Kind, a.Code, k, b.From, b.Kind, b.Code)
			}
		}
	}
}

func TestPropertyOneLinePerTherapyPerDay(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	for i := 0; i < 2000; i++ {
		res := codeDoc(t, validated(t, gen.Episode(r)))
		seen := map[string]map[civil.Date]bool{}
		for _, l := range res.Lines {
			if l.Kind != claim.PerDiem {
				continue
			}
			if seen[l.Therapy] == nil {
				seen[l.Therapy] = map[civil.Date]bool{}
			}
			for d := l.From; d <= l.To; d++ {
				if seen[l.Therapy][d] {
					t.Fatalf("therapy %s has two lines on %s: %v", l.Therapy, d, brief(res))
				}
				seen[l.Therapy][d] = true
			}
		}
	}
}

// Lines that take part in ranking: per diem lines other than catheter care
// and therapies dosed less often than every 72 hours (CC-5).
func ranked(l claim.Line) bool {
	if l.Kind != claim.PerDiem || len(l.Why) == 0 {
		return false
	}
	if l.Why[0].Rule == "PD-3" {
		return false
	}
	switch l.Code {
	case "S5497", "S5498", "S5501", "S5502":
		return false
	}
	return true
}

func TestPropertyExactlyOnePrimaryPerDiemEachDay(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	for i := 0; i < 2000; i++ {
		res := codeDoc(t, validated(t, gen.Episode(r)))
		primary := map[civil.Date]int{}
		any := map[civil.Date]bool{}
		for _, l := range res.Lines {
			if !ranked(l) {
				continue
			}
			concurrent := false
			for _, m := range l.Modifiers {
				concurrent = concurrent || m == "SH" || m == "SJ"
			}
			for d := l.From; d <= l.To; d++ {
				any[d] = true
				if !concurrent {
					primary[d]++
				}
			}
		}
		for d := range any {
			if primary[d] != 1 {
				t.Fatalf("%s has %d per diem lines without SH/SJ: %v", d, primary[d], brief(res))
			}
		}
	}
}

func TestPropertyNoExclusionGroupViolated(t *testing.T) {
	r := rand.New(rand.NewSource(4))
	groups := codeset.Default().Exclusions()
	for i := 0; i < 2000; i++ {
		res := codeDoc(t, validated(t, gen.Episode(r)))
		present := map[string]bool{}
		for _, l := range res.Lines {
			present[l.Code] = true
		}
		for _, g := range groups {
			if a, b := firstPresent(present, g.A), firstPresent(present, g.B); a != "" && b != "" {
				t.Fatalf("exclusion group %s violated by %s and %s: %v", g.ID, a, b, brief(res))
			}
		}
	}
}

// Coding the period in two halves bills the same units as coding it whole.
func TestPropertySplitPeriodSameUnits(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	for i := 0; i < 2000; i++ {
		doc := validated(t, gen.Episode(r))
		whole := unitsByTherapyKind(codeDoc(t, doc))
		mid := doc.Period.From + civil.Date(1+r.Intn(int(doc.Period.To-doc.Period.From)))
		first, second := *doc, *doc
		first.Period = &episode.Period{From: doc.Period.From, To: mid - 1}
		second.Period = &episode.Period{From: mid, To: doc.Period.To}
		halves := unitsByTherapyKind(codeDoc(t, &first))
		for k, v := range unitsByTherapyKind(codeDoc(t, &second)) {
			halves[k] += v
		}
		for k := range whole {
			if whole[k] != halves[k] {
				b, _ := json.Marshal(doc)
				t.Fatalf("split at %s: %s has %v units whole, %v in halves\n%s", mid, k, whole[k], halves[k], b)
			}
		}
		for k := range halves {
			if whole[k] != halves[k] {
				t.Fatalf("split at %s: %s has %v units in halves, %v whole", mid, k, halves[k], whole[k])
			}
		}
	}
}

func unitsByTherapyKind(res *claim.Result) map[string]float64 {
	m := map[string]float64{}
	for _, l := range res.Lines {
		m[l.Therapy+"/"+l.Kind.String()] += l.Units
	}
	return m
}

// FuzzCode: no document, however malformed, makes the decoder or the
// engine panic.
func FuzzCode(f *testing.F) {
	files, _ := filepath.Glob("../testdata/acceptance/cases/*.json")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		var c struct{ Input json.RawMessage }
		if json.Unmarshal(b, &c) == nil {
			f.Add([]byte(c.Input))
		}
	}
	r := rand.New(rand.NewSource(6))
	for i := 0; i < 20; i++ {
		b, _ := json.Marshal(gen.Episode(r))
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := episode.Decode(data)
		if err != nil {
			return
		}
		if res, err := Code(doc, Options{}); err == nil && res.Lines == nil {
			t.Fatal("nil lines")
		}
	})
}

const typicalMonth = `{"period":{"from":"2026-03-01","to":"2026-03-31"},
 "therapies":[
  {"id":"abx","type":"anti-infective","start":"2026-03-02","end":"2026-03-20","every_hours":8,
   "changes":[{"from":"2026-03-10","every_hours":12}],"holds":[{"from":"2026-03-05","to":"2026-03-06","reason":"inpatient"}]},
  {"id":"tpn","type":"tpn","start":"2026-03-01","liters_per_day":2.5},
  {"id":"hyd","type":"hydration","start":"2026-03-12","end":"2026-03-25","liters_per_day":1}],
 "visits":[
  {"date":"2026-03-02","minutes":150,"nurse":"rn","specialty":true,"therapy":"abx"},
  {"date":"2026-03-04","minutes":90,"nurse":"rn","therapy":"abx"},
  {"date":"2026-03-09","minutes":200,"nurse":"rn","therapy":"abx"},
  {"date":"2026-03-12","minutes":60,"nurse":"rn","therapy":"hyd"},
  {"date":"2026-03-16","minutes":130,"nurse":"rn","therapy":"tpn"},
  {"date":"2026-03-19","minutes":240,"nurse":"rn","specialty":true,"therapy":"abx"},
  {"date":"2026-03-23","minutes":75,"nurse":"lpn","therapy":"hyd"},
  {"date":"2026-03-30","minutes":60,"nurse":"rn","therapy":"tpn"}],
 "drugs":[
  {"therapy":"abx","hcpcs":"J0696","ndc":"0004-1965-01","from":"2026-03-02","to":"2026-03-20","dose":2,"dose_unit":"g","doses":40,"ndc_quantity":40,"ndc_unit":"UN"},
  {"therapy":"abx","hcpcs":"J3370","ndc":"0409-6509-01","from":"2026-03-02","to":"2026-03-20","dose":750,"dose_unit":"mg","doses":30,"ndc_quantity":30,"ndc_unit":"UN"},
  {"therapy":"tpn","hcpcs":"J3490","ndc":"0338-0049-38","description":"SODIUM CHLORIDE 0.9% 100 ML","from":"2026-03-01","to":"2026-03-31","ndc_quantity":3100,"ndc_unit":"ML"}]}`

func BenchmarkCodeTypicalMonth(b *testing.B) {
	doc, err := episode.Decode([]byte(typicalMonth))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := Code(doc, Options{}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Code(doc, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeAndCodeTypicalMonth(b *testing.B) {
	data := []byte(typicalMonth)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		doc, err := episode.Decode(data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Code(doc, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func firstPresent(present map[string]bool, codes []string) string {
	for _, s := range codes {
		if present[s] {
			return s
		}
	}
	return ""
}
