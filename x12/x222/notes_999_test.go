package x222_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/x12/x222"
	"github.com/perdiem/perdiem/x12/x999"
)

// TestSyntaxNoteIn999: a broken syntax note rejects the transaction set
// and reaches the 999 as IK3 with IK4 code 2 (a conditionally required
// element missing) or 10 (an exclusion violated).
func TestSyntaxNoteIn999(t *testing.T) {
	src, err := os.ReadFile("../../testdata/x12/837p/synthetic__home-infusion-good.x12")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range [][2]string{
		{"PER*IC*BILLING OFFICE*TE*5555551234*EM*BILLING@EXAMPLE.COM~", "PER*IC*BILLING OFFICE*TE*5555551234*EM~"},
		{"N4*SPRINGFIELD*IL*627010000~", "N4*SPRINGFIELD*IL*627010000*US***IL~"},
	} {
		if !bytes.Contains(src, []byte(r[0])) {
			t.Fatalf("sample has no %q", r[0])
		}
		src = bytes.Replace(src, []byte(r[0]), []byte(r[1]), 1)
	}
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
	out := strings.ReplaceAll(buf.String(), "\n", "")
	for _, want := range []string{
		"IK3*PER*4**8~IK4*6*364*2~",
		"IK3*N4*10**8~IK4*7*1715*10*IL~",
		"IK5*R*5~",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("999 lacks %q:\n%s", want, strings.ReplaceAll(out, "~", "~\n"))
		}
	}
}
