package main

import (
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"
)

// readProgress wraps r so that, when standard error is a terminal, the
// bytes read so far are shown there every 200 ms (with a percentage when
// the input is a regular file). stop ends the display; call it once.
func readProgress(e *env, r io.Reader, label string) (wrapped io.Reader, stop func()) {
	if !e.stderrTTY {
		return r, func() {}
	}
	var total int64
	if f, ok := r.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			total = st.Size()
		}
	}
	cr := &countingReader{r: r}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		start := time.Now()
		for {
			select {
			case <-done:
				fmt.Fprintf(e.stderr, "\r%s %.1f MB in %s%20s\n", label, float64(cr.n.Load())/1e6, time.Since(start).Round(time.Millisecond), "")
				return
			case <-tick.C:
				n := cr.n.Load()
				if total > 0 {
					fmt.Fprintf(e.stderr, "\r%s %.1f of %.1f MB (%.0f%%) ", label, float64(n)/1e6, float64(total)/1e6, 100*float64(n)/float64(total))
				} else {
					fmt.Fprintf(e.stderr, "\r%s %.1f MB ", label, float64(n)/1e6)
				}
			}
		}
	}()
	return cr, func() { close(done); <-finished }
}

type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}
