package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/coding"
	"github.com/perdiem/perdiem/scrub"
	"github.com/perdiem/perdiem/x12/x837p"
)

func init() {
	register(command{
		name:  "scrub",
		usage: "scrub FILE|- [--profile ID] [--profile-file F] [--on DATE] [--format text|json] [--asp DIR] [--codes DIR | --cms FILE]",
		summary: `Check claims before they leave, as a payer's claim editor would.

FILE is an 837P (every claim in it), an episode document with a claim block
(coded as perdiem claim codes it), or JSON Lines of such documents. Each
edit of docs/scrub.md (SC-1, SC-2, …) is a rule of docs/coding-standard.md
or a setting of the payer profile; each finding names the edit, the rule,
its severity (error, warning, info), the claim and the line (1-based, the
LX number), and for an 837P the segment of the line's SV1 (of the CLM for a
finding about the whole claim). A claim that bills a service an earlier
claim of the input already bills, for the same patient at the same payer,
is a duplicate (SC-21). An episode document also gives the facts a claim
does not carry (each therapy's dosing interval, each visit's minutes).

  --profile ID      payer profile; default the documents' own, nhia for an 837P
  --profile-file F  a payer profile file of your own
  --on DATE         apply the edits in force on DATE (YYYY-MM-DD) rather than
                    on each claim's first day of service
  --format F        text (default): one line per finding, then a summary;
                    json: {"claims":[{"claim_id","findings":[{"edit","rule",
                    "severity","line","segment","message"}]}]}, every claim
                    listed, line null for a finding about the whole claim,
                    segment null when the input is not X12
  --asp DIR         the CMS ASP quarters imported by perdiem import asp; their
                    NDC–HCPCS crosswalk gives the billing units in one item of
                    an NDC, so SC-13 judges drug lines whose NDC quantity is in
                    items (UN) or millilitres; default ` + "`$XDG_DATA_HOME/perdiem/asp`" + `,
                    and without any quarter those lines are not judged
  --codes DIR       the CMS releases imported into DIR (perdiem codes import)
  --cms FILE        a newer CMS HCPCS release over the embedded code set

Bad input writes nothing: every problem goes to standard error with where it
is (segment number and byte offset, field path, JSON Lines line), exit
status 2. Exit status 1 when any finding is an error, 0 otherwise. An 837P
is read twice (first for errors), one claim at a time; the findings of
JSON documents are kept until all are checked. The duplicate edit
remembers every line checked: memory grows by about 50 bytes a line.`,
		run: runScrub,
	})
}

func runScrub(e *env, args []string) int {
	fs := flag.NewFlagSet("scrub", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var ef engineFlags
	var on, format, aspDir string
	ef.register(fs)
	fs.StringVar(&aspDir, "asp", "", "folder of imported ASP quarters")
	fs.StringVar(&on, "on", "", "apply the edits in force on this day")
	fs.StringVar(&format, "format", "text", "text or json")
	name, err := parseWithFile(fs, args)
	if err != nil {
		return exitInput
	}
	fail := func(format string, args ...any) int {
		fmt.Fprintf(e.stderr, "perdiem scrub: "+format+"\n", args...)
		return exitInput
	}
	if format != "text" && format != "json" {
		return fail("--format %q: want text or json", format)
	}
	copt, err := ef.options()
	if err != nil {
		return fail("%v", err)
	}
	_, tables, err := aspTables(aspDir)
	if err != nil {
		return fail("%v", err)
	}
	sopt := scrub.Options{Codes: copt.Codes, Profile: copt.Profile, ASP: tables}
	if sopt.Codes == nil {
		sopt.Codes = codeset.Default()
	}
	if on != "" {
		if sopt.On, err = civil.Parse(on); err != nil {
			return fail("--on %q: want a date YYYY-MM-DD", on)
		}
	}
	in, err := openInput(e, name)
	if err != nil {
		return fail("%v", err)
	}
	defer in.Close()
	file, start := regularInput(e, name, in)
	br := bufio.NewReaderSize(in, 1<<16)
	head, err := br.Peek(br.Size())
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return fail("%s: %v", name, err)
	}
	head = bytes.TrimLeft(bytes.TrimPrefix(head, utf8BOM), " \t\r\n")
	s := &scrubRun{e: e, name: name, format: format, opt: sopt}
	switch {
	case len(head) == 0:
		return fail("%s: empty input", name)
	case head[0] == 'I':
		kind, version, err := transactionKind(br)
		switch {
		case err != nil:
			return fail("%s: %v", name, err)
		case kind != "837":
			return fail("%s: this is a %s; scrub checks the claims of an 837P", name, describeKind(kind, version))
		}
		var src io.Reader = br
		if file != nil {
			// Read from the file itself, so the second pass can seek
			// back instead of copying the input.
			if _, err := file.Seek(start, io.SeekStart); err != nil {
				return fail("%s: %v", name, err)
			}
			src = file
		}
		return s.x12(src)
	case head[0] == '{':
		// Past the byte order mark and any blank lines, counted so a
		// JSON Lines error names the file's line.
		if b, _ := br.Peek(len(utf8BOM)); bytes.Equal(b, utf8BOM) {
			br.Discard(len(utf8BOM))
		}
		skipped := 0
		for {
			b, err := br.Peek(1)
			if err != nil || !bytes.ContainsAny(b, " \t\r\n") {
				break
			}
			if b[0] == '\n' {
				skipped++
			}
			br.Discard(1)
		}
		return s.documents(br, skipped, copt)
	}
	return fail("%s: want an 837P (starting ISA), an episode document or JSON Lines of them (starting {)", name)
}

