package x12

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

// event is what one call to Next gave: a segment ID, or an error's sentinel.
type event struct {
	id      string
	err     error
	segment int
	line    int
}

func events(t testing.TB, data string, limit int) []event {
	t.Helper()
	r := NewReader(strings.NewReader(data))
	r.Resync = true
	r.MaxSegmentSize = limit
	var out []event
	for range len(data) + 2 {
		s, err := r.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a SyntaxError", err)
			}
			out = append(out, event{err: errors.Unwrap(se.Err), segment: se.Pos.Segment, line: se.Pos.Line})
			if !se.Resynced {
				return out
			}
			continue
		}
		out = append(out, event{id: s.ID(), segment: s.Pos().Segment, line: s.Pos().Line})
	}
	t.Fatal("the Reader does not come to an end")
	return nil
}

// TestResync: after a segment it cannot read, a Reader with Resync reports
// it and goes on at the next segment, numbering segments and lines as they
// are in the input.
func TestResync(t *testing.T) {
	cases := []struct {
		name  string
		input string
		limit int
		want  []event
	}{
		{"bad segment ID", isa + "GS*HC~\nN@3*1 MAIN ST~\nN4*CITY~\nIEA*1~", 0, []event{
			{id: "ISA", segment: 1, line: 1}, {id: "GS", segment: 2, line: 1},
			{err: ErrBadSegmentID, segment: 3, line: 2}, {id: "N4", segment: 4, line: 3}, {id: "IEA", segment: 5, line: 4}}},
		{"lower-case segment ID", isa + "nm1*85~N3*X~", 0, []event{
			{id: "ISA", segment: 1, line: 1}, {err: ErrBadSegmentID, segment: 2, line: 1}, {id: "N3", segment: 3, line: 1}}},
		{"too many elements", isa + "NTE" + strings.Repeat("*", MaxElements+1) + "~\nN3*X~", 0, []event{
			{id: "ISA", segment: 1, line: 1}, {err: ErrTooManyElements, segment: 2, line: 1}, {id: "N3", segment: 3, line: 2}}},
		{"too long, terminator in the buffer", isa + "NTE*" + strings.Repeat("A", 200) + "~N3*X~", 100, []event{
			{id: "ISA", segment: 1, line: 1}, {err: ErrSegmentTooLong, segment: 2, line: 1}, {id: "N3", segment: 3, line: 1}}},
		{"too long, terminator past the buffer", isa + "NTE*" + strings.Repeat("A\n", 100<<10) + "~N3*X~", 1000, []event{
			{id: "ISA", segment: 1, line: 1}, {err: ErrSegmentTooLong, segment: 2, line: 1}, {id: "N3", segment: 3, line: 100<<10 + 1}}},
		{"too long to the end: sticky", isa + "NTE*" + strings.Repeat("A", 200), 100, []event{
			{id: "ISA", segment: 1, line: 1}, {err: ErrSegmentTooLong, segment: 2, line: 1}}},
		{"unterminated last segment: sticky", isa + "N3*X~N4*Y", 0, []event{
			{id: "ISA", segment: 1, line: 1}, {id: "N3", segment: 2, line: 1}, {err: ErrUnterminated, segment: 3, line: 1}}},
		{"malformed second ISA: sticky", isa + "N3*X~ISA*00~N4*Y~", 0, []event{
			{id: "ISA", segment: 1, line: 1}, {id: "N3", segment: 2, line: 1}, {err: ErrBadISA, segment: 3, line: 1}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := events(t, c.input, c.limit)
			if len(got) != len(c.want) {
				t.Fatalf("got %+v\nwant %+v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("call %d: got %+v, want %+v", i+1, got[i], c.want[i])
				}
			}
		})
	}
}

// TestNoResyncIsSticky: without Resync a bad segment ends the reading, as
// before.
func TestNoResyncIsSticky(t *testing.T) {
	r := NewReader(strings.NewReader(isa + "N@3*X~N4*Y~"))
	for range 2 {
		if _, err := r.Next(); err != nil {
			if !errors.Is(err, ErrBadSegmentID) {
				t.Fatalf("err = %v", err)
			}
		}
	}
	if _, err := r.Next(); !errors.Is(err, ErrBadSegmentID) {
		t.Fatalf("third call: %v, want the same error again", err)
	}
}

