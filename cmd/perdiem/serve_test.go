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
