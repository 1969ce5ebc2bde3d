package main

import (
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/ctlnum"
	"github.com/perdiem/perdiem/x12/guide"
	"github.com/perdiem/perdiem/x12/x214"
	"github.com/perdiem/perdiem/x12/x222"
)

// caSink passes everything on and keeps, for each transaction set, what
// its 277CA needs: whether a 999 (and the TA1 of its interchange) accepts
// it, and its business findings.
type caSink struct {
	x222.Sink
	sets map[int]*x214.SetVerdict
	// ordinals of the sets of the open group and interchange, for a
	// rejection of either
	group, interchange []int
	// short are the sets whose findings were cut at MaxFindings: their
	// claims cannot be answered faithfully.
	short map[int]bool
}

func newCASink() *caSink { return &caSink{sets: map[int]*x214.SetVerdict{}, short: map[int]bool{}} }

func (c *caSink) Set(g *x222.GroupResult, s *x222.SetResult, findings []x222.Finding) error {
	v := &x214.SetVerdict{Control: s.Control, Accepted: s.Accepted && s.ID == "837"}
	for _, f := range findings {
		if f.Level == x222.LevelBusiness {
			v.Problems = append(v.Problems, x214.Problem{Segment: f.Segment, Loop: f.Loop, SegID: f.SegmentID, Element: f.Element, Message: f.Message})
		}
	}
	if len(v.Problems) < s.Business {
		c.short[s.Ordinal] = true
	}
	c.sets[s.Ordinal] = v
	c.group = append(c.group, s.Ordinal)
	c.interchange = append(c.interchange, s.Ordinal)
	return c.Sink.Set(g, s, findings)
}

func (c *caSink) Group(g *x222.GroupResult) error {
	if len(g.Codes) > 0 {
		c.reject(c.group)
	}
	c.group = c.group[:0]
	return c.Sink.Group(g)
}

func (c *caSink) Interchange(info x222.InterchangeInfo) error {
	c.interchange, c.group = c.interchange[:0], c.group[:0]
	return c.Sink.Interchange(info)
}

func (c *caSink) InterchangeEnd(ic x222.InterchangeInfo) error {
	if ic.Ack == "R" {
		c.reject(c.interchange)
	}
	c.interchange = c.interchange[:0]
	if cl, ok := c.Sink.(guide.InterchangeCloser); ok {
		return cl.InterchangeEnd(ic)
	}
	return nil
}

// reject marks sets a rejected group or interchange takes with it: the
// payer never takes their claims in, so no 277CA answers them.
func (c *caSink) reject(ordinals []int) {
	for _, o := range ordinals {
		if v := c.sets[o]; v != nil {
			v.Accepted = false
		}
	}
}

// caSummary says what a 277CA written holds.
type caSummary struct {
	interchanges, sets, accepted, rejected int
}

// write277CA reads the 837P again from src and writes, for each functional
// group with a transaction set that validation accepted, one 277CA
// interchange to path: one 277CA per accepted set, each claim accepted or
// rejected with the statuses of its business findings. Control numbers
// come from the state file, as the 999's do, one per interchange, never
// reused.
func write277CA(e *env, ca *caSink, src io.Reader, path, input, stateFlag string) (caSummary, error) {
	var sum caSummary
	accepted := 0
	for o, v := range ca.sets {
		if !v.Accepted {
			continue
		}
		if ca.short[o] {
			return sum, fmt.Errorf("transaction set %s has more findings than a report keeps, so its claims cannot all be answered; no 277CA is written", v.Control)
		}
		accepted++
	}
	if accepted == 0 {
		return sum, nil
	}
	t := now().UTC()
	day := civil.FromYMD(t.Year(), int(t.Month()), t.Day())
	err := writeOutput(e, path, []string{input, stateFlag}, func(w io.Writer) error {
		statePath, floor, err := resolveState(e, "validate", stateFlag, path)
		if err != nil {
			return err
		}
		var gw *x214.Writer
		control := 0
		end := func() error {
			if gw == nil {
				return nil
			}
			err := gw.End()
			gw = nil
			return err
		}
		opt := x214.AnswerOptions{
			Verdict: func(ordinal int) (x214.SetVerdict, bool) {
				v := ca.sets[ordinal]
				if v == nil {
					return x214.SetVerdict{}, false
				}
				return *v, true
			},
			Date: day, Time: t.Format("1504"),
			ClaimNumber: func(n int) string { return x214.ClaimNumber(control, n) },
			Reference:   func(n int) string { return fmt.Sprintf("%09d%04d", control, n) },
		}
		group := func(g x214.Group) error {
			if err := end(); err != nil {
				return err
			}
			n, err := reserveControl(statePath, floor)
			if err != nil {
				return err
			}
			control = n
			sum.interchanges++
			gw, err = x214.Begin(w, x214.Envelope{
				SenderQualifier: g.ReceiverQualifier, SenderID: g.ReceiverID,
				ReceiverQualifier: g.SenderQualifier, ReceiverID: g.SenderID,
				AppSender: g.AppReceiver, AppReceiver: g.AppSender,
				Control: n, Date: t.Format("20060102"), Time: t.Format("1504"), Usage: g.Usage,
			})
			return err
		}
		ack := func(a *x214.Ack) error {
			sum.sets++
			for _, c := range a.Claims() {
				if c.Accepted {
					sum.accepted++
				} else {
					sum.rejected++
				}
			}
			return gw.Write(a)
		}
		if err := x214.Answer(src, opt, group, ack); err != nil {
			return err
		}
		if sum.sets == 0 {
			return fmt.Errorf("the %d transaction sets validation accepted were not found again in %s", accepted, input)
		}
		return end()
	})
	return sum, err
}

// reserveControl takes the next interchange control number from the state
// file.
func reserveControl(statePath string, floor int64) (int, error) {
	r, err := ctlnum.Reserve(statePath, ctlnum.Request{Floor: floor})
	if err != nil {
		return 0, err
	}
	n := r.First()
	if err := r.Commit(); err != nil {
		return 0, err
	}
	return int(n), nil
}

// rereadable makes the input readable a second time, for the 277CA: a
// regular file is read again from where it started; anything else (a pipe,
// standard input) is copied as it is read into a temporary file of mode
// 0600, unlinked at once. again returns the input from its start.
func rereadable(e *env, name string, in io.Reader) (r io.Reader, again func() (io.Reader, error), done func(), err error) {
	if f, start := regularInput(e, name, in); f != nil {
		return in, func() (io.Reader, error) {
			_, err := f.Seek(start, io.SeekStart)
			return f, err
		}, func() {}, nil
	}
	spool, err := os.CreateTemp("", "perdiem-277ca-*")
	if err != nil {
		return nil, nil, nil, err
	}
	os.Remove(spool.Name())
	return io.TeeReader(in, spool), func() (io.Reader, error) {
		_, err := spool.Seek(0, io.SeekStart)
		return spool, err
	}, func() { spool.Close() }, nil
}

// caNote is what validate says of the 277CA it wrote.
func caNote(path string, s caSummary) string {
	if s.sets == 0 {
		return fmt.Sprintf("no 277CA written to %s: the 999 rejects every transaction set, and a 277CA answers only the claims of accepted ones", path)
	}
	return fmt.Sprintf("wrote the 277CA to %s: %s in %s, %d claims accepted, %d rejected",
		path, plural(s.sets, "transaction set"), plural(s.interchanges, "interchange"), s.accepted, s.rejected)
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}
