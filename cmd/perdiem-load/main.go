// Command perdiem-load measures the server under a steady load on
// loopback: POST /v1/code, or claim creation (POST
// /v1/episodes/{id}/claims), at a fixed rate for a fixed time, and prints
// the latency percentiles and the rate achieved.
//
//	perdiem-load [--target code|claims] [--rate 500] [--duration 10s] [--warmup 3s] [--db DSN [--db-conns 20]] [--timeline FILE] [--cpuprofile FILE]
//	perdiem-load --url http://127.0.0.1:8080 --token pdt_… [--target …]
//
// Without --url it serves the API itself, in this process, on a fresh
// database (an SQLite file in a temporary folder, or --db, a postgres://
// URL of an empty database, with --db-conns connections as perdiem serve
// --db-conns), with a biller account of its own. Requests
// are sent on a fixed schedule (open loop): a slow answer does not delay
// the next request, and each latency is counted from the time its request
// was due, so a server that falls behind shows it in the percentiles.
//
// It also prints the CPU time this process used while sending (the server
// and the client together when it serves in-process), and --cpuprofile
// writes a Go CPU profile of that time, for go tool pprof.
//
// The run starts with a warm-up (--warmup, 3 s by default), sent at the
// same rate and reported on a line of its own but left out of the
// percentiles, the rate and the CPU time: they describe the server once
// its connections are open and its code is warm, and the warm-up line
// shows what the first seconds cost. Then each second of the run gets a
// line of its own (requests answered, p50, p99, max), so a tail that
// comes from a few bad seconds is told from one spread over the run;
// --timeline FILE writes every request (its due time from the start of
// the run, warm-up included, its latency and status) as CSV.
package main

