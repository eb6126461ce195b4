package store

import "sync/atomic"

// queryCounter counts statements so tests and benchmarks can assert that
// a page costs a fixed number of queries, not one per row.
type queryCounter struct{ n atomic.Int64 }

func (c *queryCounter) add() { c.n.Add(1) }

// QueryCount returns how many statements the store has run so far.
func (s *Store) QueryCount() int64 { return s.counter.n.Load() }
