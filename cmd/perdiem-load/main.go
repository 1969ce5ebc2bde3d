// Command perdiem-load measures the server under a steady load on
// loopback: POST /v1/code, or claim creation (POST
// /v1/episodes/{id}/claims), at a fixed rate for a fixed time, and prints
// the latency percentiles and the rate achieved.
//
//	perdiem-load [--target code|claims] [--rate 500] [--duration 10s] [--db DSN] [--cpuprofile FILE]
//	perdiem-load --url http://127.0.0.1:8080 --token pdt_… [--target …]
//
// Without --url it serves the API itself, in this process, on a fresh
// database (an SQLite file in a temporary folder, or --db, a postgres://
// URL of an empty database), with a biller account of its own. Requests
// are sent on a fixed schedule (open loop): a slow answer does not delay
// the next request, and each latency is counted from the time its request
// was due, so a server that falls behind shows it in the percentiles.
//
// It also prints the CPU time this process used while sending (the server
// and the client together when it serves in-process), and --cpuprofile
// writes a Go CPU profile of that time, for go tool pprof.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/perdiem/perdiem/auth"
	"github.com/perdiem/perdiem/server"
	"github.com/perdiem/perdiem/store"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type config struct {
	url, token, target, dsn string
	cpuprofile              string
	rate                    int
	duration                time.Duration
	concurrency             int
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("perdiem-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	fs.StringVar(&c.url, "url", "", "server to load (default: one served in this process)")
	fs.StringVar(&c.token, "token", "", "bearer token of a biller, with --url")
	fs.StringVar(&c.target, "target", "code", "code or claims")
	fs.StringVar(&c.dsn, "db", "", "database of the server served in this process (default: a temporary SQLite file)")
	fs.IntVar(&c.rate, "rate", 500, "requests a second")
	fs.DurationVar(&c.duration, "duration", 10*time.Second, "how long to send, at most 10m")
	fs.IntVar(&c.concurrency, "concurrency", 256, "most requests under way at once")
	fs.StringVar(&c.cpuprofile, "cpuprofile", "", "write a CPU profile of the run to this file")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	switch {
	case c.target != "code" && c.target != "claims":
		fmt.Fprintf(stderr, "perdiem-load: --target %q: want code or claims\n", c.target)
		return 2
	case c.rate < 1 || c.rate > 100000:
		fmt.Fprintln(stderr, "perdiem-load: --rate: want 1..100000")
		return 2
	case c.duration <= 0 || c.duration > 10*time.Minute:
		fmt.Fprintln(stderr, "perdiem-load: --duration: want more than 0 and at most 10m")
		return 2
	case c.url != "" && c.token == "":
		fmt.Fprintln(stderr, "perdiem-load: --url needs --token")
		return 2
	case c.url != "" && !isLoopback(c.url):
		fmt.Fprintln(stderr, "perdiem-load: --url: only a server on this machine (loopback) may be loaded")
		return 2
	}
	if c.url == "" {
		stop, err := serveHere(&c)
		if err != nil {
			fmt.Fprintf(stderr, "perdiem-load: %v\n", err)
			return 1
		}
		defer stop()
	}
	rep, err := load(c)
	if err != nil {
		fmt.Fprintf(stderr, "perdiem-load: %v\n", err)
		return 1
	}
	rep.print(stdout, c)
	return 0
}

// isLoopback says whether u names this machine.
func isLoopback(u string) bool {
	rest, ok := strings.CutPrefix(u, "http://")
	if !ok {
		rest, ok = strings.CutPrefix(u, "https://")
	}
	if !ok {
		return false
	}
	host, _, _ := strings.Cut(rest, "/")
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// serveHere serves the API on a loopback port of this process, on a fresh
// database, with a biller account whose token c gets.
func serveHere(c *config) (stop func(), err error) {
	ctx := context.Background()
	dir := ""
	if c.dsn == "" {
		if dir, err = os.MkdirTemp("", "perdiem-load-"); err != nil {
			return nil, err
		}
		c.dsn = filepath.Join(dir, "perdiem.db")
	}
	cleanup := func() {
		if dir != "" {
			os.RemoveAll(dir)
		}
	}
	db, err := store.Open(ctx, c.dsn)
	if err != nil {
		cleanup()
		return nil, err
	}
	secret, hash := auth.NewSecret(auth.TokenPrefix)
	pw, err := auth.HashPassword(secret)
	if err == nil {
		err = db.Do(ctx, store.System, func(tx *store.Tx) error {
			u, err := tx.CreateUser("load-"+secret[4:12], "biller", pw)
			if err != nil {
				return err
			}
			return tx.CreateToken(u.ID, "load", hash)
		})
	}
	if err != nil {
		db.Close()
		cleanup()
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		db.Close()
		cleanup()
		return nil, err
	}
	srv := &http.Server{Handler: server.New(server.Options{DB: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})}
	go srv.Serve(ln)
	c.url, c.token = "http://"+ln.Addr().String(), secret
	return func() {
		srv.Close()
		db.Close()
		cleanup()
	}, nil
}

// report is what a run measured.
type report struct {
	sent, ok, skipped int
	statuses          map[int]int
	failures          map[string]int
	latencies         []time.Duration // of the answers 2xx
	elapsed           time.Duration
	cpu               time.Duration // user and system time of this process; 0 where unknown
}

func (r *report) print(w io.Writer, c config) {
	slices.Sort(r.latencies)
	pct := func(p float64) time.Duration {
		if len(r.latencies) == 0 {
			return 0
		}
		i := int(p*float64(len(r.latencies))+0.5) - 1
		return r.latencies[max(0, min(i, len(r.latencies)-1))]
	}
	ms := func(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }
	fmt.Fprintf(w, "target %s at %d req/s for %s against %s\n", c.target, c.rate, c.duration, c.url)
	fmt.Fprintf(w, "sent %d, ok %d, %.1f ok req/s", r.sent, r.ok, float64(r.ok)/r.elapsed.Seconds())
	if r.skipped > 0 {
		fmt.Fprintf(w, ", %d not sent (%d already under way)", r.skipped, c.concurrency)
	}
	fmt.Fprintln(w)
	if len(r.latencies) > 0 {
		fmt.Fprintf(w, "latency p50 %s, p90 %s, p99 %s, max %s\n", ms(pct(0.50)), ms(pct(0.90)), ms(pct(0.99)), ms(r.latencies[len(r.latencies)-1]))
	}
	if r.cpu > 0 && r.ok > 0 {
		fmt.Fprintf(w, "cpu of this process %.2f s, %.2f s per 1000 ok requests\n", r.cpu.Seconds(), r.cpu.Seconds()*1000/float64(r.ok))
	}
	for s, n := range r.statuses {
		if s/100 != 2 {
			fmt.Fprintf(w, "status %d: %d\n", s, n)
		}
	}
	for e, n := range r.failures {
		fmt.Fprintf(w, "failed: %s: %d\n", e, n)
	}
}

// episodeDocument is the document loaded: the repository's example.
const episodeDocument = `{"profile":"nhia","period":{"from":"2026-03-01","to":"2026-03-31"},
"therapies":[{"id":"abx","type":"anti-infective","start":"2026-03-02","end":"2026-03-15","every_hours":8,"description":"IV CEFAZOLIN 1 G Q8H VIA PICC"}],
"visits":[{"date":"2026-03-02","minutes":150,"nurse":"rn","specialty":true,"therapy":"abx"},{"date":"2026-03-09","minutes":75,"nurse":"rn","therapy":"abx"}],
"drugs":[{"therapy":"abx","hcpcs":"J0690","ndc":"0409-0805-01","from":"2026-03-02","to":"2026-03-15","dose":1,"dose_unit":"g","doses":42,"ndc_quantity":42,"ndc_unit":"UN"}],
"supplies":[{"hcpcs":"E0781","date":"2026-03-02","units":1},{"hcpcs":"S5520","date":"2026-03-02","units":1}],
"claim":{"id":"HIT20260301A","billing_provider":{"name":"ACME HOME INFUSION","npi":"1234567893","tax_id":"361234567","taxonomy":"3336H0001X",
"address":{"line1":"100 MAIN STREET","city":"SPRINGFIELD","state":"IL","zip":"627010000"},"contact":{"name":"BILLING OFFICE","phone":"5555551234"}},
"subscriber":{"member_id":"MBR123456789","last":"DOE","first":"JANE","dob":"1960-01-01","sex":"F","relationship":"self",
"address":{"line1":"200 OAK AVENUE","city":"SPRINGFIELD","state":"IL","zip":"62702"}},
"payer":{"name":"EXAMPLE HEALTH PLAN","id":"PAYER01","filing":"CI"},"diagnoses":["M86.10","Z45.2"],
"charges":{"S9502":180.0,"99601":300.0,"J0690":4.25,"S5520":450.0},"interchange":{"sender":"HITSUBMIT","receiver":"PAYERRCVR","usage":"T"}}}`

// load sends the requests of c on schedule and waits for every answer.
func load(c config) (*report, error) {
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: c.concurrency, MaxConnsPerHost: c.concurrency}}
	path, body := "/v1/code", []byte(episodeDocument)
	if c.target == "claims" {
		id, err := setUpEpisode(client, c)
		if err != nil {
			return nil, err
		}
		path, body = "/v1/episodes/"+id+"/claims", []byte(`{"from":"2026-03-01","to":"2026-03-31"}`)
	}
	rep := &report{statuses: map[int]int{}, failures: map[string]int{}}
	if c.cpuprofile != "" {
		f, err := os.Create(c.cpuprofile)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, err
		}
		defer pprof.StopCPUProfile()
	}
	cpu0 := cpuTime()
	var mu sync.Mutex
	var wg sync.WaitGroup
	slots := make(chan struct{}, c.concurrency)
	interval := time.Second / time.Duration(c.rate)
	n := int(c.duration / interval)
	start := time.Now()
	for i := range n {
		due := start.Add(time.Duration(i) * interval)
		time.Sleep(time.Until(due))
		select {
		case slots <- struct{}{}:
		default:
			rep.skipped++
			continue
		}
		rep.sent++
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			status, err := send(client, c, path, body)
			took := time.Since(due)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				rep.failures[err.Error()]++
				return
			}
			rep.statuses[status]++
			if status/100 == 2 {
				rep.ok++
				rep.latencies = append(rep.latencies, took)
			}
		}()
	}
	wg.Wait()
	rep.elapsed = time.Since(start)
	rep.cpu = cpuTime() - cpu0
	return rep, nil
}

func send(client *http.Client, c config, path string, body []byte) (int, error) {
	req, err := http.NewRequest("POST", c.url+path, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := client.Do(req)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return 0, errors.New("timeout")
		}
		return 0, errors.New("connection failed")
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// setUpEpisode makes the patient and episode whose claims are loaded.
func setUpEpisode(client *http.Client, c config) (string, error) {
	var p struct{ ID string }
	if err := post(client, c, "/v1/patients", `{"name":"DOE, JANE","birth_date":"1960-01-01","member_id":"MBR123456789"}`, &p); err != nil {
		return "", err
	}
	var e struct{ ID string }
	if err := post(client, c, "/v1/episodes?patient_id="+p.ID, episodeDocument, &e); err != nil {
		return "", err
	}
	return e.ID, nil
}

func post(client *http.Client, c config, path, body string, v any) error {
	req, err := http.NewRequest("POST", c.url+path, strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("POST %s: %d %.200s", strings.SplitN(path, "?", 2)[0], resp.StatusCode, b)
	}
	return json.Unmarshal(b, v)
}
