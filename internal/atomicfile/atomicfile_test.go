package atomicfile

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestWriteIsWholeOrNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.txt")
	if err := Write(path, writeString("first")); err != nil {
		t.Fatal(err)
	}
	failed := errors.New("disk on fire")
	err := Write(path, func(w io.Writer) error { io.WriteString(w, "half"); return failed })
	if !errors.Is(err, failed) {
		t.Fatalf("err %v", err)
	}
	b, _ := os.ReadFile(path)
	if string(b) != "first" {
		t.Errorf("a failed write changed the file: %q", b)
	}
	if n := names(t, dir); len(n) != 1 {
		t.Errorf("temporary files left behind: %v", n)
	}
}

// A new file holds patient data: only its owner reads it, whatever the
// umask; a replaced file keeps its mode, tighter or looser.
func TestModes(t *testing.T) {
	dir := t.TempDir()
	fresh := filepath.Join(dir, "new.x12")
	if err := Write(fresh, writeString("x")); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(fresh); st.Mode().Perm() != 0o600 {
		t.Errorf("new file mode %v, want 0600", st.Mode().Perm())
	}
	for _, mode := range []os.FileMode{0o640, 0o600, 0o644} {
		old := filepath.Join(dir, "old"+strconv.Itoa(int(mode)))
		os.WriteFile(old, []byte("old"), 0o600)
		os.Chmod(old, mode)
		if err := Write(old, writeString("new")); err != nil {
			t.Fatal(err)
		}
		if st, _ := os.Stat(old); st.Mode().Perm() != mode {
			t.Errorf("replaced file mode %v, want its own %v", st.Mode().Perm(), mode)
		}
	}
}

// A symbolic link stays a link: its target gets the content, also a
// target that does not exist yet.
func TestSymlinkTargetIsReplaced(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "real"), 0o700)
	target := filepath.Join(dir, "real", "out.x12")
	os.WriteFile(target, []byte("old"), 0o640)
	link := filepath.Join(dir, "link.x12")
	if err := os.Symlink("real/out.x12", link); err != nil {
		t.Skip(err)
	}
	chain := filepath.Join(dir, "chain.x12")
	os.Symlink("link.x12", chain)
	if err := Write(chain, writeString("new")); err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{link, chain} {
		if st, err := os.Lstat(l); err != nil || st.Mode()&os.ModeSymlink == 0 {
			t.Errorf("%s is no longer a link: %v %v", l, st.Mode(), err)
		}
	}
	if b, _ := os.ReadFile(target); string(b) != "new" {
		t.Errorf("target holds %q", b)
	}
	if st, _ := os.Stat(target); st.Mode().Perm() != 0o640 {
		t.Errorf("target mode %v, want 0640 kept", st.Mode().Perm())
	}
	dangling := filepath.Join(dir, "dangling.x12")
	os.Symlink("real/later.x12", dangling)
	if err := Write(dangling, writeString("later")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "real", "later.x12")); string(b) != "later" {
		t.Errorf("dangling link's target holds %q", b)
	}
	loop := filepath.Join(dir, "loop")
	os.Symlink("loop", loop)
	if err := Write(loop, writeString("x")); err == nil || !strings.Contains(err.Error(), "symbolic links") {
		t.Errorf("link loop: err %v", err)
	}
}

func TestDevicesAreWrittenThrough(t *testing.T) {
	for _, dev := range []string{"/dev/null", "/dev/full"} {
		before, err := os.Stat(dev)
		if err != nil || before.Mode()&os.ModeCharDevice == 0 {
			t.Skipf("%s: %v", dev, err)
		}
		f, err := Create(dev)
		if err != nil {
			t.Fatalf("%s: %v", dev, err)
		}
		if !f.Stream() {
			t.Errorf("%s: not written through", dev)
		}
		_, werr := f.Write([]byte("claims"))
		if dev == "/dev/full" && werr == nil {
			t.Errorf("%s: write did not fail", dev)
		}
		if dev == "/dev/null" && (werr != nil || !f.Delivered()) {
			t.Errorf("%s: write %v, delivered %v", dev, werr, f.Delivered())
		}
		f.Commit()
		if after, err := os.Stat(dev); err != nil || after.Mode() != before.Mode() {
			t.Fatalf("%s changed: %v %v", dev, after.Mode(), err)
		}
	}
}

