package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/ctlnum"

	"github.com/perdiem/perdiem/x12"
	"github.com/perdiem/perdiem/x12/guide"
	"github.com/perdiem/perdiem/x12/ta1"
	"github.com/perdiem/perdiem/x12/x221"
	"github.com/perdiem/perdiem/x12/x222"
	"github.com/perdiem/perdiem/x12/x999"
)

func init() {
	register(command{
		name:  "validate",
		usage: "validate FILE|- [--999 OUT] [--ta1 OUT] [--277ca OUT] [--format text|json] [--sets] [--workers N] [--codes DIR | --cms FILE] [--control N] [--state FILE]",
		summary: `Validate an 837P (005010X222A1) or an 835 (005010X221A1) file.

Checks it as a clearinghouse front end does.

The kind is taken from the first transaction set (ST01, GS08); any other
kind (a 999, a 277CA) is named and refused with exit status 2. Checks syntax,
envelopes (counts, control numbers), loops and segments against the
implementation guide, element codes, dates and lengths, and business rules:
for an 837P claim balancing, NPI check digits, billing address, diagnosis
pointers, NDC and ICD-10 shapes, procedure codes and modifiers against the
code set in force on each date of service; for an 835 its three balances
(each service line SVC02 − CAS = SVC03, each claim CLP03 − CAS = CLP04, the
transaction ΣCLP04 − ΣPLB = BPR02) and each claim's patient responsibility
(CLP05 = its PR adjustments, except on a reversal).

The report streams: each transaction set is written when its SE closes, so a
file of any size is checked in flat memory, and sets are checked on every
CPU. The text report has one line per finding:

  level segment-number SEGID loop element: message

then a line for each transaction set with findings, and a summary that
ends with what no shipped code list could check ("not checked: …"). Exit
status 0 when there are no findings, 1 when there are, 2 when the input
cannot be read as X12 at all.

  --999 OUT           also write the 999 acknowledgment to OUT. Business findings
                      are not in it: a 999 has no place for them (a 277CA does)
  --ta1 OUT           also write a TA1 interchange acknowledgment for each interchange
                      to OUT: TA104 R with the TA105 note code when its envelope is
                      broken (001 IEA02 is not ISA13, 021 IEA01 miscounts the groups,
                      023 no IEA, 025 a repeated ISA13, 005-020 and 027 a bad ISA
                      element), A with 000 when not. A rejected interchange's groups
                      get no 999, as a clearinghouse sends none
  --277ca OUT         also write to OUT the 277CA (005010X214) a payer front end sends for
                      an 837P: for each transaction set the 999 accepts, each claim by
                      its CLM01 (TRN02), accepted (A2:20, with a payer claim control
                      number in REF*1K) or rejected (U) with a status for each of its
                      business findings: A7 and the code that names the data (562 an
                      NPI, 400 out of balance, 187 the dates of service, 476 units,
                      …), A6 for what is missing, A3:78 for a duplicate, its message
                      in STC12; a finding of a service line also adds the line (2220D,
                      REF*FJ = its REF*6R), one of the billing provider, subscriber or
                      patient rejects every claim under it. One 277CA interchange per
                      functional group, its control number from the state file
  --control N         interchange and group control number of the first 999 (default: the
                      next number in the state file, so no 999 reuses one)
  --state FILE        control number state file (default: $PERDIEM_STATE, else the user's
                      state directory; see 'perdiem help claim')
  --format text|json  text (default), or JSON Lines: one object per line, in file
                      order, with "type" interchange, finding (outside a set), set
                      (with its findings), group, and last summary
  --sets              list every transaction set, not only those with findings
  --workers N         transaction sets checked at once (default: one per CPU; the
                      report is the same for any number)
  --codes DIR         check procedure codes and modifiers against the CMS releases
                      imported into DIR (perdiem codes import), as in force on each
                      date of service
  --cms FILE          a newer CMS HCPCS release (.zip, fixed-width .txt or .xlsx) over
                      the embedded code set, for the procedure code and modifier checks`,
		run: runValidate,
	})
}

// maxValidateWorkers caps --workers: more than the CPUs gains nothing.
const maxValidateWorkers = 64

