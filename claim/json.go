package claim

import (
	"math"
	"strconv"
	"unicode/utf8"
	"unsafe"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/money"
)

// AppendJSON appends the result's JSON, byte for byte what an encoding/json
// Encoder with SetEscapeHTML(false) writes for it (so "->" in a reason stays
// "->"), without reflection: batch coding writes millions of them.
func (r *Result) AppendJSON(b []byte) []byte { return r.appendJSON(b, nil) }

// A Writer appends results as AppendJSON does, for one writer of many
// results: it remembers the reason texts it found to need no escaping, so
// that a text many lines share (most are fixed sentences, built once per
// profile) is checked once rather than on every line. Its zero value is
// ready; it is not safe for concurrent use.
type Writer struct {
	// plain holds texts found plain, each in the pair of slots its address
	// picks.
	// A text held here stays in memory, so another string at the same
	// address and of the same length has the same bytes.
	plain [256]string
	// dates holds dates written before, each in the slot its day picks,
	// with its JSON: a result's lines share a few dates, and a batch's
	// results mostly the same ones.
	dates [64]writtenDate
}

// writtenDate is a date and what appendDate writes for it; t begins with a
// quote once it is set.
type writtenDate struct {
	d civil.Date
	t [dateLen]byte
}

// appendDate is appendDate, the text of a date written before copied from
// the Writer's table.
func (w *Writer) appendDate(b []byte, d civil.Date) []byte {
	if w == nil {
		return appendDate(b, d)
	}
	e := &w.dates[uint(d)%uint(len(w.dates))]
	if e.d != d || e.t[0] != '"' {
		e.d = d
		appendDate(e.t[:0], d)
	}
	return append(b, e.t[:]...)
}

// AppendResult appends r's JSON, the same bytes as r.AppendJSON(b).
func (w *Writer) AppendResult(b []byte, r *Result) []byte { return r.appendJSON(b, w) }

// isPlain is plain(s), remembered for texts long enough to be worth it.
func (w *Writer) isPlain(s string) bool {
	if w == nil || len(s) < 24 {
		return plain(s)
	}
	// Its address picks a pair of slots: a text found plain goes in the
	// first, and the one there moves to the second. Two texts a batch
	// writes on every result that pick one pair stay in it, where with a
	// slot each they would put each other out and be checked every time.
	p := unsafe.StringData(s)
	i := (uintptr(unsafe.Pointer(p))>>3 ^ uintptr(len(s))) % uintptr(len(w.plain)) &^ 1
	a, b := &w.plain[i], &w.plain[i+1]
	if unsafe.StringData(*a) == p && len(*a) == len(s) || unsafe.StringData(*b) == p && len(*b) == len(s) {
		return true
	}
	if !plain(s) {
		return false
	}
	*a, *b = s, *a
	return true
}

func (r *Result) appendJSON(b []byte, w *Writer) []byte {
	b = append(b, `{"profile":`...)
	b = appendString(b, r.Profile)
	b = append(b, `,"period":`...)
	b = appendSpan(b, r.Period)
	b = append(b, `,"lines":`...)
	b = appendLines(b, r.Lines, w)
	b = append(b, `,"warnings":`...)
	b = appendWarnings(b, r.Warnings)
	return append(b, '}')
}

func appendLines(b []byte, ls []Line, w *Writer) []byte {
	if ls == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i := range ls {
		if i > 0 {
			b = append(b, ',')
		}
		b = ls[i].appendJSON(b, w)
	}
	return append(b, ']')
}

