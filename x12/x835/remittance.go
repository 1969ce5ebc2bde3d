// Package x835 reads 835 health care claim payment/advice transactions
// (005010X221A1) into typed remittances: who paid whom, how much and how,
// and for each claim and service line what was paid and why the rest was not.
//
// Amounts are exact integer cents parsed from the decimal text, never
// float64. An 835 that arrives is money, so the reader reads what it can: a
// bad element or a segment out of place is a Finding, positioned by segment,
// byte offset and line, in the remittance it belongs to, and the rest of
// that remittance and the ones around it are still read. The three balances
// (service line, claim, transaction) are checked and reported the same way.
// Only input that stops being X12 ends the reading.
//
// Codes are read as sent, not checked against their code lists: x12/x221,
// which validates an 835, checks the N4 states and provinces and the
// adjustment reason (CARC) and remark (RARC) codes, and says what it does
// not check.
package x835

import (
	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/money"
	"github.com/perdiem/perdiem/x12"
)

// Remittance is one 835 transaction set (ST … SE).
type Remittance struct {
	InterchangeControlNumber string `json:"interchange_control_number"` // ISA13
	GroupControlNumber       string `json:"group_control_number"`       // GS06
	ControlNumber            string `json:"control_number"`             // ST02
	Version                  string `json:"version,omitempty"`          // GS08, e.g. 005010X221A1

	Payment Payment `json:"payment"` // BPR
	Trace   Trace   `json:"trace"`   // TRN
	// ReceiverID is REF*EV, the receiver when it is not the payee.
	ReceiverID     string      `json:"receiver_id,omitempty"`
	ProductionDate *civil.Date `json:"production_date,omitempty"` // DTM*405
	Refs           []Ref       `json:"refs,omitempty"`            // other header REF

	// Currency is CUR02 when the payer names one (USD when absent).
	Currency string `json:"currency,omitempty"`

	Payer Party `json:"payer"` // loop 1000A, N1*PR
	Payee Party `json:"payee"` // loop 1000B, N1*PE

	// ProviderSummaries are the TS3/TS2 totals of the header numbers (LX)
	// that carry them (institutional and Medicare Part A remits).
	ProviderSummaries   []*ProviderSummary   `json:"provider_summaries,omitempty"`
	Claims              []*Claim             `json:"claims"`
	ProviderAdjustments []ProviderAdjustment `json:"provider_adjustments,omitempty"` // PLB

	// Findings are the problems met while reading this remittance and its
	// balances, in input order. A remittance with findings is still what the
	// payer sent, as far as it could be read.
	Findings []*Error `json:"findings,omitempty"`
	// Incomplete says the input ended, or a new ST came, before this
	// transaction set's SE: what follows the last segment read is missing.
	Incomplete bool `json:"incomplete,omitempty"`

	bprPos x12.Position
}

// Payment is the BPR financial information.
type Payment struct {
	HandlingCode string       `json:"handling_code"` // BPR01: C payment+advice, I advice only, H notification, …
	Amount       money.Amount `json:"amount"`        // BPR02
	CreditDebit  string       `json:"credit_debit"`  // BPR03: C or D
	Method       string       `json:"method"`        // BPR04: ACH, CHK, FWT, BOP, NON
	Format       string       `json:"format,omitempty"`

	SenderBankQualifier   string `json:"sender_bank_qualifier,omitempty"`   // BPR06
	SenderBankID          string `json:"sender_bank_id,omitempty"`          // BPR07
	SenderAccountType     string `json:"sender_account_type,omitempty"`     // BPR08
	SenderAccount         string `json:"sender_account,omitempty"`          // BPR09
	OriginatingCompanyID  string `json:"originating_company_id,omitempty"`  // BPR10
	ReceiverBankQualifier string `json:"receiver_bank_qualifier,omitempty"` // BPR12
	ReceiverBankID        string `json:"receiver_bank_id,omitempty"`        // BPR13
	ReceiverAccountType   string `json:"receiver_account_type,omitempty"`   // BPR14
	ReceiverAccount       string `json:"receiver_account,omitempty"`        // BPR15

	Date civil.Date `json:"date"` // BPR16: effective entry or check issue date
}

// Trace is the TRN reassociation trace: the check or EFT number that ties
// the remittance to the money.
type Trace struct {
	Type                 string `json:"type"`                             // TRN01
	Number               string `json:"number"`                           // TRN02
	OriginatingCompanyID string `json:"originating_company_id,omitempty"` // TRN03
	Supplemental         string `json:"supplemental,omitempty"`           // TRN04
}

