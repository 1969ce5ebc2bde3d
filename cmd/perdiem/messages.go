package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/perdiem/perdiem/episode"
	"github.com/perdiem/perdiem/errs"
)

// maxQuoted is how many characters of a value from the input a message
// quotes: enough to recognise it, never the whole of a 16 MiB string.
const maxQuoted = 40

// shortText cuts the quoted values in a message (Go-quoted, as %q writes
// them) to maxQuoted characters, saying how long they were:
// "xxxx…" (100000 characters).
func shortText(s string) string {
	if len(s) <= maxQuoted+2 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '"')
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		b.WriteString(s[i : i+j])
		i += j
		q, err := strconv.QuotedPrefix(s[i:])
		if err != nil {
			b.WriteByte('"')
			i++
			continue
		}
		i += len(q)
		v, err := strconv.Unquote(q)
		// maxQuoted+1 leaves a value cut already (with its "…") as it is.
		if err != nil || utf8.RuneCountInString(v) <= maxQuoted+1 {
			b.WriteString(q)
			continue
		}
		n := utf8.RuneCountInString(v)
		cut := strconv.Quote(string([]rune(v)[:maxQuoted]))
		fmt.Fprintf(&b, "%s…\" (%d characters)", cut[:len(cut)-1], n)
	}
	return b.String()
}

// shortPath cuts each part of a field path (a key from the input can be
// any length) to maxQuoted characters.
func shortPath(p string) string {
	if len(p) <= maxQuoted {
		return p
	}
	parts := strings.Split(p, ".")
	for i, part := range parts {
		if utf8.RuneCountInString(part) > maxQuoted {
			parts[i] = string([]rune(part)[:maxQuoted]) + "…"
		}
	}
	return strings.Join(parts, ".")
}

// shortProblems shortens, in place, the problems of a document error (see
// shortText, shortPath), so that neither standard error nor a JSONL error
// record grows with the size of a value in the input.
func shortProblems(err error) error {
	var pe *episode.Error
	var ee *errs.Error
	switch {
	case errors.As(err, &pe):
		for i := range pe.Problems {
			p := &pe.Problems[i]
			p.Path, p.Message = shortPath(p.Path), shortText(p.Message)
		}
	case errors.As(err, &ee):
		ee.Message = shortText(ee.Message)
		for i := range ee.Problems {
			p := &ee.Problems[i]
			p.Path, p.Message = shortPath(p.Path), shortText(p.Message)
		}
	}
	return err
}
