package app_test

import (
	"cmp"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
)

// reportWorld is an instance A with scorecards S1 (and its sub-scorecard
// S1a) and S2, measures under each and one linked nowhere, data, notes and
// actions; a partner B that A shares S2 with; an unconnected C. Members
// of A: an administrator, one with scorecards.all, one with S1 assigned,
// one with nothing; of B one with scorecards.all; C's administrator.
type reportWorld struct {
	w                  *pw
	A, B, C            *site
	S1, S1a, S2        model.Scorecard
	M1, M2, M3, M4, M5 model.Object
	measures           []model.Object
	actions            []int64
}

var reportViewer = []access.Permission{access.CommentaryAdd, access.ActionsEdit, access.ActionsStatus, access.ActionsTodos, access.ReportsView}

func newReportWorld(t *testing.T, db *testkit.DB) *reportWorld {
	w := newPW(t, db)
	r := &reportWorld{w: w, A: w.site("ALPHA", "Alpha Org"), B: w.site("BETA", "Beta Org"), C: w.site("GAMMA", "Gamma Org")}
	admin := r.A.member("admin", access.PresetAdministration)
	r.B.member("admin", access.PresetAdministration)
	r.C.member("admin", access.PresetAdministration)
	for _, name := range []string{"all", "assigned", "none"} {
		r.A.member(name, access.PresetPresenter)
	}
	r.A.setPerms(admin, "all", append(reportViewer, access.ScorecardsAll)...)
	r.A.setPerms(admin, "assigned", reportViewer...)
	r.A.setPerms(admin, "none", reportViewer...)
	r.B.member("partner", access.PresetPresenter)
	r.B.setPerms(r.B.as("admin"), "partner", append(reportViewer, access.ScorecardsAll)...)

	r.S1 = r.A.scorecard(admin, "S1 <b>bold</b>")
	var err error
	r.S1a, err = w.app.CreateScorecard(w.ctx, admin, app.ScorecardInput{Title: "S1a", ParentID: r.S1.ID})
	if err != nil {
		t.Fatal(err)
	}
	r.S2 = r.A.scorecard(admin, "S2")
	R1 := r.A.container(admin, "R1", app.Placement{ScorecardID: r.S1.ID})
	R2 := r.A.container(admin, "R2", app.Placement{ScorecardID: r.S2.ID})
	R3 := r.A.container(admin, "R3", app.Placement{ScorecardID: r.S1a.ID})
	r.M1 = r.A.measure(admin, "=HYPERLINK(\"http://x\")", app.Placement{ParentID: R1.ID})
	r.M2 = r.A.measure(admin, "M2 <script>alert(1)</script>", app.Placement{ParentID: R2.ID})
	r.M3 = r.A.measure(admin, "M3", app.Placement{ParentID: R3.ID})
	r.M4 = r.A.measure(admin, "M4 unlinked", app.Placement{})
	r.M5 = r.A.measure(admin, "+M5", app.Placement{ParentID: R2.ID})
	r.measures = []model.Object{r.M1, r.M2, r.M3, r.M4, r.M5}
	if err := r.A.assign(admin, "assigned", r.S1.ID); err != nil {
		t.Fatal(err)
	}
	// Data: M1 has the due period (February 2026, the clock being 2 March),
	// the others older periods only or none.
	for _, m := range []model.Object{r.M1, r.M2, r.M3, r.M4} {
		entries := []app.DataEntry{{PeriodKey: "2025-12-01", Actual: "5", Target: "10", Comment: "@SUM(A1) <i>x</i>"}}
		if m.ID == r.M1.ID {
			entries = append(entries, app.DataEntry{PeriodKey: "2026-02-01", Actual: "12", Target: "10"})
		}
		if _, err := w.app.SaveData(w.ctx, admin, m.ID, entries); err != nil {
			t.Fatal(err)
		}
	}
	types, err := w.app.NoteTypes(w.ctx, admin)
	if err != nil || len(types) == 0 {
		t.Fatal(types, err)
	}
	if _, err := w.app.SaveNote(w.ctx, admin, app.OnObject, r.M1.ID, types[0].ID, 0, "<p>Story</p>"); err != nil {
		t.Fatal(err)
	}
	// Actions: on S1, on M2, on nothing assigned to "assigned", on nothing.
	for i, h := range []struct {
		on       string
		id       int64
		assignee string
	}{{app.OnScorecard, r.S1.ID, ""}, {app.OnObject, r.M2.ID, ""}, {"", 0, r.A.members["assigned"].Email}, {"", 0, ""}, {app.OnObject, r.M3.ID, ""}} {
		x, err := w.app.CreateAction(w.ctx, admin, app.ActionInput{Title: "=Act " + strconv.Itoa(i), Status: "On Track", StartDate: "2026-01-01",
			Assignee: h.assignee}, h.on, h.id)
		if err != nil {
			t.Fatal(err)
		}
		r.actions = append(r.actions, x.ID)
	}
	w.connect(r.A, r.B)
	w.share(r.A, r.B, app.ShareChoice{ScorecardID: r.S2.ID})
	return r
}

