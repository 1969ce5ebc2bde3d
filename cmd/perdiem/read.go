package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/perdiem/perdiem/x12"
	"github.com/perdiem/perdiem/x12/x214"
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
		summary: `Read an 837P, 835, 999 or 277CA into JSON.

The kind is taken from the first transaction set (ST01). An 837P becomes its
claims (billing provider, subscriber, patient, payer, claim and service lines
with NDCs). With --tree, an 837P or an 835 becomes instead its interchanges
as loops and segments (the implementation guide's loop tree), which keep
every segment as it was: 'perdiem write' gives the file back segment for
segment. An 835 becomes typed remittances (payer, payee, payment, provider
summaries, claims with adjustments, contacts and service lines, provider
adjustments); a 999 becomes the accepted and rejected transaction sets with
their errors; a 277CA (005010X214) becomes its claim acknowledgments: the
payer or clearinghouse that sent it, the batch it answers (the 837's BHT03)
with its counts, and under each billing provider and patient every claim
by its patient control number (the 837's CLM01), with the payer's claim
control number (REF*1K), its service dates, its statuses and those of the
service lines that caused a rejection, and a verdict: accepted, rejected,
not_found, received (forwarded or received, not yet accepted) or unknown.
Each status code and category carries its meaning from X12's lists, dated
in "code_lists"; a code on no list is kept, with the meaning "unknown". A
file that cannot be read is reported with its segment number and byte
offset, exit status 2.

An 835 or a 277CA is read as far as it can be: a bad element, a segment out of place or
unreadable, a balance that does not hold (service line, claim, or BPR02 =
ΣCLP04 − ΣPLB) or a CLP05 that is not the claim's PR adjustments is a
finding in the remittance's "findings", with its segment number, byte offset
and line, and everything around it is still read (for a 277CA the
findings are its bad elements, segments out of place, levels out of order
and envelope counts). If the input stops being X12 part way, the
remittances or acknowledgments before that point are written and the one
it cut short is marked "incomplete". Exit status 1 when there are
findings.

Memory does not grow with the file: claims and remittances are written one
at a time, and --tree holds one transaction set at a time (a set over
32 MiB of X12 is refused). An 837P or a 999 is read twice, first to find
any error before a byte is written (standard input is kept meanwhile in a
temporary file of mode 0600, unlinked at once).`,
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
	// CodeLists dates the status code lists that explain a 277CA's codes.
	CodeLists *codeLists  `json:"code_lists,omitempty"`
	ClaimAcks []*x214.Ack `json:"claim_acknowledgments,omitempty"`
	// Findings are the 835 or 277CA problems outside any remittance or
	// acknowledgment (stray segments, sets of another kind), as
	// []*x835.Error or []*x214.Error; each remittance and acknowledgment
	// has its own.
	Findings any `json:"findings,omitempty"`
}

// codeLists says which code lists explain the codes of a 277CA.
type codeLists struct {
	AsOf   string `json:"as_of"`
	Source string `json:"source"`
}

var x214Lists = &codeLists{AsOf: x214.ListsAsOf, Source: x214.ListsSource}

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
	// A regular file is read again from where it starts; anything else
	// through the buffer that peeked at it.
	var src io.Reader = in
	file, start := regularInput(e, name, in)
	br := bufio.NewReaderSize(in, 1<<16)
	kind, version, err := transactionKind(br)
	if err != nil {
		fmt.Fprintf(e.stderr, "perdiem read: %s: %v\n", name, err)
		return exitInput
	}
	if file != nil {
		_, err = file.Seek(start, io.SeekStart)
	} else {
		src = br
	}
	var write func(io.Reader, *bufio.Writer) error
	switch {
	case err != nil:
	case *tree && kind == "837":
		write = treeWriter("837P", x222.Parse)
	case *tree && kind == "835":
		write = treeWriter("835", x221.Parse)
	case *tree:
		err = fmt.Errorf("this is a %s; --tree gives the loop tree of an 837P or an 835", describeKind(kind, version))
	case kind == "837":
		write = streamClaims
	case kind == "835":
		return readRemittances(e, name, "remittances", src, stream835)
	case kind == "277" && is277CA(version):
		return readRemittances(e, name, "acknowledgments", src, stream277CA)
	case kind == "999":
		write = stream999
	default:
		err = fmt.Errorf("this is a %s: perdiem reads 837P, 835, 999 and 277CA (005010X214)", describeKind(kind, version))
	}
	if err == nil {
		var outErr error
		err, outErr = twoPass(src, e.stdout, write)
		if outErr != nil {
			fmt.Fprintf(e.stderr, "perdiem read: writing standard output: %v\n", outErr)
			return exitFindings
		}
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "perdiem read: %s: %v\n", name, err)
		return exitInput
	}
	return exitOK
}

// regularInput returns the input as a regular file and its current
// offset, or nil when it is not one (a pipe, a terminal).
func regularInput(e *env, name string, in io.Reader) (*os.File, int64) {
	f, ok := in.(*os.File)
	if name == "-" {
		f, ok = e.stdin.(*os.File)
	}
	if !ok {
		return nil, 0
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return nil, 0
	}
	start, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, 0
	}
	return f, start
}

// is277CA reports whether a 277's version (GS08) is the claim
// acknowledgment's. A 277 without one is read as a 277CA, which the reader
// then says it is not sure of.
func is277CA(version string) bool {
	return version == "" || strings.HasPrefix(version, "005010X214")
}

// kindName is the name of a transaction set kind in the output of read and
// in messages: 837P, 835, 999, 277CA.
func kindName(kind, version string) string {
	switch {
	case kind == "837" && (version == "" || strings.HasPrefix(version, "005010X222")):
		return "837P"
	case kind == "277" && is277CA(version):
		return "277CA"
	}
	return kind
}

// readRemittances writes what could be read of an 835 or a 277CA, one
// remittance or acknowledgment (noun) at a time, each with its findings,
// even when the input stops being X12 part way (an ERA that arrives is
// money). The exit status is 1 when there are findings or the input was cut
// short, 2 when nothing could be read.
func readRemittances(e *env, name, noun string, r io.Reader, stream func(io.Reader, *bufio.Writer) (int, int, error, error)) int {
	bw := bufio.NewWriterSize(e.stdout, 1<<16)
	n, findings, readErr, err := stream(r, bw)
	if readErr != nil && n == 0 {
		fmt.Fprintf(e.stderr, "perdiem read: %s: %v\n", name, readErr)
		return exitInput // the 64 KiB buffer still holds all there was: nothing is written
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "perdiem read: writing standard output: %v\n", err)
		return exitFindings
	}
	if readErr != nil {
		fmt.Fprintf(e.stderr, "perdiem read: %s: %v; the %d %s before it are written\n", name, readErr, n, noun)
		return exitFindings
	}
	if findings > 0 {
		fmt.Fprintf(e.stderr, "perdiem read: %s: %d %s, %d findings (in the JSON)\n", name, n, noun, findings)
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

// describeKind names a transaction set for people, by the name read and
// validate give it: "999 (005010X231A1)", "277CA (005010X214)".
func describeKind(kind, version string) string {
	name := kindName(kind, version)
	if version == "" {
		return name
	}
	return name + " (" + version + ")"
}
