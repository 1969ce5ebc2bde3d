package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// acceptanceCase is one scenario of testdata/acceptance/cases, judged as
// testdata/acceptance/README.md says, against the perdiem code command.
type acceptanceCase struct {
	Name   string          `json:"name"`
	Rules  []string        `json:"rules"`
	Input  json.RawMessage `json:"input"`
	Expect struct {
		Lines        []map[string]any `json:"lines"`
		AbsentCodes  []string         `json:"absent_codes"`
		WarningRules []string         `json:"warning_rules"`
		Error        bool             `json:"error"`
	} `json:"expect"`
}

func TestAcceptance(t *testing.T) {
	dirs := []string{"../../testdata/acceptance/cases", "testdata/acceptance"}
	n := 0
	for _, dir := range dirs {
		files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
		for _, file := range files {
			n++
			file := file
			t.Run(strings.TrimSuffix(filepath.Base(file), ".json"), func(t *testing.T) { runAcceptance(t, file) })
		}
	}
	if n < 16 {
		t.Fatalf("found %d acceptance cases, want at least the 16 shared ones", n)
	}
}

func runAcceptance(t *testing.T, file string) {
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var c acceptanceCase
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	in := filepath.Join(t.TempDir(), "episode.json")
	if err := os.WriteFile(in, c.Input, 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run(&env{stdout: &stdout, stderr: &stderr}, []string{"code", in})
	if c.Expect.Error {
		if code != exitInput || stdout.Len() != 0 || stderr.Len() == 0 {
			t.Fatalf("want exit 2, an error on stderr and no output; got exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
		}
		return
	}
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var out struct {
		Lines    []map[string]any        `json:"lines"`
		Warnings []struct{ Rule string } `json:"warnings"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, stdout.String())
	}
	if c.Expect.Lines != nil {
		got := reduceLines(out.Lines)
		want := reduceLines(c.Expect.Lines)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("lines differ\n got: %s\nwant: %s", strings.Join(got, "\n      "), strings.Join(want, "\n      "))
		}
		checkExtraKeys(t, c.Expect.Lines, out.Lines)
	}
	for _, code := range c.Expect.AbsentCodes {
		for _, l := range out.Lines {
			if l["code"] == code {
				t.Errorf("code %s must be absent, got line %v", code, l)
			}
		}
	}
	for _, rule := range c.Expect.WarningRules {
		found := false
		for _, w := range out.Warnings {
			if strings.HasPrefix(w.Rule, rule) {
				found = true
			}
		}
		if !found {
			t.Errorf("no warning for rule %s in %+v", rule, out.Warnings)
		}
	}
}

// reduceLines is the multiset of (code, sorted modifiers, from, to, units).
func reduceLines(ls []map[string]any) []string {
	out := make([]string, 0, len(ls))
	for _, l := range ls {
		var mods []string
		for _, m := range l["modifiers"].([]any) {
			mods = append(mods, m.(string))
		}
		sort.Strings(mods)
		b, _ := json.Marshal([]any{l["code"], mods, l["from"], l["to"], l["units"]})
		out = append(out, string(b))
	}
	sort.Strings(out)
	return out
}

// checkExtraKeys: any other key in an expected line (ndc, pos, …) must match
// the output line with the same reduced form.
func checkExtraKeys(t *testing.T, want, got []map[string]any) {
	t.Helper()
	for _, w := range want {
		key := reduceLines([]map[string]any{w})[0]
		matched := false
		for _, g := range got {
			if reduceLines([]map[string]any{g})[0] != key {
				continue
			}
			ok := true
			for k, v := range w {
				switch k {
				case "code", "modifiers", "from", "to", "units":
					continue
				}
				if g[k] != v {
					ok = false
				}
			}
			if ok {
				matched = true
			}
		}
		if !matched {
			t.Errorf("no output line matches every key of %v", w)
		}
	}
}
