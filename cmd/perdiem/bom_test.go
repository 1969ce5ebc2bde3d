package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var byteOffset = regexp.MustCompile(`"offset":\d+`)

// TestEveryCommandAcceptsAByteOrderMark: each command that reads JSON or
// X12 gives the same result for a file saved with a UTF-8 byte order mark
// as for the file without one.
func TestEveryCommandAcceptsAByteOrderMark(t *testing.T) {
	fixedNow(t)
	dir := t.TempDir()
	tree := filepath.Join(dir, "tree.json")
	var treeOut bytes.Buffer
	if code := run(&env{stdout: &treeOut, stderr: os.Stderr}, []string{"read", "--tree", "../../testdata/x12/837p/synthetic__home-infusion-good.x12"}); code != exitOK {
		t.Fatal("read --tree failed")
	}
	profileFile := filepath.Join(dir, "acme.json")
	write := func(name string, data []byte) {
		if err := os.WriteFile(name, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(tree, treeOut.Bytes())
	write(profileFile, []byte(`{"id":"acme","name":"Acme","effective":"2026-01-01","source":"contract","settings":{"suite_pos":{"value":"11","source":"contract s.4"}}}`))
	claimDoc, _ := filepath.Abs("../../x12/x837p/testdata/home-infusion.json")

	tests := []struct {
		name string
		file string   // the input given a BOM
		args []string // FILE stands for the input
	}{
		{"code", "../../examples/episode.json", []string{"code", "FILE"}},
		{"code --format table", "../../examples/episode.json", []string{"code", "FILE", "--format", "table"}},
		{"code --jsonl", "../../examples/month.jsonl", []string{"code", "--jsonl", "FILE"}},
		{"code --profile-file", profileFile, []string{"code", "../../examples/episode.json", "--profile-file", "FILE"}},
		{"profiles --profile-file", profileFile, []string{"profiles", "--profile-file", "FILE"}},
		{"claim", claimDoc, []string{"claim", "FILE", "--control", "5", "--state", "STATE"}},
		{"claim --jsonl", "JSONL:" + claimDoc, []string{"claim", "--jsonl", "FILE", "--control", "5", "--state", "STATE"}},
		{"validate", "../../testdata/x12/837p/synthetic__home-infusion-good.x12", []string{"validate", "FILE"}},
		{"validate --format json", "../../testdata/x12/837p/synthetic__home-infusion-semantic-errors.x12", []string{"validate", "FILE", "--format", "json"}},
		{"read 837P", "../../testdata/x12/837p/moov__example_5010_837p.x12", []string{"read", "FILE"}},
		{"read --tree", "../../testdata/x12/837p/synthetic__home-infusion-good.x12", []string{"read", "--tree", "FILE"}},
		{"read 835", "../../testdata/x12/835/stupidedi__multiple-claims-single-check.edi", []string{"read", "FILE"}},
		{"read 999", "../../testdata/x12/999/stupidedi__response-to-3-837s.edi", []string{"read", "FILE"}},
		{"write", tree, []string{"write", "FILE"}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := tt.file
			var data []byte
			if after, ok := strings.CutPrefix(file, "JSONL:"); ok {
				doc, err := os.ReadFile(after)
				if err != nil {
					t.Fatal(err)
				}
				var compact bytes.Buffer
				for _, line := range strings.Split(string(doc), "\n") {
					compact.WriteString(strings.TrimSpace(line))
				}
				data = append(compact.Bytes(), '\n')
			} else {
				var err error
				if data, err = os.ReadFile(file); err != nil {
					t.Fatal(err)
				}
			}
			var outs [2]string
			var codes [2]int
			for j, prefix := range []string{"", "\uFEFF"} {
				in := filepath.Join(dir, strings.Repeat("b", j)+filepath.Base(file)+string(rune('a'+i)))
				write(in, append([]byte(prefix), data...))
				args := make([]string, len(tt.args))
				for k, a := range tt.args {
					switch a {
					case "FILE":
						a = in
					case "STATE":
						a = filepath.Join(dir, "state"+strings.Repeat("b", j)+string(rune('a'+i)))
					}
					args[k] = a
				}
				var stdout, stderr bytes.Buffer
				codes[j] = run(&env{stdout: &stdout, stderr: &stderr}, args)
				// Byte offsets count the BOM: they are the file's own.
				outs[j] = byteOffset.ReplaceAllString(strings.ReplaceAll(stdout.String(), in, "IN"), `"offset":N`)
				if codes[j] > exitFindings {
					t.Errorf("%v: exit %d: %s", args, codes[j], stderr.String())
				}
			}
			if codes[0] != codes[1] || outs[0] != outs[1] {
				t.Errorf("with a BOM: exit %d, want %d; output:\n%.400s\nwant:\n%.400s", codes[1], codes[0], outs[1], outs[0])
			}
		})
	}
}
