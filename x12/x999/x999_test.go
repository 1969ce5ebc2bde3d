package x999

import (
	"bytes"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/x12/x222"
)

const dir = "../../testdata/x12/999/"

func readFile(t *testing.T, name string) []*Ack {
	t.Helper()
	f, err := os.Open(dir + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	acks, err := Read(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return acks
}

// summary renders an Ack compactly for comparison in tests.
func summary(a *Ack) string {
	var b strings.Builder
	b.WriteString("AK1 " + a.FunctionalID + " " + a.GroupControl + " " + a.Version + "\n")
	for _, s := range a.Sets {
		b.WriteString("AK2 " + s.ID + " " + s.Control + "\n")
		for _, e := range s.Segments {
			b.WriteString("  IK3 " + e.ID + " " + itoa(e.Position) + " " + e.Code + "\n")
			for _, c := range e.Context {
				b.WriteString("    CTX " + c.Name + "=" + c.Value + " " + c.SegmentID + " " + itoa(c.Position) + " " + c.Element + "\n")
			}
			for _, el := range e.Elements {
				b.WriteString("    IK4 " + itoa(el.Position) + ":" + itoa(el.Component) + " " + el.Ref + " " + el.Code + " " + el.Value + "\n")
			}
		}
		b.WriteString("IK5 " + s.Status + " " + strings.Join(s.Codes, ",") + "\n")
	}
	b.WriteString("AK9 " + a.Status + " " + itoa(a.Included) + " " + itoa(a.Received) + " " + itoa(a.Accepted) + " " + strings.Join(a.Codes, ",") + "\n")
	return b.String()
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// TestReadSamples pins what each sample 999 says, transcribed from the files.
func TestReadSamples(t *testing.T) {
	threeClaims := `AK1 HC 17456 VERSION
AK2 837 0001
IK5 A 
AK2 837 0002
  IK3 CLM 22 8
    CTX CLM01=123456789  0 
    IK4 2:0 782 1 
IK5 R 5
AK2 837 0003
  IK3 REF 57 3
    CTX SITUATIONAL TRIGGER= CLM 43 5:3
    CTX CLM01=987654321  0 
IK5 R 5
AK9 P 3 3 1 
`
	cases := map[string]string{
		"stupidedi__response-to-3-837s.edi":    strings.Replace(threeClaims, "VERSION", "005010X222A2", 1),
		"oopfactory__DHS_Wisconsin_Sample.x12": strings.Replace(strings.Replace(threeClaims, "VERSION", "004010X098A1", 1), "837 0002", "837 002", 1),
		"imsweb__x12_999_accepted.x12": `AK1 HC 17456 005010X223A2
AK2 837 0001
IK5 A 
AK9 A 1 1 1 
`,
		"imsweb__x12_999_rejected.x12": `AK1 HC 28 005010X223A2
AK2 837 0028
  IK3 NM 17 1
IK5 R 5
AK9 R 1 1 0 
`,
		"pyx12-generated__999-for-home-infusion-broken.x12": `AK1 HC 101 005010X222A1
AK2 837 0001
  IK3 NM1 18 3
  IK3 DTP 26 8
    IK4 3:0 1251 8 20260101-2026010
  IK3 CTP 31 8
    IK4 5:1 355 7 XX
  IK3 SV1 39 8
    IK4 5:0 1331 7 1Z
IK5 R 4,5
AK9 R 1 1 0 
`,
	}
	for name, want := range cases {
		t.Run(name, func(t *testing.T) {
			acks := readFile(t, name)
			if len(acks) != 1 {
				t.Fatalf("%d acks, want 1", len(acks))
			}
			if got := summary(acks[0]); got != want {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func validate(t *testing.T, name string) *x222.Report {
	t.Helper()
	f, err := os.Open("../../testdata/x12/837p/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := x222.Validate(f, x222.Options{Codes: codeset.Default()})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// withoutContext drops CTX, which our 999 adds (CLM01) and pyx12's omits.
func withoutContext(a *Ack) *Ack {
	c := *a
	c.Sets = nil
	for _, s := range a.Sets {
		s2 := *s
		s2.Segments = nil
		for _, e := range s.Segments {
			e2 := *e
			e2.Context = nil
			s2.Segments = append(s2.Segments, &e2)
		}
		c.Sets = append(c.Sets, &s2)
	}
	return &c
}

// TestFromReportAgreesWithReference: the 999 for the broken sample says
// what the reference validator's 999 says (same IK3, IK4, IK5, AK9).
func TestFromReportAgreesWithReference(t *testing.T) {
	ack := FromReport(validate(t, "synthetic__home-infusion-broken.x12"), 0)
	ref := readFile(t, "pyx12-generated__999-for-home-infusion-broken.x12")[0]
	if got, want := summary(withoutContext(ack)), summary(ref); got != want {
		t.Errorf("got:\n%s\nwant (reference):\n%s", got, want)
	}
	// Errors inside the claim name it; the missing payer loop precedes it.
	for _, e := range ack.Sets[0].Segments {
		inClaim := e.ID != "NM1"
		has := len(e.Context) == 1 && e.Context[0].Name == "CLM01" && e.Context[0].Value == "HIT20260101A"
		if has != inClaim {
			t.Errorf("IK3 %s %d: context %+v, want CLM01 context %v", e.ID, e.Position, e.Context, inClaim)
		}
	}
}

// TestFromReportLeavesOutBusinessFindings: of the seven defects planted in
// the sample, six are business findings (277CA) and stay out of the 999;
// the seventh, HL04=1 on an HL without children, breaks the guide's
// hierarchy rule and rejects the set (IK4 code I12).
func TestFromReportLeavesOutBusinessFindings(t *testing.T) {
	ack := FromReport(validate(t, "synthetic__home-infusion-semantic-errors.x12"), 0)
	want := "AK1 HC 101 005010X222A1\nAK2 837 0001\n  IK3 HL 12 8\n    IK4 4:0 736 I12 1\nIK5 R 5\nAK9 R 1 1 0 \n"
	if got := summary(ack); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

var env = Envelope{SenderQualifier: "ZZ", SenderID: "PAYERRCVR", ReceiverQualifier: "ZZ", ReceiverID: "HITSUBMIT",
	Control: 42, Date: "20260115", Time: "1300", Usage: "T"}

// TestWriteReadRoundTrip: every 999 we write reads back as the same Ack.
func TestWriteReadRoundTrip(t *testing.T) {
	var acks []*Ack
	for _, n := range []string{"synthetic__home-infusion-broken.x12", "synthetic__home-infusion-good.x12", "imsweb__x12_complex.x12", "stupidedi__oxygen.edi"} {
		acks = append(acks, FromReport(validate(t, n), 0))
	}
	acks = append(acks, readFile(t, "stupidedi__response-to-3-837s.edi")...)
	for i, a := range acks {
		var buf bytes.Buffer
		if err := Write(&buf, a, env); err != nil {
			t.Fatal(err)
		}
		back, err := Read(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatalf("ack %d: %v\n%s", i, err, buf.String())
		}
		b := back[0]
		b.Sender, b.Receiver = a.Sender, a.Receiver
		if !reflect.DeepEqual(summary(b), summary(a)) {
			t.Errorf("ack %d changed:\n got %s\nwant %s", i, summary(b), summary(a))
		}
		if !reflect.DeepEqual(b, a) {
			t.Errorf("ack %d: fields differ after round trip:\n got %+v\nwant %+v", i, b, a)
		}
	}
}

func TestWriteSegmentCount(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, FromReport(validate(t, "synthetic__home-infusion-broken.x12"), 0), env); err != nil {
		t.Fatal(err)
	}
	segs := strings.Split(strings.TrimSuffix(buf.String(), "~"), "~")
	var st, se int
	for i, s := range segs {
		if strings.HasPrefix(s, "ST*") {
			st = i
		}
		if strings.HasPrefix(s, "SE*") {
			se = i
			if want := "SE*" + itoa(se-st+1) + "*0001"; s != want {
				t.Errorf("%s, want %s", s, want)
			}
		}
	}
	if se == 0 {
		t.Fatal("no SE")
	}
}
