package x214

import (
	"bytes"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/x12"
	"github.com/perdiem/perdiem/x12/x222"
)

// sample837 is the home infusion 837P sample of the repository: one
// claim of four lines, the second with an NDC.
func sample837(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../../testdata/x12/837p/synthetic__home-infusion-good.x12")
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(strings.ReplaceAll(string(data), "\r", ""), "\n", "")
}

// twoSets makes an interchange of two transaction sets of the sample, the
// second with its claim id changed and edits applied (old → new).
func twoSets(t *testing.T, edits ...string) string {
	s := sample837(t)
	start, end := strings.Index(s, "ST*837"), strings.Index(s, "GE*")
	set2 := strings.NewReplacer("ST*837*0001", "ST*837*0002", "SE*42*0001", "SE*42*0002", "HIT20260101A", "HIT20260101B", "BHT*0019*00*HIT000001", "BHT*0019*00*HIT000002").Replace(s[start:end])
	for _, e := range edits {
		old, new, _ := strings.Cut(e, " → ")
		if !strings.Contains(set2, old) {
			t.Fatalf("%q not found", old)
		}
		set2 = strings.Replace(set2, old, new, 1)
	}
	return strings.Replace(s[:end]+set2+s[end:], "GE*1*", "GE*2*", 1)
}

// validated runs the 837P validator on in and gives its sets' verdicts as
// validate --277ca does.
func validated(t *testing.T, in string) func(int) (SetVerdict, bool) {
	t.Helper()
	rep, err := x222.Validate(strings.NewReader(in), x222.Options{Codes: codeset.Default(), Today: civil.FromYMD(2026, 2, 1)})
	if err != nil {
		t.Fatal(err)
	}
	verdicts := map[int]SetVerdict{}
	for _, g := range rep.Groups {
		for _, s := range g.Sets {
			verdicts[s.Ordinal] = SetVerdict{Control: s.Control, Accepted: s.Accepted}
		}
	}
	for _, f := range rep.Findings {
		if f.Level == x222.LevelBusiness {
			v := verdicts[f.Set]
			v.Problems = append(v.Problems, Problem{Segment: f.Segment, Loop: f.Loop, SegID: f.SegmentID, Element: f.Element, Message: f.Message})
			verdicts[f.Set] = v
		}
	}
	return func(o int) (SetVerdict, bool) { v, ok := verdicts[o]; return v, ok }
}

func answer(t *testing.T, in string, verdict func(int) (SetVerdict, bool)) (groups []Group, acks []*Ack) {
	t.Helper()
	opt := AnswerOptions{Verdict: verdict, Date: civil.FromYMD(2026, 2, 2), Time: "0930",
		ClaimNumber: func(n int) string { return ClaimNumber(42, n) },
		Reference:   func(n int) string { return fmt.Sprintf("R%d", n) }}
	err := Answer(strings.NewReader(in), opt, func(g Group) error { groups = append(groups, g); return nil },
		func(a *Ack) error { acks = append(acks, a); return nil })
	if err != nil {
		t.Fatal(err)
	}
	return groups, acks
}

