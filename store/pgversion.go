package store

import (
	"context"
	"database/sql"

	"github.com/perdiem/perdiem/errs"
)

// minPostgres is the oldest PostgreSQL the store runs on, as
// server_version_num: 12. The schema takes the audit chain with
// WITH … AS MATERIALIZED (audit.go), a keyword PostgreSQL 12 added; River's
// migrations add an enum value inside a transaction (ALTER TYPE … ADD VALUE,
// allowed in a transaction block from 12) and its reindexer runs REINDEX
// INDEX CONCURRENTLY (12). FOR UPDATE SKIP LOCKED, ON CONFLICT and
// advisory locks are older (9.5).
const minPostgres = 120000

// checkPostgresVersion refuses a server older than minPostgres, naming
// the version found and the one needed, before anything is written.
func checkPostgresVersion(ctx context.Context, conn *sql.Conn) error {
	var num int
	var version string
	if err := conn.QueryRowContext(ctx, `SELECT current_setting('server_version_num')::integer, current_setting('server_version')`).Scan(&num, &version); err != nil {
		return internal("server version", err)
	}
	return postgresVersionOK(num, version)
}

func postgresVersionOK(num int, version string) error {
	if num < minPostgres {
		return errs.Errorf(errs.Invalid, "store: the database is PostgreSQL %s (server_version_num %d); perdiem needs PostgreSQL %d or newer", version, num, minPostgres/10000)
	}
	return nil
}
