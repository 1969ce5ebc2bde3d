// Package x999 reads and writes 999 implementation acknowledgments
// (ASC X12C 005010X231A1) and builds the 999 a clearinghouse returns for a
// validated 837P.
//
// An Ack is one AK1 … AK9 block: the response to one functional group, with
// an AK2 … IK5 block per transaction set. A 999 carries syntax and guide
// (SNIP 1-2) errors only; claim-level business findings belong in a 277CA.
package x999

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/perdiem/perdiem/x12"
	"github.com/perdiem/perdiem/x12/internal/envelope"
)

// Ack is the acknowledgment of one functional group.
type Ack struct {
	FunctionalID string   `json:"functional_id"` // AK101, e.g. HC
	GroupControl string   `json:"group_control"` // AK102 = GS06 acknowledged
	Version      string   `json:"version"`       // AK103 = GS08 acknowledged
	Sets         []*Set   `json:"sets"`
	Status       string   `json:"status"`          // AK901: A, E, P or R
	Included     int      `json:"included"`        // AK902
	Received     int      `json:"received"`        // AK903
	Accepted     int      `json:"accepted"`        // AK904
	Codes        []string `json:"codes,omitempty"` // AK905 … AK909

	// Envelope of the 999 the Ack was read from (Read only).
	Sender   string `json:"sender,omitempty"`   // GS02
	Receiver string `json:"receiver,omitempty"` // GS03
}

// Set is the response to one transaction set (AK2 … IK5).
type Set struct {
	ID       string          `json:"id"`                // AK201, e.g. 837
	Control  string          `json:"control"`           // AK202 = ST02
	Version  string          `json:"version,omitempty"` // AK203 = ST03
	Segments []*SegmentError `json:"segments,omitempty"`
	Status   string          `json:"status"`          // IK501: A, E, R
	Codes    []string        `json:"codes,omitempty"` // IK502 … IK506
}

// SegmentError is an IK3 with its CTX and IK4 segments.
type SegmentError struct {
	ID       string          `json:"id"`             // IK301
	Position int             `json:"position"`       // IK302, ST = 1
	Loop     string          `json:"loop,omitempty"` // IK303
	Code     string          `json:"code"`           // IK304
	Context  []Context       `json:"context,omitempty"`
	Elements []*ElementError `json:"elements,omitempty"`
}

// ElementError is an IK4 with its CTX segments.
type ElementError struct {
	Position   int       `json:"position"`             // IK401-1
	Component  int       `json:"component,omitempty"`  // IK401-2
	Repetition int       `json:"repetition,omitempty"` // IK401-3
	Ref        string    `json:"ref,omitempty"`        // IK402
	Code       string    `json:"code"`                 // IK403
	Value      string    `json:"value,omitempty"`      // IK404
	Context    []Context `json:"context,omitempty"`
}

// Context is a CTX segment: either a business unit ("CLM01" = the patient
// control number) or a situational trigger naming where the condition is.
type Context struct {
	Name      string `json:"name"`            // CTX01-1: "SITUATIONAL TRIGGER" or e.g. "CLM01"
	Value     string `json:"value,omitempty"` // CTX01-2
	SegmentID string `json:"segment_id,omitempty"`
	Position  int    `json:"position,omitempty"`
	Loop      string `json:"loop,omitempty"`
	Element   string `json:"element,omitempty"` // CTX05 as written, e.g. "5:3"
	Ref       string `json:"ref,omitempty"`     // CTX06 as written
}

// ReadError says where a 999 stops making sense.
type ReadError struct {
	Pos x12.Position
	Msg string
}

func (e *ReadError) Error() string {
	return fmt.Sprintf("x999: segment %d at byte %d, line %d: %s", e.Pos.Segment, e.Pos.Offset, e.Pos.Line, e.Msg)
}

