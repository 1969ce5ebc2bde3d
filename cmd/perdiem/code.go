package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/coding"
	"github.com/perdiem/perdiem/episode"
	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/money"
	"github.com/perdiem/perdiem/pos"
	"github.com/perdiem/perdiem/profile"
)

func init() {
	register(command{
		name:  "code",
		usage: "code FILE|- [--profile ID] [--profile-file F] [--codes DIR | --cms FILE] [--format json|table] [--jsonl] [--workers N]",
		summary: `Code an episode document into per diem, nursing, drug and supply lines.

Reads one episode document (JSON, see docs/input-format.md) and prints the
coded lines with the rule IDs behind each, and the warnings. Bad input is
reported on standard error with its field path, exit status 2, and nothing
is printed on standard output.

  --profile ID        payer profile (overrides the document's "profile"); see 'perdiem profiles'
  --profile-file F    a payer profile file of your own
  --codes DIR         code against the CMS releases imported into DIR (perdiem codes
                      import): each code's dates and each drug's dose as in force
                      on its dates of service
  --cms FILE          a newer CMS HCPCS release (.zip, fixed-width .txt or .xlsx) over the embedded code set
  --format json|table json (default), or a table for people: each line with its
                      charge (from claim.charges), place of service and name, NDC
                      and quantity, and every reason under it; then the claim total
  --jsonl             batch: one document per input line, one result per output line, in order;
                      a document with errors gives {"line":N,"errors":[...]} and exit status 2 at the end
  --workers N         batch workers, at most 64 (default: the number of CPUs)

A document is at most 16 MiB (one line with --jsonl: a longer line gets its
{"line":N,"errors":[...]} record and the batch goes on).`,
		run: runCode,
	})
}

type codeFlags struct {
	engineFlags
	format  string
	jsonl   bool
	workers int
}

func runCode(e *env, args []string) int {
	fs := flag.NewFlagSet("code", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var f codeFlags
	f.engineFlags.register(fs)
	fs.StringVar(&f.format, "format", "json", "json or table")
	fs.BoolVar(&f.jsonl, "jsonl", false, "one document per line")
	fs.IntVar(&f.workers, "workers", 0, "batch workers")
	name, err := parseWithFile(fs, args)
	if err != nil {
		return exitInput
	}
	if f.format != "json" && f.format != "table" {
		fmt.Fprintf(e.stderr, "perdiem code: --format %q: want json or table\n", f.format)
		return exitInput
	}
	opt, err := f.options()
	if err != nil {
		fmt.Fprintf(e.stderr, "perdiem code: %v\n", err)
		return exitInput
	}
	in, err := openInput(e, name)
	if err != nil {
		fmt.Fprintf(e.stderr, "perdiem code: %v\n", err)
		return exitInput
	}
	defer in.Close()
	if f.jsonl {
		return codeBatch(e, in, opt, f)
	}
	data, err := readAllLimited(in, maxDocument)
	if err != nil {
		fmt.Fprintf(e.stderr, "perdiem code: %s: %v\n", name, err)
		return exitInput
	}
	res, doc, err := codeEpisode(data, opt)
	if err != nil {
		printProblems(e.stderr, name, err)
		return exitFor(err)
	}
	if f.format == "table" {
		writeTable(e.stdout, res, doc)
		return exitOK
	}
	return writeJSON(e, "code", res)
}

// parseWithFile parses flags that may come before or after the one
// positional FILE argument.
func parseWithFile(fs *flag.FlagSet, args []string) (string, error) {
	setUsage(fs)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return "", err
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	if len(pos) != 1 {
		fmt.Fprintf(fs.Output(), "perdiem %s: want exactly one FILE (or - for standard input), got %d\n", fs.Name(), len(pos))
		return "", errors.New("usage")
	}
	return pos[0], nil
}

// codingOptions resolves the profile and code set flags shared by the
// commands that code episodes.
// engineFlags are the flags of every command that codes episodes: the
// payer profile and the code set.
type engineFlags struct {
	profileID, profileFile, cms, codes string
}

func (f *engineFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.profileID, "profile", "", "payer profile id")
	fs.StringVar(&f.profileFile, "profile-file", "", "payer profile file")
	fs.StringVar(&f.cms, "cms", "", "CMS HCPCS release to overlay")
	fs.StringVar(&f.codes, "codes", "", "folder of imported CMS releases")
}

// options are the coding options the flags ask for.
func (f *engineFlags) options() (coding.Options, error) {
	return codingOptions(f.profileID, f.profileFile, f.cms, f.codes)
}

func codingOptions(profileID, profileFile, cms, codes string) (coding.Options, error) {
	var opt coding.Options
	if profileID != "" && profileFile != "" {
		return opt, errors.New("give --profile or --profile-file, not both")
	}
	if cms != "" && codes != "" {
		return opt, errors.New("give --codes or --cms, not both")
	}
	if profileID != "" {
		p, err := profile.Get(profileID)
		if err != nil {
			return opt, err
		}
		opt.Profile = p
	}
	if profileFile != "" {
		fh, err := os.Open(profileFile)
		if err != nil {
			return opt, err
		}
		defer fh.Close()
		p, err := profile.Load(fh)
		if err != nil {
			return opt, fmt.Errorf("%s: %w", profileFile, err)
		}
		opt.Profile = p
	}
	if cms != "" {
		rows, err := codeset.OpenCMS(cms)
		if err != nil {
			return opt, err
		}
		opt.Codes = codeset.Default().With(rows)
	}
	if codes != "" {
		set, err := importedSet(codes)
		if err != nil {
			return opt, err
		}
		opt.Codes = set
	}
	return opt, nil
}

