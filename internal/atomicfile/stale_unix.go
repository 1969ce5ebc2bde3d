//go:build unix

package atomicfile

import (
	"os"
	"syscall"
)

// lockTemp marks a temporary file as being written: the lock lasts as long
// as the file is open, and the kernel drops it when the process dies.
func lockTemp(f *os.File) {
	syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}

// removeIfStale removes a temporary file whose writer is gone: no process
// holds its lock, and the process that made it is not running. Checking
// both keeps the file of a writer in another PID namespace (locked) and of
// a writer that has created it but not yet locked it (running).
func removeIfStale(path string, pid int) {
	if pid == os.Getpid() || syscall.Kill(pid, 0) != syscall.ESRCH {
		return
	}
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil {
		os.Remove(path)
	}
}
