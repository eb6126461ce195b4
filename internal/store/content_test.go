package store_test

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

// content builds a small instance: scorecard S1 → result R → program P →
// measure M; scorecard S2 → result R (shared).
type content struct {
	in                model.Instance
	s1, s2            model.Scorecard
	r, p, m, orphan   model.Object
	resultT, measureT model.ObjectType
	q                 *store.Q
}

func newContent(t *testing.T, db *testkit.DB) content {
	t.Helper()
	q := db.Store.Q()
	in := testkit.MustCreateInstance(t, db.Store, "ACME", "Acme")
	types, _ := q.ListTypes(ctx, in.ID, "", true)
	c := content{in: in, q: q}
	for _, ty := range types {
		switch ty.Name {
		case "Result":
			c.resultT = ty
		case "Indicator":
			c.measureT = ty
		}
	}
	mk := func(kind, title string, typ int64) model.Object {
		o, err := q.CreateObject(ctx, model.Object{InstanceID: in.ID, Kind: kind, TypeID: typ, Title: title, Tags: []string{"Health", "Kids"}, Polarity: "higher", GraphType: "line"})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	c.s1, _ = q.CreateScorecard(ctx, model.Scorecard{InstanceID: in.ID, Title: "Community"})
	c.s2, _ = q.CreateScorecard(ctx, model.Scorecard{InstanceID: in.ID, Title: "Board"})
	c.r = mk(model.KindContainer, "Children ready", c.resultT.ID)
	c.p = mk(model.KindContainer, "Home visiting", c.resultT.ID)
	c.m = mk(model.KindMeasure, "Kindergarten readiness", c.measureT.ID)
	c.orphan = mk(model.KindMeasure, "Unlinked", c.measureT.ID)
	must(t, q.LinkToScorecard(ctx, in.ID, c.s1.ID, c.r.ID))
	must(t, q.LinkToObject(ctx, in.ID, c.r.ID, c.p.ID))
	must(t, q.LinkToObject(ctx, in.ID, c.p.ID, c.m.ID))
	must(t, q.LinkToScorecard(ctx, in.ID, c.s2.ID, c.r.ID))
	return c
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func reaching(t *testing.T, q *store.Q, instanceID, id int64) []int64 {
	t.Helper()
	ids, err := q.ScorecardsReaching(ctx, instanceID, id)
	must(t, err)
	return ids
}

func TestLinksAndReach(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		c := newContent(t, db)
		both := []int64{c.s1.ID, c.s2.ID}
		if got := reaching(t, c.q, c.in.ID, c.m.ID); !slices.Equal(got, both) {
			t.Errorf("measure reached by %v, want %v", got, both)
		}
		if got := reaching(t, c.q, c.in.ID, c.orphan.ID); len(got) != 0 {
			t.Errorf("orphan reached by %v", got)
		}
		// Cycles: P under M's ancestors, R under P, R under itself.
		for _, tt := range []struct{ parent, child int64 }{{c.p.ID, c.r.ID}, {c.r.ID, c.r.ID}} {
			cyc, err := c.q.IsDescendant(ctx, c.in.ID, tt.child, tt.parent)
			if err != nil || !cyc {
				t.Errorf("linking %d under %d: cycle not detected (%v)", tt.child, tt.parent, err)
			}
		}
		if cyc, _ := c.q.IsDescendant(ctx, c.in.ID, c.m.ID, c.r.ID); cyc {
			t.Error("a legal link reported as a cycle")
		}
		// Unlink keeps the object and drops it from the scorecards.
		must(t, c.q.UnlinkFromObject(ctx, c.in.ID, c.p.ID, c.m.ID))
		if got := reaching(t, c.q, c.in.ID, c.m.ID); len(got) != 0 {
			t.Errorf("after unlink measure reached by %v", got)
		}
		if _, err := c.q.ObjectByID(ctx, c.in.ID, c.m.ID, store.SeeAll); err != nil {
			t.Errorf("unlinked measure gone: %v", err)
		}
		// Re-link, then delete the program in the middle: the measure
		// under it must no longer count as on the scorecards.
		must(t, c.q.LinkToObject(ctx, c.in.ID, c.p.ID, c.m.ID))
		scs := reaching(t, c.q, c.in.ID, c.p.ID)
		must(t, c.q.DeleteObject(ctx, c.in.ID, c.p.ID, 0))
		must(t, c.q.RebuildReach(ctx, c.in.ID, scs))
		if got := reaching(t, c.q, c.in.ID, c.m.ID); len(got) != 0 {
			t.Errorf("after deleting its parent, measure reached by %v", got)
		}
		if _, err := c.q.ObjectByID(ctx, c.in.ID, c.p.ID, store.SeeAll); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deleted object: %v", err)
		}
		// Unlinking from one scorecard leaves the other.
		must(t, c.q.UnlinkFromScorecard(ctx, c.in.ID, c.s1.ID, c.r.ID))
		if got := reaching(t, c.q, c.in.ID, c.r.ID); !slices.Equal(got, []int64{c.s2.ID}) {
			t.Errorf("after unlinking from S1: %v", got)
		}
	})
}

