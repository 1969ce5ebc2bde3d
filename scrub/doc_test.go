package scrub

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the edit table of docs/scrub.md")

const (
	tableStart = "<!-- edits: generated from the edit table by go test ./scrub -update -->\n"
	tableEnd   = "<!-- end of edits -->\n"
)

// editTable writes the edit table as docs/scrub.md lists it.
func editTable() string {
	var b strings.Builder
	b.WriteString("| edit | severity | catches | rule | profile setting | needs | in force | source |\n")
	b.WriteString("| --- | --- | --- | --- | --- | --- | --- | --- |\n")
	for _, e := range Edits() {
		dates := "from " + e.Effective.String()
		if e.Terminated != 0 {
			dates += " to " + e.Terminated.String()
		}
		setting := e.Setting
		if setting != "" {
			setting = "`" + setting + "`"
		}
		needs := "the claim"
		if e.Needs == NeedsFacts {
			needs = "the episode"
		}
		b.WriteString("| " + strings.Join([]string{e.ID, e.Severity.String(), e.Title, e.Rule, setting, needs, dates, e.Source}, " | ") + " |\n")
	}
	return b.String()
}

// docs/scrub.md lists every edit of the table as it is.
func TestDocListsTheEdits(t *testing.T) {
	const path = "../docs/scrub.md"
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	i, j := strings.Index(doc, tableStart), strings.Index(doc, tableEnd)
	if i < 0 || j < i {
		t.Fatalf("%s: no generated edit table between %q and %q", path, tableStart, tableEnd)
	}
	want := doc[:i+len(tableStart)] + editTable() + doc[j:]
	if want == doc {
		return
	}
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s: the edit table differs from the edits; run go test ./scrub -run TestDocListsTheEdits -update", path)
}

// Every edit has an ID in order, a rule of coding-standard.md and a source.
func TestEditTable(t *testing.T) {
	std, err := os.ReadFile("../docs/coding-standard.md")
	if err != nil {
		t.Fatal(err)
	}
	profiles, err := os.ReadFile("../docs/profiles.md")
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range Edits() {
		if want := "SC-" + itoa(i+1); e.ID != want {
			t.Errorf("edit %d has ID %s, want %s", i, e.ID, want)
		}
		if !strings.Contains(string(std), "**"+e.Rule+"**") {
			t.Errorf("%s: rule %q is not a rule of docs/coding-standard.md", e.ID, e.Rule)
		}
		if e.Setting != "" && !strings.Contains(string(profiles), "`"+e.Setting+"`") {
			t.Errorf("%s: setting %q is not in docs/profiles.md", e.ID, e.Setting)
		}
		if e.Title == "" || e.Source == "" || e.Effective == 0 || (e.check == nil) == (e.batch == nil) {
			t.Errorf("%s: want a title, a source, a first day and one check", e.ID)
		}
	}
}

func itoa(n int) string { return num(float64(n)) }
