package store_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/store/storetest"
)

type noteArgs struct {
	Marker string `json:"marker"`
}

func (noteArgs) Kind() string { return "store_test_note" }

// noteWorker completes a job, saying which attempt it was.
type noteWorker struct {
	river.WorkerDefaults[noteArgs]
	attempts chan int
}

func (w *noteWorker) Work(ctx context.Context, job *river.Job[noteArgs]) error {
	w.attempts <- job.Attempt
	return nil
}

// hangWorker marks that it has the job, then works forever: the process
// is killed while it runs.
type hangWorker struct {
	river.WorkerDefaults[noteArgs]
}

func (hangWorker) Work(ctx context.Context, job *river.Job[noteArgs]) error {
	os.WriteFile(job.Args.Marker, []byte("taken"), 0o600)
	<-ctx.Done()
	return ctx.Err()
}

func startWorker(t *testing.T, db *store.DB, cfg *river.Config) *river.Client[*sql.Tx] {
	t.Helper()
	c, err := db.NewJobClient(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		c.Stop(sctx)
	})
	return c
}

func queues() map[string]river.QueueConfig {
	return map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 2}}
}

func insertNote(t *testing.T, db *store.DB, marker string, keep bool) {
	t.Helper()
	rollback := errors.New("rolled back")
	err := db.Do(ctx, alice, func(tx *store.Tx) error {
		if _, err := tx.CreatePatient(samplePatient()); err != nil {
			return err
		}
		if _, err := tx.InsertJob(noteArgs{Marker: marker}, nil); err != nil {
			return err
		}
		if !keep {
			return rollback
		}
		return nil
	})
	if keep && err != nil || !keep && err != rollback {
		t.Fatal(err)
	}
}

// TestJobRunByAnotherClient: a job inserted through one handle, in the
// transaction of the row it is about, is worked by a client on another;
// one inserted in a transaction that rolled back never runs.
func TestJobRunByAnotherClient(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		inserter, worker := open(t, dsn), open(t, dsn)
		w := &noteWorker{attempts: make(chan int, 10)}
		workers := river.NewWorkers()
		river.AddWorker(workers, w)
		startWorker(t, worker, &river.Config{Workers: workers, Queues: queues(), FetchPollInterval: 100 * time.Millisecond})
		insertNote(t, inserter, "gone", false)
		insertNote(t, inserter, "kept", true)
		select {
		case a := <-w.attempts:
			if a != 1 {
				t.Errorf("attempt %d, want 1", a)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("the job was not worked within 20 s")
		}
		select {
		case <-w.attempts:
			t.Fatal("a second job ran: the rolled-back insert was kept")
		case <-time.After(500 * time.Millisecond):
		}
	})
}

// TestJobWorkerProcess is the child of TestJobRescuedAfterWorkerDied: it
// takes jobs and hangs in them until it is killed. It does nothing in a
// normal test run.
func TestJobWorkerProcess(t *testing.T) {
	dsn := os.Getenv("STORE_TEST_CHILD_DSN")
	if dsn == "" {
		t.Skip("the child process of TestJobRescuedAfterWorkerDied")
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, hangWorker{})
	// The child never leads, so the parent's client can take over
	// River's maintenance (the rescuer) at once; a dead leader's term
	// would otherwise run out first (15 s).
	c, err := db.NewJobClient(ctx, &river.Config{Workers: workers, Queues: queues(), FetchPollInterval: 100 * time.Millisecond,
		LeaderElectionDisabled: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	select {} // until killed
}

type retryNow struct{}

func (retryNow) NextRetry(*rivertype.JobRow) time.Time { return time.Now() }

// TestJobRescuedAfterWorkerDied: a process takes a job and is killed
// (SIGKILL) while working it; another process's client rescues the job
// after RescueStuckJobsAfter and works it again, as attempt 2.
func TestJobRescuedAfterWorkerDied(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a worker process and waits for River's rescuer")
	}
	storetest.Each(t, func(t *testing.T, dsn string) {
		db := open(t, dsn)
		marker := filepath.Join(t.TempDir(), "taken")
		insertNote(t, db, marker, true)

		child := exec.Command(os.Args[0], "-test.run=^TestJobWorkerProcess$")
		child.Env = append(os.Environ(), "STORE_TEST_CHILD_DSN="+dsn)
		child.Stderr = os.Stderr
		if err := child.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(30 * time.Second)
		for {
			if _, err := os.Stat(marker); err == nil {
				break
			}
			if time.Now().After(deadline) {
				child.Process.Kill()
				t.Fatal("the child did not take the job within 30 s")
			}
			time.Sleep(20 * time.Millisecond)
		}
		taken := time.Now()
		child.Process.Signal(syscall.SIGKILL)
		child.Wait()

		const rescueAfter = 2 * time.Second
		// River's rescuer looks as the client starts, then every 30 s:
		// start once the job has been stuck long enough.
		time.Sleep(time.Until(taken.Add(rescueAfter + 200*time.Millisecond)))
		w := &noteWorker{attempts: make(chan int, 10)}
		workers := river.NewWorkers()
		river.AddWorker(workers, w)
		startWorker(t, db, &river.Config{Workers: workers, Queues: queues(), FetchPollInterval: 100 * time.Millisecond,
			JobTimeout: time.Second, RescueStuckJobsAfter: rescueAfter, RetryPolicy: retryNow{}})
		select {
		case a := <-w.attempts:
			if a != 2 {
				t.Errorf("attempt %d, want 2 (the dead process's was 1)", a)
			}
			t.Logf("rescued and worked %v after the kill", time.Since(taken).Round(time.Millisecond))
		case <-time.After(40 * time.Second):
			t.Fatal("the job was not rescued and worked within 40 s")
		}
	})
}
