package profile

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
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
		{"unknown field", `{` + head + `,"setings":{}}`, "", `unknown field "setings"`},
		{"missing id", `{"name":"Acme","effective":"2026-01-01","source":"c"}`, "id", "missing"},
		{"impossible effective date", `{"id":"a","name":"Acme","effective":"2026-02-30","source":"c"}`, "effective", "not a real calendar day"},
		{"missing source", `{"id":"a","name":"Acme","effective":"2026-01-01"}`, "source", "missing"},
		{"unknown setting", `{` + head + `,"settings":{"per_diem":{"value":"x","source":"s"}}}`, "settings.per_diem", "unknown setting"},
		{"unknown key in a setting", `{` + head + `,"settings":{"span":{"value":"week","source":"s","note":"n"}}}`, "settings.span", `unknown field "note"`},
		{"setting without value", `{` + head + `,"settings":{"span":{"source":"s"}}}`, "settings.span.value", "missing"},
		{"unknown enumerated value", `{` + head + `,"settings":{"span":{"value":"fortnight","source":"s"}}}`, "settings.span.value", "want one of calendar-month, episode, week, min-7-days"},
		{"wrong type", `{` + head + `,"settings":{"sh_rate":{"value":"50","source":"s"}}}`, "settings.sh_rate.value", "cannot unmarshal"},
		{"differs without source", `{` + head + `,"settings":{"per_diem_days":{"value":"infusion-days"}}}`, "settings.per_diem_days.source", "cite the policy"},
		{"rate above 100", `{` + head + `,"settings":{"sj_rate":{"value":150,"source":"s"}}}`, "settings.sj_rate.value", "0 to 100"},
		{"unknown field in nursing caps", `{` + head + `,"settings":{"nursing_caps":{"value":{"hours_a_day":4},"source":"s"}}}`, "settings.nursing_caps.value", `unknown field "hours_a_day"`},
		{"forbidden with an unknown type", `{` + head + `,"settings":{"forbidden_concurrent":{"value":[{"type":"hydration","with":["tpnx"]}],"source":"s"}}}`, "settings.forbidden_concurrent.value[0].with[0]", "want another therapy type"},
		{"bad billable code", `{` + head + `,"settings":{"billable_outside_per_diem":{"value":["A422"],"source":"s"}}}`, "settings.billable_outside_per_diem.value[0]", "want a HCPCS code"},
		{"bad suite POS", `{` + head + `,"settings":{"suite_pos":{"value":"4","source":"s"}}}`, "settings.suite_pos.value", "two-digit"},
		{"bad modifier", `{` + head + `,"settings":{"concurrency_extra_modifier":{"value":"059","source":"s"}}}`, "settings.concurrency_extra_modifier.value", "two-character"},
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
		})
	}
}
