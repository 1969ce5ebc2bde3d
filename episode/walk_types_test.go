package episode

import (
	"reflect"
	"strings"

	"github.com/perdiem/perdiem/money"
)

// The path-tracking walk lives in internal/strictjson; the tests that walk
// the document types themselves keep these two helpers of it.

var moneyType = reflect.TypeFor[money.Amount]()

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
