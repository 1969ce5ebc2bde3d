package txset

import (
	"io"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/x12"
)

const isa = "ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *260115*1200*^*00501*000000101*0*T*:~"

func newStream(in string) *Stream[string] {
	return New(strings.NewReader(in),
		func(se *x12.SyntaxError) string { return "skipped " + se.SegmentID },
		func(s *x12.Segment) string { return "out of place " + s.ID() })
}

// TestHeaderAndSkipSet walks an interchange of two sets, the first cut
// short by the second's ST: Header keeps the envelope's numbers and notes
// what stands outside a set, SkipSet hands back the header that ended the
// set, and the end of the input is io.EOF.
func TestHeaderAndSkipSet(t *testing.T) {
	st := newStream(isa + "GS*HP*S*R*20260115*1200*77*X*005010X221A1~NM1*QC~ST*277*0001~BHT*0085~ST*835*0002~SE*2*0002~GE*2*77~IEA*1*000000101~")
	s, err := st.Header()
	if err != nil {
		t.Fatal(err)
	}
	if s.Element(2) != "0001" || st.ISA13 != "000000101" || st.GS06 != "77" || st.GS08 != "005010X221A1" {
		t.Errorf("first ST %q, envelope %q %q %q", s.Element(2), st.ISA13, st.GS06, st.GS08)
	}
	if len(st.Outside) != 1 || st.Outside[0] != "out of place NM1" {
		t.Errorf("outside = %q, want the NM1 out of place", st.Outside)
	}
	if err := st.SkipSet(); err != nil {
		t.Fatal(err)
	}
	s, err = st.Header()
	if err != nil {
		t.Fatal(err)
	}
	if s.Element(2) != "0002" {
		t.Errorf("second header is ST %q, want the one that cut the first set short", s.Element(2))
	}
	if err := st.SkipSet(); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Header(); err != io.EOF {
		t.Errorf("after the last set: %v, want io.EOF", err)
	}
	if len(st.Outside) != 1 {
		t.Errorf("outside = %q, want only the NM1", st.Outside)
	}
}

// TestNextKeepsError: after next fails, Next returns that error without
// calling next again.
func TestNextKeepsError(t *testing.T) {
	st := newStream("")
	calls := 0
	next := func() (int, error) {
		calls++
		if calls == 1 {
			return 1, nil
		}
		return 0, io.ErrUnexpectedEOF
	}
	for i, want := range []error{nil, io.ErrUnexpectedEOF, io.ErrUnexpectedEOF} {
		if _, err := Next(st, next); err != want {
			t.Errorf("call %d: %v, want %v", i+1, err, want)
		}
	}
	if calls != 2 {
		t.Errorf("next called %d times, want 2", calls)
	}
}
