package codeset_test

import (
	"bytes"
	"os"
	"reflect"
	"testing"

	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/codeset/internal/build"
)

// TestTableFresh fails when data/codes.tsv no longer matches what the
// generator makes from the CMS release and the curated CSVs: run
// `go generate ./codeset`.
func TestTableFresh(t *testing.T) {
	want, rep, err := build.Generate(build.CMSReleases, build.Curated)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(build.Output)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is stale (%d bytes; the generator makes %d): run go generate ./codeset", build.Output, len(got), len(want))
	}
	if len(got) > 1<<20 {
		t.Errorf("%s is %d bytes; keep the embedded table under 1 MB", build.Output, len(got))
	}
	if rep.Drugs < 1500 || rep.DrugsWithDose*100 < rep.Drugs*80 {
		t.Errorf("%d of %d drug and nutrient codes in force have a dose; want at least 80%%", rep.DrugsWithDose, rep.Drugs)
	}
}

// TestDefaultRoundTrip checks that the embedded table loads back to exactly
// the rows the generator merged; Bundled and NOC come from the rules.
func TestDefaultRoundTrip(t *testing.T) {
	cms, _, err := build.Releases(build.CMSReleases)
	if err != nil {
		t.Fatal(err)
	}
	var curated []codeset.Code
	for _, p := range build.Curated {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := build.ReadCurated(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		curated = append(curated, rows...)
	}
	merged := build.Merge(cms, curated)
	s := codeset.Default()
	if s.Len() != len(merged) {
		t.Errorf("default set has %d codes; the generator merged %d", s.Len(), len(merged))
	}
	for _, want := range merged {
		got, ok := s.Lookup(want.Code)
		if !ok {
			t.Errorf("%s missing", want.Code)
			continue
		}
		g := *got
		g.Bundled, g.NOC = false, false
		if !reflect.DeepEqual(g, want) {
			t.Errorf("%s loads as %+v; want %+v", want.Code, g, want)
		}
	}
}
