package server

import (
	"sync"
	"time"
)

// DefaultAuthCache is how long a server remembers a successful credential
// look-up when Options.AuthCache is zero.
const DefaultAuthCache = time.Second

// maxAuthCache bounds the credentials remembered: far more than the
// clients a server has at once, few enough that forgetting a user's walks
// them all in a moment.
const maxAuthCache = 4096

// authCache remembers, for a moment, who a bearer token or a session acts
// for, so that a client's requests do not each ask the database: keyed by
// the secret's SHA-256, it holds only look-ups that succeeded. What this
// process commits that ends or narrows a user's credentials forgets them
// at once (store.DB.WatchCredentials); a change made by another process
// is seen when the entry lapses. A nil *authCache remembers nothing.
type authCache struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[[32]byte]authEntry
	// gen counts the forgetting: a look-up begun before one may have
	// read what it forgot, so is not kept.
	gen uint64
}

type authEntry struct {
	p     Principal
	until time.Time // the look-up's time and ttl, or the session's end if sooner
}

func newAuthCache(ttl time.Duration) *authCache {
	return &authCache{ttl: ttl, m: make(map[[32]byte]authEntry)}
}

// get returns who the credential with key acts for at now, if it is
// remembered, and otherwise the generation for put.
func (c *authCache) get(key [32]byte, session bool, now time.Time) (*Principal, uint64) {
	if c == nil {
		return nil, 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok {
		return nil, c.gen
	}
	if !now.Before(e.until) || e.p.Session != session {
		delete(c.m, key)
		return nil, c.gen
	}
	p := e.p
	return &p, c.gen
}

// put remembers p for key from now until the lifetime ends or, for a
// session, until it does, unless the cache forgot anything since gen.
func (c *authCache) put(key [32]byte, p *Principal, now, expires time.Time, gen uint64) {
	if c == nil {
		return
	}
	until := now.Add(c.ttl)
	if p.Session && expires.Before(until) {
		until = expires
	}
	if !now.Before(until) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if len(c.m) >= maxAuthCache {
		for k, e := range c.m {
			if !now.Before(e.until) {
				delete(c.m, k)
			}
		}
	}
	if len(c.m) >= maxAuthCache {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[key] = authEntry{p: *p, until: until}
}

// forget drops every credential of the users; look-ups under way are not
// kept.
func (c *authCache) forget(userIDs []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for k, e := range c.m {
		for _, id := range userIDs {
			if e.p.User.ID == id {
				delete(c.m, k)
				break
			}
		}
	}
}
