package asp

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/internal/datedstore"
	"github.com/perdiem/perdiem/money"
)

// Store is a folder of imported ASP quarters, one file a quarter
// (asp-YYYY-MM-DD.tsv, named by the quarter's first day), as codeset.Store
// keeps the HCPCS releases.
type Store struct {
	Dir string
}

// Import writes a quarter into the store, replacing an earlier import of
// the same quarter (CMS corrects its files within a quarter). The folder
// is made when missing; the file is written whole or not at all. It
// returns the file's path and whether it replaced one.
func (s *Store) Import(t *Table) (string, bool, error) {
	return datedstore.Write(s.Dir, "asp", t.From, func(w io.Writer) error { return writeTable(w, t) })
}

// The store's record types, the first field of each line:
//
//	Q from through pricing-file crosswalk-file            the quarter
//	L code limit dosage coinsurance notes short            a payment limit (limit N/A for none)
//	P code id ndc labeler drug dosage size qty units units-pkg   a crosswalk package
//
// Lines starting with # are comments.
func writeTable(w io.Writer, t *Table) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "# perdiem: a CMS ASP quarter as imported by `perdiem import asp`. Do not edit.")
	fmt.Fprintln(bw, "# Q from through pricing crosswalk | L code limit dosage coinsurance notes short | P code id ndc labeler drug dosage size qty units units-pkg")
	put := func(fields ...string) error {
		for i, f := range fields {
			fields[i] = escaper.Replace(f)
		}
		_, err := fmt.Fprintln(bw, strings.Join(fields, "\t"))
		return err
	}
	if err := put("Q", t.From.String(), t.Through.String(), filepath.Base(t.Pricing), base(t.Crosswalk)); err != nil {
		return err
	}
	codes := make([]string, 0, len(t.Limits))
	for c := range t.Limits {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		l := t.Limits[c]
		limit := "N/A"
		if l.HasLimit {
			limit = l.Limit.String()
		}
		if err := put("L", l.Code, limit, l.Dosage, l.Coinsurance, l.Notes, l.Short); err != nil {
			return err
		}
	}
	ids := make([]string, 0, len(t.NDCs))
	for id := range t.NDCs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	num := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	for _, id := range ids {
		for _, p := range t.NDCs[id] {
			if err := put("P", p.Code, p.ID, p.NDC, p.Labeler, p.Drug, p.Dosage, num(p.PkgSize), num(p.PkgQty), num(p.BillUnits), num(p.BillUnitsPkg)); err != nil {
				return err
			}
		}
	}
	return bw.Flush()
}

// Text in the store has its backslashes, tabs and line breaks escaped (a
// CMS note may run over two lines of its cell).
var (
	escaper   = strings.NewReplacer(`\`, `\\`, "\t", `\t`, "\n", `\n`, "\r", `\r`)
	unescaper = strings.NewReplacer(`\\`, `\`, `\t`, "\t", `\n`, "\n", `\r`, "\r")
)

func base(name string) string {
	if name == "" {
		return ""
	}
	return filepath.Base(name)
}

// Tables reads every quarter in the store, oldest first. A store that does
// not exist holds none.
func (s *Store) Tables() ([]*Table, error) {
	return datedstore.ReadAll(s.Dir, "asp", readStoreFile, func(t *Table) civil.Date { return t.From })
}

func readStoreFile(name string) (*Table, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	t := &Table{Limits: map[string]Limit{}, NDCs: map[string][]Package{}}
	line := 0
	bad := func(format string, args ...any) error {
		return &Error{File: name, Row: line, Msg: fmt.Sprintf(format, args...)}
	}
	quarter := false
	for sc.Scan() {
		line++
		text := sc.Text()
		if text == "" || text[0] == '#' {
			continue
		}
		f := strings.Split(text, "\t")
		for i := range f {
			f[i] = unescaper.Replace(f[i])
		}
		if f[0] != "Q" && !quarter {
			return nil, bad("a %s row before the quarter row", f[0])
		}
		switch f[0] {
		case "Q":
			if len(f) != 5 {
				return nil, bad("quarter row has %d fields; want 5", len(f))
			}
			if t.From, err = civil.Parse(f[1]); err == nil {
				t.Through, err = civil.Parse(f[2])
			}
			if err != nil {
				return nil, bad("%v", err)
			}
			t.Pricing, t.Crosswalk, quarter = f[3], f[4], true
		case "L":
			if len(f) != 7 || !isCode(f[1]) {
				return nil, bad("limit row: want 7 fields starting with a HCPCS code")
			}
			l := Limit{Code: f[1], Dosage: f[3], Coinsurance: f[4], Notes: f[5], Short: f[6]}
			if f[2] != "N/A" {
				if l.Limit, err = money.ParseRate(f[2]); err != nil {
					return nil, bad("limit: %v", err)
				}
				l.HasLimit = true
			}
			t.Limits[l.Code] = l
		case "P":
			if len(f) != 11 || !isCode(f[1]) {
				return nil, bad("package row: want 11 fields starting with a HCPCS code")
			}
			p := Package{Code: f[1], ID: f[2], NDC: f[3], Labeler: f[4], Drug: f[5], Dosage: f[6]}
			for i, v := range []*float64{&p.PkgSize, &p.PkgQty, &p.BillUnits, &p.BillUnitsPkg} {
				if !decimal.MatchString(f[7+i]) {
					return nil, bad("package row: %q is not a number", f[7+i])
				}
				*v, _ = strconv.ParseFloat(f[7+i], 64)
			}
			key := p.NDC
			if key == "" {
				key = p.ID
			}
			t.NDCs[key] = append(t.NDCs[key], p)
		default:
			return nil, bad("record type %q; want Q, L or P", f[0])
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if !quarter {
		return nil, &Error{File: name, Msg: "no quarter row"}
	}
	return t, nil
}
