package x214

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/x12"
)

const isa = "ISA*00*          *00*          *ZZ*PAYER          *ZZ*HITSUBMIT      *260301*1200*^*00501*000000777*0*P*:~"

// goodBody is a 277CA body: one accepted and one rejected claim.
var goodBody = []string{
	"BHT*0085*08*REF1*20260301*1200*TH",
	"HL*1**20*1", "NM1*PR*2*EXAMPLE HEALTH PLAN*****PI*PAYER1", "TRN*1*T1", "DTP*050*D8*20260301", "DTP*009*D8*20260301",
	"HL*2*1*21*1", "NM1*41*2*ACME HOME INFUSION*****46*SUB1", "TRN*2*BATCH1", "STC*A1:19:PR*20260301*WQ*2500", "QTY*90*1", "QTY*AA*1", "AMT*YU*1500", "AMT*YY*1000",
	"HL*3*2*19*1", "NM1*85*2*ACME HOME INFUSION*****XX*1234567893", "TRN*1*0", "STC*A1:19:PR**WQ*2500",
	"HL*4*3*PT", "NM1*QC*1*DOE*JANE****MI*M1", "TRN*2*A1", "STC*A2:20:PR*20260301*WQ*1500", "REF*1K*ICN1", "DTP*472*RD8*20260101-20260107",
	"HL*5*3*PT", "NM1*QC*1*ROE*JOHN****MI*M2", "TRN*2*A2", "STC*A7:562:85*20260301*U*1000", "DTP*472*D8*20260105",
}

// threeAcks is an interchange of three 277CAs; the middle one is where the
// tests plant their damage.
func threeAcks(middle []string) string {
	set := func(ctl string, body []string) string {
		segs := append([]string{"ST*277*" + ctl + "*005010X214"}, body...)
		segs = append(segs, fmt.Sprintf("SE*%d*%s", len(segs)+1, ctl))
		return strings.Join(segs, "~") + "~"
	}
	return isa + "GS*HN*PAYER*HITSUBMIT*20260301*1200*7*X*005010X214~" +
		set("0001", goodBody) + set("0002", middle) + set("0003", goodBody) + "GE*3*7~IEA*1*000000777~"
}

// TestBadSetDoesNotCostTheOthers: an acknowledgment with a bad amount, a
// bad date, an unknown segment and one out of place is read with four
// findings, each at its segment; its claims are still read, and the
// acknowledgments around it have no findings.
func TestBadSetDoesNotCostTheOthers(t *testing.T) {
	bad := append([]string(nil), goodBody...)
	bad[21] = "STC*A2:20:PR*20261399*WQ*15OO" // claim A1: bad date and amount
	bad = append(bad[:23], append([]string{"CLM*A1*1500", "QTY*90*1"}, bad[23:]...)...)
	acks, outside, err := Read(strings.NewReader(threeAcks(bad)))
	if err != nil || len(outside) > 0 || len(acks) != 3 {
		t.Fatalf("err %v, outside %v, %d acks", err, outside, len(acks))
	}
	if len(acks[0].Findings)+len(acks[2].Findings) > 0 {
		t.Errorf("findings in the good acknowledgments: %v %v", acks[0].Findings, acks[2].Findings)
	}
	var got []string
	for _, f := range acks[1].Findings {
		got = append(got, fmt.Sprintf("%s %s %s @%d", f.Kind(), f.where(), f.Claim, f.Pos.Segment))
	}
	// Segments are counted in the file: ISA, GS, the first set's 31, then
	// ST*277*0002 is segment 34 and the STC of claim A1 (body[21]) 56.
	want := "date STC02 A1 @56|amount STC04 A1 @56|unexpected CLM A1 @58|out_of_place QTY A1 @59"
	if g := strings.Join(got, "|"); g != want {
		t.Errorf("findings\n got %s\nwant %s", g, want)
	}
	cs := acks[1].Claims()
	if len(cs) != 2 || cs[0].ClaimID != "A1" || !cs[0].Accepted || cs[0].PayerClaimControlNumber != "ICN1" || cs[1].Verdict != Rejected {
		t.Errorf("claims not read around the findings: %+v", cs)
	}
	for _, a := range []*Ack{acks[0], acks[2]} {
		if cs := a.Claims(); len(cs) != 2 || !cs[0].Accepted || cs[1].Accepted || cs[1].Codes[0].Code != "562" {
			t.Errorf("good acknowledgment %s: %+v", a.ControlNumber, cs)
		}
	}
}

