package store

import (
	"context"
	"errors"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"yardstick/internal/model"
)

// The mail worker is woken by the store once queued mail is committed:
// after the transaction's commit, never for one rolled back, at once
// outside a transaction, and not for transactions that queued nothing.
func TestOutboxWriteWakesAfterCommit(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "test.db"), NewFakeClock(time.Unix(0, 0)))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var wakes atomic.Int32
	s.OnOutboxWrite(func() { wakes.Add(1) })
	msg := model.OutboxMessage{Kind: "test", To: "a@example.org", Subject: "s", Body: "b"}

	err = s.InTx(ctx, func(q *Q) error {
		if _, err := q.EnqueueMail(ctx, msg); err != nil {
			return err
		}
		if n := wakes.Load(); n != 0 {
			t.Errorf("woken %d times before the commit", n)
		}
		_, err := q.EnqueueMail(ctx, msg)
		return err
	})
	if err != nil || wakes.Load() != 1 {
		t.Fatalf("after a committed transaction with two mails: err %v, woken %d times, want once", err, wakes.Load())
	}
	boom := errors.New("refused")
	if err := s.InTx(ctx, func(q *Q) error {
		if _, err := q.EnqueueMail(ctx, msg); err != nil {
			return err
		}
		return boom
	}); !errors.Is(err, boom) || wakes.Load() != 1 {
		t.Fatalf("rolled back: err %v, woken %d times in all, want still once", err, wakes.Load())
	}
	if err := s.InTx(ctx, func(q *Q) error { _, err := q.ListMail(ctx, "", 0, 1); return err }); err != nil || wakes.Load() != 1 {
		t.Fatalf("a transaction without mail woke the worker (%d) or failed: %v", wakes.Load(), err)
	}
	if _, err := s.Q().EnqueueMail(ctx, msg); err != nil || wakes.Load() != 2 {
		t.Fatalf("outside a transaction: err %v, woken %d times, want 2", err, wakes.Load())
	}
}
