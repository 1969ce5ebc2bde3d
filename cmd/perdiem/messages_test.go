package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func TestShortText(t *testing.T) {
	long := strings.Repeat("é", 100)
	for in, want := range map[string]string{
		`unknown type "abc": want one of x`:              `unknown type "abc": want one of x`,
		`unknown type "` + long + `": want one of x`:     `unknown type "` + strings.Repeat("é", 40) + `…" (100 characters): want one of x`,
		`a "\"quoted\" value" and an unclosed " quote`:   `a "\"quoted\" value" and an unclosed " quote`,
		`"` + strings.Repeat("a", 41) + `" fits exactly`: `"` + strings.Repeat("a", 41) + `" fits exactly`,
	} {
		got := shortText(in)
		if got != want {
			t.Errorf("shortText(%.60q) = %q, want %q", in, got, want)
		}
		if again := shortText(got); again != got {
			t.Errorf("shortText is not idempotent: %q then %q", got, again)
		}
	}
	if p := shortPath("claim." + strings.Repeat("k", 1000) + ".x"); p != "claim."+strings.Repeat("k", 40)+"….x" {
		t.Errorf("shortPath = %q", p)
	}
}

// Messages quote a few dozen characters of a value, however long it is,
// on standard error and in a JSONL error record.
func TestMessagesAreBounded(t *testing.T) {
	raw, err := os.ReadFile("../../examples/episode.json")
	if err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("x", 100000)
	for name, edit := range map[string]func(map[string]any){
		"therapy type": func(d map[string]any) { d["therapies"].([]any)[0].(map[string]any)["type"] = big },
		"date":         func(d map[string]any) { d["therapies"].([]any)[0].(map[string]any)["start"] = big },
		"profile":      func(d map[string]any) { d["profile"] = big },
		"unknown key":  func(d map[string]any) { d[big] = 1 },
	} {
		var doc map[string]any
		json.Unmarshal(raw, &doc)
		edit(doc)
		line, _ := json.Marshal(doc)
		for _, args := range [][]string{{"code", "-"}, {"code", "--jsonl", "-"}, {"claim", "-"}} {
			code, stdout, stderr := runCmd(string(line), args...)
			if code != exitInput || len(stderr) > 2000 || len(stdout) > 2000 || !strings.Contains(stderr, "(100000 characters)") {
				t.Errorf("%s, %v: exit %d, %d bytes out, stderr %d bytes: %.300s", name, args, code, len(stdout), len(stderr), stderr)
			}
		}
	}
}
