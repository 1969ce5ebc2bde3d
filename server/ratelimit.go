package server

import (
	"sync"
	"time"
)

// failures counts failed sign-ins per key (an account name, an address)
// over a sliding window, so that guessing passwords is slow whichever of
// the two an attacker varies. The count is per process: several servers
// on one database each allow as much.
type failures struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	hits   map[string][]time.Time
}

func newFailures(max int, window time.Duration) *failures {
	return &failures{max: max, window: window, hits: map[string][]time.Time{}}
}

// maxKeys bounds the memory of the counts: past it, keys whose failures
// have all expired are dropped.
const maxKeys = 100000

// blocked says whether key has had max failures within the window before
// now, and if so when the oldest of them expires.
func (f *failures) blocked(key string, now time.Time) (bool, time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	h := f.live(key, now)
	if len(h) < f.max {
		return false, 0
	}
	return true, h[0].Add(f.window).Sub(now)
}

// fail records a failure of key at now.
func (f *failures) fail(key string, now time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.hits) >= maxKeys {
		for k := range f.hits {
			f.live(k, now)
		}
	}
	f.hits[key] = append(f.live(key, now), now)
}

// clear forgets key's failures (a successful sign-in).
func (f *failures) clear(key string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.hits, key)
}

// live drops key's expired failures and returns the rest, oldest first.
func (f *failures) live(key string, now time.Time) []time.Time {
	h := f.hits[key]
	i := 0
	for i < len(h) && now.Sub(h[i]) >= f.window {
		i++
	}
	if i == len(h) {
		delete(f.hits, key)
		return nil
	}
	h = h[i:]
	f.hits[key] = h
	return h
}
