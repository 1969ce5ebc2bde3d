// Package build makes the code set's embedded table (codeset/data/codes.tsv)
// from a CMS HCPCS release and the curated CSV rows. The generator and the
// test that keeps the committed table fresh both call it.
package build

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/codeset"
)

// Inputs of the embedded table, relative to the codeset directory: the CMS
// releases, oldest first (the newest one's rows are the table; the older
// ones date the descriptors that changed since), and the curated rows.
var (
	CMSReleases = []string{
		"../testdata/cms/2020-Alpha-Numeric-HCPCS-File.zip",
		"../testdata/cms/january-2025-alpha-numeric-hcpcs-file.zip",
	}
	Curated = []string{"data/hcpcs-home-infusion-2026.csv", "data/supplement.csv"}
	Output  = "data/codes.tsv"
)

// included reports whether a CMS row belongs in the table: every modifier,
// drug (J), temporary (S), enteral/parenteral (B) and Q code (biosimilars
// and other drugs), the infusion supplies (A42xx) and equipment (E07xx),
// the disposable infusion systems and the NOC supply and equipment codes.
// Curated rows are always included.
func included(c *codeset.Code) bool {
	if c.Kind == codeset.Modifier {
		return true
	}
	switch c.Code {
	case "A4305", "A4306", "A9999", "E1399":
		return true
	}
	for _, p := range []string{"J", "S", "B", "Q", "A42", "E07"} {
		if strings.HasPrefix(c.Code, p) {
			return true
		}
	}
	return false
}

// Report says what a build made.
type Report struct {
	Codes         int
	Versioned     []string // codes with a dated descriptor history
	Drugs         int      // codes whose descriptor is read for a dose (codeset.TakesDose)
	DrugsWithDose int
	NoDose        []string // "J1162 Injection, digoxin immune fab (ovine), per vial"
	Unreadable    []string // "J0911 …: why" (codeset.Code.DoseNote)
}

// Generate reads the inputs and returns the encoded table.
func Generate(cmsPaths []string, curatedPaths []string) ([]byte, Report, error) {
	cms, newest, err := Releases(cmsPaths)
	if err != nil {
		return nil, Report{}, err
	}
	var curated []codeset.Code
	for _, p := range curatedPaths {
		f, err := os.Open(p)
		if err != nil {
			return nil, Report{}, err
		}
		rows, err := ReadCurated(f)
		f.Close()
		if err != nil {
			return nil, Report{}, fmt.Errorf("%s: %w", p, err)
		}
		curated = append(curated, rows...)
	}
	codes := Merge(cms, curated)
	var buf bytes.Buffer
	if err := Encode(&buf, newest, codes); err != nil {
		return nil, Report{}, err
	}
	return buf.Bytes(), report(codes), nil
}

// Releases reads the CMS releases and merges them, keeping the history
// (codeset.MergeReleases); it returns the first day of the newest.
func Releases(paths []string) ([]codeset.Code, civil.Date, error) {
	var (
		rs     []*codeset.Release
		newest civil.Date
	)
	for _, p := range paths {
		r, err := codeset.OpenRelease(p)
		if err != nil {
			return nil, 0, err
		}
		if r.Effective == 0 {
			return nil, 0, fmt.Errorf("%s: the file name does not say which release it is", p)
		}
		rs = append(rs, r)
		newest = max(newest, r.Effective)
	}
	return codeset.MergeReleases(rs), newest, nil
}

