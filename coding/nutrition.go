package coding

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/claim"
)

// nutritionCSV is the IN-3 table: which nutrition codes are billed apart
// from the TPN and enteral per diems and which are inside them.
//
//go:embed data/nutrition.csv
var nutritionCSV string

// nutritionRow is one row of data/nutrition.csv.
type nutritionRow struct {
	perDiem     []codeRange
	perDiemName string // "TPN", "enteral"
	codes       []codeRange
	included    bool
	what        string
	source      string
	perDiemText string // the per diem codes as written in the table
}

// codeRange is an inclusive range of HCPCS codes of one length: one
// letter or digit and four digits, so they compare as strings, and as
// their five bytes read as one number (code5), which is how the look-ups
// compare them: nutrition asks about every drug and supply.
type codeRange struct {
	from, to string
	lo, hi   uint64 // code5 of from and to
}

// code5 reads a five-byte code as a number that orders such codes as
// strings; false for a code of another length, which no range holds.
func code5(s string) (uint64, bool) {
	if len(s) != 5 {
		return 0, false
	}
	return uint64(s[0])<<32 | uint64(s[1])<<24 | uint64(s[2])<<16 | uint64(s[3])<<8 | uint64(s[4]), true
}

// overlaps reports whether r and o share a code: one may lie wholly
// inside the other, with neither end in it.
func (r codeRange) overlaps(o codeRange) bool {
	return len(r.from) == len(o.from) && r.from <= o.to && o.from <= r.to
}

// overlapping returns the first range of rs that shares a code with r.
func overlapping(rs []codeRange, r codeRange) (codeRange, bool) {
	for _, o := range rs {
		if r.overlaps(o) {
			return o, true
		}
	}
	return codeRange{}, false
}

func inRanges(rs []codeRange, code string) bool {
	k, ok := code5(code)
	return ok && within(rs, k)
}

// within says whether a range of rs holds the code whose code5 is k.
func within(rs []codeRange, k uint64) bool {
	for _, r := range rs {
		if k >= r.lo && k <= r.hi {
			return true
		}
	}
	return false
}

var nutritionTable = mustNutrition(nutritionCSV)

func mustNutrition(text string) []nutritionRow {
	rows, err := parseNutrition(text)
	if err != nil {
		panic(err)
	}
	return rows
}

// parseNutrition reads the IN-3 table; an error names the line.
func parseNutrition(text string) ([]nutritionRow, error) {
	r := csv.NewReader(strings.NewReader(text))
	r.Comment = '#'
	r.FieldsPerRecord = 6
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("nutrition.csv: %w", err)
	}
	if want := "per_diem,per_diem_name,codes,billing,what,source"; strings.Join(header, ",") != want {
		return nil, fmt.Errorf("nutrition.csv: header %q, want %q", strings.Join(header, ","), want)
	}
	var out []nutritionRow
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("nutrition.csv: %w", err)
		}
		line, _ := r.FieldPos(0)
		bad := func(msg string, args ...any) error {
			return fmt.Errorf("nutrition.csv line %d: %s", line, fmt.Sprintf(msg, args...))
		}
		row := nutritionRow{perDiemName: rec[1], what: rec[4], source: rec[5], perDiemText: rec[0]}
		if row.perDiem, err = parseRanges(rec[0]); err != nil {
			return nil, bad("per_diem: %v", err)
		}
		if row.codes, err = parseRanges(rec[2]); err != nil {
			return nil, bad("codes: %v", err)
		}
		switch rec[3] {
		case "separate":
		case "included":
			row.included = true
		default:
			return nil, bad("billing %q: want separate or included", rec[3])
		}
		if row.perDiemName == "" || row.what == "" || row.source == "" {
			return nil, bad("per_diem_name, what and source are required")
		}
		for i, c := range row.codes {
			// Earlier rows, then the codes before c in this row.
			for _, other := range out {
				if o, ok := overlapping(other.codes, c); ok {
					return nil, bad("%s-%s is already in the row for %s (%s-%s)", c.from, c.to, other.what, o.from, o.to)
				}
			}
			if o, ok := overlapping(row.codes[:i], c); ok {
				return nil, bad("%s-%s is already in the row for %s (%s-%s)", c.from, c.to, row.what, o.from, o.to)
			}
		}
		out = append(out, row)
	}
}

// parseRanges reads "A B-C …": codes and inclusive ranges of codes.
func parseRanges(s string) ([]codeRange, error) {
	var out []codeRange
	for _, f := range strings.Fields(s) {
		from, to, isRange := strings.Cut(f, "-")
		if !isRange {
			to = from
		}
		if len(from) != 5 || len(to) != 5 || from > to {
			return nil, fmt.Errorf("%q: want a five-character code or a range FROM-TO", f)
		}
		lo, _ := code5(from)
		hi, _ := code5(to)
		out = append(out, codeRange{from, to, lo, hi})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no codes")
	}
	return out, nil
}

// nutrition returns the IN-3 row of a code, or nil.
func nutrition(code string) *nutritionRow {
	k, ok := code5(code)
	if !ok {
		return nil
	}
	for i := range nutritionTable {
		if within(nutritionTable[i].codes, k) {
			return &nutritionTable[i]
		}
	}
	return nil
}

// perDiemOf returns the per diem code of row billed on day d, or "".
func (c *coder) perDiemOf(row *nutritionRow, d civil.Date) string {
	for i := range c.lines {
		l := &c.lines[i]
		if l.Kind == claim.PerDiem && d >= l.From && d <= l.To && inRanges(row.perDiem, l.Code) {
			return l.Code
		}
	}
	return ""
}

// perDiemDays counts the days of from..to on which a per diem of row is
// billed, and names one of those per diems.
func (c *coder) perDiemDays(row *nutritionRow, from, to civil.Date) (days int, code string) {
	var spans []civil.Span
	for i := range c.lines {
		l := &c.lines[i]
		if l.Kind == claim.PerDiem && l.From <= to && from <= l.To && inRanges(row.perDiem, l.Code) {
			spans = append(spans, civil.Span{From: max(from, l.From), To: min(to, l.To)})
			code = l.Code
		}
	}
	// Two therapies of one family may bill the same days: count each once.
	slices.SortFunc(spans, func(a, b civil.Span) int { return int(a.From) - int(b.From) })
	end := from - 1
	for _, sp := range spans {
		if sp.To > end {
			days += int(sp.To - max(sp.From, end+1) + 1)
			end = sp.To
		}
	}
	return days, code
}

// separateReason is why a nutrition code of a separate row is on its own line.
func (row *nutritionRow) separateReason(code string) claim.Reason {
	return claim.Reason{Rule: "IN-3", Text: code + " (" + row.what + ") is billed apart from the " + row.perDiemName + " per diem " + row.perDiemText}
}

// notCoveredReason is why an included code is billed: no per diem of its
// row covers its days.
func (row *nutritionRow) notCoveredReason(code, days string) claim.Reason {
	return claim.Reason{Rule: "IN-3", Text: code + " (" + row.what + ") belongs inside the " + row.perDiemName + " per diem " + row.perDiemText + ", which is not billed on " + days + ", so it is billed"}
}
