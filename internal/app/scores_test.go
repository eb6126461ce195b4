package app_test

import (
	"slices"
	"testing"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
)

// Accountability scores (issue 28, point 7) from a fixture worked out by
// hand. The clock is testkit.Epoch, 2 March 2026, and the measures are
// monthly: the current period is March, the last completed one February
// (2026-02-01) and the coming one April (2026-04-01).
const (
	jan, feb, mar, apr = "2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01"
)

// scoreSite is site ALPHA with scorecard S holding measures M1 and M2
// under container C, and M1 again under container D (linked twice), and
// scorecard T holding M1 and M3 under container E, assigned to the member
// "clerk".
type scoreSite struct {
	*site
	w          *pw
	db         *testkit.DB
	note       int64 // a note type's id
	S, T       model.Scorecard
	M1, M2, M3 model.Object
}

func newScoreSite(t *testing.T, db *testkit.DB) *scoreSite {
	w := newPW(t, db)
	A := w.site("ALPHA", "Alpha")
	admin := A.member("admin", access.PresetAdministration)
	A.member("clerk", access.PresetDataEntry)
	f := &scoreSite{site: A, w: w, db: db}
	f.S, f.T = A.scorecard(admin, "S"), A.scorecard(admin, "T")
	c := A.container(admin, "C", app.Placement{ScorecardID: f.S.ID})
	d := A.container(admin, "D", app.Placement{ScorecardID: f.S.ID})
	e := A.container(admin, "E", app.Placement{ScorecardID: f.T.ID})
	f.M1 = A.measure(admin, "M1", app.Placement{ParentID: c.ID})
	f.M2 = A.measure(admin, "M2", app.Placement{ParentID: c.ID})
	f.M3 = A.measure(admin, "M3", app.Placement{ParentID: e.ID})
	for _, parent := range []int64{d.ID, e.ID} {
		if err := w.app.Link(w.ctx, admin, app.Placement{ParentID: parent}, f.M1.ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := A.assign(admin, "clerk", f.T.ID); err != nil {
		t.Fatal(err)
	}
	types, err := w.app.NoteTypes(w.ctx, admin)
	if err != nil || len(types) == 0 {
		t.Fatalf("note types: %v", err)
	}
	f.note = types[0].ID
	return f
}

// setScores switches a scorecard's scores (and their sharing) through the
// edit form's save.
func (f *scoreSite) setScores(t *testing.T, actor *app.Actor, id int64, on, shared bool) {
	t.Helper()
	s, err := f.w.app.Scorecard(f.w.ctx, actor, id)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.w.app.UpdateScorecard(f.w.ctx, actor, id, s.Version, app.ScorecardInput{Title: s.Title, Description: s.Description,
		ExtID: s.ExtID, SetScores: true, ScoresOn: on, ScoresShared: shared}); err != nil {
		t.Fatalf("scores of %s: %v", s.Title, err)
	}
}

func (f *scoreSite) data(t *testing.T, m model.Object, entries ...app.DataEntry) {
	t.Helper()
	f.db.Clock.Advance(time.Minute)
	if _, err := f.w.app.SaveData(f.w.ctx, f.as("admin"), m.ID, entries); err != nil {
		t.Fatalf("data of %s: %v", m.Title, err)
	}
}

func (f *scoreSite) noteOn(t *testing.T, m model.Object, base int, body string) {
	t.Helper()
	f.db.Clock.Advance(time.Minute)
	if _, err := f.w.app.SaveNote(f.w.ctx, f.as("admin"), app.OnObject, m.ID, f.note, base, body); err != nil {
		t.Fatalf("note of %s: %v", m.Title, err)
	}
}

// pageScores are the scores the scorecard page shows actor (nil: none).
func pageScores(t *testing.T, w *pw, actor *app.Actor, id int64) *app.Scores {
	t.Helper()
	v, err := w.app.ScorecardPage(w.ctx, actor, id)
	if err != nil {
		t.Fatalf("scorecard %d: %v", id, err)
	}
	return v.Scores
}

// listScores are the scores the Scorecards list shows actor, by id.
func listScores(t *testing.T, w *pw, actor *app.Actor, sites ...int64) map[int64]*app.Scores {
	t.Helper()
	v, err := w.app.ScorecardList(w.ctx, actor, sites)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]*app.Scores{}
	for _, n := range v.Nodes {
		out[n.Scorecard.ID] = n.Scores
	}
	return out
}

// want is a hand-worked expectation: the counts of each factor out of
// the measures, and the two scores.
type want struct {
	measures                                         int
	filled, fresh, forecast, actual, trend, baseline int
	engagement, impact                               int
}

func checkScores(t *testing.T, what string, got *app.Scores, w want) {
	t.Helper()
	if got == nil {
		t.Fatalf("%s: no scores shown", what)
	}
	counts := []int{got.Engagement.Factors[0].Count, got.Engagement.Factors[1].Count, got.Engagement.Factors[2].Count,
		got.Engagement.Factors[3].Count, got.Impact.Factors[0].Count, got.Impact.Factors[1].Count}
	wantCounts := []int{w.filled, w.fresh, w.forecast, w.actual, w.trend, w.baseline}
	for i := range counts {
		if counts[i] != wantCounts[i] {
			t.Errorf("%s: factor counts %v, want %v", what, counts, wantCounts)
			break
		}
	}
	if got.Measures != w.measures || got.Engagement.Value != w.engagement || got.Impact.Value != w.impact {
		t.Errorf("%s: %d measures, Engagement %d, Impact %d; want %d, %d, %d", what, got.Measures, got.Engagement.Value,
			got.Impact.Value, w.measures, w.engagement, w.impact)
	}
}

func TestAccountabilityScores(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		f := newScoreSite(t, db)
		w, admin := f.w, f.as("admin")

		// Off by default: neither the page nor the list shows them.
		if s := pageScores(t, w, admin, f.S.ID); s != nil {
			t.Fatalf("scores shown before they were switched on: %+v", s)
		}
		f.setScores(t, admin, f.S.ID, true, false)
		if log := w.log(f.in, app.ActUpdate); len(log) == 0 || !hasChange(log[0], "accountability scores", "off", "on") {
			t.Errorf("switching scores on is not in the activity log: %+v", log)
		}

		// Every factor at 0 %: two measures (M1 linked twice counts
		// once), nothing entered. A score is at least 1.
		checkScores(t, "0 %", pageScores(t, w, admin, f.S.ID), want{measures: 2, engagement: 1, impact: 1})

		// 50 %: M1 has a note, January 10 and February 12 (up: good for
		// higher is better; 12 ≥ the baseline 10), a forecast for April,
		// and its note edited after the data. M2 has nothing.
		// Engagement = 47/2 + 27/2 + 13/2 + 13/2 = 50; Impact = 60/2 + 40/2 = 50.
		f.noteOn(t, f.M1, 0, "<div>Why the curve bends</div>")
		f.data(t, f.M1, app.DataEntry{PeriodKey: jan, Actual: "10"}, app.DataEntry{PeriodKey: feb, Actual: "12"},
			app.DataEntry{PeriodKey: apr, Forecast: "13"})
		f.noteOn(t, f.M1, 1, "<div>Why the curve bends, revised</div>")
		half := want{measures: 2, filled: 1, fresh: 1, forecast: 1, actual: 1, trend: 1, baseline: 1, engagement: 50, impact: 50}
		checkScores(t, "50 %", pageScores(t, w, admin, f.S.ID), half)
		checkScores(t, "50 % on the list", listScores(t, w, admin)[f.S.ID], half)

		// 100 %: M2 too, flat at 5 (flat counts; level with its baseline).
		f.noteOn(t, f.M2, 0, "<div>Steady</div>")
		f.data(t, f.M2, app.DataEntry{PeriodKey: jan, Actual: "5"}, app.DataEntry{PeriodKey: feb, Actual: "5"},
			app.DataEntry{PeriodKey: apr, Forecast: "5"})
		f.noteOn(t, f.M2, 1, "<div>Steady, checked</div>")
		checkScores(t, "100 %", pageScores(t, w, admin, f.S.ID),
			want{measures: 2, filled: 2, fresh: 2, forecast: 2, actual: 2, trend: 2, baseline: 2, engagement: 100, impact: 100})

		// M2 gets March 4 after its note: no longer edited since its data,
		// trending down (bad) and below its baseline 5.
		// Engagement = 47 + 27/2 + 13 + 13 = 86.5 → 87; Impact = 60/2 + 40/2 = 50.
		f.data(t, f.M2, app.DataEntry{PeriodKey: mar, Actual: "4"})
		mixed := want{measures: 2, filled: 2, fresh: 1, forecast: 2, actual: 2, trend: 1, baseline: 1, engagement: 87, impact: 50}
		checkScores(t, "mixed", pageScores(t, w, admin, f.S.ID), mixed)
		checkScores(t, "mixed on the list", listScores(t, w, admin)[f.S.ID], mixed)

		// The calendar moves on: in April, March is the last completed
		// period (only M2 has it) and May the coming one (no forecast).
		// Engagement = 47 + 27/2 + 0 + 13/2 = 67.
		db.Clock.Set(time.Date(2026, 4, 2, 9, 0, 0, 0, time.UTC))
		checkScores(t, "in April", pageScores(t, w, admin, f.S.ID),
			want{measures: 2, filled: 2, fresh: 1, forecast: 0, actual: 1, trend: 1, baseline: 1, engagement: 67, impact: 50})
		db.Clock.Set(testkit.Epoch.Add(time.Hour))

		// Taking M2 off S leaves one measure, M1, at 100 %.
		c := containerOf(t, w, admin, f.S.ID)
		if err := w.app.Unlink(w.ctx, admin, app.Placement{ParentID: c}, f.M2.ID); err != nil {
			t.Fatal(err)
		}
		checkScores(t, "without M2", pageScores(t, w, admin, f.S.ID),
			want{measures: 1, filled: 1, fresh: 1, forecast: 1, actual: 1, trend: 1, baseline: 1, engagement: 100, impact: 100})

		// A scorecard without measures has no score, not 0.
		empty := f.scorecard(admin, "Empty")
		f.setScores(t, admin, empty.ID, true, false)
		s := pageScores(t, w, admin, empty.ID)
		if s == nil || !s.Engagement.None() || !s.Impact.None() || s.Measures != 0 {
			t.Errorf("a scorecard without measures: %+v, want no score", s)
		}

		// Hidden measures: the clerk sees only T (M1 and M3); T's scores
		// count those, and S's (with M2) are not to be had.
		f.setScores(t, admin, f.T.ID, true, false)
		clerk := f.as("clerk")
		checkScores(t, "T as the clerk", pageScores(t, w, clerk, f.T.ID),
			want{measures: 2, filled: 1, fresh: 1, forecast: 1, actual: 1, trend: 1, baseline: 1, engagement: 50, impact: 50})
		if _, err := w.app.ScorecardPage(w.ctx, clerk, f.S.ID); app.KindOf(err) != app.NotFound {
			t.Errorf("the clerk opens S: %v, want NotFound", err)
		}
		if l := listScores(t, w, clerk); len(l) != 1 || l[f.T.ID] == nil {
			t.Errorf("the clerk's list: %v, want T alone, with scores", l)
		}

		// Switching off hides them again.
		f.setScores(t, admin, f.S.ID, false, false)
		if s := pageScores(t, w, admin, f.S.ID); s != nil {
			t.Errorf("scores shown after they were switched off")
		}
	})
}

