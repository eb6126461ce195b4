package store

import (
	"context"
	"database/sql"
	"regexp"
	"strings"
	"sync"
)

// stmtCache keeps prepared statements for the store's fixed SQL strings.
// database/sql prepares a statement once per pooled connection and reuses
// it, so a hot query (the session lookup, a list page) is parsed once
// instead of on every request. Queries with a list of placeholders
// (IN ($2, $3, …), marked or not) change with the list's length and are
// never prepared: the cache itself refuses them (variableList), so a
// query built without listMark cannot fill it. Should other built queries
// still grow it, it stops adding at maxStatements and those run
// unprepared.
type stmtCache struct {
	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
}

const maxStatements = 400

// variableList finds an IN list of placeholders, with or without listMark.
var variableList = regexp.MustCompile(`(?i)\bIN\s*\(\s*(/\*[^*]*\*/\s*)?\$\d`)

func (c *stmtCache) get(ctx context.Context, db *sql.DB, query string, create bool) *sql.Stmt {
	c.mu.RLock()
	st, ok := c.stmts[query]
	full := len(c.stmts) >= maxStatements
	c.mu.RUnlock()
	// A cached query passed the list check when it was added; checking
	// again first (a regexp over the whole text) cost a long list query
	// more than its map look-up, on every request.
	if ok || !create || full || strings.Contains(query, listMark) || variableList.MatchString(query) {
		return st
	}
	// Prepare without holding the lock: preparing may wait for a pooled
	// connection, and the transactions holding every connection may be
	// waiting for the lock to look up their own statements (a burst of
	// parallel sign-ins on PostgreSQL deadlocked so).
	st, err := db.PrepareContext(ctx, query)
	if err != nil {
		// Let the query itself report the error where it runs.
		return nil
	}
	c.mu.Lock()
	old, ok := c.stmts[query]
	if !ok && len(c.stmts) < maxStatements {
		if c.stmts == nil {
			c.stmts = map[string]*sql.Stmt{}
		}
		c.stmts[query] = st
		c.mu.Unlock()
		return st
	}
	c.mu.Unlock()
	st.Close() // another caller prepared it first, or the cache filled
	return old
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.stmts {
		st.Close()
	}
	c.stmts = nil
}

// PreparedStatements is how many statements the cache holds (for tests
// and the operator's eyes: it must stay far below maxStatements).
func (s *Store) PreparedStatements() int {
	s.stmts.mu.RLock()
	defer s.stmts.mu.RUnlock()
	return len(s.stmts.stmts)
}
