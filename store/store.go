// Package store keeps the billing workspace's records — users, patients,
// payers, episodes with every version, claims with their lines and status
// history, interchanges, acknowledgments, remittances, billing runs — and
// its tamper-evident audit log, in embedded SQLite or in PostgreSQL with
// the same schema and behaviour (docs/storage.md).
//
// Every write happens in one transaction (DB.Do), so nothing is ever half
// written, and every read or write of patient data appends an audit entry
// in that same transaction. Background jobs run on River, whose tables live
// in the same database: a job is inserted in the transaction that records
// why it exists (Tx.InsertJob).
//
// Errors carry a code of package errs: a missing record is not_found, a
// duplicate or a stale version is conflict, a bad value is invalid. Their
// messages name record ids and fields, never patient data.
package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/perdiem/perdiem/errs"
)

// DB is an open store. It is safe for concurrent use, and several
// processes may share one PostgreSQL database.
type DB struct {
	postgres bool
	dsn      string
	w        *sql.DB // transactions; on SQLite one connection, BEGIN IMMEDIATE
	r        *sql.DB // reads that write nothing (no patient data); w on PostgreSQL
	ck       *sql.DB // SQLite's checkpoints (checkpointer); nil when the DSN sets wal_autocheckpoint, and on PostgreSQL
	driver   riverdriver.Driver[*sql.Tx]
	inserter *river.Client[*sql.Tx]

	mu       sync.Mutex
	closers  []func()
	watchers []func(userIDs []string) // WatchCredentials

	// The SQLite writer (groupcommit.go) and its prepared statements
	// (stmtcache.go); nil on PostgreSQL.
	stmts      *stmtCache
	reqs       chan *writeReq
	quit       chan struct{}
	writerDone chan struct{}
	ckDone     chan struct{}
	commits    atomic.Uint64 // groups committed, for the checkpointer
	stopOnce   sync.Once

	// conns is the most connections the store holds on PostgreSQL
	// (SetConns), all of which Warm opens.
	conns int

	// warmed says Warm was called: on PostgreSQL a new connection then
	// prepares the hot statements as it opens (warm.go).
	warmed atomic.Bool
}

// Open opens the store at dsn and brings its schema up to date. A
// postgres:// or postgresql:// URL opens PostgreSQL; anything else is an
// SQLite file, given as a path or a file: URL (created with mode 0600).
func Open(ctx context.Context, dsn string) (*DB, error) {
	var db *DB
	var err error
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		db, err = openPostgres(dsn)
	} else {
		db, err = openSQLite(dsn)
	}
	if err != nil {
		return nil, err
	}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	db.inserter, err = river.NewClient(db.driver, &river.Config{Logger: quietLogger()})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("store: job client: %w", err)
	}
	if !db.postgres {
		db.startWriter()
	}
	return db, nil
}

func openPostgres(dsn string) (*DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, errs.Errorf(errs.Invalid, "store: database URL: %v", err)
	}
	db := &DB{postgres: true, dsn: dsn, conns: DefaultConns}
	db.w = stdlib.OpenDB(*cfg, stdlib.OptionAfterConnect(func(ctx context.Context, c *pgx.Conn) error {
		if db.warmed.Load() {
			prepareHot(ctx, c)
		}
		return nil
	}))
	db.w.SetMaxOpenConns(DefaultConns)
	db.w.SetMaxIdleConns(DefaultConns)
	db.w.SetConnMaxIdleTime(5 * time.Minute)
	db.r, db.driver = db.w, riverdatabasesql.New(db.w)
	return db, nil
}

// SetConns sets the most connections the store holds on PostgreSQL, all
// of which Warm opens (DefaultConns); River's listener takes 2 more. On
// SQLite, which has one writer, it changes nothing. Call it before Warm.
func (db *DB) SetConns(n int) error {
	if n < 2 {
		return errs.Errorf(errs.Invalid, "store: %d connections; want at least 2", n)
	}
	if db.postgres {
		db.conns = n
		db.w.SetMaxOpenConns(n)
		db.w.SetMaxIdleConns(n)
	}
	return nil
}

