// Package claim holds the coded claim. A Result is what coding an episode
// gives: the lines, each with the Reasons (rule and text) that made it, and
// the warnings. A Claim is the claim as a document of its own: the header
// (who bills whom, diagnoses, prior authorization, the envelope parties),
// the lines with their ids and charges, and the total. It is the input of
// the 837P writer, and all that storage, pricing and reconciliation need.
//
// The claim's vocabularies (filing codes, relationships, frequencies, the
// claim id length) are defined here once; the episode document's checks
// and the 837P writer use them.
package claim

import (
	"strings"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/money"
)

// Kind says what a line bills; it orders lines and decides how X12 writes them.
type Kind int

// Line kinds, in output order for lines that start on the same day.
const (
	PerDiem Kind = iota
	Nursing
	Drug
	Supply
)

var kindNames = [...]string{"per-diem", "nursing", "drug", "supply"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// MarshalText writes the kind's name.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText reads a kind's name.
func (k *Kind) UnmarshalText(b []byte) error {
	for i, n := range kindNames {
		if n == string(b) {
			*k = Kind(i)
			return nil
		}
	}
	return &UnknownKindError{Name: string(b)}
}

// UnknownKindError reports a line kind that is not one of the four.
type UnknownKindError struct{ Name string }

func (e *UnknownKindError) Error() string {
	return "unknown line kind " + e.Name + " (want per-diem, nursing, drug or supply)"
}

// Line is one coded service line. Units are whole numbers for per diem,
// nursing and HCPCS drug lines; NOC drug lines may carry the profile's unit.
//
// ID and Charge belong to a line on a Claim: the id is the line item
// control number (REF*6R) that an 835 answers with, unique in the claim
// and kept when a claim is split; the charge is the units times the
// provider's charge per unit. Coding an episode leaves both empty.
type Line struct {
	ID          string       `json:"id,omitempty"`
	Code        string       `json:"code"`
	Modifiers   []string     `json:"modifiers"`
	From        civil.Date   `json:"from"`
	To          civil.Date   `json:"to"`
	Units       float64      `json:"units"`
	Charge      money.Amount `json:"charge,omitempty"`
	POS         string       `json:"pos"`
	Kind        Kind         `json:"kind"`
	Therapy     string       `json:"therapy,omitempty"`
	NDC         string       `json:"ndc,omitempty"`
	NDCQuantity float64      `json:"ndc_quantity,omitempty"`
	NDCUnit     string       `json:"ndc_unit,omitempty"`
	Description string       `json:"description,omitempty"`
	Why         []Reason     `json:"why"`
}

// Reason is one rule that made or shaped a line: the rule's ID in
// coding-standard.md (PD-1, CS-2, …) and what it did here. In JSON it is the
// one string "RULE: text", or "RULE" alone when there is no text, as the
// output of perdiem code has always been.
type Reason struct {
	Rule string
	Text string
}

// String is the reason as people read it: "CS-2: every 8 hours -> S9502".
func (r Reason) String() string {
	if r.Text == "" {
		return r.Rule
	}
	return r.Rule + ": " + r.Text
}

// MarshalText writes the reason's string form.
func (r Reason) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText reads "RULE: text" or "RULE": the rule is what comes before
// the first ": ".
func (r *Reason) UnmarshalText(b []byte) error {
	*r = ParseReason(string(b))
	return nil
}

// ParseReason splits a reason's string form into rule and text; it is the
// inverse of String for reasons whose rule contains no ": ".
func ParseReason(s string) Reason {
	if i := strings.Index(s, ": "); i >= 0 {
		return Reason{Rule: s[:i], Text: s[i+2:]}
	}
	return Reason{Rule: s}
}

// Warning is something the engine did that a biller should know about: an
// item dropped, a general code used for lack of a fact, a cap exceeded.
type Warning struct {
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// Result is the coded episode.
type Result struct {
	Profile  string     `json:"profile"`
	Period   civil.Span `json:"period"`
	Lines    []Line     `json:"lines"`
	Warnings []Warning  `json:"warnings"`
}
