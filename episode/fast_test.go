package episode

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/bits"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/civil"
)

// decodeReference is the decoder the fast path replaced: encoding/json
// straight into the types, strict about unknown fields and trailing data.
func decodeReference(data []byte) (*Document, error) {
	doc := new(Document)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(doc); err != nil {
		return nil, err
	}
	if rest := data[dec.InputOffset():]; len(bytes.TrimLeft(rest, " \t\r\n")) > 0 {
		return nil, errors.New("data after the document")
	}
	return doc, nil
}

// referenceDecode is what the fast path must match: the document
// encoding/json builds, when both encoding/json and the path-tracking walk
// accept the input (the walk refuses what encoding/json lets through: keys
// in another case, keys given twice, null for a required object).
func referenceDecode(data []byte) (*Document, bool) {
	doc, err := decodeReference(data)
	if err != nil || len(structuralProblems(data)) > 0 {
		return nil, false
	}
	return doc, true
}

// checkFast fails when the fast path and the reference disagree on data.
func checkFast(t *testing.T, data []byte) (accepted bool) {
	t.Helper()
	want, ok := referenceDecode(data)
	got, err := decodeFast(data)
	switch {
	case ok && err != nil:
		t.Fatalf("fast path refuses what the reference accepts: %v\ninput: %q", err, data)
	case !ok && err == nil:
		t.Fatalf("fast path accepts what the reference refuses\ninput: %q\nprobs: %v", data, structuralProblems(data))
	case ok && !reflect.DeepEqual(got, want):
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		t.Fatalf("documents differ\ninput: %q\nfast:      %s\nreference: %s\nfast:      %s\nreference: %s", data, g, w, dump(got), dump(want))
	}
	return ok
}

// dump prints a document with pointers followed and nil told from empty.
func dump(v any) string {
	var b strings.Builder
	var walk func(r reflect.Value)
	walk = func(r reflect.Value) {
		switch r.Kind() {
		case reflect.Pointer:
			if r.IsNil() {
				b.WriteString("nil")
				return
			}
			b.WriteString("&")
			walk(r.Elem())
		case reflect.Slice:
			if r.IsNil() {
				b.WriteString("nil")
				return
			}
			b.WriteString("[")
			for i := 0; i < r.Len(); i++ {
				walk(r.Index(i))
				b.WriteString(" ")
			}
			b.WriteString("]")
		case reflect.Map:
			if r.IsNil() {
				b.WriteString("nil")
				return
			}
			fmt.Fprintf(&b, "%v", r.Interface())
		case reflect.Struct:
			b.WriteString("{")
			for i := 0; i < r.NumField(); i++ {
				fmt.Fprintf(&b, "%s:", r.Type().Field(i).Name)
				walk(r.Field(i))
				b.WriteString(" ")
			}
			b.WriteString("}")
		default:
			fmt.Fprintf(&b, "%#v", r.Interface())
		}
	}
	walk(reflect.ValueOf(v))
	return b.String()
}

// fastSeeds gathers every episode document kept in the repository.
func fastSeeds(t testing.TB) [][]byte {
	t.Helper()
	var seeds [][]byte
	seen := map[string]bool{}
	add := func(b []byte) {
		if !seen[string(b)] {
			seen[string(b)] = true
			seeds = append(seeds, b)
		}
	}
	for _, c := range acceptanceCases(t) {
		add([]byte(c.Input))
	}
	read := func(pattern string) [][]byte {
		files, err := filepath.Glob(pattern)
		if err != nil || len(files) == 0 {
			t.Fatalf("no files match %s: %v", pattern, err)
		}
		var out [][]byte
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, b)
		}
		return out
	}
	for _, b := range read(filepath.Join("testdata", "*.json")) {
		add(b)
	}
	for _, b := range read(filepath.Join("..", "examples", "*.json")) {
		add(b)
	}
	for _, b := range read(filepath.Join("..", "examples", "*.jsonl")) {
		for _, line := range bytes.Split(b, []byte("\n")) {
			if len(bytes.TrimSpace(line)) > 0 {
				add(line)
			}
		}
	}
	for _, b := range read(filepath.Join("..", "cmd", "perdiem", "testdata", "acceptance", "*.json")) {
		var c struct {
			Input json.RawMessage `json:"input"`
		}
		if err := json.Unmarshal(b, &c); err != nil {
			t.Fatal(err)
		}
		add([]byte(c.Input))
	}
	return seeds
}

