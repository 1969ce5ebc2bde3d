// Package ta1 writes TA1 interchange acknowledgments: the answer a
// clearinghouse gives to an interchange's envelope (ISA … IEA) before it
// looks at the functional groups inside, which a 999 answers.
//
// A TA1 says whether the interchange was accepted (TA104 A) or rejected
// (R), with one note code (TA105): 000 no error, 001 the control numbers of
// ISA13 and IEA02 differ, 021 IEA01 does not count the groups, 023 the
// interchange ends without an IEA, 025 a repeated ISA13, 005 … 020 and 027
// a bad ISA element.
package ta1

import (
	"fmt"
	"io"

	"github.com/perdiem/perdiem/x12"
	"github.com/perdiem/perdiem/x12/guide"
)

// Ack is one TA1 segment.
type Ack struct {
	Control string `json:"control"` // TA101: the ISA13 acknowledged
	Date    string `json:"date"`    // TA102: its ISA09, YYMMDD
	Time    string `json:"time"`    // TA103: its ISA10, HHMM
	Status  string `json:"status"`  // TA104: A accepted, R rejected
	Note    string `json:"note"`    // TA105: the first note code, 000 when none
}

// FromInterchange is the TA1 for a validated interchange: rejected with its
// first note when its envelope has errors, accepted with note 000 when not.
func FromInterchange(info guide.InterchangeInfo) Ack {
	a := Ack{Control: info.Control, Date: info.Date, Time: info.Time, Status: "A", Note: "000"}
	if len(info.Notes) > 0 {
		a.Status, a.Note = "R", info.Notes[0]
	}
	return a
}

// Envelope is what the TA1's own interchange needs. The sender of a TA1 is
// the receiver of the interchange it acknowledges.
type Envelope struct {
	SenderQualifier, SenderID     string // ISA05/06
	ReceiverQualifier, ReceiverID string // ISA07/08
	Control                       int    // ISA13
	Date                          string // CCYYMMDD
	Time                          string // HHMM
	Usage                         string // ISA15: P or T
	Delimiters                    x12.Delimiters
}

// Write writes a as a complete interchange: ISA, TA1, IEA (with no
// functional group, IEA01 is 0).
func Write(w io.Writer, a Ack, env Envelope) error {
	d := env.Delimiters
	if d == (x12.Delimiters{}) {
		d = x12.DefaultDelimiters
	}
	if len(env.Date) != 8 || len(env.Time) != 4 {
		return fmt.Errorf("ta1: envelope date %q and time %q must be CCYYMMDD and HHMM", env.Date, env.Time)
	}
	if env.Control < 1 || env.Control > 999999999 {
		return fmt.Errorf("ta1: control number %d: want 1 to 999999999", env.Control)
	}
	usage := env.Usage
	if usage != "P" && usage != "T" {
		usage = "P"
	}
	rep := "^"
	if d.Repetition != 0 {
		rep = string(d.Repetition)
	}
	// TA101 is the 9-digit ISA13 acknowledged; TA102 and TA103 its date and
	// time. A broken ISA may lack them: the TA1 then says what it can.
	control := fmt.Sprintf("%09s", a.Control)
	if len(control) != 9 {
		control = control[:9]
	}
	xw := x12.NewWriter(w, d)
	ctl := fmt.Sprintf("%09d", env.Control)
	for _, s := range [][]string{
		{"ISA", "00", pad("", 10), "00", pad("", 10), or(env.SenderQualifier, "ZZ"), pad(env.SenderID, 15), or(env.ReceiverQualifier, "ZZ"), pad(env.ReceiverID, 15),
			env.Date[2:], env.Time, rep, "00501", ctl, "0", usage, string(d.Component)},
		{"TA1", control, or(a.Date, env.Date[2:]), or(a.Time, env.Time), a.Status, a.Note},
		{"IEA", "0", ctl},
	} {
		if err := xw.WriteSegment(s[0], s[1:]...); err != nil {
			return err
		}
	}
	return xw.Flush()
}

func pad(s string, n int) string {
	if len(s) >= n {
		return s[:n]
	}
	return s + fmt.Sprintf("%*s", n-len(s), "")
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
