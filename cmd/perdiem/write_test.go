package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/x12"
)

// segments returns every segment of an X12 file as text with the file's
// own delimiters, for comparing two files segment by segment.
func segments(t *testing.T, data []byte) []string {
	t.Helper()
	r := x12.NewReader(bytes.NewReader(data))
	var out []string
	for {
		s, err := r.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, strings.TrimRight(string(s.Raw()), string(r.Delimiters().Element)))
	}
}

// read --tree then write gives back the same segments for every 837P sample
// that pyx12 calls valid.
func TestReadTreeWriteRoundTrip(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/x12/837p/*")
	n := 0
	for _, f := range files {
		base := filepath.Base(f)
		if strings.HasPrefix(base, "imsweb") || strings.Contains(base, "broken") || strings.Contains(base, "oxygen") || strings.Contains(base, "wheelchair") {
			continue // invalid samples: out-of-place segments may move
		}
		n++
		code, tree, errs := runCmd("", "read", "--tree", f)
		if code != exitOK {
			t.Errorf("%s: read exit %d: %s", base, code, errs)
			continue
		}
		code, written, errs := runCmd(tree, "write", "-")
		if code != exitOK {
			t.Errorf("%s: write exit %d: %s", base, code, errs)
			continue
		}
		orig, _ := os.ReadFile(f)
		a, b := segments(t, orig), segments(t, []byte(written))
		if strings.Join(a, "\n") != strings.Join(b, "\n") {
			t.Errorf("%s: written file differs from the original (%d vs %d segments)", base, len(b), len(a))
		}
	}
	if n < 17 {
		t.Errorf("only %d valid samples round-tripped", n)
	}
	if code, out, errs := runCmd(`{"type":"837"}`, "write", "-"); code != exitInput || out != "" || !strings.Contains(errs, "interchange") {
		t.Errorf("no interchange: exit %d %q %q", code, out, errs)
	}
}
