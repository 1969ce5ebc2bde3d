package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/coding"
	"github.com/perdiem/perdiem/ctlnum"
	"github.com/perdiem/perdiem/episode"
	"github.com/perdiem/perdiem/internal/atomicfile"
	"github.com/perdiem/perdiem/x12/x837p"
)

func init() {
	register(command{
		name:  "claim",
		usage: "claim FILE|- [--out F] [--jsonl] [--profile ID] [--profile-file F] [--codes DIR | --cms FILE] [--control N] [--state FILE] [--usage T|P]",
		summary: `Write an X12 837P claim file from episode documents with a claim block.

Decodes each document, checks its claim block, codes it and writes all the
claims into one interchange (ISA…IEA). All or nothing: if any document has a
problem, every problem is printed on standard error with its field path
(and its line number with --jsonl), the exit status is 2, nothing is written
and no control number is used. A claim of more than 50 lines is written as
several claims <id>-1, <id>-2, … and a note says so.

  --out F         write the interchange to F (through a temporary file renamed
                  into place); default standard output
  --jsonl         one document per input line, all in one interchange
  --profile ID    payer profile (overrides the documents' "profile")
  --profile-file F  a payer profile file of your own
  --codes DIR     code against the CMS releases imported into DIR (perdiem codes import)
  --cms FILE      a newer CMS HCPCS release over the embedded code set
  --control N     use N as the interchange control number (ISA13/GS06); it must
                  be above the last number recorded in the state file
  --state FILE    control number state file; default .perdiem-control in the
                  directory of --out (the current directory without --out).
                  Every file written to one directory draws from one sequence,
                  so no ISA13 repeats; a number is recorded before the file is
                  written, so a failed write skips a number rather than reuse it
  --usage T|P     ISA15 test or production; default the documents'
                  interchange.usage, else T`,
		run: runClaim,
	})
}

// now is the interchange time; tests fix it.
var now = time.Now

type claimFlags struct {
	out, profileID, profileFile, cms, codes, state, usage string
	jsonl                                                 bool
	control                                               int64
}

// claimDoc is one input document on its way to the interchange.
type claimDoc struct {
	line   int // 1-based line with --jsonl, 0 otherwise
	doc    *episode.Document
	claims []*x837p.Claim
}

