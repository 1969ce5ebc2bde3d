package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/perdiem/perdiem/x12"
	"github.com/perdiem/perdiem/x12/guide"
	"github.com/perdiem/perdiem/x12/x214"
	"github.com/perdiem/perdiem/x12/x835"
	"github.com/perdiem/perdiem/x12/x837p"
	"github.com/perdiem/perdiem/x12/x999"
)

// maxTreeSet bounds the X12 text of one transaction set that read --tree
// holds in memory (its loop tree takes some fifty times as much).
const maxTreeSet = 32 << 20

// jsonList writes the JSON of perdiem read as encoding/json's indented
// Encoder would (two spaces, <, > and & as they are), one element of a
// list at a time, so the whole list is never in memory.
type jsonList struct {
	w     *bufio.Writer
	err   error
	first bool
}

// raw writes s as it is.
func (j *jsonList) raw(s string) {
	if j.err == nil {
		_, j.err = j.w.WriteString(s)
	}
}

// value writes v indented as if at depth levels of nesting.
func (j *jsonList) value(v any, depth int) {
	if j.err != nil {
		return
	}
	enc := json.NewEncoder(dropNewline{j.w})
	enc.SetEscapeHTML(false)
	enc.SetIndent(indent(depth), "  ")
	j.err = enc.Encode(v)
}

// dropNewline drops the newline an Encoder writes after each value (it
// writes a value and its newline in one call).
type dropNewline struct{ w io.Writer }

func (d dropNewline) Write(p []byte) (int, error) {
	n, err := d.w.Write(bytes.TrimSuffix(p, []byte("\n")))
	if err == nil {
		n = len(p)
	}
	return n, err
}

// set writes a transaction set's loop tree as value would, a segment at a
// time, so the encoder never holds the JSON of a whole set.
func (j *jsonList) set(s *guide.Set, depth int) {
	in := indent(depth + 1)
	j.raw("{\n" + in + `"st": `)
	j.value(s.ST, depth+1)
	j.raw(",\n" + in + `"root": `)
	if s.Root == nil {
		j.raw("null")
	} else {
		j.loop(s.Root, depth+1)
	}
	j.raw(",\n" + in + `"se": `)
	j.value(s.SE, depth+1)
	j.raw("\n" + indent(depth) + "}")
}

func (j *jsonList) loop(l *guide.Loop, depth int) {
	in := indent(depth + 1)
	j.raw("{\n" + in + `"id": `)
	j.value(l.ID, depth+1)
	j.raw(",\n" + in + `"segments": `)
	switch {
	case l.Segments == nil:
		j.raw("null")
	case len(l.Segments) == 0:
		j.raw("[]")
	default:
		j.raw("[")
		for i, sg := range l.Segments {
			if i > 0 {
				j.raw(",")
			}
			j.raw("\n" + indent(depth+2))
			j.value(sg, depth+2)
		}
		j.raw("\n" + in + "]")
	}
	if len(l.Loops) > 0 {
		j.raw(",\n" + in + `"loops": [`)
		for i, c := range l.Loops {
			if i > 0 {
				j.raw(",")
			}
			j.raw("\n" + indent(depth+2))
			j.loop(c, depth+2)
		}
		j.raw("\n" + in + "]")
	}
	j.raw("\n" + indent(depth) + "}")
}

// field writes `"key": ` at depth, after a comma unless it is the first.
func (j *jsonList) field(key string, depth int) {
	if !j.first {
		j.raw(",")
	}
	j.first = false
	j.raw("\n" + indent(depth) + `"` + key + `": `)
}

func indent(depth int) string {
	b := make([]byte, 2*depth)
	for i := range b {
		b[i] = ' '
	}
	return string(b)
}