// Merge keeps the included CMS rows and lays the curated rows over them:
// a curated row wins (its descriptor, dates, kind and source), and when its
// descriptor differs from the CMS one on a known day, both are kept as
// Versions. The result is sorted by code.
func Merge(cms, curated []codeset.Code) []codeset.Code {
	byCode := map[string]*codeset.Code{}
	for i := range cms {
		if included(&cms[i]) {
			c := cms[i]
			byCode[c.Code] = &c
		}
	}
	for _, c := range curated {
		byCode[c.Code] = codeset.Overlay(byCode[c.Code], c)
	}
	out := make([]codeset.Code, 0, len(byCode))
	for _, c := range byCode {
		codeset.ReadDoses(c)
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

var curatedHeader = []string{"code", "kind", "short_descriptor", "long_descriptor", "effective_date", "termination_date", "notes", "source_url"}

var kinds = map[codeset.Kind]bool{
	codeset.PerDiem: true, codeset.Catheter: true, codeset.Nursing: true, codeset.MedicareHIT: true,
	codeset.DME: true, codeset.SupplyKind: true, codeset.EnteralParenteral: true, codeset.DrugKind: true,
	codeset.Modifier: true, codeset.Other: true,
}

// actionEff finds the CMS action effective date the curated notes quote.
var actionEff = regexp.MustCompile(`HCPCS action eff (\d{4}-\d{2}-\d{2})`)

// ReadCurated reads a curated CSV (columns code, kind, short_descriptor,
// long_descriptor, effective_date, termination_date, notes, source_url).
// A J code the curated table files under "other" is a drug. When the notes
// quote a CMS action effective date later than the code's start, the
// descriptor is dated from that day (Versions), so a change since the CMS
// file can be kept as history.
func ReadCurated(r io.Reader) ([]codeset.Code, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(curatedHeader)
	head, err := cr.Read()
	if err != nil {
		return nil, err
	}
	if strings.Join(head, ",") != strings.Join(curatedHeader, ",") {
		return nil, fmt.Errorf("line 1: header %q; want %q", strings.Join(head, ","), strings.Join(curatedHeader, ","))
	}
	var out []codeset.Code
	for {
		row, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		bad := func(col int, format string, args ...any) error {
			return fmt.Errorf("line %d, %s: %s", line, curatedHeader[col], fmt.Sprintf(format, args...))
		}
		c := codeset.Code{
			Code:   strings.ToUpper(strings.TrimSpace(row[0])),
			Kind:   codeset.Kind(row[1]),
			Short:  row[2],
			Long:   row[3],
			Source: row[7],
		}
		if !kinds[c.Kind] {
			return nil, bad(1, "%q is not a kind", row[1])
		}
		if c.Kind == codeset.Other && len(c.Code) == 5 && c.Code[0] == 'J' {
			c.Kind = codeset.DrugKind
		}
		if row[4] != "" {
			if c.Effective, err = civil.Parse(row[4]); err != nil {
				return nil, bad(4, "%v", err)
			}
		}
		if row[5] != "" {
			t, err := civil.Parse(row[5])
			if err != nil {
				return nil, bad(5, "%v", err)
			}
			c.Terminated = &t
		}
		if codeset.TakesDose(c.Code, c.Kind) {
			c.Dose, c.DoseNote = codeset.ReadDose(c.Long)
		}
		if m := actionEff.FindStringSubmatch(row[6]); m != nil {
			d, err := civil.Parse(m[1])
			if err != nil {
				return nil, bad(6, "action eff: %v", err)
			}
			if d > c.Effective {
				c.Versions = []codeset.Version{{From: d, Short: c.Short, Long: c.Long, Source: c.Source, Dose: c.Dose, DoseNote: c.DoseNote}}
			}
		}
		out = append(out, c)
	}
}

// Encode writes codes in the codes.tsv format that codeset embeds, with
// the first day of the newest CMS release they come from.
func Encode(w io.Writer, release civil.Date, codes []codeset.Code) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "# perdiem code set, generated by `go generate ./codeset` from the CMS HCPCS releases in testdata/cms and the curated CSVs in this directory. Do not edit.")
	fmt.Fprintln(bw, "# R first day of the newest CMS release | S id source | C code kind effective terminated dose-amount dose-unit dose-text source-id short long | V from source-id short long (a dated descriptor of the code above)")
	fmt.Fprintln(bw, "# dose-amount is A+B for a combination; an empty amount with a dose-text says why the descriptor gives no dose")
	fmt.Fprintf(bw, "R\t%s\n", release)
	ids := map[string]string{}
	id := func(src string) string {
		if k, ok := ids[src]; ok {
			return k
		}
		k := strconv.Itoa(len(ids) + 1)
		ids[src] = k
		fmt.Fprintf(bw, "S\t%s\t%s\n", k, src)
		return k
	}
	for _, c := range codes {
		fields := []string{c.Code, string(c.Kind), c.Short, c.Long, c.Source}
		for _, v := range c.Versions {
			fields = append(fields, v.Short, v.Long, v.Source)
		}
		for _, f := range fields {
			if strings.ContainsAny(f, "\t\n\r") {
				return fmt.Errorf("code %s: text %q holds a tab or line break", c.Code, f)
			}
		}
		src := id(c.Source)
		for _, v := range c.Versions {
			id(v.Source)
		}
		term, amount, unit, text := "", "", "", ""
		if c.Terminated != nil {
			term = c.Terminated.String()
		}
		switch {
		case c.Dose != nil:
			amount, unit, text = codeset.FormatDoseAmount(c.Dose), c.Dose.Unit, c.Dose.Text
		case c.DoseNote != "":
			text = c.DoseNote
		}
		fmt.Fprintf(bw, "C\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
			c.Code, c.Kind, date(c.Effective), term, amount, unit, text, src, c.Short, c.Long)
		for _, v := range c.Versions {
			fmt.Fprintf(bw, "V\t%s\t%s\t%s\t%s\n", date(v.From), ids[v.Source], v.Short, v.Long)
		}
	}
	return bw.Flush()
}

// date writes the zero date (no known start) as an empty field.
func date(d civil.Date) string {
	if d == 0 {
		return ""
	}
	return d.String()
}

func report(codes []codeset.Code) Report {
	r := Report{Codes: len(codes)}
	for _, c := range codes {
		if len(c.Versions) > 0 {
			r.Versioned = append(r.Versioned, c.Code)
		}
		if !codeset.TakesDose(c.Code, c.Kind) || c.Terminated != nil {
			continue
		}
		r.Drugs++
		switch {
		case c.Dose != nil:
			r.DrugsWithDose++
		case c.DoseNote != "":
			r.Unreadable = append(r.Unreadable, c.Code+" "+c.Long+": "+c.DoseNote)
		default:
			r.NoDose = append(r.NoDose, c.Code+" "+c.Long)
		}
	}
	return r
}
