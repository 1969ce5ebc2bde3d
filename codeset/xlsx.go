package codeset

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/perdiem/perdiem/civil"
)

// CellError says where a CMS HCPCS workbook is broken: the sheet, the cell
// (as Excel names it, "D501") and the column's header.
type CellError struct {
	Sheet  string
	Cell   string
	Column string
	Msg    string
}

func (e *CellError) Error() string {
	if e.Cell == "" {
		return fmt.Sprintf("cms hcpcs workbook, sheet %s: %s", e.Sheet, e.Msg)
	}
	return fmt.Sprintf("cms hcpcs workbook, sheet %s, cell %s (%s): %s", e.Sheet, e.Cell, e.Column, e.Msg)
}

// Unwrap lets errors.Is(err, ErrSyntax) match.
func (e *CellError) Unwrap() error { return ErrSyntax }

// The workbook's columns the reader needs, by their header (cms-files.md
// §1.4); the others are skipped.
const (
	xHCPC   = "HCPC"
	xSeq    = "SEQNUM"
	xRecID  = "RECID"
	xLong   = "LONG DESCRIPTION"
	xShort  = "SHORT DESCRIPTION"
	xAdded  = "ADD DT"
	xActEff = "ACT EFF DT"
	xTerm   = "TERM DT"
	xAction = "ACTION CD"
)

var xlsxColumns = []string{xHCPC, xSeq, xRecID, xLong, xShort, xAdded, xActEff, xTerm, xAction}

func openXLSX(name string) (*Release, error) {
	zr, err := zip.OpenReader(name)
	if err != nil {
		return nil, fmt.Errorf("%s: not an Excel workbook: %w", name, err)
	}
	defer zr.Close()
	codes, err := ReadXLSX(&zr.Reader)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return newRelease(filepath.Base(name), codes), nil
}

// ReadXLSX reads the first sheet of CMS's HCPCS workbook (the "ANWEB"
// .xlsx): a header row naming the columns, then one row per code with its
// whole long descriptor in one cell. Rows are read as ReadCMS reads the
// fixed-width records. Only the standard library is used: the shared
// strings are loaded, the sheet is streamed.
func ReadXLSX(zr *zip.Reader) ([]Code, error) {
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = f
	}
	sheetPath, sheetName, err := firstSheet(files)
	if err != nil {
		return nil, err
	}
	var strs []string
	if f := files["xl/sharedStrings.xml"]; f != nil {
		if strs, err = readSharedStrings(f); err != nil {
			return nil, &CellError{Sheet: sheetName, Msg: "shared strings: " + err.Error()}
		}
	}
	f := files[sheetPath]
	if f == nil {
		return nil, &CellError{Sheet: sheetName, Msg: fmt.Sprintf("the workbook names %s for the sheet, and it is not in the file", sheetPath)}
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return readSheet(rc, strs, sheetName)
}

// firstSheet finds the part that holds the workbook's first sheet.
func firstSheet(files map[string]*zip.File) (string, string, error) {
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			ID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := decodePart(files, "xl/workbook.xml", &wb); err != nil {
		return "", "", err
	}
	if len(wb.Sheets) == 0 {
		return "", "", errors.New("cms hcpcs workbook: xl/workbook.xml lists no sheet")
	}
	if err := decodePart(files, "xl/_rels/workbook.xml.rels", &rels); err != nil {
		return "", "", err
	}
	first := wb.Sheets[0]
	for _, r := range rels.Rels {
		if r.ID == first.ID {
			t := r.Target
			if strings.HasPrefix(t, "/") {
				return strings.TrimPrefix(t, "/"), first.Name, nil
			}
			return path.Join("xl", t), first.Name, nil
		}
	}
	return "", "", fmt.Errorf("cms hcpcs workbook: sheet %q has no part in xl/_rels/workbook.xml.rels", first.Name)
}

func decodePart(files map[string]*zip.File, name string, v any) error {
	f := files[name]
	if f == nil {
		return fmt.Errorf("cms hcpcs workbook: no %s; want an .xlsx as Excel writes it", name)
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := xml.NewDecoder(rc).Decode(v); err != nil {
		return fmt.Errorf("cms hcpcs workbook: %s: %v", name, err)
	}
	return nil
}

// readSharedStrings reads the table the cells of type "s" index: each
// <si> is plain text (<t>) or runs of rich text (<r><t>).
func readSharedStrings(f *zip.File) ([]string, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	var (
		out  []string
		cur  strings.Builder
		inSI bool
		inT  bool
		inRP bool // phonetic runs are not part of the text
	)
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				inSI = true
				cur.Reset()
			case "t":
				inT = inSI && !inRP
			case "rPh":
				inRP = true
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				out = append(out, cur.String())
				inSI = false
			case "t":
				inT = false
			case "rPh":
				inRP = false
			}
		case xml.CharData:
			if inT {
				cur.Write(t)
			}
		}
	}
}

