package asp

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/money"
)

// Error is a problem at a place in a CMS file: its row (the line of the
// file, 1-based) and column (the field, 1-based, with its header name), or
// 0 when it is about the whole row or file.
type Error struct {
	File        string
	Row, Column int
	Header      string // the column's header, when known
	Msg         string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Row > 0 {
		fmt.Fprintf(&b, ": row %d", e.Row)
		if e.Column > 0 {
			fmt.Fprintf(&b, ", column %d", e.Column)
			if e.Header != "" {
				fmt.Fprintf(&b, " (%s)", e.Header)
			}
		}
	}
	return b.String() + ": " + e.Msg
}

// ErrorCode says a malformed file is invalid input.
func (e *Error) ErrorCode() errs.Code { return errs.Invalid }

// maxFile bounds a CMS file read whole (the October 2025 crosswalk is 2.8 MB).
const maxFile = 256 << 20

// maxPreamble is how many rows may come before the header.
const maxPreamble = 40

// ReadPricing reads CMS's ASP pricing file ("Payment Allowance Limits for
// Medicare Part B Drugs") as published: CSV in Windows-1252 (or UTF-8),
// preamble rows with the quarter's dates, then the header "HCPCS Code,
// Short Description, HCPCS Code Dosage, Payment Limit, Co-insurance
// Percentage, …, Notes" and a row per code. A limit of N/A is kept as no
// limit. The quarter's first and last days come from the preamble
// ("Effective October 1, 2025 through December 31, 2025"); when it has
// none, from must be given (and the quarter runs to the end of its third
// month). A malformed file is an *Error at its row and column.
func ReadPricing(r io.Reader, name string, from civil.Date) (*Table, error) {
	f, err := open(r, name, func(cells []string) bool { return strings.EqualFold(cells[0], "HCPCS Code") },
		"a header row starting HCPCS Code,Short Description,HCPCS Code Dosage,Payment Limit")
	if err != nil {
		return nil, err
	}
	t := &Table{Pricing: name, Limits: map[string]Limit{}}
	if t.From, t.Through, err = f.dates(from); err != nil {
		return nil, err
	}
	cols, err := f.columns(map[string]bool{"HCPCS Code": true, "Short Description": true, "HCPCS Code Dosage": true, "Payment Limit": true,
		"Co-insurance Percentage": false, "Notes": false})
	if err != nil {
		return nil, err
	}
	rows := map[string]int{}
	for {
		cells, row, err := f.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		at := func(col string) string { return cell(cells, cols[col]) }
		code := at("HCPCS Code")
		if !isCode(code) {
			return nil, f.bad(row, cols["HCPCS Code"], "%q: want a HCPCS code such as J0696", code)
		}
		if r0, dup := rows[code]; dup {
			return nil, f.bad(row, cols["HCPCS Code"], "%s is also on row %d: one limit a code", code, r0)
		}
		rows[code] = row
		l := Limit{Code: code, Short: at("Short Description"), Dosage: at("HCPCS Code Dosage"), Coinsurance: at("Co-insurance Percentage"), Notes: at("Notes")}
		switch v := strings.TrimPrefix(at("Payment Limit"), "$"); {
		case strings.EqualFold(v, "N/A") || v == "":
		default:
			if l.Limit, err = money.ParseRate(v); err != nil {
				return nil, f.bad(row, cols["Payment Limit"], "%v (or N/A)", err)
			}
			l.HasLimit = true
		}
		t.Limits[code] = l
	}
	if len(t.Limits) == 0 {
		return nil, &Error{File: name, Msg: "no codes after the header"}
	}
	return t, nil
}

// Crosswalk is CMS's ASP NDC–HCPCS crosswalk for a quarter.
type Crosswalk struct {
	Name          string
	From, Through civil.Date
	NDCs          map[string][]Package
	Rows          int
}

