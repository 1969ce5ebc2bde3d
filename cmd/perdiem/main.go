// Command perdiem codes home infusion episodes into NHIA per diem claims,
// writes and validates X12 837P, and reads 835 and 999 responses.
//
// Each subcommand lives in its own file and registers itself in init.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Exit statuses shared by every subcommand.
const (
	exitOK       = 0
	exitFindings = 1 // the command worked and found problems (validate), or an internal error
	exitInput    = 2 // bad input or usage: nothing was written
)

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
	e := &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, stderrTTY: isTerminal(os.Stderr)}
	os.Exit(run(e, os.Args[1:]))
}

func run(e *env, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				fmt.Fprintf(e.stdout, "usage: perdiem %s\n\n%s\n", c.usage, c.summary)
				return exitOK
			}
		}
		usage(e.stdout)
		if len(args) == 0 {
			return exitInput
		}
		return exitOK
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "perdiem: unknown command %q\n\n", args[0])
		usage(e.stderr)
		return exitInput
	}
	return c.run(e, args[1:])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: perdiem COMMAND [ARGS]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
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

// writeJSON prints v as indented JSON on standard output.
func writeJSON(e *env, cmd string, v any) int {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintf(e.stderr, "perdiem %s: %v\n", cmd, err)
		return exitFindings
	}
	return exitOK
}

// openInput opens FILE, or standard input for "-".
func openInput(e *env, name string) (io.ReadCloser, error) {
	if name == "-" {
		return io.NopCloser(e.stdin), nil
	}
	return os.Open(name)
}