// allRows reads every page of a report, two rows a page.
func allRows(t *testing.T, w *pw, actor *app.Actor, qy app.ReportQuery) ([]string, error) {
	t.Helper()
	qy.Limit = 2
	var refs []string
	for range 100 {
		page, err := w.app.Report(w.ctx, actor, qy)
		if err != nil {
			return nil, err
		}
		for _, r := range page.Rows {
			if len(r.Cells) != len(page.Columns) {
				t.Fatalf("row %s has %d cells for %d columns", r.Ref, len(r.Cells), len(page.Columns))
			}
			refs = append(refs, r.Ref)
		}
		if page.Next == "" {
			return refs, nil
		}
		qy.After = page.Next
	}
	t.Fatal("more than 100 pages")
	return nil, nil
}

// seen is the measures of A the actor opens on their pages.
func (r *reportWorld) seen(actor func() *app.Actor) []model.Object {
	var out []model.Object
	for _, m := range r.measures {
		if _, err := r.w.app.ViewObject(r.w.ctx, actor(), m.ID); err == nil {
			out = append(out, m)
		}
	}
	return out
}

// measureRefs are the rows of measures (no keys) or of their data.
func measureRefs(list []model.Object, keys ...string) []string {
	var out []string
	for _, m := range list {
		if keys == nil {
			out = append(out, "m:"+strconv.FormatInt(m.ID, 10))
		}
		for _, k := range keys {
			out = append(out, "m:"+strconv.FormatInt(m.ID, 10)+":"+k)
		}
	}
	return out
}

func sortedCopy(s []string) []string {
	out := append([]string{}, s...)
	slices.Sort(out)
	return out
}

