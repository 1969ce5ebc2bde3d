package x222_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/x12/x222"
)

type found struct{ level, element, code string }

// TestExternalCodeLists: codes checked against the code set in force on the
// line's date of service, states and provinces, ZIP shapes by country, and
// dates of service against the claim's creation date and today. Each change
// to the good sample gives exactly the findings listed.
func TestExternalCodeLists(t *testing.T) {
	today := civil.FromYMD(2026, 6, 1)
	cases := []struct {
		name  string
		pairs []string
		today civil.Date
		want  []found
	}{
		{"procedure code terminated before the date of service", []string{"HC:J0696*", "HC:J0135*"}, today,
			[]found{{"business", "SV101-2", ""}}},
		{"modifier terminated before the date of service", []string{"HC:S9500*", "HC:S9500:QQ*"}, today,
			[]found{{"business", "SV101-3", ""}}},
		{"modifier that is no HCPCS modifier", []string{"HC:S9500*", "HC:S9500:SH:ZQ*"}, today,
			[]found{{"business", "SV101-4", ""}}},
		{"ambulance origin and destination modifier", []string{"HC:S9500*", "HC:S9500:RH*"}, today, nil},
		{"CPT code: not in the set, unchecked", []string{"HC:99601*", "HC:99213*"}, today, nil},
		{"US state code", []string{"N4*SPRINGFIELD*IL*62702~", "N4*SPRINGFIELD*XX*62702~"}, today,
			[]found{{"element", "N402", "7"}}},
		{"Canadian province without N404", []string{"N4*SPRINGFIELD*IL*62702~", "N4*TORONTO*ON*62702~"}, today,
			[]found{{"element", "N402", "7"}}},
		{"Canadian address", []string{"N4*SPRINGFIELD*IL*62702~", "N4*TORONTO*ON*M5V3L9*CA~"}, today, nil},
		{"Canadian postal code shape", []string{"N4*SPRINGFIELD*IL*62702~", "N4*TORONTO*ON*62702*CA~"}, today,
			[]found{{"business", "N403", ""}}},
		{"Canadian province code", []string{"N4*SPRINGFIELD*IL*62702~", "N4*TORONTO*IL*M5V3L9*CA~"}, today,
			[]found{{"element", "N402", "7"}}},
		{"US ZIP shape", []string{"N4*SPRINGFIELD*IL*62702~", "N4*SPRINGFIELD*IL*6270~"}, today,
			[]found{{"business", "N403", ""}}},
		{"other countries: no state or ZIP rule", []string{"N4*SPRINGFIELD*IL*62702~", "N4*PARIS**75001*FR~"}, today, nil},
		{"service after the claim was made", []string{"BHT*0019*00*HIT000001*20260115", "BHT*0019*00*HIT000001*20260105"}, today,
			// the S9500 and J0696 spans and the J3490 span end on 01-07
			[]found{{"business", "DTP03", ""}, {"business", "DTP03", ""}, {"business", "DTP03", ""}}},
		{"service in the future", nil, civil.FromYMD(2026, 1, 3),
			[]found{{"business", "DTP03", ""}, {"business", "DTP03", ""}, {"business", "DTP03", ""}}},
		{"no date for today: not checked", nil, 0, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := replaced(t, c.pairs...)
			rep, err := x222.Validate(bytes.NewReader(src), x222.Options{Codes: codeset.Default(), Today: c.today})
			if err != nil {
				t.Fatal(err)
			}
			var got []found
			for _, f := range rep.Findings {
				got = append(got, found{f.Level, f.Element, f.Code})
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				var b strings.Builder
				for _, f := range rep.Findings {
					fmt.Fprintln(&b, f)
				}
				t.Errorf("got %v, want %v\n%s", got, c.want, b.String())
			}
		})
	}
}

// TestUncheckedIsSaid: what no shipped list checks is listed in the
// report, not skipped silently.
func TestUncheckedIsSaid(t *testing.T) {
	src := replaced(t, "HC:99601*", "HC:99213*")
	rep, err := x222.Validate(bytes.NewReader(src), x222.Options{Codes: codeset.Default(), Today: civil.FromYMD(2026, 6, 1)})
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(rep.Unchecked, "\n")
	for _, want := range []string{"taxonomy", "ICD-10-CM", "SV101: 1 CPT codes: the AMA CPT list is not shipped, such as 99213"} {
		if !strings.Contains(all, want) {
			t.Errorf("unchecked lacks %q:\n%s", want, all)
		}
	}
	rep, err = x222.Validate(bytes.NewReader(src), x222.Options{})
	if err != nil {
		t.Fatal(err)
	}
	all = strings.Join(rep.Unchecked, "\n")
	for _, want := range []string{"no code set given", "no date for today given"} {
		if !strings.Contains(all, want) {
			t.Errorf("without options, unchecked lacks %q:\n%s", want, all)
		}
	}
}

// TestStateCodeIn999: a state code that is none rejects the set with IK4
// code 7, as pyx12 reports it; the business findings stay out of the 999.
func TestStateCodeIn999(t *testing.T) {
	out, _ := ack999(t, replaced(t, "N4*SPRINGFIELD*IL*62702~", "N4*SPRINGFIELD*XX*6270~"))
	for _, want := range []string{"IK3*N4*16**8~", "IK4*2*156*7*XX~", "IK5*R*5~"} {
		if !strings.Contains(out, want) {
			t.Errorf("999 lacks %q:\n%s", want, strings.ReplaceAll(out, "~", "~\n"))
		}
	}
	if strings.Contains(out, "IK4*3*") {
		t.Errorf("the ZIP shape (a business finding) is in the 999:\n%s", out)
	}
}
