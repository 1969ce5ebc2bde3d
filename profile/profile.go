// Package profile holds payer profiles: the settings in which payers differ
// from the NHIA defaults, each with the published source it comes from. A
// profile is data (an embedded JSON file or a user's own file), never code.
package profile

import (
	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/money"
)

// Values of the enumerated settings.
const (
	AccessDays   = "access-days"
	InfusionDays = "infusion-days"
	Elapsed24h   = "elapsed-24h"

	SpanCalendarMonth = "calendar-month"
	SpanEpisode       = "episode"
	SpanWeek          = "week"
	SpanMin7Days      = "min-7-days"

	Specific = "specific"
	General  = "general"

	PrimaryRateThenStart = "rate-then-start"
	PrimaryFirstBilled   = "first-billed"
	PrimaryRate          = "rate"

	DrugHCPCSNDC = "hcpcs+ndc"
	DrugNDCOnly  = "ndc-only"
	DrugNOCNDC   = "noc+ndc"

	UnusedNotBilled = "not-billed"
	UnusedSV        = "sv"
)

// Profile is a resolved payer profile: every setting has a value (inherited
// from nhia when the profile file does not set it) and Sources says where each
// value that differs from nhia comes from.
type Profile struct {
	ID        string            `json:"id"`
	Name      string            `json:"name"`
	Effective civil.Date        `json:"effective"`
	Source    string            `json:"source"`
	Settings  Settings          `json:"settings"`
	Sources   map[string]string `json:"sources,omitempty"`
}

// Settings are the knobs of profiles.md, with the rule each one changes.
type Settings struct {
	PerDiemDays                string                  `json:"per_diem_days"`                 // PD-6
	Span                       string                  `json:"span"`                          // LN-2
	Specificity                string                  `json:"specificity"`                   // CS-1
	AntiInfectiveOtherInterval string                  `json:"anti_infective_other_interval"` // CS-2
	PrimaryTherapy             string                  `json:"primary_therapy"`               // CC-2
	ConcurrencyExtraModifier   string                  `json:"concurrency_extra_modifier"`    // CC-3
	ForbiddenConcurrent        []Forbidden             `json:"forbidden_concurrent"`          // CC-4
	NursingExtraHourMinutes    int                     `json:"nursing_extra_hour_minutes"`    // NU-2
	NursingCaps                *NursingCaps            `json:"nursing_caps"`                  // NU-4
	NursingOnClaim             bool                    `json:"nursing_on_claim"`              // NU-4
	SuitePOS                   string                  `json:"suite_pos"`                     // LN-1
	DrugCoding                 string                  `json:"drug_coding"`                   // DR-5
	UnusedDrug                 string                  `json:"unused_drug"`                   // DR-4
	BillableOutsidePerDiem     []string                `json:"billable_outside_per_diem"`     // IN-1
	SHRate                     int                     `json:"sh_rate"`                       // CC-3, percent, pricing
	SJRate                     int                     `json:"sj_rate"`                       // CC-3, percent, pricing
	Rates                      map[string]money.Amount `json:"rates,omitempty"`               // contracted per diem rates (CC-2)
}

// Forbidden says a therapy type is not billed on days another type runs
// (CC-4): the Type line is dropped on those days.
type Forbidden struct {
	Type string   `json:"type"`
	With []string `json:"with"`
}

// NursingCaps are limits the engine flags but does not enforce (NU-4).
type NursingCaps struct {
	HoursPerDay    float64 `json:"hours_per_day,omitempty"`
	HoursPerWeek   float64 `json:"hours_per_week,omitempty"`
	VisitsPer7Days int     `json:"visits_per_7_days,omitempty"`
	RNOnly         bool    `json:"rn_only,omitempty"`
}

// NHIA returns the default settings of coding-standard.md.
func NHIA() Settings {
	return Settings{
		PerDiemDays:                AccessDays,
		Span:                       SpanCalendarMonth,
		Specificity:                Specific,
		AntiInfectiveOtherInterval: "S9494",
		PrimaryTherapy:             PrimaryRateThenStart,
		NursingExtraHourMinutes:    31,
		NursingOnClaim:             true,
		SuitePOS:                   "12",
		DrugCoding:                 DrugHCPCSNDC,
		UnusedDrug:                 UnusedNotBilled,
		BillableOutsidePerDiem:     []string{"S5517", "S5518", "S5520", "S5521", "S5522", "S5523"},
		SHRate:                     100,
		SJRate:                     100,
	}
}