// fastCase is an input with the verdict the rule it is named after wants.
type fastCase struct {
	name   string
	doc    string
	accept bool
}

// fastCases pin the rules one by one; each also seeds FuzzFastDecode.
var fastCases = []fastCase{
	{"minimal document", `{"therapies":[]}`, true},
	{"leading and trailing whitespace", " \t\r\n{\"therapies\":[]} \n\t\r", true},
	{"empty input", ``, false},
	{"only whitespace", " \n", false},
	{"document null", `null`, false},
	{"document an array", `[]`, false},
	{"trailing object", `{"therapies":[]} {}`, false},
	{"trailing garbage", `{"therapies":[]}x`, false},
	{"trailing comma", `{"therapies":[],}`, false},
	{"truncated", `{"therapies":[`, false},
	{"NUL after the document", "{\"therapies\":[]}\x00", false},
	{"unknown key", `{"therapies":[],"x":1}`, false},
	{"key in another case", `{"Therapies":[]}`, false},
	{"key in another case spelled with an escape", `{"\u0054herapies":[]}`, false},
	{"key spelled with an escape", `{"\u0074herapies":[]}`, true},
	{"key given twice", `{"therapies":[],"therapies":[]}`, false},
	{"key given twice once escaped", `{"therapies":[],"\u0074herapies":[]}`, false},
	{"nested key given twice", `{"therapies":[{"id":"a","id":"b"}]}`, false},
	{"nested unknown key", `{"therapies":[{"id":"a","ID":"b"}]}`, false},
	{"null array", `{"therapies":null}`, true},
	{"null optional object", `{"period":null,"claim":null}`, true},
	{"null required object", `{"claim":{"payer":null}}`, false},
	{"null array element object", `{"therapies":[null]}`, false},
	{"null string", `{"profile":null}`, true},
	{"null string in a list", `{"claim":{"diagnoses":["A",null]}}`, true},
	{"null date", `{"period":{"from":null}}`, false},
	{"null optional date", `{"therapies":[{"end":null}]}`, true},
	{"null optional number", `{"therapies":[{"every_hours":null,"lumens":null,"continuous":null}]}`, true},
	{"null number", `{"drugs":[{"dose":null,"doses":null,"unused":null}]}`, true},
	{"null charge", `{"claim":{"charges":{"S9500":null}}}`, false},
	{"null charges", `{"claim":{"charges":null}}`, true},
	{"empty charges", `{"claim":{"charges":{}}}`, true},
	{"empty lists", `{"therapies":[{"changes":[],"holds":[],"infusion_days":[]}],"visits":[],"drugs":[],"supplies":[]}`, true},
	{"string for a number", `{"drugs":[{"dose":"1"}]}`, false},
	{"number for a string", `{"profile":1}`, false},
	{"bool for a string", `{"profile":true}`, false},
	{"object for a string", `{"profile":{}}`, false},
	{"array for an object", `{"period":[]}`, false},
	{"object for an array", `{"therapies":{}}`, false},
	{"number for a bool", `{"visits":[{"specialty":1}]}`, false},
	{"bool", `{"visits":[{"specialty":true}],"drugs":[{"unused":false}]}`, true},
	{"fraction for a whole number", `{"visits":[{"minutes":1.0}]}`, false},
	{"exponent for a whole number", `{"visits":[{"minutes":1e2}]}`, false},
	{"negative zero whole number", `{"visits":[{"minutes":-0}]}`, true},
	{"whole number too big", `{"visits":[{"minutes":9223372036854775808}]}`, false},
	{"whole number at the limit", `{"visits":[{"minutes":-9223372036854775808}]}`, true},
	{"number out of range", `{"drugs":[{"dose":1e400}]}`, false},
	{"number underflows to zero", `{"drugs":[{"dose":1e-400}]}`, true},
	{"number with exponent", `{"drugs":[{"dose":-1.5E+2,"ndc_quantity":2e-1}]}`, true},
	{"number with many digits", `{"drugs":[{"dose":0.1000000000000000055511151231257827021181583404541015625}]}`, true},
	{"leading zero", `{"drugs":[{"dose":01}]}`, false},
	{"bare dot", `{"drugs":[{"dose":1.}]}`, false},
	{"bare exponent", `{"drugs":[{"dose":1e}]}`, false},
	{"plus sign", `{"drugs":[{"dose":+1}]}`, false},
	{"lone minus", `{"drugs":[{"dose":-}]}`, false},
	{"charge with two decimals", `{"claim":{"charges":{"S9500":200.05,"S9501":-0.5,"S9502":7}}}`, true},
	{"charge with three decimals", `{"claim":{"charges":{"S9500":200.005}}}`, false},
	{"charge with an exponent", `{"claim":{"charges":{"S9500":2e2}}}`, false},
	{"charge as a string", `{"claim":{"charges":{"S9500":"200"}}}`, false},
	{"charge code given twice in another case", `{"claim":{"charges":{"S9500":1,"s9500":2}}}`, false},
	{"charge code like a field name", `{"claim":{"charges":{"Site":1,"ID":2}}}`, true},
	{"charge codes equal only under Unicode folding", "{\"claim\":{\"charges\":{\"k\":1,\"\u212a\":2}}}", true},
	{"many charge codes", `{"claim":{"charges":{"A1":1,"A2":1,"A3":1,"A4":1,"A5":1,"A6":1,"A7":1,"A8":1,"A9":1,"B1":1,"B2":1,"B3":1,"B4":1,"B5":1,"B6":1,"B7":1,"B8":1,"B9":1,"a5":1}}}`, false},
	{"date", `{"period":{"from":"2026-03-01","to":"2026-02-28"}}`, true},
	{"impossible date", `{"period":{"from":"2026-02-30"}}`, false},
	{"date with an escape", `{"period":{"from":"2026\u002d03-01"}}`, false},
	{"date as a number", `{"period":{"from":20260301}}`, false},
	{"date too long", `{"period":{"from":"2026-03-011"}}`, false},
	{"date with an escaped quote", `{"period":{"from":"2026-03-0\""}}`, false},
	{"dates in a list", `{"therapies":[{"infusion_days":["2026-03-01","2026-03-02"]}]}`, true},
	{"null in a list of dates", `{"therapies":[{"infusion_days":[null]}]}`, false},
	{"escapes", `{"profile":"\"\\\/\b\f\n\r\tA\u00e9\u4e2d"}`, true},
	{"surrogate pair", `{"profile":"\ud83d\ude00"}`, true},
	{"lone high surrogate", `{"profile":"\ud83dx"}`, true},
	{"lone low surrogate", `{"profile":"\ude00\ud83d"}`, true},
	{"high surrogate then a non-surrogate escape", `{"profile":"\ud83d\u0041"}`, true},
	{"invalid UTF-8", "{\"profile\":\"a\xffb\xc3\"}", true},
	{"encoded surrogate", "{\"profile\":\"\xed\xa0\x80\"}", true},
	{"valid UTF-8", "{\"profile\":\"caf\xc3\xa9 \xe4\xb8\xad\"}", true},
	{"invalid escape", `{"profile":"\x"}`, false},
	{"single quote escape", `{"profile":"\'"}`, false},
	{"short unicode escape", `{"profile":"\u12"}`, false},
	{"control character", "{\"profile\":\"a\tb\"}", false},
	{"unterminated string", `{"profile":"abc`, false},
	{"deep nesting", `{"therapies":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `}`, false},
	{"whole claim", `{"claim":{"id":"C1","frequency":"1","original_ref":"x","billing_provider":{"name":"n","npi":"1","tax_id":"2","taxonomy":"t","address":{"line1":"a","line2":"b","city":"c","state":"TX","zip":"7"},"contact":{"name":"n","phone":"p","email":"e"}},"subscriber":{"member_id":"m","last":"l","first":"f","middle":"m","dob":"1950-01-02","sex":"F","group":"g","relationship":"18","address":{"line1":"a","city":"c","state":"s","zip":"z"}},"patient":{"last":"l","first":"f","middle":"m","dob":"2001-01-01","sex":"M","relationship":"19","address":{"line1":"a"}},"payer":{"name":"p","id":"i","filing":"CI"},"diagnoses":["A1"],"prior_auth":"pa","note":"n","rendering":{"npi":"1","last":"l","first":"f","taxonomy":"t"},"ordering":null,"charges":{"S9500":1},"interchange":{"sender":"s","receiver":"r","usage":"T"}}}`, true},
	{"patient null", `{"claim":{"patient":null}}`, true},
	{"subscriber dob null", `{"claim":{"subscriber":{"dob":null,"address":null}}}`, true},
}

func TestFastDecodeRules(t *testing.T) {
	for _, c := range fastCases {
		t.Run(c.name, func(t *testing.T) {
			if got := checkFast(t, []byte(c.doc)); got != c.accept {
				t.Errorf("accepted = %v, want %v", got, c.accept)
			}
		})
	}
}

// TestFastDecodeSeeds runs every document of the repository, good and bad,
// through both decoders.
func TestFastDecodeSeeds(t *testing.T) {
	accepted := 0
	seeds := fastSeeds(t)
	for i, s := range seeds {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			if checkFast(t, s) {
				accepted++
			}
		})
	}
	t.Logf("%d of %d documents accepted by both", accepted, len(seeds))
}

// TestFastDecodeMutations takes each kept document apart and changes one
// key or value at a time (case, escapes, repeats, nulls, wrong types, odd
// numbers and strings), then compares the two decoders on every variant.
func TestFastDecodeMutations(t *testing.T) {
	seeds := fastSeeds(t)
	n := 0
	for _, s := range seeds {
		for _, m := range mutations(s) {
			checkFast(t, m)
			n++
		}
	}
	t.Logf("%d variants of %d documents", n, len(seeds))
}

// valueSubstitutes replace one value at a time.
var valueSubstitutes = []string{
	`null`, `true`, `false`, `0`, `-0`, `7`, `-1.5`, `1e2`, `1E+2`, `1.0`, `200.005`, `12.50`,
	`9223372036854775808`, `1e400`, `1e-400`, `""`, `"x"`, `"2026-03-02"`, `"2026\u002d03-02"`,
	`"\u00e9\ud83d\ude00"`, `"\ud800"`, "\"\xff\"", `"200.00"`, `[]`, `{}`, `[null]`, `[[[[]]]]`, `{"a":1}`,
	`["2026-03-02"]`, `{"S9500":1}`,
}

// mutations returns variants of the valid JSON document doc.
func mutations(doc []byte) [][]byte {
	var out [][]byte
	replace := func(start, end int, with string) {
		m := make([]byte, 0, len(doc)+len(with))
		m = append(m, doc[:start]...)
		m = append(m, with...)
		out = append(out, append(m, doc[end:]...))
	}
	for _, sp := range jsonSpans(doc) {
		if sp.key {
			name := string(doc[sp.start+1 : sp.end-1])
			member := string(doc[sp.start:sp.valueEnd])
			replace(sp.start, sp.end, `"`+strings.ToUpper(name[:1])+name[1:]+`"`)
			replace(sp.start, sp.end, `"`+name+`x"`)
			replace(sp.start, sp.end, fmt.Sprintf(`"\u%04x%s"`, name[0], name[1:]))
			replace(sp.start, sp.end, fmt.Sprintf(`"\u%04X%s"`, strings.ToUpper(name[:1])[0], name[1:]))
			replace(sp.start, sp.start, member+",")
			replace(sp.start, sp.start, fmt.Sprintf(`"\u%04x%s":null,`, name[0], name[1:]))
			continue
		}
		if doc[sp.start] == '"' {
			body := string(doc[sp.start+1 : sp.end-1])
			replace(sp.start, sp.end, `"`+body+`\u00e9\/\n"`)
			replace(sp.start, sp.end, `"`+body+"\xe9\"")
		}
		for _, v := range valueSubstitutes {
			replace(sp.start, sp.end, v)
		}
	}
	out = append(out, append([]byte(" \n"), doc...), append(bytes.Clone(doc), " x"...), append(bytes.Clone(doc), "{}"...))
	for i := 0; i < len(doc); i += 97 {
		out = append(out, doc[:i])
	}
	return out
}

