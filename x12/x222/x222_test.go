package x222

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/x12"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the validator's output")

const samples = "../../testdata/x12/837p/"

func sampleFiles(t testing.TB) []string {
	t.Helper()
	var out []string
	for _, pat := range []string{"*.x12", "*.edi"} {
		m, err := filepath.Glob(samples + pat)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m...)
	}
	if len(out) != 22 {
		t.Fatalf("found %d 837P samples, want 22", len(out))
	}
	return out
}

func validateFile(t testing.TB, path string) *Report {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := Validate(f, testOptions())
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rep
}

// accepted reports whether every transaction set would be accepted in a 999.
func accepted(rep *Report) bool {
	for _, g := range rep.Groups {
		for _, s := range g.Sets {
			if !s.Accepted {
				return false
			}
		}
	}
	return len(rep.Groups) > 0
}

// TestSampleVerdicts pins the 999 verdict of every sample to the one in
// testdata/x12/README.md: the x12.org examples are accepted except the two
// DME ones with PWK02=AD, the imsweb files are rejected, the synthetic files
// behave as planted.
func TestSampleVerdicts(t *testing.T) {
	want := map[string]bool{ // accepted in a 999
		"stupidedi__oxygen.edi":                        false,
		"stupidedi__wheelchair.edi":                    false,
		"imsweb__x12_complex.x12":                      false,
		"imsweb__x12_many_claims.x12":                  false,
		"synthetic__home-infusion-broken.x12":          false,
		"synthetic__home-infusion-semantic-errors.x12": false, // HL04=1 without a child; the rest are business (277CA) findings
	}
	for _, path := range sampleFiles(t) {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			rep := validateFile(t, path)
			w, ok := want[name]
			if !ok {
				w = true // x12.org examples, moov, the good synthetic file
			}
			if got := accepted(rep); got != w {
				t.Errorf("accepted = %v, want %v; findings:\n%s", got, w, findingLines(rep))
			}
		})
	}
}

func TestGoodSampleHasNoFindings(t *testing.T) {
	rep := validateFile(t, samples+"synthetic__home-infusion-good.x12")
	if !rep.Valid() || len(rep.Findings) != 0 {
		t.Errorf("want no findings, got:\n%s", findingLines(rep))
	}
}

type defect struct {
	segment int
	element string
	level   string
	code    string
}

// TestPlantedDefects finds each defect planted in the synthetic samples
// (see testdata/x12/README.md), and nothing else.
func TestPlantedDefects(t *testing.T) {
	cases := map[string][]defect{
		"synthetic__home-infusion-broken.x12": {
			{20, "", LevelStructure, "3"},      // no 2010BB payer: noticed at CLM
			{28, "DTP03", LevelElement, "8"},   // RD8 20260101-2026010
			{32, "LIN03", LevelBusiness, ""},   // 10-digit NDC 0004196501
			{33, "CTP05-1", LevelElement, "7"}, // unit XX
			{41, "SV105", LevelElement, "7"},   // POS 1Z
			{41, "SV107-1", LevelBusiness, ""}, // pointer 5 with 2 codes
			{43, "SE01", LevelEnvelope, "4"},   // SE01 off by 3
		},
		"synthetic__home-infusion-semantic-errors.x12": {
			{11, "N301", LevelBusiness, ""},   // PO BOX in 2010AA
			{12, "N403", LevelBusiness, ""},   // 5-digit ZIP
			{14, "HL04", LevelElement, "I12"}, // HL04=1, no child
			{21, "CLM02", LevelBusiness, ""},  // 9999 vs 2470
			{24, "HI01-2", LevelBusiness, ""}, // ZZZ999
			{25, "NM109", LevelBusiness, ""},  // rendering NPI fails Luhn
			{43, "DTP03", LevelBusiness, ""},  // reversed RD8
		},
	}
	for name, want := range cases {
		t.Run(name, func(t *testing.T) {
			rep := validateFile(t, samples+name)
			var got []defect
			for _, f := range rep.Findings {
				got = append(got, defect{f.Segment, f.Element, f.Level, f.Code})
			}
			for _, w := range want {
				if !containsDefect(got, w) {
					t.Errorf("defect not found: %+v", w)
				}
			}
			if len(got) != len(want) {
				t.Errorf("%d findings, want %d:\n%s", len(got), len(want), findingLines(rep))
			}
		})
	}
}

