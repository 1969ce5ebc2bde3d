package coding

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/episode"
	"github.com/perdiem/perdiem/profile"
)

// code decodes a document and codes it with the named profile ("" = the
// document's own).
func code(t testing.TB, doc string, prof string) *claim.Result {
	t.Helper()
	res, err := tryCode(doc, prof)
	if err != nil {
		t.Fatalf("coding failed: %v", err)
	}
	return res
}

func tryCode(doc string, prof string) (*claim.Result, error) {
	d, err := episode.Decode([]byte(doc))
	if err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	var opt Options
	if prof != "" {
		p, err := profile.Get(prof)
		if err != nil {
			return nil, err
		}
		opt.Profile = p
	}
	return Code(d, opt)
}

// withSettings codes a document under nhia with some settings changed.
func withSettings(t testing.TB, doc string, change func(*profile.Settings)) *claim.Result {
	t.Helper()
	d, err := episode.Decode([]byte(doc))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	p := *profile.Default()
	p.ID = "test"
	p.Settings = profile.NHIA()
	change(&p.Settings)
	res, err := Code(d, Options{Profile: &p})
	if err != nil {
		t.Fatalf("coding failed: %v", err)
	}
	return res
}

// brief renders lines as "CODE[MODS] FROM..TO xUNITS", sorted, for compact
// comparisons.
func brief(res *claim.Result) []string {
	out := make([]string, 0, len(res.Lines))
	for _, l := range res.Lines {
		s := l.Code
		if len(l.Modifiers) > 0 {
			s += "[" + strings.Join(l.Modifiers, ",") + "]"
		}
		s += fmt.Sprintf(" %s..%s x%s", l.From, l.To, formatNumber(l.Units))
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

func wantLines(t *testing.T, res *claim.Result, want ...string) {
	t.Helper()
	got := brief(res)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("lines:\n got  %s\n want %s", strings.Join(got, "\n      "), strings.Join(want, "\n      "))
	}
}

func hasWarning(res *claim.Result, rule string) bool {
	for _, w := range res.Warnings {
		if strings.HasPrefix(w.Rule, rule) {
			return true
		}
	}
	return false
}

// therapy builds a one-therapy document.
func therapy(fields string) string {
	return `{"therapies":[{"id":"t1",` + fields + `}]}`
}

var ruleID = regexp.MustCompile(`^(PD|CS|CC|NU|DR|IN|LN|BI|MC)-[0-9]+$`)

// reasonOf returns the line's first reason of the rule, or "".
func reasonOf(l claim.Line, rule string) string {
	for _, r := range l.Why {
		if r.Rule == rule {
			return r.Text
		}
	}
	return ""
}

func lineOf(res *claim.Result, code string) *claim.Line {
	for i := range res.Lines {
		if res.Lines[i].Code == code {
			return &res.Lines[i]
		}
	}
	return nil
}

func warningAbout(res *claim.Result, rule, text string) bool {
	for _, w := range res.Warnings {
		if w.Rule == rule && strings.Contains(w.Message, text) {
			return true
		}
	}
	return false
}
