package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/riverqueue/river"

	"github.com/perdiem/perdiem/server"
	"github.com/perdiem/perdiem/server/demo"
	"github.com/perdiem/perdiem/site"
	"github.com/perdiem/perdiem/store"
)

func init() {
	register(command{
		name:  "serve",
		usage: "serve [--db DB] [--db-conns N] [--auth-cache D] [--addr HOST:PORT] [--tls-cert F --tls-key F] [--asp DIR] [--demo]",
		summary: `Run the billing workspace's server: its pages at / and the HTTP API under /v1.

Opens the database (creating it and bringing its schema up to date) and
serves the pages (sign in at /login) and the API (docs/api.md; its OpenAPI
document is at /v1/openapi.json) to the accounts made with 'perdiem admin'. Each request is
logged on standard error with its method, route pattern, status, duration
and request id, never its body or the ids in its path. SIGINT or SIGTERM
stops taking new requests and lets those under way finish (at most 10
seconds). Before it listens it readies the database for the first
requests (on PostgreSQL: all its connections open, the requests'
statements prepared on each; docs/storage.md). Go's garbage collector runs at GOGC=400 unless
the environment sets GOGC.

  --db DB            an SQLite file (default perdiem.db, created with mode 0600)
                     or a postgres:// URL (PostgreSQL 12 or newer); several
                     servers may share one PostgreSQL database
  --db-conns N       PostgreSQL: the most connections this server holds, all
                     opened at start (default 8; River's listener takes 2
                     more); the servers sharing a database must fit in its
                     max_connections. More than about twice the database
                     server's processors only add waiting
  --auth-cache D     how long a bearer token's or a session's look-up is
                     remembered, so a client's requests do not each ask the
                     database (default 1s; 0 asks on every request). What
                     this server does (signing out, revoking a token,
                     disabling a user, changing a role) takes effect at
                     once, and a session ends on time; the same done by
                     another server on the database or by 'perdiem admin'
                     takes effect within D
  --addr HOST:PORT   where to listen (default 127.0.0.1:8080)
  --tls-cert F       TLS certificate (PEM); with --tls-key, serve HTTPS only,
  --tls-key F        with Secure cookies and Strict-Transport-Security
  --asp DIR          the CMS ASP quarters imported by perdiem import asp, as
                     perdiem price and perdiem scrub read them: the payers'
                     contracts price the asp and asp-limit drug bases by
                     their payment limits, and the server's scrub (POST
                     /v1/claims/{id}/scrub, and the check before a claim is
                     made ready) judges drug units in items or millilitres
                     by their NDC crosswalk (SC-13); default
                     $XDG_DATA_HOME/perdiem/asp. The quarters are read at
                     start; without any, those lines are unpriced and not
                     judged
  --demo             first fill the database with a made-up pharmacy to look
                     around in: 3 payers with contracts, 12 patients, 16
                     episodes (hospital stays, concurrent therapies, nursing,
                     drugs; one in three versions), a billing run, and their
                     claims in every state, from draft through 999 and 277CA
                     to paid, partly paid, underpaid and denied, reconciled
                     against the contracts; then print the address and three accounts
                     (demo-admin, demo-biller, demo-auditor) with new random
                     passwords. On a database that has the demo already it
                     adds nothing and only gives the three accounts new
                     passwords, printed the same way.`,
		run: runServe,
	})
}

// shutdownGrace is how long a stopping server waits for the requests
// under way.
const shutdownGrace = 10 * time.Second

