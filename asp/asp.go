// Package asp holds CMS's quarterly Medicare Part B drug files: the ASP
// pricing file (the payment allowance limit per HCPCS billing unit) and the
// ASP NDC–HCPCS crosswalk (which NDCs a code covers, and how many billing
// units one package holds). A Table is one quarter, with the days it is in
// force; a Store keeps the quarters a user imports. The pricer prices drugs
// "ASP plus a percentage" from a Table, and the drug-unit check reads the
// billing units of an NDC from it.
package asp

import (
	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/money"
)

// Table is one quarter of the ASP files.
type Table struct {
	// From and Through are the days the quarter is in force, from the
	// files' preamble ("Effective October 1, 2025 through December 31,
	// 2025").
	From, Through civil.Date
	// Pricing and Crosswalk name the files the table was read from
	// (Crosswalk is "" when none was given).
	Pricing, Crosswalk string
	// Limits are the payment limits by HCPCS code.
	Limits map[string]Limit
	// NDCs are the crosswalk rows by NDC in 11 digits (5-4-2 without
	// hyphens); an NDC may belong to more than one code. Rows whose
	// identifier is not an NDC (skin substitutes carry the maker's own)
	// are under that identifier as written.
	NDCs map[string][]Package
}

// Limit is one row of the ASP pricing file.
type Limit struct {
	Code        string
	Short       string // the file's short description
	Dosage      string // the amount one billing unit stands for: "250 MG"
	Limit       money.Rate
	HasLimit    bool   // false when the file says N/A
	Coinsurance string // percent, as written: "20.000"
	Notes       string // "AMP-based payment limit", "Added October 2025", …
}

// Package is one row of the NDC–HCPCS crosswalk.
type Package struct {
	Code    string // HCPCS
	ID      string // NDC2 as written: 00143-9856-25, or an alternate id
	NDC     string // 11 digits, or "" when ID is not an NDC in 5-4-2 form
	Labeler string
	Drug    string
	Dosage  string // HCPCS dosage: "250 MG"
	// PkgSize is the amount in one item (mL in a vial), PkgQty the items
	// in the package, BillUnits the billing units in one item and
	// BillUnitsPkg those in the whole package. CMS writes them as decimals
	// (0.5 units in a half-mL syringe); they are counts, not money.
	PkgSize, PkgQty, BillUnits, BillUnitsPkg float64
}

// In reports whether the table is in force on day d.
func (t *Table) In(d civil.Date) bool { return t.From <= d && d <= t.Through }

// Limit returns the payment limit of a HCPCS code, if the quarter has one.
func (t *Table) Limit(code string) (Limit, bool) {
	l, ok := t.Limits[code]
	return l, ok && l.HasLimit
}

// NDC returns the crosswalk rows of an NDC in 11 digits.
func (t *Table) NDC(ndc string) []Package { return t.NDCs[ndc] }

// On returns the table of tables in force on day d, or nil.
func On(tables []*Table, d civil.Date) *Table {
	for _, t := range tables {
		if t.In(d) {
			return t
		}
	}
	return nil
}
