package store_test

import (
	"errors"
	"sync"
	"testing"

	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

func noteType(t *testing.T, q *store.Q, instanceID int64, name string) model.NoteType {
	t.Helper()
	types, err := q.ListNoteTypes(ctx, instanceID, true)
	must(t, err)
	for _, ty := range types {
		if ty.Name == name {
			return ty
		}
	}
	t.Fatalf("no note type %q among %v", name, types)
	return model.NoteType{}
}

func TestNoteTypesSeededAndOrdered(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		c := newContent(t, db)
		types, err := c.q.ListNoteTypes(ctx, c.in.ID, true)
		must(t, err)
		want := []string{"Definition", "Story Behind the Curve", "Partners", "What Works", "Action Plan"}
		if len(types) != len(want) {
			t.Fatalf("got %d types, want %d", len(types), len(want))
		}
		for i, ty := range types {
			if ty.Name != want[i] || !ty.Builtin || !ty.OnMeasures || !ty.OnContainers || ty.OnScorecards {
				t.Errorf("type %d = %+v, want built-in %q on containers and measures", i, ty, want[i])
			}
		}
		custom, err := c.q.CreateNoteType(ctx, model.NoteType{InstanceID: c.in.ID, Name: "Budget", OnMeasures: true})
		must(t, err)
		if _, err := c.q.CreateNoteType(ctx, model.NoteType{InstanceID: c.in.ID, Name: "budget"}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("duplicate name: got %v, want ErrConflict", err)
		}
		ids := []int64{custom.ID}
		for _, ty := range types {
			ids = append(ids, ty.ID)
		}
		must(t, c.q.SetNoteTypeOrder(ctx, c.in.ID, ids))
		types, _ = c.q.ListNoteTypes(ctx, c.in.ID, false)
		if types[0].Name != "Budget" || types[1].Name != "Definition" {
			t.Errorf("order after move: %q, %q", types[0].Name, types[1].Name)
		}
		if err := c.q.DeleteNoteType(ctx, c.in.ID, types[1].ID); !errors.Is(err, store.ErrConflict) {
			t.Errorf("deleting a standard type: got %v, want ErrConflict", err)
		}
	})
}

func TestNoteVersionsRestoreAndConflict(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		c := newContent(t, db)
		acct, _ := testkit.MustCreateMember(t, db.Store, c.in, "writer@example.org", "Administration")
		sbc := noteType(t, c.q, c.in.ID, "Story Behind the Curve")
		tg := model.Target{ObjectID: c.m.ID}
		save := func(base int, body string, restored int) (int, error) {
			var v int
			err := db.Store.InTx(ctx, func(q *store.Q) error {
				var err error
				v, err = q.SaveNote(ctx, c.in.ID, tg, sbc.ID, base, body, acct.ID, restored)
				return err
			})
			return v, err
		}
		for i, body := range []string{"<p>one</p>", "<p>two</p>", "<p>three</p>"} {
			v, err := save(i, body, 0)
			if err != nil || v != i+1 {
				t.Fatalf("save %d: version %d, %v", i, v, err)
			}
		}
		// A save based on an old version is refused and changes nothing.
		if _, err := save(1, "<p>stale</p>", 0); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("stale save: got %v, want ErrConflict", err)
		}
		if _, err := save(0, "<p>stale new</p>", 0); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("stale first save: got %v, want ErrConflict", err)
		}
		n, err := c.q.Note(ctx, c.in.ID, tg, sbc.ID)
		must(t, err)
		if n.Body != "<p>three</p>" || n.Version != 3 || n.UpdatedBy != acct.Name {
			t.Fatalf("note = %+v", n)
		}
		vs, err := c.q.NoteVersions(ctx, c.in.ID, n.ID, 0, 2)
		must(t, err)
		if len(vs) != 2 || vs[0].Version != 3 || vs[1].Version != 2 || vs[0].AuthorName != acct.Name {
			t.Fatalf("first page of history = %+v", vs)
		}
		vs, _ = c.q.NoteVersions(ctx, c.in.ID, n.ID, vs[1].Version, 2)
		if len(vs) != 1 || vs[0].Body != "<p>one</p>" {
			t.Fatalf("second page of history = %+v", vs)
		}
		// Restoring writes a new version; nothing is lost.
		if v, err := save(3, vs[0].Body, 1); err != nil || v != 4 {
			t.Fatalf("restore: %d, %v", v, err)
		}
		v4, err := c.q.NoteVersion(ctx, c.in.ID, n.ID, 4)
		if err != nil || v4.Body != "<p>one</p>" || v4.Restored != 1 {
			t.Fatalf("version 4 = %+v, %v", v4, err)
		}
		all, _ := c.q.NoteVersions(ctx, c.in.ID, n.ID, 0, 100)
		if len(all) != 4 {
			t.Errorf("%d versions kept, want 4", len(all))
		}
		// Another instance sees nothing of it.
		other := testkit.MustCreateInstance(t, db.Store, "OTHER", "Other")
		if _, err := c.q.NoteByID(ctx, other.ID, n.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("NoteByID from another instance: %v", err)
		}
		if _, err := c.q.NoteVersion(ctx, other.ID, n.ID, 1); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("NoteVersion from another instance: %v", err)
		}
	})
}