// readSheet streams the rows of a sheet into codes.
func readSheet(r io.Reader, strs []string, sheet string) ([]Code, error) {
	d := xml.NewDecoder(r)
	var (
		out     []Code
		col     map[string]int // header -> column index
		row     []string
		rowNum  int
		cellRef string
		cellCol int
		cellT   string
		inV     bool
		val     strings.Builder
		seen    = map[string]string{}
		cur     *Code
	)
	cellErr := func(column, format string, args ...any) error {
		ref := ""
		if i, ok := col[column]; ok {
			ref = colName(i) + strconv.Itoa(rowNum)
		}
		return &CellError{Sheet: sheet, Cell: ref, Column: column, Msg: fmt.Sprintf(format, args...)}
	}
	endRow := func() error {
		if col == nil {
			col = map[string]int{}
			for i, h := range row {
				col[strings.ToUpper(strings.TrimSpace(h))] = i
			}
			for _, h := range xlsxColumns {
				if _, ok := col[h]; !ok {
					return &CellError{Sheet: sheet, Cell: "row " + strconv.Itoa(rowNum), Column: "header", Msg: fmt.Sprintf("no %q column; want the CMS HCPCS header (%s)", h, strings.Join(xlsxColumns, ", "))}
				}
			}
			return nil
		}
		get := func(h string) string {
			if i := col[h]; i < len(row) {
				return row[i]
			}
			return ""
		}
		raw := get(xHCPC)
		if strings.TrimSpace(strings.Join(row, "")) == "" {
			return nil
		}
		ric := strings.TrimSpace(get(xRecID))
		code := strings.ToUpper(strings.TrimSpace(raw))
		switch ric {
		case "3", "4":
			if len(code) != 5 || !alnum(code) {
				return cellErr(xHCPC, "%q; want a 5-character HCPCS code", raw)
			}
		case "7", "8":
			if len(code) != 2 || !alnum(code) {
				return cellErr(xHCPC, "%q; want a 2-character modifier", raw)
			}
		default:
			return cellErr(xRecID, "%q; want 3 or 4 (procedure) or 7 or 8 (modifier)", ric)
		}
		if ric == "4" || ric == "8" {
			if cur == nil || cur.Code != code {
				return cellErr(xHCPC, "continuation row of %s does not follow the first row of %s", code, code)
			}
			cur.Long += " " + get(xLong)
			return nil
		}
		if cur != nil {
			finish(cur, cur.Long)
			out = append(out, *cur)
			cur = nil
		}
		if prev, ok := seen[code]; ok {
			return cellErr(xHCPC, "%s already began in row %s", code, prev)
		}
		seen[code] = strconv.Itoa(rowNum)
		added, err := xlsxDate(get(xAdded), true)
		if err != nil {
			return cellErr(xAdded, "%v", err)
		}
		actionEff, err := xlsxDate(get(xActEff), false)
		if err != nil {
			return cellErr(xActEff, "%v", err)
		}
		term, err := xlsxDate(get(xTerm), false)
		if err != nil {
			return cellErr(xTerm, "%v", err)
		}
		if term != 0 && term < added {
			return cellErr(xTerm, "%s is before the add date %s", term, added)
		}
		c := fromRecord(code, get(xShort), added, actionEff, term, strings.TrimSpace(get(xAction)))
		c.Long = get(xLong)
		cur = &c
		return nil
	}
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			line, _ := d.InputPos()
			return nil, &CellError{Sheet: sheet, Msg: fmt.Sprintf("sheet XML line %d: %v", line, err)}
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				rowNum++
				for _, a := range t.Attr {
					if a.Name.Local == "r" {
						if n, err := strconv.Atoi(a.Value); err == nil {
							rowNum = n
						}
					}
				}
				row = row[:0]
			case "c":
				cellRef, cellT = "", ""
				for _, a := range t.Attr {
					switch a.Name.Local {
					case "r":
						cellRef = a.Value
					case "t":
						cellT = a.Value
					}
				}
				cellCol = len(row)
				if cellRef != "" {
					if c, ok := refColumn(cellRef); ok {
						cellCol = c
					}
				}
				val.Reset()
			case "v", "t":
				inV = true
			}
		case xml.CharData:
			if inV {
				val.Write(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v", "t":
				inV = false
			case "c":
				v := val.String()
				if cellT == "s" {
					i, err := strconv.Atoi(v)
					if err != nil || i < 0 || i >= len(strs) {
						return nil, &CellError{Sheet: sheet, Cell: cellRef, Column: "shared string", Msg: fmt.Sprintf("index %q; the workbook has %d shared strings", v, len(strs))}
					}
					v = strs[i]
				}
				for len(row) <= cellCol {
					row = append(row, "")
				}
				row[cellCol] = v
			case "row":
				if err := endRow(); err != nil {
					return nil, err
				}
			}
		}
	}
	if col == nil {
		return nil, &CellError{Sheet: sheet, Msg: "no rows; want a header row and one row per code"}
	}
	if cur != nil {
		finish(cur, cur.Long)
		out = append(out, *cur)
	}
	return out, nil
}

// xlsxDate reads a date cell: the CMS text YYYYMMDD, or an Excel day
// number where someone saved the column as dates.
func xlsxDate(s string, required bool) (civil.Date, error) {
	s = strings.TrimSpace(s)
	if len(s) != 8 {
		if n, err := strconv.Atoi(s); err == nil && n > 0 && n < 2958466 {
			return civil.FromYMD(1899, 12, 30).AddDays(n), nil
		}
	}
	return cmsDate(s, required)
}

// refColumn turns the letters of a cell reference ("AB12") into a 0-based
// column.
func refColumn(ref string) (int, bool) {
	n := 0
	i := 0
	for ; i < len(ref) && 'A' <= ref[i] && ref[i] <= 'Z'; i++ {
		n = n*26 + int(ref[i]-'A'+1)
	}
	return n - 1, i > 0 && i <= 3
}

// colName is the inverse of refColumn.
func colName(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

func alnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) {
			return false
		}
	}
	return s != ""
}
