package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// A query preparing a new statement waits for a pooled connection; a
// transaction holding the last connection must still find its own
// statements meanwhile, or neither moves again (20 parallel sign-ins on
// PostgreSQL hung so: every connection in a transaction waiting for the
// cache, the cache held by a prepare waiting for a connection).
func TestPrepareWaitingForConnectionBlocksNoTransaction(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "test.db"), NewFakeClock(time.Unix(0, 0)))
	if err != nil {
		t.Fatal(err)
	}
	s.db.SetMaxOpenConns(1)
	if _, err := s.Q().ThrottleOf(ctx, "cached@example.org"); err != nil { // cache one statement
		t.Fatal(err)
	}
	inTx, preparing, done := make(chan struct{}), make(chan struct{}), make(chan error, 2)
	go func() {
		done <- s.InTx(ctx, func(q *Q) error {
			close(inTx)
			<-preparing
			time.Sleep(100 * time.Millisecond) // the other query is now waiting for the connection
			_, err := q.ThrottleOf(ctx, "cached@example.org")
			return err
		})
	}()
	<-inTx
	go func() {
		close(preparing)
		_, err := s.Q().SessionByHash(ctx, "not prepared yet") // a statement never prepared: needs the connection
		if err == ErrNotFound {
			err = nil
		}
		done <- err
	}()
	for range 2 {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("deadlock: a transaction waits for the statement cache while a prepare waits for its connection")
		}
	}
	s.Close() // not deferred: after a deadlock it would hang too
}
