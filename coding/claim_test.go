package coding

import (
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/episode"
	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/money"
)

// sampleDoc is the document of the validated 837P sample; the X12 tests
// build its claim from sampleClaim.
const (
	sampleDoc   = "../x12/x837p/testdata/home-infusion.json"
	sampleClaim = "../x12/x837p/testdata/home-infusion.claim.json"
)

func decodeFile(t *testing.T, path string, edit func(*episode.Document)) (*episode.Document, *claim.Result) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := episode.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(doc)
	}
	res, err := Code(doc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return doc, res
}

// The header of the claim is the document's claim block, with the
// envelope parties drawn from it; the X12 tests rely on this fixture.
func TestClaimHeaderFromTheDocument(t *testing.T) {
	doc, res := decodeFile(t, sampleDoc, nil)
	got, err := Claim(doc, res)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(sampleClaim)
	if err != nil {
		t.Fatal(err)
	}
	var want claim.Claim
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	header := func(c claim.Claim) string {
		c.Lines, c.Warnings = nil, nil
		b, _ := json.MarshalIndent(c, "", " ")
		return string(b)
	}
	if g, w := header(*got), header(want); g != w {
		t.Errorf("header\n%s\nwant\n%s", g, w)
	}
	if got.Submitter.Name != "ACME HOME INFUSION" || got.Submitter.ID != "HITSUBMIT" || got.Receiver.ID != "PAYERRCVR" ||
		got.Submitter.Contact.Phone != "555-555-1234" {
		t.Errorf("envelope parties %+v %+v", got.Submitter, got.Receiver)
	}
	// The claim shares nothing with the document it came from.
	doc.Claim.Diagnoses[0], doc.Claim.Rendering.NPI = "X", "X"
	*doc.Claim.Subscriber.DOB = 0
	doc.Claim.Subscriber.Address.Line1 = "X"
	if got.Diagnoses[0] == "X" || got.Rendering.NPI == "X" || *got.Subscriber.DOB == 0 || got.Subscriber.Address.Line1 == "X" {
		t.Error("the claim aliases the document")
	}
}

// Each line gets the id an 835 answers with (REF*6R) and its charge: units
// × the charge per unit, exact. The total is their sum.
func TestClaimLineIDsAndCharges(t *testing.T) {
	doc, res := decodeFile(t, sampleDoc, func(d *episode.Document) {
		d.Claim.Charges["S9500"] = 199.99 * 100 // 199.99 a day
	})
	c, err := Claim(doc, res)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	charges := map[string]money.Amount{}
	for _, l := range c.Lines {
		ids = append(ids, l.ID)
		charges[l.Code] = l.Charge
	}
	if w := "HIT20260101A-1 HIT20260101A-2 HIT20260101A-3 HIT20260101A-4"; strings.Join(ids, " ") != w {
		t.Errorf("line ids %v, want %s", ids, w)
	}
	// S9500 7 days × 199.99 = 1399.93; 99601 1 × 300; J0696 56 × 12.50 = 700; J3490 1 × 70.
	want := map[string]money.Amount{"S9500": 139993, "99601": 30000, "J0696": 70000, "J3490": 7000}
	for code, w := range want {
		if charges[code] != w {
			t.Errorf("%s charge %s, want %s", code, charges[code], w)
		}
	}
	if c.Total != 246993 {
		t.Errorf("total %s, want 2469.93", c.Total)
	}
	if c.Frequency != "1" || c.Profile != "nhia" || len(c.Warnings) != len(res.Warnings) {
		t.Errorf("frequency %q, profile %q, %d warnings", c.Frequency, c.Profile, len(c.Warnings))
	}
	// Coding's own result is untouched: its lines have no id or charge.
	if res.Lines[0].ID != "" || res.Lines[0].Charge != 0 {
		t.Errorf("Claim changed the coded result: %+v", res.Lines[0])
	}
}

// Charge problems are the document's, at claim.charges.CODE.
func TestClaimChargeProblems(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(*episode.Document)
		path string
		msg  string
	}{
		{"a code without a charge", func(d *episode.Document) { delete(d.Claim.Charges, "J0696") },
			"claim.charges.J0696", "no charge for J0696 (billed on lines[2]"},
		{"a negative charge", func(d *episode.Document) { d.Claim.Charges["99601"] = -1 },
			"claim.charges.99601", "charges cannot be negative"},
		{"a negative charge on two lines", func(d *episode.Document) {
			v := d.Visits[0]
			v.Date++
			d.Visits = append(d.Visits, v)
			d.Claim.Charges["99601"] = -1
		}, "claim.charges.99601", "charges cannot be negative"},
		{"a charge no X12 amount carries", func(d *episode.Document) {
			d.Supplies = []episode.Supply{{HCPCS: "A4216", Date: d.Therapies[0].Start, Units: 1e15}}
			d.Claim.Charges["A4216"] = 20000
		}, "claim.charges.A4216", "200.00 × 1e+15 is beyond the largest amount"},
		{"a total no X12 amount carries", func(d *episode.Document) {
			d.Supplies = []episode.Supply{{HCPCS: "A4216", Date: d.Therapies[0].Start, Units: 1e15 - 1}}
			d.Claim.Charges["A4216"] = 1000 // 9999999999999990.00 fits alone, not with the other lines
		}, "claim.charges", "the claim total: "},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc, res := decodeFile(t, sampleDoc, c.edit)
			cl, err := Claim(doc, res)
			var pe *episode.Error
			if !errors.As(err, &pe) || cl != nil {
				t.Fatalf("Claim = %v, %v; want *episode.Error", cl, err)
			}
			if len(pe.Problems) != 1 || pe.Problems[0].Path != c.path || !strings.Contains(pe.Problems[0].Message, c.msg) {
				t.Errorf("problems %v; want one at %s saying %q", pe.Problems, c.path, c.msg)
			}
		})
	}
	doc, res := decodeFile(t, sampleDoc, nil)
	doc.Claim = nil
	if _, err := Claim(doc, res); errs.CodeOf(err) != errs.Invalid || errs.ProblemsOf(err)[0].Path != "claim" {
		t.Errorf("no claim block: %v", err)
	}
}

