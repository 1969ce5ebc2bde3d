package scrub

import (
	"bytes"
	"io"
	"os"
	"testing"

	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/x12/x837p"
)

// Whatever an 837P holds (reversed or far-apart dates, odd units, codes
// the set does not know), every claim the reader makes of it is scrubbed
// without a panic, each finding on a line of the claim.
func FuzzScrub837P(f *testing.F) {
	for _, name := range []string{"../cmd/perdiem/testdata/scrub/defects.x12", "../testdata/x12/837p/synthetic__home-infusion-good.x12"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	cs := codeset.Default()
	f.Fuzz(func(t *testing.T, data []byte) {
		d := x837p.NewDecoder(bytes.NewReader(data))
		b := NewBatch(Options{})
		var c claim.Claim
		for {
			x, err := d.Next()
			if err == io.EOF || err != nil {
				return
			}
			x.CodedInto(&c, cs)
			fs, err := b.Check(&c, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range fs {
				if f.Line < 0 || f.Line > len(c.Lines) || f.Edit == "" || f.Message == "" {
					t.Fatalf("finding %+v on a claim of %d lines", f, len(c.Lines))
				}
			}
		}
	})
}
