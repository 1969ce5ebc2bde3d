// Command perdiem codes home infusion episodes into NHIA per diem claims,
// writes and validates X12 837P, and reads 835, 999 and 277CA responses.
//
// Each subcommand lives in its own file and registers itself in init.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/internal/atomicfile"
)

// Exit statuses shared by every subcommand.
const (
	exitOK       = errs.ExitOK
	exitFindings = errs.ExitFailed // the command worked and found problems (validate), or an internal error
	exitInput    = errs.ExitInput  // bad input or usage: nothing was written
)

// exitFor is the exit status for an error by its code: 2 for what the user
// gave (invalid, not found, conflict), 1 for an internal failure.
func exitFor(err error) int { return errs.ExitStatus(errs.CodeOf(err)) }

// env is what a subcommand may touch; tests give it buffers.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// stderrTTY says standard error is a terminal, so progress may be drawn.
	stderrTTY bool
}

type command struct {
	name    string
	usage   string // one line: "code FILE|- [--profile ID] ..."
	summary string
	run     func(e *env, args []string) int
}

var commands = map[string]command{}

func register(c command) { commands[c.name] = c }

func main() {
	// A reader that goes away (perdiem read big.x12 | head) makes writes
	// fail with EPIPE instead of killing the process, so the command can
	// clean up and exit 1 like any other output failure.
	signal.Ignore(syscall.SIGPIPE)
	handleInterrupts()
	stdout := &stdoutWriter{w: os.Stdout, closed: stdoutClosed()}
	e := &env{stdin: os.Stdin, stdout: stdout, stderr: os.Stderr, stderrTTY: isTerminal(os.Stderr)}
	code := run(e, os.Args[1:])
	if stdout.err != nil && code == exitOK {
		// The command did not notice; the output it meant to give is lost.
		fmt.Fprintf(os.Stderr, "perdiem: writing standard output: %v\n", stdout.err)
		code = exitFindings
	}
	os.Exit(code)
}

// handleInterrupts undoes unfinished output on SIGINT and SIGTERM (see
// onInterrupt), then lets the signal end the process as it would have.
// A signal ignored when perdiem started (SIGINT of a background job in a
// script, nohup) stays ignored, as it would be without the handler.
func handleInterrupts() {
	c := make(chan os.Signal, 1)
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
		if !signal.Ignored(sig) {
			signal.Notify(c, sig)
		}
	}
	go func() {
		sig := <-c
		runInterrupts()
		atomicfile.RemoveOwn()
		signal.Reset(sig)
		if p, err := os.FindProcess(os.Getpid()); err == nil && p.Signal(sig) == nil {
			time.Sleep(time.Second)
		}
		os.Exit(exitFindings)
	}()
}

func run(e *env, args []string) int {
	if len(args) == 0 {
		usage(e.stderr)
		return exitInput
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		return runHelp(e, args[1:])
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "perdiem: unknown command %q\n\n", args[0])
		usage(e.stderr)
		return exitInput
	}
	if wantsHelp(args[1:]) {
		return runHelp(e, args[:1])
	}
	return c.run(e, args[1:])
}

// runHelp answers "perdiem help [COMMAND]"; "perdiem COMMAND --help" is
// answered the same way, so the two print the same text.
func runHelp(e *env, args []string) int {
	switch {
	case len(args) == 0 || len(args) == 1 && args[0] == "help":
		usage(e.stdout)
		return exitOK
	case len(args) > 1:
		fmt.Fprintf(e.stderr, "perdiem help: want one COMMAND, got %d: %s\n", len(args), strings.Join(args, " "))
		return exitInput
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "perdiem help: unknown command %q: want one of %s\n", args[0], strings.Join(commandNames(), ", "))
		return exitInput
	}
	fmt.Fprintf(e.stdout, "usage: perdiem %s\n\n%s\n", c.usage, c.summary)
	return exitOK
}

// wantsHelp reports whether a command's arguments ask for its help: -h,
// -help or --help before any "--".
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help":
			return true
		}
	}
	return false
}

// setUsage makes a flag error print the command's one-line usage and point
// at its help, instead of the flag package's listing (which would also show
// hidden aliases).
func setUsage(fs *flag.FlagSet) {
	fs.Usage = func() {
		c := commands[fs.Name()]
		fmt.Fprintf(fs.Output(), "usage: perdiem %s\nRun 'perdiem help %s' for every option.\n", c.usage, c.name)
	}
}

func commandNames() []string {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: perdiem COMMAND [ARGS]\n\ncommands:")
	for _, n := range commandNames() {
		c := commands[n]
		fmt.Fprintf(w, "  %-10s %s\n", n, firstLine(c.summary))
	}
	fmt.Fprintln(w, "\nRun 'perdiem help COMMAND' for a command's options.")
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// isTerminal reports whether f is a character device (a terminal).
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// writeJSON prints v as indented JSON on standard output, text as it is
// (no \u003e for >: the output is not for an HTML page).
func writeJSON(e *env, cmd string, v any) int {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		fmt.Fprintf(e.stderr, "perdiem %s: %v\n", cmd, err)
		return exitFindings
	}
	return exitOK
}

// skipBOM returns r without a leading UTF-8 byte order mark: every command
// reads its JSON and X12 with or without one.
func skipBOM(r io.Reader) io.Reader {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && string(b) == "\uFEFF" {
		br.Discard(3)
	}
	return br
}

// openInput opens FILE, or standard input for "-".
func openInput(e *env, name string) (io.ReadCloser, error) {
	if name == "-" {
		return io.NopCloser(e.stdin), nil
	}
	return os.Open(name)
}