// TestReportNeverShowsMore is issue 23's rule: for each report kind and
// each kind of member, the report's rows are exactly what the member sees
// on the corresponding pages.
func TestReportNeverShowsMore(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		r := newReportWorld(t, db)
		w := r.w
		members := []struct {
			name    string
			actor   func() *app.Actor
			site    string // the site whose content the member's own reports read
			partner bool   // a member of B: A's shared content is its partner content
		}{
			{"admin", func() *app.Actor { return r.A.as("admin") }, "A", false},
			{"all", func() *app.Actor { return r.A.as("all") }, "A", false},
			{"assigned", func() *app.Actor { return r.A.as("assigned") }, "A", false},
			{"none", func() *app.Actor { return r.A.as("none") }, "A", false},
			{"partner", func() *app.Actor { return r.B.as("partner") }, "B", true},
			{"other admin", func() *app.Actor { return r.C.as("admin") }, "C", false},
		}
		for _, m := range members {
			t.Run(m.name, func(t *testing.T) {
				// What the member sees of A's measures on their pages.
				seen := r.seen(m.actor)
				own, shared := seen, []model.Object(nil)
				if m.partner {
					own, shared = nil, seen
				} else if m.site != "A" {
					own = nil
				}
				// The objects list of its own instance agrees.
				var listed []model.Object
				for after := ""; ; {
					page, err := w.app.ListObjects(w.ctx, m.actor(), app.ObjectQuery{Kind: model.KindMeasure, After: after})
					if err != nil {
						t.Fatal(err)
					}
					listed = append(listed, page.Objects...)
					if after = page.Next; after == "" {
						break
					}
				}
				if got, want := sortedCopy(measureRefs(listed)), sortedCopy(measureRefs(own)); !slices.Equal(got, want) {
					t.Fatalf("objects list %v, ViewObject %v", got, want)
				}
				withData := func(list []model.Object, keys func(model.Object) []string) []string {
					var out []string
					for _, o := range list {
						out = append(out, measureRefs([]model.Object{o}, append([]string{}, keys(o)...)...)...)
					}
					return out
				}
				dataKeys := func(o model.Object) []string {
					switch o.ID {
					case r.M1.ID:
						return []string{"2025-12-01", "2026-02-01"}
					case r.M5.ID:
						return nil
					}
					return []string{"2025-12-01"}
				}
				var missing []model.Object
				for _, o := range own {
					if o.ID != r.M1.ID {
						missing = append(missing, o)
					}
				}
				var missingShared []model.Object
				for _, o := range shared {
					if o.ID != r.M1.ID {
						missingShared = append(missingShared, o)
					}
				}
				var actions []string
				for after := ""; ; {
					page, err := w.app.Actions(w.ctx, m.actor(), app.ActionQuery{After: after})
					if err != nil {
						t.Fatal(err)
					}
					for _, x := range page.Actions {
						actions = append(actions, "a:"+strconv.FormatInt(x.ID, 10))
					}
					if after = page.Next; after == "" {
						break
					}
				}
				cases := []struct {
					kind string
					spec app.ReportSpec
					want []string
				}{
					{app.ReportMeasureData, app.ReportSpec{}, withData(own, dataKeys)},
					{app.ReportMeasureData, app.ReportSpec{Sort: "period", Desc: true}, withData(own, dataKeys)},
					{app.ReportMeasureData, app.ReportSpec{Desc: true}, withData(own, dataKeys)},
					{app.ReportMeasureData, app.ReportSpec{Filters: app.ReportFilters{From: "2026-01-01", To: "2026-12-31"}},
						withData(own, func(o model.Object) []string {
							if o.ID == r.M1.ID {
								return []string{"2026-02-01"}
							}
							return nil
						})},
					{app.ReportMeasureData, app.ReportSpec{Filters: app.ReportFilters{Site: app.SitePartners}}, withData(shared, dataKeys)},
					{app.ReportMissingData, app.ReportSpec{}, measureRefs(missing)},
					{app.ReportMissingData, app.ReportSpec{Filters: app.ReportFilters{Site: app.SitePartners}}, measureRefs(missingShared)},
					{app.ReportNotes, app.ReportSpec{}, measureRefs(own)},
					{app.ReportNotes, app.ReportSpec{Desc: true}, measureRefs(own)},
					{app.ReportPartnerData, app.ReportSpec{}, measureRefs(shared)},
					{app.ReportActions, app.ReportSpec{}, actions},
				}
				for _, tc := range cases {
					got, err := allRows(t, w, m.actor(), app.ReportQuery{Kind: tc.kind, ReportSpec: tc.spec})
					if err != nil {
						t.Errorf("%s %+v: %v", tc.kind, tc.spec, err)
						continue
					}
					if !slices.Equal(sortedCopy(got), sortedCopy(tc.want)) {
						t.Errorf("%s %+v: rows %v, want %v", tc.kind, tc.spec, got, tc.want)
					}
				}
				// User access: users.manage only.
				_, err := allRows(t, w, m.actor(), app.ReportQuery{Kind: app.ReportUserAccess})
				if m.name == "admin" || m.name == "other admin" {
					wantOK(t, "user access", err)
				} else {
					wantKind(t, "user access", err, app.Forbidden)
				}
			})
		}

		// The scorecard filter, with and without sub-scorecards, for the
		// administrator and for the member assigned S1 (whose S1a is not
		// assigned: it is not among its sub-scorecards).
		for _, tc := range []struct {
			who  string
			sub  bool
			want []model.Object
		}{
			{"admin", false, []model.Object{r.M1}},
			{"admin", true, []model.Object{r.M1, r.M3}},
			{"assigned", false, []model.Object{r.M1}},
			{"assigned", true, []model.Object{r.M1}},
		} {
			got, err := allRows(t, w, r.A.as(tc.who), app.ReportQuery{Kind: app.ReportNotes,
				ReportSpec: app.ReportSpec{Filters: app.ReportFilters{ScorecardID: r.S1.ID, SubScorecards: tc.sub}}})
			if err != nil {
				t.Fatal(err)
			}
			if want := measureRefs(tc.want); !slices.Equal(sortedCopy(got), sortedCopy(want)) {
				t.Errorf("%s sub=%v: %v, want %v", tc.who, tc.sub, got, want)
			}
		}

		// The type filter keeps the measures of that type.
		for _, tc := range []struct {
			typ  string
			want []model.Object
		}{{"Indicator", []model.Object{r.M1, r.M2, r.M3, r.M4, r.M5}}, {"Performance Measure", nil}} {
			got, err := allRows(t, w, r.A.as("admin"), app.ReportQuery{Kind: app.ReportNotes,
				ReportSpec: app.ReportSpec{Filters: app.ReportFilters{TypeID: r.A.typeOf[tc.typ]}}})
			if err != nil {
				t.Fatal(err)
			}
			if want := measureRefs(tc.want); !slices.Equal(sortedCopy(got), sortedCopy(want)) {
				t.Errorf("type %s: %v, want %v", tc.typ, got, want)
			}
		}

		// A saved report made by the administrator, opened by a member:
		// the member's rows only.
		saved, err := w.app.CreateSavedReport(w.ctx, r.A.as("admin"), app.SavedReportInput{Name: "Board pack", Kind: app.ReportMeasureData})
		if err != nil {
			t.Fatal(err)
		}
		for _, who := range []string{"admin", "assigned", "none"} {
			v, err := w.app.SavedReport(w.ctx, r.A.as(who), saved.ID)
			if err != nil {
				t.Fatal(err)
			}
			got, err := allRows(t, w, r.A.as(who), app.ReportQuery{Kind: v.Kind, ReportSpec: v.Spec})
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, o := range r.seen(func() *app.Actor { return r.A.as(who) }) {
				keys := []string{"2025-12-01"}
				switch o.ID {
				case r.M1.ID:
					keys = append(keys, "2026-02-01")
				case r.M5.ID:
					keys = nil
				}
				want = append(want, measureRefs([]model.Object{o}, append([]string{}, keys...)...)...)
			}
			if !slices.Equal(sortedCopy(got), sortedCopy(want)) {
				t.Errorf("saved report opened by %s: %v, want %v", who, got, want)
			}
		}

		// Exports see the same rows, and are logged with the row count.
		var exported []string
		n, err := w.app.ExportReport(w.ctx, r.A.as("assigned"), saved.ID, saved.Name, app.ReportQuery{Kind: app.ReportMeasureData}, "csv",
			func([]app.ReportColumn) error { return nil }, func(row app.ReportRow) error { exported = append(exported, row.Ref); return nil })
		if err != nil || n != len(exported) || n != 2 {
			t.Errorf("export: %d rows %v, %v", n, exported, err)
		}
		if log := w.log(r.A.in, app.ActExport); len(log) == 0 || !strings.Contains(log[0].ObjectName, "Board pack") {
			t.Errorf("export log: %+v", log)
		}
	})
}

