package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// buildPerdiem builds the command into a temporary folder, once per test
// binary run.
var buildPerdiem = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "perdiem-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "perdiem")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// serverProcess is `perdiem serve` running as a process of its own.
type serverProcess struct {
	cmd    *exec.Cmd
	url    string
	mu     sync.Mutex
	stderr bytes.Buffer
	done   chan struct{}
}

// log is what the server wrote on standard error so far.
func (p *serverProcess) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

var listening = regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)

// startServer starts `perdiem serve --db dsn` on a free loopback port and
// waits until it listens.
func startServer(t *testing.T, dsn string, extra ...string) *serverProcess {
	t.Helper()
	bin, err := buildPerdiem()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, append([]string{"serve", "--db", dsn, "--addr", "127.0.0.1:0"}, extra...)...)
	pr, pw := io.Pipe()
	p := &serverProcess{cmd: cmd, done: make(chan struct{})}
	cmd.Stderr = pw
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			p.mu.Lock()
			p.stderr.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
		}
	}()
	go func() {
		cmd.Wait()
		pw.Close()
		close(p.done)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-p.done
	})
	select {
	case p.url = <-urls:
	case <-p.done:
		t.Fatalf("perdiem serve ended: %s", p.log())
	case <-time.After(60 * time.Second):
		t.Fatalf("perdiem serve did not listen: %s", p.log())
	}
	return p
}

// apiCall sends one request with a bearer token.
func apiCall(url, token, method, path string, body []byte, header ...string) (int, []byte, error) {
	req, err := http.NewRequest(method, url+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+token)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := (&http.Client{Timeout: 60 * time.Second}).Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// newAccount makes a biller account on dsn and returns its token.
func newAccount(t *testing.T, dsn, name, role string) string {
	t.Helper()
	if code, _, stderr := runCmd("a good long password\n", "admin", "create-user", "--db", dsn, "--name", name, "--role", role); code != exitOK {
		t.Fatalf("create-user: %s", stderr)
	}
	code, stdout, stderr := runCmd("", "admin", "create-token", "--db", dsn, "--user", name)
	if code != exitOK {
		t.Fatalf("create-token: %s", stderr)
	}
	return strings.TrimSpace(stdout)
}

// TestServeGracefulShutdown: SIGTERM lets the server finish and exit.
func TestServeGracefulShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server")
	}
	dsn := filepath.Join(t.TempDir(), "perdiem.db")
	token := newAccount(t, dsn, "ann", "biller")
	p := startServer(t, dsn)
	if code, _, err := apiCall(p.url, token, "GET", "/v1/me", nil); err != nil || code != 200 {
		t.Fatalf("GET /v1/me: %d %v", code, err)
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		t.Fatal("still running 20 s after SIGTERM")
	}
	if _, _, err := apiCall(p.url, token, "GET", "/v1/me", nil); err == nil {
		t.Error("still answering after SIGTERM")
	}
	if !strings.Contains(p.log(), `route="GET /v1/me" status=200`) {
		t.Errorf("log: %s", p.log())
	}
}