func runClaim(e *env, args []string) int {
	fs := flag.NewFlagSet("claim", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var f claimFlags
	fs.StringVar(&f.out, "out", "", "output file")
	fs.BoolVar(&f.jsonl, "jsonl", false, "one document per line")
	fs.StringVar(&f.profileID, "profile", "", "payer profile id")
	fs.StringVar(&f.profileFile, "profile-file", "", "payer profile file")
	fs.StringVar(&f.cms, "cms", "", "CMS HCPCS release to overlay")
	fs.StringVar(&f.codes, "codes", "", "folder of imported CMS releases")
	fs.Int64Var(&f.control, "control", 0, "interchange control number")
	fs.StringVar(&f.state, "state", "", "control number state file")
	fs.StringVar(&f.usage, "usage", "", "T or P")
	name, err := parseWithFile(fs, args)
	if err != nil {
		return exitInput
	}
	fail := func(format string, args ...any) int {
		fmt.Fprintf(e.stderr, "perdiem claim: "+format+"\n", args...)
		return exitInput
	}
	if f.usage != "" && f.usage != "T" && f.usage != "P" {
		return fail("--usage %q: want T (test) or P (production)", f.usage)
	}
	if f.control < 0 || f.control > ctlnum.Max {
		return fail("--control %d: want 1..%d", f.control, ctlnum.Max)
	}
	opt, err := codingOptions(f.profileID, f.profileFile, f.cms, f.codes)
	if err != nil {
		return fail("%v", err)
	}
	in, err := openInput(e, name)
	if err != nil {
		return fail("%v", err)
	}
	defer in.Close()

	docs, bad := readClaimDocs(e, name, in, f.jsonl, opt)
	usage, envBad := interchangeOf(e, name, docs, f.usage)
	if bad || envBad {
		return exitInput
	}
	var claims []*x837p.Claim
	for _, d := range docs {
		claims = append(claims, d.claims...)
	}

	state := f.state
	if state == "" {
		state = ctlnum.DefaultPath(f.out)
	}
	var num int64
	if f.control != 0 {
		num, err = ctlnum.Use(state, f.control)
	} else {
		num, err = ctlnum.Next(state)
	}
	var used *ctlnum.UsedError
	switch {
	case errors.As(err, &used):
		return fail("--control: %v", err)
	case err != nil:
		fmt.Fprintf(e.stderr, "perdiem claim: control number: %v\n", err)
		return exitFindings
	}
	ctl := x837p.Control{Number: num, Time: now(), Usage: usage}
	if err := writeInterchange(e, f.out, claims, ctl); err != nil {
		fmt.Fprintf(e.stderr, "perdiem claim: %v (control number %d is used up)\n", err, num)
		return exitFindings
	}
	dest := f.out
	if dest == "" {
		dest = "standard output"
	}
	fmt.Fprintf(e.stderr, "perdiem claim: %d claim(s) from %d document(s) in interchange %09d (%s) to %s\n", len(claims), len(docs), num, usage, dest)
	return exitOK
}

// readClaimDocs decodes, checks, codes and builds every document, printing
// each problem; bad says whether there was any.
func readClaimDocs(e *env, name string, in io.Reader, jsonl bool, opt coding.Options) (docs []claimDoc, bad bool) {
	report := func(line int, err error) {
		bad = true
		printProblems(e.stderr, docName(name, line), err)
	}
	one := func(line int, data []byte) {
		d, err := buildClaimDoc(data, opt)
		if err != nil {
			report(line, err)
			return
		}
		d.line = line
		if len(d.claims) > 1 {
			fmt.Fprintf(e.stderr, "%s: note: claim %s has more than %d lines; written as %d claims %s-1 … %s-%d\n",
				docName(name, line), d.doc.Claim.ID, x837p.MaxLines, len(d.claims), d.doc.Claim.ID, d.doc.Claim.ID, len(d.claims))
		}
		docs = append(docs, d)
	}
	if !jsonl {
		data, err := io.ReadAll(in)
		if err != nil {
			report(0, err)
			return nil, true
		}
		one(0, data)
		return docs, bad
	}
	r := bufio.NewReaderSize(in, 1<<16)
	for line := 1; ; line++ {
		data, err := readLine(r, nil)
		if len(bytes.TrimSpace(data)) > 0 {
			one(line, data)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			report(line, err)
			break
		}
	}
	if len(docs) == 0 && !bad {
		report(0, errors.New("no documents"))
	}
	return docs, bad
}

// docName names a document in messages: the input, and its line with --jsonl.
func docName(name string, line int) string {
	if line == 0 {
		return name
	}
	return fmt.Sprintf("%s:%d", name, line)
}

func buildClaimDoc(data []byte, opt coding.Options) (claimDoc, error) {
	doc, err := episode.Decode(data)
	if err != nil {
		return claimDoc{}, err
	}
	if probs := doc.ValidateClaim(); len(probs) > 0 {
		return claimDoc{}, &episode.Error{Problems: probs}
	}
	var res *claim.Result
	if res, err = coding.Code(doc, opt); err != nil {
		return claimDoc{}, err
	}
	cl, err := coding.Claim(doc, res)
	if err != nil {
		return claimDoc{}, err
	}
	codes := opt.Codes
	if codes == nil {
		codes = codeset.Default()
	}
	c, err := x837p.Build(cl, x837p.Options{Codes: codes})
	if err != nil {
		return claimDoc{}, coding.InDocument(doc, cl, err)
	}
	claims, err := x837p.Split(c)
	if err != nil {
		return claimDoc{}, &episode.Error{Problems: []episode.Problem{{Path: "claim.id", Message: err.Error()}}}
	}
	return claimDoc{doc: doc, claims: claims}, nil
}

// interchangeOf checks that the documents can share one interchange (same
// sender and receiver, one usage) and returns ISA15.
func interchangeOf(e *env, name string, docs []claimDoc, flagUsage string) (usage string, bad bool) {
	if len(docs) == 0 {
		return "", false
	}
	first := docs[0].doc.Claim.Interchange
	usage = flagUsage
	for _, d := range docs {
		ic := d.doc.Claim.Interchange
		where := docName(name, d.line)
		if ic.Sender != first.Sender || ic.Receiver != first.Receiver {
			fmt.Fprintf(e.stderr, "%s: claim.interchange: sender %q, receiver %q; the first document has %q, %q, and one interchange has one of each\n",
				where, ic.Sender, ic.Receiver, first.Sender, first.Receiver)
			bad = true
		}
		if flagUsage == "" && ic.Usage != "" {
			if usage != "" && usage != ic.Usage {
				fmt.Fprintf(e.stderr, "%s: claim.interchange.usage: %q, but an earlier document has %q; use --usage\n", where, ic.Usage, usage)
				bad = true
			}
			usage = ic.Usage
		}
	}
	if usage == "" {
		usage = "T"
	}
	return usage, bad
}

// writeInterchange writes to out through a temporary file in the same
// directory, renamed into place only when complete; to standard output
// through a buffer, so a failure prints nothing.
func writeInterchange(e *env, out string, claims []*x837p.Claim, ctl x837p.Control) error {
	if out == "" || out == "-" {
		var buf bytes.Buffer
		if err := x837p.Write(&buf, claims, ctl); err != nil {
			return err
		}
		_, err := e.stdout.Write(buf.Bytes())
		return err
	}
	return writeFileAtomic(out, func(w io.Writer) error { return x837p.Write(w, claims, ctl) })
}

// writeFileAtomic writes an output file whole or not at all.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	return atomicfile.Write(path, 0o644, write)
}