func TestSharedObjectEditedOnce(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		c := newContent(t, db)
		o, _ := c.q.ObjectByID(ctx, c.in.ID, c.r.ID, store.SeeAll)
		o.Title = "All children ready for kindergarten"
		must(t, c.q.UpdateObject(ctx, o))
		for _, s := range []model.Scorecard{c.s1, c.s2} {
			tree, err := c.q.ScorecardTree(ctx, c.in.ID, s.ID)
			must(t, err)
			if got := tree.Objects[c.r.ID].Title; got != o.Title {
				t.Errorf("scorecard %s shows %q", s.Title, got)
			}
		}
		// The stale version is refused.
		o.Title = "stale"
		if err := c.q.UpdateObject(ctx, o); !errors.Is(err, store.ErrConflict) {
			t.Errorf("stale update: %v", err)
		}
	})
}

func TestScorecardTree(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		c := newContent(t, db)
		v := 42.5
		_, err := c.q.SaveDataValue(ctx, c.in.ID, model.DataValue{MeasureID: c.m.ID, PeriodKey: "2026-01-01", Actual: &v})
		must(t, err)
		before := db.Store.QueryCount()
		tree, err := c.q.ScorecardTree(ctx, c.in.ID, c.s1.ID)
		must(t, err)
		if n := db.Store.QueryCount() - before; n != 3 {
			t.Errorf("tree took %d queries, want 3", n)
		}
		want := []store.Link{{0, c.r.ID, 1}, {c.r.ID, c.p.ID, 1}, {c.p.ID, c.m.ID, 1}}
		if !slices.Equal(tree.Links, want) {
			t.Errorf("links = %v, want %v", tree.Links, want)
		}
		if len(tree.Objects) != 3 || len(tree.Values[c.m.ID]) != 1 || *tree.Values[c.m.ID][0].Actual != 42.5 {
			t.Errorf("tree = %+v", tree)
		}
	})
}

func TestVisibilityFilters(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		c := newContent(t, db)
		_, mem := testkit.MustCreateMember(t, db.Store, c.in, "ann@example.org", access.PresetDataEntry)
		must(t, c.q.SetMembershipScorecards(ctx, c.in.ID, mem.ID, []int64{c.s2.ID}))
		tests := []struct {
			name       string
			v          store.Visibility
			scorecards int
			measures   int
		}{
			{"all", store.SeeAll, 2, 2},
			{"linked", store.Visibility{Scope: access.ScopeLinked}, 2, 1},
			{"assigned", store.Visibility{Scope: access.ScopeAssigned, MembershipID: mem.ID}, 1, 1},
			{"none", store.Visibility{Scope: access.ScopeNone}, 0, 0},
		}
		for _, tt := range tests {
			scs, err := c.q.ListScorecards(ctx, c.in.ID, tt.v)
			must(t, err)
			n, err := c.q.CountObjects(ctx, c.in.ID, model.KindMeasure, tt.v)
			must(t, err)
			page, err := c.q.ListObjects(ctx, c.in.ID, store.ObjectFilter{Kind: model.KindMeasure}, tt.v)
			must(t, err)
			if len(scs) != tt.scorecards || n != tt.measures || len(page.Objects) != tt.measures {
				t.Errorf("%s: %d scorecards, %d counted, %d listed; want %d, %d", tt.name, len(scs), n, len(page.Objects), tt.scorecards, tt.measures)
			}
			_, err = c.q.ObjectByID(ctx, c.in.ID, c.orphan.ID, tt.v)
			if (err == nil) != (tt.v.Scope == access.ScopeAll) {
				t.Errorf("%s: orphan lookup: %v", tt.name, err)
			}
		}
		// Another instance sees nothing of this one, even with SeeAll.
		other := testkit.MustCreateInstance(t, db.Store, "BETA", "Beta")
		if _, err := c.q.ObjectByID(ctx, other.ID, c.m.ID, store.SeeAll); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("cross-instance lookup: %v", err)
		}
	})
}