// TestReportRefusals: permissions, another instance's scorecard, unknown
// columns and sorts, absurd ranges; a refused save stores nothing.
func TestReportRefusals(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		r := newReportWorld(t, db)
		w := r.w
		admin := r.A.as("admin")
		r.A.member("presenter", access.PresetPresenter) // no reports.view
		_, err := w.app.Report(w.ctx, r.A.as("presenter"), app.ReportQuery{Kind: app.ReportMeasureData})
		wantKind(t, "no reports.view", err, app.Forbidden)
		_, _, err = w.app.SavedReports(w.ctx, r.A.as("presenter"), "")
		wantKind(t, "list without reports.view", err, app.Forbidden)

		_, err = w.app.CreateSavedReport(w.ctx, r.A.as("all"), app.SavedReportInput{Name: "Mine", Kind: app.ReportActions})
		wantKind(t, "save without reports.edit", err, app.Forbidden)
		if list, _, err := w.app.SavedReports(w.ctx, admin, ""); err != nil || len(list) != 0 {
			t.Errorf("after a refused save: %v, %v", list, err)
		}
		saved, err := w.app.CreateSavedReport(w.ctx, admin, app.SavedReportInput{Name: "Actions", Kind: app.ReportActions})
		if err != nil {
			t.Fatal(err)
		}
		wantKind(t, "edit without reports.edit", w.app.UpdateSavedReport(w.ctx, r.A.as("all"), saved.ID, saved.Version,
			app.SavedReportInput{Name: "Renamed", Kind: app.ReportActions}), app.Forbidden)
		wantKind(t, "delete without reports.edit", w.app.DeleteSavedReport(w.ctx, r.A.as("all"), saved.ID), app.Forbidden)
		if v, err := w.app.SavedReport(w.ctx, r.A.as("all"), saved.ID); err != nil || v.Name != "Actions" {
			t.Errorf("after refused edits: %+v, %v", v, err)
		}
		_, err = w.app.SavedReport(w.ctx, r.B.as("admin"), saved.ID)
		wantKind(t, "another instance's saved report", err, app.NotFound)
		_, err = w.app.CreateSavedReport(w.ctx, admin, app.SavedReportInput{Name: "actions", Kind: app.ReportActions})
		wantField(t, "name taken", err, "name")
		users, err := w.app.CreateSavedReport(w.ctx, admin, app.SavedReportInput{Name: "Users", Kind: app.ReportUserAccess})
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.app.SavedReport(w.ctx, r.A.as("all"), users.ID)
		wantKind(t, "user access report without users.manage", err, app.Forbidden)
		wantOK(t, "edit", w.app.UpdateSavedReport(w.ctx, admin, saved.ID, saved.Version, app.SavedReportInput{Name: "Open actions", Kind: app.ReportActions,
			Spec: app.ReportSpec{Filters: app.ReportFilters{Status: "On Track"}, Columns: []string{"status", "action"}, Sort: "end", Desc: true}}))
		wantKind(t, "stale edit", w.app.UpdateSavedReport(w.ctx, admin, saved.ID, saved.Version, app.SavedReportInput{Name: "X", Kind: app.ReportActions}),
			app.Conflict)
		wantOK(t, "delete", w.app.DeleteSavedReport(w.ctx, admin, saved.ID))
		_, err = w.app.SavedReport(w.ctx, admin, saved.ID)
		wantKind(t, "deleted", err, app.NotFound)
		for _, act := range []string{app.ActCreate, app.ActUpdate, app.ActDelete} {
			if log := w.log(r.A.in, act); len(log) == 0 || log[0].ObjectType != "report" {
				t.Errorf("%s not logged: %+v", act, log)
			}
		}

		// Another instance's scorecard is not found, the member's own
		// unassigned one neither.
		other := r.C.scorecard(r.C.as("admin"), "C's")
		for _, tc := range []struct {
			who string
			id  int64
		}{{"admin", other.ID}, {"assigned", r.S2.ID}, {"admin", 1 << 40}} {
			_, err = w.app.Report(w.ctx, r.A.as(tc.who), app.ReportQuery{Kind: app.ReportMeasureData,
				ReportSpec: app.ReportSpec{Filters: app.ReportFilters{ScorecardID: tc.id}}})
			wantKind(t, "scorecard filter", err, app.NotFound)
			_, err = w.app.CreateSavedReport(w.ctx, r.A.as(tc.who), app.SavedReportInput{Name: "Other", Kind: app.ReportMeasureData,
				Spec: app.ReportSpec{Filters: app.ReportFilters{ScorecardID: tc.id}}})
			wantKind(t, "saving a scorecard filter", err, map[string]app.Kind{"admin": app.NotFound, "assigned": app.Forbidden}[tc.who])
		}
		for _, tc := range []struct {
			kind  string
			spec  app.ReportSpec
			field string
		}{
			{"bogus", app.ReportSpec{}, "kind"},
			{app.ReportMeasureData, app.ReportSpec{Columns: []string{"measure", "secret"}}, "columns"},
			// (Sorting by "comment" was refused before every column sorted:
			// TestReportSortsByEveryColumn now sorts by it.)
			{app.ReportMeasureData, app.ReportSpec{Sort: "password_hash"}, "sort"},
			{app.ReportMeasureData, app.ReportSpec{Sort: "nope"}, "sort"},
			{app.ReportMeasureData, app.ReportSpec{Filters: app.ReportFilters{From: "1900-01-01", To: "2100-01-01"}}, "to"},
			{app.ReportMeasureData, app.ReportSpec{Filters: app.ReportFilters{From: "2026-13-01"}}, "from"},
			{app.ReportMeasureData, app.ReportSpec{Filters: app.ReportFilters{Site: "mars"}}, "site"},
			{app.ReportActions, app.ReportSpec{Filters: app.ReportFilters{Site: app.SitePartners}}, "site"},
			{app.ReportActions, app.ReportSpec{Filters: app.ReportFilters{Status: "Asleep"}}, "status"},
			{app.ReportActions, app.ReportSpec{Filters: app.ReportFilters{Assignee: "nobody@example.org"}}, "assignee"},
			{app.ReportNotes, app.ReportSpec{Filters: app.ReportFilters{From: "2026-01-01"}}, "from"},
			{app.ReportMeasureData, app.ReportSpec{Filters: app.ReportFilters{TypeID: 1 << 40}}, "type"},
			{app.ReportMeasureData, app.ReportSpec{Filters: app.ReportFilters{TypeID: r.A.typeOf["Result"]}}, "type"},
			{app.ReportMeasureData, app.ReportSpec{Filters: app.ReportFilters{TypeID: r.A.typeOf["Indicator"], Site: app.SitePartners}}, "type"},
			{app.ReportPartnerData, app.ReportSpec{Filters: app.ReportFilters{TypeID: r.A.typeOf["Indicator"]}}, "type"},
			{app.ReportUserAccess, app.ReportSpec{Filters: app.ReportFilters{ScorecardID: r.S1.ID}}, "scorecard"},
			{app.ReportActions, app.ReportSpec{Filters: app.ReportFilters{Tag: strings.Repeat("t", 41)}}, "tag"},
			{app.ReportActions, app.ReportSpec{Filters: app.ReportFilters{ScorecardID: r.S1.ID, SubScorecards: true}}, "sub_scorecards"},
		} {
			_, err := w.app.Report(w.ctx, admin, app.ReportQuery{Kind: tc.kind, ReportSpec: tc.spec})
			wantField(t, tc.kind+" "+tc.field, err, tc.field)
		}
	})
}