// sqlitePragmas make every connection wait for the lock instead of failing,
// keep foreign keys, and make a commit durable before it returns
// (synchronous=FULL: an acknowledged write survives a power cut, not only
// a crash of the process). temp_store=MEMORY keeps the savepoints' journal
// of a group commit (groupcommit.go) in memory rather than in a temporary
// file written page by page. A DSN may set its own busy_timeout,
// synchronous or temp_store; foreign keys and WAL are not negotiable.
var sqlitePragmas = []string{"busy_timeout(10000)", "foreign_keys(1)", "journal_mode(WAL)", "synchronous(FULL)", "temp_store(MEMORY)"}

func openSQLite(dsn string) (*DB, error) {
	path, query := dsn, ""
	if rest, ok := strings.CutPrefix(dsn, "file:"); ok {
		path, query, _ = strings.Cut(rest, "?")
	}
	if path == "" || path == ":memory:" || strings.Contains(query, "mode=memory") {
		return nil, errs.Errorf(errs.Invalid, "store: an SQLite store needs a file, not memory")
	}
	params, err := url.ParseQuery(query)
	if err != nil {
		return nil, errs.Errorf(errs.Invalid, "store: database parameters: %v", err)
	}
	// Create the file with owner-only permissions before SQLite does: it
	// holds patient data, and SQLite gives its WAL the file's mode.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	f.Close()
	for _, p := range sqlitePragmas {
		name, _, _ := strings.Cut(p, "(")
		if name == "foreign_keys" || name == "journal_mode" || !hasPragma(params, name) {
			params.Add("_pragma", p)
		}
	}
	// The writer leaves checkpoints (copying the WAL into the database
	// file, and a flush of it) to a connection of their own, in the
	// background (checkpointer), unless the DSN says otherwise.
	var ck *sql.DB
	wp := cloneValues(params)
	if !hasPragma(params, "wal_autocheckpoint") {
		wp.Add("_pragma", "wal_autocheckpoint(0)")
		if ck, err = sql.Open("sqlite", "file:"+path+"?"+params.Encode()); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		ck.SetMaxOpenConns(1)
	}
	wp.Set("_txlock", "immediate")
	w, err := sql.Open("sqlite", "file:"+path+"?"+wp.Encode())
	if err != nil {
		if ck != nil {
			ck.Close()
		}
		return nil, fmt.Errorf("store: %w", err)
	}
	// One writer: SQLite serializes writes anyway, and a single connection
	// taking BEGIN IMMEDIATE never meets a busy upgrade. River's SQLite
	// driver asks for the same.
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	rp := cloneValues(params)
	rp.Add("_pragma", "query_only(1)")
	r, err := sql.Open("sqlite", "file:"+path+"?"+rp.Encode())
	if err != nil {
		w.Close()
		if ck != nil {
			ck.Close()
		}
		return nil, fmt.Errorf("store: %w", err)
	}
	r.SetMaxOpenConns(4)
	return &DB{dsn: dsn, w: w, r: r, ck: ck, driver: riversqlite.New(w), stmts: &stmtCache{}}, nil
}

// hasPragma reports whether the DSN's parameters set pragma name: one
// given there wins over the store's default (synchronous(NORMAL), say,
// trades the last commits before a power cut for speed).
func hasPragma(params url.Values, name string) bool {
	for _, p := range params["_pragma"] {
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(p)), name) {
			return true
		}
	}
	return false
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// Postgres reports whether the store is on PostgreSQL.
func (db *DB) Postgres() bool { return db.postgres }

