package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"text/tabwriter"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/codeset"
)

func init() {
	register(command{
		name:  "codes",
		usage: "codes [QUERY] [--on YYYY-MM-DD] [--codes DIR | --cms FILE] [--format table|json]\n       perdiem codes import FILE... [--codes DIR] [--release YYYY-MM-DD]\n       perdiem codes --changes FROM TO [--codes DIR] [--format table|json]\n       perdiem codes --releases [--codes DIR]",
		summary: `Look up HCPCS codes and modifiers in the dated code set; import CMS releases.

QUERY is a code or code prefix (S9500, s95, SH) or words of the descriptor
(cefazolin, "tpn liter"); with no QUERY every code is listed. Each match is
printed with its kind, effective and termination dates (CS-10), the dose one
unit stands for (DR-1; a combination's is its combined amount), whether it is
bundled into the per diem (IN-1) or not otherwise classified (CS-7), and its
short and long descriptors. Exit status 1 when nothing matches.

The embedded code set is built from the January 2025 CMS release. To keep
it current, import each quarterly release as CMS ships it: the release
.zip, its fixed-width ANWEB .txt, or the ANWEB .xlsx workbook.

  import FILE...      read the releases and store them in the code set folder,
                      one file a quarter (a re-import of a quarter replaces it),
                      and say what each changed against the release before it;
                      nothing is stored when any file is malformed (the error
                      names the line or cell)
  --release YYYY-MM-DD the first day of the release, when its file name does not
                      say (CMS names carry the year and quarter: HCPC2025_OCT_…)
  --changes FROM TO   list what changed between two releases: codes added,
                      terminated or reactivated, descriptors and doses changed.
                      FROM and TO are the first days of imported releases
                      (2025-01-01) or release files
  --releases          list the imported releases
  --codes DIR         the code set folder; default ` + "`$XDG_DATA_HOME/perdiem/hcpcs`" + `
                      (~/.local/share/perdiem/hcpcs; on macOS ~/Library/Application
                      Support/perdiem/hcpcs, on Windows %LocalAppData%\perdiem\hcpcs).
                      With a QUERY, look up in the imported releases laid over
                      the embedded set, each code with its history
  --cms FILE          one CMS release file over the embedded set, without importing
  --on YYYY-MM-DD     say whether each code may be billed that day, with the
                      descriptor and dose then in force
  --format table|json a table for people (default) or JSON

code and claim take the same --codes DIR to code against the imported
releases: each drug is billed by the descriptor in force on its first day.`,
		run: runCodes,
	})
}

// codesDir is the folder of imported releases: the --codes flag, else the
// user's data folder. It is never the current folder unless asked.
func codesDir(flagDir string) (string, error) { return dataDir(flagDir, "hcpcs", "--codes DIR") }

// dataDir is a folder of imported data (sub: hcpcs, asp): the flag's
// folder, else sub in the user's data folder, never the current folder.
// flagName names the flag in messages.
func dataDir(flagDir, sub, flagName string) (string, error) {
	if flagDir != "" {
		return flagDir, nil
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "perdiem", sub), nil
	}
	switch runtime.GOOS {
	case "windows":
		if d := os.Getenv("LocalAppData"); d != "" {
			return filepath.Join(d, "perdiem", sub), nil
		}
		return "", errors.New("no %LocalAppData% folder: give " + flagName)
	case "darwin", "ios":
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("no home folder (%v): give %s", err, flagName)
		}
		return filepath.Join(home, "Library", "Application Support", "perdiem", sub), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no home folder (%v): give %s", err, flagName)
	}
	return filepath.Join(home, ".local", "share", "perdiem", sub), nil
}

// importedSet is the embedded set with the releases imported into dir laid
// over it; it is an error when dir holds none.
func importedSet(dir string) (*codeset.Set, error) {
	rs, err := (&codeset.Store{Dir: dir}).Releases()
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, fmt.Errorf("--codes %s: no imported release there; run perdiem codes import FILE --codes %s", dir, dir)
	}
	return codeset.Default().WithReleases(rs), nil
}

