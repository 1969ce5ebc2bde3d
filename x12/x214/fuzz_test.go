package x214

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/perdiem/perdiem/x12"
)

// FuzzRead checks that Read never panics, fails only with a positioned
// syntax error, positions every finding, gives every claim a verdict, and
// that what it reads can be written as JSON. The seeds are the samples in
// testdata and the corpus in testdata/fuzz/FuzzRead.
func FuzzRead(f *testing.F) {
	files, err := filepath.Glob("testdata/*.[ex][d1][i2]")
	if err != nil || len(files) < 7 {
		f.Fatalf("samples: %v %v", files, err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(threeAcks(goodBody)))
	f.Fuzz(func(t *testing.T, data []byte) {
		acks, outside, err := Read(bytes.NewReader(data))
		if err != nil {
			var se *x12.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %v has no position", err)
			}
		}
		all := outside
		for _, a := range acks {
			if a.Sources == nil {
				t.Fatal("acknowledgment without a sources list")
			}
			all = append(all, a.Findings...)
			for _, c := range a.Claims() {
				switch c.Verdict {
				case Accepted, Rejected, NotFound, Received, Unknown:
				default:
					t.Fatalf("claim %q has verdict %q", c.ClaimID, c.Verdict)
				}
				if c.Accepted != (c.Verdict == Accepted) {
					t.Fatalf("claim %q: accepted %v, verdict %s", c.ClaimID, c.Accepted, c.Verdict)
				}
			}
			if _, err := json.Marshal(a); err != nil {
				t.Fatal(err)
			}
		}
		for _, e := range all {
			if e.Pos.Segment < 1 || e.Pos.Line < 1 || e.Pos.Offset < 0 || e.Err == nil {
				t.Fatalf("finding %v is not positioned", e)
			}
		}
	})
}
