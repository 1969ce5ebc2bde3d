package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/perdiem/perdiem/profile"
)

func init() {
	register(command{
		name:  "profiles",
		usage: "profiles [ID] [--profile-file F] [--format table|json]",
		summary: `List the payer profiles, or show one with every setting and its source.

With no ID, each shipped profile is listed with its name, effective date and
the settings in which it differs from nhia. With an ID (or --profile-file,
a profile file of your own, which is checked strictly), every resolved
setting is printed with the policy it comes from; settings not given
inherit nhia.

The JSON of one profile is a profile file (docs/profiles.md): save it, give
it an id of your own, edit it and pass it to code or claim with
--profile-file. A file may use a shipped profile's id only unchanged.

  --profile-file F     show a profile file of your own instead of a shipped one
  --format table|json  a table for people (default) or JSON (one profile: the
                       profile file form; the list: an array of them)`,
		run: runProfiles,
	})
}

func runProfiles(e *env, args []string) int {
	fs := flag.NewFlagSet("profiles", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	file := fs.String("profile-file", "", "a profile file of your own")
	fs.StringVar(file, "file", "", "the old name of --profile-file")
	format := fs.String("format", "table", "table or json")
	ids, err := parseInterspersed(fs, args)
	if err != nil {
		return exitInput
	}
	if *format != "table" && *format != "json" {
		fmt.Fprintf(e.stderr, "perdiem profiles: --format %q: want table or json\n", *format)
		return exitInput
	}
	if len(ids) > 1 || (len(ids) == 1 && *file != "") {
		fmt.Fprintln(e.stderr, "perdiem profiles: give one profile ID or --profile-file, not both")
		return exitInput
	}
	var p *profile.Profile
	switch {
	case *file != "":
		fh, err := openInput(e, *file)
		if err != nil {
			fmt.Fprintf(e.stderr, "perdiem profiles: %v\n", err)
			return exitInput
		}
		p, err = profile.Load(fh)
		fh.Close()
		if err != nil {
			fmt.Fprintf(e.stderr, "perdiem profiles: %s:\n%v\n", *file, err)
			return exitInput
		}
	case len(ids) == 1:
		if p, err = profile.Get(ids[0]); err != nil {
			fmt.Fprintf(e.stderr, "perdiem profiles: %v\n", err)
			return exitInput
		}
	}
	if p == nil {
		return listProfiles(e, *format)
	}
	if *format == "json" {
		return writeProfilesJSON(e, p)
	}
	fmt.Fprintf(e.stdout, "id:        %s\nname:      %s\neffective: %s\nsource:    %s\n\n", p.ID, p.Name, p.Effective, p.Source)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SETTING\tVALUE\tSOURCE")
	for _, name := range profile.SettingNames() {
		v, src := p.Setting(name)
		fmt.Fprintf(tw, "%s\t%s\t%s\n", name, formatValue(v), src)
	}
	tw.Flush()
	return exitOK
}

func listProfiles(e *env, format string) int {
	list := profile.List()
	if len(list) == 0 {
		// List is empty only when the embedded profiles do not load.
		_, err := profile.Get("nhia")
		fmt.Fprintf(e.stderr, "perdiem profiles: %v\n", err)
		return exitFindings
	}
	if format == "json" {
		return writeProfilesJSON(e, list)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tEFFECTIVE\tDIFFERS FROM NHIA")
	for _, p := range list {
		var diffs []string
		for _, name := range p.Differences() {
			v, _ := p.Setting(name)
			diffs = append(diffs, name+"="+formatValue(v))
		}
		if len(diffs) == 0 {
			diffs = []string{"-"}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", p.ID, p.Name, p.Effective, strings.Join(diffs, "; "))
	}
	tw.Flush()
	return exitOK
}

func writeProfilesJSON(e *env, v any) int {
	return writeJSON(e, "profiles", v)
}

// formatValue prints a setting value for a table: strings bare, "none" for
// an empty value, anything else as compact JSON.
func formatValue(v any) string {
	switch x := v.(type) {
	case string:
		if x == "" {
			return "none"
		}
		return x
	case []string:
		return strings.Join(x, ",")
	}
	b, err := json.Marshal(v)
	if err != nil || string(b) == "null" {
		return "none"
	}
	return string(b)
}