// TestUnreadableSegmentIsSkipped: a segment the tokenizer cannot read is a
// finding where it stands, counted in SE01; the rest is read.
func TestUnreadableSegmentIsSkipped(t *testing.T) {
	bad := append([]string(nil), goodBody...)
	bad[22] = "r3f*1K*ICN1"
	acks, outside, err := Read(strings.NewReader(threeAcks(bad)))
	if err != nil || len(outside) > 0 || len(acks) != 3 {
		t.Fatalf("err %v, outside %v, %d acks", err, outside, len(acks))
	}
	fs := acks[1].Findings
	if len(fs) != 1 || !errors.Is(fs[0], ErrSkipped) || fs[0].Claim != "A1" || fs[0].Pos.Segment != 57 {
		t.Fatalf("findings %v, want the skipped segment 57 (body[22]) only", fs)
	}
	if cs := acks[1].Claims(); len(cs) != 2 || cs[0].PayerClaimControlNumber != "" || !cs[0].Accepted || cs[1].ClaimID != "A2" {
		t.Errorf("claims %+v", cs)
	}
}

// TestCutShort: input that ends inside a set gives what was read, marked
// incomplete, with the claims read so far.
func TestCutShort(t *testing.T) {
	in := threeAcks(goodBody)
	in = in[:strings.Index(in, "ST*277*0002")+strings.Index(in[strings.Index(in, "ST*277*0002"):], "HL*5")]
	acks, _, err := Read(strings.NewReader(in))
	if err != nil || len(acks) != 2 {
		t.Fatalf("err %v, %d acks", err, len(acks))
	}
	a := acks[1]
	if !a.Incomplete || len(a.Claims()) != 1 || !a.Claims()[0].Accepted {
		t.Errorf("incomplete %v, claims %+v", a.Incomplete, a.Claims())
	}
	if f := a.Findings[len(a.Findings)-1]; !errors.Is(f, ErrCutShort) {
		t.Errorf("last finding %v", f)
	}
}

// TestNotX12: input that is not X12 is an error at its start, with no
// acknowledgments.
func TestNotX12(t *testing.T) {
	acks, _, err := Read(strings.NewReader("not an interchange"))
	var se *x12.SyntaxError
	if !errors.As(err, &se) || len(acks) != 0 {
		t.Fatalf("%v %d", err, len(acks))
	}
}

// TestOtherSetsAreOutside: a set that is not a 277 is skipped with a
// finding outside any acknowledgment, and the 277CA after it is read.
func TestOtherSetsAreOutside(t *testing.T) {
	in := strings.Replace(threeAcks(goodBody), "ST*277*0002*005010X214", "ST*835*0002", 1)
	acks, outside, err := Read(strings.NewReader(in))
	if err != nil || len(acks) != 2 || len(outside) != 1 || outside[0].Kind() != "unexpected" || outside[0].SegmentID != "ST" {
		t.Fatalf("err %v, %d acks, outside %v", err, len(acks), outside)
	}
}

// TestHierarchy: a level whose parent is not the level above is read with a
// finding, and a patient with no provider above is read under an empty one.
func TestHierarchy(t *testing.T) {
	bad := append([]string(nil), goodBody[:6]...)
	bad = append(bad, "HL*2*1*PT", "NM1*QC*1*DOE*JANE****MI*M1", "TRN*2*A1", "STC*A2:20*20260301*WQ*10")
	acks, _, err := Read(strings.NewReader(threeAcks(bad)))
	if err != nil {
		t.Fatal(err)
	}
	got := findingsOf(acks[1:2], nil)
	if strings.Join(got, "|") != "unexpected HL02|out_of_place HL03" {
		t.Errorf("findings %v", got)
	}
	if cs := acks[1].Claims(); len(cs) != 1 || cs[0].ClaimID != "A1" || !cs[0].Accepted {
		t.Errorf("claims %+v", cs)
	}
}
