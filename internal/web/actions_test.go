package web_test

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"yardstick/internal/app"
	"yardstick/internal/testkit"
)

// The Action Manager's downloads hold exactly the actions the viewer may
// see, with the filters applied, and neutralise formula-looking text; an
// action a member cannot see is neither listed nor downloadable.
func TestActionExports(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		f := newFixtureIn(t, newEnv(t, db))
		acct, err := f.e.store.Q().AccountByEmail(ctx, "admin@example.org")
		if err != nil {
			t.Fatal(err)
		}
		admin, err := f.e.app.ActorFor(ctx, app.Session{Account: acct}, "ACME", app.Client{})
		if err != nil {
			t.Fatal(err)
		}
		// Unlinked, so only scorecards.all (and its assigner) sees it.
		if _, err := f.e.app.CreateAction(ctx, admin, app.ActionInput{Title: "=HYPERLINK(\"http://x\")", Status: "Behind Schedule"}, "", 0); err != nil {
			t.Fatal(err)
		}
		a := f.e.client()
		a.setCookie(f.cookies["admin"])
		r := a.get("/i/ACME/actions.xlsx")
		if r.Status != http.StatusOK || !strings.Contains(r.Header.Get("Content-Disposition"), "yardstick-actions-ACME.xlsx") {
			t.Fatalf("xlsx: %d %q", r.Status, r.Header.Get("Content-Disposition"))
		}
		x, err := excelize.OpenReader(strings.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := x.GetRows("Actions")
		if len(rows) != 3 || rows[0][0] != "Action" {
			t.Fatalf("xlsx rows: %q", rows)
		}
		var titles []string
		for _, row := range rows[1:] {
			titles = append(titles, row[0])
		}
		if !strings.Contains(strings.Join(titles, "|"), "Reading circles") {
			t.Errorf("xlsx titles %q", titles)
		}
		for i := 2; i <= 3; i++ {
			if formula, _ := x.GetCellFormula("Actions", "A"+string(rune('0'+i))); formula != "" {
				t.Errorf("row %d holds a formula %q", i, formula)
			}
		}

		// The CSV, filtered by status, as the admin: one row, neutralised.
		r = a.get("/i/ACME/actions.csv?status=Behind+Schedule")
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, "\ufeff"))).ReadAll()
		if err != nil || r.Status != http.StatusOK {
			t.Fatalf("csv: %d %v %q", r.Status, err, r.Body)
		}
		if len(recs) != 2 || strings.HasPrefix(recs[1][0], "=") || !strings.Contains(recs[1][0], "HYPERLINK") {
			t.Errorf("csv filtered by status: %q", recs)
		}

		// A Presenter assigned the scorecard sees the measure's action only.
		p := f.e.client()
		p.setCookie(f.cookies["presenter"])
		recs, _ = csv.NewReader(strings.NewReader(strings.TrimPrefix(p.get("/i/ACME/actions.csv").Body, "\ufeff"))).ReadAll()
		if len(recs) != 2 || recs[1][0] != "Reading circles" {
			t.Errorf("the presenter's csv: %q", recs)
		}
		if body := p.get("/i/ACME/actions").Body; strings.Contains(body, "HYPERLINK") {
			t.Error("the presenter's Action Manager lists an action it cannot see")
		}
	})
}