func runValidate(e *env, args []string) int {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	ackOut := fs.String("999", "", "write the 999 acknowledgment to this file")
	ta1Out := fs.String("ta1", "", "write the TA1 interchange acknowledgments to this file")
	caOut := fs.String("277ca", "", "write the 277CA claim acknowledgment to this file")
	format := fs.String("format", "text", "text or json")
	control := fs.Int64("control", 0, "control number of the first 999 (default: the next in the state file)")
	cms := fs.String("cms", "", "CMS HCPCS release to overlay on the embedded code set")
	codes := fs.String("codes", "", "folder of imported CMS releases")
	state := fs.String("state", "", "control number state file")
	allSets := fs.Bool("sets", false, "list every transaction set")
	workers := fs.Int("workers", 0, "transaction sets checked at once (default: one per CPU)")
	name, err := parseWithFile(fs, args)
	if err != nil {
		return exitInput
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(e.stderr, "perdiem validate: --format %q: want text or json\n", *format)
		return exitInput
	}
	if *control < 0 || *control > ctlnum.Max {
		fmt.Fprintf(e.stderr, "perdiem validate: --control %d: want 1 to %d\n", *control, ctlnum.Max)
		return exitInput
	}
	if *workers < 0 || *workers > maxValidateWorkers {
		fmt.Fprintf(e.stderr, "perdiem validate: --workers %d: want 1 to %d (0: one per CPU)\n", *workers, maxValidateWorkers)
		return exitInput
	}
	opt := x222.Options{Today: today(), Workers: *workers}
	// The code set flags mean what they mean to code and claim.
	copt, err := codingOptions("", "", *cms, *codes)
	if err != nil {
		fmt.Fprintf(e.stderr, "perdiem validate: %v\n", err)
		return exitInput
	}
	opt.Codes = copt.Codes
	// The embedded code set loads on the other CPU while the input is
	// opened and the guide read.
	var embedded chan *codeset.Set
	if opt.Codes == nil {
		embedded = make(chan *codeset.Set, 1)
		go func() { embedded <- codeset.Default() }()
	}
	in, err := openInput(e, name)
	if err != nil {
		fmt.Fprintf(e.stderr, "perdiem validate: %v\n", err)
		return exitInput
	}
	defer in.Close()
	var input io.Reader = in
	var again func() (io.Reader, error)
	if *caOut != "" {
		var done func()
		input, again, done, err = rereadable(e, name, in)
		if err != nil {
			fmt.Fprintf(e.stderr, "perdiem validate: %v\n", err)
			return exitFindings
		}
		defer done()
	}
	src, stop := readProgress(e, input, "validated")
	br := bufio.NewReaderSize(src, 1<<16)
	check := func(r io.Reader, sink x222.Sink) (*x222.Report, error) {
		o := opt
		o.Sink = sink
		return x222.Validate(r, o)
	}
	// Input that is not X12, or has no ST near its start, goes to the 837P
	// validator, which says where it breaks.
	kind, version, _ := transactionKind(br)
	switch kind {
	case "", "837":
		x222.X222A1()
	case "835":
		x221.X221A1()
		check = func(r io.Reader, sink x222.Sink) (*x222.Report, error) {
			return x221.Validate(r, guide.Options{MaxFindings: opt.MaxFindings, Workers: opt.Workers, Sink: sink})
		}
	default:
		stop()
		fmt.Fprintf(e.stderr, "perdiem validate: %s: this is a %s; validate checks 837P (005010X222A1) and 835 (005010X221A1)\n", name, describeKind(kind, version))
		return exitInput
	}
	if *caOut != "" && kind == "835" {
		stop()
		fmt.Fprintf(e.stderr, "perdiem validate: %s: --277ca acknowledges the claims of an 837P; this is an 835\n", name)
		return exitInput
	}
	if embedded != nil {
		opt.Codes = <-embedded
	}
	// What validation keeps alive is the input in flight and the tables
	// that find repeated control numbers and claims, a few tens of MB
	// at most, and it allocates little: collecting garbage at a quarter
	// over the live heap, not the default double, keeps the peak near it
	// at a cost of about one percent of the time. The guide and the code
	// set, read above, are most of what is allocated before: at a quarter
	// the collector would run a dozen times while they are built.
	defer debug.SetGCPercent(debug.SetGCPercent(25))
	var ca *caSink
	if *caOut != "" {
		ca = newCASink()
	}
	out := bufio.NewWriterSize(e.stdout, 64<<10)
	var rs reportSink = &textReport{w: out, all: *allSets}
	if *format == "json" {
		rs = &jsonReport{w: out, all: *allSets}
	}
	ta1s := &ta1Sink{}
	validate := func(sink x222.Sink) (*x222.Report, error) {
		ta1s.Sink = sink
		if ca != nil {
			ca.Sink = sink
			ta1s.Sink = ca
		}
		rep, err := check(br, ta1s)
		stop()
		return rep, err
	}
	var rep *x222.Report
	var ackErr error
	if *ackOut == "" {
		rep, err = validate(rs)
	} else {
		// The 999 is written as the sets are checked, into a file that
		// appears whole or not at all.
		ackErr = writeOutput(e, *ackOut, []string{name, *state}, func(w io.Writer) error {
			statePath, floor, err := resolveState(e, "validate", *state, *ackOut)
			if err != nil {
				return err
			}
			acks := &ackSink{reportSink: rs, w: w, statePath: statePath, floor: floor, first: *control, t: now().UTC()}
			defer acks.endSpool(false)
			rep, err = validate(acks)
			if err != nil {
				return err
			}
			return acks.close()
		})
		if ackErr != nil && err == nil {
			err = &ackError{ackErr}
		}
	}
	if err != nil {
		var se *x12.SyntaxError
		var oe *outputError
		var ae *ackError
		switch {
		case errors.As(err, &ae):
			out.Flush()
			fmt.Fprintf(e.stderr, "perdiem validate: writing the 999: %v\n", ae.err)
			return exitInput
		case errors.As(err, &oe):
			fmt.Fprintf(e.stderr, "perdiem validate: writing the report: %v\n", oe.err)
			return exitFindings
		case errors.As(err, &se):
			fmt.Fprintf(e.stderr, "perdiem validate: %s: %v\n", name, err)
		default:
			fmt.Fprintf(e.stderr, "perdiem validate: reading %s: %v\n", name, err)
		}
		return exitInput
	}
	if err := rs.summary(rep); err != nil {
		fmt.Fprintf(e.stderr, "perdiem validate: writing the report: %v\n", err)
		return exitFindings
	}
	if *ta1Out != "" {
		if err := writeTA1s(e, ta1s.ends, *ta1Out, name, *state); err != nil {
			fmt.Fprintf(e.stderr, "perdiem validate: writing the TA1: %v\n", err)
			return exitInput
		}
	}
	caMsg := ""
	if ca != nil {
		r, err := again()
		var sum caSummary
		if err == nil {
			sum, err = write277CA(e, ca, r, *caOut, name, *state)
		}
		if err != nil {
			fmt.Fprintf(e.stderr, "perdiem validate: writing the 277CA: %v\n", err)
			return exitInput
		}
		caMsg = caNote(*caOut, sum)
	}
	for _, ic := range ta1s.ends {
		if ic.Ack == "R" {
			fmt.Fprintf(e.stderr, "perdiem validate: interchange %s is rejected (TA1 note %s): its groups are not acknowledged in a 999\n", ic.Control, ic.Notes[0])
		}
	}
	if *ackOut != "" {
		left := "business findings are not in it (they belong on a 277CA)"
		if kind == "835" {
			left = "business findings (the balances) are not in it: a 999 has no place for them"
		}
		fmt.Fprintf(e.stderr, "perdiem validate: wrote the 999 to %s; %s\n", *ackOut, left)
	}
	if caMsg != "" {
		fmt.Fprintf(e.stderr, "perdiem validate: %s\n", caMsg)
	}
	if rep.Valid() {
		return exitOK
	}
	return exitFindings
}

