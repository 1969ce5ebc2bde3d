package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/coding"
	"github.com/perdiem/perdiem/episode"
	"github.com/perdiem/perdiem/money"
	"github.com/perdiem/perdiem/x12"
)

func runScrubCmd(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(&env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb}, append([]string{"scrub"}, args...))
	return code, out.String(), errb.String()
}

type scrubJSON struct {
	Claims []struct {
		ClaimID  string `json:"claim_id"`
		Findings []struct {
			Edit     string `json:"edit"`
			Rule     string `json:"rule"`
			Severity string `json:"severity"`
			Line     *int   `json:"line"`
			Segment  *int   `json:"segment"`
			Message  string `json:"message"`
		} `json:"findings"`
	} `json:"claims"`
}

// sv1Segments returns, for each claim of an 837P in order, the segment
// positions of its SV1 segments, counted by tokenizing the file.
func sv1Segments(t *testing.T, path string) [][]int {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]int
	r := x12.NewReader(bytes.NewReader(data))
	for n := 1; ; n++ {
		s, err := r.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		switch s.ID() {
		case "CLM":
			out = append(out, nil)
		case "SV1":
			out[len(out)-1] = append(out[len(out)-1], n)
		}
	}
}

// Every defect put in testdata/scrub/defects.x12 is found, on its line and
// at its SV1 segment, and nothing else is.
func TestScrubFindsEachDefect(t *testing.T) {
	const file = "testdata/scrub/defects.x12"
	code, stdout, stderr := runScrubCmd(t, "", file, "--format", "json")
	if code != exitFindings || stderr != "" {
		t.Fatalf("exit %d, stderr %q; want 1 and nothing", code, stderr)
	}
	var got scrubJSON
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	want := [][]string{
		{"SC-1@1", "SC-3@2", "SC-7@3", "SC-12@4", "SC-6@5", "SC-15@6", "SC-5@7", "SC-9@8", "SC-12@9"},
		{"SC-10@1", "SC-21@1", "SC-13@2"},
	}
	segs := sv1Segments(t, file)
	if len(got.Claims) != 2 || got.Claims[0].ClaimID != "DEFECTS1" || got.Claims[1].ClaimID != "DEFECTS2" {
		t.Fatalf("claims: %s", stdout)
	}
	for k, c := range got.Claims {
		var g []string
		for _, f := range c.Findings {
			if f.Line == nil || f.Segment == nil {
				t.Errorf("%s %s: line %v, segment %v; want both", c.ClaimID, f.Edit, f.Line, f.Segment)
				continue
			}
			if want := segs[k][*f.Line-1]; *f.Segment != want {
				t.Errorf("%s %s line %d: segment %d, want %d (its SV1)", c.ClaimID, f.Edit, *f.Line, *f.Segment, want)
			}
			if f.Rule == "" || f.Message == "" || f.Severity != "error" && f.Edit != "SC-13" {
				t.Errorf("%s: %+v", c.ClaimID, f)
			}
			g = append(g, fmt.Sprintf("%s@%d", f.Edit, *f.Line))
		}
		if strings.Join(g, " ") != strings.Join(want[k], " ") {
			t.Errorf("%s: got %v, want %v", c.ClaimID, g, want[k])
		}
	}

	code, stdout, _ = runScrubCmd(t, "", file)
	if code != exitFindings || !strings.Contains(stdout, "DEFECTS1 line 1 (segment 26): error SC-1 (PD-1): S9502 bills 15 units") ||
		!strings.HasSuffix(stdout, "2 claim(s) scrubbed: 11 error(s), 1 warning(s), 0 info\n") {
		t.Errorf("text: exit %d\n%s", code, stdout)
	}

	// From standard input, which is read twice through a temporary copy.
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if code, stdin, _ := runScrubCmd(t, string(data), "-"); code != exitFindings || stdin != stdout {
		t.Errorf("from standard input: exit %d, output differs:\n%s", code, stdin)
	}

	// Before the edits are in force, nothing applies.
	code, stdout, _ = runScrubCmd(t, "", file, "--on", "2001-12-31")
	if code != exitOK || stdout != "2 claim(s) scrubbed: 0 error(s), 0 warning(s), 0 info\n" {
		t.Errorf("--on 2001-12-31: exit %d\n%s", code, stdout)
	}
}

