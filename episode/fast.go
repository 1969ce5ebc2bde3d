package episode

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/money"
)

// decodeFast is the hot path: one pass over the bytes straight into the
// types, without reflection. It accepts exactly the documents that
// encoding/json accepts and the path-tracking walk finds nothing wrong with,
// and builds the same Document encoding/json would; anything else is an
// error that only decides whether the slow walk runs, so its message is
// terse.
//
// Every value is read as the type at its place expects, so the nesting can
// never go deeper than the types do: an array or object where none belongs
// is an error at its first byte, not something to skip.
//
// It earns its keep in batch coding: encoding/json with the walk is several
// times slower per episode. The readers name the fields by hand, so
// fast_fields_test.go walks the types with reflect and fails when a field
// is missing here, read into the wrong place, or numbered like another.
func decodeFast(data []byte) (*Document, error) {
	return decodeFastIn(new(arena), string(data))
}

// decodeFastIn is decodeFast on the document's text, with the document's
// memory taken from a. Strings without escapes are substrings of text
// rather than one allocation each.
func decodeFastIn(a *arena, text string) (*Document, error) {
	// The decoder lives in the arena: the readers hand it to func values,
	// which would move a local one to the heap on every document.
	d := &a.dec
	*d = fastDecoder{s: text, a: a}
	doc := take(&a.docs)
	if d.peek() != '{' {
		return nil, d.unexpected("an object")
	}
	if err := d.document(doc); err != nil {
		return nil, err
	}
	d.peek()
	if d.pos != len(text) {
		return nil, d.fail("data after the document")
	}
	return doc, nil
}

// fastDecoder reads one document's text s.
type fastDecoder struct {
	s   string
	pos int
	a   *arena
	// notText says a string held bytes that are not UTF-8 or a \u escape
	// of a UTF-16 surrogate, which the decoder turned into U+FFFD as
	// encoding/json does. Strings are the only place such bytes can be in
	// a document the decoder accepts.
	notText bool
}

// fastError says where the fast path gave up.
type fastError struct {
	off int
	msg string
}

func (e *fastError) Error() string {
	return fmt.Sprintf("invalid JSON or value at byte %d: %s", e.off, e.msg)
}

func (d *fastDecoder) fail(msg string) error { return &fastError{d.pos, msg} }

func (d *fastDecoder) unexpected(want string) error {
	if d.pos >= len(d.s) {
		return d.fail("the document ends early: want " + want)
	}
	return d.fail(fmt.Sprintf("want %s, got %q", want, d.s[d.pos]))
}

// peek skips JSON whitespace and returns the next byte, or 0 at the end.
// Most values and keys follow their comma or colon at once: that case is
// small enough to be inlined.
func (d *fastDecoder) peek() byte {
	if d.pos < len(d.s) {
		if c := d.s[d.pos]; c > ' ' {
			return c
		}
	}
	return d.skipSpace()
}

func (d *fastDecoder) skipSpace() byte {
	for ; d.pos < len(d.s); d.pos++ {
		switch c := d.s[d.pos]; c {
		case ' ', '\t', '\n', '\r':
		default:
			return c
		}
	}
	return 0
}

// literal consumes word (true, false or null) at d.pos.
func (d *fastDecoder) literal(word string) error {
	if !strings.HasPrefix(d.s[d.pos:], word) {
		return d.fail("want " + word)
	}
	d.pos += len(word)
	return nil
}

// object reads the object whose '{' is next. member reads the value of
// each key and returns the key's field number (0 to 31), so that a field
// given twice is refused however its key was escaped.
func (d *fastDecoder) object(member func(key string) (int, error)) error {
	if d.peek() != '{' {
		return d.unexpected("an object")
	}
	d.pos++
	if d.peek() == '}' {
		d.pos++
		return nil
	}
	var seen uint32
	for {
		key, err := d.key()
		if err != nil {
			return err
		}
		at := d.pos
		field, err := member(key)
		if err != nil {
			return err
		}
		// Field numbers are below 32: the mask spares the shift its checks.
		bit := uint32(1) << (uint(field) & 31)
		if seen&bit != 0 {
			return &fastError{at, fmt.Sprintf("%q given twice", key)}
		}
		seen |= bit
		if d.comma() {
			continue
		}
		if more, err := d.next('}'); !more {
			return err
		}
	}
}