func TestNoteConcurrentSaves(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		c := newContent(t, db)
		acct, _ := testkit.MustCreateMember(t, db.Store, c.in, "w@example.org", "Administration")
		ty := noteType(t, c.q, c.in.ID, "What Works")
		tg := model.Target{ObjectID: c.r.ID}
		for base := range 2 { // a first save, then an edit of version 1
			var wg sync.WaitGroup
			errs := make([]error, 8)
			for i := range errs {
				wg.Go(func() {
					errs[i] = db.Store.InTx(ctx, func(q *store.Q) error {
						_, err := q.SaveNote(ctx, c.in.ID, tg, ty.ID, base, "<p>by writer</p>", acct.ID, 0)
						return err
					})
				})
			}
			wg.Wait()
			won := 0
			for _, err := range errs {
				switch {
				case err == nil:
					won++
				case !errors.Is(err, store.ErrConflict):
					t.Errorf("base %d: %v", base, err)
				}
			}
			if won != 1 {
				t.Errorf("base %d: %d saves won, want 1", base, won)
			}
		}
		n, _ := c.q.Note(ctx, c.in.ID, tg, ty.ID)
		vs, _ := c.q.NoteVersions(ctx, c.in.ID, n.ID, 0, 100)
		if n.Version != 2 || len(vs) != 2 {
			t.Errorf("version %d with %d kept, want 2 and 2", n.Version, len(vs))
		}
	})
}

