package app_test

import (
	"strings"
	"testing"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
)

// notesWorld: ALPHA owns scorecard S → result R → measure M and shares S
// with BETA (read-only); OMEGA is unconnected.
type notesWorld struct {
	w        *pw
	A, B, O  *site
	S        model.Scorecard
	R, M     model.Object
	sbc, act int64 // ALPHA's Story Behind the Curve and Action Plan types
}

func newNotesWorld(t *testing.T, db *testkit.DB) *notesWorld {
	w := newPW(t, db)
	n := &notesWorld{w: w, A: w.site("ALPHA", "Alpha Org"), B: w.site("BETA", "Beta Org"), O: w.site("OMEGA", "Omega Org")}
	admin := n.A.member("admin", access.PresetAdministration)
	n.A.member("presenter", access.PresetPresenter)
	n.A.member("builder", access.PresetScorecardBuilder)
	n.B.member("admin", access.PresetAdministration)
	n.O.member("admin", access.PresetAdministration)
	n.S = n.A.scorecard(admin, "Grantee Scorecard")
	n.R = n.A.container(admin, "Result R", app.Placement{ScorecardID: n.S.ID})
	n.M = n.A.measure(admin, "Measure M", app.Placement{ParentID: n.R.ID})
	if err := n.A.assign(admin, "presenter", n.S.ID); err != nil {
		t.Fatal(err)
	}
	w.connect(n.A, n.B)
	w.share(n.A, n.B, app.ShareChoice{ScorecardID: n.S.ID})
	types, err := w.app.NoteTypes(w.ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	for _, ty := range types {
		switch ty.Name {
		case "Story Behind the Curve":
			n.sbc = ty.ID
		case "Action Plan":
			n.act = ty.ID
		}
	}
	return n
}

func (n *notesWorld) activity(t *testing.T, kind string) int {
	t.Helper()
	var c int
	if err := n.w.db.Store.DB().QueryRow(`SELECT COUNT(*) FROM activity_log WHERE instance_id = $1 AND object_type = $2`, n.A.in.ID, kind).Scan(&c); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestNotesSaveHistoryRestore(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		n := newNotesWorld(t, db)
		ctx, a := n.w.ctx, n.w.app
		admin := n.A.as("admin")
		page, err := a.MeasurePage(ctx, admin, n.M.ID, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Notes.Sections) != 5 || page.Notes.Sections[1].Type.Name != "Story Behind the Curve" {
			t.Fatalf("measure sections = %+v", page.Notes.Sections)
		}
		f, err := a.SaveNote(ctx, admin, app.OnObject, n.M.ID, n.sbc, 0, `<div><strong>Rising</strong><ul><li>one</li></ul><script>x</script></div>`)
		if err != nil || f.Note.Version != 1 || strings.Contains(f.Note.Body, "script") || !strings.Contains(f.Note.Body, "<strong>Rising</strong>") {
			t.Fatalf("first save: %+v, %v", f.Note, err)
		}
		f, err = a.SaveNote(ctx, admin, app.OnObject, n.M.ID, n.sbc, 1, `<div>Second</div>`)
		wantOK(t, "second save", err)
		// A save based on version 1 now conflicts and shows their text.
		f, err = a.SaveNote(ctx, n.A.as("builder"), app.OnObject, n.M.ID, n.sbc, 1, `<div>Mine</div>`)
		wantKind(t, "stale save", err, app.Conflict)
		if f.Theirs == nil || f.Theirs.Body != "<div>Second</div>" || f.Body != "<div>Mine</div>" || f.Base != 2 {
			t.Fatalf("conflict form = %+v", f)
		}
		h, err := a.NoteHistory(ctx, admin, app.OnObject, n.M.ID, n.sbc, 0)
		if err != nil || len(h.Versions) != 2 || h.Versions[0].Version != 2 {
			t.Fatalf("history = %+v, %v", h, err)
		}
		v, err := a.NoteVersion(ctx, admin, app.OnObject, n.M.ID, n.sbc, 1)
		if err != nil || len(v.Diff) == 0 {
			t.Fatalf("version 1 = %+v, %v", v, err)
		}
		f, err = a.RestoreNote(ctx, admin, app.OnObject, n.M.ID, n.sbc, 1, 2)
		if err != nil || f.Note.Version != 3 || !strings.Contains(f.Note.Body, "Rising") {
			t.Fatalf("restore: %+v, %v", f.Note, err)
		}
		_, err = a.RestoreNote(ctx, admin, app.OnObject, n.M.ID, n.sbc, 1, 2)
		wantKind(t, "stale restore", err, app.Conflict)
		if got := n.activity(t, "note"); got != 3 {
			t.Errorf("%d note entries in the log, want 3 (create, update, restore)", got)
		}
		// Removing the section takes its history.
		wantOK(t, "remove", a.RemoveNoteSection(ctx, admin, app.OnObject, n.M.ID, n.sbc))
		page, _ = a.MeasurePage(ctx, admin, n.M.ID, 0, 0)
		if len(page.Notes.Sections) != 4 || len(page.Notes.Addable) != 1 {
			t.Errorf("after removal: %d sections, %d addable", len(page.Notes.Sections), len(page.Notes.Addable))
		}
		_, err = a.NoteHistory(ctx, admin, app.OnObject, n.M.ID, n.sbc, 0)
		wantKind(t, "history of a removed section", err, app.NotFound)
		wantOK(t, "add back", a.AddNoteSection(ctx, admin, app.OnObject, n.M.ID, n.sbc))
		h, _ = a.NoteHistory(ctx, admin, app.OnObject, n.M.ID, n.sbc, 0)
		if len(h.Versions) != 0 {
			t.Errorf("history after removal and re-adding: %d versions", len(h.Versions))
		}
	})
}

