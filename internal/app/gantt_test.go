package app_test

import (
	"fmt"
	"strings"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

// ganttRows writes a chart as "group: action, action | group: …" with
// the actions' titles, for comparing.
func ganttRows(v app.GanttView) string {
	var gs []string
	for _, g := range v.Groups {
		var ts []string
		for _, x := range g.Rows {
			ts = append(ts, x.Title)
		}
		gs = append(gs, g.Kind+" "+g.Title+": "+strings.Join(ts, ", "))
	}
	return strings.Join(gs, " | ")
}

// The Gantt chart (issue 14): the visible actions in the range, grouped
// by each visible scorecard or object they are linked to (a link to what
// the viewer cannot see names nothing), the unlinked last; one scorecard's
// chart holds the actions of its objects too; the range and zoom are
// checked like the Action Manager's filters; and the chart costs the same
// number of queries for 3 actions as for 40.
func TestGantt(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		A, B := w.site("ALPHA", "Alpha Org"), w.site("BETA", "Beta Org")
		admin := A.member("admin", access.PresetAdministration)
		A.member("assigned", access.PresetPresenter) // assigned S only
		B.member("admin", access.PresetAdministration)
		S, T := A.scorecard(admin, "Schools"), A.scorecard(admin, "Transit")
		R := A.container(admin, "Ready to learn", app.Placement{ScorecardID: S.ID})
		M := A.measure(admin, "Reading at grade 3", app.Placement{ParentID: R.ID})
		if err := A.assign(admin, "assigned", S.ID); err != nil {
			t.Fatal(err)
		}
		mk := func(title, start, end, on string, id int64) model.Action {
			t.Helper()
			x, err := w.app.CreateAction(w.ctx, A.as("admin"), app.ActionInput{Title: title, StartDate: start, EndDate: end, Status: "On Track"}, on, id)
			if err != nil {
				t.Fatal(err)
			}
			return x
		}
		mk("Tutors", "2026-03-01", "2026-04-30", app.OnObject, M.ID)
		mk("Kickoff", "2026-02-01", "2026-02-10", app.OnScorecard, S.ID)
		both := mk("Bus passes", "2026-05-01", "2026-06-30", app.OnObject, M.ID)
		if err := w.app.LinkAction(w.ctx, A.as("admin"), both.ID, app.OnScorecard, T.ID, true); err != nil {
			t.Fatal(err)
		}
		mk("Board briefing", "", "", "", 0)
		mk("Open-ended", "2026-09-01", "", app.OnScorecard, T.ID)
		mk("Next year", "2027-01-01", "2027-02-01", app.OnScorecard, T.ID)

		year := app.GanttQuery{Zoom: "year", From: "2026-01-01", To: "2026-12-31"}
		for _, tc := range []struct {
			name  string
			actor func() *app.Actor
			qy    app.GanttQuery
			want  string
		}{
			{"admin, every action", func() *app.Actor { return A.as("admin") }, year,
				"scorecard Schools: Kickoff | scorecard Transit: Bus passes, Open-ended | measure Reading at grade 3: Tutors, Bus passes" +
					" | " + " Not linked to a scorecard or object you can see: Board briefing"},
			{"assigned Schools: Transit is not named", func() *app.Actor { return A.as("assigned") }, year,
				"scorecard Schools: Kickoff | measure Reading at grade 3: Tutors, Bus passes"},
			{"one scorecard, with its measure's actions", func() *app.Actor { return A.as("admin") },
				app.GanttQuery{On: app.OnScorecard, HostID: S.ID, Zoom: "year", From: "2026-01-01", To: "2026-12-31"},
				"scorecard Schools: Kickoff | measure Reading at grade 3: Tutors, Bus passes"},
			{"one measure", func() *app.Actor { return A.as("admin") },
				app.GanttQuery{On: app.OnObject, HostID: M.ID, Zoom: "year", From: "2026-01-01", To: "2026-12-31"},
				"measure Reading at grade 3: Tutors, Bus passes"},
			{"a range of spring", func() *app.Actor { return A.as("admin") }, app.GanttQuery{Zoom: "month", From: "2026-03-15", To: "2026-05-15"},
				"scorecard Transit: Bus passes | measure Reading at grade 3: Tutors, Bus passes | " +
					" Not linked to a scorecard or object you can see: Board briefing"},
			{"the partner's own instance", func() *app.Actor { return B.as("admin") }, year, ""},
		} {
			v, err := w.app.Gantt(w.ctx, tc.actor(), tc.qy)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if got := ganttRows(v); got != tc.want {
				t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
			}
		}

		// Another instance's scorecard is not found; a partner cannot chart it.
		if _, err := w.app.Gantt(w.ctx, B.as("admin"), app.GanttQuery{On: app.OnScorecard, HostID: S.ID}); app.KindOf(err) != app.NotFound {
			t.Errorf("another instance's scorecard: %v, want not found", err)
		}

		// The settings are checked; a default window surrounds today.
		for _, tc := range []struct {
			qy    app.GanttQuery
			field string
		}{
			{app.GanttQuery{From: "2026-13-01"}, "from"},
			{app.GanttQuery{To: "yesterday"}, "to"},
			{app.GanttQuery{From: "2026-05-01", To: "2026-04-01"}, "to"},
			{app.GanttQuery{Zoom: "day"}, "zoom"},
			{app.GanttQuery{Zoom: "week", From: "2026-01-01", To: "2027-12-31"}, "to"},
			{app.GanttQuery{Zoom: "year", From: "1900-01-01", To: "2999-12-31"}, "to"},
		} {
			_, err := w.app.Gantt(w.ctx, A.as("admin"), tc.qy)
			e, ok := app.AsError(err)
			if !ok || e.Kind != app.Invalid || e.Fields[tc.field] == "" {
				t.Errorf("%+v: %v, want a message on %s", tc.qy, err, tc.field)
			}
		}
		for _, z := range app.GanttZooms {
			v, err := w.app.Gantt(w.ctx, A.as("admin"), app.GanttQuery{Zoom: z.Name})
			if err != nil || v.From > v.Today || v.To < v.Today {
				t.Errorf("zoom %s without a range: %v, window %s to %s, today %s", z.Name, err, v.From, v.To, v.Today)
			}
		}
		if v, err := w.app.Gantt(w.ctx, A.as("admin"), app.GanttQuery{Zoom: "month", From: "2026-02-10"}); err != nil || v.To != "2026-08-09" {
			t.Errorf("from alone: %v, to %s, want 2026-08-09", err, v.To)
		}

		// No query per action: 40 more actions cost no more queries.
		count := func() int64 {
			before := db.Store.QueryCount()
			if _, err := w.app.Gantt(w.ctx, A.as("admin"), year); err != nil {
				t.Fatal(err)
			}
			return db.Store.QueryCount() - before
		}
		few := count()
		for i := range 40 {
			mk(fmt.Sprintf("Extra %02d", i), "2026-04-01", "2026-04-20", app.OnObject, M.ID)
		}
		if many := count(); many != few {
			t.Errorf("the chart costs %d queries with 46 actions, %d with 6", many, few)
		}
	})
}

