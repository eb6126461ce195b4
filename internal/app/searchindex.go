package app

import (
	"context"
	"time"

	"yardstick/internal/store"
)

// A membership write only marks the member's search text pending
// (store.IndexPending says why); this pass moves pending members into the
// users list's search index, a batch per transaction, off the request
// path. Until it has, searches read those members with LIKE.
const (
	searchIndexEvery = time.Second
	searchIndexBatch = 200
)

// RunSearchIndexer indexes pending members every searchIndexEvery until
// ctx ends.
func (a *App) RunSearchIndexer(ctx context.Context) {
	tick := time.NewTicker(searchIndexEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if err := a.IndexSearch(ctx); err != nil && ctx.Err() == nil {
				a.log.Error("indexing members for search", "err", err)
			}
		}
	}
}

// IndexSearch indexes every member whose search text is pending, in every
// instance.
func (a *App) IndexSearch(ctx context.Context) error {
	ins, err := a.store.Q().PendingSearchInstances(ctx)
	if err != nil {
		return err
	}
	for _, id := range ins {
		for {
			var n int
			if err := a.store.InTx(ctx, func(q *store.Q) error {
				var err error
				n, err = q.IndexPending(ctx, id, searchIndexBatch)
				return err
			}); err != nil {
				return err
			}
			if n < searchIndexBatch {
				break
			}
		}
	}
	return nil
}
