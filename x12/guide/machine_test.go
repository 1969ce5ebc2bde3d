package guide

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/x12"
)

// x222Guide is the 837P guide, the largest there is, to walk real
// structures with.
func x222Guide(t testing.TB) *Guide {
	t.Helper()
	b, err := os.ReadFile("../x222/guide.txt")
	if err != nil {
		t.Fatal(err)
	}
	g, err := Parse(string(b))
	if err != nil {
		t.Fatal(err)
	}
	return g
}

const header = "ISA*00*          *00*          *ZZ*HITSUBMIT      *ZZ*PAYERRCVR      *260115*1200*^*00501*000000101*0*T*:~" +
	"GS*HC*HITSUBMIT*PAYERRCVR*20260115*1200*101*X*005010X222A1~ST*837*0001*005010X222A1~"

// TestNoteParsing rejects notes the standard's notation cannot mean.
func TestNoteParsing(t *testing.T) {
	const seg = "seg NM1 RSS 98/ID/2/3 1065/ID/1/1 1035/AN/1/60\n"
	for _, c := range []struct{ line, want string }{
		{"notes NM1 P0203", ""},
		{"notes NM1 X0203", "want P, R, E, C or L"},
		{"notes NM1 P02", "want P, R, E, C or L"},
		{"notes NM1 P020", "want P, R, E, C or L"},
		{"notes NM1 P0204", "no element 04"},
		{"notes NM1 C0200", "no element 00"},
		{"notes NM1 E0202", "element 2 twice"},
		{"notes N4 P0102", "seg line before it"},
		{"notes NM1", "at least one note"},
	} {
		_, err := Parse("transaction 837 HC 005010X222A1 X222A1\n" + seg + c.line + "\nloop ST R 1\n  NM1 R 1\n")
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%q: %v", c.line, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%q: got error %v, want one saying %q", c.line, err, c.want)
		}
	}
}

// TestDeepHLNesting: 10,000 subscriber HLs each naming the previous one as
// parent: the loop stack stays as deep as the guide, not the input.
func TestDeepHLNesting(t *testing.T) {
	var b strings.Builder
	b.WriteString(header)
	b.WriteString("BHT*0019*00*1*20260115*1200*CH~NM1*41*2*A*****46*XX~PER*IC*B*TE*5555551234~NM1*40*2*P*****46*YY~")
	b.WriteString("HL*1**20*1~NM1*85*2*A*****XX*1234567893~N3*1 MAIN ST~N4*XY*IL*627010000~REF*EI*361234567~")
	for i := 2; i <= 10001; i++ {
		fmt.Fprintf(&b, "HL*%d*%d*22*1~SBR*P*18*******CI~NM1*IL*1*DOE****MI*M1~NM1*PR*2*P*****PI*P1~", i, i-1)
	}
	b.WriteString("SE*40010*0001~GE*1*101~IEA*1*000000101~")
	m := newMachine(x222Guide(t), Options{MaxFindings: 50}, false)
	if err := m.run(x12.NewReader(strings.NewReader(b.String()))); err != nil {
		t.Fatal(err)
	}
	if cap(m.stack) > 16 {
		t.Errorf("loop stack grew to %d frames", cap(m.stack))
	}
}