func TestNotesRefusals(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		n := newNotesWorld(t, db)
		ctx, a := n.w.ctx, n.w.app
		admin := n.A.as("admin")
		_, err := a.SaveNote(ctx, admin, app.OnObject, n.M.ID, n.sbc, 0, "<p>owner text</p>")
		wantOK(t, "owner save", err)
		tests := []struct {
			name  string
			actor *app.Actor
			do    func(actor *app.Actor) error
			want  app.Kind
		}{
			{"presenter edits a note", n.A.as("presenter"), func(x *app.Actor) error {
				_, err := a.SaveNote(ctx, x, app.OnObject, n.M.ID, n.sbc, 1, "<p>x</p>")
				return err
			}, app.Forbidden},
			{"presenter adds a section", n.A.as("presenter"), func(x *app.Actor) error { return a.AddNoteSection(ctx, x, app.OnScorecard, n.S.ID, n.sbc) }, app.Forbidden},
			{"partner edits a shared note", n.B.as("admin"), func(x *app.Actor) error {
				_, err := a.SaveNote(ctx, x, app.OnObject, n.M.ID, n.sbc, 1, "<p>x</p>")
				return err
			}, app.Forbidden},
			{"partner comments", n.B.as("admin"), func(x *app.Actor) error {
				_, err := a.AddComment(ctx, x, app.OnObject, n.M.ID, "hello")
				return err
			}, app.Forbidden},
			{"partner removes a section", n.B.as("admin"), func(x *app.Actor) error { return a.RemoveNoteSection(ctx, x, app.OnObject, n.M.ID, n.sbc) }, app.Forbidden},
			{"other instance edits", n.O.as("admin"), func(x *app.Actor) error {
				_, err := a.SaveNote(ctx, x, app.OnObject, n.M.ID, n.sbc, 1, "<p>x</p>")
				return err
			}, app.NotFound},
			{"other instance reads history", n.O.as("admin"), func(x *app.Actor) error {
				_, err := a.NoteHistory(ctx, x, app.OnObject, n.M.ID, n.sbc, 0)
				return err
			}, app.NotFound},
			{"other instance comments", n.O.as("admin"), func(x *app.Actor) error {
				_, err := a.AddComment(ctx, x, app.OnScorecard, n.S.ID, "hello")
				return err
			}, app.NotFound},
			{"an unknown kind", admin, func(x *app.Actor) error {
				_, err := a.NoteHistory(ctx, x, "actions", n.M.ID, n.sbc, 0)
				return err
			}, app.NotFound},
			{"presenter edits note types", n.A.as("presenter"), func(x *app.Actor) error {
				_, err := a.CreateNoteType(ctx, x, app.NoteTypeInput{Name: "X"})
				return err
			}, app.Forbidden},
		}
		for _, tt := range tests {
			before := n.activity(t, "note")
			wantKind(t, tt.name, tt.do(tt.actor), tt.want)
			if after := n.activity(t, "note"); after != before {
				t.Errorf("%s: refused, yet the log gained a note entry", tt.name)
			}
		}
		f, err := a.EditNote(ctx, admin, app.OnObject, n.M.ID, n.sbc)
		if err != nil || f.Note.Body != "<p>owner text</p>" || f.Note.Version != 1 {
			t.Errorf("refused writes changed the note: %+v, %v", f.Note, err)
		}
		// The partner reads the notes, read-only, and no commentary.
		page, err := a.MeasurePage(ctx, n.B.as("admin"), n.M.ID, 0, 0)
		if err != nil || page.Notes.Sections[1].Body != "<p>owner text</p>" || page.Notes.Can.EditNotes || page.Notes.ShowComments {
			t.Errorf("partner's measure page: notes %+v, %v", page.Notes, err)
		}
		if _, err := a.NoteHistory(ctx, n.B.as("admin"), app.OnObject, n.M.ID, n.sbc, 0); err != nil {
			t.Errorf("partner history: %v", err)
		}
	})
}

