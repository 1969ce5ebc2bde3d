package x222_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/x12"
	"github.com/perdiem/perdiem/x12/x222"
	"github.com/perdiem/perdiem/x12/x999"
)

const goodSample = "../../testdata/x12/837p/synthetic__home-infusion-good.x12"

// ack999 validates src and returns its first group's 999 as one line of
// segments, with the report.
func ack999(t *testing.T, src []byte) (string, *x222.Report) {
	t.Helper()
	rep, err := x222.Validate(bytes.NewReader(src), x222.Options{Codes: codeset.Default()})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	env := x999.Envelope{SenderQualifier: "ZZ", SenderID: "PAYERRCVR", ReceiverQualifier: "ZZ", ReceiverID: "HITSUBMIT",
		Control: 7, Date: "20260115", Time: "1300", Usage: "T"}
	if err := x999.Write(&buf, x999.FromReport(rep, 0), env); err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(buf.String(), "\n", ""), rep
}

// replaced is the good sample with each old text replaced once.
func replaced(t *testing.T, pairs ...string) []byte {
	t.Helper()
	src, err := os.ReadFile(goodSample)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(pairs); i += 2 {
		if !bytes.Contains(src, []byte(pairs[i])) {
			t.Fatalf("sample has no %q", pairs[i])
		}
		src = bytes.Replace(src, []byte(pairs[i]), []byte(pairs[i+1]), 1)
	}
	return src
}

// TestSyntaxIn999: what the tokenizer cannot read, or reads but X12 does
// not allow, rejects the set with the IK3 code a front end gives it, and
// the rest of the file is still checked: the defect planted after it is
// found, and SE, GE and IEA are not reported missing.
func TestSyntaxIn999(t *testing.T) {
	// The defect after the syntax error: CTP05 unit XX (IK3 CTP, IK4 5-1 code 7).
	const later = "IK3*CTP*"
	cases := []struct {
		name  string
		pairs []string
		want  string
	}{
		{"bad segment ID", []string{"N3*200 OAK AVENUE~", "N@3*200 OAK AVENUE~"}, "IK3*N@3*15**1~"},
		{"lower-case segment ID", []string{"DMG*D8*19600101*F~", "dmg*D8*19600101*F~"}, "IK3*dmg*17**1~"},
		{"space before a segment ID", []string{"NTE*ADD*", "  NTE*ADD*"}, "IK3*NTE*21**1~"},
		{"trailing element separator", []string{"NM1*82*1*NURSE*NANCY****XX*1987654328~", "NM1*82*1*NURSE*NANCY****XX*1987654328*~"}, "IK3*NM1*23**8~"},
		{"trailing component separator", []string{"SV1*HC:99601*300", "SV1*HC:99601:*300"}, "IK3*SV1*40**8~"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := replaced(t, append(c.pairs, "CTP****7*UN~", "CTP****7*XX~")...)
			out, rep := ack999(t, src)
			for _, want := range []string{c.want, later, "IK5*R*5~", "AK9*R*1*1*0~"} {
				if !strings.Contains(out, want) {
					t.Errorf("999 lacks %q:\n%s", want, strings.ReplaceAll(out, "~", "~\n"))
				}
			}
			for _, f := range rep.Findings {
				if f.Level == x222.LevelEnvelope {
					t.Errorf("envelope finding after resynchronising: %v", f)
				}
			}
		})
	}
}

// TestSkippedLastSegmentNamesPrevious: when the input ends right after a
// segment the tokenizer skipped, the "SE missing" and other envelope
// findings stand at the last good segment (N3, segment 11) and carry its
// ID, not the skipped segment's, with one worker or several.
func TestSkippedLastSegmentNamesPrevious(t *testing.T) {
	src, err := os.ReadFile(goodSample)
	if err != nil {
		t.Fatal(err)
	}
	cut := bytes.Index(src, []byte("N4*SPRINGFIELD*IL*627010000~"))
	if cut < 0 {
		t.Fatal("sample has no N4 of 2010AA")
	}
	in := append(src[:cut:cut], "REF"+strings.Repeat("*", x12.MaxElements+1)+"~\n"...)
	for _, workers := range []int{1, 2} {
		rep, err := x222.Validate(bytes.NewReader(in), x222.Options{Codes: codeset.Default(), Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, f := range rep.Findings {
			if f.Level != x222.LevelEnvelope {
				continue
			}
			n++
			if f.Segment != 11 || f.SegmentID != "N3" {
				t.Errorf("workers %d: %s at segment %d %s, want segment 11 N3", workers, f.Message, f.Segment, f.SegmentID)
			}
		}
		if n != 3 {
			t.Errorf("workers %d: %d envelope findings, want 3 (SE, GE, IEA missing)", workers, n)
		}
	}
}

// TestPaddedSegmentClaimContext: a finding at a segment inside a claim
// names that claim in the 999 (CTX CLM01), and one at the HL that opens
// the next subscriber's loop names none, as that HL ends the claim before
// it: in a file with a space before every segment, the IK3 for HL carries
// no CTX and the one for the claim's HI carries its CLM01.
func TestPaddedSegmentClaimContext(t *testing.T) {
	src, err := os.ReadFile("../../testdata/x12/837p/moov__example_5010_837p.x12")
	if err != nil {
		t.Fatal(err)
	}
	out, _ := ack999(t, bytes.ReplaceAll(src, []byte("~"), []byte("~ ")))
	var hl, hi int
	segs := strings.Split(out, "~")
	for i, s := range segs {
		next := ""
		if i+1 < len(segs) {
			next = segs[i+1]
		}
		switch {
		case strings.HasPrefix(s, "IK3*HL*") && s != "IK3*HL*6**1":
			hl++
			if strings.HasPrefix(next, "CTX") {
				t.Errorf("%s~%s~: the HL opening a subscriber loop names the claim before it", s, next)
			}
		case strings.HasPrefix(s, "IK3*HI*"):
			hi++
			if !strings.HasPrefix(next, "CTX*CLM01:") {
				t.Errorf("%s~%s~: a segment inside a claim does not name it", s, next)
			}
		}
	}
	if hl < 6 || hi < 6 {
		t.Errorf("the 999 has %d IK3s for HL and %d for HI after a claim, want at least 6 of each:\n%s", hl, hi, strings.ReplaceAll(out, "~", "~\n"))
	}
}