// A chart draws at most GanttLimit actions, the first by end date, and
// says there are more.
func TestGanttBound(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		A := w.site("ALPHA", "Alpha Org")
		admin := A.member("admin", access.PresetAdministration)
		if err := db.Store.InTx(w.ctx, func(q *store.Q) error {
			for i := range app.GanttLimit + 1 {
				d := fmt.Sprintf("2026-%02d-%02d", 1+i%6, 1+i%28)
				if i == 0 {
					d = "2026-12-31" // made first, ends last: the one left out
				}
				if _, err := q.CreateAction(w.ctx, model.Action{InstanceID: A.in.ID, Title: fmt.Sprintf("A%03d", i), StartDate: "2026-01-01",
					EndDate: d, Status: "On Track", AssignerID: admin.Membership.ID}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		v, err := w.app.Gantt(w.ctx, A.as("admin"), app.GanttQuery{Zoom: "year", From: "2026-01-01", To: "2026-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		rows := v.Groups[0].Rows
		if !v.More || v.Count != app.GanttLimit || len(rows) != app.GanttLimit {
			t.Fatalf("more %v, count %d, rows %d; want more, %d", v.More, v.Count, len(rows), app.GanttLimit)
		}
		for i := 1; i < len(rows); i++ {
			if rows[i].EndDate < rows[i-1].EndDate {
				t.Fatalf("row %d ends %s after row %d's %s", i, rows[i].EndDate, i-1, rows[i-1].EndDate)
			}
		}
		for _, x := range rows {
			if x.Title == "A000" {
				t.Errorf("the action ending last is drawn, so some other is not: not the first %d by end date", app.GanttLimit)
			}
		}
	})
}

// A change from the chart goes through the edit form's use case: saved
// with the action's version, the other fields untouched; a stale version
// is a conflict, no actions.edit is forbidden, a bad date is refused, and
// a refused change changes nothing.
func TestScheduleAction(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		A, B := w.site("ALPHA", "Alpha Org"), w.site("BETA", "Beta Org")
		admin := A.member("admin", access.PresetAdministration)
		A.member("viewer", "")
		B.member("admin", access.PresetAdministration)
		S := A.scorecard(admin, "S")
		if err := A.assign(admin, "viewer", S.ID); err != nil {
			t.Fatal(err)
		}
		x, err := w.app.CreateAction(w.ctx, A.as("admin"), app.ActionInput{Title: "Tutors", Description: "<p>Weekly <strong>sessions</strong></p>",
			StartDate: "2026-03-01", EndDate: "2026-04-30", Status: "Behind Schedule", Percent: "10", Tags: "reading, grade 3",
			Assignee: A.members["viewer"].Email}, app.OnScorecard, S.ID)
		if err != nil {
			t.Fatal(err)
		}
		read := func() model.Action {
			t.Helper()
			v, err := w.app.Action(w.ctx, A.as("admin"), x.ID)
			if err != nil {
				t.Fatal(err)
			}
			return v.Action
		}
		for _, tc := range []struct {
			name    string
			actor   func() *app.Actor
			version int
			in      app.ScheduleInput
			kind    app.Kind // 0: saved
			field   string
		}{
			{"no actions.edit", func() *app.Actor { return A.as("viewer") }, x.Version, app.ScheduleInput{StartDate: "2026-03-08", EndDate: "2026-05-07", Percent: "10"}, app.Forbidden, ""},
			{"another instance", func() *app.Actor { return B.as("admin") }, x.Version, app.ScheduleInput{StartDate: "2026-03-08", EndDate: "2026-05-07", Percent: "10"}, app.NotFound, ""},
			{"end before start", func() *app.Actor { return A.as("admin") }, x.Version, app.ScheduleInput{StartDate: "2026-05-08", EndDate: "2026-05-07", Percent: "10"}, app.Invalid, "end_date"},
			{"percent 101", func() *app.Actor { return A.as("admin") }, x.Version, app.ScheduleInput{StartDate: "2026-03-01", EndDate: "2026-04-30", Percent: "101"}, app.Invalid, "percent"},
			{"stale version", func() *app.Actor { return A.as("admin") }, x.Version - 1, app.ScheduleInput{StartDate: "2026-03-08", EndDate: "2026-05-07", Percent: "10"}, app.Conflict, ""},
			{"moved a week later", func() *app.Actor { return A.as("admin") }, x.Version, app.ScheduleInput{StartDate: "2026-03-08", EndDate: "2026-05-07", Percent: "10"}, 0, ""},
			{"the same version again", func() *app.Actor { return A.as("admin") }, x.Version, app.ScheduleInput{StartDate: "2026-03-01", EndDate: "2026-04-30", Percent: "10"}, app.Conflict, ""},
			{"percent 60", func() *app.Actor { return A.as("admin") }, x.Version + 1, app.ScheduleInput{StartDate: "2026-03-08", EndDate: "2026-05-07", Percent: "60"}, 0, ""},
		} {
			before := read()
			_, err := w.app.ScheduleAction(w.ctx, tc.actor(), x.ID, tc.version, tc.in)
			after := read()
			if tc.kind == 0 {
				if err != nil {
					t.Errorf("%s: %v", tc.name, err)
					continue
				}
				if after.StartDate != tc.in.StartDate || after.EndDate != tc.in.EndDate || fmt.Sprint(after.Percent) != tc.in.Percent || after.Version != before.Version+1 {
					t.Errorf("%s: saved %s–%s %d%% v%d", tc.name, after.StartDate, after.EndDate, after.Percent, after.Version)
				}
				if after.Title != x.Title || after.Description != x.Description || after.Status != x.Status ||
					strings.Join(after.Tags, ",") != strings.Join(x.Tags, ",") || after.AssigneeID != x.AssigneeID {
					t.Errorf("%s: other fields changed: %+v", tc.name, after)
				}
				continue
			}
			if app.KindOf(err) != tc.kind {
				t.Errorf("%s: %v, want kind %v", tc.name, err, tc.kind)
			}
			if e, _ := app.AsError(err); tc.field != "" && (e == nil || e.Fields[tc.field] == "") {
				t.Errorf("%s: %v, want a message on %s", tc.name, err, tc.field)
			}
			if after.Version != before.Version || after.StartDate != before.StartDate || after.EndDate != before.EndDate || after.Percent != before.Percent {
				t.Errorf("%s: refused, but the action changed: %+v", tc.name, after)
			}
		}
	})
}
