package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/x12/x214"
)

// claims837 is an 837P of one subscriber with the claims given, each the
// home infusion sample's claim under its own CLM01, changed by its edits
// (old → new pairs), every line with a REF*6R of the claim's id and line
// number.
func claims837(t *testing.T, claims map[string][]string, order ...string) string {
	t.Helper()
	data, err := os.ReadFile("../../testdata/x12/837p/synthetic__home-infusion-good.x12")
	if err != nil {
		t.Fatal(err)
	}
	s := strings.ReplaceAll(strings.ReplaceAll(string(data), "\r", ""), "\n", "")
	head, rest, _ := strings.Cut(s, "CLM*HIT20260101A*")
	body, tail, _ := strings.Cut(rest, "SE*42*0001~")
	var out strings.Builder
	out.WriteString(head)
	for _, id := range order {
		c := "CLM*" + id + "*" + body
		lines := strings.Split(c, "LX*")
		for i := 1; i < len(lines); i++ {
			segs := strings.Split(lines[i], "~")
			// after the line's DTP*472: SV1 is segs[1], DTP segs[2]
			segs = append(segs[:3], append([]string{fmt.Sprintf("REF*6R*%s-%d", id, i)}, segs[3:]...)...)
			lines[i] = strings.Join(segs, "~")
		}
		c = strings.Join(lines, "LX*")
		for _, e := range claims[id] {
			old, new, _ := strings.Cut(e, " → ")
			if !strings.Contains(c, old) {
				t.Fatalf("claim %s: %q not found", id, old)
			}
			c = strings.Replace(c, old, new, 1)
		}
		out.WriteString(c)
	}
	n := strings.Count(out.String()[strings.Index(out.String(), "ST*837"):], "~") + 1
	out.WriteString(fmt.Sprintf("SE*%d*0001~", n))
	out.WriteString(tail)
	return out.String()
}

// TestValidate277CA: validate --277ca answers an 837P of three claims: the
// good one accepted with a payer claim control number, one out of balance
// and with a bad NDC on a line rejected with A7:400 and a 2220D for the
// line, one with a bad rendering NPI rejected with A7:562:82. The 277CA is
// read back with the 277CA reader.
func TestValidate277CA(t *testing.T) {
	in := claims837(t, map[string][]string{
		"GOOD1": nil,
		"BAL2":  {"*2470***12:B:1 → *2471***12:B:1", "LIN**N4*00004196501 → LIN**N4*0004196501"},
		"NPI3":  {"XX*1987654328 → XX*1987654321"},
	}, "GOOD1", "BAL2", "NPI3")
	dir := t.TempDir()
	file := filepath.Join(dir, "in.x12")
	if err := os.WriteFile(file, []byte(in), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PERDIEM_STATE", filepath.Join(dir, "state"))
	out := filepath.Join(dir, "277ca.x12")
	code, stdout, stderr := runCmd("", "validate", file, "--277ca", out)
	if code != exitFindings || !strings.Contains(stderr, "1 claims accepted, 2 rejected") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	acks, outside, err := x214.Read(f)
	if err != nil || len(outside) > 0 || len(acks) != 1 || len(acks[0].Findings) > 0 {
		t.Fatalf("reading the 277CA back: %v %v %d acks %v", err, outside, len(acks), acks[0].Findings)
	}
	a := acks[0]
	if a.InterchangeControlNumber != "000000001" || a.Sources[0].Receivers[0].Batch != "HIT000001" {
		t.Errorf("envelope %s, batch %s", a.InterchangeControlNumber, a.Sources[0].Receivers[0].Batch)
	}
	got := map[string]string{}
	for _, c := range a.Claims() {
		var codes []string
		for _, sc := range c.Codes {
			codes = append(codes, strings.TrimRight(sc.Category+":"+sc.Code+":"+sc.Entity, ":"))
		}
		got[c.ClaimID] = fmt.Sprintf("%s %s %s %s", c.Verdict, strings.Join(codes, " "), c.PayerClaimControlNumber, strings.Join(c.LineControlNumbers, ","))
	}
	want := map[string]string{
		"GOOD1": "accepted A2:20 000000001000001 ",
		"BAL2":  "rejected A7:400 A7:218  BAL2-2",
		"NPI3":  "rejected A7:562:82  ",
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: %q, want %q", id, got[id], w)
		}
	}
	if code, stdout, stderr := runCmd("", "read", out); code != exitOK || !strings.Contains(stdout, `"type": "277CA"`) || !strings.Contains(stdout, `"claim_id": "NPI3"`) {
		t.Errorf("perdiem read of the 277CA: exit %d, %s", code, stderr)
	}
	rc := a.Sources[0].Receivers[0]
	if *rc.AcceptedClaims != 1 || *rc.RejectedClaims != 2 || rc.AcceptedAmount.String() != "2470.00" || rc.RejectedAmount.String() != "4941.00" {
		t.Errorf("batch counts %+v", rc.Counts)
	}
}