// jsonSpan is where a key, or a value, lies in a document. For a key,
// valueEnd is the end of its member's value.
type jsonSpan struct {
	start, end, valueEnd int
	key                  bool
}

// jsonSpans lists the keys and values of the valid JSON document doc, the
// document itself excluded.
func jsonSpans(doc []byte) []jsonSpan {
	var spans []jsonSpan
	i := 0
	ws := func() {
		for i < len(doc) && strings.IndexByte(" \t\r\n", doc[i]) >= 0 {
			i++
		}
	}
	str := func() {
		for i++; doc[i] != '"'; i++ {
			if doc[i] == '\\' {
				i++
			}
		}
		i++
	}
	var value func(record bool)
	value = func(record bool) {
		ws()
		start := i
		switch doc[i] {
		case '{':
			i++
			ws()
			for doc[i] != '}' {
				ws()
				k := i
				str()
				key := len(spans)
				spans = append(spans, jsonSpan{start: k, end: i, key: true})
				ws()
				i++ // colon
				value(true)
				spans[key].valueEnd = i
				ws()
				if doc[i] == ',' {
					i++
				}
				ws()
			}
			i++
		case '[':
			i++
			ws()
			for doc[i] != ']' {
				value(true)
				ws()
				if doc[i] == ',' {
					i++
				}
				ws()
			}
			i++
		case '"':
			str()
		default:
			for i < len(doc) && strings.IndexByte(",]} \t\r\n", doc[i]) < 0 {
				i++
			}
		}
		if record {
			spans = append(spans, jsonSpan{start: start, end: i})
		}
	}
	value(false)
	return spans
}

