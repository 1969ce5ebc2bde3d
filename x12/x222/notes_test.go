package x222

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// mutate returns the sample with the first occurrence of each old segment
// replaced by its new text (a segment is matched with its terminator).
func mutate(t *testing.T, name string, pairs ...string) []byte {
	t.Helper()
	src, err := os.ReadFile(samples + name)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(pairs); i += 2 {
		old := []byte(pairs[i] + "~")
		if !bytes.Contains(src, old) {
			t.Fatalf("%s has no segment %q", name, pairs[i])
		}
		src = bytes.Replace(src, old, []byte(pairs[i+1]+"~"), 1)
	}
	return src
}

type noteFinding struct {
	segment, element, code, value string
}

// elementFindings are the element-level findings of a report.
func elementFindings(rep *Report) []noteFinding {
	var out []noteFinding
	for _, f := range rep.Findings {
		if f.Level == LevelElement {
			out = append(out, noteFinding{f.SegmentID, f.Element, f.Code, f.Value})
		}
	}
	return out
}

// TestSyntaxNotes breaks one X12 syntax note of each kind in a sample that
// is otherwise free of element findings, and expects exactly the element
// finding a front end would put in IK4.
func TestSyntaxNotes(t *testing.T) {
	const good = "synthetic__home-infusion-good.x12"
	const cob = "stupidedi__medicare-secondary-payer-COB.edi"
	cases := []struct {
		rule   string
		sample string
		pairs  []string
		want   []noteFinding
	}{
		{"P0809 NM108 without NM109 (2310B)", good,
			[]string{"NM1*82*1*NURSE*NANCY****XX*1987654328", "NM1*82*1*NURSE*NANCY****XX"},
			[]noteFinding{{"NM1", "NM109", "2", ""}}},
		{"P0506 PER05 without PER06 (1000A)", good,
			[]string{"PER*IC*BILLING OFFICE*TE*5555551234*EM*BILLING@EXAMPLE.COM", "PER*IC*BILLING OFFICE*TE*5555551234*EM"},
			[]noteFinding{{"PER", "PER06", "2", ""}}},
		{"P0102 not repeated when the guide requires the element (DMG01)", good,
			[]string{"DMG*D8*19600101*F", "DMG**19600101*F"},
			[]noteFinding{{"DMG", "DMG01", "1", ""}}},
		{"R02030405 FRM with no answer", good,
			[]string{"SE*42*0001", "LQ*UT*01.02~FRM*1~SE*44*0001"},
			[]noteFinding{{"FRM", "FRM02", "2", ""}}},
		{"E0207 N402 and N407 both present", good,
			[]string{"N4*SPRINGFIELD*IL*627010000", "N4*SPRINGFIELD*IL*627010000*US***IL"},
			[]noteFinding{{"N4", "N407", "10", "IL"}}},
		{"C0704 N407 without N404", good,
			[]string{"N4*SPRINGFIELD*IL*627010000", "N4*SPRINGFIELD**627010000****ON"},
			[]noteFinding{{"N4", "N404", "2", ""}}},
		{"C0605 CAS06 without CAS05", cob,
			[]string{"CAS*CO*42*25", "CAS*CO*42*25***10"},
			[]noteFinding{{"CAS", "CAS05", "2", ""}}},
		{"L050607 CAS05 without CAS06 or CAS07", cob,
			[]string{"CAS*CO*42*25", "CAS*CO*42*25**45"},
			[]noteFinding{{"CAS", "CAS06", "2", ""}}},
		{"L050607 met by CAS07 alone, C0705 by CAS05", cob,
			[]string{"CAS*CO*42*25", "CAS*CO*42*25**45**1"},
			nil},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			rep, err := Validate(bytes.NewReader(mutate(t, c.sample, c.pairs...)), testOptions())
			if err != nil {
				t.Fatal(err)
			}
			got := elementFindings(rep)
			if len(got) != len(c.want) {
				t.Fatalf("got element findings %v, want %v\n%s", got, c.want, findingLines(rep))
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("finding %d: got %v, want %v", i, got[i], c.want[i])
				}
			}
			if len(c.want) > 0 && accepted(rep) {
				t.Error("the transaction set is accepted despite a broken syntax note")
			}
		})
	}
}

// TestNotesLeftOutWhereTheGuideDecides: a note naming an element the guide
// does not use at a place, or a one-of note the guide's required element
// already meets, is not checked there; the others are, in the standard's
// order.
func TestNotesLeftOutWhereTheGuideDecides(t *testing.T) {
	for _, c := range []struct {
		loop, seg string
		want      string
	}{
		{"2010BA", "NM1", "P0809"},      // C1110, C1203: NM110-NM112 not used
		{"2010AA", "N4", "E0207 C0704"}, // C0605: N405/N406 not used
		{"2010AA", "REF", ""},           // R0203: REF02 required, REF03 not used
		{"2440", "FRM", "R02030405"},
		{"2410", "CTP", "P0405"},
		{"2430", "CAS", "L050607 C0605 C0705 L080910 C0908 C1008 L111213 C1211 C1311 L141516 C1514 C1614 L171819 C1817 C1917"},
	} {
		l := X222A1().Loops[c.loop]
		var sd *SegmentDef
		for _, ch := range l.Children {
			if ch.Segment != nil && ch.Segment.ID == c.seg {
				sd = ch.Segment
				break
			}
		}
		if sd == nil {
			t.Fatalf("no %s in loop %s", c.seg, c.loop)
		}
		var got []string
		for _, n := range sd.CheckedNotes() {
			got = append(got, n.String())
		}
		if g := strings.Join(got, " "); g != c.want {
			t.Errorf("%s in %s: checks %q, want %q", c.seg, c.loop, g, c.want)
		}
	}
}
