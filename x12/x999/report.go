package x999

import (
	"sort"
	"strconv"
	"strings"

	"github.com/perdiem/perdiem/x12/x222"
)

// FromReport builds the 999 for functional group g (0-based) of a
// validated 837P: IK3/IK4 for structure and element findings, IK5 codes for
// transaction set envelope errors, AK9 codes for group envelope errors.
// Business findings are left out: a 999 has no place for them (they go on
// a 277CA). It returns nil when the report has no group g.
func FromReport(rep *x222.Report, g int) *Ack {
	if g < 0 || g >= len(rep.Groups) {
		return nil
	}
	gr := rep.Groups[g]
	ack := GroupAck(gr)
	bySet := map[int][]x222.Finding{}
	for _, f := range rep.Findings {
		if f.Set > 0 {
			bySet[f.Set] = append(bySet[f.Set], f)
		}
	}
	for _, sr := range gr.Sets {
		ack.Sets = append(ack.Sets, SetAck(sr, bySet[sr.Ordinal]))
	}
	return ack
}

// GroupAck is the AK1 and AK9 of the 999 for a validated functional group,
// from its counts, without the sets: a program that acknowledges sets as
// they are checked writes them with a GroupWriter.
func GroupAck(gr *x222.GroupResult) *Ack {
	received := max(gr.Received, len(gr.Sets))
	accepted := gr.Accepted
	if len(gr.Sets) > 0 {
		accepted = 0
		for _, s := range gr.Sets {
			if s.Accepted {
				accepted++
			}
		}
	}
	ack := &Ack{FunctionalID: gr.FunctionalID, GroupControl: gr.Control, Version: gr.Version,
		Included: gr.Declared, Received: received, Accepted: accepted, Codes: limit(gr.Codes, 5)}
	if ack.Included == 0 {
		ack.Included = received
	}
	switch {
	case len(gr.Codes) > 0 || accepted == 0:
		ack.Status = "R"
	case accepted < received:
		ack.Status = "P"
	default:
		ack.Status = "A"
	}
	return ack
}

// SetAck is the AK2 … IK5 of one validated transaction set, from its result
// and its findings (business findings, envelope ones and those of other
// sets are passed over; IK5 codes carry the envelope ones).
func SetAck(sr *x222.SetResult, findings []x222.Finding) *Set {
	s := &Set{ID: sr.ID, Control: sr.Control, Version: sr.Version, Status: "A"}
	if !sr.Accepted {
		s.Status = "R"
		s.Codes = limit(sr.Codes, 5)
	}
	var fs []x222.Finding
	for _, f := range findings {
		if f.Set == sr.Ordinal && (f.Level == x222.LevelStructure || f.Level == x222.LevelElement || f.Level == x222.LevelSyntax && f.Code != "") {
			fs = append(fs, f)
		}
	}
	s.Segments = segmentErrors(fs)
	return s
}

// segmentErrors groups findings into IK3s: one per structure finding (and
// per segment the tokenizer skipped) and one (code 8) per segment with
// element findings, in segment order.
func segmentErrors(fs []x222.Finding) []*SegmentError {
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].SetPosition < fs[j].SetPosition })
	var out []*SegmentError
	elems := map[int]*SegmentError{}
	for _, f := range fs {
		if f.Level != x222.LevelElement {
			id := f.SegmentID
			if id == "" { // a segment whose ID could not be read
				id = badID(f.Value)
			}
			if f.Code == "8" && elems[f.SetPosition] != nil {
				continue // the segment's IK3 code 8 is there already
			}
			e := &SegmentError{ID: id, Position: f.SetPosition, Code: f.Code}
			addClaim(e, f.Claim)
			out = append(out, e)
			if f.Code == "8" {
				elems[f.SetPosition] = e
			}
			continue
		}
		e := elems[f.SetPosition]
		if e == nil {
			e = &SegmentError{ID: f.SegmentID, Position: f.SetPosition, Code: "8"}
			addClaim(e, f.Claim)
			elems[f.SetPosition] = e
			out = append(out, e)
		}
		pos, comp := elementPosition(f.SegmentID, f.Element)
		ee := &ElementError{Position: pos, Component: comp, Ref: f.ElementRef, Code: f.Code}
		if f.Code != "1" {
			ee.Value = f.Value
		}
		e.Elements = append(e.Elements, ee)
	}
	return out
}

// badID is what IK301 says for a segment whose ID is not one: its first
// letters and digits (at most three, as IK301 allows), or UNK.
func badID(raw string) string {
	n := 0
	for n < len(raw) && n < 3 {
		c := raw[n]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '@' || c == '#' || c == '&') {
			break
		}
		n++
	}
	if n == 0 {
		return "UNK"
	}
	return raw[:n]
}

func addClaim(e *SegmentError, claim string) {
	if claim != "" {
		e.Context = append(e.Context, Context{Name: "CLM01", Value: claim})
	}
}

// elementPosition turns "CTP05-1" into 5, 1.
func elementPosition(segID, name string) (int, int) {
	p, c, _ := strings.Cut(strings.TrimPrefix(name, segID), "-")
	pos, _ := strconv.Atoi(p)
	comp, _ := strconv.Atoi(c)
	return pos, comp
}

func limit(codes []string, n int) []string {
	var out []string
	for _, c := range codes {
		if len(out) < n && !contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

func contains(l []string, v string) bool {
	for _, s := range l {
		if s == v {
			return true
		}
	}
	return false
}
