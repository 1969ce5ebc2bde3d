package store_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/store/storetest"
)

// TestWriterProcess is the child of TestKilledWriterLosesNothing: it
// writes episodes and their claims as fast as it can, printing each id
// once its transaction has committed, until it is killed. It does nothing
// in a normal test run.
func TestWriterProcess(t *testing.T) {
	dsn := os.Getenv("STORE_TEST_WRITER_DSN")
	if dsn == "" {
		t.Skip("the child process of TestKilledWriterLosesNothing")
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	out := bufio.NewWriter(os.Stdout)
	for {
		var e store.Episode
		var c store.Claim
		err := db.Do(ctx, alice, func(tx *store.Tx) error {
			p, err := tx.CreatePatient(samplePatient())
			if err != nil {
				return err
			}
			if e, err = tx.CreateEpisode(p.ID, "", []byte(`{"n":1}`)); err != nil {
				return err
			}
			cl, r := sampleClaim()
			c, err = tx.CreateClaim(store.NewClaim{EpisodeID: e.ID, EpisodeVersion: 1, Claim: cl, Result: r})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(out, "%s %s\n", e.ID, c.ID)
		out.Flush()
	}
}

// TestKilledWriterLosesNothing: a process writing as fast as it can is
// killed with SIGKILL; on reopening, every write it reported committed is
// there whole (the claim with its lines and history), no claim is without
// its lines, and the audit chain is unbroken.
func TestKilledWriterLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills a writer process")
	}
	storetest.Each(t, func(t *testing.T, dsn string) {
		open(t, dsn).Close() // migrate before the child starts
		child := exec.Command(os.Args[0], "-test.run=^TestWriterProcess$")
		child.Env = append(os.Environ(), "STORE_TEST_WRITER_DSN="+dsn)
		stdout, err := child.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		child.Stderr = os.Stderr
		if err := child.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string)
		go func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		// Kill it in the middle of its burst: after the 30th write it
		// reported, while it is in the next.
		var acked []string
		timeout := time.After(60 * time.Second)
	read:
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					break read
				}
				acked = append(acked, l)
				if len(acked) == 30 {
					child.Process.Signal(syscall.SIGKILL)
				}
			case <-timeout:
				child.Process.Signal(syscall.SIGKILL)
				t.Fatalf("only %d writes in 60 s", len(acked))
			}
		}
		child.Wait()
		db := open(t, dsn)
		do(t, db, func(tx *store.Tx) error {
			for _, l := range acked {
				episodeID, claimID, _ := strings.Cut(l, " ")
				if _, v, err := tx.Episode(episodeID); err != nil || string(v.Document) != `{"n":1}` {
					t.Errorf("episode %s after the kill: %v", episodeID, err)
				}
				c, err := tx.Claim(claimID)
				if err != nil || len(c.Claim.Lines) != 2 {
					t.Errorf("claim %s after the kill: %v", claimID, err)
				}
			}
			return nil
		})
		// Whatever was committed beyond the last reported write is whole
		// too: no claim without its lines or its first status.
		var orphans int
		q := `SELECT COUNT(*) FROM claims c WHERE NOT EXISTS (SELECT 1 FROM claim_lines l WHERE l.claim_id = c.id)
OR NOT EXISTS (SELECT 1 FROM claim_status_history h WHERE h.claim_id = c.id)`
		if err := raw(t, dsn).QueryRow(q).Scan(&orphans); err != nil || orphans != 0 {
			t.Errorf("%d claims without lines or history (%v)", orphans, err)
		}
		if rep := verify(t, db); !rep.OK() {
			t.Errorf("audit chain after the kill: %+v", rep)
		}
		t.Logf("%d writes acknowledged before SIGKILL, all there", len(acked))
	})
}
