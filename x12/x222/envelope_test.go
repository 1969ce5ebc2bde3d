package x222_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/x12/ta1"
	"github.com/perdiem/perdiem/x12/x222"
	"github.com/perdiem/perdiem/x12/x999"
)

// TestInterchangeErrorsTA1: the interchange envelope errors a
// clearinghouse answers with a TA1 reject it, with their TA105 notes.
func TestInterchangeErrorsTA1(t *testing.T) {
	good := string(replaced(t))
	cases := []struct {
		name  string
		input string
		notes []string // per interchange
	}{
		{"valid", good, []string{""}},
		{"IEA02 is not ISA13", strings.Replace(good, "IEA*1*000000101", "IEA*1*000000102", 1), []string{"001"}},
		{"IEA01 miscounts the groups", strings.Replace(good, "IEA*1*000000101", "IEA*2*000000101", 1), []string{"021"}},
		{"both", strings.Replace(good, "IEA*1*000000101", "IEA*3*000000109", 1), []string{"021 001"}},
		{"bad ISA15", strings.Replace(good, "*0*T*:~", "*0*X*:~", 1), []string{"020"}},
		{"bad ISA09 date", strings.Replace(good, "*260115*1200*", "*261315*1200*", 1), []string{"014"}},
		{"no IEA", good[:strings.Index(good, "IEA*")], []string{"023"}},
		{"ISA13 repeated", good + good, []string{"", "025"}},
		{"two interchanges", good + strings.ReplaceAll(good, "000000101", "000000102"), []string{"", ""}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep, err := x222.Validate(strings.NewReader(c.input), x222.Options{Codes: codeset.Default()})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, ic := range rep.Interchanges {
				got = append(got, strings.Join(ic.Notes, " "))
				a := ta1.FromInterchange(ic)
				wantAck, wantNote := "R", ""
				if len(ic.Notes) == 0 {
					wantAck, wantNote = "A", "000"
				} else {
					wantNote = ic.Notes[0]
				}
				if ic.Ack != wantAck || a.Status != wantAck || a.Note != wantNote {
					t.Errorf("interchange %s: ack %s, TA1 %s %s; want %s %s", ic.Control, ic.Ack, a.Status, a.Note, wantAck, wantNote)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(c.notes) {
				t.Errorf("TA105 notes %q, want %q", got, c.notes)
			}
		})
	}
}

// TestControlNumbersUnique: a GS06 repeated within an interchange rejects
// the group (AK905 19); an ST02 repeated within a group rejects the set
// (IK502 23).
func TestControlNumbersUnique(t *testing.T) {
	good := string(replaced(t))
	st, ge, iea := strings.Index(good, "ST*"), strings.Index(good, "GE*"), strings.Index(good, "IEA*")
	set, group := good[st:ge], good[strings.Index(good, "GS*"):iea]

	twoSets := good[:ge] + set + strings.Replace(good[ge:], "GE*1*", "GE*2*", 1)
	out, rep := ack999(t, []byte(twoSets))
	for _, want := range []string{"AK2*837*0001*005010X222A1~IK5*A~AK2*837*0001*005010X222A1~IK5*R*23~", "AK9*P*2*2*1~"} {
		if !strings.Contains(out, want) {
			t.Errorf("ST02 repeated: 999 lacks %q:\n%s", want, strings.ReplaceAll(out, "~", "~\n"))
		}
	}
	if rep.Groups[0].Sets[1].Accepted {
		t.Error("the set with a repeated ST02 is accepted")
	}

	twoGroups := good[:iea] + group + strings.Replace(good[iea:], "IEA*1*", "IEA*2*", 1)
	rep, err := x222.Validate(strings.NewReader(twoGroups), x222.Options{Codes: codeset.Default()})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Groups) != 2 || len(rep.Groups[0].Codes) != 0 || fmt.Sprint(rep.Groups[1].Codes) != "[19]" {
		t.Fatalf("group codes: %v", rep.Groups)
	}
	var buf bytes.Buffer
	env := x999.Envelope{SenderID: "PAYERRCVR", ReceiverID: "HITSUBMIT", Control: 8, Date: "20260115", Time: "1300"}
	if err := x999.Write(&buf, x999.FromReport(rep, 1), env); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "AK9*R*1*1*1*19~") {
		t.Errorf("GS06 repeated: 999 lacks AK9*R*1*1*1*19:\n%s", buf.String())
	}
}

// TestClaimsUnique: a CLM01 used by an earlier claim of the submission,
// and a claim sent again under a new CLM01 (and new line control numbers),
// are business findings, whichever goroutine checks each set.
func TestClaimsUnique(t *testing.T) {
	good := string(replaced(t))
	st, ge := strings.Index(good, "ST*"), strings.Index(good, "GE*")
	set := good[st:ge]
	other := func(ctl, clm01 string) string {
		s := strings.Replace(set, "SE*42*0001~", "SE*42*"+ctl+"~", 1)
		s = strings.Replace(s, "ST*837*0001*", "ST*837*"+ctl+"*", 1)
		return strings.Replace(s, "CLM*HIT20260101A*", "CLM*"+clm01+"*", 1)
	}
	cases := []struct {
		name string
		sets []string
		want string
	}{
		{"same CLM01, same claim", []string{other("0002", "HIT20260101A")}, "CLM01 repeat"},
		{"new CLM01, same claim", []string{other("0002", "HIT20260101B")}, "repeat"},
		{"new CLM01 and line control numbers, same claim", []string{strings.NewReplacer("DTP*472*RD8*20260101-20260107~", "DTP*472*RD8*20260101-20260107~REF*6R*L1~", "SE*42*", "SE*45*").Replace(other("0002", "HIT20260101B"))}, "repeat"},
		{"new CLM01, another visit date", []string{strings.Replace(other("0002", "HIT20260101B"), "DTP*472*D8*20260101~", "DTP*472*D8*20260102~", 1)}, ""},
		{"same CLM01, another note", []string{strings.Replace(other("0002", "HIT20260101A"), "NTE*ADD*IV", "NTE*ADD*IV NOW", 1)}, "CLM01"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := good[:ge] + strings.Join(c.sets, "") + strings.Replace(good[ge:], "GE*1*", fmt.Sprintf("GE*%d*", 1+len(c.sets)), 1)
			for _, workers := range []int{1, 2} {
				rep, err := x222.Validate(strings.NewReader(in), x222.Options{Codes: codeset.Default(), Workers: workers})
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, f := range rep.Findings {
					if f.Level != x222.LevelBusiness || f.Set != 2 || f.SegmentID != "CLM" {
						t.Errorf("finding %v", f)
						continue
					}
					if f.Element == "" {
						f.Element = "repeat"
					}
					got = append(got, f.Element)
				}
				if strings.Join(got, " ") != c.want {
					t.Errorf("%d workers: findings on elements %q, want %s", workers, got, c.want)
				}
			}
		})
	}
}
