package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/perdiem/perdiem/asp"
	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/coding"
	"github.com/perdiem/perdiem/episode"
	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/pricing"
	"github.com/perdiem/perdiem/x12/x837p"
)

func init() {
	register(command{
		name:  "price",
		usage: "price FILE|- --contract C [--format json|csv] [--jsonl] [--asp DIR] [--profile ID] [--profile-file F] [--codes DIR | --cms FILE]",
		summary: `Price claims against a payer contract: the expected payment per line and claim.

FILE is an 837P (every claim in it; each line's kind, per diem, nursing,
drug or supply, from the code set) or an episode document with a claim block
(or, with --jsonl, one per line), coded as perdiem claim codes it. Each line gets its expected amount,
its status (priced, not-payable, or unpriced when no term in force gives a
rate) and, for each stretch of its days under one contract term, the term's
id, the contract figures that set the amount as field paths into the
contract file (terms[0].per_diem.S9502, terms[0].sh_percent) and how the
amount was reached. A line across the day a new term starts is split there.
Each part is rounded once, half up, to the cent; a claim's expected amount is
the sum of its lines'. docs/pricing.md describes the contract file.

All or nothing: a document or contract with problems prints every problem
with its field path on standard error, exit status 2, and nothing is
written. The results are held in memory until all are priced.

  --contract C    the contract file (JSON; its ndc-price lists are read from
                  beside it)
  --format json|csv  JSON (default): {"contract", "claims": [{claim_id, charge,
                  expected, unpriced, lines: [{…, expected, status, parts}]}]};
                  CSV: a row per line with its claim's expected amount
  --jsonl         one document per input line
  --asp DIR       the CMS ASP quarters imported by perdiem import asp, for the
                  asp and asp-limit drug bases; default ` + "`$XDG_DATA_HOME/perdiem/asp`" + `
                  (~/.local/share/perdiem/asp; on macOS ~/Library/Application
                  Support/perdiem/asp, on Windows %LocalAppData%\perdiem\asp)
  --profile ID    payer profile (overrides the documents' "profile")
  --profile-file F  a payer profile file of your own
  --codes DIR     code against the CMS releases imported into DIR
  --cms FILE      a newer CMS HCPCS release over the embedded code set`,
		run: runPrice,
	})
}

type priceFlags struct {
	engineFlags
	contract, format, aspDir string
	jsonl                    bool
}

