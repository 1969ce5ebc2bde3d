package episode

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/internal/strictjson"
	"github.com/perdiem/perdiem/money"
)

// The fast path names each field of each type by hand. These tests walk the
// types with reflect instead, so a field added to episode.go and not to
// fast.go, read into the wrong place, or given a field number another field
// already has, fails here rather than in a user's document.

var (
	dateType  = reflect.TypeFor[civil.Date]()
	moneyType = reflect.TypeFor[money.Amount]()
)

// fullDocument writes a document in which every field of every type
// reachable from Document is present with a value of its own: strings,
// numbers and dates differ field by field, so a value read into the wrong
// field shows. When twice names a type and field ("Therapy.site"), that
// field is written twice in its object.
type fullDocument struct {
	b     strings.Builder
	n     int
	twice string
}

func (g *fullDocument) value(t reflect.Type) {
	g.n++
	switch {
	case t == dateType:
		fmt.Fprintf(&g.b, `"%s"`, civil.FromYMD(2000, 1, 1).AddDays(g.n))
		return
	case t == moneyType:
		fmt.Fprintf(&g.b, "%d.%02d", g.n, g.n%100)
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		g.value(t.Elem())
	case reflect.Slice:
		g.b.WriteByte('[')
		g.value(t.Elem())
		g.b.WriteByte(']')
	case reflect.Map:
		fmt.Fprintf(&g.b, `{"K%d":`, g.n)
		g.value(t.Elem())
		g.b.WriteByte('}')
	case reflect.Struct:
		g.b.WriteByte('{')
		first := true
		for name, ft := range strictjson.Fields(t) {
			if !first {
				g.b.WriteByte(',')
			}
			first = false
			fmt.Fprintf(&g.b, "%q:", name)
			g.value(ft)
			if g.twice == t.Name()+"."+name {
				fmt.Fprintf(&g.b, ",%q:", name)
				g.value(ft)
			}
		}
		g.b.WriteByte('}')
	case reflect.String:
		fmt.Fprintf(&g.b, `"v%d"`, g.n)
	case reflect.Bool:
		g.b.WriteString("true")
	case reflect.Int:
		fmt.Fprintf(&g.b, "%d", g.n)
	case reflect.Float64:
		fmt.Fprintf(&g.b, "%d.25", g.n)
	default:
		panic("fullDocument: no sample value for " + t.String())
	}
}

// documentFields lists every "Type.field" reachable from Document.
func documentFields() []string {
	var out []string
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Map:
			walk(t.Elem())
			return
		case reflect.Struct:
		default:
			return
		}
		if t == dateType || t == moneyType || seen[t] {
			return
		}
		seen[t] = true
		for name, ft := range strictjson.Fields(t) {
			out = append(out, t.Name()+"."+name)
			walk(ft)
		}
	}
	walk(documentType)
	return out
}

func writeFull(twice string) []byte {
	g := &fullDocument{twice: twice}
	g.value(documentType)
	return []byte(g.b.String())
}

// TestFastDecodeKnowsEveryField decodes a document with every field set,
// each to a value of its own, and wants what encoding/json builds. A field
// the fast path does not know is an unknown field; two fields sharing a
// number are a field given twice; a field read into the wrong place
// differs from the reference.
func TestFastDecodeKnowsEveryField(t *testing.T) {
	data := writeFull("")
	got, err := decodeFast(data)
	if err != nil {
		t.Fatalf("fast path refuses a document with every field: %v\ninput: %s", err, data)
	}
	want, err := decodeReference(data)
	if err != nil {
		t.Fatalf("reference refuses the sample document: %v\ninput: %s", err, data)
	}
	if !reflect.DeepEqual(got, want) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		t.Fatalf("documents differ\nfast:      %s\nreference: %s", g, w)
	}
	// The sample must reach every field, or the comparison proves little.
	var zero []string
	var walk func(path string, v reflect.Value)
	walk = func(path string, v reflect.Value) {
		if v.IsZero() {
			zero = append(zero, path)
			return
		}
		switch v.Kind() {
		case reflect.Pointer:
			walk(path, v.Elem())
		case reflect.Slice:
			walk(path+"[0]", v.Index(0))
		case reflect.Struct:
			if v.Type() == dateType {
				return
			}
			for i := 0; i < v.NumField(); i++ {
				walk(path+"."+v.Type().Field(i).Name, v.Field(i))
			}
		}
	}
	walk("Document", reflect.ValueOf(got))
	if len(zero) > 0 {
		t.Errorf("the sample document leaves fields unset: %v", zero)
	}
}

// TestFastDecodeRefusesEachFieldTwice gives each field of each type twice
// in turn: the fast path must refuse every one, which also shows that each
// field's number fits the object's set of seen fields.
func TestFastDecodeRefusesEachFieldTwice(t *testing.T) {
	fields := documentFields()
	if len(fields) < 50 {
		t.Fatalf("only %d fields found: the walk is broken", len(fields))
	}
	for _, f := range fields {
		data := writeFull(f)
		if _, err := decodeFast(data); err == nil || !strings.Contains(err.Error(), "given twice") {
			t.Errorf("%s given twice: fast path error %v, want a field given twice", f, err)
		}
		if probs := structuralProblems(data); len(probs) == 0 {
			t.Errorf("%s given twice: the walk finds nothing wrong", f)
		}
	}
}
