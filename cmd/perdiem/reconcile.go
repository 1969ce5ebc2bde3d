package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/perdiem/perdiem/asp"
	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/coding"
	"github.com/perdiem/perdiem/episode"
	"github.com/perdiem/perdiem/money"
	"github.com/perdiem/perdiem/pricing"
	"github.com/perdiem/perdiem/remit"
	"github.com/perdiem/perdiem/x12/x835"
	"github.com/perdiem/perdiem/x12/x837p"
)

func init() {
	register(command{
		name:  "reconcile",
		usage: "reconcile --claims F.837|F.jsonl --remit F.835 [--contract C [--asp DIR]] [--format text|json|csv] [--tolerance AMOUNT] [--out F] [--profile ID] [--profile-file F] [--codes DIR | --cms FILE]",
		summary: `Reconcile 835 remittances with the claims that were sent.

Matches each 835 claim to a claim sent (CLP01 to the claim id, else member
id, charge and dates) and each service line to a line (REF*6R to the line
id, else procedure code and date of service), and gives per line what was
billed, expected, allowed, paid and left to the patient, every adjustment
(group, reason code, amount) and remark with its meaning in words, and the
flags: underpaid, overpaid, denied, reversal, correction, unmatched claims
and lines either way, split and recoded lines, changed units, provider
adjustments (PLB). Then each claim sent with its outcome (paid, partly-paid,
denied, reversed, forwarded, predetermination, no-remittance) and the
totals. docs/reconcile.md has the matching rules, the flags and the CSV
columns.

  --claims F        the claims sent: an 837P (every claim in it), or episode
                    documents with a claim block, one or several (JSON Lines,
                    as 'perdiem claim --jsonl' reads them), coded again as
                    'perdiem claim' codes them
  --remit F         the 835 (every remittance in it), read as it streams
  --contract C      the payer's contract (a JSON file, docs/pricing.md): each
                    line's expected payment and the contract terms that set it,
                    as 'perdiem price' gives them. A line it does not price (no
                    term in force, no ASP quarter for the date) has no expected
                    amount and is never called under- or overpaid; without a
                    contract no line is
  --asp DIR         with --contract, the CMS ASP quarters imported by 'perdiem
                    import asp', for the asp and asp-limit drug bases; default
                    as for 'perdiem price'
  --format F        text (default), json, or csv: one row per line for a
                    spreadsheet, header row, money as plain decimals
  --tolerance A     how far the allowed amount may be from the expected one
                    before it is flagged, e.g. 0.50; default the contract's
                    "tolerance", else 1.00
  --out F           write to F (whole or not at all); default standard output
  --profile ID, --profile-file F, --codes DIR, --cms FILE
                    as for 'perdiem claim', to code episode documents the way
                    they were coded when sent

Exit status 0 when done, whatever the flags; 2 on bad input (nothing
written); 1 when the 835 stops being X12 part way (the remittances before
the break are reconciled and written, and a note says so) or writing fails.`,
		run: runReconcile,
	})
}

type reconcileFlags struct {
	claims, remit, contract, aspDir, format, tolerance, out string
	engineFlags
}

// expectedOnly is an Expecter without the contract's tolerance, so that
// remit judges by Options.Tolerance (--tolerance).
type expectedOnly struct{ remit.Expecter }

