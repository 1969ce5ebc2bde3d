package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/perdiem/perdiem/ctlnum"
	"github.com/perdiem/perdiem/internal/atomicfile"
)

// errStdoutClosed is what writing to a closed standard output gives.
var errStdoutClosed = errors.New("standard output is closed")

// stdoutWriter is the process's standard output. It remembers the first
// write error, so that a command that ignored it still exits 1.
type stdoutWriter struct {
	w      io.Writer
	closed bool
	err    error
}

func (s *stdoutWriter) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	if s.closed {
		s.err = errStdoutClosed
		return 0, s.err
	}
	n, err := s.w.Write(p)
	if err != nil {
		s.err = err
	}
	return n, err
}

// output is where a command writes its result: a file given with --out or
// standard output. Commit makes it final; Abort gives it up; Delivered
// says whether any of it may have been seen (and so whether the control
// numbers in it are used up).
type output interface {
	io.Writer
	Commit() error
	Abort()
	Delivered() bool
}

// stdoutOutput is standard output as an output: nothing can be taken back
// once written, so any byte written counts as delivered.
type stdoutOutput struct {
	w       io.Writer
	written int64
}

func (s *stdoutOutput) Write(p []byte) (int, error) {
	n, err := s.w.Write(p)
	s.written += int64(n)
	return n, err
}
func (s *stdoutOutput) Commit() error   { return nil }
func (s *stdoutOutput) Abort()          {}
func (s *stdoutOutput) Delivered() bool { return s.written > 0 }

// usageError is an error in what the user asked for (exit status 2), as
// opposed to one in doing it (exit status 1).
type usageError struct{ error }

func (u usageError) Unwrap() error { return u.error }

// exitCodeOf maps an error from openOutput or writeNumbered to an exit
// status: 2 for a request that cannot be met (an output that cannot be
// created or is an input, a used control number): nothing was written; 1
// for a failure while writing.
func exitCodeOf(err error) int {
	var u usageError
	var used *ctlnum.UsedError
	if errors.As(err, &u) || errors.As(err, &used) {
		return exitInput
	}
	return exitFindings
}

// openOutput opens path for a command's result ("" or "-" is standard
// output). It refuses a path that is one of the command's inputs (named
// or given on standard input): replacing it would lose the input.
func openOutput(e *env, path string, inputs ...string) (output, error) {
	if path == "" || path == "-" {
		return &stdoutOutput{w: e.stdout}, nil
	}
	for _, in := range inputs {
		if in == "" {
			continue
		}
		if in == "-" {
			if f, ok := e.stdin.(*os.File); ok && sameAsOpen(path, f) {
				return nil, usageError{fmt.Errorf("%s is the file on standard input; write the output elsewhere", path)}
			}
			continue
		}
		if atomicfile.IsSameFile(path, in) || samePath(path, in) {
			return nil, usageError{fmt.Errorf("%s is the input %s; write the output elsewhere", path, in)}
		}
	}
	f, err := atomicfile.Create(path)
	if err != nil {
		return nil, usageError{err}
	}
	return f, nil
}

// samePath reports whether a and b are one path, for files that may not
// exist yet (a state file about to be created).
func samePath(a, b string) bool {
	a, erra := filepath.Abs(a)
	b, errb := filepath.Abs(b)
	return erra == nil && errb == nil && a == b
}

func sameAsOpen(path string, f *os.File) bool {
	a, err := os.Stat(path)
	if err != nil {
		return false
	}
	b, err := f.Stat()
	return err == nil && b.Mode().IsRegular() && os.SameFile(a, b)
}

// outputName names an output in messages.
func outputName(path string) string {
	if path == "" || path == "-" {
		return "standard output"
	}
	return path
}

// statePath returns the control number state file: the --state flag, else
// $PERDIEM_STATE, else the user's state directory (ctlnum.DefaultPath).
func statePath(flag string) (path string, isDefault bool, err error) {
	if flag != "" {
		return flag, false, nil
	}
	if p := os.Getenv("PERDIEM_STATE"); p != "" {
		return p, false, nil
	}
	p, err := ctlnum.DefaultPath()
	return p, true, err
}

// legacyFloor returns the highest number recorded in a state file that
// earlier versions kept beside the output or in the current directory, so
// that moving to the user's state file never repeats one of its numbers.
func legacyFloor(out string) (floor int64, from string) {
	dirs := []string{"."}
	if out != "" && out != "-" {
		dirs = append(dirs, filepath.Dir(out))
	}
	for _, d := range dirs {
		p := filepath.Join(d, ctlnum.LegacyName)
		if n, err := ctlnum.Last(p); err == nil && n > floor {
			floor, from = n, p
		}
	}
	return floor, from
}

