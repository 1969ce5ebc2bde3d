package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/perdiem/perdiem/x12/x837p"
)

var claimDoc1, _ = filepath.Abs("../../x12/x837p/testdata/home-infusion.json")

func fixedNow(t *testing.T) {
	t.Helper()
	old := now
	now = func() time.Time { return time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC) }
	t.Cleanup(func() { now = old })
}

func runClaimCmd(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(&env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb}, append([]string{"claim"}, args...))
	return code, out.String(), errb.String()
}

func readClaims(t *testing.T, path string) ([]*x837p.Claim, string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	claims, err := x837p.Read(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	isa13 := strings.Split(string(data), "*")[13]
	return claims, isa13
}

// TestClaimMatchesTheValidatedSample codes and writes the document that
// stands for docs/x12-837p.md §1 and reads both files back: apart from the
// line control numbers we add, the REF*XZ we cannot know and the order of
// lines on the same day, and the NOC units (1 per NDC line, DR-3; the sample
// says 7: see x12/x837p TestGoldenSkeleton), the claims are the same.
func TestClaimMatchesTheValidatedSample(t *testing.T) {
	fixedNow(t)
	freshState(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "claims.x12")
	code, stdout, stderr := runClaimCmd(t, "", claimDoc1, "--out", out)
	if code != exitOK || stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %s", code, stdout, stderr)
	}
	got, isa13 := readClaims(t, out)
	want, _ := readClaims(t, "../../testdata/x12/837p/synthetic__home-infusion-good.x12")
	if isa13 != "000000001" {
		t.Errorf("ISA13 %s, want 000000001 from a fresh state file", isa13)
	}
	if len(got) != 1 {
		t.Fatalf("%d claims", len(got))
	}
	for i := range got[0].Lines {
		got[0].Lines[i].ControlNum = ""
	}
	for _, c := range [][]x837p.Line{got[0].Lines, want[0].Lines} {
		sort.Slice(c, func(i, j int) bool { return c[i].Code < c[j].Code })
	}
	if g, w := got[0].Lines[2], want[0].Lines[2]; g.Code != "J3490" || g.Units != 1 || w.Units != 7 {
		t.Errorf("NOC line: %s ×%v, sample ×%v; want J3490 ×1 (DR-3) against the sample's 7", g.Code, g.Units, w.Units)
	}
	want[0].Lines[2].Units = 1
	if !reflect.DeepEqual(got[0], want[0]) {
		t.Errorf("claim\n%+v\nwant\n%+v", *got[0], *want[0])
	}
}

func jsonlDocs(t *testing.T, n int, edit func(i int, doc map[string]any)) string {
	t.Helper()
	raw, err := os.ReadFile(claimDoc1)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for i := range n {
		var doc map[string]any
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		doc["claim"].(map[string]any)["id"] = "HIT2026010" + string(rune('A'+i))
		if edit != nil {
			edit(i, doc)
		}
		line, _ := json.Marshal(doc)
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.String()
}

func TestClaimJSONLWritesOneInterchange(t *testing.T) {
	fixedNow(t)
	out := filepath.Join(t.TempDir(), "batch.x12")
	code, _, stderr := runClaimCmd(t, jsonlDocs(t, 3, nil), "-", "--jsonl", "--out", out, "--usage", "P")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	claims, _ := readClaims(t, out)
	var ids []string
	for _, c := range claims {
		ids = append(ids, c.ID)
	}
	if strings.Join(ids, " ") != "HIT2026010A HIT2026010B HIT2026010C" {
		t.Errorf("claims %v", ids)
	}
	data, _ := os.ReadFile(out)
	if n := strings.Count(string(data), "~ISA*") + strings.Count(string(data)[:4], "ISA*"); n != 1 {
		t.Errorf("%d ISA segments, want one interchange", n)
	}
	if !strings.Contains(string(data), "*P*:~") {
		t.Error("--usage P did not reach ISA15")
	}
}

// TestClaimAllOrNothing: one bad document among good ones stops the whole
// run: every problem is reported with its line and path, no file appears,
// and no control number is used.
func TestClaimAllOrNothing(t *testing.T) {
	state := freshState(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "batch.x12")
	in := jsonlDocs(t, 4, func(i int, doc map[string]any) {
		cl := doc["claim"].(map[string]any)
		switch i {
		case 1:
			delete(cl["charges"].(map[string]any), "J0696")
		case 2:
			cl["billing_provider"].(map[string]any)["npi"] = "1234567890"
		}
	}) + "{not json\n"
	code, stdout, stderr := runClaimCmd(t, in, "-", "--jsonl", "--out", out)
	if code != exitInput || stdout != "" {
		t.Fatalf("exit %d, stdout %q; want 2 and nothing", code, stdout)
	}
	for _, want := range []string{"-:2: claim.charges.J0696", "-:3: claim.billing_provider.npi", "-:5: "} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "-:1:") || strings.Contains(stderr, "-:4:") {
		t.Errorf("good documents reported:\n%s", stderr)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("files left in the output directory: %v (want none: no output, no temporary file)", names)
	}
	if entries, _ := os.ReadDir(state); len(entries) != 0 {
		t.Errorf("state directory holds %v: want no control number used", entries)
	}
}

