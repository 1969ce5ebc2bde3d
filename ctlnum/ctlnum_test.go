package ctlnum

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/perdiem/perdiem/errs"
)

func TestNextStartsAtOneAndIncreases(t *testing.T) {
	path := filepath.Join(t.TempDir(), "control-number")
	for want := int64(1); want <= 5; want++ {
		n, err := Next(path)
		if err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Fatalf("Next = %d, want %d", n, want)
		}
	}
	if last, _ := Last(path); last != 5 {
		t.Errorf("Last = %d, want 5", last)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

func TestUseNeverGoesBackwards(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state")
	if n, err := Use(path, 100); err != nil || n != 100 {
		t.Fatalf("Use(100) = %d, %v", n, err)
	}
	for _, n := range []int64{100, 99, 1} {
		var ue *UsedError
		if _, err := Use(path, n); !errors.As(err, &ue) || ue.Last != 100 {
			t.Errorf("Use(%d) after 100: err = %v, want UsedError with Last 100", n, err)
		}
		if _, err := Use(path, n); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("Use(%d) after 100 is %q, want conflict", n, errs.CodeOf(err))
		}
	}
	if n, err := Next(path); err != nil || n != 101 {
		t.Errorf("Next after Use(100) = %d, %v; want 101", n, err)
	}
	for _, n := range []int64{0, -1, Max + 1} {
		if _, err := Use(path, n); err == nil {
			t.Errorf("Use(%d): no error", n)
		}
	}
}

func TestExhaustedSequenceDoesNotWrap(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state")
	if _, err := Use(path, Max); err != nil {
		t.Fatal(err)
	}
	if n, err := Next(path); !errors.Is(err, ErrExhausted) {
		t.Fatalf("Next after Max = %d, %v; want ErrExhausted", n, err)
	}
	if last, _ := Last(path); last != Max {
		t.Errorf("state changed to %d after a refused reservation", last)
	}
}

func TestCorruptStateIsAnError(t *testing.T) {
	for _, content := range []string{"abc", "-4", "1000000000", "12 13"} {
		path := filepath.Join(t.TempDir(), "state")
		os.WriteFile(path, []byte(content), 0o644)
		var se *StateError
		if _, err := Next(path); !errors.As(err, &se) {
			t.Errorf("state %q: err = %v, want StateError", content, err)
		}
	}
}

func TestDefaultPathIsTheUsersStateDirectory(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/var/lib/someone/state")
	if p, err := DefaultPath(); err != nil || p != filepath.Join("/var/lib/someone/state", "perdiem", "control-number") {
		t.Errorf("with XDG_STATE_HOME: %q, %v", p, err)
	}
	// A relative XDG_STATE_HOME is ignored, as the XDG specification says:
	// the state must not depend on the current directory.
	t.Setenv("XDG_STATE_HOME", "state")
	t.Setenv("HOME", "/home/biller")
	p, err := DefaultPath()
	if err != nil || !filepath.IsAbs(p) {
		t.Errorf("with a relative XDG_STATE_HOME: %q, %v", p, err)
	}
	if runtime.GOOS == "linux" && p != "/home/biller/.local/state/perdiem/control-number" {
		t.Errorf("linux default %q", p)
	}
}

// Release puts the state back as it was: the numbers were never seen.
func TestReleaseGivesNumbersBack(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "state")
	r, err := Reserve(path, Request{Count: 3})
	if err != nil || r.First() != 1 {
		t.Fatalf("Reserve = %v, %v", r, err)
	}
	if last, _ := Last(path); last != 3 {
		t.Errorf("while reserved, Last = %d; want 3 recorded before any output", last)
	}
	if err := r.Release(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("state file after releasing the first reservation: %v; want none, as before", err)
	}
	if n, _ := Next(path); n != 1 {
		t.Errorf("Next after Release = %d, want 1", n)
	}
	r, _ = Reserve(path, Request{})
	r.Release()
	r.Commit() // after Release: no effect
	if last, _ := Last(path); last != 1 {
		t.Errorf("Last = %d after a released reservation, want 1", last)
	}
	r, _ = Reserve(path, Request{})
	r.Commit()
	r.Release() // after Commit: no effect
	if last, _ := Last(path); last != 2 {
		t.Errorf("Last = %d after a committed reservation, want 2", last)
	}
}

