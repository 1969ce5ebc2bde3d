// Package remit reconciles 835 remittances with the claims that were sent:
// it matches each 835 claim (CLP) to a claim.Claim and each service line
// (SVC) to a claim line, then says per line what was billed, expected
// (from the contract), allowed, paid and left to the patient, each
// adjustment and remark in plain words, and what needs a person: an
// underpayment or overpayment beyond the tolerance, a denial, a reversal
// and its correction, a claim or line with no match on either side, and
// the provider-level adjustments (PLB) of each remittance.
//
// Matching, best key first (docs/reconcile.md):
//
//   - a claim by CLP01, the patient control number the payer echoes from
//     our CLM01 (Claim.ID); when several claims share that id, the one
//     whose total is CLP03; when CLP01 names no claim, the one claim of the
//     patient's member id (NM1*QC or NM1*IL) whose total is CLP03 and whose
//     period holds the remittance's dates;
//   - a line by REF*6R, the line item control number the payer echoes from
//     our line id (Line.ID, "<claim id>-<n>"); else by procedure code
//     (SVC06 when the payer changed it, else SVC01) and date of service,
//     preferring the line with the same modifiers and charge.
//
// Every 835 claim and line is in the report, matched or not: nothing the
// payer sent is dropped. Amounts are money.Amount, exact cents.
package remit

import (
	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/money"
)

// Report is the reconciliation of remittances with the claims sent.
type Report struct {
	// Remittances are the 835 transaction sets, in input order, each with
	// its claims as the payer sent them.
	Remittances []*Remittance `json:"remittances"`
	// Claims are the claims sent, in input order, each with its outcome
	// over every remittance that answered it.
	Claims []*ClaimOutcome `json:"claims"`
	Totals Totals          `json:"totals"`
}

// Totals add up the report.
type Totals struct {
	Remittances           int          `json:"remittances"`
	Payments              money.Amount `json:"payments"` // ΣBPR02
	ClaimsPaid            money.Amount `json:"claims_paid"`
	ProviderAdjustments   money.Amount `json:"provider_adjustments"` // ΣPLB; positive reduces the payment
	PatientResponsibility money.Amount `json:"patient_responsibility"`
	// Counts of flags by kind over every remittance claim and line, and
	// of claims sent with no remittance.
	Flags map[FlagKind]int `json:"flags"`
}

// Remittance is one 835 transaction set.
type Remittance struct {
	ControlNumber string       `json:"control_number"` // ST02
	Payer         string       `json:"payer"`          // N1*PR
	Payee         string       `json:"payee"`          // N1*PE
	Trace         string       `json:"trace"`          // TRN02, the check or EFT number
	Payment       money.Amount `json:"payment"`        // BPR02
	Method        string       `json:"method"`         // BPR04
	Date          civil.Date   `json:"date"`           // BPR16
	// Findings is how many problems the 835 reader met in this set
	// (balances, bad elements); `perdiem read` lists them.
	Findings int `json:"findings"`

	Claims              []*ClaimPayment      `json:"claims"`
	ProviderAdjustments []ProviderAdjustment `json:"provider_adjustments,omitempty"`
}

// ProviderAdjustment is one reason and amount of a PLB: money of the
// provider not tied to one claim. A positive amount reduces the payment.
type ProviderAdjustment struct {
	ProviderID string       `json:"provider_id"` // PLB01
	Period     civil.Date   `json:"period"`      // PLB02, the fiscal period date
	Reason     string       `json:"reason"`      // PLB03-1
	Meaning    string       `json:"meaning"`
	Reference  string       `json:"reference,omitempty"` // PLB03-2
	Amount     money.Amount `json:"amount"`
	// ClaimID is our claim the reference names (a WO recovery of an
	// earlier payment), when it names one by its id or the payer's claim
	// number seen in this run.
	ClaimID string `json:"claim_id,omitempty"`
}

// MatchRule says how a remittance claim or line was matched, so a biller
// can audit it.
type MatchRule string

