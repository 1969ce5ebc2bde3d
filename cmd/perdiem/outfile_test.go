package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/ctlnum"
)

// perdiemCmd runs the test binary as the perdiem command (see TestMain).
func perdiemCmd(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "PERDIEM_RUN_MAIN=1")
	return cmd
}

func exitCode(t *testing.T, err error) int {
	t.Helper()
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok && ee.Exited() {
		return ee.ExitCode()
	}
	t.Fatalf("process: %v", err)
	return -1
}

func lastNumber(t *testing.T, state string) int64 {
	t.Helper()
	n, err := ctlnum.Last(state)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A device is written through, never replaced by a regular file; a full
// one is an error and its control number is not used.
func TestClaimToDevices(t *testing.T) {
	for _, dev := range []string{"/dev/null", "/dev/full"} {
		if st, err := os.Stat(dev); err != nil || st.Mode()&os.ModeCharDevice == 0 {
			t.Skipf("%s: %v", dev, err)
		}
	}
	state := filepath.Join(t.TempDir(), "state")
	code, _, stderr := runClaimCmd(t, "", claimDoc1, "--out", "/dev/full", "--state", state)
	if code != exitFindings || !strings.Contains(stderr, "no space left") {
		t.Errorf("/dev/full: exit %d, %s", code, stderr)
	}
	if n := lastNumber(t, state); n != 0 {
		t.Errorf("/dev/full used control number %d", n)
	}
	if code, _, stderr := runClaimCmd(t, "", claimDoc1, "--out", "/dev/null", "--state", state); code != exitOK {
		t.Errorf("/dev/null: exit %d, %s", code, stderr)
	}
	for _, dev := range []string{"/dev/null", "/dev/full"} {
		if st, err := os.Lstat(dev); err != nil || st.Mode()&os.ModeCharDevice == 0 {
			t.Fatalf("%s is no longer a device: %v %v", dev, st.Mode(), err)
		}
	}
}

// A symbolic link stays a link; its target gets the interchange and keeps
// its mode.
func TestClaimThroughSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "real.x12")
	os.WriteFile(target, []byte("old"), 0o640)
	link := filepath.Join(dir, "link.x12")
	if err := os.Symlink("real.x12", link); err != nil {
		t.Skip(err)
	}
	if code, _, stderr := runClaimCmd(t, "", claimDoc1, "--out", link); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if st, _ := os.Lstat(link); st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("link replaced by a %v", st.Mode())
	}
	readClaims(t, target)
	if st, _ := os.Stat(target); st.Mode().Perm() != 0o640 {
		t.Errorf("target mode %v, want 0640 kept", st.Mode().Perm())
	}
}

// The output is never one of the inputs: replacing it would lose them.
func TestOutputIsNeverAnInput(t *testing.T) {
	dir := t.TempDir()
	doc := filepath.Join(dir, "doc.json")
	raw, _ := os.ReadFile(claimDoc1)
	os.WriteFile(doc, raw, 0o600)
	os.Symlink("doc.json", filepath.Join(dir, "alias.json"))
	state := filepath.Join(dir, "state")
	for _, out := range []string{doc, filepath.Join(dir, "alias.json"), filepath.Join(dir, ".", "doc.json")} {
		code, _, stderr := runClaimCmd(t, "", doc, "--out", out, "--state", state)
		if code != exitInput || !strings.Contains(stderr, "is the input") {
			t.Errorf("--out %s: exit %d, %s", out, code, stderr)
		}
	}
	if code, _, stderr := runClaimCmd(t, "", doc, "--out", state, "--state", state, "--control", "3"); code != exitInput {
		t.Errorf("--out the state file: exit %d, %s", code, stderr)
	}
	f, _ := os.Open(doc)
	defer f.Close()
	var errb bytes.Buffer
	if code := run(&env{stdin: f, stdout: io.Discard, stderr: &errb}, []string{"claim", "-", "--out", doc, "--state", state}); code != exitInput || !strings.Contains(errb.String(), "standard input") {
		t.Errorf("--out the file on standard input: exit %d, %s", code, errb.String())
	}
	if b, _ := os.ReadFile(doc); !bytes.Equal(b, raw) {
		t.Error("the input was changed")
	}
	if n := lastNumber(t, state); n != 0 {
		t.Errorf("a refused run used control number %d", n)
	}
	tree := filepath.Join(dir, "tree.json")
	var out bytes.Buffer
	run(&env{stdout: &out, stderr: io.Discard}, []string{"read", "--tree", "../../testdata/x12/837p/synthetic__home-infusion-good.x12"})
	os.WriteFile(tree, out.Bytes(), 0o600)
	if code, _, stderr := runCmd("", "write", tree, "--out", tree); code != exitInput || !strings.Contains(stderr, "is the input") {
		t.Errorf("write --out its input: exit %d, %s", code, stderr)
	}
}

// A closed, full or broken standard output is an error, exit status 1,
// and a claim written there uses no control number.
func TestStandardOutputFailures(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip(err)
	}
	state := filepath.Join(t.TempDir(), "state")
	closed := func(args ...string) *exec.Cmd {
		cmd := perdiemCmd()
		cmd.Path, _ = exec.LookPath("sh")
		cmd.Args = append([]string{"sh", "-c", `exec "$0" "$@" >&-`, os.Args[0]}, args...)
		return cmd
	}
	full := func(args ...string) *exec.Cmd {
		cmd := perdiemCmd(args...)
		f, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
		if err != nil {
			t.Skip(err)
		}
		t.Cleanup(func() { f.Close() })
		cmd.Stdout = f
		return cmd
	}
	for _, tc := range []struct {
		name string
		cmd  *exec.Cmd
		want string
	}{
		{"code, closed", closed("code", "../../examples/episode.json"), "standard output is closed"},
		{"code table, closed", closed("code", "--format", "table", "../../examples/episode.json"), "standard output is closed"},
		{"claim, closed", closed("claim", claimDoc1, "--state", state), "standard output is closed"},
		{"code table, full", full("code", "--format", "table", "../../examples/episode.json"), "no space left"},
		{"claim, full", full("claim", claimDoc1, "--state", state), "no space left"},
		{"read, full", full("read", "../../testdata/x12/837p/synthetic__home-infusion-good.x12"), "no space left"},
	} {
		var errb bytes.Buffer
		tc.cmd.Stderr = &errb
		if code := exitCode(t, tc.cmd.Run()); code != exitFindings || !strings.Contains(errb.String(), tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want 1 and %q", tc.name, code, errb.String(), tc.want)
		}
	}
	if n := lastNumber(t, state); n != 0 {
		t.Errorf("lost claims used control number %d", n)
	}
	// >/dev/null opens the device write-only: that is a choice, not a
	// closed output.
	cmd := perdiemCmd("code", "../../examples/episode.json")
	if err := cmd.Run(); err != nil {
		t.Errorf(">/dev/null: %v", err)
	}
	// A reader that goes away.
	cmd = perdiemCmd("code", "--jsonl", "../../examples/month.jsonl")
	pr, pw, _ := os.Pipe()
	pr.Close()
	cmd.Stdout = pw
	var errb bytes.Buffer
	cmd.Stderr = &errb
	code := exitCode(t, cmd.Run())
	pw.Close()
	if code != exitFindings || !strings.Contains(errb.String(), "broken pipe") {
		t.Errorf("broken pipe: exit %d, %s", code, errb.String())
	}
}
