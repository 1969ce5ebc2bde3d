package web

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
)

var update = flag.Bool("update", false, "rewrite rules.txt from docs/coding-standard.md")

func TestRulesMatchCodingStandard(t *testing.T) {
	doc, err := os.ReadFile("../docs/coding-standard.md")
	if err != nil {
		t.Fatal(err)
	}
	want := formatRules(parseRules(string(doc)))
	if *update {
		if err := os.WriteFile("rules.txt", []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if rulesTable != want {
		t.Fatalf("rules.txt is not what docs/coding-standard.md says: run go test ./web -run TestRulesMatchCodingStandard -update")
	}
	for _, id := range []string{"PD-1", "PD-7", "CS-11", "CC-5", "NU-5", "DR-5", "LN-5", "MC-1", "BI-2"} {
		if _, ok := rules[id]; !ok {
			t.Errorf("rule %s not read from the standard", id)
		}
	}
	if got := rules["PD-4"].Sentence; got != "Days inside a hold (inpatient admission, therapy paused with no access) are not per diem days." {
		t.Errorf("PD-4 sentence %q", got)
	}
	if got := rules["IN-1"].Sentence; !regexp.MustCompile(`^Included: .* billing\)\.$`).MatchString(got) {
		t.Errorf("IN-1 sentence %q: an e.g. must not end it", got)
	}
}

// Every rule ID the engine can cite (in a line's reasons, a warning or a
// day of the calendar) has its sentence to show.
func TestEveryCitedRuleHasASentence(t *testing.T) {
	cited := regexp.MustCompile(`"([A-Z]{2}-[0-9]+)[":]`)
	var files []string
	for _, dir := range []string{"../coding", "../codeset", "../profile"} {
		m, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
		data, _ := filepath.Glob(filepath.Join(dir, "data", "*"))
		files = append(files, data...)
	}
	var ids []string
	for _, f := range files {
		if filepath.Ext(f) == ".go" && regexp.MustCompile(`_test\.go$`).MatchString(f) {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range cited.FindAllStringSubmatch(string(b), -1) {
			if !slices.Contains(ids, m[1]) {
				ids = append(ids, m[1])
			}
		}
	}
	if len(ids) < 30 {
		t.Fatalf("found only %d cited rule IDs (%v): the scan is broken", len(ids), ids)
	}
	for _, id := range ids {
		if r, ok := rules[id]; !ok || r.Sentence == "" {
			t.Errorf("the engine cites %s, which has no sentence in the table", id)
		}
	}
}
