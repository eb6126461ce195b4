package app_test

import (
	"maps"
	"strconv"
	"strings"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
)

// Who sees an action (issue 14): scorecards.all holders every one; others
// an action they are assigned or assigned, or one linked to a scorecard or
// object they can see; partners and other instances none. Direct reads,
// the Action Manager list and every write agree.
func TestActionVisibility(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		A, B := w.site("ALPHA", "Alpha Org"), w.site("BETA", "Beta Org")
		admin := A.member("admin", access.PresetAdministration)
		A.member("assigned", access.PresetPresenter) // assigned scorecard S only
		A.member("other", access.PresetPresenter)    // assigned scorecard T only
		A.member("assignee", access.PresetPresenter) // no scorecards; assigned the unlinked action
		A.member("none", "")                         // no scorecards, no permissions
		A.member("builder", access.PresetScorecardBuilder)
		B.member("admin", access.PresetAdministration)
		S := A.scorecard(admin, "S")
		T := A.scorecard(admin, "T")
		R := A.container(admin, "Result", app.Placement{ScorecardID: S.ID})
		M := A.measure(admin, "Measure", app.Placement{ParentID: R.ID})
		for name, sc := range map[string]int64{"assigned": S.ID, "other": T.ID} {
			if err := A.assign(admin, name, sc); err != nil {
				t.Fatal(err)
			}
		}
		w.connect(A, B)
		w.share(A, B, app.ShareChoice{ScorecardID: S.ID})

		onMeasure, err := w.app.CreateAction(w.ctx, A.as("admin"), app.ActionInput{Title: "Outreach at libraries", Status: "On Track"}, app.OnObject, M.ID)
		if err != nil {
			t.Fatal(err)
		}
		unlinked, err := w.app.CreateAction(w.ctx, A.as("admin"), app.ActionInput{Title: "Board briefing",
			Assignee: A.members["assignee"].Email}, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		onT, err := w.app.CreateAction(w.ctx, A.as("admin"), app.ActionInput{Title: "Survey"}, app.OnScorecard, T.ID)
		if err != nil {
			t.Fatal(err)
		}
		// The partner's admin cannot take an action on the shared scorecard.
		if _, err := w.app.CreateAction(w.ctx, B.as("admin"), app.ActionInput{Title: "x"}, app.OnScorecard, S.ID); app.KindOf(err) != app.Forbidden {
			t.Errorf("a partner's action on a shared scorecard: %v, want Forbidden", err)
		}

		all := map[string]int64{"measure": onMeasure.ID, "unlinked": unlinked.ID, "T": onT.ID}
		for _, tc := range []struct {
			who   string
			actor func() *app.Actor
			sees  string // names from all, comma-separated
		}{
			{"admin (scorecards.all)", func() *app.Actor { return A.as("admin") }, "measure,unlinked,T"},
			{"assigned S", func() *app.Actor { return A.as("assigned") }, "measure"},
			{"assigned T", func() *app.Actor { return A.as("other") }, "T"},
			{"assignee only", func() *app.Actor { return A.as("assignee") }, "unlinked"},
			{"no scorecards", func() *app.Actor { return A.as("none") }, ""},
			{"builder (every scorecard)", func() *app.Actor { return A.as("builder") }, "measure,T"},
			{"partner admin", func() *app.Actor { return B.as("admin") }, ""},
		} {
			want := map[string]bool{}
			for _, n := range strings.Split(tc.sees, ",") {
				if n != "" {
					want[n] = true
				}
			}
			for name, id := range all {
				_, err := w.app.Action(w.ctx, tc.actor(), id)
				if got := err == nil; got != want[name] {
					t.Errorf("%s opening %s: %v, want seen %v", tc.who, name, err, want[name])
				}
				if !want[name] && err != nil && app.KindOf(err) != app.NotFound {
					t.Errorf("%s opening %s: %v, want not found", tc.who, name, err)
				}
			}
			list, err := w.app.Actions(w.ctx, tc.actor(), app.ActionQuery{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, x := range list.Actions {
				for name, id := range all {
					if id == x.ID {
						got = append(got, name)
					}
				}
			}
			if len(got) != len(want) {
				t.Errorf("%s: Action Manager lists %v, want %s", tc.who, got, tc.sees)
			}
		}
		// The dashboard: the assignee's open actions and to-dos.
		if _, err := w.app.AddTodo(w.ctx, A.as("admin"), unlinked.ID, app.TodoInput{Title: "Draft the slides", Assignee: A.members["assignee"].Email}); err != nil {
			t.Fatal(err)
		}
		d, err := w.app.Dashboard(w.ctx, A.as("assignee"))
		if err != nil {
			t.Fatal(err)
		}
		if len(d.MyActions) != 1 || d.MyActions[0].ID != unlinked.ID || len(d.MyTodos) != 1 || d.MyTodos[0].ActionTitle != "Board briefing" {
			t.Errorf("the assignee's dashboard: actions %+v, to-dos %+v", d.MyActions, d.MyTodos)
		}
		if d, _ := w.app.Dashboard(w.ctx, A.as("other")); len(d.MyActions) != 0 || len(d.MyTodos) != 0 {
			t.Errorf("another member's dashboard shows %d actions, %d to-dos", len(d.MyActions), len(d.MyTodos))
		}
		// The assigner sees an unlinked action it made, whatever its scope.
		A.setPerms(admin, "none", access.ActionsEdit)
		mine, err := w.app.CreateAction(w.ctx, A.as("none"), app.ActionInput{Title: "My own"}, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.app.Action(w.ctx, A.as("none"), mine.ID); err != nil {
			t.Errorf("the assigner cannot open its own action: %v", err)
		}
		if _, err := w.app.Action(w.ctx, A.as("other"), mine.ID); app.KindOf(err) != app.NotFound {
			t.Errorf("another member opened an unlinked action: %v", err)
		}
	})
}

// Each of the four action permissions alone allows its write and nothing
// else; without it the write is refused and nothing changes.
func TestActionPermissions(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		A := w.site("ALPHA", "Alpha Org")
		admin := A.member("admin", access.PresetAdministration)
		A.member("m", "")
		S := A.scorecard(admin, "S")
		if err := A.assign(admin, "m", S.ID); err != nil {
			t.Fatal(err)
		}
		x, err := w.app.CreateAction(w.ctx, A.as("admin"), app.ActionInput{Title: "Plan"}, app.OnScorecard, S.ID)
		if err != nil {
			t.Fatal(err)
		}
		version := func() int {
			v, err := w.app.Action(w.ctx, A.as("admin"), x.ID)
			if err != nil {
				t.Fatal(err)
			}
			return v.Action.Version
		}
		writes := map[access.Permission]func(*app.Actor) error{
			access.ActionsEdit: func(a *app.Actor) error {
				_, err := w.app.UpdateAction(w.ctx, a, x.ID, version(), app.ActionInput{Title: "Plan, revised", Status: "On Track"})
				return err
			},
			access.ActionsStatus: func(a *app.Actor) error {
				return w.app.AddActionUpdate(w.ctx, a, x.ID, version(), "Halfway", "On Track", "50")
			},
			access.ActionsTodos: func(a *app.Actor) error {
				_, err := w.app.AddTodo(w.ctx, a, x.ID, app.TodoInput{Title: "Call the library"})
				return err
			},
		}
		for perm := range writes {
			A.setPerms(admin, "m", perm)
			for other, write := range writes {
				before := version()
				err := write(A.as("m"))
				if other == perm && err != nil {
					t.Errorf("with only %s, its write failed: %v", perm, err)
				}
				if other != perm {
					if app.KindOf(err) != app.Forbidden {
						t.Errorf("with only %s, the %s write: %v, want Forbidden", perm, other, err)
					}
					if version() != before {
						t.Errorf("a refused %s write changed the action", other)
					}
				}
			}
		}
		A.setPerms(admin, "m", access.ActionsEdit)
		if err := w.app.DeleteAction(w.ctx, A.as("m"), x.ID); app.KindOf(err) != app.Forbidden {
			t.Errorf("delete without actions.delete: %v", err)
		}
		A.setPerms(admin, "m", access.ActionsDelete)
		if err := w.app.DeleteAction(w.ctx, A.as("m"), x.ID); err != nil {
			t.Errorf("delete with actions.delete: %v", err)
		}
		if _, err := w.app.Action(w.ctx, A.as("admin"), x.ID); app.KindOf(err) != app.NotFound {
			t.Errorf("after delete: %v", err)
		}
	})
}

