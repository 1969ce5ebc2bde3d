package x12

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

// samples returns the shared X12 sample files.
func samples(t testing.TB) []string {
	t.Helper()
	var files []string
	for _, pat := range []string{"*.x12", "*.edi"} {
		m, err := filepath.Glob(filepath.Join("..", "testdata", "x12", "*", pat))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 35 {
		t.Fatalf("found %d sample files, want the 35 of testdata/x12", len(files))
	}
	return files
}

// paddedISA is the sample whose ISA has spaces around its separators;
// bareST is a transaction set sent without its ISA and GS.
const (
	paddedISA = "x12org-via-tmc__005010x221-example-5a.edi"
	bareST    = "keironstoddart__blue_cross_nc_sample.x12"
)

// readAll tokenizes data and returns clones of its segments.
func readAll(t testing.TB, data []byte) ([]*Segment, error) {
	t.Helper()
	r := NewReader(bytes.NewReader(data))
	var segs []*Segment
	for {
		s, err := r.Next()
		if err == io.EOF {
			return segs, nil
		}
		if err != nil {
			return segs, err
		}
		segs = append(segs, s.Clone())
	}
}

func TestSamplesTokenize(t *testing.T) {
	for _, f := range samples(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			segs, err := readAll(t, data)
			if filepath.Base(f) == paddedISA {
				var se *SyntaxError
				if !errors.As(err, &se) || !errors.Is(err, ErrBadISA) || se.Pos.Offset != 0 || se.Pos.Segment != 1 {
					t.Fatalf("err = %v, want a SyntaxError wrapping ErrBadISA at byte 0", err)
				}
				if !strings.Contains(err.Error(), "padded") {
					t.Errorf("error %q does not say the ISA is padded", err)
				}
				return
			}
			if filepath.Base(f) == bareST {
				var se *SyntaxError
				if !errors.As(err, &se) || !errors.Is(err, ErrNotX12) || se.Pos.Offset != 0 || len(segs) > 0 {
					t.Fatalf("err = %v, want a SyntaxError wrapping ErrNotX12 at byte 0", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// Independent count: the terminator is the 106th character of
			// the ISA, and every segment ends with one.
			text := string(data)
			isa := strings.Index(text, "ISA")
			term := text[isa+105]
			want := strings.Count(text, string(term))
			if len(segs) != want {
				t.Errorf("got %d segments, want %d (count of %q)", len(segs), want, term)
			}
			if segs[0].ID() != "ISA" || segs[0].Len() != 16 {
				t.Errorf("first segment %s with %d elements, want ISA with 16", segs[0].ID(), segs[0].Len())
			}
			if last := segs[len(segs)-1]; last.ID() != "IEA" {
				t.Errorf("last segment is %s, want IEA", last.ID())
			}
			// Each segment's raw text is the source text at its offset.
			for _, s := range segs {
				off := int(s.Pos().Offset)
				if got := text[off : off+len(s.Raw())+1]; got != string(s.Raw())+string(term) {
					t.Fatalf("segment %d at byte %d: source has %q, raw is %q", s.Pos().Segment, off, got, s.Raw())
				}
			}
		})
	}
}

func TestSamplesRoundTrip(t *testing.T) {
	for _, f := range samples(t) {
		if filepath.Base(f) == paddedISA || filepath.Base(f) == bareST {
			continue
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			r := NewReader(bytes.NewReader(data))
			var out bytes.Buffer
			var w *Writer
			var want []string
			for {
				s, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if s.ID() == "ISA" {
					if w != nil {
						w.Flush()
					}
					w = NewWriter(&out, r.Delimiters())
				}
				els := make([]string, s.Len())
				for i := range els {
					els[i] = s.Element(i + 1)
				}
				if err := w.WriteSegment(s.ID(), els...); err != nil {
					t.Fatal(err)
				}
				// The writer drops trailing empty elements, as X12 wants.
				want = append(want, strings.TrimRight(string(s.Raw()), string(r.Delimiters().Element)))
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			got, err := readAll(t, out.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("wrote %d segments, read back %d", len(want), len(got))
			}
			for i, s := range got {
				if string(s.Raw()) != want[i] {
					t.Errorf("segment %d: wrote %q, want %q", i+1, s.Raw(), want[i])
				}
			}
		})
	}
}

const isa = "ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *260115*1200*^*00501*000000101*0*T*:~"

func TestPositionsOnMultiLineInput(t *testing.T) {
	in := "\xEF\xBB\xBF" + isa + "\r\n" +
		"  GS*HC*A*B*20260115*1200*1*X*005010X222A1~\r\n" +
		"\r\n" +
		"\tST*837*0001~SE*2*0001~\n" +
		"GE*1*1~IEA*1*000000101~\n"
	type want struct {
		id           string
		segment      int
		line, offset int
	}
	wants := []want{
		{"ISA", 1, 1, 3},
		{"GS", 2, 2, 3 + 106 + 2 + 2},
		{"ST", 3, 4, strings.Index(in, "ST*")},
		{"SE", 4, 4, strings.Index(in, "SE*")},
		{"GE", 5, 5, strings.Index(in, "GE*")},
		{"IEA", 6, 5, strings.Index(in, "IEA*")},
	}
	segs, err := readAll(t, []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(segs) != len(wants) {
		t.Fatalf("got %d segments, want %d", len(segs), len(wants))
	}
	for i, w := range wants {
		s := segs[i]
		p := s.Pos()
		if s.ID() != w.id || p.Segment != w.segment || p.Line != w.line || p.Offset != int64(w.offset) {
			t.Errorf("segment %d = %s %+v, want %s {Segment:%d Line:%d Offset:%d}", i+1, s.ID(), p, w.id, w.segment, w.line, w.offset)
		}
	}
}

func TestNewlineTerminatorCountsLines(t *testing.T) {
	in := strings.Replace(isa, ":~", ":\n", 1) + "GS*HC*A*B*20260115*1200*1*X*005010X222A1\nGE*1*1\nIEA*1*000000101\n"
	segs, err := readAll(t, []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range segs {
		if s.Pos().Line != i+1 {
			t.Errorf("segment %d (%s) on line %d, want %d", i+1, s.ID(), s.Pos().Line, i+1)
		}
	}
}

// Line feeds inside segments count wherever they fall against the reads
// and the buffer: the Reader looks ahead for the next one once and
// counts it in the segment that holds it.
func TestLineFeedsInsideSegments(t *testing.T) {
	var b strings.Builder
	b.WriteString(isa + "GS*HC*A*B*20260115*1200*1*X*005010X222A1~")
	for i := range 3000 {
		switch i % 7 {
		case 0:
			b.WriteString("NTE*ADD*TWO\nLINES~")
		case 3:
			b.WriteString("\nREF*EI*1\n\n2~\n")
		default:
			b.WriteString("REF*EI*" + strings.Repeat("9", i%50) + "~")
		}
	}
	b.WriteString("GE*1*1~IEA*1*000000101~")
	in := b.String()
	for name, r := range map[string]io.Reader{"whole": strings.NewReader(in), "byte by byte": iotest.OneByteReader(strings.NewReader(in))} {
		xr := NewReader(r)
		n := 0
		for {
			s, err := xr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			n++
			p := s.Pos()
			if want := 1 + strings.Count(in[:p.Offset], "\n"); p.Line != want {
				t.Fatalf("%s: segment %d (%s) on line %d, want %d", name, p.Segment, s.ID(), p.Line, want)
			}
		}
		if n != 3004 {
			t.Errorf("%s: read %d segments, want 3004", name, n)
		}
	}
}

func TestInterchangesChangeDelimiters(t *testing.T) {
	second := "ISA|00|          |00|          |ZZ|SUBMITTER      |ZZ|RECEIVER       |260115|1200|U|00401|000000102|0|T|>!" +
		"GS|HC|A|B|20260115|1200|2|X|004010X098A1!SV1|HC>99601|1!GE|1|2!IEA|1|000000102!"
	in := isa + "GS*HC*A*B*20260115*1200*1*X*005010X222A1~SV1*HC:S9500:SH*1^2~GE*1*1~IEA*1*000000101~\n" + second
	r := NewReader(strings.NewReader(in))
	var got []string
	for {
		s, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if s.ID() == "SV1" {
			got = append(got, s.Component(1, 2)+" "+strings.Join(s.Repetitions(2), ","))
		}
	}
	if r.Delimiters() != (Delimiters{'|', '>', 0, '!'}) {
		t.Errorf("delimiters after the second ISA = %q, want | > 0 !", r.Delimiters())
	}
	want := []string{"S9500 1,2", "99601 1"}
	if strings.Join(got, ";") != strings.Join(want, ";") {
		t.Errorf("SV1 read as %q, want %q", got, want)
	}
}

func TestSegmentAccessors(t *testing.T) {
	in := isa + "SV1*HC:S9500:SH**UN*7***1:2^3~IEA*1*000000101~"
	r := NewReader(strings.NewReader(in))
	r.Next()
	s, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, got, want string
	}{
		{"ID", s.ID(), "SV1"},
		{"Element(0) is the ID", s.Element(0), "SV1"},
		{"Element(1)", s.Element(1), "HC:S9500:SH"},
		{"Element(2) empty", s.Element(2), ""},
		{"Element(4)", s.Element(4), "7"},
		{"Element past the end", s.Element(9), ""},
		{"Element negative", s.Element(-1), ""},
		{"Component(1,1)", s.Component(1, 1), "HC"},
		{"Component(1,2)", s.Component(1, 2), "S9500"},
		{"Component(1,3)", s.Component(1, 3), "SH"},
		{"Component past the end", s.Component(1, 4), ""},
		{"Component(1,0)", s.Component(1, 0), ""},
		{"Component of a simple element", s.Component(4, 1), "7"},
		{"Components", strings.Join(s.Components(1), "|"), "HC|S9500|SH"},
		{"Repetitions", strings.Join(s.Repetitions(7), "|"), "1:2|3"},
		{"Raw", string(s.Raw()), "SV1*HC:S9500:SH**UN*7***1:2^3"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
		}
	}
	if s.Len() != 7 {
		t.Errorf("Len = %d, want 7", s.Len())
	}
	if s.Components(2) != nil || s.Repetitions(2) != nil {
		t.Errorf("an empty element has components %q and repetitions %q, want none", s.Components(2), s.Repetitions(2))
	}
	c := s.Clone()
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	if c.ID() != "SV1" || c.Element(1) != "HC:S9500:SH" || c.Len() != 7 {
		t.Errorf("clone changed by Next: %s %q", c.ID(), c.Raw())
	}
}

func TestTrailingEmptyElementsCount(t *testing.T) {
	segs, err := readAll(t, []byte(isa+"NM1*82*1*~IEA*1*000000101~"))
	if err != nil {
		t.Fatal(err)
	}
	if segs[1].Len() != 3 || segs[1].Element(3) != "" {
		t.Errorf("NM1*82*1*: Len = %d, want 3 with an empty NM103", segs[1].Len())
	}
}

func TestSyntaxErrors(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		max     int
		want    error
		segment int
		offset  int64
		id      string
		msg     string
	}{
		{name: "empty input is not X12", in: "", want: ErrNotX12, segment: 1, msg: "empty"},
		{name: "whitespace only is not X12", in: " \r\n", want: ErrNotX12, segment: 1, offset: 3},
		{name: "JSON is not X12", in: `{"episode": 1}`, want: ErrNotX12, segment: 1, msg: `"{\"episode\": 1}"`},
		{name: "ST before ISA is not X12", in: "ST*837*0001~", want: ErrNotX12, segment: 1},
		{name: "binary junk is not X12", in: "\x00\x01\xff\xfe ISA", want: ErrNotX12, segment: 1},
		{name: "ISA shorter than 106 characters", in: isa[:60], want: ErrBadISA, segment: 1, id: "ISA", msg: "ends 60 bytes"},
		{name: "ISA06 not padded to 15", in: strings.Replace(isa, "SUBMITTER      ", "SUBMITTER", 1) + "IEA*1*1~", want: ErrBadISA, segment: 1, id: "ISA", msg: "ISA06 is 9 characters, want 15"},
		{name: "ISA padded around separators", in: "ISA *00 *          *00 *", want: ErrBadISA, segment: 1, id: "ISA", msg: "padded"},
		{name: "ISA component separator equals element separator", in: strings.Replace(isa, "T*:~", "T***", 1), want: ErrBadISA, segment: 1, id: "ISA"},
		{name: "ISA terminator is a letter", in: strings.Replace(isa, ":~", ":X", 1), want: ErrBadDelimiters, segment: 1, id: "ISA"},
		{name: "ISA terminator inside the ISA", in: strings.Replace(isa, "SUBMITTER ", "SUBMITTER~", 1), want: ErrBadISA, segment: 1, id: "ISA", msg: "also occurs at byte 44"},
		{name: "unterminated last segment", in: isa + "GS*HC*A~IEA*1*000000101", want: ErrUnterminated, segment: 3, offset: 106 + 8, id: "IEA"},
		{name: "segment too long", in: isa + "NTE*ADD*" + strings.Repeat("A", 5000) + "~", max: 1000, want: ErrSegmentTooLong, segment: 2, offset: 106, id: "NTE"},
		{name: "terminated segment over the limit", in: isa + "NTE*ADD*" + strings.Repeat("A", 1000) + "~", max: 1000, want: ErrSegmentTooLong, segment: 2, offset: 106, id: "NTE"},
		{name: "too many elements", in: isa + "REF" + strings.Repeat("*", MaxElements+1) + "~", want: ErrTooManyElements, segment: 2, offset: 106, id: "REF"},
		{name: "junk after a terminator", in: isa + "\x00\x01junk~", want: ErrBadSegmentID, segment: 2, offset: 106},
		{name: "empty segment", in: isa + "~", want: ErrBadSegmentID, segment: 2, offset: 106},
		{name: "lower-case segment ID", in: isa + "gs*HC~", want: ErrBadSegmentID, segment: 2, offset: 106},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReader(strings.NewReader(tt.in))
			r.MaxSegmentSize = tt.max
			var err error
			for err == nil {
				_, err = r.Next()
			}
			var se *SyntaxError
			if !errors.As(err, &se) || !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want a SyntaxError wrapping %v", err, tt.want)
			}
			if se.Pos.Segment != tt.segment || se.Pos.Offset != tt.offset || se.SegmentID != tt.id {
				t.Errorf("error at segment %d (%q) byte %d, want segment %d (%q) byte %d", se.Pos.Segment, se.SegmentID, se.Pos.Offset, tt.segment, tt.id, tt.offset)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not mention %q", err, tt.msg)
			}
			if _, again := r.Next(); again != err {
				t.Errorf("second Next returned %v, want the same error", again)
			}
		})
	}
}

