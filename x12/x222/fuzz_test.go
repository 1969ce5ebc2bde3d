package x222

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/x12"
)

func seedSamples(f *testing.F) {
	for _, name := range []string{
		"synthetic__home-infusion-good.x12", "synthetic__home-infusion-broken.x12",
		"synthetic__home-infusion-semantic-errors.x12", "stupidedi__oxygen.edi",
		"stupidedi__COB-claim-from-billing-provider-to-payer-b.edi", "moov__example_5010_837p.x12",
	} {
		b, err := os.ReadFile(samples + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

func FuzzValidate(f *testing.F) {
	seedSamples(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := Validate(bytes.NewReader(data), Options{MaxFindings: 100, Codes: codeset.Default(), Today: testToday})
		if err != nil {
			return
		}
		if len(rep.Findings) > 100 {
			t.Fatalf("%d findings kept, limit 100", len(rep.Findings))
		}
		for _, fd := range rep.Findings {
			if fd.Segment < 1 || fd.Segment > rep.Segments+1 {
				t.Fatalf("finding at segment %d of %d: %v", fd.Segment, rep.Segments, fd)
			}
		}
	})
}

func FuzzParse(f *testing.F) {
	seedSamples(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		tree, err := Parse(bytes.NewReader(data))
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := tree.Write(&out); err != nil {
			return // e.g. an element holding a delimiter the reader split differently
		}
		if _, err := Parse(&out); err != nil {
			t.Fatalf("written tree does not parse: %v\n%q", err, out.String())
		}
	})
}

const header = "ISA*00*          *00*          *ZZ*HITSUBMIT      *ZZ*PAYERRCVR      *260115*1200*^*00501*000000101*0*T*:~" +
	"GS*HC*HITSUBMIT*PAYERRCVR*20260115*1200*101*X*005010X222A1~ST*837*0001*005010X222A1~"

// TestDeepHLNesting: 10,000 subscriber HLs each naming the previous one as parent cannot
// nest deeper than the guide's three levels; the validator reports them
// and keeps at most MaxFindings of the findings.
func TestDeepHLNesting(t *testing.T) {
	var b strings.Builder
	b.WriteString(header)
	b.WriteString("BHT*0019*00*1*20260115*1200*CH~NM1*41*2*A*****46*XX~PER*IC*B*TE*5555551234~NM1*40*2*P*****46*YY~")
	b.WriteString("HL*1**20*1~NM1*85*2*A*****XX*1234567893~N3*1 MAIN ST~N4*XY*IL*627010000~REF*EI*361234567~")
	for i := 2; i <= 10001; i++ {
		fmt.Fprintf(&b, "HL*%d*%d*22*1~SBR*P*18*******CI~NM1*IL*1*DOE****MI*M1~NM1*PR*2*P*****PI*P1~", i, i-1)
	}
	b.WriteString("SE*40010*0001~GE*1*101~IEA*1*000000101~")
	rep, err := Validate(strings.NewReader(b.String()), Options{MaxFindings: 50})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Truncated || len(rep.Findings) != 50 {
		t.Errorf("findings: %d kept, truncated %v; want 50 and truncated", len(rep.Findings), rep.Truncated)
	}
	var hl02 bool
	for _, f := range rep.Findings {
		hl02 = hl02 || f.Element == "HL02"
	}
	if !hl02 {
		t.Errorf("no HL02 parent finding:\n%s", findingLines(rep))
	}
}

// repeatReader yields b n times without holding more than b.
type repeatReader struct {
	b    []byte
	n    int
	left []byte
}

func (r *repeatReader) Read(p []byte) (int, error) {
	for len(r.left) == 0 {
		if r.n == 0 {
			return 0, io.EOF
		}
		r.n--
		r.left = r.b
	}
	k := copy(p, r.left)
	r.left = r.left[k:]
	return k, nil
}

// TestHugeSegment: a 50 MB segment is a syntax finding, read in bounded memory.
func TestHugeSegment(t *testing.T) {
	in := io.MultiReader(strings.NewReader(header+"BHT*0019*00*"),
		&repeatReader{b: bytes.Repeat([]byte("A"), 1<<20), n: 50}, strings.NewReader("~SE*3*0001~"))
	rep, err := Validate(in, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) == 0 {
		t.Fatal("no findings")
	}
	f := rep.Findings[0]
	if f.Level != LevelSyntax || f.Segment != 4 || !strings.Contains(f.Message, x12.ErrSegmentTooLong.Error()) {
		t.Errorf("first finding %v, want a syntax finding at segment 4 saying %q", f, x12.ErrSegmentTooLong)
	}
	if s := rep.Groups[0].Sets[0]; s.Accepted {
		t.Error("set accepted despite the syntax error")
	}
}
