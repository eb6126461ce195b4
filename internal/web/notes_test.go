package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"yardstick/internal/app"
	"yardstick/internal/testkit"
)

// as returns a client signed in as one of the matrix fixture's personas.
func (f *fixture) as(who string) *client {
	c := f.e.client()
	c.setCookie(f.cookies[who])
	return c
}

func (f *fixture) notePath(code, rest string) string {
	return "/i/" + code + "/on/objects/" + strconv.FormatInt(f.measure.ID, 10) + "/notes/" + strconv.FormatInt(f.sbcTypeID, 10) + rest
}

func (f *fixture) measurePath(code string) string {
	return "/i/" + code + "/objects/" + strconv.FormatInt(f.measure.ID, 10)
}

// TestNoteScenarios runs each note and comment route through the real
// stack: who, what, the answer, what the page must and must not say, and
// that a refused write changed nothing.
func TestNoteScenarios(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		f := newFixtureIn(t, newEnv(t, db))
		bold := `<div><strong>Enrolment rose</strong><ul><li>more staff</li></ul><img src=x onerror=alert(1)><a href="javascript:alert(1)">bad</a></div>`
		long := strings.Repeat("word ", 30_000)
		comment := "/i/ACME/comments/" + strconv.FormatInt(f.commentID, 10)
		tests := []struct {
			name, who, method, path string
			form                    url.Values
			status                  int
			contains, absent        []string
		}{
			{name: "admin saves a formatted note", who: "admin", method: "POST", path: f.notePath("ACME", ""),
				form: url.Values{"base": {"1"}, "body": {bold}}, status: http.StatusSeeOther},
			{name: "the page shows it, sanitised", who: "admin", method: "GET", path: f.measurePath("ACME"), status: http.StatusOK,
				contains: []string{"<strong>Enrolment rose</strong>", "<li>more staff</li>", "Story Behind the Curve", `id="history-`},
				absent:   []string{"onerror", "javascript:", `<img src="x"`, "<img src=x"}}, // (the header shows the fixture's logo, an <img> of its own)
			{name: "a stale save is refused with both texts", who: "builder", method: "POST", path: f.notePath("ACME", ""),
				form: url.Values{"base": {"1"}, "body": {"<p>my stale text</p>"}}, status: http.StatusConflict,
				contains: []string{"Enrolment rose", "my stale text", "Saved meanwhile by", `name="base" value="2"`}},
			{name: "a body over the limit keeps what was typed", who: "admin", method: "POST", path: f.notePath("ACME", ""),
				form: url.Values{"base": {"2"}, "body": {long}}, status: http.StatusUnprocessableEntity,
				contains: []string{"too long", `aria-invalid="true"`, "word word word"}},
			{name: "the link picker finds visible objects", who: "admin", method: "GET", path: f.notePath("ACME", "/edit?link_q=Readi"), status: http.StatusOK,
				contains: []string{"Indicator: Readiness", `class="link insert-link hidden"`}},
			{name: "presenter may not edit", who: "presenter", method: "POST", path: f.notePath("ACME", ""),
				form: url.Values{"base": {"2"}, "body": {"<p>x</p>"}}, status: http.StatusForbidden},
			{name: "history lists both versions", who: "presenter", method: "GET", path: f.notePath("ACME", "/history"), status: http.StatusOK,
				contains: []string{`id="version-2"`, `id="version-1"`, "(current)"}},
			{name: "a version shows the diff", who: "admin", method: "GET", path: f.notePath("ACME", "/history/1"), status: http.StatusOK,
				contains: []string{"<del>", "<ins>", "Restore version 1"}},
			{name: "restore writes version 3", who: "admin", method: "POST", path: f.notePath("ACME", "/history/1/restore"),
				form: url.Values{"base": {"2"}}, status: http.StatusSeeOther},
			{name: "the restored text is current", who: "admin", method: "GET", path: f.measurePath("ACME"), status: http.StatusOK,
				contains: []string{"Why the curve bends", "Version 3"}},
			{name: "partner reads notes, read-only, without commentary", who: "partner", method: "GET", path: f.measurePath("BETA"), status: http.StatusOK,
				contains: []string{"Why the curve bends", `id="history-`},
				absent:   []string{"edit-note-", "Commentary", "First look", "remove-note-"}},
			{name: "partner reads history", who: "partner", method: "GET", path: f.notePath("BETA", "/history"), status: http.StatusOK},
			{name: "partner may not edit", who: "partner", method: "POST", path: f.notePath("BETA", ""),
				form: url.Values{"base": {"3"}, "body": {"<p>x</p>"}}, status: http.StatusForbidden},
			{name: "partner may not comment", who: "partner", method: "POST", path: "/i/BETA/on/objects/" + strconv.FormatInt(f.measure.ID, 10) + "/comments",
				form: url.Values{"body": {"hello"}}, status: http.StatusForbidden},
			{name: "another instance's comment id", who: "partner", method: "POST", path: "/i/BETA/comments/" + strconv.FormatInt(f.commentID, 10) + "/delete",
				status: http.StatusNotFound},
			{name: "another instance's note host", who: "other", method: "GET", path: f.notePath("ACME", "/history"), status: http.StatusNotFound},
			{name: "a kind that is not a host", who: "admin", method: "GET", path: strings.Replace(f.notePath("ACME", "/history"), "/on/objects/", "/on/actions/", 1),
				status: http.StatusNotFound},
			{name: "presenter comments with a link", who: "presenter", method: "POST", path: "/i/ACME/on/objects/" + strconv.FormatInt(f.measure.ID, 10) + "/comments",
				form: url.Values{"body": {"See https://example.org/report <b>x</b>"}}, status: http.StatusSeeOther},
			{name: "the comment shows, its link clickable, its HTML as text", who: "presenter", method: "GET", path: f.measurePath("ACME"), status: http.StatusOK,
				contains: []string{`<a href="https://example.org/report" rel="noopener noreferrer nofollow">`, "&lt;b&gt;x&lt;/b&gt;", "First look"}},
			{name: "an empty comment is refused on the field", who: "presenter", method: "POST", path: "/i/ACME/on/objects/" + strconv.FormatInt(f.measure.ID, 10) + "/comments",
				form: url.Values{"body": {"   "}}, status: http.StatusUnprocessableEntity, contains: []string{"Write a comment", `id="f-body"`}},
			{name: "a comment over 4,000 characters keeps its text", who: "presenter", method: "POST", path: "/i/ACME/on/objects/" + strconv.FormatInt(f.measure.ID, 10) + "/comments",
				form: url.Values{"body": {strings.Repeat("é", 4001)}}, status: http.StatusUnprocessableEntity, contains: []string{"at most 4,000", strings.Repeat("é", 4001)}},
			{name: "a comment with a NUL byte", who: "presenter", method: "POST", path: "/i/ACME/on/objects/" + strconv.FormatInt(f.measure.ID, 10) + "/comments",
				form: url.Values{"body": {"a\x00b"}}, status: http.StatusUnprocessableEntity},
			{name: "someone else's comment cannot be edited", who: "builder", method: "POST", path: comment, form: url.Values{"body": {"mine now"}}, status: http.StatusForbidden},
			{name: "the author edits", who: "admin", method: "POST", path: comment, form: url.Values{"body": {"First look, edited"}}, status: http.StatusSeeOther},
			{name: "the presenter cannot delete the admin's comment", who: "presenter", method: "POST", path: comment + "/delete", status: http.StatusForbidden},
			{name: "the admin deletes it", who: "admin", method: "POST", path: comment + "/delete", status: http.StatusSeeOther},
			{name: "removal asks first and says what goes", who: "admin", method: "GET", path: f.notePath("ACME", "/remove"), status: http.StatusOK,
				contains: []string{"3 saved versions", "cannot be undone"}},
			{name: "the builder removes the section", who: "builder", method: "POST", path: f.notePath("ACME", "/remove"), status: http.StatusSeeOther},
			{name: "its history is gone", who: "admin", method: "GET", path: f.notePath("ACME", "/history"), status: http.StatusNotFound},
		}
		for _, tt := range tests {
			c := f.as(tt.who)
			before := noteFingerprint(t, f.e)
			var r resp
			if tt.method == "GET" {
				r = c.get(tt.path)
			} else {
				r = c.do(tt.method, tt.path, tt.form)
			}
			if r.Status != tt.status {
				t.Errorf("%s: %s %s as %s: status %d, want %d", tt.name, tt.method, tt.path, tt.who, r.Status, tt.status)
			}
			for _, s := range tt.contains {
				if !strings.Contains(r.Body, s) {
					t.Errorf("%s: page lacks %q", tt.name, s)
				}
			}
			for _, s := range tt.absent {
				if strings.Contains(r.Body, s) {
					t.Errorf("%s: page holds %q", tt.name, s)
				}
			}
			if tt.method == "POST" && tt.status >= 400 {
				if after := noteFingerprint(t, f.e); after != before {
					t.Errorf("%s: refused, yet the database changed:\n%s\n%s", tt.name, before, after)
				}
			}
		}
	})
}