// writeOutput writes a command's output to path (see openOutput): a
// regular file whole or not at all, never over one of inputs.
func writeOutput(e *env, path string, inputs []string, write func(io.Writer) error) error {
	out, err := openOutput(e, path, inputs...)
	if err != nil {
		return err
	}
	stop := onInterrupt(out.Abort)
	defer stop()
	bw := bufio.NewWriterSize(out, 1<<16)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = out.Commit()
	}
	out.Abort()
	return err
}

// resolveState returns the control number state file (statePath) and, when
// it is the default one, the floor from a legacy state file (legacyFloor),
// with a note when that floor is above the state file's last number.
func resolveState(e *env, cmd, flag, out string) (path string, floor int64, err error) {
	path, isDefault, err := statePath(flag)
	if err != nil || !isDefault {
		return path, 0, err
	}
	floor, from := legacyFloor(out)
	if floor > 0 {
		if last, _ := ctlnum.Last(path); last < floor {
			fmt.Fprintf(e.stderr, "perdiem %s: note: continuing after control number %d from %s; the sequence is now kept in %s\n", cmd, floor, from, path)
		}
	}
	return path, floor, nil
}

// numbered is the result of writeNumbered.
type numbered struct {
	first  int64
	burned bool // the write failed after part of it may have been delivered
}

// writeNumbered writes output carrying control numbers. The numbers are
// recorded in the state file (under its lock) before the first byte is
// written, and given back if the output is lost before any of it could be
// seen: an aborted temporary file, or a standard output, device or FIFO
// that took no byte. Once a byte may have been seen the numbers stay used.
// SIGINT and SIGTERM follow the same rule.
func writeNumbered(e *env, cmd string, out output, stateFlag, outPath string, req ctlnum.Request, write func(w io.Writer, first int64) error) (numbered, error) {
	var (
		mu     sync.Mutex
		res    *ctlnum.Reservation
		ended  bool
		burned bool
	)
	// finish gives up the output and decides about the numbers; it runs
	// once, on an error or on an interrupt, whichever comes first.
	finish := func() bool {
		mu.Lock()
		defer mu.Unlock()
		if !ended {
			ended = true
			out.Abort()
			if res != nil && out.Delivered() {
				res.Commit()
				burned = true
			} else if res != nil {
				res.Release()
			}
		}
		return burned
	}
	stop := onInterrupt(func() { finish() })
	defer stop()

	state, floor, err := resolveState(e, cmd, stateFlag, outPath)
	if err != nil {
		finish()
		return numbered{}, err
	}
	req.Floor = max(req.Floor, floor)
	r, err := ctlnum.Reserve(state, req)
	mu.Lock()
	res, interrupted := r, ended
	mu.Unlock()
	if err != nil || interrupted {
		finish()
		if err == nil {
			r.Release()
			err = errors.New("interrupted")
		}
		return numbered{}, err
	}
	bw := bufio.NewWriterSize(out, 1<<16)
	err = write(bw, r.First())
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = out.Commit()
	}
	if err != nil {
		return numbered{first: r.First(), burned: finish()}, err
	}
	mu.Lock()
	defer mu.Unlock()
	if ended { // interrupted after the output was committed: finish kept the numbers
		return numbered{first: r.First()}, nil
	}
	ended = true
	if err := r.Commit(); err != nil {
		return numbered{first: r.First()}, fmt.Errorf("control number state %s: %w", state, err)
	}
	return numbered{first: r.First()}, nil
}

// interrupts holds what to undo when SIGINT or SIGTERM arrives.
var interrupts struct {
	mu   sync.Mutex
	next int
	fns  map[int]func()
}

// onInterrupt registers fn to run if the process is interrupted; stop
// unregisters it.
func onInterrupt(fn func()) (stop func()) {
	interrupts.mu.Lock()
	defer interrupts.mu.Unlock()
	if interrupts.fns == nil {
		interrupts.fns = map[int]func(){}
	}
	id := interrupts.next
	interrupts.next++
	interrupts.fns[id] = fn
	return func() {
		interrupts.mu.Lock()
		delete(interrupts.fns, id)
		interrupts.mu.Unlock()
	}
}

// runInterrupts runs every registered undo, once. It keeps the lock, so no
// new work registers after it.
func runInterrupts() {
	interrupts.mu.Lock()
	for _, fn := range interrupts.fns {
		fn()
	}
	interrupts.fns = nil
}
