package asp

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/errs"
)

const (
	pricingFile   = "../testdata/cms/asp-2025-10-pricing.csv"
	crosswalkFile = "testdata/asp-2025-10-crosswalk-excerpt.csv"
)

func day(s string) civil.Date {
	d, err := civil.Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

func readPricing(t *testing.T) *Table {
	t.Helper()
	f, err := os.Open(pricingFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tab, err := ReadPricing(f, filepath.Base(pricingFile), 0)
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

func readCrosswalk(t *testing.T) *Crosswalk {
	t.Helper()
	f, err := os.Open(crosswalkFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	x, err := ReadCrosswalk(f, filepath.Base(crosswalkFile), 0)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// TestReadPricing reads the whole October 2025 pricing file; the figures
// checked are those the data's sources list records from the file.
func TestReadPricing(t *testing.T) {
	tab := readPricing(t)
	if tab.From != day("2025-10-01") || tab.Through != day("2025-12-31") {
		t.Errorf("quarter %s to %s", tab.From, tab.Through)
	}
	if len(tab.Limits) != 1012 {
		t.Errorf("%d codes, want 1012", len(tab.Limits))
	}
	for code, want := range map[string]string{"J0690": "0.798", "J0696": "0.43", "J1569": "45.314", "J1756": "0.229", "J2543": "1.071", "J0878": "0.028"} {
		l, ok := tab.Limit(code)
		if !ok || l.Limit.String() != want {
			t.Errorf("%s: %v %v, want %s", code, l.Limit, ok, want)
		}
	}
	if l := tab.Limits["J0696"]; l.Dosage != "250 MG" || l.Short != "Ceftriaxone sodium injection" || l.Coinsurance != "20.000" {
		t.Errorf("J0696: %+v", l)
	}
	if l := tab.Limits["J0878"]; l.Notes != "AMP-based payment limit" {
		t.Errorf("J0878 notes %q", l.Notes)
	}
	if _, ok := tab.Limit("A9606"); ok || tab.Limits["A9606"].Code != "A9606" {
		t.Errorf("A9606 (N/A) should be kept without a limit: %+v", tab.Limits["A9606"])
	}
	// A Windows-1252 no-break space inside a cell is a space.
	if d := tab.Limits["J9325"].Dosage; d != "1 million PFU" {
		t.Errorf("J9325 dosage %q", d)
	}
}

func TestReadCrosswalk(t *testing.T) {
	x := readCrosswalk(t)
	if x.From != day("2025-10-01") || x.Through != day("2025-12-31") || x.Rows != 13 {
		t.Errorf("quarter %s to %s, %d rows", x.From, x.Through, x.Rows)
	}
	tab := readPricing(t)
	if err := tab.SetCrosswalk(x); err != nil {
		t.Fatal(err)
	}
	p := tab.NDC("00143985625")
	if len(p) != 1 || p[0].Code != "J0696" || p[0].BillUnits != 8 || p[0].PkgQty != 25 || p[0].BillUnitsPkg != 200 || p[0].Labeler != "Hikma Pharmaceuticals USA Inc." {
		t.Errorf("00143-9856-25: %+v", p)
	}
	if p := tab.NDC("00944270002"); len(p) != 1 || p[0].PkgSize != 10 || p[0].BillUnits != 2 {
		t.Errorf("Gammagard: %+v", p)
	}
	if p := tab.NDC("00052060202"); len(p) != 2 || p[0].Code != "90586" || p[1].Code != "J9030" {
		t.Errorf("an NDC under two codes: %+v", p)
	}
	if p := tab.NDC("GG100"); len(p) != 1 || p[0].NDC != "" || p[0].BillUnits != 2.25 {
		t.Errorf("an id that is not an NDC: %+v", p)
	}
	if p := tab.NDC("71336100301"); len(p) != 1 || p[0].Drug != "Amvuttra" {
		t.Errorf("a name ending in a no-break space: %+v", p)
	}
}

// mutate returns the file with one line changed.
func mutate(t *testing.T, path, old, new string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(old)) {
		t.Fatalf("%s does not hold %q", path, old)
	}
	return bytes.Replace(b, []byte(old), []byte(new), 1)
}

func TestMalformedFiles(t *testing.T) {
	for _, c := range []struct {
		name      string
		crosswalk bool
		data      []byte
		want      string
	}{
		{"limit not a number", false, mutate(t, pricingFile, "J0696,Ceftriaxone sodium injection,250 MG,0.430", "J0696,Ceftriaxone sodium injection,250 MG,0.4x0"),
			`asp.csv: row 165, column 4 (Payment Limit): "0.4x0": want a price`},
		{"code not a code", false, mutate(t, pricingFile, "J0696,Ceftriaxone", "J069,Ceftriaxone"),
			`asp.csv: row 165, column 1 (HCPCS Code): "J069": want a HCPCS code`},
		{"code twice", false, mutate(t, pricingFile, "J0696,Ceftriaxone", "J0690,Ceftriaxone"),
			`asp.csv: row 165, column 1 (HCPCS Code): J0690 is also on row 161`},
		{"no header", false, mutate(t, pricingFile, "HCPCS Code,Short", "Code,Short"), "asp.csv: no header row in its first 40 rows"},
		{"no limit column", false, mutate(t, pricingFile, "Payment Limit", "Limit"), "asp.csv: the header has no Payment Limit column"},
		{"no dates", false, mutate(t, pricingFile, "Effective October 1, 2025 through December 31, 2025", "This quarter"), "asp.csv: the preamble does not say which quarter"},
		{"dates out of order", false, mutate(t, pricingFile, "through December 31, 2025", "through December 31, 2024"), "want two dates in order"},
		{"bad quotes", false, mutate(t, pricingFile, "J0696,Ceftriaxone", "J0696,\"Ceftr\"iaxone"), "asp.csv: row 165:"},
		{"units not a number", true, mutate(t, crosswalkFile, "250 MG,1,25,8,200", "250 MG,1,25,eight,200"),
			`asp.csv: row 15, column 9 (BILLUNITS): "eight": want a number`},
		{"no NDC", true, mutate(t, crosswalkFile, "00143-9856-25", ""), "asp.csv: row 15, column 4 (NDC2): empty"},
		{"crosswalk header", true, mutate(t, crosswalkFile, "_2025_CODE", "CODE"), "no header row"},
	} {
		var err error
		if c.crosswalk {
			_, err = ReadCrosswalk(bytes.NewReader(c.data), "asp.csv", 0)
		} else {
			_, err = ReadPricing(bytes.NewReader(c.data), "asp.csv", 0)
		}
		var e *Error
		if !errors.As(err, &e) || errs.CodeOf(err) != errs.Invalid || !strings.HasPrefix(err.Error(), c.want) && !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v\nwant %s…", c.name, err, c.want)
		}
	}
	// The crosswalk of another quarter is refused.
	tab := readPricing(t)
	x := readCrosswalk(t)
	x.From = day("2026-01-01")
	if err := tab.SetCrosswalk(x); err == nil || !strings.Contains(err.Error(), "give the files of one quarter") {
		t.Errorf("another quarter's crosswalk: %v", err)
	}
}

// TestGivenFirstDay: a file whose preamble has no dates is read with the
// first day given, the quarter running to the end of its third month.
func TestGivenFirstDay(t *testing.T) {
	data := mutate(t, pricingFile, "Effective October 1, 2025 through December 31, 2025", "")
	tab, err := ReadPricing(bytes.NewReader(data), "asp.csv", day("2025-11-01"))
	if err != nil {
		t.Fatal(err)
	}
	if tab.From != day("2025-11-01") || tab.Through != day("2026-01-31") {
		t.Errorf("%s to %s", tab.From, tab.Through)
	}
}

func TestWindows1252(t *testing.T) {
	got := string(fromWindows1252([]byte("CarePatch\x99 \x93x\x94 caf\xe9\xa0")))
	if got != "CarePatch™ “x” café\u00a0" {
		t.Errorf("%q", got)
	}
}

func TestStoreRoundTrip(t *testing.T) {
	tab := readPricing(t)
	if err := tab.SetCrosswalk(readCrosswalk(t)); err != nil {
		t.Fatal(err)
	}
	s := &Store{Dir: filepath.Join(t.TempDir(), "asp")}
	path, replaced, err := s.Import(tab)
	if err != nil || replaced || filepath.Base(path) != "asp-2025-10-01.tsv" {
		t.Fatalf("%s %v %v", path, replaced, err)
	}
	if _, replaced, err = s.Import(tab); err != nil || !replaced {
		t.Fatalf("second import: %v %v", replaced, err)
	}
	got, err := s.Tables()
	if err != nil || len(got) != 1 {
		t.Fatalf("%v %v", got, err)
	}
	if !reflect.DeepEqual(got[0], tab) {
		t.Errorf("the stored table differs from the one imported")
	}
	if On(got, day("2025-12-31")) != got[0] || On(got, day("2026-01-01")) != nil || On(got, day("2025-09-30")) != nil {
		t.Error("On picks the wrong quarter")
	}
	if ts, err := (&Store{Dir: filepath.Join(t.TempDir(), "none")}).Tables(); err != nil || len(ts) != 0 {
		t.Errorf("a store that does not exist: %v %v", ts, err)
	}
}

// FuzzRead: the readers never panic, and every failure on a file's
// content is an *Error that says where.
func FuzzRead(f *testing.F) {
	for _, name := range []string{pricingFile, crosswalkFile} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b[:min(len(b), 4000)])
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err1 := ReadPricing(bytes.NewReader(b), "p.csv", 0)
		_, err2 := ReadCrosswalk(bytes.NewReader(b), "x.csv", 0)
		for _, err := range []error{err1, err2} {
			var e *Error
			if err != nil && !errors.As(err, &e) {
				t.Fatalf("%T %v", err, err)
			}
		}
	})
}