import (
	"bufio"
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
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/perdiem/perdiem/auth"
	"github.com/perdiem/perdiem/internal/cputime"
	"github.com/perdiem/perdiem/server"
	"github.com/perdiem/perdiem/store"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type config struct {
	url, token, target, dsn string
	cpuprofile, timeline    string
	rate, conns             int
	duration, warmup        time.Duration
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
	fs.IntVar(&c.conns, "db-conns", store.DefaultConns, "PostgreSQL connections of the server served in this process")
	fs.IntVar(&c.rate, "rate", 500, "requests a second")
	fs.DurationVar(&c.duration, "duration", 10*time.Second, "how long to send, at most 10m")
	fs.DurationVar(&c.warmup, "warmup", 3*time.Second, "how long to send before the measured run, at the same rate (0: none)")
	fs.StringVar(&c.timeline, "timeline", "", "write each request's due time, latency and status to this CSV file")
	fs.IntVar(&c.concurrency, "concurrency", 256, "most requests under way at once")
	fs.StringVar(&c.cpuprofile, "cpuprofile", "", "write a CPU profile of the run to this file")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	switch {
	case c.target != "code" && c.target != "claims":
		fmt.Fprintf(stderr, "perdiem-load: --target %q: want code or claims\n", c.target)
		return 2
	case c.conns < 2:
		fmt.Fprintln(stderr, "perdiem-load: --db-conns: want at least 2")
		return 2
	case c.rate < 1 || c.rate > 100000:
		fmt.Fprintln(stderr, "perdiem-load: --rate: want 1..100000")
		return 2
	case c.duration <= 0 || c.duration > 10*time.Minute:
		fmt.Fprintln(stderr, "perdiem-load: --duration: want more than 0 and at most 10m")
		return 2
	case c.warmup < 0 || c.warmup > time.Minute:
		fmt.Fprintln(stderr, "perdiem-load: --warmup: want 0 to 1m")
		return 2
	case c.url != "" && c.token == "":
		fmt.Fprintln(stderr, "perdiem-load: --url needs --token")
		return 2
	case c.url != "" && !isLoopback(c.url):
		fmt.Fprintln(stderr, "perdiem-load: --url: only a server on this machine (loopback) may be loaded")
		return 2
	}
	if c.url == "" {
		// As perdiem serve does.
		server.TuneGC()
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
	if err := db.SetConns(c.conns); err != nil {
		db.Close()
		cleanup()
		return nil, err
	}
	if err := db.Warm(ctx); err != nil {
		db.Close()
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

// result is what became of one request of the schedule.
type result struct {
	due     time.Duration // from the start of the run, warm-up included
	took    time.Duration // from due to the end of the answer
	status  int           // 0: no answer (failure) or not sent
	sent    bool
	failure string
}

// phase is what part of a run (the warm-up, or the measured run, or one
// of its seconds) measured.
type phase struct {
	sent, ok, skipped int
	statuses          map[int]int
	failures          map[string]int
	latencies         []time.Duration // of the answers 2xx, sorted
}

func newPhase(rs []result) *phase {
	p := &phase{statuses: map[int]int{}, failures: map[string]int{}}
	for _, r := range rs {
		switch {
		case !r.sent:
			p.skipped++
			continue
		case r.failure != "":
			p.failures[r.failure]++
		default:
			p.statuses[r.status]++
		}
		p.sent++
		if r.status/100 == 2 {
			p.ok++
			p.latencies = append(p.latencies, r.took)
		}
	}
	slices.Sort(p.latencies)
	return p
}

func (p *phase) pct(q float64) time.Duration {
	if len(p.latencies) == 0 {
		return 0
	}
	i := int(q*float64(len(p.latencies))+0.5) - 1
	return p.latencies[max(0, min(i, len(p.latencies)-1))]
}

func (p *phase) max() time.Duration {
	if len(p.latencies) == 0 {
		return 0
	}
	return p.latencies[len(p.latencies)-1]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

// report is what a run measured.
type report struct {
	warm, run *phase
	seconds   []*phase // of the measured run
	elapsed   time.Duration
	cpu       time.Duration // user and system time of this process in the measured run; 0 where unknown
}

func (r *report) print(w io.Writer, c config) {
	fmt.Fprintf(w, "target %s at %d req/s for %s (after a warm-up of %s) against %s\n", c.target, c.rate, c.duration, c.warmup, c.url)
	if r.warm.sent+r.warm.skipped > 0 {
		fmt.Fprintf(w, "warm-up: sent %d, ok %d", r.warm.sent, r.warm.ok)
		if len(r.warm.latencies) > 0 {
			fmt.Fprintf(w, ", p50 %s, p99 %s, max %s", ms(r.warm.pct(0.50)), ms(r.warm.pct(0.99)), ms(r.warm.max()))
		}
		if r.warm.skipped > 0 {
			fmt.Fprintf(w, ", %d not sent", r.warm.skipped)
		}
		fmt.Fprintln(w)
	}
	p := r.run
	fmt.Fprintf(w, "sent %d, ok %d, %.1f ok req/s", p.sent, p.ok, float64(p.ok)/r.elapsed.Seconds())
	if p.skipped > 0 {
		fmt.Fprintf(w, ", %d not sent (%d already under way)", p.skipped, c.concurrency)
	}
	fmt.Fprintln(w)
	if len(p.latencies) > 0 {
		fmt.Fprintf(w, "latency p50 %s, p90 %s, p99 %s, max %s\n", ms(p.pct(0.50)), ms(p.pct(0.90)), ms(p.pct(0.99)), ms(p.max()))
	}
	if r.cpu > 0 && p.ok > 0 {
		fmt.Fprintf(w, "cpu of this process %.2f s, %.2f s per 1000 ok requests\n", r.cpu.Seconds(), r.cpu.Seconds()*1000/float64(p.ok))
	}
	for s, n := range p.statuses {
		if s/100 != 2 {
			fmt.Fprintf(w, "status %d: %d\n", s, n)
		}
	}
	for e, n := range p.failures {
		fmt.Fprintf(w, "failed: %s: %d\n", e, n)
	}
	fmt.Fprintln(w, "second    ok     p50 ms   p99 ms   max ms")
	for i, s := range r.seconds {
		fmt.Fprintf(w, "%6d %5d %9.2f %8.2f %8.2f", i+1, s.ok, msf(s.pct(0.50)), msf(s.pct(0.99)), msf(s.max()))
		if bad := s.sent - s.ok + s.skipped; bad > 0 {
			fmt.Fprintf(w, "  (%d failed or not sent)", bad)
		}
		fmt.Fprintln(w)
	}
}

func msf(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// writeTimeline writes each request as a CSV line: due_ms (from the start
// of the run, warm-up included), latency_ms (empty when it got no
// answer), status (0 when it got none), phase (warmup or run), and why it
// failed or was not sent.
func writeTimeline(name string, rs []result, warm time.Duration) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "due_ms,latency_ms,status,phase,failure")
	for _, r := range rs {
		ph := "run"
		if r.due < warm {
			ph = "warmup"
		}
		lat := ""
		if r.status != 0 {
			lat = strconv.FormatFloat(float64(r.took.Microseconds())/1000, 'f', 3, 64)
		}
		why := r.failure
		if !r.sent {
			why = "not sent"
		}
		fmt.Fprintf(w, "%.3f,%s,%d,%s,%s\n", float64(r.due.Microseconds())/1000, lat, r.status, ph, why)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
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

// load sends the requests of c on schedule, the warm-up's first, and
// waits for every answer.
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
	target, err := url.Parse(c.url + path)
	if err != nil {
		return nil, err
	}
	// Every request sends the same headers; the client only reads them.
	header := http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer " + c.token}}
	interval := time.Second / time.Duration(c.rate)
	nWarm := int(c.warmup / interval)
	n := nWarm + int(c.duration/interval)
	results := make([]result, n)
	var prof *os.File
	if c.cpuprofile != "" {
		f, err := os.Create(c.cpuprofile)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		prof = f
	}
	// The measured run's CPU time and profile start when its first
	// request is due.
	var cpu0 time.Duration
	startRun := func() error {
		cpu0 = cputime.Process()
		if prof == nil {
			return nil
		}
		return pprof.StartCPUProfile(prof)
	}
	var wg sync.WaitGroup
	slots := make(chan struct{}, c.concurrency)
	start := time.Now()
	for i := range n {
		offset := time.Duration(i) * interval
		if i == nWarm {
			if err := startRun(); err != nil {
				return nil, err
			}
		}
		due := start.Add(offset)
		time.Sleep(time.Until(due))
		results[i].due = offset
		select {
		case slots <- struct{}{}:
		default:
			continue
		}
		results[i].sent = true
		wg.Add(1)
		go func(r *result) {
			defer wg.Done()
			defer func() { <-slots }()
			status, err := send(client, target, header, body)
			r.took = time.Since(due)
			if err != nil {
				r.failure = err.Error()
				return
			}
			r.status = status
		}(&results[i])
	}
	wg.Wait()
	rep := &report{elapsed: time.Since(start) - time.Duration(nWarm)*interval}
	if nWarm == n {
		if err := startRun(); err != nil {
			return nil, err
		}
	}
	rep.cpu = cputime.Process() - cpu0
	if prof != nil {
		pprof.StopCPUProfile()
	}
	rep.warm = newPhase(results[:nWarm])
	rep.run = newPhase(results[nWarm:])
	perSecond := int(time.Second / interval)
	for first := nWarm; first < n; first += perSecond {
		rep.seconds = append(rep.seconds, newPhase(results[first:min(n, first+perSecond)]))
	}
	if c.timeline != "" {
		if err := writeTimeline(c.timeline, results, time.Duration(nWarm)*interval); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

// send posts body to target, the request made without parsing the URL or
// setting the headers again.
func send(client *http.Client, target *url.URL, header http.Header, body []byte) (int, error) {
	req := &http.Request{Method: "POST", URL: target, Host: target.Host, Header: header, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body))}
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
