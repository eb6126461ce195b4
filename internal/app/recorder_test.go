package app_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

// TestRecorderLosesNothingOnShutdown queues many view entries from
// several goroutines, stops the recorder as a graceful shutdown does, and
// finds every entry written.
func TestRecorderLosesNothingOnShutdown(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		ctx := context.Background()
		a := app.New(db.Store, app.Config{BaseURL: "http://x"}, nil, nil)
		in := testkit.MustCreateInstance(t, db.Store, "ACME", "Acme")
		acct, _ := testkit.MustCreateMember(t, db.Store, in, "ada@example.org", access.PresetAdministration)
		actor, err := a.ActorFor(ctx, app.Session{Account: acct}, "ACME", app.Client{})
		if err != nil {
			t.Fatal(err)
		}
		stop := a.StartRecorder()
		const n = 1500
		var wg sync.WaitGroup
		for w := range 3 {
			wg.Go(func() {
				for i := range n / 3 {
					a.RecordView(ctx, actor, app.ActViewMeasure, "measure", int64(w*1000+i), "m")
				}
			})
		}
		wg.Wait()
		stop()
		page, err := db.Store.Q().ListActivity(ctx, in.ID, store.ActivityFilter{From: testkit.Epoch.Add(-time.Hour),
			To: testkit.Epoch.Add(time.Hour), Activity: app.ActViewMeasure, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		total := len(page.Entries)
		for page.Next != "" {
			page, err = db.Store.Q().ListActivity(ctx, in.ID, store.ActivityFilter{From: testkit.Epoch.Add(-time.Hour),
				To: testkit.Epoch.Add(time.Hour), Activity: app.ActViewMeasure, After: page.Next, Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			total += len(page.Entries)
		}
		if total != n {
			t.Errorf("%d view entries written, want %d", total, n)
		}
	})
}