func appendWarnings(b []byte, ws []Warning) []byte {
	if ws == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i := range ws {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"rule":`...)
		b = appendString(b, ws[i].Rule)
		b = append(b, `,"message":`...)
		b = appendString(b, ws[i].Message)
		b = append(b, '}')
	}
	return append(b, ']')
}

func (l *Line) appendJSON(b []byte, w *Writer) []byte {
	b = append(b, '{')
	if l.ID != "" {
		b = append(b, `"id":`...)
		b = appendString(b, l.ID)
		b = append(b, ',')
	}
	b = append(b, `"code":`...)
	b = appendString(b, l.Code)
	b = append(b, `,"modifiers":`...)
	b = appendStrings(b, l.Modifiers)
	b = append(b, `,"from":`...)
	from := len(b)
	b = w.appendDate(b, l.From)
	b = append(b, `,"to":`...)
	if l.To == l.From {
		// Most lines are of one day: the date just written, copied.
		b = append(b, b[from:from+dateLen]...)
	} else {
		b = w.appendDate(b, l.To)
	}
	b = append(b, `,"units":`...)
	b = appendFloat(b, l.Units)
	if l.Charge != 0 {
		b = append(b, `,"charge":`...)
		b = appendAmount(b, l.Charge)
	}
	b = append(b, `,"pos":`...)
	b = appendString(b, l.POS)
	b = append(b, `,"kind":"`...)
	b = append(b, l.Kind.String()...) // one of four plain names, or "unknown"
	b = append(b, '"')
	if l.Therapy != "" {
		b = append(b, `,"therapy":`...)
		b = appendString(b, l.Therapy)
	}
	if l.NDC != "" {
		b = append(b, `,"ndc":`...)
		b = appendString(b, l.NDC)
	}
	if l.NDCQuantity != 0 {
		b = append(b, `,"ndc_quantity":`...)
		b = appendFloat(b, l.NDCQuantity)
	}
	if l.NDCUnit != "" {
		b = append(b, `,"ndc_unit":`...)
		b = appendString(b, l.NDCUnit)
	}
	if l.Description != "" {
		b = append(b, `,"description":`...)
		b = appendString(b, l.Description)
	}
	b = append(b, `,"why":`...)
	b = appendReasons(b, l.Why, w)
	return append(b, '}')
}

func appendSpan(b []byte, s civil.Span) []byte {
	b = append(b, `{"from":`...)
	b = appendDate(b, s.From)
	b = append(b, `,"to":`...)
	b = appendDate(b, s.To)
	return append(b, '}')
}

// dateLen is the length of what appendDate writes.
const dateLen = len(`"2006-01-02"`)

// appendDate writes a date quoted, as civil.Date's MarshalJSON does, with
// the digits computed the same way, without building its string first.
func appendDate(b []byte, d civil.Date) []byte {
	y, m, day := d.YMD()
	if y < 0 || y > 9999 {
		return append(b, '"',
			byte('0'+y/1000%10), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
			byte('0'+m/10%10), byte('0'+m%10), '-',
			byte('0'+day/10%10), byte('0'+day%10), '"')
	}
	hi, lo := 2*(y/100), 2*(y%100)
	return append(b, '"', pairs[hi], pairs[hi+1], pairs[lo], pairs[lo+1], '-',
		pairs[2*m], pairs[2*m+1], '-', pairs[2*day], pairs[2*day+1], '"')
}

// pairs holds the two digits of 0 to 99, each at twice its value.
const pairs = "00010203040506070809101112131415161718192021222324252627282930313233343536373839" +
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879" +
	"8081828384858687888990919293949596979899"

// appendAmount writes an amount as money.Amount's MarshalJSON does: dollars
// with two decimals.
func appendAmount(b []byte, m money.Amount) []byte {
	c := uint64(m)
	if m < 0 {
		b = append(b, '-')
		c = -c // as unsigned, so the most negative amount has its magnitude too
	}
	b = strconv.AppendUint(b, c/100, 10)
	return append(b, '.', byte('0'+c%100/10), byte('0'+c%10))
}

func appendStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

func appendReasons(b []byte, rs []Reason, w *Writer) []byte {
	if rs == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i := range rs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendReason(b, &rs[i], w)
	}
	return append(b, ']')
}

// appendReason writes the reason's string form as one JSON string without
// building that string first.
func appendReason(b []byte, r *Reason, w *Writer) []byte {
	if len(r.Rule) == 4 && plain8(uint64(load4(r.Rule, 0))*(1<<32+1)) {
		// PD-1, CS-2, NU-5: most rules, written without a copy's call.
		b = append(b, '"', r.Rule[0], r.Rule[1], r.Rule[2], r.Rule[3])
	} else {
		b = append(b, '"')
		b = appendEscaped(b, r.Rule)
	}
	if r.Text != "" {
		b = append(b, ':', ' ')
		if w.isPlain(r.Text) {
			b = append(b, r.Text...)
		} else {
			b = appendEscaped(b, r.Text)
		}
	}
	return append(b, '"')
}