// comma reads the comma right after a value, and the one space most
// writers put after it, as next does, and says whether it did. It is
// small enough to be inlined in the loops of objects and arrays, where
// next's call would cost more than its work.
func (d *fastDecoder) comma() bool {
	i := d.pos
	if i+1 >= len(d.s) || d.s[i] != ',' {
		return false
	}
	if d.s[i+1] == ' ' {
		i++
	}
	d.pos = i + 1
	return true
}

// key reads a member's key and the colon after it.
func (d *fastDecoder) key() (string, error) {
	if d.peek() != '"' {
		return "", d.unexpected("a key")
	}
	// Most keys are plain words of at most fifteen bytes with the colon
	// right after them: their end is in the first two words of eight
	// bytes. The one space most writers put after the colon is stepped
	// over here, where it is cheaper than in peek.
	s, start := d.s, d.pos+1
	if start+16 <= len(s) {
		i := start
		m := special8(load8(s, i))
		if m == 0 {
			i += 8
			m = special8(load8(s, i))
		}
		if m != 0 {
			if j := i + bits.TrailingZeros64(m)>>3; s[j] == '"' && j+2 < len(s) && s[j+1] == ':' {
				d.pos = j + 2
				if s[j+2] == ' ' {
					d.pos = j + 3
				}
				return s[start:j], nil
			}
		}
	}
	key, err := d.stringLit()
	if err != nil {
		return "", err
	}
	if d.peek() != ':' {
		return "", d.unexpected("a colon")
	}
	d.pos++
	return key, nil
}

// next reads the comma before another member or element (true), or the
// closing byte (false, nil).
func (d *fastDecoder) next(closing byte) (bool, error) {
	switch d.peek() {
	case ',':
		// and the one space most writers put after it
		d.pos++
		if d.pos < len(d.s) && d.s[d.pos] == ' ' {
			d.pos++
		}
		return true, nil
	case closing:
		d.pos++
		return false, nil
	}
	return false, d.unexpected("a comma or " + string(closing))
}

func (d *fastDecoder) unknown(key string) (int, error) {
	return 0, d.fail(fmt.Sprintf("unknown field %q", key))
}

// fastArray reads a JSON array into *p, or leaves *p nil for null. An empty
// array is an empty, non-nil slice, as encoding/json makes it. The elements
// are laid out at the end of slab, which only arrays of that type use.
func fastArray[T any](d *fastDecoder, p *[]T, slab *[]T, elem func(*fastDecoder, *T) error) error {
	switch d.peek() {
	case 'n':
		return d.literal("null")
	case '[':
	default:
		return d.unexpected("an array")
	}
	d.pos++
	if d.peek() == ']' {
		d.pos++
		*p = make([]T, 0)
		return nil
	}
	if cap(*slab)-len(*slab) < 4 {
		// A fresh block; what earlier arrays hold stays where it is.
		*slab = make([]T, 0, max(4, 2*cap(*slab)))
	}
	start := len(*slab)
	for {
		var zero T
		*slab = append(*slab, zero)
		if err := elem(d, &(*slab)[len(*slab)-1]); err != nil {
			return err
		}
		if d.comma() {
			continue
		}
		if more, err := d.next(']'); !more {
			if err == nil {
				// Full capacity: an append to the list copies it rather
				// than writing over the next list in the slab.
				*p = (*slab)[start:len(*slab):len(*slab)]
			}
			return err
		}
	}
}

// fastPointer reads a value into a T taken from slab, or leaves *p nil for
// null.
func fastPointer[T any](d *fastDecoder, p **T, slab *[]T, elem func(*fastDecoder, *T) error) error {
	if d.peek() == 'n' {
		return d.literal("null")
	}
	v := take(slab)
	if err := elem(d, v); err != nil {
		return err
	}
	*p = v
	return nil
}

