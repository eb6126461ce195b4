package app

import (
	"context"
	"time"
)

// PruneOutbox deletes the sent and failed mail queued more than keep ago
// (pending mail stays): the outbox is the record `yardstick mail list`
// reads, not an archive. The deployment's job engine runs it.
func (a *App) PruneOutbox(ctx context.Context, keep time.Duration) (int64, error) {
	return a.store.Q().PruneOutbox(ctx, a.Now().Add(-keep))
}
