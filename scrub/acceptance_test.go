package scrub

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/coding"
	"github.com/perdiem/perdiem/episode"
	"github.com/perdiem/perdiem/internal/gen"
	"github.com/perdiem/perdiem/money"
	"github.com/perdiem/perdiem/profile"
	"github.com/perdiem/perdiem/therapy"
	"github.com/perdiem/perdiem/x12/x837p"
)

// example is one episode document the repository ships: an acceptance
// case's input or a file of examples/.
type example struct {
	name string
	data []byte
}

// examples reads every acceptance case and example of the repository.
func examples(t testing.TB) []example {
	var out []example
	for _, dir := range []string{"../testdata/acceptance/cases", "../cmd/perdiem/testdata/acceptance"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var c struct {
				Input json.RawMessage `json:"input"`
			}
			if err := json.Unmarshal(raw, &c); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			out = append(out, example{filepath.Base(f), c.Input})
		}
	}
	files, _ := filepath.Glob("../examples/*.json")
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, example{filepath.Base(f), raw})
	}
	raw, err := os.ReadFile("../examples/month.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(nil, 1<<24)
	for n := 1; sc.Scan(); n++ {
		if len(bytes.TrimSpace(sc.Bytes())) > 0 {
			out = append(out, example{"month.jsonl:" + string(rune('0'+n/10)) + string(rune('0'+n%10)), bytes.Clone(sc.Bytes())})
		}
	}
	if len(out) < 60 {
		t.Fatalf("found %d examples, want the 56 acceptance cases and the examples", len(out))
	}
	return out
}

// claimBlock is the claim block of examples/episode.json, for documents
// that have none.
func claimBlock(t testing.TB) *episode.Claim {
	raw, err := os.ReadFile("../examples/episode.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := episode.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	return doc.Claim
}

// coded codes a document as perdiem claim does, giving it a claim block
// (with a charge for each code) when it has none; nil when the document
// is one the engine refuses.
func coded(t testing.TB, data []byte, block *episode.Claim) (*episode.Document, *claim.Claim) {
	doc, err := episode.Decode(data)
	if err != nil {
		return nil, nil
	}
	res, err := coding.Code(doc, coding.Options{})
	if err != nil {
		return nil, nil
	}
	if doc.Claim == nil {
		cb := *block
		cb.Charges = map[string]money.Amount{}
		for _, l := range res.Lines {
			cb.Charges[l.Code] = 100
		}
		doc.Claim = &cb
	}
	if probs := doc.ValidateClaim(); len(probs) > 0 {
		t.Fatalf("claim block: %v", probs)
	}
	c, err := coding.Claim(doc, res)
	if err != nil {
		t.Fatal(err)
	}
	return doc, c
}

// No edit fires on any acceptance example or example document, with or
// without the episode's facts.
func TestExamplesHaveNoFindings(t *testing.T) {
	block := claimBlock(t)
	n := 0
	for _, ex := range examples(t) {
		doc, c := coded(t, ex.data, block)
		if c == nil {
			continue
		}
		n++
		for _, f := range []*Facts{FactsOf(doc), nil} {
			got, err := Check(c, f, Options{})
			if err != nil {
				t.Fatalf("%s: %v", ex.name, err)
			}
			for _, x := range got {
				t.Errorf("%s (facts %v): %s", ex.name, f != nil, x)
			}
		}
	}
	if n < 45 {
		t.Errorf("scrubbed %d coded examples, want every one the engine codes", n)
	}
}

// Claims coded from random episodes under every shipped profile raise
// nothing, except the nursing caps the engine itself warns about.
func TestGeneratedClaimsHaveNoFindings(t *testing.T) {
	block := claimBlock(t)
	r := rand.New(rand.NewSource(9))
	profiles := profile.List()
	skipped := 0
	defer func() {
		t.Logf("%d of 400 claims checked as the claim only (a weekly line as long as its units)", skipped)
		if skipped > 20 {
			t.Errorf("%d of 400 claims not checked as 837P, want few", skipped)
		}
	}()
	for i := 0; i < 400; i++ {
		doc := gen.Episode(r)
		doc.Profile = profiles[r.Intn(len(profiles))].ID
		data, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		doc, c := coded(t, data, block)
		if c == nil {
			t.Fatalf("episode %d: the engine refused it", i)
		}
		capped := false
		for _, w := range c.Warnings {
			capped = capped || w.Rule == "NU-4"
		}
		got, err := Check(c, FactsOf(doc), Options{})
		if err != nil {
			t.Fatal(err)
		}
		// The same claim as an 837P carries it: no reasons, no therapy,
		// no facts; the profile given, as the 837P does not say it.
		p, err := profile.Get(doc.Profile)
		if err != nil {
			t.Fatal(err)
		}
		x, err := asX12(c)
		if err != nil && len(c.Lines) > 0 {
			t.Fatalf("episode %d: %v", i, err)
		}
		if weeklyLikeDaily(c) {
			// A weekly line with a unit for each of its days looks daily
			// on an 837P (docs/scrub.md): it is judged as the claim only.
			x, skipped = nil, skipped+1
		}
		for _, xc := range x {
			more, err := Check(xc, nil, Options{Profile: p})
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, more...)
		}
		for _, f := range got {
			if capped && strings.HasPrefix(f.Rule, "NU-4") {
				continue
			}
			t.Errorf("episode %d (profile %s): %s\n%s", i, doc.Profile, f, data)
		}
	}
}

