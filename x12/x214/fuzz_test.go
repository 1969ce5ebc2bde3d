package x214

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/x12"
)

// FuzzRead checks that Read never panics, fails only with a positioned
// syntax error, positions every finding, gives every claim a verdict, and
// that what it reads can be written as JSON. The seeds are the samples in
// testdata and the corpus in testdata/fuzz/FuzzRead.
func FuzzRead(f *testing.F) {
	files, err := filepath.Glob("testdata/*.[ex][d1][i2]")
	if err != nil || len(files) < 7 {
		f.Fatalf("samples: %v %v", files, err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(threeAcks(goodBody)))
	f.Fuzz(func(t *testing.T, data []byte) {
		acks, outside, err := Read(bytes.NewReader(data))
		if err != nil {
			var se *x12.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %v has no position", err)
			}
		}
		all := outside
		for _, a := range acks {
			if a.Sources == nil {
				t.Fatal("acknowledgment without a sources list")
			}
			all = append(all, a.Findings...)
			for _, c := range a.Claims() {
				switch c.Verdict {
				case Accepted, Rejected, NotFound, Received, Unknown:
				default:
					t.Fatalf("claim %q has verdict %q", c.ClaimID, c.Verdict)
				}
				if c.Accepted != (c.Verdict == Accepted) {
					t.Fatalf("claim %q: accepted %v, verdict %s", c.ClaimID, c.Accepted, c.Verdict)
				}
			}
			if _, err := json.Marshal(a); err != nil {
				t.Fatal(err)
			}
		}
		for _, e := range all {
			if e.Pos.Segment < 1 || e.Pos.Line < 1 || e.Pos.Offset < 0 || e.Err == nil {
				t.Fatalf("finding %v is not positioned", e)
			}
		}
	})
}

// FuzzAnswer answers any input as if every transaction set were accepted
// with a problem at one segment: Answer must not panic, and what it builds
// must be written and read back with no finding.
func FuzzAnswer(f *testing.F) {
	data, err := os.ReadFile("../../testdata/x12/837p/synthetic__home-infusion-good.x12")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data, 20)
	f.Add(data, 8)
	f.Add(data, 37)
	f.Add([]byte(strings.Replace(string(data), "SV1*HC:S9500*1400*UN*7***1:2", "SV1*HC*x*UN*-1***", 1)), 31)
	f.Fuzz(func(t *testing.T, data []byte, at int) {
		var acks []*Ack
		controls := map[int]string{}
		xr := x12.NewReader(bytes.NewReader(data))
		xr.Resync = true
		n := 0
		for {
			s, err := xr.Next()
			if err != nil {
				if _, ok := resynced(err); ok {
					continue
				}
				break
			}
			if s.ID() == "ST" {
				n++
				controls[n] = s.Element(2)
			}
		}
		opt := AnswerOptions{
			Verdict: func(o int) (SetVerdict, bool) {
				c, ok := controls[o]
				return SetVerdict{Control: c, Accepted: true, Problems: []Problem{{Segment: at, Loop: "2300", Element: "CLM02", Message: "x*y:z~"}}}, ok
			},
			Date: civil.FromYMD(2026, 2, 2), Time: "0930",
			ClaimNumber: func(n int) string { return ClaimNumber(1, n) },
			Reference:   func(n int) string { return fmt.Sprint("R", n) },
		}
		if err := Answer(bytes.NewReader(data), opt, func(Group) error { return nil }, func(a *Ack) error { acks = append(acks, a); return nil }); err != nil {
			var se *x12.SyntaxError
			if !errors.As(err, &se) && !errors.Is(err, ErrCannotAnswer) {
				t.Fatalf("error %v", err)
			}
			return
		}
		if len(acks) == 0 {
			return
		}
		var b bytes.Buffer
		w, err := Begin(&b, Envelope{SenderID: "A", ReceiverID: "B", Control: 1, Date: "20260202", Time: "0930"})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range acks {
			if err := w.Write(a); err != nil {
				// a value of the 837P that X12 cannot carry (a delimiter
				// of the 277CA in data) is refused, never written broken
				var we *x12.WriteError
				if !errors.As(err, &we) {
					t.Fatalf("write: %v", err)
				}
				return
			}
		}
		if err := w.End(); err != nil {
			t.Fatal(err)
		}
		back, outside, err := Read(&b)
		if err != nil || len(outside) > 0 || len(back) != len(acks) {
			t.Fatalf("read back: %v %v %d of %d", err, outside, len(back), len(acks))
		}
		for i, a := range back {
			if len(a.Findings) > 0 {
				t.Fatalf("findings reading back: %v", a.Findings)
			}
			if len(a.Claims()) != len(acks[i].Claims()) {
				t.Fatalf("%d claims read back, %d written", len(a.Claims()), len(acks[i].Claims()))
			}
		}
	})
}
