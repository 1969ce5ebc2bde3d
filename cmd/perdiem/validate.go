package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/ctlnum"

	"github.com/perdiem/perdiem/x12"
	"github.com/perdiem/perdiem/x12/guide"
	"github.com/perdiem/perdiem/x12/x221"
	"github.com/perdiem/perdiem/x12/x222"
	"github.com/perdiem/perdiem/x12/x999"
)

func init() {
	register(command{
		name:  "validate",
		usage: "validate FILE|- [--999 OUT] [--format text|json] [--cms FILE] [--control N] [--state FILE]",
		summary: `Validate an 837P (005010X222A1) or an 835 (005010X221A1) file as a
clearinghouse front end does.

The kind is taken from the first transaction set (ST01, GS08); any other
kind (a 999, a 277) is named and refused with exit status 2. Checks syntax,
envelopes (counts, control numbers), loops and segments against the
implementation guide, element codes, dates and lengths, and business rules:
for an 837P claim balancing, NPI check digits, billing address, diagnosis
pointers, NDC and ICD-10 shapes, procedure codes and modifiers against the
code set in force on each date of service; for an 835 its three balances
(each service line SVC02 − CAS = SVC03, each claim CLP03 − CAS = CLP04, the
transaction ΣCLP04 − ΣPLB = BPR02). Prints one line per finding:

  level segment-number SEGID loop element: message

then a summary. Exit status 0 when there are no findings, 1 when there are,
2 when the input cannot be read as X12 at all.

  --999 OUT           also write the 999 acknowledgment to OUT. Business findings
                      are not in it: a 999 has no place for them (a 277CA does)
  --control N         interchange and group control number of the first 999 (default: the
                      next number in the state file, so no 999 reuses one)
  --state FILE        control number state file (default: .perdiem-control beside the 999)
  --format text|json  text (default) or the whole report as JSON
  --cms FILE          a newer CMS HCPCS release (.zip or fixed-width .txt) over the embedded
                      code set, for the procedure code and modifier checks`,
		run: runValidate,
	})
}

func runValidate(e *env, args []string) int {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	ackOut := fs.String("999", "", "write the 999 acknowledgment to this file")
	format := fs.String("format", "text", "text or json")
	control := fs.Int64("control", 0, "control number of the first 999 (default: the next in the state file)")
	cms := fs.String("cms", "", "CMS HCPCS release to overlay on the embedded code set")
	state := fs.String("state", "", "control number state file (default: "+ctlnum.DefaultName+" beside the 999)")
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
	opt := x222.Options{Codes: codeset.Default(), Today: today()}
	if *cms != "" {
		rows, err := codeset.OpenCMS(*cms)
		if err != nil {
			fmt.Fprintf(e.stderr, "perdiem validate: --cms: %v\n", err)
			return exitInput
		}
		opt.Codes = opt.Codes.With(rows)
	}
	in, err := openInput(e, name)
	if err != nil {
		fmt.Fprintf(e.stderr, "perdiem validate: %v\n", err)
		return exitInput
	}
	defer in.Close()
	src, stop := readProgress(e, in, "validated")
	br := bufio.NewReaderSize(src, 1<<16)
	validate := func(r io.Reader) (*x222.Report, error) { return x222.Validate(r, opt) }
	// Input that is not X12, or has no ST near its start, goes to the 837P
	// validator, which says where it breaks.
	switch kind, version, _ := transactionKind(br); kind {
	case "", "837":
	case "835":
		validate = func(r io.Reader) (*x222.Report, error) {
			return x221.Validate(r, guide.Options{MaxFindings: opt.MaxFindings})
		}
	default:
		stop()
		fmt.Fprintf(e.stderr, "perdiem validate: %s: this is a %s; validate checks 837P (005010X222A1) and 835 (005010X221A1)\n", name, describeKind(kind, version))
		return exitInput
	}
	rep, err := validate(br)
	stop()
	if err != nil {
		var se *x12.SyntaxError
		if errors.As(err, &se) {
			fmt.Fprintf(e.stderr, "perdiem validate: %s: %v\n", name, err)
		} else {
			fmt.Fprintf(e.stderr, "perdiem validate: reading %s: %v\n", name, err)
		}
		return exitInput
	}
	if *format == "json" {
		if code := writeJSON(e, "validate", rep); code != exitOK {
			return code
		}
	} else {
		for _, f := range rep.Findings {
			fmt.Fprintln(e.stdout, f)
		}
		printSummary(e, rep)
	}
	if *ackOut != "" {
		statePath := *state
		if statePath == "" {
			statePath = ctlnum.DefaultPath(*ackOut)
		}
		if err := writeAcks(e, rep, *ackOut, statePath, *control); err != nil {
			fmt.Fprintf(e.stderr, "perdiem validate: writing the 999: %v\n", err)
			return exitInput
		}
	}
	if rep.Valid() {
		return exitOK
	}
	return exitFindings
}