// TestNoteTypesPageScenarios: Administration → Notes works without
// JavaScript (Up and Down are forms) and deleting a type in use asks
// first, naming how many notes go.
func TestNoteTypesPageScenarios(t *testing.T) {
	f := newFixture(t)
	admin := f.as("admin")
	r := admin.get("/i/ACME/admin/notes")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "Move Budget up") || !strings.Contains(r.Body, "Story Behind the Curve") {
		t.Fatalf("notes page: %d", r.Status)
	}
	id := strconv.FormatInt(f.noteTypeID, 10)
	if r := admin.post("/i/ACME/admin/notes/"+id+"/move", "dir", "up"); r.Status != http.StatusSeeOther {
		t.Fatalf("move: %d", r.Status)
	}
	r = admin.get("/i/ACME/admin/notes")
	if strings.Index(r.Body, "Move Budget up") > strings.Index(r.Body, "Move Action Plan up") {
		t.Errorf("Budget did not move above Action Plan")
	}
	if r := admin.post("/i/ACME/admin/notes/"+id, "name", "Funding", "on_measures", "1"); r.Status != http.StatusSeeOther {
		t.Fatalf("rename: %d %s", r.Status, r.Body)
	}
	if r := admin.post("/i/ACME/on/objects/"+strconv.FormatInt(f.measure.ID, 10)+"/notes/"+id, "base", "0", "body", "money"); r.Status != http.StatusSeeOther {
		t.Fatalf("save a Funding note: %d", r.Status)
	}
	if r := admin.get(f.measurePath("ACME")); !strings.Contains(r.Body, ">Funding</h3>") {
		t.Errorf("the renamed type is not on the measure page")
	}
	if r := admin.get("/i/ACME/admin/notes/" + id + "/delete"); !strings.Contains(r.Body, "1 note of this type") {
		t.Errorf("the delete confirmation does not name the note: %s", r.Body)
	}
	if r := admin.post("/i/ACME/admin/notes/" + id + "/delete"); r.Status != http.StatusConflict {
		t.Errorf("unconfirmed delete of a type in use: %d, want 409", r.Status)
	}
	if r := admin.post("/i/ACME/admin/notes/"+id+"/delete", "confirm", "1"); r.Status != http.StatusSeeOther {
		t.Errorf("confirmed delete: %d", r.Status)
	}
	if r := admin.post("/i/ACME/admin/notes/order", "order", "1"); r.Status != http.StatusConflict || !strings.Contains(r.Body, "changed since the page was loaded") {
		t.Errorf("a stale order: %d", r.Status)
	}
	if r := admin.post("/i/ACME/admin/notes", "name", "", "char_limit", "x"); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, `id="f-name"`) || !strings.Contains(r.Body, `id="f-char_limit"`) {
		t.Errorf("a bad add: %d", r.Status)
	}
}