// Bad input is refused per field and nothing is stored; concurrent edits
// do not lose an update; deleting removes updates, to-dos and links.
func TestActionInputAndConcurrency(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		A, B := w.site("ALPHA", "Alpha Org"), w.site("BETA", "Beta Org")
		admin := A.member("admin", access.PresetAdministration)
		B.member("admin", access.PresetAdministration)
		for _, tc := range []struct {
			in    app.ActionInput
			field string
		}{
			{app.ActionInput{Title: ""}, "title"},
			{app.ActionInput{Title: strings.Repeat("x", 10_000)}, "title"},
			{app.ActionInput{Title: "a\x00b"}, "title"},
			{app.ActionInput{Title: "ok", StartDate: "2026-03-01", EndDate: "2026-02-01"}, "end_date"},
			{app.ActionInput{Title: "ok", StartDate: "March"}, "start_date"},
			{app.ActionInput{Title: "ok", Percent: "101"}, "percent"},
			{app.ActionInput{Title: "ok", Status: "Done-ish"}, "status"},
			{app.ActionInput{Title: "ok", Assignee: strconv.FormatInt(B.ms["admin"].ID, 10)}, "assignee"},
			{app.ActionInput{Title: "ok", Assignee: B.members["admin"].Email}, "assignee"},
			{app.ActionInput{Title: "ok", Assignee: "nobody@example.org"}, "assignee"},
		} {
			_, err := w.app.CreateAction(w.ctx, A.as("admin"), tc.in, "", 0)
			e, ok := app.AsError(err)
			if !ok || e.Kind != app.Invalid || e.Fields[tc.field] == "" {
				t.Errorf("%+v: %v, want a message on %s", tc.in, err, tc.field)
			}
		}
		if list, _ := w.app.Actions(w.ctx, admin, app.ActionQuery{}); len(list.Actions) != 0 {
			t.Errorf("refused creates stored %d actions", len(list.Actions))
		}
		// HTML in the description is sanitised; in the title it is text.
		x, err := w.app.CreateAction(w.ctx, A.as("admin"), app.ActionInput{Title: "<b>=HYPERLINK(1)</b>", Description: `<p onclick="x()">Go<script>alert(1)</script></p>`}, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		if x.Title != "<b>=HYPERLINK(1)</b>" || strings.Contains(x.Description, "script") || strings.Contains(x.Description, "onclick") {
			t.Errorf("stored title %q, description %q", x.Title, x.Description)
		}
		// Two people edit from the same version: one wins, one conflicts.
		_, err1 := w.app.UpdateAction(w.ctx, A.as("admin"), x.ID, x.Version, app.ActionInput{Title: "First"})
		_, err2 := w.app.UpdateAction(w.ctx, A.as("admin"), x.ID, x.Version, app.ActionInput{Title: "Second"})
		if err1 != nil || app.KindOf(err2) != app.Conflict {
			t.Errorf("concurrent edits: %v, %v; want one saved and one conflict", err1, err2)
		}
		v, _ := w.app.Action(w.ctx, A.as("admin"), x.ID)
		if v.Action.Title != "First" {
			t.Errorf("title after the conflict: %q", v.Action.Title)
		}
		if err := w.app.AddActionUpdate(w.ctx, A.as("admin"), x.ID, v.Action.Version, "Started", "Completed", "100"); err != nil {
			t.Fatal(err)
		}
		td, err := w.app.AddTodo(w.ctx, A.as("admin"), x.ID, app.TodoInput{Title: "Book the room", DueDate: "2026-04-01"})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.app.CheckTodo(w.ctx, A.as("admin"), x.ID, td.ID, true); err != nil {
			t.Fatal(err)
		}
		v, _ = w.app.Action(w.ctx, A.as("admin"), x.ID)
		if v.Action.Status != "Completed" || v.Action.CompletedAt == nil || len(v.Updates) != 1 || len(v.Todos) != 1 || !v.Todos[0].Done {
			t.Errorf("after the update and the to-do: %+v", v)
		}
		if err := w.app.DeleteAction(w.ctx, A.as("admin"), x.ID); err != nil {
			t.Fatal(err)
		}
		for _, table := range []string{"action_updates", "action_todos", "action_links"} {
			var n int
			if err := db.Store.DB().QueryRow(`SELECT COUNT(*) FROM `+table+` WHERE instance_id = $1`, A.in.ID).Scan(&n); err != nil || n != 0 {
				t.Errorf("%s after delete: %d rows (%v)", table, n, err)
			}
		}
		// The database refuses a link joining two instances.
		y, _ := w.app.CreateAction(w.ctx, A.as("admin"), app.ActionInput{Title: "Mine"}, "", 0)
		Sb := B.scorecard(B.as("admin"), "Theirs")
		if err := db.Store.Q().LinkAction(w.ctx, A.in.ID, y.ID, model.Target{ScorecardID: Sb.ID}); err == nil {
			t.Error("a link from one instance's action to another's scorecard was stored")
		}
	})
}

