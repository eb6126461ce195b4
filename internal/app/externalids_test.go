package app_test

import (
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
)

// External ids: checked and unique per instance and table, a duplicate a
// field error on ext_id; resolved as ext:ID within the actor's instance.
func TestExternalIDs(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		f := newLimitsFixture(t, db)
		ctx := f.ctx
		fieldErr := func(what string, err error, field string) {
			t.Helper()
			e, ok := app.AsError(err)
			if !ok || e.Kind != app.Invalid || e.Fields[field] == "" {
				t.Fatalf("%s: want a field error on %s, got %v", what, field, err)
			}
		}
		sc, err := f.app.CreateScorecard(ctx, f.actor(), app.ScorecardInput{Title: "Ext", ExtID: "  WH-1  "})
		if err != nil {
			t.Fatal(err)
		}
		if sc.ExtID != "WH-1" {
			t.Fatalf("stored %q, want trimmed WH-1", sc.ExtID)
		}
		_, err = f.app.CreateScorecard(ctx, f.actor(), app.ScorecardInput{Title: "Ext 2", ExtID: "WH-1"})
		fieldErr("duplicate scorecard ext id", err, "ext_id")
		// Case-sensitive; a measure may carry a scorecard's.
		if _, err := f.app.CreateScorecard(ctx, f.actor(), app.ScorecardInput{Title: "Ext 3", ExtID: "wh-1"}); err != nil {
			t.Fatalf("other case: %v", err)
		}
		m := f.newMeasure(app.ObjectInput{Title: "Counted", ExtID: "WH-1"})
		_, err = f.app.CreateObject(ctx, f.actor(), app.ObjectInput{Kind: model.KindContainer, TypeID: f.types["Result"], Title: "Dup", ExtID: "WH-1"},
			app.Placement{ScorecardID: f.sc.ID})
		fieldErr("duplicate object ext id", err, "ext_id")
		for _, bad := range []string{"a\x00b", "a\nb", string(make([]byte, 0)) + "x" + string(rune(0x7f)), longText(101)} {
			_, err := f.app.CreateScorecard(ctx, f.actor(), app.ScorecardInput{Title: "Bad", ExtID: bad})
			fieldErr("bad ext id "+bad[:1], err, "ext_id")
		}
		if _, err := f.app.CreateScorecard(ctx, f.actor(), app.ScorecardInput{Title: "Long", ExtID: longText(100)}); err != nil {
			t.Fatalf("100 characters: %v", err)
		}
		// An update to a taken one is the same field error; clearing it frees it.
		err = f.app.UpdateObject(ctx, f.actor(), f.box.ID, f.box.Version, app.ObjectInput{Title: "Box", TypeID: f.types["Result"], ExtID: "WH-1"})
		fieldErr("update to a taken ext id", err, "ext_id")
		m = f.object(m.ID)
		if m.ExtID != "WH-1" {
			t.Fatalf("read back %q", m.ExtID)
		}
		upd := app.ObjectInput{Title: m.Title, TypeID: m.TypeID, Decimals: "0", Polarity: "higher", FrequencyID: *m.FrequencyID}
		if err := f.app.UpdateObject(ctx, f.actor(), m.ID, m.Version, upd); err != nil {
			t.Fatal(err)
		}
		if err := f.app.UpdateObject(ctx, f.actor(), f.box.ID, f.box.Version, app.ObjectInput{Title: "Box", TypeID: f.types["Result"], ExtID: "WH-1"}); err != nil {
			t.Fatalf("freed ext id: %v", err)
		}
		// Resolution.
		if id, err := f.app.ResolveID(ctx, f.actor(), app.ExtScorecard, "ext:WH-1"); err != nil || id != sc.ID {
			t.Fatalf("ext:WH-1 scorecard: %d %v", id, err)
		}
		if id, err := f.app.ResolveID(ctx, f.actor(), app.ExtObject, "ext:WH-1"); err != nil || id != f.box.ID {
			t.Fatalf("ext:WH-1 object: %d %v", id, err)
		}
		if id, err := f.app.ResolveID(ctx, f.actor(), app.ExtObject, "12"); err != nil || id != 12 {
			t.Fatalf("12: %d %v", id, err)
		}
		for _, s := range []string{"ext:nope", "ext:", "x", "0", "-3"} {
			if _, err := f.app.ResolveID(ctx, f.actor(), app.ExtObject, s); app.KindOf(err) != app.NotFound {
				t.Fatalf("%q: want NotFound, got %v", s, err)
			}
		}
		// Another instance's ext id is not found here.
		other := testkit.MustCreateInstance(t, db.Store, "BETA", "Beta")
		bAdmin, _ := testkit.MustCreateMember(t, db.Store, other, "bo@example.org", access.PresetAdministration)
		b, err := f.app.ActorFor(ctx, app.Session{Account: bAdmin}, other.Code, app.Client{Addr: "192.0.2.2"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.app.CreateScorecard(ctx, b, app.ScorecardInput{Title: "Beta's", ExtID: "B-only"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.app.ResolveID(ctx, f.actor(), app.ExtScorecard, "ext:B-only"); app.KindOf(err) != app.NotFound {
			t.Fatalf("another instance's: %v", err)
		}
		// Cross-reference: every kind, paged, searchable by ext id and title.
		var all []app.XrefRow
		after := ""
		for {
			page, err := f.app.Xref(ctx, f.actor(), app.XrefQuery{After: after, Limit: 2})
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, page.Rows...)
			if page.Next == "" {
				break
			}
			after = page.Next
		}
		kinds := map[string]int{}
		for _, r := range all {
			kinds[r.Kind]++
		}
		// Limits, Ext, Ext 3, Long (not Beta's); Box; Gauge, Counted.
		if kinds["scorecard"] != 4 || kinds["container"] != 1 || kinds["measure"] != 2 || len(all) != 7 {
			t.Fatalf("xref rows %v: %+v", kinds, all)
		}
		page, err := f.app.Xref(ctx, f.actor(), app.XrefQuery{Text: "wh-1"})
		if err != nil || len(page.Rows) != 3 {
			t.Fatalf("search wh-1: %+v %v", page.Rows, err)
		}
		page, err = f.app.Xref(ctx, f.actor(), app.XrefQuery{Text: "gau"})
		if err != nil || len(page.Rows) != 1 || page.Rows[0].ID != f.measure.ID {
			t.Fatalf("search gau: %+v %v", page.Rows, err)
		}
		ids, err := f.app.XrefIDs(ctx, f.actor())
		if err != nil || ids.Code != "ACME" || len(ids.Frequencies) == 0 || len(ids.Types) == 0 {
			t.Fatalf("xref ids: %+v %v", ids, err)
		}
	})
}

func longText(n int) string {
	b := make([]rune, n)
	for i := range b {
		b[i] = 'x'
	}
	return string(b)
}
