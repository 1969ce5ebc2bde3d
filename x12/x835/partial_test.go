package x835

import (
	"errors"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/x12"
)

var goodBody = []string{"LX*1", "CLP*A1*1*1500*1100*100*12*ICN1", "NM1*QC*1*DOE*JANE****MI*M1",
	"SVC*HC:S9500:SH*1500*1100**7", "DTM*472*20260101", "CAS*CO*45*300", "CAS*PR*1*100", "PLB*1234567893*20261231*WO:OLD1*50"}

// TestBadSetDoesNotCostTheOthers: a remittance with a bad amount, an
// unknown segment and a segment out of place is read with three findings;
// the ones before and after it have none.
func TestBadSetDoesNotCostTheOthers(t *testing.T) {
	bad := []string{"LX*1", "CLP*A2*1*1500*11OO*100*12*ICN2", "HI*ABK:Z452", "NM1*QC*1*ROE*JOHN****MI*M2",
		"SVC*HC:S9500:SH*1500*1100**7", "NM1*82*1*NURSE", "CAS*CO*45*300", "CAS*PR*1*100", "PLB*1234567893*20261231*WO:OLD1*50"}
	rems, outside, err := Read(strings.NewReader(threeRemits(bad)))
	if err != nil || len(outside) > 0 || len(rems) != 3 {
		t.Fatalf("err %v, outside %v, %d remittances", err, outside, len(rems))
	}
	if len(rems[0].Findings)+len(rems[2].Findings) > 0 {
		t.Errorf("findings in the good remittances: %v %v", rems[0].Findings, rems[2].Findings)
	}
	var got []string
	for _, f := range rems[1].Findings {
		got = append(got, f.Kind()+" "+f.where()+" "+f.Claim)
	}
	// The unreadable CLP04 leaves the claim's and the transaction's
	// balances unchecked rather than wrongly reported.
	if g := strings.Join(got, "|"); g != "amount CLP04 A2|unexpected HI A2|out_of_place NM1 A2" {
		t.Errorf("findings %s", g)
	}
	c := rems[1].Claims[0]
	if c.Patient == nil || c.Patient.Last != "ROE" || len(c.ServiceLines) != 1 || c.ServiceLines[0].Paid != 110000 {
		t.Errorf("claim not read around its findings: %+v", c)
	}
}

// TestUnreadableSegmentIsSkipped: a segment the tokenizer cannot read (a
// bad ID) is a finding where it stands; the remittance around it and the
// next are read, and the balances it might enter are not checked.
func TestUnreadableSegmentIsSkipped(t *testing.T) {
	in := threeRemits(goodBody)
	cut := strings.Index(in, "ST*835*0002")
	cut = strings.Index(in[cut:], "CAS*CO") + cut
	in = in[:cut] + "c@s*CO*45*300~" + in[cut+len("CAS*CO*45*300~"):]
	rems, outside, err := Read(strings.NewReader(in))
	if err != nil || len(outside) > 0 || len(rems) != 3 {
		t.Fatalf("err %v, outside %v, %d remittances", err, outside, len(rems))
	}
	if len(rems[0].Findings)+len(rems[2].Findings) > 0 || rems[1].Incomplete {
		t.Fatalf("findings %v %v", rems[0].Findings, rems[2].Findings)
	}
	if fs := rems[1].Findings; len(fs) != 1 || !errors.Is(fs[0], ErrSkipped) || fs[0].Claim != "A1" || fs[0].Pos.Segment != 27 {
		t.Errorf("findings %v, want the skipped segment 27 only (SE01 counts it; no balance is checked)", fs)
	}
}