// The Action Manager's filters (issue 14, item 5): tag (a whole tag, as
// written), assignee (by email, this instance's members only) and a date
// range that an action's dates meet; refused filters name their field and
// list nothing. Exports take the same filters.
func TestActionFilters(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		A, B := w.site("ALPHA", "Alpha Org"), w.site("BETA", "Beta Org")
		admin := A.member("admin", access.PresetAdministration)
		A.member("ana", access.PresetPresenter)
		B.member("bob", access.PresetAdministration)
		for _, in := range []app.ActionInput{
			{Title: "Q1 outreach", StartDate: "2026-01-01", EndDate: "2026-03-31", Tags: "Outreach, Schools", Assignee: A.members["ana"].Email},
			{Title: "Q2 survey", StartDate: "2026-04-01", EndDate: "2026-06-30", Tags: "outreach-2"},
			{Title: "Open ended", StartDate: "2026-05-01", Tags: "Schools"},
			{Title: "No dates"},
		} {
			if _, err := w.app.CreateAction(w.ctx, admin, in, "", 0); err != nil {
				t.Fatal(err)
			}
		}
		titles := func(qy app.ActionQuery) string {
			t.Helper()
			list, err := w.app.Actions(w.ctx, admin, qy)
			if err != nil {
				t.Fatalf("%+v: %v", qy, err)
			}
			var out []string
			for _, x := range list.Actions {
				out = append(out, x.Title)
			}
			return strings.Join(out, "; ")
		}
		for _, tc := range []struct {
			qy   app.ActionQuery
			want string
		}{
			{app.ActionQuery{Tag: "Schools"}, "Open ended; Q1 outreach"},
			{app.ActionQuery{Tag: "Outreach"}, "Q1 outreach"}, // not "outreach-2"
			{app.ActionQuery{Tag: "outreach"}, ""},            // as written
			{app.ActionQuery{Tag: "Sch"}, ""},                 // a whole tag
			{app.ActionQuery{Assignee: A.members["ana"].Email}, "Q1 outreach"},
			{app.ActionQuery{Assignee: strings.ToUpper(A.members["ana"].Email)}, "Q1 outreach"},
			{app.ActionQuery{From: "2026-04-15", To: "2026-04-20"}, "No dates; Q2 survey"},
			{app.ActionQuery{From: "2026-07-01"}, "No dates; Open ended"},
			{app.ActionQuery{To: "2026-01-01"}, "No dates; Q1 outreach"},
			{app.ActionQuery{Tag: "Schools", From: "2026-04-01"}, "Open ended"},
		} {
			if got := titles(tc.qy); got != tc.want {
				t.Errorf("%+v: %q, want %q", tc.qy, got, tc.want)
			}
		}
		for _, tc := range []struct {
			qy    app.ActionQuery
			field string
		}{
			{app.ActionQuery{From: "yesterday"}, "from"},
			{app.ActionQuery{To: "2026-02-30"}, "to"},
			{app.ActionQuery{From: "2026-05-01", To: "2026-04-01"}, "to"},
			{app.ActionQuery{Assignee: B.members["bob"].Email}, "assignee"}, // another instance's member
			{app.ActionQuery{Assignee: "nobody@example.org"}, "assignee"},
		} {
			_, err := w.app.Actions(w.ctx, admin, tc.qy)
			if e, ok := app.AsError(err); !ok || e.Kind != app.Invalid || e.Fields[tc.field] == "" {
				t.Errorf("%+v: %v, want a message on %s", tc.qy, err, tc.field)
			}
			n := 0
			err = w.app.ExportActions(w.ctx, admin, tc.qy, "csv", func(model.Action) error { n++; return nil })
			if app.KindOf(err) != app.Invalid || n != 0 {
				t.Errorf("export with %+v: %v after %d rows, want Invalid before any", tc.qy, err, n)
			}
		}
	})
}

