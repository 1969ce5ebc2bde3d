package main

import (
	"bufio"
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/server"
)

// TestServeCodeMatchesCLI holds POST /v1/code to `perdiem code`: the same
// document gives byte for byte the same JSON.
func TestServeCodeMatchesCLI(t *testing.T) {
	srv := httptest.NewServer(server.New(server.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	defer srv.Close()
	files, _ := filepath.Glob("../../examples/*.json")
	var docs [][]byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, b)
	}
	fh, err := os.Open("../../examples/month.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		docs = append(docs, append([]byte(nil), sc.Bytes()...))
	}
	if len(docs) < 8 {
		t.Fatalf("only %d documents", len(docs))
	}
	for i, doc := range docs {
		code, want, stderr := runCmd(string(doc), "code", "-")
		if code != exitOK {
			t.Fatalf("document %d: exit %d: %s", i, code, stderr)
		}
		resp, err := srv.Client().Post(srv.URL+"/v1/code", "application/json", bytes.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || string(got) != want {
			t.Errorf("document %d: %d\nserver: %.300s\ncli:    %.300s", i, resp.StatusCode, got, want)
		}
	}
}

// TestServeReadsASPFolder: perdiem serve --asp reads the quarters of the
// folder as perdiem scrub --asp does, so a broken one stops it at start,
// saying where, before it opens the database or listens.
func TestServeReadsASPFolder(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "asp-2026-01-01.tsv"), []byte("L\tJ0690\t1.00\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "w.db")
	code, _, stderr := runCmd("", "serve", "--asp", dir, "--db", db, "--addr", "127.0.0.1:0")
	if code != exitInput || !strings.Contains(stderr, "--asp") || !strings.Contains(stderr, "asp-2026-01-01.tsv") {
		t.Errorf("exit %d, stderr %q; want 2 naming --asp and the file", code, stderr)
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("the database was made before the quarters were read")
	}
}

// TestServeRefusesNegativeAuthCache: a negative --auth-cache stops the
// server at start, naming the flag, before it opens the database.
func TestServeRefusesNegativeAuthCache(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	code, _, stderr := runCmd("", "serve", "--auth-cache", "-1s", "--db", db, "--addr", "127.0.0.1:0")
	if code != exitInput || !strings.Contains(stderr, "--auth-cache -1s") {
		t.Errorf("exit %d, stderr %q; want 2 naming --auth-cache", code, stderr)
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("the database was made")
	}
}

// TestServeRefusesTooFewConnections: --db-conns below 2 stops the server
// at start, naming the flag, before it opens the database.
func TestServeRefusesTooFewConnections(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	code, _, stderr := runCmd("", "serve", "--db-conns", "1", "--db", db, "--addr", "127.0.0.1:0")
	if code != exitInput || !strings.Contains(stderr, "--db-conns 1") {
		t.Errorf("exit %d, stderr %q; want 2 naming --db-conns", code, stderr)
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("the database was made")
	}
}
