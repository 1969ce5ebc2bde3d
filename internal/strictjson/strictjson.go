// Package strictjson checks a JSON document against the Go type it is meant
// to fill, token by token, so that every unknown field, field given twice,
// value of the wrong type, value the type itself refuses and string that is
// not UTF-8 is reported at its field path (therapies[1].changes[0].from) in
// words for people, not in encoding/json's Go vocabulary.
//
// It only finds problems; decoding is left to encoding/json or a faster
// decoder once the checker is satisfied.
package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/money"
)

// Problem is one thing wrong with a document, at a field path such as
// therapies[1].changes[0].from ("" for the whole document).
type Problem = errs.Problem

// Checker walks documents beside a Go type.
type Checker struct {
	// Type is the Go type the document fills.
	Type reflect.Type
	// Noun names the document in messages: "document", "profile".
	Noun string
	// Text makes strings that are not valid UTF-8 (or hold half of a
	// UTF-16 surrogate pair as a \u escape) problems; encoding/json
	// silently replaces them with U+FFFD.
	Text bool
}

// Check returns the problems of data in document order, or nil.
func (c Checker) Check(data []byte) []Problem {
	w := &walker{dec: json.NewDecoder(bytes.NewReader(data)), data: data, text: c.Text, noun: c.Noun}
	w.dec.UseNumber()
	tok, err := w.token()
	if err == io.EOF {
		return []Problem{{Message: "empty input: want a JSON object"}}
	}
	if err != nil {
		w.syntax("", err)
		return w.probs
	}
	if !w.value("", c.Type, tok) {
		return w.probs
	}
	if _, err := w.dec.Token(); err != io.EOF {
		w.add("", fmt.Sprintf("unexpected data after the %s at byte %d: want one JSON object", c.Noun, w.dec.InputOffset()))
	}
	return w.probs
}

var (
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	moneyType       = reflect.TypeFor[money.Amount]()
	describedType   = reflect.TypeFor[Described]()
)

// Described is a type with a JSON form of its own that says in words what
// that form looks like ("a price such as 120.00"), for messages about a
// value of the wrong kind.
type Described interface{ DescribeJSON() string }

type walker struct {
	dec   *json.Decoder
	data  []byte
	text  bool
	noun  string
	probs []Problem
	// from and to are the input offsets around the last token read.
	from, to int64
}

func (w *walker) add(path, msg string) {
	w.probs = append(w.probs, Problem{Path: path, Message: msg})
}

func (w *walker) token() (json.Token, error) {
	w.from = w.dec.InputOffset()
	tok, err := w.dec.Token()
	w.to = w.dec.InputOffset()
	return tok, err
}

func (w *walker) syntax(path string, err error) {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		off, msg := w.syntaxMessage(se)
		w.add(path, fmt.Sprintf("invalid JSON at byte %d: %s", off, msg))
	case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
		w.add(path, "the "+w.noun+" ends early: invalid JSON")
	default:
		w.add(path, "invalid JSON: "+err.Error())
	}
}

// syntaxMessage is encoding/json's message and offset, except that a
// character outside ASCII is named as written and where it starts:
// encoding/json quotes its first byte as if it were Latin-1 ("invalid
// character 'Ã'" for É).
func (w *walker) syntaxMessage(se *json.SyntaxError) (int64, string) {
	if !strings.HasPrefix(se.Error(), "invalid character ") {
		return se.Offset, se.Error()
	}
	from := max(int(se.Offset)-1, 0)
	for i := from; i < len(w.data) && i < from+8; i++ {
		if w.data[i] < utf8.RuneSelf {
			continue
		}
		r, size := utf8.DecodeRune(w.data[i:])
		if r == utf8.RuneError && size == 1 {
			return int64(i), fmt.Sprintf("byte 0x%02X is not UTF-8: want text in UTF-8 (save the file as UTF-8, not Latin-1 or Windows-1252)", w.data[i])
		}
		return int64(i), fmt.Sprintf("unexpected character %q: want JSON (text in double quotes)", r)
	}
	return se.Offset, se.Error()
}

