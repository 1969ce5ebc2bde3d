package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cmsRecord is the first line of a procedure record in the CMS layout.
func cmsRecord(code, long, short, added, actionEff, term string, action byte) string {
	b := []byte(strings.Repeat(" ", 320))
	copy(b, code)
	copy(b[5:], "00100")
	b[10] = '3'
	copy(b[11:91], long)
	copy(b[91:119], short)
	copy(b[268:], added)
	copy(b[276:], actionEff)
	copy(b[284:], term)
	b[292] = action
	return string(b)
}

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCodes_Import imports two quarters, lists them and what changed, and
// codes a drug whose amount changed between them by the descriptor in
// force on its days.
func TestCodes_Import(t *testing.T) {
	src, store := t.TempDir(), filepath.Join(t.TempDir(), "codes")
	jan := writeFile(t, src, "HCPC2027_JAN_ANWEB.txt", strings.Join([]string{
		cmsRecord("J9996", "Injection, testdrug, 5 mg", "Testdrug 5 mg", "20200101", "20200101", "", 'N'),
		cmsRecord("J9995", "Injection, olddrug, 1 mg", "Olddrug", "20100101", "20100101", "", 'N'),
	}, "\r\n"))
	apr := writeFile(t, src, "HCPC2027_APR_ANWEB.txt", strings.Join([]string{
		cmsRecord("J9993", "Injection, newdrug, 2 mg", "Newdrug", "20270401", "20270401", "", 'A'),
		cmsRecord("J9995", "Injection, olddrug, 1 mg", "Olddrug", "20100101", "20270401", "20270331", 'D'),
		cmsRecord("J9996", "Injection, testdrug, 10 mg", "Testdrug 10 mg", "20200101", "20270401", "", 'C'),
	}, "\r\n"))
	status, out, errs := runCodesArgs(t, "import", jan, apr, "--codes", store)
	if status != exitOK {
		t.Fatalf("import: status %d, stderr %q", status, errs)
	}
	for _, want := range []string{"2027-01-01  HCPC2027_JAN_ANWEB.txt: 2 codes, 2 doses read", "2027-04-01  HCPC2027_APR_ANWEB.txt: 3 codes", "against 2027-01-01: 1 added, 1 terminated, 1 descriptor, 1 dose", filepath.Join(store, "hcpcs-2027-04-01.tsv")} {
		if !strings.Contains(out, want) {
			t.Errorf("import output lacks %q:\n%s", want, out)
		}
	}
	status, out, _ = runCodesArgs(t, "--releases", "--codes", store)
	if status != exitOK || !strings.Contains(out, "2027-01-01  HCPC2027_JAN_ANWEB.txt  2 codes") || !strings.Contains(out, "2027-04-01  HCPC2027_APR_ANWEB.txt  3 codes") {
		t.Errorf("--releases: status %d:\n%s", status, out)
	}
	status, out, errs = runCodesArgs(t, "--changes", "2027-01-01", "2027-04-01", "--codes", store)
	for _, want := range []string{"J9993  added", "J9995  terminated  2027-04-01  last day 2027-03-31", "J9996  descriptor  2027-04-01  Injection, testdrug, 5 mg -> Injection, testdrug, 10 mg", "J9996  dose        2027-04-01  5 mg -> 10 mg"} {
		if status != exitOK || !strings.Contains(out, want) {
			t.Errorf("--changes: status %d, stderr %q; output lacks %q:\n%s", status, errs, want, out)
		}
	}
	// A release file serves as FROM or TO without importing it.
	if status, out, _ := runCodesArgs(t, "--changes", jan, apr, "--format", "json"); status != exitOK || !strings.Contains(out, `"change": "added"`) {
		t.Errorf("--changes of two files: status %d:\n%s", status, out)
	}
	status, out, _ = runCodesArgs(t, "J9996", "--codes", store, "--on", "2027-03-31")
	if status != exitOK || !strings.Contains(out, "5 mg") || !strings.Contains(out, "Injection, testdrug, 5 mg") {
		t.Errorf("J9996 on 2027-03-31: status %d:\n%s", status, out)
	}
	doc := `{"therapies":[{"id":"a","type":"anti-infective","every_hours":24,"start":"2027-03-29","end":"2027-04-04"}],
	"drugs":[{"therapy":"a","hcpcs":"J9996","ndc":"0409-0805-01","from":"2027-03-29","to":"2027-03-31","dose":20,"dose_unit":"mg","doses":3},
	         {"therapy":"a","hcpcs":"J9996","ndc":"0409-0805-01","from":"2027-04-01","to":"2027-04-04","dose":20,"dose_unit":"mg","doses":4}]}`
	in := writeFile(t, src, "episode.json", doc)
	var stdout, stderr bytes.Buffer
	if code := run(&env{stdout: &stdout, stderr: &stderr}, []string{"code", in, "--codes", store}); code != exitOK {
		t.Fatalf("code --codes: exit %d: %s", code, stderr.String())
	}
	var res struct {
		Lines []struct {
			Code  string  `json:"code"`
			From  string  `json:"from"`
			Units float64 `json:"units"`
		} `json:"lines"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	units := map[string]float64{}
	for _, l := range res.Lines {
		if l.Code == "J9996" {
			units[l.From] = l.Units
		}
	}
	if units["2027-03-29"] != 12 || units["2027-04-01"] != 8 {
		t.Errorf("J9996 units %v; want 12 (4 a dose of 5 mg) before April and 8 (2 a dose of 10 mg) from April", units)
	}
	// Without --codes the embedded set does not know J9996.
	stdout.Reset()
	stderr.Reset()
	if code := run(&env{stdout: &stdout, stderr: &stderr}, []string{"code", in}); code != exitInput {
		t.Errorf("code without --codes: exit %d; want 2 (J9996 unknown)", code)
	}
}

// TestCodes_ImportErrors pins that a bad file stores nothing and says where.
func TestCodes_ImportErrors(t *testing.T) {
	src, store := t.TempDir(), filepath.Join(t.TempDir(), "codes")
	good := writeFile(t, src, "HCPC2027_JAN_ANWEB.txt", cmsRecord("J9996", "Injection, testdrug, 5 mg", "Testdrug", "20200101", "20200101", "", 'N'))
	broken := writeFile(t, src, "HCPC2027_APR_ANWEB.txt", cmsRecord("J9996", "x", "x", "20201301", "20200101", "", 'N'))
	unnamed := writeFile(t, src, "codes.txt", cmsRecord("J9996", "x", "x", "20200101", "20200101", "", 'N'))
	for _, tt := range []struct {
		args []string
		says string
	}{
		{[]string{"import", good, broken}, "line 1, column 269 (code added date)"},
		{[]string{"import", unnamed}, "give --release YYYY-MM-DD"},
		{[]string{"import", good, good}, "both the release of 2027-01-01"},
		{[]string{"import"}, "want one or more CMS release files"},
		{[]string{"import", filepath.Join(src, "nosuch.zip")}, "nosuch.zip"},
		{[]string{"--changes", "2027-01-01"}, "want FROM and TO"},
		{[]string{"--changes", "2027-01-01", "2027-04-01"}, "no release of 2027-01-01"},
		{[]string{"J9996"}, "no imported release there"},
	} {
		status, out, errs := runCodesArgs(t, append(tt.args, "--codes", store)...)
		if status != exitInput || out != "" || !strings.Contains(errs, tt.says) {
			t.Errorf("%v: status %d, stdout %q, stderr %q; want 2, nothing, and %q", tt.args, status, out, errs, tt.says)
		}
	}
	if _, err := os.Stat(store); !os.IsNotExist(err) {
		t.Errorf("the code set folder exists after failed imports (%v); want nothing stored", err)
	}
	if status, _, errs := runCodesArgs(t, "import", unnamed, "--release", "2027-07-01", "--codes", store); status != exitOK {
		t.Errorf("import --release: status %d, %s", status, errs)
	}
}

// TestCodes_ImportRelease2025 imports the January 2025 release as CMS
// ships it (the zip) into the default folder under XDG_DATA_HOME.
func TestCodes_ImportRelease2025(t *testing.T) {
	data := t.TempDir()
	t.Setenv("XDG_DATA_HOME", data)
	status, out, errs := runCodesArgs(t, "import", "../../testdata/cms/january-2025-alpha-numeric-hcpcs-file.zip")
	if status != exitOK || !strings.Contains(out, "HCPC2025_JAN_ANWEB_12172024.txt: 8642 codes") {
		t.Fatalf("status %d, stderr %q:\n%s", status, errs, out)
	}
	if _, err := os.Stat(filepath.Join(data, "perdiem", "hcpcs", "hcpcs-2025-01-01.tsv")); err != nil {
		t.Errorf("not stored in the data folder: %v", err)
	}
}