// ReadCrosswalk reads CMS's ASP NDC–HCPCS crosswalk as published: CSV in
// Windows-1252 (or UTF-8), preamble rows, then the header "_YYYY_CODE,
// Short Description, LABELER NAME, NDC2, Drug Name, HCPCS dosage, PKG SIZE,
// PKG QTY, BILLUNITS, BILLUNITSPKG" (NDC in some years) and a row per
// package. from is as for ReadPricing.
func ReadCrosswalk(r io.Reader, name string, from civil.Date) (*Crosswalk, error) {
	f, err := open(r, name, func(cells []string) bool { return yearCode.MatchString(cells[0]) },
		"a header row starting _YYYY_CODE,Short Description,LABELER NAME,NDC2")
	if err != nil {
		return nil, err
	}
	x := &Crosswalk{Name: name, NDCs: map[string][]Package{}}
	if x.From, x.Through, err = f.dates(from); err != nil {
		return nil, err
	}
	f.header[0] = "CODE" // _2025_CODE, _2026_CODE, …
	for i, h := range f.header {
		if h == "NDC" {
			f.header[i] = "NDC2"
		}
	}
	cols, err := f.columns(map[string]bool{"CODE": true, "LABELER NAME": false, "NDC2": true, "Drug Name": false, "HCPCS dosage": false,
		"PKG SIZE": true, "PKG QTY": true, "BILLUNITS": true, "BILLUNITSPKG": true})
	if err != nil {
		return nil, err
	}
	for {
		cells, row, err := f.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		at := func(col string) string { return cell(cells, cols[col]) }
		p := Package{Code: at("CODE"), ID: at("NDC2"), Labeler: at("LABELER NAME"), Drug: at("Drug Name"), Dosage: at("HCPCS dosage")}
		if !isCode(p.Code) {
			return nil, f.bad(row, cols["CODE"], "%q: want a HCPCS code such as J0696", p.Code)
		}
		if p.ID == "" {
			return nil, f.bad(row, cols["NDC2"], "empty: want the NDC (5-4-2) or the product's id")
		}
		if ndc542.MatchString(p.ID) {
			p.NDC = strings.ReplaceAll(p.ID, "-", "")
		}
		for _, n := range []struct {
			col string
			v   *float64
		}{{"PKG SIZE", &p.PkgSize}, {"PKG QTY", &p.PkgQty}, {"BILLUNITS", &p.BillUnits}, {"BILLUNITSPKG", &p.BillUnitsPkg}} {
			s := at(n.col)
			if !decimal.MatchString(s) {
				return nil, f.bad(row, cols[n.col], "%q: want a number such as 25 or 0.5", s)
			}
			*n.v, _ = strconv.ParseFloat(s, 64)
		}
		key := p.NDC
		if key == "" {
			key = p.ID
		}
		x.NDCs[key] = append(x.NDCs[key], p)
		x.Rows++
	}
	if x.Rows == 0 {
		return nil, &Error{File: name, Msg: "no packages after the header"}
	}
	return x, nil
}

// SetCrosswalk puts a crosswalk of the same quarter into the table.
func (t *Table) SetCrosswalk(x *Crosswalk) error {
	if x.From != t.From || x.Through != t.Through {
		return &Error{File: x.Name, Msg: fmt.Sprintf("the crosswalk is for %s to %s, the pricing file %s for %s to %s: give the files of one quarter", x.From, x.Through, t.Pricing, t.From, t.Through)}
	}
	t.Crosswalk, t.NDCs = x.Name, x.NDCs
	return nil
}

var (
	yearCode  = regexp.MustCompile(`^_\d{4}_CODE$`)
	ndc542    = regexp.MustCompile(`^\d{5}-\d{4}-\d{2}$`)
	decimal   = regexp.MustCompile(`^(\d+(\.\d*)?|\.\d+)$`)
	effective = regexp.MustCompile(`(?i)([A-Z][a-z]+ \d{1,2}, \d{4}) through ([A-Z][a-z]+ \d{1,2}, \d{4})`)
)