func TestFloorCountsAsUsed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state")
	r, err := Reserve(path, Request{Floor: 41})
	if err != nil || r.First() != 42 {
		t.Fatalf("Reserve above floor 41 = %v, %v", r, err)
	}
	r.Commit()
	var ue *UsedError
	if _, err := Reserve(path, Request{First: 30, Floor: 41}); !errors.As(err, &ue) {
		t.Errorf("First below the floor: %v", err)
	}
	if _, err := Reserve(path, Request{First: Max, Count: 2}); !errors.Is(err, ErrExhausted) {
		t.Errorf("a run past Max: %v", err)
	}
}

// A reservation holds the lock: a second one waits until the first is
// committed, and then continues after its numbers.
func TestReservationHoldsTheLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state")
	r, err := Reserve(path, Request{})
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan int64)
	go func() {
		n, err := Next(path)
		if err != nil {
			t.Error(err)
		}
		got <- n
	}()
	select {
	case n := <-got:
		t.Fatalf("a second reservation got %d while the first was held", n)
	case <-time.After(200 * time.Millisecond):
	}
	r.Commit()
	if n := <-got; n != 2 {
		t.Errorf("second reservation %d, want 2", n)
	}
}

// checkDistinct fails unless got holds exactly 1..len(got).
func checkDistinct(t *testing.T, got []int64) {
	t.Helper()
	sort.Slice(got, func(i, j int) bool { return got[i] < got[j] })
	for i, n := range got {
		if n != int64(i+1) {
			t.Fatalf("numbers handed out: %v…; want 1..%d each once", got[:min(len(got), i+3)], len(got))
		}
	}
}

func TestConcurrentReservationsAreDistinct(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state")
	const workers, each = 8, 40
	var mu sync.Mutex
	var got []int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				n, err := Next(path)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				got = append(got, n)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(got) != workers*each {
		t.Fatalf("%d numbers, want %d", len(got), workers*each)
	}
	checkDistinct(t, got)
}

// TestConcurrentProcessesGetDistinctNumbers runs this test binary as several
// processes at once, each reserving numbers from one state file.
func TestConcurrentProcessesGetDistinctNumbers(t *testing.T) {
	if path := os.Getenv("CTLNUM_CHILD_STATE"); path != "" {
		for range 25 {
			n, err := Next(path)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			fmt.Println(n)
		}
		return
	}
	path := filepath.Join(t.TempDir(), "state")
	const procs = 4
	outs := make([][]byte, procs)
	errs := make([]error, procs)
	var wg sync.WaitGroup
	for i := range procs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^TestConcurrentProcessesGetDistinctNumbers$")
			cmd.Env = append(os.Environ(), "CTLNUM_CHILD_STATE="+path)
			outs[i], errs[i] = cmd.Output()
		}()
	}
	wg.Wait()
	var got []int64
	for i := range procs {
		if errs[i] != nil {
			t.Fatalf("child %d: %v", i, errs[i])
		}
		for _, f := range strings.Fields(string(outs[i])) {
			if n, err := strconv.ParseInt(f, 10, 64); err == nil {
				got = append(got, n)
			}
		}
	}
	if len(got) != procs*25 {
		t.Fatalf("%d numbers from children, want %d", len(got), procs*25)
	}
	checkDistinct(t, got)
}

func BenchmarkNext(b *testing.B) {
	path := filepath.Join(b.TempDir(), "state")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Next(path); err != nil {
			b.Fatal(err)
		}
	}
}