// TestReportMissingDataOwner: the Missing data report names each
// measure's owner — the member of the viewer's organization who entered
// its latest actual — and its days overdue; a measure nobody entered has
// none, and a partner's measures name no member of another organization.
func TestReportMissingDataOwner(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		r := newReportWorld(t, db)
		w := r.w
		// "all" enters M3's latest actual (still not the due period).
		r.A.setPerms(r.A.as("admin"), "all", append(reportViewer, access.ScorecardsAll, access.DataEnter)...)
		if _, err := w.app.SaveData(w.ctx, r.A.as("all"), r.M3.ID, []app.DataEntry{{PeriodKey: "2026-01-01", Actual: "7"}}); err != nil {
			t.Fatal(err)
		}
		owners := func(actor *app.Actor, spec app.ReportSpec) map[string]string {
			t.Helper()
			spec.Columns = []string{"measure", "owner", "overdue"}
			page, err := w.app.Report(w.ctx, actor, app.ReportQuery{Kind: app.ReportMissingData, ReportSpec: spec, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Columns) != 3 || page.Columns[1].Title != "Owner" {
				t.Fatalf("columns %+v", page.Columns)
			}
			out := map[string]string{}
			for _, row := range page.Rows {
				if n, ok := row.Cells[2].Value.(int); !ok || n <= 0 {
					t.Errorf("%s: days overdue %+v", row.Ref, row.Cells[2])
				}
				out[row.Ref] = row.Cells[1].Text
			}
			return out
		}
		ref := func(m model.Object) string { return "m:" + strconv.FormatInt(m.ID, 10) }
		name := func(who string) string {
			if a := r.A.members[who]; a.Name != "" {
				return a.Name
			}
			return r.A.members[who].Email
		}
		got := owners(r.A.as("admin"), app.ReportSpec{})
		want := map[string]string{ref(r.M2): name("admin"), ref(r.M3): name("all"), ref(r.M4): name("admin"), ref(r.M5): ""}
		if !maps.Equal(got, want) {
			t.Fatalf("owners %v, want %v", got, want)
		}
		got = owners(r.B.as("partner"), app.ReportSpec{Filters: app.ReportFilters{Site: app.SitePartners}})
		if len(got) == 0 {
			t.Fatal("the partner sees no missing data")
		}
		for k, v := range got {
			if v != "" {
				t.Errorf("partner's row %s names %q", k, v)
			}
		}
	})
}

