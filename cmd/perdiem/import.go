package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/perdiem/perdiem/asp"
	"github.com/perdiem/perdiem/civil"
)

func init() {
	register(command{
		name:  "import",
		usage: "import asp ASP_PRICING_FILE [CROSSWALK_FILE] [--asp DIR] [--quarter YYYY-MM-DD]",
		summary: `Import CMS's quarterly ASP files into a dated table for pricing and drug checks.

ASP_PRICING_FILE is CMS's ASP pricing file ("Payment Allowance Limits for
Medicare Part B Drugs") and CROSSWALK_FILE its ASP NDC-HCPCS crosswalk of the
same quarter, both the CSV files as CMS publishes them (Windows-1252 or UTF-8,
preamble rows, then the header). The quarter's first and last days are read
from the preamble ("Effective October 1, 2025 through December 31, 2025").
The quarter is stored as one file in the ASP folder (a re-import of a quarter
replaces it, written whole or not at all); perdiem price reads every quarter
there, each drug line by the quarter in force on its first day. A malformed
file stores nothing and its error names the file, row and column.

  --asp DIR             the ASP folder; default ` + "`$XDG_DATA_HOME/perdiem/asp`" + `
                        (~/.local/share/perdiem/asp; on macOS ~/Library/Application
                        Support/perdiem/asp, on Windows %LocalAppData%\perdiem\asp)
  --quarter YYYY-MM-DD  the quarter's first day, when the files' preamble does not
                        say (the quarter then ends with its third month)`,
		run: runImport,
	})
}

func runImport(e *env, args []string) int {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	setUsage(fs)
	dirFlag := fs.String("asp", "", "folder of imported ASP quarters")
	quarter := fs.String("quarter", "", "first day of the quarter YYYY-MM-DD")
	pos, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		return exitInput
	}
	fail := func(format string, args ...any) int {
		fmt.Fprintf(e.stderr, "perdiem import: "+format+"\n", args...)
		return exitInput
	}
	if len(pos) == 0 || pos[0] != "asp" {
		return fail("want what to import: perdiem import asp ASP_PRICING_FILE [CROSSWALK_FILE]")
	}
	files := pos[1:]
	if len(files) < 1 || len(files) > 2 {
		return fail("asp: want the ASP pricing file and, optionally, its NDC-HCPCS crosswalk; got %d file(s)", len(files))
	}
	var first civil.Date
	if *quarter != "" {
		if first, err = civil.Parse(*quarter); err != nil {
			return fail("--quarter: %v", err)
		}
	}
	dir, err := dataDir(*dirFlag, "asp", "--asp DIR")
	if err != nil {
		return fail("%v", err)
	}
	t, err := readASPFile(files[0], func(f *os.File) (*asp.Table, error) { return asp.ReadPricing(f, files[0], first) })
	if err != nil {
		return fail("%s", shortText(err.Error()))
	}
	packages := 0
	if len(files) == 2 {
		var x *asp.Crosswalk
		_, err := readASPFile(files[1], func(f *os.File) (*asp.Table, error) {
			var err error
			x, err = asp.ReadCrosswalk(f, files[1], first)
			return nil, err
		})
		if err == nil {
			err = t.SetCrosswalk(x)
		}
		if err != nil {
			return fail("%s", shortText(err.Error()))
		}
		packages = x.Rows
	}
	path, replaced, err := (&asp.Store{Dir: dir}).Import(t)
	if err != nil {
		fmt.Fprintf(e.stderr, "perdiem import: %v\n", err)
		return exitFindings
	}
	limits := 0
	for _, l := range t.Limits {
		if l.HasLimit {
			limits++
		}
	}
	fmt.Fprintf(e.stdout, "%s to %s  %s: %d codes, %d with a payment limit", t.From, t.Through, filepath.Base(files[0]), len(t.Limits), limits)
	if packages > 0 {
		fmt.Fprintf(e.stdout, "; %s: %d packages (%d NDCs and other ids)", filepath.Base(files[1]), packages, len(t.NDCs))
	}
	verb := "stored in"
	if replaced {
		verb = "replaced"
	}
	fmt.Fprintf(e.stdout, "\n  %s %s\n", verb, path)
	return exitOK
}

func readASPFile(name string, read func(*os.File) (*asp.Table, error)) (*asp.Table, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return read(f)
}
