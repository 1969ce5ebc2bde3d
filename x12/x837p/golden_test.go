package x837p

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/x12"
)

// loadClaim reads testdata/home-infusion.claim.json: the claim of
// testdata/home-infusion.json (its header as coding.Claim makes it, which
// a coding test checks) with the lines of the validated sample file and
// their charges, so that these tests do not depend on the engine.
func loadClaim(t testing.TB) *claim.Claim {
	t.Helper()
	data, err := os.ReadFile("testdata/home-infusion.claim.json")
	if err != nil {
		t.Fatal(err)
	}
	var c claim.Claim
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	return &c
}

// testOptions give Build the embedded code set.
var testOptions = Options{Codes: codeset.Default()}

// skeletonControl is the envelope of the validated sample file.
var skeletonControl = Control{Number: 101, Time: time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC), Usage: "T"}

// segs tokenizes an interchange into segments of elements (ID first).
func segs(t testing.TB, data []byte) [][]string {
	t.Helper()
	r := x12.NewReader(bytes.NewReader(data))
	var out [][]string
	for {
		s, err := r.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		el := make([]string, s.Len()+1)
		for i := range el {
			el[i] = s.Element(i)
		}
		out = append(out, el)
	}
}

// TestGoldenSkeleton writes the claim of testdata/home-infusion.json and
// compares it with the validated sample segment by segment. The known
// differences are:
//   - REF*6R: we always send a line item control number (§5), the sample
//     does not.
//   - REF*XZ (pharmacy Rx number on the J0696 line): the document has no
//     field for it.
//   - SE01 follows from those two: 42 - 1 + 4 = 45.
//   - BHT03: ours is derived from the control numbers (ISA13 + ST02).
//   - SV104 of the NOC line J3490: the engine bills a NOC drug as 1 unit per
//     NDC line (DR-3), with the quantity in CTP04; the sample says 7. The
//     document's per-unit charge for J3490 is 70.00, so SV102 agrees.
//   - Line order: the engine sorts lines of the same day per diem, nursing,
//     drugs (input-format.md), the sample puts nursing last; so the 2400
//     loops are matched by procedure code and LX01 follows our order.
func TestGoldenSkeleton(t *testing.T) {
	c, err := Build(loadClaim(t), testOptions)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, []*Claim{c}, skeletonControl); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../../testdata/x12/837p/synthetic__home-infusion-good.x12")
	if err != nil {
		t.Fatal(err)
	}
	var controls []string
	got := filter(segs(t, buf.Bytes()), func(s []string) bool {
		if s[0] == "REF" && s[1] == "6R" {
			controls = append(controls, s[2])
			return false
		}
		return true
	})
	if w := "HIT20260101A-1 HIT20260101A-2 HIT20260101A-3 HIT20260101A-4"; strings.Join(controls, " ") != w {
		t.Errorf("REF*6R line control numbers = %v, want %s", controls, w)
	}
	exp := filter(segs(t, want), func(s []string) bool { return !(s[0] == "REF" && s[1] == "XZ") })

	gh, gl, gt := splitLines(got)
	eh, el, et := splitLines(exp)
	mask := func(s []string, i int) []string {
		s = append([]string(nil), s...)
		s[i] = "…"
		return s
	}
	for i := range gh {
		if gh[i][0] == "BHT" {
			gh[i] = mask(gh[i], 3)
		}
	}
	for i := range eh {
		if eh[i][0] == "BHT" {
			eh[i] = mask(eh[i], 3)
		}
	}
	compare(t, "header", gh, eh)
	if len(gl) != len(el) {
		t.Fatalf("%d lines, want %d", len(gl), len(el))
	}
	sv1 := el["J3490"][1]
	if sv1[0] != "SV1" || sv1[4] != "7" {
		t.Fatalf("sample J3490 line %v: want SV104 7", sv1)
	}
	if g := gl["J3490"][1]; g[4] != "1" {
		t.Errorf("J3490 SV104 %s, want 1 (DR-3)", g[4])
	}
	el["J3490"][1] = append(append([]string(nil), sv1[:4]...), append([]string{"1"}, sv1[5:]...)...)
	for code, block := range el {
		compare(t, "line "+code, gl[code], block)
	}
	if gt[0][0] != "SE" || gt[0][1] != "45" {
		t.Errorf("SE = %v, want SE01 45", gt[0])
	}
	compare(t, "trailer", gt[1:], et[1:])
}

func filter(s [][]string, keep func([]string) bool) [][]string {
	var out [][]string
	for _, x := range s {
		if keep(x) {
			out = append(out, x)
		}
	}
	return out
}

// splitLines cuts an interchange into the segments before the first LX,
// the 2400 blocks keyed by procedure code (LX01 masked), and SE onwards.
func splitLines(s [][]string) (head [][]string, lines map[string][][]string, tail [][]string) {
	lines = map[string][][]string{}
	code := ""
	for _, x := range s {
		switch {
		case x[0] == "SE" || tail != nil:
			tail = append(tail, x)
		case x[0] == "LX":
			code = "?"
			lines[code] = [][]string{{"LX", "…"}}
		case code == "":
			head = append(head, x)
		default:
			if x[0] == "SV1" {
				c := strings.Split(x[1], ":")[1]
				lines[c], code = lines[code], c
				delete(lines, "?")
			}
			lines[code] = append(lines[code], x)
		}
	}
	return head, lines, tail
}

func compare(t *testing.T, what string, got, want [][]string) {
	t.Helper()
	n := max(len(got), len(want))
	for i := range n {
		var g, w string
		if i < len(got) {
			g = strings.Join(got[i], "*")
		}
		if i < len(want) {
			w = strings.Join(want[i], "*")
		}
		if g != w {
			t.Errorf("%s, segment %d:\n got %s\nwant %s", what, i+1, g, w)
		}
	}
}
