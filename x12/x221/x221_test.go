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

// verdict is the findings of a sample in brief, or the error that stopped
// it.
func verdict(in []byte) string {
	rep, err := Validate(bytes.NewReader(in), guide.Options{})
	if err != nil {
		return "error: " + err.Error()
	}
	return strings.Join(brief(rep), "|")
}

// TestSampleVerdicts keeps each real-world sample's verdict (sources in
// testdata/x12/README.md). pyx12, run by hand, agrees at the guide levels
// except where the comments say; it does not check balances.
func TestSampleVerdicts(t *testing.T) {
	want := map[string]string{
		// PER*BL missing; TS3 amounts in Not Used positions.
		"linuxforhealth__medicare-part-a.x12": "structure 11 PER 3|element 13 TS309 10|element 13 TS311 10|element 23 TS309 10|element 23 TS311 10",
		// BPR16 shifted into BPR15; SVC01 written "HC>55669" where ISA16
		// says the component separator is ":", so no SVC can start loop
		// 2110 and its segments are out of place (pyx12: "SVC*HC>55669
		// not found", then each later segment). The claim's balance is
		// not checked: its line adjustments could not be placed.
		"linuxforhealth__cob-contractural-adjustment.x12": "element 4 BPR16 1|structure 11 PER 3|structure 21 SVC 2|structure 22 DTM 5|element 22 DTM01 7|structure 23 CAS 2|structure 24 CAS 2|structure 25 REF 2|element 26 AMT01 7",
		"linuxforhealth__secondary-payment.x12":           "element 4 BPR16 1|structure 11 PER 3|structure 29 SVC 2|structure 30 DTM 5|element 30 DTM01 7|structure 31 CAS 2|structure 32 REF 2|element 33 AMT01 7|structure 34 SVC 2|structure 35 DTM 2|structure 36 CAS 2|structure 37 CAS 2|structure 38 REF 2|element 39 AMT01 7",
		// BPR16 20002316 is no date.
		"linuxforhealth__managed-care.x12": "element 4 BPR16 8|structure 10 PER 3",
		// SVC01 is "HC" alone, its amounts shifted one place right: pyx12
		// reports SVC06-1 twice (too short, not a code), we once.
		"linuxforhealth__tertiary-payment.x12": "element 4 BPR16 1|structure 11 PER 3|element 20 SVC01-2 1|element 20 SVC06-1 4|element 20 SVC06-2 1|business 20 SVC03 ",
		// Two SVC segments end with a trailing "*" (pyx12: SEG1, IK3
		// code 8); the first claim is a cent off.
		"moov__example_5010_835_sample1.x12":            "structure 28 SVC 8|business 18 CLP04 |structure 59 SVC 8",
		"pyx12__835_mult_loops.x12":                     "",
		"stupidedi__dollars-and-data-sent-together.edi": "",
		"stupidedi__era-sample.edi":                     "",
		"stupidedi__multiple-claims-single-check.edi":   "",
		"stupidedi__secondary-payments.edi":             "",
		"keironstoddart__emedny_sample.x12":             "",
		// N402 "NP" (North Pole) is no state code; pyx12 rejects it too.
		"keironstoddart__united_healthcare_legacy_sample.x12": "element 16 N402 7",
		// ST … SE without ISA/GS, and an ISA padded around its separators:
		// neither is X12 to the tokenizer (nor to pyx12).
		"keironstoddart__blue_cross_nc_sample.x12":  "error: x12: segment 1 at byte 0, line 1: not X12: input does not start with an ISA segment (it starts \"ST*835*1234~BPR*I*19\")",
		"x12org-via-tmc__005010x221-example-5a.edi": "error: x12: segment 1 (ISA) at byte 0, line 1: malformed ISA: the element separator (4th character) is ' '; the ISA must be exactly 106 characters with fixed-width elements, not padded around its separators",
	}
	files, err := filepath.Glob(samples + "*")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(want) {
		t.Errorf("%d samples, %d verdicts", len(files), len(want))
	}
	for _, path := range files {
		name := filepath.Base(path)
		w, ok := want[name]
		if !ok {
			t.Errorf("%s: no verdict", name)
			continue
		}
		in, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := verdict(in); got != w {
			t.Errorf("%s:\n got %s\nwant %s", name, got, w)
		}
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
		{"line", remit("1100", "LX*1", "CLP*A1*1*1500*1100*50*12*ICN1", "NM1*QC*1*DOE*JANE****MI*M1",
			"SVC*HC:S9500:SH*1500*1100**7", "CAS*CO*45*300", "CAS*PR*1*50"), "business 14 SVC03 |business 12 CLP04 "},
		{"claim-level CAS", remit("1100", "LX*1", "CLP*A1*1*1500*1100*0*12*ICN1", "CAS*CO*45*400", "NM1*QC*1*DOE*JANE****MI*M1"), ""},
		{"claim", remit("1100", "LX*1", "CLP*A1*1*1500*1100*0*12*ICN1", "CAS*CO*45*300", "NM1*QC*1*DOE*JANE****MI*M1"), "business 12 CLP04 "},
		{"transaction", remit("1000", claim...), "business 4 BPR02 "},
		{"patient share", remit("1100", "LX*1", "CLP*A1*1*1500*1100*50*12*ICN1", "CAS*CO*45*300", "CAS*PR*1*100", "NM1*QC*1*DOE*JANE****MI*M1"), "business 12 CLP05 "},
		{"reversal's patient share", remit("-1100", "LX*1", "CLP*A1*22*-1500*-1100*0*12*ICN1", "CAS*CO*45*-300", "CAS*PR*1*-100", "NM1*QC*1*DOE*JANE****MI*M1"), ""},
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

// TestUnplacedSegmentsSuspendTheBalance: when a line's segments cannot be
// placed (here its SVC01 qualifier is unreadable, as in the LinuxForHealth
// COB sample), the claim's balance is not checked, since its line
// adjustments are not known to be the claim's; the next claim's is.
func TestUnplacedSegmentsSuspendTheBalance(t *testing.T) {
	rep := validate(t, remit("1100", "LX*1", "CLP*A1*1*1500*1100*100*12*ICN1", "NM1*QC*1*DOE*JANE****MI*M1",
		"SVC*XX>S9500*1500*1100**7", "CAS*CO*45*300", "CAS*PR*1*100",
		"CLP*A2*1*100*0*0*12*ICN2", "NM1*QC*1*DOE*JOHN****MI*M2"))
	var business []string
	for _, s := range brief(rep) {
		if strings.HasPrefix(s, "business") {
			business = append(business, s)
		}
	}
	if got := strings.Join(business, "|"); got != "business 17 CLP04 " {
		t.Errorf("business findings %q, want only the second claim's", got)
	}
}

// TestReasonAndRemarkCodes: CAS reason codes and MOA/LQ*HE remark codes
// are checked against X12's lists (a deactivated code is accepted: the
// lists carry no dates); what is not checked is said in the report.
func TestReasonAndRemarkCodes(t *testing.T) {
	body := func(carc, moa, lq string) []byte {
		return remit("1100", "LX*1", "CLP*A1*1*1500*1100*0*12*ICN1", "NM1*QC*1*DOE*JANE****MI*M1", "MOA***"+moa,
			"SVC*HC:S9500*1500*1100", "CAS*CO*"+carc+"*400", "LQ*"+lq)
	}
	for _, c := range []struct {
		name string
		in   []byte
		want string
	}{
		{"codes on the lists", body("45", "MA01", "HE*N19"), ""},
		{"deactivated codes", body("15", "M33", "HE*M34"), ""},
		{"no such reason code", body("ZZ9", "MA01", "HE*N19"), "business 16 CAS02 "},
		{"no such remark code in MOA", body("45", "QQ99", "HE*N19"), "business 14 MOA03 "},
		{"no such remark code in LQ", body("45", "MA01", "HE*N1X"), "business 17 LQ02 "},
		{"an NCPDP reject code is no remark code", body("45", "MA01", "RX*76"), ""},
		{"no such remark code in MIA", remit("1100", "LX*1", "CLP*A1*1*1500*1100*0*12*ICN1", "NM1*QC*1*DOE*JANE****MI*M1", "MIA*0****ZZ99",
			"SVC*HC:S9500*1500*1100", "CAS*CO*45*400"), "business 14 MIA05 "},
	} {
		if got := strings.Join(brief(validate(t, c.in)), "|"); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
	rep := validate(t, body("45", "MA01", "HE*N19"))
	all := strings.Join(rep.Unchecked, "\n")
	for _, want := range []string{"(CARC)", "(RARC)", "not whether they were in force", "N404"} {
		if !strings.Contains(all, want) {
			t.Errorf("unchecked lacks %q:\n%s", want, all)
		}
	}
}

// TestStateCodes: N402 is checked against the same state and province
// lists as in an 837P, by the country in N404.
func TestStateCodes(t *testing.T) {
	const payer = "N4*CHICAGO*IL*60601"
	claim := []string{"LX*1", "CLP*A1*1*1500*1100*0*12*ICN1", "CAS*CO*45*400", "NM1*QC*1*DOE*JANE****MI*M1"}
	for _, c := range []struct{ n4, want string }{
		{payer, ""},
		{"N4*CHICAGO*XX*60601", "element 8 N402 7"},
		{"N4*TORONTO*ON*M5V3L9", "element 8 N402 7"},
		{"N4*TORONTO*ON*M5V3L9*CA", ""},
		{"N4*TORONTO*IL*M5V3L9*CA", "element 8 N402 7"},
		{"N4*PARIS**75001*FR", ""},
	} {
		in := bytes.Replace(remit("1100", claim...), []byte(payer), []byte(c.n4), 1)
		if got := strings.Join(brief(validate(t, in)), "|"); got != c.want {
			t.Errorf("%s: got %q, want %q", c.n4, got, c.want)
		}
	}
}

// TestCodeMeaning: the lists carry X12's text, and Meaning drops the usage
// notes after it; a deactivated code is still found, a made-up one is not.
func TestCodeMeaning(t *testing.T) {
	c, ok := ReasonCode("45")
	if !ok || c.Status != "current" || c.Meaning() != "Charge exceeds fee schedule/maximum allowable or contracted/legislated fee arrangement." {
		t.Errorf("CARC 45 = %+v, %v; meaning %q", c, ok, c.Meaning())
	}
	if c, ok := ReasonCode("A7"); !ok || c.Status != "deactivated" || c.Meaning() != "Presumptive Payment Adjustment" {
		t.Errorf("CARC A7 = %+v, %v", c, ok)
	}
	if c, ok := RemarkCode("N14"); !ok || c.Status != "deactivated" || !strings.HasPrefix(c.Meaning(), "Payment based on a contractual amount") {
		t.Errorf("RARC N14 = %+v, %v", c, ok)
	}
	if _, ok := ReasonCode("Q99"); ok {
		t.Error("CARC Q99 was found")
	}
	if _, ok := RemarkCode("45"); ok {
		t.Error("a reason code was found as a remark code")
	}
}