// ackError is a failure to write the 999.
type ackError struct{ err error }

func (e *ackError) Error() string { return e.err.Error() }

func wrapAck(err error) error {
	if err == nil {
		return nil
	}
	return &ackError{err}
}

// outputError is a failure to write the report, told apart from a failure
// to read the input.
type outputError struct{ err error }

func (e *outputError) Error() string { return e.err.Error() }

func wrapOutput(err error) error {
	if err == nil {
		return nil
	}
	return &outputError{err}
}

// reportSink writes the report as Validate streams it, then its summary.
type reportSink interface {
	x222.Sink
	summary(rep *x222.Report) error
}

// textReport writes one line per finding, a line for each transaction set
// with findings (or every set), and a summary.
type textReport struct {
	w   *bufio.Writer
	all bool
	// sets a 999 accepts in the open interchange, and those later
	// rejected with their group or interchange
	icAccepted, rejected int
}

func (r *textReport) Interchange(x222.InterchangeInfo) error { return nil }

func (r *textReport) Finding(f x222.Finding) error {
	_, err := fmt.Fprintln(r.w, f)
	return wrapOutput(err)
}

func (r *textReport) Set(g *x222.GroupResult, s *x222.SetResult, findings []x222.Finding) error {
	for _, f := range findings {
		fmt.Fprintln(r.w, f)
	}
	if !r.all && s.Errors == 0 && s.Business == 0 {
		return nil
	}
	verdict := "accepted"
	if !s.Accepted {
		verdict = "rejected"
	}
	fmt.Fprintf(r.w, "group %s set %s: %s in a 999 (%d errors); %d claims, %d business findings",
		g.Control, s.Control, verdict, s.Errors, s.Claims, s.Business)
	switch {
	case s.Business > 0 && s.ID == "835":
		fmt.Fprint(r.w, " (balancing: not carried in a 999)")
	case s.Business > 0:
		fmt.Fprint(r.w, " (277CA-level: not carried in a 999)")
	}
	_, err := fmt.Fprintln(r.w)
	return wrapOutput(err)
}

