//go:build unix

package scrub

import (
	"syscall"
	"time"
)

// cpuTime is the processor time the process has used, user and system:
// on a shared machine it says what a benchmark cost one core, where the
// wall clock also counts the time others had the processor.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &u) != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
