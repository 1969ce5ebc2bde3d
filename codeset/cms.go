package codeset

import (
	"archive/zip"
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/perdiem/perdiem/civil"
)

// Record identification codes (column 11) of the CMS HCPCS file.
const (
	ricProcedure     = '3' // first line of a procedure code
	ricProcedureMore = '4' // continuation of its long descriptor
	ricModifier      = '7' // first line of a modifier
	ricModifierMore  = '8' // continuation of its long descriptor
)

// Field positions of the CMS record layout, 0-based half-open byte ranges
// (the layout document counts from 1).
const (
	colSeq       = 5   // 6–10
	colRIC       = 10  // 11
	colLong      = 11  // 12–91
	colShort     = 91  // 92–119
	colShortEnd  = 119 // end of the short descriptor
	colAdded     = 268 // 269–276
	colActionEff = 276 // 277–284
	colTerm      = 284 // 285–292
	colAction    = 292 // 293
	minFirstLine = colTerm
)

// ErrSyntax is wrapped by every ParseError.
var ErrSyntax = errors.New("malformed CMS HCPCS record")

// ParseError says where a CMS HCPCS file is broken and what was expected.
type ParseError struct {
	Line   int    // 1-based line number
	Column int    // 1-based column of the field, as in the CMS record layout
	Field  string // the layout's name for the field
	Msg    string // what was found and what was expected
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("cms hcpcs line %d, column %d (%s): %s", e.Line, e.Column, e.Field, e.Msg)
}

// Unwrap lets errors.Is(err, ErrSyntax) match.
func (e *ParseError) Unwrap() error { return ErrSyntax }

// cmsSource names the provenance of rows read by ReadCMS.
const cmsSource = "CMS HCPCS Level II file"

// maxLine bounds one line; real records are 320 bytes.
const maxLine = 64 << 10

// ReadCMS reads CMS's fixed-width HCPCS Level II file (the "ANWEB" text):
// procedure records (RIC 3 with 4 for more descriptor lines) and modifier
// records (RIC 7 and 8, code in columns 4–5). Free text such as the
// disclaimer paragraphs of the "_w_disclaimer" files is skipped: a record is
// a line of at least 11 bytes with RIC 3, 4, 7 or 8. Text is decoded from
// Windows-1252. Each code gets its add date as Effective and the termination
// date (inclusive) when there is one; J codes get the dose from their
// descriptor; Kind comes from the code's letter (see classify). When the
// record's action code says its descriptor changed (B, C, S), Versions holds
// that descriptor from the action's effective date, so Set.With can date
// the change.
func ReadCMS(r io.Reader) ([]Code, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 512), maxLine)
	var (
		out    []Code
		cur    *Code
		long   strings.Builder
		seq    string
		seen   = map[string]int{}
		lineNo int
	)
	flush := func() {
		if cur == nil {
			return
		}
		finish(cur, long.String())
		out = append(out, *cur)
		cur = nil
	}
	for sc.Scan() {
		lineNo++
		line := strings.TrimRight(sc.Text(), "\r")
		if len(line) <= colRIC {
			continue
		}
		switch line[colRIC] {
		case ricProcedure, ricProcedureMore, ricModifier, ricModifierMore:
		default:
			continue
		}
		perr := func(col int, field, format string, args ...any) error {
			return &ParseError{Line: lineNo, Column: col + 1, Field: field, Msg: fmt.Sprintf(format, args...)}
		}
		ric := line[colRIC]
		code, err := recordCode(line, ric)
		if err != nil {
			return nil, perr(0, "HCPCS code", "%v", err)
		}
		s := line[colSeq:colRIC]
		if !allDigits(s) {
			return nil, perr(colSeq, "sequence number", "%q is not 5 digits", s)
		}
		if ric == ricProcedureMore || ric == ricModifierMore {
			if cur == nil || cur.Code != code {
				return nil, perr(0, "HCPCS code", "continuation line of %s does not follow the first line of %s", code, code)
			}
			if s <= seq {
				return nil, perr(colSeq, "sequence number", "%s follows %s; want increasing sequence numbers", s, seq)
			}
			seq = s
			long.WriteByte(' ')
			long.WriteString(decode1252(field(line, colLong, colShort)))
			continue
		}
		flush()
		if prev, ok := seen[code]; ok {
			return nil, perr(0, "HCPCS code", "%s already began on line %d", code, prev)
		}
		seen[code] = lineNo
		if len(line) < minFirstLine {
			return nil, perr(len(line), "record length", "first line of %s is %d bytes; want at least %d (through the action effective date)", code, len(line), minFirstLine)
		}
		added, err := cmsDate(field(line, colAdded, colActionEff), true)
		if err != nil {
			return nil, perr(colAdded, "code added date", "%v", err)
		}
		actionEff, err := cmsDate(field(line, colActionEff, colTerm), false)
		if err != nil {
			return nil, perr(colActionEff, "action effective date", "%v", err)
		}
		term, err := cmsDate(field(line, colTerm, colAction), false)
		if err != nil {
			return nil, perr(colTerm, "termination date", "%v", err)
		}
		if term != 0 && term < added {
			return nil, perr(colTerm, "termination date", "%s is before the add date %s", term, added)
		}
		c := fromRecord(code, decode1252(field(line, colShort, colShortEnd)), added, actionEff, term, field(line, colAction, colAction+1))
		cur, seq = &c, s
		long.Reset()
		long.WriteString(decode1252(field(line, colLong, colShort)))
	}
	if err := sc.Err(); err != nil {
		return nil, &ParseError{Line: lineNo + 1, Column: 1, Field: "line", Msg: fmt.Sprintf("%v (want lines of at most %d bytes)", err, maxLine)}
	}
	flush()
	return out, nil
}