func containsDefect(list []defect, d defect) bool {
	for _, x := range list {
		if x == d {
			return true
		}
	}
	return false
}

func findingLines(rep *Report) string {
	var b strings.Builder
	for _, f := range rep.Findings {
		fmt.Fprintf(&b, "%s [%s]\n", f, f.Code)
	}
	return b.String()
}

// TestGolden keeps every sample's full findings in testdata/golden, so a
// change in the guide data or the rules shows up as a diff.
func TestGolden(t *testing.T) {
	for _, path := range sampleFiles(t) {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			rep := validateFile(t, path)
			got := fmt.Sprintf("accepted %v\n%s", accepted(rep), goldenLines(rep))
			golden := filepath.Join("testdata", "golden", name+".txt")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("findings differ from %s (run with -update after checking):\n got:\n%s\nwant:\n%s", golden, got, want)
			}
		})
	}
}

// goldenLines is findingLines, cut after 200 findings and followed by
// counts per level and code, so the large sample's golden file stays small.
func goldenLines(rep *Report) string {
	const keep = 200
	if len(rep.Findings) <= keep {
		return findingLines(rep)
	}
	short := *rep
	short.Findings = rep.Findings[:keep]
	counts := map[string]int{}
	for _, f := range rep.Findings {
		counts[f.Level+" "+f.Code]++
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(findingLines(&short))
	fmt.Fprintf(&b, "... %d findings in all\n", len(rep.Findings))
	for _, k := range keys {
		fmt.Fprintf(&b, "%s: %d\n", k, counts[k])
	}
	return b.String()
}

// TestRoundTrip: every sample read into the loop tree and written back has
// the same segments.
func TestRoundTrip(t *testing.T) {
	for _, path := range sampleFiles(t) {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			in, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			tree, err := Parse(bytes.NewReader(in))
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := tree.Write(&out); err != nil {
				t.Fatal(err)
			}
			a, b := segmentsOf(t, in), segmentsOf(t, out.Bytes())
			if len(a) != len(b) {
				t.Fatalf("%d segments in, %d out", len(a), len(b))
			}
			for i := range a {
				if a[i] != b[i] {
					t.Fatalf("segment %d: in %q, out %q", i+1, a[i], b[i])
				}
			}
		})
	}
}

// segmentsOf lists the segments with trailing empty elements dropped (the
// writer drops them, as X12 asks).
func segmentsOf(t *testing.T, data []byte) []string {
	r := x12.NewReader(bytes.NewReader(data))
	var out []string
	for {
		s, err := r.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		els := make([]string, 0, s.Len()+1)
		els = append(els, s.ID())
		for i := 1; i <= s.Len(); i++ {
			els = append(els, s.Element(i))
		}
		for len(els) > 1 && els[len(els)-1] == "" {
			els = els[:len(els)-1]
		}
		out = append(out, strings.Join(els, "|"))
	}
}

func TestParseTreeLoops(t *testing.T) {
	f, err := os.Open(samples + "synthetic__home-infusion-good.x12")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tree, err := Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	var walk func(l *Loop)
	walk = func(l *Loop) {
		ids = append(ids, l.ID)
		for _, c := range l.Loops {
			walk(c)
		}
	}
	walk(tree.Groups[0].Sets[0].Root)
	got := strings.Join(ids, " ")
	want := "ST 1000A 1000B 2000A 2010AA 2000B 2010BA 2010BB 2300 2310B 2400 2400 2410 2400 2410 2400"
	if got != want {
		t.Errorf("loops:\n got %s\nwant %s", got, want)
	}
}

func TestNotX12IsAnError(t *testing.T) {
	for _, in := range []string{"", "hello world", "{\"json\": true}"} {
		_, err := Validate(strings.NewReader(in), testOptions())
		if !errors.Is(err, ErrNotX12) {
			t.Errorf("%q: err = %v, want ErrNotX12", in, err)
		}
	}
}

// testToday is the day the tests pretend to run on, so that the future-date
// check gives the same answer every day.
var testToday = civil.FromYMD(2026, 12, 1)

// testOptions are the options the command passes: the embedded code set.
func testOptions() Options { return Options{Codes: codeset.Default(), Today: testToday} }
