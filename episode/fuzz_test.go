package episode

import (
	"encoding/json"
	"os"
	"testing"
)

func FuzzDecode(f *testing.F) {
	for _, c := range acceptanceCases(f) {
		f.Add([]byte(c.Input))
	}
	for _, name := range []string{"testdata/month.json", "testdata/claim.json"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"therapies":[{"id":"a","type":"pain","start":"2026-02-30","Site":1,"x":[{}]}]} []`))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Decode(data)
		if err != nil {
			if doc != nil {
				t.Fatal("a document came back with an error")
			}
			if e, ok := err.(*Error); !ok || len(e.Problems) == 0 {
				t.Fatalf("error %T %v, want *Error with problems", err, err)
			}
			return
		}
		// Nothing the text walk refuses (bytes that are not UTF-8, escaped
		// surrogates) gets through, whichever path read the document.
		if probs := walk(checkText, blankBOMBytes(data)); len(probs) > 0 {
			t.Fatalf("accepted, but the text walk finds %v", probs)
		}
		b, err := json.Marshal(doc)
		if err != nil {
			t.Fatalf("re-encoding: %v", err)
		}
		if _, err := Decode(b); err != nil {
			t.Fatalf("re-decoding %s: %v", b, err)
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	data, err := os.ReadFile("testdata/month.json")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Decode(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeProblems(b *testing.B) {
	data := []byte(`{"therapies":[{"id":"a","type":"pain","start":"2026-02-30","Site":1,"x":[{}]}],"visits":[{"date":"2026-03-01","minutes":-1}]}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(data); err == nil {
			b.Fatal("no error")
		}
	}
}

// blankBOMBytes is blankBOM for the walk, which reads bytes.
func blankBOMBytes(data []byte) []byte { return []byte(blankBOM(string(data))) }
