//go:build unix

package atomicfile

import (
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func TestFIFOIsWrittenThrough(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pipe")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skip(err)
	}
	got := make(chan string)
	go func() {
		f, err := os.Open(path)
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(f)
		f.Close()
		got <- string(b)
	}()
	if err := Write(path, writeString("ISA*00")); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "ISA*00" {
		t.Errorf("reader got %q", s)
	}
	if st, err := os.Lstat(path); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("FIFO replaced: %v %v", st.Mode(), err)
	}
}

// TestAbortEndsAWriteBlockedOnAFIFO: a FIFO whose reader stopped reading
// blocks the writer. Abort, as the interrupt handler calls it, must not
// wait for that write: it closes the FIFO, the write fails, and the output
// counts as delivered (the reader may have taken part of it).
func TestAbortEndsAWriteBlockedOnAFIFO(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pipe")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skip(err)
	}
	// A reader that never reads: opened, so the writer's open returns.
	r, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	wrote := make(chan error, 1)
	go func() {
		_, err := f.Write(make([]byte, 4<<20)) // far more than a pipe holds
		wrote <- err
	}()
	select {
	case err := <-wrote:
		t.Fatalf("write to a FIFO nobody reads returned %v; want it blocked", err)
	case <-time.After(200 * time.Millisecond):
	}
	aborted := make(chan struct{})
	go func() { f.Abort(); close(aborted) }()
	select {
	case <-aborted:
	case <-time.After(5 * time.Second):
		t.Fatal("Abort waited for the blocked write")
	}
	select {
	case err := <-wrote:
		if err == nil {
			t.Error("the blocked write succeeded after Abort")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the blocked write did not end after Abort")
	}
	if !f.Delivered() {
		t.Error("Delivered is false though part of the write may have reached the reader")
	}
}
