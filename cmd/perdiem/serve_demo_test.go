package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/server"
	"github.com/perdiem/perdiem/server/demo"
	"github.com/perdiem/perdiem/site"
	"github.com/perdiem/perdiem/store"
)

// TestDemoCalendar signs in as the demo auditor on a seeded database and
// reads the calendar of the demo's hospital stay through the handler of
// perdiem serve: the pages show the days on hold.
func TestDemoCalendar(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	res, err := demo.Seed(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if res.Showcase == "" {
		t.Fatal("no episode to show")
	}
	h := site.New(db, server.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	var auditor demo.Account
	for _, a := range res.Accounts {
		if a.Role == store.RoleAuditor {
			auditor = a
		}
	}
	req := httptest.NewRequest("POST", "/v1/sessions", strings.NewReader(`{"name":"`+auditor.Name+`","password":"`+auditor.Password+`"}`))
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusCreated {
		t.Fatalf("sign in as %s: %d %s", auditor.Name, w.Code, w.Body)
	}
	req = httptest.NewRequest("GET", "/episodes/"+res.Showcase+"/calendar", nil)
	for _, ck := range w.Result().Cookies() {
		req.AddCookie(ck)
	}
	w = httptest.NewRecorder()
	h.ServeHTTP(w, req)
	body := w.Body.String()
	if w.Code != http.StatusOK {
		t.Fatalf("calendar: %d %.500s", w.Code, body)
	}
	// The hospital stay of March 8–12 (moved from the example's May) is five days on hold in the
	// anti-infective's row and five in the catheter care's; the key
	// names HOLD once more.
	if n := strings.Count(body, ">HOLD<"); n != 11 {
		t.Errorf("calendar shows HOLD %d times, want 11:\n%.2000s", n, body)
	}
	if !strings.Contains(body, "BRENNAN, OTIS") {
		t.Errorf("calendar does not name the demo patient")
	}
}
