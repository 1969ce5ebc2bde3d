package main

import (
	"bytes"
	"regexp"
	"testing"
)

func TestLoadRuns(t *testing.T) {
	for _, target := range []string{"code"} {
		var out, errb bytes.Buffer
		if code := run([]string{"--target", target, "--rate", "40", "--duration", "500ms"}, &out, &errb); code != 0 {
			t.Fatalf("%s: exit %d: %s", target, code, errb.String())
		}
		m := regexp.MustCompile(`sent (\d+), ok (\d+)`).FindStringSubmatch(out.String())
		if m == nil || m[1] != "20" || m[2] != "20" || !regexp.MustCompile(`p50 [\d.]+ ms, p90 [\d.]+ ms, p99 [\d.]+ ms`).MatchString(out.String()) {
			t.Errorf("%s: %s", target, out.String())
		}
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
