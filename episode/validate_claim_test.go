package episode

import (
	"os"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/civil"
)

func claimDoc(t *testing.T) *Document {
	t.Helper()
	b, err := os.ReadFile("testdata/claim.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestValidateClaimAcceptsTheExample(t *testing.T) {
	if probs := claimDoc(t).ValidateClaim(); len(probs) != 0 {
		t.Errorf("ValidateClaim() = %v, want none", probs)
	}
}

func TestValidateClaim(t *testing.T) {
	tests := []struct {
		name   string
		change func(c *Claim)
		want   []Problem // Message is a substring
	}{
		{"claim id missing", func(c *Claim) { c.ID = "" }, []Problem{{"claim.id", "missing"}}},
		{"claim id longer than CLM01 carries", func(c *Claim) { c.ID = strings.Repeat("X", 21) }, []Problem{{"claim.id", "at most 20"}}},
		{"claim id of 20 characters", func(c *Claim) { c.ID = strings.Repeat("X", 20) }, nil},
		{"unknown frequency", func(c *Claim) { c.Frequency = "2" }, []Problem{{"claim.frequency", "want one of 1, 7, 8"}}},
		{"replacement without original", func(c *Claim) { c.Frequency = "7" }, []Problem{{"claim.original_ref", "frequency 7"}}},
		{"void without original", func(c *Claim) { c.Frequency = "8" }, []Problem{{"claim.original_ref", "frequency 8"}}},
		{"billing NPI fails check digit", func(c *Claim) { c.BillingProvider.NPI = "1234567890" }, []Problem{{"claim.billing_provider.npi", "check-digit"}}},
		{"billing NPI missing", func(c *Claim) { c.BillingProvider.NPI = "" }, []Problem{{"claim.billing_provider.npi", "missing"}}},
		{"rendering NPI fails check digit", func(c *Claim) { c.Rendering.NPI = "1987654321" }, []Problem{{"claim.rendering.npi", "check-digit"}}},
		{"ordering NPI fails check digit", func(c *Claim) { c.Ordering.NPI = "167957672" }, []Problem{{"claim.ordering.npi", "check-digit"}}},
		{"tax id with hyphen", func(c *Claim) { c.BillingProvider.TaxID = "36-1234567" }, []Problem{{"claim.billing_provider.tax_id", "9-digit"}}},
		{"billing ZIP of 5 digits", func(c *Claim) { c.BillingProvider.Address.Zip = "62701" }, []Problem{{"claim.billing_provider.address.zip", "ZIP+4"}}},
		{"billing address is a PO box", func(c *Claim) { c.BillingProvider.Address.Line1 = "P.O. Box 100" }, []Problem{{"claim.billing_provider.address.line1", "street address"}}},
		{"billing state not a code", func(c *Claim) { c.BillingProvider.Address.State = "Illinois" }, []Problem{{"claim.billing_provider.address.state", "2-letter"}}},
		{"bad taxonomy", func(c *Claim) { c.BillingProvider.Taxonomy = "3336H" }, []Problem{{"claim.billing_provider.taxonomy", "10-character"}}},
		{"subscriber ZIP malformed", func(c *Claim) { c.Subscriber.Address.Zip = "6270" }, []Problem{{"claim.subscriber.address.zip", "5- or 9-digit"}}},
		{"subscriber member id missing", func(c *Claim) { c.Subscriber.MemberID = "" }, []Problem{{"claim.subscriber.member_id", "missing"}}},
		{"unknown relationship", func(c *Claim) { c.Subscriber.Relationship = "cousin" }, []Problem{{"claim.subscriber.relationship", "want one of self, spouse"}, {"claim.patient", "missing"}}},
		{"patient missing for a child", func(c *Claim) { c.Subscriber.Relationship = "child" }, []Problem{{"claim.patient", "missing"}}},
		{"patient given for self", func(c *Claim) {
			c.Patient = &Patient{Last: "DOE", First: "JIM", DOB: civil.FromYMD(2010, 1, 1), Sex: "M", Relationship: "child",
				Address: Address{Line1: "1 A ST", City: "X", State: "IL", Zip: "62702"}}
		}, []Problem{{"claim.patient", "leave it null"}}},
		{"patient incomplete", func(c *Claim) {
			c.Subscriber.Relationship = "spouse"
			c.Patient = &Patient{Last: "DOE", Relationship: "self", Address: Address{Line1: "1 A ST", City: "X", State: "IL", Zip: "62702"}}
		}, []Problem{{"claim.patient.first", "missing"}, {"claim.patient.dob", "missing"}, {"claim.patient.sex", "missing"}, {"claim.patient.relationship", "not self"}}},
		{"payer id missing", func(c *Claim) { c.Payer.ID = "" }, []Problem{{"claim.payer.id", "missing"}}},
		{"unknown filing code", func(c *Claim) { c.Payer.Filing = "XX" }, []Problem{{"claim.payer.filing", "want one of"}}},
		{"no diagnoses", func(c *Claim) { c.Diagnoses = nil }, []Problem{{"claim.diagnoses", "1 to 12"}}},
		{"thirteen diagnoses", func(c *Claim) {
			c.Diagnoses = strings.Fields("A00 A01 A02 A03 A04 A05 A06 A07 A08 A09 B00 B01 B02")
		}, []Problem{{"claim.diagnoses", "at most 12"}}},
		{"diagnosis of the wrong shape", func(c *Claim) { c.Diagnoses = []string{"M86.10", "ZZZ999"} }, []Problem{{"claim.diagnoses[1]", "letter then a digit"}}},
		{"diagnosis listed twice", func(c *Claim) { c.Diagnoses = []string{"M86.10", "m8610"} }, []Problem{{"claim.diagnoses[1]", "listed twice"}}},
		{"sender missing", func(c *Claim) { c.Interchange.Sender = "" }, []Problem{{"claim.interchange.sender", "missing"}}},
		{"receiver too long", func(c *Claim) { c.Interchange.Receiver = "PAYERRECEIVER123" }, []Problem{{"claim.interchange.receiver", "at most 15"}}},
		{"unknown usage", func(c *Claim) { c.Interchange.Usage = "X" }, []Problem{{"claim.interchange.usage", "T (test) or P"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := claimDoc(t)
			tt.change(doc.Claim)
			got := doc.ValidateClaim()
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i, w := range tt.want {
				if got[i].Path != w.Path || !strings.Contains(got[i].Message, w.Message) {
					t.Errorf("problem %d = %v, want %q: …%q…", i, got[i], w.Path, w.Message)
				}
			}
		})
	}
}

func TestValidateClaimMissingBlock(t *testing.T) {
	doc := claimDoc(t)
	doc.Claim = nil
	got := doc.ValidateClaim()
	if len(got) != 1 || got[0].Path != "claim" {
		t.Errorf("ValidateClaim() = %v, want one problem at claim", got)
	}
}
