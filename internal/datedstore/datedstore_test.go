package datedstore

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/civil"
)

// TestWriteAndReadAll writes three periods out of order and one twice:
// the second write replaces the first, and ReadAll gives them oldest
// first, leaving out files of another prefix.
func TestWriteAndReadAll(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	put := func(day, text string) bool {
		t.Helper()
		d, err := civil.Parse(day)
		if err != nil {
			t.Fatal(err)
		}
		path, replaced, err := Write(dir, "q", d, func(w io.Writer) error { _, err := io.WriteString(w, text); return err })
		if err != nil {
			t.Fatal(err)
		}
		if want := filepath.Join(dir, "q-"+day+".tsv"); path != want {
			t.Errorf("path %s, want %s", path, want)
		}
		return replaced
	}
	if put("2026-04-01", "april") || put("2026-01-01", "january") || put("2026-07-01", "first july") {
		t.Error("a first write reported it replaced a file")
	}
	if !put("2026-07-01", "july") {
		t.Error("a second write of the same period did not report it replaced one")
	}
	if err := os.WriteFile(filepath.Join(dir, "other-2025-01-01.tsv"), []byte("other"), 0o644); err != nil {
		t.Fatal(err)
	}
	type period struct {
		day  civil.Date
		text string
	}
	read := func(path string) (period, error) {
		b, err := os.ReadFile(path)
		if err != nil {
			return period{}, err
		}
		d, err := civil.Parse(strings.TrimSuffix(strings.TrimPrefix(filepath.Base(path), "q-"), ".tsv"))
		return period{d, string(b)}, err
	}
	got, err := ReadAll(dir, "q", read, func(p period) civil.Date { return p.day })
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, p := range got {
		texts = append(texts, p.text)
	}
	if strings.Join(texts, ",") != "january,april,july" {
		t.Errorf("read %q, want january, april, july", texts)
	}
	none, err := ReadAll(filepath.Join(dir, "missing"), "q", read, func(p period) civil.Date { return p.day })
	if err != nil || len(none) != 0 {
		t.Errorf("missing folder: %v, %v; want none and no error", none, err)
	}
}
