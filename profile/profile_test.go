package profile

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/errs"
)

func TestShippedProfiles(t *testing.T) {
	var ids []string
	for _, p := range List() {
		ids = append(ids, p.ID)
		if p.Name == "" || p.Source == "" || p.Effective == 0 {
			t.Errorf("%s: name, source and effective date are required", p.ID)
		}
	}
	want := []string{"nhia", "bc-idaho", "bcbs-mi", "bcbs-nc", "bcbs-nd", "bcbs-ne", "bcbs-tx", "hmsa", "oregon-medicaid"}
	if !slices.Equal(ids, want) {
		t.Errorf("List() ids = %v, want %v", ids, want)
	}
}

func TestDefaultIsNHIA(t *testing.T) {
	p := Default()
	if p.ID != "nhia" {
		t.Fatalf("Default().ID = %q", p.ID)
	}
	if !reflect.DeepEqual(p.Settings, NHIA()) {
		t.Errorf("nhia settings = %+v, want NHIA() %+v", p.Settings, NHIA())
	}
	if len(p.Sources) != 0 {
		t.Errorf("nhia differs from itself: %v", p.Sources)
	}
}

// TestExampleProfiles pins what each example profile changes from nhia, as
// docs/profiles.md describes it.
func TestExampleProfiles(t *testing.T) {
	tests := []struct {
		id     string
		change func(s *Settings)
	}{
		{"bcbs-nd", func(s *Settings) { s.PerDiemDays = "infusion-days"; s.SuitePOS = "49" }},
		{"bcbs-tx", func(s *Settings) { s.PerDiemDays = "infusion-days"; s.SHRate = 50; s.SJRate = 0 }},
		{"bcbs-nc", func(s *Settings) { s.PerDiemDays = "elapsed-24h"; s.ConcurrencyExtraModifier = "59" }},
		{"bcbs-mi", func(s *Settings) {
			s.NursingExtraHourMinutes = 31
			s.NursingCaps = &NursingCaps{HoursPerDay: 4, HoursPerWeek: 12, VisitsPer7Days: 3, RNOnly: true}
		}},
		{"bcbs-ne", func(s *Settings) {
			s.NursingOnClaim = false
			s.BillableOutsidePerDiem = []string{"S5517", "S5518", "S5520", "S5521", "S5522", "S5523", "A4222", "A4432", "A4483"}
		}},
		{"bc-idaho", func(s *Settings) { s.Span = "min-7-days"; s.PrimaryTherapy = "first-billed" }},
		{"hmsa", func(s *Settings) {
			s.Specificity = "general"
			s.ForbiddenConcurrent = []Forbidden{{Type: "hydration", With: []string{"tpn", "enteral"}}}
		}},
		{"oregon-medicaid", func(s *Settings) {}},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			p, err := Get(tt.id)
			if err != nil {
				t.Fatal(err)
			}
			want := NHIA()
			tt.change(&want)
			if !reflect.DeepEqual(p.Settings, want) {
				t.Errorf("settings =\n%+v\nwant\n%+v", p.Settings, want)
			}
			for _, name := range p.Differences() {
				if strings.TrimSpace(p.Sources[name]) == "" {
					t.Errorf("%s differs from nhia without a source", name)
				}
			}
		})
	}
}

func TestGetUnknownListsKnownIDs(t *testing.T) {
	_, err := Get("bcbs-zz")
	if err == nil || !strings.Contains(err.Error(), `"bcbs-zz"`) || !strings.Contains(err.Error(), "bcbs-tx") || !strings.Contains(err.Error(), "nhia") {
		t.Errorf("Get(unknown) error = %v, want one naming the id and the known ids", err)
	}
	if errs.CodeOf(err) != errs.NotFound {
		t.Errorf("Get(unknown) is %q, want not_found", errs.CodeOf(err))
	}
	_, err = Load(strings.NewReader(`{"id":"mine","settings":{"span":{"value":"fortnight"}}}`))
	if errs.CodeOf(err) != errs.Invalid || len(errs.ProblemsOf(err)) == 0 {
		t.Errorf("Load(bad) = %v (%q), want invalid with problems", err, errs.CodeOf(err))
	}
}