// Match rules, best first.
const (
	ByClaimID       MatchRule = "claim-id"            // CLP01 = Claim.ID
	ByMember        MatchRule = "member-charge-date"  // member id, CLP03 = total, dates in the period
	ByControlNumber MatchRule = "line-control-number" // REF*6R = Line.ID
	ByCodeAndDate   MatchRule = "code-and-date"       // procedure code and date of service
	Unmatched       MatchRule = "unmatched"           // the remittance's, matching nothing sent
	NotInRemittance MatchRule = "not-in-remittance"   // a line sent that the remittance does not answer
)

// Outcome is what became of a claim: what the server maps to a claim status.
type Outcome string

// Outcomes.
const (
	NoRemittance     Outcome = "no-remittance"    // no remittance answered the claim
	Paid             Outcome = "paid"             // every line paid as expected (or, without a contract, paid)
	PartlyPaid       Outcome = "partly-paid"      // some paid, some denied, underpaid or not answered
	Denied           Outcome = "denied"           // nothing paid and nothing left to the patient
	Reversed         Outcome = "reversed"         // a reversal (CLP02 22) with no correction after it
	Forwarded        Outcome = "forwarded"        // CLP02 23: not this payer's claim, sent on to another
	Predetermination Outcome = "predetermination" // CLP02 25: priced only, no payment
)

// FlagKind names what needs a person's attention.
type FlagKind string

// Flag kinds.
const (
	Underpaid       FlagKind = "underpaid"         // allowed below expected by more than the tolerance
	Overpaid        FlagKind = "overpaid"          // allowed above expected by more than the tolerance
	DeniedFlag      FlagKind = "denied"            // a claim or line paid nothing, nothing left to the patient
	Reversal        FlagKind = "reversal"          // CLP02 22: an earlier payment taken back
	Correction      FlagKind = "correction"        // the new adjudication after a reversal
	UnmatchedClaim  FlagKind = "unmatched-claim"   // a remittance claim no claim sent matches
	UnmatchedLine   FlagKind = "unmatched-line"    // a remittance line no line of the claim matches
	LineNotAnswered FlagKind = "line-not-answered" // a line sent that the remittance claim does not answer
	NotAnswered     FlagKind = "no-remittance"     // a claim sent that no remittance answers
	ChargeDiffers   FlagKind = "charge-differs"    // the payer's charge (CLP03, SVC02) is not ours
	UnitsChanged    FlagKind = "units-changed"     // units paid (SVC05) are not the units billed
	CodeChanged     FlagKind = "code-changed"      // the payer paid another code (SVC06 holds ours)
	SplitLine       FlagKind = "split-line"        // one line sent came back as several SVC
	ForwardedFlag   FlagKind = "forwarded"         // CLP02 19-21, 23: sent on to another payer
	ProviderLevel   FlagKind = "provider-adjustment"
)

// Flag is one thing to look at, in words.
type Flag struct {
	Kind    FlagKind `json:"kind"`
	Message string   `json:"message"`
}

// ClaimPayment is one 835 claim (CLP) as reconciled.
type ClaimPayment struct {
	// ClaimID is the claim sent that it answers; empty when unmatched.
	ClaimID string    `json:"claim_id"`
	Match   MatchRule `json:"match"`

	PatientControlNumber string  `json:"patient_control_number"` // CLP01
	PayerClaimNumber     string  `json:"payer_claim_number"`     // CLP07
	Status               string  `json:"status"`                 // CLP02
	StatusMeaning        string  `json:"status_meaning"`
	Outcome              Outcome `json:"outcome"`

	Billed                money.Amount  `json:"billed"`                 // CLP03
	Expected              *money.Amount `json:"expected,omitempty"`     // Σ the lines' expected, when every line has one
	Paid                  money.Amount  `json:"paid"`                   // CLP04
	PatientResponsibility money.Amount  `json:"patient_responsibility"` // CLP05

	Adjustments []Adjustment   `json:"adjustments,omitempty"` // claim-level CAS
	Remarks     []Remark       `json:"remarks,omitempty"`     // MOA/MIA
	Lines       []*LinePayment `json:"lines"`
	Flags       []Flag         `json:"flags,omitempty"`
}