// Close closes the store's connections. Job clients made by NewJobClient
// must be stopped first.
func (db *DB) Close() error {
	db.stopWriter()
	db.mu.Lock()
	closers := db.closers
	db.closers = nil
	db.mu.Unlock()
	for _, c := range closers {
		c()
	}
	if db.stmts != nil {
		db.stmts.close()
	}
	if db.ck != nil {
		db.ck.Close()
	}
	err := db.w.Close()
	if db.r != db.w {
		if e := db.r.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Actor is who does something and from where; it goes into the audit log.
// UserID is empty for the system itself (a job, a migration, the command
// line).
type Actor struct {
	UserID string
	Remote string // the client's address, "" when there is none
}

// System is the actor of work no user asked for directly.
var System = Actor{UserID: "system"}

// Tx is one transaction of the store. Its methods are the store's reads
// and writes; their audit entries are written when the transaction
// commits. A Tx is used by one goroutine, only inside the function given
// to DB.Do.
//
// On PostgreSQL the transaction begins only when it must: statements that
// read and lock nothing (readRow, readQuery) run on the Tx's connection
// as they are until then, and any other statement first sends BEGIN.
// Under READ COMMITTED every statement of a transaction reads its own
// snapshot anyway, so a read made before the BEGIN sees what it would
// have seen after it; a Tx that only reads then commits with one
// statement appending its audit entries (appendAuditAlone).
type Tx struct {
	ctx   context.Context
	db    *DB
	tx    *sql.Tx   // nil on PostgreSQL until the transaction begins
	conn  *sql.Conn // the connection, on PostgreSQL
	actor Actor
	now   time.Time
	audit []AuditEntry
	chain *heldChain // on PostgreSQL, the audit chain taken before the commit, if one was
	// credentials are the users whose credentials the transaction ended
	// or narrowed, for WatchCredentials.
	credentials []string

	// final says the function's last write is the last thing it does
	// (DoFinal); ended, that it was made, and err, what the function did
	// after it anyway.
	final, ended bool
	err          error
}

// Context returns the transaction's context.
func (tx *Tx) Context() context.Context { return tx.ctx }

// Actor returns who the transaction acts for.
func (tx *Tx) Actor() Actor { return tx.actor }

// SQL returns the database/sql transaction, for River's transactional job
// calls (river.JobCompleteTx) in workers. On PostgreSQL it begins the
// transaction; if that fails, the function's transaction fails too.
func (tx *Tx) SQL() *sql.Tx {
	if _, err := tx.begun(); err != nil {
		tx.fail(err)
	}
	return tx.tx
}

// querier runs statements: a transaction, or a connection outside one.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// errAfterFinal answers a statement made after the final write of a
// function run by DoFinal: a programming error.
var errAfterFinal = errs.Errorf(errs.Internal, "store: a statement after the final write of DB.DoFinal's function")

// on returns where the Tx's next read runs: its transaction, or on
// PostgreSQL its connection before the transaction begins.
func (tx *Tx) on() (querier, error) {
	if tx.ended {
		tx.fail(errAfterFinal)
		return nil, errAfterFinal
	}
	if tx.tx != nil {
		return tx.tx, nil
	}
	return tx.conn, nil
}

// begun returns the Tx's transaction, begun first if it was not.
func (tx *Tx) begun() (*sql.Tx, error) {
	if tx.ended {
		tx.fail(errAfterFinal)
		return nil, errAfterFinal
	}
	if tx.tx == nil {
		t, err := tx.conn.BeginTx(tx.ctx, nil)
		if err != nil {
			return nil, internal("begin", err)
		}
		tx.tx = t
	}
	return tx.tx, nil
}

// fail records an error that fails the Tx's function whatever it returns.
func (tx *Tx) fail(err error) {
	if tx.err == nil {
		tx.err = err
	}
}

// Do runs fn in one transaction acting for a and commits it if fn returns
// nil; otherwise nothing fn did is kept. It returns once the outcome is
// durable. Inside fn, use only tx, never db: on SQLite fn runs on the
// store's one writer, which a nested call would wait for forever, and on
// PostgreSQL a nested call would be a second transaction, neither atomic
// with the first nor able to see its writes (and may wait for its locks
// forever); so a call of Do, of this DB or any other, from inside fn fails
// at once with an internal error on both, and fn's transaction keeps
// nothing if fn passes it on.
//
// A panic in fn is returned as an internal error, the transaction rolled
// back. On SQLite, functions that wait at the same time are committed together,
// each in a savepoint of its own (groupcommit.go); a failing one keeps
// nothing and does not affect the others.
func (db *DB) Do(ctx context.Context, a Actor, fn func(tx *Tx) error) error {
	return db.do(ctx, a, false, fn)
}

// DoFinal is Do for a function that does nothing after its last write:
// on PostgreSQL, when no earlier statement began the transaction, that
// write (a claim's creation, Tx.CreateClaim) may be made together with
// the transaction's audit entries in one statement that commits on its
// own, without BEGIN and COMMIT. Any statement or audit entry after it
// is a programming error, which fails the function with an internal
// error (on PostgreSQL after the write was kept).
func (db *DB) DoFinal(ctx context.Context, a Actor, fn func(tx *Tx) error) error {
	return db.do(ctx, a, true, fn)
}

func (db *DB) do(ctx context.Context, a Actor, final bool, fn func(tx *Tx) error) error {
	if db.reqs != nil {
		return db.doGroup(ctx, a, final, fn)
	}
	if inCall() {
		return errNested
	}
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return internal("connect", err)
	}
	defer conn.Close()
	tx := &Tx{ctx: ctx, db: db, conn: conn, actor: a, now: now(), final: final}
	if err := tx.run(fn); err != nil {
		if tx.tx != nil {
			tx.tx.Rollback()
		}
		return err
	}
	if tx.tx == nil {
		if len(tx.audit) == 0 {
			return nil
		}
		appended, err := tx.appendAuditAlone()
		if err != nil || appended {
			return err
		}
		// Every chain is held: wait for one in a transaction.
		if _, err := tx.begun(); err != nil {
			return err
		}
	}
	if err := tx.flushAudit(); err != nil {
		tx.tx.Rollback()
		return err
	}
	if err := tx.tx.Commit(); err != nil {
		return mapErr("commit", err)
	}
	db.credentialsChanged(tx.credentials)
	return nil
}

// run runs fn in tx, and fails if fn did anything after its final write
// (DoFinal), whatever fn returned; the commit's own statements follow.
func (tx *Tx) run(fn func(*Tx) error) error {
	err := call(fn, tx)
	if err == nil {
		err = tx.err
	}
	tx.ended = false
	return err
}

// now is the store's clock, in microseconds (PostgreSQL's precision).
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// stmt returns query prepared for tx, or nil to run it as it is: on
// SQLite, a statement the writer has prepared before (stmtcache.go).
func (tx *Tx) stmt(query string) *sql.Stmt {
	if tx.db.stmts == nil {
		return nil
	}
	s := tx.db.stmts.get(tx.db.w, query)
	if s == nil {
		return nil
	}
	return tx.tx.StmtContext(tx.ctx, s)
}

func (tx *Tx) exec(what, query string, args ...any) (int64, error) {
	t, err := tx.begun()
	if err != nil {
		return 0, err
	}
	var res sql.Result
	if s := tx.stmt(query); s != nil {
		res, err = s.ExecContext(tx.ctx, args...)
	} else {
		res, err = t.ExecContext(tx.ctx, query, args...)
	}
	if err != nil {
		return 0, mapErr(what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, internal(what, err)
	}
	return n, nil
}

// row is one row a statement returned, or why the statement could not be
// run.
type row struct {
	r   *sql.Row
	err error
}

// Scan copies the row's columns into dest, as sql.Row.Scan.
func (r row) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	return r.r.Scan(dest...)
}

func (tx *Tx) queryRow(query string, args ...any) row {
	t, err := tx.begun()
	if err != nil {
		return row{err: err}
	}
	return tx.rowOn(t, query, args)
}

// readRow is queryRow for a statement that reads and locks nothing: on
// PostgreSQL it does not begin the transaction.
func (tx *Tx) readRow(query string, args ...any) row {
	q, err := tx.on()
	if err != nil {
		return row{err: err}
	}
	return tx.rowOn(q, query, args)
}

func (tx *Tx) rowOn(q querier, query string, args []any) row {
	if s := tx.stmt(query); s != nil {
		return row{r: s.QueryRowContext(tx.ctx, args...)}
	}
	return row{r: q.QueryRowContext(tx.ctx, query, args...)}
}

func (tx *Tx) query(what, query string, args ...any) (*sql.Rows, error) {
	t, err := tx.begun()
	if err != nil {
		return nil, err
	}
	return tx.queryOn(t, what, query, args)
}

// readQuery is query for a statement that reads and locks nothing: on
// PostgreSQL it does not begin the transaction.
func (tx *Tx) readQuery(what, query string, args ...any) (*sql.Rows, error) {
	q, err := tx.on()
	if err != nil {
		return nil, err
	}
	return tx.queryOn(q, what, query, args)
}

func (tx *Tx) queryOn(q querier, what, query string, args []any) (*sql.Rows, error) {
	var rows *sql.Rows
	var err error
	if s := tx.stmt(query); s != nil {
		rows, err = s.QueryContext(tx.ctx, args...)
	} else {
		rows, err = q.QueryContext(tx.ctx, query, args...)
	}
	if err != nil {
		return nil, mapErr(what, err)
	}
	return rows, nil
}

// internal wraps a database failure; errs.Message hides its details from
// users.
func internal(what string, err error) error {
	return fmt.Errorf("store: %s: %w", what, err)
}

// mapErr gives database errors their errs code: a unique or primary key
// violation is a conflict, a foreign key violation a reference to a record
// that does not exist (invalid). The message names the table and
// constraint, never values.
func mapErr(what string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return errs.Errorf(errs.NotFound, "%s: not found", what)
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "23505":
			return errs.Errorf(errs.Conflict, "%s: already exists (%s)", what, pg.ConstraintName)
		case "23503":
			return errs.Errorf(errs.Invalid, "%s: refers to a record that does not exist (%s)", what, pg.ConstraintName)
		case "23514":
			return errs.Errorf(errs.Invalid, "%s: a value is out of range (%s)", what, pg.ConstraintName)
		}
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return errs.Errorf(errs.Conflict, "%s: already exists", what)
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return errs.Errorf(errs.Invalid, "%s: refers to a record that does not exist", what)
		case sqlite3.SQLITE_CONSTRAINT_CHECK:
			return errs.Errorf(errs.Invalid, "%s: a value is out of range", what)
		}
	}
	return internal(what, err)
}