// A problem the 837P writer finds in the claim names the document field the
// value came from.
func TestInDocumentPaths(t *testing.T) {
	doc, res := decodeFile(t, sampleDoc, nil)
	c, err := Claim(doc, res)
	if err != nil {
		t.Fatal(err)
	}
	for claimPath, want := range map[string]string{
		"":                             "claim",
		"id":                           "claim.id",
		"diagnoses[1]":                 "claim.diagnoses[1]",
		"billing_provider.address.zip": "claim.billing_provider.address.zip",
		"submitter.name":               "claim.billing_provider.name",
		"submitter.id":                 "claim.interchange.sender",
		"submitter.contact.phone":      "claim.billing_provider.contact.phone",
		"receiver.name":                "claim.payer.name",
		"receiver.id":                  "claim.interchange.receiver",
		"payer.filing":                 "claim.payer.filing",
		"patient.relationship":         "claim.patient.relationship",
		"total":                        "claim.charges",
		"lines":                        "claim",
		"lines[2].charge":              "claim.charges.J0696",
		"lines[3].description":         "drugs[1].description",
		"lines[0].description":         "therapies[0].description",
		"lines[2].ndc_unit":            "lines[2].ndc_unit",
		"lines[9].charge":              "claim",
	} {
		err := InDocument(doc, c, errs.Invalids([]errs.Problem{{Path: claimPath, Message: "m"}}))
		var pe *episode.Error
		if !errors.As(err, &pe) || len(pe.Problems) != 1 || pe.Problems[0].Path != want {
			t.Errorf("%q -> %v, want %s", claimPath, err, want)
		}
	}
	// The submitter's name is the billing provider's: one problem, not two.
	err = InDocument(doc, c, errs.Invalids([]errs.Problem{{Path: "submitter.name", Message: "too long"}, {Path: "billing_provider.name", Message: "too long"}}))
	if probs := errs.ProblemsOf(err); len(probs) != 1 {
		t.Errorf("problems %v, want one", probs)
	}
	other := errors.New("disk full")
	if got := InDocument(doc, c, other); got != other {
		t.Errorf("an error without problems changed: %v", got)
	}
	if !slices.Contains(claim.FilingCodes, doc.Claim.Payer.Filing) {
		t.Errorf("sample filing %q", doc.Claim.Payer.Filing)
	}
}

// A therapy whose code the code set marks not otherwise classified needs a
// description (CS-7); catheter care, which falls back to its NOC code for
// lack of a fact, describes itself (BI-2).
func TestCS7_NOCTherapyNeedsDescription(t *testing.T) {
	for _, typ := range []string{"infusion-noc", "injectable-noc"} {
		for _, desc := range []string{``, `,"description":"  "`} {
			_, err := tryCode(`{"therapies":[{"id":"x","type":"`+typ+`","start":"2026-04-06","end":"2026-04-10"`+desc+`}]}`, "")
			probs := errs.ProblemsOf(err)
			if len(probs) != 1 || probs[0].Path != "therapies[0].description" || !strings.Contains(probs[0].Message, "CS-7") {
				t.Errorf("%s%s: %v; want one CS-7 problem at therapies[0].description", typ, desc, err)
			}
		}
		res := code(t, `{"therapies":[{"id":"x","type":"`+typ+`","start":"2026-04-06","end":"2026-04-10","description":"IV iron"}]}`, "")
		if len(res.Lines) != 1 || res.Lines[0].Description != "IV iron" {
			t.Errorf("%s with a description: %+v", typ, res.Lines)
		}
	}
	res := code(t, `{"therapies":[{"id":"c","type":"catheter-care","start":"2026-04-06","end":"2026-04-10"}]}`, "")
	if len(res.Lines) != 1 || res.Lines[0].Code != "S5497" || res.Lines[0].Description != "CATHETER CARE" {
		t.Errorf("catheter care without lumens: %+v", res.Lines)
	}
}
