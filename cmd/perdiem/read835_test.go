package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRead835WritesWhatArrived: an 835 with a balance that does not hold is
// written whole with the finding in its remittance, exit 1; one that stops
// being X12 part way has the remittances before the break written, the one
// it cut marked incomplete, exit 1.
func TestRead835WritesWhatArrived(t *testing.T) {
	type out struct {
		Remittances []struct {
			Incomplete bool `json:"incomplete"`
			Findings   []struct {
				Kind    string `json:"kind"`
				Segment int    `json:"segment"`
				Element string `json:"element"`
			} `json:"findings"`
		} `json:"remittances"`
	}
	run835 := func(file string) (int, out, string) {
		var stdout, stderr bytes.Buffer
		code := run(&env{stdout: &stdout, stderr: &stderr}, []string{"read", file})
		var o out
		if err := json.Unmarshal(stdout.Bytes(), &o); err != nil {
			t.Fatalf("%s: %v\n%s", file, err, stderr.String())
		}
		return code, o, stderr.String()
	}

	code, o, _ := run835(samples835 + "moov__example_5010_835_sample1.x12")
	if code != exitFindings || len(o.Remittances) != 2 || len(o.Remittances[0].Findings) != 1 ||
		o.Remittances[0].Findings[0].Kind != "unbalanced" || o.Remittances[0].Findings[0].Element != "CLP04" {
		t.Errorf("moov: exit %d, %+v", code, o)
	}

	data, err := os.ReadFile(samples835 + "moov__example_5010_835_sample1.x12")
	if err != nil {
		t.Fatal(err)
	}
	// A malformed ISA after the second set's BPR: nothing to resynchronise at.
	second := bytes.Index(data, []byte("ST*835*0002"))
	at := second + bytes.Index(data[second:], []byte("TRN*"))
	cut := append(append(append([]byte{}, data[:at]...), "ISA*00*~\n"...), data[at:]...)
	file := filepath.Join(t.TempDir(), "cut.x12")
	if err := os.WriteFile(file, cut, 0o644); err != nil {
		t.Fatal(err)
	}
	code, o, stderr := run835(file)
	if code != exitFindings || len(o.Remittances) != 2 || o.Remittances[0].Incomplete || !o.Remittances[1].Incomplete ||
		!strings.Contains(stderr, "malformed ISA") || !strings.Contains(stderr, "the 2 remittances before it are written") {
		t.Errorf("cut: exit %d, %+v, stderr %q", code, o, stderr)
	}
}
