package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestMain lets a test run the real command: with PERDIEM_RUN_MAIN set, the
// test binary is perdiem itself (see runMain). It also keeps the tests away
// from the user's control number state: the default state directory is a
// temporary one.
func TestMain(m *testing.M) {
	if os.Getenv("PERDIEM_RUN_MAIN") == "1" {
		main()
		return
	}
	dir, err := os.MkdirTemp("", "perdiem-state-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("XDG_STATE_HOME", dir)
	os.Unsetenv("PERDIEM_STATE")
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// freshState gives the test a state directory of its own.
func freshState(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("XDG_STATE_HOME", dir)
	return dir
}

// runMain runs perdiem as its own process with args and stdin, and returns
// its exit status and outputs.
func runMain(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), "PERDIEM_RUN_MAIN=1")
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return code, out.String(), errb.String()
}

// TestCommandListShowsWholeSentences checks the line each command gets in
// 'perdiem help': the first line of its summary, which must be a whole
// sentence, not one cut where the text was wrapped.
func TestCommandListShowsWholeSentences(t *testing.T) {
	var b bytes.Buffer
	usage(&b)
	for _, name := range commandNames() {
		line := firstLine(commands[name].summary)
		if !strings.HasSuffix(line, ".") {
			t.Errorf("perdiem help lists %s as %q: want a whole sentence ending in '.'", name, line)
		}
		if !strings.Contains(b.String(), line) {
			t.Errorf("perdiem help does not list %s as %q", name, line)
		}
	}
}

func TestHelpOfEachCommandIsItsDashDashHelp(t *testing.T) {
	for _, name := range commandNames() {
		code, want, errs := runMain(t, "", "help", name)
		if code != exitOK || errs != "" || !strings.HasPrefix(want, "usage: perdiem "+name+" ") && !strings.HasPrefix(want, "usage: perdiem "+name+"\n") {
			t.Fatalf("help %s: exit %d, stderr %q, stdout %q", name, code, errs, want)
		}
		for _, args := range [][]string{{name, "--help"}, {name, "-h"}, {name, "-help"}, {name, "x.json", "--help"}, {name, "--format", "json", "-h"}} {
			code, out, errs := runMain(t, "", args...)
			if code != exitOK || out != want || errs != "" {
				t.Errorf("perdiem %s: exit %d, stderr %q, stdout\n%s\nwant exit 0 and the text of 'perdiem help %s'", strings.Join(args, " "), code, errs, out, name)
			}
		}
	}
}

func TestHelpExitStatuses(t *testing.T) {
	tests := []struct {
		args   []string
		code   int
		stdout string // a piece of standard output, or "" for none
		stderr string // a piece of standard error, or "" for none
	}{
		{[]string{"help"}, exitOK, "Run 'perdiem help COMMAND'", ""},
		{[]string{"--help"}, exitOK, "Run 'perdiem help COMMAND'", ""},
		{[]string{"-h"}, exitOK, "Run 'perdiem help COMMAND'", ""},
		{[]string{"help", "help"}, exitOK, "Run 'perdiem help COMMAND'", ""},
		{[]string{}, exitInput, "", "Run 'perdiem help COMMAND'"},
		{[]string{"help", "nosuch"}, exitInput, "", `perdiem help: unknown command "nosuch": want one of admin, claim, code,`},
		{[]string{"help", "code", "claim"}, exitInput, "", "want one COMMAND, got 2"},
		{[]string{"nosuch"}, exitInput, "", `unknown command "nosuch"`},
		{[]string{"code", "--bogus", "x.json"}, exitInput, "", "Run 'perdiem help code' for every option."},
		{[]string{"profiles", "--bogus"}, exitInput, "", "usage: perdiem profiles [ID]"},
	}
	for _, tt := range tests {
		code, out, errs := runMain(t, "", tt.args...)
		if code != tt.code {
			t.Errorf("perdiem %v: exit %d, want %d", tt.args, code, tt.code)
		}
		if tt.stdout == "" && out != "" || !strings.Contains(out, tt.stdout) {
			t.Errorf("perdiem %v: stdout %q, want %q", tt.args, out, tt.stdout)
		}
		if tt.stderr == "" && errs != "" || !strings.Contains(errs, tt.stderr) {
			t.Errorf("perdiem %v: stderr %q, want %q", tt.args, errs, tt.stderr)
		}
	}
}

// TestFlagNames pins one name for one thing across commands: each command
// that takes a profile file, a code set, a format or workers names the flag
// and its argument the same way, and the hidden old name of
// --profile-file in profiles still works without being shown.
func TestFlagNames(t *testing.T) {
	for _, tt := range []struct {
		flag     string
		commands []string
	}{
		{"--profile ID", []string{"code", "claim", "price"}},
		{"--profile-file F", []string{"code", "claim", "profiles", "price"}},
		{"--codes DIR", []string{"code", "claim", "codes", "validate", "price"}},
		{"--cms FILE", []string{"code", "claim", "codes", "validate", "price"}},
		{"--format ", []string{"code", "codes", "profiles", "validate", "price"}},
		{"--workers N", []string{"code", "validate"}},
		{"--control N", []string{"claim", "validate"}},
		{"--state FILE", []string{"claim", "validate"}},
		{"--out F", []string{"claim", "write"}},
		{"--jsonl", []string{"code", "claim", "price"}},
		{"--asp DIR", []string{"price", "import"}},
	} {
		for _, name := range tt.commands {
			_, help, _ := runMain(t, "", "help", name)
			if !strings.Contains(help, tt.flag) {
				t.Errorf("help %s does not offer %s:\n%s", name, tt.flag, help)
			}
		}
	}
	_, help, _ := runMain(t, "", "help", "profiles")
	if strings.Contains(help, "--file") {
		t.Errorf("help profiles shows --file:\n%s", help)
	}
	if code, _, errs := runMain(t, "", "validate", "x.x12", "--codes", "a", "--cms", "b"); code != exitInput || !strings.Contains(errs, "give --codes or --cms, not both") {
		t.Errorf("validate --codes and --cms: exit %d, %q", code, errs)
	}
	const p = `{"id":"acme","name":"Acme","effective":"2026-01-01","source":"contract","settings":{}}`
	for _, flag := range []string{"--profile-file", "--file"} {
		if code, out, errs := runMain(t, p, "profiles", flag, "-"); code != exitOK || !strings.Contains(out, "acme") {
			t.Errorf("profiles %s -: exit %d, stderr %q", flag, code, errs)
		}
	}
}
