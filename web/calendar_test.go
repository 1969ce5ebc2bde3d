package web

import (
	"os"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/coding"
	"github.com/perdiem/perdiem/episode"
)

func decodeFile(t *testing.T, path string) *episode.Document {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := episode.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// row renders a row's cells as "SHORT" or "SHORT/MOD", one per day.
func row(r Row) string {
	var b strings.Builder
	for i, c := range r.Cells {
		if i > 0 {
			b.WriteByte(' ')
		}
		switch {
		case c.Empty:
			b.WriteByte('_')
		case c.Mod != "":
			b.WriteString(c.Short + "/" + c.Mod)
		default:
			b.WriteString(c.Short)
		}
	}
	return b.String()
}

func repeat(s string, n int) string { return strings.TrimSpace(strings.Repeat(s+" ", n)) }

func TestCalendarOfAHospitalStay(t *testing.T) {
	doc := decodeFile(t, "../examples/hospitalisation.json")
	cal, err := BuildCalendar(doc, coding.Options{}, civil.FromYMD(2026, 5, 17))
	if err != nil {
		t.Fatal(err)
	}
	if cal.Title != "May 2026" || cal.Prev != "2026-04" || cal.Next != "2026-06" || len(cal.Days) != 31 {
		t.Fatalf("month %q prev %s next %s, %d days", cal.Title, cal.Prev, cal.Next, len(cal.Days))
	}
	if len(cal.Rows) != 4 {
		t.Fatalf("%d rows, want abx, line, nursing, drugs", len(cal.Rows))
	}
	want := []string{
		// abx: q24h, in hospital 05/08-05/12, q12h from 05/13, ends 05/24.
		repeat("S9500", 7) + " " + repeat("HOLD", 5) + " " + repeat("S9501", 12) + " " + repeat("end", 7),
		// catheter care bills only where no other per diem does (CS-8).
		repeat("none", 7) + " " + repeat("HOLD", 5) + " " + repeat("none", 12) + " " + repeat("S5501", 7),
		"99601/SD " + repeat("_", 11) + " 99601 " + repeat("_", 18),
		"J0696/×56 " + repeat("·", 6) + " " + repeat("_", 5) + " J3370/×48 " + repeat("·", 11) + " " + repeat("_", 7),
	}
	for i, w := range want {
		if got := row(cal.Rows[i]); got != w {
			t.Errorf("row %s\n got %s\nwant %s", cal.Rows[i].Label, got, w)
		}
	}
	hold := cal.Rows[0].Cells[7]
	if hold.State != "hold" || !strings.Contains(hold.Label, "on hold: inpatient") || hold.Reasons[0].Rule != "PD-4" ||
		!strings.HasPrefix(hold.Reasons[0].Sentence, "Days inside a hold") || hold.Reasons[0].Detail != "hold 05/08/2026–05/12/2026 (inpatient)" {
		t.Errorf("hold day: %+v", hold)
	}
	billed := cal.Rows[0].Cells[0]
	if billed.Label != "05/01/2026: abx billed S9500" || len(billed.Lines) != 1 || billed.Lines[0].Units != "7" {
		t.Errorf("billed day: %+v", billed)
	}
	var rulesCited []string
	for _, r := range billed.Reasons {
		rulesCited = append(rulesCited, r.Rule)
		if r.Sentence == "" {
			t.Errorf("reason %s has no sentence", r.Rule)
		}
	}
	if got := strings.Join(rulesCited, " "); got != "PD-1 CS-2 LN-2" {
		t.Errorf("billed day cites %s", got)
	}
	cs8 := cal.Rows[1].Cells[0]
	if cs8.State != "not-billed" || cs8.Reasons[0].Rule != "CS-8" || !strings.Contains(cs8.Reasons[0].Detail, "another per diem covers") {
		t.Errorf("catheter day under a per diem: %+v", cs8)
	}
	if end := cal.Rows[0].Cells[30]; end.State != "discontinued" || end.Reasons[0].Detail != "the therapy ended on 05/24/2026" {
		t.Errorf("day after the end: %+v", end)
	}
}

func TestCalendarConcurrencyAndPeriod(t *testing.T) {
	b := []byte(`{"period":{"from":"2026-03-03","to":"2026-03-30"},"therapies":[
		{"id":"tpn","type":"tpn","start":"2026-03-01","liters_per_day":2},
		{"id":"abx","type":"anti-infective","start":"2026-03-10","end":"2026-03-12","every_hours":8}]}`)
	doc, err := episode.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	cal, err := BuildCalendar(doc, coding.Options{}, civil.FromYMD(2026, 3, 1))
	if err != nil {
		t.Fatal(err)
	}
	tpn, abx := cal.Rows[0].Cells, cal.Rows[1].Cells
	if tpn[0].State != "outside" || tpn[2].Short != "S9366" || tpn[30].State != "outside" {
		t.Errorf("tpn: %+v %+v %+v", tpn[0], tpn[2], tpn[30])
	}
	if abx[9].Short != "S9502" || abx[9].Mod != "SH" || abx[9].Tone != "sh" || !strings.Contains(abx[9].Label, "billed S9502 SH") {
		t.Errorf("abx on 03/10: %+v", abx[9])
	}
	if abx[8].State != "not-started" || abx[8].Reasons[0].Rule != "PD-1" {
		t.Errorf("abx on 03/09: %+v", abx[8])
	}
	if !cal.Days[6].Weekend || cal.Days[0].InPeriod || !cal.Days[2].InPeriod {
		t.Errorf("day heads: %+v", cal.Days[:7])
	}
}

func TestParseMonth(t *testing.T) {
	if d, err := ParseMonth("2026-02"); err != nil || d != civil.FromYMD(2026, 2, 1) {
		t.Errorf("2026-02: %v %v", d, err)
	}
	for _, s := range []string{"2026-13", "2026-2", "202602", "2026-02-01", ""} {
		if _, err := ParseMonth(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
}
