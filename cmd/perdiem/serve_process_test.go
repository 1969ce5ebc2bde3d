package main

import (
	"bufio"
	"bytes"
	"encoding/json"
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
	args := []string{"serve", "--db", dsn, "--addr", "127.0.0.1:0"}
	if strings.HasPrefix(dsn, "postgres") {
		// Few connections: other packages' tests share the server.
		args = append(args, "--db-conns", "6")
	}
	cmd := exec.Command(bin, append(args, extra...)...)
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

// kill ends the server with SIGKILL: no shutdown, no flushing.
func (p *serverProcess) kill() {
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

func idOf(t *testing.T, b []byte) string {
	t.Helper()
	var v struct{ ID string }
	if err := json.Unmarshal(b, &v); err != nil || v.ID == "" {
		t.Fatalf("no id in %.300s", b)
	}
	return v.ID
}

// TestServeCrashLosesNoAcknowledgedWrite: a burst of claims and
// interchanges, the server killed with SIGKILL in the middle of it, and
// restarted. Every write it acknowledged is there, and nothing is half
// written: every claim has its lines, every interchange its claims and
// bytes, every submitted claim its interchange, and the audit chain is
// whole.
func TestServeCrashLosesNoAcknowledgedWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server")
	}
	dsn := filepath.Join(t.TempDir(), "perdiem.db")
	token := newAccount(t, dsn, "ann", "biller")
	p := startServer(t, dsn)
	doc, err := os.ReadFile("../../examples/episode.json")
	if err != nil {
		t.Fatal(err)
	}
	code, b, err := apiCall(p.url, token, "POST", "/v1/patients", []byte(`{"name":"DOE, JANE","birth_date":"1960-01-01","member_id":"M1"}`))
	if err != nil || code != 201 {
		t.Fatalf("patient: %d %v %s", code, err, b)
	}
	patient := idOf(t, b)
	code, b, err = apiCall(p.url, token, "POST", "/v1/episodes?patient_id="+patient, doc)
	if err != nil || code != 201 {
		t.Fatalf("episode: %d %v %s", code, err, b)
	}
	episode := idOf(t, b)
	var mu sync.Mutex
	var claims, interchanges []string
	acked := make(chan struct{}, 1000)
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				code, b, err := apiCall(p.url, token, "POST", "/v1/episodes/"+episode+"/claims", []byte(`{"from":"2026-03-01","to":"2026-03-31"}`))
				if err != nil {
					return // the server is gone
				}
				if code != 201 {
					t.Errorf("claim: %d %s", code, b)
					return
				}
				var c struct{ ID string }
				json.Unmarshal(b, &c)
				mu.Lock()
				claims = append(claims, c.ID)
				mu.Unlock()
				acked <- struct{}{}
				if i%2 == 1 {
					continue
				}
				code, b, err = apiCall(p.url, token, "POST", "/v1/interchanges", []byte(`{"claims":["`+c.ID+`"]}`), "Idempotency-Key", fmt.Sprintf("w%d-%d", w, i))
				if err != nil {
					return
				}
				if code != 201 {
					t.Errorf("interchange: %d %s", code, b)
					return
				}
				mu.Lock()
				interchanges = append(interchanges, idOf(t, b))
				mu.Unlock()
			}
		}()
	}
	for range 40 {
		<-acked
	}
	p.kill()
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	t.Logf("killed after %d acknowledged claims and %d interchanges", len(claims), len(interchanges))

	p = startServer(t, dsn)
	for _, id := range claims {
		code, b, err := apiCall(p.url, token, "GET", "/v1/claims/"+id, nil)
		var c struct {
			Claim struct{ Lines []any }
		}
		json.Unmarshal(b, &c)
		if err != nil || code != 200 || len(c.Claim.Lines) == 0 {
			t.Errorf("acknowledged claim %s after the crash: %d %v, %d lines", id, code, err, len(c.Claim.Lines))
		}
	}
	for _, id := range interchanges {
		code, b, err := apiCall(p.url, token, "GET", "/v1/interchanges/"+id+"/837", nil)
		if err != nil || code != 200 || !bytes.HasPrefix(b, []byte("ISA*")) || !bytes.Contains(b, []byte("IEA*1*")) {
			t.Errorf("acknowledged interchange %s after the crash: %d %v %.100s", id, code, err, b)
		}
	}
	// Nothing half written, acknowledged or not.
	inInterchange := map[string]bool{}
	for cursor := ""; ; {
		code, b, err := apiCall(p.url, token, "GET", "/v1/interchanges?limit=500&cursor="+cursor, nil)
		var l struct {
			Items []struct {
				ID     string
				Claims []string
			}
			Next string
		}
		if err != nil || code != 200 || json.Unmarshal(b, &l) != nil {
			t.Fatalf("interchanges: %d %v", code, err)
		}
		for _, ic := range l.Items {
			if len(ic.Claims) == 0 {
				t.Errorf("interchange %s without claims", ic.ID)
			}
			for _, c := range ic.Claims {
				inInterchange[c] = true
			}
		}
		if cursor = l.Next; cursor == "" {
			break
		}
	}
	for cursor := ""; ; {
		code, b, err := apiCall(p.url, token, "GET", "/v1/claims?limit=500&cursor="+cursor, nil)
		var l struct {
			Items []struct{ ID, Status string }
			Next  string
		}
		if err != nil || code != 200 || json.Unmarshal(b, &l) != nil {
			t.Fatalf("claims: %d %v", code, err)
		}
		for _, c := range l.Items {
			if (c.Status == "submitted") != inInterchange[c.ID] {
				t.Errorf("claim %s is %s, in an interchange: %v", c.ID, c.Status, inInterchange[c.ID])
			}
			code, b, _ := apiCall(p.url, token, "GET", "/v1/claims/"+c.ID, nil)
			var full struct {
				Claim struct{ Lines []any }
			}
			json.Unmarshal(b, &full)
			if code != 200 || len(full.Claim.Lines) == 0 {
				t.Errorf("claim %s without lines", c.ID)
			}
		}
		if cursor = l.Next; cursor == "" {
			break
		}
	}
	p.kill()
	if code, out, _ := runCmd("", "admin", "verify-audit", "--db", dsn); code != exitOK {
		t.Errorf("audit chain after the crash: %s", out)
	}
}