func FuzzFastDecode(f *testing.F) {
	for _, s := range fastSeeds(f) {
		f.Add(s)
	}
	for _, c := range fastCases {
		f.Add([]byte(c.doc))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkFast(t, data)
	})
}

func BenchmarkDecodeFast(b *testing.B) {
	benchmarkDecoder(b, decodeFast)
}

func BenchmarkDecodeReference(b *testing.B) {
	benchmarkDecoder(b, decodeReference)
}

func benchmarkDecoder(b *testing.B, decode func([]byte) (*Document, error)) {
	data, err := os.ReadFile("testdata/month.json")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := decode(data); err != nil {
			b.Fatal(err)
		}
	}
}

// special8 marks first the first byte of eight that ends a plain run of a
// string, whatever the bytes around it.
func TestSpecial8FirstMarkIsExact(t *testing.T) {
	alphabet := []byte{'a', ' ', '!', '"', '#', '\\', ']', 0x7f, 0x00, 0x01, 0x1f, 0x20, 0x21, 0x80, 0xc3, 0xff, 'Z', '-'}
	r := rand.New(rand.NewSource(3))
	for n := 0; n < 200000; n++ {
		var w [8]byte
		for i := range w {
			w[i] = alphabet[r.Intn(len(alphabet))]
			if r.Intn(4) == 0 {
				w[i] = byte(r.Intn(256))
			}
		}
		want := 8
		for i, c := range w {
			if c == '"' || c == '\\' || c < 0x20 || c >= 0x80 {
				want = i
				break
			}
		}
		got := 8
		if m := special8(load8(string(w[:]), 0)); m != 0 {
			got = bits.TrailingZeros64(m) >> 3
		}
		if got != want {
			t.Fatalf("%q: first mark at %d, want %d", w, got, want)
		}
	}
}

