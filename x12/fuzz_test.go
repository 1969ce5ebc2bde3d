package x12

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
)

func addSeeds(f *testing.F) {
	for _, file := range samples(f) {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(""))
	f.Add([]byte("\xEF\xBB\xBF" + isa + "\r\n  GS*HC~\nIEA*1~"))
	f.Add([]byte(isa + "SV1*HC:S9500:SH*1^2~" + strings.Replace(isa, "*", "|", -1)))
	f.Add([]byte(isa + "NTE*" + strings.Repeat("*", 300) + "~"))
}

const fuzzMaxSegment = 4096

// FuzzReader checks that any input yields segments or a positioned error,
// never a panic, and that the buffer stays bounded by the segment limit.
func FuzzReader(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data))
		r.MaxSegmentSize = fuzzMaxSegment
		var last int64 = -1
		for {
			s, err := r.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				var se *SyntaxError
				if !errors.As(err, &se) {
					t.Fatalf("error %v is not a SyntaxError", err)
				}
				if se.Pos.Offset < 0 || se.Pos.Offset > int64(len(data)) {
					t.Fatalf("error offset %d outside the %d-byte input", se.Pos.Offset, len(data))
				}
				return
			}
			p := s.Pos()
			if p.Offset <= last || p.Offset >= int64(len(data)) {
				t.Fatalf("segment %d at offset %d after %d (input %d bytes)", p.Segment, p.Offset, last, len(data))
			}
			last = p.Offset
			if want := 1 + bytes.Count(data[:p.Offset], []byte{'\n'}); p.Line != want {
				t.Fatalf("segment %d on line %d, want %d", p.Segment, p.Line, want)
			}
			if !bytes.HasPrefix(data[p.Offset:], s.Raw()) {
				t.Fatalf("segment %d raw %q is not the input at %d", p.Segment, s.Raw(), p.Offset)
			}
			if len(s.Raw()) > fuzzMaxSegment || s.Len() > MaxElements {
				t.Fatalf("segment %d: %d bytes, %d elements: over the limits", p.Segment, len(s.Raw()), s.Len())
			}
			if cap(r.buf) > 2*(fuzzMaxSegment+isaLen)+minBufSize {
				t.Fatalf("buffer grew to %d bytes", cap(r.buf))
			}
			for i := 0; i <= s.Len(); i++ {
				if bytes.IndexByte(s.ElementBytes(i), r.Delimiters().Element) >= 0 {
					t.Fatalf("segment %d element %d holds the element separator", p.Segment, i)
				}
			}
		}
	})
}

// FuzzRoundTrip checks that whatever the Reader accepts, the Writer writes
// back with the same content, less trailing empty elements.
func FuzzRoundTrip(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data))
		r.MaxSegmentSize = fuzzMaxSegment
		var out bytes.Buffer
		var w *Writer
		var want []string
		for {
			s, err := r.Next()
			if err != nil {
				break
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
				t.Fatalf("writing back %q: %v", s.Raw(), err)
			}
			want = append(want, strings.TrimRight(string(s.Raw()), string(r.Delimiters().Element)))
		}
		if w == nil {
			return
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		back := NewReader(bytes.NewReader(out.Bytes()))
		for i, raw := range want {
			s, err := back.Next()
			if err != nil {
				t.Fatalf("reading back segment %d of %q: %v", i+1, out.Bytes(), err)
			}
			if string(s.Raw()) != raw {
				t.Fatalf("segment %d: read back %q, want %q", i+1, s.Raw(), raw)
			}
		}
		if _, err := back.Next(); err != io.EOF {
			t.Fatalf("after %d segments: %v, want EOF", len(want), err)
		}
	})
}
