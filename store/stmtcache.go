package store

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps the statements the SQLite writer runs prepared. The
// SQLite driver, unlike pgx, parses and plans a statement anew at every
// call, and on the one writer, which does every write in turn, that was a
// fifth of its time. A statement is prepared on the writer's connection
// between two groups, when the connection is free (preparing it during a
// group would wait for the connection the group holds), and used from the
// next group on. Statements made for a varying number of rows or ids are
// many; past maxCachedStmts new ones run unprepared.
type stmtCache struct {
	mu     sync.Mutex
	m      map[string]*sql.Stmt
	wanted map[string]bool
}

const maxCachedStmts = 256

// get returns query prepared, or nil (and notes it to be prepared).
func (c *stmtCache) get(pool *sql.DB, query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.m[query]; ok {
		return s
	}
	if len(c.m)+len(c.wanted) < maxCachedStmts {
		if c.wanted == nil {
			c.wanted = map[string]bool{}
		}
		c.wanted[query] = true
	}
	return nil
}

// want notes queries to be prepared before they first run.
func (c *stmtCache) want(queries ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, q := range queries {
		if _, ok := c.m[q]; !ok && len(c.m)+len(c.wanted) < maxCachedStmts {
			if c.wanted == nil {
				c.wanted = map[string]bool{}
			}
			c.wanted[q] = true
		}
	}
}

// prepareWanted prepares on pool the statements asked for since the last
// call. It is called by the writer with no transaction open.
func (c *stmtCache) prepareWanted(pool *sql.DB) {
	c.mu.Lock()
	wanted := c.wanted
	c.wanted = nil
	c.mu.Unlock()
	for q := range wanted {
		s, err := pool.PrepareContext(context.Background(), q)
		if err != nil {
			continue // it keeps running unprepared, and says why
		}
		c.mu.Lock()
		if c.m == nil {
			c.m = map[string]*sql.Stmt{}
		}
		c.m[q] = s
		c.mu.Unlock()
	}
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.m {
		s.Close()
	}
	c.m, c.wanted = nil, nil
}