// Party is the payer or the payee with its address, references and contacts.
type Party struct {
	Name        string    `json:"name"`
	IDQualifier string    `json:"id_qualifier,omitempty"` // N103
	ID          string    `json:"id,omitempty"`           // N104
	NPI         string    `json:"npi,omitempty"`          // N104 when N103 is XX
	TIN         string    `json:"tin,omitempty"`          // N104 when N103 is FI
	Address     *Address  `json:"address,omitempty"`
	Refs        []Ref     `json:"refs,omitempty"`
	Contacts    []Contact `json:"contacts,omitempty"` // PER
	// Delivery is the payee's RDM: how the remittance is sent when not with
	// the payment.
	Delivery *Delivery `json:"delivery,omitempty"`
}

// Delivery is an RDM segment.
type Delivery struct {
	Method        string `json:"method"` // RDM01: BM by mail, EM e-mail, FT file transfer, OL online
	Name          string `json:"name,omitempty"`
	Communication string `json:"communication,omitempty"` // RDM03: address, URL, e-mail
}

// ProviderSummary is the TS3 (and TS2) of one header number.
type ProviderSummary struct {
	HeaderNumber    string       `json:"header_number"`     // LX01
	ProviderID      string       `json:"provider_id"`       // TS301
	FacilityType    string       `json:"facility_type"`     // TS302
	FiscalPeriodEnd civil.Date   `json:"fiscal_period_end"` // TS303
	Claims          string       `json:"claims"`            // TS304, a count
	TotalCharge     money.Amount `json:"total_charge"`      // TS305
	// Amounts are the other TS3 and the TS2 amounts, each named by its
	// element ("TS313", "TS201"); quantities keep their decimal text.
	Amounts    []Amount   `json:"amounts,omitempty"`
	Quantities []Quantity `json:"quantities,omitempty"`
}

// Address is an N3/N4 pair.
type Address struct {
	Lines      []string `json:"lines,omitempty"`
	City       string   `json:"city,omitempty"`
	State      string   `json:"state,omitempty"`
	PostalCode string   `json:"postal_code,omitempty"`
	Country    string   `json:"country,omitempty"`
}

// Ref is a REF segment: a qualifier and an identifier.
type Ref struct {
	Qualifier string `json:"qualifier"`
	Value     string `json:"value"`
}

// Contact is a PER segment.
type Contact struct {
	Function string `json:"function"` // PER01: CX claims, BL technical, IC web site
	Name     string `json:"name,omitempty"`
	Numbers  []Ref  `json:"numbers,omitempty"` // (TE, 8005551212), (EM, …), (UR, …)
}

// Claim is one CLP loop (2100) with its service lines.
type Claim struct {
	HeaderNumber            string       `json:"header_number,omitempty"`    // LX01 of the enclosing 2000 loop
	PatientControlNumber    string       `json:"patient_control_number"`     // CLP01, our CLM01
	Status                  string       `json:"status"`                     // CLP02: 1 primary, 2 secondary, 4 denied, 22 reversal, …
	Charge                  money.Amount `json:"charge"`                     // CLP03
	Paid                    money.Amount `json:"paid"`                       // CLP04
	PatientResponsibility   money.Amount `json:"patient_responsibility"`     // CLP05
	FilingIndicator         string       `json:"filing_indicator"`           // CLP06
	PayerClaimControlNumber string       `json:"payer_claim_control_number"` // CLP07
	FacilityType            string       `json:"facility_type,omitempty"`    // CLP08
	Frequency               string       `json:"frequency,omitempty"`        // CLP09

	Patient           *Name  `json:"patient,omitempty"`            // NM1*QC
	Insured           *Name  `json:"insured,omitempty"`            // NM1*IL
	CorrectedPatient  *Name  `json:"corrected_patient,omitempty"`  // NM1*74
	RenderingProvider *Name  `json:"rendering_provider,omitempty"` // NM1*82
	OtherNames        []Name `json:"other_names,omitempty"`        // NM1*TT, PR, GB, …

	// RemarkCodes are the MIA/MOA remark codes (MA02, N25, …).
	RemarkCodes   []string     `json:"remark_codes,omitempty"`
	Adjustments   []Adjustment `json:"adjustments,omitempty"` // CAS
	Refs          []Ref        `json:"refs,omitempty"`
	StatementFrom *civil.Date  `json:"statement_from,omitempty"` // DTM*232
	StatementTo   *civil.Date  `json:"statement_to,omitempty"`   // DTM*233
	Dates         []Dated      `json:"dates,omitempty"`          // other DTM (050 received, 036 coverage expiration, …)
	Contacts      []Contact    `json:"contacts,omitempty"`       // PER*CX, the payer's claim contact
	Amounts       []Amount     `json:"amounts,omitempty"`        // AMT (AU coverage amount, …)
	Quantities    []Quantity   `json:"quantities,omitempty"`     // QTY

	ServiceLines []*ServiceLine `json:"service_lines,omitempty"`

	pos        x12.Position
	unreadable bool // an amount of the claim or its lines could not be read
}

