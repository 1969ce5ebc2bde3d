//go:build unix

package main

import (
	"os"
	"syscall"
)

// stdoutClosed reports whether standard output was closed when perdiem
// started (perdiem code x.json >&-). The Go runtime then opens /dev/null
// read-write in its place, so writes would vanish without an error; a
// shell's >/dev/null opens it write-only, which stays allowed.
func stdoutClosed() bool {
	flags, _, errno := syscall.Syscall(syscall.SYS_FCNTL, 1, syscall.F_GETFL, 0)
	if errno != 0 || int(flags)&syscall.O_ACCMODE != syscall.O_RDWR {
		return false
	}
	var out, null syscall.Stat_t
	if syscall.Fstat(1, &out) != nil || syscall.Stat(os.DevNull, &null) != nil {
		return false
	}
	return out.Mode&syscall.S_IFMT == syscall.S_IFCHR && out.Rdev == null.Rdev
}
