package store_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

// TestPruneOutbox: pruning removes the sent and failed mail queued before
// the cutoff, in batches, and keeps pending mail of any age and every
// newer message.
func TestPruneOutbox(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		q := db.Store.Q()
		start := db.Clock.Now()
		if n, err := q.PruneOutbox(ctx, start); err != nil || n != 0 {
			t.Fatalf("pruning an empty outbox: %d, %v", n, err)
		}
		defer store.SetPruneBatch(2)()
		// One message a day; what became of each.
		fates := []string{"sent", "sent", "failed", "sent", "pending", "sent", "failed", "pending"}
		ids := make([]int64, len(fates))
		for i, fate := range fates {
			id, err := q.EnqueueMail(ctx, model.OutboxMessage{Kind: "k", To: "a@example.org", Subject: fmt.Sprint("day ", i), Body: "b"})
			if err != nil {
				t.Fatal(err)
			}
			ids[i] = id
			switch fate {
			case "sent":
				err = q.MarkMailSent(ctx, id)
			case "failed":
				err = q.MarkMailFailed(ctx, id, "refused")
			}
			if err != nil {
				t.Fatal(err)
			}
			db.Clock.Advance(24 * time.Hour)
		}
		// Days 0–5 are before the cutoff: their sent and failed mail goes
		// (five messages, in windows of two ids); day 4's pending one,
		// and days 6 and 7, stay.
		n, err := q.PruneOutbox(ctx, start.Add(5*24*time.Hour+time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if n != 5 {
			t.Errorf("pruned %d messages, want 5", n)
		}
		ms, err := q.ListMail(ctx, "", 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		var left []int64
		for _, m := range ms {
			left = append(left, m.ID)
		}
		slices.Sort(left)
		if want := []int64{ids[4], ids[6], ids[7]}; !slices.Equal(left, want) {
			t.Errorf("left %v, want %v (day 4 pending, days 6 and 7)", left, want)
		}
		// Again: nothing more is old enough.
		if n, err := q.PruneOutbox(ctx, start.Add(5*24*time.Hour+time.Hour)); err != nil || n != 0 {
			t.Errorf("pruning again: %d, %v; want 0", n, err)
		}
		// A cutoff after everything: the failed day 6 goes, pending stays.
		if n, err := q.PruneOutbox(ctx, start.Add(30*24*time.Hour)); err != nil || n != 1 {
			t.Errorf("pruning everything: %d, %v; want 1", n, err)
		}
	})
}