// noteFingerprint summarizes the note and comment tables, in SQL both
// databases read.
func noteFingerprint(t *testing.T, e *env) string {
	t.Helper()
	var out []string
	for _, q := range []string{
		`SELECT CAST(COUNT(*) AS TEXT) || ':' || CAST(COALESCE(SUM(version), 0) AS TEXT) || ':' || COALESCE(MAX(body), '') FROM notes`,
		`SELECT CAST(COUNT(*) AS TEXT) FROM note_versions`,
		`SELECT CAST(COUNT(*) AS TEXT) || ':' || COALESCE(MAX(body), '') || ':' || CAST(COUNT(edited_at) AS TEXT) FROM comments`,
		`SELECT CAST(COUNT(*) AS TEXT) || ':' || COALESCE(MAX(name), '') FROM note_types`,
	} {
		var v string
		if err := e.store.DB().QueryRow(q).Scan(&v); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		out = append(out, v)
	}
	return strings.Join(out, " ")
}

// TestCommentPages: comments come 50 at a time, newest first, and
// "Older comments" pages on by keyset.
func TestCommentPages(t *testing.T) {
	f := newFixture(t)
	acct, err := f.e.store.Q().AccountByEmail(ctx, "admin@example.org")
	if err != nil {
		t.Fatal(err)
	}
	admin, err := f.e.app.ActorFor(ctx, app.Session{Account: acct}, "ACME", app.Client{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 60 {
		if _, err := f.e.app.AddComment(ctx, admin, app.OnObject, f.measure.ID, "Numbered comment "+strconv.Itoa(i+1)+"."); err != nil {
			t.Fatal(err)
		}
	}
	c := f.as("presenter")
	r := c.get(f.measurePath("ACME"))
	if !strings.Contains(r.Body, "Numbered comment 60.") || !strings.Contains(r.Body, "Numbered comment 11.") || strings.Contains(r.Body, "Numbered comment 10.") {
		t.Fatalf("the first page does not hold comments 60 to 11")
	}
	i := strings.Index(r.Body, "?comments_before=")
	if i < 0 {
		t.Fatal("no link to older comments")
	}
	next := r.Body[i : i+strings.IndexByte(r.Body[i:], '"')]
	r = c.get(f.measurePath("ACME") + strings.ReplaceAll(next, "&amp;", "&"))
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "Numbered comment 10.") || !strings.Contains(r.Body, "First look") || strings.Contains(r.Body, "Numbered comment 11.") {
		t.Errorf("the second page (%s): %d", next, r.Status)
	}
}
