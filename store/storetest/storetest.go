// Package storetest gives tests a fresh, empty database for package store:
// an SQLite file in the test's temporary folder, and a PostgreSQL schema of
// its own when PERDIEM_TEST_POSTGRES names a reachable server. Each runs a
// test on both, so the store and the server are checked on the two
// databases alike.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// Env is the environment variable that names the PostgreSQL server for
// tests, as a postgres:// URL of a role that may create schemas.
const Env = "PERDIEM_TEST_POSTGRES"

// SQLite returns the DSN of a new SQLite file in t's temporary folder.
func SQLite(t testing.TB) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "perdiem.db")
}

// Postgres returns the DSN of a new, empty schema on the server that Env
// names, dropped when t ends; it skips t when Env is unset or the server
// cannot be reached.
func Postgres(t testing.TB) string {
	t.Helper()
	base := lookupEnv()
	if base == "" {
		t.Skip("PostgreSQL not available: set " + Env + " to a postgres:// URL to run this test on PostgreSQL too (.ci/run does)")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("%s: %v", Env, err)
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		t.Skipf("PostgreSQL not available: %s is set but the server does not answer (%v)", Env, err)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "perdiem_test_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", Env, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Each runs fn as a subtest on each database: "sqlite" always, "postgres"
// when one is available (skipped, saying so, when not).
func Each(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

func lookupEnv() string {
	return strings.TrimSpace(os.Getenv(Env))
}
