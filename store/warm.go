package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// pgConns is the most connections a store holds on PostgreSQL, and
// warmConns those Warm opens: enough for a few hundred requests a second
// (a request holds one for a millisecond or two), few enough that tests
// starting servers side by side stay far from the server's limit. The
// pool opens more, to pgConns, when requests wait.
const (
	pgConns   = 20
	warmConns = 8
)

// hotStatements are the statements nearly every request runs: the
// credential's look-up, the idempotency key's, an episode's read, a
// claim's creation and the audit log's append of a few entries.
func hotStatements() []string {
	qs := []string{userByToken, userBySession, readEpisode, idempotencyLock, readAnswer, keepAnswer,
		readEpisodeTakingChain, createClaimTakingChainPG, takeChainPG}
	for k := 1; k <= 4; k++ {
		qs = append(qs, appendAudit(k, true), createClaimAuditedPG(k))
	}
	return qs
}

// Warm readies the store for a load from the first request on, rather
// than at the expense of the first requests: on PostgreSQL it opens
// warmConns of the pool's connections at once, each with the statements of
// hotStatements prepared (PostgreSQL parses and plans them, and fills its
// caches of the tables they read, once per connection), and keeps them
// open; a connection opened later, in place of one that broke, prepares
// them as it opens. Without it, the first second of a burst of 300
// requests a second on a fresh server waited for twenty connections to
// open and their statements to be parsed, one request at a time on each:
// answers took up to 1.3 s.
//
// On SQLite it prepares those statements on the writer's connection.
// The server calls Warm as it starts; tests and commands need not.
func (db *DB) Warm(ctx context.Context) error {
	if !db.postgres {
		return db.warmSQLite(ctx)
	}
	db.warmed.Store(true)
	db.w.SetConnMaxIdleTime(0)
	conns := make([]*sql.Conn, warmConns)
	errs := make([]error, warmConns)
	var wg sync.WaitGroup
	for i := range conns {
		wg.Go(func() {
			c, err := db.w.Conn(ctx)
			if err != nil {
				errs[i] = err
				return
			}
			conns[i] = c
			errs[i] = c.Raw(func(dc any) error {
				if sc, ok := dc.(*stdlib.Conn); ok {
					prepareHot(ctx, sc.Conn())
				}
				return nil
			})
		})
	}
	wg.Wait()
	for _, c := range conns {
		if c != nil {
			c.Close() // back to the pool, which keeps it
		}
	}
	if err := errors.Join(errs...); err != nil {
		return internal("warm the connections", err)
	}
	return nil
}

// prepareHot prepares hotStatements on c under their own text, which pgx
// then uses for them instead of preparing them again. A statement that
// does not prepare (a schema not yet migrated) is left to be prepared
// when it first runs.
func prepareHot(ctx context.Context, c *pgx.Conn) {
	for _, q := range hotStatements() {
		c.Prepare(ctx, q, q)
	}
}

// warmSQLite has the writer prepare hotStatements' SQLite counterparts
// (stmtcache.go) before the first request, by running an empty group.
func (db *DB) warmSQLite(ctx context.Context) error {
	qs := []string{readEpisode, readAnswer, keepAnswer, insertClaim + ` RETURNING patient_id, payer_id`, insertHistorySQL,
		takeChainSQLite, fmt.Sprintf(updateChain, 1, 2, 3)}
	for k := 1; k <= 4; k++ {
		qs = append(qs, appendAudit(k, false))
	}
	for n := 1; n <= 8; n++ {
		qs = append(qs, insertLinesSQL(n))
	}
	db.stmts.want(qs...)
	return db.Do(ctx, System, func(*Tx) error { return nil })
}