// roundTrip writes acks as one 277CA interchange and reads it back.
func roundTrip(t *testing.T, acks []*Ack) ([]*Ack, string) {
	t.Helper()
	var b bytes.Buffer
	w, err := Begin(&b, Envelope{SenderID: "PAYERRCVR", ReceiverID: "HITSUBMIT", Control: 42, Date: "20260202", Time: "0930", Usage: "T"})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range acks {
		if err := w.Write(a); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.End(); err != nil {
		t.Fatal(err)
	}
	back, outside, err := Read(bytes.NewReader(b.Bytes()))
	if err != nil || len(outside) > 0 {
		t.Fatalf("%v %v", err, outside)
	}
	for _, a := range back {
		if len(a.Findings) > 0 {
			t.Fatalf("findings reading back what was written: %v\n%s", a.Findings, b.String())
		}
	}
	return back, b.String()
}

// TestAnswerRoundTrip: the 277CA Answer builds for a validated 837P, once
// written, reads back to the same claims with the same statuses, counts and
// payer claim control numbers. The first set is clean; the second has a
// claim out of balance and a bad NDC on its second line.
func TestAnswerRoundTrip(t *testing.T) {
	in := twoSets(t, "CLM*HIT20260101B*2470* → CLM*HIT20260101B*2480*", "LIN**N4*00004196501 → LIN**N4*0004196501")
	groups, acks := answer(t, in, validated(t, in))
	if len(groups) != 1 || groups[0].SenderID != "HITSUBMIT" || groups[0].AppReceiver != "PAYERRCVR" || groups[0].Usage != "T" || len(acks) != 2 {
		t.Fatalf("groups %+v, %d acks", groups, len(acks))
	}
	back, text := roundTrip(t, acks)
	if len(back) != 2 {
		t.Fatalf("%d acks read back", len(back))
	}
	for i := range acks {
		// STC12 is free text: the writer makes each message fit it.
		for _, pv := range acks[i].Sources[0].Receivers[0].Providers {
			for _, pt := range pv.Patients {
				for _, c := range pt.Claims {
					for k := range c.Statuses {
						c.Statuses[k].Message = Text(c.Statuses[k].Message, x12.DefaultDelimiters)
					}
				}
			}
		}
		want, got := acks[i].Claims(), back[i].Claims()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("set %d: read back\n%+v\nwant\n%+v\n%s", i+1, got, want, text)
		}
		if !reflect.DeepEqual(back[i].Sources[0].Receivers[0].Counts, acks[i].Sources[0].Receivers[0].Counts) {
			t.Errorf("set %d: counts differ", i+1)
		}
	}
	c1, c2 := back[0].Claims()[0], back[1].Claims()[0]
	if c1.ClaimID != "HIT20260101A" || !c1.Accepted || c1.PayerClaimControlNumber != "000000042000001" || c1.Batch != "HIT000001" {
		t.Errorf("first claim %+v", c1)
	}
	if c2.ClaimID != "HIT20260101B" || c2.Verdict != Rejected || len(c2.Codes) != 2 || c2.Codes[0].Code != "400" || c2.Codes[1].Code != "218" ||
		c2.Batch != "HIT000002" || !strings.Contains(c2.Message, "does not equal the sum") || !strings.Contains(c2.Message, "; line 2  NDC") {
		t.Errorf("second claim %+v", c2)
	}
	l := back[1].Sources[0].Receivers[0].Providers[0].Patients[0].Claims[0].Lines
	if len(l) != 1 || l[0].Procedure.Code != "J0696" || l[0].Charge.String() != "700.00" || l[0].Units != "56" || l[0].From.String() != "2026-01-01" || l[0].To.String() != "2026-01-07" {
		t.Errorf("rejected line %+v", l)
	}
}

// TestAnswerLevels: a finding at the billing provider rejects every claim
// under it with the provider as the entity (here the claim is also the
// first set's sent again: A3:78); a set the 999 rejects gets no 277CA; a
// set not validated gets none either.
func TestAnswerLevels(t *testing.T) {
	in := twoSets(t, "XX*1234567893 → XX*1234567890")
	verdict := validated(t, in)
	_, acks := answer(t, in, verdict)
	if len(acks) != 2 {
		t.Fatalf("%d acks", len(acks))
	}
	c := acks[1].Claims()[0]
	if c.Verdict != Rejected || len(c.Codes) != 2 || c.Codes[0].Category != "A7" || c.Codes[0].Code != "562" || c.Codes[0].Entity != "85" ||
		c.Codes[1].Category != "A3" || c.Codes[1].Code != "78" {
		t.Errorf("claim under a bad billing NPI: %+v", c)
	}
	if !acks[0].Claims()[0].Accepted {
		t.Errorf("the other set's claim: %+v", acks[0].Claims()[0])
	}
	_, acks = answer(t, in, func(o int) (SetVerdict, bool) {
		v, ok := verdict(o)
		v.Accepted = o == 1
		return v, ok && o != 3
	})
	if len(acks) != 1 || acks[0].Claims()[0].ClaimID != "HIT20260101A" {
		t.Errorf("only the first set is accepted: %d acks", len(acks))
	}
}

// TestAnswerRefusesAnotherFile: a set whose ST02 is not the one validated
// means the input changed between the readings.
func TestAnswerRefusesAnotherFile(t *testing.T) {
	in := sample837(t)
	err := Answer(strings.NewReader(in), AnswerOptions{
		Verdict:     func(int) (SetVerdict, bool) { return SetVerdict{Control: "9999", Accepted: true}, true },
		ClaimNumber: func(int) string { return "1" }, Reference: func(int) string { return "1" },
	}, func(Group) error { return nil }, func(*Ack) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "changed between readings") {
		t.Errorf("%v", err)
	}
}