// Add Existing Action through the pages: the scorecard's Actions section
// offers it, its page finds the action by title, Link puts it on the
// scorecard's page, the action's page lists the link with Unlink, and a
// refused filter on the Action Manager is a 422 naming the field.
func TestActionLinkPages(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		f := newFixtureIn(t, newEnv(t, db))
		a := f.e.client()
		a.setCookie(f.cookies["admin"])
		sc := "/i/ACME/scorecards/" + strconv.FormatInt(f.sc.ID, 10)
		if r := a.get(sc); !strings.Contains(r.Body, `id="add-existing-action"`) {
			t.Fatalf("the scorecard's Actions section has no Add existing action (%d)", r.Status)
		}
		page := "/i/ACME/actions/link?on=scorecards&id=" + strconv.FormatInt(f.sc.ID, 10)
		r := a.get(page + "&q=READING")
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "Reading circles") {
			t.Fatalf("link page: %d %s", r.Status, excerpt(r.Body))
		}
		if r := a.get(page + "&q=nothing-like-it"); !strings.Contains(r.Body, `id="no-actions"`) {
			t.Errorf("a search that finds nothing: %s", excerpt(r.Body))
		}
		act := "/i/ACME/actions/" + strconv.FormatInt(f.actionID, 10)
		r = a.post(act+"/link", "on", "scorecards", "id", strconv.FormatInt(f.sc.ID, 10))
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, sc+"?done=action-linked") {
			t.Fatalf("link: %d → %q", r.Status, r.Location)
		}
		if r := a.get(r.Location); !strings.Contains(r.Body, "Action linked.") || !strings.Contains(r.Body, "Reading circles") {
			t.Errorf("the scorecard after linking: %s", excerpt(r.Body))
		}
		if r := a.get(page); strings.Contains(r.Body, "Reading circles") {
			t.Error("the link page still offers the linked action")
		}
		r = a.get(act)
		if !strings.Contains(r.Body, `id="action-link-list"`) || strings.Count(r.Body, `aria-label="Unlink from `) != 2 {
			t.Errorf("the action's links: %s", excerpt(r.Body))
		}
		r = a.post(act+"/unlink", "on", "scorecards", "id", strconv.FormatInt(f.sc.ID, 10))
		if r.Status != http.StatusSeeOther || !strings.Contains(r.Location, "done=unlinked") {
			t.Fatalf("unlink: %d → %q", r.Status, r.Location)
		}
		if r := a.get(act); strings.Count(r.Body, `aria-label="Unlink from `) != 1 {
			t.Errorf("after unlinking: %s", excerpt(r.Body))
		}
		r = a.get("/i/ACME/actions?from=2026-05-01&to=2026-04-01&assignee=nobody%40example.org")
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="f-to"`) || !strings.Contains(r.Body, `id="f-assignee"`) {
			t.Errorf("refused filters: %d %s", r.Status, excerpt(r.Body))
		}
	})
}

// A to-do's edit form: filled with the to-do, a refused save keeps what
// was typed with the message on its field, a good one goes back to the
// action; Delete removes it.
func TestTodoEditPages(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		f := newFixtureIn(t, newEnv(t, db))
		a := f.e.client()
		a.setCookie(f.cookies["admin"])
		act := "/i/ACME/actions/" + strconv.FormatInt(f.actionID, 10)
		edit := act + "/todos/" + strconv.FormatInt(f.todoID, 10) + "/edit"
		if r := a.get(act); !strings.Contains(r.Body, `aria-label="Edit to-do: Print flyers"`) {
			t.Fatalf("the action's to-do has no Edit: %s", excerpt(r.Body))
		}
		if r := a.get(edit); r.Status != http.StatusOK || !strings.Contains(r.Body, `value="Print flyers"`) || !strings.Contains(r.Body, `value="2026-02-01"`) {
			t.Fatalf("edit form: %d %s", r.Status, excerpt(r.Body))
		}
		r := a.post(edit, "todo", "Print <b>posters</b>", "todo_assignee", "", "due_date", "someday")
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="f-due_date"`) || !strings.Contains(r.Body, `value="Print &lt;b&gt;posters&lt;/b&gt;"`) {
			t.Fatalf("refused edit: %d %s", r.Status, excerpt(r.Body))
		}
		r = a.post(edit, "todo", "Print posters", "todo_assignee", "", "due_date", "2026-02-15")
		if r.Status != http.StatusSeeOther || !strings.Contains(r.Location, "done=todo-saved") {
			t.Fatalf("edit: %d → %q", r.Status, r.Location)
		}
		if r := a.get(act); !strings.Contains(r.Body, "Print posters") || !strings.Contains(r.Body, "due 2026-02-15") {
			t.Errorf("after edit: %s", excerpt(r.Body))
		}
		r = a.post(act + "/todos/" + strconv.FormatInt(f.todoID, 10) + "/delete")
		if r.Status != http.StatusSeeOther || !strings.Contains(r.Location, "done=todo-deleted") {
			t.Fatalf("delete: %d → %q", r.Status, r.Location)
		}
		if r := a.get(r.Location); strings.Contains(r.Body, "Print posters") || !strings.Contains(r.Body, "To-do deleted.") {
			t.Errorf("after delete: %s", excerpt(r.Body))
		}
	})
}

// Action Custom Fields through the pages: added on the admin page, shown
// on the action form (a drop-down with its choices) and page; a refused
// value comes back on its field with what was typed.
func TestActionFieldPages(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		f := newFixtureIn(t, newEnv(t, db))
		a := f.e.client()
		a.setCookie(f.cookies["admin"])
		r := a.post("/i/ACME/admin/action-fields", "name", "Cost", "kind", "number", "required", "1")
		if r.Status != http.StatusSeeOther {
			t.Fatalf("add field: %d %s", r.Status, excerpt(r.Body))
		}
		r = a.post("/i/ACME/admin/action-fields", "name", "", "kind", "select", "options", "")
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="f-name"`) || !strings.Contains(r.Body, `id="f-options"`) {
			t.Errorf("a refused field: %d %s", r.Status, excerpt(r.Body))
		}
		page := a.get("/i/ACME/admin/action-fields")
		if !strings.Contains(page.Body, "Funding source") || !strings.Contains(page.Body, "Cost") {
			t.Fatalf("fields page: %s", excerpt(page.Body))
		}
		act := "/i/ACME/actions/" + strconv.FormatInt(f.actionID, 10)
		form := a.get(act + "/edit")
		fundingKey := "field-" + strconv.FormatInt(f.fieldID, 10)
		if !strings.Contains(form.Body, `name="`+fundingKey+`"`) || !strings.Contains(form.Body, `<option value="Grant" selected`) ||
			!strings.Contains(form.Body, "Cost (required)") {
			t.Fatalf("action form: %s", excerpt(form.Body))
		}
		costKey := ""
		for _, part := range strings.Split(form.Body, `name="field-`)[1:] {
			id, _, _ := strings.Cut(part, `"`)
			if "field-"+id != fundingKey {
				costKey = "field-" + id
			}
		}
		version := strings.Split(strings.Split(form.Body, `name="version" value="`)[1], `"`)[0]
		r = a.post(act, "title", "Reading circles", "status", "On Track", "percent", "20", "version", version,
			fundingKey, "Grant", costKey, "a lot")
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="f-`+costKey+`"`) || !strings.Contains(r.Body, `value="a lot"`) {
			t.Fatalf("a refused value: %d %s", r.Status, excerpt(r.Body))
		}
		r = a.post(act, "title", "Reading circles", "status", "On Track", "percent", "20", "version", version,
			fundingKey, "City budget", costKey, "300")
		if r.Status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", r.Status, excerpt(r.Body))
		}
		if r := a.get(act); !strings.Contains(r.Body, "<dt>Funding source</dt><dd>City budget</dd>") || !strings.Contains(r.Body, "<dt>Cost</dt><dd>300</dd>") {
			t.Errorf("the action's page: %s", excerpt(r.Body))
		}
	})
}
