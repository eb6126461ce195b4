package store_test

import (
	"errors"
	"strings"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

// TestListObjectsByPlace: the parent and scorecard filters keep what sits
// directly under a container or anywhere under a scorecard, combine with
// the other filters and the visibility, and page by keyset.
func TestListObjectsByPlace(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		c := newContent(t, db)
		m2, err := c.q.CreateObject(ctx, model.Object{InstanceID: c.in.ID, Kind: model.KindMeasure, TypeID: c.measureT.ID, Title: "Attendance",
			Tags: []string{"School"}, Polarity: "higher", GraphType: "line"})
		must(t, err)
		must(t, c.q.LinkToObject(ctx, c.in.ID, c.p.ID, m2.ID))
		all, linked := store.Visibility{Scope: access.ScopeAll}, store.Visibility{Scope: access.ScopeLinked}
		for _, tc := range []struct {
			name string
			f    store.ObjectFilter
			v    store.Visibility
			want string
		}{
			{"under the program", store.ObjectFilter{Kind: model.KindMeasure, ParentID: c.p.ID}, all, "Attendance, Kindergarten readiness"},
			{"directly under the result: none", store.ObjectFilter{Kind: model.KindMeasure, ParentID: c.r.ID}, all, ""},
			{"containers under the result", store.ObjectFilter{Kind: model.KindContainer, ParentID: c.r.ID}, all, "Home visiting"},
			{"anywhere under S2", store.ObjectFilter{Kind: model.KindMeasure, ScorecardID: c.s2.ID}, linked, "Attendance, Kindergarten readiness"},
			{"under S2 and the program, tagged", store.ObjectFilter{Kind: model.KindMeasure, ScorecardID: c.s2.ID, ParentID: c.p.ID, Tag: "kids"}, linked, "Kindergarten readiness"},
			{"by text", store.ObjectFilter{Kind: model.KindMeasure, ScorecardID: c.s1.ID, Text: "attend"}, linked, "Attendance"},
			{"newest first", store.ObjectFilter{Kind: model.KindMeasure, ParentID: c.p.ID, Sort: "updated", Desc: true}, all, "Attendance, Kindergarten readiness"},
			{"nobody's scope", store.ObjectFilter{Kind: model.KindMeasure, ParentID: c.p.ID}, store.Visibility{}, ""},
		} {
			page, err := c.q.ListObjects(ctx, c.in.ID, tc.f, tc.v)
			must(t, err)
			var got []string
			for _, o := range page.Objects {
				got = append(got, o.Title)
			}
			if strings.Join(got, ", ") != tc.want {
				t.Errorf("%s: %q, want %q", tc.name, strings.Join(got, ", "), tc.want)
			}
		}
		// A page of one, then the next, under a scorecard.
		f := store.ObjectFilter{Kind: model.KindMeasure, ScorecardID: c.s1.ID, Limit: 1}
		first, err := c.q.ListObjects(ctx, c.in.ID, f, linked)
		must(t, err)
		f.After = first.Next
		second, err := c.q.ListObjects(ctx, c.in.ID, f, linked)
		must(t, err)
		if len(first.Objects) != 1 || first.Objects[0].Title != "Attendance" || len(second.Objects) != 1 ||
			second.Objects[0].Title != "Kindergarten readiness" || second.Next != "" {
			t.Errorf("pages: %+v / %+v", first, second)
		}
	})
}

// TestDeleteAtVersion: a delete at a version goes only while the row is
// at it; a changed one is ErrConflict, a missing one ErrNotFound.
func TestDeleteAtVersion(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		c := newContent(t, db)
		for _, tc := range []struct {
			name    string
			del     func(version int64) error
			version int64
			want    error
		}{
			{"stale scorecard", func(v int64) error { return c.q.DeleteScorecard(ctx, c.in.ID, c.s2.ID, v) }, c.s2.Version + 1, store.ErrConflict},
			{"scorecard at its version", func(v int64) error { return c.q.DeleteScorecard(ctx, c.in.ID, c.s2.ID, v) }, c.s2.Version, nil},
			{"scorecard gone", func(v int64) error { return c.q.DeleteScorecard(ctx, c.in.ID, c.s2.ID, v) }, c.s2.Version, store.ErrNotFound},
			{"stale object", func(v int64) error { return c.q.DeleteObject(ctx, c.in.ID, c.orphan.ID, v) }, c.orphan.Version + 1, store.ErrConflict},
			{"object at any version", func(v int64) error { return c.q.DeleteObject(ctx, c.in.ID, c.orphan.ID, v) }, 0, nil},
			{"object gone", func(v int64) error { return c.q.DeleteObject(ctx, c.in.ID, c.orphan.ID, v) }, 0, store.ErrNotFound},
		} {
			if err := tc.del(tc.version); !errors.Is(err, tc.want) && !(err == nil && tc.want == nil) {
				t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
			}
		}
	})
}
