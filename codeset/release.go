package codeset

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/perdiem/perdiem/civil"
)

// Release is one CMS HCPCS release as CMS ships it, read into rows: the
// quarterly (or annual) file and the first day it is in force.
type Release struct {
	Name      string     // the file CMS named, e.g. HCPC2025_JAN_ANWEB_12172024.txt
	Effective civil.Date // the first day of the quarter the release is for
	Codes     []Code     // as read, sorted by code
}

// releaseName finds the year and quarter in CMS's file names:
// HCPC2025_JAN_ANWEB_12172024.txt, HCPC2025_OCT_ANWEB_v4.xlsx, the annual
// HCPC2020_ANWEB_w_disclaimer.txt and the release zips
// (january-2025-alpha-numeric-hcpcs-file.zip).
var (
	releaseName = regexp.MustCompile(`(?i)HCPC(\d{4})(?:_(JAN|APR|JUL|OCT))?_`)
	zipName     = regexp.MustCompile(`(?i)(january|april|july|october)-(\d{4})-alpha-numeric`)
	annualZip   = regexp.MustCompile(`(?i)^(\d{4})-alpha-numeric`)
	quarters    = map[string]int{"JAN": 1, "APR": 4, "JUL": 7, "OCT": 10, "JANUARY": 1, "APRIL": 4, "JULY": 7, "OCTOBER": 10}
)

// ReleaseDate reads the first day a release is in force from its file
// name; it reports false when the name does not say.
func ReleaseDate(name string) (civil.Date, bool) {
	year, month := "", "JAN"
	if m := releaseName.FindStringSubmatch(name); m != nil {
		year = m[1]
		if m[2] != "" {
			month = strings.ToUpper(m[2])
		}
	} else if m := zipName.FindStringSubmatch(name); m != nil {
		year, month = m[2], strings.ToUpper(m[1])
	} else if m := annualZip.FindStringSubmatch(name); m != nil {
		year = m[1]
	} else {
		return 0, false
	}
	y, _ := strconv.Atoi(year)
	d, err := civil.Parse(fmt.Sprintf("%04d-%02d-01", y, quarters[month]))
	return d, err == nil
}

// MergeReleases lays releases over each other, oldest first, into one row
// per code that keeps the history: the newest release's descriptor and
// dates, and in Versions every descriptor the code has had, each from the
// day it took effect. A descriptor that changed between two releases is
// dated by the newer record's action effective date when that falls
// between the two releases, else by the newer release's first day. A code
// that a newer release leaves out without a termination date is ended the
// day before that release. Releases must have distinct dates.
func MergeReleases(rs []*Release) []Code {
	rs = slices.Clone(rs)
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].Effective < rs[j].Effective })
	byCode := map[string]*Code{}
	var prev civil.Date
	for _, r := range rs {
		in := make(map[string]bool, len(r.Codes))
		for i := range r.Codes {
			row := r.Codes[i]
			in[row.Code] = true
			old := byCode[row.Code]
			if old == nil {
				row.Versions = slices.Clone(row.Versions)
				byCode[row.Code] = &row
				continue
			}
			history := old.history()
			last := history[len(history)-1]
			c := row
			switch {
			case sameText(last.Long, row.Long):
				history[len(history)-1].Short = row.Short
				c.Versions = history
			default:
				from := r.Effective
				if prev < row.changed && row.changed <= r.Effective {
					from = row.changed
				}
				v := Version{From: from, Short: row.Short, Long: row.Long, Source: row.Source, Dose: row.Dose, DoseNote: row.DoseNote}
				if from <= last.From {
					history[len(history)-1] = v
				} else {
					history = append(history, v)
				}
				c.Versions = history
			}
			if c.Effective == 0 || old.Effective != 0 && old.Effective < c.Effective {
				c.Effective = old.Effective
			}
			byCode[row.Code] = &c
		}
		for code, c := range byCode {
			if !in[code] && c.Terminated == nil && len(rs) > 1 && r.Effective > c.Effective {
				end := r.Effective.AddDays(-1)
				c.Terminated = &end
			}
		}
		prev = r.Effective
	}
	out := make([]Code, 0, len(byCode))
	for _, c := range byCode {
		if len(c.Versions) == 1 && c.Versions[0].From <= c.Effective {
			c.Versions = nil
		}
		c.changed, c.action = 0, "" // a record's, not the merged code's
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// history is the code's dated descriptors, or its one descriptor from its
// start when no history is known. The slice is the caller's.
func (c *Code) history() []Version {
	if len(c.Versions) > 0 {
		return slices.Clone(c.Versions)
	}
	return []Version{{From: c.Effective, Short: c.Short, Long: c.Long, Source: c.Source, Dose: c.Dose, DoseNote: c.DoseNote}}
}

// ChangeKind names what a release changed about a code.
type ChangeKind string

// What a release can change.
const (
	Added       ChangeKind = "added"       // new in the newer release
	Terminated  ChangeKind = "terminated"  // has a termination date it did not have
	Reactivated ChangeKind = "reactivated" // had a termination date and has none now
	Descriptor  ChangeKind = "descriptor"  // the long descriptor changed
	ShortChange ChangeKind = "short"       // only the short descriptor changed
	DoseChange  ChangeKind = "dose"        // the descriptor's amount changed
	Dropped     ChangeKind = "dropped"     // in the older release, not in the newer
)

// Change is one difference between two releases.
type Change struct {
	Code  string     `json:"code"`
	Kind  ChangeKind `json:"change"`
	Old   string     `json:"old,omitempty"`
	New   string     `json:"new,omitempty"`
	Since civil.Date `json:"since,omitempty"` // the day it took effect, when the file says
}

// Diff lists what changed from release a to release b, by code and then
// in the order of ChangeKind above.
func Diff(a, b *Release) []Change {
	old := make(map[string]*Code, len(a.Codes))
	for i := range a.Codes {
		old[a.Codes[i].Code] = &a.Codes[i]
	}
	var out []Change
	seen := make(map[string]bool, len(b.Codes))
	for i := range b.Codes {
		n := &b.Codes[i]
		seen[n.Code] = true
		o := old[n.Code]
		if o == nil {
			out = append(out, Change{Code: n.Code, Kind: Added, New: n.Long, Since: n.Effective})
			continue
		}
		if n.Terminated != nil && (o.Terminated == nil || *o.Terminated != *n.Terminated) {
			was := ""
			if o.Terminated != nil {
				was = "last day " + o.Terminated.String()
			}
			out = append(out, Change{Code: n.Code, Kind: Terminated, Old: was, New: "last day " + n.Terminated.String(), Since: n.Terminated.AddDays(1)})
		}
		if n.Terminated == nil && o.Terminated != nil {
			out = append(out, Change{Code: n.Code, Kind: Reactivated, Old: "last day " + o.Terminated.String(), Since: n.changed})
		}
		switch {
		case !sameText(o.Long, n.Long):
			out = append(out, Change{Code: n.Code, Kind: Descriptor, Old: o.Long, New: n.Long, Since: n.changed})
		case !sameText(o.Short, n.Short):
			out = append(out, Change{Code: n.Code, Kind: ShortChange, Old: o.Short, New: n.Short, Since: n.changed})
		}
		if od, nd := o.Dose.String(), n.Dose.String(); od != nd {
			out = append(out, Change{Code: n.Code, Kind: DoseChange, Old: od, New: nd, Since: n.changed})
		}
	}
	for i := range a.Codes {
		if o := &a.Codes[i]; !seen[o.Code] {
			out = append(out, Change{Code: o.Code, Kind: Dropped, Old: o.Long})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}
