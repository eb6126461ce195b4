package store_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

func TestActivityLog(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		in := testkit.MustCreateInstance(t, db.Store, "ACME", "Acme")
		other := testkit.MustCreateInstance(t, db.Store, "BETA", "Beta")
		q := db.Store.Q()
		ada, bob := int64(1), int64(2)
		base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		var entries []model.Activity
		for i := range 60 {
			who := &ada
			if i%3 == 0 {
				who = &bob
			}
			act := "update"
			if i%5 == 0 {
				act = "sign_in"
			}
			entries = append(entries, model.Activity{InstanceID: in.ID, At: base.Add(time.Duration(i) * time.Hour), AccountID: who,
				Activity: act, ObjectName: "x", Changes: []model.Change{{Field: "title", Before: "a", After: "b"}}})
		}
		entries = append(entries, model.Activity{InstanceID: other.ID, At: base, Activity: "update"})
		if err := q.RecordActivity(ctx, entries...); err != nil {
			t.Fatal(err)
		}
		all := store.ActivityFilter{From: base.Add(-time.Hour), To: base.Add(100 * time.Hour), Limit: 1000}
		count := func(f store.ActivityFilter) int {
			page, err := q.ListActivity(ctx, in.ID, f)
			if err != nil {
				t.Fatal(err)
			}
			return len(page.Entries)
		}
		tests := []struct {
			name string
			f    store.ActivityFilter
			want int
		}{
			{"all of this instance", all, 60},
			{"one member", store.ActivityFilter{From: all.From, To: all.To, AccountID: bob, Limit: 1000}, 20},
			{"one type", store.ActivityFilter{From: all.From, To: all.To, Activity: "sign_in", Limit: 1000}, 12},
			{"member and type", store.ActivityFilter{From: all.From, To: all.To, AccountID: bob, Activity: "sign_in", Limit: 1000}, 4},
			{"range end excluded", store.ActivityFilter{From: base, To: base.Add(10 * time.Hour), Limit: 1000}, 10},
		}
		for _, tt := range tests {
			if got := count(tt.f); got != tt.want {
				t.Errorf("%s: %d entries, want %d", tt.name, got, tt.want)
			}
		}
		// A day in New York runs from 05:00 UTC to 05:00 UTC the next day
		// in March before daylight saving: entries at 00:00–04:00 UTC on
		// 2 March belong to 1 March there.
		ny, _ := time.LoadLocation("America/New_York")
		day := time.Date(2026, 3, 1, 0, 0, 0, 0, ny)
		if got := count(store.ActivityFilter{From: day, To: day.AddDate(0, 0, 1), Limit: 1000}); got != 24 {
			t.Errorf("1 March in New York: %d entries, want 24 (05:00 UTC 1 March to 05:00 UTC 2 March)", got)
		}
		page, _ := q.ListActivity(ctx, in.ID, store.ActivityFilter{From: all.From, To: all.To, Limit: 1})
		if len(page.Entries) != 1 || page.Entries[0].Changes[0].After != "b" || !page.Entries[0].At.Equal(base.Add(59*time.Hour)) {
			t.Errorf("newest entry = %+v", page.Entries)
		}

		// Paging while entries keep arriving: every original entry is seen
		// once, in order, and new ones (newer than page one) never appear.
		f := all
		f.Limit = 7
		seen := map[int64]bool{}
		var wg sync.WaitGroup
		var last time.Time
		for range 20 {
			wg.Go(func() {
				db.Store.Q().RecordActivity(ctx, model.Activity{InstanceID: in.ID, At: db.Clock.Now().Add(365 * 24 * time.Hour), Activity: "update"})
			})
			page, err := q.ListActivity(ctx, in.ID, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range page.Entries {
				if seen[e.ID] {
					t.Fatalf("entry %d seen twice", e.ID)
				}
				if !last.IsZero() && e.At.After(last) {
					t.Fatalf("out of order: %v after %v", e.At, last)
				}
				seen[e.ID], last = true, e.At
			}
			if page.Next == "" {
				break
			}
			f.After = page.Next
		}
		wg.Wait()
		if len(seen) != 60 {
			t.Errorf("paged through %d entries, want 60", len(seen))
		}
		if _, err := q.ListActivity(ctx, in.ID, store.ActivityFilter{From: all.From, To: all.To, After: "bogus"}); !errors.Is(err, store.ErrBadCursor) {
			t.Errorf("bad cursor: %v", err)
		}
		// A rolled-back change leaves no entry.
		boom := errors.New("boom")
		err := db.Store.InTx(ctx, func(q *store.Q) error {
			if err := q.RecordActivity(ctx, model.Activity{InstanceID: in.ID, At: base, Activity: "delete"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) || count(store.ActivityFilter{From: all.From, To: all.To, Activity: "delete", Limit: 10}) != 0 {
			t.Errorf("rolled back entry survived: %v", err)
		}
	})
}

// TestActivityWithDamagedChanges: an entry whose changes are not the JSON
// the store writes (edited by hand, damaged) is listed with them as they
// are, and the rest of the page with it; the log never fails to read.
func TestActivityWithDamagedChanges(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		in := testkit.MustCreateInstance(t, db.Store, "ACME", "Acme")
		base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		if err := db.Store.Q().RecordActivity(ctx,
			model.Activity{InstanceID: in.ID, At: base, Activity: "update", Changes: []model.Change{{Field: "title", After: "b"}}},
			model.Activity{InstanceID: in.ID, At: base.Add(time.Hour), Activity: "update", ObjectName: "damaged"}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Store.DB().Exec(`UPDATE activity_log SET changes = $1 WHERE instance_id = $2 AND object_name = 'damaged'`,
			`{"field": "tit`, in.ID); err != nil {
			t.Fatal(err)
		}
		page, err := db.Store.Q().ListActivity(ctx, in.ID, store.ActivityFilter{From: base, To: base.Add(2 * time.Hour), Limit: 10})
		if err != nil {
			t.Fatalf("a page with a damaged entry: %v", err)
		}
		if len(page.Entries) != 2 {
			t.Fatalf("%d entries, want 2", len(page.Entries))
		}
		if got := page.Entries[0].Changes; len(got) != 1 || got[0].After != `{"field": "tit` {
			t.Errorf("the damaged entry's changes = %+v, want its text as it is", got)
		}
		if got := page.Entries[1].Changes; len(got) != 1 || got[0].Field != "title" {
			t.Errorf("the sound entry's changes = %+v", got)
		}
	})
}