// Add Existing Action and unlinking (issue 14, item 1): an action links to
// more scorecards and objects of its own instance; its page names the
// links the viewer can see and counts the others; linking twice changes
// and logs nothing; a partner's scorecard cannot take an action.
func TestActionLinks(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		A, B := w.site("ALPHA", "Alpha Org"), w.site("BETA", "Beta Org")
		admin := A.member("admin", access.PresetAdministration)
		A.member("assigned", access.PresetPresenter) // sees S only
		B.member("admin", access.PresetAdministration)
		S := A.scorecard(admin, "S")
		T := A.scorecard(admin, "T")
		R := A.container(admin, "Result", app.Placement{ScorecardID: S.ID})
		M := A.measure(admin, "Measure", app.Placement{ParentID: R.ID})
		if err := A.assign(admin, "assigned", S.ID); err != nil {
			t.Fatal(err)
		}
		w.connect(A, B)
		w.share(A, B, app.ShareChoice{ScorecardID: S.ID})
		x, err := w.app.CreateAction(w.ctx, admin, app.ActionInput{Title: "Family literacy nights"}, app.OnObject, M.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.app.CreateAction(w.ctx, admin, app.ActionInput{Title: "Library cards drive"}, "", 0); err != nil {
			t.Fatal(err)
		}
		choices := func(host int64, text string) string {
			t.Helper()
			v, err := w.app.ActionsToLink(w.ctx, admin, app.OnScorecard, host, text, "")
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, a := range v.Actions {
				out = append(out, a.Title)
			}
			return strings.Join(out, "; ")
		}
		if got := choices(T.ID, "LITERACY"); got != "Family literacy nights" {
			t.Errorf("choices for T by title: %q", got)
		}
		for range 2 { // twice: the second changes and logs nothing
			if err := w.app.LinkAction(w.ctx, admin, x.ID, app.OnScorecard, T.ID, true); err != nil {
				t.Fatal(err)
			}
		}
		if n := len(w.log(A.in, string(app.ActLink))); n != 2 { // the measure's, at creation, and T's once
			t.Errorf("%d link entries, want 2", n)
		}
		if got := choices(T.ID, ""); got != "Library cards drive" {
			t.Errorf("choices for T once linked: %q, want only the other action", got)
		}
		v, err := w.app.Action(w.ctx, admin, x.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Linked) != 2 || v.Hidden != 0 || v.Linked[0].Title != "T" || v.Linked[1].Title != "Measure" {
			t.Errorf("admin sees links %+v, %d hidden", v.Linked, v.Hidden)
		}
		// The member assigned S sees the measure and only counts T.
		v, err = w.app.Action(w.ctx, A.as("assigned"), x.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Linked) != 1 || v.Linked[0].Title != "Measure" || v.Hidden != 1 {
			t.Errorf("assigned member sees links %+v, %d hidden", v.Linked, v.Hidden)
		}
		// Partners and other instances: the shared scorecard takes no
		// action, and nobody outside sees the action.
		if _, err := w.app.ActionsToLink(w.ctx, B.as("admin"), app.OnScorecard, S.ID, "", ""); app.KindOf(err) != app.Forbidden {
			t.Errorf("a partner's Add Existing Action: %v, want Forbidden", err)
		}
		if err := w.app.LinkAction(w.ctx, B.as("admin"), x.ID, app.OnScorecard, S.ID, true); app.KindOf(err) != app.NotFound {
			t.Errorf("a partner linking ALPHA's action: %v, want NotFound", err)
		}
		if err := w.app.LinkAction(w.ctx, admin, x.ID, app.OnScorecard, T.ID, false); err != nil {
			t.Fatal(err)
		}
		if err := w.app.LinkAction(w.ctx, admin, x.ID, app.OnScorecard, T.ID, false); app.KindOf(err) != app.NotFound {
			t.Errorf("unlinking twice: %v, want NotFound", err)
		}
		if v, _ := w.app.Action(w.ctx, admin, x.ID); len(v.Linked) != 1 {
			t.Errorf("after unlinking T: %+v", v.Linked)
		}
	})
}

