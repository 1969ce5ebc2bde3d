package store

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/perdiem/perdiem/errs"
)

// On SQLite, Do hands its function to one writer goroutine, which runs the
// functions waiting at that moment in one transaction, each in a savepoint
// of its own, and commits them together: one flush to disk for the group
// instead of one each (group commit). A function that fails is rolled back
// to its savepoint and leaves the others' work alone; every caller hears
// only after the commit, so what is acknowledged is on disk.

// maxGroup bounds the functions committed together.
const maxGroup = 64

type writeReq struct {
	ctx   context.Context
	actor Actor
	fn    func(*Tx) error
	final bool // DoFinal
	done  chan error
}

var errClosed = errs.Errorf(errs.Internal, "store: closed")

// errNested is the answer to a DB.Do called from inside the function of
// another: on SQLite that function runs on the writer, which would wait
// for itself forever; on PostgreSQL it would open a second transaction
// (DB.Do).
var errNested = errs.Errorf(errs.Internal, "store: DB.Do called inside the function of another DB.Do: use the Tx that function was given")

func (db *DB) startWriter() {
	db.reqs = make(chan *writeReq)
	db.quit = make(chan struct{})
	db.writerDone = make(chan struct{})
	go db.writer()
	if db.ck != nil {
		db.ckDone = make(chan struct{})
		go db.checkpointer()
	}
}

func (db *DB) stopWriter() {
	if db.reqs == nil {
		return
	}
	db.stopOnce.Do(func() { close(db.quit) })
	<-db.writerDone
	if db.ckDone != nil {
		<-db.ckDone
	}
}

// checkpointEvery is how often the checkpointer copies what was committed
// since the last time from the WAL into the database file.
const checkpointEvery = time.Second

// checkpointer copies the WAL into the database file (a PASSIVE
// checkpoint, which waits for no one) once a second after commits, on a
// connection of its own. SQLite would otherwise do it in the commit that
// takes the WAL past 1,000 pages, on the one writer, whose group and all
// waiting behind it then wait for 4 MB to be copied and the database file
// flushed: at 500 claims a second that was every second or two, and the
// slowest answers. Durability is the same: a commit is flushed to the WAL
// before it returns either way.
func (db *DB) checkpointer() {
	defer close(db.ckDone)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	var done uint64
	for {
		select {
		case <-db.quit:
			return
		case <-t.C:
		}
		if n := db.commits.Load(); n != done {
			done = n
			// A checkpoint that fails (a disk error) is tried again at
			// the next tick; the commits are safe in the WAL meanwhile.
			db.ck.Exec(`PRAGMA wal_checkpoint(PASSIVE)`)
		}
	}
}

func (db *DB) writer() {
	defer close(db.writerDone)
	batch := make([]*writeReq, 0, maxGroup)
	for {
		select {
		case r := <-db.reqs:
			batch = append(batch[:0], r)
		case <-db.quit:
			return
		}
	drain:
		for len(batch) < maxGroup {
			select {
			case r := <-db.reqs:
				batch = append(batch, r)
			default:
				break drain
			}
		}
		db.runGroup(batch)
		// Between groups the writer's connection is free to prepare
		// the statements the group ran unprepared.
		db.stmts.prepareWanted(db.w)
	}
}

// doGroup queues fn for the writer and waits for the group's commit.
func (db *DB) doGroup(ctx context.Context, a Actor, final bool, fn func(*Tx) error) error {
	if inCall() {
		return errNested
	}
	req := &writeReq{ctx: ctx, actor: a, fn: fn, final: final, done: make(chan error, 1)}
	select {
	case db.reqs <- req:
	case <-ctx.Done():
		return ctx.Err()
	case <-db.quit:
		return errClosed
	}
	// Once taken, fn may be running: wait for the outcome whatever ctx
	// does, so the caller never returns while its work may still commit.
	return <-req.done
}

// runGroup runs a group in one transaction. The functions' statements run
// without their callers' cancellation: an interrupted SQLite statement can
// roll back the whole transaction, and with it the others' work.
func (db *DB) runGroup(batch []*writeReq) {
	results := make([]error, len(batch))
	reply := func() {
		for i, r := range batch {
			r.done <- results[i]
		}
	}
	failAll := func(err error) {
		for i := range results {
			results[i] = err
		}
		reply()
	}
	sqlTx, err := db.w.BeginTx(context.Background(), nil)
	if err != nil {
		failAll(internal("begin", err))
		return
	}
	alone := len(batch) == 1
	ok := 0
	var narrowed []string // the credentials of the functions kept (WatchCredentials)
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			results[i] = err
			continue
		}
		if !alone {
			if _, err := sqlTx.Exec(`SAVEPOINT w`); err != nil {
				sqlTx.Rollback()
				failAll(internal("savepoint", err))
				return
			}
		}
		tx := &Tx{ctx: context.WithoutCancel(r.ctx), db: db, tx: sqlTx, actor: r.actor, now: now(), final: r.final}
		err := tx.run(r.fn)
		if err == nil {
			err = tx.flushAudit()
		}
		results[i] = err
		if err == nil {
			narrowed = append(narrowed, tx.credentials...)
		}
		if alone {
			break
		}
		release := `RELEASE w`
		if err != nil {
			release = `ROLLBACK TO w; RELEASE w`
		} else {
			ok++
		}
		if _, err := sqlTx.Exec(release); err != nil {
			sqlTx.Rollback()
			failAll(internal("savepoint", err))
			return
		}
	}
	if alone && results[0] == nil {
		ok = 1
	}
	if ok == 0 {
		sqlTx.Rollback()
		reply()
		return
	}
	err = sqlTx.Commit()
	if err == nil {
		db.commits.Add(1)
		db.credentialsChanged(narrowed)
	} else {
		err = mapErr("commit", err)
		for i := range results {
			if results[i] == nil {
				results[i] = err
			}
		}
	}
	reply()
}

// call runs fn, turning a panic into an error: fn runs on the writer
// goroutine, where a panic would end the process rather than the request.
// Every function of a DB.Do runs in call, whose frame on a goroutine's
// stack is how inCall tells a DB.Do nested in one.
//
//go:noinline
func call(fn func(*Tx) error, tx *Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("store: the transaction's function panicked: %v", p)
		}
	}()
	return fn(tx)
}

// callReturn is the return address of call's call of its function: on a
// goroutine's stack while that function runs there, and nowhere else.
var callReturn = func() uintptr {
	var pc [1]uintptr
	call(func(*Tx) error {
		runtime.Callers(2, pc[:])
		return nil
	}, nil)
	return pc[0]
}()

// inCall reports whether the running goroutine is inside the function of
// a DB.Do (of any DB), where a DB.Do would be nested in it: on SQLite the
// writer running it, on PostgreSQL the goroutine that called Do. It walks
// the stack's return addresses, a tenth of the cost of reading the
// goroutine's number from a formatted stack trace on every Do.
func inCall() bool {
	var pcs [64]uintptr
	for skip := 2; ; skip += len(pcs) {
		n := runtime.Callers(skip, pcs[:])
		for _, pc := range pcs[:n] {
			if pc == callReturn {
				return true
			}
		}
		if n < len(pcs) {
			return false
		}
	}
}
