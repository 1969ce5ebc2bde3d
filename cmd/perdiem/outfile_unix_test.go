//go:build unix

package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/perdiem/perdiem/ctlnum"
)

// A FIFO is written through: its reader gets the interchange and it stays
// a FIFO.
func TestClaimToFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip(err)
	}
	got := make(chan []byte)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- nil
			return
		}
		b, _ := io.ReadAll(f)
		f.Close()
		got <- b
	}()
	if code, _, stderr := runClaimCmd(t, "", claimDoc1, "--out", fifo); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if b := <-got; !bytes.HasPrefix(b, []byte("ISA*")) || !bytes.HasSuffix(b, []byte("~")) {
		t.Errorf("reader got %.40q", b)
	}
	if st, err := os.Lstat(fifo); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("FIFO replaced: %v %v", st.Mode(), err)
	}
}

// A new output file is readable by its owner only, whatever the umask; an
// existing file keeps its mode.
func TestOutputModeUnderAnyUmask(t *testing.T) {
	dir := t.TempDir()
	for _, mask := range []int{0o077, 0o022, 0} {
		old := syscall.Umask(mask)
		out := filepath.Join(dir, "new.x12")
		os.Remove(out)
		code, _, stderr := runClaimCmd(t, "", claimDoc1, "--out", out)
		syscall.Umask(old)
		if code != exitOK {
			t.Fatalf("umask %03o: exit %d, %s", mask, code, stderr)
		}
		if st, _ := os.Stat(out); st.Mode().Perm() != 0o600 {
			t.Errorf("umask %03o: new file mode %v, want 0600", mask, st.Mode().Perm())
		}
	}
	kept := filepath.Join(dir, "kept.x12")
	os.WriteFile(kept, nil, 0o600)
	os.Chmod(kept, 0o604)
	if code, _, stderr := runClaimCmd(t, "", claimDoc1, "--out", kept); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if st, _ := os.Stat(kept); st.Mode().Perm() != 0o604 {
		t.Errorf("replaced file mode %v, want its own 0604", st.Mode().Perm())
	}
}

// asUser runs cmd as an unprivileged user when the tests run as root, so
// that permissions apply; the binary and dirs must be reachable by it.
func asUser(t *testing.T, cmd *exec.Cmd, dirs ...string) {
	t.Helper()
	if os.Getuid() != 0 {
		return
	}
	bin := filepath.Join(t.TempDir(), "perdiem.test")
	data, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(bin, data, 0o755)
	top := filepath.Clean(os.TempDir())
	for _, d := range append(dirs, filepath.Dir(bin)) {
		if !strings.HasPrefix(d, top+string(filepath.Separator)) {
			t.Skipf("%s is outside %s: cannot open it to another user", d, top)
		}
		for ; d != top; d = filepath.Dir(d) {
			if st, err := os.Stat(d); err == nil && st.Mode().Perm()&0o005 != 0o005 {
				os.Chmod(d, st.Mode().Perm()|0o005)
			}
		}
	}
	cmd.Path, cmd.Args[0] = bin, bin
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
}

// A folder the user may not write in: a clear error, exit status 2, and
// no control number used.
func TestClaimIntoReadOnlyFolder(t *testing.T) {
	dir := t.TempDir()
	ro := filepath.Join(dir, "ro")
	os.Mkdir(ro, 0o555)
	stateDir := filepath.Join(dir, "state")
	os.Mkdir(stateDir, 0o777)
	os.Chmod(stateDir, 0o777)
	state := filepath.Join(stateDir, "ctl")
	doc := filepath.Join(dir, "doc.json")
	raw, _ := os.ReadFile(claimDoc1)
	os.WriteFile(doc, raw, 0o644)
	cmd := perdiemCmd("claim", doc, "--out", filepath.Join(ro, "out.x12"), "--state", state)
	asUser(t, cmd, ro, stateDir)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	code := exitCode(t, cmd.Run())
	if code != exitInput || !strings.Contains(errb.String(), "cannot create a temporary file in") || !strings.Contains(errb.String(), "permission denied") {
		t.Errorf("exit %d, stderr %s", code, errb.String())
	}
	if entries, _ := os.ReadDir(ro); len(entries) != 0 {
		t.Errorf("files in the read-only folder: %v", entries)
	}
	if n := lastNumber(t, state); n != 0 {
		t.Errorf("control number %d used", n)
	}
}

// waitFor polls until cond holds or the process has ended.
func waitFor(t *testing.T, cond func() bool, exited <-chan struct{}) bool {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if cond() {
			return true
		}
		select {
		case <-exited:
			return cond()
		case <-time.After(time.Millisecond):
		}
	}
	t.Fatal("timed out")
	return false
}

func tempFiles(dir string) []string {
	m, _ := filepath.Glob(filepath.Join(dir, ".*.perdiem-tmp-*"))
	return m
}