func TestSyntaxErrorMessage(t *testing.T) {
	e := &SyntaxError{Pos: Position{Segment: 12, Line: 5, Offset: 1234}, SegmentID: "CLM", Err: ErrUnterminated}
	want := "x12: segment 12 (CLM) at byte 1234, line 5: last segment is not terminated"
	if e.Error() != want {
		t.Errorf("Error() = %q, want %q", e.Error(), want)
	}
}

// errReader fails after returning its data.
type errReader struct {
	data []byte
	err  error
}

func (r *errReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestReadErrorIsReturned(t *testing.T) {
	boom := errors.New("disk on fire")
	r := NewReader(&errReader{data: []byte(isa + "GS*HC"), err: boom})
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err != boom {
		t.Errorf("err = %v, want the reader's error", err)
	}
}

// oneByteReader returns one byte per Read, to exercise buffer refills at
// every position.
type oneByteReader struct{ data []byte }

func (r *oneByteReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	p[0] = r.data[0]
	r.data = r.data[1:]
	return 1, nil
}

func TestOneByteReads(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "testdata", "x12", "837p", "moov__example_5010_837p.x12"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := readAll(t, data)
	if err != nil {
		t.Fatal(err)
	}
	r := NewReader(&oneByteReader{data})
	for i := 0; ; i++ {
		s, err := r.Next()
		if err == io.EOF {
			if i != len(want) {
				t.Errorf("got %d segments, want %d", i, len(want))
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(s.Raw(), want[i].Raw()) || s.Pos() != want[i].Pos() {
			t.Fatalf("segment %d = %q at %+v, want %q at %+v", i+1, s.Raw(), s.Pos(), want[i].Raw(), want[i].Pos())
		}
	}
}

// repeatByte is an endless stream of one byte.
type repeatByte byte

func (c repeatByte) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(c)
	}
	return len(p), nil
}

// TestAbsurdInputsStopEarly pins that huge segments fail with a position
// after reading about MaxSegmentSize bytes, not after reading them whole.
func TestAbsurdInputsStopEarly(t *testing.T) {
	tests := []struct {
		name string
		body io.Reader
		want error
	}{
		{"50 MB segment", io.MultiReader(strings.NewReader("NTE*ADD*"), io.LimitReader(repeatByte('A'), 50<<20), strings.NewReader("~")), ErrSegmentTooLong},
		{"a million elements", io.MultiReader(strings.NewReader("REF"), io.LimitReader(repeatByte('*'), 1<<20-100), strings.NewReader("~")), ErrTooManyElements},
		{"endless junk", io.MultiReader(strings.NewReader("NTE*"), repeatByte(0xFF)), ErrSegmentTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			counted := &countingReader{r: io.MultiReader(strings.NewReader(isa+"GS*HC~"), tt.body)}
			r := NewReader(counted)
			var err error
			for err == nil {
				_, err = r.Next()
			}
			var se *SyntaxError
			if !errors.As(err, &se) || !errors.Is(err, tt.want) || se.Pos.Segment != 3 || se.Pos.Offset != 106+6 {
				t.Fatalf("err = %v, want %v at segment 3, byte 112", err, tt.want)
			}
			if counted.n > 3*DefaultMaxSegmentSize {
				t.Errorf("read %d bytes before giving up, want about %d", counted.n, DefaultMaxSegmentSize)
			}
			if cap(r.buf) > 2*(DefaultMaxSegmentSize+1) {
				t.Errorf("buffer grew to %d bytes", cap(r.buf))
			}
		})
	}
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}
