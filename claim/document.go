package claim

import (
	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/money"
)

// Claim is a coded claim as a document of its own: who bills whom, for
// which diagnoses, and each line with its stable id and its charge. Coding
// makes it from an episode document (coding.Claim); the 837P writer,
// storage, pricing and reconciliation need nothing else.
//
// Values are as the provider gave them (names in their own case, ICD-10-CM
// codes with or without the dot); the 837P writer puts them in X12 form.
// Field names follow the episode document's claim block, so a path into a
// Claim ("billing_provider.npi") is the document's path under "claim".
type Claim struct {
	ID          string `json:"id"`                     // the provider's claim number (CLM01), at most MaxIDLength characters
	Frequency   string `json:"frequency"`              // 1 original, 7 replacement, 8 void (Frequencies)
	OriginalRef string `json:"original_ref,omitempty"` // the payer's number of the claim replaced or voided

	// Submitter and Receiver are the parties of the interchange the claim
	// travels in (837P loops 1000A and 1000B).
	Submitter Submitter `json:"submitter"`
	Receiver  Party     `json:"receiver"`

	BillingProvider Provider   `json:"billing_provider"`
	Subscriber      Subscriber `json:"subscriber"`
	Patient         *Patient   `json:"patient,omitempty"` // nil when the subscriber is the patient
	Payer           Payer      `json:"payer"`
	Diagnoses       []string   `json:"diagnoses"` // ICD-10-CM, principal first
	PriorAuth       string     `json:"prior_auth,omitempty"`
	Note            string     `json:"note,omitempty"`
	Rendering       *Person    `json:"rendering,omitempty"`
	Ordering        *Person    `json:"ordering,omitempty"` // the prescriber of the drugs

	Profile  string       `json:"profile"` // the payer profile the lines were coded under
	Period   civil.Span   `json:"period"`
	Lines    []Line       `json:"lines"` // each with its ID and Charge
	Total    money.Amount `json:"total"` // the sum of the line charges
	Warnings []Warning    `json:"warnings"`
}

// Submitter is who sends the claim: a name, the interchange sender id and
// a contact with a phone or an email.
type Submitter struct {
	Name    string  `json:"name"`
	ID      string  `json:"id"`
	Contact Contact `json:"contact"`
}

// Contact is a person to call or write about the claim.
type Contact struct {
	Name  string `json:"name,omitempty"`
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
}

// Party is an organisation known by a name and an identifier.
type Party struct {
	Name string `json:"name"`
	ID   string `json:"id"`
}

// Provider is the billing provider.
type Provider struct {
	Name     string  `json:"name"`
	NPI      string  `json:"npi"`
	TaxID    string  `json:"tax_id"`
	Taxonomy string  `json:"taxonomy,omitempty"`
	Address  Address `json:"address"`
}

// Address is a postal address.
type Address struct {
	Line1 string `json:"line1"`
	Line2 string `json:"line2,omitempty"`
	City  string `json:"city"`
	State string `json:"state"`
	Zip   string `json:"zip"`
}

// Subscriber is the insured. Address, DOB and Sex are needed when the
// subscriber is the patient (Relationship "self" or empty).
type Subscriber struct {
	MemberID     string      `json:"member_id"`
	Last         string      `json:"last"`
	First        string      `json:"first"`
	Middle       string      `json:"middle,omitempty"`
	DOB          *civil.Date `json:"dob,omitempty"`
	Sex          string      `json:"sex,omitempty"`
	Group        string      `json:"group,omitempty"`
	Relationship string      `json:"relationship,omitempty"` // the patient's to the subscriber (Relationships)
	Address      *Address    `json:"address,omitempty"`
}

// Patient is the patient when not the subscriber.
type Patient struct {
	Last         string     `json:"last"`
	First        string     `json:"first"`
	Middle       string     `json:"middle,omitempty"`
	DOB          civil.Date `json:"dob"`
	Sex          string     `json:"sex"`
	Relationship string     `json:"relationship"` // to the subscriber (Relationships)
	Address      Address    `json:"address"`
}

// Payer is who the claim goes to.
type Payer struct {
	Name   string `json:"name"`
	ID     string `json:"id"`
	Filing string `json:"filing,omitempty"` // claim filing indicator (FilingCodes); empty means CI
}

// Person is an individual provider with an NPI.
type Person struct {
	NPI      string `json:"npi"`
	Last     string `json:"last"`
	First    string `json:"first,omitempty"`
	Taxonomy string `json:"taxonomy,omitempty"`
}
