package x214

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/x12"
)

// claimWant is what a sample is known to say of one claim: its patient
// control number, verdict, status composites (category:code:entity, with
// the lines' after the claim's) and payer claim control number.
type claimWant struct {
	id, verdict, codes, icn string
}

func claimsOf(acks []*Ack) []claimWant {
	var out []claimWant
	for _, a := range acks {
		for _, c := range a.Claims() {
			var codes []string
			for _, sc := range c.Codes {
				codes = append(codes, strings.TrimRight(sc.Category+":"+sc.Code+":"+sc.Entity, ":"))
			}
			out = append(out, claimWant{c.ClaimID, string(c.Verdict), strings.Join(codes, " "), c.PayerClaimControlNumber})
		}
	}
	return out
}

func findingsOf(acks []*Ack, outside []*Error) []string {
	var out []string
	for _, f := range outside {
		out = append(out, f.Kind()+" "+f.where())
	}
	for _, a := range acks {
		for _, f := range a.Findings {
			out = append(out, f.Kind()+" "+f.where())
		}
	}
	return out
}

// TestSamples reads the public 277CA samples; what each says of its claims
// was read off the files by hand.
func TestSamples(t *testing.T) {
	cases := []struct {
		file     string
		claims   []claimWant
		findings []string
	}{
		{"oopfactory__FromAlexbrodsky.x12", []claimWant{
			// A7 rejects though STC03 says WQ: the category decides.
			{"3920394930203", "rejected", "A7:562:85", "1107000000001120"},
		}, nil},
		{"oopfactory__277_Deidentified_from_nth.x12", []claimWant{
			// De-identified categories (X9) are on no list; STC03 U rejects.
			// Three STCs, the third repeating the first: each code once.
			{"99999999-99999", "rejected", "X9:999:99 X9:999:XX", ""},
			{"99999999-99999", "rejected", "X9:999:99 X9:999:XX", ""},
			{"99999999-99999", "rejected", "X9:999:99 X9:999:XX", ""},
		}, nil},
		{"x12org-via-opendental__005010x214-example-1.edi", []claimWant{
			{"4001/1339", "received", "A0:16:PR", "22029500123407X"},
			// The 2220D line's STC carries two composites: STC01 and STC10.
			{"2890/4", "rejected", "A3:21:82 A3:122 A3:153:82", ""},
			{"00000000000000000000", "rejected", "A3:401", ""},
		}, nil},
		{"x12org-via-opendental__005010x214-example-2.edi", nil,
			[]string{"envelope SE02"}},
		{"x12org-via-opendental__005010x214-example-3.edi", []claimWant{
			{"PATIENT22222", "accepted", "A2:20:PR", "220216359803X"},
			{"PATIENT33333", "rejected", "A3:187:PR", ""},
			{"JONES44444", "rejected", "A3:21:77", ""},
			{"JONHSON55555", "accepted", "A2:20:PR", "220216359806X"},
			{"MILLS66666", "accepted", "A2:20:PR", "220216359807X"},
		}, nil},
		{"x12org-via-opendental__005010x214-example-4.edi", []claimWant{
			{"PATIENT22222", "accepted", "A2:20:PR", "220216359803X"},
			{"PATIENT33333", "rejected", "A3:187:PR", ""},
			{"JONES44444", "rejected", "A3:116", ""},
			{"JOHNSON55555", "accepted", "A2:20:PR", "220216359806X"},
			{"MILLS66666", "accepted", "A2:20:PR", "200216359807X"},
		}, nil},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", c.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			acks, outside, err := Read(f)
			if err != nil {
				t.Fatal(err)
			}
			if got := claimsOf(acks); !equal(got, c.claims) {
				t.Errorf("claims\n got %v\nwant %v", got, c.claims)
			}
			if got := findingsOf(acks, outside); strings.Join(got, "|") != strings.Join(c.findings, "|") {
				t.Errorf("findings %v, want %v", got, c.findings)
			}
		})
	}
}

