package coding

import (
	"encoding/json"
	"math/rand"
	"sync"
	"testing"

	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/episode"
	"github.com/perdiem/perdiem/internal/gen"
	"github.com/perdiem/perdiem/profile"
)

// TestResultsOwnTheirMemory codes documents of every size one after the
// other and at once, under several profiles: the working memory reused
// from call to call must leave no trace in a later result, and a result
// must not change when later calls reuse that memory.
func TestResultsOwnTheirMemory(t *testing.T) {
	r := rand.New(rand.NewSource(11))
	var docs []*episode.Document
	for range 300 {
		docs = append(docs, validated(t, gen.Episode(r)))
	}
	profiles := []string{"nhia", "bcbs-mi", "bcbs-nd", "hmsa", "bc-idaho"}
	opts := make([]Options, len(profiles))
	for i, id := range profiles {
		p, err := profile.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		opts[i] = Options{Profile: p}
	}
	code := func(i int) *claim.Result {
		res, err := Code(docs[i], opts[i%len(opts)])
		if err != nil {
			t.Errorf("document %d: %v", i, err)
		}
		return res
	}
	results := make([]*claim.Result, len(docs))
	want := make([]string, len(docs))
	for i := range docs {
		results[i] = code(i)
		b, _ := json.Marshal(results[i])
		want[i] = string(b)
	}
	// In reverse order, so each call reuses memory a different document left.
	for i := len(docs) - 1; i >= 0; i-- {
		if b, _ := json.Marshal(code(i)); string(b) != want[i] {
			t.Fatalf("document %d coded again after others:\n got %s\nwant %s", i, b, want[i])
		}
	}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < len(docs); i += 4 {
				if b, _ := json.Marshal(code(i)); string(b) != want[i] {
					t.Errorf("document %d coded concurrently:\n got %s\nwant %s", i, b, want[i])
				}
			}
		})
	}
	wg.Wait()
	for i, res := range results {
		if b, _ := json.Marshal(res); string(b) != want[i] {
			t.Fatalf("result of document %d changed after later calls:\n got %s\nwant %s", i, b, want[i])
		}
	}
}
