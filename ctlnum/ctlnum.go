// Package ctlnum hands out interchange control numbers (ISA13, echoed in GS06)
// that are never reused. A reused ISA13 gets a whole file rejected as a
// duplicate, so the last number given out is kept in a small state file.
//
// A reservation holds a lock on the state file from the moment it records
// its numbers until the caller says whether the output that carries them
// was delivered (Commit) or lost before anyone could see it (Release, which
// puts the previous number back). Two concurrent runs never get the same
// number, and a process that dies while holding a reservation leaves its
// numbers recorded: skipped, never reused.
package ctlnum

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"

	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/internal/atomicfile"
)

// Max is the largest control number: ISA13 has nine digits.
const Max = 999999999

// LegacyName is the state file earlier versions kept in the output's
// directory (or the current one). Callers that move to DefaultPath should
// continue after the number recorded there (Request.Floor).
const LegacyName = ".perdiem-control"

// ErrExhausted is returned when the sequence has reached Max. Numbers never
// wrap around, since starting again at 1 would reuse them.
var ErrExhausted = errors.New("control numbers exhausted (999999999 reached); start a new state file only if the receiver accepts reused numbers")

// DefaultPath returns the user's state file, the same whatever the current
// directory: $XDG_STATE_HOME/perdiem/control-number, else
// ~/.local/state/perdiem/control-number on Unix,
// ~/Library/Application Support/perdiem/control-number on macOS and
// %LocalAppData%\perdiem\control-number on Windows.
func DefaultPath() (string, error) {
	dir, err := stateDir()
	if err != nil {
		return "", fmt.Errorf("no state directory for control numbers (%v); give a state file", err)
	}
	return filepath.Join(dir, "perdiem", "control-number"), nil
}

func stateDir() (string, error) {
	if d := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(d) {
		return d, nil
	}
	switch runtime.GOOS {
	case "windows":
		return os.UserCacheDir() // %LocalAppData%
	case "darwin", "ios":
		return os.UserConfigDir() // ~/Library/Application Support
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".local", "state"), nil
}

// StateError says the state file exists but does not hold a control number.
type StateError struct {
	Path    string
	Content string
}

func (e *StateError) Error() string {
	return fmt.Sprintf("%s: control number state %q: want one number 0..%d", e.Path, e.Content, Max)
}

// UsedError says an explicitly requested number is not above the last one
// given out, so using it could repeat an earlier interchange's number.
type UsedError struct {
	Path      string
	Requested int64
	Last      int64
}

// ErrorCode says a control number already used is a conflict with the
// recorded state, not a failure of the program.
func (e *UsedError) ErrorCode() errs.Code { return errs.Conflict }

func (e *UsedError) Error() string {
	return fmt.Sprintf("control number %d is not above the last one used (%d, recorded in %s)", e.Requested, e.Last, e.Path)
}

// Request says which numbers to reserve.
type Request struct {
	// First is the first number wanted; 0 means the one after the last
	// recorded. A number given must be above the last recorded.
	First int64
	// Count is how many consecutive numbers; 0 means 1.
	Count int
	// Floor counts as used too: numbers at or below it are never handed
	// out (a number recorded in another, older state file).
	Floor int64
}

// Reservation is a run of numbers recorded in the state file and held
// under its lock until Commit or Release.
type Reservation struct {
	mu      sync.Mutex
	path    string
	first   int64
	count   int
	prev    int64
	existed bool
	unlock  func() error
	done    bool
}

// Reserve locks the state file at path (creating its directory), records
// the numbers req asks for and returns them still locked: another Reserve
// on the same file waits until this one is committed or released. Call one
// of them, also on every error path.
func Reserve(path string, req Request) (*Reservation, error) {
	if req.Count <= 0 {
		req.Count = 1
	}
	if req.First != 0 && (req.First < 1 || req.First > Max) {
		return nil, fmt.Errorf("control number %d: want 1..%d", req.First, Max)
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
	}
	unlock, err := lock(path)
	if err != nil {
		return nil, err
	}
	r, err := reserve(path, req)
	if err != nil {
		unlock()
		return nil, err
	}
	r.unlock = unlock
	return r, nil
}

func reserve(path string, req Request) (*Reservation, error) {
	last, existed, err := read(path)
	if err != nil {
		return nil, err
	}
	used := max(last, req.Floor)
	first := req.First
	switch {
	case first != 0 && first <= used:
		return nil, &UsedError{Path: path, Requested: first, Last: used}
	case first == 0 && used >= Max:
		return nil, ErrExhausted
	case first == 0:
		first = used + 1
	}
	end := first + int64(req.Count) - 1
	if end > Max {
		return nil, ErrExhausted
	}
	if err := write(path, end); err != nil {
		return nil, err
	}
	return &Reservation{path: path, first: first, count: req.Count, prev: last, existed: existed}, nil
}

// First returns the first number reserved; the others follow it.
func (r *Reservation) First() int64 { return r.first }

// Commit keeps the numbers used and releases the lock. It is safe to call
// more than once, and after Release it does nothing.
func (r *Reservation) Commit() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done {
		return nil
	}
	r.done = true
	return r.unlock()
}

// Release gives the numbers back, for output that was lost before any of
// it could be seen, and releases the lock. After Commit it does nothing.
func (r *Reservation) Release() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done {
		return nil
	}
	r.done = true
	var err error
	if r.existed {
		err = write(r.path, r.prev)
	} else {
		err = os.Remove(r.path)
	}
	if uerr := r.unlock(); err == nil {
		err = uerr
	}
	return err
}

// Next reserves and commits the number after the last one recorded in the
// state file at path (1 when the file does not exist yet).
func Next(path string) (int64, error) {
	return take(path, Request{})
}

// Use reserves and commits n itself, for callers that number interchanges
// on their own (perdiem claim --control N). n must be above the last
// recorded number; the state file then records n, so later calls to Next
// continue after it.
func Use(path string, n int64) (int64, error) {
	if n < 1 || n > Max {
		return 0, fmt.Errorf("control number %d: want 1..%d", n, Max)
	}
	return take(path, Request{First: n})
}

func take(path string, req Request) (int64, error) {
	r, err := Reserve(path, req)
	if err != nil {
		return 0, err
	}
	return r.first, r.Commit()
}

// Last returns the last number recorded at path, 0 when there is none.
func Last(path string) (int64, error) {
	n, _, err := read(path)
	return n, err
}

func read(path string) (n int64, existed bool, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	s := string(bytes.TrimSpace(b))
	n, err = strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > Max {
		return 0, true, &StateError{Path: path, Content: s}
	}
	return n, true, nil
}

// write replaces the state file whole (atomicfile), so a crash never
// leaves a half-written number.
func write(path string, n int64) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := io.WriteString(w, strconv.FormatInt(n, 10)+"\n")
		return err
	})
}
