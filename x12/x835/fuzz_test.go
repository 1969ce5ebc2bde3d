package x835

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/perdiem/perdiem/x12"
)

// FuzzRead checks that Read never panics and fails only with a positioned
// error.
func FuzzRead(f *testing.F) {
	for _, file := range samples(f) {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(minimal("LX*1", "CLP*A*1*10*5**12*X", "CAS*CO*45*5", "SVC*HC:S9500:SH*10*5", "PLB*1*20261231*WO:1*1")))
	f.Fuzz(func(t *testing.T, data []byte) {
		rems, err := Read(bytes.NewReader(data))
		if err == nil {
			for _, r := range rems {
				if r.Claims == nil {
					t.Fatal("remittance without a claims list")
				}
			}
			return
		}
		var e *Error
		var se *x12.SyntaxError
		if !errors.As(err, &e) && !errors.As(err, &se) {
			t.Fatalf("error %v has no position", err)
		}
	})
}