// Name is an NM1 segment.
type Name struct {
	Entity      string `json:"entity"`         // NM101
	Type        string `json:"type,omitempty"` // NM102: 1 person, 2 organisation
	Last        string `json:"last,omitempty"` // or organisation name
	First       string `json:"first,omitempty"`
	Middle      string `json:"middle,omitempty"`
	Suffix      string `json:"suffix,omitempty"`
	IDQualifier string `json:"id_qualifier,omitempty"`
	ID          string `json:"id,omitempty"`
}

// Adjustment is one CAS segment: a group and up to six reasons.
type Adjustment struct {
	Group   string             `json:"group"` // CO, PR, OA, PI, CR
	Reasons []AdjustmentReason `json:"reasons"`
}

// AdjustmentReason is one (reason, amount, quantity) triple of a CAS.
type AdjustmentReason struct {
	Reason   string       `json:"reason"` // CARC
	Amount   money.Amount `json:"amount"`
	Quantity string       `json:"quantity,omitempty"`
}

// Dated is a DTM segment not given its own field.
type Dated struct {
	Qualifier string     `json:"qualifier"`
	Date      civil.Date `json:"date"`
}

// Amount is an AMT segment.
type Amount struct {
	Qualifier string       `json:"qualifier"`
	Amount    money.Amount `json:"amount"`
}

// Quantity is a QTY segment. The quantity is kept as its decimal text.
type Quantity struct {
	Qualifier string `json:"qualifier"`
	Quantity  string `json:"quantity"`
}

// ServiceLine is one SVC loop (2110).
type ServiceLine struct {
	Procedure         Procedure    `json:"procedure"`                    // SVC01
	Charge            money.Amount `json:"charge"`                       // SVC02
	Paid              money.Amount `json:"paid"`                         // SVC03
	RevenueCode       string       `json:"revenue_code,omitempty"`       // SVC04
	Units             string       `json:"units,omitempty"`              // SVC05; absent means 1
	OriginalProcedure *Procedure   `json:"original_procedure,omitempty"` // SVC06, when the payer changed the code
	OriginalUnits     string       `json:"original_units,omitempty"`     // SVC07

	ServiceDate *civil.Date `json:"service_date,omitempty"` // DTM*472
	From        *civil.Date `json:"from,omitempty"`         // DTM*150
	To          *civil.Date `json:"to,omitempty"`           // DTM*151

	Adjustments           []Adjustment  `json:"adjustments,omitempty"`
	LineItemControlNumber string        `json:"line_item_control_number,omitempty"` // REF*6R, our REF*6R from the 837
	Refs                  []Ref         `json:"refs,omitempty"`
	AllowedAmount         *money.Amount `json:"allowed_amount,omitempty"` // AMT*B6
	Amounts               []Amount      `json:"amounts,omitempty"`        // other AMT
	Quantities            []Quantity    `json:"quantities,omitempty"`
	Remarks               []Remark      `json:"remarks,omitempty"` // LQ

	pos x12.Position
}

// Procedure is a composite procedure identifier (SVC01, SVC06).
type Procedure struct {
	Qualifier   string   `json:"qualifier"` // HC (HCPCS), AD (ADA), N4 (NDC), NU (revenue code), …
	Code        string   `json:"code"`
	Modifiers   []string `json:"modifiers,omitempty"`
	Description string   `json:"description,omitempty"`
}

// Remark is an LQ segment: HE for a remittance advice remark code (RARC),
// RX for an NCPDP reject code.
type Remark struct {
	Qualifier string `json:"qualifier"`
	Code      string `json:"code"`
}

// ProviderAdjustment is a PLB segment: adjustments not tied to a claim.
type ProviderAdjustment struct {
	ProviderID      string                   `json:"provider_id"`       // PLB01
	FiscalPeriodEnd civil.Date               `json:"fiscal_period_end"` // PLB02
	Items           []ProviderAdjustmentItem `json:"items"`
}

// ProviderAdjustmentItem is one (reason:reference, amount) pair of a PLB. A
// positive amount reduces the payment.
type ProviderAdjustmentItem struct {
	Reason    string       `json:"reason"` // PLB03-1: WO overpayment recovery, L6 interest, CV capital pass-through, …
	Reference string       `json:"reference,omitempty"`
	Amount    money.Amount `json:"amount"`
}
