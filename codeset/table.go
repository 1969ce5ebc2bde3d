package codeset

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/perdiem/perdiem/civil"
)

//go:generate go run ./internal/gen

// The embedded table. codes.tsv is generated (see internal/gen) from the
// CMS annual file and the curated CSVs; rules.csv and exclusions.csv are
// written by hand, one rule a row with its source.
var (
	//go:embed data/codes.tsv
	codesTSV string
	//go:embed data/rules.csv
	rulesCSV string
	//go:embed data/exclusions.csv
	exclusionsCSV string
)

// Record types of codes.tsv, the first field of each line:
//
//	R first-day                                       the newest CMS release the table holds
//	S id text                                         a source, referred to by id
//	C code kind effective terminated dose-amount dose-unit dose-text source-id short long
//	V from source-id short long                       a version of the preceding C row
//
// Dates are YYYY-MM-DD or empty; lines starting with # are comments.
const (
	recRelease = "R"
	recSource  = "S"
	recCode    = "C"
	recVersion = "V"
)

// TableError says where the embedded table is broken.
type TableError struct {
	File string
	Line int
	Msg  string
}

func (e *TableError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

func loadEmbedded() (*Set, error) {
	codes, release, err := decodeCodes(codesTSV)
	if err != nil {
		return nil, err
	}
	rules, err := parseRules(rulesCSV)
	if err != nil {
		return nil, err
	}
	groups, err := parseGroups(exclusionsCSV)
	if err != nil {
		return nil, err
	}
	set := newSet(codes, rules, groups)
	set.release = release
	return set, nil
}

// decodeCodes reads codes.tsv. Strings are slices of the embedded text, so
// loading copies no descriptors.
func decodeCodes(text string) ([]*Code, civil.Date, error) {
	sources := map[string]string{}
	var release civil.Date
	codes := make([]*Code, 0, strings.Count(text, "\nC\t"))
	block := make([]Code, cap(codes))
	lineNo := 0
	var fields [11]string
	for len(text) > 0 {
		lineNo++
		var line string
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			line, text = text, ""
		}
		if line == "" || line[0] == '#' {
			continue
		}
		bad := func(format string, args ...any) error {
			return &TableError{File: "codes.tsv", Line: lineNo, Msg: fmt.Sprintf(format, args...)}
		}
		f := splitTabs(line, fields[:0])
		switch f[0] {
		case recRelease:
			if len(f) != 2 {
				return nil, 0, bad("release row has %d fields; want 2", len(f))
			}
			d, err := civil.Parse(f[1])
			if err != nil {
				return nil, 0, bad("release: %v", err)
			}
			release = d
		case recSource:
			if len(f) != 3 {
				return nil, 0, bad("source row has %d fields; want 3", len(f))
			}
			sources[f[1]] = f[2]
		case recCode:
			if len(f) != 11 {
				return nil, 0, bad("code row has %d fields; want 11", len(f))
			}
			var c *Code
			if len(block) > 0 {
				c, block = &block[0], block[1:]
			} else {
				c = new(Code)
			}
			c.Code, c.Kind, c.Short, c.Long = f[1], Kind(f[2]), f[9], f[10]
			var err error
			if c.Effective, err = tableDate(f[3]); err != nil {
				return nil, 0, bad("effective: %v", err)
			}
			if f[4] != "" {
				t, err := civil.Parse(f[4])
				if err != nil {
					return nil, 0, bad("terminated: %v", err)
				}
				c.Terminated = &t
			}
			switch {
			case f[5] != "":
				amt, parts, err := parseDoseAmount(f[5])
				if err != nil {
					return nil, 0, bad("dose amount %q: want a number, or numbers joined by +", f[5])
				}
				c.Dose = &Dose{Amount: amt, Unit: f[6], Text: f[7], Parts: parts}
			case f[7] != "":
				c.DoseNote = f[7]
			}
			src, ok := sources[f[8]]
			if !ok {
				return nil, 0, bad("source %q is not defined above", f[8])
			}
			c.Source = src
			codes = append(codes, c)
		case recVersion:
			if len(f) != 5 {
				return nil, 0, bad("version row has %d fields; want 5", len(f))
			}
			if len(codes) == 0 {
				return nil, 0, bad("version row before any code row")
			}
			from, err := tableDate(f[1])
			if err != nil {
				return nil, 0, bad("version from: %v", err)
			}
			src, ok := sources[f[2]]
			if !ok {
				return nil, 0, bad("source %q is not defined above", f[2])
			}
			c := codes[len(codes)-1]
			v := Version{From: from, Short: f[3], Long: f[4], Source: src}
			if TakesDose(c.Code, c.Kind) {
				v.Dose, v.DoseNote = ReadDose(v.Long)
			}
			c.Versions = append(c.Versions, v)
		default:
			return nil, 0, bad("record type %q; want S, C or V", f[0])
		}
	}
	return codes, release, nil
}

// splitTabs splits line at tabs into dst, which saves an allocation a line.
func splitTabs(line string, dst []string) []string {
	for {
		i := strings.IndexByte(line, '\t')
		if i < 0 {
			return append(dst, line)
		}
		dst = append(dst, line[:i])
		line = line[i+1:]
	}
}

