package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/coding"
	"github.com/perdiem/perdiem/episode"
	"github.com/perdiem/perdiem/x12/x222"
	"github.com/perdiem/perdiem/x12/x837p"
)

// Every claim perdiem writes for the examples passes the 837P validator
// with no finding at any level, and reads back to the claim that went in.
func TestClaimsWeWriteValidate(t *testing.T) {
	// The claims are made after the services they bill, as a biller does
	// and the validator checks (BHT04 on or after every date of service).
	old := now
	now = func() time.Time { return time.Date(2026, 12, 31, 12, 0, 0, 0, time.UTC) }
	t.Cleanup(func() { now = old })
	inputs, _ := filepath.Glob("../../examples/*.json")
	inputs = append(inputs, "../../examples/month.jsonl")
	for _, in := range inputs {
		out := filepath.Join(t.TempDir(), "out.x12")
		args := []string{in, "--out", out}
		if filepath.Ext(in) == ".jsonl" {
			args = append(args, "--jsonl")
		}
		if code, _, stderr := runClaimCmd(t, "", args...); code != exitOK {
			t.Errorf("%s: exit %d: %s", in, code, stderr)
			continue
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := x222.Validate(bytes.NewReader(data), x222.Options{Codes: codeset.Default()})
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		for _, f := range rep.Findings {
			t.Errorf("%s: %s segment %d %s %s %s: %s", in, f.Level, f.Segment, f.SegmentID, f.Loop, f.Element, f.Message)
		}
		if filepath.Ext(in) != ".json" {
			continue
		}
		raw, _ := os.ReadFile(in)
		doc, err := episode.Decode(raw)
		if err != nil {
			t.Fatal(err)
		}
		res, err := coding.Code(doc, coding.Options{})
		if err != nil {
			t.Fatal(err)
		}
		cl, err := coding.Claim(doc, res)
		if err != nil {
			t.Fatal(err)
		}
		built, err := x837p.Build(cl, x837p.Options{Codes: codeset.Default()})
		if err != nil {
			t.Fatal(err)
		}
		back, err := x837p.Read(bytes.NewReader(data))
		if err != nil || len(back) != 1 {
			t.Fatalf("%s: read back %d claims: %v", in, len(back), err)
		}
		// Compared as JSON: an empty and a missing modifier list are the same claim.
		g, _ := json.MarshalIndent(back[0], "", " ")
		w, _ := json.MarshalIndent(built, "", " ")
		if string(g) != string(w) {
			t.Errorf("%s: the claim read back differs from the claim built\n%s", in, firstDifference(string(g), string(w)))
		}
	}
}

// firstDifference shows the first line where two texts differ.
func firstDifference(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) && i < len(w); i++ {
		if g[i] != w[i] {
			return "line " + strings.TrimSpace(g[max(0, i-2)]) + " ...\n got: " + g[i] + "\nwant: " + w[i]
		}
	}
	return "lengths differ"
}