func runCodes(e *env, args []string) int {
	if len(args) > 0 && args[0] == "import" {
		return runCodesImport(e, args[1:])
	}
	fs := flag.NewFlagSet("codes", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	setUsage(fs)
	cms := fs.String("cms", "", "CMS HCPCS release to overlay")
	dir := fs.String("codes", "", "folder of imported releases")
	on := fs.String("on", "", "day of service YYYY-MM-DD")
	changes := fs.Bool("changes", false, "list what changed between two releases")
	releases := fs.Bool("releases", false, "list the imported releases")
	format := fs.String("format", "table", "table or json")
	words, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		return exitInput
	}
	if *format != "table" && *format != "json" {
		fmt.Fprintf(e.stderr, "perdiem codes: --format %q: want table or json\n", *format)
		return exitInput
	}
	if *cms != "" && *dir != "" {
		fmt.Fprintln(e.stderr, "perdiem codes: give --codes or --cms, not both")
		return exitInput
	}
	if *changes {
		if len(words) != 2 {
			fmt.Fprintf(e.stderr, "perdiem codes --changes: want FROM and TO, got %d words\n", len(words))
			return exitInput
		}
		return runCodesChanges(e, *dir, words[0], words[1], *format)
	}
	if *releases {
		return runCodesReleases(e, *dir, *format)
	}
	var day *civil.Date
	if *on != "" {
		d, err := civil.Parse(*on)
		if err != nil {
			fmt.Fprintf(e.stderr, "perdiem codes: --on: %v\n", err)
			return exitInput
		}
		day = &d
	}
	set := codeset.Default()
	switch {
	case *cms != "":
		rows, err := codeset.OpenCMS(*cms)
		if err != nil {
			fmt.Fprintf(e.stderr, "perdiem codes: --cms: %v\n", err)
			return exitInput
		}
		set = set.With(rows)
	case *dir != "":
		if set, err = importedSet(*dir); err != nil {
			fmt.Fprintf(e.stderr, "perdiem codes: %v\n", err)
			return exitInput
		}
	}
	query := strings.Join(words, " ")
	found := set.Search(query)
	if len(found) == 0 {
		fmt.Fprintf(e.stderr, "perdiem codes: no code matches %q\n", query)
		return exitFindings
	}
	if *format == "json" {
		return writeCodesJSON(e, found, day)
	}
	writeCodesTable(e.stdout, found, day)
	return exitOK
}

// runCodesImport reads every file first and stores them only when all are
// good, so a malformed file leaves the folder as it was.
func runCodesImport(e *env, args []string) int {
	fs := flag.NewFlagSet("codes", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	setUsage(fs)
	dirFlag := fs.String("codes", "", "folder of imported releases")
	release := fs.String("release", "", "first day of the release YYYY-MM-DD")
	files, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		return exitInput
	}
	if len(files) == 0 {
		fmt.Fprintln(e.stderr, "perdiem codes import: want one or more CMS release files (.zip, .txt or .xlsx)")
		return exitInput
	}
	var first civil.Date
	if *release != "" {
		if len(files) > 1 {
			fmt.Fprintln(e.stderr, "perdiem codes import: --release names the quarter of one file; give one file")
			return exitInput
		}
		if first, err = civil.Parse(*release); err != nil {
			fmt.Fprintf(e.stderr, "perdiem codes import: --release: %v\n", err)
			return exitInput
		}
	}
	dir, err := codesDir(*dirFlag)
	if err != nil {
		fmt.Fprintf(e.stderr, "perdiem codes import: %v\n", err)
		return exitInput
	}
	var rs []*codeset.Release
	quarter := map[civil.Date]string{}
	for _, f := range files {
		r, err := codeset.OpenRelease(f)
		if err != nil {
			fmt.Fprintf(e.stderr, "perdiem codes import: %v\n", err)
			return exitInput
		}
		if first != 0 {
			r.Effective = first
		}
		if r.Effective == 0 {
			fmt.Fprintf(e.stderr, "perdiem codes import: %s: the file name does not say which quarter it is (CMS names it like HCPC2025_OCT_ANWEB.txt); give --release YYYY-MM-DD\n", f)
			return exitInput
		}
		if other, dup := quarter[r.Effective]; dup {
			fmt.Fprintf(e.stderr, "perdiem codes import: %s and %s are both the release of %s; give one\n", other, f, r.Effective)
			return exitInput
		}
		quarter[r.Effective] = f
		rs = append(rs, r)
	}
	store := &codeset.Store{Dir: dir}
	had, err := store.Releases()
	if err != nil {
		fmt.Fprintf(e.stderr, "perdiem codes import: %v\n", err)
		return exitInput
	}
	byDay := map[civil.Date]*codeset.Release{}
	for _, r := range had {
		byDay[r.Effective] = r
	}
	for _, r := range rs {
		byDay[r.Effective] = r
	}
	for _, r := range rs {
		path, replaced, err := store.Import(r)
		if err != nil {
			fmt.Fprintf(e.stderr, "perdiem codes import: %v\n", err)
			return exitFindings
		}
		doses := 0
		for _, c := range r.Codes {
			if c.Dose != nil {
				doses++
			}
		}
		fmt.Fprintf(e.stdout, "%s  %s: %d codes, %d doses read", r.Effective, r.Name, len(r.Codes), doses)
		if prev := previous(byDay, r.Effective); prev != nil {
			fmt.Fprintf(e.stdout, "; against %s: %s", prev.Effective, changeCounts(codeset.Diff(prev, r)))
		}
		verb := "stored in"
		if replaced {
			verb = "replaced"
		}
		fmt.Fprintf(e.stdout, "\n  %s %s\n", verb, path)
	}
	return exitOK
}

