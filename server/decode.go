package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"

	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/internal/shorten"
)

// decodeJSON reads a small JSON request body into the struct v strictly
// (see strictDecode).
func decodeJSON(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	b, err := readJSON(w, r, limit)
	if err != nil {
		return err
	}
	return strictDecode(b, v)
}

// strictDecode reads a JSON object into the struct v: an unknown field, a
// value of the wrong type or a bad value is a problem at its field's name,
// and every problem is reported.
func strictDecode(b []byte, v any) error {
	var obj map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&obj); err != nil || obj == nil {
		msg := "want a JSON object"
		if se, ok := err.(*json.SyntaxError); ok {
			msg = fmt.Sprintf("not JSON at byte %d: %v", se.Offset, se)
		}
		return errs.Invalids([]errs.Problem{{Message: msg}})
	}
	if _, err := dec.Token(); err == nil {
		return errs.Invalids([]errs.Problem{{Message: "data after the JSON object"}})
	}
	rv := reflect.ValueOf(v).Elem()
	fields := map[string]reflect.Value{}
	for i := 0; i < rv.NumField(); i++ {
		name, _, _ := strings.Cut(rv.Type().Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			fields[name] = rv.Field(i)
		}
	}
	var probs []errs.Problem
	for _, k := range sortedNames(obj) {
		f, ok := fields[k]
		if !ok {
			probs = append(probs, errs.Problem{Path: shorten.Path(k), Message: "unknown field"})
			continue
		}
		if err := json.Unmarshal(obj[k], f.Addr().Interface()); err != nil {
			probs = append(probs, errs.Problem{Path: k, Message: fieldMessage(f.Type(), err)})
		}
	}
	if len(probs) > 0 {
		return errs.Invalids(probs)
	}
	return nil
}

func fieldMessage(t reflect.Type, err error) string {
	if te, ok := err.(*json.UnmarshalTypeError); ok {
		return fmt.Sprintf("want %s, got %s", kindName(t), te.Value)
	}
	return shorten.Text(err.Error())
}

func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int64:
		return "a whole number"
	case reflect.Slice:
		return "an array"
	case reflect.Bool:
		return "true or false"
	}
	return t.String()
}

func sortedNames(m map[string]json.RawMessage) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