// fromRecord makes a code of one CMS record's dates and action; finish
// adds its long descriptor. Kind comes from the code's letter (classify).
// When the action says the descriptor changed (B, C, S), Versions holds it
// from the action's effective date, so a merge can date the change.
func fromRecord(code, short string, added, actionEff, term civil.Date, action string) Code {
	c := Code{
		Code:      code,
		Kind:      classify(code),
		Short:     strings.TrimSpace(short),
		Effective: added,
		Source:    cmsSource,
		changed:   actionEff,
		action:    action,
	}
	if term != 0 {
		c.Terminated = &term
	}
	switch action {
	case "B", "C", "S":
		if actionEff > added {
			c.Versions = []Version{{From: actionEff, Source: cmsSource}}
		}
	}
	return c
}

// finish sets the long descriptor, with runs of spaces made one, and the
// dose read from it.
func finish(c *Code, long string) {
	c.Long = strings.Join(strings.Fields(long), " ")
	if TakesDose(c.Code, c.Kind) {
		c.Dose, c.DoseNote = ReadDose(c.Long)
	}
	if len(c.Versions) == 1 {
		v := &c.Versions[0]
		v.Short, v.Long, v.Dose, v.DoseNote = c.Short, c.Long, c.Dose, c.DoseNote
	}
}

// recordCode returns the code of a record: five characters in columns 1–5
// for procedures, two in columns 4–5 after three blanks for modifiers.
func recordCode(line string, ric byte) (string, error) {
	if ric == ricModifier || ric == ricModifierMore {
		if line[0:3] != "   " || !isAlnum(line[3]) || !isAlnum(line[4]) {
			return "", fmt.Errorf("modifier record has %q; want 3 blanks and a 2-character modifier", line[0:5])
		}
		return strings.ToUpper(line[3:5]), nil
	}
	for i := 0; i < 5; i++ {
		if !isAlnum(line[i]) {
			return "", fmt.Errorf("procedure record has %q; want a 5-character HCPCS code", line[0:5])
		}
	}
	return strings.ToUpper(line[0:5]), nil
}

// classify gives a CMS row its Kind from the code alone; the curated table
// refines it (per diems, nursing, Medicare HIT).
func classify(code string) Kind {
	switch {
	case len(code) == 2:
		return Modifier
	case len(code) == 0:
		return Other
	case code[0] == 'J':
		return DrugKind
	case strings.HasPrefix(code, "B9"):
		return DME // enteral and parenteral pumps
	case code[0] == 'B':
		return EnteralParenteral
	case code[0] == 'E':
		return DME
	case strings.HasPrefix(code, "A4"), strings.HasPrefix(code, "A6"), strings.HasPrefix(code, "A7"):
		return SupplyKind
	}
	return Other
}

