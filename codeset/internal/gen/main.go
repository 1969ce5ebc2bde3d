// Command gen writes the code set's embedded table, data/codes.tsv, from the
// CMS HCPCS releases (build.CMSReleases, or the files given, oldest first)
// and the curated CSVs, and reports how many drug codes got a dose from
// their descriptor. Run it with `go generate ./codeset`.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/perdiem/perdiem/codeset/internal/build"
)

func main() {
	out := flag.String("o", build.Output, "table to write")
	quiet := flag.Bool("q", false, "do not list the drug codes without a dose")
	flag.Parse()
	cms := build.CMSReleases
	if flag.NArg() > 0 {
		cms = flag.Args()
	}
	data, rep, err := build.Generate(cms, build.Curated)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "gen: %s: %d codes, %d bytes; of %d drug and nutrient codes in force, %d have a dose, %d state no amount, %d cannot be read; dated descriptor history for %d codes\n",
		*out, rep.Codes, len(data), rep.Drugs, rep.DrugsWithDose, len(rep.NoDose), len(rep.Unreadable), len(rep.Versioned))
	for _, s := range rep.Unreadable {
		fmt.Fprintln(os.Stderr, "  cannot read:", s)
	}
	if !*quiet {
		for _, s := range rep.NoDose {
			fmt.Fprintln(os.Stderr, "  no amount:", s)
		}
	}
}
