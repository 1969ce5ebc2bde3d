package civil

import (
	"encoding/json"
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
