package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/perdiem/perdiem/internal/cputime"
)

// BenchmarkServeHTTP: a request through the middleware to a handler that
// reads nothing from the store (GET /v1/me), its bearer token remembered:
// what every request costs besides its own work.
func BenchmarkServeHTTP(b *testing.B) {
	f := newFixture(b, storetestSQLite(b), Options{})
	auth := f.admin.header.Get("Authorization")
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest("GET", "/v1/me", nil)
		r.Header.Set("Authorization", auth)
		w := httptest.NewRecorder()
		f.s.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
}

// BenchmarkCreateClaim: POST /v1/episodes/{id}/claims for the example
// episode, on SQLite: the server's work for a claim (the request, the
// coding, the store's statements and the answer), with SQLite's own.
func BenchmarkCreateClaim(b *testing.B) {
	f := newFixture(b, storetestSQLite(b), Options{})
	auth := f.biller.header.Get("Authorization")
	post := func(path string, body []byte) []byte {
		r := httptest.NewRequest("POST", path, bytes.NewReader(body))
		r.Header.Set("Authorization", auth)
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		f.s.ServeHTTP(w, r)
		if w.Code != http.StatusCreated {
			b.Fatalf("POST %s: status %d: %s", path, w.Code, w.Body)
		}
		return w.Body.Bytes()
	}
	var p, e struct{ ID string }
	if err := json.Unmarshal(post("/v1/patients", []byte(`{"name":"DOE, JANE","birth_date":"1960-01-01","member_id":"MBR123456789"}`)), &p); err != nil {
		b.Fatal(err)
	}
	if err := json.Unmarshal(post("/v1/episodes?patient_id="+p.ID, readExample(b, "episode.json")), &e); err != nil {
		b.Fatal(err)
	}
	path, period := "/v1/episodes/"+e.ID+"/claims", []byte(`{"from":"2026-03-01","to":"2026-03-31"}`)
	b.ReportAllocs()
	cpu := cputime.Process()
	for b.Loop() {
		post(path, period)
	}
	if used := cputime.Process() - cpu; cpu > 0 {
		b.ReportMetric(float64(used.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}
