package codeset

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// zipMember reads one file of a zip into memory.
func zipMember(t testing.TB, zipPath, name string) []byte {
	t.Helper()
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name == name {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			b, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
	t.Fatalf("%s has no %s", zipPath, name)
	return nil
}

// TestReadXLSX_SameAsText reads the workbook CMS ships beside the
// fixed-width file in the January 2025 release and checks that every code
// reads the same from both. The workbook leaves the action effective date
// blank where it equals the add date, so that date is not compared.
func TestReadXLSX_SameAsText(t *testing.T) {
	book := zipMember(t, release2025, "HCPC2025_JAN_ANWEB_12172024.xlsx")
	zr, err := zip.NewReader(bytes.NewReader(book), int64(len(book)))
	if err != nil {
		t.Fatal(err)
	}
	fromBook, err := ReadXLSX(zr)
	if err != nil {
		t.Fatal(err)
	}
	fromText, err := ReadCMS(bytes.NewReader(zipMember(t, release2025, "HCPC2025_JAN_ANWEB_12172024.txt")))
	if err != nil {
		t.Fatal(err)
	}
	if len(fromBook) != len(fromText) || len(fromBook) != 8642 {
		t.Fatalf("workbook %d codes, text %d; want 8642 each", len(fromBook), len(fromText))
	}
	bad := 0
	var cut []string
	for i := range fromBook {
		a, b := fromBook[i], fromText[i]
		a.changed, b.changed = 0, 0
		if a.action == "" {
			a.action = b.action
		}
		// The workbook's cell ends G0503's 1,400-character descriptor early.
		if a.Long != b.Long && strings.HasPrefix(b.Long, a.Long) {
			cut = append(cut, a.Code)
			a.Long = b.Long
		}
		if !reflect.DeepEqual(a, b) {
			if bad++; bad <= 5 {
				t.Errorf("row %d reads\n%+v\nfrom the workbook and\n%+v\nfrom the text", i, a, b)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d codes differ", bad)
	}
	if !reflect.DeepEqual(cut, []string{"G0503"}) {
		t.Errorf("descriptors cut short in the workbook: %v; want only G0503's", cut)
	}
}

// TestReadXLSX_Errors pins that a broken workbook is refused with the
// sheet, the cell and the column.
func TestReadXLSX_Errors(t *testing.T) {
	header := []string{"HCPC", "SEQNUM", "RECID", "LONG DESCRIPTION", "SHORT DESCRIPTION", "ADD DT", "ACT EFF DT", "TERM DT", "ACTION CD"}
	good := []string{"J0690", "0010", "3", "Injection, cefazolin sodium, 500 mg", "Cefazolin sodium injection", "19820101", "19820101", "", "N"}
	with := func(col int, v string) []string {
		r := append([]string(nil), good...)
		r[col] = v
		return r
	}
	tests := []struct {
		name string
		rows [][]string
		want string
	}{
		{"bad code", [][]string{header, with(0, "J06")}, "cell A2 (HCPC): \"J06\"; want a 5-character HCPCS code"},
		{"bad record id", [][]string{header, with(2, "5")}, "cell C2 (RECID)"},
		{"bad add date", [][]string{header, with(5, "2020-13-01")}, "cell F2 (ADD DT)"},
		{"term before add", [][]string{header, with(7, "19791231")}, "cell H2 (TERM DT): 1979-12-31 is before the add date"},
		{"duplicate", [][]string{header, good, good}, "cell A3 (HCPC): J0690 already began in row 2"},
		{"no header", [][]string{good}, "no \"HCPC\" column"},
		{"empty", nil, "no rows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadXLSX(workbook(t, tt.rows))
			var ce *CellError
			if !errors.As(err, &ce) || !errors.Is(err, ErrSyntax) {
				t.Fatalf("error %v; want a *CellError", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q; want it to say %q", err, tt.want)
			}
		})
	}
	if codes, err := ReadXLSX(workbook(t, [][]string{header, good})); err != nil || len(codes) != 1 || codes[0].Dose.String() != "500 mg" {
		t.Errorf("a good workbook read as %+v, %v", codes, err)
	}
}

// workbook writes a minimal .xlsx with the rows as inline strings in its
// one sheet, as a spreadsheet program may save it.
func workbook(t testing.TB, rows [][]string) *zip.Reader {
	t.Helper()
	var sheet strings.Builder
	sheet.WriteString(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	for i, r := range rows {
		sheet.WriteString(`<row r="` + strconv.Itoa(i+1) + `">`)
		for j, v := range r {
			var e strings.Builder
			_ = xml.EscapeText(&e, []byte(v))
			sheet.WriteString(`<c r="` + colName(j) + strconv.Itoa(i+1) + `" t="inlineStr"><is><t>` + e.String() + `</t></is></c>`)
		}
		sheet.WriteString(`</row>`)
	}
	sheet.WriteString(`</sheetData></worksheet>`)
	files := map[string]string{
		"xl/workbook.xml":            `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>`,
		"xl/worksheets/sheet1.xml":   sheet.String(),
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, _ := zw.Create(name)
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	return zr
}

func FuzzReadSheet(f *testing.F) {
	head := `<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>HCPC</t></is></c><c r="B1" t="inlineStr"><is><t>SEQNUM</t></is></c><c r="C1" t="inlineStr"><is><t>RECID</t></is></c><c r="D1" t="inlineStr"><is><t>LONG DESCRIPTION</t></is></c><c r="E1" t="inlineStr"><is><t>SHORT DESCRIPTION</t></is></c><c r="F1" t="inlineStr"><is><t>ADD DT</t></is></c><c r="G1" t="inlineStr"><is><t>ACT EFF DT</t></is></c><c r="H1" t="inlineStr"><is><t>TERM DT</t></is></c><c r="I1" t="inlineStr"><is><t>ACTION CD</t></is></c></row>`
	f.Add(head + `<row r="2"><c r="A2" t="s"><v>0</v></c><c r="C2"><v>3</v></c><c r="D2" t="s"><v>1</v></c><c r="F2"><v>19820101</v></c></row></sheetData></worksheet>`)
	f.Add(head + `<row r="2"><c r="A2" t="inlineStr"><is><t>   SH</t></is></c><c r="C2"><v>7</v></c><c r="F2"><v>36892</v></c></row></sheetData></worksheet>`)
	f.Add(`<worksheet><sheetData><row><c t="s"><v>9</v></c></row></sheetData></worksheet>`)
	f.Fuzz(func(t *testing.T, s string) {
		codes, err := readSheet(strings.NewReader(s), []string{"J0690", "Injection, cefazolin sodium, 500 mg"}, "Sheet1")
		if err != nil {
			var ce *CellError
			if !errors.As(err, &ce) {
				t.Fatalf("error %v; want a *CellError", err)
			}
			return
		}
		for _, c := range codes {
			if len(c.Code) != 2 && len(c.Code) != 5 {
				t.Fatalf("code %q read; want 2 or 5 characters", c.Code)
			}
		}
	})
}
