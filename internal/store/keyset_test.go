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

// TestKeysetPagesThroughSharedKeys: the measure list by last update, where
// most measures share one time (as after a copy or an import), pages
// through every measure in the order of one SQL ORDER BY, both ways, in
// pages that start and end inside the shared time (on SQLite the page
// after such a cursor is two statements).
func TestKeysetPagesThroughSharedKeys(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		c := newContent(t, db)
		var ids []int64
		for i := range 11 {
			m, err := c.q.CreateObject(ctx, model.Object{InstanceID: c.in.ID, Kind: model.KindMeasure, TypeID: c.measureT.ID,
				Title: fmt.Sprintf("Measure %02d", i), Polarity: "higher", GraphType: "line"})
			must(t, err)
			ids = append(ids, m.ID)
		}
		shared := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		for i, id := range ids {
			at := shared
			if i%4 == 3 { // a few on times of their own, before and after
				at = shared.Add(time.Duration(i-6) * time.Hour)
			}
			if _, err := db.Store.DB().ExecContext(ctx, `UPDATE objects SET updated_at = $1 WHERE instance_id = $2 AND id = $3`, at, c.in.ID, id); err != nil {
				t.Fatal(err)
			}
		}
		for _, desc := range []bool{false, true} {
			dir := "ASC"
			if desc {
				dir = "DESC"
			}
			var want []int64
			rows, err := db.Store.DB().QueryContext(ctx, `SELECT id FROM objects WHERE instance_id = $1 AND kind = 'measure'
				ORDER BY updated_at `+dir+`, id `+dir, c.in.ID)
			must(t, err)
			for rows.Next() {
				var id int64
				must(t, rows.Scan(&id))
				want = append(want, id)
			}
			rows.Close()
			var got []int64
			for _, o := range allObjects(t, c, store.ObjectFilter{Kind: model.KindMeasure, Sort: "updated", Desc: desc, Limit: 3}, 20) {
				got = append(got, o.ID)
			}
			if len(want) < 12 || !slices.Equal(got, want) {
				t.Errorf("by last update, desc %v: %v, want %v", desc, got, want)
			}
		}
	})
}

// allObjects pages through ListObjects with f, at most pages pages, and
// returns the objects in the order the pages gave them.
func allObjects(t *testing.T, c content, f store.ObjectFilter, pages int) []model.Object {
	t.Helper()
	var all []model.Object
	for range pages {
		page, err := c.q.ListObjects(ctx, c.in.ID, f, store.SeeAll)
		must(t, err)
		all = append(all, page.Objects...)
		if page.Next == "" {
			break
		}
		f.After = page.Next
	}
	return all
}
