package main

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/ctlnum"
	"github.com/perdiem/perdiem/server"
	"github.com/perdiem/perdiem/store"
)

func TestAdminAccounts(t *testing.T) {
	db := filepath.Join(t.TempDir(), "perdiem.db")
	code, _, stderr := runCmd("a good long password\n", "admin", "create-user", "--db", db, "--name", "ann", "--role", "biller")
	if code != exitOK || !strings.Contains(stderr, "user ann (biller) created") {
		t.Fatalf("create-user: exit %d: %s", code, stderr)
	}
	for _, tc := range []struct {
		stdin string
		args  []string
		want  string
	}{
		{"a good long password\n", []string{"--name", "ann", "--role", "biller"}, "exists"},
		{"short\n", []string{"--name", "bob", "--role", "biller"}, "at least 12"},
		{"", []string{"--name", "bob", "--role", "biller"}, "no password"},
		{"a good long password\n", []string{"--name", "bob", "--role", "root"}, "want admin, biller or auditor"},
		{"a good long password\n", []string{"--role", "biller"}, "--name is required"},
		{"a good long password\n", []string{"--name", "bob", "--role", "biller", "a good long password"}, "unexpected argument"},
	} {
		code, _, stderr := runCmd(tc.stdin, append([]string{"admin", "create-user", "--db", db}, tc.args...)...)
		if code != exitInput || !strings.Contains(stderr, tc.want) {
			t.Errorf("create-user %v: exit %d: %s; want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
	code, stdout, stderr := runCmd("", "admin", "create-token", "--db", db, "--user", "ann", "--name", "script")
	token := strings.TrimSpace(stdout)
	if code != exitOK || !strings.HasPrefix(token, "pdt_") || !strings.Contains(stderr, "shown this once") {
		t.Fatalf("create-token: exit %d: %q %s", code, stdout, stderr)
	}
	if code, _, stderr := runCmd("", "admin", "create-token", "--db", db, "--user", "nobody"); code != exitInput || !strings.Contains(stderr, `user "nobody" not found`) {
		t.Errorf("create-token for nobody: exit %d: %s", code, stderr)
	}
	// The token works on the server, as a biller.
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv := httptest.NewServer(server.New(server.Options{DB: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL+"/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"role":"biller"`) {
		t.Errorf("GET /v1/me with the token: %d %s", resp.StatusCode, b)
	}
	code, stdout, _ = runCmd("", "admin", "verify-audit", "--db", db)
	if code != exitOK || !strings.Contains(stdout, "audit log whole") {
		t.Errorf("verify-audit: exit %d: %s", code, stdout)
	}
	// An edited entry breaks the chain, and verify-audit says where.
	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE audit_log SET remote = '10.0.0.1' WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ = runCmd("", "admin", "verify-audit", "--db", db)
	if code != exitFindings || !strings.Contains(stdout, "broken at entry 2") {
		t.Errorf("verify-audit of an edited log: exit %d: %s", code, stdout)
	}
	if code, _, _ := runCmd("", "admin", "nothing"); code != exitInput {
		t.Errorf("unknown subcommand: exit %d", code)
	}
}

// TestAdminSeedControl: the server's counter continues after the command
// line's last control number, never moves back, and a broken state file
// is refused, saying which.
func TestAdminSeedControl(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "perdiem.db")
	state := filepath.Join(dir, "state")
	if _, err := ctlnum.Use(state, 41); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCmd("", "admin", "seed-control", "--db", db, "--state", state)
	if code != exitOK || !strings.Contains(stdout, "next is 42") {
		t.Fatalf("seed-control: exit %d: %s%s", code, stdout, stderr)
	}
	lower := filepath.Join(dir, "lower")
	if _, err := ctlnum.Use(lower, 7); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runCmd("", "admin", "seed-control", "--db", db, "--state", lower)
	if code != exitOK || !strings.Contains(stdout, "next is 42") {
		t.Errorf("seed-control from a lower number moved the counter: exit %d: %s%s", code, stdout, stderr)
	}
	s, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	last, err := s.LastControl(context.Background())
	s.Close()
	if err != nil || last != 41 {
		t.Errorf("server's last control number %d, %v; want 41", last, err)
	}
	bad := filepath.Join(dir, "bad")
	os.WriteFile(bad, []byte("not a number\n"), 0o600)
	code, _, stderr = runCmd("", "admin", "seed-control", "--db", db, "--state", bad)
	if code != exitInput || !strings.Contains(stderr, bad) {
		t.Errorf("a broken state file: exit %d: %s", code, stderr)
	}
}
