package episode

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/errs"
)

// abx is a valid therapy; cases extend or replace its fields.
const abx = `"id":"abx","type":"anti-infective","start":"2026-03-02","end":"2026-03-15","every_hours":8`

func oneTherapy(extra string) string { return `{"therapies":[{` + abx + extra + `}]}` }

func with(rest string) string { return `{"therapies":[{` + abx + `}],` + rest + `}` }

type problemCase struct {
	name string
	doc  string
	want []Problem // Message is a substring of the message wanted
}

func runProblemCases(t *testing.T, cases []problemCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Decode([]byte(tt.doc))
			if doc != nil {
				t.Errorf("Decode returned a document along with problems (BI-1 all-or-nothing)")
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Decode error = %v (%T), want *Error", err, err)
			}
			if len(e.Problems) != len(tt.want) {
				t.Fatalf("got %d problems, want %d:\n%v", len(e.Problems), len(tt.want), err)
			}
			for i, w := range tt.want {
				g := e.Problems[i]
				if g.Path != w.Path || !strings.Contains(g.Message, w.Message) {
					t.Errorf("problem %d = %q: %q, want %q: …%q…", i, g.Path, g.Message, w.Path, w.Message)
				}
			}
		})
	}
}

func TestDecodeStructure_BI1(t *testing.T) {
	runProblemCases(t, []problemCase{
		{"unknown top-level field", `{"therapies":[{` + abx + `}],"perod":{}}`,
			[]Problem{{"perod", `unknown field "perod"`}}},
		{"unknown nested field", oneTherapy(`,"changes":[{"from":"2026-03-09","evry_hours":12}]`),
			[]Problem{{"therapies[0].changes[0].evry_hours", `unknown field "evry_hours"`}}},
		{"field in the wrong case", oneTherapy(`,"Site":"home"`),
			[]Problem{{"therapies[0].Site", `did you mean "site"`}}},
		{"every unknown field reported", `{"therapies":[{` + abx + `,"x":[{"y":1}],"z":2}],"visits":[{"dat":"2026-03-02"}]}`,
			[]Problem{{"therapies[0].x", "unknown field"}, {"therapies[0].z", "unknown field"}, {"visits[0].dat", "unknown field"}}},
		{"number where a string goes", oneTherapy(`,"site":1`),
			[]Problem{{"therapies[0].site", "want a string, got a number"}}},
		{"string where a number goes", `{"therapies":[{"id":"a","type":"pain","start":"2026-03-02","every_hours":"8"}]}`,
			[]Problem{{"therapies[0].every_hours", "want a number, got a string"}}},
		{"fraction where a whole number goes", with(`"visits":[{"date":"2026-03-02","minutes":30.5}]`),
			[]Problem{{"visits[0].minutes", "want a whole number"}}},
		{"object where a list goes", `{"therapies":{"id":"a"}}`,
			[]Problem{{"therapies", "want an array, got an object"}}},
		{"document not an object", `[1,2]`,
			[]Problem{{"", "want an object, got an array"}}},
		{"empty input", ``,
			[]Problem{{"", "empty input"}}},
		{"impossible date", `{"therapies":[{"id":"a","type":"pain","start":"2026-02-30"}]}`,
			[]Problem{{"therapies[0].start", "not a real calendar day"}}},
		{"date not YYYY-MM-DD", oneTherapy(`,"holds":[{"from":"03/05/2026","to":"2026-03-06"}]`),
			[]Problem{{"therapies[0].holds[0].from", "want a calendar date YYYY-MM-DD"}}},
		{"null date", `{"therapies":[{"id":"a","type":"pain","start":null}]}`,
			[]Problem{{"therapies[0].start", "want a calendar date"}}},
		{"charge as a string", with(`"claim":{"charges":{"S9500":"200.00"}}`),
			[]Problem{{"claim.charges.S9500", "want an amount such as 200.00, got a string"}}},
		{"charge with three decimals", with(`"claim":{"charges":{"S9500":200.001}}`),
			[]Problem{{"claim.charges.S9500", "at most two decimals"}}},
		{"field given twice", oneTherapy(`,"every_hours":12`),
			[]Problem{{"therapies[0].every_hours", "given twice"}}},
		{"field given twice in another case", oneTherapy(`,"ID":"abx2"`),
			[]Problem{{"therapies[0].ID", `did you mean "id"`}}},
		{"charge code given twice", with(`"claim":{"charges":{"S9500":200,"s9500":100}}`),
			[]Problem{{"claim.charges.s9500", "given twice"}}},
		{"trailing data", with(`"visits":[]`) + ` {}`,
			[]Problem{{"", "unexpected data after the document"}}},
		{"syntax error", `{"therapies":[{"id":"a",}]}`,
			[]Problem{{"therapies[0]", "invalid JSON at byte 24"}}},
		{"truncated document", `{"therapies":[{"id":"a"`,
			[]Problem{{"therapies[0]", "ends early"}}},
	})
}

