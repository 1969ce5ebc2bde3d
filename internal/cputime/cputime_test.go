//go:build unix

package cputime

import "testing"

// Work done on the processor shows in Process.
func TestProcessGrows(t *testing.T) {
	before := Process()
	if before <= 0 {
		t.Fatalf("Process = %v at the start of a test", before)
	}
	x := 0
	for i := 0; Process()-before < 10e6 && i < 1e9; i++ {
		x += i
	}
	if after := Process(); after-before < 10e6 {
		t.Fatalf("Process grew by %v only over a busy loop (x=%d)", after-before, x)
	}
}