func TestListObjectsPaging(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		c := newContent(t, db)
		for i := range 25 {
			_, err := c.q.CreateObject(ctx, model.Object{InstanceID: c.in.ID, Kind: model.KindMeasure, TypeID: c.measureT.ID,
				Title: string(rune('a'+i)) + " measure", Tags: []string{"Batch"}, Polarity: "higher", GraphType: "line"})
			must(t, err)
		}
		for _, desc := range []bool{false, true} {
			var seen []string
			for _, o := range allObjects(t, c, store.ObjectFilter{Kind: model.KindMeasure, Tag: "batch", Limit: 10, Desc: desc}, 10) {
				seen = append(seen, o.Title)
			}
			if len(seen) != 25 || (seen[0] == "a measure") == desc {
				t.Errorf("desc=%v: paged %d titles starting %q", desc, len(seen), seen[0])
			}
			sorted := slices.Clone(seen)
			slices.Sort(sorted)
			if desc {
				slices.Reverse(sorted)
			}
			if !slices.Equal(seen, sorted) {
				t.Errorf("desc=%v: out of order: %v", desc, seen)
			}
		}
		page, err := c.q.ListObjects(ctx, c.in.ID, store.ObjectFilter{Kind: model.KindMeasure, Text: "% MEAS"}, store.SeeAll)
		must(t, err)
		if len(page.Objects) != 0 {
			t.Errorf("LIKE wildcard not escaped: %d rows", len(page.Objects))
		}
		page, _ = c.q.ListObjects(ctx, c.in.ID, store.ObjectFilter{Kind: model.KindMeasure, Text: "READI"}, store.SeeAll)
		if len(page.Objects) != 1 {
			t.Errorf("text filter: %d rows", len(page.Objects))
		}
		if _, err := c.q.ListObjects(ctx, c.in.ID, store.ObjectFilter{Kind: model.KindMeasure, After: "garbage!"}, store.SeeAll); !errors.Is(err, store.ErrBadCursor) {
			t.Errorf("bad cursor: %v", err)
		}
	})
}

func TestConcurrentDataSavesLoseNothing(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		c := newContent(t, db)
		// Both editors loaded the period when it was empty (version 0).
		const n = 6
		var wg sync.WaitGroup
		results := make([]error, n)
		for i := range n {
			wg.Go(func() {
				v := float64(i)
				_, results[i] = db.Store.Q().SaveDataValue(ctx, c.in.ID, model.DataValue{MeasureID: c.m.ID, PeriodKey: "2026-02-01", Actual: &v})
			})
		}
		wg.Wait()
		ok := 0
		for _, err := range results {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, store.ErrConflict):
				t.Errorf("unexpected error: %v", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d saves from version 0 succeeded, want exactly 1", ok)
		}
		// Updates from the same version: exactly one wins again.
		results = make([]error, n)
		for i := range n {
			wg.Go(func() {
				v := float64(100 + i)
				_, results[i] = db.Store.Q().SaveDataValue(ctx, c.in.ID, model.DataValue{MeasureID: c.m.ID, PeriodKey: "2026-02-01", Actual: &v, Version: 1})
			})
		}
		wg.Wait()
		ok = 0
		for _, err := range results {
			if err == nil {
				ok++
			}
		}
		vals, _ := c.q.DataValues(ctx, c.in.ID, c.m.ID)
		if ok != 1 || len(vals) != 1 || vals[0].Version != 2 {
			t.Errorf("%d updates won; values %+v", ok, vals)
		}
	})
}

func TestTypesAndFrequencies(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		c := newContent(t, db)
		if err := c.q.DeleteType(ctx, c.in.ID, c.resultT.ID); !errors.Is(err, store.ErrConflict) {
			t.Errorf("deleting a used type: %v", err)
		}
		if _, err := c.q.CreateType(ctx, model.ObjectType{InstanceID: c.in.ID, Kind: model.KindContainer, Name: "RESULT", Plural: "x", Color: "#000000", Badge: "X"}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("duplicate type name: %v", err)
		}
		rt := c.resultT
		rt.Name, rt.Plural = "Goal", "Goals"
		must(t, c.q.UpdateType(ctx, rt))
		o, _ := c.q.ObjectByID(ctx, c.in.ID, c.r.ID, store.SeeAll)
		if o.TypeName != "Goal" {
			t.Errorf("renamed type shows %q", o.TypeName)
		}
		freqs, _ := c.q.ListFrequencies(ctx, c.in.ID)
		if len(freqs) != 4 || freqs[0].Title != "Monthly" {
			t.Fatalf("built-in frequencies: %+v", freqs)
		}
		m, _ := c.q.ObjectByID(ctx, c.in.ID, c.m.ID, store.SeeAll)
		m.FrequencyID = &freqs[0].ID
		must(t, c.q.UpdateObject(ctx, m))
		titles, total, err := c.q.MeasuresUsingFrequency(ctx, c.in.ID, freqs[0].ID, 5)
		if err != nil || total != 1 || titles[0] != "Kindergarten readiness" {
			t.Errorf("MeasuresUsingFrequency = %v, %d, %v", titles, total, err)
		}
	})
}

