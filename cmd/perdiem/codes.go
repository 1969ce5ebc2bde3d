package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/codeset"
)

func init() {
	register(command{
		name:  "codes",
		usage: "codes [QUERY] [--cms FILE] [--on YYYY-MM-DD] [--format table|json]",
		summary: `Look up HCPCS codes and modifiers in the dated code set.

QUERY is a code or code prefix (S9500, s95, SH) or words of the descriptor
(cefazolin, "tpn liter"); with no QUERY every code is listed. Each match is
printed with its kind, effective and termination dates (CS-10), the dose one
unit stands for (DR-1), whether it is bundled into the per diem (IN-1) or
not otherwise classified (CS-7), and its short and long descriptors. Exit
status 1 when nothing matches.

  --cms FILE          a newer CMS HCPCS release (.zip or fixed-width .txt) over the embedded code set
  --on YYYY-MM-DD     say whether each code may be billed that day, with the descriptor then in force
  --format table|json a table for people (default) or JSON`,
		run: runCodes,
	})
}

func runCodes(e *env, args []string) int {
	fs := flag.NewFlagSet("codes", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	cms := fs.String("cms", "", "CMS HCPCS release to overlay")
	on := fs.String("on", "", "day of service YYYY-MM-DD")
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
	if *cms != "" {
		rows, err := codeset.OpenCMS(*cms)
		if err != nil {
			fmt.Fprintf(e.stderr, "perdiem codes: --cms: %v\n", err)
			return exitInput
		}
		set = set.With(rows)
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
		short, long := c.Short, c.Long
		if day != nil {
			row = append(row, yesNo(c.ActiveOn(*day)))
			short, long = c.DescriptorOn(*day)
		}
		dose := "-"
		if c.Dose != nil {
			dose = strconv.FormatFloat(c.Dose.Amount, 'f', -1, 64) + " " + c.Dose.Unit
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
