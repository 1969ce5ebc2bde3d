package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river/rivermigrate"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// The schema's versions: migrations/NNNN_name.sql, applied in order, each
// once, recorded in schema_migrations. A released migration is never
// edited; a change of schema is a new file. The rare statement one
// database has and the other has not (a PostgreSQL sequence) goes in
// NNNN_name.postgres.sql or NNNN_name.sqlite.sql, a version of its own
// applied only on that database.
//
//go:embed migrations/*.sql
var migrationFS embed.FS

type migration struct {
	version int64
	name    string
	only    string // "postgres" or "sqlite": applied on that database only
	sql     string
}

func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		base := strings.TrimSuffix(e.Name(), ".sql")
		only := ""
		for _, d := range []string{"postgres", "sqlite"} {
			if b, ok := strings.CutSuffix(base, "."+d); ok {
				base, only = b, d
			}
		}
		num, name, ok := strings.Cut(base, "_")
		v, err := strconv.ParseInt(num, 10, 64)
		if !ok || err != nil || v <= 0 || strings.Contains(name, ".") {
			return nil, fmt.Errorf("store: migration file %s: want NNNN_name.sql, NNNN_name.postgres.sql or NNNN_name.sqlite.sql", e.Name())
		}
		b, err := migrationFS.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: name, only: only, sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i := 1; i < len(out); i++ {
		if out[i].version == out[i-1].version {
			return nil, fmt.Errorf("store: two migrations numbered %d", out[i].version)
		}
	}
	return out, nil
}

// migrationLock is the PostgreSQL advisory lock key that lets one process
// at a time bring the schema up to date ("perdiem" in ASCII).
const migrationLock = 0x70657264696564

// migrate applies the missing migrations in one transaction, so a failure
// leaves the schema as it was, then River's. On PostgreSQL a session
// advisory lock, held on a connection of its own from before the first
// read to after River's last version, lets one process at a time do this:
// processes starting together wait, and the later ones find the work done.
// River's PostgreSQL versions each need a transaction of their own (one
// adds an enum value the next uses). On SQLite the transaction's BEGIN
// IMMEDIATE serializes processes, and River's versions run inside it.
func (db *DB) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	migrator, err := rivermigrate.New(db.driver, &rivermigrate.Config{Logger: quietLogger()})
	if err != nil {
		return internal("migrate: jobs", err)
	}
	if db.postgres {
		conn, err := db.w.Conn(ctx)
		if err != nil {
			return internal("migrate: connect", err)
		}
		defer conn.Close()
		if err := checkPostgresVersion(ctx, conn); err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, int64(migrationLock)); err != nil {
			return internal("migrate: lock", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, int64(migrationLock))
	}
	tx, err := db.beginMigration(ctx)
	if err != nil {
		return internal("migrate: begin", err)
	}
	defer tx.Rollback()
	dialect := "sqlite"
	if db.postgres {
		dialect = "postgres"
	}
	if err := applyMigrations(ctx, tx, ms, dialect); err != nil {
		return err
	}
	if !db.postgres {
		// River's SQLite versions fit in one transaction, and this one,
		// begun IMMEDIATE, is what keeps two processes from migrating at once.
		//lint:ignore SA1019 see above: Migrate would give up that lock
		if _, err := migrator.MigrateTx(ctx, tx, rivermigrate.DirectionUp, nil); err != nil {
			return internal("migrate: jobs", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return internal("migrate: commit", err)
	}
	if db.postgres {
		if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
			return internal("migrate: jobs", err)
		}
	}
	return nil
}

func applyMigrations(ctx context.Context, tx *sql.Tx, ms []migration, dialect string) error {
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    BIGINT PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at BIGINT NOT NULL
)`); err != nil {
		return internal("migrate: schema_migrations", err)
	}
	applied := map[int64]bool{}
	rows, err := tx.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return internal("migrate: read versions", err)
	}
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return internal("migrate: read versions", err)
		}
		applied[v] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return internal("migrate: read versions", err)
	}
	latest := int64(0)
	for _, m := range ms {
		latest = max(latest, m.version)
	}
	for v := range applied {
		if v > latest {
			return fmt.Errorf("store: the database has schema version %d, newer than this program's %d: run a newer perdiem", v, latest)
		}
	}
	for _, m := range ms {
		if applied[m.version] || m.only != "" && m.only != dialect {
			continue
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return internal(fmt.Sprintf("migrate: %04d_%s", m.version, m.name), err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
			m.version, m.name, micros(now())); err != nil {
			return internal("migrate: record version", err)
		}
	}
	return nil
}

// beginMigration begins the migration's transaction. Two processes opening
// a new SQLite file at once race to turn it to WAL, and the loser's first
// connection is refused with SQLITE_BUSY at once, without waiting out
// busy_timeout; it tries again until the winner is done (as long as
// busy_timeout would have waited).
func (db *DB) beginMigration(ctx context.Context) (*sql.Tx, error) {
	deadline := time.Now().Add(10 * time.Second)
	for {
		tx, err := db.w.BeginTx(ctx, nil)
		var se *sqlite.Error
		if err == nil || db.postgres || !errors.As(err, &se) || se.Code()&0xff != sqlite3.SQLITE_BUSY || time.Now().After(deadline) {
			return tx, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}
