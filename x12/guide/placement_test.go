package guide

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/perdiem/perdiem/x12"
)

// forgetful are rules that make the Machine forget every placement it
// remembered, so that each segment is placed by the full search.
type forgetful struct{ noRules }

func (forgetful) Segment(m *Machine, _ *x12.Segment, _ string) { clear(m.placements[:]) }

// Remembered placements put every segment where the full search does: the
// 837P samples, and the same with segments moved about, give the same
// findings either way.
func TestPlacementsAreTheSearchs(t *testing.T) {
	g := x222Guide(t)
	files, err := filepath.Glob("../../testdata/x12/837p/*")
	if err != nil || len(files) == 0 {
		t.Fatal("no samples", err)
	}
	r := rand.New(rand.NewPCG(5, 6))
	var inputs [][]byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, b)
		for range 5 {
			segs := bytes.Split(b, []byte("~"))
			for range 1 + r.IntN(8) {
				if len(segs) > 8 {
					i, j := 3+r.IntN(len(segs)-6), 3+r.IntN(len(segs)-6)
					segs[i], segs[j] = segs[j], segs[i]
				}
			}
			inputs = append(inputs, bytes.Join(segs, []byte("~")))
		}
	}
	report := func(in []byte, rules Rules) []byte {
		m := newMachine(g, Options{}, false)
		m.rules = rules
		xr := x12.NewReader(bytes.NewReader(in))
		xr.Resync = true
		if err := m.run(xr); err != nil {
			return []byte(err.Error())
		}
		j, err := json.Marshal(m.rep)
		if err != nil {
			t.Fatal(err)
		}
		return j
	}
	for k, in := range inputs {
		if got, want := report(in, noRules{}), report(in, forgetful{}); !bytes.Equal(got, want) {
			t.Errorf("input %d: remembered placements give\n%s\nthe search\n%s", k, got, want)
		}
	}
}

// TestTag holds tag to the loop it reads two- and three-byte IDs without:
// every ID of up to five bytes of a few letters and digits.
func TestTag(t *testing.T) {
	loop := func(id string) uint32 {
		var t uint32
		for i := 0; i < len(id) && i < 4; i++ {
			t = t<<8 | uint32(id[i])
		}
		return t
	}
	const alphabet = "AZ09\x00\xFF"
	ids := []string{""}
	for range 5 {
		for _, id := range ids {
			for k := range len(alphabet) {
				ids = append(ids, id+alphabet[k:k+1])
			}
		}
	}
	for _, id := range ids {
		if got, want := tag(id), loop(id); got != want {
			t.Errorf("tag(%q) = %#x, want %#x", id, got, want)
		}
	}
}
