package main

import (
	"errors"
	"fmt"
	"testing"

	"github.com/perdiem/perdiem/episode"
	"github.com/perdiem/perdiem/errs"
)

// The exit status follows the error's code (README "Exit statuses").
func TestExitFor(t *testing.T) {
	for _, c := range []struct {
		err  error
		want int
	}{
		{nil, 0},
		{&episode.Error{Problems: []episode.Problem{{Path: "therapies[0].type", Message: "unknown"}}}, 2},
		{fmt.Errorf("doc: %w", errs.Errorf(errs.NotFound, "no profile %q", "x")), 2},
		{errs.Errorf(errs.Conflict, "control number 7 is used"), 2},
		{errors.New("write /dev/stdout: broken pipe"), 1},
	} {
		if got := exitFor(c.err); got != c.want {
			t.Errorf("exitFor(%v) = %d, want %d", c.err, got, c.want)
		}
	}
}