func TestDecodeTherapy(t *testing.T) {
	runProblemCases(t, []problemCase{
		{"no therapies", `{"therapies":[]}`,
			[]Problem{{"therapies", "want at least one therapy"}}},
		{"missing id, type and start", `{"therapies":[{"end":"2026-03-15"}]}`,
			[]Problem{{"therapies[0].id", "missing"}, {"therapies[0].type", "missing"}, {"therapies[0].start", "missing"}}},
		{"duplicate therapy id", `{"therapies":[{` + abx + `},{` + abx + `}]}`,
			[]Problem{{"therapies[1].id", `"abx" is also the id of therapies[0]`}}},
		{"unknown therapy type", `{"therapies":[{"id":"x","type":"antibiotic-ish","start":"2026-04-06"}]}`,
			[]Problem{{"therapies[0].type", `unknown therapy type "antibiotic-ish"`}}},
		{"end before start", `{"therapies":[{"id":"a","type":"pain","start":"2026-03-02","end":"2026-03-01"}]}`,
			[]Problem{{"therapies[0].end", "2026-03-01 is before start 2026-03-02"}}},
		{"period to before from", `{"period":{"from":"2026-03-31","to":"2026-03-01"},"therapies":[{` + abx + `}]}`,
			[]Problem{{"period.to", "before period.from"}}},
		{"period without from", `{"period":{"to":"2026-03-31"},"therapies":[{` + abx + `}]}`,
			[]Problem{{"period.from", "missing"}}},
		{"both every_hours and every_days", oneTherapy(`,"every_days":1`),
			[]Problem{{"therapies[0].every_days", "given with every_hours"}}},
		{"zero interval", `{"therapies":[{"id":"a","type":"anti-infective","start":"2026-03-02","every_days":0}]}`,
			[]Problem{{"therapies[0].every_days", "above zero"}}},
		{"negative interval", `{"therapies":[{"id":"a","type":"anti-infective","start":"2026-03-02","every_hours":-8}]}`,
			[]Problem{{"therapies[0].every_hours", "above zero"}}},
		{"liters per day not positive", `{"therapies":[{"id":"t","type":"tpn","start":"2026-03-02","liters_per_day":0}]}`,
			[]Problem{{"therapies[0].liters_per_day", "above zero"}}},
		{"unknown site", oneTherapy(`,"site":"clinic"`),
			[]Problem{{"therapies[0].site", `"clinic": want one of home, suite`}}},
		{"unknown method", `{"therapies":[{"id":"e","type":"enteral","start":"2026-03-02","method":"drip"}]}`,
			[]Problem{{"therapies[0].method", "want one of gravity, pump, bolus"}}},
		{"unknown device", `{"therapies":[{"id":"c","type":"catheter-care","start":"2026-03-02","device":"port"}]}`,
			[]Problem{{"therapies[0].device", "want one of implanted"}}},
		{"zero lumens", `{"therapies":[{"id":"c","type":"catheter-care","start":"2026-03-02","lumens":0}]}`,
			[]Problem{{"therapies[0].lumens", "want 1 or more"}}},
		{"infusion day outside therapy", oneTherapy(`,"infusion_days":["2026-03-02","2026-03-16"]`),
			[]Problem{{"therapies[0].infusion_days[1]", "outside the therapy (2026-03-02 to 2026-03-15)"}}},
	})
}

