package episode

import (
	"os"
	"reflect"
	"testing"
)

// A Decoder that has decoded other documents before, valid or not, gives
// what Decode gives: the same document, or the same problems.
func TestDecoderReuseMatchesDecode(t *testing.T) {
	var docs [][]byte
	docs = append(docs, fastSeeds(t)...)
	for _, c := range fastCases {
		docs = append(docs, []byte(c.doc))
	}
	var dec Decoder
	for round := 0; round < 2; round++ {
		for i, data := range docs {
			checkReuse(t, &dec, data, i)
		}
	}
}

func checkReuse(t *testing.T, dec *Decoder, data []byte, i int) {
	t.Helper()
	want, wantErr := Decode(data)
	got, err := dec.Decode(data)
	if !reflect.DeepEqual(err, wantErr) {
		t.Fatalf("document %d: Decoder says %v, Decode %v\ninput: %q", i, err, wantErr, data)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("document %d differs after reuse\ninput: %q\nreused: %s\nfresh:  %s", i, data, dump(got), dump(want))
	}
	// The same from the text, inside a longer string as a batch holds it.
	batch := "[" + string(data) + "]"
	got, err = dec.DecodeString(batch[1 : len(batch)-1])
	if !reflect.DeepEqual(err, wantErr) {
		t.Fatalf("document %d: DecodeString says %v, Decode %v\ninput: %q", i, err, wantErr, data)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("document %d differs from its text\ninput: %q\nfrom text: %s\nfresh:  %s", i, data, dump(got), dump(want))
	}
}

// FuzzDecoderReuse decodes a full document and then the input with one
// Decoder: nothing of the first may show in the second.
func FuzzDecoderReuse(f *testing.F) {
	for _, s := range fastSeeds(f) {
		f.Add(s)
	}
	full, err := os.ReadFile("testdata/claim.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var dec Decoder
		if _, err := dec.Decode(full); err != nil {
			t.Fatal(err)
		}
		checkReuse(t, &dec, data, 0)
		checkReuse(t, &dec, full, 1)
	})
}

// BenchmarkDecoder is BenchmarkDecode with one Decoder, as batch coding
// decodes.
func BenchmarkDecoder(b *testing.B) {
	data, err := os.ReadFile("testdata/month.json")
	if err != nil {
		b.Fatal(err)
	}
	var dec Decoder
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := dec.Decode(data); err != nil {
			b.Fatal(err)
		}
	}
}