// To-dos are edited and deleted with actions.todos only: without it both
// are refused and nothing changes; bad input names its field; both are
// logged; another action's to-do id is not found.
func TestTodoEditDelete(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		A := w.site("ALPHA", "Alpha Org")
		admin := A.member("admin", access.PresetAdministration)
		A.member("ana", access.PresetPresenter)
		A.member("m", "")
		x, err := w.app.CreateAction(w.ctx, admin, app.ActionInput{Title: "Plan"}, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		other, err := w.app.CreateAction(w.ctx, admin, app.ActionInput{Title: "Other"}, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		td, err := w.app.AddTodo(w.ctx, admin, x.ID, app.TodoInput{Title: "Call the library"})
		if err != nil {
			t.Fatal(err)
		}
		// m is the assignee of the action, so sees it, with actions.edit only.
		if _, err := w.app.UpdateAction(w.ctx, admin, x.ID, x.Version, app.ActionInput{Title: "Plan", Assignee: A.members["m"].Email}); err != nil {
			t.Fatal(err)
		}
		A.setPerms(admin, "m", access.ActionsEdit)
		edit := app.TodoInput{Title: "Call both libraries", Assignee: A.members["ana"].Email, DueDate: "2026-03-01"}
		if err := w.app.UpdateTodo(w.ctx, A.as("m"), x.ID, td.ID, edit); app.KindOf(err) != app.Forbidden {
			t.Errorf("edit without actions.todos: %v", err)
		}
		if err := w.app.DeleteTodo(w.ctx, A.as("m"), x.ID, td.ID); app.KindOf(err) != app.Forbidden {
			t.Errorf("delete without actions.todos: %v", err)
		}
		for _, tc := range []struct {
			in    app.TodoInput
			field string
		}{
			{app.TodoInput{Title: ""}, "todo"},
			{app.TodoInput{Title: strings.Repeat("é", 201)}, "todo"},
			{app.TodoInput{Title: "ok", DueDate: "soon"}, "due_date"},
			{app.TodoInput{Title: "ok", Assignee: "nobody@example.org"}, "todo_assignee"},
		} {
			if e, ok := app.AsError(w.app.UpdateTodo(w.ctx, admin, x.ID, td.ID, tc.in)); !ok || e.Fields[tc.field] == "" {
				t.Errorf("%+v: %v, want a message on %s", tc.in, e, tc.field)
			}
		}
		if v, _ := w.app.Action(w.ctx, admin, x.ID); len(v.Todos) != 1 || v.Todos[0].Title != "Call the library" {
			t.Fatalf("refused edits changed the to-do: %+v", v.Todos)
		}
		if err := w.app.UpdateTodo(w.ctx, admin, other.ID, td.ID, edit); app.KindOf(err) != app.NotFound {
			t.Errorf("a to-do through another action: %v, want NotFound", err)
		}
		if err := w.app.UpdateTodo(w.ctx, admin, x.ID, td.ID, edit); err != nil {
			t.Fatal(err)
		}
		v, _ := w.app.Action(w.ctx, admin, x.ID)
		if got := v.Todos[0]; got.Title != edit.Title || got.DueDate != "2026-03-01" || got.AssigneeEmail != A.members["ana"].Email {
			t.Errorf("after edit: %+v", got)
		}
		if err := w.app.DeleteTodo(w.ctx, admin, x.ID, td.ID); err != nil {
			t.Fatal(err)
		}
		if v, _ := w.app.Action(w.ctx, admin, x.ID); len(v.Todos) != 0 {
			t.Errorf("after delete: %+v", v.Todos)
		}
		if n := len(w.log(A.in, app.ActDelete)); n != 1 {
			t.Errorf("%d delete entries, want 1", n)
		}
	})
}