// Read reads every acknowledgment in a 999 file. It is tolerant of layout
// (indentation, line breaks, a GS08 without the A1 suffix) but not of
// acknowledgment segments out of order.
func Read(r io.Reader) ([]*Ack, error) {
	xr := x12.NewReader(r)
	var (
		acks           []*Ack
		ack            *Ack
		set            *Set
		seg3           *SegmentError
		el4            *ElementError
		sender, recver string
	)
	for {
		s, err := xr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return acks, err
		}
		fail := func(format string, a ...any) ([]*Ack, error) {
			return acks, &ReadError{s.Pos(), fmt.Sprintf(format, a...)}
		}
		switch s.ID() {
		case "ISA", "IEA", "GE", "SE":
		case "GS":
			sender, recver = s.Element(2), s.Element(3)
			if f := s.Element(1); f != "FA" {
				return fail("GS01 is %q, want FA (functional acknowledgment)", f)
			}
		case "ST":
			if id := s.Element(1); id != "999" {
				return fail("ST01 is %q, want 999", id)
			}
			ack, set = nil, nil
		case "AK1":
			ack = &Ack{FunctionalID: s.Element(1), GroupControl: s.Element(2), Version: s.Element(3), Sender: sender, Receiver: recver}
			acks = append(acks, ack)
			set = nil
		case "AK2":
			if ack == nil {
				return fail("AK2 before AK1")
			}
			set = &Set{ID: s.Element(1), Control: s.Element(2), Version: s.Element(3)}
			ack.Sets = append(ack.Sets, set)
			seg3, el4 = nil, nil
		case "IK3":
			if set == nil {
				return fail("IK3 outside an AK2 … IK5 block")
			}
			pos, _ := strconv.Atoi(s.Element(2))
			seg3 = &SegmentError{ID: s.Element(1), Position: pos, Loop: s.Element(3), Code: s.Element(4)}
			set.Segments = append(set.Segments, seg3)
			el4 = nil
		case "CTX":
			if seg3 == nil {
				return fail("CTX outside an IK3 block")
			}
			pos, _ := strconv.Atoi(s.Element(3))
			c := Context{Name: s.Component(1, 1), Value: s.Component(1, 2), SegmentID: s.Element(2),
				Position: pos, Loop: s.Element(4), Element: s.Element(5), Ref: s.Element(6)}
			if el4 != nil {
				el4.Context = append(el4.Context, c)
			} else {
				seg3.Context = append(seg3.Context, c)
			}
		case "IK4":
			if seg3 == nil {
				return fail("IK4 outside an IK3 block")
			}
			el4 = &ElementError{Ref: s.Element(2), Code: s.Element(3), Value: s.Element(4)}
			el4.Position, _ = strconv.Atoi(s.Component(1, 1))
			el4.Component, _ = strconv.Atoi(s.Component(1, 2))
			el4.Repetition, _ = strconv.Atoi(s.Component(1, 3))
			seg3.Elements = append(seg3.Elements, el4)
		case "IK5":
			if set == nil {
				return fail("IK5 without AK2")
			}
			set.Status, set.Codes = s.Element(1), rest(s, 2, 6)
			set, seg3, el4 = nil, nil, nil
		case "AK9":
			if ack == nil {
				return fail("AK9 before AK1")
			}
			ack.Status, ack.Codes = s.Element(1), rest(s, 5, 9)
			ack.Included, _ = strconv.Atoi(s.Element(2))
			ack.Received, _ = strconv.Atoi(s.Element(3))
			ack.Accepted, _ = strconv.Atoi(s.Element(4))
			ack = nil
		default:
			return fail("segment %s does not belong in a 999", s.ID())
		}
	}
	if len(acks) == 0 {
		return nil, errors.New("x999: no AK1 acknowledgment in the input")
	}
	return acks, nil
}