func TestDecodeChanges_CS11(t *testing.T) {
	runProblemCases(t, []problemCase{
		{"change before start", oneTherapy(`,"changes":[{"from":"2026-03-01","every_hours":12}]`),
			[]Problem{{"therapies[0].changes[0].from", "outside the therapy"}}},
		{"change after end", oneTherapy(`,"changes":[{"from":"2026-03-16","every_hours":12}]`),
			[]Problem{{"therapies[0].changes[0].from", "outside the therapy"}}},
		{"changes out of order", oneTherapy(`,"changes":[{"from":"2026-03-09","every_hours":12},{"from":"2026-03-05","every_hours":24}]`),
			[]Problem{{"therapies[0].changes[1].from", "not after changes[0].from 2026-03-09"}}},
		{"two changes on one day", oneTherapy(`,"changes":[{"from":"2026-03-09","every_hours":12},{"from":"2026-03-09","every_hours":24}]`),
			[]Problem{{"therapies[0].changes[1].from", "not after changes[0].from"}}},
		{"change with no value", oneTherapy(`,"changes":[{"from":"2026-03-09"}]`),
			[]Problem{{"therapies[0].changes[0]", "changes nothing"}}},
		{"change without from", oneTherapy(`,"changes":[{"every_hours":12}]`),
			[]Problem{{"therapies[0].changes[0].from", "missing"}}},
		{"change with both intervals", oneTherapy(`,"changes":[{"from":"2026-03-09","every_hours":12,"every_days":1}]`),
			[]Problem{{"therapies[0].changes[0].every_days", "given with every_hours"}}},
		{"change to a zero interval", oneTherapy(`,"changes":[{"from":"2026-03-09","every_hours":0}]`),
			[]Problem{{"therapies[0].changes[0].every_hours", "above zero"}}},
		{"change to an unknown site", oneTherapy(`,"changes":[{"from":"2026-03-09","site":"office"}]`),
			[]Problem{{"therapies[0].changes[0].site", "want one of home, suite"}}},
	})
}

func TestDecodeHolds_PD4(t *testing.T) {
	runProblemCases(t, []problemCase{
		{"hold ends before it starts", oneTherapy(`,"holds":[{"from":"2026-03-06","to":"2026-03-05"}]`),
			[]Problem{{"therapies[0].holds[0].to", "before from 2026-03-06"}}},
		{"hold starts before therapy", oneTherapy(`,"holds":[{"from":"2026-03-01","to":"2026-03-05"}]`),
			[]Problem{{"therapies[0].holds[0].from", "outside the therapy"}}},
		{"hold ends after therapy", oneTherapy(`,"holds":[{"from":"2026-03-14","to":"2026-03-16"}]`),
			[]Problem{{"therapies[0].holds[0].to", "outside the therapy"}}},
		{"overlapping holds", oneTherapy(`,"holds":[{"from":"2026-03-05","to":"2026-03-08"},{"from":"2026-03-10","to":"2026-03-11"},{"from":"2026-03-08","to":"2026-03-09"}]`),
			[]Problem{{"therapies[0].holds[2]", "overlaps holds[0] (2026-03-05 to 2026-03-08)"}}},
		{"hold without to", oneTherapy(`,"holds":[{"from":"2026-03-05"}]`),
			[]Problem{{"therapies[0].holds[0].to", "missing"}}},
	})
}

func TestDecodeVisits_NU(t *testing.T) {
	runProblemCases(t, []problemCase{
		{"zero minutes", with(`"visits":[{"date":"2026-03-02","minutes":0}]`),
			[]Problem{{"visits[0].minutes", "above zero"}}},
		{"missing minutes", with(`"visits":[{"date":"2026-03-02"}]`),
			[]Problem{{"visits[0].minutes", "above zero"}}},
		{"unknown nurse", with(`"visits":[{"date":"2026-03-02","minutes":60,"nurse":"np"}]`),
			[]Problem{{"visits[0].nurse", "want one of rn, lpn"}}},
		{"unknown visit site", with(`"visits":[{"date":"2026-03-02","minutes":60,"site":"office"}]`),
			[]Problem{{"visits[0].site", "want one of home, suite"}}},
		{"visit outside every therapy", with(`"visits":[{"date":"2026-03-20","minutes":60}]`),
			[]Problem{{"visits[0].date", "outside every therapy"}}},
		{"visit outside its therapy", `{"therapies":[{` + abx + `},{"id":"line","type":"catheter-care","start":"2026-03-10","end":"2026-03-31","lumens":1}],"visits":[{"date":"2026-03-20","minutes":60,"therapy":"abx"}]}`,
			[]Problem{{"visits[0].date", `outside therapy "abx"`}}},
		{"visit after an open therapy's period", `{"period":{"from":"2026-03-01","to":"2026-03-31"},"therapies":[{"id":"a","type":"pain","start":"2026-03-02"}],"visits":[{"date":"2026-04-01","minutes":60}]}`,
			[]Problem{{"visits[0].date", "outside every therapy"}}},
		{"visit names an unknown therapy", with(`"visits":[{"date":"2026-03-02","minutes":60,"therapy":"tpn"}]`),
			[]Problem{{"visits[0].therapy", `"tpn" is not the id of any therapy`}}},
	})
}

