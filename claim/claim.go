// Package claim holds the coded claim: the lines the coding engine produces,
// with the reasons for each, and the warnings it raised. It is the output of
// coding and the input of the X12 writer, scrubbing and pricing.
package claim

import "github.com/perdiem/perdiem/civil"

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
type Line struct {
	Code        string     `json:"code"`
	Modifiers   []string   `json:"modifiers"`
	From        civil.Date `json:"from"`
	To          civil.Date `json:"to"`
	Units       float64    `json:"units"`
	POS         string     `json:"pos"`
	Kind        Kind       `json:"kind"`
	Therapy     string     `json:"therapy,omitempty"`
	NDC         string     `json:"ndc,omitempty"`
	NDCQuantity float64    `json:"ndc_quantity,omitempty"`
	NDCUnit     string     `json:"ndc_unit,omitempty"`
	Description string     `json:"description,omitempty"`
	Why         []string   `json:"why"`
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
