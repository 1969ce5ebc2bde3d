package coding

import (
	"encoding/json"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"

	"github.com/perdiem/perdiem/episode"
	"github.com/perdiem/perdiem/internal/gen"
)

// A Coder that has coded other documents before, of any size, with or
// without problems, gives what Code gives.
func TestCoderReuseMatchesCode(t *testing.T) {
	var docs []*episode.Document
	files, err := filepath.Glob(filepath.Join("..", "testdata", "acceptance", "cases", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no acceptance cases: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var c struct{ Input json.RawMessage }
		if err := json.Unmarshal(b, &c); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if doc, err := episode.Decode(c.Input); err == nil {
			docs = append(docs, doc)
		}
	}
	r := rand.New(rand.NewSource(11))
	for i := 0; i < 300; i++ {
		docs = append(docs, validated(t, gen.Episode(r)))
	}
	var k Coder
	for round := 0; round < 2; round++ {
		for i, doc := range docs {
			want, wantErr := Code(doc, Options{})
			got, err := k.Code(doc, Options{})
			if !reflect.DeepEqual(err, wantErr) {
				t.Fatalf("document %d: Coder says %v, Code %v", i, err, wantErr)
			}
			if !reflect.DeepEqual(got, want) {
				g, _ := json.Marshal(got)
				w, _ := json.Marshal(want)
				t.Fatalf("document %d differs after reuse\nreused: %s\nfresh:  %s", i, g, w)
			}
		}
		// Small documents after large ones, and the other way round.
		for i, j := 0, len(docs)-1; i < j; i, j = i+1, j-1 {
			docs[i], docs[j] = docs[j], docs[i]
		}
	}
}

// A document without lines, coded with a scratch fresh from the pool, must
// not leave the Coder's lines to that scratch: the next documents would be
// sorted into the memory they are sorted from, and cleared with it.
func TestCoderLinesStayApartFromScratch(t *testing.T) {
	decode := func(s string) *episode.Document {
		t.Helper()
		doc, err := episode.Decode([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return doc
	}
	// bcbs-tx pays only infusion days, and none are given: no lines.
	empty := decode(`{"profile":"bcbs-tx","therapies":[{"id":"a","type":"anti-infective","start":"2026-03-01","end":"2026-03-05","every_hours":24}]}`)
	full := decode(`{"therapies":[{"id":"a","type":"anti-infective","start":"2026-03-01","end":"2026-03-20","every_hours":8},` +
		`{"id":"b","type":"hydration","start":"2026-03-05","end":"2026-03-09","liters_per_day":1}],` +
		`"visits":[{"date":"2026-03-02","minutes":150,"nurse":"rn","therapy":"a"}]}`)
	res, err := Code(full, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(res)
	var k Coder
	if _, err := k.Code(full, Options{}); err != nil {
		t.Fatal(err)
	}
	// Two collections empty the pool, so the next call takes a fresh scratch.
	runtime.GC()
	runtime.GC()
	if res, err := k.Code(empty, Options{}); err != nil || len(res.Lines) != 0 {
		t.Fatalf("want no lines: %v %v", res, err)
	}
	for i := 0; i < 3; i++ {
		res, err := k.Code(full, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := json.Marshal(res); string(got) != string(want) {
			t.Fatalf("call %d after the empty result:\n got %s\nwant %s", i, got, want)
		}
	}
}

// BenchmarkCoderTypicalMonth is BenchmarkCodeTypicalMonth with one Coder,
// as batch coding codes.
func BenchmarkCoderTypicalMonth(b *testing.B) {
	doc, err := episode.Decode([]byte(typicalMonth))
	if err != nil {
		b.Fatal(err)
	}
	var k Coder
	if _, err := k.Code(doc, Options{}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := k.Code(doc, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
