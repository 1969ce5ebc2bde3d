//go:build !unix

package ctlnum

import (
	"errors"
	"fmt"
	"os"
	"time"
)

// lock creates path+".lock" exclusively and removes it on unlock. Without
// flock a crash can leave the lock file behind; after waiting lockWait the
// error names it so a person can remove it.
func lock(path string) (func() error, error) {
	name := path + ".lock"
	deadline := time.Now().Add(lockWait)
	for {
		f, err := os.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err == nil {
			f.Close()
			return func() error { return os.Remove(name) }, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, err
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%s: locked for over %v; remove it if no perdiem run is active", name, lockWait)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

const lockWait = 30 * time.Second
