// Package codeset is the dated table of every HCPCS code and modifier the
// engine can emit or must recognise: descriptors, effective and termination
// dates (CS-10), the dose amount in each drug descriptor (DR-1), which items
// are bundled into the per diem (IN-1) and the exclusion groups (CS-9).
package codeset

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/perdiem/perdiem/civil"
)

// Kind classifies a code for the engine.
type Kind string

// Code kinds.
const (
	PerDiem           Kind = "per_diem"
	Catheter          Kind = "catheter"
	Nursing           Kind = "nursing"
	MedicareHIT       Kind = "medicare_hit"
	DME               Kind = "dme"
	SupplyKind        Kind = "supply"
	EnteralParenteral Kind = "enteral_parenteral"
	DrugKind          Kind = "drug"
	Modifier          Kind = "modifier"
	Other             Kind = "other"
)

// Dose is the amount of drug one HCPCS unit stands for, parsed from the
// descriptor ("500 mg", "per 250 mg", "up to 10 mg", "1000 units", "per 10 ml").
type Dose struct {
	Amount float64 `json:"amount"`
	Unit   string  `json:"unit"` // mg, g, mcg, units, ml, calories, … (normalised, lower case)
	Text   string  `json:"text"` // as written in the descriptor
	// Parts are the components of a combination ("1 gram/0.125 grams"),
	// whose sum is Amount: the dose of a combination is its combined amount.
	Parts []float64 `json:"parts,omitempty"`
}

// String writes the dose as "1.125 g" (empty for nil).
func (d *Dose) String() string {
	if d == nil {
		return ""
	}
	return strconv.FormatFloat(d.Amount, 'f', -1, 64) + " " + d.Unit
}

// Code is one row of the table.
type Code struct {
	Code       string      `json:"code"`
	Kind       Kind        `json:"kind"`
	Short      string      `json:"short"`
	Long       string      `json:"long"`
	Effective  civil.Date  `json:"effective"`
	Terminated *civil.Date `json:"terminated,omitempty"`
	Dose       *Dose       `json:"dose,omitempty"`
	// DoseNote says why a drug descriptor that states amounts gives no
	// dose (ReadDose): the engine warns (BI-2) instead of guessing.
	DoseNote string `json:"dose_note,omitempty"`
	Bundled  bool   `json:"bundled,omitempty"` // IN-1: included in the per diem
	NOC      bool   `json:"noc,omitempty"`     // not otherwise classified: needs a description
	Source   string `json:"source,omitempty"`
	// Versions are the dated descriptors where the history is known, oldest
	// first; the last one is Short/Long. A single version only dates the
	// current descriptor. Empty when nothing is known but Short/Long.
	Versions []Version `json:"versions,omitempty"`

	// changed is the CMS action effective date of the record: the last
	// day CMS changed it, which dates a descriptor across releases.
	changed civil.Date
	// action is the record's CMS action code (A, B, C, D, N, …).
	action string
}

// Version is a descriptor in force from a given day.
type Version struct {
	From   civil.Date `json:"from"`
	Short  string     `json:"short"`
	Long   string     `json:"long"`
	Source string     `json:"source,omitempty"`
	// Dose and DoseNote are read from Long, as for the code.
	Dose     *Dose  `json:"dose,omitempty"`
	DoseNote string `json:"dose_note,omitempty"`
}

// On returns the descriptor and dose in force on day d: the latest version
// starting on or before d, the oldest known one for earlier days, or the
// code's own when there is no history.
func (c *Code) On(d civil.Date) Version {
	if len(c.Versions) == 0 {
		return Version{From: c.Effective, Short: c.Short, Long: c.Long, Source: c.Source, Dose: c.Dose, DoseNote: c.DoseNote}
	}
	v := c.Versions[0]
	for _, w := range c.Versions[1:] {
		if w.From <= d {
			v = w
		}
	}
	return v
}

// DescriptorOn returns the short and long descriptors in force on day d:
// the latest version starting on or before d, the oldest known one for
// earlier days, or Short and Long when there is no history.
func (c *Code) DescriptorOn(d civil.Date) (short, long string) {
	v := c.On(d)
	return v.Short, v.Long
}

// TakesDose reports whether the code's descriptor is read for a dose: the
// drugs (J, the curated drug rows), the Q codes, the enteral and parenteral
// nutrients (B4, B5), and the S-code drugs and solutions (S0, S50, S55).
func TakesDose(code string, kind Kind) bool {
	if len(code) != 5 {
		return false
	}
	if kind == DrugKind || kind == EnteralParenteral {
		return true
	}
	for _, p := range []string{"J", "Q", "B4", "B5", "S0", "S50", "S55"} {
		if strings.HasPrefix(code, p) {
			return true
		}
	}
	return false
}

// IsPerDiem reports whether the code bills per day: the home infusion per
// diems and the catheter care per diems, whose catheter kind they share
// with the separately billable catheter supplies (S5517–S5523); the
// descriptor tells them apart.
func (c *Code) IsPerDiem() bool {
	return c.Kind == PerDiem || c.Kind == Catheter && mentionsPerDiem(c.Long)
}

// mentionsPerDiem says whether a descriptor holds "per diem" in any letter
// case; an ASCII one, as CMS writes them, is read without a lower-case copy.
func mentionsPerDiem(s string) bool {
	const word = "per diem"
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= utf8.RuneSelf:
			return strings.Contains(strings.ToLower(s), word)
		case c|0x20 == 'p' && i+len(word) <= len(s) && foldsTo(s[i+1:i+len(word)], word[1:]):
			return true
		}
	}
	return false
}

// foldsTo says whether ASCII s is lower, a lower-case ASCII word, in any
// letter case.
func foldsTo(s, lower string) bool {
	for j := 0; j < len(lower); j++ {
		c := s[j]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[j] {
			return false
		}
	}
	return true
}

// ActiveOn reports whether the code may be billed on day d (CS-10).
func (c *Code) ActiveOn(d civil.Date) bool {
	return d >= c.Effective && (c.Terminated == nil || d <= *c.Terminated)
}

// Exclusion is one CS-9 exclusion group: no code of A may be on a claim
// with a code of B for the same patient.
type Exclusion struct {
	ID     string   `json:"id"`
	A      []string `json:"a"`
	B      []string `json:"b"`
	Source string   `json:"source"`
	// Effective and Terminated date the rule itself (CS-10), inclusive.
	Effective  civil.Date  `json:"effective"`
	Terminated *civil.Date `json:"terminated,omitempty"`
}

// ActiveOn reports whether the group applies to claims with service on day d.
func (x *Exclusion) ActiveOn(d civil.Date) bool {
	return d >= x.Effective && (x.Terminated == nil || d <= *x.Terminated)
}
