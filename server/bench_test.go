package server

import (
	"net/http"
	"net/http/httptest"
	"testing"
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
