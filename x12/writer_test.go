package x12

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"
)

func TestWriterSegments(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b, DefaultDelimiters)
	isaEls := []string{"00", "", "00", "", "ZZ", "SUBMITTER", "ZZ", "RECEIVER", "260115", "1200", "^", "00501", "000000101", "0", "T", ":"}
	if err := w.WriteSegment("ISA", isaEls...); err != nil {
		t.Fatal(err)
	}
	w.ResetCount()
	steps := []struct {
		id  string
		els []string
	}{
		{"ST", []string{"837", "0001", "005010X222A1"}},
		{"NM1", []string{"82", "1", "", "", ""}},
		{"SV1", []string{Composite(DefaultDelimiters, "HC", "S9500", "", ""), "1400", "DA", "7", "", "", "1"}},
	}
	for _, s := range steps {
		if err := w.WriteSegment(s.id, s.els...); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.WriteSegment("SE", strconv.Itoa(w.Segments()+1), "0001"); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := isa + "ST*837*0001*005010X222A1~NM1*82*1~SV1*HC:S9500*1400*DA*7***1~SE*4*0001~"
	if b.String() != want {
		t.Errorf("wrote\n%s\nwant\n%s", b.String(), want)
	}
}

func TestWriterNewlineAfterSegment(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b, Delimiters{'|', '>', 0, '!'})
	w.NewlineAfterSegment = true
	w.WriteSegment("GS", "HC", "A")
	w.WriteSegment("GE", "1", "1")
	w.Flush()
	if want := "GS|HC|A!\nGE|1|1!\n"; b.String() != want {
		t.Errorf("wrote %q, want %q", b.String(), want)
	}
	if w.Segments() != 2 {
		t.Errorf("Segments = %d, want 2", w.Segments())
	}
}

func TestWriterRefuses(t *testing.T) {
	isaEls := func(change func([]string)) []string {
		e := []string{"00", "", "00", "", "ZZ", "SUBMITTER", "ZZ", "RECEIVER", "260115", "1200", "^", "00501", "000000101", "0", "T", ":"}
		change(e)
		return e
	}
	tests := []struct {
		name    string
		d       Delimiters
		id      string
		els     []string
		want    error
		element int
	}{
		{"element separator in data", DefaultDelimiters, "NM1", []string{"IL", "DOE*JOHN"}, ErrDelimiterInData, 2},
		{"segment terminator in data", DefaultDelimiters, "NTE", []string{"ADD", "SEE NOTE~"}, ErrDelimiterInData, 2},
		{"lower-case segment ID", DefaultDelimiters, "nm1", []string{"IL"}, ErrBadSegmentID, 0},
		{"one-letter segment ID", DefaultDelimiters, "N", []string{"IL"}, ErrBadSegmentID, 0},
		{"duplicate delimiters", Delimiters{'*', '*', '^', '~'}, "NM1", []string{"IL"}, ErrBadDelimiters, 0},
		{"alphanumeric delimiter", Delimiters{'*', ':', '^', 'X'}, "NM1", []string{"IL"}, ErrBadDelimiters, 0},
		{"ISA with 15 elements", DefaultDelimiters, "ISA", make([]string, 15), ErrBadISA, 0},
		{"ISA13 not zero-padded", DefaultDelimiters, "ISA", isaEls(func(e []string) { e[12] = "101" }), ErrISAElementLength, 13},
		{"ISA06 longer than 15", DefaultDelimiters, "ISA", isaEls(func(e []string) { e[5] = "SUBMITTER-TOO-LONG" }), ErrISAElementLength, 6},
		{"ISA16 is not the component separator", DefaultDelimiters, "ISA", isaEls(func(e []string) { e[15] = ">" }), ErrBadISA, 16},
		{"ISA11 is not the repetition separator", DefaultDelimiters, "ISA", isaEls(func(e []string) { e[10] = "U" }), ErrBadISA, 11},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			w := NewWriter(&b, tt.d)
			err := w.WriteSegment(tt.id, tt.els...)
			var we *WriteError
			if !errors.As(err, &we) || !errors.Is(err, tt.want) || we.Element != tt.element {
				t.Fatalf("err = %v, want a WriteError wrapping %v at element %d", err, tt.want, tt.element)
			}
			w.Flush()
			if b.Len() != 0 || w.Segments() != 0 {
				t.Errorf("refused segment was written: %q", b.String())
			}
		})
	}
}

func TestWriterISAWithoutRepetitionSeparator(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b, Delimiters{'*', '>', 0, '~'})
	err := w.WriteSegment("ISA", "00", "", "00", "", "ZZ", "A", "ZZ", "B", "260115", "1200", "U", "00401", "000000001", "0", "P", ">")
	if err != nil {
		t.Fatal(err)
	}
	w.Flush()
	if b.Len() != isaLen || !strings.Contains(b.String(), "*U*00401*") {
		t.Errorf("wrote %q (%d bytes), want a 106-byte ISA with ISA11 U", b.String(), b.Len())
	}
}

func TestComposite(t *testing.T) {
	tests := []struct {
		parts []string
		want  string
	}{
		{[]string{"HC", "S9500", "SH"}, "HC:S9500:SH"},
		{[]string{"HC", "J3490", "", "", "", "", "DRUG"}, "HC:J3490:::::DRUG"},
		{[]string{"HC", "99601", "", ""}, "HC:99601"},
		{[]string{"", "", ""}, ""},
		{nil, ""},
	}
	for _, tt := range tests {
		if got := Composite(DefaultDelimiters, tt.parts...); got != tt.want {
			t.Errorf("Composite(%q) = %q, want %q", tt.parts, got, tt.want)
		}
	}
}
