package store_test

import (
	"fmt"
	"testing"
	"time"

	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

// TestBatchWrites covers the multi-row writes whose full chunks reuse one
// statement prepared in the transaction (chunkStmt): more than two full
// chunks and a short last one, a conflict reported by position, the
// one-statement read of many measures' values, and a log of 2,500 entries.
func TestBatchWrites(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		c := newContent(t, db)
		other := c.orphan
		day := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
		key := func(i int) string { return day.AddDate(0, 0, i).Format("2006-01-02") }
		num := func(f float64) *float64 { return &f }
		var vs []model.DataValue
		for i := 0; i < 1100; i++ { // two full chunks of 500 and one of 100
			vs = append(vs, model.DataValue{MeasureID: c.m.ID, PeriodKey: key(i), Actual: num(float64(i))})
		}
		var taken []int
		must(t, db.Store.InTx(ctx, func(q *store.Q) (err error) {
			taken, err = q.InsertDataValues(ctx, c.in.ID, vs)
			return err
		}))
		if len(taken) != 0 {
			t.Fatalf("taken on a fresh insert: %v", taken)
		}
		// Again, with two periods already stored (positions 3 and 1,050) among new ones.
		again := []model.DataValue{}
		for i := 0; i < 1100; i++ {
			m, k := other.ID, key(i)
			if i == 3 || i == 1050 {
				m = c.m.ID
			}
			again = append(again, model.DataValue{MeasureID: m, PeriodKey: k, Actual: num(1)})
		}
		must(t, db.Store.InTx(ctx, func(q *store.Q) (err error) {
			taken, err = q.InsertDataValues(ctx, c.in.ID, again)
			return err
		}))
		if fmt.Sprint(taken) != "[3 1050]" {
			t.Errorf("taken = %v, want [3 1050]", taken)
		}
		got, err := db.Store.Q().DataValuesOf(ctx, c.in.ID, []int64{c.m.ID, other.ID}, []string{key(0), key(1099), "1999-01-01"})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 4 {
			t.Errorf("DataValuesOf: %d values, want 4 (two measures × two stored periods)", len(got))
		}
		for _, v := range got {
			if v.MeasureID == c.m.ID && v.PeriodKey == key(1099) && (v.Actual == nil || *v.Actual != 1099) {
				t.Errorf("value at %s: %v", v.PeriodKey, v.Actual)
			}
		}
		if got, _ := db.Store.Q().DataValuesOf(ctx, c.in.ID+1000, []int64{c.m.ID}, []string{key(0)}); len(got) != 0 {
			t.Errorf("another instance's id reads %d values", len(got))
		}

		entries := make([]model.Activity, 2500)
		for i := range entries {
			entries[i] = model.Activity{InstanceID: c.in.ID, Activity: "data_entry", ObjectType: "measure", ObjectID: &c.m.ID,
				ObjectName: fmt.Sprint("entry ", i), Changes: []model.Change{{Field: "actual", After: fmt.Sprint(i)}}}
		}
		must(t, db.Store.InTx(ctx, func(q *store.Q) error { return q.RecordActivity(ctx, entries...) }))
		var n int
		if err := db.Store.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM activity_log WHERE instance_id = $1 AND activity = 'data_entry'`, c.in.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 2500 {
			t.Errorf("log holds %d entries, want 2,500", n)
		}
	})
}
