package episode

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/money"
)

// Problem is one thing wrong with a document, at a field path such as
// therapies[1].changes[0].from. An empty Path means the whole document.
type Problem struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

func (p Problem) String() string { return errs.Problem(p).String() }

// Error is the error Decode returns: every problem found, in document order
// (BI-1). A document with any problem yields no Document at all.
type Error struct {
	Problems []Problem
}

// ErrorCode says a document error is invalid input (errs.Invalid).
func (e *Error) ErrorCode() errs.Code { return errs.Invalid }

// ErrorProblems returns e.Problems as errs problems.
func (e *Error) ErrorProblems() []errs.Problem {
	out := make([]errs.Problem, len(e.Problems))
	for i, p := range e.Problems {
		out[i] = errs.Problem(p)
	}
	return out
}

func (e *Error) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// Decode reads one episode document strictly: unknown fields, values of the
// wrong JSON type, impossible dates, trailing data and every rule of
// docs/input-format.md are problems, each reported with its field path.
// Any problem returns a nil Document and an *Error.
func Decode(data []byte) (*Document, error) {
	doc, err := decodeFast(data)
	if err != nil {
		// The path-tracking walk is the judge: it names each problem.
		if probs := structuralProblems(data); len(probs) > 0 {
			return nil, &Error{Problems: probs}
		}
		// The walk must find what the fast path found; if it does not,
		// the problem is still reported rather than lost.
		return nil, &Error{Problems: []Problem{{Message: err.Error()}}}
	}
	if probs := doc.validate(); len(probs) > 0 {
		return nil, &Error{Problems: probs}
	}
	return doc, nil
}

// structuralProblems walks the document token by token beside the Go types,
// so each unknown field, wrong type or bad value is named by its path.
func structuralProblems(data []byte) []Problem {
	w := &walker{dec: json.NewDecoder(bytes.NewReader(data))}
	w.dec.UseNumber()
	tok, err := w.dec.Token()
	if err == io.EOF {
		return []Problem{{Message: "empty input: want a JSON object"}}
	}
	if err != nil {
		w.syntax("", err)
		return w.probs
	}
	if !w.value("", documentType, tok) {
		return w.probs
	}
	if _, err := w.dec.Token(); err != io.EOF {
		w.add("", fmt.Sprintf("unexpected data after the document at byte %d: want one JSON object", w.dec.InputOffset()))
	}
	return w.probs
}

var (
	documentType    = reflect.TypeFor[Document]()
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	moneyType       = reflect.TypeFor[money.Amount]()
)

type walker struct {
	dec   *json.Decoder
	probs []Problem
}

func (w *walker) add(path, msg string) { w.probs = append(w.probs, Problem{path, msg}) }

func (w *walker) syntax(path string, err error) {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		w.add(path, fmt.Sprintf("invalid JSON at byte %d: %v", se.Offset, se))
	case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
		w.add(path, "the document ends early: invalid JSON")
	default:
		w.add(path, "invalid JSON: "+err.Error())
	}
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
		if _, ok := tok.(string); ok || tok == nil {
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
		tok, err := w.dec.Token()
		if err != nil {
			w.syntax(path, err)
			return false
		}
		key, _ := tok.(string)
		fp := fieldPath(path, key)
		tok, err = w.dec.Token()
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
		tok, err := w.dec.Token()
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
		if !w.next(indexPath(path, i), elem) {
			return false
		}
	}
	return w.closing(path)
}

// next reads the value at path.
func (w *walker) next(path string, t reflect.Type) bool {
	tok, err := w.dec.Token()
	if err != nil {
		w.syntax(path, err)
		return false
	}
	return w.value(path, t, tok)
}

// closing reads the '}' or ']' that ends a value More said was finished.
func (w *walker) closing(path string) bool {
	if _, err := w.dec.Token(); err != nil {
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
		t, err := w.dec.Token()
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

// jsonFields maps each JSON name of struct t to its field type.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	m := make(map[string]reflect.Type, t.NumField())
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		m[name] = f.Type
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

func describe(t reflect.Type) string {
	if t == moneyType {
		return "an amount such as 200.00"
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

func indexPath(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}
