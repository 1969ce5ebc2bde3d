package guide

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
)

// fineReport is reportJSON with Machine.fine, or without it.
func fineReport(t *testing.T, g *Guide, in []byte, workers, maxFindings int, memo bool) string {
	t.Helper()
	rep, err := Validate(g, bytes.NewReader(in), nil, Options{Workers: workers, MaxFindings: maxFindings, noFineMemo: !memo})
	if err != nil {
		return "error: " + err.Error()
	}
	b, err := json.MarshalIndent(rep, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestFineSegmentsKeepTheReport checks that skipping the element checks of
// a segment with the text and delimiters of one found fine before at the
// same definition gives the report of checking every segment: for the
// samples and their variants, for inputs where such a segment comes again
// at another definition, under other delimiters, or with a finding each
// time, and for samples with bytes changed at random.
func TestFineSegmentsKeepTheReport(t *testing.T) {
	g := x222Guide(t)
	in := inputs(t)
	good, err := os.ReadFile("../../testdata/x12/837p/synthetic__home-infusion-good.x12")
	if err != nil {
		t.Fatal(err)
	}
	// fine in the billing provider's loop (2010AA), a qualifier the
	// subscriber's (2010BA) does not have
	in["REF*EI again in 2010BA"] = bytes.Replace(good, []byte("DMG*D8*19600101*F~"), []byte("DMG*D8*19600101*F~REF*EI*361234567~"), 1)
	// the second interchange's component separator is '>': SV101 "HC:S9500"
	// is then one bad component
	second := bytes.Clone(good)
	second[bytes.IndexByte(second, '~')-1] = '>'
	in["again with another component separator"] = append(bytes.Clone(good), second...)
	in["the same bad date on every line"] = bytes.ReplaceAll(good, []byte("RD8*20260101-20260107"), []byte("RD8*20260101-20261307"))
	names := slices.Sorted(maps.Keys(in))
	rng := rand.New(rand.NewPCG(1, 2))
	special := []byte("*:^~>|\n 0A")
	for i := range 200 {
		b := bytes.Clone(in[names[rng.IntN(len(names))]])
		if len(b) == 0 {
			continue
		}
		for range 1 + rng.IntN(4) {
			k := rng.IntN(len(b))
			if rng.IntN(2) == 0 {
				b[k] = special[rng.IntN(len(special))]
			} else {
				b[k] = byte(rng.IntN(256))
			}
		}
		in[fmt.Sprintf("variant %d", i)] = b
	}
	for name, b := range in {
		for _, c := range []struct{ workers, max int }{{1, 0}, {2, 0}, {1, 3}} {
			want := fineReport(t, g, b, c.workers, c.max, false)
			if got := fineReport(t, g, b, c.workers, c.max, true); got != want {
				t.Errorf("%s: %d workers, at most %d findings: the report differs from checking every segment's elements:\n%s", name, c.workers, c.max, diff(want, got))
			}
		}
	}
}