func printSummary(e *env, rep *x222.Report) {
	counts := map[string]int{}
	for _, f := range rep.Findings {
		counts[f.Level]++
	}
	fmt.Fprintf(e.stdout, "%d segments, %d findings", rep.Segments, len(rep.Findings))
	if rep.Truncated {
		fmt.Fprint(e.stdout, " (list truncated)")
	}
	for _, l := range []string{x222.LevelSyntax, x222.LevelEnvelope, x222.LevelStructure, x222.LevelElement, x222.LevelBusiness} {
		if counts[l] > 0 {
			fmt.Fprintf(e.stdout, ", %s %d", l, counts[l])
		}
	}
	fmt.Fprintln(e.stdout)
	for _, g := range rep.Groups {
		for _, s := range g.Sets {
			verdict := "accepted"
			if !s.Accepted {
				verdict = "rejected"
			}
			fmt.Fprintf(e.stdout, "group %s set %s: %s in a 999 (%d errors); %d claims, %d business findings",
				g.Control, s.Control, verdict, s.Errors, s.Claims, s.Business)
			switch {
			case s.Business > 0 && s.ID == "835":
				fmt.Fprint(e.stdout, " (balancing: not carried in a 999)")
			case s.Business > 0:
				fmt.Fprint(e.stdout, " (277CA-level: not carried in a 999)")
			}
			fmt.Fprintln(e.stdout)
		}
	}
}

// writeAcks writes one 999 interchange per functional group, from the
// receiver back to the sender. Control numbers come from the state file
// (or start at --control) and are reserved before anything is written, so a
// failed write burns numbers rather than reusing them; the file appears
// whole or not at all.
func writeAcks(e *env, rep *x222.Report, path, statePath string, first int64) error {
	t := now().UTC()
	var isa x222.InterchangeInfo
	if len(rep.Interchanges) > 0 {
		isa = rep.Interchanges[0]
	}
	var buf bytes.Buffer
	for i, g := range rep.Groups {
		var n int64
		var err error
		if i == 0 && first > 0 {
			n, err = ctlnum.Use(statePath, first)
		} else {
			n, err = ctlnum.Next(statePath)
		}
		if err != nil {
			return err
		}
		env := x999.Envelope{
			SenderQualifier: isa.ReceiverQualifier, SenderID: isa.ReceiverID,
			ReceiverQualifier: isa.SenderQualifier, ReceiverID: isa.SenderID,
			AppSender: g.Receiver, AppReceiver: g.Sender,
			Control: int(n), Date: t.Format("20060102"), Time: t.Format("1504"), Usage: isa.Usage,
		}
		if err := x999.Write(&buf, x999.FromReport(rep, i), env); err != nil {
			return err
		}
	}
	if err := writeFileAtomic(path, func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err }); err != nil {
		return err
	}
	left := "business findings are not in it (they belong on a 277CA)"
	if len(rep.Groups) > 0 && len(rep.Groups[0].Sets) > 0 && rep.Groups[0].Sets[0].ID == "835" {
		left = "business findings (the balances) are not in it: a 999 has no place for them"
	}
	fmt.Fprintf(e.stderr, "perdiem validate: wrote the 999 to %s; %s\n", path, left)
	return nil
}

// today is the local calendar date, for the future date of service check.
func today() civil.Date {
	t := now()
	return civil.FromYMD(t.Year(), int(t.Month()), t.Day())
}
