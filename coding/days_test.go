package coding

import (
	"encoding/json"
	"math/rand"
	"reflect"
	"testing"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/episode"
	"github.com/perdiem/perdiem/internal/gen"
	"github.com/perdiem/perdiem/profile"
)

// states renders one therapy's days as "STATE/RULE" per day.
func states(days []Day) []string {
	out := make([]string, len(days))
	for i, d := range days {
		out[i] = d.State.String() + "/" + d.Rule
	}
	return out
}

func daysOf(t *testing.T, doc, prof string, from, to string) (*claim.Result, []TherapyDays) {
	t.Helper()
	d, err := episode.Decode([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	var opt Options
	if prof != "" {
		if opt.Profile, err = profile.Get(prof); err != nil {
			t.Fatal(err)
		}
	}
	cal, err := Days(d, opt, civil.Span{From: mustDate(t, from), To: mustDate(t, to)})
	if err != nil {
		t.Fatal(err)
	}
	return cal.Result, cal.Therapies
}

func mustDate(t *testing.T, s string) civil.Date {
	t.Helper()
	d, err := civil.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDaysNameEachStateAndItsRule(t *testing.T) {
	doc := `{"period":{"from":"2026-05-03","to":"2026-05-09"},"therapies":[
		{"id":"abx","type":"anti-infective","start":"2026-05-04","end":"2026-05-07","every_hours":8,
		 "holds":[{"from":"2026-05-06","to":"2026-05-06","reason":"inpatient"}]}]}`
	res, days := daysOf(t, doc, "", "2026-05-02", "2026-05-10")
	want := []string{"outside/LN-3", "not-started/PD-1", "billed/PD-1", "billed/PD-1", "hold/PD-4",
		"billed/PD-1", "discontinued/PD-5", "discontinued/PD-5", "outside/LN-3"}
	if got := states(days[0].Days); !reflect.DeepEqual(got, want) {
		t.Fatalf("states\n got %v\nwant %v", got, want)
	}
	if h := days[0].Days[4].Hold; h != 0 {
		t.Errorf("hold day names hold %d, want 0", h)
	}
	for _, d := range days[0].Days {
		if d.State != DayBilled {
			continue
		}
		l := res.Lines[d.Line]
		if l.Code != "S9502" || l.From > d.Date || l.To < d.Date {
			t.Errorf("%s is billed by line %d %s %s..%s", d.Date, d.Line, l.Code, l.From, l.To)
		}
	}
}

func TestDaysCS8CatheterCareUnbilledUnderAnotherPerDiem(t *testing.T) {
	doc := `{"period":{"from":"2026-05-01","to":"2026-05-04"},"therapies":[
		{"id":"abx","type":"anti-infective","start":"2026-05-01","end":"2026-05-02","every_hours":24},
		{"id":"line","type":"catheter-care","start":"2026-05-01","end":"2026-05-04","lumens":2}]}`
	res, days := daysOf(t, doc, "", "2026-05-01", "2026-05-04")
	want := []string{"not-billed/CS-8", "not-billed/CS-8", "billed/PD-1", "billed/PD-1"}
	if got := states(days[1].Days); !reflect.DeepEqual(got, want) {
		t.Fatalf("catheter care states\n got %v\nwant %v", got, want)
	}
	if l := res.Lines[days[1].Days[2].Line]; l.Code != "S5501" {
		t.Errorf("catheter care billed as %s, want S5501", l.Code)
	}
}

func TestDaysPD6InfusionDaysOnly(t *testing.T) {
	doc := `{"period":{"from":"2026-05-01","to":"2026-05-03"},"therapies":[
		{"id":"abx","type":"anti-infective","start":"2026-05-01","end":"2026-05-03","every_hours":48,
		 "infusion_days":["2026-05-01","2026-05-03"]}]}`
	_, days := daysOf(t, doc, "bcbs-tx", "2026-05-01", "2026-05-03")
	want := []string{"billed/PD-6", "not-billed/PD-6", "billed/PD-6"}
	if got := states(days[0].Days); !reflect.DeepEqual(got, want) {
		t.Fatalf("states\n got %v\nwant %v", got, want)
	}
}

func TestDaysCC4ForbiddenCombination(t *testing.T) {
	doc := `{"period":{"from":"2026-05-01","to":"2026-05-03"},"therapies":[
		{"id":"tpn","type":"tpn","start":"2026-05-02","end":"2026-05-03","liters_per_day":1.5},
		{"id":"hyd","type":"hydration","start":"2026-05-01","end":"2026-05-03","liters_per_day":1}]}`
	_, days := daysOf(t, doc, "hmsa", "2026-05-01", "2026-05-03")
	want := []string{"billed/PD-1", "not-billed/CC-4", "not-billed/CC-4"}
	if got := states(days[1].Days); !reflect.DeepEqual(got, want) {
		t.Fatalf("hydration states\n got %v\nwant %v", got, want)
	}
}

func TestDaysPD3IntervalStarts(t *testing.T) {
	doc := `{"period":{"from":"2026-09-01","to":"2026-09-14"},"therapies":[
		{"id":"ig","type":"immunotherapy","start":"2026-09-01","end":"2026-09-14","every_hours":168}]}`
	res, days := daysOf(t, doc, "", "2026-09-01", "2026-09-14")
	starts := 0
	for _, d := range days[0].Days {
		if d.State != DayBilled || d.Rule != "PD-3" {
			t.Fatalf("%s: %s/%s, want billed/PD-3", d.Date, d.State, d.Rule)
		}
		if d.IntervalStart {
			starts++
		}
	}
	if starts != 2 || res.Lines[0].Units != 2 {
		t.Errorf("%d interval starts, line units %v; want 2 and 2", starts, res.Lines[0].Units)
	}
}

// The calendar and the lines tell one story: each per diem day-counted
// line has as many billed days as units, and no billed day lies outside
// its line; Days gives Code's result.
func TestPropertyDaysAgreeWithLines(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	for i := 0; i < 500; i++ {
		doc := validated(t, gen.Episode(r))
		want := codeDoc(t, doc)
		span := civil.Span{From: doc.Period.From - 5, To: doc.Period.To + 5}
		cal, err := Days(doc, Options{}, span)
		if err != nil {
			t.Fatal(err)
		}
		res, days := cal.Result, cal.Therapies
		for k, src := range cal.Sources {
			l := res.Lines[k]
			ok := false
			switch src.List {
			case "therapies":
				ok = l.Kind == claim.PerDiem && l.Therapy == doc.Therapies[src.Index].ID
			case "visits":
				ok = l.Kind == claim.Nursing && l.From == doc.Visits[src.Index].Date
			case "drugs":
				ok = l.Kind == claim.Drug && l.From == doc.Drugs[src.Index].From
			case "supplies":
				ok = l.Kind == claim.Supply && l.From == doc.Supplies[src.Index].Date
			}
			if !ok {
				t.Fatalf("line %d %+v names source %+v", k, l, src)
			}
		}
		a, _ := json.Marshal(want)
		b, _ := json.Marshal(res)
		if string(a) != string(b) {
			t.Fatalf("Days' result differs from Code's\n%s\n%s", b, a)
		}
		billed := map[int]float64{}
		for _, td := range days {
			if len(td.Days) != span.Days() {
				t.Fatalf("therapy %d: %d days, want %d", td.Therapy, len(td.Days), span.Days())
			}
			for _, d := range td.Days {
				if d.State != DayBilled {
					continue
				}
				l := res.Lines[d.Line]
				if l.Therapy != doc.Therapies[td.Therapy].ID || d.Date < l.From || d.Date > l.To {
					t.Fatalf("day %s of therapy %d points at line %+v", d.Date, td.Therapy, l)
				}
				billed[d.Line]++
			}
		}
		for k, l := range res.Lines {
			if l.Kind != claim.PerDiem || l.Why[0].Rule == "PD-3" {
				continue
			}
			if billed[k] != l.Units {
				dj, _ := json.Marshal(doc)
				t.Fatalf("line %d %s %s..%s x%v has %v billed days\n%s", k, l.Code, l.From, l.To, l.Units, billed[k], dj)
			}
		}
	}
}
