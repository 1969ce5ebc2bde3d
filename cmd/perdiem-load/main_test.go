package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestLoadRuns(t *testing.T) {
	timeline := filepath.Join(t.TempDir(), "timeline.csv")
	var out, errb bytes.Buffer
	if code := run([]string{"--target", "code", "--rate", "40", "--duration", "500ms", "--warmup", "250ms", "--timeline", timeline}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	s := out.String()
	// 40 a second: 10 requests in the warm-up, 20 in the run, which is
	// one (partial) second.
	if m := regexp.MustCompile(`(?m)^warm-up: sent (\d+), ok (\d+), p50 [\d.]+ ms, p99 [\d.]+ ms, max [\d.]+ ms$`).FindStringSubmatch(s); m == nil || m[1] != "10" || m[2] != "10" {
		t.Errorf("warm-up line: %s", s)
	}
	if m := regexp.MustCompile(`(?m)^sent (\d+), ok (\d+)`).FindStringSubmatch(s); m == nil || m[1] != "20" || m[2] != "20" {
		t.Errorf("run line: %s", s)
	}
	if !regexp.MustCompile(`p50 [\d.]+ ms, p90 [\d.]+ ms, p99 [\d.]+ ms`).MatchString(s) {
		t.Errorf("percentiles: %s", s)
	}
	if !regexp.MustCompile(`(?m)^ +1 +20 +[\d.]+ +[\d.]+ +[\d.]+$`).MatchString(s) || regexp.MustCompile(`(?m)^ +2 `).MatchString(s) {
		t.Errorf("per second: %s", s)
	}
	b, err := os.ReadFile(timeline)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 31 || lines[0] != "due_ms,latency_ms,status,phase,failure" {
		t.Fatalf("timeline: %d lines, first %q", len(lines), lines[0])
	}
	for i, l := range lines[1:] {
		f := strings.Split(l, ",")
		phase := "run"
		if i < 10 {
			phase = "warmup"
		}
		if len(f) != 5 || f[1] == "" || f[2] != "200" || f[3] != phase || f[4] != "" {
			t.Errorf("timeline line %d: %q", i+2, l)
		}
	}
	if lines[11][:7] != "250.000" {
		t.Errorf("the run's first request is due at %q, want 250.000 ms", lines[11])
	}
}

func TestLoadRefusesOtherHosts(t *testing.T) {
	for _, u := range []string{"http://10.0.0.1:8080", "http://example.com", "ftp://127.0.0.1"} {
		var out, errb bytes.Buffer
		if code := run([]string{"--url", u, "--token", "x"}, &out, &errb); code != 2 {
			t.Errorf("%s: exit %d", u, code)
		}
	}
	for _, u := range []string{"http://127.0.0.1:8080", "http://localhost:1/x", "http://[::1]:80"} {
		if !isLoopback(u) {
			t.Errorf("%s: not loopback", u)
		}
	}
}

func TestLoadRefusesTooFewConnections(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"--db-conns", "1"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "--db-conns") {
		t.Errorf("exit %d, %q; want 2 naming --db-conns", code, errb.String())
	}
}