// appendFloat formats like encoding/json: 'f' form, or 'e' form for very
// small or large magnitudes with a two-digit exponent trimmed.
func appendFloat(b []byte, f float64) []byte {
	if f >= 1 && f < 1e15 && f == math.Trunc(f) {
		// A whole number of units, the usual case: the same digits.
		return strconv.AppendInt(b, int64(f), 10)
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// plain8 says whether the 8 bytes of x (little-endian) are all ASCII that
// JSON writes as they are (safeASCII), testing them at once. It is small
// enough to be inlined.
func plain8(x uint64) bool { return bad8(x)&highs == 0 }

const ones, highs = 0x0101010101010101, 0x8080808080808080

// bad8 sets the high bit of a byte of x (little-endian) that is not plain:
// its own high bit set, below 0x20, '"' or '\\'. Other bits are noise, and
// a byte after a bad one may be marked too.
func bad8(x uint64) uint64 {
	// A byte of y is zero where x had the byte looked for: (y-1) &^ y sets
	// its high bit then, and only then when y's bytes are all below 0x80.
	q, b := x^(ones*'"'), x^(ones*'\\')
	return x | (q-ones)&^q | (b-ones)&^b | (x-ones*0x20)&^x
}

// plain says whether JSON writes every byte of s as it is: the usual case,
// checked sixteen bytes at a time with one test of two words, then eight,
// the last eight overlapping the others.
func plain(s string) bool {
	i := 0
	for ; i+16 <= len(s); i += 16 {
		if (bad8(load8(s, i))|bad8(load8(s, i+8)))&highs != 0 {
			return false
		}
	}
	if i+8 <= len(s) {
		if !plain8(load8(s, i)) {
			return false
		}
		i += 8
	}
	if i == len(s) {
		return true
	}
	if len(s) >= 8 {
		return plain8(load8(s, len(s)-8))
	}
	if len(s) >= 4 {
		// Codes, rules and places of service: the first four bytes and the
		// last four, overlapping, as one word.
		return plain8(uint64(load4(s, 0)) | uint64(load4(s, len(s)-4))<<32)
	}
	for ; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || !safeASCII[c] {
			return false
		}
	}
	return true
}

// load4 reads s[i:i+4] as one little-endian word.
func load4(s string, i int) uint32 {
	t := s[i : i+4]
	return uint32(t[0]) | uint32(t[1])<<8 | uint32(t[2])<<16 | uint32(t[3])<<24
}

// load8 reads s[i:i+8] as one little-endian word.
func load8(s string, i int) uint64 {
	t := s[i : i+8]
	return uint64(t[0]) | uint64(t[1])<<8 | uint64(t[2])<<16 | uint64(t[3])<<24 |
		uint64(t[4])<<32 | uint64(t[5])<<40 | uint64(t[6])<<48 | uint64(t[7])<<56
}

const hexDigits = "0123456789abcdef"

// safeASCII marks the ASCII bytes encoding/json writes as they are when
// HTML escaping is off.
var safeASCII = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendString quotes s as encoding/json does with HTML escaping off:
// control characters, invalid UTF-8, U+2028 and U+2029 are still escaped.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	b = appendEscaped(b, s)
	return append(b, '"')
}

// appendEscaped appends s escaped as inside a JSON string, without quotes.
func appendEscaped(b []byte, s string) []byte {
	// Codes and rules, four to eight bytes, and modifiers and places of
	// service, two, are checked here without plain's call (and the two
	// without a copy's): they are most of the texts written.
	switch n := len(s); {
	case n >= 4 && n <= 8:
		if plain8(uint64(load4(s, 0)) | uint64(load4(s, n-4))<<32) {
			return append(b, s...)
		}
	case n == 2:
		if c, d := s[0], s[1]; c < utf8.RuneSelf && safeASCII[c] && d < utf8.RuneSelf && safeASCII[d] {
			return append(b, c, d)
		}
	case plain(s):
		return append(b, s...)
	}
	start := 0
	for i := 0; i < len(s); {
		// Skip eight plain bytes at a time: most texts are plain ASCII.
		for i+8 <= len(s) && plain8(load8(s, i)) {
			i += 8
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if safeASCII[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(b, s[start:]...)
}