var utf8BOM = []byte("\uFEFF")

// scrubRun is one perdiem scrub: its options and what it found.
type scrubRun struct {
	e      *env
	name   string
	format string
	opt    scrub.Options

	claims, errors, warnings, infos int
}

// x12 scrubs every claim of an 837P: a first pass reads it for errors, the
// second scrubs and reports.
func (s *scrubRun) x12(src io.Reader) int {
	pass := 0
	write := func(r io.Reader, w *bufio.Writer) error {
		pass++
		d := x837p.NewDecoder(r)
		if pass == 1 {
			n := 0
			for ; ; n++ {
				if _, err := d.Next(); err == io.EOF {
					break
				} else if err != nil {
					return err
				}
			}
			if n == 0 {
				return errors.New("no claims (CLM)")
			}
			return nil
		}
		rep := s.report(w)
		b := scrub.NewBatch(s.opt)
		var segs []int
		var c claim.Claim // reused from claim to claim
		for {
			x, err := d.Next()
			if err == io.EOF {
				return rep.end()
			}
			if err != nil {
				return err
			}
			x.CodedInto(&c, s.opt.Codes)
			fs, err := b.Check(&c, nil)
			if err != nil {
				return err
			}
			pos := d.Positions()
			segs = segs[:0]
			for _, p := range pos.Lines {
				segs = append(segs, p.Segment)
			}
			scrub.Locate(fs, pos.Claim.Segment, segs)
			if err := rep.claim(c.ID, fs, true); err != nil {
				return err
			}
		}
	}
	inErr, outErr := twoPass(src, s.e.stdout, write)
	if outErr != nil {
		fmt.Fprintf(s.e.stderr, "perdiem scrub: writing standard output: %v\n", outErr)
		return exitFindings
	}
	if inErr != nil {
		fmt.Fprintf(s.e.stderr, "perdiem scrub: %s: %v\n", s.name, inErr)
		return exitInput
	}
	return s.exit()
}

// scrubbed is one claim's findings, kept until every document is checked.
type scrubbed struct {
	id       string
	findings []scrub.Finding
}