// cellOrder orders two cells as a report sorted by their column must:
// empty cells last both ways, numbers (and dates) before texts, texts
// without regard to case.
func cellOrder(a, b app.ReportCell, desc bool) int {
	rank := func(c app.ReportCell) (int, float64, string) {
		v := c.Value
		if c.Sort != nil {
			v = c.Sort
		}
		switch v := v.(type) {
		case float64:
			return 0, v, ""
		case int:
			return 0, float64(v), ""
		case time.Time:
			return 0, float64(v.Unix()), ""
		case string:
			if v != "" {
				return 1, 0, strings.ToLower(v)
			}
		}
		if v == nil && c.Text != "" {
			return 1, 0, strings.ToLower(c.Text)
		}
		return 2, 0, ""
	}
	ka, na, sa := rank(a)
	kb, nb, sb := rank(b)
	if (ka == 2) != (kb == 2) {
		if ka == 2 {
			return 1
		}
		return -1
	}
	c := cmp.Or(cmp.Compare(ka, kb), cmp.Compare(na, nb), cmp.Compare(sa, sb))
	if desc {
		return -c
	}
	return c
}

// TestReportSortsByEveryColumn: every column of every kind sorts both
// ways; paging by cursor, two rows a page, visits every row once, in
// the column's order; the rows are the same as unsorted.
func TestReportSortsByEveryColumn(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		r := newReportWorld(t, db)
		w := r.w
		for _, who := range []string{"admin", "assigned"} {
			for _, kind := range app.ReportKinds {
				if kind == app.ReportUserAccess && who != "admin" {
					continue
				}
				actor := r.A.as(who)
				spec := app.ReportSpec{}
				if kind == app.ReportPartnerData {
					actor = r.B.as("partner")
				}
				base, err := allRows(t, w, actor, app.ReportQuery{Kind: kind, ReportSpec: spec})
				if err != nil {
					t.Fatalf("%s %s: %v", who, kind, err)
				}
				cols, _ := actor.ReportColumns(kind)
				for _, col := range cols {
					if !col.Sortable {
						t.Errorf("%s: column %s is not sortable", kind, col.Key)
					}
					for _, desc := range []bool{false, true} {
						// Shown (as the only column) and not shown (the
						// first column alone).
						for _, shown := range [][]string{{col.Key}, {cols[0].Key}} {
							qy := app.ReportQuery{Kind: kind, ReportSpec: app.ReportSpec{Sort: col.Key, Desc: desc, Columns: shown}, Limit: 2}
							var refs []string
							var prev *app.ReportCell
							for range 100 {
								page, err := w.app.Report(w.ctx, actor, qy)
								if err != nil {
									t.Fatalf("%s %s by %s desc=%v: %v", who, kind, col.Key, desc, err)
								}
								for _, row := range page.Rows {
									refs = append(refs, row.Ref)
									if shown[0] == col.Key {
										if prev != nil && cellOrder(*prev, row.Cells[0], desc) > 0 {
											t.Errorf("%s %s by %s desc=%v: %q before %q", who, kind, col.Key, desc, prev.Text, row.Cells[0].Text)
										}
										cell := row.Cells[0]
										prev = &cell
									}
								}
								if qy.After = page.Next; qy.After == "" {
									break
								}
							}
							if !slices.Equal(sortedCopy(refs), sortedCopy(base)) {
								t.Errorf("%s %s by %s desc=%v (columns %v): rows %v, want %v", who, kind, col.Key, desc, shown, refs, base)
							}
						}
					}
				}
			}
		}
		// A cursor that is no cursor is refused with a message.
		_, err := w.app.Report(w.ctx, r.A.as("admin"), app.ReportQuery{Kind: app.ReportMeasureData, ReportSpec: app.ReportSpec{Sort: "variance"}, After: "!!"})
		wantKind(t, "bad cursor", err, app.Invalid)
	})
}