func TestDecodeDrugs_DR(t *testing.T) {
	const span = `"from":"2026-03-02","to":"2026-03-15"`
	runProblemCases(t, []problemCase{
		{"drug names an unknown therapy", with(`"drugs":[{"therapy":"x","hcpcs":"J0690",` + span + `}]`),
			[]Problem{{"drugs[0].therapy", `"x" is not the id`}}},
		{"neither hcpcs nor ndc", with(`"drugs":[{` + span + `}]`),
			[]Problem{{"drugs[0].hcpcs", "want hcpcs, ndc or both"}}},
		{"ambiguous 10-digit NDC DR-2", with(`"drugs":[{"ndc":"0409080501",` + span + `}]`),
			[]Problem{{"drugs[0].ndc", "ambiguous"}}},
		{"NDC of 9 digits DR-2", with(`"drugs":[{"ndc":"409-0805-01",` + span + `}]`),
			[]Problem{{"drugs[0].ndc", "segments of 3-4-2"}}},
		{"drug ends before it starts", with(`"drugs":[{"hcpcs":"J0690","from":"2026-03-15","to":"2026-03-02"}]`),
			[]Problem{{"drugs[0].to", "before from 2026-03-15"}}},
		{"dose without doses", with(`"drugs":[{"hcpcs":"J0690",` + span + `,"dose":1,"dose_unit":"g"}]`),
			[]Problem{{"drugs[0].doses", "want the number of administrations"}}},
		{"negative doses", with(`"drugs":[{"hcpcs":"J0690",` + span + `,"dose":1,"dose_unit":"g","doses":-3}]`),
			[]Problem{{"drugs[0].doses", "above zero"}}},
		{"negative dose", with(`"drugs":[{"hcpcs":"J0690",` + span + `,"dose":-1,"dose_unit":"g","doses":3}]`),
			[]Problem{{"drugs[0].dose", "above zero"}}},
		{"dose without unit", with(`"drugs":[{"hcpcs":"J0690",` + span + `,"dose":1,"doses":3}]`),
			[]Problem{{"drugs[0].dose_unit", "missing"}}},
		{"unknown dose unit", with(`"drugs":[{"hcpcs":"J0690",` + span + `,"dose":1,"dose_unit":"gram","doses":3}]`),
			[]Problem{{"drugs[0].dose_unit", "want one of mg, g, mcg, units, ml"}}},
		{"unknown NDC unit", with(`"drugs":[{"ndc":"0409-0805-01",` + span + `,"ndc_quantity":1,"ndc_unit":"EA"}]`),
			[]Problem{{"drugs[0].ndc_unit", "want one of UN, ML, GR, F2, ME"}}},
		{"negative NDC quantity", with(`"drugs":[{"ndc":"0409-0805-01",` + span + `,"ndc_quantity":-1,"ndc_unit":"UN"}]`),
			[]Problem{{"drugs[0].ndc_quantity", "above zero"}}},
	})
}

func TestDecodeSupplies_IN(t *testing.T) {
	runProblemCases(t, []problemCase{
		{"supply without hcpcs", with(`"supplies":[{"date":"2026-03-17","units":1}]`),
			[]Problem{{"supplies[0].hcpcs", "missing"}}},
		{"supply of zero units", with(`"supplies":[{"hcpcs":"S5517","date":"2026-03-17","units":0}]`),
			[]Problem{{"supplies[0].units", "above zero"}}},
		{"supply without date", with(`"supplies":[{"hcpcs":"S5517","units":1}]`),
			[]Problem{{"supplies[0].date", "missing"}}},
	})
}

// TestDecodeCollectsAllProblems pins that problems come all at once and in
// the order of the document, not just the first one found.
func TestDecodeCollectsAllProblems(t *testing.T) {
	runProblemCases(t, []problemCase{
		{"several sections", `{"supplies":[{"hcpcs":"S5517","date":"2026-03-17","units":0}],"visits":[{"date":"2026-01-01","minutes":0}],"therapies":[{"id":"a","type":"painx","start":"2026-03-02","end":"2026-03-01"},{"id":"a","type":"pain","start":"2026-03-02"}]}`,
			[]Problem{
				{"therapies[0].type", "unknown therapy type"},
				{"therapies[0].end", "before start"},
				{"therapies[1].id", "also the id of therapies[0]"},
				{"visits[0].date", "outside every therapy"},
				{"visits[0].minutes", "above zero"},
				{"supplies[0].units", "above zero"},
			}},
	})
}

