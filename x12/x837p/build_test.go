package x837p

import (
	"bytes"
	"errors"
	"github.com/perdiem/perdiem/money"
	"slices"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/episode"
)

// written builds and writes the skeleton document after mut has changed it,
// and returns the segments as "ID*el*el" strings.
func written(t *testing.T, mut func(*episode.Document, *claim.Result)) []string {
	t.Helper()
	doc, res := loadDoc(t, "home-infusion.json"), skeletonLines()
	if mut != nil {
		mut(doc, res)
	}
	c, err := Build(doc, res)
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
		mut       func(*episode.Document, *claim.Result)
		want, not []string
	}{
		{"6.2 subscriber is the patient: SBR02 18, 2010BA N3/N4/DMG, no 2000C", nil,
			[]string{"SBR*P*18*GRP12345******CI", "HL*2*1*22*0", "DMG*D8*19600101*F"}, []string{"PAT*", "NM1*QC", "HL*3"}},
		{"6.2 patient differs: 2000C with PAT, SBR02 empty, no DMG in 2010BA", func(d *episode.Document, _ *claim.Result) {
			d.Claim.Subscriber.Relationship = "spouse"
			d.Claim.Patient = &episode.Patient{Last: "DOE", First: "JOHN", DOB: d.Claim.Subscriber.DOB.AddDays(400), Sex: "M",
				Relationship: "spouse", Address: *d.Claim.Subscriber.Address}
		}, []string{"SBR*P**GRP12345******CI", "HL*2*1*22*1", "HL*3*2*23*0", "PAT*01", "NM1*QC*1*DOE*JOHN", "DMG*D8*19610204*M"},
			[]string{"DMG*D8*19600101"}},
		{"6.2 child is PAT01 19", func(d *episode.Document, _ *claim.Result) {
			d.Claim.Patient = &episode.Patient{Last: "DOE", First: "JIM", DOB: *d.Claim.Subscriber.DOB, Sex: "M",
				Relationship: "child", Address: *d.Claim.Subscriber.Address}
		}, []string{"PAT*19"}, nil},
		{"6.4 rendering equal to billing: no 2310B", func(d *episode.Document, _ *claim.Result) {
			d.Claim.Rendering.NPI = d.Claim.BillingProvider.NPI
		}, nil, []string{"NM1*82", "PRV*PE"}},
		{"6.4 rendering without taxonomy: NM1*82 without PRV*PE", func(d *episode.Document, _ *claim.Result) {
			d.Claim.Rendering.Taxonomy = ""
		}, []string{"NM1*82*1*NURSE*NANCY****XX*1987654328"}, []string{"PRV*PE"}},
		{"6.5 frequency 7: CLM05-3 7 and REF*F8", func(d *episode.Document, _ *claim.Result) {
			d.Claim.Frequency, d.Claim.OriginalRef = "7", "PAYERCLM77"
		}, []string{"CLM*HIT20260101A*2470***12:B:7*Y*A*Y*Y", "REF*F8*PAYERCLM77"}, nil},
		{"6.5 original claim: no REF*F8", nil, []string{"CLM*HIT20260101A*2470***12:B:1"}, []string{"REF*F8"}},
		{"6.6 SV105 only on a line whose POS differs from CLM05-1", func(_ *episode.Document, r *claim.Result) {
			r.Lines[1].POS = "11"
		}, []string{"SV1*HC:99601*300*UN*1*11**1", "SV1*HC:S9500*1400*UN*7***1:2"}, nil},
		{"CLM05-1 is the per diem lines' POS even when more lines have another", func(_ *episode.Document, r *claim.Result) {
			for i := 1; i < len(r.Lines); i++ {
				r.Lines[i].POS = "49"
			}
		}, []string{"CLM*HIT20260101A*2470***12:B:1", "SV1*HC:99601*300*UN*1*49**1"}, nil},
		{"6.7 SV101-7 description on the NOC code only", nil,
			[]string{"SV1*HC:J3490:::::SODIUM CHLORIDE 0.9% 100 ML SEE NDC*70*UN*1***1", "SV1*HC:J0696*700*UN*56***1"}, nil},
		{"modifiers go in SV101-3…6", func(_ *episode.Document, r *claim.Result) {
			r.Lines[0].Modifiers = []string{"SH"}
		}, []string{"SV1*HC:S9500:SH*1400*UN*7***1:2"}, nil},
		{"6.8 drug line with NDC: LIN N4 and CTP", nil, []string{"LIN**N4*00338004938", "CTP****700*ML"}, nil},
		{"6.8 drug line without NDC: no 2410", func(_ *episode.Document, r *claim.Result) {
			r.Lines[2].NDC = ""
		}, nil, []string{"LIN**N4*00004196501"}},
		{"6.9 HI ABK then ABF, no dots; 6.10 CLM02 is the sum of SV102", nil,
			[]string{"HI*ABK:M8610*ABF:Z452", "CLM*HIT20260101A*2470*"}, nil},
		{"per diem lines point at up to four diagnoses", func(d *episode.Document, _ *claim.Result) {
			d.Claim.Diagnoses = []string{"M86.10", "Z45.2", "B95.61", "Z79.2", "I10"}
		}, []string{"SV1*HC:S9500*1400*UN*7***1:2:3:4", "HI*ABK:M8610*ABF:Z452*ABF:B9561*ABF:Z792*ABF:I10"}, nil},
		{"6.11 D8 for one day, RD8 for a span", nil, []string{"DTP*472*D8*20260101", "DTP*472*RD8*20260101-20260107"}, nil},
		{"2420E ordering provider on drug lines only", func(d *episode.Document, _ *claim.Result) {
			d.Claim.Ordering = &episode.Person{NPI: "1679576722", Last: "Welby", First: "Marcus"}
		}, []string{"NM1*DK*1*WELBY*MARCUS****XX*1679576722"}, nil},
		{"PER without email", func(d *episode.Document, _ *claim.Result) {
			d.Claim.BillingProvider.Contact.Email = ""
		}, []string{"PER*IC*BILLING OFFICE*TE*5555551234"}, []string{"PER*IC*BILLING OFFICE*TE*5555551234*EM"}},
		{"no NTE without a note, no REF*G1 without prior auth", func(d *episode.Document, _ *claim.Result) {
			d.Claim.Note, d.Claim.PriorAuth = "", ""
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
	got := written(t, func(d *episode.Document, _ *claim.Result) {
		d.Claim.Ordering = &episode.Person{NPI: "1679576722", Last: "WELBY"}
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

// TestBuildProblems pins the errors Build reports, each at its field path.
func TestBuildProblems(t *testing.T) {
	cases := []struct {
		rule string
		mut  func(*episode.Document, *claim.Result)
		path string
	}{
		{"a code without a charge names claim.charges.CODE", func(d *episode.Document, _ *claim.Result) {
			delete(d.Claim.Charges, "J0696")
		}, "claim.charges.J0696"},
		{"NOC drug without description points at the drug entry", func(_ *episode.Document, r *claim.Result) {
			r.Lines[3].Description = ""
		}, "drugs[1].description"},
		{"NOC description longer than 80", func(_ *episode.Document, r *claim.Result) {
			r.Lines[3].Description = strings.Repeat("X", 81)
		}, "drugs[1].description"},
		{"delimiter in data", func(d *episode.Document, _ *claim.Result) {
			d.Claim.Note = "Q24H*7"
		}, "claim.note"},
		{"frequency 8 needs the original claim number", func(d *episode.Document, _ *claim.Result) {
			d.Claim.Frequency = "8"
		}, "claim.original_ref"},
		{"CLM01 at most 20 characters", func(d *episode.Document, _ *claim.Result) {
			d.Claim.ID = strings.Repeat("A", 21)
		}, "claim.id"},
		{"submitter contact needs a phone or email", func(d *episode.Document, _ *claim.Result) {
			d.Claim.BillingProvider.Contact = nil
		}, "claim.billing_provider.contact"},
		{"billing provider ZIP+4", func(d *episode.Document, _ *claim.Result) {
			d.Claim.BillingProvider.Address.Zip = "62701"
		}, "claim.billing_provider.address.zip"},
		{"billing provider street address, not a box", func(d *episode.Document, _ *claim.Result) {
			d.Claim.BillingProvider.Address.Line1 = "PO BOX 12"
		}, "claim.billing_provider.address"},
		{"at most 12 diagnoses", func(d *episode.Document, _ *claim.Result) {
			d.Claim.Diagnoses = slices.Repeat([]string{"Z45.2"}, 13)
		}, "claim.diagnoses"},
		{"NDC unit must be a CTP05 code", func(_ *episode.Document, r *claim.Result) {
			r.Lines[2].NDCUnit = "XX"
		}, "lines[2].ndc_unit"},
		{"a charge beyond what X12 carries", func(_ *episode.Document, r *claim.Result) {
			r.Lines[1].Units = 1e15
		}, "claim.charges.99601"},
		{"nothing coded", func(_ *episode.Document, r *claim.Result) {
			r.Lines = nil
		}, "claim"},
	}
	for _, tc := range cases {
		t.Run(tc.rule, func(t *testing.T) {
			doc, res := loadDoc(t, "home-infusion.json"), skeletonLines()
			tc.mut(doc, res)
			c, err := Build(doc, res)
			var pe *episode.Error
			if !errors.As(err, &pe) {
				t.Fatalf("Build = %v, %v; want *episode.Error", c, err)
			}
			if !slices.ContainsFunc(pe.Problems, func(p episode.Problem) bool { return p.Path == tc.path }) {
				t.Errorf("problems %v; want one at %s", pe.Problems, tc.path)
			}
		})
	}
}

func TestSplitKeepsLimitsAndTotals(t *testing.T) {
	doc, res := loadDoc(t, "home-infusion.json"), skeletonLines()
	base := res.Lines[0]
	res.Lines = nil
	for i := range 120 {
		l := base
		l.From, l.To = base.From.AddDays(i), base.From.AddDays(i)
		l.Units = 1
		res.Lines = append(res.Lines, l)
	}
	c, err := Build(doc, res)
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
