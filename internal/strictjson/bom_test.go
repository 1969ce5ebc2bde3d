package strictjson

import "testing"

func TestBlankBOM(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"\xEF\xBB\xBF{}", "   {}"},
		{"{}", "{}"},
		{"\xEF\xBB", "\xEF\xBB"},
		{"", ""},
		{" \xEF\xBB\xBF{}", " \xEF\xBB\xBF{}"},
	} {
		if got := string(BlankBOM([]byte(c.in))); got != c.want {
			t.Errorf("BlankBOM(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