// TestValidate277CAControlNumbers: the 277CA takes its interchange control
// number from the state file the 999 takes its own from, after it, and a
// second run takes the next: none is reused. From standard input the 837P
// is read twice all the same.
func TestValidate277CAControlNumbers(t *testing.T) {
	in := claims837(t, map[string][]string{"A1": nil}, "A1")
	dir := t.TempDir()
	t.Setenv("PERDIEM_STATE", filepath.Join(dir, "state"))
	isa13 := func(path string) string {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Split(string(data), "*")[13]
	}
	var seen []string
	for run := 0; run < 2; run++ {
		ack, ca := filepath.Join(dir, fmt.Sprint("999-", run)), filepath.Join(dir, fmt.Sprint("277-", run))
		code, _, stderr := runCmd(in, "validate", "-", "--999", ack, "--277ca", ca)
		if code != exitOK || !strings.Contains(stderr, "1 claims accepted, 0 rejected") {
			t.Fatalf("run %d: exit %d, %s", run, code, stderr)
		}
		seen = append(seen, isa13(ack), isa13(ca))
	}
	if strings.Join(seen, " ") != "000000001 000000002 000000003 000000004" {
		t.Errorf("control numbers %v", seen)
	}
}

// TestValidate277CARefusals: --277ca answers an 837P, not an 835; an 837P
// whose only set the 999 rejects gets no 277CA file, and says so.
func TestValidate277CARefusals(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PERDIEM_STATE", filepath.Join(dir, "state"))
	out := filepath.Join(dir, "277")
	code, _, stderr := runCmd("", "validate", samples835+"stupidedi__era-sample.edi", "--277ca", out)
	if code != exitInput || !strings.Contains(stderr, "--277ca acknowledges the claims of an 837P") {
		t.Errorf("835: exit %d, %s", code, stderr)
	}
	code, _, stderr = runCmd("", "validate", "../../testdata/x12/837p/synthetic__home-infusion-broken.x12", "--277ca", out)
	if _, err := os.Stat(out); code != exitFindings || err == nil || !strings.Contains(stderr, "no 277CA written") {
		t.Errorf("rejected set: exit %d, file %v, %s", code, err, stderr)
	}
}

// TestValidate277CARefusesCutFindings: an accepted set whose findings were
// cut at the report's limit is not answered, since a claim whose finding was
// cut would be accepted wrongly; a rejected one does not matter.
func TestValidate277CARefusesCutFindings(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PERDIEM_STATE", filepath.Join(dir, "state"))
	out := filepath.Join(dir, "277")
	ca := newCASink()
	ca.sets[1] = &x214.SetVerdict{Control: "0001", Accepted: false}
	ca.short[1] = true
	sum, err := write277CA(&env{stderr: io.Discard}, ca, strings.NewReader(""), out, "in.x12", "")
	if err != nil || sum.sets != 0 {
		t.Fatalf("a rejected set cut short: %v %+v", err, sum)
	}
	ca.sets[2] = &x214.SetVerdict{Control: "0002", Accepted: true}
	ca.short[2] = true
	_, err = write277CA(&env{stderr: io.Discard}, ca, strings.NewReader(""), out, "in.x12", "")
	if _, statErr := os.Stat(out); err == nil || !strings.Contains(err.Error(), "transaction set 0002 has more findings than a report keeps") || statErr == nil {
		t.Errorf("%v; file: %v", err, statErr)
	}
}
