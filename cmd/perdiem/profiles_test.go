package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/profile"
)

func runProfilesCmd(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(&env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb}, append([]string{"profiles"}, args...))
	return code, out.String(), errb.String()
}

func TestProfilesListsEachWithItsDifferences(t *testing.T) {
	code, out, errs := runProfilesCmd(t, "")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"bcbs-tx", "per_diem_days=infusion-days; sh_rate=50; sj_rate=0",
		"bcbs-nc", "concurrency_extra_modifier=59",
		"bc-idaho", "span=min-7-days; primary_therapy=first-billed",
		"2011-04-21",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("listing lacks %q:\n%s", want, out)
		}
	}
	if lines := strings.Count(out, "\n"); lines != 1+len(profile.List()) {
		t.Errorf("listing has %d lines, want a header and one per profile:\n%s", lines, out)
	}
}

func TestProfilesShowsSettingsWithSources(t *testing.T) {
	code, out, errs := runProfilesCmd(t, "", "bcbs-nd")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	row := lineWith(out, "suite_pos")
	if !strings.Contains(row, "49") || !strings.Contains(row, "bcbsnd.com") {
		t.Errorf("suite_pos row = %q, want 49 with its bcbsnd.com source", row)
	}
	if row := lineWith(out, "drug_coding"); !strings.Contains(row, "hcpcs+ndc") || !strings.HasSuffix(strings.TrimSpace(row), "nhia") {
		t.Errorf("drug_coding row = %q, want the inherited nhia value", row)
	}
	for _, name := range profile.SettingNames() {
		if lineWith(out, name) == "" {
			t.Errorf("setting %s is not shown", name)
		}
	}
}

func TestProfilesJSON(t *testing.T) {
	code, out, errs := runProfilesCmd(t, "", "bcbs-tx", "--format", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var p profile.Profile
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if p.ID != "bcbs-tx" || p.Settings.SHRate != 50 || p.Settings.SJRate != 0 || p.Sources["sh_rate"] == "" {
		t.Errorf("JSON profile = %+v", p)
	}
	code, out, _ = runProfilesCmd(t, "", "--format", "json")
	var list []profile.Profile
	if err := json.Unmarshal([]byte(out), &list); code != exitOK || err != nil || len(list) != len(profile.List()) {
		t.Errorf("JSON list: exit %d, %v, %d profiles", code, err, len(list))
	}
}

func TestProfilesFileIsCheckedStrictly(t *testing.T) {
	good := `{"id":"acme","name":"Acme","effective":"2026-01-01","source":"contract","settings":{"suite_pos":{"value":"11","source":"contract s.4"}}}`
	code, out, errs := runProfilesCmd(t, good, "--profile-file", "-")
	if code != exitOK || !strings.Contains(lineWith(out, "suite_pos"), "contract s.4") {
		t.Errorf("exit %d, stderr %q, out:\n%s", code, errs, out)
	}
	bad := `{"id":"acme","name":"Acme","effective":"2026-01-01","source":"contract","settings":{"suite_pos":{"value":"11"}}}`
	code, _, errs = runProfilesCmd(t, bad, "--file", "-")
	if code != exitInput || !strings.Contains(errs, "settings.suite_pos.source") {
		t.Errorf("exit %d, stderr %q; want exit %d naming settings.suite_pos.source", code, errs, exitInput)
	}
}

func TestProfilesUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"bcbs-zz"}, {"nhia", "hmsa"}, {"--format", "xml"}, {"nhia", "--profile-file", "x.json"}} {
		if code, _, errs := runProfilesCmd(t, "", args...); code != exitInput || errs == "" {
			t.Errorf("profiles %v: exit %d, stderr %q; want exit %d with a message", args, code, errs, exitInput)
		}
	}
}

func lineWith(out, prefix string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, prefix+" ") {
			return l
		}
	}
	return ""
}

// TestProfilesJSONLoadsAsProfileFile: for every shipped profile, what
// "profiles ID --format json" prints is a profile file that code, claim and
// profiles take with --profile-file, coding exactly as --profile ID does.
func TestProfilesJSONLoadsAsProfileFile(t *testing.T) {
	dir := t.TempDir()
	for _, p := range profile.List() {
		code, out, errs := runProfilesCmd(t, "", p.ID, "--format", "json")
		if code != exitOK {
			t.Fatalf("profiles %s --format json: exit %d: %s", p.ID, code, errs)
		}
		file := filepath.Join(dir, p.ID+".json")
		if err := os.WriteFile(file, []byte(out), 0o600); err != nil {
			t.Fatal(err)
		}
		var byID, byFile bytes.Buffer
		c1 := run(&env{stdout: &byID, stderr: io.Discard}, []string{"code", "../../examples/episode.json", "--profile", p.ID})
		c2 := run(&env{stdout: &byFile, stderr: &byFile}, []string{"code", "../../examples/episode.json", "--profile-file", file})
		if c1 != exitOK || c2 != exitOK || byID.String() != byFile.String() {
			t.Errorf("%s: --profile exit %d, --profile-file exit %d; outputs differ:\n%s\n---\n%s", p.ID, c1, c2, byID.String(), byFile.String())
		}
		code, table, errs := runProfilesCmd(t, "", "--profile-file", file)
		_, want, _ := runProfilesCmd(t, "", p.ID)
		if code != exitOK || table != want {
			t.Errorf("profiles --profile-file %s: exit %d %s\n%s\nwant\n%s", file, code, errs, table, want)
		}
	}
}

func TestProfileFileMayNotReuseAShippedID(t *testing.T) {
	_, out, _ := runProfilesCmd(t, "", "hmsa", "--format", "json")
	changed := strings.Replace(out, `"value": "general"`, `"value": "specific"`, 1)
	if changed == out {
		t.Fatal("the hmsa JSON has no specificity general to change")
	}
	file := filepath.Join(t.TempDir(), "hmsa.json")
	if err := os.WriteFile(file, []byte(changed), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"code", "../../examples/episode.json", "--profile-file", file}, {"profiles", "--profile-file", file}} {
		var stdout, stderr bytes.Buffer
		code := run(&env{stdout: &stdout, stderr: &stderr}, args)
		if code != exitInput || stdout.Len() != 0 || !strings.Contains(stderr.String(), `id: "hmsa" is a shipped profile and this file changes its settings.specificity: give your own profile an id of its own`) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, stdout.String(), stderr.String())
		}
	}
}

func TestProfilesJSONWritesTextAsIs(t *testing.T) {
	p := `{"id":"acme","name":"Acme <East> & West","effective":"2026-01-01","source":"contract §4 > rider","settings":{}}`
	code, out, errs := runProfilesCmd(t, p, "--profile-file", "-", "--format", "json")
	if code != exitOK || !strings.Contains(out, `"name": "Acme <East> & West"`) || !strings.Contains(out, `"source": "contract §4 > rider"`) {
		t.Errorf("exit %d, stderr %q, out:\n%s", code, errs, out)
	}
}
