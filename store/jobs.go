package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivertype"
)

// Jobs run on River (github.com/riverqueue/river), whose tables Open
// creates in the store's database. Any process on the database may work
// any job: a job taken by a process that dies is rescued by another's
// client after the config's RescueStuckJobsAfter and run again, so a
// job's work must be safe to repeat (the billing run's items are:
// RecordBillingItem counts an episode once).

// NewJobClient returns a River client on the store's database with cfg
// (its Workers and Queues to work jobs; without Queues the client only
// inserts). The caller starts and stops it, before closing the store. A
// nil cfg.Logger logs River's warnings and errors to standard error.
//
// On PostgreSQL a working client listens for new jobs on a connection of
// its own, so they start at once; on SQLite it polls
// (cfg.FetchPollInterval, a second by default).
func (db *DB) NewJobClient(ctx context.Context, cfg *river.Config) (*river.Client[*sql.Tx], error) {
	c := *cfg
	if c.Logger == nil {
		c.Logger = quietLogger()
	}
	driver := db.driver
	if db.postgres && len(c.Queues) > 0 {
		pcfg, err := pgxpool.ParseConfig(db.dsn)
		if err != nil {
			return nil, internal("job client", err)
		}
		pcfg.MinConns, pcfg.MaxConns = 0, 2
		pool, err := pgxpool.NewWithConfig(ctx, pcfg)
		if err != nil {
			return nil, internal("job client", err)
		}
		db.mu.Lock()
		db.closers = append(db.closers, pool.Close)
		db.mu.Unlock()
		driver = riverdatabasesql.NewWithPgxListener(db.w, pool)
	}
	client, err := river.NewClient(driver, &c)
	if err != nil {
		return nil, fmt.Errorf("store: job client: %w", err)
	}
	return client, nil
}

// InsertJob inserts a job in tx: it exists, and will run, only if tx
// commits, together with whatever tx wrote that the job is about.
func (tx *Tx) InsertJob(args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error) {
	t, err := tx.begun()
	if err != nil {
		return nil, err
	}
	res, err := tx.db.inserter.InsertTx(tx.ctx, t, args, opts)
	if err != nil {
		return nil, internal("insert job "+args.Kind(), err)
	}
	return res, nil
}