func tableDate(s string) (civil.Date, error) {
	if s == "" {
		return 0, nil
	}
	return civil.Parse(s)
}

// Flags a rule can set.
const (
	flagBundled = "bundled" // IN-1
	flagNOC     = "noc"     // CS-7, DR-3
)

type flagRule struct {
	flag     string
	patterns []pattern
}

func (r flagRule) match(c *Code) bool { return matchAll(r.patterns, c) }

// pattern selects codes: "S9500" one code, "S9500-S9504" an inclusive range
// of codes of the same length, "kind:per_diem" every code of a kind. A
// leading "!" takes the codes out again: "kind:per_diem !S9208-S9214".
type pattern struct {
	from, to string
	kind     Kind
	not      bool
}

// matchAll reports whether c is selected by ps: by one pattern and by none
// of the "!" ones.
func matchAll(ps []pattern, c *Code) bool {
	in := false
	for _, p := range ps {
		if p.match(c) {
			if p.not {
				return false
			}
			in = true
		}
	}
	return in
}

func (p pattern) match(c *Code) bool {
	if p.kind != "" {
		return c.Kind == p.kind
	}
	return len(c.Code) == len(p.from) && p.from <= c.Code && c.Code <= p.to
}

func parsePatterns(s string) ([]pattern, error) {
	var out []pattern
	positive := false
	for _, tok := range strings.Fields(s) {
		not := strings.HasPrefix(tok, "!")
		tok = strings.TrimPrefix(tok, "!")
		positive = positive || !not
		switch {
		case strings.HasPrefix(tok, "kind:"):
			out = append(out, pattern{kind: Kind(strings.TrimPrefix(tok, "kind:")), not: not})
		case strings.Contains(tok, "-"):
			from, to, _ := strings.Cut(tok, "-")
			if len(from) != len(to) || from > to || from == "" {
				return nil, fmt.Errorf("range %q: want FROM-TO, same length, FROM first", tok)
			}
			out = append(out, pattern{from: from, to: to, not: not})
		case tok == "":
			return nil, fmt.Errorf("a lone \"!\"; want !CODE, !FROM-TO or !kind:KIND")
		default:
			out = append(out, pattern{from: tok, to: tok, not: not})
		}
	}
	if !positive {
		return nil, fmt.Errorf("no codes selected")
	}
	return out, nil
}

// csvRow is a row of a hand-written data file with its line number.
type csvRow struct {
	line   int
	fields []string
}

// readCSV reads a hand-written data file with a header row of want.
func readCSV(name, text string, want []string) ([]csvRow, error) {
	r := csv.NewReader(strings.NewReader(text))
	r.Comment = '#'
	r.FieldsPerRecord = len(want)
	var rows []csvRow
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := r.FieldPos(0)
		rows = append(rows, csvRow{line, rec})
	}
	if len(rows) == 0 || strings.Join(rows[0].fields, ",") != strings.Join(want, ",") {
		return nil, &TableError{File: name, Line: 1, Msg: "header: want " + strings.Join(want, ",")}
	}
	return rows[1:], nil
}

func parseRules(text string) ([]flagRule, error) {
	rows, err := readCSV("rules.csv", text, []string{"flag", "codes", "rule", "source"})
	if err != nil {
		return nil, err
	}
	var out []flagRule
	for _, rr := range rows {
		row := rr.fields
		bad := func(msg string) error { return &TableError{File: "rules.csv", Line: rr.line, Msg: msg} }
		if row[0] != flagBundled && row[0] != flagNOC {
			return nil, bad(fmt.Sprintf("flag %q: want %s or %s", row[0], flagBundled, flagNOC))
		}
		ps, err := parsePatterns(row[1])
		if err != nil {
			return nil, bad("codes: " + err.Error())
		}
		out = append(out, flagRule{flag: row[0], patterns: ps})
	}
	return out, nil
}

// group is an exclusion row before its patterns are expanded.
type group struct {
	Exclusion
	a, b []pattern
}

func parseGroups(text string) ([]group, error) {
	rows, err := readCSV("exclusions.csv", text, []string{"id", "a", "b", "effective", "terminated", "source"})
	if err != nil {
		return nil, err
	}
	var out []group
	for _, rr := range rows {
		row := rr.fields
		bad := func(msg string) error { return &TableError{File: "exclusions.csv", Line: rr.line, Msg: msg} }
		var g group
		g.ID, g.Source = row[0], row[5]
		if g.a, err = parsePatterns(row[1]); err != nil {
			return nil, bad("a: " + err.Error())
		}
		if g.b, err = parsePatterns(row[2]); err != nil {
			return nil, bad("b: " + err.Error())
		}
		if g.Effective, err = tableDate(row[3]); err != nil {
			return nil, bad("effective: " + err.Error())
		}
		if row[4] != "" {
			t, err := civil.Parse(row[4])
			if err != nil {
				return nil, bad("terminated: " + err.Error())
			}
			g.Terminated = &t
		}
		out = append(out, g)
	}
	return out, nil
}
