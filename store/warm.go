package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/claim"
)

// DefaultConns is the most connections a store holds on PostgreSQL unless
// SetConns says otherwise. A request holds one for a millisecond or two,
// so 8 carry 500 claims a second; more only add backends competing for
// the server's processors: on 2 cores, at 500 claims a second, the p99 of
// claim creation was 20 to 37 ms with 8 and 300 ms with 20 (docs/storage.md).
const DefaultConns = 8

// hotStatements are the statements nearly every request runs: the
// credential's look-up, the idempotency key's, an episode's read, a
// claim's creation, with its audit entries or without, and the audit
// log's append of a few entries.
func hotStatements() []string {
	qs := []string{userByToken, userBySession, readEpisode, idempotencyLock, readAnswer, keepAnswer,
		readEpisodeTakingChain, createClaimTakingChainPG, takeChainPG,
		aloneStatement(appendAuditAlonePG, 1), aloneStatement(createClaimAlonePG, 2)}
	for k := 1; k <= 4; k++ {
		qs = append(qs, appendAudit(k, true), createClaimAuditedPG(k))
	}
	return qs
}

// Warm readies the store for a load from the first request on, rather
// than at the expense of the first requests: on PostgreSQL it opens all
// the pool's connections (SetConns) at once, each with the statements of
// hotStatements prepared (PostgreSQL parses and plans them, and fills its
// caches of the tables they read, once per connection), and keeps them
// open, after a claim's creation rehearsed on each (rehearse); a
// connection opened later, in place of one that broke, prepares them as
// it opens. Without it, the first second of a burst of 300
// requests a second on a fresh server waited for twenty connections to
// open and their statements to be parsed, one request at a time on each:
// answers took up to 1.3 s; with 8 of the 20 warmed, still up to 1.4 s
// (the pool opened the other 12 under the burst).
//
// On SQLite it prepares those statements on the writer's connection.
// The server calls Warm as it starts; tests and commands need not.
func (db *DB) Warm(ctx context.Context) error {
	if !db.postgres {
		return db.warmSQLite(ctx)
	}
	db.warmed.Store(true)
	db.w.SetConnMaxIdleTime(0)
	conns := make([]*sql.Conn, db.conns)
	errs := make([]error, db.conns)
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
			if errs[i] == nil {
				errs[i] = db.rehearse(ctx, c)
			}
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

// errRehearsed ends the transaction of rehearse.
var errRehearsed = errors.New("rehearsed")

// rehearse makes a claim on connection c, in a transaction rolled back:
// the first run of a statement on a connection plans it, and the first
// insert into a table checks its foreign keys with queries the server
// prepares then, which with the caches of the tables' indexes and TOAST
// cost the first requests of each connection tens of milliseconds, and
// those waiting behind them as long again. A patient and an episode of
// its own are made for it, and all of it rolled back: nothing stays but
// numbers skipped in the audit log's sequence, as after any transaction
// that rolls back.
func (db *DB) rehearse(ctx context.Context, c *sql.Conn) error {
	sqlTx, err := c.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer sqlTx.Rollback()
	tx := &Tx{ctx: ctx, db: db, tx: sqlTx, actor: System, now: now()}
	err = call(func(tx *Tx) error {
		p, err := tx.CreatePatient(Patient{Name: "WARM-UP", BirthDate: civil.FromYMD(2000, 1, 1), MemberID: "WARM-UP", Demographics: []byte(`{}`)})
		if err != nil {
			return err
		}
		e, err := tx.CreateEpisode(p.ID, "", []byte(`{}`))
		if err != nil {
			return err
		}
		// As a request starts: no entries yet, then the episode's read
		// and the claim.
		tx.audit = tx.audit[:0]
		if _, _, err := tx.Episode(e.ID); err != nil {
			return err
		}
		day := civil.FromYMD(2000, 1, 1)
		lines := []claim.Line{{Code: "S9500", From: day, To: day, Units: 1, Charge: 100, Why: []claim.Reason{{Rule: "PD-1"}}}}
		if _, err := tx.CreateClaim(NewClaim{EpisodeID: e.ID, EpisodeVersion: e.Version,
			Claim:  claim.Claim{Profile: "nhia", Period: civil.Span{From: day, To: day}, Lines: lines},
			Result: claim.Result{Profile: "nhia", Period: civil.Span{From: day, To: day}, Lines: lines}}); err != nil {
			return err
		}
		return errRehearsed
	}, tx)
	if errors.Is(err, errRehearsed) {
		return nil
	}
	return err
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
