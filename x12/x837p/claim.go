// Package x837p writes and reads X12 837P (005010X222A1) professional claims
// for home infusion: Build turns a coded claim (claim.Claim) into a typed
// Claim in X12 form, Write puts claims into one interchange, Read turns
// an 837P back into Claims (a Decoder also says where each claim and line
// is), and Coded turns a Claim back into a claim.Claim for the packages
// that judge claims. It knows nothing of the episode document.
//
// The Claim type holds what the 837P says, already in X12 form (codes
// without dots, NDCs in 11 digits, upper-case text), so that Write is a
// straight transcription and Read(Write(c)) gives c back. The rules of
// docs/x12-837p.md §6 that depend on the claim (2000C only when the
// patient is not the subscriber, 2310B only when rendering differs from
// billing, SV105 only when it differs from CLM05-1, SV101-7 for NOC codes)
// are decided in Build.
package x837p

import (
	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/money"
)

// Limits of the 005010X222A1 structure.
const (
	MaxLines      = 50                // loop 2400 repeats per claim
	MaxClaims     = 100               // loop 2300 repeats per 2000B/2000C
	MaxDiagnoses  = 12                // HI composites
	MaxPointers   = 4                 // SV107 components
	MaxClaimID    = claim.MaxIDLength // CLM01
	MaxNote       = 80                // NTE02
	MaxLineDesc   = 80                // SV101-7
	MaxLineCtlNum = 50                // REF*6R
)

// Claim is one 2300 loop with everything above it in the hierarchy.
type Claim struct {
	Submitter  Submitter  `json:"submitter"` // 1000A
	Receiver   Party      `json:"receiver"`  // 1000B (NM1*40, NM108 46)
	Billing    Billing    `json:"billing"`   // 2000A/2010AA
	Subscriber Subscriber `json:"subscriber"`
	Payer      Party      `json:"payer"`             // 2010BB (NM1*PR, NM108 PI)
	Patient    *Patient   `json:"patient,omitempty"` // 2000C/2010CA; nil when the subscriber is the patient

	ID          string       `json:"id"`                     // CLM01
	Total       money.Amount `json:"total"`                  // CLM02, the sum of the line charges
	POS         string       `json:"pos"`                    // CLM05-1
	Frequency   string       `json:"frequency"`              // CLM05-3: 1 original, 7 replacement, 8 void
	OriginalRef string       `json:"original_ref,omitempty"` // REF*F8, with frequency 7 or 8
	PriorAuth   string       `json:"prior_auth,omitempty"`   // REF*G1
	Note        string       `json:"note,omitempty"`         // NTE*ADD
	Diagnoses   []string     `json:"diagnoses"`              // HI: ICD-10-CM without dots, principal first
	Rendering   *Provider    `json:"rendering,omitempty"`    // 2310B
	Lines       []Line       `json:"lines"`                  // 2400
}

// Submitter is loop 1000A: the sender's name and ETIN, and a contact.
type Submitter struct {
	Name    string  `json:"name"`
	ID      string  `json:"id"`
	Contact Contact `json:"contact"`
}

// Contact is a PER*IC segment; X12 wants a phone or an email.
type Contact struct {
	Name  string `json:"name"`
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
}

// Party is an organization known by name and identifier.
type Party struct {
	Name string `json:"name"`
	ID   string `json:"id"`
}

// Address is an N3/N4 pair.
type Address struct {
	Line1 string `json:"line1"`
	Line2 string `json:"line2,omitempty"`
	City  string `json:"city"`
	State string `json:"state"`
	Zip   string `json:"zip"`
}

// Billing is the billing provider, loops 2000A and 2010AA.
type Billing struct {
	Name     string  `json:"name"`
	NPI      string  `json:"npi"`
	TaxID    string  `json:"tax_id"`             // REF*EI, digits only
	Taxonomy string  `json:"taxonomy,omitempty"` // PRV*BI*PXC; "" when unknown
	Address  Address `json:"address,omitempty"`
}

// Subscriber is SBR and loop 2010BA. Address, DOB and Sex are sent only when
// the subscriber is the patient.
type Subscriber struct {
	Responsibility string      `json:"responsibility"`  // SBR01: P, S, T…
	Group          string      `json:"group,omitempty"` // SBR03
	Filing         string      `json:"filing"`          // SBR09 claim filing indicator
	MemberID       string      `json:"member_id"`
	Last           string      `json:"last"`
	First          string      `json:"first,omitempty"`
	Middle         string      `json:"middle,omitempty"`
	Address        *Address    `json:"address,omitempty"`
	DOB            *civil.Date `json:"dob,omitempty"`
	Sex            string      `json:"sex,omitempty"` // F, M or U
}

// Patient is loop 2000C/2010CA, for a patient who is not the subscriber.
type Patient struct {
	Relationship string     `json:"relationship"` // PAT01: 01, 19, 20, 21, 53, G8
	Last         string     `json:"last"`
	First        string     `json:"first,omitempty"`
	Middle       string     `json:"middle,omitempty"`
	DOB          civil.Date `json:"dob,omitempty"`
	Sex          string     `json:"sex,omitempty"`
	Address      Address    `json:"address,omitempty"`
}

// Provider is an individual provider (rendering 2310B, ordering 2420E).
type Provider struct {
	Last     string `json:"last"`
	First    string `json:"first,omitempty"`
	NPI      string `json:"npi"`
	Taxonomy string `json:"taxonomy,omitempty"` // PRV*PE on 2310B; not sent for ordering providers
}

// Line is one 2400 loop and the loops under it.
type Line struct {
	Code        string       `json:"code"`
	Modifiers   []string     `json:"modifiers,omitempty"`
	Description string       `json:"description,omitempty"` // SV101-7, for NOC codes
	Charge      money.Amount `json:"charge"`                // SV102
	Units       float64      `json:"units"`                 // SV104
	POS         string       `json:"pos"`                   // the line's place of service; SV105 only when ≠ Claim.POS
	Pointers    []int        `json:"pointers"`              // SV107, 1-based positions in Claim.Diagnoses
	From        civil.Date   `json:"from"`                  // DTP*472: D8 when equal, RD8 otherwise
	To          civil.Date   `json:"to"`
	ControlNum  string       `json:"control_number"`     // REF*6R
	Drug        *Drug        `json:"drug,omitempty"`     // 2410
	Ordering    *Provider    `json:"ordering,omitempty"` // 2420E
}

// Drug is loop 2410: the NDC dispensed and its quantity.
type Drug struct {
	NDC      string  `json:"ndc"`      // 11 digits, 5-4-2 without hyphens
	Quantity float64 `json:"quantity"` // CTP04
	Unit     string  `json:"unit"`     // CTP05-1: F2, GR, ME, ML, UN
}

// LineTotal returns the sum of the line charges, the value CLM02 must carry,
// or an error wrapping money.ErrOverflow when no X12 amount can carry it.
func (c *Claim) LineTotal() (money.Amount, error) {
	var t money.Amount
	for i := range c.Lines {
		var err error
		if t, err = money.Add(t, c.Lines[i].Charge); err != nil {
			return 0, err
		}
	}
	return t, nil
}