// TestReportGraphs: a Measure data report of at most 20 measures shows
// each measure's graph, only of measures the viewer sees; over 20 it is
// refused with a message tied to the option; other kinds have none.
func TestReportGraphs(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		r := newReportWorld(t, db)
		w := r.w
		graphs := func(who string) ([]app.ReportGraph, error) {
			return w.app.ReportGraphs(w.ctx, r.A.as(who), app.ReportQuery{Kind: app.ReportMeasureData, ReportSpec: app.ReportSpec{Graphs: true}})
		}
		ids := func(list []app.ReportGraph) []string {
			var out []string
			for _, g := range list {
				out = append(out, "m:"+strconv.FormatInt(g.Measure.ID, 10))
			}
			return sortedCopy(out)
		}
		for _, who := range []string{"admin", "assigned", "none"} {
			got, err := graphs(who)
			if err != nil {
				t.Fatalf("%s: %v", who, err)
			}
			if want := sortedCopy(measureRefs(r.seen(func() *app.Actor { return r.A.as(who) }))); !slices.Equal(ids(got), want) {
				t.Errorf("%s: graphs of %v, want %v", who, ids(got), want)
			}
			// Each is the graph the measure's page draws.
			for _, g := range got {
				v, err := w.app.MeasurePage(w.ctx, r.A.as(who), g.Measure.ID, 0, 0)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(g.Points, v.GraphPoints) || g.Baseline != v.GraphBaseline || !reflect.DeepEqual(g.Bands, v.Bands) {
					t.Errorf("%s: %s's graph %+v, %q, %+v; its page draws %+v, %q, %+v", who, g.Measure.Title,
						g.Points, g.Baseline, g.Bands, v.GraphPoints, v.GraphBaseline, v.Bands)
				}
			}
		}
		_, err := w.app.ReportGraphs(w.ctx, r.A.as("admin"), app.ReportQuery{Kind: app.ReportNotes, ReportSpec: app.ReportSpec{Graphs: true}})
		if e, ok := app.AsError(err); !ok || e.Kind != app.Invalid || e.Fields["graphs"] == "" {
			t.Errorf("graphs on a notes report: %v", err)
		}
		admin := r.A.as("admin")
		for i := range 16 {
			r.A.measure(admin, "Extra "+strconv.Itoa(i), app.Placement{})
		}
		_, err = graphs("admin")
		if e, ok := app.AsError(err); !ok || e.Kind != app.Invalid || !strings.Contains(e.Fields["graphs"], "at most 20") {
			t.Errorf("21 measures: %v", err)
		}
		// Narrowed by a scorecard, the graphs come back.
		got, err := w.app.ReportGraphs(w.ctx, admin, app.ReportQuery{Kind: app.ReportMeasureData,
			ReportSpec: app.ReportSpec{Graphs: true, Filters: app.ReportFilters{ScorecardID: r.S2.ID}}})
		if err != nil || !slices.Equal(ids(got), sortedCopy(measureRefs([]model.Object{r.M2, r.M5}))) {
			t.Errorf("S2's graphs %v, %v", ids(got), err)
		}
	})
}

