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
	good837, err := os.ReadFile("../../testdata/x12/837p/synthetic__home-infusion-good.x12")
	if err != nil {
		t.Fatal(err)
	}
	amp := strings.Replace(string(good837), "N4*SPRINGFIELD*IL*627010000", "N4*SPRINGFIELD*I&*627010000", 1)
	if amp == string(good837) {
		t.Fatal("the sample has no billing provider N4 to change")
	}
	for _, tt := range []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{"code", "", []string{"code", "../../examples/episode.json"}, "every 8 hours -> S9502"},
		{"code --jsonl", string(jsonl), []string{"code", "--jsonl", "-"}, " -> S95"},
		{"code --jsonl errors", bad, []string{"code", "--jsonl", "-"}, `type \"<pain>\"`},
		{"validate --format json", amp, []string{"validate", "-", "--format", "json"}, `\"I&\" is not a US state`},
		{"read 835", "", []string{"read", "../../testdata/x12/835/linuxforhealth__secondary-payment.x12"}, `procedure \"HC>12345>26\"`},
		{"profiles", "", []string{"profiles", "--format", "json"}, `"source": "bcbstx.com`},
	} {
		var stdout, stderr bytes.Buffer
		run(&env{stdin: strings.NewReader(tt.stdin), stdout: &stdout, stderr: &stderr}, tt.args)
		out := stdout.String()
		if !strings.Contains(out, tt.want) || strings.Contains(out, `\u003`) || strings.Contains(out, `\u0026`) {
			t.Errorf("%s: output lacks %q or escapes <, > or &:\n%.600s", tt.name, tt.want, out)
		}
	}
}

// TestMessagesShowCharactersAsWritten: a name the 837P cannot carry is
// quoted with its own characters (É, not the Ã of its first byte), and a
// name that is not UTF-8 at all is refused at its path.
func TestMessagesShowCharactersAsWritten(t *testing.T) {
	doc, err := os.ReadFile(claimDoc1)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, last, want string
	}{
		{"accented", "DOÉ", `claim.subscriber.last: "DOÉ" contains 'É'; use the X12 basic character set`},
		{"Latin-1", "DO\xc9", `claim.subscriber.last: byte `},
	} {
		in := strings.Replace(string(doc), `"last": "DOE"`, `"last": "`+tt.last+`"`, 1)
		var stdout, stderr bytes.Buffer
		code := run(&env{stdin: strings.NewReader(in), stdout: &stdout, stderr: &stderr}, []string{"claim", "-", "--control", "7", "--out", t.TempDir() + "/out.x12"})
		if code != exitInput || !strings.Contains(stderr.String(), tt.want) || strings.Contains(stderr.String(), "Ã") {
			t.Errorf("%s: exit %d, stderr:\n%s\nwant exit %d and %q", tt.name, code, stderr.String(), exitInput, tt.want)
		}
	}
}

// TestWriteErrorsInWords: a tree that is not what read --tree writes is
// refused at its field path, in words, not in Go's types.
func TestWriteErrorsInWords(t *testing.T) {
	for doc, want := range map[string]string{
		`{"type":"837","interchanges":[{"isa":5}]}`:               "-: interchanges[0].isa: want an array, got a number",
		`{"type":"837","interchange":{"segments":"x"}}`:           `-: interchange.segments: unknown field "segments": want one of delimiters, groups, iea, isa`,
		`{"type":"837","interchanges":[{"groups":[{"gs":"x"}]}]}`: "-: interchanges[0].groups[0].gs: want an array, got a string",
	} {
		var stdout, stderr bytes.Buffer
		code := run(&env{stdin: strings.NewReader(doc), stdout: &stdout, stderr: &stderr}, []string{"write", "-"})
		if code != exitInput || stdout.Len() != 0 || !strings.Contains(stderr.String(), want) || strings.Contains(stderr.String(), "Go struct") || strings.Contains(stderr.String(), "json:") {
			t.Errorf("%s: exit %d, stderr %q, want exit %d with %q", doc, code, stderr.String(), exitInput, want)
		}
	}
}
