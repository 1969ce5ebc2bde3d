// Package x214 reads and writes 277CA health care claim acknowledgments
// (005010X214): for each claim of an 837, whether the payer's front end
// accepted it into adjudication or rejected it before, and why.
//
// A 277CA answers one 837 transaction set. Its hierarchy goes from the
// information source (the payer or clearinghouse, 2000A) to the receiver
// (the 837's submitter, 2000B, with the batch's status), the billing
// provider (2000C) and the patient (2000D), under whom each claim (2200D)
// is named by the patient control number the 837 sent (CLM01, in TRN02)
// and carries its statuses: a category (A2 accepted, A3 … A8 rejected, …)
// and a status code saying what (562 the NPI, 187 the dates of service, …),
// each with its meaning from X12's code lists (data/). A code on no list is
// kept and shown as unknown.
//
// The Reader reads what it can, as the 835 reader does: a bad element or a
// segment out of place is a Finding positioned by segment, byte offset and
// line, in the acknowledgment it belongs to, and the rest is still read.
// Only input that stops being X12 ends the reading. Amounts are integer
// cents, dates civil dates.
//
// Answer builds the 277CA a payer's front end sends for a validated 837P:
// each claim accepted, or rejected with a status for each of its business
// findings (statusmap.go says which); Writer writes it.
package x214

import (
	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/money"
	"github.com/perdiem/perdiem/x12"
)

// Ack is one 277CA transaction set (ST … SE): the acknowledgment of one
// 837 transaction set.
type Ack struct {
	InterchangeControlNumber string `json:"interchange_control_number"` // ISA13
	GroupControlNumber       string `json:"group_control_number"`       // GS06
	ControlNumber            string `json:"control_number"`             // ST02
	Version                  string `json:"version,omitempty"`          // ST03, else GS08: 005010X214

	Reference   string      `json:"reference"`              // BHT03, the 277CA's own id
	CreatedDate *civil.Date `json:"created_date,omitempty"` // BHT04
	CreatedTime string      `json:"created_time,omitempty"` // BHT05

	// Sources are the information sources (2000A): the payer or
	// clearinghouse that sends the acknowledgment, with its receivers.
	Sources []*Source `json:"sources"`

	// Findings are the problems met while reading this acknowledgment, in
	// input order. An Ack with findings is still what was sent, as far as
	// it could be read.
	Findings []*Error `json:"findings,omitempty"`
	// Incomplete says the input ended, or a new ST came, before this
	// transaction set's SE.
	Incomplete bool `json:"incomplete,omitempty"`
}

// Source is the information source level (2000A, 2100A, 2200A).
type Source struct {
	Name      Name        `json:"name"`                // NM1*PR (payer) or NM1*AY (clearinghouse)
	Trace     string      `json:"trace"`               // TRN02: the source's id for this acknowledgment
	Received  *civil.Date `json:"received,omitempty"`  // DTP*050: when the source received the 837
	Processed *civil.Date `json:"processed,omitempty"` // DTP*009: when it processed it

	Receivers []*Receiver `json:"receivers"`
}

// Receiver is the information receiver level (2000B, 2100B, 2200B): the
// submitter of the 837 and the status of the whole batch.
type Receiver struct {
	Name Name `json:"name"` // NM1*41
	// Batch is TRN02: the 837's BHT03, which ties the acknowledgment to
	// the transaction set it answers.
	Batch    string   `json:"batch"`
	Statuses []Status `json:"statuses,omitempty"` // STC

	Counts

	Providers []*Provider `json:"providers,omitempty"`
}

// Counts are the accepted and rejected totals a receiver or provider level
// may carry (QTY, AMT).
type Counts struct {
	AcceptedClaims *int64        `json:"accepted_claims,omitempty"` // QTY*90 (2200B), QTY*QA (2200C)
	RejectedClaims *int64        `json:"rejected_claims,omitempty"` // QTY*AA (2200B), QTY*QC (2200C)
	AcceptedAmount *money.Amount `json:"accepted_amount,omitempty"` // AMT*YU
	RejectedAmount *money.Amount `json:"rejected_amount,omitempty"` // AMT*YY
}

// Provider is the billing provider level (2000C, 2100C, 2200C).
type Provider struct {
	Name     Name     `json:"name"`            // NM1*85
	Trace    string   `json:"trace,omitempty"` // TRN02
	Statuses []Status `json:"statuses,omitempty"`
	Refs     []Ref    `json:"refs,omitempty"` // REF: secondary ids

	Counts

	Patients []*Patient `json:"patients,omitempty"`
}

// Patient is the patient level (2000D, 2100D) with the patient's claims.
type Patient struct {
	Name   Name     `json:"name"` // NM1*QC
	Claims []*Claim `json:"claims,omitempty"`
}

