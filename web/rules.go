package web

import (
	_ "embed"
	"regexp"
	"strings"
)

// Rule is one rule of docs/coding-standard.md: its ID, its first sentence
// (what a day's or a line's reason shows) and its whole text.
type Rule struct {
	ID       string
	Sentence string
	Text     string
}

// rulesTable is derived from docs/coding-standard.md (TestRulesMatchCodingStandard
// checks it, and rewrites it with -update): one rule a line, ID, sentence and
// text separated by tabs.
//
//go:embed rules.txt
var rulesTable string

var rules, ruleOrder = loadRules(rulesTable)

func loadRules(table string) (map[string]Rule, []string) {
	m := map[string]Rule{}
	var order []string
	for line := range strings.SplitSeq(strings.TrimSpace(table), "\n") {
		f := strings.SplitN(line, "\t", 3)
		if len(f) != 3 {
			continue
		}
		m[f[0]] = Rule{ID: f[0], Sentence: f[1], Text: f[2]}
		order = append(order, f[0])
	}
	return m, order
}

// RuleByID returns a rule of the coding standard by its ID.
func RuleByID(id string) (Rule, bool) {
	r, ok := rules[id]
	return r, ok
}

var (
	ruleStart = regexp.MustCompile(`^- \*\*([A-Z]{2}-[0-9]+)\*\*\s*(.*)$`)
	// Source tags ([NHIA-PD], [DEFAULT]) and the *profile* marker say where
	// a rule comes from; the sentence shown beside a day leaves them out.
	sourceTag = regexp.MustCompile("`\\[[A-Z:a-z -]+\\]`\\s*")
	leadTag   = regexp.MustCompile(`^\*profile\*\s*`)
	emphasis  = regexp.MustCompile(`\*\*|\*([^*\s][^*]*)\*`)
	// A sentence ends at a full stop before a capital, a digit or a quote,
	// not after an abbreviation.
	sentenceEnd = regexp.MustCompile(`\.\)?\s+["“A-Z0-9(]`)
)

// parseRules reads the rules of a coding standard written as
// docs/coding-standard.md is: each a list item starting with its bold ID,
// continued on indented lines.
func parseRules(doc string) []Rule {
	var out []Rule
	var cur *Rule
	var text []string
	flush := func() {
		if cur == nil {
			return
		}
		cur.Text = strings.Join(text, " ")
		cur.Sentence = firstSentence(cur.Text)
		out = append(out, *cur)
		cur, text = nil, nil
	}
	for line := range strings.SplitSeq(doc, "\n") {
		if m := ruleStart.FindStringSubmatch(line); m != nil {
			flush()
			cur = &Rule{ID: m[1]}
			text = append(text, clean(leadTag.ReplaceAllString(sourceTag.ReplaceAllString(m[2], ""), "")))
			continue
		}
		if cur != nil && strings.HasPrefix(line, "  ") && strings.TrimSpace(line) != "" {
			text = append(text, clean(strings.TrimSpace(line)))
			continue
		}
		flush()
	}
	flush()
	return out
}

// clean drops source tags and markdown emphasis, keeping what is quoted as
// code (an X12 segment's asterisks) as it is, without its backticks.
func clean(s string) string {
	parts := strings.Split(sourceTag.ReplaceAllString(s, ""), "`")
	for i := 0; i < len(parts); i += 2 {
		parts[i] = emphasis.ReplaceAllString(parts[i], "$1")
	}
	return strings.Join(parts, "")
}

func firstSentence(s string) string {
	for off := 0; ; {
		loc := sentenceEnd.FindStringIndex(s[off:])
		if loc == nil {
			return s
		}
		end := off + loc[0] + 1
		before := s[:end]
		if strings.HasSuffix(before, "e.g.") || strings.HasSuffix(before, "i.e.") {
			off = end
			continue
		}
		return before
	}
}

// formatRules writes rules as the embedded table.
func formatRules(rs []Rule) string {
	var b strings.Builder
	for _, r := range rs {
		b.WriteString(r.ID + "\t" + r.Sentence + "\t" + r.Text + "\n")
	}
	return b.String()
}
