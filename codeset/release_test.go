package codeset

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestReleaseDate(t *testing.T) {
	for name, want := range map[string]string{
		"HCPC2025_JAN_ANWEB_12172024.txt":           "2025-01-01",
		"HCPC2025_OCT_ANWEB_v4.xlsx":                "2025-10-01",
		"hcpc2026_apr_anweb.TXT":                    "2026-04-01",
		"HCPC2020_ANWEB_w_disclaimer.txt":           "2020-01-01",
		"january-2025-alpha-numeric-hcpcs-file.zip": "2025-01-01",
		"july-2026-alpha-numeric-hcpcs-file.zip":    "2026-07-01",
		"2020-Alpha-Numeric-HCPCS-File.zip":         "2020-01-01",
		"codes.txt":                                 "",
	} {
		d, ok := ReleaseDate(name)
		got := ""
		if ok {
			got = d.String()
		}
		if got != want {
			t.Errorf("ReleaseDate(%q) = %q; want %q", name, got, want)
		}
	}
}

// quarter builds a release of fixed-width records.
func quarter(t *testing.T, name string, lines ...string) *Release {
	t.Helper()
	codes, err := ReadCMS(strings.NewReader(strings.Join(lines, "\n")))
	if err != nil {
		t.Fatal(err)
	}
	return newRelease(name, codes)
}

// twoQuarters is a January release and an April one that adds a code,
// changes a descriptor and its dose (action C, in force 2025-04-01),
// terminates a code and leaves one out.
func twoQuarters(t *testing.T) (*Release, *Release) {
	jan := quarter(t, "HCPC2025_JAN_ANWEB.txt",
		record("J9996", 100, '3', "Injection, testdrug, 5 mg", "Testdrug 5 mg", "20200101", "20200101", "", 'N'),
		record("J9995", 100, '3', "Injection, olddrug, 1 mg", "Olddrug", "20100101", "20100101", "", 'N'),
		record("J9994", 100, '3', "Injection, gonedrug, 1 mg", "Gonedrug", "20100101", "20100101", "", 'N'),
	)
	apr := quarter(t, "HCPC2025_APR_ANWEB.txt",
		record("J9993", 100, '3', "Injection, newdrug, 2 mg", "Newdrug", "20250401", "20250401", "", 'A'),
		record("J9995", 100, '3', "Injection, olddrug, 1 mg", "Olddrug", "20100101", "20250401", "20250331", 'D'),
		record("J9996", 100, '3', "Injection, testdrug, 10 mg", "Testdrug 10 mg", "20200101", "20250401", "", 'C'),
	)
	return jan, apr
}

func TestMergeReleases_History(t *testing.T) {
	jan, apr := twoQuarters(t)
	byCode := map[string]Code{}
	for _, c := range MergeReleases([]*Release{apr, jan}) { // any order
		byCode[c.Code] = c
	}
	c := byCode["J9996"]
	before, after := c.On(mustDate(t, "2025-03-31")), c.On(mustDate(t, "2025-04-01"))
	if before.Long != "Injection, testdrug, 5 mg" || before.Dose.String() != "5 mg" || after.Long != "Injection, testdrug, 10 mg" || after.Dose.String() != "10 mg" {
		t.Errorf("J9996 on 2025-03-31: %q %s; on 2025-04-01: %q %s; want the 5 mg descriptor, then the 10 mg one", before.Long, before.Dose, after.Long, after.Dose)
	}
	if c.Long != after.Long || c.Effective != mustDate(t, "2020-01-01") {
		t.Errorf("J9996 = %q from %s; want the newest descriptor and the add date", c.Long, c.Effective)
	}
	if c := byCode["J9995"]; c.Terminated == nil || *c.Terminated != mustDate(t, "2025-03-31") {
		t.Errorf("J9995 terminated %v; want 2025-03-31", c.Terminated)
	}
	if c := byCode["J9994"]; c.Terminated == nil || *c.Terminated != mustDate(t, "2025-03-31") {
		t.Errorf("J9994, left out of April, terminated %v; want the day before April, 2025-03-31", c.Terminated)
	}
	if c, ok := byCode["J9993"]; !ok || c.ActiveOn(mustDate(t, "2025-03-31")) || !c.ActiveOn(mustDate(t, "2025-04-01")) {
		t.Errorf("J9993: found %v; want it from 2025-04-01", ok)
	}
}

func TestDiff(t *testing.T) {
	jan, apr := twoQuarters(t)
	var got []string
	for _, c := range Diff(jan, apr) {
		got = append(got, c.Code+" "+string(c.Kind)+" "+c.Since.String())
	}
	want := []string{
		"J9993 added 2025-04-01",
		"J9994 dropped 1970-01-01",
		"J9995 terminated 2025-04-01",
		"J9996 descriptor 2025-04-01",
		"J9996 dose 2025-04-01",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Diff = %q; want %q", got, want)
	}
	if n := len(Diff(apr, apr)); n != 0 {
		t.Errorf("a release against itself: %d changes; want none", n)
	}
}