func TestNoteHostileBodies(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		n := newNotesWorld(t, db)
		ctx, a := n.w.ctx, n.w.app
		admin := n.A.as("admin")
		limited, err := a.CreateNoteType(ctx, admin, app.NoteTypeInput{Name: "Short", CharLimit: "10", OnMeasures: true})
		if err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name, body string
			typeID     int64
			field      string // the refused field, or "" when it saves
			stored     string
		}{
			{"over the type's limit", "<p>eleven char</p>", limited.ID, "body", ""},
			{"at the limit in multi-byte characters", "<p>ééééééééé😀</p>", limited.ID, "", "<p>ééééééééé😀</p>"},
			{"1 MB body", "<p>" + strings.Repeat("word ", 200_000) + "</p>", n.sbc, "body", ""},
			{"100,000 nested tags over the limit", strings.Repeat("<b>", 100_000) + "x", n.sbc, "body", ""},
			{"empty", "", n.act, "", ""},
			{"NUL bytes", "a\x00b", n.act, "", "<p>ab</p>"},
			{"only script", "<script>alert(1)</script>", n.act, "", ""},
		}
		for _, tt := range tests {
			cur, _ := a.EditNote(ctx, admin, app.OnObject, n.M.ID, tt.typeID)
			f, err := a.SaveNote(ctx, admin, app.OnObject, n.M.ID, tt.typeID, cur.Base, tt.body)
			if tt.field != "" {
				wantField(t, tt.name, err, tt.field)
				if f.Body != tt.body {
					t.Errorf("%s: the form lost the typed text", tt.name)
				}
				continue
			}
			if err != nil || f.Note.Body != tt.stored {
				t.Errorf("%s: stored %q, %v; want %q", tt.name, f.Note.Body, err, tt.stored)
			}
		}
	})
}

func TestComments(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		n := newNotesWorld(t, db)
		ctx, a := n.w.ctx, n.w.app
		admin, presenter := n.A.as("admin"), n.A.as("presenter")
		c, err := a.AddComment(ctx, presenter, app.OnObject, n.M.ID, "See https://example.org")
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct{ name, body string }{{"empty", "  "}, {"too long", strings.Repeat("é", app.MaxComment+1)}} {
			_, err := a.AddComment(ctx, presenter, app.OnObject, n.M.ID, tt.body)
			wantField(t, tt.name, err, "body")
		}
		if _, err := a.AddComment(ctx, presenter, app.OnObject, n.M.ID, strings.Repeat("é", app.MaxComment)); err != nil {
			t.Errorf("4,000 multi-byte characters: %v", err)
		}
		page, _ := a.MeasurePage(ctx, presenter, n.M.ID, 0, 0)
		if len(page.Notes.Comments) != 2 || page.Notes.Comments[1].ID != c.ID || !page.Notes.Comments[1].CanEdit {
			t.Fatalf("comments = %+v", page.Notes.Comments)
		}
		_, err = a.EditComment(ctx, n.A.as("builder"), c.ID, "not mine")
		wantKind(t, "someone else edits", err, app.Forbidden)
		_, _, err = a.DeleteComment(ctx, n.A.as("builder"), c.ID)
		wantKind(t, "someone else deletes", err, app.Forbidden)
		_, err = a.EditComment(ctx, n.O.as("admin"), c.ID, "x")
		wantKind(t, "another instance edits", err, app.NotFound)
		_, err = a.EditComment(ctx, presenter, c.ID, "edited")
		wantOK(t, "author edits within 15 minutes", err)
		db.Clock.Advance(16 * time.Minute)
		_, err = a.EditComment(ctx, presenter, c.ID, "late")
		wantKind(t, "author edits after 15 minutes", err, app.Forbidden)
		_, _, err = a.DeleteComment(ctx, presenter, c.ID)
		wantKind(t, "author deletes after 15 minutes", err, app.Forbidden)
		_, _, err = a.DeleteComment(ctx, admin, c.ID)
		wantOK(t, "admin deletes", err)
		if got := n.activity(t, "comment"); got != 4 {
			t.Errorf("%d comment entries, want 4 (two added, edited, deleted)", got)
		}
	})
}