func equal(a, b []claimWant) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestNotFixedWidthISA: the Latitude81uk sample's ISA12 has six characters,
// so its ISA is not the fixed 106 and its delimiters cannot be trusted: the
// reader stops at the ISA with a positioned error, reading nothing.
func TestNotFixedWidthISA(t *testing.T) {
	f, err := os.Open("testdata/oopfactory__FromLatitude81uk.x12")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	acks, _, err := Read(f)
	var se *x12.SyntaxError
	if !errors.As(err, &se) || !errors.Is(err, x12.ErrBadISA) || se.Pos.Segment != 1 || len(acks) != 0 {
		t.Fatalf("acks %d, err %v; want a malformed ISA at segment 1", len(acks), err)
	}
}

// TestBatchAndProviderLevels reads the levels above the claims of TR3
// example 4: the source, the receiver's batch with its counts, and a
// provider rejected as a whole (A3:24:85, not an approved submitter).
func TestBatchAndProviderLevels(t *testing.T) {
	f, err := os.Open("testdata/x12org-via-opendental__005010x214-example-4.edi")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	acks, _, err := Read(f)
	if err != nil || len(acks) != 1 {
		t.Fatal(err, len(acks))
	}
	a := acks[0]
	if a.Reference != "277X2140004" || a.CreatedDate == nil || a.CreatedDate.String() != "2006-03-21" {
		t.Errorf("BHT: %q %v", a.Reference, a.CreatedDate)
	}
	src := a.Sources[0]
	if src.Name.Entity != "PR" || src.Name.ID != "OIC02" || src.Trace != "00911232" || src.Received.String() != "2006-03-20" || src.Processed.String() != "2006-03-21" {
		t.Errorf("source %+v", src)
	}
	rc := src.Receivers[0]
	if rc.Batch != "200203207890" || rc.Name.ID != "S00005" || *rc.AcceptedClaims != 3 || *rc.RejectedClaims != 5 ||
		rc.AcceptedAmount.String() != "155.00" || rc.RejectedAmount.String() != "300.00" {
		t.Errorf("receiver %+v", rc)
	}
	if len(rc.Statuses) != 1 || rc.Statuses[0].Codes[0].Category != "A1" || rc.Statuses[0].Action != "WQ" || rc.Statuses[0].Amount.String() != "455.00" {
		t.Errorf("batch status %+v", rc.Statuses)
	}
	if len(rc.Providers) != 2 {
		t.Fatalf("%d providers", len(rc.Providers))
	}
	p2 := rc.Providers[1]
	if p2.Name.ID != "567012345" || len(p2.Patients) != 0 || len(p2.Statuses) != 1 || p2.Statuses[0].Action != "U" ||
		p2.Statuses[0].Codes[0].Code != "24" || p2.Statuses[0].Codes[0].EntityName != "billing provider" || *p2.RejectedClaims != 3 {
		t.Errorf("rejected provider %+v", p2)
	}
	c := rc.Providers[0].Patients[0].Claims[0]
	if c.From == nil || c.From.String() != "2006-03-14" || *c.To != *c.From || c.Statuses[0].Amount.String() != "55.00" {
		t.Errorf("claim %+v", c)
	}
}

// TestServiceLine reads the 2220D of TR3 example 1: the SV1 echo, the
// line's status and its line item control number.
func TestServiceLine(t *testing.T) {
	f, err := os.Open("testdata/x12org-via-opendental__005010x214-example-1.edi")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	acks, _, err := Read(f)
	if err != nil {
		t.Fatal(err)
	}
	c := acks[0].Sources[0].Receivers[0].Providers[0].Patients[1].Claims[0]
	if len(c.Lines) != 1 {
		t.Fatalf("%d lines", len(c.Lines))
	}
	l := c.Lines[0]
	if l.Procedure.Qualifier != "HC" || l.Procedure.Code != "22305" || strings.Join(l.Procedure.Modifiers, ",") != "22" ||
		l.Charge.String() != "350.00" || l.Units != "1" || l.ControlNumber != "11" || l.Statuses[0].Action != "U" {
		t.Errorf("line %+v", l)
	}
	if c.From.String() != "2006-01-15" {
		t.Errorf("claim dates %v", c.From)
	}
}

