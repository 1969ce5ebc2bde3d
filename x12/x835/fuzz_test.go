package x835

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/x12"
)

// FuzzRead checks that Read never panics, fails only with a positioned
// syntax error, and positions every finding.
func FuzzRead(f *testing.F) {
	for _, file := range samples(f) {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(minimal("LX*1", "CLP*A*1*10*5**12*X", "CAS*CO*45*5", "SVC*HC:S9500:SH*10*5", "PLB*1*20261231*WO:1*1")))
	f.Fuzz(func(t *testing.T, data []byte) {
		rems, outside, err := Read(bytes.NewReader(data))
		if err != nil {
			var se *x12.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %v has no position", err)
			}
		}
		all := outside
		for _, r := range rems {
			if r.Claims == nil {
				t.Fatal("remittance without a claims list")
			}
			all = append(all, r.Findings...)
		}
		for _, e := range all {
			if e.Pos.Segment < 1 || e.Pos.Line < 1 || e.Pos.Offset < 0 || e.Err == nil {
				t.Fatalf("finding %v is not positioned", e)
			}
		}
	})
}

// threeRemits is an interchange of three 835s; the middle one is where the
// partial-reading fuzz target plants its damage.
func threeRemits(middle []string) string {
	set := func(ctl string, body []string) string {
		segs := append([]string{
			"ST*835*" + ctl,
			"BPR*I*1050*C*CHK************20260301",
			"TRN*1*CHK" + ctl + "*1512345678",
			"N1*PR*EXAMPLE HEALTH PLAN",
			"N1*PE*ACME HOME INFUSION*XX*1234567893",
		}, body...)
		segs = append(segs, fmt.Sprintf("SE*%d*%s", len(segs)+1, ctl))
		return strings.Join(segs, "~") + "~"
	}
	good := []string{"LX*1", "CLP*A1*1*1500*1100*100*12*ICN1", "NM1*QC*1*DOE*JANE****MI*M1",
		"SVC*HC:S9500:SH*1500*1100**7", "DTM*472*20260101", "CAS*CO*45*300", "CAS*PR*1*100", "PLB*1234567893*20261231*WO:OLD1*50"}
	return isa + "GS*HP*PAYER*HITSUBMIT*20260301*1200*7*X*005010X221A1~" +
		set("0001", good) + set("0002", middle) + set("0003", good) + "GE*3*7~IEA*1*000000777~"
}

// FuzzPartial damages one segment of the middle remittance of three with
// any text but delimiters, its ID included (an unreadable one is skipped):
// the reader must not panic and must return all three, the first and last
// exactly as when nothing is damaged.
func FuzzPartial(f *testing.F) {
	f.Add(uint8(1), uint8(3), []byte("12X"))
	f.Add(uint8(2), uint8(0), []byte("ZZZ"))
	f.Add(uint8(7), uint8(1), []byte(""))
	f.Add(uint8(4), uint8(9), []byte("20261399"))
	f.Add(uint8(0), uint8(2), []byte("-"))
	body := []string{"LX*1", "CLP*A1*1*1500*1100*100*12*ICN1", "NM1*QC*1*DOE*JANE****MI*M1",
		"SVC*HC:S9500:SH*1500*1100**7", "DTM*472*20260101", "CAS*CO*45*300", "CAS*PR*1*100", "PLB*1234567893*20261231*WO:OLD1*50"}
	want, outside, err := Read(strings.NewReader(threeRemits(body)))
	if err != nil || len(want) != 3 || len(outside) > 0 {
		f.Fatalf("undamaged: %d remittances, %v, %v", len(want), outside, err)
	}
	for _, r := range want {
		if len(r.Findings) > 0 {
			f.Fatalf("undamaged remittance %s has findings %v", r.ControlNumber, r.Findings)
		}
	}
	wantJSON := func(i int) string { b, _ := json.Marshal(want[i]); return string(b) }
	f.Fuzz(func(t *testing.T, seg, elem uint8, garbage []byte) {
		garbage = bytes.Map(func(r rune) rune {
			if r == '~' || r == '*' || r == ':' || r == '^' || r < 0x20 || r > 0x7e {
				return -1
			}
			return r
		}, garbage)
		damaged := append([]string(nil), body...)
		i := int(seg) % len(damaged)
		els := strings.Split(damaged[i], "*")
		k := int(elem) % (len(els) + 1)
		if k == len(els) {
			els = append(els, string(garbage))
		} else {
			els[k] = string(garbage)
		}
		if k == 0 && !segmentID(els[0]) {
			els[0] = "ZZ"
		}
		damaged[i] = strings.Join(els, "*")
		got, _, err := Read(strings.NewReader(threeRemits(damaged)))
		if err != nil {
			t.Fatalf("damage %q stops the reading: %v", damaged[i], err)
		}
		if len(got) != 3 {
			t.Fatalf("damage %q: %d remittances, want 3", damaged[i], len(got))
		}
		for _, j := range []int{0, 2} {
			if b, _ := json.Marshal(got[j]); string(b) != wantJSON(j) {
				t.Fatalf("damage %q in the middle remittance changed remittance %d:\n%s", damaged[i], j+1, b)
			}
		}
	})
}

// segmentID reports whether id may stand as the damaged segment's ID: any
// text (an unreadable ID is skipped with a finding) except the envelope
// segments, whose damage changes what the later remittances say, and an
// ISA, which the tokenizer reads as a new interchange.
func segmentID(id string) bool {
	switch id {
	case "IEA", "GS", "GE":
		return false
	}
	return !strings.HasPrefix(strings.TrimLeft(id, " \t"), "ISA")
}