// TestClaimControlNumbersAreNeverReused runs the command repeatedly against
// one state file, including a run that fails on input (no number used), a
// run that fails after reserving its number (the number is skipped), and
// explicit --control numbers.
func TestClaimControlNumbersAreNeverReused(t *testing.T) {
	fixedNow(t)
	dir := t.TempDir()
	state := filepath.Join(dir, "ctl")
	seen := map[string]bool{}
	ok := func(want string, extra ...string) {
		t.Helper()
		out := filepath.Join(dir, "out.x12")
		code, _, stderr := runClaimCmd(t, "", append([]string{claimDoc1, "--out", out, "--state", state}, extra...)...)
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		_, isa13 := readClaims(t, out)
		if seen[isa13] {
			t.Fatalf("ISA13 %s used twice", isa13)
		}
		seen[isa13] = true
		if isa13 != want {
			t.Errorf("ISA13 %s, want %s", isa13, want)
		}
	}
	ok("000000001")
	ok("000000002")
	// Bad input: nothing reserved.
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"therapies": []}`), 0o644)
	if code, _, _ := runClaimCmd(t, "", bad, "--out", filepath.Join(dir, "x.x12"), "--state", state); code != exitInput {
		t.Fatalf("bad input: exit %d", code)
	}
	ok("000000003")
	// An output that cannot be created: refused before a number is taken.
	code, _, stderr := runClaimCmd(t, "", claimDoc1, "--out", filepath.Join(dir, "missing", "out.x12"), "--state", state)
	if code != exitInput || !strings.Contains(stderr, "missing") {
		t.Fatalf("missing folder: exit %d, stderr %s", code, stderr)
	}
	ok("000000004")
	// The write fails before any byte reached the device: the number is
	// given back.
	if _, err := os.Stat("/dev/full"); err == nil {
		code, _, stderr = runClaimCmd(t, "", claimDoc1, "--out", "/dev/full", "--state", state)
		if code != exitFindings || !strings.Contains(stderr, "control number 5 not used") {
			t.Fatalf("/dev/full: exit %d, stderr %s", code, stderr)
		}
	}
	ok("000000005")
	ok("000000100", "--control", "100")
	if code, _, stderr := runClaimCmd(t, "", claimDoc1, "--out", filepath.Join(dir, "y.x12"), "--state", state, "--control", "100"); code != exitInput {
		t.Fatalf("--control 100 again: exit %d, %s", code, stderr)
	}
	ok("000000101")
}

// TestClaimStateDoesNotDependOnTheCurrentDirectory: runs from different
// folders draw from the user's one sequence and leave nothing behind in
// them; a state file that earlier versions left in a folder is continued.
func TestClaimStateDoesNotDependOnTheCurrentDirectory(t *testing.T) {
	fixedNow(t)
	state := freshState(t)
	var isa13 []string
	for range 2 {
		dir := t.TempDir()
		t.Chdir(dir)
		code, stdout, stderr := runClaimCmd(t, "", claimDoc1)
		if code != exitOK || !strings.HasPrefix(stdout, "ISA*00*") {
			t.Fatalf("exit %d, stdout %.40q, stderr %s", code, stdout, stderr)
		}
		isa13 = append(isa13, strings.Split(stdout, "*")[13])
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("files left in the current directory: %v", entries)
		}
	}
	if strings.Join(isa13, " ") != "000000001 000000002" {
		t.Errorf("ISA13 %v, want one sequence", isa13)
	}
	if b, err := os.ReadFile(filepath.Join(state, "perdiem", "control-number")); err != nil || strings.TrimSpace(string(b)) != "2" {
		t.Errorf("state: %q, %v", b, err)
	}
	legacy := t.TempDir()
	t.Chdir(legacy)
	os.WriteFile(".perdiem-control", []byte("41\n"), 0o600)
	code, stdout, stderr := runClaimCmd(t, "", claimDoc1)
	if code != exitOK || strings.Split(stdout, "*")[13] != "000000042" || !strings.Contains(stderr, "continuing after control number 41") {
		t.Errorf("after a legacy state of 41: exit %d, ISA13 %s, stderr %s", code, strings.Split(stdout, "*")[13], stderr)
	}
	t.Setenv("PERDIEM_STATE", filepath.Join(legacy, "env-state"))
	if code, _, stderr := runClaimCmd(t, "", claimDoc1, "--control", "7"); code != exitOK {
		t.Errorf("with PERDIEM_STATE: exit %d, %s", code, stderr)
	}
	if n, err := os.ReadFile(filepath.Join(legacy, "env-state")); err != nil || strings.TrimSpace(string(n)) != "7" {
		t.Errorf("PERDIEM_STATE not used: %q, %v", n, err)
	}
}

func TestClaimSplitsLongClaims(t *testing.T) {
	fixedNow(t)
	doc := jsonlDocs(t, 1, func(_ int, doc map[string]any) {
		doc["period"] = map[string]any{"from": "2026-01-01", "to": "2026-03-31"}
		th := doc["therapies"].([]any)[0].(map[string]any)
		th["end"] = "2026-03-31"
		var visits []any
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		for d := range 60 {
			visits = append(visits, map[string]any{"date": start.AddDate(0, 0, d).Format("2006-01-02"), "minutes": 60, "nurse": "rn", "therapy": "abx"})
		}
		doc["visits"] = visits
	})
	out := filepath.Join(t.TempDir(), "long.x12")
	code, _, stderr := runClaimCmd(t, doc, "-", "--out", out)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	claims, _ := readClaims(t, out)
	if len(claims) < 2 || !strings.Contains(stderr, "written as") {
		t.Fatalf("%d claims, stderr %s; want the claim split with a note", len(claims), stderr)
	}
	for i, c := range claims {
		if len(c.Lines) > x837p.MaxLines {
			t.Errorf("claim %d has %d lines", i, len(c.Lines))
		}
		if want := "HIT2026010A-" + string(rune('1'+i)); c.ID != want {
			t.Errorf("claim %d id %s, want %s", i, c.ID, want)
		}
	}
}

// A charge no X12 amount can carry is bad input, not a wrong SV102: 10^15
// units of a 200.00 supply once wrote SV1*HC:A4216*15532559262904483.84 (the
// cents wrapped around int64) and a CLM02 to match, and exited 0.
func TestClaimChargeOverflowIsAnError(t *testing.T) {
	dir := t.TempDir()
	in := jsonlDocs(t, 1, func(_ int, doc map[string]any) {
		doc["supplies"] = []any{map[string]any{"hcpcs": "A4216", "date": "2026-01-03", "units": 1e15}}
		doc["claim"].(map[string]any)["charges"].(map[string]any)["A4216"] = 200
	})
	code, stdout, stderr := runClaimCmd(t, in, "-", "--state", filepath.Join(dir, "state"))
	if code != exitInput || stdout != "" {
		t.Fatalf("exit %d, stdout %q; want 2 and nothing written", code, stdout)
	}
	if !strings.Contains(stderr, "-: claim.charges.A4216: lines[") || !strings.Contains(stderr, "200.00 × 1e+15 is beyond the largest amount") {
		t.Errorf("stderr does not name the charge that overflows:\n%s", stderr)
	}
	// The largest charge that fits is still written, exactly.
	in = jsonlDocs(t, 1, func(_ int, doc map[string]any) {
		doc["supplies"] = []any{map[string]any{"hcpcs": "A4216", "date": "2026-01-03", "units": 1e13}}
		doc["claim"].(map[string]any)["charges"].(map[string]any)["A4216"] = 999.99
	})
	code, stdout, stderr = runClaimCmd(t, in, "-", "--state", filepath.Join(dir, "state"))
	if code != exitOK || !strings.Contains(stdout, "SV1*HC:A4216*9999900000000000*UN*10000000000000") || !strings.Contains(stdout, "CLM*HIT2026010A*9999900000002470*") {
		t.Errorf("exit %d, stderr %s; want SV102 9999900000000000 and CLM02 9999900000002470 in:\n%s", code, stderr, stdout)
	}
}

// A problem the 837P writer finds in the claim is reported at the path of
// the document field it came from, once.
func TestClaimWriterProblemsNameDocumentFields(t *testing.T) {
	dir := t.TempDir()
	in := jsonlDocs(t, 1, func(_ int, doc map[string]any) {
		cl := doc["claim"].(map[string]any)
		cl["note"] = "Q24H*7 DAYS"
		cl["billing_provider"].(map[string]any)["name"] = strings.Repeat("ACME ", 13)
	})
	code, stdout, stderr := runClaimCmd(t, in, "-", "--state", filepath.Join(dir, "state"))
	if code != exitInput || stdout != "" {
		t.Fatalf("exit %d, stdout %q; want 2 and nothing written", code, stdout)
	}
	if !strings.Contains(stderr, "-: claim.note: ") || !strings.Contains(stderr, "an X12 delimiter") {
		t.Errorf("no claim.note problem:\n%s", stderr)
	}
	if n := strings.Count(stderr, "-: claim.billing_provider.name: 64 characters; the 837P allows 60"); n != 1 {
		t.Errorf("%d problems at claim.billing_provider.name, want 1 (the submitter's name is the same field):\n%s", n, stderr)
	}
}
