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
	"github.com/perdiem/perdiem/x12/x837p"
)

func init() {
	register(command{
		name:  "claim",
		usage: "claim FILE|- [--out F] [--jsonl] [--profile ID] [--profile-file F] [--codes DIR | --cms FILE] [--control N] [--state FILE] [--usage T|P]",
		summary: `Write an X12 837P claim file from episode documents with a claim block.

Decodes each document, checks its claim block, codes it and writes all the
claims into one interchange (ISA…IEA), at most 5,000 claims per transaction
set (ST…SE) as the guide recommends. All or nothing: if any document has a
problem, every problem is printed on standard error with its field path
(and its line number with --jsonl), the exit status is 2, nothing is written
and no control number is used. A claim of more than 50 lines is written as
several claims <id>-1, <id>-2, … and a note says so. Memory stays flat at
any batch size: the claims are checked in a first pass and kept in a
temporary file (mode 0600, unlinked at once) until they are written.

  --out F         write the interchange to F; default standard output. A regular
                  file is written whole or not at all (a temporary file beside it,
                  renamed into place); a new one gets mode 0600, an existing one
                  keeps its mode; a symbolic link's target is replaced; a device
                  or FIFO is written through. F must not be one of the inputs
  --jsonl         one document per input line, all in one interchange
  --profile ID    payer profile (overrides the documents' "profile")
  --profile-file F  a payer profile file of your own
  --codes DIR     code against the CMS releases imported into DIR (perdiem codes import)
  --cms FILE      a newer CMS HCPCS release over the embedded code set
  --control N     use N as the interchange control number (ISA13/GS06); it must
                  be above the last number recorded in the state file
  --state FILE    control number state file; default $PERDIEM_STATE, else
                  $XDG_STATE_HOME/perdiem/control-number (~/.local/state/… on
                  Unix, ~/Library/Application Support/… on macOS,
                  %LocalAppData%\perdiem\… on Windows), whatever the current
                  directory. The number is recorded before the first byte is
                  written and given back if the output is lost before any of it
                  could be seen (a temporary file removed, a full device);
                  once part of it may have been seen, it stays used. No number
                  is ever reused
  --usage T|P     ISA15 test or production; default the documents'
                  interchange.usage, else T`,
		run: runClaim,
	})
}

// now is the interchange time; tests fix it.
var now = time.Now

type claimFlags struct {
	engineFlags
	out, state, usage string
	jsonl             bool
	control           int64
}