func notFound(kind, id string) error {
	return errs.Errorf(errs.NotFound, "%s %s not found", kind, quoteID(id))
}

// quoteID quotes an id for a message, cut to 40 characters: ids are ours
// or the client's keys, never patient data, but may be long.
func quoteID(id string) string {
	if len(id) > 40 {
		return fmt.Sprintf("%q… (%d bytes)", id[:40], len(id))
	}
	return fmt.Sprintf("%q", id)
}

// crockford is Crockford's base 32: no I, L, O or U, so ids read aloud.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewID returns a new record id: prefix, nine characters of the time in
// milliseconds and eight of a 40-bit number, random for the first id of a
// millisecond and counting up from it for the next ones. Ids made by one
// process sort in the order they were made, those of several processes by
// the millisecond; a claim id (prefix "C", 18 characters) fits CLM01's 20.
func NewID(prefix string) string {
	idMu.Lock()
	ms := uint64(time.Now().UnixMilli())
	if ms <= idLastMs {
		ms, idLastRand = idLastMs, idLastRand+1
		if idLastRand >= 1<<40 {
			ms, idLastRand = ms+1, 0
		}
	} else {
		var rnd [8]byte
		rand.Read(rnd[:])
		// Start in the lower half so a burst in one millisecond
		// rarely carries into the next.
		idLastRand = binary.BigEndian.Uint64(rnd[:]) & (1<<39 - 1)
	}
	idLastMs = ms
	r := idLastRand
	idMu.Unlock()
	b := make([]byte, 0, len(prefix)+17)
	b = append(b, prefix...)
	for i := 8; i >= 0; i-- {
		b = append(b, crockford[(ms>>(5*uint(i)))&31])
	}
	for i := 7; i >= 0; i-- {
		b = append(b, crockford[(r>>(5*uint(i)))&31])
	}
	return string(b)
}

var (
	idMu       sync.Mutex
	idLastMs   uint64
	idLastRand uint64
)

// Page asks for one page of a list. Lists are newest first; Cursor is the
// Next of the page before ("" for the first page).
type Page struct {
	Limit  int    // 1..MaxLimit; 0 means DefaultLimit
	Cursor string // the id after which the page starts
}

// DefaultLimit and MaxLimit bound a page.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

func (p Page) limit() (int, error) {
	switch {
	case p.Limit == 0:
		return DefaultLimit, nil
	case p.Limit < 0 || p.Limit > MaxLimit:
		return 0, errs.Errorf(errs.Invalid, "limit %d: want 1..%d", p.Limit, MaxLimit)
	}
	return p.Limit, nil
}