// LinePayment is one service line: a remittance line (SVC) with the line
// sent that it answers, a remittance line that answers none, or a line
// sent that the remittance claim does not answer.
type LinePayment struct {
	// LineID is the line sent (REF*6R); empty for an unmatched SVC.
	LineID string    `json:"line_id,omitempty"`
	Match  MatchRule `json:"match"`
	// ControlNumber is the REF*6R the payer sent, when any.
	ControlNumber string `json:"control_number,omitempty"`

	Code      string     `json:"code"` // the code billed: ours when matched, else SVC06 or SVC01
	Modifiers []string   `json:"modifiers,omitempty"`
	PaidCode  string     `json:"paid_code,omitempty"` // SVC01 when the payer paid another code
	From      civil.Date `json:"from"`
	To        civil.Date `json:"to"`
	Units     string     `json:"units"`      // billed (ours, else SVC07 or SVC05)
	PaidUnits string     `json:"paid_units"` // SVC05; 1 when absent

	Billed money.Amount `json:"billed"` // our charge when matched, else SVC02
	// Expected is the contract's payment for the line, and Term the
	// contract term that set it; nil without a contract or a price.
	Expected *money.Amount `json:"expected,omitempty"`
	Term     string        `json:"term,omitempty"`
	// Allowed is AMT*B6, what the payer allowed, when sent.
	Allowed               *money.Amount `json:"allowed,omitempty"`
	Paid                  money.Amount  `json:"paid"`                   // SVC03
	PatientResponsibility money.Amount  `json:"patient_responsibility"` // Σ PR adjustments
	// Variance is expected − allowed (AMT*B6, else the charge less the CO,
	// PI and OA adjustments other than OA-23): positive is an
	// underpayment.
	Variance *money.Amount `json:"variance,omitempty"`

	Adjustments []Adjustment `json:"adjustments,omitempty"`
	Remarks     []Remark     `json:"remarks,omitempty"`
	Flags       []Flag       `json:"flags,omitempty"`
}

// Adjustment is one reason of a CAS with its meaning.
type Adjustment struct {
	Group        string       `json:"group"` // CO, PR, OA, PI (CR from 4010 payers)
	GroupMeaning string       `json:"group_meaning"`
	Reason       string       `json:"reason"` // CARC
	Meaning      string       `json:"meaning"`
	Status       string       `json:"status"` // current, deactivated, or unknown (not on X12's list)
	Amount       money.Amount `json:"amount"`
	Quantity     string       `json:"quantity,omitempty"`
}

// Remark is a remark code (RARC, or an NCPDP reject code) with its meaning.
type Remark struct {
	Qualifier string `json:"qualifier,omitempty"` // LQ01: HE remark, RX NCPDP reject; empty from MOA/MIA
	Code      string `json:"code"`
	Meaning   string `json:"meaning"`
	Status    string `json:"status"` // current, deactivated, unknown, or unlisted (RX)
}

// ClaimOutcome is a claim sent and what the remittances did with it.
type ClaimOutcome struct {
	ClaimID  string        `json:"claim_id"`
	Outcome  Outcome       `json:"outcome"`
	Billed   money.Amount  `json:"billed"` // the claim's total
	Expected *money.Amount `json:"expected,omitempty"`
	// Paid and PatientResponsibility are net over every remittance claim
	// that answered it: a reversal's negative amounts included.
	Paid                  money.Amount `json:"paid"`
	PatientResponsibility money.Amount `json:"patient_responsibility"`
	// Payments says where each answer is: the remittance's ST02 and the
	// payer's claim number, in input order.
	Payments []PaymentRef `json:"payments,omitempty"`
	Flags    []Flag       `json:"flags,omitempty"`
}

// PaymentRef points at a ClaimPayment of the report.
type PaymentRef struct {
	Remittance       int    `json:"remittance"` // index in Report.Remittances
	Claim            int    `json:"claim"`      // index in that remittance's Claims
	Status           string `json:"status"`     // CLP02
	PayerClaimNumber string `json:"payer_claim_number"`
}
