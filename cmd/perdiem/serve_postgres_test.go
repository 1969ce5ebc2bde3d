package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/perdiem/perdiem/store/storetest"
)

// TestServeTwoProcessesShareOnePostgres: two `perdiem serve` processes on
// one PostgreSQL database, as a team runs them. 50 clients, split between
// the two, each code a claim and send it in an interchange: every
// interchange gets a control number of its own, with none skipped. Two
// edits of one episode from the same version, one through each process:
// one wins, the other gets 409, never a silent overwrite.
func TestServeTwoProcessesShareOnePostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server")
	}
	dsn := storetest.Postgres(t) // skips, saying why, without a PostgreSQL server
	token := newAccount(t, dsn, "ann", "biller")
	procs := []*serverProcess{startServer(t, dsn), startServer(t, dsn)}
	doc, err := os.ReadFile("../../examples/episode.json")
	if err != nil {
		t.Fatal(err)
	}
	code, b, err := apiCall(procs[0].url, token, "POST", "/v1/patients", []byte(`{"name":"DOE, JANE","birth_date":"1960-01-01","member_id":"M1"}`))
	if err != nil || code != 201 {
		t.Fatalf("patient: %d %v %s", code, err, b)
	}
	patient := idOf(t, b)
	code, b, err = apiCall(procs[1].url, token, "POST", "/v1/episodes?patient_id="+patient, doc)
	if err != nil || code != 201 {
		t.Fatalf("episode: %d %v %s", code, err, b)
	}
	episode := idOf(t, b)

	const clients = 50
	var wg sync.WaitGroup
	var mu sync.Mutex
	controls := map[int64]string{}
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := procs[i%2]
			code, b, err := apiCall(p.url, token, "POST", "/v1/episodes/"+episode+"/claims", []byte(`{"from":"2026-03-01","to":"2026-03-31"}`), "Idempotency-Key", fmt.Sprintf("claim-%d", i))
			if err != nil || code != 201 {
				t.Errorf("client %d: claim: %d %v %s", i, code, err, b)
				return
			}
			claim := idOf(t, b)
			code, b, err = apiCall(p.url, token, "POST", "/v1/interchanges", []byte(`{"claims":["`+claim+`"]}`), "Idempotency-Key", fmt.Sprintf("ic-%d", i))
			if err != nil || code != 201 {
				t.Errorf("client %d: interchange: %d %v %s", i, code, err, b)
				return
			}
			var ic struct {
				ID      string
				Control int64
			}
			if err := json.Unmarshal(b, &ic); err != nil || ic.Control == 0 {
				t.Errorf("client %d: interchange answer %s: %v", i, b, err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if prev, dup := controls[ic.Control]; dup {
				t.Errorf("control number %d given to %s and %s", ic.Control, prev, ic.ID)
			}
			controls[ic.Control] = ic.ID
		}()
	}
	wg.Wait()
	for n := int64(1); n <= clients; n++ {
		if _, ok := controls[n]; !ok {
			t.Errorf("control number %d was not given out (got %d numbers)", n, len(controls))
		}
	}

	// Two edits from version 1, one through each process, at once.
	statuses := make([]int, 2)
	for i, p := range procs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, b, err := apiCall(p.url, token, "PUT", "/v1/episodes/"+episode, doc, "If-Match", `"1"`)
			if err != nil {
				t.Errorf("edit through process %d: %v", i+1, err)
			}
			if code != 200 && code != 409 {
				t.Errorf("edit through process %d: %d %s", i+1, code, b)
			}
			statuses[i] = code
		}()
	}
	wg.Wait()
	if statuses[0]+statuses[1] != 200+409 {
		t.Errorf("two edits from one version got %v, want one 200 and one 409", statuses)
	}
	code, b, err = apiCall(procs[0].url, token, "GET", "/v1/episodes/"+episode+"/versions", nil)
	var versions struct{ Items []any }
	if err != nil || code != 200 || json.Unmarshal(b, &versions) != nil || len(versions.Items) != 2 {
		t.Errorf("versions after the edits: %d %v %s", code, err, b)
	}
}
