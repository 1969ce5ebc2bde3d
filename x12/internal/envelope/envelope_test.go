package envelope

import (
	"bytes"
	"testing"

	"github.com/perdiem/perdiem/x12"
)

// TestOpen writes the header of an envelope that leaves the qualifiers,
// usage, application codes and delimiters to their defaults, and one that
// sets them.
func TestOpen(t *testing.T) {
	for _, c := range []struct {
		env  Envelope
		want string
	}{
		{Envelope{SenderID: "PAYER", ReceiverID: "HITSUBMIT", Control: 777, Date: "20260301", Time: "1200"},
			"ISA*00*          *00*          *ZZ*PAYER          *ZZ*HITSUBMIT      *260301*1200*^*00501*000000777*0*P*:~" +
				"GS*HN*PAYER*HITSUBMIT*20260301*1200*777*X*005010X214~"},
		{Envelope{SenderQualifier: "30", SenderID: "PAYER", ReceiverQualifier: "01", ReceiverID: "HITSUBMIT", AppSender: "PAPP", AppReceiver: "RAPP",
			Control: 5, Date: "20260301", Time: "1200", Usage: "T", Delimiters: x12.Delimiters{Element: '|', Segment: '\n', Component: '>', Repetition: '!'}},
			"ISA|00|          |00|          |30|PAYER          |01|HITSUBMIT      |260301|1200|!|00501|000000005|0|T|>\n" +
				"GS|HN|PAPP|RAPP|20260301|1200|5|X|005010X214\n"},
	} {
		var b bytes.Buffer
		o, err := Open(&b, c.env, "HN", "005010X214")
		if err == nil {
			err = o.W.Flush()
		}
		if err != nil {
			t.Fatal(err)
		}
		if b.String() != c.want {
			t.Errorf("wrote\n%q\nwant\n%q", b.String(), c.want)
		}
	}
}
