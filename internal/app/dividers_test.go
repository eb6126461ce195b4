package app_test

import (
	"strings"
	"testing"

	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
)

// Dividers (issue 28, point 4): placed among the top-level rows by
// position, moved up and down past rows and other dividers, renamed,
// deleted; refused under a structure lock and to another instance.
func TestDividers(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		f := newLimitsFixture(t, db)
		ctx := f.ctx
		second, err := f.app.CreateObject(ctx, f.actor(), app.ObjectInput{Kind: model.KindContainer, TypeID: f.types["Result"], Title: "Second"},
			app.Placement{ScorecardID: f.sc.ID})
		if err != nil {
			t.Fatal(err)
		}
		order := func() string {
			t.Helper()
			v, err := f.app.ScorecardPage(ctx, f.actor(), f.sc.ID)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, r := range v.Rows {
				switch {
				case r.Divider != nil:
					out = append(out, "["+r.Divider.Title+"]")
				case r.Depth == 0:
					out = append(out, r.Object.Title)
				}
			}
			return strings.Join(out, " ")
		}
		a, err := f.app.AddDivider(ctx, f.actor(), f.sc.ID, "  Health  ")
		if err != nil {
			t.Fatal(err)
		}
		b, err := f.app.AddDivider(ctx, f.actor(), f.sc.ID, "Jobs")
		if err != nil {
			t.Fatal(err)
		}
		if got := order(); got != "Box Second [Health] [Jobs]" {
			t.Fatalf("after adding: %s", got)
		}
		for i := 0; i < 2; i++ {
			if err := f.app.MoveDivider(ctx, f.actor(), f.sc.ID, a.ID, -1); err != nil {
				t.Fatal(err)
			}
		}
		if got := order(); got != "[Health] Box Second [Jobs]" {
			t.Fatalf("Health moved to the top: %s", got)
		}
		if err := f.app.MoveDivider(ctx, f.actor(), f.sc.ID, a.ID, -1); err != nil { // already first
			t.Fatal(err)
		}
		if err := f.app.MoveDivider(ctx, f.actor(), f.sc.ID, b.ID, -1); err != nil {
			t.Fatal(err)
		}
		// A row moves past a divider too.
		if got := order(); got != "[Health] Box [Jobs] Second" {
			t.Fatalf("after moving Jobs up: %s", got)
		}
		if err := f.app.Move(ctx, f.actor(), app.Placement{ScorecardID: f.sc.ID}, second.ID, -1); err != nil {
			t.Fatal(err)
		}
		if got := order(); got != "[Health] Box Second [Jobs]" {
			t.Fatalf("after moving Second up past Jobs: %s", got)
		}
		// A row linked later goes last, after the dividers.
		_, err = f.app.CreateObject(ctx, f.actor(), app.ObjectInput{Kind: model.KindContainer, TypeID: f.types["Result"], Title: "Third"},
			app.Placement{ScorecardID: f.sc.ID})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.app.RenameDivider(ctx, f.actor(), f.sc.ID, b.ID, "Work"); err != nil {
			t.Fatal(err)
		}
		if err := f.app.DeleteDivider(ctx, f.actor(), f.sc.ID, a.ID); err != nil {
			t.Fatal(err)
		}
		if got := order(); got != "Box Second [Work] Third" {
			t.Fatalf("after renaming and deleting: %s", got)
		}
		// A drag moves several places in one request; past the end it stops
		// at the end; 0 or more than app.MaxMove places is refused.
		if err := f.app.MoveDivider(ctx, f.actor(), f.sc.ID, b.ID, -2); err != nil {
			t.Fatal(err)
		}
		if got := order(); got != "[Work] Box Second Third" {
			t.Fatalf("after dragging Work two up: %s", got)
		}
		if err := f.app.Move(ctx, f.actor(), app.Placement{ScorecardID: f.sc.ID}, f.box.ID, 50); err != nil {
			t.Fatal(err)
		}
		if got := order(); got != "[Work] Second Third Box" {
			t.Fatalf("after dragging Box to the end: %s", got)
		}
		for _, bad := range []int{0, app.MaxMove + 1, -app.MaxMove - 1} {
			if err := f.app.MoveDivider(ctx, f.actor(), f.sc.ID, b.ID, bad); app.KindOf(err) != app.Invalid {
				t.Errorf("a divider moved %d places: %v, want refused", bad, err)
			}
			if err := f.app.Move(ctx, f.actor(), app.Placement{ScorecardID: f.sc.ID}, f.box.ID, bad); app.KindOf(err) != app.Invalid {
				t.Errorf("a row moved %d places: %v, want refused", bad, err)
			}
		}
		if got := order(); got != "[Work] Second Third Box" {
			t.Fatalf("refused moves changed the order: %s", got)
		}
		for _, bad := range []string{"", "   ", strings.Repeat("é", 201), "a\x00b"} {
			if _, err := f.app.AddDivider(ctx, f.actor(), f.sc.ID, bad); app.KindOf(err) != app.Invalid {
				t.Errorf("title %q: %v, want a field error", bad, err)
			}
		}
		if _, err := f.app.AddDivider(ctx, f.actor(), f.sc.ID, strings.Repeat("é", 200)); err != nil {
			t.Errorf("200 characters: %v", err)
		}
		if err := f.app.DeleteDivider(ctx, f.actor(), f.sc.ID, 999999); app.KindOf(err) != app.NotFound {
			t.Errorf("unknown divider: %v", err)
		}
		// A structure lock refuses them; nothing changes.
		sc, _ := f.app.Scorecard(ctx, f.actor(), f.sc.ID)
		if err := f.app.SetScorecardLock(ctx, f.actor(), sc.ID, sc.Version, app.LockInput{Mode: model.LockStructure, Reason: "Review"}); err != nil {
			t.Fatal(err)
		}
		before := order()
		if _, err := f.app.AddDivider(ctx, f.actor(), f.sc.ID, "Locked"); app.KindOf(err) != app.Forbidden {
			t.Errorf("add under a structure lock: %v", err)
		}
		if err := f.app.MoveDivider(ctx, f.actor(), f.sc.ID, b.ID, 1); app.KindOf(err) != app.Forbidden {
			t.Errorf("move under a structure lock: %v", err)
		}
		if got := order(); got != before {
			t.Errorf("a refused change moved rows: %s → %s", before, got)
		}
	})
}