func (r *textReport) Group(g *x222.GroupResult) error {
	r.icAccepted += g.Accepted
	if len(g.Codes) == 0 {
		return nil
	}
	r.icAccepted -= g.Accepted
	r.rejected += g.Accepted
	_, err := fmt.Fprintf(r.w, "group %s: rejected in the 999 (AK905 %s); its transaction sets are not accepted\n", g.Control, strings.Join(g.Codes, ", "))
	return wrapOutput(err)
}

func (r *textReport) summary(rep *x222.Report) error {
	total := 0
	for _, n := range rep.Counts {
		total += n
	}
	fmt.Fprintf(r.w, "%d segments, %d findings", rep.Segments, total)
	if rep.Truncated {
		fmt.Fprint(r.w, " (list truncated)")
	}
	for _, l := range levels {
		if rep.Counts[l] > 0 {
			fmt.Fprintf(r.w, ", %s %d", l, rep.Counts[l])
		}
	}
	accepted := rep.Accepted - r.rejected
	fmt.Fprintf(r.w, "\n%d transaction sets: %d accepted, %d rejected in a 999", rep.Sets, accepted, rep.Sets-accepted)
	if r.rejected > 0 {
		fmt.Fprintf(r.w, " (%d of them with their group or interchange)", r.rejected)
	}
	fmt.Fprintln(r.w)
	for _, u := range rep.Unchecked {
		fmt.Fprintf(r.w, "not checked: %s\n", u)
	}
	return r.w.Flush()
}

var levels = []string{x222.LevelSyntax, x222.LevelEnvelope, x222.LevelStructure, x222.LevelElement, x222.LevelBusiness}

// jsonReport writes JSON Lines: one object per interchange, finding outside
// a set, set (with its findings) and group, in file order, then a summary.
type jsonReport struct {
	w   *bufio.Writer
	all bool
}

func (r *jsonReport) line(v any) error {
	// An Encoder, for SetEscapeHTML(false): values quoted in findings
	// ("I&", "HC>12345") are written as they are.
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := r.w.Write(b.Bytes())
	return wrapOutput(err)
}

func (r *jsonReport) Interchange(info x222.InterchangeInfo) error {
	return r.line(struct {
		Type string `json:"type"`
		x222.InterchangeInfo
	}{"interchange", info})
}

func (r *jsonReport) Finding(f x222.Finding) error {
	return r.line(struct {
		Type string `json:"type"`
		x222.Finding
	}{"finding", f})
}

func (r *jsonReport) Set(g *x222.GroupResult, s *x222.SetResult, findings []x222.Finding) error {
	if findings == nil {
		findings = []x222.Finding{}
	}
	return r.line(struct {
		Type  string `json:"type"`
		Group string `json:"group"`
		*x222.SetResult
		Findings []x222.Finding `json:"findings"`
	}{"set", g.Control, s, findings})
}

