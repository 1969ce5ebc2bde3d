// Package ctlnum hands out interchange control numbers (ISA13, echoed in GS06)
// that are never reused. A reused ISA13 gets a whole file rejected as a
// duplicate, so the last number given out is kept in a small state file and
// every reservation goes through a lock, a temporary file and a rename: two
// concurrent runs never get the same number, and a crash at any point leaves
// either the old or the new number on disk. A number is written to the state
// file before it is returned, so a run that fails after reserving burns its
// number instead of handing it to the next run.
package ctlnum

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/perdiem/perdiem/internal/atomicfile"
)

// Max is the largest control number: ISA13 has nine digits.
const Max = 999999999

// DefaultName is the state file's name when none is given: it sits in the
// directory the interchange is written to, so every file written to that
// directory draws from one sequence.
const DefaultName = ".perdiem-control"

// ErrExhausted is returned when the sequence has reached Max. Numbers never
// wrap around, since starting again at 1 would reuse them.
var ErrExhausted = errors.New("control numbers exhausted (999999999 reached); start a new state file only if the receiver accepts reused numbers")

// DefaultPath returns the state file for an interchange written to out; for
// standard output (out == "" or "-") it is in the current directory.
func DefaultPath(out string) string {
	if out == "" || out == "-" {
		return DefaultName
	}
	return filepath.Join(filepath.Dir(out), DefaultName)
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

func (e *UsedError) Error() string {
	return fmt.Sprintf("control number %d is not above the last one used (%d, recorded in %s)", e.Requested, e.Last, e.Path)
}

// Next reserves the number after the last one recorded in the state file at
// path (1 when the file does not exist yet) and records it.
func Next(path string) (int64, error) {
	return reserve(path, 0)
}

// Use reserves n itself, for callers that number interchanges on their own
// (perdiem claim --control N). n must be above the last recorded number;
// the state file then records n, so later calls to Next continue after it.
func Use(path string, n int64) (int64, error) {
	if n < 1 || n > Max {
		return 0, fmt.Errorf("control number %d: want 1..%d", n, Max)
	}
	return reserve(path, n)
}

// Last returns the last number recorded at path, 0 when there is none.
func Last(path string) (int64, error) {
	return read(path)
}

func reserve(path string, want int64) (n int64, err error) {
	unlock, err := lock(path)
	if err != nil {
		return 0, err
	}
	defer func() {
		if uerr := unlock(); err == nil && uerr != nil {
			n, err = 0, uerr
		}
	}()
	last, err := read(path)
	if err != nil {
		return 0, err
	}
	switch {
	case want != 0 && want <= last:
		return 0, &UsedError{Path: path, Requested: want, Last: last}
	case want != 0:
		n = want
	case last >= Max:
		return 0, ErrExhausted
	default:
		n = last + 1
	}
	if err := write(path, n); err != nil {
		return 0, err
	}
	return n, nil
}

func read(path string) (int64, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	s := string(bytes.TrimSpace(b))
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > Max {
		return 0, &StateError{Path: path, Content: s}
	}
	return n, nil
}

// write replaces the state file whole (atomicfile), so a crash never
// leaves a half-written number.
func write(path string, n int64) error {
	return atomicfile.Write(path, 0o600, func(w io.Writer) error {
		_, err := io.WriteString(w, strconv.FormatInt(n, 10)+"\n")
		return err
	})
}
