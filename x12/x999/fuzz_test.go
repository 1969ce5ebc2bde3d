package x999

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func FuzzRead(f *testing.F) {
	files, err := filepath.Glob(dir + "*")
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed files: %v", err)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		acks, err := Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		// What we read, we can write, and it reads back the same.
		for _, a := range acks {
			var buf bytes.Buffer
			if err := Write(&buf, a, env); err != nil {
				continue // values holding delimiters of another interchange
			}
			back, err := Read(&buf)
			if err != nil || len(back) != 1 {
				t.Fatalf("written 999 does not read back: %v\n%s", err, buf.String())
			}
		}
	})
}
