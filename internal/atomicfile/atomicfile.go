// Package atomicfile writes output files that may hold patient data.
//
// A regular file (new, or replaced) is written through a temporary file
// beside it, synced, then renamed into place, so it appears whole or not at
// all. A new file gets mode 0600; a replaced file keeps its own mode, so a
// file is never made more readable than it was. A symbolic link is followed
// and its target replaced, so the link stays a link. A device or a FIFO
// (/dev/stdout, a named pipe) is written through, never replaced by a
// regular file; what is written there cannot be taken back (see
// File.Delivered).
//
// Temporary files are named ".NAME.perdiem-tmp-PID-RANDOM" and locked while
// they are written. Abort removes one, RemoveOwn all of this process's (call
// it on SIGINT or SIGTERM); one left behind by a process that was killed
// outright is removed by the next Create in the same directory.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// NewFileMode is the mode of a file that did not exist before.
const NewFileMode os.FileMode = 0o600

// tempMarker is in the name of every temporary file, so a stale one can be
// recognised.
const tempMarker = ".perdiem-tmp-"

// maxLinks bounds how many symbolic links are followed, as the kernel does.
const maxLinks = 40

// ErrDone is returned by Write after Commit or Abort.
var ErrDone = errors.New("atomicfile: file already committed or aborted")

// File is an output being written. Its methods may be called from several
// goroutines (Abort from a signal handler while another writes).
type File struct {
	mu        sync.Mutex
	path      string   // as given, for messages
	target    string   // where the content goes: path with symbolic links followed
	f         *os.File // the temporary file, or the device or FIFO itself
	stream    bool     // f is the target itself (device or FIFO)
	written   int64
	writing   int // writes under way, which may have handed over bytes
	done      bool
	committed bool
}

// Create starts writing path. It fails without side effects when path is a
// directory, a socket, an existing file this process may not write, or in a
// directory where no temporary file can be made.
func Create(path string) (*File, error) {
	target, err := resolve(path)
	if err != nil {
		return nil, err
	}
	out := &File{path: path, target: target}
	st, err := os.Stat(target)
	mode := NewFileMode
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return nil, err
	case st.IsDir():
		return nil, &os.PathError{Op: "write", Path: path, Err: errors.New("is a directory")}
	case st.Mode()&(os.ModeDevice|os.ModeCharDevice|os.ModeNamedPipe) != 0:
		// Written through: opening a FIFO waits for its reader, as a
		// shell redirection does.
		f, err := os.OpenFile(target, os.O_WRONLY|os.O_TRUNC, 0)
		if err != nil {
			return nil, err
		}
		out.f, out.stream = f, true
		return out, nil
	case !st.Mode().IsRegular():
		return nil, &os.PathError{Op: "write", Path: path, Err: fmt.Errorf("not a regular file, device or FIFO (%v)", st.Mode().Type())}
	default:
		// Replacing the file would bypass its own permissions: check that
		// it could be written in place, without changing it.
		f, err := os.OpenFile(target, os.O_WRONLY, 0)
		if err != nil {
			return nil, err
		}
		f.Close()
		mode = st.Mode().Perm()
	}
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	RemoveStale(dir)
	ourDirs.Store(dir, true) // before the file exists, for RemoveOwn
	tmp, err := os.CreateTemp(dir, "."+base+tempMarker+strconv.Itoa(os.Getpid())+"-*")
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("%s: cannot create a temporary file in %s (the output is written there, then renamed into place): %w", path, dir, err)
	}
	lockTemp(tmp)
	if mode != NewFileMode {
		if err := tmp.Chmod(mode); err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
			return nil, err
		}
	}
	out.f = tmp
	return out, nil
}

// resolve follows symbolic links in path's last element (the directories
// are left to the kernel), also to a target that does not exist yet.
func resolve(path string) (string, error) {
	for range maxLinks {
		st, err := os.Lstat(path)
		if err != nil || st.Mode()&os.ModeSymlink == 0 {
			return path, nil
		}
		link, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(filepath.Dir(path), link)
		}
		path = link
	}
	return "", &os.PathError{Op: "write", Path: path, Err: errors.New("too many levels of symbolic links")}
}

