package x837p

import (
	"bytes"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/money"
)

// written builds and writes the skeleton document after mut has changed it,
// and returns the segments as "ID*el*el" strings.
func written(t *testing.T, mut func(*claim.Claim)) []string {
	t.Helper()
	cl := loadClaim(t)
	if mut != nil {
		mut(cl)
	}
	c, err := Build(cl, testOptions)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, []*Claim{c}, skeletonControl); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range segs(t, buf.Bytes()) {
		out = append(out, strings.Join(s, "*"))
	}
	return out
}

func hasPrefix(segs []string, p string) bool {
	return slices.ContainsFunc(segs, func(s string) bool { return strings.HasPrefix(s, p) })
}

// TestSituationalSegments pins the rules of docs/x12-837p.md §6 that depend
// on the document: each case changes the skeleton and names segments that
// must (and must not) appear.
func TestSituationalSegments(t *testing.T) {
	cases := []struct {
		rule      string
		mut       func(*claim.Claim)
		want, not []string
	}{
		{"6.2 subscriber is the patient: SBR02 18, 2010BA N3/N4/DMG, no 2000C", nil,
			[]string{"SBR*P*18*GRP12345******CI", "HL*2*1*22*0", "DMG*D8*19600101*F"}, []string{"PAT*", "NM1*QC", "HL*3"}},
		{"6.2 patient differs: 2000C with PAT, SBR02 empty, no DMG in 2010BA", func(c *claim.Claim) {
			c.Subscriber.Relationship = "spouse"
			c.Patient = &claim.Patient{Last: "DOE", First: "JOHN", DOB: c.Subscriber.DOB.AddDays(400), Sex: "M",
				Relationship: "spouse", Address: *c.Subscriber.Address}
		}, []string{"SBR*P**GRP12345******CI", "HL*2*1*22*1", "HL*3*2*23*0", "PAT*01", "NM1*QC*1*DOE*JOHN", "DMG*D8*19610204*M"},
			[]string{"DMG*D8*19600101"}},
		{"6.2 child is PAT01 19", func(c *claim.Claim) {
			c.Patient = &claim.Patient{Last: "DOE", First: "JIM", DOB: *c.Subscriber.DOB, Sex: "M",
				Relationship: "child", Address: *c.Subscriber.Address}
		}, []string{"PAT*19"}, nil},
		{"6.4 rendering equal to billing: no 2310B", func(c *claim.Claim) {
			c.Rendering.NPI = c.BillingProvider.NPI
		}, nil, []string{"NM1*82", "PRV*PE"}},
		{"6.4 rendering without taxonomy: NM1*82 without PRV*PE", func(c *claim.Claim) {
			c.Rendering.Taxonomy = ""
		}, []string{"NM1*82*1*NURSE*NANCY****XX*1987654328"}, []string{"PRV*PE"}},
		{"6.5 frequency 7: CLM05-3 7 and REF*F8", func(c *claim.Claim) {
			c.Frequency, c.OriginalRef = "7", "PAYERCLM77"
		}, []string{"CLM*HIT20260101A*2470***12:B:7*Y*A*Y*Y", "REF*F8*PAYERCLM77"}, nil},
		{"6.5 original claim: no REF*F8", nil, []string{"CLM*HIT20260101A*2470***12:B:1"}, []string{"REF*F8"}},
		{"6.6 SV105 only on a line whose POS differs from CLM05-1", func(c *claim.Claim) {
			c.Lines[1].POS = "11"
		}, []string{"SV1*HC:99601*300*UN*1*11**1", "SV1*HC:S9500*1400*UN*7***1:2"}, nil},
		{"CLM05-1 is the per diem lines' POS even when more lines have another", func(c *claim.Claim) {
			for i := 1; i < len(c.Lines); i++ {
				c.Lines[i].POS = "49"
			}
		}, []string{"CLM*HIT20260101A*2470***12:B:1", "SV1*HC:99601*300*UN*1*49**1"}, nil},
		{"6.7 SV101-7 description on the NOC code only", nil,
			[]string{"SV1*HC:J3490:::::SODIUM CHLORIDE 0.9% 100 ML SEE NDC*70*UN*1***1", "SV1*HC:J0696*700*UN*56***1"}, nil},
		{"modifiers go in SV101-3…6", func(c *claim.Claim) {
			c.Lines[0].Modifiers = []string{"SH"}
		}, []string{"SV1*HC:S9500:SH*1400*UN*7***1:2"}, nil},
		{"6.8 drug line with NDC: LIN N4 and CTP", nil, []string{"LIN**N4*00338004938", "CTP****700*ML"}, nil},
		{"6.8 drug line without NDC: no 2410", func(c *claim.Claim) {
			c.Lines[2].NDC = ""
		}, nil, []string{"LIN**N4*00004196501"}},
		{"6.9 HI ABK then ABF, no dots; 6.10 CLM02 is the sum of SV102", nil,
			[]string{"HI*ABK:M8610*ABF:Z452", "CLM*HIT20260101A*2470*"}, nil},
		{"per diem lines point at up to four diagnoses", func(c *claim.Claim) {
			c.Diagnoses = []string{"M86.10", "Z45.2", "B95.61", "Z79.2", "I10"}
		}, []string{"SV1*HC:S9500*1400*UN*7***1:2:3:4", "HI*ABK:M8610*ABF:Z452*ABF:B9561*ABF:Z792*ABF:I10"}, nil},
		{"6.11 D8 for one day, RD8 for a span", nil, []string{"DTP*472*D8*20260101", "DTP*472*RD8*20260101-20260107"}, nil},
		{"2420E ordering provider on drug lines only", func(c *claim.Claim) {
			c.Ordering = &claim.Person{NPI: "1679576722", Last: "Welby", First: "Marcus"}
		}, []string{"NM1*DK*1*WELBY*MARCUS****XX*1679576722"}, nil},
		{"PER without email", func(c *claim.Claim) {
			c.Submitter.Contact.Email = ""
		}, []string{"PER*IC*BILLING OFFICE*TE*5555551234"}, []string{"PER*IC*BILLING OFFICE*TE*5555551234*EM"}},
		{"no NTE without a note, no REF*G1 without prior auth", func(c *claim.Claim) {
			c.Note, c.PriorAuth = "", ""
		}, nil, []string{"NTE*", "REF*G1"}},
	}
	for _, tc := range cases {
		t.Run(tc.rule, func(t *testing.T) {
			got := written(t, tc.mut)
			for _, w := range tc.want {
				if !hasPrefix(got, w) {
					t.Errorf("no segment %s in\n%s", w, strings.Join(got, "\n"))
				}
			}
			for _, n := range tc.not {
				if hasPrefix(got, n) {
					t.Errorf("segment %s should not be there", n)
				}
			}
		})
	}
	// The ordering provider goes on the two drug lines, not on the others.
	got := written(t, func(c *claim.Claim) {
		c.Ordering = &claim.Person{NPI: "1679576722", Last: "WELBY"}
	})
	n := 0
	for _, s := range got {
		if strings.HasPrefix(s, "NM1*DK") {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d NM1*DK segments, want 2 (one per drug line)", n)
	}
}

// TestBuildProblems pins the errors Build reports, each at its path in the
// claim (coding.InDocument maps them to the episode document).
func TestBuildProblems(t *testing.T) {
	cases := []struct {
		rule string
		mut  func(*claim.Claim)
		path string
	}{
		{"a negative charge", func(c *claim.Claim) {
			c.Lines[2].Charge = -1
			c.Total = 1699
		}, "lines[2].charge"},
		{"NOC drug without description", func(c *claim.Claim) {
			c.Lines[3].Description = ""
		}, "lines[3].description"},
		{"NOC description longer than 80", func(c *claim.Claim) {
			c.Lines[3].Description = strings.Repeat("X", 81)
		}, "lines[3].description"},
		{"delimiter in data", func(c *claim.Claim) {
			c.Note = "Q24H*7"
		}, "note"},
		{"frequency 8 needs the original claim number", func(c *claim.Claim) {
			c.Frequency = "8"
		}, "original_ref"},
		{"CLM01 at most 20 characters", func(c *claim.Claim) {
			c.ID = strings.Repeat("A", 21)
		}, "id"},
		{"submitter contact needs a phone or email", func(c *claim.Claim) {
			c.Submitter.Contact = claim.Contact{Name: "BILLING"}
		}, "submitter.contact"},
		{"interchange sender id at most 15 characters", func(c *claim.Claim) {
			c.Submitter.ID = strings.Repeat("S", 16)
		}, "submitter.id"},
		{"billing provider ZIP+4", func(c *claim.Claim) {
			c.BillingProvider.Address.Zip = "62701"
		}, "billing_provider.address.zip"},
		{"billing provider street address, not a box", func(c *claim.Claim) {
			c.BillingProvider.Address.Line1 = "PO BOX 12"
		}, "billing_provider.address"},
		{"at most 12 diagnoses", func(c *claim.Claim) {
			c.Diagnoses = slices.Repeat([]string{"Z45.2"}, 13)
		}, "diagnoses"},
		{"a diagnosis that is not ICD-10-CM", func(c *claim.Claim) {
			c.Diagnoses[1] = "250.00"
		}, "diagnoses[1]"},
		{"filing indicator from the one list", func(c *claim.Claim) {
			c.Payer.Filing = "XX"
		}, "payer.filing"},
		{"a patient apart from the subscriber is not self", func(c *claim.Claim) {
			c.Patient = &claim.Patient{Last: "DOE", First: "JIM", DOB: *c.Subscriber.DOB, Sex: "M", Relationship: "self",
				Address: *c.Subscriber.Address}
		}, "patient.relationship"},
		{"NDC unit must be a CTP05 code", func(c *claim.Claim) {
			c.Lines[2].NDCUnit = "XX"
		}, "lines[2].ndc_unit"},
		{"every line has an id", func(c *claim.Claim) {
			c.Lines[0].ID = ""
		}, "lines[0].id"},
		{"line ids are unique", func(c *claim.Claim) {
			c.Lines[1].ID = c.Lines[0].ID
		}, "lines[1].id"},
		{"a charge beyond what X12 carries", func(c *claim.Claim) {
			c.Lines[1].Charge = money.Max + 1
		}, "lines[1].charge"},
		{"line charges whose sum is beyond what X12 carries", func(c *claim.Claim) {
			c.Lines[0].Charge, c.Lines[1].Charge = money.Max, money.Max
		}, "total"},
		{"a total that is not the sum of the lines", func(c *claim.Claim) {
			c.Total++
		}, "total"},
		{"nothing coded", func(c *claim.Claim) {
			c.Lines = nil
		}, "lines"},
	}
	for _, tc := range cases {
		t.Run(tc.rule, func(t *testing.T) {
			cl := loadClaim(t)
			tc.mut(cl)
			c, err := Build(cl, testOptions)
			if errs.CodeOf(err) != errs.Invalid {
				t.Fatalf("Build = %v, %v; want an invalid error", c, err)
			}
			probs := errs.ProblemsOf(err)
			if !slices.ContainsFunc(probs, func(p errs.Problem) bool { return p.Path == tc.path }) {
				t.Errorf("problems %v; want one at %s", probs, tc.path)
			}
		})
	}
}

// The code set comes in through Options; Build never falls back to a
// default of its own.
func TestBuildNeedsTheCodeSet(t *testing.T) {
	c, err := Build(loadClaim(t), Options{})
	if c != nil || errs.CodeOf(err) != errs.Internal {
		t.Errorf("Build without a code set = %v, %v; want an internal error", c, err)
	}
}

func TestSplitKeepsLimitsAndTotals(t *testing.T) {
	cl := loadClaim(t)
	base := cl.Lines[0]
	cl.Lines, cl.Total = nil, 0
	for i := range 120 {
		l := base
		l.ID = cl.ID + "-" + strconv.Itoa(i+1)
		l.From, l.To = base.From.AddDays(i), base.From.AddDays(i)
		l.Units, l.Charge = 1, 20000
		cl.Lines = append(cl.Lines, l)
		cl.Total += l.Charge
	}
	c, err := Build(cl, testOptions)
	if err != nil {
		t.Fatal(err)
	}
	if err := Write(&bytes.Buffer{}, []*Claim{c}, skeletonControl); !errors.Is(err, ErrTooManyLines) {
		t.Errorf("writing 120 lines in one claim: %v, want ErrTooManyLines", err)
	}
	parts, err := Split(c)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	var total money.Amount
	seen := map[string]bool{}
	for _, p := range parts {
		ids = append(ids, p.ID)
		total += p.Total
		if lt, err := p.LineTotal(); err != nil || p.Total != lt {
			t.Errorf("%s: total %s ≠ lines %s (%v)", p.ID, p.Total, lt, err)
		}
		for _, l := range p.Lines {
			if seen[l.ControlNum] {
				t.Errorf("line control number %s repeated", l.ControlNum)
			}
			seen[l.ControlNum] = true
		}
	}
	if strings.Join(ids, " ") != "HIT20260101A-1 HIT20260101A-2 HIT20260101A-3" {
		t.Errorf("split ids %v", ids)
	}
	if n := []int{len(parts[0].Lines), len(parts[1].Lines), len(parts[2].Lines)}; !slices.Equal(n, []int{50, 50, 20}) {
		t.Errorf("lines per part %v, want 50 50 20", n)
	}
	if total != 120*20000 {
		t.Errorf("split totals add to %s, want 24000", total)
	}
	if err := Write(&bytes.Buffer{}, parts, skeletonControl); err != nil {
		t.Errorf("writing the parts: %v", err)
	}
	c.ID = "ABCDEFGHIJKLMNOPQRS"
	if _, err := Split(c); err == nil {
		t.Error("Split accepted ids longer than 20 characters")
	}
}
