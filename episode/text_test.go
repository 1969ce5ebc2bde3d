package episode

import (
	"os"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/civil"
)

// TestDecodeRefusesTextThatIsNotUTF8: a name or description that is not
// UTF-8 (a file saved as Latin-1 or Windows-1252) is a problem at its path,
// not a U+FFFD put in its place.
func TestDecodeRefusesTextThatIsNotUTF8(t *testing.T) {
	runProblemCases(t, []problemCase{
		{"Latin-1 in a drug description", with(`"drugs":[{"hcpcs":"J3490","ndc":"00409-4888-02","from":"2026-03-02","to":"2026-03-02","description":"caf` + "\xe9" + `ine"}]`),
			[]Problem{{"drugs[0].description", "byte 212 (0xE9) is not UTF-8"}}},
		{"Windows-1252 quote in a subscriber name", `{"therapies":[{` + abx + `}],"claim":{"subscriber":{"last":"O` + "\x92" + `BRIEN"}}}`,
			[]Problem{{"claim.subscriber.last", "(0x92) is not UTF-8: want text in UTF-8"}}},
		{"a UTF-8 sequence cut short", oneTherapy(`,"description":"a` + "\xc3" + `"`),
			[]Problem{{"therapies[0].description", "(0xC3) is not UTF-8"}}},
		{"half a surrogate pair", oneTherapy(`,"description":"\ud83d!"`),
			[]Problem{{"therapies[0].description", `\uD83D at byte`}}},
		{"a low surrogate alone", oneTherapy(`,"description":"\ude00"`),
			[]Problem{{"therapies[0].description", `\uDE00 at byte`}}},
		{"not UTF-8 and a structural problem", oneTherapy(`,"description":"` + "\xff" + `","every_hour":8`),
			[]Problem{{"therapies[0].description", "(0xFF) is not UTF-8"}, {"therapies[0].every_hour", "unknown field"}}},
		{"after a byte order mark", "\uFEFF" + oneTherapy(`,"description":"`+"\xff"+`"`), []Problem{{"therapies[0].description", "byte 124 (0xFF)"}}},
	})
}

func TestDecodeKeepsCharactersAsWritten(t *testing.T) {
	for _, desc := range []string{"José Müller", `caf\u00e9`, `\ud83d\ude00 whole pair`, `a\\ud800 is text, not an escape`, "\uFFFD written as such"} {
		doc, err := Decode([]byte(oneTherapy(`,"description":"` + desc + `"`)))
		if err != nil {
			t.Errorf("description %q: %v", desc, err)
			continue
		}
		if got := doc.Therapies[0].Description; strings.ContainsRune(got, '\uFFFD') != strings.Contains(desc, "\uFFFD") {
			t.Errorf("description %q decoded as %q", desc, got)
		}
	}
}

// TestDecodeSkipsByteOrderMark: a document saved with a UTF-8 BOM reads as
// the same document without it; a BOM anywhere else is still an error.
func TestDecodeSkipsByteOrderMark(t *testing.T) {
	b, err := os.ReadFile("testdata/month.json")
	if err != nil {
		t.Fatal(err)
	}
	want, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(append([]byte("\uFEFF"), b...))
	if err != nil {
		t.Fatalf("with a BOM: %v", err)
	}
	if len(got.Therapies) != len(want.Therapies) || got.Therapies[0].ID != want.Therapies[0].ID {
		t.Errorf("with a BOM the document differs")
	}
	if _, err := Decode(append([]byte("\uFEFF\uFEFF"), b...)); err == nil {
		t.Error("two BOMs accepted")
	}
}

func TestValidateClaimDateOfBirth(t *testing.T) {
	defer func(f func() civil.Date) { today = f }(today)
	today = func() civil.Date { return civil.FromYMD(2026, 4, 1) }
	tests := []struct {
		name       string
		subscriber civil.Date
		want       []Problem
	}{
		{"in the past", civil.FromYMD(1960, 1, 1), nil},
		{"on 1900-01-01", civil.FromYMD(1900, 1, 1), nil},
		{"on the first day of service", civil.FromYMD(2026, 3, 2), nil},
		{"before 1900", civil.FromYMD(1899, 12, 31), []Problem{{"claim.subscriber.dob", "1899-12-31 is before 1900-01-01"}}},
		{"a year typed 1090", civil.FromYMD(1090, 6, 1), []Problem{{"claim.subscriber.dob", "before 1900-01-01"}}},
		{"in the future", civil.FromYMD(2026, 4, 2), []Problem{{"claim.subscriber.dob", "2026-04-02 is in the future"}}},
		{"after the first day of service", civil.FromYMD(2026, 3, 3), []Problem{{"claim.subscriber.dob", "after the first day of service 2026-03-02"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := claimDoc(t)
			doc.Claim.Subscriber.DOB = &tt.subscriber
			checkProblems(t, doc.ValidateClaim(), tt.want)
		})
	}
	t.Run("patient", func(t *testing.T) {
		doc := claimDoc(t)
		doc.Claim.Subscriber.Relationship = "spouse"
		doc.Claim.Patient = &Patient{Last: "DOE", First: "JIM", DOB: civil.FromYMD(2099, 1, 1), Sex: "M", Relationship: "spouse",
			Address: Address{Line1: "1 A ST", City: "X", State: "IL", Zip: "62702"}}
		checkProblems(t, doc.ValidateClaim(), []Problem{{"claim.patient.dob", "2099-01-01 is in the future"}})
	})
}

func checkProblems(t *testing.T, got, want []Problem) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("problems = %v, want %v", got, want)
	}
	for i := range want {
		if got[i].Path != want[i].Path || !strings.Contains(got[i].Message, want[i].Message) {
			t.Errorf("problem %d = %v, want %v", i, got[i], want[i])
		}
	}
}
