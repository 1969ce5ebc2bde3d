package codeset

import (
	"archive/zip"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/civil"
)

const release2020 = "../testdata/cms/2020-Alpha-Numeric-HCPCS-File.zip"

func mustDate(t testing.TB, s string) civil.Date {
	t.Helper()
	d, err := civil.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestOpenCMS_Release2020 reads the real CMS 2020 annual release: the
// disclaimer is skipped, procedure and modifier records are read, and
// multi-line descriptors are joined.
func TestOpenCMS_Release2020(t *testing.T) {
	codes, err := OpenCMS(release2020)
	if err != nil {
		t.Fatal(err)
	}
	// Counted in the text file: 6,710 RIC 3 and 369 RIC 7 lines.
	procedures, modifiers := 0, 0
	byCode := map[string]Code{}
	for _, c := range codes {
		if c.Kind == Modifier {
			modifiers++
		} else {
			procedures++
		}
		byCode[c.Code] = c
	}
	if procedures != 6710 || modifiers != 369 {
		t.Errorf("read %d procedures and %d modifiers; want 6710 and 369", procedures, modifiers)
	}
	tests := []struct {
		code, kind, short, long string
		effective, terminated   string
		dose                    string
	}{
		{"J0690", "drug", "Cefazolin sodium injection", "Injection, cefazolin sodium, 500 mg", "1982-01-01", "", "500 mg"},
		{"J0696", "drug", "Ceftriaxone sodium injection", "Injection, ceftriaxone sodium, per 250 mg", "1990-01-01", "", "250 mg"},
		{"J1569", "drug", "Gammagard liquid injection", "Injection, immune globulin, (gammagard liquid), non-lyophilized, (e.g., liquid), 500 mg", "2008-01-01", "", "500 mg"},
		{"SH", "modifier", "2nd concurrent infusion ther", "Second concurrently administered infusion therapy", "2001-07-01", "", ""},
		{"SJ", "modifier", "3rd concurrent infusion ther", "Third or more concurrently administered infusion therapy", "2001-07-01", "", ""},
		{"JW", "modifier", "Discarded drug not administe", "Drug amount discarded/not administered to any patient", "2003-01-01", "", ""},
		{"S9562", "other", "Ht inj palivizumab diem", "Home injectable therapy, palivizumab, including administrative services, professional pharmacy services, care coordination, and all necessary supplies and equipment (drugs and nursing visits coded separately), per diem", "2003-01-01", "", ""},
		// Terminated codes stay in the file with their last day.
		{"B9000", "dme", "Enter infusion pump w/o alrm", "Enteral nutrition infusion pump - without alarm", "1988-01-01", "2016-12-31", ""},
		{"GD", "modifier", "", "", "", "2019-12-31", ""},
	}
	for _, tt := range tests {
		c, ok := byCode[tt.code]
		if !ok {
			t.Errorf("%s: not read", tt.code)
			continue
		}
		if string(c.Kind) != tt.kind {
			t.Errorf("%s: kind %s; want %s", tt.code, c.Kind, tt.kind)
		}
		if tt.short != "" && c.Short != tt.short {
			t.Errorf("%s: short %q; want %q", tt.code, c.Short, tt.short)
		}
		if tt.long != "" && c.Long != tt.long {
			t.Errorf("%s: long %q; want %q", tt.code, c.Long, tt.long)
		}
		if tt.effective != "" && c.Effective != mustDate(t, tt.effective) {
			t.Errorf("%s: effective %s; want %s", tt.code, c.Effective, tt.effective)
		}
		switch {
		case tt.terminated == "" && c.Terminated != nil:
			t.Errorf("%s: terminated %s; want none", tt.code, c.Terminated)
		case tt.terminated != "" && (c.Terminated == nil || *c.Terminated != mustDate(t, tt.terminated)):
			t.Errorf("%s: terminated %v; want %s", tt.code, c.Terminated, tt.terminated)
		}
		got := ""
		if c.Dose != nil {
			got = fmt.Sprintf("%g %s", c.Dose.Amount, c.Dose.Unit)
		}
		if got != tt.dose {
			t.Errorf("%s: dose %q; want %q", tt.code, got, tt.dose)
		}
		if !strings.HasSuffix(c.Source, "HCPC2020_ANWEB_w_disclaimer.txt") {
			t.Errorf("%s: source %q; want the text file's name", tt.code, c.Source)
		}
	}
	if _, ok := byCode["S9563"]; ok {
		t.Error("S9563 is in the 2020 file; it was added 2023-04-01")
	}
}

// record builds a 320-byte first line of a procedure (ric 3) or modifier
// (ric 7) record in the CMS layout.
func record(code string, seq int, ric byte, long, short, added, actionEff, term string, action byte) string {
	b := []byte(strings.Repeat(" ", 320))
	if ric == '7' || ric == '8' {
		copy(b[3:], code)
	} else {
		copy(b, code)
	}
	copy(b[5:], fmt.Sprintf("%05d", seq))
	b[10] = ric
	copy(b[11:91], long)
	copy(b[91:119], short)
	copy(b[268:], added)
	copy(b[276:], actionEff)
	copy(b[284:], term)
	b[292] = action
	return string(b)
}

// continuation builds an unpadded continuation line, as the 2020 file has.
func continuation(code string, seq int, ric byte, long string) string {
	prefix := code
	if ric == '8' {
		prefix = "   " + code
	}
	return fmt.Sprintf("%s%05d%c%s", prefix, seq, ric, long)
}

func TestReadCMS_Layout(t *testing.T) {
	text := strings.Join([]string{
		"Note regarding coverage and payment indicators for codes in CMS\x92 2020 HCPCS Update",
		"",
		record("SH", 100, '7', "Second concurrently administered infusion therapy", "2nd concurrent infusion ther", "20010701", "20010701", "", 'N'),
		record("J1569", 100, '3', "Injection, immune globulin, (gammagard liquid), non-lyophilized, (e.g.,", "Gammagard liquid injection", "20080101", "20130101", "", 'N'),
		continuation("J1569", 200, '4', "liquid), 500 mg"),
		record("S0189", 100, '3', "Testosterone pellet, 75 mg", "Testosterone pellet 75 mg", "20020101", "20260101", "20251231", 'D'),
		record("S9562", 100, '3', "Home injectable therapy, palivizumab or other monoclonal antibody for rsv, ...", "Ht inj palivizumab/ab diem", "20030101", "20230401", "", 'C'),
		record("A9999", 100, '3', "Don\x92t \x93quote\x94", "", "19850101", "", "", 'N'),
	}, "\r\n")
	codes, err := ReadCMS(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != 5 {
		t.Fatalf("read %d codes; want 5", len(codes))
	}
	if c := codes[0]; c.Code != "SH" || c.Kind != Modifier {
		t.Errorf("modifier record read as %s %s; want SH modifier", c.Code, c.Kind)
	}
	if c := codes[1]; c.Long != "Injection, immune globulin, (gammagard liquid), non-lyophilized, (e.g., liquid), 500 mg" {
		t.Errorf("J1569 long %q: want the two lines joined", c.Long)
	}
	if c := codes[2]; c.Terminated == nil || *c.Terminated != mustDate(t, "2025-12-31") || !c.ActiveOn(mustDate(t, "2025-12-31")) || c.ActiveOn(mustDate(t, "2026-01-01")) {
		t.Errorf("S0189 terminated %v: want last day 2025-12-31", c.Terminated)
	}
	if c := codes[3]; len(c.Versions) != 1 || c.Versions[0].From != mustDate(t, "2023-04-01") || c.Versions[0].Long != c.Long {
		t.Errorf("S9562 with action C: versions %+v; want its descriptor dated 2023-04-01", c.Versions)
	}
	if c := codes[4]; c.Long != "Don’t “quote”" {
		t.Errorf("Windows-1252 text decoded as %q", c.Long)
	}
}

// TestReadCMS_Errors pins that a broken file is refused with the line,
// the layout column and what was expected.
func TestReadCMS_Errors(t *testing.T) {
	good := record("J0690", 100, '3', "Injection, cefazolin sodium, 500 mg", "Cefazolin sodium injection", "19820101", "19820101", "", 'N')
	tests := []struct {
		name   string
		lines  []string
		line   int
		column int
		field  string
		msg    string
	}{
		{"bad code", []string{good, "J06 0001003" + good[11:]}, 2, 1, "HCPCS code", "want a 5-character HCPCS code"},
		{"modifier not in columns 4-5", []string{"SH   00100" + "7" + good[11:]}, 1, 1, "HCPCS code", "want 3 blanks"},
		{"bad sequence", []string{"J06900010x3" + good[11:]}, 1, 6, "sequence number", "not 5 digits"},
		{"bad add date", []string{good[:268] + "20201301" + good[276:]}, 1, 269, "code added date", "not a date YYYYMMDD"},
		{"blank add date", []string{good[:268] + "        " + good[276:]}, 1, 269, "code added date", "want a date"},
		{"bad termination date", []string{good[:284] + "2025123X" + good[292:]}, 1, 285, "termination date", "not a date"},
		{"termination before add", []string{good[:284] + "19791231" + good[292:]}, 1, 285, "termination date", "before the add date"},
		{"short first line", []string{good[:200]}, 1, 201, "record length", "want at least 284"},
		{"orphan continuation", []string{good, continuation("J0691", 200, '4', "more")}, 2, 1, "HCPCS code", "does not follow"},
		{"sequence goes back", []string{good, continuation("J0690", 200, '4', "a"), continuation("J0690", 200, '4', "b")}, 3, 6, "sequence number", "want increasing"},
		{"duplicate code", []string{good, good}, 2, 1, "HCPCS code", "already began on line 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadCMS(strings.NewReader(strings.Join(tt.lines, "\n")))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v; want a *ParseError", err)
			}
			if !errors.Is(err, ErrSyntax) {
				t.Errorf("error does not wrap ErrSyntax")
			}
			if pe.Line != tt.line || pe.Column != tt.column || pe.Field != tt.field || !strings.Contains(pe.Msg, tt.msg) {
				t.Errorf("error %q = line %d column %d %s; want line %d column %d %s, saying %q", pe, pe.Line, pe.Column, pe.Field, tt.line, tt.column, tt.field, tt.msg)
			}
		})
	}
}