func runClaim(e *env, args []string) int {
	fs := flag.NewFlagSet("claim", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var f claimFlags
	fs.StringVar(&f.out, "out", "", "output file")
	fs.BoolVar(&f.jsonl, "jsonl", false, "one document per line")
	f.engineFlags.register(fs)
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
	opt, err := f.options()
	if err != nil {
		return fail("%v", err)
	}
	in, err := openInput(e, name)
	if err != nil {
		return fail("%v", err)
	}
	defer in.Close()

	// First pass: decode, check, code and build every document, keeping
	// the claims in a spill (memory, then an unnamed temporary file), so
	// nothing is written and no control number is taken unless all of
	// them are good.
	sp := newSpill()
	defer sp.close()
	b := claimBatch{e: e, name: name, flagUsage: f.usage, spill: sp, opt: opt}
	b.read(in, f.jsonl)
	if b.bad {
		return exitInput
	}
	if b.err != nil {
		fmt.Fprintf(e.stderr, "perdiem claim: %v\n", b.err)
		return exitFindings
	}
	usage := b.usage
	if usage == "" {
		usage = "T"
	}

	// Second pass: reserve the control number and write the claims back
	// out of the spill.
	out, err := openOutput(e, f.out, name, f.profileFile, f.cms, f.state)
	if err != nil {
		return fail("%v", err)
	}
	res, err := writeNumbered(e, "claim", out, f.state, f.out, ctlnum.Request{First: f.control}, func(w io.Writer, num int64) error {
		ctl := x837p.Control{Number: num, Time: now(), Usage: usage}
		return sp.replay(func(next func() (*x837p.Claim, error)) error {
			enc := x837p.NewEncoder(w)
			if err := enc.Begin(b.first, ctl); err != nil {
				return err
			}
			for {
				c, err := next()
				if err == io.EOF {
					return enc.End()
				}
				if err != nil {
					return err
				}
				if err := enc.Add(c); err != nil {
					return err
				}
			}
		})
	})
	var used *ctlnum.UsedError
	switch {
	case errors.As(err, &used):
		return fail("--control: %v", err)
	case err != nil && res.first == 0:
		fmt.Fprintf(e.stderr, "perdiem claim: control number: %v\n", err)
		return exitFindings
	case err != nil && res.burned:
		fmt.Fprintf(e.stderr, "perdiem claim: writing %s: %v (part of interchange %09d may have been delivered: control number %d is used up)\n", outputName(f.out), err, res.first, res.first)
		return exitFindings
	case err != nil:
		fmt.Fprintf(e.stderr, "perdiem claim: writing %s: %v (nothing written; control number %d not used)\n", outputName(f.out), err, res.first)
		return exitFindings
	}
	fmt.Fprintf(e.stderr, "perdiem claim: %d claim(s) from %d document(s) in interchange %09d (%s) to %s\n", b.claims, b.docs, res.first, usage, outputName(f.out))
	return exitOK
}

// claimBatch is the first pass over the documents: each is built and
// checked, and its claims spilled; only what the interchange needs from
// all of them (its envelope and usage) is kept.
type claimBatch struct {
	e         *env
	name      string
	flagUsage string
	opt       coding.Options
	spill     *spill

	first   *x837p.Claim // the interchange's envelope comes from it
	firstIC episode.Interchange
	usage   string
	docs    int
	claims  int
	bad     bool  // a document had problems (all are printed)
	err     error // the spill failed
}

func (b *claimBatch) report(line int, err error) {
	b.bad = true
	printProblems(b.e.stderr, docName(b.name, line), err)
}

func (b *claimBatch) read(in io.Reader, jsonl bool) {
	if !jsonl {
		data, err := readAllLimited(in, maxDocument)
		if err != nil {
			b.report(0, err)
			return
		}
		b.one(0, data)
		return
	}
	r := bufio.NewReaderSize(in, 1<<16)
	for line := 1; ; line++ {
		data, err := readLine(r, nil)
		if errors.Is(err, errLineTooLong) {
			b.report(line, err)
			err = nil
		}
		if len(bytes.TrimSpace(data)) > 0 {
			b.one(line, data)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			b.report(line, err)
			break
		}
	}
	if b.docs == 0 && !b.bad {
		b.report(0, errors.New("no documents"))
	}
}

// one builds one document and spills its claims.
func (b *claimBatch) one(line int, data []byte) {
	doc, claims, err := buildClaims(data, b.opt)
	if err != nil {
		b.report(line, err)
		return
	}
	where := docName(b.name, line)
	if len(claims) > 1 {
		fmt.Fprintf(b.e.stderr, "%s: note: claim %s has more than %d lines; written as %d claims %s-1 … %s-%d\n",
			where, doc.Claim.ID, x837p.MaxLines, len(claims), doc.Claim.ID, doc.Claim.ID, len(claims))
	}
	ic := doc.Claim.Interchange
	if b.first == nil {
		b.first, b.firstIC = claims[0], ic
	}
	if ic.Sender != b.firstIC.Sender || ic.Receiver != b.firstIC.Receiver {
		fmt.Fprintf(b.e.stderr, "%s: claim.interchange: sender %q, receiver %q; the first document has %q, %q, and one interchange has one of each\n",
			where, ic.Sender, ic.Receiver, b.firstIC.Sender, b.firstIC.Receiver)
		b.bad = true
	} else {
		for _, c := range claims {
			if err := x837p.Check(c, b.first); err != nil {
				b.report(line, fmt.Errorf("claim %s: %w", c.ID, err))
			}
		}
	}
	if b.flagUsage != "" {
		b.usage = b.flagUsage
	} else if ic.Usage != "" {
		if b.usage != "" && b.usage != ic.Usage {
			fmt.Fprintf(b.e.stderr, "%s: claim.interchange.usage: %q, but an earlier document has %q; use --usage\n", where, ic.Usage, b.usage)
			b.bad = true
		}
		b.usage = ic.Usage
	}
	b.docs++
	b.claims += len(claims)
	if b.bad || b.err != nil {
		return // nothing will be written: stop spilling, keep checking
	}
	for _, c := range claims {
		if err := b.spill.add(c); err != nil {
			b.err = err
			return
		}
	}
}

// docName names a document in messages: the input, and its line with --jsonl.
func docName(name string, line int) string {
	if line == 0 {
		return name
	}
	return fmt.Sprintf("%s:%d", name, line)
}

// buildClaims decodes, checks, codes and builds one document into its
// claims (more than one when it has over 50 lines).
func buildClaims(data []byte, opt coding.Options) (*episode.Document, []*x837p.Claim, error) {
	doc, _, c, err := codeClaim(data, opt)
	if err != nil {
		return nil, nil, err
	}
	claims, err := x837p.Split(c)
	if err != nil {
		return nil, nil, &episode.Error{Problems: []episode.Problem{{Path: "claim.id", Message: err.Error()}}}
	}
	return doc, claims, nil
}

// codeClaim decodes, checks and codes one document with a claim block, and
// builds its claim in X12 form: the claim as coding made it (with the
// reasons of its lines) and as the 837P carries it.
func codeClaim(data []byte, opt coding.Options) (*episode.Document, *claim.Claim, *x837p.Claim, error) {
	doc, err := episode.Decode(data)
	if err != nil {
		return nil, nil, nil, shortProblems(err)
	}
	if probs := doc.ValidateClaim(); len(probs) > 0 {
		return nil, nil, nil, &episode.Error{Problems: probs}
	}
	var res *claim.Result
	if res, err = coding.Code(doc, opt); err != nil {
		return nil, nil, nil, shortProblems(err)
	}
	cl, err := coding.Claim(doc, res)
	if err != nil {
		return nil, nil, nil, err
	}
	codes := opt.Codes
	if codes == nil {
		codes = codeset.Default()
	}
	c, err := x837p.Build(cl, x837p.Options{Codes: codes})
	if err != nil {
		return nil, nil, nil, coding.InDocument(doc, cl, err)
	}
	return doc, cl, c, nil
}
