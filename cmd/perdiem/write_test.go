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

// segments returns every segment of an X12 file as written, trailing
// element separators included, for comparing two files segment by segment.
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
		out = append(out, string(s.Raw()))
	}
}

// roundTrip runs read --tree then write on in.
func roundTrip(t *testing.T, name, in string) (written string, ok bool) {
	t.Helper()
	code, tree, errs := runCmd(in, "read", "--tree", "-")
	if code != exitOK {
		t.Errorf("%s: read exit %d: %s", name, code, errs)
		return "", false
	}
	code, written, errs = runCmd(tree, "write", "-")
	if code != exitOK {
		t.Errorf("%s: write exit %d: %s", name, code, errs)
		return "", false
	}
	return written, true
}

// read --tree then write gives back every 837P and 835 sample segment for
// segment: invalid ones with segments out of place, trailing empty
// elements, and files of several interchanges.
func TestReadTreeWriteRoundTrip(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/x12/837p/*")
	more, _ := filepath.Glob("../../testdata/x12/835/*")
	inputs := map[string]string{}
	for _, f := range append(files, more...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := x12.ReadAll(x12.NewReader(bytes.NewReader(b)).Next); err != nil {
			continue // not readable X12: read refuses it (TestReadRefusesWhatIsNotX12)
		}
		inputs[filepath.Base(f)] = string(b)
	}
	if len(inputs) < 28 {
		t.Fatalf("only %d samples", len(inputs))
	}
	good := inputs["synthetic__home-infusion-good.x12"]
	inputs["two interchanges"] = good + strings.Replace(inputs["stupidedi__ambulance.edi"], "ISA*", "\nISA*", 1)
	inputs["trailing empty elements"] = strings.NewReplacer("REF*EI*361234567~", "REF*EI*361234567**~", "N3*100 MAIN STREET~", "N3*100 MAIN STREET*~",
		"SV1*HC:99601*300*UN*1***1~", "SV1*HC:99601*300*UN*1***1***~").Replace(good)
	inputs["segment out of place"] = strings.Replace(good, "LX*4~", "HI*ABK:M8610~LX*4~", 1)
	for name, in := range inputs {
		written, ok := roundTrip(t, name, in)
		if !ok {
			continue
		}
		a, b := segments(t, []byte(in)), segments(t, []byte(written))
		if strings.Join(a, "\n") != strings.Join(b, "\n") {
			for i := range min(len(a), len(b)) {
				if a[i] != b[i] {
					t.Errorf("%s: segment %d written as %q, read as %q", name, i+1, b[i], a[i])
					break
				}
			}
			if len(a) != len(b) {
				t.Errorf("%s: %d segments written, %d read", name, len(b), len(a))
			}
		}
	}
	if code, out, errs := runCmd(`{"type":"837P"}`, "write", "-"); code != exitInput || out != "" || !strings.Contains(errs, "interchanges") {
		t.Errorf("no interchange: exit %d %q %q", code, out, errs)
	}
}

// read --tree names what it cannot give a tree of.
func TestReadTreeRefusesA999(t *testing.T) {
	code, out, errs := runCmd("", "read", "--tree", "../../testdata/x12/999/imsweb__x12_999_accepted.x12")
	if code != exitInput || out != "" || !strings.Contains(errs, "this is a 999") || !strings.Contains(errs, "837P or an 835") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
}
