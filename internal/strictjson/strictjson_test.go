package strictjson

import (
	"reflect"
	"strings"
	"testing"
)

type doc struct {
	Name string   `json:"name"`
	Tags []string `json:"tags"`
	N    int      `json:"n"`
}

func TestCheck(t *testing.T) {
	c := Checker{Type: reflect.TypeFor[doc](), Noun: "doc", Text: true}
	tests := []struct {
		in   string
		path string
		msg  string
	}{
		{`{"name":"José","tags":["😀", "\u00e9", "\ud83d\ude00"]}`, "", ""},
		{`{"name":"a` + "\xe9" + `"}`, "name", "byte 10 (0xE9) is not UTF-8"},
		{`{"tags":["ok","` + "\xc3\x28" + `"]}`, "tags[1]", "byte 15 (0xC3) is not UTF-8"},
		{`{"name":"\udc00"}`, "name", `\uDC00 at byte 9 is half of a UTF-16 surrogate pair`},
		{`{"name":"\ud83d\u0041"}`, "name", `\uD83D at byte 9`},
		{`{"name":"\\ud800"}`, "", ""},
		{`{"name":É}`, "name", "invalid JSON at byte 8: unexpected character 'É'"},
		{`{"name":` + "\xc9" + `}`, "name", "invalid JSON at byte 8: byte 0xC9 is not UTF-8"},
		{`{"n":"1"}`, "n", "want a whole number, got a string"},
		{`{"nme":"x"}`, "nme", `unknown field "nme": want one of n, name, tags`},
		{`{"Name":"x"}`, "Name", `unknown field "Name" (did you mean "name"?)`},
		{`{"n":1,"n":2}`, "n", "given twice"},
		{`{} {}`, "", "unexpected data after the doc"},
	}
	for _, tt := range tests {
		probs := c.Check([]byte(tt.in))
		if tt.msg == "" {
			if len(probs) > 0 {
				t.Errorf("%s: %v, want none", tt.in, probs)
			}
			continue
		}
		if len(probs) != 1 || probs[0].Path != tt.path || !strings.Contains(probs[0].Message, tt.msg) {
			t.Errorf("%s: %v, want one at %q containing %q", tt.in, probs, tt.path, tt.msg)
		}
	}
	// Without Text, bad text passes as encoding/json lets it.
	if probs := (Checker{Type: reflect.TypeFor[doc](), Noun: "doc"}).Check([]byte(`{"name":"` + "\xff" + `"}`)); len(probs) != 0 {
		t.Errorf("without Text: %v", probs)
	}
}
