package app_test

import (
	"strings"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/terms"
	"yardstick/internal/testkit"
)

// What a page offers (Can) is what the use cases accept: for each persona
// meeting a measure, every write Can allows succeeds and every write it
// leaves false is refused with Forbidden. The rules themselves are a table
// in internal/access (TestCanOn); this holds the app to them.
func TestCanAgreesWithWrites(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		ctx := w.ctx
		A, B := w.site("ALPHA", "Alpha Org"), w.site("BETA", "Beta Org")
		adminA := A.member("admin", access.PresetAdministration)
		A.member("presenter", access.PresetPresenter)
		A.member("clerk", access.PresetDataEntry)
		B.member("admin", access.PresetAdministration)
		B.member("clerk", access.PresetDataEntry)
		B.member("viewer", access.PresetPresenter)

		S := A.scorecard(adminA, "Grantee Scorecard")
		R := A.container(adminA, "Result R", app.Placement{ScorecardID: S.ID})
		M := A.measure(adminA, "Measure M", app.Placement{ParentID: R.ID})
		w.connect(A, B)
		w.share(A, B, app.ShareChoice{ScorecardID: S.ID, Contribute: true})
		for _, who := range []struct {
			s    *site
			name string
		}{{A, "presenter"}, {A, "clerk"}, {B, "clerk"}, {B, "viewer"}} {
			if err := who.s.assign(who.s.as("admin"), who.name, S.ID); err != nil {
				t.Fatal(err)
			}
		}

		personas := []struct {
			name  string
			actor func() *app.Actor
			want  access.Can
		}{
			{"owner's admin", func() *app.Actor { return A.as("admin") }, access.Can{View: true, Edit: true, Delete: true, EnterData: true, EditGraph: true, Assign: true, EditNotes: true, Comment: true,
				History: true, Lock: true}},
			{"owner's presenter", func() *app.Actor { return A.as("presenter") }, access.Can{View: true, Comment: true, History: true}},
			{"owner's clerk", func() *app.Actor { return A.as("clerk") }, access.Can{View: true, EnterData: true, Comment: true, History: true}},
			{"partner admin", func() *app.Actor { return B.as("admin") }, access.Can{View: true, EnterData: true, Assign: true}},
			{"contributing partner clerk", func() *app.Actor { return B.as("clerk") }, access.Can{View: true, EnterData: true}},
			{"partner viewer", func() *app.Actor { return B.as("viewer") }, access.Can{View: true}},
		}
		for i, p := range personas {
			page, err := w.app.MeasurePage(ctx, p.actor(), M.ID, 0, 0)
			if err != nil {
				t.Fatalf("%s: measure page: %v", p.name, err)
			}
			if page.Can != p.want {
				t.Errorf("%s: Can %+v, want %+v", p.name, page.Can, p.want)
			}
			_, herr := w.app.ObjectHistory(ctx, p.actor(), M.ID, "")
			check := func(what string, allowed bool, err error) {
				t.Helper()
				if allowed && err != nil {
					t.Errorf("%s: Can allows %s, but it was refused: %v", p.name, what, err)
				}
				if !allowed && app.KindOf(err) != app.Forbidden {
					t.Errorf("%s: Can refuses %s, but the use case answered %v", p.name, what, err)
				}
			}
			check("the history", page.Can.History, herr)
			key := page.Grid[len(page.Grid)-1].Key
			_, err = w.app.SaveData(ctx, p.actor(), M.ID, []app.DataEntry{{PeriodKey: key, Actual: string(rune('1' + i)),
				OrigActual: "x", Version: page.Grid[len(page.Grid)-1].Value.Version}})
			check("data entry", page.Can.EnterData, err)
			page, _ = w.app.MeasurePage(ctx, p.actor(), M.ID, 0, 0)
			check("the graph", page.Can.EditGraph, w.app.SetGraph(ctx, p.actor(), M.ID, page.Measure.Version, app.GraphInput{Type: "bar", Periods: "12"}))
			page, _ = w.app.MeasurePage(ctx, p.actor(), M.ID, 0, 0)
			check("the baseline", page.Can.Edit, w.app.SetBaseline(ctx, p.actor(), M.ID, page.Measure.Version, key))
		}
	})
}

// DataColumn reads back, for each bad cell, the column SaveData's message
// is about: a page marks that cell.
func TestDataColumn(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		A := w.site("ALPHA", "Alpha Org")
		admin := A.member("admin", access.PresetAdministration)
		S := A.scorecard(admin, "S")
		R := A.container(admin, "R", app.Placement{ScorecardID: S.ID})
		M := A.measure(admin, "M", app.Placement{ParentID: R.ID})
		page, err := w.app.MeasurePage(w.ctx, admin, M.ID, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		key := page.Grid[0].Key
		for _, tt := range []struct {
			e    app.DataEntry
			want string
		}{
			{app.DataEntry{PeriodKey: key, Actual: "abc"}, "actual"},
			{app.DataEntry{PeriodKey: key, Target: "abc"}, "target"},
			{app.DataEntry{PeriodKey: key, Comment: strings.Repeat("x", 256)}, "comment"},
		} {
			_, err := w.app.SaveData(w.ctx, admin, M.ID, []app.DataEntry{tt.e})
			e, ok := app.AsError(err)
			if !ok || e.Fields[key] == "" {
				t.Fatalf("%+v: got %v, want a field error", tt.e, err)
			}
			if got := app.DataColumn(e.Fields[key], terms.Defaults); got != tt.want {
				t.Errorf("%+v: %q is about %q, want %q", tt.e, e.Fields[key], got, tt.want)
			}
		}
	})
}
