package x214

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/money"
	"github.com/perdiem/perdiem/x12"
	"github.com/perdiem/perdiem/x12/internal/envelope"
)

// Version is the implementation guide of the 277CA (GS08, ST03).
const Version = "005010X214"

// Envelope is what a 277CA interchange's own envelope needs. The sender
// of a 277CA is the receiver of the 837 it answers.
// Its fields are ISA05–08 (sender and receiver with qualifiers), GS02/03
// (AppSender, AppReceiver), Control (ISA13 and GS06), Date (CCYYMMDD),
// Time (HHMM), Usage (ISA15, P or T) and Delimiters.
type Envelope = envelope.Envelope

// Writer writes 277CA transaction sets into one interchange of one
// functional group.
type Writer struct {
	xw        *x12.Writer
	d         x12.Delimiters
	ctl, gctl string
	sets      int
	err       error
}

// Begin writes the ISA and GS of a 277CA interchange.
func Begin(w io.Writer, env Envelope) (*Writer, error) {
	if len(env.Date) != 8 || len(env.Time) != 4 {
		return nil, fmt.Errorf("x214: envelope date %q and time %q must be CCYYMMDD and HHMM", env.Date, env.Time)
	}
	if env.Control < 1 || env.Control > 999999999 {
		return nil, fmt.Errorf("x214: control number %d must be 1 to 999999999", env.Control)
	}
	o, err := envelope.Open(w, env, "HN", Version)
	g := &Writer{xw: o.W, d: o.D, ctl: o.ISA13, gctl: o.GS06, err: err}
	return g, g.err
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (w *Writer) put(id string, els ...string) {
	if w.err == nil {
		w.err = w.xw.WriteSegment(id, els...)
	}
}

// Write writes one acknowledgment as a transaction set (ST … SE). Its
// ControlNumber, when empty, is the set's sequence in the group (0001, …).
// Each level's HL is numbered in order; statuses, names and amounts are
// written as the Ack holds them, so Read gives them back.
func (w *Writer) Write(a *Ack) error {
	if w.err != nil {
		return w.err
	}
	w.sets++
	ctl := a.ControlNumber
	if ctl == "" {
		ctl = fmt.Sprintf("%04d", w.sets)
	}
	w.xw.ResetCount()
	w.put("ST", "277", ctl, Version)
	w.put("BHT", "0085", "08", a.Reference, compact(a.CreatedDate), a.CreatedTime, "TH")
	hl := 0
	next := func(parent int, level, child string) int {
		hl++
		p := ""
		if parent > 0 {
			p = strconv.Itoa(parent)
		}
		w.put("HL", strconv.Itoa(hl), p, level, child)
		return hl
	}
	for _, src := range a.Sources {
		sh := next(0, "20", "1")
		w.name(src.Name)
		w.put("TRN", "1", src.Trace)
		if src.Received != nil {
			w.put("DTP", "050", "D8", src.Received.Compact())
		}
		if src.Processed != nil {
			w.put("DTP", "009", "D8", src.Processed.Compact())
		}
		for _, rc := range src.Receivers {
			rh := next(sh, "21", child(len(rc.Providers) > 0))
			w.name(rc.Name)
			w.put("TRN", "2", rc.Batch)
			w.statuses(rc.Statuses, false)
			w.counts(rc.Counts, "90", "AA")
			for _, pv := range rc.Providers {
				ph := next(rh, "19", child(len(pv.Patients) > 0))
				w.name(pv.Name)
				w.put("TRN", "1", pv.Trace)
				w.statuses(pv.Statuses, false)
				for _, r := range pv.Refs {
					w.put("REF", r.Qualifier, r.Value)
				}
				w.counts(pv.Counts, "QA", "QC")
				for _, pt := range pv.Patients {
					next(ph, "PT", "")
					w.name(pt.Name)
					for _, c := range pt.Claims {
						w.claim(c)
					}
				}
			}
		}
	}
	w.put("SE", strconv.Itoa(w.xw.Segments()+1), ctl)
	return w.err
}

func child(has bool) string {
	if has {
		return "1"
	}
	return "0"
}

func (w *Writer) claim(c *Claim) {
	w.put("TRN", "2", c.ClaimID)
	w.statuses(c.Statuses, true)
	for _, r := range []Ref{{"1K", c.PayerClaimControlNumber}, {"D9", c.ClearinghouseTrace}, {"BLT", c.BillType}} {
		if r.Value != "" {
			w.put("REF", r.Qualifier, r.Value)
		}
	}
	for _, r := range c.Refs {
		w.put("REF", r.Qualifier, r.Value)
	}
	w.span(c.From, c.To)
	for _, l := range c.Lines {
		p := l.Procedure
		w.put("SVC", x12.Composite(w.d, append([]string{p.Qualifier, p.Code}, p.Modifiers...)...), l.Charge.X12(), "", l.RevenueCode, "", "", l.Units)
		w.statuses(l.Statuses, false)
		if l.ControlNumber != "" {
			w.put("REF", "FJ", l.ControlNumber)
		}
		if l.RxNumber != "" {
			w.put("REF", "XZ", l.RxNumber)
		}
		w.span(l.From, l.To)
	}
}

// span writes a DTP*472: D8 for one day, RD8 for a range.
func (w *Writer) span(from, to *civil.Date) {
	switch {
	case from == nil:
	case to == nil || *to == *from:
		w.put("DTP", "472", "D8", from.Compact())
	default:
		w.put("DTP", "472", "RD8", from.Compact()+"-"+to.Compact())
	}
}

func (w *Writer) name(n Name) {
	w.put("NM1", n.Entity, n.Type, n.Last, n.First, n.Middle, "", n.Suffix, n.IDQualifier, n.ID)
}

// statuses writes STC segments; message says STC12 may be written (2200D).
func (w *Writer) statuses(ss []Status, message bool) {
	for _, s := range ss {
		els := make([]string, 12)
		for i, c := range s.Codes {
			if i >= 3 {
				w.fail(fmt.Errorf("x214: a status holds at most three status composites (STC01, STC10, STC11), not %d", len(s.Codes)))
				return
			}
			els[[]int{0, 9, 10}[i]] = x12.Composite(w.d, c.Category, c.Code, c.Entity)
		}
		els[1] = compact(s.Date)
		els[2] = s.Action
		if s.Amount != nil {
			els[3] = s.Amount.X12()
		}
		if message {
			els[11] = Text(s.Message, w.d)
		}
		w.put("STC", els...)
	}
}

func (w *Writer) fail(err error) {
	if w.err == nil {
		w.err = err
	}
}

func (w *Writer) counts(c Counts, accepted, rejected string) {
	for _, q := range []struct {
		qual string
		n    *int64
	}{{accepted, c.AcceptedClaims}, {rejected, c.RejectedClaims}} {
		if q.n != nil {
			w.put("QTY", q.qual, strconv.FormatInt(*q.n, 10))
		}
	}
	for _, a := range []struct {
		qual string
		m    *money.Amount
	}{{"YU", c.AcceptedAmount}, {"YY", c.RejectedAmount}} {
		if a.m != nil {
			w.put("AMT", a.qual, a.m.X12())
		}
	}
}

// End writes the GE and IEA and flushes the interchange.
func (w *Writer) End() error {
	if w.sets == 0 && w.err == nil {
		w.err = errors.New("x214: an interchange with no transaction set")
	}
	w.put("GE", strconv.Itoa(w.sets), w.gctl)
	w.put("IEA", "1", w.ctl)
	if w.err != nil {
		return w.err
	}
	return w.xw.Flush()
}

// maxText is the longest free-form message STC12 may carry.
const maxText = 264

// Text makes s fit a free-form X12 text element: the delimiters replaced
// by spaces, cut to 264 characters (at a character boundary).
func Text(s string, d x12.Delimiters) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == rune(d.Element), r == rune(d.Component), r == rune(d.Segment), d.Repetition != 0 && r == rune(d.Repetition):
			return ' '
		case r < ' ':
			return ' '
		}
		return r
	}, s)
	if len(s) <= maxText {
		return s
	}
	n := 0
	for i := range s {
		if i > maxText {
			break
		}
		n = i
	}
	return s[:n]
}

func compact(d *civil.Date) string {
	if d == nil {
		return ""
	}
	return d.Compact()
}
