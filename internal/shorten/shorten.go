// Package shorten cuts the values from the input that error messages quote,
// so that a message never grows with the size of a value: the command line
// and the server say the same thing about the same bad document.
package shorten

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/perdiem/perdiem/episode"
	"github.com/perdiem/perdiem/errs"
)

// MaxQuoted is how many characters of a value from the input a message
// quotes: enough to recognise it, never the whole of a 16 MiB string.
const MaxQuoted = 40

// Text cuts the quoted values in a message (Go-quoted, as %q writes them)
// to MaxQuoted characters, saying how long they were:
// "xxxx…" (100000 characters).
func Text(s string) string {
	if len(s) <= MaxQuoted+2 {
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
		// MaxQuoted+1 leaves a value cut already (with its "…") as it is.
		if err != nil || utf8.RuneCountInString(v) <= MaxQuoted+1 {
			b.WriteString(q)
			continue
		}
		n := utf8.RuneCountInString(v)
		cut := strconv.Quote(string([]rune(v)[:MaxQuoted]))
		fmt.Fprintf(&b, "%s…\" (%d characters)", cut[:len(cut)-1], n)
	}
	return b.String()
}

// Path cuts each part of a field path (a key from the input can be any
// length) to MaxQuoted characters.
func Path(p string) string {
	if len(p) <= MaxQuoted {
		return p
	}
	parts := strings.Split(p, ".")
	for i, part := range parts {
		if utf8.RuneCountInString(part) > MaxQuoted {
			parts[i] = string([]rune(part)[:MaxQuoted]) + "…"
		}
	}
	return strings.Join(parts, ".")
}

// Problems shortens, in place, the problems of a document error (see Text,
// Path), and returns err.
func Problems(err error) error {
	if err == nil {
		return nil // the usual case, without the two targets errors.As needs on the heap
	}
	var pe *episode.Error
	var ee *errs.Error
	switch {
	case errors.As(err, &pe):
		for i := range pe.Problems {
			p := &pe.Problems[i]
			p.Path, p.Message = Path(p.Path), Text(p.Message)
		}
	case errors.As(err, &ee):
		ee.Message = Text(ee.Message)
		for i := range ee.Problems {
			p := &ee.Problems[i]
			p.Path, p.Message = Path(p.Path), Text(p.Message)
		}
	}
	return err
}
