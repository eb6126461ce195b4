package store_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

type proofArgs struct {
	N int `json:"n"`
}

func (proofArgs) Kind() string { return "proof" }

type proofWorker struct {
	river.WorkerDefaults[proofArgs]
	sum *atomic.Int64
}

func (w *proofWorker) Work(_ context.Context, j *river.Job[proofArgs]) error {
	w.sum.Add(int64(j.Args.N))
	return nil
}

// TestRiverRunsOnOurDatabases is the proof the job engine rests on: River
// works jobs on the store's own pool, on SQLite (modernc) and on
// PostgreSQL (pgx through database/sql); a job inserted in a transaction
// that rolls back never runs; a unique job is inserted once.
func TestRiverRunsOnOurDatabases(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		s := db.Store
		sum := new(atomic.Int64)
		workers := river.NewWorkers()
		river.AddWorker(workers, &proofWorker{sum: sum})
		client, err := river.NewClient(s.JobDriver(), &river.Config{
			Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 2}},
			Workers:           workers,
			FetchPollInterval: 20 * time.Millisecond,
			FetchCooldown:     10 * time.Millisecond,
		})
		must(t, err)
		must(t, client.Start(ctx))
		defer client.Stop(context.WithoutCancel(ctx))
		done, cancel := client.Subscribe(river.EventKindJobCompleted)
		defer cancel()

		must(t, s.InTx(ctx, func(q *store.Q) error { return q.InsertJob(ctx, proofArgs{N: 1}, nil) }))
		rolledBack := errors.New("rolled back")
		if err := s.InTx(ctx, func(q *store.Q) error {
			if err := q.InsertJob(ctx, proofArgs{N: 100}, nil); err != nil {
				return err
			}
			return rolledBack
		}); !errors.Is(err, rolledBack) {
			t.Fatal(err)
		}
		unique := &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
		for range 2 {
			must(t, s.InTx(ctx, func(q *store.Q) error { return q.InsertJob(ctx, proofArgs{N: 10}, unique) }))
		}
		for want := 2; want > 0; want-- {
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				t.Fatalf("jobs not worked; sum %d", sum.Load())
			}
		}
		if got := sum.Load(); got != 11 {
			t.Errorf("sum of worked jobs = %d, want 11 (1 + one unique 10; the rolled-back 100 never)", got)
		}
		var n int
		must(t, s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM river_job`).Scan(&n))
		if n != 2 {
			t.Errorf("river_job has %d rows, want 2", n)
		}
	})
}