func TestErrorString(t *testing.T) {
	e := &Error{Problems: []Problem{{"therapies[1].end", "2026-03-01 is before start 2026-03-02"}, {"", "unexpected data"}}}
	want := "therapies[1].end: 2026-03-01 is before start 2026-03-02\nunexpected data"
	if got := e.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

type acceptanceCase struct {
	Name   string          `json:"name"`
	Input  json.RawMessage `json:"input"`
	Expect struct {
		Error bool `json:"error"`
	} `json:"expect"`
}

func acceptanceCases(t testing.TB) []acceptanceCase {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "testdata", "acceptance", "cases", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no acceptance cases found: %v", err)
	}
	var cases []acceptanceCase
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var c acceptanceCase
		if err := json.Unmarshal(b, &c); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		cases = append(cases, c)
	}
	return cases
}

// engineErrors are the acceptance cases whose error the engine finds, not
// the decoder: which codes need a description is the code set's to say.
var engineErrors = map[string]bool{"v14-noc-needs-description": true}

// TestDecodeAcceptanceInputs decodes every acceptance input: the ones that
// expect an error must fail to decode, the others must decode and survive a
// round trip through JSON unchanged.
func TestDecodeAcceptanceInputs(t *testing.T) {
	for _, c := range acceptanceCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			doc, err := Decode(c.Input)
			if c.Expect.Error {
				if err == nil && !engineErrors[c.Name] {
					t.Fatal("Decode accepted an input the case says is an error")
				}
				return
			}
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			b, err := json.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			again, err := Decode(b)
			if err != nil {
				t.Fatalf("re-decoding %s: %v", b, err)
			}
			b2, _ := json.Marshal(again)
			if string(b) != string(b2) {
				t.Errorf("round trip changed the document:\n%s\n%s", b, b2)
			}
		})
	}
}

func TestDecodeValues(t *testing.T) {
	doc, err := Decode([]byte(`{"period":{"from":"2026-03-01","to":"2026-03-31"},"therapies":[{` + abx + `,"changes":[{"from":"2026-03-09","every_hours":12}],"holds":[{"from":"2026-03-05","to":"2026-03-06","reason":"inpatient"}]}],
		"visits":[{"date":"2026-03-02","minutes":150,"nurse":"rn","specialty":true,"therapy":"abx"}],
		"drugs":[{"therapy":"abx","hcpcs":"J0690","ndc":"0409-0805-01","from":"2026-03-02","to":"2026-03-15","dose":1,"dose_unit":"g","doses":42,"ndc_quantity":42,"ndc_unit":"UN"}],
		"claim":{"charges":{"S9502":200.5}}}` + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	th := doc.Therapies[0]
	if th.Start.String() != "2026-03-02" || th.End.String() != "2026-03-15" || *th.EveryHours != 8 {
		t.Errorf("therapy = %+v", th)
	}
	if th.Changes[0].From.String() != "2026-03-09" || *th.Changes[0].EveryHours != 12 || th.Holds[0].Reason != "inpatient" {
		t.Errorf("changes/holds = %+v %+v", th.Changes, th.Holds)
	}
	if v := doc.Visits[0]; v.Minutes != 150 || !v.Specialty || v.Nurse != "rn" {
		t.Errorf("visit = %+v", v)
	}
	if g := doc.Drugs[0]; g.NDC != "0409-0805-01" || g.Doses != 42 || g.Dose != 1 {
		t.Errorf("drug = %+v", g)
	}
	if c := doc.Claim.Charges["S9502"]; c != 20050 {
		t.Errorf("charge = %d cents, want 20050", c)
	}
}

// A document error is invalid input wherever it ends up: the command line
// exits 2 for it, a server answers 400, and its problems keep their paths.
func TestErrorIsInvalid(t *testing.T) {
	_, err := Decode([]byte(`{"therapies":[{"id":"a","type":"nosuch","start":"2026-03-01"}]}`))
	if got := errs.CodeOf(fmt.Errorf("line 3: %w", err)); got != errs.Invalid {
		t.Fatalf("CodeOf = %q, want invalid", got)
	}
	probs := errs.ProblemsOf(err)
	if len(probs) == 0 || probs[0].Path != "therapies[0].type" {
		t.Errorf("ProblemsOf = %v, want the problem at therapies[0].type first", probs)
	}
}