func rest(s *x12.Segment, from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		if v := s.Element(i); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// Envelope is what the 999's own envelope needs. The sender of a 999 is
// the receiver of the file it acknowledges.
// Its fields are ISA05–08 (sender and receiver with qualifiers), GS02/03
// (AppSender, AppReceiver), Control (ISA13 and GS06), Date (CCYYMMDD),
// Time (HHMM), Usage (ISA15, P or T) and Delimiters.
type Envelope = envelope.Envelope

// Write writes ack as a complete 999 interchange.
func Write(w io.Writer, ack *Ack, env Envelope) error {
	gw, err := Begin(w, ack, env)
	if err != nil {
		return err
	}
	for _, s := range ack.Sets {
		if err := gw.Set(s); err != nil {
			return err
		}
	}
	return gw.End(ack)
}

// A GroupWriter writes a 999 interchange one transaction set at a time, so
// that acknowledging a file of any size keeps memory flat: Begin writes the
// envelope and AK1, Set an AK2 … IK5, End the AK9 and the trailers.
type GroupWriter struct {
	xw        *x12.Writer
	d         x12.Delimiters
	ctl, gctl string
	err       error
}

// Begin writes the envelope of a 999 and the AK1 of ack (its sets and AK9
// are left to Set and End).
func Begin(w io.Writer, ack *Ack, env Envelope) (*GroupWriter, error) {
	if len(env.Date) != 8 || len(env.Time) != 4 {
		return nil, fmt.Errorf("x999: envelope date %q and time %q must be CCYYMMDD and HHMM", env.Date, env.Time)
	}
	o, err := envelope.Open(w, env, "FA", "005010X231A1")
	g := &GroupWriter{xw: o.W, d: o.D, ctl: o.ISA13, gctl: o.GS06, err: err}
	g.xw.ResetCount()
	g.put("ST", "999", "0001", "005010X231A1")
	g.put("AK1", ack.FunctionalID, ack.GroupControl, ack.Version)
	return g, g.err
}

func (g *GroupWriter) put(id string, els ...string) {
	if g.err == nil {
		g.err = g.xw.WriteSegment(id, els...)
	}
}

// Set writes the AK2 … IK5 of one transaction set.
func (g *GroupWriter) Set(s *Set) error {
	d := g.d
	g.put("AK2", s.ID, s.Control, s.Version)
	for _, e := range s.Segments {
		g.put("IK3", e.ID, strconv.Itoa(e.Position), e.Loop, e.Code)
		for _, c := range e.Context {
			g.put("CTX", ctx(d, c)...)
		}
		for _, el := range e.Elements {
			pos := []string{strconv.Itoa(el.Position), "", ""}
			if el.Component > 0 {
				pos[1] = strconv.Itoa(el.Component)
			}
			if el.Repetition > 0 {
				pos[2] = strconv.Itoa(el.Repetition)
			}
			g.put("IK4", x12.Composite(d, pos...), el.Ref, el.Code, clean(el.Value, d))
			for _, c := range el.Context {
				g.put("CTX", ctx(d, c)...)
			}
		}
	}
	g.put("IK5", append([]string{s.Status}, s.Codes...)...)
	return g.err
}

// End writes the AK9 of ack (its status, counts and codes) and the
// trailers, and flushes.
func (g *GroupWriter) End(ack *Ack) error {
	g.put("AK9", append([]string{ack.Status, strconv.Itoa(ack.Included), strconv.Itoa(ack.Received), strconv.Itoa(ack.Accepted)}, ack.Codes...)...)
	g.put("SE", strconv.Itoa(g.xw.Segments()+1), "0001")
	g.put("GE", "1", g.gctl)
	g.put("IEA", "1", g.ctl)
	if g.err != nil {
		return g.err
	}
	return g.xw.Flush()
}

func ctx(d x12.Delimiters, c Context) []string {
	pos := ""
	if c.Position > 0 {
		pos = strconv.Itoa(c.Position)
	}
	return []string{x12.Composite(d, c.Name, clean(c.Value, d)), c.SegmentID, pos, c.Loop, c.Element, c.Ref}
}

// clean replaces delimiters in copied bad data, which would otherwise
// break the 999 itself.
func clean(v string, d x12.Delimiters) string {
	return strings.Map(func(r rune) rune {
		if r == rune(d.Element) || r == rune(d.Segment) || r == rune(d.Component) || (d.Repetition != 0 && r == rune(d.Repetition)) {
			return ' '
		}
		return r
	}, v)
}
