package ta1

import (
	"bytes"
	"io"
	"testing"

	"github.com/perdiem/perdiem/x12"
	"github.com/perdiem/perdiem/x12/guide"
)

// TestWrite: a TA1 is an interchange of its own, ISA TA1 IEA, from the
// receiver of the acknowledged interchange back to its sender.
func TestWrite(t *testing.T) {
	ic := guide.InterchangeInfo{SenderQualifier: "ZZ", SenderID: "HITSUBMIT", ReceiverQualifier: "ZZ", ReceiverID: "PAYERRCVR",
		Control: "000000101", Date: "260115", Time: "1200", Usage: "T", Ack: "R", Notes: []string{"001", "021"}}
	var buf bytes.Buffer
	env := Envelope{SenderQualifier: "ZZ", SenderID: ic.ReceiverID, ReceiverQualifier: "ZZ", ReceiverID: ic.SenderID,
		Control: 7, Date: "20260116", Time: "0930", Usage: ic.Usage}
	if err := Write(&buf, FromInterchange(ic), env); err != nil {
		t.Fatal(err)
	}
	r := x12.NewReader(&buf)
	var got []string
	for {
		s, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(s.Raw()))
	}
	want := []string{
		"ISA*00*          *00*          *ZZ*PAYERRCVR      *ZZ*HITSUBMIT      *260116*0930*^*00501*000000007*0*T*:",
		"TA1*000000101*260115*1200*R*001",
		"IEA*0*000000007",
	}
	if len(got) != len(want) {
		t.Fatalf("got %q", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("segment %d: %q, want %q", i+1, got[i], want[i])
		}
	}
}

func TestFromInterchangeAccepted(t *testing.T) {
	a := FromInterchange(guide.InterchangeInfo{Control: "000000009", Date: "260115", Time: "1200", Ack: "A"})
	if a != (Ack{Control: "000000009", Date: "260115", Time: "1200", Status: "A", Note: "000"}) {
		t.Errorf("%+v", a)
	}
}
