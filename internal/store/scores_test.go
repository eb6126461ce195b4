package store_test

import (
	"slices"
	"testing"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

// ScoreInputs reads a scorecard's measures once each, only those the
// visibility allows, with their values and their non-empty notes' latest
// edits (issue 28, point 7).
func TestScoreInputs(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		c := newContent(t, db)
		q, in := c.q, c.in
		// "Only on S1" sits on S1 alone; M (under R → P) on both, and is
		// linked to S1 a second time, directly.
		only, err := q.CreateObject(ctx, model.Object{InstanceID: in.ID, Kind: model.KindMeasure, TypeID: c.measureT.ID, Title: "Only on S1",
			Polarity: "lower", GraphType: "line"})
		must(t, err)
		must(t, q.LinkToScorecard(ctx, in.ID, c.s1.ID, only.ID))
		must(t, q.LinkToScorecard(ctx, in.ID, c.s1.ID, c.m.ID))
		v := 3.0
		_, err = q.SaveDataValue(ctx, in.ID, model.DataValue{MeasureID: c.m.ID, PeriodKey: "2026-01-01", Actual: &v})
		must(t, err)
		types, err := q.ListNoteTypes(ctx, in.ID, false)
		must(t, err)
		_, err = q.SaveNote(ctx, in.ID, model.Target{ObjectID: c.m.ID}, types[0].ID, 0, "<div>Why</div>", 0, 0)
		must(t, err)
		// An empty note and a removed one are not "filled".
		_, err = q.SaveNote(ctx, in.ID, model.Target{ObjectID: only.ID}, types[0].ID, 0, "", 0, 0)
		must(t, err)
		_, err = q.SaveNote(ctx, in.ID, model.Target{ObjectID: only.ID}, types[1].ID, 0, "<div>Gone</div>", 0, 0)
		must(t, err)
		must(t, q.RemoveNoteSection(ctx, in.ID, model.Target{ObjectID: only.ID}, types[1].ID))

		all, err := q.ScoreInputs(ctx, in.ID, []int64{c.s1.ID, c.s2.ID}, store.SeeAll)
		must(t, err)
		if got, want := all.On[c.s1.ID], sorted(c.m.ID, only.ID); !slices.Equal(got, want) {
			t.Errorf("S1's measures: %v, want %v (each once)", got, want)
		}
		if got := all.On[c.s2.ID]; !slices.Equal(got, []int64{c.m.ID}) {
			t.Errorf("S2's measures: %v, want [%d]", got, c.m.ID)
		}
		if vals := all.Values[c.m.ID]; len(vals) != 1 || *vals[0].Actual != 3 || vals[0].UpdatedAt.IsZero() {
			t.Errorf("M's values: %+v", vals)
		}
		if _, ok := all.NotesAt[c.m.ID]; !ok || len(all.NotesAt) != 1 {
			t.Errorf("notes filled: %v, want M's alone", all.NotesAt)
		}
		if m := all.Measures[only.ID]; m.Polarity != "lower" {
			t.Errorf("Only on S1: %+v", m)
		}

		// A member assigned S2 may see M but not "Only on S1": S1's
		// inputs through its visibility leave that one out.
		_, member := testkit.MustCreateMember(t, db.Store, in, "board@example.org", access.PresetPresenter)
		must(t, q.AssignScorecard(ctx, in.ID, c.s2.ID, []int64{member.ID}))
		vis := store.Visibility{Scope: access.ScopeAssigned, MembershipID: member.ID, InstanceID: in.ID}
		seen, err := q.ScoreInputs(ctx, in.ID, []int64{c.s1.ID}, vis)
		must(t, err)
		if got := seen.On[c.s1.ID]; !slices.Equal(got, []int64{c.m.ID}) {
			t.Errorf("S1's measures for a member assigned S2: %v, want [%d] (the hidden one left out)", got, c.m.ID)
		}
		if _, ok := seen.Values[only.ID]; ok || len(seen.Measures) != 1 {
			t.Errorf("read the hidden measure: %+v", seen.Measures)
		}
	})
}

func sorted(ids ...int64) []int64 { slices.Sort(ids); return ids }

