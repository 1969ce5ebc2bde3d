package server

import (
	"fmt"
	"testing"
	"time"
)

func TestFailuresWindow(t *testing.T) {
	f := newFailures(3, time.Minute)
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for i := range 3 {
		if b, _ := f.blocked("a", t0); b {
			t.Fatalf("blocked after %d failures", i)
		}
		f.fail("a", t0.Add(time.Duration(i)*time.Second))
	}
	b, wait := f.blocked("a", t0.Add(10*time.Second))
	if !b || wait != 50*time.Second {
		t.Errorf("after 3: blocked %v, wait %v; want true, 50s", b, wait)
	}
	if b, _ := f.blocked("other", t0); b {
		t.Error("another key is blocked")
	}
	if b, _ := f.blocked("a", t0.Add(61*time.Second)); b {
		t.Error("still blocked once the first failure expired")
	}
	f.fail("a", t0.Add(62*time.Second))
	f.clear("a")
	if b, _ := f.blocked("a", t0.Add(62*time.Second)); b {
		t.Error("blocked after clear")
	}
}

func TestFailuresMemoryIsBounded(t *testing.T) {
	f := newFailures(3, time.Minute)
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for i := range maxKeys {
		f.fail(fmt.Sprint(i), t0)
	}
	f.fail("late", t0.Add(2*time.Minute))
	if len(f.hits) != 1 {
		t.Errorf("%d keys kept, want the 1 live one", len(f.hits))
	}
}
