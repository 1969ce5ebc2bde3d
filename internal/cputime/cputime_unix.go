//go:build unix

package cputime

import (
	"syscall"
	"time"
)

// Process is the user and system time this process has used: on a shared
// machine it says what work cost the processor, where the wall clock also
// counts the time others had it. It is zero when the system does not say.
func Process() time.Duration {
	var u syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &u) != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