// TestPadded: spaces or tabs before a segment ID are marked, line breaks
// are not.
func TestPadded(t *testing.T) {
	r := NewReader(strings.NewReader(isa + "\r\nGS*HC~  N3*X~\n\tN4*Y~ \r\nIEA*1~"))
	want := map[string]bool{"ISA": false, "GS": false, "N3": true, "N4": true, "IEA": true}
	for {
		s, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if s.Padded() != want[s.ID()] {
			t.Errorf("%s: Padded() = %v, want %v", s.ID(), s.Padded(), want[s.ID()])
		}
	}
}

// FuzzResync checks that a resynchronising Reader always comes to an end,
// moves forward after every error it recovers from, and returns only
// segments that are really in the input at the offsets it gives.
func FuzzResync(f *testing.F) {
	addSeeds(f)
	f.Add([]byte(isa + "N@3*1~nm1*X~NTE*" + strings.Repeat("A", 5000) + "~N4*Y~"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data))
		r.Resync = true
		r.MaxSegmentSize = fuzzMaxSegment
		var last int64 = -1
		lastSeg := 0
		for range len(data) + 2 {
			s, err := r.Next()
			if err == io.EOF {
				return
			}
			var p Position
			if err != nil {
				var se *SyntaxError
				if !errors.As(err, &se) {
					t.Fatalf("error %v is not a SyntaxError", err)
				}
				if !se.Resynced {
					if _, again := r.Next(); again != err {
						t.Fatalf("sticky error %v, then %v", err, again)
					}
					return
				}
				p = se.Pos
			} else {
				p = s.Pos()
				if !bytes.HasPrefix(data[p.Offset:], s.Raw()) {
					t.Fatalf("segment %d raw %q is not the input at %d", p.Segment, s.Raw(), p.Offset)
				}
				if !validID(s.ID()) {
					t.Fatalf("segment %d has the bad ID %q", p.Segment, s.ID())
				}
			}
			if p.Offset <= last || p.Offset >= int64(len(data)) {
				t.Fatalf("segment %d at offset %d after %d (input %d bytes)", p.Segment, p.Offset, last, len(data))
			}
			if p.Segment != lastSeg+1 {
				t.Fatalf("segment number %d after %d", p.Segment, lastSeg)
			}
			last, lastSeg = p.Offset, p.Segment
			if cap(r.buf) > 2*(fuzzMaxSegment+isaLen)+minBufSize {
				t.Fatalf("buffer grew to %d bytes", cap(r.buf))
			}
		}
		t.Fatal("the Reader does not come to an end")
	})
}

// TestResyncSkip: Skip resynchronises as Next does, and says which
// segments had spaces before them.
func TestResyncSkip(t *testing.T) {
	r := NewReader(strings.NewReader(isa + "GS*HC~\nN@3*1 MAIN ST~ NTE*" + strings.Repeat("A", 200) + "~\tN4*CITY~"))
	r.Resync = true
	r.MaxSegmentSize = 100
	type step struct {
		id     string
		err    error
		padded bool
	}
	want := []step{{"ISA", nil, false}, {"GS", nil, false}, {"", ErrBadSegmentID, false}, {"", ErrSegmentTooLong, true}, {"N4", nil, true}}
	for i, w := range want {
		id, _, _, err := r.Skip()
		if w.err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || !errors.Is(err, w.err) || !se.Resynced {
				t.Fatalf("call %d: %v, want a resynced %v", i+1, err, w.err)
			}
			continue
		}
		if err != nil || id != w.id || r.Padded() != w.padded {
			t.Fatalf("call %d: %q, %v, padded %v; want %q, padded %v", i+1, id, err, r.Padded(), w.id, w.padded)
		}
	}
	if _, _, _, err := r.Skip(); err != io.EOF {
		t.Fatalf("after the last segment: %v", err)
	}
}