// weeklyLikeDaily reports whether a claim has a weekly or monthly line
// (PD-3) with as many units as days.
func weeklyLikeDaily(c *claim.Claim) bool {
	for _, l := range c.Lines {
		for _, r := range l.Why {
			if r.Rule == "PD-3" && l.Units == float64(l.To-l.From+1) {
				return true
			}
		}
	}
	return false
}

// asX12 writes a claim as perdiem claim does (split at 50 lines) and
// reads it back.
func asX12(c *claim.Claim) ([]*claim.Claim, error) {
	x, err := x837p.Build(c, x837p.Options{Codes: codeset.Default()})
	if err != nil {
		return nil, err
	}
	parts, err := x837p.Split(x)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := x837p.Write(&buf, parts, x837p.Control{Number: 1, Time: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC), Usage: "T"}); err != nil {
		return nil, err
	}
	back, err := x837p.Read(&buf)
	if err != nil {
		return nil, err
	}
	var out []*claim.Claim
	for _, b := range back {
		out = append(out, b.Coded(codeset.Default()))
	}
	return out, nil
}

// typeOfCode names the therapy type of every per diem code coding gives
// the lines of a therapy, over every type and the generated episodes.
func TestTypeOfCodeMatchesCoding(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	var docs []*episode.Document
	for i := 0; i < 300; i++ {
		docs = append(docs, gen.Episode(r))
	}
	for _, ty := range therapy.Types() {
		end := day("2026-03-05")
		th := episode.Therapy{ID: "t", Type: ty, Start: day("2026-03-01"), End: &end, Description: "THERAPY"}
		docs = append(docs, &episode.Document{Therapies: []episode.Therapy{th}})
	}
	types := 0
	for _, doc := range docs {
		res, err := coding.Code(doc, coding.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range res.Lines {
			if l.Kind != claim.PerDiem {
				continue
			}
			want := ""
			for _, th := range doc.Therapies {
				if th.ID == l.Therapy {
					want = th.Type
				}
			}
			if got := typeOfCode[l.Code]; got != want {
				t.Errorf("%s: typeOfCode says %q, coding bills it for a therapy of type %q", l.Code, got, want)
			}
			types++
		}
	}
	if types < len(therapy.Types()) {
		t.Errorf("checked %d lines, want one per therapy type at least", types)
	}
}