func isCode(s string) bool {
	if len(s) != 5 {
		return false
	}
	for i := 0; i < 5; i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

func cell(cells []string, i int) string {
	if i < 0 || i >= len(cells) {
		return ""
	}
	return cells[i]
}

// file is a CMS CSV file being read: its preamble and header already.
type file struct {
	name     string
	cr       *csv.Reader
	preamble []string // the preamble rows' text
	header   []string
	width    int // the header's columns up to its last named one
}

// open decodes the file, reads the preamble up to the row isHeader
// accepts, and keeps the header.
func open(r io.Reader, name string, isHeader func([]string) bool, want string) (*file, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFile+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > maxFile {
		return nil, &Error{File: name, Msg: fmt.Sprintf("more than %d bytes: not a CMS ASP file", maxFile)}
	}
	data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
	if !utf8.Valid(data) {
		data = fromWindows1252(data)
	}
	f := &file{name: name, cr: csv.NewReader(bytes.NewReader(data))}
	f.cr.FieldsPerRecord = -1
	for n := 0; ; n++ {
		cells, _, err := f.next()
		if err == io.EOF || n == maxPreamble {
			return nil, &Error{File: name, Msg: "no header row in its first " + strconv.Itoa(maxPreamble) + " rows: want " + want}
		}
		if err != nil {
			return nil, err
		}
		if isHeader(cells) {
			f.header = cells
			for i, h := range cells {
				if h != "" {
					f.width = i + 1
				}
			}
			return f, nil
		}
		f.preamble = append(f.preamble, strings.Join(cells, " "))
	}
}

// next reads the next row that is not blank, with its cells trimmed (a
// no-break space counts as a space), and its line.
func (f *file) next() ([]string, int, error) {
	for {
		cells, err := f.cr.Read()
		if err == io.EOF {
			return nil, 0, io.EOF
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, 0, &Error{File: f.name, Row: pe.Line, Msg: pe.Err.Error()}
			}
			return nil, 0, err
		}
		row, _ := f.cr.FieldPos(0)
		blank := true
		for i, c := range cells {
			c = strings.TrimSpace(strings.ReplaceAll(c, "\u00a0", " "))
			cells[i] = c
			if c != "" {
				blank = false
			}
		}
		if !blank {
			return cells, row, nil
		}
	}
}

// columns finds each named column in the header (required ones must be
// there) and returns their indexes (-1 for an optional one missing).
func (f *file) columns(names map[string]bool) (map[string]int, error) {
	at := map[string]int{}
	for name, required := range names {
		at[name] = -1
		for i, h := range f.header {
			if strings.EqualFold(h, name) {
				at[name] = i
				break
			}
		}
		if at[name] < 0 && required {
			return nil, &Error{File: f.name, Msg: fmt.Sprintf("the header has no %s column: it has %s", name, strings.Join(f.header[:f.width], ", "))}
		}
	}
	return at, nil
}

func (f *file) bad(row, col int, format string, args ...any) error {
	h := ""
	if col >= 0 && col < len(f.header) {
		h = f.header[col]
	}
	return &Error{File: f.name, Row: row, Column: col + 1, Header: h, Msg: fmt.Sprintf(format, args...)}
}

// dates reads the quarter's first and last days from the preamble, or
// takes from (to the end of its quarter's third month) when it is given.
func (f *file) dates(from civil.Date) (civil.Date, civil.Date, error) {
	if from != 0 {
		y, m, _ := from.YMD()
		if m += 2; m > 12 {
			y, m = y+1, m-12
		}
		return from, civil.FromYMD(y, m, 1).MonthEnd(), nil
	}
	for _, p := range f.preamble {
		m := effective.FindStringSubmatch(p)
		if m == nil {
			continue
		}
		a, err1 := time.Parse("January 2, 2006", m[1])
		b, err2 := time.Parse("January 2, 2006", m[2])
		if err1 != nil || err2 != nil || b.Before(a) {
			return 0, 0, &Error{File: f.name, Msg: fmt.Sprintf("the preamble says %q: want two dates in order such as October 1, 2025 through December 31, 2025", m[0])}
		}
		return civil.FromYMD(a.Year(), int(a.Month()), a.Day()), civil.FromYMD(b.Year(), int(b.Month()), b.Day()), nil
	}
	return 0, 0, &Error{File: f.name, Msg: "the preamble does not say which quarter the file is for (\"Effective October 1, 2025 through December 31, 2025\"): give its first day"}
}

// fromWindows1252 decodes Windows-1252 text (of which Latin-1 is a part)
// into UTF-8.
func fromWindows1252(b []byte) []byte {
	out := make([]byte, 0, len(b)+len(b)/16)
	for _, c := range b {
		switch {
		case c < 0x80:
			out = append(out, c)
		case c < 0xA0:
			out = utf8.AppendRune(out, cp1252[c-0x80])
		default:
			out = utf8.AppendRune(out, rune(c))
		}
	}
	return out
}

// cp1252 are the characters of bytes 0x80–0x9F in Windows-1252; the five
// bytes it leaves undefined are kept as the C1 controls Latin-1 has there.
var cp1252 = [32]rune{
	'€', 0x81, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0x8D, 'Ž', 0x8F,
	0x90, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0x9D, 'ž', 'Ÿ',
}
