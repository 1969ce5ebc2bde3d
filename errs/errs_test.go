package errs

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"testing"
)

// codedOnly is an error type of another package that carries a code the
// way episode.Error does.
type codedOnly struct{}

func (codedOnly) Error() string   { return "coded elsewhere" }
func (codedOnly) ErrorCode() Code { return NotFound }

func TestCodeOf(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		want Code
	}{
		{"nil", nil, ""},
		{"Error", Errorf(Conflict, "control number %d is used", 7), Conflict},
		{"wrapped Error", fmt.Errorf("writing: %w", Invalids([]Problem{{"a", "b"}})), Invalid},
		{"another package's coded type", fmt.Errorf("x: %w", codedOnly{}), NotFound},
		{"an Error without a code", &Error{Message: "m"}, Internal},
		{"plain error", errors.New("disk on fire"), Internal},
		{"os error", fs.ErrPermission, Internal},
	} {
		if got := CodeOf(c.err); got != c.want {
			t.Errorf("%s: CodeOf = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestStatuses(t *testing.T) {
	for _, c := range []struct {
		code       Code
		exit, http int
	}{
		{"", 0, http.StatusOK},
		{Invalid, 2, http.StatusBadRequest},
		{NotFound, 2, http.StatusNotFound},
		{Conflict, 2, http.StatusConflict},
		{Internal, 1, http.StatusInternalServerError},
		{"unheard_of", 1, http.StatusInternalServerError},
	} {
		if got := ExitStatus(c.code); got != c.exit {
			t.Errorf("ExitStatus(%q) = %d, want %d", c.code, got, c.exit)
		}
		if got := HTTPStatus(c.code); got != c.http {
			t.Errorf("HTTPStatus(%q) = %d, want %d", c.code, got, c.http)
		}
	}
}

// An internal error's text may hold paths and state; users see none of it.
func TestMessageHidesInternalDetails(t *testing.T) {
	secret := fmt.Errorf("open /var/lib/perdiem/tenant-7.db: %w", fs.ErrPermission)
	if got := Message(secret); got != "internal error" {
		t.Errorf("Message(internal) = %q", got)
	}
	if got := Message(fmt.Errorf("claim: %w", Errorf(Internal, "index %d out of range", 9))); got != "internal error" {
		t.Errorf("Message(coded internal) = %q", got)
	}
	inv := Invalids([]Problem{{Path: "claim.id", Message: "required"}, {Message: "no documents"}})
	if got, want := Message(inv), "claim.id: required\nno documents"; got != want {
		t.Errorf("Message(invalid) = %q, want %q", got, want)
	}
	if got := Message(nil); got != "" {
		t.Errorf("Message(nil) = %q", got)
	}
}

func TestProblemsOf(t *testing.T) {
	probs := []Problem{{Path: "claim.diagnoses[2]", Message: "not ICD-10-CM"}}
	if got := ProblemsOf(fmt.Errorf("doc 3: %w", Invalids(probs))); len(got) != 1 || got[0] != probs[0] {
		t.Errorf("ProblemsOf = %v", got)
	}
	if got := ProblemsOf(errors.New("plain")); got != nil {
		t.Errorf("ProblemsOf(plain) = %v", got)
	}
}
