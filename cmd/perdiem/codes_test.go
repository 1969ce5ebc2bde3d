package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCodesArgs(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb}
	status := run(e, append([]string{"codes"}, args...))
	return status, out.String(), errb.String()
}

func TestCodes_Lookup(t *testing.T) {
	status, out, errs := runCodesArgs(t, "J0690")
	if status != exitOK || errs != "" {
		t.Fatalf("status %d, stderr %q; want 0 and nothing", status, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d lines; want a header and J0690:\n%s", len(lines), out)
	}
	for _, want := range []string{"J0690", "drug", "1982-01-01", "500 mg", "Cefazolin sodium injection", "Injection, cefazolin sodium, 500 mg"} {
		if !strings.Contains(lines[1], want) {
			t.Errorf("row %q lacks %q", lines[1], want)
		}
	}
	for _, col := range []string{"CODE", "KIND", "EFFECTIVE", "TERMINATED", "DOSE", "FLAGS", "SHORT", "LONG"} {
		if !strings.Contains(lines[0], col) {
			t.Errorf("header %q lacks %s", lines[0], col)
		}
	}
}

// TestCodes_On_CS10 shows whether each code may be billed on a day, with
// the descriptor then in force.
func TestCodes_On_CS10(t *testing.T) {
	for _, tt := range []struct {
		day, s9563, s9562 string
	}{
		{"2023-03-31", "no", "Home injectable therapy, palivizumab, including"},
		{"2023-04-01", "yes", "Home injectable therapy, palivizumab or other monoclonal antibody for rsv"},
	} {
		status, out, _ := runCodesArgs(t, "S956", "--on", tt.day)
		if status != exitOK {
			t.Fatalf("--on %s: status %d", tt.day, status)
		}
		rows := map[string]string{}
		for _, line := range strings.Split(out, "\n") {
			if f := strings.Fields(line); len(f) > 0 {
				rows[f[0]] = line
			}
		}
		if !strings.Contains(rows["CODE"], "ACTIVE "+tt.day) {
			t.Errorf("header %q: want an ACTIVE %s column", rows["CODE"], tt.day)
		}
		if f := strings.Fields(rows["S9563"]); len(f) < 5 || f[4] != tt.s9563 {
			t.Errorf("S9563 on %s: row %q; want active %s", tt.day, rows["S9563"], tt.s9563)
		}
		if !strings.Contains(rows["S9562"], tt.s9562) {
			t.Errorf("S9562 on %s: row %q; want the descriptor %q…", tt.day, rows["S9562"], tt.s9562)
		}
	}
}

func TestCodes_JSON(t *testing.T) {
	status, out, _ := runCodesArgs(t, "--format", "json", "--on", "2026-01-15", "E0781")
	if status != exitOK {
		t.Fatalf("status %d", status)
	}
	var rows []struct {
		Code    string `json:"code"`
		Kind    string `json:"kind"`
		Bundled bool   `json:"bundled"`
		Active  *bool  `json:"active"`
	}
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if len(rows) != 1 || rows[0].Code != "E0781" || rows[0].Kind != "dme" || !rows[0].Bundled || rows[0].Active == nil || !*rows[0].Active {
		t.Errorf("rows %+v; want E0781, a bundled DME item active on the day", rows)
	}
}

func TestCodes_Words(t *testing.T) {
	status, out, _ := runCodesArgs(t, "tpn", "liter")
	if status != exitOK {
		t.Fatalf("status %d", status)
	}
	for _, code := range []string{"S9365", "S9366", "S9367", "S9368"} {
		if !strings.Contains(out, code) {
			t.Errorf("output lacks %s:\n%s", code, out)
		}
	}
}

func TestCodes_NoMatch(t *testing.T) {
	status, out, errs := runCodesArgs(t, "zzz-no-such-thing")
	if status != exitFindings || out != "" || !strings.Contains(errs, "no code matches") {
		t.Errorf("status %d, stdout %q, stderr %q; want 1, nothing, and a message", status, out, errs)
	}
}

func TestCodes_BadInput(t *testing.T) {
	for _, args := range [][]string{
		{"--format", "xml", "S9500"},
		{"--on", "2023-02-30", "S9500"},
		{"--nosuchflag"},
		{"--cms", filepath.Join(t.TempDir(), "missing.txt"), "S9500"},
	} {
		status, out, errs := runCodesArgs(t, args...)
		if status != exitInput || out != "" || errs == "" {
			t.Errorf("%v: status %d, stdout %q, stderr %q; want 2, nothing, and a message", args, status, out, errs)
		}
	}
}

// TestCodes_CMS overlays a newer CMS file: a new code is found, a changed
// descriptor is shown.
func TestCodes_CMS(t *testing.T) {
	rec := func(code, long, short, added string) string {
		b := []byte(strings.Repeat(" ", 320))
		copy(b, code)
		copy(b[5:], "00100")
		b[10] = '3'
		copy(b[11:91], long)
		copy(b[91:119], short)
		copy(b[268:], added)
		copy(b[276:], added)
		b[292] = 'A'
		return string(b)
	}
	p := filepath.Join(t.TempDir(), "HCPC2027_JAN_ANWEB.txt")
	text := rec("J9998", "Injection, newdrug, 5 mg", "Newdrug injection", "20270101") + "\r\n"
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	status, out, errs := runCodesArgs(t, "J9998", "--cms", p)
	if status != exitOK || !strings.Contains(out, "5 mg") || !strings.Contains(out, "2027-01-01") {
		t.Errorf("status %d, stderr %q, output:\n%s\nwant J9998 from the file", status, errs, out)
	}
	broken := filepath.Join(t.TempDir(), "broken.txt")
	if err := os.WriteFile(broken, []byte(text[:150]), 0o644); err != nil {
		t.Fatal(err)
	}
	status, _, errs = runCodesArgs(t, "--cms", broken, "J9998")
	if status != exitInput || !strings.Contains(errs, fmt.Sprintf("line %d", 1)) {
		t.Errorf("broken file: status %d, stderr %q; want 2 and the line", status, errs)
	}
}