// quickInt reads what strconv.ParseInt reads, the same number, and leaves
// the rest to it.
func TestQuickIntAgreesWithParseInt(t *testing.T) {
	lits := []string{"0", "-0", "1", "-1", "999999999", "-999999999", "1000000000", "1.5", "1e2", "-", "", "01", "12a"}
	r := rand.New(rand.NewSource(9))
	for n := 0; n < 20000; n++ {
		lits = append(lits, strconv.FormatInt(r.Int63n(1<<uint(r.Intn(62)+1))-r.Int63n(1<<30), 10))
	}
	for _, lit := range lits {
		want, err := strconv.ParseInt(lit, 10, strconv.IntSize)
		got, ok := quickInt(lit)
		if ok && (err != nil || int64(got) != want) {
			t.Fatalf("%q: quickInt reads %d, strconv.ParseInt %d, %v", lit, got, want, err)
		}
	}
}

// A day read from the arena's table is the day its text says, however the
// texts of a batch share the table's entries.
func TestDatesReadAgain(t *testing.T) {
	var a arena
	r := rand.New(rand.NewSource(5))
	for n := 0; n < 3000; n++ {
		day := civil.FromYMD(1990+r.Intn(60), 1+r.Intn(12), 1+r.Intn(28))
		to := day.AddDays(r.Intn(40))
		doc := fmt.Sprintf(`{"period":{"from":%q,"to":%q}}`, day, to)
		a.reset()
		got, err := decodeFastIn(&a, doc)
		if err != nil {
			t.Fatalf("%s: %v", doc, err)
		}
		if got.Period.From != day || got.Period.To != to {
			t.Fatalf("%s: read %s..%s", doc, got.Period.From, got.Period.To)
		}
	}
}