// TestStore_RoundTrip imports the January 2025 release and reads it back
// as it was read from CMS's file.
func TestStore_RoundTrip(t *testing.T) {
	r, err := OpenRelease(release2025)
	if err != nil {
		t.Fatal(err)
	}
	s := &Store{Dir: filepath.Join(t.TempDir(), "hcpcs")}
	path, replaced, err := s.Import(r)
	if err != nil || replaced || filepath.Base(path) != "hcpcs-2025-01-01.tsv" {
		t.Fatalf("Import = %s, %v, %v; want a new hcpcs-2025-01-01.tsv", path, replaced, err)
	}
	if _, replaced, err := s.Import(r); err != nil || !replaced {
		t.Errorf("second Import: replaced %v, %v; want the quarter replaced", replaced, err)
	}
	rs, err := s.Releases()
	if err != nil || len(rs) != 1 {
		t.Fatalf("Releases = %d, %v; want 1", len(rs), err)
	}
	back := rs[0]
	if back.Name != r.Name || back.Effective != r.Effective || len(back.Codes) != len(r.Codes) {
		t.Fatalf("read back %s %s %d codes; want %s %s %d", back.Name, back.Effective, len(back.Codes), r.Name, r.Effective, len(r.Codes))
	}
	for i := range r.Codes {
		if !reflect.DeepEqual(back.Codes[i], r.Codes[i]) {
			t.Fatalf("%s reads back as\n%+v\nwant\n%+v", r.Codes[i].Code, back.Codes[i], r.Codes[i])
		}
	}
	entries, _ := os.ReadDir(s.Dir)
	if len(entries) != 1 {
		t.Errorf("the store holds %d files; want only the release (no temporary file left)", len(entries))
	}
	if _, err := s.Release(mustDate(t, "2024-12-31")); err == nil {
		t.Error("Release before the first import: no error")
	}
	if got, err := s.Release(mustDate(t, "2026-06-01")); err != nil || got.Effective != r.Effective {
		t.Errorf("Release(2026-06-01) = %v; want the January 2025 release in force", err)
	}
}

func TestStore_Errors(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"hcpcs-2025-01-01.tsv": "R\t2025-01-01\tX.txt\nC\tJ0690\t1982-13-01\t\t\tN\tShort\tLong\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, err := (&Store{Dir: dir}).Releases()
	if err == nil || !strings.Contains(err.Error(), "hcpcs-2025-01-01.tsv:2: added") {
		t.Errorf("error %v; want the file, line 2 and the field", err)
	}
}

// TestWithReleases lays imported quarters over the embedded set: the
// curated kind stays, new codes come in, history is kept, and ValidOn
// answers for a day.
func TestWithReleases(t *testing.T) {
	jan, apr := twoQuarters(t)
	s := Default().WithReleases([]*Release{jan, apr})
	if v, ok := s.ValidOn("J9996", mustDate(t, "2025-03-01")); !ok || v.Dose.String() != "5 mg" {
		t.Errorf("J9996 on 2025-03-01: %v %s; want valid at 5 mg", ok, v.Dose)
	}
	if v, ok := s.ValidOn("J9996", mustDate(t, "2025-04-01")); !ok || v.Dose.String() != "10 mg" {
		t.Errorf("J9996 on 2025-04-01: %v %s; want valid at 10 mg", ok, v.Dose)
	}
	if _, ok := s.ValidOn("J9995", mustDate(t, "2025-04-01")); ok {
		t.Error("J9995 valid after its termination")
	}
	if _, ok := s.ValidOn("S9500", mustDate(t, "2025-04-01")); !ok {
		t.Error("S9500 of the embedded set is gone")
	}
	if c, _ := s.Lookup("S9500"); c.Kind != PerDiem {
		t.Errorf("S9500 kind %s; want the curated per diem", c.Kind)
	}
}

// TestWithReleases_Older pins that releases older than the embedded one
// add the codes it lacks and undo nothing it knows: J1170 stays ended on
// 2024-09-30 though a 2020 file lists it as active.
func TestWithReleases_Older(t *testing.T) {
	base := Default()
	if base.Release() != mustDate(t, "2025-01-01") {
		t.Fatalf("embedded release %s; want 2025-01-01", base.Release())
	}
	old := quarter(t, "HCPC2020_JUL_ANWEB.txt",
		record("J1170", 100, '3', "Injection, hydromorphone, up to 4 mg", "Hydromorphone injection", "19820101", "19820101", "", 'N'),
		record("J9992", 100, '3', "Injection, olderdrug, 3 mg", "Olderdrug", "20100101", "20100101", "", 'N'),
	)
	s := base.WithReleases([]*Release{old})
	if c, _ := s.Lookup("J1170"); c.Terminated == nil || *c.Terminated != mustDate(t, "2024-09-30") {
		t.Errorf("J1170 terminated %v after an older release; want 2024-09-30 kept", c.Terminated)
	}
	if _, ok := s.ValidOn("J9992", mustDate(t, "2020-08-01")); !ok {
		t.Error("J9992, known only to the older release, is not added")
	}
	if s.Release() != base.Release() {
		t.Errorf("release %s; want the embedded %s kept", s.Release(), base.Release())
	}
	jan, apr := twoQuarters(t)
	if got := base.WithReleases([]*Release{jan, apr}).Release(); got != apr.Effective {
		t.Errorf("release %s after newer imports; want %s", got, apr.Effective)
	}
}