func runServe(e *env, args []string) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	setUsage(fs)
	dsn := fs.String("db", "perdiem.db", "database")
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	cert := fs.String("tls-cert", "", "TLS certificate file")
	key := fs.String("tls-key", "", "TLS key file")
	withDemo := fs.Bool("demo", false, "seed a demo pharmacy and print its accounts")
	aspDir := fs.String("asp", "", "folder of imported ASP quarters")
	conns := fs.Int("db-conns", store.DefaultConns, "most PostgreSQL connections")
	authCache := fs.Duration("auth-cache", server.DefaultAuthCache, "how long a credential's look-up is remembered")
	if err := fs.Parse(args); err != nil {
		return exitInput
	}
	if *conns < 2 {
		fmt.Fprintf(e.stderr, "perdiem serve: --db-conns %d: want at least 2\n", *conns)
		return exitInput
	}
	if *authCache < 0 {
		fmt.Fprintf(e.stderr, "perdiem serve: --auth-cache %v: want 0 or more\n", *authCache)
		return exitInput
	}
	if *authCache == 0 {
		*authCache = -1 // server.Options: remember nothing
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "perdiem serve: unexpected argument %q\n", fs.Arg(0))
		return exitInput
	}
	if (*cert == "") != (*key == "") {
		fmt.Fprintln(e.stderr, "perdiem serve: give --tls-cert and --tls-key together")
		return exitInput
	}
	tls := *cert != ""
	server.TuneGC()
	logger := slog.New(slog.NewTextHandler(e.stderr, nil))
	aspFrom, quarters, err := aspTables(*aspDir)
	if err != nil {
		if *aspDir != "" {
			fmt.Fprintf(e.stderr, "perdiem serve: %v\n", err)
			return exitInput
		}
		quarters = nil // no default folder (no home folder): no quarters
	}
	if len(quarters) > 0 {
		logger.Info("ASP quarters", "folder", aspFrom, "quarters", len(quarters),
			"from", quarters[0].From.String(), "through", quarters[len(quarters)-1].Through.String())
	}
	db, err := store.Open(context.Background(), *dsn)
	if err != nil {
		fmt.Fprintf(e.stderr, "perdiem serve: %v\n", err)
		return exitFor(err)
	}
	defer db.Close()
	if err := db.SetConns(*conns); err != nil {
		fmt.Fprintf(e.stderr, "perdiem serve: %v\n", err)
		return exitInput
	}
	// Open the connections and prepare the statements of the requests
	// now, not in the first requests' time.
	if err := db.Warm(context.Background()); err != nil {
		fmt.Fprintf(e.stderr, "perdiem serve: %v\n", err)
		return exitFindings
	}
	var seeded *demo.Result
	if *withDemo {
		res, err := demo.Seed(context.Background(), db)
		if err != nil {
			fmt.Fprintf(e.stderr, "perdiem serve: %v\n", err)
			return exitFindings
		}
		seeded = &res
	}
	handler := site.New(db, server.Options{TLS: tls, Logger: logger, ASP: quarters, AuthCache: *authCache})
	// Every server works jobs (billing runs): on one PostgreSQL database
	// the processes share them, and one that dies leaves its job to another.
	workers := river.NewWorkers()
	handler.Workers(workers)
	jobs, err := db.NewJobClient(context.Background(), &river.Config{
		Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 2}}, Workers: workers,
		RescueStuckJobsAfter: 5 * time.Minute,
	})
	if err == nil {
		err = jobs.Start(context.Background())
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "perdiem serve: jobs: %v\n", err)
		return exitFindings
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(e.stderr, "perdiem serve: %v\n", err)
		return exitInput
	}
	// The signal handler of main runs this before the process ends: stop
	// listening and finish the requests under way.
	done := make(chan struct{})
	stop := onInterrupt(func() {
		ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		srv.Shutdown(ctx)
		jobs.Stop(ctx)
		db.Close()
		close(done)
	})
	scheme := "http"
	if tls {
		scheme = "https"
	}
	fmt.Fprintf(e.stderr, "perdiem serve: listening on %s://%s\n", scheme, ln.Addr())
	if seeded != nil {
		printDemo(e, seeded, fmt.Sprintf("%s://%s", scheme, ln.Addr()))
	}
	if tls {
		err = srv.ServeTLS(ln, *cert, *key)
	} else {
		err = srv.Serve(ln)
	}
	if errors.Is(err, http.ErrServerClosed) {
		<-done // shut down by a signal, whose handler holds on to stop
		return exitOK
	}
	stop()
	fmt.Fprintf(e.stderr, "perdiem serve: %v\n", err)
	return exitFindings
}

// printDemo says how to sign in to the demo: the address and the demo
// accounts with their passwords, shown this once. Nothing of the patients.
func printDemo(e *env, res *demo.Result, base string) {
	if res.Seeded {
		fmt.Fprintf(e.stderr, "perdiem serve: demo pharmacy added: %d patients, %d episodes, %d claims\n", res.Patients, res.Episodes, res.Claims)
	} else {
		fmt.Fprintln(e.stderr, "perdiem serve: the demo pharmacy is already there; its accounts have new passwords")
	}
	fmt.Fprintf(e.stderr, "perdiem serve: sign in at %s/login as\n", base)
	for _, a := range res.Accounts {
		fmt.Fprintf(e.stderr, "    %-13s %-10s password %s\n", a.Name, "("+string(a.Role)+")", a.Password)
	}
	if res.Showcase != "" {
		fmt.Fprintf(e.stderr, "perdiem serve: a calendar to start with: %s/episodes/%s/calendar\n", base, res.Showcase)
	}
	fmt.Fprintln(e.stderr, "perdiem serve: these passwords are shown only now; perdiem serve --demo again gives new ones")
}