// codeEpisode decodes and codes one document, and returns both.
func codeEpisode(data []byte, opt coding.Options) (*claim.Result, *episode.Document, error) {
	doc, err := episode.Decode(data)
	if err != nil {
		return nil, nil, shortProblems(err)
	}
	res, err := coding.Code(doc, opt)
	return res, doc, shortProblems(err)
}

// codeWorker decodes and codes documents one after another, reusing the
// memory of the last document and result: both are valid until its next
// call.
type codeWorker struct {
	dec   episode.Decoder
	coder coding.Coder
	json  claim.Writer // remembers the reason texts that need no escaping
}

func (w *codeWorker) code(text string, opt coding.Options) (*claim.Result, *episode.Document, error) {
	doc, err := w.dec.DecodeString(text)
	if err != nil {
		return nil, nil, shortProblems(err)
	}
	res, err := w.coder.Code(doc, opt)
	return res, doc, shortProblems(err)
}

// printProblems writes each problem on its own line, prefixed by the input's name.
func printProblems(w io.Writer, name string, err error) {
	if probs := errs.ProblemsOf(err); len(probs) > 0 {
		for _, p := range probs {
			p.Path, p.Message = shortPath(p.Path), shortText(p.Message)
			fmt.Fprintf(w, "%s: %s\n", name, p)
		}
		return
	}
	fmt.Fprintf(w, "%s: %s\n", name, shortText(err.Error()))
}

// writeTable prints the coded lines for a biller: for each line its code,
// modifiers, dates and units, its charge when the document's claim block
// gives charges (units × the charge per unit, as on the claim), the place
// of service with its CMS name, the therapy, the NDC and NDC quantity, and
// under it every reason of the line; then the warnings and the total.
func writeTable(w io.Writer, res *claim.Result, doc *episode.Document) {
	var charges map[string]money.Amount
	if doc != nil && doc.Claim != nil && len(doc.Claim.Charges) > 0 {
		charges = doc.Claim.Charges
	}
	header := []string{"LINE", "CODE", "MODIFIERS", "FROM", "TO", "UNITS"}
	if charges != nil {
		header = append(header, "CHARGE")
	}
	header = append(header, "POS", "THERAPY", "NDC", "NDC QTY")
	rows := [][]string{header}
	var (
		priced   []money.Amount
		unpriced []string
	)
	for i, l := range res.Lines {
		row := []string{strconv.Itoa(i + 1), l.Code, dash(strings.Join(l.Modifiers, ",")), l.From.String(), l.To.String(), formatUnits(l.Units)}
		if charges != nil {
			cell := "-"
			if per, ok := charges[l.Code]; !ok {
				if !slices.Contains(unpriced, l.Code) {
					unpriced = append(unpriced, l.Code)
				}
			} else if c, err := money.Mul(per, l.Units); err != nil {
				cell = "too large"
				unpriced = append(unpriced, l.Code)
			} else {
				cell = c.String()
				priced = append(priced, c)
			}
			row = append(row, cell)
		}
		place := l.POS
		if name := pos.Name(l.POS); name != "" {
			place += " " + name
		}
		qty := "-"
		if l.NDC != "" {
			qty = strings.TrimSpace(formatUnits(l.NDCQuantity) + " " + l.NDCUnit)
		}
		rows = append(rows, append(row, dash(place), dash(l.Therapy), dash(l.NDC), qty))
	}
	widths := make([]int, len(header))
	for _, row := range rows {
		for j, cell := range row {
			widths[j] = max(widths[j], utf8.RuneCountInString(cell))
		}
	}
	numeric := func(j int) bool { return header[j] == "UNITS" || header[j] == "CHARGE" }
	indent := strings.Repeat(" ", widths[0]+2)
	var b strings.Builder
	for i, row := range rows {
		b.Reset()
		for j, cell := range row {
			pad := strings.Repeat(" ", widths[j]-utf8.RuneCountInString(cell))
			switch {
			case numeric(j):
				b.WriteString(pad + cell)
			case j == len(row)-1:
				b.WriteString(cell)
			default:
				b.WriteString(cell + pad)
			}
			if j < len(row)-1 {
				b.WriteString("  ")
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
		if i > 0 {
			for _, r := range res.Lines[i-1].Why {
				fmt.Fprintf(w, "%s%s\n", indent, r)
			}
		}
	}
	if len(res.Warnings) > 0 {
		fmt.Fprintln(w, "\nWARNINGS")
		for _, x := range res.Warnings {
			fmt.Fprintf(w, "  %s  %s\n", x.Rule, x.Message)
		}
	}
	fmt.Fprintf(w, "\nprofile %s, period %s..%s, %d line(s)\n", res.Profile, res.Period.From, res.Period.To, len(res.Lines))
	if charges == nil {
		return
	}
	total, err := money.Sum(priced...)
	switch {
	case err != nil:
		fmt.Fprintf(w, "total: %v\n", err)
	case len(unpriced) == 0:
		fmt.Fprintf(w, "claim total %s\n", total)
	default:
		fmt.Fprintf(w, "total of the %d priced line(s) %s; no charge in claim.charges for %s\n", len(priced), total, strings.Join(unpriced, ", "))
	}
}

// dash stands in for an empty cell.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func formatUnits(u float64) string {
	b, _ := json.Marshal(u)
	return string(bytes.TrimSpace(b))
}
