package claim

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/money"
)

func randomString(r *rand.Rand) string {
	alphabet := []string{"a", "Z", "9", " ", "\"", "\\", "<", ">", "&", "\n", "\t", "\x01", "é", "\u2028", "\xff", "→", "-"}
	n := r.Intn(12)
	if r.Intn(3) == 0 {
		n = r.Intn(48) // past the eight bytes checked at once
	}
	s := ""
	for i := 0; i < n; i++ {
		s += alphabet[r.Intn(len(alphabet))]
	}
	return s
}

// marshal is encoding/json without HTML escaping, as the command writes.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	err := enc.Encode(v)
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), err
}

// AppendJSON must write exactly what encoding/json writes.
func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	floats := []float64{0, 1, 84, 2.5, 0.125, 1e-7, 3e21, 123456789, 0.1, -3, math.Copysign(0, -1),
		1e15 - 1, 1e15, 1e15 + 2, 1e20, 1e21, 4503599627370496.5, 0.999999}
	charges := []money.Amount{math.MinInt64, math.MaxInt64, -1, 5}
	for i := 0; i < 3000; i++ {
		res := &Result{Profile: randomString(r), Period: civil.Span{From: civil.Date(r.Intn(30000)), To: civil.Date(r.Intn(30000))}}
		if r.Intn(10) == 0 {
			// Dates whose years have other than four digits.
			res.Period.From, res.Period.To = civil.Date(r.Intn(4_000_000)-1_000_000), civil.Date(r.Intn(4_000_000)-1_000_000)
		}
		if r.Intn(5) > 0 {
			res.Lines = []Line{}
			for j := 0; j < r.Intn(4); j++ {
				l := Line{Code: randomString(r), From: civil.Date(r.Intn(30000)), To: civil.Date(r.Intn(30000)),
					Units: floats[r.Intn(len(floats))], POS: randomString(r), Kind: Kind(r.Intn(4)), Therapy: randomString(r),
					NDC: randomString(r), NDCQuantity: floats[r.Intn(len(floats))], NDCUnit: randomString(r), Description: randomString(r)}
				if r.Intn(2) > 0 {
					l.ID, l.Charge = randomString(r), money.Amount(r.Int63n(2e18)-1e18)
					if r.Intn(8) == 0 {
						l.Charge = charges[r.Intn(len(charges))]
					}
				}
				if r.Intn(3) > 0 {
					l.Modifiers = []string{randomString(r), randomString(r)}
				}
				if r.Intn(3) > 0 {
					l.Why = []Reason{{Rule: randomString(r), Text: randomString(r)}, {Rule: randomString(r)}}
				}
				res.Lines = append(res.Lines, l)
			}
		}
		if r.Intn(3) > 0 {
			res.Warnings = []Warning{{Rule: randomString(r), Message: randomString(r)}}
		}
		want, err := marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		if got := res.AppendJSON(nil); string(got) != string(want) {
			t.Fatalf("AppendJSON:\n got %s\nwant %s", got, want)
		}
	}
}

func BenchmarkAppendJSON(b *testing.B) {
	res := &Result{Profile: "nhia", Lines: []Line{{Code: "S9500", Modifiers: []string{}, Units: 14, POS: "12", Therapy: "abx",
		Why: []Reason{{"PD-1", "one unit per day of access to the therapy"}, {"CS-2", "every 24 hours -> S9500"}}}}, Warnings: []Warning{}}
	for i := 0; i < 3; i++ {
		res.Lines = append(res.Lines, res.Lines...)
	}
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = res.AppendJSON(buf[:0])
	}
}

// The why of a line is a list of strings in the public JSON
// (docs/input-format.md); Reason keeps that form both ways.
func TestReasonJSONForm(t *testing.T) {
	line := Line{Modifiers: []string{}, Why: []Reason{{Rule: "PD-1"}, {Rule: "CS-2", Text: "every 8 hours -> S9502"}}}
	res := &Result{Lines: []Line{line}}
	const want = `"why":["PD-1","CS-2: every 8 hours -> S9502"]`
	for name, got := range map[string][]byte{"AppendJSON": res.AppendJSON(nil), "encoding/json": must(marshal(res))} {
		if !strings.Contains(string(got), want) {
			t.Errorf("%s: %s does not contain %s", name, got, want)
		}
	}
	var back Result
	if err := json.Unmarshal(res.AppendJSON(nil), &back); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back.Lines[0].Why, line.Why) {
		t.Errorf("read back %#v, want %#v", back.Lines[0].Why, line.Why)
	}
}