func (r *jsonReport) Group(g *x222.GroupResult) error {
	c := *g
	c.Sets = nil
	return r.line(struct {
		Type string `json:"type"`
		*x222.GroupResult
		Sets []int `json:"sets,omitempty"` // hides GroupResult.Sets, kept empty when streaming
	}{"group", &c, nil})
}

func (r *jsonReport) summary(rep *x222.Report) error {
	total := 0
	for _, n := range rep.Counts {
		total += n
	}
	err := r.line(struct {
		Type         string         `json:"type"`
		Segments     int            `json:"segments"`
		Findings     int            `json:"findings"`
		Counts       map[string]int `json:"counts"`
		Interchanges int            `json:"interchanges"`
		Sets         int            `json:"sets"`
		Accepted     int            `json:"accepted"`
		Truncated    bool           `json:"truncated,omitempty"`
		Valid        bool           `json:"valid"`
		Unchecked    []string       `json:"unchecked,omitempty"`
	}{"summary", rep.Segments, total, rep.Counts, rep.InterchangeCount, rep.Sets, rep.Accepted, rep.Truncated, rep.Valid(), rep.Unchecked})
	if err != nil {
		return err
	}
	return r.w.Flush()
}

// ackSink writes the 999 as the sets are checked: one 999 interchange per
// functional group, from the receiver back to the sender. Control numbers
// come from the state file (or start at --control) and are reserved before
// a 999 is begun, so a failed write burns numbers rather than reusing them.
type ackSink struct {
	reportSink
	w         io.Writer
	statePath string
	floor     int64 // numbers in a legacy state file count as used
	first     int64
	t         time.Time
	isa       x222.InterchangeInfo
	group     *x222.GroupResult // whose 999 is begun
	gw        *x999.GroupWriter
	n         int // 999s begun
	// spool holds the 999s of the open interchange until its IEA says
	// whether it is accepted (a TA1 alone answers a rejected one), on disk
	// so that memory stays flat.
	spool    *os.File
	spoolBuf *bufio.Writer
}

func (a *ackSink) Interchange(info x222.InterchangeInfo) error {
	a.isa = info
	if err := a.finish(); err != nil {
		return err
	}
	if err := a.endSpool(true); err != nil {
		return wrapAck(err)
	}
	f, err := os.CreateTemp("", "perdiem-999-*")
	if err != nil {
		return wrapAck(err)
	}
	a.spool = f
	if a.spoolBuf == nil {
		a.spoolBuf = bufio.NewWriterSize(f, 64<<10)
	} else {
		a.spoolBuf.Reset(f)
	}
	return a.reportSink.Interchange(info)
}

// dst is where 999s go: the spool of the open interchange, or the output.
func (a *ackSink) dst() io.Writer {
	if a.spool != nil {
		return a.spoolBuf
	}
	return a.w
}

