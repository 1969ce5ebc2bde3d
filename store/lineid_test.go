package store

import "testing"

// splitLineID undoes claimLineID and takes no other id, so ClaimByLine
// finds a line only by the id CreateClaim gave it.
func TestSplitLineIDUndoesClaimLineID(t *testing.T) {
	for _, claimID := range []string{"C1", "CLM-2026-0001", "a-b-c"} {
		for _, n := range []int{1, 9, 10, 123} {
			id := claimLineID(claimID, n)
			c, k, ok := splitLineID(id)
			if !ok || c != claimID || k != n {
				t.Errorf("splitLineID(%q) = %q, %d, %v; want %q, %d", id, c, k, ok, claimID, n)
			}
		}
	}
	for _, id := range []string{"", "C1", "C1-", "C1-0", "C1-01", "C1-+1", "C1-1x", "C1- 1"} {
		if c, k, ok := splitLineID(id); ok {
			t.Errorf("splitLineID(%q) = %q, %d; want no line id", id, c, k)
		}
	}
}