func runPrice(e *env, args []string) int {
	fs := flag.NewFlagSet("price", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var f priceFlags
	fs.StringVar(&f.contract, "contract", "", "contract file")
	fs.StringVar(&f.format, "format", "json", "json or csv")
	fs.BoolVar(&f.jsonl, "jsonl", false, "one document per line")
	fs.StringVar(&f.aspDir, "asp", "", "folder of imported ASP quarters")
	f.engineFlags.register(fs)
	name, err := parseWithFile(fs, args)
	if err != nil {
		return exitInput
	}
	fail := func(format string, args ...any) int {
		fmt.Fprintf(e.stderr, "perdiem price: "+format+"\n", args...)
		return exitInput
	}
	if f.format != "json" && f.format != "csv" {
		return fail("--format %q: want json or csv", f.format)
	}
	if f.contract == "" {
		return fail("want --contract C, the payer's contract file")
	}
	k, err := pricing.Load(f.contract)
	if err != nil {
		if len(errs.ProblemsOf(err)) > 0 {
			printProblems(e.stderr, f.contract, err)
		} else {
			fmt.Fprintf(e.stderr, "perdiem price: --contract: %s\n", shortText(err.Error()))
		}
		return exitInput
	}
	dir, tables, err := aspTables(f.aspDir)
	if err != nil {
		return fail("%v", err)
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

	var prices []*pricing.ClaimPrice
	bad := false
	br := bufio.NewReaderSize(in, 1<<16)
	if head, _ := br.Peek(512); bytes.HasPrefix(bytes.TrimLeft(bytes.TrimPrefix(head, utf8BOM), " \t\r\n"), []byte("ISA")) {
		codes := opt.Codes
		if codes == nil {
			codes = codeset.Default()
		}
		d := x837p.NewDecoder(br)
		for {
			x, err := d.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				fmt.Fprintf(e.stderr, "%s: %s\n", name, shortText(err.Error()))
				return exitInput
			}
			p, err := pricing.Price(x.Coded(codes), k, pricing.Options{ASP: tables})
			if err != nil {
				bad = true
				printProblems(e.stderr, name, err)
				continue
			}
			prices = append(prices, p)
		}
		return writePrices(e, f.format, k, prices, dir, bad)
	}
	one := func(line int, data []byte) {
		c, err := episodeClaim(data, opt)
		if err == nil {
			var p *pricing.ClaimPrice
			if p, err = pricing.Price(c, k, pricing.Options{ASP: tables}); err == nil {
				prices = append(prices, p)
				return
			}
		}
		bad = true
		printProblems(e.stderr, docName(name, line), err)
	}
	if err := readDocuments(br, f.jsonl, one); err != nil {
		bad = true
		fmt.Fprintf(e.stderr, "%s: %v\n", name, err)
	}
	return writePrices(e, f.format, k, prices, dir, bad)
}

// writePrices writes the prices of all claims, or nothing when any input
// had problems (bad).
func writePrices(e *env, format string, k *pricing.Contract, prices []*pricing.ClaimPrice, aspDir string, bad bool) int {
	if bad {
		return exitInput
	}
	if len(prices) == 0 {
		fmt.Fprintln(e.stderr, "perdiem price: no claims in the input")
		return exitInput
	}
	unpriced, noASP := 0, false
	for _, p := range prices {
		for _, n := range p.Notes {
			fmt.Fprintf(e.stderr, "perdiem price: claim %s: %s\n", p.ClaimID, n)
		}
		unpriced += p.Unpriced
		for _, l := range p.Lines {
			for _, pt := range l.Parts {
				noASP = noASP || strings.Contains(pt.Why, "no CMS ASP quarter is loaded")
			}
		}
	}
	if unpriced > 0 {
		fmt.Fprintf(e.stderr, "perdiem price: %d line(s) unpriced: no term in force gives them a rate (see each part's why)\n", unpriced)
	}
	if noASP {
		fmt.Fprintf(e.stderr, "perdiem price: no CMS ASP quarter in %s covers some drug lines: import the quarter's files with perdiem import asp\n", aspDir)
	}
	if format == "csv" {
		if err := writePriceCSV(e.stdout, prices); err != nil {
			fmt.Fprintf(e.stderr, "perdiem price: %v\n", err)
			return exitFindings
		}
		return exitOK
	}
	return writeJSON(e, "price", struct {
		Contract string                `json:"contract"`
		Claims   []*pricing.ClaimPrice `json:"claims"`
	}{k.ID, prices})
}

// readDocuments calls one with each document of the input: the whole input,
// or with jsonl each line that is not blank (line numbers from 1).
func readDocuments(in io.Reader, jsonl bool, one func(line int, data []byte)) error {
	if !jsonl {
		data, err := readAllLimited(in, maxDocument)
		if err != nil {
			return err
		}
		one(0, data)
		return nil
	}
	r := bufio.NewReaderSize(in, 1<<16)
	for line := 1; ; line++ {
		data, err := readLine(r, nil)
		if errors.Is(err, errLineTooLong) {
			return fmt.Errorf("line %d: %w", line, err)
		}
		if len(bytes.TrimSpace(data)) > 0 {
			one(line, data)
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// episodeClaim decodes, checks and codes one episode document into its
// claim, as perdiem claim does before writing X12.
func episodeClaim(data []byte, opt coding.Options) (*claim.Claim, error) {
	doc, err := episode.Decode(data)
	if err != nil {
		return nil, shortProblems(err)
	}
	if probs := doc.ValidateClaim(); len(probs) > 0 {
		return nil, &episode.Error{Problems: probs}
	}
	res, err := coding.Code(doc, opt)
	if err != nil {
		return nil, shortProblems(err)
	}
	return coding.Claim(doc, res)
}

// priceColumns are the CSV columns, one row per line.
var priceColumns = []string{"claim_id", "claim_expected", "line", "line_id", "code", "modifiers", "from", "to", "units",
	"charge", "contract", "expected", "lesser_of", "status", "terms", "paths", "why"}

func writePriceCSV(w io.Writer, prices []*pricing.ClaimPrice) error {
	cw := csv.NewWriter(w)
	cw.Write(priceColumns)
	for _, p := range prices {
		for _, l := range p.Lines {
			var paths, whys []string
			for _, pt := range l.Parts {
				paths = append(paths, pt.Paths...)
				why := pt.Why
				if len(l.Parts) > 1 {
					why = pt.From.String() + " to " + pt.To.String() + ": " + why
				}
				whys = append(whys, why)
			}
			cw.Write([]string{p.ClaimID, p.Expected.String(), strconv.Itoa(l.Line), l.ID, l.Code, strings.Join(l.Modifiers, ":"),
				l.From.String(), l.To.String(), strconv.FormatFloat(l.Units, 'f', -1, 64), l.Charge.String(), l.Contract.String(),
				l.Expected.String(), strconv.FormatBool(l.LesserOf), string(l.Status), l.TermIDs(), strings.Join(paths, " "), strings.Join(whys, " | ")})
		}
	}
	cw.Flush()
	return cw.Error()
}

// aspTables reads the CMS ASP quarters imported into --asp DIR, or into the
// default folder when flagDir is "", and returns the folder it read.
func aspTables(flagDir string) (string, []*asp.Table, error) {
	dir, err := dataDir(flagDir, "asp", "--asp DIR")
	if err != nil {
		return "", nil, err
	}
	tables, err := (&asp.Store{Dir: dir}).Tables()
	if err != nil {
		return "", nil, fmt.Errorf("--asp: %v", err)
	}
	return dir, tables, nil
}