// containerOf is the first container on a scorecard's page.
func containerOf(t *testing.T, w *pw, actor *app.Actor, id int64) int64 {
	t.Helper()
	v, err := w.app.ScorecardPage(w.ctx, actor, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range v.Rows {
		if r.Object.Kind == model.KindContainer {
			return r.Object.ID
		}
	}
	t.Fatal("no container")
	return 0
}

func hasChange(a model.Activity, field, before, after string) bool {
	for _, c := range a.Changes {
		if c.Field == field && c.Before == before && c.After == after {
			return true
		}
	}
	return false
}

// A partner sees the owner's scores only when the owner shares them.
func TestAccountabilityScoresPartner(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		f := newScoreSite(t, db)
		w, admin := f.w, f.as("admin")
		B := w.site("BETA", "Beta")
		B.member("admin", access.PresetAdministration)
		w.connect(f.site, B)
		w.share(f.site, B, app.ShareChoice{ScorecardID: f.S.ID})
		f.noteOn(t, f.M1, 0, "<div>Shared note</div>")
		f.data(t, f.M1, app.DataEntry{PeriodKey: jan, Actual: "10"}, app.DataEntry{PeriodKey: feb, Actual: "12"})
		// M1: note filled and edited before its data (not fresh), February's
		// actual, no forecast, trending up, above its baseline; M2 nothing.
		// Engagement = 47/2 + 0 + 0 + 13/2 = 30; Impact = 60/2 + 40/2 = 50.
		h := want{measures: 2, filled: 1, actual: 1, trend: 1, baseline: 1, engagement: 30, impact: 50}

		f.setScores(t, admin, f.S.ID, true, false)
		checkScores(t, "owner", pageScores(t, w, admin, f.S.ID), h)
		if s := pageScores(t, w, B.as("admin"), f.S.ID); s != nil {
			t.Errorf("the partner sees unshared scores: %+v", s)
		}
		if s := listScores(t, w, B.as("admin"), f.in.ID)[f.S.ID]; s != nil {
			t.Errorf("the partner's list shows unshared scores: %+v", s)
		}
		f.setScores(t, admin, f.S.ID, true, true)
		checkScores(t, "partner, shared", pageScores(t, w, B.as("admin"), f.S.ID), h)
		checkScores(t, "partner's list, shared", listScores(t, w, B.as("admin"), f.in.ID)[f.S.ID], h)
		// A partner member who sees only its assigned scorecards.
		B.member("clerk", access.PresetDataEntry)
		if err := B.assign(B.as("admin"), "clerk", f.S.ID); err != nil {
			t.Fatal(err)
		}
		checkScores(t, "partner's assigned member", pageScores(t, w, B.as("clerk"), f.S.ID), h)
		// Switching scores off unshares them as well.
		f.setScores(t, admin, f.S.ID, false, true)
		if s := pageScores(t, w, B.as("admin"), f.S.ID); s != nil {
			t.Errorf("the partner sees scores switched off: %+v", s)
		}
	})
}