// list streams the elements next gives (until io.EOF) as the field key at
// depth 1 of the top object; the field is left out when there are none,
// as omitempty does.
func (j *jsonList) list(key string, next func() (any, error)) (n int, err error) {
	for {
		v, err := next()
		if err == io.EOF {
			if n > 0 {
				j.raw("\n  ]")
			}
			return n, j.err
		}
		if err != nil {
			return n, err
		}
		if n == 0 {
			j.field(key, 1)
			j.raw("[\n    ")
		} else {
			j.raw(",\n    ")
		}
		j.value(v, 2)
		n++
		if j.err != nil {
			return n, j.err
		}
	}
}

// streamClaims writes the JSON of perdiem read for an 837P, claim by claim.
func streamClaims(r io.Reader, w *bufio.Writer) error {
	j := &jsonList{w: w, first: true}
	j.raw("{")
	j.field("type", 1)
	j.raw(`"837P"`)
	dec := x837p.NewDecoder(r)
	if _, err := j.list("claims", func() (any, error) { return dec.Next() }); err != nil {
		return err
	}
	j.raw("\n}\n")
	return j.err
}

// stream999 writes the JSON of perdiem read for a 999. Acknowledgments are
// small (one per group), so they are read whole.
func stream999(r io.Reader, w *bufio.Writer) error {
	acks, err := x999.Read(r)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(readOutput{Type: "999", Acknowledges: acks})
}

// stream835 writes the JSON of perdiem read for an 835, remittance by
// remittance. Like x835.Read it goes on after findings, and stops (with
// what came before written) where the input stops being X12.
func stream835(r io.Reader, w *bufio.Writer) (rems, findings int, readErr error, err error) {
	j := &jsonList{w: w, first: true}
	j.raw("{")
	j.field("type", 1)
	j.raw(`"835"`)
	rd := x835.NewReader(r)
	rems, err = j.list("remittances", func() (any, error) {
		rem, err := rd.Next()
		if err == nil {
			findings += len(rem.Findings)
			return rem, nil
		}
		if err != io.EOF {
			readErr = err
			if rem != nil {
				findings += len(rem.Findings)
				return rem, nil
			}
		}
		return nil, io.EOF
	})
	if err != nil {
		return rems, findings, readErr, err
	}
	if out := rd.Outside(); len(out) > 0 {
		findings += len(out)
		j.field("findings", 1)
		j.value(out, 1)
	}
	j.raw("\n}\n")
	return rems, findings, readErr, j.err
}

// stream277CA writes the JSON of perdiem read for a 277CA, acknowledgment
// by acknowledgment, as stream835 does for an 835.
func stream277CA(r io.Reader, w *bufio.Writer) (acks, findings int, readErr error, err error) {
	j := &jsonList{w: w, first: true}
	j.raw("{")
	j.field("type", 1)
	j.raw(`"277CA"`)
	j.field("code_lists", 1)
	j.value(x214Lists, 1)
	rd := x214.NewReader(r)
	acks, err = j.list("claim_acknowledgments", func() (any, error) {
		ack, err := rd.Next()
		if err == nil {
			findings += len(ack.Findings)
			return ack, nil
		}
		if err != io.EOF {
			readErr = err
			if ack != nil {
				findings += len(ack.Findings)
				return ack, nil
			}
		}
		return nil, io.EOF
	})
	if err != nil {
		return acks, findings, readErr, err
	}
	if out := rd.Outside(); len(out) > 0 {
		findings += len(out)
		j.field("findings", 1)
		j.value(out, 1)
	}
	j.raw("\n}\n")
	return acks, findings, readErr, j.err
}

// treeWriter returns the writer of perdiem read --tree for transaction
// sets of type kind, parsed by parse: one transaction set at a time. The
// input is cut at each SE and the set is parsed on its own, inside its
// interchange's ISA and GS, so memory holds one set (at most maxTreeSet
// bytes of X12) whatever the file's size; the output is the JSON of
// parsing the whole file at once.
func treeWriter(kind string, parse func(io.Reader) (*guide.Interchange, error)) func(io.Reader, *bufio.Writer) error {
	return func(r io.Reader, w *bufio.Writer) error {
		t := &treeStream{j: &jsonList{w: w}, parse: parse}
		t.j.raw("{\n  \"type\": \"" + kind + "\",\n  \"interchanges\": [")
		if err := t.run(x12.NewReader(r)); err != nil {
			return err
		}
		t.j.raw("\n  ]\n}\n")
		return t.j.err
	}
}