// Name returns the path the content goes to (symbolic links followed).
func (f *File) Name() string { return f.target }

// Stream reports whether the output is a device or FIFO written through.
func (f *File) Stream() bool { return f.stream }

// Write writes to the temporary file, or to the device or FIFO. The lock is
// not held while the bytes go out: a write to a FIFO whose reader has
// stopped reading blocks, and Abort (from a signal handler) must still be
// able to close the file and so end that write.
func (f *File) Write(p []byte) (int, error) {
	f.mu.Lock()
	if f.done {
		f.mu.Unlock()
		return 0, ErrDone
	}
	w := f.f
	f.writing++
	f.mu.Unlock()
	n, err := w.Write(p)
	f.mu.Lock()
	f.writing--
	f.written += int64(n)
	f.mu.Unlock()
	if err != nil && errors.Is(err, os.ErrClosed) {
		err = ErrDone
	}
	return n, err
}

// Commit makes the output final: a regular file is synced and renamed into
// place; a device or FIFO is closed. On error a temporary file is removed.
func (f *File) Commit() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done {
		return ErrDone
	}
	f.done = true
	if f.stream {
		f.committed = true
		return f.f.Close()
	}
	err := f.f.Sync()
	if cerr := f.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.f.Name(), f.target)
	}
	if err != nil {
		os.Remove(f.f.Name())
		return err
	}
	f.committed = true
	syncDir(filepath.Dir(f.target))
	return nil
}

// Abort gives up the output: a temporary file is removed and the target is
// untouched; a device or FIFO is closed. It does nothing after Commit or
// an earlier Abort.
func (f *File) Abort() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done {
		return
	}
	f.done = true
	f.f.Close()
	if !f.stream {
		os.Remove(f.f.Name())
	}
}

// Delivered reports whether any of the content may have reached the
// target: after a successful Commit, or once a byte was written to a
// device or FIFO (a reader may have seen it, whatever happens next), or
// while a write to one is under way (Abort cut it short: part of it may
// have reached the reader).
func (f *File) Delivered() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.committed || f.stream && (f.written > 0 || f.writing > 0)
}

// Write creates or replaces path with what write writes, as Create and
// Commit do. On any error nothing is left behind and a regular file at
// path is untouched.
func Write(path string, write func(io.Writer) error) error {
	f, err := Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Abort()
		return err
	}
	return f.Commit()
}

// RemoveStale removes the temporary files in dir that no live process is
// writing: those left by a process killed before it could clean up.
func RemoveStale(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		i := strings.LastIndex(name, tempMarker)
		if !strings.HasPrefix(name, ".") || i < 0 || !e.Type().IsRegular() {
			continue
		}
		pid, _, ok := strings.Cut(name[i+len(tempMarker):], "-")
		n, err := strconv.Atoi(pid)
		if !ok || err != nil {
			continue
		}
		removeIfStale(filepath.Join(dir, name), n)
	}
}

// ourDirs holds the directories this process has made temporary files in.
var ourDirs sync.Map

// RemoveOwn removes every temporary file of this process that is not yet
// renamed into place, also one whose Create has not returned yet. It is for
// a signal handler about to end the process: Files still being written fail
// from then on.
func RemoveOwn() {
	own := tempMarker + strconv.Itoa(os.Getpid()) + "-"
	ourDirs.Range(func(dir, _ any) bool {
		entries, _ := os.ReadDir(dir.(string))
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".") && strings.Contains(e.Name(), own) {
				os.Remove(filepath.Join(dir.(string), e.Name()))
			}
		}
		return true
	})
}

// syncDir makes a rename durable where the platform allows it; a failure
// here is not worth failing the write over.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// IsSameFile reports whether a and b name the same existing file; an error
// in reaching either means they are not.
func IsSameFile(a, b string) bool {
	sa, err := os.Stat(a)
	if err != nil {
		return false
	}
	sb, err := os.Stat(b)
	return err == nil && os.SameFile(sa, sb)
}