// TestLongMemberLists checks and changes assignments by lists longer than
// a statement's parameters allow (40,000 ids: SQLite takes 32,766), in
// chunks, with the same results as a short list.
func TestLongMemberLists(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		c := newContent(t, db)
		var real []int64
		for _, email := range []string{"ann@example.org", "bo@example.org", "cy@example.org"} {
			_, m := testkit.MustCreateMember(t, db.Store, c.in, email, access.PresetPresenter)
			real = append(real, m.ID)
		}
		other := testkit.MustCreateInstance(t, db.Store, "OTHR", "Other")
		_, stranger := testkit.MustCreateMember(t, db.Store, other, "eve@example.org", access.PresetPresenter)
		long := make([]int64, 0, 40_000)
		for i := range int64(40_000) {
			long = append(long, 1_000_000+i) // no such members
		}
		long = append(long, real[2], stranger.ID, real[0], real[0])
		known, err := c.q.MembershipIDsIn(ctx, c.in.ID, long)
		must(t, err)
		if want := []int64{real[0], real[2]}; !slices.Equal(known, want) {
			t.Errorf("MembershipIDsIn of 40,004 ids = %v, want %v", known, want)
		}

		must(t, c.q.ChangeScorecardMembers(ctx, c.in.ID, c.s1.ID, real, nil))
		must(t, c.q.ChangeScorecardMembers(ctx, c.in.ID, c.s2.ID, real[:1], nil))
		must(t, c.q.ChangeScorecardMembers(ctx, c.in.ID, c.s1.ID, nil, append(long, real[1])))
		got, err := c.q.ScorecardMembershipIDs(ctx, c.in.ID, c.s1.ID)
		must(t, err)
		if len(got) != 0 {
			t.Errorf("after removing everyone by a long list, %v keep the scorecard, want none", got)
		}
		if got, err := c.q.ScorecardMembershipIDs(ctx, c.in.ID, c.s2.ID); err != nil || !slices.Equal(got, real[:1]) {
			t.Errorf("another scorecard's assignments changed: %v, %v", got, err)
		}
	})
}

// TestMembersByNamePageEveryone pages the users list by name one member
// at a time through names whose lowercase the database and Go could fold
// differently (SQLite's own lower() leaves É as it is): every member comes
// exactly once, both ways. Searches find them in any case.
func TestMembersByNamePageEveryone(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		c := newContent(t, db)
		names := []string{"Élodie Aubert", "Émile Blanc", "zoe Young", "Ada Lovelace", "ÉLODIE Zed", "Øystein Berg", "élodie Ming"}
		var want []int64
		for i, name := range names {
			acct, m := testkit.MustCreateMember(t, db.Store, c.in, fmt.Sprintf("m%d@example.org", i), access.PresetPresenter)
			must(t, c.q.UpdateAccountIdentity(ctx, acct.ID, acct.Email, name))
			want = append(want, m.ID)
		}
		slices.Sort(want)
		for _, desc := range []bool{false, true} {
			var got []int64
			f := store.MemberFilter{Sort: "name", Desc: desc, Limit: 1}
			for range len(names) + 2 {
				page, err := c.q.ListMembers(ctx, c.in.ID, f)
				must(t, err)
				for _, m := range page.Members {
					got = append(got, m.ID)
				}
				if page.Next == "" {
					break
				}
				f.After = page.Next
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("desc %v: paging by name gave %v, want each of %v once", desc, got, want)
			}
		}
		// A search folds case beyond ASCII on both databases.
		for _, tc := range []struct {
			q    string
			want []string
		}{
			{"élodie", []string{"Élodie Aubert", "ÉLODIE Zed", "élodie Ming"}},
			{"ÉLO", []string{"Élodie Aubert", "ÉLODIE Zed", "élodie Ming"}},
			{"øy", []string{"Øystein Berg"}},
			{"émile b", []string{"Émile Blanc"}},
		} {
			page, err := c.q.ListMembers(ctx, c.in.ID, store.MemberFilter{Search: tc.q, Sort: "email"})
			must(t, err)
			var got []string
			for _, m := range page.Members {
				got = append(got, m.Name)
			}
			slices.Sort(got)
			slices.Sort(tc.want)
			if !slices.Equal(got, tc.want) {
				t.Errorf("search %q found %q, want %q", tc.q, got, tc.want)
			}
		}
	})
}
