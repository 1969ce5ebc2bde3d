package server

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// TestConcurrentClaimsAndInterchanges: 50 clients at once each code a
// claim (half of them without an Idempotency-Key, which the store makes
// and commits in one statement on PostgreSQL), read it back and send it
// in an interchange of its own. Every interchange gets its own control
// number, none is skipped, every claim is in exactly one interchange,
// and the audit log stays whole. Two edits of one episode from the same
// version: one wins, the other is a 409, never a silent overwrite.
func TestConcurrentClaimsAndInterchanges(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		patient := f.newPatient(t)
		doc := readExample(t, "episode.json")
		ep := f.newEpisode(t, patient, doc)
		const clients = 50
		var wg sync.WaitGroup
		var mu sync.Mutex
		controls := map[int64]string{}
		claimsIn := map[string]int{}
		failures := 0
		for i := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := f.biller
				if i%2 == 0 {
					c = c.with(IdempotencyHeader, fmt.Sprintf("claim-%d", i))
				}
				var cl struct{ ID string }
				a := c.do("POST", "/v1/episodes/"+ep+"/claims", map[string]string{"from": "2026-03-01", "to": "2026-03-31"})
				if a.status != 201 {
					mu.Lock()
					failures++
					mu.Unlock()
					return
				}
				a.json(t, &cl)
				if a = f.biller.do("GET", "/v1/claims/"+cl.ID, nil); a.status != 200 {
					mu.Lock()
					failures++
					mu.Unlock()
					return
				}
				var ic struct {
					Control int64
					Claims  []string
					ID      string
				}
				a = f.biller.with(IdempotencyHeader, fmt.Sprintf("ic-%d", i)).do("POST", "/v1/interchanges", map[string]any{"claims": []string{cl.ID}})
				mu.Lock()
				defer mu.Unlock()
				if a.status != 201 {
					failures++
					return
				}
				a.json(t, &ic)
				if prev, dup := controls[ic.Control]; dup {
					t.Errorf("control number %d given to %s and %s", ic.Control, prev, ic.ID)
				}
				controls[ic.Control] = ic.ID
				for _, id := range ic.Claims {
					claimsIn[id]++
				}
			}()
		}
		wg.Wait()
		if failures > 0 {
			t.Fatalf("%d of %d clients failed", failures, clients)
		}
		for n := int64(1); n <= clients; n++ {
			if _, ok := controls[n]; !ok {
				t.Errorf("control number %d not used: numbers %v", n, controls)
			}
		}
		for id, n := range claimsIn {
			if n != 1 {
				t.Errorf("claim %s in %d interchanges", id, n)
			}
		}
		if len(claimsIn) != clients {
			t.Errorf("%d claims sent, want %d", len(claimsIn), clients)
		}
		// Two edits from version 1 at once.
		statuses := make([]int, 2)
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				edit := strings.Replace(string(doc), `"minutes": 75`, fmt.Sprintf(`"minutes": %d`, 80+i), 1)
				statuses[i] = f.biller.with("If-Match", `"1"`).do("PUT", "/v1/episodes/"+ep, edit).status
			}()
		}
		wg.Wait()
		if !(statuses[0] == 200 && statuses[1] == 409 || statuses[0] == 409 && statuses[1] == 200) {
			t.Errorf("two edits from one version: %v, want one 200 and one 409", statuses)
		}
		var vs struct{ Items []struct{ Version int } }
		f.auditor.do("GET", "/v1/episodes/"+ep+"/versions", nil).want(t, 200, "").json(t, &vs)
		if len(vs.Items) != 2 {
			t.Errorf("%d versions, want 2", len(vs.Items))
		}
		if rep, err := f.db.VerifyAudit(context.Background()); err != nil || !rep.OK() {
			t.Errorf("audit log: %+v, %v", rep, err)
		}
	})
}
