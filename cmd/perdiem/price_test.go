package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/pricing"
)

const exampleContract = "../../examples/contract/example-health.json"

type priceOut struct {
	Contract string               `json:"contract"`
	Claims   []pricing.ClaimPrice `json:"claims"`
}

// TestPriceExample prices the example episode under the example contract.
// The figures are the contract's rates times the coded units: S9502 14
// days × 125.00, two 99601 visits × 150.00, S5520 × 300.00, and J0690 at
// AWP − 18 %: 42 vials × 2.15 × 0.82 = 74.046, so 74.05 (no ASP quarter
// is imported, and J0690 is not in the fee schedule).
func TestPriceExample(t *testing.T) {
	code, out, errs := runMain(t, "", "price", "../../examples/episode.json", "--contract", exampleContract, "--asp", t.TempDir())
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(errs, "no CMS ASP quarter") || !strings.Contains(errs, "perdiem import asp") {
		t.Errorf("no hint to import the ASP quarter: %q", errs)
	}
	var p priceOut
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatal(err)
	}
	if p.Contract != "example-health-2026" || len(p.Claims) != 1 {
		t.Fatalf("%+v", p)
	}
	c := p.Claims[0]
	want := map[string]string{"S9502": "1750.00", "J0690": "74.05", "S5520": "300.00", "99601": "150.00"}
	for _, l := range c.Lines {
		if w := want[l.Code]; l.Expected.String() != w || l.Status != pricing.Priced || l.Parts[0].Term != "2026-base" {
			t.Errorf("%s: %v %s %s, want %s", l.Code, l.Expected, l.Status, l.Parts[0].Term, w)
		}
	}
	if c.Expected.String() != "2424.05" || c.ClaimID != "HIT20260301A" || c.Lines[0].ID != "HIT20260301A-1" {
		t.Errorf("claim %s expected %v", c.ClaimID, c.Expected)
	}
}

// TestPriceWithImportedASP imports CMS's October 2025 pricing file, then
// prices the example episode moved to November 2025 under a contract that
// pays ASP + 6 %: J0690's 84 units × the 0.798 limit = 67.032, so 67.03.
func TestPriceWithImportedASP(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := runMain(t, "", "import", "asp", "../../testdata/cms/asp-2025-10-pricing.csv", "../../asp/testdata/asp-2025-10-crosswalk-excerpt.csv", "--asp", dir)
	if code != exitOK || !strings.Contains(out, "2025-10-01 to 2025-12-31") || !strings.Contains(out, "1012 codes, 1011 with a payment limit") || !strings.Contains(out, "13 packages") {
		t.Fatalf("import: exit %d\n%s%s", code, out, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "asp-2025-10-01.tsv")); err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("../../examples/episode.json")
	if err != nil {
		t.Fatal(err)
	}
	ep := filepath.Join(t.TempDir(), "nov.json")
	os.WriteFile(ep, []byte(strings.ReplaceAll(strings.ReplaceAll(string(doc), "2026-03-31", "2026-03-30"), "2026-03-", "2025-11-")), 0o600)
	k := filepath.Join(t.TempDir(), "k.json")
	os.WriteFile(k, []byte(`{"id":"asp","payer":{"id":"PAYER01"},"source":"test","terms":[{"id":"q4","from":"2025-10-01",
		"drugs":[{"basis":"asp","percent":6}]}]}`), 0o600)
	code, out, errs = runMain(t, "", "price", ep, "--contract", k, "--asp", dir, "--format", "csv")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != strings.Join(priceColumns, ",") {
		t.Errorf("header %v", rows[0])
	}
	found := false
	for _, r := range rows[1:] {
		if r[4] != "J0690" {
			if r[13] != "unpriced" {
				t.Errorf("%s: %s, want unpriced (the contract prices drugs only)", r[4], r[13])
			}
			continue
		}
		found = true
		if r[11] != "67.03" || r[13] != "priced" || r[14] != "q4" || !strings.Contains(r[16], "0.798") {
			t.Errorf("J0690: %v", r)
		}
	}
	if !found || !strings.Contains(errs, "line(s) unpriced") {
		t.Errorf("no J0690 row, or no note of unpriced lines: %q", errs)
	}
}