// TestMeanings: the codes are explained from the shipped lists, and a code
// on none is kept and shown as unknown.
func TestMeanings(t *testing.T) {
	sc := NewStatusCode("A7", "562", "85")
	if !strings.HasPrefix(sc.CategoryMeaning, "Acknowledgement/Rejected for Invalid Information") ||
		!strings.HasPrefix(sc.CodeMeaning, "Entity's National Provider Identifier (NPI)") || sc.EntityName != "billing provider" {
		t.Errorf("%+v", sc)
	}
	if m, _ := StatusMeaning("20"); m != "Accepted for processing." {
		t.Errorf("20: %q", m)
	}
	sc = NewStatusCode("E9", "122", "ZZ")
	if sc.Category != "E9" || sc.Code != "122" || sc.CategoryMeaning != "unknown" || sc.CodeMeaning != "unknown" || sc.EntityName != "unknown" {
		t.Errorf("unknown codes: %+v", sc)
	}
	if n := len(categories()); n != 9 {
		t.Errorf("%d categories, want A0-A8", n)
	}
	if n := len(statuses()); n != 666 {
		t.Errorf("%d status codes, want the 666 of data/SOURCES.md", n)
	}
}

// TestVerdicts pins the rule that sums a claim's statuses up.
func TestVerdicts(t *testing.T) {
	st := func(action string, cats ...string) Status {
		s := Status{Action: action}
		for _, c := range cats {
			s.Codes = append(s.Codes, StatusCode{Category: c})
		}
		return s
	}
	cases := []struct {
		statuses []Status
		want     Verdict
	}{
		{[]Status{st("WQ", "A2")}, Accepted},
		{[]Status{st("WQ", "A5")}, Accepted},
		{[]Status{st("WQ", "A2"), st("WQ", "A7")}, Rejected},
		{[]Status{st("WQ", "A7")}, Rejected},
		{[]Status{st("U", "A1")}, Rejected},
		{[]Status{st("WQ", "A3", "A6")}, Rejected},
		{[]Status{st("WQ", "A8")}, Rejected},
		{[]Status{st("WQ", "A4")}, NotFound},
		{[]Status{st("WQ", "A0")}, Received},
		{[]Status{st("WQ", "A1")}, Received},
		{[]Status{st("WQ", "E0")}, Unknown},
		{nil, Unknown},
	}
	for _, c := range cases {
		if got, _ := verdictOf(c.statuses); got != c.want {
			t.Errorf("%+v: %s, want %s", c.statuses, got, c.want)
		}
	}
}

// TestReadClaims: the flat form gives every claim of the file with the
// category that decided its verdict, and the findings of the file.
func TestReadClaims(t *testing.T) {
	for _, c := range []struct {
		file string
		want string
	}{
		{"x12org-via-opendental__005010x214-example-1.edi", "4001/1339 received A0 false|2890/4 rejected A3 false|00000000000000000000 rejected A3 false"},
		{"x12org-via-opendental__005010x214-example-3.edi", "PATIENT22222 accepted A2 true|PATIENT33333 rejected A3 false|JONES44444 rejected A3 false|JONHSON55555 accepted A2 true|MILLS66666 accepted A2 true"},
		{"oopfactory__277_Deidentified_from_nth.x12", "99999999-99999 rejected X9 false|99999999-99999 rejected X9 false|99999999-99999 rejected X9 false"},
	} {
		f, err := os.Open(filepath.Join("testdata", c.file))
		if err != nil {
			t.Fatal(err)
		}
		claims, findings, err := ReadClaims(f)
		f.Close()
		if err != nil || len(findings) > 0 {
			t.Fatalf("%s: %v %v", c.file, err, findings)
		}
		var got []string
		for _, cl := range claims {
			got = append(got, fmt.Sprintf("%s %s %s %v", cl.ClaimID, cl.Verdict, cl.Category, cl.Accepted))
			if cl.Category == "X9" && cl.CategoryMeaning != UnknownMeaning || cl.Category == "A2" && !strings.HasPrefix(cl.CategoryMeaning, "Acknowledgement/Acceptance") {
				t.Errorf("%s: category %s means %q", c.file, cl.Category, cl.CategoryMeaning)
			}
		}
		if g := strings.Join(got, "|"); g != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.file, g, c.want)
		}
	}
	claims, findings, err := ReadClaims(strings.NewReader(strings.Replace(threeAcks(goodBody), "SE*31*0002", "SE*30*0002", 1)))
	if err != nil || len(claims) != 6 || len(findings) != 1 || findings[0].Kind() != "envelope" {
		t.Errorf("%d claims, findings %v, %v", len(claims), findings, err)
	}
}
