package civil

import (
	"encoding/json"
	"math"
	"testing"
	"time"
)

func TestParseRoundTrip(t *testing.T) {
	for _, s := range []string{"1970-01-01", "2000-02-29", "2026-03-02", "2026-12-31", "0001-01-01", "9999-12-31"} {
		d, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q): %v", s, err)
		}
		if d.String() != s {
			t.Errorf("Parse(%q).String() = %q", s, d.String())
		}
	}
}

func TestParseRejectsImpossibleDays(t *testing.T) {
	for _, s := range []string{"2026-02-29", "2026-02-30", "2026-13-01", "2026-00-10", "2026-04-31", "26-01-01", "2026/01/01", "2026-1-01", "", "1900-02-29", "0000-01-01"} {
		if _, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) accepted an impossible date", s)
		}
	}
}

func TestAgreesWithTime(t *testing.T) {
	start := time.Date(1899, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 200000; i += 7 {
		tm := start.AddDate(0, 0, i)
		d := FromYMD(tm.Year(), int(tm.Month()), tm.Day())
		if got := d.String(); got != tm.Format("2006-01-02") {
			t.Fatalf("day %d: %s vs %s", i, got, tm.Format("2006-01-02"))
		}
		if d.Weekday() != tm.Weekday() {
			t.Fatalf("%s weekday %v vs %v", d, d.Weekday(), tm.Weekday())
		}
		if d.Compact() != tm.Format("20060102") {
			t.Fatalf("compact %s", d.Compact())
		}
	}
}

func TestJSON(t *testing.T) {
	var v struct{ D Date }
	if err := json.Unmarshal([]byte(`{"D":"2026-03-31"}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.D.MonthEnd() != v.D || v.D.AddDays(1).String() != "2026-04-01" {
		t.Errorf("month end wrong: %s", v.D)
	}
	if err := json.Unmarshal([]byte(`{"D":"2026-02-31"}`), &v); err == nil {
		t.Error("impossible date accepted")
	}
	b, _ := json.Marshal(v)
	if string(b) != `{"D":"2026-03-31"}` {
		t.Errorf("marshal: %s", b)
	}
}

func TestSpan(t *testing.T) {
	s := Span{FromYMD(2026, 3, 1), FromYMD(2026, 3, 31)}
	if s.Days() != 31 || !s.Contains(FromYMD(2026, 3, 31)) || s.Contains(FromYMD(2026, 4, 1)) {
		t.Error("span arithmetic wrong")
	}
}

// TestCivilFromDaysForms checks the Neri-Schneider form against the
// general one on every day of its range's ends and of years -2000 to
// 12000, on a spread of days over its whole range, and across the switch
// between the two.
func TestCivilFromDaysForms(t *testing.T) {
	check := func(z int) {
		t.Helper()
		y, m, d := civilFromDaysHinnant(z)
		if y2, m2, d2 := civilFromDays(z); y2 != y || m2 != m || d2 != d {
			t.Fatalf("day %d: %d-%d-%d, want %d-%d-%d", z, y2, m2, d2, y, m, d)
		}
		if got := daysFromCivil(y, m, d); got != z {
			t.Fatalf("day %d: %d-%d-%d is day %d", z, y, m, d, got)
		}
	}
	for z := daysFromCivil(-2000, 1, 1); z <= daysFromCivil(12000, 1, 1); z++ {
		check(z)
	}
	for _, edge := range []int{-nsShift, 1 << 30, math.MinInt32, math.MaxInt32} {
		for z := edge - 1000; z <= edge+1000; z++ {
			check(z)
		}
	}
	for z := int64(math.MinInt32); z <= math.MaxInt32; z += 99991 {
		check(int(z))
	}
}

// TestDaysFromCivilForms checks the Neri-Schneider form of daysFromCivil
// against the general one on every day of years -2000 to 12000 and around
// the ends of its range.
func TestDaysFromCivilForms(t *testing.T) {
	for _, r := range [][2]int{{-2000, 12000}, {-400*82 - 3, -400*82 + 3}, {1e6 - 3, 1e6 + 3}} {
		for y := r[0]; y <= r[1]; y++ {
			for m := 1; m <= 12; m++ {
				for d := 1; d <= 31; d++ {
					if got, want := daysFromCivil(y, m, d), daysFromCivilHinnant(y, m, d); got != want {
						t.Fatalf("%d-%d-%d: day %d, want %d", y, m, d, got, want)
					}
				}
			}
		}
	}
}

// TestParseEveryByte puts every byte at every place of a date and compares
// Parse with time.Parse (and years from 1 on).
func TestParseEveryByte(t *testing.T) {
	for _, base := range []string{"2026-03-02", "2024-02-29", "0001-01-01", "9999-12-31"} {
		for i := 0; i < len(base); i++ {
			for c := 0; c < 256; c++ {
				s := base[:i] + string([]byte{byte(c)}) + base[i+1:]
				tm, terr := time.Parse("2006-01-02", s)
				d, err := Parse(s)
				if ok := terr == nil && tm.Year() >= 1; ok != (err == nil) {
					t.Fatalf("Parse(%q): error %v, time.Parse error %v", s, err, terr)
				}
				if err == nil && d.String() != s {
					t.Fatalf("Parse(%q) = %s", s, d)
				}
			}
		}
	}
}