// value checks the value that starts with tok against type t. It returns
// false when the JSON itself is broken and the walk cannot go on.
func (w *walker) value(path string, t reflect.Type, tok json.Token) bool {
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		return w.unmarshaler(path, t, tok)
	}
	switch t.Kind() {
	case reflect.Pointer:
		if tok == nil {
			return true
		}
		return w.value(path, t.Elem(), tok)
	case reflect.Struct:
		if d, ok := tok.(json.Delim); ok && d == '{' {
			return w.object(path, t)
		}
	case reflect.Slice:
		if tok == nil {
			return true
		}
		if d, ok := tok.(json.Delim); ok && d == '[' {
			return w.array(path, t.Elem())
		}
	case reflect.Map:
		if tok == nil {
			return true
		}
		if d, ok := tok.(json.Delim); ok && d == '{' {
			return w.mapObject(path, t.Elem())
		}
	case reflect.String:
		if s, ok := tok.(string); ok {
			if w.text && strings.ContainsRune(s, utf8.RuneError) {
				w.checkText(path)
			}
			return true
		}
		if tok == nil {
			return true
		}
	case reflect.Bool:
		if _, ok := tok.(bool); ok || tok == nil {
			return true
		}
	case reflect.Int, reflect.Int64, reflect.Int32:
		if n, ok := tok.(json.Number); ok {
			if _, err := strconv.ParseInt(string(n), 10, t.Bits()); err != nil {
				w.add(path, fmt.Sprintf("%s: want a whole number", n))
			}
			return true
		}
		if tok == nil {
			return true
		}
	case reflect.Float64:
		if n, ok := tok.(json.Number); ok {
			if _, err := strconv.ParseFloat(string(n), 64); err != nil {
				w.add(path, fmt.Sprintf("%s: want a number", n))
			}
			return true
		}
		if tok == nil {
			return true
		}
	}
	w.add(path, fmt.Sprintf("want %s, got %s", describe(t), tokenKind(tok)))
	return w.skip(tok)
}

// checkText reports the first byte of the last string literal read that is
// not UTF-8, or a \u escape of half a surrogate pair.
func (w *walker) checkText(path string) {
	raw := w.data[w.from:w.to]
	start := bytes.IndexByte(raw, '"')
	if start < 0 {
		return
	}
	for i := start + 1; i < len(raw); {
		c := raw[i]
		switch {
		case c == '\\' && i+1 < len(raw) && raw[i+1] == 'u':
			r := hex4(raw[i+2:])
			if !utf16.IsSurrogate(r) {
				i += 6
				continue
			}
			if r < 0xDC00 && i+7 < len(raw) && raw[i+6] == '\\' && raw[i+7] == 'u' {
				if r2 := hex4(raw[i+8:]); r2 >= 0xDC00 && r2 <= 0xDFFF {
					i += 12
					continue
				}
			}
			w.add(path, fmt.Sprintf(`\u%04X at byte %d is half of a UTF-16 surrogate pair: want a whole character`, r, w.from+int64(i)))
			return
		case c == '\\':
			i += 2
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRune(raw[i:])
			if r == utf8.RuneError && size == 1 {
				w.add(path, fmt.Sprintf("byte %d (0x%02X) is not UTF-8: want text in UTF-8 (save the file as UTF-8, not Latin-1 or Windows-1252)", w.from+int64(i), c))
				return
			}
			i += size
		}
	}
}

// hex4 reads the four hex digits at the start of b, or returns -1.
func hex4(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	r, err := strconv.ParseUint(string(b[:4]), 16, 32)
	if err != nil {
		return -1
	}
	return rune(r)
}

// unmarshaler checks a value of a type with its own JSON form (dates,
// amounts) by handing it the literal, so its message is the one users see.
func (w *walker) unmarshaler(path string, t reflect.Type, tok json.Token) bool {
	var raw []byte
	switch v := tok.(type) {
	case json.Delim:
		w.add(path, fmt.Sprintf("want %s, got %s", describe(t), tokenKind(tok)))
		return w.skip(tok)
	case string:
		if t == moneyType {
			w.add(path, fmt.Sprintf("want %s, got a string", describe(t)))
			return true
		}
		raw, _ = json.Marshal(v)
	case json.Number:
		raw = []byte(v)
	case bool:
		raw = []byte(strconv.FormatBool(v))
	case nil:
		raw = []byte("null")
	}
	u := reflect.New(t).Interface().(json.Unmarshaler)
	if err := u.UnmarshalJSON(raw); err != nil {
		w.add(path, err.Error())
	}
	return true
}