// arena holds the memory of decoded documents: one slab per type, from
// which the decoder takes the values and lists of a document. Decode uses a
// fresh arena per document; a Decoder keeps one and reuses it, so a batch
// allocates little more than each document's text.
type arena struct {
	dec       fastDecoder
	docs      []Document
	periods   []Period
	therapies []Therapy
	changes   []Change
	holds     []Hold
	visits    []Visit
	drugs     []Drug
	supplies  []Supply
	claims    []Claim
	contacts  []Contact
	addresses []Address
	patients  []Patient
	persons   []Person
	dates     []civil.Date // pointed to (end, dob)
	dateLists []civil.Date // lists (infusion_days)
	floats    []float64
	bools     []bool
	ints      []int
	strs      []string
	charges   map[string]money.Amount
	// days holds dates read before, by their text (date).
	days [128]dayText
}

// take returns a zero T from slab. A full slab is replaced, not regrown, so
// the values already taken from it stay where they are.
func take[T any](slab *[]T) *T {
	if len(*slab) == cap(*slab) {
		*slab = make([]T, 0, max(1, 2*cap(*slab)))
	}
	var zero T
	*slab = append(*slab, zero)
	return &(*slab)[len(*slab)-1]
}

// maxKept bounds the values a reused slab keeps, so one huge document does
// not pin its memory for the rest of a batch.
const maxKept = 1 << 12

// reuse empties a slab for the next document.
func reuse[T any](slab *[]T) {
	if cap(*slab) > maxKept {
		*slab = nil
		return
	}
	*slab = (*slab)[:0]
}

// reset makes the arena's memory free for the next document: whatever the
// last document held is written over.
func (a *arena) reset() {
	a.dec = fastDecoder{}
	reuse(&a.docs)
	reuse(&a.periods)
	reuse(&a.therapies)
	reuse(&a.changes)
	reuse(&a.holds)
	reuse(&a.visits)
	reuse(&a.drugs)
	reuse(&a.supplies)
	reuse(&a.claims)
	reuse(&a.contacts)
	reuse(&a.addresses)
	reuse(&a.patients)
	reuse(&a.persons)
	reuse(&a.dates)
	reuse(&a.dateLists)
	reuse(&a.floats)
	reuse(&a.bools)
	reuse(&a.ints)
	reuse(&a.strs)
	if len(a.charges) > maxLinearKeys {
		a.charges = nil
	}
	clear(a.charges)
}

// str reads a string; null leaves *p as it is, as encoding/json does.
func (d *fastDecoder) str(p *string) error {
	switch d.peek() {
	case '"':
		// A plain string of at most fifteen bytes, as key finds one.
		if s, start := d.s, d.pos+1; start+16 <= len(s) {
			i := start
			m := special8(load8(s, i))
			if m == 0 {
				i += 8
				m = special8(load8(s, i))
			}
			if m != 0 {
				if j := i + bits.TrailingZeros64(m)>>3; s[j] == '"' {
					*p = s[start:j]
					d.pos = j + 1
					return nil
				}
			}
		}
		s, err := d.stringLit()
		if err != nil {
			return err
		}
		*p = s
		return nil
	case 'n':
		return d.literal("null")
	}
	return d.unexpected("a string")
}

// stringLit reads the string literal whose quote is at d.pos. It skips
// eight plain bytes at a time to the first that is not (special8).
func (d *fastDecoder) stringLit() (string, error) {
	s := d.s
	start := d.pos + 1
	for i := start; i < len(s); {
		if i+8 <= len(s) {
			m := special8(load8(s, i))
			if m == 0 {
				i += 8
				continue
			}
			i += bits.TrailingZeros64(m) >> 3
		}
		c := s[i]
		switch {
		case c == '"':
			d.pos = i + 1
			return s[start:i], nil
		case c == '\\' || c < ' ':
			return d.unquote(start, i)
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				return d.unquote(start, i)
			}
			i += size
		default:
			i++
		}
	}
	d.pos = len(s)
	return "", d.fail("the document ends inside a string")
}

// special8 marks, in the high bit of each byte, the bytes of x (eight
// bytes of text, little-endian) that end a plain run of string: a quote, a
// backslash, a control character, or a byte of a multi-byte UTF-8
// sequence. The lowest mark is exact (a borrow can only mark bytes above a
// marked one), and that is the one stringLit uses.
func special8(x uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	q, b := x^(ones*'"'), x^(ones*'\\')
	return (x | (q-ones)&^q | (b-ones)&^b | (x-ones*0x20)&^x) & highs
}