// Action Custom Fields (issue 14, item 4): defined with the defaults
// permission only; values are checked by kind on every save from the
// form (a required one present, a drop-down's value among its choices);
// a save without the fields (the Gantt chart's dates) keeps them; a field
// in use keeps its kind and is deleted, with its values, only when
// confirmed; every change is logged.
func TestActionCustomFields(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		A := w.site("ALPHA", "Alpha Org")
		admin := A.member("admin", access.PresetAdministration)
		A.member("m", "")
		A.setPerms(admin, "m", access.ActionsEdit)
		if _, err := w.app.CreateActionField(w.ctx, A.as("m"), app.ActionFieldInput{Name: "Cost", Kind: "number"}); app.KindOf(err) != app.Forbidden {
			t.Errorf("a field without defaults: %v", err)
		}
		mk := func(in app.ActionFieldInput) model.ActionField {
			t.Helper()
			f, err := w.app.CreateActionField(w.ctx, admin, in)
			if err != nil {
				t.Fatalf("%+v: %v", in, err)
			}
			return f
		}
		funding := mk(app.ActionFieldInput{Name: "Funding", Kind: "select", Options: "Grant\nCity budget\n\nGrant", Required: true})
		cost := mk(app.ActionFieldInput{Name: "Cost", Kind: "number"})
		due := mk(app.ActionFieldInput{Name: "Board date", Kind: "date"})
		public := mk(app.ActionFieldInput{Name: "Public", Kind: "yesno"})
		note := mk(app.ActionFieldInput{Name: "Partner", Kind: "text"})
		order := func() string {
			list, _ := w.app.ActionFields(w.ctx, admin)
			var out []string
			for _, f := range list {
				out = append(out, f.Name)
			}
			return strings.Join(out, ", ")
		}
		for _, step := range []struct {
			id   int64
			up   bool
			want string
		}{
			{cost.ID, true, "Cost, Funding, Board date, Public, Partner"},
			{cost.ID, true, "Cost, Funding, Board date, Public, Partner"},  // already first
			{note.ID, false, "Cost, Funding, Board date, Public, Partner"}, // already last
			{cost.ID, false, "Funding, Cost, Board date, Public, Partner"},
		} {
			if err := w.app.MoveActionField(w.ctx, admin, step.id, step.up); err != nil || order() != step.want {
				t.Errorf("move %d up=%v: %v, order %q, want %q", step.id, step.up, err, order(), step.want)
			}
		}
		if err := w.app.MoveActionField(w.ctx, admin, 999999, true); app.KindOf(err) != app.NotFound {
			t.Errorf("moving an unknown field: %v", err)
		}
		if len(funding.Options) != 2 {
			t.Errorf("choices %q: blank lines and repeats are dropped", funding.Options)
		}
		for _, tc := range []struct {
			in    app.ActionFieldInput
			field string
		}{
			{app.ActionFieldInput{Name: "", Kind: "text"}, "name"},
			{app.ActionFieldInput{Name: "funding", Kind: "text"}, "name"}, // taken, any case
			{app.ActionFieldInput{Name: "X", Kind: "colour"}, "kind"},
			{app.ActionFieldInput{Name: "Y", Kind: "select", Options: "\n \n"}, "options"},
			{app.ActionFieldInput{Name: strings.Repeat("n", 61), Kind: "text"}, "name"},
		} {
			if e, ok := app.AsError(func() error { _, err := w.app.CreateActionField(w.ctx, admin, tc.in); return err }()); !ok || e.Fields[tc.field] == "" {
				t.Errorf("%+v: %v, want a message on %s", tc.in, e, tc.field)
			}
		}
		good := map[int64]string{funding.ID: "Grant", cost.ID: "1,250.50", due.ID: "2026-05-01", public.ID: "yes", note.ID: "<b>Library</b> =1+1"}
		x, err := w.app.CreateAction(w.ctx, admin, app.ActionInput{Title: "Reading circles", Fields: good}, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		values := func() map[string]string {
			t.Helper()
			v, err := w.app.Action(w.ctx, admin, x.ID)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]string{}
			for _, fv := range v.Fields {
				out[fv.Field.Name] = fv.Value
			}
			return out
		}
		want := map[string]string{"Funding": "Grant", "Cost": "1250.5", "Board date": "2026-05-01", "Public": "yes", "Partner": "<b>Library</b> =1+1"}
		if got := values(); !maps.Equal(got, want) {
			t.Errorf("stored %v, want %v", got, want)
		}
		cur := func() int { v, _ := w.app.Action(w.ctx, admin, x.ID); return v.Action.Version }
		for _, tc := range []struct {
			set   map[int64]string
			field int64
		}{
			{map[int64]string{funding.ID: ""}, funding.ID},      // required
			{map[int64]string{funding.ID: "grant"}, funding.ID}, // not among the choices, as written
			{map[int64]string{funding.ID: "Grant", cost.ID: "lots"}, cost.ID},
			{map[int64]string{funding.ID: "Grant", due.ID: "2026-02-30"}, due.ID},
			{map[int64]string{funding.ID: "Grant", public.ID: "maybe"}, public.ID},
			{map[int64]string{funding.ID: "Grant", note.ID: "a\x00b"}, note.ID},
		} {
			_, err := w.app.UpdateAction(w.ctx, admin, x.ID, cur(), app.ActionInput{Title: "Reading circles", Fields: tc.set})
			if e, ok := app.AsError(err); !ok || e.Fields[app.FieldKey(tc.field)] == "" {
				t.Errorf("%v: %v, want a message on field %d", tc.set, err, tc.field)
			}
		}
		if got := values(); !maps.Equal(got, want) {
			t.Errorf("refused saves changed the values: %v", got)
		}
		// A save without the fields (the Gantt chart's) keeps them.
		if _, err := w.app.UpdateAction(w.ctx, admin, x.ID, cur(), app.ActionInput{Title: "Reading circles", StartDate: "2026-04-01"}); err != nil {
			t.Fatal(err)
		}
		if got := values(); !maps.Equal(got, want) {
			t.Errorf("a save without the fields changed them: %v", got)
		}
		// The form clears an optional one; the log names the change.
		if _, err := w.app.UpdateAction(w.ctx, admin, x.ID, cur(), app.ActionInput{Title: "Reading circles",
			Fields: map[int64]string{funding.ID: "City budget", cost.ID: "1250.5", due.ID: "2026-05-01", public.ID: "no"}}); err != nil {
			t.Fatal(err)
		}
		if got := values(); got["Funding"] != "City budget" || got["Partner"] != "" || got["Public"] != "no" {
			t.Errorf("after the form's save: %v", got)
		}
		found := false
		for _, e := range w.log(A.in, app.ActUpdate) {
			for _, c := range e.Changes {
				found = found || (c.Field == "Funding" && c.Before == "Grant" && c.After == "City budget")
			}
		}
		if !found {
			t.Error("the log has no Funding: Grant → City budget")
		}
		// In use: the kind stays, and deleting needs confirmation.
		if err := w.app.UpdateActionField(w.ctx, admin, cost.ID, app.ActionFieldInput{Name: "Cost", Kind: "text"}); app.KindOf(err) != app.Invalid {
			t.Errorf("changing the kind of a field in use: %v", err)
		}
		if err := w.app.DeleteActionField(w.ctx, admin, cost.ID, false); app.KindOf(err) != app.Conflict {
			t.Errorf("deleting a field in use unconfirmed: %v", err)
		}
		if err := w.app.DeleteActionField(w.ctx, admin, cost.ID, true); err != nil {
			t.Fatal(err)
		}
		if got := values(); len(got) != 4 {
			t.Errorf("after deleting Cost: %v", got)
		}
		// Deleting the action deletes its values (the foreign key cascades).
		if err := w.app.DeleteAction(w.ctx, admin, x.ID); err != nil {
			t.Fatal(err)
		}
		if list, _ := w.app.ActionFields(w.ctx, admin); list[0].InUse != 0 {
			t.Errorf("values left after the action went: %+v", list[0])
		}
	})
}