func runReconcile(e *env, args []string) int {
	fs := flag.NewFlagSet("reconcile", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var f reconcileFlags
	fs.StringVar(&f.claims, "claims", "", "the claims sent: 837P or episode documents")
	fs.StringVar(&f.remit, "remit", "", "the 835")
	fs.StringVar(&f.contract, "contract", "", "the payer's contract")
	fs.StringVar(&f.aspDir, "asp", "", "folder of imported ASP quarters")
	fs.StringVar(&f.format, "format", "text", "text, json or csv")
	fs.StringVar(&f.tolerance, "tolerance", "", "tolerance on the allowed amount (default the contract's)")
	fs.StringVar(&f.out, "out", "", "output file")
	f.engineFlags.register(fs)
	setUsage(fs)
	if err := fs.Parse(args); err != nil {
		return exitInput
	}
	fail := func(format string, args ...any) int {
		fmt.Fprintf(e.stderr, "perdiem reconcile: "+format+"\n", args...)
		return exitInput
	}
	if fs.NArg() > 0 {
		return fail("unexpected argument %q: give the files with --claims and --remit", fs.Arg(0))
	}
	if f.claims == "" || f.remit == "" {
		return fail("give the claims sent with --claims and the 835 with --remit")
	}
	if f.claims == "-" && f.remit == "-" {
		return fail("--claims and --remit cannot both be standard input")
	}
	var opt remit.Options
	opt.Tolerance = pricing.DefaultTolerance
	if f.tolerance != "" {
		tol, err := money.Parse(f.tolerance)
		if err != nil || tol < 0 {
			return fail("--tolerance %q: want an amount of zero or more, such as 0.50", f.tolerance)
		}
		opt.Tolerance = tol
	}
	var w reconWriter
	switch f.format {
	case "text":
		w = &reconText{}
	case "json":
		w = &reconJSON{}
	case "csv":
		w = &reconCSV{}
	default:
		return fail("--format %q: want text, json or csv", f.format)
	}
	copt, err := f.options()
	if err != nil {
		return fail("%v", err)
	}
	claims, err := readSentClaims(e, f.claims, copt)
	if err != nil {
		name := f.claims
		var le *lineError
		if errors.As(err, &le) {
			name, err = docName(name, le.line), le.err
		}
		printProblems(e.stderr, "perdiem reconcile: "+name, err)
		return exitInput
	}
	if f.contract != "" {
		k, err := pricing.Load(f.contract)
		if err != nil {
			printProblems(e.stderr, "perdiem reconcile: "+f.contract, err)
			return exitInput
		}
		dir, err := dataDir(f.aspDir, "asp", "--asp DIR")
		if err != nil {
			return fail("%v", err)
		}
		tables, err := (&asp.Store{Dir: dir}).Tables()
		if err != nil {
			return fail("--asp: %v", err)
		}
		opt.Expecter = &pricing.Expecter{Contract: k, Options: pricing.Options{ASP: tables}}
		if f.tolerance != "" {
			// The flag wins over the contract's tolerance.
			opt.Expecter = expectedOnly{opt.Expecter}
		}
	}
	in, err := openInput(e, f.remit)
	if err != nil {
		return fail("%v", err)
	}
	defer in.Close()
	rd := x835.NewReader(skipBOM(in))
	// The first remittance is read before any output, so an input that is
	// no 835 at all writes nothing.
	first, err := rd.Next()
	if err != nil && err != io.EOF {
		return fail("%s: %v", f.remit, err)
	}
	if err == io.EOF {
		return fail("%s: no 835 transaction set", f.remit)
	}

	var broken error
	r := remit.NewReconciler(claims, opt)
	err = writeOutput(e, f.out, []string{f.claims, f.remit}, func(out io.Writer) error {
		if err := w.begin(out); err != nil {
			return err
		}
		n := 0
		for rem := first; ; {
			rr, err := r.Add(rem)
			if err != nil {
				return err
			}
			if err := w.remittance(rr); err != nil {
				return err
			}
			n++
			rem, err = rd.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				broken = fmt.Errorf("%s: %v; the %d remittance(s) before it are reconciled", f.remit, err, n)
				break
			}
		}
		outcomes, totals := r.Finish()
		return w.end(outcomes, totals)
	})
	if broken != nil {
		fmt.Fprintf(e.stderr, "perdiem reconcile: %v\n", broken)
	}
	if err != nil {
		if u := (usageError{}); errors.As(err, &u) {
			return fail("%v", err)
		}
		fmt.Fprintf(e.stderr, "perdiem reconcile: %v\n", err)
		return exitFor(err)
	}
	if broken != nil {
		return exitFindings
	}
	return exitOK
}

// readSentClaims reads the claims sent: every claim of an 837P, or the
// claims 'perdiem claim' makes of episode documents (one JSON document, or
// several one after another as in JSON Lines), split as it splits a claim
// of more than 50 lines.
func readSentClaims(e *env, name string, opt coding.Options) ([]*claim.Claim, error) {
	in, err := openInput(e, name)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	br := bufio.NewReaderSize(skipBOM(in), 1<<16)
	head, _ := br.Peek(512)
	if bytes.HasPrefix(bytes.TrimLeft(head, " \t\r\n"), []byte("ISA")) {
		return claimsFrom837(br, opt.Codes)
	}
	// The documents are read whole (their claims are held anyway), so each
	// problem can name the line its document starts on.
	data, err := io.ReadAll(br)
	if err != nil {
		return nil, err
	}
	var claims []*claim.Claim
	dec := json.NewDecoder(bytes.NewReader(data))
	line, counted := 1, 0
	for {
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if err == io.EOF {
			break
		}
		start := int(dec.InputOffset()) - len(raw)
		if err != nil {
			start = int(dec.InputOffset())
		}
		start += len(data[start:]) - len(bytes.TrimLeft(data[start:], " \t\r\n"))
		line += bytes.Count(data[counted:start], []byte("\n"))
		counted = start
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", line, err)
		}
		cs, err := claimsFromEpisode(raw, opt)
		if err != nil {
			return nil, &lineError{line: line, err: err}
		}
		claims = append(claims, cs...)
	}
	if len(claims) == 0 {
		return nil, errors.New("no claims: want an 837P or episode documents with a claim block")
	}
	return claims, nil
}