// Scores are computed in a fixed number of queries however many
// scorecards the list shows, and read back from one query once kept; a
// write to a measure makes only its scorecards' scores be computed again.
func TestAccountabilityScoresQueries(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		A := w.site("ALPHA", "Alpha")
		admin := A.member("admin", access.PresetAdministration)
		var ms []model.Object
		listQueries := func() int64 {
			t.Helper()
			before := db.Store.QueryCount()
			listScores(t, w, A.as("admin"))
			return db.Store.QueryCount() - before
		}
		var cold, warm []int64
		for _, n := range []int{2, 12} {
			for len(ms) < n {
				sc := A.scorecard(admin, "Scored "+itoa64(int64(len(ms)+100)))
				c := A.container(admin, "Container "+itoa64(int64(len(ms)+100)), app.Placement{ScorecardID: sc.ID})
				m := A.measure(admin, "Measure "+itoa64(int64(len(ms)+100)), app.Placement{ParentID: c.ID})
				if _, err := w.app.SaveData(w.ctx, admin, m.ID, []app.DataEntry{{PeriodKey: jan, Actual: "1"}, {PeriodKey: feb, Actual: "2"}}); err != nil {
					t.Fatal(err)
				}
				ms = append(ms, m)
				s, _ := w.app.Scorecard(w.ctx, admin, sc.ID)
				if err := w.app.UpdateScorecard(w.ctx, admin, sc.ID, s.Version, app.ScorecardInput{Title: s.Title, SetScores: true, ScoresOn: true}); err != nil {
					t.Fatal(err)
				}
			}
			cold = append(cold, listQueries())
			warm = append(warm, listQueries())
		}
		if cold[0] != cold[1] || warm[0] != warm[1] || warm[0] >= cold[0] {
			t.Errorf("list queries with 2 then 12 scored scorecards: computing %v, kept %v; want the same for both, fewer when kept", cold, warm)
		}
		// A write to one measure: the next list computes again (still the
		// same number of queries), then reads kept scores.
		if _, err := w.app.SaveData(w.ctx, admin, ms[0].ID, []app.DataEntry{{PeriodKey: mar, Actual: "3"}}); err != nil {
			t.Fatal(err)
		}
		if n := listQueries(); n <= warm[0] || n > cold[0] {
			t.Errorf("after a write: %d queries, want more than %d (computing again), at most %d", n, warm[0], cold[0])
		}
		if n := listQueries(); n != warm[0] {
			t.Errorf("after a write, then: %d queries, want %d (kept)", n, warm[0])
		}
	})
}