// load8 reads s[i:i+8] as one little-endian word.
func load8(s string, i int) uint64 {
	t := s[i : i+8]
	return uint64(t[0]) | uint64(t[1])<<8 | uint64(t[2])<<16 | uint64(t[3])<<24 |
		uint64(t[4])<<32 | uint64(t[5])<<40 | uint64(t[6])<<48 | uint64(t[7])<<56
}

// unquote finishes a string literal that needs rewriting from byte r on:
// escapes decoded, and each byte of invalid UTF-8 (lone surrogates
// included) replaced by U+FFFD, all as encoding/json does.
func (d *fastDecoder) unquote(start, r int) (string, error) {
	s := d.s
	b := make([]byte, 0, r-start+16)
	b = append(b, s[start:r]...)
	for r < len(s) {
		switch c := s[r]; {
		case c == '"':
			d.pos = r + 1
			return string(b), nil
		case c == '\\':
			if r+1 >= len(s) {
				d.pos = len(s)
				return "", d.fail("the document ends inside a string")
			}
			switch e := s[r+1]; e {
			case '"', '\\', '/':
				b = append(b, e)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				rr := getu4(s[r:])
				if rr < 0 {
					d.pos = r
					return "", d.fail(`want four hex digits after \u`)
				}
				r += 6
				if utf16.IsSurrogate(rr) {
					d.notText = true
					if dec := utf16.DecodeRune(rr, getu4(s[r:])); dec != utf8.RuneError {
						r += 6
						b = utf8.AppendRune(b, dec)
						continue
					}
					rr = utf8.RuneError
				}
				b = utf8.AppendRune(b, rr)
				continue
			default:
				d.pos = r
				return "", d.fail("invalid escape in a string")
			}
			r += 2
		case c < ' ':
			d.pos = r
			return "", d.fail("control character in a string")
		case c < utf8.RuneSelf:
			b = append(b, c)
			r++
		default:
			rr, size := utf8.DecodeRuneInString(s[r:])
			if rr == utf8.RuneError && size == 1 {
				d.notText = true
			}
			b = utf8.AppendRune(b, rr)
			r += size
		}
	}
	d.pos = len(s)
	return "", d.fail("the document ends inside a string")
}