// withClaimBlock gives an acceptance case's document the claim block of
// examples/episode.json, with a charge for every code it bills.
func withClaimBlock(t *testing.T, data []byte) ([]byte, bool) {
	t.Helper()
	doc, err := episode.Decode(data)
	if err != nil {
		return nil, false
	}
	res, err := coding.Code(doc, coding.Options{})
	if err != nil {
		return nil, false
	}
	raw, err := os.ReadFile("../../examples/episode.json")
	if err != nil {
		t.Fatal(err)
	}
	ex, err := episode.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	cb := *ex.Claim
	cb.Charges = map[string]money.Amount{}
	for _, l := range res.Lines {
		cb.Charges[l.Code] = 12345
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if m["claim"], err = json.Marshal(cb); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out, true
}

// No edit fires on any example or acceptance case, scrubbed as an episode
// document, nor on the 837P perdiem claim writes from it.
func TestScrubExamplesAndTheClaimsWritten(t *testing.T) {
	dir := t.TempDir()
	var inputs []string
	files, _ := filepath.Glob("../../examples/*.json")
	inputs = append(inputs, files...)
	inputs = append(inputs, "../../examples/month.jsonl")
	for _, d := range []string{"../../testdata/acceptance/cases", "testdata/acceptance"} {
		files, _ := filepath.Glob(filepath.Join(d, "*.json"))
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var c acceptanceCase
			if err := json.Unmarshal(raw, &c); err != nil {
				t.Fatal(err)
			}
			doc, ok := withClaimBlock(t, c.Input)
			if !ok {
				continue // a case the engine refuses
			}
			path := filepath.Join(dir, filepath.Base(f))
			if err := os.WriteFile(path, doc, 0o600); err != nil {
				t.Fatal(err)
			}
			inputs = append(inputs, path)
		}
	}
	if len(inputs) < 50 {
		t.Fatalf("%d inputs, want the examples and every acceptance case the engine codes", len(inputs))
	}
	state := filepath.Join(dir, "state")
	for _, in := range inputs {
		name := filepath.Base(in)
		// An 837P does not say under which payer profile it was coded:
		// it is scrubbed under the document's, as its biller would.
		var scrubArgs []string
		if raw, err := os.ReadFile(in); err == nil && !strings.HasSuffix(in, ".jsonl") {
			var doc struct{ Profile string }
			if json.Unmarshal(raw, &doc) == nil && doc.Profile != "" {
				scrubArgs = []string{"--profile", doc.Profile}
			}
		}
		code, stdout, stderr := runScrubCmd(t, "", in)
		if code != exitOK || stderr != "" || !strings.HasSuffix(stdout, "scrubbed: 0 error(s), 0 warning(s), 0 info\n") || strings.Count(stdout, "\n") != 1 {
			t.Errorf("%s: exit %d\n%s%s", name, code, stdout, stderr)
		}
		out := filepath.Join(dir, name+".x12")
		args := []string{in, "--out", out, "--state", state}
		if strings.HasSuffix(in, ".jsonl") {
			args = append(args, "--jsonl")
		}
		if code, _, stderr := runClaimCmd(t, "", args...); code != exitOK {
			t.Fatalf("%s: perdiem claim: exit %d: %s", name, code, stderr)
		}
		code, stdout, stderr = runScrubCmd(t, "", append([]string{out, "--format", "json"}, scrubArgs...)...)
		if code != exitOK || stderr != "" {
			t.Errorf("%s as 837P: exit %d: %s", name, code, stderr)
		}
		var got scrubJSON
		if err := json.Unmarshal([]byte(stdout), &got); err != nil || len(got.Claims) == 0 {
			t.Fatalf("%s as 837P: %v\n%s", name, err, stdout)
		}
		for _, c := range got.Claims {
			for _, f := range c.Findings {
				t.Errorf("%s as 837P: claim %s: %+v", name, c.ClaimID, f)
			}
		}
	}
}

// Two documents of a batch that bill the same services: the second is a
// duplicate, found with the episode's line numbers and no segment.
func TestScrubDuplicateDocuments(t *testing.T) {
	raw, err := os.ReadFile("../../examples/episode.json")
	if err != nil {
		t.Fatal(err)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, raw); err != nil {
		t.Fatal(err)
	}
	line := compact.String()
	second := strings.Replace(line, `"id":"HIT20260301A"`, `"id":"HIT20260301B"`, 1)
	code, stdout, stderr := runScrubCmd(t, "\n"+line+"\n"+second+"\n", "-", "--format", "json")
	if code != exitFindings || stderr != "" {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got scrubJSON
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Claims) != 2 || len(got.Claims[0].Findings) != 0 {
		t.Fatalf("%s", stdout)
	}
	var lines []string
	for _, f := range got.Claims[1].Findings {
		if f.Edit != "SC-21" || f.Segment != nil || f.Line == nil || !strings.Contains(f.Message, "HIT20260301A") {
			t.Errorf("second claim: %+v", f)
			continue
		}
		lines = append(lines, fmt.Sprint(*f.Line))
	}
	if strings.Join(lines, " ") != "1 2 3 4 5" {
		t.Errorf("duplicates on lines %v, want every line 1-5", lines)
	}
}