func TestNoteTypeRenameAndDeleteWithHistory(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		c := newContent(t, db)
		acct, _ := testkit.MustCreateMember(t, db.Store, c.in, "w@example.org", "Administration")
		ty, err := c.q.CreateNoteType(ctx, model.NoteType{InstanceID: c.in.ID, Name: "Budget", OnMeasures: true})
		must(t, err)
		targets := []model.Target{{ObjectID: c.m.ID}, {ObjectID: c.r.ID}, {ScorecardID: c.s1.ID}}
		for _, tg := range targets {
			must(t, db.Store.InTx(ctx, func(q *store.Q) error {
				_, err := q.SaveNote(ctx, c.in.ID, tg, ty.ID, 0, "<p>money</p>", acct.ID, 0)
				return err
			}))
		}
		ty.Name = "Funding"
		must(t, c.q.UpdateNoteType(ctx, ty))
		for _, tg := range targets {
			notes, err := c.q.Notes(ctx, c.in.ID, tg)
			must(t, err)
			found := false
			for _, n := range notes {
				if n.Type.ID == ty.ID {
					found = n.Type.Name == "Funding" && n.Body == "<p>money</p>"
				}
			}
			if !found {
				t.Errorf("%+v: renamed note not seen: %+v", tg, notes)
			}
		}
		got, _ := c.q.NoteTypeByID(ctx, c.in.ID, ty.ID)
		if got.InUse != 3 {
			t.Errorf("InUse = %d, want 3", got.InUse)
		}
		// Removing one section deletes its history.
		n, _ := c.q.Note(ctx, c.in.ID, targets[0], ty.ID)
		must(t, c.q.RemoveNoteSection(ctx, c.in.ID, targets[0], ty.ID))
		if vs, _ := c.q.NoteVersions(ctx, c.in.ID, n.ID, 0, 10); len(vs) != 0 {
			t.Errorf("%d versions left after removing the section", len(vs))
		}
		if n, _ := c.q.Note(ctx, c.in.ID, targets[0], ty.ID); !n.Removed || n.Body != "" {
			t.Errorf("removed note = %+v", n)
		}
		must(t, c.q.AddNoteSection(ctx, c.in.ID, targets[0], ty.ID))
		if n, _ := c.q.Note(ctx, c.in.ID, targets[0], ty.ID); n.Removed {
			t.Errorf("re-added note still removed")
		}
		// Deleting the type takes its notes and their history.
		must(t, c.q.DeleteNoteType(ctx, c.in.ID, ty.ID))
		var left int
		must(t, db.Store.DB().QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM notes WHERE instance_id = $1 AND type_id = $2)
			+ (SELECT COUNT(*) FROM note_versions WHERE instance_id = $1)`, c.in.ID, ty.ID).Scan(&left))
		if left != 0 {
			t.Errorf("%d notes and versions left after deleting the type", left)
		}
	})
}

func TestComments(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		c := newContent(t, db)
		acct, _ := testkit.MustCreateMember(t, db.Store, c.in, "c@example.org", "Presenter")
		tg := model.Target{ObjectID: c.m.ID}
		var ids []int64
		for _, body := range []string{"first", "second", "third"} {
			cm, err := c.q.AddComment(ctx, model.Comment{InstanceID: c.in.ID, Target: tg, AuthorID: acct.ID, Body: body})
			must(t, err)
			ids = append(ids, cm.ID)
		}
		page, err := c.q.Comments(ctx, c.in.ID, tg, 0, 2)
		must(t, err)
		if len(page) != 2 || page[0].Body != "third" || page[1].Body != "second" || page[0].AuthorName != acct.Name {
			t.Fatalf("first page = %+v", page)
		}
		page, _ = c.q.Comments(ctx, c.in.ID, tg, page[1].ID, 2)
		if len(page) != 1 || page[0].Body != "first" || page[0].EditedAt != nil {
			t.Fatalf("second page = %+v", page)
		}
		must(t, c.q.UpdateComment(ctx, c.in.ID, ids[0], "first, edited"))
		got, err := c.q.CommentByID(ctx, c.in.ID, ids[0])
		if err != nil || got.Body != "first, edited" || got.EditedAt == nil || got.Target != tg {
			t.Fatalf("edited comment = %+v, %v", got, err)
		}
		other := testkit.MustCreateInstance(t, db.Store, "OTHER", "Other")
		if _, err := c.q.CommentByID(ctx, other.ID, ids[0]); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("CommentByID from another instance: %v", err)
		}
		if err := c.q.DeleteComment(ctx, other.ID, ids[0]); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("DeleteComment from another instance: %v", err)
		}
		must(t, c.q.DeleteComment(ctx, c.in.ID, ids[0]))
		if page, _ := c.q.Comments(ctx, c.in.ID, tg, 0, 10); len(page) != 2 {
			t.Errorf("%d comments after delete, want 2", len(page))
		}
		// Deleting the object takes its comments.
		must(t, c.q.DeleteObject(ctx, c.in.ID, c.m.ID, 0))
		var left int
		must(t, db.Store.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM comments WHERE instance_id = $1`, c.in.ID).Scan(&left))
		if left != 0 {
			t.Errorf("%d comments left after deleting the measure", left)
		}
	})
}

// TestNoteKeysRefuseAnotherInstance: the database itself refuses a note
// or comment of one instance on another instance's object.
func TestNoteKeysRefuseAnotherInstance(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		c := newContent(t, db)
		other := testkit.MustCreateInstance(t, db.Store, "OTHER", "Other")
		ty := noteType(t, c.q, other.ID, "Partners")
		err := db.Store.InTx(ctx, func(q *store.Q) error {
			_, err := q.SaveNote(ctx, other.ID, model.Target{ObjectID: c.m.ID}, ty.ID, 0, "<p>x</p>", 0, 0)
			return err
		})
		if err == nil {
			t.Errorf("a note of OTHER on ACME's measure was stored")
		}
		if _, err := c.q.AddComment(ctx, model.Comment{InstanceID: other.ID, Target: model.Target{ObjectID: c.m.ID}, Body: "x"}); err == nil {
			t.Errorf("a comment of OTHER on ACME's measure was stored")
		}
	})
}