type treeStream struct {
	j           *jsonList
	parse       func(io.Reader) (*guide.Interchange, error)
	d           x12.Delimiters
	isa, gs     []byte // raw, with terminators
	isa13, gs06 string
	started     bool // the current interchange's header is written
	groups      int  // groups written in the current interchange
	sets        int  // sets written in the current group
	interchange int  // interchanges begun
}

// piece parses the current ISA (and GS, in a group) with body, ge and iea
// as one interchange.
func (t *treeStream) piece(body []byte, ge, iea string) (*guide.Interchange, error) {
	buf := append([]byte(nil), t.isa...)
	if t.gs != nil {
		buf = append(buf, t.gs...)
	}
	buf = append(buf, body...)
	if ge != "" {
		buf = append(append(buf, ge...), t.d.Segment)
	}
	buf = append(append(buf, iea...), t.d.Segment)
	return t.parse(bytes.NewReader(buf))
}

func (t *treeStream) synthetic(id string, els ...string) string {
	for _, e := range els {
		id += string(t.d.Element) + e
	}
	return id
}

// header writes the interchange's delimiters and ISA, once.
func (t *treeStream) header(tr *guide.Interchange) {
	if t.started {
		return
	}
	t.started = true
	if t.interchange > 1 {
		t.j.raw(",")
	}
	t.j.raw("\n    {\n      \"delimiters\": ")
	t.j.value(tr.Delimiters, 3)
	t.j.raw(",\n      \"isa\": ")
	t.j.value(tr.ISA, 3)
	t.j.raw(",\n      \"groups\": [")
}

// group writes the start of a group, up to its "sets" key.
func (t *treeStream) group(tr *guide.Interchange) {
	if t.groups > 0 {
		t.j.raw(",")
	}
	t.j.raw("\n        {\n          \"gs\": ")
	t.j.value(tr.Groups[0].GS, 5)
	t.j.raw(",\n          \"sets\": ")
}