func TestRefusals(t *testing.T) {
	dir := t.TempDir()
	if _, err := Create(dir); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("directory: err %v", err)
	}
	if _, err := Create(filepath.Join(dir, "missing", "out")); err == nil {
		t.Error("missing folder: no error")
	}
	if os.Getuid() == 0 {
		t.Log("running as root: permission refusals are tested by cmd/perdiem as another user")
		return
	}
	ro := filepath.Join(dir, "ro")
	os.Mkdir(ro, 0o500)
	if _, err := Create(filepath.Join(ro, "out")); err == nil || !strings.Contains(err.Error(), "temporary file") {
		t.Errorf("read-only folder: err %v", err)
	}
	locked := filepath.Join(dir, "locked")
	os.WriteFile(locked, []byte("keep"), 0o400)
	if err := Write(locked, writeString("x")); err == nil {
		t.Error("read-only file replaced")
	}
}

func TestAbortRemovesTheTemporaryFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out")
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("part"))
	if n := names(t, dir); len(n) != 1 || !strings.Contains(n[0], tempMarker) {
		t.Fatalf("while writing: %v", n)
	}
	f.Abort()
	if f.Delivered() {
		t.Error("aborted file delivered")
	}
	if n := names(t, dir); len(n) != 0 {
		t.Errorf("after Abort: %v", n)
	}
	if _, err := f.Write([]byte("more")); !errors.Is(err, ErrDone) {
		t.Errorf("Write after Abort: %v", err)
	}
	if err := f.Commit(); !errors.Is(err, ErrDone) {
		t.Errorf("Commit after Abort: %v", err)
	}
}

// A temporary file whose process died is removed by the next Create in
// its folder; one whose process is alive is left alone.
func TestStaleTemporaryFilesAreRemoved(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip(err)
	}
	dead := cmd.Process.Pid
	stale := filepath.Join(dir, ".out.x12"+tempMarker+strconv.Itoa(dead)+"-123")
	live := filepath.Join(dir, ".out.x12"+tempMarker+strconv.Itoa(os.Getppid())+"-456")
	other := filepath.Join(dir, ".notes"+tempMarker+"x")
	for _, p := range []string{stale, live, other} {
		os.WriteFile(p, []byte("PHI"), 0o600)
	}
	if err := Write(filepath.Join(dir, "out.x12"), writeString("x")); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{filepath.Base(live): true, filepath.Base(other): true, "out.x12": true}
	got := names(t, dir)
	if len(got) != len(want) {
		t.Errorf("files %v, want %v", got, want)
	}
	for _, n := range got {
		if !want[n] {
			t.Errorf("%s left behind", n)
		}
	}
}

func TestIsSameFile(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a")
	os.WriteFile(a, nil, 0o600)
	os.Symlink("a", filepath.Join(dir, "l"))
	if !IsSameFile(a, filepath.Join(dir, "l")) || !IsSameFile(a, filepath.Join(dir, ".", "a")) {
		t.Error("same file not recognised")
	}
	if IsSameFile(a, filepath.Join(dir, "b")) {
		t.Error("missing file is the same")
	}
}

func TestRemoveOwn(t *testing.T) {
	dir := t.TempDir()
	f, err := Create(filepath.Join(dir, "out"))
	if err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, ".x"+tempMarker+"1-1")
	os.WriteFile(other, nil, 0o600)
	RemoveOwn()
	if n := names(t, dir); len(n) != 1 || n[0] != filepath.Base(other) {
		t.Errorf("after RemoveOwn: %v, want only another process's file", n)
	}
	if err := f.Commit(); err == nil {
		t.Error("Commit after RemoveOwn succeeded")
	}
}
