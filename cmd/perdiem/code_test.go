package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCmd(stdin string, args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = run(&env{stdin: strings.NewReader(stdin), stdout: &o, stderr: &e}, args)
	return code, o.String(), e.String()
}

func TestCodeExamples(t *testing.T) {
	files, _ := filepath.Glob("../../examples/*.json")
	if len(files) < 4 {
		t.Fatalf("want at least 4 examples, found %d", len(files))
	}
	for _, f := range files {
		code, out, errs := runCmd("", "code", f)
		if code != exitOK {
			t.Errorf("%s: exit %d: %s", f, code, errs)
			continue
		}
		var res struct{ Lines []struct{ Code string } }
		if err := json.Unmarshal([]byte(out), &res); err != nil || len(res.Lines) == 0 {
			t.Errorf("%s: %v, %d lines", f, err, len(res.Lines))
		}
	}
}

func TestCodeTableIsForPeople(t *testing.T) {
	code, out, errs := runCmd("", "code", "--format", "table", "../../examples/episode.json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"CODE", "S9502", "CS-2: every 8 hours -> S9502", "J0690", "WARNINGS", "IN-1", "E0781"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

func TestCodeBadInputWritesNothing(t *testing.T) {
	for _, c := range []struct{ doc, path string }{
		{`{"therapies":[{"id":"a","type":"anti-infective","start":"2026-03-02","end":"2026-03-01"}]}`, "therapies[0].end"},
		{`{"therapies":[{"id":"a","type":"anti-infective","start":"2026-03-02","evry_hours":8}]}`, "therapies[0].evry_hours"},
		{`{"therapies":[{"id":"a","type":"anti-infective","start":"2026-02-30"}]}`, "therapies[0].start"},
		{`{"therapies":[{"id":"a","type":"anti-infective","start":"2026-03-02"}],"drugs":[{"therapy":"a","hcpcs":"J0690","ndc":"0409-0805-01","from":"2026-03-02","to":"2026-03-02","dose":5,"dose_unit":"ml","doses":1}]}`, "drugs[0].dose_unit"},
	} {
		code, out, errs := runCmd(c.doc, "code", "-")
		if code != exitInput || out != "" || !strings.Contains(errs, c.path) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit 2, no output, the path %s", c.doc, code, out, errs, c.path)
		}
	}
}

func TestCodeProfileFlagsAndFiles(t *testing.T) {
	doc := `{"therapies":[{"id":"a","type":"anti-infective","start":"2026-03-02","end":"2026-03-04","every_hours":8}]}`
	_, out, _ := runCmd(doc, "code", "--profile", "hmsa", "-")
	if !strings.Contains(out, `"S9494"`) {
		t.Errorf("hmsa bills the general code: %s", out)
	}
	if code, _, errs := runCmd(doc, "code", "--profile", "no-such", "-"); code != exitInput || !strings.Contains(errs, "nhia") {
		t.Errorf("unknown profile: exit %d, %s", code, errs)
	}
	dir := t.TempDir()
	pf := filepath.Join(dir, "contract.json")
	os.WriteFile(pf, []byte(`{"id":"acme","name":"ACME contract","effective":"2026-01-01","source":"contract 2026",
		"settings":{"specificity":{"value":"general","source":"contract 2026 section 4"}}}`), 0o644)
	code, out, errs := runCmd(doc, "code", "--profile-file", pf, "-")
	if code != exitOK || !strings.Contains(out, `"S9494"`) || !strings.Contains(out, `"profile": "acme"`) {
		t.Errorf("profile file: exit %d %s %s", code, out, errs)
	}
	os.WriteFile(pf, []byte(`{"id":"acme","settings":{"specifity":{"value":"general","source":"x"}}}`), 0o644)
	if code, out, errs := runCmd(doc, "code", "--profile-file", pf, "-"); code != exitInput || out != "" || !strings.Contains(errs, "specifity") {
		t.Errorf("bad profile file: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

func TestCodeUsage(t *testing.T) {
	for _, args := range [][]string{{"code"}, {"code", "a.json", "b.json"}, {"code", "--format", "xml", "-"}, {"code", "--nope", "-"}} {
		if code, out, _ := runCmd("", args...); code != exitInput || out != "" {
			t.Errorf("%v: exit %d, stdout %q", args, code, out)
		}
	}
	if code, _, errs := runCmd("", "code", "missing.json"); code != exitInput || !strings.Contains(errs, "missing.json") {
		t.Errorf("missing file: exit %d %q", code, errs)
	}
}
