package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const samples835 = "../../testdata/x12/835/"

// TestValidateDispatchesOn835: an 835 is checked against X221A1, with its
// balances as business findings, and gets a 999 acknowledging HP/835.
func TestValidateDispatchesOn835(t *testing.T) {
	freshState(t)
	dir := t.TempDir()
	ack := filepath.Join(dir, "ack.999")
	code, out, errOut := runValidateCmd(t, "", samples835+"linuxforhealth__medicare-part-a.x12", "--999", ack, "--control", "5")
	if code != exitFindings {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{
		"structure 11 PER 1000A -: required segment PER missing in loop 1000A\n",
		"element 13 TS3 2000 TS309: element is not used in this loop (X221A1) but is present\n",
		"group 1 set 1234: rejected in a 999 (5 errors); 2 claims, 0 business findings\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	b, err := os.ReadFile(ack)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"AK1*HP*1*005010X221A1~", "AK2*835*1234~", "IK3*PER*9**3~", "IK5*R*5~", "AK9*R*1*1*0~"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("999 lacks %s:\n%s", want, b)
		}
	}

	code, out, _ = runValidateCmd(t, "", samples835+"moov__example_5010_835_sample1.x12")
	if code != exitFindings || !strings.Contains(out, "business 18 CLP 2100 CLP04: claim does not balance") ||
		!strings.Contains(out, "1 business findings (balancing: not carried in a 999)") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	if code, out, errOut := runValidateCmd(t, "", samples835+"pyx12__835_mult_loops.x12"); code != exitOK {
		t.Errorf("exit %d:\n%s%s", code, out, errOut)
	}
}

// TestValidateNamesWhatItCannotCheck: a 999 given to validate is named, not
// reported as dozens of 837P structure findings.
func TestValidateNamesWhatItCannotCheck(t *testing.T) {
	code, out, errOut := runValidateCmd(t, "", "../../testdata/x12/999/imsweb__x12_999_rejected.x12")
	if code != exitInput || out != "" || !strings.Contains(errOut, "this is a 999 (005010X231A1); validate checks 837P (005010X222A1) and 835 (005010X221A1)") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}
