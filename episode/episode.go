// Package episode defines the episode document: the public JSON input of the
// coding engine (see docs/input-format.md). The types mirror the document
// field by field; Decode reads one strictly and reports every problem with
// its field path.
package episode

import (
	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/money"
)

// Document is one patient's episode for one payer and billing period.
type Document struct {
	Profile   string    `json:"profile,omitempty"`
	Period    *Period   `json:"period,omitempty"`
	Therapies []Therapy `json:"therapies"`
	Visits    []Visit   `json:"visits,omitempty"`
	Drugs     []Drug    `json:"drugs,omitempty"`
	Supplies  []Supply  `json:"supplies,omitempty"`
	Claim     *Claim    `json:"claim,omitempty"`
}

// Period is the inclusive billing period.
type Period struct {
	From civil.Date `json:"from"`
	To   civil.Date `json:"to"`
}

// Therapy is one prescribed therapy, from start to permanent discontinuation.
// Optional facts are pointers: nil means "not known", which matters for the
// specificity rules (BI-2).
type Therapy struct {
	ID            string       `json:"id"`
	Type          string       `json:"type"`
	Start         civil.Date   `json:"start"`
	End           *civil.Date  `json:"end,omitempty"`
	EveryHours    *float64     `json:"every_hours,omitempty"`
	EveryDays     *float64     `json:"every_days,omitempty"`
	Continuous    *bool        `json:"continuous,omitempty"`
	ImplantedPump *bool        `json:"implanted_pump,omitempty"`
	LitersPerDay  *float64     `json:"liters_per_day,omitempty"`
	Method        string       `json:"method,omitempty"`
	Lumens        *int         `json:"lumens,omitempty"`
	Device        string       `json:"device,omitempty"`
	Site          string       `json:"site,omitempty"`
	Changes       []Change     `json:"changes,omitempty"`
	Holds         []Hold       `json:"holds,omitempty"`
	InfusionDays  []civil.Date `json:"infusion_days,omitempty"`
	Description   string       `json:"description,omitempty"`
}

// Change sets new values from a day on (CS-11).
type Change struct {
	From         civil.Date `json:"from"`
	EveryHours   *float64   `json:"every_hours,omitempty"`
	EveryDays    *float64   `json:"every_days,omitempty"`
	Continuous   *bool      `json:"continuous,omitempty"`
	LitersPerDay *float64   `json:"liters_per_day,omitempty"`
	Method       string     `json:"method,omitempty"`
	Site         string     `json:"site,omitempty"`
}

// Hold is an inclusive range of days with no access to the therapy (PD-4).
type Hold struct {
	From   civil.Date `json:"from"`
	To     civil.Date `json:"to"`
	Reason string     `json:"reason,omitempty"`
}

// Visit is one nursing visit (NU-1…NU-5).
type Visit struct {
	Date      civil.Date `json:"date"`
	Minutes   int        `json:"minutes"`
	Nurse     string     `json:"nurse,omitempty"`
	Specialty bool       `json:"specialty,omitempty"`
	Site      string     `json:"site,omitempty"`
	Therapy   string     `json:"therapy,omitempty"`
}

// Drug is one drug line (DR-1…DR-5).
type Drug struct {
	Therapy     string     `json:"therapy,omitempty"`
	HCPCS       string     `json:"hcpcs,omitempty"`
	NDC         string     `json:"ndc,omitempty"`
	From        civil.Date `json:"from"`
	To          civil.Date `json:"to"`
	Dose        float64    `json:"dose,omitempty"`
	DoseUnit    string     `json:"dose_unit,omitempty"`
	Doses       int        `json:"doses,omitempty"`
	NDCQuantity float64    `json:"ndc_quantity,omitempty"`
	NDCUnit     string     `json:"ndc_unit,omitempty"`
	Description string     `json:"description,omitempty"`
	// Unused marks a drug delivered but not administered (DR-4).
	Unused bool `json:"unused,omitempty"`
}

// Supply is a separately billable item, or a bundled one the engine drops (IN-1).
type Supply struct {
	HCPCS string     `json:"hcpcs"`
	Date  civil.Date `json:"date"`
	Units float64    `json:"units"`
}

// Claim says who bills whom; perdiem claim needs it, perdiem code ignores it.
type Claim struct {
	ID              string                  `json:"id"`
	Frequency       string                  `json:"frequency,omitempty"`
	OriginalRef     string                  `json:"original_ref,omitempty"`
	BillingProvider Provider                `json:"billing_provider"`
	Subscriber      Subscriber              `json:"subscriber"`
	Patient         *Patient                `json:"patient"`
	Payer           Payer                   `json:"payer"`
	Diagnoses       []string                `json:"diagnoses"`
	PriorAuth       string                  `json:"prior_auth,omitempty"`
	Note            string                  `json:"note,omitempty"`
	Rendering       *Person                 `json:"rendering,omitempty"`
	Ordering        *Person                 `json:"ordering,omitempty"`
	Charges         map[string]money.Amount `json:"charges"`
	Interchange     Interchange             `json:"interchange"`
}

// Provider is the billing provider (loop 2010AA).
type Provider struct {
	Name     string   `json:"name"`
	NPI      string   `json:"npi"`
	TaxID    string   `json:"tax_id"`
	Taxonomy string   `json:"taxonomy,omitempty"`
	Address  Address  `json:"address"`
	Contact  *Contact `json:"contact,omitempty"`
}

// Contact is the submitter contact (PER).
type Contact struct {
	Name  string `json:"name,omitempty"`
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
}

// Address is a postal address.
type Address struct {
	Line1 string `json:"line1"`
	Line2 string `json:"line2,omitempty"`
	City  string `json:"city"`
	State string `json:"state"`
	Zip   string `json:"zip"`
}

// Subscriber is the insured (loop 2010BA).
type Subscriber struct {
	MemberID     string      `json:"member_id"`
	Last         string      `json:"last"`
	First        string      `json:"first"`
	Middle       string      `json:"middle,omitempty"`
	DOB          *civil.Date `json:"dob,omitempty"`
	Sex          string      `json:"sex,omitempty"`
	Group        string      `json:"group,omitempty"`
	Relationship string      `json:"relationship,omitempty"`
	Address      *Address    `json:"address,omitempty"`
}

// Patient is set only when the patient is not the subscriber (loop 2000C).
type Patient struct {
	Last         string     `json:"last"`
	First        string     `json:"first"`
	Middle       string     `json:"middle,omitempty"`
	DOB          civil.Date `json:"dob"`
	Sex          string     `json:"sex"`
	Relationship string     `json:"relationship"`
	Address      Address    `json:"address"`
}

// Payer is the destination payer (loop 2010BB).
type Payer struct {
	Name   string `json:"name"`
	ID     string `json:"id"`
	Filing string `json:"filing,omitempty"`
}

// Person is an individual provider with an NPI (rendering, ordering).
type Person struct {
	NPI      string `json:"npi"`
	Last     string `json:"last"`
	First    string `json:"first,omitempty"`
	Taxonomy string `json:"taxonomy,omitempty"`
}

// Interchange carries the envelope identifiers.
type Interchange struct {
	Sender   string `json:"sender"`
	Receiver string `json:"receiver"`
	Usage    string `json:"usage,omitempty"`
}