// Claim is one claim status tracking loop (2200D).
type Claim struct {
	// ClaimID is TRN02: the patient control number the 837 sent (CLM01).
	ClaimID  string   `json:"claim_id"`
	Statuses []Status `json:"statuses,omitempty"` // STC
	// PayerClaimControlNumber is REF*1K: the number the payer gave the
	// claim, which the 835 returns in CLP07 and a replacement claim sends
	// in REF*F8.
	PayerClaimControlNumber string `json:"payer_claim_control_number,omitempty"`
	ClearinghouseTrace      string `json:"clearinghouse_trace,omitempty"` // REF*D9, echoed from the 837
	BillType                string `json:"bill_type,omitempty"`           // REF*BLT (institutional claims)
	Refs                    []Ref  `json:"refs,omitempty"`                // other REF

	From *civil.Date `json:"from,omitempty"` // DTP*472: dates of service
	To   *civil.Date `json:"to,omitempty"`

	// Lines are the service lines (2220D) that caused a rejection.
	Lines []*Line `json:"lines,omitempty"`

	// Verdict sums up the statuses of the claim and its lines (see
	// Verdict).
	Verdict Verdict `json:"verdict"`

	pos x12.Position
}

// Line is a service line information loop (2220D).
type Line struct {
	Procedure     Procedure    `json:"procedure"`                // SVC01
	Charge        money.Amount `json:"charge"`                   // SVC02
	RevenueCode   string       `json:"revenue_code,omitempty"`   // SVC04
	Units         string       `json:"units,omitempty"`          // SVC07: original units
	Statuses      []Status     `json:"statuses,omitempty"`       // STC
	ControlNumber string       `json:"control_number,omitempty"` // REF*FJ: the 837's line item control number (REF*6R)
	RxNumber      string       `json:"rx_number,omitempty"`      // REF*XZ
	From          *civil.Date  `json:"from,omitempty"`           // DTP*472
	To            *civil.Date  `json:"to,omitempty"`
}

// Procedure is the composite procedure identifier of SVC01.
type Procedure struct {
	Qualifier   string   `json:"qualifier"` // HC (HCPCS), NU (revenue code), …
	Code        string   `json:"code"`
	Modifiers   []string `json:"modifiers,omitempty"`
	Description string   `json:"description,omitempty"`
}

// Status is one STC segment: up to three status composites (STC01, STC10,
// STC11), the date, the action and the amount.
type Status struct {
	Codes  []StatusCode  `json:"codes"`
	Date   *civil.Date   `json:"date,omitempty"`   // STC02: status effective date
	Action string        `json:"action,omitempty"` // STC03: WQ accept, U reject
	Amount *money.Amount `json:"amount,omitempty"` // STC04: total charges of the unit
	// Message is STC12, free text (2200D only).
	Message string `json:"message,omitempty"`
}

// StatusCode is one health care claim status composite (C043) with the
// meaning of its codes from the shipped lists, or UnknownMeaning.
type StatusCode struct {
	Category        string `json:"category"`         // STC01-1: A0 … A8
	CategoryMeaning string `json:"category_meaning"` // or "unknown"
	Code            string `json:"code"`             // STC01-2
	CodeMeaning     string `json:"code_meaning"`     // or "unknown"
	Entity          string `json:"entity,omitempty"` // STC01-3: whose data the code is about (85 billing provider, …)
	EntityName      string `json:"entity_name,omitempty"`
}

// NewStatusCode makes a status composite from its codes, with their
// meanings.
func NewStatusCode(category, code, entity string) StatusCode {
	sc := StatusCode{Category: category, Code: code, Entity: entity, CategoryMeaning: UnknownMeaning, CodeMeaning: UnknownMeaning}
	if m, ok := CategoryMeaning(category); ok {
		sc.CategoryMeaning = m
	}
	if m, ok := StatusMeaning(code); ok {
		sc.CodeMeaning = m
	}
	if entity != "" {
		sc.EntityName = UnknownMeaning
		if n, ok := EntityName(entity); ok {
			sc.EntityName = n
		}
	}
	return sc
}

// Name is an NM1 segment.
type Name struct {
	Entity      string `json:"entity"`         // NM101
	Type        string `json:"type,omitempty"` // NM102: 1 person, 2 organisation
	Last        string `json:"last,omitempty"` // or organisation name
	First       string `json:"first,omitempty"`
	Middle      string `json:"middle,omitempty"`
	Suffix      string `json:"suffix,omitempty"`
	IDQualifier string `json:"id_qualifier,omitempty"` // NM108
	ID          string `json:"id,omitempty"`           // NM109
}

// Ref is a REF segment.
type Ref struct {
	Qualifier string `json:"qualifier"`
	Value     string `json:"value"`
}
