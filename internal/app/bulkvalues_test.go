package app_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

// A bulk write logs one entry per measure listing each changed period with
// its before and after, at most 25 periods an entry: 30 periods of Gauge
// are two entries (25 and 5), Counter's one period one entry; a period
// written again with the same value is no change and not logged.
func TestBulkWriteLogsEachMeasureTogether(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		f := newLimitsFixture(t, db)
		counter := f.newMeasure(app.ObjectInput{Title: "Counter"})
		var rows []app.ValueRow
		var keys []string
		for i := range 30 {
			k := fmt.Sprintf("%04d-%02d-01", 2020+i/12, i%12+1)
			keys = append(keys, k)
			v := float64(i)
			rows = append(rows, app.ValueRow{MeasureID: f.measure.ID, PeriodKey: k, Actual: &v})
			if i == 3 {
				rows = append(rows, app.ValueRow{MeasureID: counter.ID, PeriodKey: k, Comment: "first"})
			}
		}
		if n, err := f.app.UpsertValues(f.ctx, f.actor(), rows); err != nil || n != 31 {
			t.Fatalf("upsert: %d, %v", n, err)
		}
		entries := func() []model.Activity {
			page, err := f.q().ListActivity(f.ctx, f.in.ID, store.ActivityFilter{From: testkit.Epoch.Add(-time.Hour),
				To: testkit.Epoch.Add(time.Hour), Activity: app.ActDataEntry, Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			return page.Entries
		}
		periods := map[int64][]string{} // measure → the periods its entries list, in order
		actuals := map[string]string{}  // Gauge's period → its actual's change
		got := entries()
		for i := len(got) - 1; i >= 0; i-- { // oldest first
			e := got[i]
			if e.ObjectID == nil || e.ObjectType != "measure" {
				t.Fatalf("entry about %v %q", e.ObjectID, e.ObjectType)
			}
			var at string
			for _, c := range e.Changes {
				switch c.Field {
				case "period":
					at = c.After
					periods[*e.ObjectID] = append(periods[*e.ObjectID], at)
				case "actual":
					actuals[at] = c.Before + "→" + c.After
				case "comment":
					if *e.ObjectID != counter.ID || c.After != "first" {
						t.Errorf("comment change %+v on %d", c, *e.ObjectID)
					}
				}
			}
		}
		if len(got) != 3 {
			t.Errorf("%d data entry entries, want 3 (Gauge 25 + 5, Counter 1)", len(got))
		}
		if g := periods[f.measure.ID]; len(g) != 30 || g[0] != label(keys[0]) || g[29] != label(keys[29]) {
			t.Errorf("Gauge's entries list %d periods: %v", len(g), g)
		}
		if c := periods[counter.ID]; len(c) != 1 || c[0] != label(keys[3]) {
			t.Errorf("Counter's entry lists %v", c)
		}
		if a := actuals[label(keys[29])]; a != "→29" {
			t.Errorf("Gauge's last period actual logged as %q, want →29", a)
		}

		// Again, one period changed: one more entry, naming only it.
		v := 99.0
		vs := f.values(f.measure.ID)
		rows = rows[:0]
		for i, k := range keys {
			x := float64(i)
			if i == 7 {
				x = v
			}
			rows = append(rows, app.ValueRow{MeasureID: f.measure.ID, PeriodKey: k, Actual: &x, Version: vs[k].Version})
		}
		if n, err := f.app.UpsertValues(f.ctx, f.actor(), rows); err != nil || n != 1 {
			t.Fatalf("second upsert: %d, %v", n, err)
		}
		got = entries()
		if len(got) != 4 || !strings.Contains(fmt.Sprint(got[0].Changes), label(keys[7])) || len(got[0].Changes) != 2 {
			t.Errorf("after one change: %d entries, newest %+v", len(got), got[0].Changes)
		}
	})
}

func (f *limitsFixture) values(id int64) map[string]model.DataValue {
	f.t.Helper()
	vs, err := f.q().DataValues(f.ctx, f.in.ID, id)
	if err != nil {
		f.t.Fatal(err)
	}
	out := map[string]model.DataValue{}
	for _, v := range vs {
		out[v.PeriodKey] = v
	}
	return out
}
