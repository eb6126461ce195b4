package app_test

import (
	"strconv"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/testkit"
)

// History tabs (issue 28, point 9): an object's changes from the activity
// log, newest first, paged by keyset; only what the viewer can see, and
// never another object's entries.
func TestHistory(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		f := newLimitsFixture(t, db)
		ctx := f.ctx
		m := f.measure
		if _, err := f.app.SaveData(ctx, f.actor(), m.ID, []app.DataEntry{{PeriodKey: f.keys[0], Actual: "12"}}); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 55; i++ {
			m = f.object(m.ID)
			in := app.ObjectInput{Title: "Gauge " + strconv.Itoa(i), TypeID: m.TypeID, Decimals: "0", Polarity: "higher", FrequencyID: *m.FrequencyID}
			if err := f.app.UpdateObject(ctx, f.actor(), m.ID, m.Version, in); err != nil {
				t.Fatal(err)
			}
		}
		v, err := f.app.ObjectHistory(ctx, f.actor(), m.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Page.Entries) != 50 || v.Page.Next == "" {
			t.Fatalf("first page: %d entries, next %q; want 50 and a next page", len(v.Page.Entries), v.Page.Next)
		}
		first := v.Page.Entries[0]
		if first.Activity != app.ActUpdate || first.ObjectName != "Gauge 54" || len(first.Changes) == 0 ||
			first.Changes[0].Before != "Gauge 53" || first.Changes[0].After != "Gauge 54" {
			t.Errorf("newest entry: %+v", first)
		}
		older, err := f.app.ObjectHistory(ctx, f.actor(), m.ID, v.Page.Next)
		if err != nil {
			t.Fatal(err)
		}
		// 55 updates, a data entry and the creation (placed under the box).
		var kinds []string
		for _, e := range older.Page.Entries {
			if *e.ObjectID != m.ID {
				t.Errorf("another object's entry: %+v", e)
			}
			kinds = append(kinds, e.Activity)
		}
		if len(older.Page.Entries) != 7 || older.Page.Next != "" {
			t.Fatalf("second page: %d entries (%v), next %q; want 7 and no more", len(older.Page.Entries), kinds, older.Page.Next)
		}
		want := map[string]bool{app.ActDataEntry: false, app.ActCreate: false}
		for _, k := range kinds {
			if _, ok := want[k]; ok {
				want[k] = true
			}
		}
		for k, seen := range want {
			if !seen {
				t.Errorf("no %s entry on the second page (%v)", k, kinds)
			}
		}
		if _, err := f.app.ObjectHistory(ctx, f.actor(), m.ID, "garbage"); app.KindOf(err) != app.Invalid {
			t.Errorf("bad cursor: %v", err)
		}

		// The scorecard's history holds the scorecard's entries only.
		sv, err := f.app.ScorecardHistory(ctx, f.actor(), f.sc.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range sv.Page.Entries {
			if e.ObjectType != "scorecard" || *e.ObjectID != f.sc.ID {
				t.Errorf("scorecard history holds %s %d", e.ObjectType, *e.ObjectID)
			}
		}
		if len(sv.Page.Entries) == 0 {
			t.Error("the scorecard's creation is not in its history")
		}

		// A member who cannot see the measure, and another instance's
		// administrator, get 404; nothing tells them it exists.
		acct, _ := testkit.MustCreateMember(t, db.Store, f.in, "pat@example.org", access.PresetPresenter)
		pat, err := f.app.ActorFor(ctx, app.Session{Account: acct}, "ACME", app.Client{Addr: "192.0.2.2"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.app.ObjectHistory(ctx, pat, m.ID, ""); app.KindOf(err) != app.NotFound {
			t.Errorf("presenter without scorecards: %v, want not found", err)
		}
		other := testkit.MustCreateInstance(t, db.Store, "OTHER", "Other")
		oacct, _ := testkit.MustCreateMember(t, db.Store, other, "olga@example.org", access.PresetAdministration)
		olga, err := f.app.ActorFor(ctx, app.Session{Account: oacct}, "OTHER", app.Client{Addr: "192.0.2.3"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.app.ObjectHistory(ctx, olga, m.ID, ""); app.KindOf(err) != app.NotFound {
			t.Errorf("another instance's admin: %v, want not found", err)
		}
		if _, err := f.app.ScorecardHistory(ctx, olga, f.sc.ID, ""); app.KindOf(err) != app.NotFound {
			t.Errorf("another instance's admin, scorecard: %v, want not found", err)
		}
	})
}