func TestOpenCMS_Files(t *testing.T) {
	dir := t.TempDir()
	line := record("J0690", 100, '3', "Injection, cefazolin sodium, 500 mg", "Cefazolin sodium injection", "19820101", "19820101", "", 'N')
	txt := filepath.Join(dir, "HCPC2026_APR_ANWEB.txt")
	if err := os.WriteFile(txt, []byte(line+"\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	codes, err := OpenCMS(txt)
	if err != nil || len(codes) != 1 || codes[0].Source != "CMS HCPCS Level II file HCPC2026_APR_ANWEB.txt" {
		t.Fatalf("OpenCMS(txt) = %+v, %v; want J0690 with the file as source", codes, err)
	}
	writeZip := func(name string, files map[string]string) string {
		p := filepath.Join(dir, name)
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		zw := zip.NewWriter(f)
		for n, body := range files {
			w, _ := zw.Create(n)
			w.Write([]byte(body))
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		f.Close()
		return p
	}
	one := writeZip("one.zip", map[string]string{"HCPC2026_recordlayout.txt": "layout", "sub/HCPC2026_JUL_ANWEB_06172026.txt": line})
	if codes, err := OpenCMS(one); err != nil || len(codes) != 1 {
		t.Errorf("OpenCMS(zip) = %d codes, %v; want the ANWEB file read", len(codes), err)
	}
	for name, files := range map[string]map[string]string{
		"none.zip": {"HCPC2026_recordlayout.txt": "layout"},
		"two.zip":  {"a_ANWEB.txt": line, "b_ANWEB.txt": line},
	} {
		if _, err := OpenCMS(writeZip(name, files)); err == nil {
			t.Errorf("OpenCMS(%s) succeeded; want an error", name)
		}
	}
	broken := writeZip("broken.zip", map[string]string{"X_ANWEB.txt": line[:100]})
	if _, err := OpenCMS(broken); err == nil || !strings.Contains(err.Error(), "X_ANWEB.txt") || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("OpenCMS(broken) error %v; want the file and line named", err)
	}
}

func FuzzReadCMS(f *testing.F) {
	f.Add(record("J0690", 100, '3', "Injection, cefazolin sodium, 500 mg", "Cefazolin sodium injection", "19820101", "19820101", "", 'N'))
	f.Add(record("SH", 100, '7', "Second concurrently administered infusion therapy", "2nd concurrent", "20010701", "20010701", "", 'N') + "\n" + continuation("SH", 200, '8', "more"))
	f.Add(record("J1569", 100, '3', "Injection, immune globulin,", "x", "20080101", "20130101", "", 'C') + "\r\n" + continuation("J1569", 200, '4', "500 mg"))
	f.Add("disclaimer text\n\n   A1001007Dressing")
	f.Fuzz(func(t *testing.T, s string) {
		codes, err := ReadCMS(strings.NewReader(s))
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Line < 1 || pe.Column < 1 {
				t.Fatalf("error %v; want a *ParseError with a position", err)
			}
			return
		}
		for _, c := range codes {
			if len(c.Code) != 2 && len(c.Code) != 5 {
				t.Fatalf("code %q read; want 2 or 5 characters", c.Code)
			}
			if c.Terminated != nil && *c.Terminated < c.Effective {
				t.Fatalf("%s terminated %s before its start %s", c.Code, c.Terminated, c.Effective)
			}
		}
	})
}

const release2025 = "../testdata/cms/january-2025-alpha-numeric-hcpcs-file.zip"

// TestOpenRelease_2025 reads the January 2025 release the embedded table is
// built from: its one ANWEB text file, dated from its name.
func TestOpenRelease_2025(t *testing.T) {
	r, err := OpenRelease(release2025)
	if err != nil {
		t.Fatal(err)
	}
	if r.Name != "HCPC2025_JAN_ANWEB_12172024.txt" || r.Effective != mustDate(t, "2025-01-01") {
		t.Errorf("release %q from %s; want HCPC2025_JAN_ANWEB_12172024.txt from 2025-01-01", r.Name, r.Effective)
	}
	// Counted in the text file (see testdata/cms/README.md).
	procedures, modifiers := 0, 0
	byCode := map[string]Code{}
	for _, c := range r.Codes {
		if c.Kind == Modifier {
			modifiers++
		} else {
			procedures++
		}
		byCode[c.Code] = c
	}
	if procedures != 8259 || modifiers != 383 {
		t.Errorf("read %d procedures and %d modifiers; want 8259 and 383", procedures, modifiers)
	}
	s := byCode["S9500"]
	if s.Short != "Hit antibiotic q24h diem" || !strings.HasPrefix(s.Long, "Home infusion therapy, antibiotic, antiviral, or antifungal therapy; once every 24 hours;") {
		t.Errorf("S9500 = %q / %q", s.Short, s.Long)
	}
	if c := byCode["S9563"]; c.Effective != mustDate(t, "2023-04-01") {
		t.Errorf("S9563 effective %s; want 2023-04-01", c.Effective)
	}
	if c := byCode["J1170"]; c.Terminated == nil || *c.Terminated != mustDate(t, "2024-09-30") {
		t.Errorf("J1170 terminated %v; want 2024-09-30 (hydromorphone moved to J1171, 0.1 mg)", c.Terminated)
	}
}
