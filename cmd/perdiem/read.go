package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/perdiem/perdiem/x12"
	"github.com/perdiem/perdiem/x12/x221"
	"github.com/perdiem/perdiem/x12/x222"
	"github.com/perdiem/perdiem/x12/x835"
	"github.com/perdiem/perdiem/x12/x837p"
	"github.com/perdiem/perdiem/x12/x999"
)

func init() {
	register(command{
		name:  "read",
		usage: "read FILE|- [--tree]",
		summary: `Read an 837P, 835 or 999 into JSON.

The kind is taken from the first transaction set (ST01). An 837P becomes its
claims (billing provider, subscriber, patient, payer, claim and service lines
with NDCs). With --tree, an 837P or an 835 becomes instead its interchanges
as loops and segments (the implementation guide's loop tree), which keep
every segment as it was: 'perdiem write' gives the file back segment for
segment. An 835 becomes typed remittances
(payer, payee, payment, provider summaries, claims with adjustments, contacts
and service lines, provider adjustments); a 999 becomes the accepted and
rejected transaction sets with their errors. A file that cannot be read is
reported with its segment number and byte offset, exit status 2.

An 835 is read as far as it can be: a bad element, a segment out of place or
a balance that does not hold (service line, claim, or BPR02 = ΣCLP04 − ΣPLB)
is a finding in the remittance's "findings", with its segment number, byte
offset and line, and everything around it is still read. If the input stops
being X12 part way, the remittances before that point are written and the
one it cut short is marked "incomplete". Exit status 1 when there are
findings.`,
		run: runRead,
	})
}

// readOutput is the JSON of perdiem read: the kind, then one of the bodies.
type readOutput struct {
	Type         string              `json:"type"`
	Claims       []*x837p.Claim      `json:"claims,omitempty"`
	Interchanges []*x222.Interchange `json:"interchanges,omitempty"`
	Remittances  []*x835.Remittance  `json:"remittances,omitempty"`
	Acknowledges []*x999.Ack         `json:"acknowledgments,omitempty"`
	// Findings are the 835 problems outside any remittance (stray
	// segments, sets that are not 835s); each remittance has its own.
	Findings []*x835.Error `json:"findings,omitempty"`
}

func runRead(e *env, args []string) int {
	fs := flag.NewFlagSet("read", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	tree := fs.Bool("tree", false, "837P or 835: the loop tree of every interchange")
	name, err := parseWithFile(fs, args)
	if err != nil {
		return exitInput
	}
	in, err := openInput(e, name)
	if err != nil {
		fmt.Fprintf(e.stderr, "perdiem read: %v\n", err)
		return exitInput
	}
	defer in.Close()
	br := bufio.NewReaderSize(in, 1<<16)
	kind, version, err := transactionKind(br)
	if err != nil {
		fmt.Fprintf(e.stderr, "perdiem read: %s: %v\n", name, err)
		return exitInput
	}
	out := readOutput{Type: kind}
	if kind == "837" {
		out.Type = "837P" // as x837p, validate and the docs name it
	}
	switch {
	case *tree && kind == "837":
		out.Interchanges, err = x222.ParseAll(br)
	case *tree && kind == "835":
		out.Interchanges, err = x221.ParseAll(br)
	case *tree:
		err = fmt.Errorf("this is a %s; --tree gives the loop tree of an 837P or an 835", describeKind(kind, version))
	case kind == "837":
		out.Claims, err = x837p.Read(br)
	case kind == "835":
		return read835(e, name, br)
	case kind == "999":
		out.Acknowledges, err = x999.Read(br)
	default:
		err = fmt.Errorf("transaction set %s: perdiem reads 837, 835 and 999", kind)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "perdiem read: %s: %v\n", name, err)
		return exitInput
	}
	return writeJSON(e, "read", out)
}

// read835 writes what could be read of an 835: every remittance with its
// findings, even when the input stops being X12 part way (an ERA that
// arrives is money). The exit status is 1 when there are findings or the
// input was cut short, 2 when nothing could be read.
func read835(e *env, name string, r io.Reader) int {
	rems, outside, err := x835.Read(r)
	if err != nil && len(rems) == 0 {
		fmt.Fprintf(e.stderr, "perdiem read: %s: %v\n", name, err)
		return exitInput
	}
	if code := writeJSON(e, "read", readOutput{Type: "835", Remittances: rems, Findings: outside}); code != exitOK {
		return code
	}
	findings := len(outside)
	for _, rem := range rems {
		findings += len(rem.Findings)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "perdiem read: %s: %v; the %d remittances before it are written\n", name, err, len(rems))
		return exitFindings
	}
	if findings > 0 {
		fmt.Fprintf(e.stderr, "perdiem read: %s: %d remittances, %d findings (in the JSON)\n", name, len(rems), findings)
		return exitFindings
	}
	return exitOK
}

// transactionKind peeks at the start of the input for the first ST01 and
// the version of its group (GS08), leaving the input unread.
func transactionKind(br *bufio.Reader) (kind, version string, err error) {
	head, err := br.Peek(br.Size())
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return "", "", err
	}
	r := x12.NewReader(bytes.NewReader(head))
	for {
		s, err := r.Next()
		if err != nil {
			if errors.Is(err, io.EOF) || len(head) == br.Size() {
				var se *x12.SyntaxError
				if errors.As(err, &se) && se.Pos.Segment <= 1 {
					return "", "", err
				}
				return "", "", errors.New("no transaction set (ST) in the first 64 KiB")
			}
			return "", "", err
		}
		switch s.ID() {
		case "GS":
			version = s.Element(8)
		case "ST":
			return s.Element(1), version, nil
		}
	}
}

// describeKind names a transaction set for people: "999 (005010X231A1)".
func describeKind(kind, version string) string {
	if version == "" {
		return kind
	}
	return kind + " (" + version + ")"
}