// Kept counts are current until a write they depend on moves their gen
// on, and counts computed before such a write are not kept.
func TestScoreRowsGen(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		c := newContent(t, db)
		q, in := c.q, c.in
		now := db.Store.Now()
		row := func(id int64) store.ScoreRow {
			t.Helper()
			rows, err := q.ScoreRows(ctx, in.ID, []int64{id})
			must(t, err)
			return rows[id]
		}
		must(t, q.OpenScoreRows(ctx, in.ID, []int64{c.s1.ID, c.s2.ID}))
		if r := row(c.s1.ID); r.Gen != 0 || r.DoneGen != -1 || r.Current(now) {
			t.Fatalf("a new row: %+v", r)
		}
		keep := func(gen int64, measures int) {
			t.Helper()
			must(t, q.SaveScoreRows(ctx, in.ID, []store.ScoreRow{{ScorecardID: c.s1.ID, Gen: gen, ValidUntil: now.Add(time.Hour),
				ScoreCounts: store.ScoreCounts{Measures: measures, NotesFilled: 1}}}))
		}
		keep(0, 5)
		if r := row(c.s1.ID); !r.Current(now) || r.Measures != 5 || r.NotesFilled != 1 || r.Current(now.Add(2*time.Hour)) {
			t.Errorf("kept: %+v", r)
		}
		// Every write the counts depend on moves gen on: the measure's
		// settings, a note, the tree (S1 only: S2 is not touched).
		m := c.m
		m.Version = 1
		must(t, q.UpdateObject(ctx, m))
		types, _ := q.ListNoteTypes(ctx, in.ID, false)
		_, err := q.SaveNote(ctx, in.ID, model.Target{ObjectID: c.m.ID}, types[0].ID, 0, "<div>Why</div>", 0, 0)
		must(t, err)
		must(t, q.LinkToScorecard(ctx, in.ID, c.s1.ID, c.orphan.ID))
		if r := row(c.s1.ID); r.Gen != 3 || r.Current(now) {
			t.Errorf("after three writes: %+v, want gen 3, not current", r)
		}
		must(t, q.StaleScores(ctx, in.ID, []int64{c.orphan.ID}))
		if r, r2 := row(c.s1.ID), row(c.s2.ID); r.Gen != 4 || r2.Gen != 2 {
			t.Errorf("a write to the orphan (now on S1 only): S1 gen %d, S2 gen %d; want 4, 2", r.Gen, r2.Gen)
		}
		// Counts computed at gen 3 are not kept over gen 4.
		keep(3, 7)
		if r := row(c.s1.ID); r.Measures != 5 || r.Current(now) {
			t.Errorf("counts from before a write were kept: %+v", r)
		}
		keep(4, 7)
		if r := row(c.s1.ID); r.Measures != 7 || !r.Current(now) {
			t.Errorf("counts at the current gen: %+v", r)
		}
		must(t, q.StaleInstanceScores(ctx, in.ID))
		if r := row(c.s1.ID); r.Current(now) {
			t.Errorf("after a change to the whole instance: %+v", r)
		}
	})
}

// The Instance dashboard's counts (issue 28, point 8).
func TestCountInstance(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		c := newContent(t, db)
		q, in := c.q, c.in
		other := testkit.MustCreateInstance(t, db.Store, "OTHER", "Other")
		testkit.MustCreateMember(t, db.Store, in, "ada@example.org", access.PresetAdministration)
		_, gone := testkit.MustCreateMember(t, db.Store, in, "gone@example.org", access.PresetPresenter)
		testkit.MustCreateMember(t, db.Store, other, "elsewhere@example.org", access.PresetPresenter)
		gone.Active = false
		must(t, q.UpdateMembership(ctx, gone))
		v := 1.0
		for _, k := range []string{"2026-01-01", "2026-02-01"} {
			_, err := q.SaveDataValue(ctx, in.ID, model.DataValue{MeasureID: c.m.ID, PeriodKey: k, Actual: &v})
			must(t, err)
		}
		db.Clock.Advance(40 * 24 * time.Hour)
		_, err := q.SaveDataValue(ctx, in.ID, model.DataValue{MeasureID: c.m.ID, PeriodKey: "2026-03-01", Actual: &v})
		must(t, err)
		got, err := q.CountInstance(ctx, in.ID, db.Store.Now().AddDate(0, 0, -30))
		must(t, err)
		want := store.InstanceCounts{Active: 1, Inactive: 1, Scorecards: 2, Containers: 2, Measures: 2, RecentValues: 1}
		if got != want {
			t.Errorf("counts %+v, want %+v", got, want)
		}
	})
}