// What the API needs of the action use cases (issue 16): a delete at a
// version, a create kept for its Idempotency-Key, custom field ids it
// does not know refused, a filter by a host the actor cannot see refused,
// and an API key (no member) never taken for a to-do's assignee.
func TestActionsForAPIKeys(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		A, B := w.site("ALPHA", "Alpha Org"), w.site("BETA", "Beta Org")
		admin := A.member("admin", access.PresetAdministration)
		A.member("presenter", access.PresetPresenter)
		B.member("admin", access.PresetAdministration)
		S := A.scorecard(admin, "S")
		BS := B.scorecard(B.as("admin"), "BS")
		key := func(perms ...access.Permission) *app.Actor {
			t.Helper()
			keys := make([]string, len(perms))
			for i, p := range perms {
				keys[i] = string(p)
			}
			nk, err := w.app.CreateAPIKey(w.ctx, A.as("admin"), app.APIKeyInput{Name: "k" + strconv.Itoa(len(perms)), Permissions: keys})
			if err != nil {
				t.Fatal(err)
			}
			actor, err := w.app.AuthenticateKey(w.ctx, nk.Secret, "ALPHA", app.Client{})
			if err != nil {
				t.Fatal(err)
			}
			return actor
		}
		viewer := key(access.ScorecardsAll)
		x, err := w.app.CreateAction(w.ctx, A.as("admin"), app.ActionInput{Title: "Versioned"}, app.OnScorecard, S.ID)
		if err != nil {
			t.Fatal(err)
		}

		// An unassigned to-do is not the key's to check off: a key is no member.
		todo, err := w.app.AddTodo(w.ctx, A.as("admin"), x.ID, app.TodoInput{Title: "Nobody's"})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.app.CheckTodo(w.ctx, viewer, x.ID, todo.ID, true); app.KindOf(err) != app.Forbidden {
			t.Errorf("a key without Manage To-Dos checks an unassigned to-do: %v, want Forbidden", err)
		}

		// A delete at a version: a stale one is a Conflict and deletes nothing.
		if err := w.app.DeleteActionAt(w.ctx, A.as("admin"), x.ID, x.Version+1); app.KindOf(err) != app.Conflict {
			t.Errorf("stale delete: %v, want Conflict", err)
		}
		if _, err := w.app.Action(w.ctx, A.as("admin"), x.ID); err != nil {
			t.Errorf("a stale delete deleted: %v", err)
		}
		if err := w.app.DeleteActionAt(w.ctx, A.as("admin"), x.ID, x.Version); err != nil {
			t.Errorf("delete at the version: %v", err)
		}
		if _, err := w.app.Action(w.ctx, A.as("admin"), x.ID); app.KindOf(err) != app.NotFound {
			t.Errorf("deleted action: %v, want NotFound", err)
		}

		// Strict input names a custom field the instance does not have.
		_, err = w.app.CreateAction(w.ctx, A.as("admin"), app.ActionInput{Title: "x", Fields: map[int64]string{999999: "x"}, Strict: true}, "", 0)
		if e, ok := app.AsError(err); !ok || e.Kind != app.Invalid || e.Fields[app.FieldKey(999999)] == "" {
			t.Errorf("an unknown custom field: %v", err)
		}
		if _, err := w.app.CreateAction(w.ctx, A.as("admin"), app.ActionInput{Title: "Form", Fields: map[int64]string{999999: "x"}}, "", 0); err != nil {
			t.Errorf("a form's value of a deleted field is dropped, as before: %v", err)
		}

		// A filter by a host the actor cannot see is refused, naming it.
		for _, tc := range []struct {
			who   *app.Actor
			on    string
			id    int64
			field string
		}{
			{A.as("presenter"), app.OnScorecard, S.ID, "scorecard"},
			{A.as("admin"), app.OnScorecard, BS.ID, "scorecard"},
			{A.as("admin"), app.OnObject, 999999, "object"},
		} {
			_, err := w.app.Actions(w.ctx, tc.who, app.ActionQuery{On: tc.on, HostID: tc.id})
			if e, ok := app.AsError(err); !ok || e.Kind != app.Invalid || e.Fields[tc.field] == "" {
				t.Errorf("filter by %s %d: %v", tc.on, tc.id, err)
			}
		}
		if _, err := w.app.Actions(w.ctx, A.as("admin"), app.ActionQuery{On: app.OnScorecard, HostID: S.ID}); err != nil {
			t.Errorf("filter by a visible scorecard: %v", err)
		}

		// A create with an Idempotency-Key: the retry gets the first answer.
		editor := key(access.ScorecardsAll, access.ActionsEdit)
		answer := func(x model.Action) (app.Answer, error) {
			return app.Answer{Status: 201, Body: []byte(strconv.FormatInt(x.ID, 10))}, nil
		}
		once := app.Once{Key: "k1", RequestHash: "h1"}
		first, err := w.app.CreateActionOnce(w.ctx, editor, app.ActionInput{Title: "Once"}, app.OnScorecard, S.ID, once, answer)
		if err != nil {
			t.Fatal(err)
		}
		again, err := w.app.CreateActionOnce(w.ctx, editor, app.ActionInput{Title: "Once"}, app.OnScorecard, S.ID, once, answer)
		if err != nil || string(again.Body) != string(first.Body) || !again.Replayed {
			t.Errorf("retry: %+v %v, want the first answer %s", again, err, first.Body)
		}
		list, err := w.app.Actions(w.ctx, A.as("admin"), app.ActionQuery{Text: "Once"})
		if err != nil || len(list.Actions) != 1 {
			t.Errorf("actions after a retried create: %d %v, want 1", len(list.Actions), err)
		}

		// A key's comment has no author: no key may edit it (a key is
		// nobody's author, not every key-written comment's).
		commenter := key(access.ScorecardsAll, access.CommentaryAdd, access.ActionsEdit)
		c, err := w.app.AddComment(w.ctx, commenter, app.OnScorecard, S.ID, "By a key")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.app.EditComment(w.ctx, commenter, c.ID, "Changed"); app.KindOf(err) != app.Forbidden {
			t.Errorf("a key edits a comment without author: %v, want Forbidden", err)
		}
		if _, _, err := w.app.DeleteComment(w.ctx, commenter, c.ID); app.KindOf(err) != app.Forbidden {
			t.Errorf("a key deletes a comment without author: %v, want Forbidden", err)
		}
	})
}