// TestInputStoppingBeingX12 keeps what came before: the remittance it cuts
// short is returned, incomplete, then the syntax error.
func TestInputStoppingBeingX12(t *testing.T) {
	in := threeRemits(goodBody)
	cut := strings.Index(in, "ST*835*0002")
	cut = strings.Index(in[cut:], "NM1*QC") + cut
	in = in[:cut] + "ISA*00*~" + in[cut:]
	rems, _, err := Read(strings.NewReader(in))
	var se *x12.SyntaxError
	if !errors.As(err, &se) || se.Resynced {
		t.Fatalf("err = %v, want the syntax error", err)
	}
	if len(rems) != 2 || rems[0].Incomplete || !rems[1].Incomplete || len(rems[1].Claims) != 1 {
		t.Fatalf("%d remittances; want the first whole and the second incomplete with its claim", len(rems))
	}
	f := rems[1].Findings[len(rems[1].Findings)-1]
	if !errors.Is(f, ErrCutShort) || f.Pos != se.Pos {
		t.Errorf("last finding %v, want the cut at %+v", f, se.Pos)
	}
}

// TestNewSTBeforeSE: a set without its SE ends at the next ST, incomplete,
// and the next is read whole.
func TestNewSTBeforeSE(t *testing.T) {
	in := threeRemits(goodBody)
	se := strings.Index(in, "SE*14*0001~")
	in = in[:se] + in[se+len("SE*14*0001~"):]
	rems, outside, err := Read(strings.NewReader(in))
	if err != nil || len(outside) > 0 || len(rems) != 3 || !rems[0].Incomplete || rems[1].Incomplete || len(rems[1].Findings) > 0 {
		t.Fatalf("err %v, outside %v, %d remittances", err, outside, len(rems))
	}
	if f := rems[0].Findings[0]; !errors.Is(f, ErrCutShort) || f.SegmentID != "ST" {
		t.Errorf("finding %v", f)
	}
}

// TestEverySegmentTheGuideAllows: CUR, RDM, TS3, TS2, PER in loop 2100 (it
// used to make the whole file unreadable), MIA/MOA, AMT and QTY are read
// into the remittance, with no finding.
func TestEverySegmentTheGuideAllows(t *testing.T) {
	in := minimal("RDM*EM*REMITS*era@example.com", "LX*1", "TS3*1234567893*11*20261231*1*1400*****200", "TS2*50*25*****3",
		"CLP*A1*1*1400*1400**12*ICN1", "NM1*QC*1*DOE*JANE****MI*M1", "MOA***MA01", "DTM*050*20260110",
		"PER*CX*CLAIMS*TE*8005551212*EX*12", "AMT*AU*1400", "QTY*CA*7")
	in = strings.Replace(in, "TRN*1*CHK1001*1512345678~", "TRN*1*CHK1001*1512345678~CUR*PR*USD~", 1)
	in = strings.Replace(in, "SE*17*", "SE*18*", 1)
	rems, outside, err := Read(strings.NewReader(in))
	if err != nil || len(outside) > 0 || len(rems) != 1 || len(rems[0].Findings) > 0 {
		t.Fatalf("err %v, outside %v, findings %v", err, outside, rems[0].Findings)
	}
	r := rems[0]
	c := r.Claims[0]
	ps := r.ProviderSummaries
	switch {
	case r.Currency != "USD":
		t.Errorf("currency %q", r.Currency)
	case r.Payee.Delivery == nil || r.Payee.Delivery.Communication != "era@example.com":
		t.Errorf("RDM %+v", r.Payee.Delivery)
	case len(ps) != 1 || ps[0].HeaderNumber != "1" || ps[0].TotalCharge != 140000 || len(ps[0].Amounts) != 3 || ps[0].Amounts[0].Qualifier != "TS310" ||
		len(ps[0].Quantities) != 1 || ps[0].Quantities[0].Qualifier != "TS207":
		t.Errorf("TS3/TS2 %+v", ps)
	case len(c.Contacts) != 1 || c.Contacts[0].Function != "CX" || len(c.Contacts[0].Numbers) != 2:
		t.Errorf("claim PER %+v", c.Contacts)
	case len(c.RemarkCodes) != 1 || len(c.Dates) != 1 || len(c.Amounts) != 1 || len(c.Quantities) != 1:
		t.Errorf("claim %+v", c)
	}
}