func TestLoadInheritsNHIA(t *testing.T) {
	p, err := Load(strings.NewReader(`{"id":"acme","name":"Acme Health","effective":"2026-01-01","source":"contract 2026-17",
		"settings":{"suite_pos":{"value":"11","source":"contract 2026-17 section 4"},"span":{"value":"calendar-month"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := NHIA()
	want.SuitePOS = "11"
	if !reflect.DeepEqual(p.Settings, want) {
		t.Errorf("settings = %+v, want %+v", p.Settings, want)
	}
	if !reflect.DeepEqual(p.Sources, map[string]string{"suite_pos": "contract 2026-17 section 4"}) {
		t.Errorf("sources = %v", p.Sources)
	}
	if p.Effective.String() != "2026-01-01" {
		t.Errorf("effective = %s", p.Effective)
	}
}

func TestLoadStrict(t *testing.T) {
	const head = `"id":"acme","name":"Acme","effective":"2026-01-01","source":"contract"`
	tests := []struct {
		name string
		doc  string
		path string
		msg  string
	}{
		{"unknown field", `{` + head + `,"setings":{}}`, "setings", `unknown field "setings": want one of effective, id, name, settings, source`},
		{"missing id", `{"name":"Acme","effective":"2026-01-01","source":"c"}`, "id", "missing"},
		{"impossible effective date", `{"id":"a","name":"Acme","effective":"2026-02-30","source":"c"}`, "effective", "not a real calendar day"},
		{"missing source", `{"id":"a","name":"Acme","effective":"2026-01-01"}`, "source", "missing"},
		{"unknown setting", `{` + head + `,"settings":{"per_diem":{"value":"x","source":"s"}}}`, "settings.per_diem", `unknown field "per_diem": want one of anti_infective_other_interval, `},
		{"unknown key in a setting", `{` + head + `,"settings":{"span":{"value":"week","source":"s","note":"n"}}}`, "settings.span.note", `unknown field "note": want one of source, value`},
		{"setting without value", `{` + head + `,"settings":{"span":{"source":"s"}}}`, "settings.span.value", "missing"},
		{"unknown enumerated value", `{` + head + `,"settings":{"span":{"value":"fortnight","source":"s"}}}`, "settings.span.value", "want one of calendar-month, episode, week, min-7-days"},
		{"wrong type", `{` + head + `,"settings":{"sh_rate":{"value":"50","source":"s"}}}`, "settings.sh_rate.value", "want a whole number, got a string"},
		{"differs without source", `{` + head + `,"settings":{"per_diem_days":{"value":"infusion-days"}}}`, "settings.per_diem_days.source", "cite the policy"},
		{"rate above 100", `{` + head + `,"settings":{"sj_rate":{"value":150,"source":"s"}}}`, "settings.sj_rate.value", "0 to 100"},
		{"unknown field in nursing caps", `{` + head + `,"settings":{"nursing_caps":{"value":{"hours_a_day":4},"source":"s"}}}`, "settings.nursing_caps.value.hours_a_day", `unknown field "hours_a_day": want one of hours_per_day, `},
		{"forbidden with an unknown type", `{` + head + `,"settings":{"forbidden_concurrent":{"value":[{"type":"hydration","with":["tpnx"]}],"source":"s"}}}`, "settings.forbidden_concurrent.value[0].with[0]", "want another therapy type"},
		{"bad billable code", `{` + head + `,"settings":{"billable_outside_per_diem":{"value":["A422"],"source":"s"}}}`, "settings.billable_outside_per_diem.value[0]", "want a HCPCS code"},
		{"bad suite POS", `{` + head + `,"settings":{"suite_pos":{"value":"4","source":"s"}}}`, "settings.suite_pos.value", "two-digit"},
		{"bad modifier", `{` + head + `,"settings":{"concurrency_extra_modifier":{"value":"059","source":"s"}}}`, "settings.concurrency_extra_modifier.value", "two-character"},
		{"fraction where whole minutes are wanted", `{` + head + `,"settings":{"nursing_extra_hour_minutes":{"value":30.5,"source":"s"}}}`, "settings.nursing_extra_hour_minutes.value", "30.5: want a whole number"},
		{"effective as a number", `{"id":"a","name":"Acme","effective":20260101,"source":"c"}`, "effective", "YYYY-MM-DD"},
		{"settings as an array", `{` + head + `,"settings":[]}`, "settings", "want an object, got an array"},
		{"a setting as a bare value", `{` + head + `,"settings":{"span":"week"}}`, "settings.span", "want an object, got a string"},
		{"value null", `{` + head + `,"settings":{"span":{"value":null,"source":"s"}}}`, "settings.span.value", "missing: want the setting's value"},
		{"value left out", `{` + head + `,"settings":{"nursing_caps":{"source":"s"}}}`, "settings.nursing_caps.value", "missing: want the setting's value (null for none)"},
		{"cap as a string", `{` + head + `,"settings":{"nursing_caps":{"value":{"hours_per_day":"4"},"source":"s"}}}`, "settings.nursing_caps.value.hours_per_day", "want a number, got a string"},
		{"list where a list of codes is wanted", `{` + head + `,"settings":{"billable_outside_per_diem":{"value":"A4222","source":"s"}}}`, "settings.billable_outside_per_diem.value", "want an array, got a string"},
		{"rate as a string", `{` + head + `,"settings":{"rates":{"value":{"S9500":"200"},"source":"s"}}}`, "settings.rates.value.S9500", "want an amount such as 200.00, got a string"},
		{"boolean as a string", `{` + head + `,"settings":{"nursing_on_claim":{"value":"false","source":"s"}}}`, "settings.nursing_on_claim.value", "want true or false, got a string"},
		{"not JSON", `{"id":"a",}`, "", "invalid JSON at byte 10"},
		{"two profiles in one file", `{` + head + `} {}`, "", "unexpected data after the profile"},
		{"empty file", ``, "", "empty input"},
		{"name in Latin-1", `{"id":"a","name":"Caf` + "\xe9" + `","effective":"2026-01-01","source":"c"}`, "name", "byte 21 (0xE9) is not UTF-8"},
		{"source nhia on a value that differs", `{` + head + `,"settings":{"span":{"value":"week","source":"nhia"}}}`, "settings.span.source", "cite the policy"},
		{"a shipped id with a changed setting", `{"id":"bcbs-tx","name":"Blue Cross and Blue Shield of Texas (BlueChoice)","effective":"2015-01-01","source":"x","settings":{"sh_rate":{"value":40,"source":"s"}}}`, "id", `"bcbs-tx" is a shipped profile and this file changes its source, settings.per_diem_days, settings.sh_rate, settings.sj_rate: give your own profile an id of its own`},
		{"extra minutes above an hour", `{` + head + `,"settings":{"nursing_extra_hour_minutes":{"value":61,"source":"s"}}}`, "settings.nursing_extra_hour_minutes.value", "1 to 60"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Load(strings.NewReader(tt.doc))
			if p != nil {
				t.Error("Load returned a profile along with an error")
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error = %v (%T), want *Error", err, err)
			}
			if len(e.Problems) != 1 || e.Problems[0].Path != tt.path || !strings.Contains(e.Problems[0].Message, tt.msg) {
				t.Errorf("problems = %v, want one at %q containing %q", e.Problems, tt.path, tt.msg)
			}
			for _, goWords := range []string{"json:", "unmarshal", "Go ", "struct", " int", "float64", "string into"} {
				if strings.Contains(err.Error(), goWords) {
					t.Errorf("message %q speaks Go (%q), not words for people", err, goWords)
				}
			}
		})
	}
}

// TestRoundTrip: what "perdiem profiles ID --format json" prints (the JSON of
// a Profile) loads as a profile file and gives the same profile back, for
// every shipped profile; with an id of its own it is the user's copy.
func TestRoundTrip(t *testing.T) {
	for _, p := range List() {
		t.Run(p.ID, func(t *testing.T) {
			b, err := json.Marshal(p)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Load(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("%v\n%s", err, b)
			}
			if got != p {
				t.Errorf("the shipped profile unchanged loads as a new profile")
			}
			own := bytes.Replace(b, []byte(`"id":"`+p.ID+`"`), []byte(`"id":"my-`+p.ID+`"`), 1)
			mine, err := Load(bytes.NewReader(own))
			if err != nil {
				t.Fatalf("with an id of its own: %v", err)
			}
			if mine.ID != "my-"+p.ID || differs(p, mine) != "" || !reflect.DeepEqual(mine.Settings, p.Settings) || !maps.Equal(mine.Sources, p.Sources) {
				t.Errorf("round trip changes %s:\n%+v\nwant\n%+v", differs(p, mine), mine, p)
			}
			var back Profile
			if err := json.Unmarshal(b, &back); err != nil || differs(p, &back) != "" {
				t.Errorf("json.Unmarshal: %v, changes %q", err, differs(p, &back))
			}
		})
	}
}

// TestJSONShape pins the file form written: every setting in the order of
// Settings with its value and source, inherited ones citing nhia, and text
// as written (no \u003e for >).
func TestJSONShape(t *testing.T) {
	p, err := Get("bcbs-tx")
	if err != nil {
		t.Fatal(err)
	}
	q := *p
	q.Source = "contract <2026> & rider"
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&q); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	for _, want := range []string{
		`{"id":"bcbs-tx","name":"Blue Cross and Blue Shield of Texas (BlueChoice)","effective":"2015-01-01","source":"contract <2026> & rider","settings":{"per_diem_days":{"value":"infusion-days","source":"bcbstx.com`,
		`"span":{"value":"calendar-month","source":"nhia"}`,
		`"nursing_caps":{"value":null,"source":"nhia"}`,
		`"sh_rate":{"value":50,"source":"bcbstx.com`,
		`"rates":{"value":null,"source":"nhia"}}}`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("JSON lacks %s\n%s", want, s)
		}
	}
	var order []int
	for _, name := range SettingNames() {
		order = append(order, strings.Index(s, `"`+name+`":{"value"`))
	}
	if !slices.IsSorted(order) || order[0] < 0 {
		t.Errorf("settings not all written in the order of Settings: %v", order)
	}
}

func TestLoadSkipsByteOrderMark(t *testing.T) {
	p, err := Load(strings.NewReader("\uFEFF" + `{"id":"acme","name":"Acme","effective":"2026-01-01","source":"c"}`))
	if err != nil || p.ID != "acme" {
		t.Errorf("Load with a BOM: %v", err)
	}
	_, err = Load(strings.NewReader("\uFEFF" + `{"id":"acme","name":"Caf` + "\xe9" + `","effective":"2026-01-01","source":"c"}`))
	if err == nil || !strings.Contains(err.Error(), "name: byte 27 (0xE9)") {
		t.Errorf("offset after a BOM: %v", err)
	}
}