// TestStatusRules: each business finding of the 837P validator gets the
// status code that names its data; none falls back to the generic 21.
func TestStatusRules(t *testing.T) {
	cases := []struct {
		p    Problem
		want string
	}{
		{Problem{Loop: "2300", Element: "CLM02", Message: "total charge 1.00 does not equal the sum of the line charges (SV102) 2.00"}, "A7:400"},
		{Problem{Loop: "2300", Element: "CLM02", Message: `total charge "x" is not an amount in dollars and cents`}, "A7:178"},
		{Problem{Loop: "2300", Element: "CLM01", Message: "claim id of 21 characters: receivers keep at most 20"}, "A7:512 A7:538"},
		{Problem{Loop: "2300", Element: "CLM01", Message: "CLM01 X is the patient control number of the claim at segment 9 too"}, "A3:78"},
		{Problem{Loop: "2300", Element: "", Message: "the claim repeats the claim at segment 9"}, "A3:78"},
		{Problem{Loop: "2300", Element: "CLM05-3", Message: "frequency 7 needs REF*F8"}, "A6:464"},
		{Problem{Loop: "2010AA", Element: "NM109", Message: "NPI fails"}, "A7:562:85"},
		{Problem{Loop: "2420E", Element: "NM109", Message: "NPI fails"}, "A7:562:DK"},
		{Problem{Loop: "2010AA", Element: "N301", Message: "PO box"}, "A7:503:85"},
		{Problem{Loop: "2010AA", Element: "N403", Message: "ZIP"}, "A7:500:85"},
		{Problem{Loop: "2010BA", Element: "N403", Message: "ZIP"}, "A7:500:IL"},
		{Problem{Loop: "2400", Element: "DTP03", Message: "date range 20260109-20260101 runs backwards"}, "A7:187"},
		{Problem{Loop: "2400", Element: "DTP03", Message: "service date 2027-01-01 is in the future (today is 2026-01-01)"}, "A7:510 A7:187"},
		{Problem{Loop: "2400", Element: "DTP03", Message: "service date 2026-01-09 is after the claim was created (BHT04 2026-01-02)"}, "A7:510 A7:187"},
		{Problem{Loop: "2300", Element: "HI01-2", Message: "ICD"}, "A7:254"},
		{Problem{Loop: "2300", Element: "HI02-2", Message: "ICD"}, "A7:255"},
		{Problem{Loop: "2400", Element: "SV101-2", Message: "procedure code S9500 is not valid"}, "A7:454"},
		{Problem{Loop: "2400", Element: "SV101-3", Message: "modifier"}, "A7:453"},
		{Problem{Loop: "2400", Element: "SV101-7", Message: "NOC"}, "A6:306"},
		{Problem{Loop: "2400", Element: "SV102", Message: "charge"}, "A7:583"},
		{Problem{Loop: "2400", Element: "SV104", Message: "units"}, "A7:476"},
		{Problem{Loop: "2400", Element: "SV107-2", Message: "pointer"}, "A7:477"},
		{Problem{Loop: "2410", Element: "LIN03", Message: "NDC"}, "A7:218"},
		{Problem{Loop: "2400", Element: "XX01", Message: "something new"}, "A7:21 A7:247"},
		{Problem{Loop: "2300", Element: "XX01", Message: "something new"}, "A7:21 A7:538"},
	}
	for _, c := range cases {
		var got []string
		for _, sc := range codesFor(c.p) {
			got = append(got, strings.TrimRight(sc.Category+":"+sc.Code+":"+sc.Entity, ":"))
			if sc.CodeMeaning == UnknownMeaning {
				t.Errorf("%s: code %s is on no shipped list", c.p.Element, sc.Code)
			}
		}
		if g := strings.Join(got, " "); g != c.want {
			t.Errorf("%s %q: %s, want %s", c.p.Element, c.p.Message, g, c.want)
		}
	}
}

// TestValidatorFindingsAllMapped: the business findings the 837P validator
// gives on a claim with many planted defects all get a specific status code.
func TestValidatorFindingsAllMapped(t *testing.T) {
	in := twoSets(t,
		"CLM*HIT20260101B*2470* → CLM*HIT20260101B*2480*",
		"XX*1987654328 → XX*1987654321",
		"LIN**N4*00004196501 → LIN**N4*0004196501",
		"N4*SPRINGFIELD*IL*627010000 → N4*SPRINGFIELD*IL*62701",
		"N3*100 MAIN STREET → N3*PO BOX 12",
		"HI*ABK:M8610 → HI*ABK:M86.10",
		"*1400*UN*7***1:2 → *1400*UN*9***1:3",
		"DTP*472*D8*20260101 → DTP*472*RD8*20260109-20260101",
		"SV1*HC:J3490:::::SODIUM CHLORIDE 0.9% 100 ML SEE NDC* → SV1*HC:J3490*",
		"CLM*HIT20260101B*2480***12:B:1 → CLM*HIT20260101B*2480***12:B:7",
	)
	verdict := validated(t, in)
	v, _ := verdict(2)
	if !v.Accepted || len(v.Problems) < 10 {
		t.Fatalf("set 2: accepted %v, %d problems: %+v", v.Accepted, len(v.Problems), v.Problems)
	}
	for _, p := range v.Problems {
		if cs := codesFor(p); cs[0].Code == "21" {
			t.Errorf("no specific status for %s %s: %s", p.Loop, p.Element, p.Message)
		}
	}
}

func TestText(t *testing.T) {
	d := x12.DefaultDelimiters
	if got := Text("a*b:c~d^e\nf", d); got != "a b c d e f" {
		t.Errorf("%q", got)
	}
	long := strings.Repeat("é", 200)
	if got := Text(long, d); len(got) > maxText || !strings.HasPrefix(long, got) || len(got) < maxText-1 {
		t.Errorf("%d bytes", len(got))
	}
}
