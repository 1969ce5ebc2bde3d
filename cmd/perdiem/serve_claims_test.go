package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/auth"
	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/server"
	"github.com/perdiem/perdiem/site"
	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/store/storetest"
)

// TestServePageClaimIsTheAPIClaim makes a claim of one episode and period
// from the patient page and one through POST /v1/episodes/{id}/claims of
// the same perdiem serve, and holds them to be the same claim: the same
// lines, reasons, warnings and total, coded under the episode's payer's
// profile (bcbs-tx, which counts infusion days only), not the NHIA
// defaults the document falls back to.
func TestServePageClaimIsTheAPIClaim(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		db, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		doc, err := os.ReadFile("../../examples/hospitalisation.json")
		if err != nil {
			t.Fatal(err)
		}
		const password = "a long test password"
		hash, err := auth.HashPassword(password)
		if err != nil {
			t.Fatal(err)
		}
		token, tokenHash := auth.NewSecret(auth.TokenPrefix)
		var episodeID string
		err = db.Do(ctx, store.System, func(tx *store.Tx) error {
			u, err := tx.CreateUser("bea", "biller", hash)
			if err != nil {
				return err
			}
			if err := tx.CreateToken(u.ID, "test", tokenHash); err != nil {
				return err
			}
			p, err := tx.CreatePatient(store.Patient{Name: "Edgar Poe", BirthDate: civil.FromYMD(1948, 1, 19), MemberID: "MBR777000222"})
			if err != nil {
				return err
			}
			py, err := tx.CreatePayer(store.Payer{Name: "Example Health Plan", ProfileID: "bcbs-tx", PayerID: "PAYER01"})
			if err != nil {
				return err
			}
			e, err := tx.CreateEpisode(p.ID, py.ID, doc)
			episodeID = e.ID
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		h := site.New(db, server.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})

		// The page: sign in, then the patient page's claim form.
		w := httptest.NewRecorder()
		req := httptest.NewRequest("POST", "/v1/sessions", strings.NewReader(`{"name":"bea","password":"`+password+`"}`))
		req.Header.Set("Content-Type", "application/json")
		h.ServeHTTP(w, req)
		var session struct {
			CSRF string `json:"csrf_token"`
		}
		if w.Code != http.StatusCreated || json.Unmarshal(w.Body.Bytes(), &session) != nil {
			t.Fatalf("sign in: %d %s", w.Code, w.Body)
		}
		form := url.Values{"from": {"05/01/2026"}, "to": {"05/31/2026"}, server.CSRFField: {session.CSRF}}
		req = httptest.NewRequest("POST", "/episodes/"+episodeID+"/claims", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for _, c := range w.Result().Cookies() {
			req.AddCookie(c)
		}
		w = httptest.NewRecorder()
		h.ServeHTTP(w, req)
		loc := w.Header().Get("Location")
		if w.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/claims/") {
			t.Fatalf("the page's claim form: %d %s %.500s", w.Code, loc, w.Body)
		}
		pageID := strings.TrimPrefix(loc, "/claims/")

		// The API.
		req = httptest.NewRequest("POST", "/v1/episodes/"+episodeID+"/claims", strings.NewReader(`{"from":"2026-05-01","to":"2026-05-31"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		w = httptest.NewRecorder()
		h.ServeHTTP(w, req)
		var made struct{ ID string }
		if w.Code != http.StatusCreated || json.Unmarshal(w.Body.Bytes(), &made) != nil {
			t.Fatalf("POST /v1/episodes/{id}/claims: %d %s", w.Code, w.Body)
		}

		var page, api store.Claim
		err = db.Do(ctx, store.System, func(tx *store.Tx) error {
			if page, err = tx.Claim(pageID); err != nil {
				return err
			}
			api, err = tx.Claim(made.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if page.PayerID != api.PayerID || page.EpisodeVersion != api.EpisodeVersion || page.Period != api.Period || page.Total != api.Total || page.Status != api.Status {
			t.Errorf("the page's claim %+v\nthe API's %+v", page, api)
		}
		pj, aj := comparable(t, page), comparable(t, api)
		if pj != aj {
			t.Errorf("the page's claim and the API's differ:\npage: %s\napi:  %s", pj, aj)
		}
		if !strings.Contains(pj, "(profile bcbs-tx, setting per_diem_days: infusion-days)") {
			t.Errorf("the claim is not coded under the payer's profile bcbs-tx:\n%s", pj)
		}
	})
}

// comparable is a stored claim's claim and coding result as JSON, with
// its id (which every line id and LN-4 reason carries) made the same for
// every claim.
func comparable(t *testing.T, c store.Claim) string {
	t.Helper()
	b, err := json.Marshal(struct {
		Claim, Result any
	}{c.Claim, c.Result})
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(b), c.ID, "CLAIM")
}