// previous is the latest release before day d.
func previous(byDay map[civil.Date]*codeset.Release, d civil.Date) *codeset.Release {
	var p *codeset.Release
	for day, r := range byDay {
		if day < d && (p == nil || day > p.Effective) {
			p = r
		}
	}
	return p
}

func changeCounts(cs []codeset.Change) string {
	n := map[codeset.ChangeKind]int{}
	for _, c := range cs {
		n[c.Kind]++
	}
	var parts []string
	for _, k := range []codeset.ChangeKind{codeset.Added, codeset.Terminated, codeset.Reactivated, codeset.Descriptor, codeset.ShortChange, codeset.DoseChange, codeset.Dropped} {
		if n[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[k], k))
		}
	}
	if len(parts) == 0 {
		return "no changes"
	}
	return strings.Join(parts, ", ")
}

// loadRelease finds FROM or TO of --changes: the imported release whose
// first day it is, or a release file.
func loadRelease(dirFlag, s string) (*codeset.Release, error) {
	if d, err := civil.Parse(s); err == nil {
		dir, err := codesDir(dirFlag)
		if err != nil {
			return nil, err
		}
		rs, err := (&codeset.Store{Dir: dir}).Releases()
		if err != nil {
			return nil, err
		}
		var days []string
		for _, r := range rs {
			if r.Effective == d {
				return r, nil
			}
			days = append(days, r.Effective.String())
		}
		if len(days) == 0 {
			return nil, fmt.Errorf("no release of %s in %s: it holds none; import one, or name a release file", d, dir)
		}
		return nil, fmt.Errorf("no release of %s in %s: it holds %s", d, dir, strings.Join(days, ", "))
	}
	if _, err := os.Stat(s); err != nil {
		return nil, fmt.Errorf("%q is neither the first day of an imported release (YYYY-MM-DD) nor a release file: %v", s, err)
	}
	return codeset.OpenRelease(s)
}