// The Instance dashboard (issue 28, point 8): counts, the median scores
// of the scored scorecards and the most overdue scorecards, worked out by
// hand. The clock is in March 2026: February is the last completed month.
func TestInstanceDashboard(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		f := newScoreSite(t, db)
		w, admin := f.w, f.as("admin")
		if _, err := w.app.InstanceDashboard(w.ctx, f.as("clerk")); app.KindOf(err) != app.Forbidden {
			t.Errorf("the dashboard without instance.admin: %v, want Forbidden", err)
		}
		f.member("gone", access.PresetPresenter)
		if err := w.app.SetActive(w.ctx, admin, f.ms["gone"].ID, false); err != nil {
			t.Fatal(err)
		}
		B := w.site("BETA", "Beta")
		B.member("admin", access.PresetAdministration)
		w.connect(f.site, B)
		if _, err := w.app.AddExistingUser(w.ctx, admin, "admin@beta.example.org"); err != nil {
			t.Fatal(err)
		}
		// M1: January 10, February 12, a note (before the data). M2:
		// January 5 only. M3: November 8, December 6 (down, below its
		// baseline).
		f.noteOn(t, f.M1, 0, "<div>Note</div>")
		f.data(t, f.M1, app.DataEntry{PeriodKey: jan, Actual: "10"}, app.DataEntry{PeriodKey: feb, Actual: "12"})
		f.data(t, f.M2, app.DataEntry{PeriodKey: jan, Actual: "5"})
		f.data(t, f.M3, app.DataEntry{PeriodKey: "2025-11-01", Actual: "8"}, app.DataEntry{PeriodKey: "2025-12-01", Actual: "6"})
		empty := f.scorecard(admin, "Empty")
		for _, id := range []int64{f.S.ID, f.T.ID, empty.ID} {
			f.setScores(t, admin, id, true, false)
		}
		// S (M1, M2): filled 1, actual 1 (M1's February), trending 1 (M2
		// has one actual), at baseline 2 (M2's only actual is its
		// baseline): Engagement 47/2 + 13/2 = 30, Impact 60/2 + 40 = 70.
		// T (M1, M3): Engagement 30, Impact 60/2 + 40/2 = 50. Empty has
		// no score and is left out. Medians: 30 and (50 + 70) / 2 = 60.
		checkScores(t, "S", pageScores(t, w, admin, f.S.ID), want{measures: 2, filled: 1, actual: 1, trend: 1, baseline: 2, engagement: 30, impact: 70})
		v, err := w.app.InstanceDashboard(w.ctx, f.as("admin"))
		if err != nil {
			t.Fatal(err)
		}
		wantCounts := app.InstanceCounts{Active: 2, Inactive: 1, Invited: 1, Scorecards: 3, Containers: 3, Measures: 3, RecentValues: 5, Partners: 1}
		if v.Counts != wantCounts {
			t.Errorf("counts %+v, want %+v", v.Counts, wantCounts)
		}
		if v.Scored != 2 || v.MedianEngagement == nil || *v.MedianEngagement != 30 || v.MedianImpact == nil || *v.MedianImpact != 60 {
			t.Errorf("medians over %d: %v, %v; want 30 and 60 over 2", v.Scored, v.MedianEngagement, v.MedianImpact)
		}
		// Overdue: M3's data is missing since January (T), M2's since
		// February (S); M1 has February, the last completed month.
		var got []string
		for _, o := range v.Overdue {
			got = append(got, o.Scorecard.Title+" "+o.Label+" "+itoa64(int64(o.Measures)))
		}
		if want := []string{"T Jan 2026 1", "S Feb 2026 1"}; !slices.Equal(got, want) {
			t.Errorf("overdue %q, want %q", got, want)
		}
		// Forty days on, nothing was entered in the last 30 days, and
		// March is missing everywhere: M1 joins S's overdue measures.
		db.Clock.Advance(40 * 24 * time.Hour)
		v, err = w.app.InstanceDashboard(w.ctx, f.as("admin"))
		if err != nil {
			t.Fatal(err)
		}
		got = got[:0]
		for _, o := range v.Overdue {
			got = append(got, o.Scorecard.Title+" "+o.Label+" "+itoa64(int64(o.Measures)))
		}
		if v.Counts.RecentValues != 0 || !slices.Equal(got, []string{"T Jan 2026 2", "S Feb 2026 2"}) {
			t.Errorf("forty days on: %d recent values, overdue %q", v.Counts.RecentValues, got)
		}
	})
}
