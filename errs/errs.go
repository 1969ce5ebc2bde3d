// Package errs gives errors an application code — invalid, not_found,
// conflict or internal — so that every caller treats the same failure the
// same way: the command line maps the code to an exit status, a server to
// an HTTP status. Input problems carry the field path they are about.
//
// A package that fails because of its input returns an error with a code
// (an *Error, or its own type with an ErrorCode method, as
// episode.Error does); any other error counts as internal. What a user may
// read of an error is Message: the details of an internal error stay in the
// logs, never in a response.
package errs

import (
	"errors"
	"fmt"
	"strings"
)

// Code says what kind of failure an error is.
type Code string

// The codes. The zero Code means no error.
const (
	// Invalid: the input is wrong (a field, a value, a file's content) and
	// retrying it unchanged will fail again.
	Invalid Code = "invalid"
	// NotFound: something the request names does not exist.
	NotFound Code = "not_found"
	// Conflict: the request is sound but clashes with the current state,
	// such as a control number already used.
	Conflict Code = "conflict"
	// Internal: a failure of the program or its environment; not the
	// user's to fix, and not theirs to read about.
	Internal Code = "internal"
)

// Problem is one thing wrong with an input, at a field path such as
// "therapies[0].changes[1].from" ("" for the input as a whole).
type Problem struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

func (p Problem) String() string {
	if p.Path == "" {
		return p.Message
	}
	return p.Path + ": " + p.Message
}

// Error is an error with a code, a message for users and, for invalid
// input, every problem found.
type Error struct {
	Code     Code
	Message  string
	Problems []Problem
}

// Errorf returns an error with code and a message formatted as fmt.Sprintf does.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalids returns an Invalid error listing problems.
func Invalids(problems []Problem) *Error {
	return &Error{Code: Invalid, Problems: problems}
}

// Error is the message followed by the problems, one a line.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Message)
	for _, p := range e.Problems {
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// ErrorCode returns e.Code.
func (e *Error) ErrorCode() Code { return e.Code }

// ErrorProblems returns e.Problems.
func (e *Error) ErrorProblems() []Problem { return e.Problems }

// CodeOf returns the code of err: "" for nil, the code of the first error in
// its chain with an ErrorCode method, and Internal for any other error.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var c interface{ ErrorCode() Code }
	if errors.As(err, &c) {
		if code := c.ErrorCode(); code != "" {
			return code
		}
	}
	return Internal
}

// ProblemsOf returns the problems of the first error in err's chain that
// lists them (an ErrorProblems method), or nil.
func ProblemsOf(err error) []Problem {
	var p interface{ ErrorProblems() []Problem }
	if errors.As(err, &p) {
		return p.ErrorProblems()
	}
	return nil
}

// Message is what a user may read of err: its text, except for an internal
// error, whose details may name files, queries or state and so are only
// for the logs.
func Message(err error) string {
	switch CodeOf(err) {
	case "":
		return ""
	case Internal:
		return "internal error"
	}
	return err.Error()
}

// Exit statuses of the command line (README "Exit statuses").
const (
	ExitOK     = 0
	ExitFailed = 1 // the command failed for a reason of its own
	ExitInput  = 2 // bad input or usage: nothing was written
)

// ExitStatus maps a code to the command line's exit status: 0 for no error,
// 2 for an error in what the user gave (invalid, not found, conflict), 1
// for an internal one.
func ExitStatus(c Code) int {
	switch c {
	case "":
		return ExitOK
	case Invalid, NotFound, Conflict:
		return ExitInput
	}
	return ExitFailed
}

// HTTPStatus maps a code to the status a server answers with. (The numbers
// are net/http's StatusOK, StatusBadRequest, StatusNotFound, StatusConflict
// and StatusInternalServerError; the engine packages that use errs do not
// import net/http for them.)
func HTTPStatus(c Code) int {
	switch c {
	case "":
		return 200
	case Invalid:
		return 400
	case NotFound:
		return 404
	case Conflict:
		return 409
	}
	return 500
}
