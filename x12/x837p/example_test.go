package x837p_test

import (
	"fmt"
	"log"
	"os"
	"time"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/x12/x837p"
)

// Build and write a claim: Build checks the claim against the 837P guide
// (every problem at its path in the claim) and puts it in X12 form; an
// Encoder writes it in one interchange under a control number that is
// never reused (see package ctlnum).
func Example() {
	day := func(s string) civil.Date {
		d, err := civil.Parse(s)
		if err != nil {
			log.Fatal(err)
		}
		return d
	}
	dob := day("1960-01-01")
	c := &claim.Claim{
		ID:        "HIT20260302A",
		Frequency: "1",
		Submitter: claim.Submitter{Name: "Acme Home Infusion", ID: "HITSUBMIT",
			Contact: claim.Contact{Name: "Billing", Phone: "555-555-1234"}},
		Receiver: claim.Party{Name: "Example Health Plan", ID: "PAYERRCVR"},
		BillingProvider: claim.Provider{Name: "Acme Home Infusion", NPI: "1234567893", TaxID: "361234567",
			Address: claim.Address{Line1: "100 Main Street", City: "Springfield", State: "IL", Zip: "627010000"}},
		Subscriber: claim.Subscriber{MemberID: "MBR123456789", Last: "Doe", First: "Jane", DOB: &dob, Sex: "F",
			Relationship: "self",
			Address:      &claim.Address{Line1: "200 Oak Avenue", City: "Springfield", State: "IL", Zip: "62702"}},
		Payer:     claim.Payer{Name: "Example Health Plan", ID: "PAYER01", Filing: "CI"},
		Diagnoses: []string{"M86.10"},
		Lines: []claim.Line{{ID: "HIT20260302A-1", Code: "S9502", Modifiers: []string{}, Kind: claim.PerDiem,
			From: day("2026-03-02"), To: day("2026-03-08"), Units: 7, Charge: 140000, POS: "12"}},
		Total: 140000,
	}
	x, err := x837p.Build(c, x837p.Options{Codes: codeset.Default()})
	if err != nil {
		for _, p := range errs.ProblemsOf(err) {
			fmt.Println(p) // e.g. billing_provider.address.zip: "62701": the billing provider needs a 9-digit ZIP+4
		}
		return
	}
	enc := x837p.NewEncoder(os.Stdout)
	enc.Newlines = true
	ctl := x837p.Control{Number: 42, Time: time.Date(2026, 3, 9, 8, 30, 0, 0, time.UTC), Usage: "T"}
	if err := enc.Encode([]*x837p.Claim{x}, ctl); err != nil {
		log.Fatal(err)
	}
	// Output:
	// ISA*00*          *00*          *ZZ*HITSUBMIT      *ZZ*PAYERRCVR      *260309*0830*^*00501*000000042*0*T*:~
	// GS*HC*HITSUBMIT*PAYERRCVR*20260309*0830*42*X*005010X222A1~
	// ST*837*0001*005010X222A1~
	// BHT*0019*00*0000000420001*20260309*0830*CH~
	// NM1*41*2*ACME HOME INFUSION*****46*HITSUBMIT~
	// PER*IC*BILLING*TE*5555551234~
	// NM1*40*2*EXAMPLE HEALTH PLAN*****46*PAYERRCVR~
	// HL*1**20*1~
	// NM1*85*2*ACME HOME INFUSION*****XX*1234567893~
	// N3*100 MAIN STREET~
	// N4*SPRINGFIELD*IL*627010000~
	// REF*EI*361234567~
	// HL*2*1*22*0~
	// SBR*P*18*******CI~
	// NM1*IL*1*DOE*JANE****MI*MBR123456789~
	// N3*200 OAK AVENUE~
	// N4*SPRINGFIELD*IL*62702~
	// DMG*D8*19600101*F~
	// NM1*PR*2*EXAMPLE HEALTH PLAN*****PI*PAYER01~
	// CLM*HIT20260302A*1400***12:B:1*Y*A*Y*Y~
	// HI*ABK:M8610~
	// LX*1~
	// SV1*HC:S9502*1400*UN*7***1~
	// DTP*472*RD8*20260302-20260308~
	// REF*6R*HIT20260302A-1~
	// SE*24*0001~
	// GE*1*42~
	// IEA*1*000000042~
}
