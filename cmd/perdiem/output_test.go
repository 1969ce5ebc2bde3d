package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// TestJSONOutputKeepsTextAsWritten: no command's JSON writes > as \u003e
// (nor < or &): the reasons say "every 8 hours -> S9502".
func TestJSONOutputKeepsTextAsWritten(t *testing.T) {
	jsonl, err := os.ReadFile("../../examples/month.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	bad := `{"therapies":[{"id":"a","type":"<pain>","start":"2026-03-02"}]}` + "\n"
	for _, tt := range []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{"code", "", []string{"code", "../../examples/episode.json"}, "every 8 hours -> S9502"},
		{"code --jsonl", string(jsonl), []string{"code", "--jsonl", "-"}, " -> S95"},
		{"code --jsonl errors", bad, []string{"code", "--jsonl", "-"}, `type \"<pain>\"`},
	} {
		var stdout, stderr bytes.Buffer
		run(&env{stdin: strings.NewReader(tt.stdin), stdout: &stdout, stderr: &stderr}, tt.args)
		out := stdout.String()
		if !strings.Contains(out, tt.want) || strings.Contains(out, `\u003`) || strings.Contains(out, `\u0026`) {
			t.Errorf("%s: output lacks %q or escapes <, > or &:\n%.600s", tt.name, tt.want, out)
		}
	}
}