// TestSignalsCleanUp runs perdiem claim as a process and stops it with
// SIGTERM or SIGINT while its output is open (waiting for the control
// number lock, which the test holds) and while it is writing a large
// interchange: the temporary file is removed, no output appears and the
// control number is not used. After SIGKILL, which cannot be caught, the
// next run removes the temporary file left behind.
func TestSignalsCleanUp(t *testing.T) {
	fixedNow(t)
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	out := filepath.Join(dir, "out.x12")
	start := func(sig os.Signal, in string) (done chan struct{}, wait func() error) {
		cmd := perdiemCmd("claim", in, "--jsonl", "--out", out, "--state", state)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done = make(chan struct{})
		var err error
		go func() { err = cmd.Wait(); close(done) }()
		return done, func() error {
			cmd.Process.Signal(sig)
			<-done
			return err
		}
	}
	small := filepath.Join(dir, "small.jsonl")
	os.WriteFile(small, []byte(jsonlDocs(t, 2, nil)), 0o600)

	for _, sig := range []os.Signal{syscall.SIGTERM, syscall.SIGINT} {
		held, err := ctlnum.Reserve(state, ctlnum.Request{})
		if err != nil {
			t.Fatal(err)
		}
		done, stop := start(sig, small)
		if !waitFor(t, func() bool { return len(tempFiles(dir)) > 0 }, done) {
			t.Fatal("no temporary file while waiting for the lock")
		}
		err = stop()
		held.Release()
		if ee, ok := err.(*exec.ExitError); !ok || ee.Sys().(syscall.WaitStatus).Signal() != sig {
			t.Errorf("%v: process ended with %v, want the signal", sig, err)
		}
		if m := tempFiles(dir); len(m) != 0 {
			t.Errorf("%v: temporary files left: %v", sig, m)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("%v: output appeared", sig)
		}
		if n := lastNumber(t, state); n != 0 {
			t.Errorf("%v: control number %d used", sig, n)
		}
	}

	// Mid-write: a batch large enough that writing takes a while.
	big := filepath.Join(dir, "big.jsonl")
	doc := jsonlDocs(t, 1, nil)
	os.WriteFile(big, bytes.Repeat([]byte(doc), 4000), 0o600)
	done, stop := start(syscall.SIGTERM, big)
	caught := waitFor(t, func() bool {
		m := tempFiles(dir)
		if len(m) == 0 {
			return false
		}
		st, err := os.Stat(m[0])
		return err == nil && st.Size() > 0
	}, done)
	procErr := stop()
	if ee, ok := procErr.(*exec.ExitError); !caught || !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGTERM {
		t.Skipf("the write ended before the test could interrupt it (%v)", procErr)
	}
	if m := tempFiles(dir); len(m) != 0 {
		t.Errorf("mid-write: temporary files left: %v", m)
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("mid-write: output appeared although the run was stopped")
	}
	if n := lastNumber(t, state); n != 0 {
		t.Errorf("mid-write: no output, but control number %d used", n)
	}

	// SIGKILL while the output is open: the temporary file stays, and the
	// next run in that folder removes it.
	held, _ := ctlnum.Reserve(state, ctlnum.Request{})
	done, stop = start(syscall.SIGKILL, small)
	waitFor(t, func() bool { return len(tempFiles(dir)) > 0 }, done)
	stop()
	held.Release()
	if len(tempFiles(dir)) != 1 {
		t.Fatalf("after SIGKILL: %v, want the temporary file left behind", tempFiles(dir))
	}
	if code, _, stderr := runClaimCmd(t, "", small, "--jsonl", "--out", out, "--state", state); code != exitOK {
		t.Fatalf("next run: exit %d, %s", code, stderr)
	}
	if m := tempFiles(dir); len(m) != 0 {
		t.Errorf("the next run left %v", m)
	}
}

// TestIgnoredSignalStaysIgnored: a run started with SIGINT ignored (a
// background job of a script) is not stopped by SIGINT: it finishes and
// writes its output.
func TestIgnoredSignalStaysIgnored(t *testing.T) {
	fixedNow(t)
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	out := filepath.Join(dir, "out.x12")
	small := filepath.Join(dir, "small.jsonl")
	os.WriteFile(small, []byte(jsonlDocs(t, 2, nil)), 0o600)
	held, err := ctlnum.Reserve(state, ctlnum.Request{})
	if err != nil {
		t.Fatal(err)
	}
	defer held.Release()
	cmd := exec.Command("/bin/sh", "-c", `trap "" INT; exec "$0" "$@"`, os.Args[0], "claim", small, "--jsonl", "--out", out, "--state", state)
	cmd.Env = append(os.Environ(), "PERDIEM_RUN_MAIN=1")
	if err := cmd.Start(); err != nil {
		t.Skip(err)
	}
	done := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(done) }()
	if !waitFor(t, func() bool { return len(tempFiles(dir)) > 0 }, done) {
		t.Fatalf("no temporary file while waiting for the lock (%v)", waitErr)
	}
	cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-done:
		t.Fatalf("SIGINT, ignored at start, ended the run: %v", waitErr)
	case <-time.After(300 * time.Millisecond):
	}
	held.Commit()
	<-done
	if waitErr != nil {
		t.Fatalf("run ended with %v, want exit 0", waitErr)
	}
	if _, err := os.Stat(out); err != nil {
		t.Errorf("no output: %v", err)
	}
}