func (w *walker) object(path string, t reflect.Type) bool {
	fields := jsonFields(t)
	seen := make(map[string]bool, len(fields))
	for w.dec.More() {
		tok, err := w.token()
		if err != nil {
			w.syntax(path, err)
			return false
		}
		key, _ := tok.(string)
		fp := fieldPath(path, key)
		tok, err = w.token()
		if err != nil {
			w.syntax(fp, err)
			return false
		}
		ft, known := fields[key]
		switch {
		case !known:
			w.add(fp, unknownField(key, fields))
			if !w.skip(tok) {
				return false
			}
			continue
		case seen[key]:
			w.add(fp, "given twice: a field may appear once")
		}
		seen[key] = true
		if !w.value(fp, ft, tok) {
			return false
		}
	}
	return w.closing(path)
}

func (w *walker) mapObject(path string, elem reflect.Type) bool {
	seen := map[string]bool{}
	for w.dec.More() {
		tok, err := w.token()
		if err != nil {
			w.syntax(path, err)
			return false
		}
		key, _ := tok.(string)
		fp := fieldPath(path, key)
		if seen[strings.ToUpper(key)] {
			w.add(fp, "given twice: a key may appear once, whatever its case")
		}
		seen[strings.ToUpper(key)] = true
		if !w.next(fp, elem) {
			return false
		}
	}
	return w.closing(path)
}

func (w *walker) array(path string, elem reflect.Type) bool {
	for i := 0; w.dec.More(); i++ {
		if !w.next(IndexPath(path, i), elem) {
			return false
		}
	}
	return w.closing(path)
}

// next reads the value at path.
func (w *walker) next(path string, t reflect.Type) bool {
	tok, err := w.token()
	if err != nil {
		w.syntax(path, err)
		return false
	}
	return w.value(path, t, tok)
}

// closing reads the '}' or ']' that ends a value More said was finished.
func (w *walker) closing(path string) bool {
	if _, err := w.token(); err != nil {
		w.syntax(path, err)
		return false
	}
	return true
}

// skip reads past the rest of a value whose first token was tok.
func (w *walker) skip(tok json.Token) bool {
	d, ok := tok.(json.Delim)
	if !ok || d == '}' || d == ']' {
		return true
	}
	for depth := 1; depth > 0; {
		t, err := w.token()
		if err != nil {
			w.syntax("", err)
			return false
		}
		if d, ok := t.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
	}
	return true
}

// Fields yields the JSON name and the type of each field of struct t that
// encoding/json reads, in declaration order: exported fields not tagged
// "-", by their tag's name or else the field's.
func Fields(t reflect.Type) iter.Seq2[string, reflect.Type] {
	return func(yield func(string, reflect.Type) bool) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" || !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if !yield(name, f.Type) {
				return
			}
		}
	}
}

// jsonFields maps each JSON name of struct t to its field type.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	m := make(map[string]reflect.Type, t.NumField())
	for name, ft := range Fields(t) {
		m[name] = ft
	}
	return m
}

func unknownField(key string, fields map[string]reflect.Type) string {
	for name := range fields {
		if strings.EqualFold(name, key) {
			return fmt.Sprintf("unknown field %q (did you mean %q?)", key, name)
		}
	}
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	slices.Sort(names)
	return fmt.Sprintf("unknown field %q: want one of %s", key, strings.Join(names, ", "))
}

// describe says in words what a value of type t looks like in JSON.
func describe(t reflect.Type) string {
	if t == moneyType {
		return "an amount such as 200.00"
	}
	if t.Implements(describedType) {
		return reflect.Zero(t).Interface().(Described).DescribeJSON()
	}
	if t.PkgPath() == "github.com/perdiem/perdiem/civil" && t.Name() == "Date" {
		return "a date YYYY-MM-DD"
	}
	switch t.Kind() {
	case reflect.Pointer:
		return describe(t.Elem())
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "a whole number"
	case reflect.Float64:
		return "a number"
	}
	return t.String()
}

func tokenKind(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		if v == '{' {
			return "an object"
		}
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", tok)
}

func fieldPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// IndexPath is the path of element i of the array at path: path[i].
func IndexPath(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

// BlankBOM returns data with a leading UTF-8 byte order mark turned into
// three blanks, which JSON skips, so byte offsets in messages still match
// the file.
func BlankBOM(data []byte) []byte {
	if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
		return append([]byte("   "), data[3:]...)
	}
	return data
}