func TestNoteTypesAdmin(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		n := newNotesWorld(t, db)
		ctx, a := n.w.ctx, n.w.app
		admin := n.A.as("admin")
		budget, err := a.CreateNoteType(ctx, admin, app.NoteTypeInput{Name: "Budget", HelpText: "Money", OnScorecards: true})
		if err != nil {
			t.Fatal(err)
		}
		_, err = a.CreateNoteType(ctx, admin, app.NoteTypeInput{Name: "budget"})
		wantField(t, "duplicate name", err, "name")
		_, err = a.CreateNoteType(ctx, admin, app.NoteTypeInput{Name: "X", CharLimit: "ten"})
		wantField(t, "bad limit", err, "char_limit")
		wantOK(t, "move up", a.MoveNoteType(ctx, admin, budget.ID, true))
		types, _ := a.NoteTypes(ctx, admin)
		if types[4].Name != "Budget" {
			t.Errorf("after moving up, fifth is %q", types[4].Name)
		}
		sc, _ := a.ScorecardPage(ctx, admin, n.S.ID)
		if len(sc.Notes.Sections) != 1 || sc.Notes.Sections[0].Type.Name != "Budget" {
			t.Fatalf("scorecard sections = %+v", sc.Notes.Sections)
		}
		_, err = a.SaveNote(ctx, admin, app.OnScorecard, n.S.ID, budget.ID, 0, "<p>$</p>")
		wantOK(t, "scorecard note", err)
		wantOK(t, "rename", a.UpdateNoteType(ctx, admin, budget.ID, app.NoteTypeInput{Name: "Funding", OnScorecards: true}))
		sc, _ = a.ScorecardPage(ctx, n.B.as("admin"), n.S.ID)
		if len(sc.Notes.Sections) != 1 || sc.Notes.Sections[0].Type.Name != "Funding" {
			t.Errorf("partner sees %+v", sc.Notes.Sections)
		}
		// Drag and drop posts the whole order; a stale list changes nothing.
		types, _ = a.NoteTypes(ctx, admin)
		var ids []int64
		for i := len(types) - 1; i >= 0; i-- {
			ids = append(ids, types[i].ID)
		}
		wantKind(t, "a list missing a type", a.OrderNoteTypes(ctx, admin, ids[1:]), app.Conflict)
		wantKind(t, "a list naming a type twice", a.OrderNoteTypes(ctx, admin, append(ids[1:], ids[1])), app.Conflict)
		wantKind(t, "another instance's order", a.OrderNoteTypes(ctx, n.O.as("admin"), ids), app.Conflict)
		wantKind(t, "a presenter's order", a.OrderNoteTypes(ctx, n.A.as("presenter"), ids), app.Forbidden)
		if again, _ := a.NoteTypes(ctx, admin); again[0].ID != types[0].ID {
			t.Errorf("a refused order moved the types")
		}
		wantOK(t, "reverse the order", a.OrderNoteTypes(ctx, admin, ids))
		if again, _ := a.NoteTypes(ctx, admin); again[0].ID != ids[0] || again[len(again)-1].ID != ids[len(ids)-1] {
			t.Errorf("after reversing, the order is %v", again)
		}
		wantKind(t, "delete a used type unconfirmed", a.DeleteNoteType(ctx, admin, budget.ID, false), app.Conflict)
		wantKind(t, "delete a standard type", a.DeleteNoteType(ctx, admin, n.sbc, true), app.Conflict)
		wantOK(t, "delete confirmed", a.DeleteNoteType(ctx, admin, budget.ID, true))
		if got := n.activity(t, "note type") + n.activity(t, "note types"); got != 5 {
			t.Errorf("%d note type entries, want 5", got)
		}
	})
}