// TestReportSortRefusedOverLimit: a sort by a column no index orders holds
// the report's rows in memory, so above app.MaxSortedRows it is refused
// with a message on the sort (page and export alike), while the indexed
// sort of the same report still pages through every row.
func TestReportSortRefusedOverLimit(t *testing.T) {
	testkit.SQLiteAndPostgres(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		a := w.site("ALPHA", "Alpha Org")
		admin := a.member("admin", access.PresetAdministration)
		sc := a.scorecard(admin, "S")
		r := a.container(admin, "R", app.Placement{ScorecardID: sc.ID})
		const measures, months = 10, app.MaxSortedRows/10 + 1
		var values []string
		for i := range measures {
			m := a.measure(admin, "M"+strconv.Itoa(i), app.Placement{ParentID: r.ID})
			for j := range months {
				key := time.Date(1930, time.Month(1+j), 1, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
				values = append(values, fmt.Sprintf("(%d, %d, '%s', %d, $1)", a.in.ID, m.ID, key, j))
			}
		}
		tx, err := db.Store.DB().BeginTx(w.ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		for k := 0; k < len(values); k += 500 {
			if _, err := tx.ExecContext(w.ctx, `INSERT INTO data_values (instance_id, measure_id, period_key, actual, updated_at) VALUES `+
				strings.Join(values[k:min(k+500, len(values))], ", "), db.Store.Now()); err != nil {
				t.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		if len(values) <= app.MaxSortedRows {
			t.Fatalf("%d rows: the report must exceed %d", len(values), app.MaxSortedRows)
		}

		qy := app.ReportQuery{Kind: app.ReportMeasureData, ReportSpec: app.ReportSpec{Sort: "variance"}, Limit: 50}
		_, err = w.app.Report(w.ctx, admin, qy)
		if e, ok := app.AsError(err); !ok || e.Kind != app.Invalid || !strings.Contains(e.Fields["sort"], "at most 10000 rows") {
			t.Fatalf("page sorted by variance over %d rows: %v", app.MaxSortedRows, err)
		}
		rows := 0
		_, err = w.app.ExportReport(w.ctx, admin, 0, "", qy, "csv",
			func([]app.ReportColumn) error { return nil },
			func(app.ReportRow) error { rows++; return nil })
		if e, ok := app.AsError(err); !ok || e.Kind != app.Invalid || e.Fields["sort"] == "" || rows != 0 {
			t.Fatalf("export sorted by variance: %v after %d rows", err, rows)
		}

		// Sorted by the indexed period, every row pages through.
		qy.Sort, qy.Limit = "period", 500
		seen := 0
		for range 100 {
			page, err := w.app.Report(w.ctx, admin, qy)
			if err != nil {
				t.Fatal(err)
			}
			seen += len(page.Rows)
			if qy.After = page.Next; qy.After == "" {
				break
			}
		}
		if seen != len(values) {
			t.Errorf("sorted by period: %d rows, want %d", seen, len(values))
		}
	})
}