// field returns line[from:to], clipped to the line: continuation lines of
// older files are not padded to 320 bytes.
func field(line string, from, to int) string {
	if from >= len(line) {
		return ""
	}
	return line[from:min(to, len(line))]
}

// cmsDate reads a YYYYMMDD field; blank is the zero date unless required.
func cmsDate(s string, required bool) (civil.Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		if required {
			return 0, errors.New("blank; want a date YYYYMMDD")
		}
		return 0, nil
	}
	d, err := civil.ParseCompact(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a date YYYYMMDD", s)
	}
	return d, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

// cp1252 holds the characters Windows-1252 puts in 0x80–0x9F; the other
// bytes above 0x7F are Latin-1.
var cp1252 = [32]rune{
	'€', utf8.RuneError, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', utf8.RuneError, 'Ž', utf8.RuneError,
	utf8.RuneError, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', utf8.RuneError, 'ž', 'Ÿ',
}

// decode1252 turns Windows-1252 bytes into UTF-8.
func decode1252(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x80:
			b.WriteByte(c)
		case c < 0xA0:
			b.WriteRune(cp1252[c-0x80])
		default:
			b.WriteRune(rune(c))
		}
	}
	return b.String()
}

// OpenCMS reads the codes of a CMS HCPCS release file (see OpenRelease).
func OpenCMS(path string) ([]Code, error) {
	r, err := OpenRelease(path)
	if err != nil {
		return nil, err
	}
	return r.Codes, nil
}

// OpenRelease reads a CMS HCPCS release as CMS ships it: the fixed-width
// text file, the Excel workbook (.xlsx), or the release zip, from which it
// reads the one text file whose name holds "ANWEB" (the workbook, record
// layout, transaction report and notes are skipped). The release's first
// day comes from the file name (ReleaseDate), or is zero when the name
// does not say. Errors name the file and, for a malformed record, the
// line or cell.
func OpenRelease(path string) (*Release, error) {
	var (
		r   *Release
		err error
	)
	switch strings.ToLower(filepath.Ext(path)) {
	case ".zip":
		r, err = openCMSZip(path)
	case ".xlsx":
		r, err = openXLSX(path)
	default:
		r, err = openCMSText(path)
	}
	if err != nil {
		return nil, err
	}
	if r.Effective == 0 {
		r.Effective, _ = ReleaseDate(filepath.Base(path))
	}
	return r, nil
}

func openCMSText(path string) (*Release, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	codes, err := ReadCMS(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return newRelease(filepath.Base(path), codes), nil
}

func openCMSZip(path string) (*Release, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer zr.Close()
	var found []*zip.File
	for _, f := range zr.File {
		name := strings.ToUpper(filepath.Base(f.Name))
		if strings.Contains(name, "ANWEB") && strings.HasSuffix(name, ".TXT") {
			found = append(found, f)
		}
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("%s: no HCPCS text file (*ANWEB*.txt) in the zip", path)
	case 1:
	default:
		return nil, fmt.Errorf("%s: %d HCPCS text files (*ANWEB*.txt) in the zip (%s, %s, …); want one, or name the .txt", path, len(found), found[0].Name, found[1].Name)
	}
	rc, err := found[0].Open()
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", path, found[0].Name, err)
	}
	defer rc.Close()
	codes, err := ReadCMS(rc)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", path, found[0].Name, err)
	}
	return newRelease(filepath.Base(found[0].Name), codes), nil
}

// newRelease names the release's rows after its file and dates it from
// the name.
func newRelease(name string, codes []Code) *Release {
	setSource(codes, name)
	sort.SliceStable(codes, func(i, j int) bool { return codes[i].Code < codes[j].Code })
	d, _ := ReleaseDate(name)
	return &Release{Name: name, Effective: d, Codes: codes}
}

// setSource makes the CMS release name the source of codes and of each
// of their versions.
func setSource(codes []Code, name string) {
	src := cmsSource + " " + name
	for i := range codes {
		codes[i].Source = src
		for j := range codes[i].Versions {
			codes[i].Versions[j].Source = src
		}
	}
}
