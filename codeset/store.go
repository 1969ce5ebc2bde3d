package codeset

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/internal/datedstore"
)

// Store is a folder of imported CMS HCPCS releases, one file a release
// (hcpcs-YYYY-MM-DD.tsv, named by the release's first day), so a code set
// keeps its history across the quarters a user imports: codes added,
// descriptors changed, codes terminated.
type Store struct {
	Dir string
}

// Import writes a release into the store, replacing an earlier import of
// the same quarter (a corrected "v4" file replaces "v2"). The folder is
// made when missing; the file is written whole or not at all. It returns
// the file's path and whether it replaced one.
func (s *Store) Import(r *Release) (string, bool, error) {
	if r.Effective == 0 {
		return "", false, fmt.Errorf("%s: the release's first day is not known; name it", r.Name)
	}
	return datedstore.Write(s.Dir, "hcpcs", r.Effective, func(w io.Writer) error { return writeRelease(w, r) })
}

// The store's record types, the first field of each line:
//
//	R first-day file                                     the release
//	C code added action-effective terminated action short long
//
// Dates are YYYY-MM-DD or empty; lines starting with # are comments.
func writeRelease(w io.Writer, r *Release) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "# perdiem: a CMS HCPCS release as imported by `perdiem codes import`. Do not edit.")
	fmt.Fprintln(bw, "# R first-day file | C code added action-effective terminated action short long")
	fmt.Fprintf(bw, "R\t%s\t%s\n", r.Effective, r.Name)
	for _, c := range r.Codes {
		for _, f := range []string{c.Short, c.Long} {
			if strings.ContainsAny(f, "\t\n\r") {
				return fmt.Errorf("%s: code %s: text %q holds a tab or line break", r.Name, c.Code, f)
			}
		}
		term := ""
		if c.Terminated != nil {
			term = c.Terminated.String()
		}
		fmt.Fprintf(bw, "C\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.Code, storeDate(c.Effective), storeDate(c.changed), term, c.action, c.Short, c.Long)
	}
	return bw.Flush()
}

func storeDate(d civil.Date) string {
	if d == 0 {
		return ""
	}
	return d.String()
}

// Releases reads every release in the store, oldest first. A store that
// does not exist holds none.
func (s *Store) Releases() ([]*Release, error) {
	return datedstore.ReadAll(s.Dir, "hcpcs", readStoreFile, func(r *Release) civil.Date { return r.Effective })
}

// ErrNoRelease is returned by Release for a day no imported release covers.
var ErrNoRelease = errors.New("no imported release")

// Release returns the imported release in force on day d: the latest one
// whose first day is on or before d.
func (s *Store) Release(d civil.Date) (*Release, error) {
	rs, err := s.Releases()
	if err != nil {
		return nil, err
	}
	var in *Release
	for _, r := range rs {
		if r.Effective <= d {
			in = r
		}
	}
	if in == nil {
		return nil, fmt.Errorf("%w in %s is in force on %s", ErrNoRelease, s.Dir, d)
	}
	return in, nil
}

func readStoreFile(name string) (*Release, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 4096), maxLine)
	r := &Release{}
	line := 0
	bad := func(format string, args ...any) error {
		return &TableError{File: name, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	for sc.Scan() {
		line++
		text := sc.Text()
		if text == "" || text[0] == '#' {
			continue
		}
		f := strings.Split(text, "\t")
		switch f[0] {
		case "R":
			if len(f) != 3 {
				return nil, bad("release row has %d fields; want 3", len(f))
			}
			d, err := civil.Parse(f[1])
			if err != nil {
				return nil, bad("first day: %v", err)
			}
			r.Effective, r.Name = d, f[2]
		case "C":
			if len(f) != 8 {
				return nil, bad("code row has %d fields; want 8", len(f))
			}
			if r.Name == "" {
				return nil, bad("code row before the release row")
			}
			code := f[1]
			if len(code) != 2 && len(code) != 5 || !alnum(code) {
				return nil, bad("code %q; want a 5-character HCPCS code or a 2-character modifier", code)
			}
			var dates [3]civil.Date
			for i, s := range f[2:5] {
				if s == "" {
					continue
				}
				if dates[i], err = civil.Parse(s); err != nil {
					return nil, bad("%s: %v", []string{"added", "action effective", "terminated"}[i], err)
				}
			}
			c := fromRecord(code, f[6], dates[0], dates[1], dates[2], f[5])
			finish(&c, f[7])
			r.Codes = append(r.Codes, c)
			setSource(r.Codes[len(r.Codes)-1:], r.Name)
		default:
			return nil, bad("record type %q; want R or C", f[0])
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if r.Name == "" {
		return nil, &TableError{File: name, Line: line, Msg: "no release row"}
	}
	return r, nil
}

// WithReleases lays CMS releases over the set (With), keeping the history
// across them (MergeReleases): each code gets the newest release's
// descriptor and dates, the descriptors it had before from the day each
// took effect, and the curated kind (per diem, nursing, …) where the set
// has one. Releases all older than the set's own (Release) do not undo
// what the set knows from its newer one: they add only the codes it lacks.
func (s *Set) WithReleases(rs []*Release) *Set {
	merged := MergeReleases(rs)
	var newest civil.Date
	for _, r := range rs {
		newest = max(newest, r.Effective)
	}
	if newest >= s.release {
		n := s.With(merged)
		n.release = newest
		return n
	}
	var add []Code
	for _, c := range merged {
		if _, ok := s.index[c.Code]; !ok {
			add = append(add, c)
		}
	}
	return s.With(add)
}

// ValidOn reports whether code may be billed on day d (CS-10) and returns
// its descriptor and dose in force that day. It is false for a code the
// set does not hold.
func (s *Set) ValidOn(code string, d civil.Date) (Version, bool) {
	c, ok := s.Lookup(code)
	if !ok || !c.ActiveOn(d) {
		return Version{}, false
	}
	return c.On(d), true
}
