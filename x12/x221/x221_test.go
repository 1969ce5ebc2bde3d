package x221

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/x12/guide"
	"github.com/perdiem/perdiem/x12/x999"
)

const samples = "../../testdata/x12/835/"

func validate(t *testing.T, in []byte) *guide.Report {
	t.Helper()
	rep, err := Validate(bytes.NewReader(in), guide.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// brief gives each finding as "level segment ID element code".
func brief(rep *guide.Report) []string {
	out := []string{}
	for _, f := range rep.Findings {
		el := f.Element
		if el == "" {
			el = f.SegmentID
		}
		out = append(out, fmt.Sprintf("%s %d %s %s", f.Level, f.Segment, el, f.Code))
	}
	return out
}

// TestSampleVerdicts keeps each real-world sample's verdict. Where pyx12
// (run by hand) has a verdict, it is the same at the guide levels: the
// LinuxForHealth file lacks the required PER*BL and puts TS3 amounts in
// Not Used positions; the others are valid. pyx12 does not check balances;
// the moov sample's first claim is a cent off.
func TestSampleVerdicts(t *testing.T) {
	want := map[string]string{
		"linuxforhealth__medicare-part-a.x12":           "structure 11 PER 3|element 13 TS309 10|element 13 TS311 10|element 23 TS309 10|element 23 TS311 10",
		"moov__example_5010_835_sample1.x12":            "business 18 CLP04 ",
		"pyx12__835_mult_loops.x12":                     "",
		"stupidedi__dollars-and-data-sent-together.edi": "",
		"stupidedi__era-sample.edi":                     "",
		"stupidedi__multiple-claims-single-check.edi":   "",
		"stupidedi__secondary-payments.edi":             "",
	}
	files, _ := filepath.Glob(samples + "*")
	seen := 0
	for _, path := range files {
		name := filepath.Base(path)
		w, ok := want[name]
		if !ok {
			continue
		}
		seen++
		in, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(brief(validate(t, in)), "|"); got != w {
			t.Errorf("%s:\n got %s\nwant %s", name, got, w)
		}
	}
	if seen != len(want) {
		t.Errorf("found %d of the %d samples", seen, len(want))
	}
}

const isa = "ISA*00*          *00*          *ZZ*PAYER          *ZZ*HITSUBMIT      *260301*1200*^*00501*000000777*0*T*:~"

// remit builds an 835 with body between N1*PE (and its N3/N4/REF) and SE;
// SE01 is computed.
func remit(bpr02 string, body ...string) []byte {
	segs := append([]string{
		"ST*835*0001",
		"BPR*I*" + bpr02 + "*C*CHK************20260301",
		"TRN*1*CHK1001*1512345678",
		"N1*PR*EXAMPLE HEALTH PLAN",
		"N3*1 PLAN WAY",
		"N4*CHICAGO*IL*60601",
		"PER*BL*EDI*TE*8005551212",
		"N1*PE*ACME HOME INFUSION*XX*1234567893",
	}, body...)
	segs = append(segs, fmt.Sprintf("SE*%d*0001", len(segs)+1))
	return []byte(isa + "GS*HP*PAYER*HITSUBMIT*20260301*1200*7*X*005010X221A1~" + strings.Join(segs, "~") + "~GE*1*7~IEA*1*000000777~")
}

func TestBalances(t *testing.T) {
	claim := []string{"LX*1", "CLP*A1*1*1500*1100*100*12*ICN1", "NM1*QC*1*DOE*JANE****MI*M1",
		"SVC*HC:S9500:SH*1500*1100**7", "DTM*472*20260101", "CAS*CO*45*300", "CAS*PR*1*100"}
	for _, c := range []struct {
		name  string
		in    []byte
		wants string
	}{
		{"balanced", remit("1050", append(claim, "PLB*1234567893*20261231*WO:OLD1*50")...), ""},
		{"line", remit("1100", "LX*1", "CLP*A1*1*1500*1100*100*12*ICN1", "NM1*QC*1*DOE*JANE****MI*M1",
			"SVC*HC:S9500:SH*1500*1100**7", "CAS*CO*45*300", "CAS*PR*1*50"), "business 14 SVC03 |business 12 CLP04 "},
		{"claim-level CAS", remit("1100", "LX*1", "CLP*A1*1*1500*1100*100*12*ICN1", "CAS*CO*45*400", "NM1*QC*1*DOE*JANE****MI*M1"), ""},
		{"claim", remit("1100", "LX*1", "CLP*A1*1*1500*1100*100*12*ICN1", "CAS*CO*45*300", "NM1*QC*1*DOE*JANE****MI*M1"), "business 12 CLP04 "},
		{"transaction", remit("1000", claim...), "business 4 BPR02 "},
		{"negative CAS raises payment", remit("306", "LX*1", "CLP*A1*1*3620*306*0*12*ICN1", "NM1*QC*1*DOE*JANE****MI*M1",
			"SVC*HC:99214*3620*306", "CAS*CO*45*3320**137*-6"), ""},
	} {
		if got := strings.Join(brief(validate(t, c.in)), "|"); got != c.wants {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.wants)
		}
	}
}

// TestEverySegmentTheGuideAllows: PER in 2100, CUR, RDM, TS3, TS2 and the
// MIA/MOA, AMT and QTY are where X221A1 puts them.
func TestEverySegmentTheGuideAllows(t *testing.T) {
	in := remit("1100", "RDM*BM*REMITS DEPT", "LX*1",
		"TS3*1234567893*11*20261231*1*1500",
		"TS2*0*0",
		"CLP*A1*1*1500*1100*100*12*ICN1", "CAS*CO*45*300", "CAS*PR*1*100", "NM1*QC*1*DOE*JANE****MI*M1",
		"MOA***MA01", "DTM*050*20260110", "PER*CX*CLAIMS*TE*8005551212", "AMT*AU*1500", "QTY*CA*7")
	in = bytes.Replace(in, []byte("TRN*1*CHK1001*1512345678~"), []byte("TRN*1*CHK1001*1512345678~CUR*PR*USD~"), 1)
	in = bytes.Replace(in, []byte("SE*22*"), []byte("SE*23*"), 1)
	if got := brief(validate(t, in)); len(got) != 0 {
		t.Errorf("findings %v, want none", got)
	}
}

// TestGuideFindingsGoIntoA999: a claim status X221A1 does not allow (5,
// pended, belongs in a 277) rejects the set with IK4 code 7.
func TestGuideFindingsGoIntoA999(t *testing.T) {
	rep := validate(t, remit("0", "LX*1", "CLP*A1*5*1500*0*0*12*ICN1", "CAS*CO*45*1500", "NM1*QC*1*DOE*JANE****MI*M1"))
	if got := strings.Join(brief(rep), "|"); got != "element 12 CLP02 7" {
		t.Fatalf("findings %s", got)
	}
	ack := x999.FromReport(rep, 0)
	if ack.FunctionalID != "HP" || ack.Status != "R" || len(ack.Sets) != 1 || ack.Sets[0].ID != "835" || ack.Sets[0].Status != "R" {
		t.Fatalf("999 %+v", ack)
	}
	var b bytes.Buffer
	if err := x999.Write(&b, ack, x999.Envelope{SenderQualifier: "ZZ", SenderID: "HITSUBMIT", ReceiverQualifier: "ZZ", ReceiverID: "PAYER",
		Control: 1, Date: "20260301", Time: "1200", Usage: "T"}); err != nil {
		t.Fatal(err)
	}
	for _, seg := range []string{"AK1*HP*7*005010X221A1~", "AK2*835*0001~", "IK3*CLP*10**8~", "IK4*2*1029*7*5~", "IK5*R*5~", "AK9*R*1*1*0~"} {
		if !strings.Contains(b.String(), seg) {
			t.Errorf("999 lacks %s:\n%s", seg, b.String())
		}
	}
}

// TestEnvelopeFor835: a GS that says HC (claims) and a missing ST03 are
// judged by this guide: GS01 must be HP, ST03 is not used.
func TestEnvelopeFor835(t *testing.T) {
	in := bytes.Replace(remit("0", "LX*1", "CLP*A1*4*10*0*0*12*ICN1", "CAS*CO*50*10", "NM1*QC*1*DOE*JANE****MI*M1"), []byte("GS*HP"), []byte("GS*HC"), 1)
	if got := strings.Join(brief(validate(t, in)), "|"); got != "envelope 2 GS01 1" {
		t.Errorf("findings %s, want GS01 only", got)
	}
}