func (t *treeStream) run(xr *x12.Reader) error {
	var set []byte
	for {
		id, raw, pos, err := xr.Skip()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		where := func(format string, args ...any) error {
			return fmt.Errorf("segment %d at byte %d, line %d: %s: %s", pos.Segment, pos.Offset, pos.Line, id, fmt.Sprintf(format, args...))
		}
		switch {
		case id == "ISA":
			if t.isa != nil {
				return where("an interchange inside an interchange (no IEA before it)")
			}
			t.d = xr.Delimiters()
			t.isa = append(append([]byte(nil), raw...), t.d.Segment)
			if s, err := tokenize(raw, t.d, pos); err == nil {
				t.isa13 = s.Element(13)
			}
			t.started, t.groups = false, 0
			t.interchange++
		case t.isa == nil:
			return where("before the ISA")
		case id == "GS":
			if t.gs != nil {
				return where("a group inside a group (no GE before it)")
			}
			t.gs = append(append([]byte(nil), raw...), t.d.Segment)
			if s, err := tokenize(raw, t.d, pos); err == nil {
				t.gs06 = s.Element(6)
			}
			t.sets = 0
		case id == "ST" || set != nil:
			if len(set)+len(raw) > maxTreeSet {
				return where("transaction set larger than %d MiB: read --tree holds one set in memory", maxTreeSet>>20)
			}
			set = append(append(set, raw...), t.d.Segment)
			if id != "SE" {
				continue
			}
			tr, err := t.piece(set, t.synthetic("GE", "1", t.gs06), t.synthetic("IEA", "1", t.isa13))
			if err != nil {
				return err
			}
			if len(tr.Groups) != 1 || len(tr.Groups[0].Sets) != 1 {
				return where("the transaction set did not read as one set")
			}
			t.header(tr)
			if t.sets == 0 {
				t.group(tr)
				t.j.raw("[\n            ")
			} else {
				t.j.raw(",\n            ")
			}
			if s := tr.Groups[0].Sets[0]; s == nil {
				t.j.raw("null")
			} else {
				t.j.set(s, 6)
			}
			t.sets++
			set = nil
		case id == "GE":
			tr, err := t.piece(nil, string(raw), t.synthetic("IEA", "1", t.isa13))
			if err != nil {
				return err
			}
			if len(tr.Groups) != 1 {
				return where("the group did not read as one group")
			}
			t.header(tr)
			if t.sets == 0 {
				t.group(tr)
				t.j.value(tr.Groups[0].Sets, 5)
			} else {
				t.j.raw("\n          ]")
			}
			t.j.raw(",\n          \"ge\": ")
			t.j.value(tr.Groups[0].GE, 5)
			t.j.raw("\n        }")
			t.groups++
			t.gs = nil
		case id == "IEA":
			if t.gs != nil {
				return where("the group before it has no GE")
			}
			tr, err := t.piece(nil, "", string(raw))
			if err != nil {
				return err
			}
			t.header(tr)
			if t.groups > 0 {
				t.j.raw("\n      ]")
			} else {
				t.j.value(tr.Groups, 3)
			}
			t.j.raw(",\n      \"iea\": ")
			t.j.value(tr.IEA, 3)
			t.j.raw("\n    }")
			t.isa = nil
		default:
			return where("outside a transaction set: read --tree reads ISA, GS, ST … SE, GE and IEA here")
		}
		if t.j.err != nil {
			return t.j.err
		}
	}
	switch {
	case t.interchange == 0:
		return errors.New("x12/guide: no interchange")
	case t.isa != nil:
		return errors.New("the last interchange has no IEA")
	}
	return nil
}

func tokenize(raw []byte, d x12.Delimiters, pos x12.Position) (*x12.Segment, error) {
	s := new(x12.Segment)
	return s, s.Tokenize(raw, d, pos)
}

// twoPass runs write twice over the input: first into nothing, to find any
// error before a byte is written (bad input writes nothing, exit status
// 2), then into out. The input is read again from the start: a regular
// file by seeking, anything else from an unlinked temporary copy made
// during the first pass (mode 0600, it may hold patient data).
func twoPass(in io.Reader, out io.Writer, write func(r io.Reader, w *bufio.Writer) error) (inputErr, outputErr error) {
	var again func() (io.Reader, error)
	if f, ok := in.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			if start, err := f.Seek(0, io.SeekCurrent); err == nil {
				again = func() (io.Reader, error) {
					_, err := f.Seek(start, io.SeekStart)
					return f, err
				}
			}
		}
	}
	first := in
	if again == nil {
		tmp, err := os.CreateTemp("", "perdiem-read-*")
		if err != nil {
			return nil, err
		}
		defer tmp.Close()
		if os.Remove(tmp.Name()) != nil {
			stop := onInterrupt(func() { tmp.Close(); os.Remove(tmp.Name()) })
			defer func() { stop(); tmp.Close(); os.Remove(tmp.Name()) }()
		}
		tw := bufio.NewWriterSize(tmp, 1<<16)
		first = io.TeeReader(in, tw)
		again = func() (io.Reader, error) {
			if err := tw.Flush(); err != nil {
				return nil, err
			}
			_, err := tmp.Seek(0, io.SeekStart)
			return tmp, err
		}
	}
	discard := bufio.NewWriter(io.Discard)
	if err := write(bufio.NewReaderSize(first, 1<<16), discard); err != nil {
		return err, nil
	}
	r, err := again()
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(out, 1<<16)
	if err := write(bufio.NewReaderSize(r, 1<<16), bw); err != nil {
		return nil, err
	}
	return nil, bw.Flush()
}