// endSpool copies the spooled 999s to the output when keep is set, and
// removes the spool.
func (a *ackSink) endSpool(keep bool) error {
	f := a.spool
	if f == nil {
		return nil
	}
	a.spool = nil
	defer os.Remove(f.Name())
	defer f.Close()
	if !keep {
		return nil
	}
	if err := a.spoolBuf.Flush(); err != nil {
		return err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	_, err := io.Copy(a.w, f)
	return err
}

func (a *ackSink) Set(g *x222.GroupResult, s *x222.SetResult, findings []x222.Finding) error {
	if err := a.begin(g); err != nil {
		return err
	}
	if err := a.gw.Set(x999.SetAck(s, findings)); err != nil {
		return wrapAck(err)
	}
	return a.reportSink.Set(g, s, findings)
}

func (a *ackSink) Group(g *x222.GroupResult) error {
	if err := a.begin(g); err != nil {
		return err
	}
	if err := a.gw.End(x999.GroupAck(g)); err != nil {
		return wrapAck(err)
	}
	a.gw, a.group = nil, nil
	return a.reportSink.Group(g)
}

// begin starts the 999 of group g unless it is begun.
func (a *ackSink) begin(g *x222.GroupResult) error {
	if a.group == g {
		return nil
	}
	if a.gw != nil {
		if err := a.gw.End(x999.GroupAck(a.group)); err != nil {
			return wrapAck(err)
		}
	}
	req := ctlnum.Request{Floor: a.floor}
	if a.n == 0 && a.first > 0 {
		req.First = a.first
	}
	r, err := ctlnum.Reserve(a.statePath, req)
	if err != nil {
		return wrapAck(err)
	}
	n := r.First()
	if err := r.Commit(); err != nil {
		return wrapAck(err)
	}
	a.n++
	env := x999.Envelope{
		SenderQualifier: a.isa.ReceiverQualifier, SenderID: a.isa.ReceiverID,
		ReceiverQualifier: a.isa.SenderQualifier, ReceiverID: a.isa.SenderID,
		AppSender: g.Receiver, AppReceiver: g.Sender,
		Control: int(n), Date: a.t.Format("20060102"), Time: a.t.Format("1504"), Usage: a.isa.Usage,
	}
	a.group = g
	a.gw, err = x999.Begin(a.dst(), x999.GroupAck(g), env)
	return wrapAck(err)
}

// finish ends a 999 whose group never closed (a set outside any group).
func (a *ackSink) finish() error {
	if a.gw == nil {
		return nil
	}
	err := a.gw.End(x999.GroupAck(a.group))
	a.gw, a.group = nil, nil
	return wrapAck(err)
}

// close ends what is open at the end of the input: a 999 begun, an
// interchange whose IEA never came (the machine has reported it).
func (a *ackSink) close() error {
	if err := a.finish(); err != nil {
		return err
	}
	return wrapAck(a.endSpool(true))
}

// today is the local calendar date, for the future date of service check.
func today() civil.Date {
	t := now()
	return civil.FromYMD(t.Year(), int(t.Month()), t.Day())
}

// ta1Sink passes everything on to the report (and 999) sinks, and keeps
// each interchange as it closes, with its TA1 verdict.
type ta1Sink struct {
	x222.Sink
	ends []x222.InterchangeInfo
}

func (t *ta1Sink) InterchangeEnd(info x222.InterchangeInfo) error {
	t.ends = append(t.ends, info)
	if c, ok := t.Sink.(guide.InterchangeCloser); ok {
		return c.InterchangeEnd(info)
	}
	return nil
}

// writeTA1s writes one TA1 interchange for each interchange of the input,
// from its receiver back to its sender, with control numbers from the
// state file.
func writeTA1s(e *env, ends []x222.InterchangeInfo, path, input, stateFlag string) error {
	t := now().UTC()
	return writeOutput(e, path, []string{input, stateFlag}, func(w io.Writer) error {
		statePath, floor, err := resolveState(e, "validate", stateFlag, path)
		if err != nil {
			return err
		}
		for _, ic := range ends {
			r, err := ctlnum.Reserve(statePath, ctlnum.Request{Floor: floor})
			if err != nil {
				return err
			}
			n := r.First()
			if err := r.Commit(); err != nil {
				return err
			}
			env := ta1.Envelope{SenderQualifier: ic.ReceiverQualifier, SenderID: ic.ReceiverID,
				ReceiverQualifier: ic.SenderQualifier, ReceiverID: ic.SenderID,
				Control: int(n), Date: t.Format("20060102"), Time: t.Format("1504"), Usage: ic.Usage}
			if err := ta1.Write(w, ta1.FromInterchange(ic), env); err != nil {
				return err
			}
		}
		return nil
	})
}

func (r *textReport) InterchangeEnd(ic x222.InterchangeInfo) error {
	if ic.Ack != "R" {
		return nil
	}
	r.rejected += r.icAccepted
	r.icAccepted = 0
	_, err := fmt.Fprintf(r.w, "interchange %s: rejected in a TA1 (TA105 %s); its transaction sets are not accepted\n", ic.Control, strings.Join(ic.Notes, ", "))
	return wrapOutput(err)
}

func (r *jsonReport) InterchangeEnd(ic x222.InterchangeInfo) error {
	return r.line(struct {
		Type string `json:"type"`
		ta1.Ack
		Notes []string `json:"notes,omitempty"`
	}{"ta1", ta1.FromInterchange(ic), ic.Notes})
}

// InterchangeEnd drops the 999s of a rejected interchange: a clearinghouse
// answers it with a TA1 alone.
func (a *ackSink) InterchangeEnd(ic x222.InterchangeInfo) error {
	if err := a.finish(); err != nil {
		return err
	}
	if err := a.endSpool(ic.Ack != "R"); err != nil {
		return wrapAck(err)
	}
	if c, ok := a.reportSink.(guide.InterchangeCloser); ok {
		return c.InterchangeEnd(ic)
	}
	return nil
}