func TestPriceProblems(t *testing.T) {
	asp := t.TempDir()
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"id":"k","payer":{"id":"P"},"source":"s","terms":[{"id":"t","from":"2026-01-01","per_diem":{"S9500":"100"}}]}`), 0o600)
	for _, c := range []struct {
		stdin string
		args  []string
		err   string
	}{
		{"", []string{"price", "../../examples/episode.json"}, "want --contract C"},
		{"", []string{"price", "../../examples/episode.json", "--contract", bad}, "bad.json: terms[0].per_diem.S9500: want a price such as 120.00 or 0.430, got a string"},
		{"", []string{"price", "../../examples/episode.json", "--contract", "nosuch.json"}, "--contract: open nosuch.json"},
		{"", []string{"price", "../../examples/episode.json", "--contract", exampleContract, "--format", "xml"}, `--format "xml": want json or csv`},
		{`{"period":{"from":"2026-03-01","to":"2026-03-31"}}`, []string{"price", "-", "--contract", exampleContract}, "-: therapies: missing"},
		{"{}\n{\"bogus\":1}\n", []string{"price", "-", "--jsonl", "--contract", exampleContract}, "-:2: bogus: unknown field"},
	} {
		code, out, errs := runMain(t, c.stdin, append(c.args, "--asp", asp)...)
		if code != exitInput || out != "" || !strings.Contains(errs, c.err) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and %q", c.args, code, out, errs, c.err)
		}
	}
}

func TestPriceJSONL(t *testing.T) {
	code, out, errs := runMain(t, "", "price", "../../examples/month.jsonl", "--jsonl", "--contract", exampleContract, "--asp", t.TempDir())
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var p priceOut
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatal(err)
	}
	lines, err := os.ReadFile("../../examples/month.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(strings.TrimSpace(string(lines)), "\n") + 1; len(p.Claims) != n {
		t.Errorf("%d claims from %d documents", len(p.Claims), n)
	}
}

func TestImportProblems(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		err  string
	}{
		{[]string{"import"}, "want what to import"},
		{[]string{"import", "asp"}, "want the ASP pricing file"},
		{[]string{"import", "asp", "../../README.md"}, "no header row"},
		{[]string{"import", "asp", "../../asp/testdata/asp-2025-10-crosswalk-excerpt.csv"}, "want a header row starting HCPCS Code"},
		{[]string{"import", "asp", "../../testdata/cms/asp-2025-10-pricing.csv", "../../testdata/cms/asp-2025-10-pricing.csv"}, "want a header row starting _YYYY_CODE"},
		{[]string{"import", "asp", "../../testdata/cms/asp-2025-10-pricing.csv", "--quarter", "2025-13-01"}, "--quarter"},
	} {
		code, out, errs := runMain(t, "", append(c.args, "--asp", dir)...)
		if code != exitInput || out != "" || !strings.Contains(errs, c.err) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", c.args, code, out, errs)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a failed import left %d file(s)", len(entries))
	}
}

// TestPrice837MatchesEpisode: the 837P perdiem claim writes from each
// example prices as its episode document does, line for line.
func TestPrice837MatchesEpisode(t *testing.T) {
	docs, _ := filepath.Glob("../../examples/*.json")
	if len(docs) < 3 {
		t.Fatalf("found %v", docs)
	}
	asp := t.TempDir()
	for _, doc := range docs {
		x12 := filepath.Join(t.TempDir(), "c.837")
		if code, _, errs := runMain(t, "", "claim", doc, "--out", x12, "--state", filepath.Join(t.TempDir(), "state")); code != exitOK {
			t.Fatalf("%s: claim: %s", doc, errs)
		}
		var want, got priceOut
		for _, run := range []struct {
			in  string
			out *priceOut
		}{{doc, &want}, {x12, &got}} {
			code, out, errs := runMain(t, "", "price", run.in, "--contract", exampleContract, "--asp", asp)
			if code != exitOK {
				t.Fatalf("%s: exit %d: %s", run.in, code, errs)
			}
			if err := json.Unmarshal([]byte(out), run.out); err != nil {
				t.Fatal(err)
			}
		}
		if len(want.Claims) != 1 || len(got.Claims) != 1 {
			t.Fatalf("%s: %d and %d claims", doc, len(want.Claims), len(got.Claims))
		}
		w, g := want.Claims[0], got.Claims[0]
		if w.Expected != g.Expected || len(w.Lines) != len(g.Lines) {
			t.Errorf("%s: episode %v, 837P %v", doc, w.Expected, g.Expected)
			continue
		}
		for i := range w.Lines {
			a, b := w.Lines[i], g.Lines[i]
			if a.Code != b.Code || a.Expected != b.Expected || a.Status != b.Status || a.Parts[0].Why != b.Parts[0].Why {
				t.Errorf("%s line %d: episode %s %v %s %q, 837P %s %v %s %q", doc, i+1, a.Code, a.Expected, a.Status, a.Parts[0].Why, b.Code, b.Expected, b.Status, b.Parts[0].Why)
			}
		}
	}
}

// TestPriceOtherPayer: a claim for another payer than the contract's is
// priced, with a note on standard error.
func TestPriceOtherPayer(t *testing.T) {
	k := filepath.Join(t.TempDir(), "k.json")
	os.WriteFile(k, []byte(`{"id":"other","payer":{"id":"OTHER"},"source":"test","terms":[{"id":"t","from":"2026-01-01","fees":{"S5520":1}}]}`), 0o600)
	code, _, errs := runMain(t, "", "price", "../../examples/episode.json", "--contract", k, "--asp", t.TempDir())
	if code != exitOK || !strings.Contains(errs, `claim HIT20260301A: the claim's payer id "PAYER01" is not the contract's (OTHER)`) {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
}
