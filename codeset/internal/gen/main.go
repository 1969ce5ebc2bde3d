// Command gen writes the code set's embedded table, data/codes.tsv, from the
// CMS HCPCS annual file and the curated CSVs, and reports how many J codes
// got a dose from their descriptor. Run it with `go generate ./codeset`.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/perdiem/perdiem/codeset/internal/build"
)

func main() {
	cms := flag.String("cms", build.CMSRelease, "CMS HCPCS release (.zip or the ANWEB .txt)")
	out := flag.String("o", build.Output, "table to write")
	quiet := flag.Bool("q", false, "do not list the J codes without a dose")
	flag.Parse()
	data, rep, err := build.Generate(*cms, build.Curated)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "gen: %s: %d codes, %d bytes; %d of %d J codes have a dose; dated descriptor history for %s\n",
		*out, rep.Codes, len(data), rep.DrugsWithDose, rep.Drugs, strings.Join(rep.Versioned, " "))
	if !*quiet {
		for _, s := range rep.NoDose {
			fmt.Fprintln(os.Stderr, "  no dose:", s)
		}
	}
}
