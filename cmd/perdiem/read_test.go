package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestReadEachKind(t *testing.T) {
	for _, c := range []struct {
		file, kind, body string
		count            int
		args             []string
	}{
		{"837p/synthetic__home-infusion-good.x12", "837P", "claims", 1, nil},
		{"837p/moov__example_5010_837p.x12", "837P", "claims", 8, nil},
		{"837p/synthetic__home-infusion-good.x12", "837P", "interchanges", 1, []string{"--tree"}},
		{"835/stupidedi__multiple-claims-single-check.edi", "835", "interchanges", 1, []string{"--tree"}},
		{"835/stupidedi__multiple-claims-single-check.edi", "835", "remittances", 1, nil},
		{"999/stupidedi__response-to-3-837s.edi", "999", "acknowledgments", 1, nil},
	} {
		var stdout, stderr bytes.Buffer
		args := append([]string{"read", "../../testdata/x12/" + c.file}, c.args...)
		if code := run(&env{stdout: &stdout, stderr: &stderr}, args); code != exitOK {
			t.Errorf("%s: exit %d: %s", c.file, code, stderr.String())
			continue
		}
		var out map[string]json.RawMessage
		if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		var kind string
		json.Unmarshal(out["type"], &kind)
		if kind != c.kind {
			t.Errorf("%s: type %q, want %q", c.file, kind, c.kind)
		}
		if c.count < 0 {
			if len(out[c.body]) == 0 {
				t.Errorf("%s: no %s", c.file, c.body)
			}
			continue
		}
		var items []json.RawMessage
		if err := json.Unmarshal(out[c.body], &items); err != nil || len(items) != c.count {
			t.Errorf("%s: %d %s (%v), want %d", c.file, len(items), c.body, err, c.count)
		}
	}
}

func TestReadRefusesWhatIsNotX12(t *testing.T) {
	for _, file := range []string{"../../examples/episode.json", "../../testdata/x12/835/x12org-via-tmc__005010x221-example-5a.edi"} {
		var stdout, stderr bytes.Buffer
		code := run(&env{stdout: &stdout, stderr: &stderr}, []string{"read", file})
		if code != exitInput || stdout.Len() != 0 || !strings.Contains(stderr.String(), "byte 0") {
			t.Errorf("%s: exit %d, stdout %d bytes, stderr %q; want exit 2 with the position", file, code, stdout.Len(), stderr.String())
		}
	}
}