func TestParseReason(t *testing.T) {
	for s, want := range map[string]Reason{
		"PD-1":                              {Rule: "PD-1"},
		"CS-2: every 8 hours -> S9502":      {Rule: "CS-2", Text: "every 8 hours -> S9502"},
		"CS-2: a: b":                        {Rule: "CS-2", Text: "a: b"},
		"DR-1: J1234 is 500 mg: 1 g a dose": {Rule: "DR-1", Text: "J1234 is 500 mg: 1 g a dose"},
	} {
		if got := ParseReason(s); got != want {
			t.Errorf("ParseReason(%q) = %#v, want %#v", s, got, want)
		}
		if got := want.String(); got != s {
			t.Errorf("%#v.String() = %q, want %q", want, got, s)
		}
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// A claim stored as JSON reads back as the same claim: storage, pricing and
// reconciliation keep it in this form.
func TestClaimJSONRoundTrip(t *testing.T) {
	dob := civil.Date(21000)
	c := Claim{ID: "HIT1", Frequency: "7", OriginalRef: "P9",
		Submitter:       Submitter{Name: "Acme", ID: "S", Contact: Contact{Phone: "5555551234"}},
		Receiver:        Party{Name: "Plan", ID: "R"},
		BillingProvider: Provider{Name: "Acme", NPI: "1234567893", TaxID: "361234567", Address: Address{Line1: "1 Main", City: "X", State: "IL", Zip: "627010000"}},
		Subscriber:      Subscriber{MemberID: "M", Last: "Doe", First: "Jane", DOB: &dob, Sex: "F", Relationship: "spouse"},
		Patient:         &Patient{Last: "Doe", First: "Jim", DOB: 21001, Sex: "M", Relationship: "spouse"},
		Payer:           Payer{Name: "Plan", ID: "P", Filing: "BL"},
		Diagnoses:       []string{"M86.10"},
		Rendering:       &Person{NPI: "1987654328", Last: "Nurse"},
		Profile:         "nhia", Period: civil.Span{From: 21000, To: 21006},
		Lines: []Line{{ID: "HIT1-1", Code: "S9500", Modifiers: []string{"SH"}, From: 21000, To: 21006, Units: 7, Charge: 139993,
			POS: "12", Kind: PerDiem, Therapy: "abx", Why: []Reason{{Rule: "PD-1", Text: "one unit a day"}, {Rule: "LN-4"}}}},
		Total:    139993,
		Warnings: []Warning{{Rule: "CS-2", Message: "general code"}},
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var back Claim
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, c) {
		t.Errorf("read back\n%+v\nwant\n%+v", back, c)
	}
}

// A Writer used for many results, whose reasons share texts as coded
// results do (plain and not, long and short, and substrings of one another
// at the same address), and whose lines share dates that pick the same
// slots, writes what encoding/json writes for each.
func TestWriterMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	long := "one unit per day of access to the therapy (profile nhia, setting per_diem_days: access-days)"
	texts := []string{long, long[:40], long[:24], long[:23], "every 8 hours -> S9502",
		"a \"quoted\" text that is long enough to be remembered", "a text with a\ttab, long enough to be remembered",
		"NDC 0409-0805-01 -> 00409080501 (11 digits, 5-4-2) \u2028", "registered nurse <specialised> & trained -> SD"}
	// At one address, a plain text and a longer one that is not, of lengths
	// that pick the same slot of the Writer.
	mixed := strings.Repeat("plain text ", 4) + "\"quoted\"" + strings.Repeat(" and more plain text", 13)
	texts = append(texts, mixed[:44], mixed[:300])
	for i := 0; i < 40; i++ {
		s := randomString(r) + randomString(r) + randomString(r)
		texts = append(texts, s, s[:len(s)/2])
	}
	days := []civil.Date{0, 64, 128, -64, math.MinInt32, math.MaxInt32, -1_000_000, 3_000_000}
	for i := 0; i < 40; i++ {
		days = append(days, civil.Date(20400+r.Intn(400)))
	}
	rules := []string{"PD-1", "CS-10", "NU\\5", "LN\"", "IN\n1", "ab", "a\x01", "", "DR-é", "\x7f\x80-1"}
	var w Writer
	for i := 0; i < 5000; i++ {
		res := &Result{Profile: "nhia", Lines: []Line{}, Warnings: []Warning{}}
		for j := r.Intn(5); j > 0; j-- {
			l := Line{Code: "S9500", Modifiers: []string{}, Units: 3, POS: "12",
				From: days[r.Intn(len(days))], To: days[r.Intn(len(days))]}
			for k := r.Intn(5); k > 0; k-- {
				text := texts[r.Intn(len(texts))]
				if r.Intn(8) == 0 {
					text = randomString(r) + text // a new string each time
				}
				l.Why = append(l.Why, Reason{Rule: rules[r.Intn(len(rules))], Text: text})
			}
			res.Lines = append(res.Lines, l)
		}
		want, err := marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		if got := w.AppendResult(nil, res); string(got) != string(want) {
			t.Fatalf("result %d:\n got %s\nwant %s", i, got, want)
		}
	}
}

// FuzzAppendJSON writes results made of the fuzzed texts with AppendJSON
// and with a Writer used before, and compares both with encoding/json.
func FuzzAppendJSON(f *testing.F) {
	f.Add("PD-1", "one unit per day of access to the therapy", "S9500", 14.0, int64(12345), int32(20500))
	f.Add("CS-2", "every 8 hours -> S9502 \u2028 \x01 \"<&>\"", "", 0.5, int64(-1), int32(-800000))
	f.Add("", "\xff\xfe bad UTF-8 \\ and a long tail of plain text", "99601", 1e21, int64(0), int32(3000000))
	var w Writer
	f.Fuzz(func(t *testing.T, rule, text, code string, units float64, charge int64, day int32) {
		if math.IsNaN(units) || math.IsInf(units, 0) {
			return // not JSON; a coded line never holds one
		}
		l := Line{Code: code, Modifiers: []string{rule}, From: civil.Date(day), To: civil.Date(day / 2), Units: units,
			Charge: money.Amount(charge), POS: text, NDCQuantity: units, Description: text,
			Why: []Reason{{Rule: rule, Text: text}, {Rule: rule}, {Rule: rule, Text: text}}}
		res := &Result{Profile: rule, Period: civil.Span{From: civil.Date(day), To: civil.Date(day)}, Lines: []Line{l, l},
			Warnings: []Warning{{Rule: rule, Message: text}}}
		want, err := marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		if got := res.AppendJSON(nil); string(got) != string(want) {
			t.Fatalf("AppendJSON:\n got %s\nwant %s", got, want)
		}
		if got := w.AppendResult(nil, res); string(got) != string(want) {
			t.Fatalf("Writer:\n got %s\nwant %s", got, want)
		}
	})
}

// TestPlainEveryPlace puts each kind of byte that needs escaping, or that
// starts UTF-8, at every place of texts of 0 to 17 bytes: plain, and
// appendString's own check of short texts, must see it wherever their words
// of eight or four bytes fall.
func TestPlainEveryPlace(t *testing.T) {
	ref := func(s string) bool {
		for i := 0; i < len(s); i++ {
			if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
				return false
			}
		}
		return true
	}
	for n := 0; n <= 17; n++ {
		base := strings.Repeat("aZ9 <>&-", 3)[n%8 : n%8+n]
		if !plain(base) {
			t.Fatalf("plain(%q) = false", base)
		}
		for i := 0; i < n; i++ {
			for _, c := range []byte{'"', '\\', 0, 0x1f, 0x7f, 0x80, 0xc3, 0xff} {
				s := base[:i] + string([]byte{c}) + base[i+1:]
				if got, want := plain(s), ref(s); got != want {
					t.Errorf("plain(%q) = %v, want %v", s, got, want)
				}
				var want bytes.Buffer
				enc := json.NewEncoder(&want)
				enc.SetEscapeHTML(false)
				if err := enc.Encode(s); err != nil {
					t.Fatal(err)
				}
				if got := appendString(nil, s); string(got) != strings.TrimSuffix(want.String(), "\n") {
					t.Errorf("appendString(%q) = %s, want %s", s, got, want.Bytes())
				}
			}
		}
	}
}