func runCodesChanges(e *env, dir, from, to, format string) int {
	a, err := loadRelease(dir, from)
	if err != nil {
		fmt.Fprintf(e.stderr, "perdiem codes --changes: FROM: %v\n", err)
		return exitInput
	}
	b, err := loadRelease(dir, to)
	if err != nil {
		fmt.Fprintf(e.stderr, "perdiem codes --changes: TO: %v\n", err)
		return exitInput
	}
	cs := codeset.Diff(a, b)
	if format == "json" {
		return writeJSON(e, "codes", struct {
			From    string           `json:"from"`
			To      string           `json:"to"`
			Changes []codeset.Change `json:"changes"`
		}{a.Name, b.Name, cs})
	}
	fmt.Fprintf(e.stdout, "%s (%s) -> %s (%s): %s\n", a.Name, a.Effective, b.Name, b.Effective, changeCounts(cs))
	if len(cs) == 0 {
		return exitOK
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CODE\tCHANGE\tSINCE\tWHAT")
	for _, c := range cs {
		what := c.New
		switch {
		case c.Kind == codeset.Dropped:
			what = c.Old
		case c.Old != "" && c.New != "":
			what = c.Old + " -> " + c.New
		case c.Old != "":
			what = "was " + c.Old
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.Code, c.Kind, dateOrDash(c.Since), what)
	}
	tw.Flush()
	return exitOK
}

func runCodesReleases(e *env, dirFlag, format string) int {
	dir, err := codesDir(dirFlag)
	if err != nil {
		fmt.Fprintf(e.stderr, "perdiem codes --releases: %v\n", err)
		return exitInput
	}
	rs, err := (&codeset.Store{Dir: dir}).Releases()
	if err != nil {
		fmt.Fprintf(e.stderr, "perdiem codes --releases: %v\n", err)
		return exitInput
	}
	type row struct {
		From  civil.Date `json:"from"`
		File  string     `json:"file"`
		Codes int        `json:"codes"`
	}
	rows := make([]row, len(rs))
	for i, r := range rs {
		rows[i] = row{r.Effective, r.Name, len(r.Codes)}
	}
	if format == "json" {
		return writeJSON(e, "codes", struct {
			Dir      string `json:"dir"`
			Releases []row  `json:"releases"`
		}{dir, rows})
	}
	fmt.Fprintf(e.stdout, "%s: %d imported releases\n", dir, len(rs))
	for _, r := range rows {
		fmt.Fprintf(e.stdout, "%s  %s  %d codes\n", r.From, r.File, r.Codes)
	}
	return exitOK
}

// parseInterspersed parses flags that come before, between or after the
// positional words.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	setUsage(fs)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// codeRow is a code as "perdiem codes --format json" prints it; with --on,
// Active and DescriptorOn answer for that day.
type codeRow struct {
	*codeset.Code
	Active       *bool  `json:"active,omitempty"`
	DescriptorOn string `json:"descriptor_on,omitempty"`
}

func writeCodesJSON(e *env, found []*codeset.Code, day *civil.Date) int {
	rows := make([]codeRow, len(found))
	for i, c := range found {
		rows[i].Code = c
		if day != nil {
			active := c.ActiveOn(*day)
			rows[i].Active = &active
			_, rows[i].DescriptorOn = c.DescriptorOn(*day)
		}
	}
	return writeJSON(e, "codes", rows)
}

func writeCodesTable(w io.Writer, found []*codeset.Code, day *civil.Date) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := []string{"CODE", "KIND", "EFFECTIVE", "TERMINATED"}
	if day != nil {
		head = append(head, "ACTIVE "+day.String())
	}
	head = append(head, "DOSE", "FLAGS", "SHORT", "LONG")
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for _, c := range found {
		row := []string{c.Code, string(c.Kind), dateOrDash(c.Effective), "-"}
		if c.Terminated != nil {
			row[3] = c.Terminated.String()
		}
		v := codeset.Version{Short: c.Short, Long: c.Long, Dose: c.Dose, DoseNote: c.DoseNote}
		if day != nil {
			row = append(row, yesNo(c.ActiveOn(*day)))
			v = c.On(*day)
		}
		short, long := v.Short, v.Long
		dose := "-"
		switch {
		case v.Dose != nil:
			dose = v.Dose.String()
		case v.DoseNote != "":
			dose = "unreadable"
		}
		row = append(row, dose, codeFlagsText(c), short, long)
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	tw.Flush()
}

func codeFlagsText(c *codeset.Code) string {
	var f []string
	if c.Bundled {
		f = append(f, "bundled")
	}
	if c.NOC {
		f = append(f, "noc")
	}
	if len(f) == 0 {
		return "-"
	}
	return strings.Join(f, ",")
}

// dateOrDash prints the zero date, a start the table does not know, as "-".
func dateOrDash(d civil.Date) string {
	if d == 0 {
		return "-"
	}
	return d.String()
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