// lineError is a document's problems with the line the document starts
// on; its problems keep their field paths.
type lineError struct {
	line int
	err  error
}

func (e *lineError) Error() string { return fmt.Sprintf("line %d: %v", e.line, e.err) }
func (e *lineError) Unwrap() error { return e.err }

// claimsFromEpisode codes a document and makes its claim as 'perdiem claim'
// sends it: one claim, or parts <id>-1, <id>-2, … of at most 50 lines.
func claimsFromEpisode(data []byte, opt coding.Options) ([]*claim.Claim, error) {
	doc, err := episode.Decode(data)
	if err != nil {
		return nil, shortProblems(err)
	}
	if doc.Claim == nil {
		return nil, errors.New("claim: the document has no claim block, so no claim was sent from it")
	}
	if probs := doc.ValidateClaim(); len(probs) > 0 {
		return nil, &episode.Error{Problems: probs}
	}
	res, err := coding.Code(doc, opt)
	if err != nil {
		return nil, shortProblems(err)
	}
	c, err := coding.Claim(doc, res)
	if err != nil {
		return nil, err
	}
	if len(c.Lines) <= x837p.MaxLines {
		return []*claim.Claim{c}, nil
	}
	var parts []*claim.Claim
	for k := 0; k*x837p.MaxLines < len(c.Lines); k++ {
		p := *c
		p.ID = fmt.Sprintf("%s-%d", c.ID, k+1)
		p.Lines = c.Lines[k*x837p.MaxLines : min((k+1)*x837p.MaxLines, len(c.Lines))]
		var err error
		p.Total = 0
		for _, ln := range p.Lines {
			if p.Total, err = money.Add(p.Total, ln.Charge); err != nil {
				return nil, err
			}
		}
		p.Period.From, p.Period.To = p.Lines[0].From, p.Lines[0].To
		for _, ln := range p.Lines {
			p.Period.From, p.Period.To = min(p.Period.From, ln.From), max(p.Period.To, ln.To)
		}
		parts = append(parts, &p)
	}
	return parts, nil
}

// claimsFrom837 reads every claim of an 837P as x837p.Coded makes it a
// claim.Claim: each line with its control number, charge and its kind from
// the code set, so a contract prices a drug or a visit as what it is.
func claimsFrom837(r io.Reader, codes *codeset.Set) ([]*claim.Claim, error) {
	if codes == nil {
		codes = codeset.Default()
	}
	d := x837p.NewDecoder(r)
	var out []*claim.Claim
	for {
		c, err := d.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		out = append(out, c.Coded(codes))
	}
	if len(out) == 0 {
		return nil, errors.New("no claims in the 837P")
	}
	return out, nil
}

// reconWriter writes a reconciliation as it is made: the remittances one
// by one, then the claims sent and the totals.
type reconWriter interface {
	begin(w io.Writer) error
	remittance(r *remit.Remittance) error
	end(claims []*remit.ClaimOutcome, t remit.Totals) error
}

// reconJSON writes remit.Report as JSON, streamed.
type reconJSON struct {
	w     io.Writer
	count int
}

func (j *reconJSON) begin(w io.Writer) error {
	j.w = w
	_, err := io.WriteString(w, "{\n  \"remittances\": [")
	return err
}

// value is v as JSON indented to sit prefix deep in the report.
func (j *reconJSON) value(v any, prefix string) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

func (j *reconJSON) remittance(r *remit.Remittance) error {
	b, err := j.value(r, "    ")
	if err != nil {
		return err
	}
	sep := "\n    "
	if j.count > 0 {
		sep = ",\n    "
	}
	j.count++
	_, err = fmt.Fprintf(j.w, "%s%s", sep, b)
	return err
}

func (j *reconJSON) end(claims []*remit.ClaimOutcome, t remit.Totals) error {
	if claims == nil {
		claims = []*remit.ClaimOutcome{}
	}
	cb, err := j.value(claims, "  ")
	if err != nil {
		return err
	}
	tb, err := j.value(t, "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(j.w, "\n  ],\n  \"claims\": %s,\n  \"totals\": %s\n}\n", cb, tb)
	return err
}