// getu4 decodes the \uXXXX at the start of s, or returns -1.
func getu4(s string) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range []byte(s[2:6]) {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// number reads a number literal in JSON's grammar and returns its text.
func (d *fastDecoder) number() (string, error) {
	s, i := d.s, d.pos
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && '1' <= s[i] && s[i] <= '9':
		i = skipDigits(s, i+1)
	default:
		d.pos = i
		return "", d.unexpected("a digit")
	}
	if i < len(s) && s[i] == '.' {
		if j := skipDigits(s, i+1); j > i+1 {
			i = j
		} else {
			d.pos = i + 1
			return "", d.unexpected("a digit")
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if j := skipDigits(s, i); j > i {
			i = j
		} else {
			d.pos = i
			return "", d.unexpected("a digit")
		}
	}
	lit := d.s[d.pos:i]
	d.pos = i
	return lit, nil
}

func skipDigits(s string, i int) int {
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	return i
}

func isNumberStart(c byte) bool { return c == '-' || '0' <= c && c <= '9' }

// float reads a number; null leaves *p as it is.
func (d *fastDecoder) float(p *float64) error {
	c := d.peek()
	if c == 'n' {
		return d.literal("null")
	}
	if !isNumberStart(c) {
		return d.unexpected("a number")
	}
	at := d.pos
	lit, err := d.number()
	if err != nil {
		return err
	}
	v, err := strconv.ParseFloat(lit, 64)
	if err != nil {
		return &fastError{at, lit + ": want a number"}
	}
	*p = v
	return nil
}

// integer reads a whole number that fits an int (no fraction or exponent,
// as encoding/json wants); null leaves *p as it is.
func (d *fastDecoder) integer(p *int) error {
	c := d.peek()
	if c == 'n' {
		return d.literal("null")
	}
	if !isNumberStart(c) {
		return d.unexpected("a whole number")
	}
	at := d.pos
	lit, err := d.number()
	if err != nil {
		return err
	}
	if v, ok := quickInt(lit); ok {
		*p = v
		return nil
	}
	v, err := strconv.ParseInt(lit, 10, strconv.IntSize)
	if err != nil {
		return &fastError{at, lit + ": want a whole number"}
	}
	*p = int(v)
	return nil
}

// boolean reads true or false; null leaves *p as it is.
func (d *fastDecoder) boolean(p *bool) error {
	switch d.peek() {
	case 't':
		*p = true
		return d.literal("true")
	case 'f':
		*p = false
		return d.literal("false")
	case 'n':
		return d.literal("null")
	}
	return d.unexpected("true or false")
}

// date reads "YYYY-MM-DD" as civil.Date's UnmarshalJSON does: from the raw
// literal, so an escape or null is an error.
func (d *fastDecoder) date(p *civil.Date) error {
	if d.peek() != '"' {
		return d.unexpected("a date")
	}
	i := d.pos + 1
	if i+10 >= len(d.s) || d.s[i+10] != '"' {
		return d.fail("want a date YYYY-MM-DD")
	}
	// A document names a few days many times over, and a batch's
	// documents mostly the same ones: a day read before is taken from
	// the arena's table by its ten bytes instead of parsed again.
	lo, hi := load8(d.s, i), uint32(d.s[i+8])|uint32(d.s[i+9])<<8|seenDate
	// The entry is the day of the month beside the month's last two bits:
	// a batch's days of four months in a row have one each.
	e := &d.a.days[(uint(d.s[i+8]&3)*10+uint(d.s[i+9]&15)+uint(d.s[i+6]&3)<<5)%uint(len(d.a.days))]
	if e.lo == lo && e.hi == hi {
		*p = e.v
		d.pos = i + 11
		return nil
	}
	v, err := civil.Parse(d.s[i : i+10])
	if err != nil {
		return d.fail(err.Error())
	}
	*e = dayText{lo, hi, v}
	*p = v
	d.pos = i + 11
	return nil
}

// dayText is a date's text "YYYY-MM-DD" as two words, the first eight
// bytes and the last two (with seenDate set, so that an empty entry never
// matches), and the date it is.
type dayText struct {
	lo uint64
	hi uint32
	v  civil.Date
}

const seenDate = 1 << 16

// money reads an amount from the number literal, as money.Amount's UnmarshalJSON
// does; a string, null or anything else is an error.
func (d *fastDecoder) money(p *money.Amount) error {
	if !isNumberStart(d.peek()) {
		return d.unexpected("an amount")
	}
	at := d.pos
	lit, err := d.number()
	if err != nil {
		return err
	}
	v, err := money.Parse(lit)
	if err != nil {
		return &fastError{at, err.Error()}
	}
	*p = v
	return nil
}

// quickInt reads the usual whole number, minutes or doses, a number
// literal of at most nine digits (so that it fits any int) and no fraction
// or exponent, as strconv.ParseInt reads it; ok is false for any other
// literal, which strconv.ParseInt judges.
func quickInt(lit string) (v int, ok bool) {
	i, neg := 0, lit != "" && lit[0] == '-'
	if neg {
		i++
	}
	if n := len(lit) - i; n == 0 || n > 9 {
		return 0, false
	}
	for ; i < len(lit); i++ {
		c := lit[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}

// maxLinearKeys is how many charge codes are checked for repeats by a plain
// scan before a set takes over, so a huge map stays linear.
const maxLinearKeys = 16

// charges reads the charge map; null leaves it nil. Codes are compared in
// upper case, as the walk compares them, so "s9500" repeats "S9500".
func (d *fastDecoder) charges(p *map[string]money.Amount) error {
	switch d.peek() {
	case 'n':
		return d.literal("null")
	case '{':
	default:
		return d.unexpected("an object")
	}
	d.pos++
	// A document has one charge map (a claim given twice is refused), so
	// the arena keeps just one.
	m := d.a.charges
	if m == nil {
		m = make(map[string]money.Amount)
		d.a.charges = m
	}
	*p = m
	if d.peek() == '}' {
		d.pos++
		return nil
	}
	var few [maxLinearKeys]string
	upper := few[:0]
	var many map[string]bool
	for {
		at := d.pos
		key, err := d.key()
		if err != nil {
			return err
		}
		u := strings.ToUpper(key)
		repeat := false
		if many == nil {
			for _, k := range upper {
				repeat = repeat || k == u
			}
			if upper = append(upper, u); len(upper) > maxLinearKeys {
				many = make(map[string]bool, 2*len(upper))
				for _, k := range upper {
					many[k] = true
				}
			}
		} else {
			repeat = many[u]
			many[u] = true
		}
		if repeat {
			return &fastError{at, fmt.Sprintf("charge code %q given twice", key)}
		}
		var v money.Amount
		if err := d.money(&v); err != nil {
			return err
		}
		m[key] = v
		if d.comma() {
			continue
		}
		if more, err := d.next('}'); !more {
			return err
		}
	}
}

// The readers below follow the types of episode.go field by field. Each
// case returns its field's number within the type.

func (d *fastDecoder) document(doc *Document) error {
	return d.object(func(key string) (int, error) {
		switch key {
		case "profile":
			return 0, d.str(&doc.Profile)
		case "period":
			return 1, fastPointer(d, &doc.Period, &d.a.periods, (*fastDecoder).period)
		case "therapies":
			return 2, fastArray(d, &doc.Therapies, &d.a.therapies, (*fastDecoder).therapy)
		case "visits":
			return 3, fastArray(d, &doc.Visits, &d.a.visits, (*fastDecoder).visit)
		case "drugs":
			return 4, fastArray(d, &doc.Drugs, &d.a.drugs, (*fastDecoder).drug)
		case "supplies":
			return 5, fastArray(d, &doc.Supplies, &d.a.supplies, (*fastDecoder).supply)
		case "claim":
			return 6, fastPointer(d, &doc.Claim, &d.a.claims, (*fastDecoder).claim)
		}
		return d.unknown(key)
	})
}

func (d *fastDecoder) period(p *Period) error {
	return d.object(func(key string) (int, error) {
		switch key {
		case "from":
			return 0, d.date(&p.From)
		case "to":
			return 1, d.date(&p.To)
		}
		return d.unknown(key)
	})
}

func (d *fastDecoder) therapy(t *Therapy) error {
	return d.object(func(key string) (int, error) {
		switch key {
		case "id":
			return 0, d.str(&t.ID)
		case "type":
			return 1, d.str(&t.Type)
		case "start":
			return 2, d.date(&t.Start)
		case "end":
			return 3, fastPointer(d, &t.End, &d.a.dates, (*fastDecoder).date)
		case "every_hours":
			return 4, fastPointer(d, &t.EveryHours, &d.a.floats, (*fastDecoder).float)
		case "every_days":
			return 5, fastPointer(d, &t.EveryDays, &d.a.floats, (*fastDecoder).float)
		case "continuous":
			return 6, fastPointer(d, &t.Continuous, &d.a.bools, (*fastDecoder).boolean)
		case "implanted_pump":
			return 7, fastPointer(d, &t.ImplantedPump, &d.a.bools, (*fastDecoder).boolean)
		case "liters_per_day":
			return 8, fastPointer(d, &t.LitersPerDay, &d.a.floats, (*fastDecoder).float)
		case "method":
			return 9, d.str(&t.Method)
		case "lumens":
			return 10, fastPointer(d, &t.Lumens, &d.a.ints, (*fastDecoder).integer)
		case "device":
			return 11, d.str(&t.Device)
		case "site":
			return 12, d.str(&t.Site)
		case "changes":
			return 13, fastArray(d, &t.Changes, &d.a.changes, (*fastDecoder).change)
		case "holds":
			return 14, fastArray(d, &t.Holds, &d.a.holds, (*fastDecoder).hold)
		case "infusion_days":
			return 15, fastArray(d, &t.InfusionDays, &d.a.dateLists, (*fastDecoder).date)
		case "description":
			return 16, d.str(&t.Description)
		}
		return d.unknown(key)
	})
}

func (d *fastDecoder) change(c *Change) error {
	return d.object(func(key string) (int, error) {
		switch key {
		case "from":
			return 0, d.date(&c.From)
		case "every_hours":
			return 1, fastPointer(d, &c.EveryHours, &d.a.floats, (*fastDecoder).float)
		case "every_days":
			return 2, fastPointer(d, &c.EveryDays, &d.a.floats, (*fastDecoder).float)
		case "continuous":
			return 3, fastPointer(d, &c.Continuous, &d.a.bools, (*fastDecoder).boolean)
		case "liters_per_day":
			return 4, fastPointer(d, &c.LitersPerDay, &d.a.floats, (*fastDecoder).float)
		case "method":
			return 5, d.str(&c.Method)
		case "site":
			return 6, d.str(&c.Site)
		}
		return d.unknown(key)
	})
}

func (d *fastDecoder) hold(h *Hold) error {
	return d.object(func(key string) (int, error) {
		switch key {
		case "from":
			return 0, d.date(&h.From)
		case "to":
			return 1, d.date(&h.To)
		case "reason":
			return 2, d.str(&h.Reason)
		}
		return d.unknown(key)
	})
}

func (d *fastDecoder) visit(v *Visit) error {
	return d.object(func(key string) (int, error) {
		switch key {
		case "date":
			return 0, d.date(&v.Date)
		case "minutes":
			return 1, d.integer(&v.Minutes)
		case "nurse":
			return 2, d.str(&v.Nurse)
		case "specialty":
			return 3, d.boolean(&v.Specialty)
		case "site":
			return 4, d.str(&v.Site)
		case "therapy":
			return 5, d.str(&v.Therapy)
		}
		return d.unknown(key)
	})
}

func (d *fastDecoder) drug(g *Drug) error {
	return d.object(func(key string) (int, error) {
		switch key {
		case "therapy":
			return 0, d.str(&g.Therapy)
		case "hcpcs":
			return 1, d.str(&g.HCPCS)
		case "ndc":
			return 2, d.str(&g.NDC)
		case "from":
			return 3, d.date(&g.From)
		case "to":
			return 4, d.date(&g.To)
		case "dose":
			return 5, d.float(&g.Dose)
		case "dose_unit":
			return 6, d.str(&g.DoseUnit)
		case "doses":
			return 7, d.integer(&g.Doses)
		case "ndc_quantity":
			return 8, d.float(&g.NDCQuantity)
		case "ndc_unit":
			return 9, d.str(&g.NDCUnit)
		case "description":
			return 10, d.str(&g.Description)
		case "unused":
			return 11, d.boolean(&g.Unused)
		}
		return d.unknown(key)
	})
}

func (d *fastDecoder) supply(s *Supply) error {
	return d.object(func(key string) (int, error) {
		switch key {
		case "hcpcs":
			return 0, d.str(&s.HCPCS)
		case "date":
			return 1, d.date(&s.Date)
		case "units":
			return 2, d.float(&s.Units)
		}
		return d.unknown(key)
	})
}

func (d *fastDecoder) claim(c *Claim) error {
	return d.object(func(key string) (int, error) {
		switch key {
		case "id":
			return 0, d.str(&c.ID)
		case "frequency":
			return 1, d.str(&c.Frequency)
		case "original_ref":
			return 2, d.str(&c.OriginalRef)
		case "billing_provider":
			return 3, d.provider(&c.BillingProvider)
		case "subscriber":
			return 4, d.subscriber(&c.Subscriber)
		case "patient":
			return 5, fastPointer(d, &c.Patient, &d.a.patients, (*fastDecoder).patient)
		case "payer":
			return 6, d.payer(&c.Payer)
		case "diagnoses":
			return 7, fastArray(d, &c.Diagnoses, &d.a.strs, (*fastDecoder).str)
		case "prior_auth":
			return 8, d.str(&c.PriorAuth)
		case "note":
			return 9, d.str(&c.Note)
		case "rendering":
			return 10, fastPointer(d, &c.Rendering, &d.a.persons, (*fastDecoder).person)
		case "ordering":
			return 11, fastPointer(d, &c.Ordering, &d.a.persons, (*fastDecoder).person)
		case "charges":
			return 12, d.charges(&c.Charges)
		case "interchange":
			return 13, d.interchange(&c.Interchange)
		}
		return d.unknown(key)
	})
}

func (d *fastDecoder) provider(p *Provider) error {
	return d.object(func(key string) (int, error) {
		switch key {
		case "name":
			return 0, d.str(&p.Name)
		case "npi":
			return 1, d.str(&p.NPI)
		case "tax_id":
			return 2, d.str(&p.TaxID)
		case "taxonomy":
			return 3, d.str(&p.Taxonomy)
		case "address":
			return 4, d.address(&p.Address)
		case "contact":
			return 5, fastPointer(d, &p.Contact, &d.a.contacts, (*fastDecoder).contact)
		}
		return d.unknown(key)
	})
}

func (d *fastDecoder) contact(c *Contact) error {
	return d.object(func(key string) (int, error) {
		switch key {
		case "name":
			return 0, d.str(&c.Name)
		case "phone":
			return 1, d.str(&c.Phone)
		case "email":
			return 2, d.str(&c.Email)
		}
		return d.unknown(key)
	})
}

func (d *fastDecoder) address(a *Address) error {
	return d.object(func(key string) (int, error) {
		switch key {
		case "line1":
			return 0, d.str(&a.Line1)
		case "line2":
			return 1, d.str(&a.Line2)
		case "city":
			return 2, d.str(&a.City)
		case "state":
			return 3, d.str(&a.State)
		case "zip":
			return 4, d.str(&a.Zip)
		}
		return d.unknown(key)
	})
}

func (d *fastDecoder) subscriber(s *Subscriber) error {
	return d.object(func(key string) (int, error) {
		switch key {
		case "member_id":
			return 0, d.str(&s.MemberID)
		case "last":
			return 1, d.str(&s.Last)
		case "first":
			return 2, d.str(&s.First)
		case "middle":
			return 3, d.str(&s.Middle)
		case "dob":
			return 4, fastPointer(d, &s.DOB, &d.a.dates, (*fastDecoder).date)
		case "sex":
			return 5, d.str(&s.Sex)
		case "group":
			return 6, d.str(&s.Group)
		case "relationship":
			return 7, d.str(&s.Relationship)
		case "address":
			return 8, fastPointer(d, &s.Address, &d.a.addresses, (*fastDecoder).address)
		}
		return d.unknown(key)
	})
}

func (d *fastDecoder) patient(p *Patient) error {
	return d.object(func(key string) (int, error) {
		switch key {
		case "last":
			return 0, d.str(&p.Last)
		case "first":
			return 1, d.str(&p.First)
		case "middle":
			return 2, d.str(&p.Middle)
		case "dob":
			return 3, d.date(&p.DOB)
		case "sex":
			return 4, d.str(&p.Sex)
		case "relationship":
			return 5, d.str(&p.Relationship)
		case "address":
			return 6, d.address(&p.Address)
		}
		return d.unknown(key)
	})
}

func (d *fastDecoder) payer(p *Payer) error {
	return d.object(func(key string) (int, error) {
		switch key {
		case "name":
			return 0, d.str(&p.Name)
		case "id":
			return 1, d.str(&p.ID)
		case "filing":
			return 2, d.str(&p.Filing)
		}
		return d.unknown(key)
	})
}

func (d *fastDecoder) person(p *Person) error {
	return d.object(func(key string) (int, error) {
		switch key {
		case "npi":
			return 0, d.str(&p.NPI)
		case "last":
			return 1, d.str(&p.Last)
		case "first":
			return 2, d.str(&p.First)
		case "taxonomy":
			return 3, d.str(&p.Taxonomy)
		}
		return d.unknown(key)
	})
}

func (d *fastDecoder) interchange(x *Interchange) error {
	return d.object(func(key string) (int, error) {
		switch key {
		case "sender":
			return 0, d.str(&x.Sender)
		case "receiver":
			return 1, d.str(&x.Receiver)
		case "usage":
			return 2, d.str(&x.Usage)
		}
		return d.unknown(key)
	})
}
