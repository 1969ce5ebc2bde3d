package scrub

import (
	"fmt"
	"github.com/perdiem/perdiem/asp"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/profile"
)

func day(s string) civil.Date {
	d, err := civil.Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

// ln is a line of the test claims: code, modifiers, dates and units.
func ln(code string, mods string, from, to string, units float64) claim.Line {
	l := claim.Line{Code: code, Modifiers: []string{}, From: day(from), To: day(to), Units: units, POS: "12"}
	if mods != "" {
		l.Modifiers = strings.Split(mods, " ")
	}
	return l
}

func drug(code, ndc string, from, to string, units, qty float64, unit string) claim.Line {
	l := ln(code, "", from, to, units)
	l.Kind, l.NDC, l.NDCQuantity, l.NDCUnit = claim.Drug, ndc, qty, unit
	return l
}

// clean is a claim no edit fires on: an anti-infective every 8 hours
// with a visit of 2.5 hours and its drug, then a hydration beside it.
func clean() *claim.Claim {
	return &claim.Claim{
		ID:         "C1",
		Frequency:  "1",
		Subscriber: claim.Subscriber{MemberID: "M1", Last: "DOE", First: "JANE"},
		Payer:      claim.Payer{Name: "PLAN", ID: "P1", Filing: "CI"},
		Profile:    "nhia",
		Period:     civil.Span{From: day("2026-03-01"), To: day("2026-03-31")},
		Lines: []claim.Line{
			ln("S9502", "", "2026-03-02", "2026-03-15", 14),
			ln("99601", "SD", "2026-03-02", "2026-03-02", 1),
			ln("99602", "", "2026-03-02", "2026-03-02", 1),
			drug("J0690", "00409080501", "2026-03-02", "2026-03-15", 84, 42, "UN"),
			ln("S9374", "SH", "2026-03-05", "2026-03-10", 6),
			ln("S5520", "", "2026-03-02", "2026-03-02", 1),
		},
	}
}

func cleanFacts() *Facts {
	return &Facts{
		Therapies: []Therapy{{ID: "abx", Type: "anti-infective", Intervals: []Interval{{From: day("2026-03-02"), Days: 8.0 / 24}}}},
		Visits:    []Visit{{Date: day("2026-03-02"), Minutes: 151, Nurse: "rn", Therapy: "abx"}},
	}
}

func TestCleanClaimHasNoFindings(t *testing.T) {
	for _, f := range []*Facts{nil, cleanFacts()} {
		got, err := Check(clean(), f, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range got {
			t.Errorf("facts %v: %s", f != nil, x)
		}
	}
}

func prof(id string, change func(*profile.Settings)) *profile.Profile {
	p, err := profile.Get(id)
	if err != nil {
		panic(err)
	}
	cp := *p
	if c := p.Settings.NursingCaps; c != nil {
		caps := *c
		cp.Settings.NursingCaps = &caps
	}
	if change != nil {
		change(&cp.Settings)
	}
	return &cp
}

// Each edit fires on a claim built to break it, at the line that breaks
// it, and no other edit fires there.
func TestEachEdit(t *testing.T) {
	type want struct {
		edit string
		line int
	}
	cases := []struct {
		name    string
		change  func(c *claim.Claim)
		facts   *Facts
		profile *profile.Profile
		want    []want
	}{
		{"SC-1/units-over-days", func(c *claim.Claim) { c.Lines[0].Units = 15 }, nil, nil, []want{{"SC-1", 1}}},
		{"SC-1/catheter-care", func(c *claim.Claim) {
			c.Lines = append(c.Lines, ln("S5498", "", "2026-03-20", "2026-03-21", 3))
		}, nil, nil, []want{{"SC-1", 7}}},
		{"SC-2/same-code-overlap", func(c *claim.Claim) {
			c.Lines = append(c.Lines, ln("S9502", "", "2026-03-15", "2026-03-16", 2))
		}, nil, nil, []want{{"SC-2", 7}}},
		{"SC-3/two-primaries", func(c *claim.Claim) { c.Lines[4].Modifiers = []string{} }, nil, nil, []want{{"SC-3", 5}}},
		{"SC-4/sh-without-primary", func(c *claim.Claim) { c.Lines[4].To = day("2026-03-16"); c.Lines[4].Units = 12 }, nil, nil, []want{{"SC-4", 5}}},
		{"SC-4/sj-without-sh", func(c *claim.Claim) { c.Lines[4].Modifiers = []string{"SJ"} }, nil, nil, []want{{"SC-4", 5}}},
		{"SC-5/exclusion-group", func(c *claim.Claim) {
			c.Lines = append(c.Lines, ln("S9494", "", "2026-03-16", "2026-03-20", 5))
		}, nil, nil, []want{{"SC-5", 7}}},
		{"SC-6/bundled-pump", func(c *claim.Claim) {
			c.Lines = append(c.Lines, ln("E0781", "", "2026-03-03", "2026-03-03", 1))
		}, nil, nil, []want{{"SC-6", 7}}},
		{"SC-7/99602-alone", func(c *claim.Claim) { c.Lines[2].From, c.Lines[2].To = day("2026-03-03"), day("2026-03-03") }, nil, nil, []want{{"SC-7", 3}}},
		{"SC-8/more-than-a-day", func(c *claim.Claim) { c.Lines[2].Units = 23 }, nil, nil, []want{{"SC-8", 3}}},
		{"SC-8/minutes", func(c *claim.Claim) { c.Lines[2].Units = 2 }, cleanFacts(), nil, []want{{"SC-8", 3}}},
		{"SC-8/visits", func(c *claim.Claim) { c.Lines[1].Units = 2 }, cleanFacts(), nil, []want{{"SC-8", 2}}},
		{"SC-8/whole-hours-profile", nil, cleanFacts(), prof("nhia", func(s *profile.Settings) { s.NursingExtraHourMinutes = 60 }), []want{{"SC-8", 3}}},
		{"SC-9/noc-description", func(c *claim.Claim) {
			c.Lines = append(c.Lines, ln("S9379", "SJ", "2026-03-05", "2026-03-05", 1))
		}, nil, nil, []want{{"SC-9", 7}}},
		{"SC-10/medicare", func(c *claim.Claim) { c.Payer.Filing = "MB" }, nil, nil, []want{{"SC-10", 1}, {"SC-10", 5}}},
		{"SC-11/code-dates", func(c *claim.Claim) {
			c.Lines = append(c.Lines, ln("S9563", "", "2023-03-30", "2023-03-31", 2))
		}, nil, nil, []want{{"SC-11", 7}}},
		{"SC-11/modifier-dates", func(c *claim.Claim) {
			c.Lines = append(c.Lines, drug("J0690", "00409080501", "2022-12-30", "2022-12-30", 2, 1, "UN"))
			c.Lines[6].Modifiers = []string{"JZ"}
		}, nil, nil, []want{{"SC-11", 7}}},
		{"SC-12/ndc-missing", func(c *claim.Claim) { c.Lines[3].NDC = "" }, nil, nil, []want{{"SC-12", 4}}},
		{"SC-12/ndc-ten-digits", func(c *claim.Claim) { c.Lines[3].NDC = "0409080501" }, nil, nil, []want{{"SC-12", 4}}},
		{"SC-13/units-below-ndc-mg", func(c *claim.Claim) { c.Lines[3].NDCQuantity, c.Lines[3].NDCUnit = 42001, "ME" }, nil, nil, []want{{"SC-13", 4}}},
		{"SC-13/units-below-ndc-grams", func(c *claim.Claim) { c.Lines[3].NDCQuantity, c.Lines[3].NDCUnit = 42.5, "GR" }, nil, nil, []want{{"SC-13", 4}}},
		{"SC-14/weekly-in-daily-units", func(c *claim.Claim) {
			c.Lines = append(c.Lines, ln("S9338", "SJ", "2026-03-05", "2026-03-10", 6))
			c.Lines[6].Therapy = "ivig"
		}, weekly(), nil, []want{{"SC-14", 7}}},
		{"SC-15/catheter-care-covered", func(c *claim.Claim) {
			c.Lines = append(c.Lines, ln("S5498", "", "2026-03-15", "2026-03-20", 6))
		}, nil, nil, []want{{"SC-15", 7}}},
		{"SC-16/hours-a-day-billed", func(c *claim.Claim) { c.Lines[2].Units = 3 }, nil, prof("bcbs-mi", nil), []want{{"SC-16", 2}}},
		{"SC-16/hours-a-day-minutes", func(c *claim.Claim) {
			c.Lines = append(c.Lines, ln("99601", "", "2026-03-02", "2026-03-02", 1))
		}, moreVisits("2026-03-02", 100), prof("bcbs-mi", nil), []want{{"SC-16", 2}}},
		{"SC-17/hours-a-week", func(c *claim.Claim) {
			for _, d := range []string{"2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06"} {
				c.Lines = append(c.Lines, ln("99601", "", d, d, 1), ln("99602", "", d, d, 1))
			}
		}, nil, prof("bcbs-mi", func(s *profile.Settings) { s.NursingCaps.VisitsPer7Days = 0 }), []want{{"SC-17", 13}}},
		{"SC-18/visits-a-week", func(c *claim.Claim) {
			for _, d := range []string{"2026-03-03", "2026-03-05", "2026-03-08"} {
				c.Lines = append(c.Lines, ln("99601", "", d, d, 1))
			}
		}, nil, prof("bcbs-mi", nil), []want{{"SC-18", 9}}},
		{"SC-19/lpn", nil, lpn(), prof("bcbs-mi", nil), []want{{"SC-19", 2}}},
		{"SC-20/hydration-with-tpn", func(c *claim.Claim) {
			c.Lines[4].Code = "S9375"
			c.Lines = append(c.Lines, ln("S9365", "SJ", "2026-03-08", "2026-03-08", 1))
		}, nil, prof("hmsa", func(s *profile.Settings) { s.Specificity = "specific" }), []want{{"SC-20", 5}}},
		{"SC-22/nursing-elsewhere", nil, nil, prof("bcbs-ne", nil), []want{{"SC-22", 2}, {"SC-22", 3}}},
		{"SC-23/no-59", nil, nil, prof("bcbs-nc", nil), []want{{"SC-23", 5}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := clean()
			if tc.change != nil {
				tc.change(c)
			}
			got, err := Check(c, tc.facts, Options{Profile: tc.profile})
			if err != nil {
				t.Fatal(err)
			}
			var g, w []string
			for _, f := range got {
				g = append(g, fmt.Sprintf("%s@%d", f.Edit, f.Line))
			}
			for _, x := range tc.want {
				w = append(w, fmt.Sprintf("%s@%d", x.edit, x.line))
			}
			if strings.Join(g, " ") != strings.Join(w, " ") {
				t.Errorf("got %v, want %v", got, w)
			}
		})
	}
}

// An edit applies to the claims whose first day of service is in its
// dates, or to every claim when Options.On is in them.
func TestEditDates(t *testing.T) {
	c := clean()
	c.Lines = []claim.Line{ln("S9502", "", "2001-06-01", "2001-06-02", 3)}
	got, err := Check(c, nil, Options{})
	if err != nil || len(got) != 0 {
		t.Fatalf("before the edits are in force: got %v, %v; want nothing", got, err)
	}
	got, err = Check(c, nil, Options{On: day("2026-01-01")})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, f := range got {
		ids = append(ids, f.Edit)
	}
	if strings.Join(ids, " ") != "SC-1 SC-11" {
		t.Errorf("on 2026-01-01: got %v, want SC-1 and SC-11", got)
	}
}

func weekly() *Facts {
	f := cleanFacts()
	f.Therapies = append(f.Therapies, Therapy{ID: "ivig", Type: "immunotherapy", Intervals: []Interval{{From: day("2026-03-05"), Days: 7}}})
	return f
}

func moreVisits(d string, minutes int) *Facts {
	f := cleanFacts()
	f.Visits = append(f.Visits, Visit{Date: day(d), Minutes: minutes, Nurse: "rn"})
	return f
}

func lpn() *Facts {
	f := cleanFacts()
	f.Visits[0].Nurse = "lpn"
	return f
}

// SC-13 judges NDC quantities in items (UN), or in millilitres of a code
// dosed by mass, by the billing units CMS's crosswalk gives one item.
func TestDrugUnitsFromCrosswalk(t *testing.T) {
	pkg := func(code string, size, units float64) asp.Package {
		return asp.Package{Code: code, ID: "00409-0805-01", NDC: "00409080501", PkgSize: size, PkgQty: 25, BillUnits: units, BillUnitsPkg: 25 * units}
	}
	quarter := func(ps ...asp.Package) []*asp.Table {
		return []*asp.Table{{From: day("2026-01-01"), Through: day("2026-03-31"), NDCs: map[string][]asp.Package{"00409080501": ps}}}
	}
	cases := []struct {
		name   string
		tables []*asp.Table
		qty    float64
		unit   string
		want   string // the finding's message, or "" for none
	}{
		{"items-enough", quarter(pkg("J0690", 1, 2)), 42, "UN", ""},
		{"items-too-few", quarter(pkg("J0690", 1, 4)), 42, "UN",
			"84 units of J0690 bill less than the 42 UN of NDC 00409080501 dispensed: CMS's crosswalk of the quarter from 2026-01-01 gives 4 billing units an item, want at least 168 units"},
		{"millilitres-enough", quarter(pkg("J0690", 10, 2)), 420, "ML", ""},
		{"millilitres-too-few", quarter(pkg("J0690", 10, 2)), 425, "ML",
			"84 units of J0690 bill less than the 425 ML of NDC 00409080501 dispensed: CMS's crosswalk of the quarter from 2026-01-01 gives 2 billing units an item of 10 mL, want at least 85 units"},
		{"another-code", quarter(pkg("J0696", 1, 4)), 42, "UN", ""},
		{"rows-disagree", quarter(pkg("J0690", 1, 4), pkg("J0690", 1, 8)), 42, "UN", ""},
		{"rows-agree", quarter(pkg("J0690", 1, 4), pkg("J0690", 1, 4)), 42, "UN",
			"84 units of J0690 bill less than the 42 UN of NDC 00409080501 dispensed: CMS's crosswalk of the quarter from 2026-01-01 gives 4 billing units an item, want at least 168 units"},
		{"no-quarter-in-force", []*asp.Table{{From: day("2025-10-01"), Through: day("2025-12-31"), NDCs: quarter(pkg("J0690", 1, 4))[0].NDCs}}, 42, "UN", ""},
		{"no-crosswalk", nil, 42, "UN", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := clean()
			c.Lines[3].NDCQuantity, c.Lines[3].NDCUnit = tc.qty, tc.unit
			got, err := Check(c, nil, Options{ASP: tc.tables})
			if err != nil {
				t.Fatal(err)
			}
			var msg string
			for _, f := range got {
				if f.Edit != "SC-13" || f.Line != 4 {
					t.Errorf("unexpected finding %+v", f)
					continue
				}
				msg = f.Message
			}
			if msg != tc.want {
				t.Errorf("got %q\nwant %q", msg, tc.want)
			}
		})
	}
}
