// Package envelope writes the ISA and GS that open an interchange of one
// functional group, for the writers that answer a submission (x214's
// 277CA, x999's 999).
package envelope

import (
	"fmt"
	"io"
	"strconv"

	"github.com/perdiem/perdiem/x12"
)

// Envelope is the interchange and group header; the 999 and 277CA writers
// give it as their own Envelope (a type alias).
type Envelope struct {
	SenderQualifier, SenderID     string // ISA05/06
	ReceiverQualifier, ReceiverID string // ISA07/08
	AppSender, AppReceiver        string // GS02/03
	Control                       int    // ISA13 and GS06
	Date                          string // CCYYMMDD
	Time                          string // HHMM
	Usage                         string // ISA15: P or T
	Delimiters                    x12.Delimiters
}

// Opened is an interchange whose ISA and GS are written.
type Opened struct {
	W           *x12.Writer
	D           x12.Delimiters // env's, or x12.DefaultDelimiters when it names none
	ISA13, GS06 string
}

// Open writes env's ISA and a GS of functional identifier code id and
// version to w. The caller has checked env's date, time and control number.
// On a write error it returns what it opened with the error.
func Open(w io.Writer, env Envelope, id, version string) (Opened, error) {
	d := env.Delimiters
	if d == (x12.Delimiters{}) {
		d = x12.DefaultDelimiters
	}
	usage := env.Usage
	if usage == "" {
		usage = "P"
	}
	o := Opened{W: x12.NewWriter(w, d), D: d, ISA13: fmt.Sprintf("%09d", env.Control), GS06: strconv.Itoa(env.Control)}
	rep := "^"
	if d.Repetition != 0 {
		rep = string(d.Repetition)
	}
	err := o.W.WriteSegment("ISA", "00", "", "00", "", or(env.SenderQualifier, "ZZ"), env.SenderID, or(env.ReceiverQualifier, "ZZ"), env.ReceiverID,
		env.Date[2:], env.Time, rep, "00501", o.ISA13, "0", usage, string(d.Component))
	if err == nil {
		err = o.W.WriteSegment("GS", id, or(env.AppSender, env.SenderID), or(env.AppReceiver, env.ReceiverID), env.Date, env.Time, o.GS06, "X", version)
	}
	return o, err
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