// Bad input writes nothing, says where it is, and exits 2.
func TestScrubBadInput(t *testing.T) {
	dir := t.TempDir()
	raw, err := os.ReadFile("../../examples/episode.json")
	if err != nil {
		t.Fatal(err)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, raw); err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(compact.String(), `"npi":"1234567893"`, `"npi":"1234567890"`, 1)
	jsonl := filepath.Join(dir, "batch.jsonl")
	os.WriteFile(jsonl, []byte(compact.String()+"\n"+bad+"\n"), 0o600)
	noBlock := filepath.Join(dir, "no-claim.json")
	os.WriteFile(noBlock, []byte(`{"therapies":[{"id":"a","type":"anti-infective","start":"2026-03-01","end":"2026-03-03","every_hours":8}]}`), 0o600)
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, []byte(" \n"), 0o600)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"broken 837P", []string{"../../testdata/x12/837p/synthetic__home-infusion-broken.x12"}, "segment 28 (DTP03) at byte 905, line 28"},
		{"an 835", []string{"../../testdata/x12/835/moov__example_5010_835_sample1.x12"}, "scrub checks the claims of an 837P"},
		{"bad document in a batch", []string{jsonl}, jsonl + ":2: claim.billing_provider.npi"},
		{"no claim block", []string{noBlock}, noBlock + ": claim: missing"},
		{"empty", []string{empty}, "empty input"},
		{"bad --on", []string{noBlock, "--on", "2026-02-30"}, `--on "2026-02-30": want a date`},
		{"bad --format", []string{noBlock, "--format", "csv"}, `--format "csv": want text or json`},
		{"two profiles", []string{noBlock, "--profile", "nhia", "--profile-file", "x.json"}, "not both"},
	}
	for _, tc := range cases {
		code, stdout, stderr := runScrubCmd(t, "", tc.args...)
		if code != exitInput || stdout != "" || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want 2, nothing, and %q", tc.name, code, stdout, stderr, tc.want)
		}
	}
}

// With CMS's crosswalk imported, SC-13 judges the example's cefazolin,
// whose NDC quantity is in vials (UN): 42 vials at 2 billing units a vial
// are the 84 units billed; at 4 a vial they would be 168.
func TestScrubDrugUnitsFromImportedASP(t *testing.T) {
	doc, err := os.ReadFile("../../examples/episode.json")
	if err != nil {
		t.Fatal(err)
	}
	ep := filepath.Join(t.TempDir(), "nov.json")
	if err := os.WriteFile(ep, []byte(strings.ReplaceAll(strings.ReplaceAll(string(doc), "2026-03-31", "2026-03-30"), "2026-03-", "2025-11-")), 0o600); err != nil {
		t.Fatal(err)
	}
	crosswalk, err := os.ReadFile("../../asp/testdata/asp-2025-10-crosswalk-excerpt.csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		units string
		want  []string
	}{
		{"2", nil},
		{"4", []string{"SC-13@3"}},
	} {
		row := "J0690,Cefazolin sodium injection,Hospira Inc.,00409-0805-01,Cefazolin,500 MG,1,25," + tc.units + ",50\r\n"
		cw := filepath.Join(t.TempDir(), "crosswalk.csv")
		if err := os.WriteFile(cw, append(slices.Clone(crosswalk), row...), 0o600); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		if code, out, errs := runMain(t, "", "import", "asp", "../../testdata/cms/asp-2025-10-pricing.csv", cw, "--asp", dir); code != exitOK {
			t.Fatalf("import: exit %d\n%s%s", code, out, errs)
		}
		code, stdout, stderr := runScrubCmd(t, "", ep, "--asp", dir, "--format", "json")
		if code != exitOK || stderr != "" {
			t.Fatalf("%s units a vial: exit %d, stderr %q; want 0 (SC-13 is a warning)", tc.units, code, stderr)
		}
		var got scrubJSON
		if err := json.Unmarshal([]byte(stdout), &got); err != nil {
			t.Fatalf("%v\n%s", err, stdout)
		}
		var g []string
		for _, c := range got.Claims {
			for _, f := range c.Findings {
				g = append(g, fmt.Sprintf("%s@%d", f.Edit, *f.Line))
			}
		}
		if !slices.Equal(g, tc.want) {
			t.Errorf("%s units a vial: findings %v, want %v\n%s", tc.units, g, tc.want, stdout)
		}
	}
}