// documents scrubs an episode document, or JSON Lines of them: each is
// coded as perdiem claim codes it, and its claim checked with its facts.
// skipped is the number of blank lines before the first document.
func (s *scrubRun) documents(br *bufio.Reader, skipped int, copt coding.Options) int {
	b := scrub.NewBatch(s.opt)
	var done []scrubbed
	bad := false
	one := func(line int, data []byte) {
		doc, cl, _, err := codeClaim(data, copt)
		if err == nil {
			var fs []scrub.Finding
			if fs, err = b.Check(cl, scrub.FactsOf(doc)); err == nil {
				done = append(done, scrubbed{cl.ID, fs})
				return
			}
		}
		bad = true
		printProblems(s.e.stderr, docName(s.name, line), err)
	}
	first, err := readLine(br, nil)
	if err != nil && err != io.EOF {
		return s.inputError(skipped+1, err)
	}
	if rest, _ := br.Peek(1); len(rest) == 0 || !json.Valid(first) {
		// One document, over as many lines as it takes.
		more, err := readAllLimited(br, maxDocument-int64(len(first)))
		if err != nil {
			return s.inputError(0, err)
		}
		one(0, append(append(first, '\n'), more...))
	} else {
		one(skipped+1, first)
		var buf []byte
		for line := skipped + 2; ; line++ {
			data, err := readLine(br, buf[:0])
			buf = data
			if errors.Is(err, errLineTooLong) {
				printProblems(s.e.stderr, docName(s.name, line), err)
				bad, err = true, nil
			}
			if len(bytes.TrimSpace(data)) > 0 {
				one(line, data)
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				return s.inputError(line, err)
			}
		}
	}
	if bad {
		return exitInput
	}
	w := bufio.NewWriterSize(s.e.stdout, 1<<16)
	rep := s.report(w)
	var werr error
	for _, d := range done {
		if werr = rep.claim(d.id, d.findings, false); werr != nil {
			break
		}
	}
	if werr == nil {
		werr = rep.end()
	}
	if werr == nil {
		werr = w.Flush()
	}
	if werr != nil {
		fmt.Fprintf(s.e.stderr, "perdiem scrub: writing standard output: %v\n", werr)
		return exitFindings
	}
	return s.exit()
}

func (s *scrubRun) inputError(line int, err error) int {
	printProblems(s.e.stderr, docName(s.name, line), err)
	return exitInput
}

func (s *scrubRun) exit() int {
	if s.errors > 0 {
		return exitFindings
	}
	return exitOK
}

// scrubReport writes the findings claim by claim in the chosen format.
type scrubReport struct {
	s   *scrubRun
	w   *bufio.Writer
	enc *json.Encoder
	buf bytes.Buffer
	n   int
}

func (s *scrubRun) report(w *bufio.Writer) *scrubReport {
	s.claims, s.errors, s.warnings, s.infos = 0, 0, 0, 0
	r := &scrubReport{s: s, w: w}
	if s.format == "json" {
		r.enc = json.NewEncoder(&r.buf)
		r.enc.SetEscapeHTML(false)
		w.WriteString(`{"claims":[`)
	}
	return r
}

// findingJSON is a finding as the JSON report writes it: every key, null
// where the finding has no line or the input no segments.
type findingJSON struct {
	Edit     string `json:"edit"`
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Line     *int   `json:"line"`
	Segment  *int   `json:"segment"`
	Message  string `json:"message"`
}

type claimJSON struct {
	ClaimID  string        `json:"claim_id"`
	Findings []findingJSON `json:"findings"`
}

func (r *scrubReport) claim(id string, fs []scrub.Finding, x12 bool) error {
	s := r.s
	s.claims++
	for _, f := range fs {
		switch f.Severity {
		case scrub.Error:
			s.errors++
		case scrub.Warning:
			s.warnings++
		default:
			s.infos++
		}
	}
	if r.enc != nil {
		c := claimJSON{ClaimID: id, Findings: make([]findingJSON, len(fs))}
		for i, f := range fs {
			j := findingJSON{Edit: f.Edit, Rule: f.Rule, Severity: f.Severity.String(), Message: f.Message}
			if f.Line > 0 {
				j.Line = &fs[i].Line
			}
			if x12 {
				j.Segment = &fs[i].Segment
			}
			c.Findings[i] = j
		}
		if r.n > 0 {
			r.w.WriteByte(',')
		}
		r.w.WriteByte('\n')
		r.n++
		r.buf.Reset()
		if err := r.enc.Encode(c); err != nil {
			return err
		}
		_, err := r.w.Write(bytes.TrimSuffix(r.buf.Bytes(), []byte("\n")))
		return err
	}
	for _, f := range fs {
		where := ""
		if f.Line > 0 {
			where = fmt.Sprintf(" line %d", f.Line)
		}
		if x12 {
			where += fmt.Sprintf(" (segment %d)", f.Segment)
		}
		if _, err := fmt.Fprintf(r.w, "%s%s: %s %s (%s): %s\n", id, where, f.Severity, f.Edit, f.Rule, f.Message); err != nil {
			return err
		}
	}
	return nil
}

func (r *scrubReport) end() error {
	s := r.s
	if r.enc != nil {
		_, err := r.w.WriteString("\n]}\n")
		return err
	}
	_, err := fmt.Fprintf(r.w, "%d claim(s) scrubbed: %d error(s), %d warning(s), %d info\n", s.claims, s.errors, s.warnings, s.infos)
	return err
}
