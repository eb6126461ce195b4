package app_test

import (
	"strconv"
	"strings"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
)

// Lock modes (issue 28, point 1): every write path that reaches an
// object through a locked scorecard, × each mode → allowed, or refused
// (Forbidden, naming the scorecard and its reason) with nothing changed.
// The administrator is refused too until someone unlocks.
func TestLockModesThroughEveryWritePath(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		f := newLimitsFixture(t, db)
		ctx := f.ctx
		lock := func(mode string) {
			t.Helper()
			sc, err := f.app.Scorecard(ctx, f.actor(), f.sc.ID)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.app.SetScorecardLock(ctx, f.actor(), sc.ID, sc.Version, app.LockInput{Mode: mode, Reason: "Board review <b>"}); err != nil {
				t.Fatalf("lock %s: %v", mode, err)
			}
		}
		spare := f.newMeasure(app.ObjectInput{Title: "Spare"}) // under the box, so on the scorecard too
		loose, err := f.app.CreateObject(ctx, f.actor(), app.ObjectInput{Kind: model.KindContainer, TypeID: f.types["Result"], Title: "Loose"}, app.Placement{})
		if err != nil {
			t.Fatal(err)
		}
		n, k := 0, 0
		paths := []struct {
			name string
			op   func() error
			// allowed under structure lock (data entry stays open)
			structureOK bool
		}{
			{"add a container on the scorecard", func() error {
				_, err := f.app.CreateObject(ctx, f.actor(), app.ObjectInput{Kind: model.KindContainer, TypeID: f.types["Result"], Title: "New"}, app.Placement{ScorecardID: f.sc.ID})
				return err
			}, false},
			{"add a measure under the box", func() error {
				_, err := f.createMeasure(app.ObjectInput{Title: "Another"})
				return err
			}, false},
			{"link to the scorecard", func() error { return f.app.Link(ctx, f.actor(), app.Placement{ScorecardID: f.sc.ID}, loose.ID) }, false},
			{"move under the box", func() error { return f.app.Move(ctx, f.actor(), app.Placement{ParentID: f.box.ID}, spare.ID, -1) }, false},
			{"unlink from the box", func() error { return f.app.Unlink(ctx, f.actor(), app.Placement{ParentID: f.box.ID}, spare.ID) }, false},
			{"edit the measure", func() error {
				m := f.object(f.measure.ID)
				return f.app.UpdateObject(ctx, f.actor(), m.ID, m.Version, app.ObjectInput{Title: "Renamed", TypeID: m.TypeID, Decimals: "0", Polarity: "higher", FrequencyID: *m.FrequencyID})
			}, false},
			{"graph settings", func() error {
				m := f.object(f.measure.ID)
				return f.app.SetGraph(ctx, f.actor(), m.ID, m.Version, app.GraphInput{Type: "bar", Periods: "12"})
			}, false},
			{"delete the measure", func() error { return f.app.DeleteObject(ctx, f.actor(), spare.ID) }, false},
			{"edit the scorecard", func() error {
				sc, _ := f.app.Scorecard(ctx, f.actor(), f.sc.ID)
				return f.app.UpdateScorecard(ctx, f.actor(), sc.ID, sc.Version, app.ScorecardInput{Title: "Renamed card"})
			}, false},
			{"enter data", func() error {
				n++
				_, err := f.app.SaveData(ctx, f.actor(), f.measure.ID, []app.DataEntry{{PeriodKey: f.keys[n%len(f.keys)], Actual: "5"}})
				return err
			}, true},
			{"paste data", func() error {
				_, err := f.app.PasteColumn(ctx, f.actor(), f.measure.ID, "target", f.keys[0], "7\n8")
				return err
			}, true},
			{"bulk upsert (the API)", func() error {
				v := float64(9)
				k++
				_, err := f.app.UpsertValues(ctx, f.actor(), []app.ValueRow{{MeasureID: f.measure.ID, PeriodKey: f.keys[len(f.keys)-k], Actual: &v}})
				return err
			}, true},
			{"comment on the measure", func() error {
				_, err := f.app.AddComment(ctx, f.actor(), app.OnObject, f.measure.ID, "A comment")
				return err
			}, true},
		}
		snapshot := func() string {
			m := f.object(f.measure.ID)
			var vals, links, comments int
			for _, q := range []struct {
				sql string
				n   *int
			}{{`SELECT COUNT(*) FROM data_values WHERE instance_id = $1`, &vals}, {`SELECT COUNT(*) FROM object_links WHERE instance_id = $1`, &links},
				{`SELECT COUNT(*) FROM comments WHERE instance_id = $1`, &comments}} {
				if err := db.Store.DB().QueryRowContext(ctx, q.sql, f.in.ID).Scan(q.n); err != nil {
					t.Fatal(err)
				}
			}
			return strings.Join([]string{m.Title, itoaT(m.Version), itoaT(int64(vals)), itoaT(int64(links)), itoaT(int64(comments))}, "/")
		}
		for _, mode := range []string{model.LockData, model.LockStructure} {
			lock(mode)
			for _, p := range paths {
				allowed := mode == model.LockStructure && p.structureOK
				before := snapshot()
				err := p.op()
				switch {
				case allowed && err != nil:
					t.Errorf("%s under %s lock: %v, want allowed", p.name, mode, err)
				case !allowed && (app.KindOf(err) != app.Forbidden || !strings.Contains(err.Error(), "Board review <b>") || !strings.Contains(err.Error(), "Limits")):
					t.Errorf("%s under %s lock: %v, want Forbidden naming the scorecard and its reason", p.name, mode, err)
				case !allowed && snapshot() != before:
					t.Errorf("%s under %s lock changed something: %s → %s", p.name, mode, before, snapshot())
				}
			}
		}
		// Unlocked, every path works again (the delete last).
		lock(model.LockNormal)
		for _, p := range paths {
			if err := p.op(); err != nil {
				t.Errorf("%s after unlocking: %v", p.name, err)
			}
		}

		// An object also on an unlocked scorecard stays editable there;
		// deleting it needs every scorecard open.
		lock(model.LockStructure)
		open, err := f.app.CreateScorecard(ctx, f.actor(), app.ScorecardInput{Title: "Open card"})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.app.Link(ctx, f.actor(), app.Placement{ScorecardID: open.ID}, f.box.ID); err != nil {
			t.Fatalf("link the box to an open scorecard: %v", err)
		}
		m := f.object(f.measure.ID)
		if err := f.app.UpdateObject(ctx, f.actor(), m.ID, m.Version, app.ObjectInput{Title: "Shared", TypeID: m.TypeID, Decimals: "0", Polarity: "higher", FrequencyID: *m.FrequencyID}); err != nil {
			t.Errorf("edit a measure also on an open scorecard: %v", err)
		}
		if err := f.app.DeleteObject(ctx, f.actor(), m.ID); app.KindOf(err) != app.Forbidden {
			t.Errorf("delete a measure on a locked and an open scorecard: %v, want Forbidden", err)
		}
		page, err := f.app.MeasurePage(ctx, f.actor(), m.ID, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		locked := 0
		for _, sc := range page.Scorecards {
			if sc.LockMode == model.LockStructure {
				locked++
			}
		}
		if locked != 1 || !page.Can.Edit {
			t.Errorf("measure page: %d locked scorecards listed, can edit %v; want 1 and true", locked, page.Can.Edit)
		}

		// Locking needs objects.edit; the lock is logged; a bad mode or
		// reason is a field error.
		acct, _ := testkit.MustCreateMember(t, db.Store, f.in, "dee@example.org", access.PresetDataEntry)
		dee, err := f.app.ActorFor(ctx, app.Session{Account: acct}, "ACME", app.Client{})
		if err != nil {
			t.Fatal(err)
		}
		sc, _ := f.app.Scorecard(ctx, f.actor(), f.sc.ID)
		if err := f.app.SetScorecardLock(ctx, dee, sc.ID, sc.Version, app.LockInput{Mode: model.LockNormal}); app.KindOf(err) == 0 || app.KindOf(err) == app.Invalid {
			t.Errorf("data entry member unlocking: %v, want refused", err)
		}
		for _, in := range []app.LockInput{{Mode: "open"}, {Mode: model.LockData, Reason: strings.Repeat("x", 301)}, {Mode: model.LockData, Reason: "a\x00b"}} {
			if err := f.app.SetScorecardLock(ctx, f.actor(), sc.ID, sc.Version, in); app.KindOf(err) != app.Invalid {
				t.Errorf("lock %+v: %v, want a field error", in, err)
			}
		}
		if got := f.logged(app.ActLock, f.sc.ID); got == "" {
			t.Error("locking is not in the activity log")
		}
	})
}

func itoaT(n int64) string { return strconv.FormatInt(n, 10) }
