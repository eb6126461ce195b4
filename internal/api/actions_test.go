package api_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"yardstick/internal/app"
	"yardstick/internal/model"
)

// The contract tests of actions, their status updates and to-dos, and
// note sections (issue 16, point 2: "and, once they exist, actions and
// notes"). Each makes what it changes fresh: TestContract runs them in
// one env, by operation id.
func init() {
	for op, test := range actionContract {
		contract[op] = test
	}
}

// freshAction makes an action on a scorecard (0: linked nowhere), by the
// env's administrator.
func (e *env) freshAction(t *testing.T, title string, scorecardID int64) model.Action {
	t.Helper()
	on := ""
	if scorecardID != 0 {
		on = app.OnScorecard
	}
	x, err := e.app.CreateAction(ctx, e.admin, app.ActionInput{Title: title, StartDate: "2026-03-01", EndDate: "2026-04-30"}, on, scorecardID)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.gone(t, e.app.DeleteAction(ctx, e.admin, x.ID)) })
	return x
}

// loggedAction counts the activity-log entries of an API key's act on an
// action.
func (e *env) loggedAction(t *testing.T, activity, key string, actionID int64) int {
	t.Helper()
	var n int
	if err := e.db.Store.DB().QueryRow(`SELECT COUNT(*) FROM activity_log WHERE activity = $1 AND actor_name = $2 AND object_id = $3
			AND account_id IS NULL AND object_type = 'action'`, activity, "API key “"+key+"”", actionID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// freshField makes a drop-down Action Custom Field (High, Low).
func (e *env) freshField(t *testing.T, name string) int64 {
	t.Helper()
	f, err := e.app.CreateActionField(ctx, e.admin, app.ActionFieldInput{Name: name, Kind: model.FieldSelect, Options: "High\nLow"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.gone(t, e.app.DeleteActionField(ctx, e.admin, f.ID, true)) })
	return f.ID
}

// apiAction is an action as the API writes it.
type apiAction struct {
	ID            int64    `json:"id"`
	Title         string   `json:"title"`
	Description   string   `json:"description"`
	StartDate     *string  `json:"start_date"`
	EndDate       *string  `json:"end_date"`
	Status        string   `json:"status"`
	Percent       int      `json:"percent"`
	AssigneeID    *int64   `json:"assignee_id"`
	AssigneeEmail string   `json:"assignee_email"`
	Assigner      string   `json:"assigner"`
	Tags          []string `json:"tags"`
	Version       int64    `json:"version"`
	Links         []struct {
		Kind  string `json:"kind"`
		ID    int64  `json:"id"`
		Title string `json:"title"`
	} `json:"links"`
	HiddenLinks *int `json:"hidden_links"`
	Fields      []struct {
		ID    int64  `json:"id"`
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"fields"`
}

func (x apiAction) field(id int64) string {
	for _, f := range x.Fields {
		if f.ID == id {
			return f.Value
		}
	}
	return "(none)"
}

type apiNote struct {
	TypeID    int64   `json:"type_id"`
	TypeName  string  `json:"type_name"`
	Body      string  `json:"body"`
	Version   int     `json:"version"`
	UpdatedBy string  `json:"updated_by"`
	UpdatedAt *string `json:"updated_at"`
}

// wantStatus fails unless r has status; it returns the problem's fields.
func wantStatus(t *testing.T, what string, r resp, status int, fields ...string) map[string]string {
	t.Helper()
	if r.Status != status {
		t.Errorf("%s: %d, want %d; %.400s", what, r.Status, status, r.Body)
		return nil
	}
	if status < 400 {
		return nil
	}
	got := fieldsOf(t, r)
	for _, f := range fields {
		if f != "" && got[f] == "" {
			t.Errorf("%s: errors %v do not name %s", what, got, f)
		}
	}
	return got
}

var actionContract = map[string]func(t *testing.T, e *env){
	"listActions": func(t *testing.T, e *env) {
		sc := e.freshScorecard(t, "Actions listed")
		for _, title := range []string{"LA one", "LA two", "LA three"} {
			e.freshAction(t, title, sc.ID)
		}
		type page struct {
			Items      []apiAction `json:"items"`
			NextCursor *string     `json:"next_cursor"`
		}
		titles := func(p page) string {
			var out []string
			for _, x := range p.Items {
				out = append(out, x.Title)
			}
			return strings.Join(out, ", ")
		}
		base := "/api/v1/i/ACME/actions?scorecard_id=" + id(sc.ID)
		var first, second page
		r := e.do("GET", base+"&limit=2", "builder", nil)
		if r.json(t, &first); r.Status != http.StatusOK || titles(first) != "LA one, LA three" || first.NextCursor == nil {
			t.Fatalf("first page: %d %s", r.Status, r.Body)
		}
		if first.Items[0].Links != nil || first.Items[0].Fields != nil {
			t.Errorf("a list's action has links or fields: %s", r.Body)
		}
		r = e.do("GET", base+"&limit=2&cursor="+url.QueryEscape(*first.NextCursor), "builder", nil)
		if r.json(t, &second); titles(second) != "LA two" || second.NextCursor != nil || !strings.Contains(string(r.Body), `"next_cursor":null`) {
			t.Errorf("second page: %s", r.Body)
		}
		// The Action Manager's filters.
		for _, tc := range []struct{ query, want string }{
			{"object_id=" + id(e.measures[0].ID), ""},
			{"scorecard_id=" + id(e.parent.ID) + "&status=On+Track", "Fix the data"},
			{"scorecard_id=" + id(e.parent.ID) + "&status=Completed", ""},
			{"q=fix+THE", "Fix the data"},
			{"tag=data", "Fix the data"},
			{"scorecard_id=" + id(sc.ID) + "&from=2026-05-01", ""},
			{"scorecard_id=" + id(sc.ID) + "&from=2026-04-01&to=2026-04-02&q=one", "LA one"},
			{"scorecard_id=" + id(sc.ID) + "&open=true&q=two", "LA two"},
		} {
			var p page
			r := e.do("GET", "/api/v1/i/ACME/actions?"+tc.query, "builder", nil)
			if r.json(t, &p); r.Status != http.StatusOK || titles(p) != tc.want {
				t.Errorf("?%s: %d %s, want %q", tc.query, r.Status, r.Body, tc.want)
			}
		}
		// By assignee: an email address or a user id.
		x := e.freshAction(t, "LA assigned", sc.ID)
		if _, err := e.app.UpdateAction(ctx, e.admin, x.ID, x.Version, app.ActionInput{Title: x.Title, Assignee: "admin@example.org"}); err != nil {
			t.Fatal(err)
		}
		var p page
		r = e.do("GET", base+"&assignee=ADMIN@example.org", "builder", nil)
		if r.json(t, &p); titles(p) != "LA assigned" || p.Items[0].AssigneeID == nil {
			t.Fatalf("by assignee: %s", r.Body)
		}
		r = e.do("GET", base+"&assignee="+id(*p.Items[0].AssigneeID), "builder", nil)
		if r.json(t, &p); titles(p) != "LA assigned" {
			t.Errorf("by assignee id: %s", r.Body)
		}
		// Same visibility as the pages: nothing for a key without scope.
		r = e.do("GET", "/api/v1/i/ACME/actions", "dataentry", nil)
		if r.Status != http.StatusOK || !strings.Contains(string(r.Body), `"items":[]`) {
			t.Errorf("data entry key: %d %s", r.Status, r.Body)
		}
		// Bad filters: 422 naming each; a host the key cannot see too.
		for _, tc := range []struct{ who, query, field string }{
			{"builder", "from=2026-13-01", "from"},
			{"builder", "status=Sideways", "status"},
			{"builder", "from=2026-02-01&to=2026-01-01", "to"},
			{"builder", "assignee=nobody@example.org", "assignee"},
			{"builder", "scorecard_id=" + id(e.betaSC.ID), "scorecard_id"},
			{"builder", "object_id=" + id(e.betaMeasure.ID), "object_id"},
			{"presenter", "scorecard_id=" + id(e.parent.ID), "scorecard_id"},
			{"builder", "scorecard_id=1&object_id=1", "object_id"},
			{"builder", "cursor=garbage!", ""},
		} {
			wantStatus(t, tc.who+" ?"+tc.query, e.do("GET", "/api/v1/i/ACME/actions?"+tc.query, tc.who, nil), http.StatusUnprocessableEntity, tc.field)
		}
		wantStatus(t, "limit=0", e.do("GET", "/api/v1/i/ACME/actions?limit=0", "builder", nil), http.StatusBadRequest, "query.limit")
	},
	"getAction": func(t *testing.T, e *env) {
		path := "/api/v1/i/ACME/actions/" + id(e.action.ID)
		r := e.do("GET", path, "builder", nil)
		var got apiAction
		r.json(t, &got)
		if r.Status != http.StatusOK || got.Title != "Fix the data" || got.Status != "On Track" || got.Percent != 10 ||
			got.StartDate == nil || *got.StartDate != "2026-01-01" || len(got.Links) != 1 || got.Links[0].ID != e.parent.ID ||
			got.Links[0].Kind != "scorecard" || got.HiddenLinks == nil || *got.HiddenLinks != 0 || got.Fields == nil || got.AssigneeID != nil {
			t.Errorf("action: %d %s", r.Status, r.Body)
		}
		if want := `"` + strconv.Itoa(e.action.Version) + `"`; r.Header.Get("ETag") != want {
			t.Errorf("ETag %q, want %s", r.Header.Get("ETag"), want)
		}
		for _, tc := range []struct{ who, path string }{
			{"dataentry", path}, {"presenter", path},
			{"admin", "/api/v1/i/ACME/actions/" + id(e.betaAction.ID)}, // another instance's action
			{"admin", "/api/v1/i/ACME/actions/999999"},
		} {
			wantStatus(t, tc.who+" "+tc.path, e.do("GET", tc.path, tc.who, nil), http.StatusNotFound)
		}
		wantStatus(t, "ext: action id", e.do("GET", "/api/v1/i/ACME/actions/ext:X", "admin", nil), http.StatusBadRequest, "path.action_id")
	},
	"createAction": func(t *testing.T, e *env) {
		field := e.freshField(t, "Priority")
		post := func(who, body string, header ...string) resp {
			return e.send("POST", "/api/v1/i/ACME/actions", who, body, header...)
		}
		body := `{"title":"Hire a coordinator","description":"<p>Soon</p><script>alert(1)</script>","status":"Behind Schedule",` +
			`"percent":20,"start_date":"2026-02-01","end_date":"2026-03-31","tags":["staff","2026"],"assignee":"admin@example.org",` +
			`"scorecard_id":` + id(e.parent.ID) + `,"fields":{"` + id(field) + `":"High"}}`
		r := post("builder", body)
		var got apiAction
		if r.json(t, &got); r.Status != http.StatusCreated || got.Title != "Hire a coordinator" || got.Status != "Behind Schedule" ||
			got.Percent != 20 || got.AssigneeEmail != "admin@example.org" || len(got.Tags) != 2 || got.Version != 1 {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		if strings.Contains(got.Description, "<script") || !strings.Contains(got.Description, "Soon") {
			t.Errorf("description not sanitised as on the pages: %q", got.Description)
		}
		if r.Header.Get("Location") != "/api/v1/i/ACME/actions/"+id(got.ID) || r.Header.Get("ETag") != `"1"` {
			t.Errorf("Location %q, ETag %q", r.Header.Get("Location"), r.Header.Get("ETag"))
		}
		t.Cleanup(func() { e.gone(t, e.app.DeleteAction(ctx, e.admin, got.ID)) })
		var full apiAction
		e.do("GET", r.Header.Get("Location"), "builder", nil).json(t, &full)
		if len(full.Links) != 1 || full.Links[0].ID != e.parent.ID || full.field(field) != "High" {
			t.Errorf("created action's links and fields: %+v", full)
		}
		if n := e.loggedAction(t, app.ActCreate, "builder", got.ID); n != 1 {
			t.Errorf("the key's create in the log: %d, want 1", n)
		}
		// Idempotency-Key: a retry gets the first answer; another body is 422.
		key := []string{"Idempotency-Key", "create-action-1"}
		first := post("builder", `{"title":"Once"}`, key...)
		again := post("builder", `{"title":"Once"}`, key...)
		if first.Status != http.StatusCreated || again.Status != http.StatusCreated || string(first.Body) != string(again.Body) ||
			again.Header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("replayed create: %d %s / %d %s", first.Status, first.Body, again.Status, again.Body)
		}
		var once apiAction
		first.json(t, &once)
		t.Cleanup(func() { e.gone(t, e.app.DeleteAction(ctx, e.admin, once.ID)) })
		wantStatus(t, "same key, another body", post("builder", `{"title":"Twice"}`, key...), http.StatusUnprocessableEntity)
		// Bad fields: 422 naming each, nothing written.
		var before int
		countActions := func() int {
			var n int
			if err := e.db.Store.DB().QueryRow(`SELECT COUNT(*) FROM actions`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before = countActions()
		for _, tc := range []struct {
			name, who, body string
			status          int
			fields          []string
		}{
			{"every field wrong", "builder", `{"title":"","status":"Done","percent":101,"start_date":"2026-02-30","end_date":"soon",` +
				`"assignee":"nobody@example.org","fields":{"` + id(field) + `":"Middling"}}`, 422,
				[]string{"title", "status", "percent", "start_date", "end_date", "assignee", "fields/" + id(field)}},
			{"end before start", "builder", `{"title":"x","start_date":"2026-05-01","end_date":"2026-04-01"}`, 422, []string{"end_date"}},
			{"an unknown custom field", "builder", `{"title":"x","fields":{"999999":"x"}}`, 422, []string{"fields/999999"}},
			{"a custom field not by id", "builder", `{"title":"x","fields":{"Priority":"High"}}`, 422, []string{"fields/Priority"}},
			{"NUL in the title", "builder", `{"title":"a\u0000b"}`, 422, []string{"title"}},
			{"a tag with a comma", "builder", `{"title":"x","tags":["a,b"]}`, 422, []string{"tags"}},
			{"both hosts", "builder", `{"title":"x","scorecard_id":1,"object_id":1}`, 422, []string{"object_id"}},
			{"unknown property", "builder", `{"title":"x","owner":"me"}`, 422, nil},
			{"another instance's scorecard", "builder", `{"title":"x","scorecard_id":` + id(e.betaSC.ID) + `}`, 404, nil},
			{"a scorecard the key cannot see", "presenter", `{"title":"x","scorecard_id":` + id(e.parent.ID) + `}`, 404, nil},
			{"no Add/Edit Action", "viewer", `{"title":"x"}`, 403, nil},
		} {
			wantStatus(t, tc.name, post(tc.who, tc.body), tc.status, tc.fields...)
		}
		if countActions() != before {
			t.Errorf("a refused create wrote")
		}
	},
	"updateAction": func(t *testing.T, e *env) {
		field := e.freshField(t, "Budget line")
		x := e.freshAction(t, "To change", e.parent.ID)
		path := "/api/v1/i/ACME/actions/" + id(x.ID)
		v1 := []string{"If-Match", `"1"`}
		r := e.send("PATCH", path, "builder", `{"status":"Completed","percent":100,"fields":{"`+id(field)+`":"Low"}}`, v1...)
		var got apiAction
		if r.json(t, &got); r.Status != http.StatusOK || got.Status != "Completed" || got.Percent != 100 || got.Title != "To change" ||
			got.StartDate == nil || *got.StartDate != "2026-03-01" || got.Version != 2 || r.Header.Get("ETag") != `"2"` || got.field(field) != "Low" {
			t.Fatalf("update: %d %s", r.Status, r.Body)
		}
		if n := e.loggedAction(t, app.ActUpdate, "builder", x.ID); n != 1 {
			t.Errorf("the key's update in the log: %d, want 1", n)
		}
		// Fields left out keep their values, custom ones too.
		r = e.send("PATCH", path, "builder", `{"title":"Changed","fields":{}}`, "If-Match", `"2"`)
		if r.json(t, &got); got.Title != "Changed" || got.Status != "Completed" || got.field(field) != "Low" {
			t.Errorf("second update: %s", r.Body)
		}
		wantStatus(t, "no If-Match", e.send("PATCH", path, "builder", `{"title":"x"}`), http.StatusPreconditionRequired)
		wantStatus(t, "stale If-Match", e.send("PATCH", path, "builder", `{"title":"Stale"}`, v1...), http.StatusPreconditionFailed)
		wantStatus(t, "bad fields", e.send("PATCH", path, "builder", `{"end_date":"2026-01-01","percent":-1}`, "If-Match", `"3"`),
			http.StatusUnprocessableEntity, "end_date", "percent")
		wantStatus(t, "bad custom field", e.send("PATCH", path, "builder", `{"fields":{"`+id(field)+`":"Huge"}}`, "If-Match", `"3"`),
			http.StatusUnprocessableEntity, "fields/"+id(field))
		wantStatus(t, "no Add/Edit Action", e.send("PATCH", path, "viewer", `{"title":"x"}`, "If-Match", `"3"`), http.StatusForbidden)
		wantStatus(t, "invisible", e.send("PATCH", path, "dataentry", `{"title":"x"}`, "If-Match", `"3"`), http.StatusNotFound)
		wantStatus(t, "another instance's", e.send("PATCH", "/api/v1/i/ACME/actions/"+id(e.betaAction.ID), "admin", `{"title":"x"}`, "If-Match", "*"),
			http.StatusNotFound)
		r = e.do("GET", path, "builder", nil)
		if r.json(t, &got); got.Title != "Changed" || got.Version != 3 {
			t.Errorf("a refused update wrote: %s", r.Body)
		}
	},
	"deleteAction": func(t *testing.T, e *env) {
		x := e.freshAction(t, "To delete", e.parent.ID)
		path := "/api/v1/i/ACME/actions/" + id(x.ID)
		wantStatus(t, "stale If-Match", e.send("DELETE", path, "builder", "", "If-Match", `"7"`), http.StatusPreconditionFailed)
		wantStatus(t, "no Delete Action", e.send("DELETE", path, "viewer", ""), http.StatusForbidden)
		wantStatus(t, "invisible", e.send("DELETE", path, "presenter", ""), http.StatusNotFound)
		wantStatus(t, "another instance's", e.send("DELETE", "/api/v1/i/ACME/actions/"+id(e.betaAction.ID), "admin", ""), http.StatusNotFound)
		wantStatus(t, "delete", e.send("DELETE", path, "builder", "", "If-Match", `"1"`), http.StatusNoContent)
		wantStatus(t, "deleted", e.do("GET", path, "builder", nil), http.StatusNotFound)
		if n := e.loggedAction(t, app.ActDelete, "builder", x.ID); n != 1 {
			t.Errorf("the key's delete in the log: %d, want 1", n)
		}
		y := e.freshAction(t, "To delete without If-Match", e.parent.ID)
		wantStatus(t, "delete without If-Match", e.send("DELETE", "/api/v1/i/ACME/actions/"+id(y.ID), "admin", ""), http.StatusNoContent)
	},
	"listActionUpdates": func(t *testing.T, e *env) {
		var got struct {
			Items []struct {
				Body, Status, Author string
				Percent              int
			}
		}
		r := e.do("GET", "/api/v1/i/ACME/actions/"+id(e.action.ID)+"/updates", "builder", nil)
		if r.json(t, &got); r.Status != http.StatusOK || len(got.Items) != 1 || got.Items[0].Body != "Started" || got.Items[0].Percent != 10 {
			t.Errorf("updates: %d %s", r.Status, r.Body)
		}
		wantStatus(t, "invisible", e.do("GET", "/api/v1/i/ACME/actions/"+id(e.action.ID)+"/updates", "dataentry", nil), http.StatusNotFound)
		wantStatus(t, "another instance's", e.do("GET", "/api/v1/i/ACME/actions/"+id(e.betaAction.ID)+"/updates", "admin", nil), http.StatusNotFound)
	},
	"addActionUpdate": func(t *testing.T, e *env) {
		x := e.freshAction(t, "To report on", e.parent.ID)
		path := "/api/v1/i/ACME/actions/" + id(x.ID) + "/updates"
		r := e.send("POST", path, "builder", `{"body":"Halfway there","status":"Behind Schedule","percent":50}`, "If-Match", `"1"`)
		var got apiAction
		if r.json(t, &got); r.Status != http.StatusCreated || got.Status != "Behind Schedule" || got.Percent != 50 || r.Header.Get("ETag") != `"2"` {
			t.Fatalf("status update: %d %s", r.Status, r.Body)
		}
		// Status and percent left out keep the action's.
		r = e.send("POST", path, "builder", `{"body":"Still"}`, "If-Match", `"2"`)
		if r.json(t, &got); r.Status != http.StatusCreated || got.Status != "Behind Schedule" || got.Percent != 50 {
			t.Errorf("update keeping the status: %d %s", r.Status, r.Body)
		}
		var list struct{ Items []struct{ Body string } }
		e.do("GET", path, "builder", nil).json(t, &list)
		if len(list.Items) != 2 || list.Items[0].Body != "Still" {
			t.Errorf("updates after two: %+v", list)
		}
		wantStatus(t, "no If-Match", e.send("POST", path, "builder", `{"body":"x"}`), http.StatusPreconditionRequired)
		wantStatus(t, "stale", e.send("POST", path, "builder", `{"body":"x"}`, "If-Match", `"1"`), http.StatusPreconditionFailed)
		wantStatus(t, "bad fields", e.send("POST", path, "builder", `{"body":"a\u0000b","status":"Sideways","percent":300}`, "If-Match", `"3"`),
			http.StatusUnprocessableEntity, "body", "status", "percent")
		wantStatus(t, "no Update Action Status", e.send("POST", path, "viewer", `{"body":"x"}`, "If-Match", `"3"`), http.StatusForbidden)
		wantStatus(t, "invisible", e.send("POST", path, "presenter", `{"body":"x"}`, "If-Match", `"3"`), http.StatusNotFound)
	},
	"listActionTodos": func(t *testing.T, e *env) {
		var got struct {
			Items []struct {
				ID    int64  `json:"id"`
				Title string `json:"title"`
				Done  bool   `json:"done"`
			}
		}
		r := e.do("GET", "/api/v1/i/ACME/actions/"+id(e.action.ID)+"/todos", "presenter", nil)
		wantStatus(t, "invisible", r, http.StatusNotFound)
		r = e.do("GET", "/api/v1/i/ACME/actions/"+id(e.action.ID)+"/todos", "builder", nil)
		if r.json(t, &got); r.Status != http.StatusOK || len(got.Items) != 1 || got.Items[0].ID != e.todoID || got.Items[0].Title != "Call the school" {
			t.Errorf("to-dos: %d %s", r.Status, r.Body)
		}
	},
	"addActionTodo": func(t *testing.T, e *env) {
		x := e.freshAction(t, "With to-dos", e.parent.ID)
		path := "/api/v1/i/ACME/actions/" + id(x.ID) + "/todos"
		r := e.send("POST", path, "builder", `{"title":"Book a room","assignee":"admin@example.org","due_date":"2026-02-01"}`)
		var got struct {
			Title         string  `json:"title"`
			AssigneeEmail string  `json:"assignee_email"`
			DueDate       *string `json:"due_date"`
		}
		if r.json(t, &got); r.Status != http.StatusCreated || got.Title != "Book a room" || got.AssigneeEmail != "admin@example.org" ||
			got.DueDate == nil || *got.DueDate != "2026-02-01" {
			t.Errorf("to-do: %d %s", r.Status, r.Body)
		}
		key := []string{"Idempotency-Key", "todo-1"}
		first := e.send("POST", path, "builder", `{"title":"Once"}`, key...)
		again := e.send("POST", path, "builder", `{"title":"Once"}`, key...)
		if first.Status != http.StatusCreated || string(first.Body) != string(again.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("replayed to-do: %d %s / %s", first.Status, first.Body, again.Body)
		}
		var todos struct{ Items []struct{ Title string } }
		if e.do("GET", path, "builder", nil).json(t, &todos); len(todos.Items) != 2 {
			t.Errorf("to-dos after a replayed add: %d, want 2", len(todos.Items))
		}
		wantStatus(t, "bad fields", e.send("POST", path, "builder", `{"title":"","assignee":"nobody@example.org","due_date":"tomorrow"}`),
			http.StatusUnprocessableEntity, "title", "assignee", "due_date")
		wantStatus(t, "no Manage To-Dos", e.send("POST", path, "viewer", `{"title":"x"}`), http.StatusForbidden)
		wantStatus(t, "another instance's", e.send("POST", "/api/v1/i/ACME/actions/"+id(e.betaAction.ID)+"/todos", "admin", `{"title":"x"}`),
			http.StatusNotFound)
	},
	"updateActionTodo": func(t *testing.T, e *env) {
		x := e.freshAction(t, "Checked off", e.parent.ID)
		todo, err := e.app.AddTodo(ctx, e.admin, x.ID, app.TodoInput{Title: "Unassigned"})
		if err != nil {
			t.Fatal(err)
		}
		path := "/api/v1/i/ACME/actions/" + id(x.ID) + "/todos/" + id(todo.ID)
		var got struct {
			Title  string  `json:"title"`
			Done   bool    `json:"done"`
			DoneAt *string `json:"done_at"`
		}
		// A key is never a to-do's assignee: an unassigned to-do is not its
		// to check off without Manage To-Dos.
		wantStatus(t, "no Manage To-Dos", e.send("PATCH", path, "viewer", `{"done":true}`), http.StatusForbidden)
		r := e.send("PATCH", path, "builder", `{"done":true}`)
		if r.json(t, &got); r.Status != http.StatusOK || !got.Done || got.DoneAt == nil || got.Title != "Unassigned" {
			t.Errorf("checked: %d %s", r.Status, r.Body)
		}
		r = e.send("PATCH", path, "builder", `{"title":"Renamed","due_date":"2026-09-01","done":false}`)
		if r.json(t, &got); r.Status != http.StatusOK || got.Done || got.Title != "Renamed" {
			t.Errorf("renamed and unchecked: %d %s", r.Status, r.Body)
		}
		wantStatus(t, "bad fields", e.send("PATCH", path, "builder", `{"title":"","due_date":"2026-02-30"}`), http.StatusUnprocessableEntity,
			"title", "due_date")
		wantStatus(t, "another action's to-do", e.send("PATCH", "/api/v1/i/ACME/actions/"+id(x.ID)+"/todos/"+id(e.todoID), "builder", `{"done":true}`),
			http.StatusNotFound)
		wantStatus(t, "invisible", e.send("PATCH", path, "presenter", `{"done":true}`), http.StatusNotFound)
	},
	"deleteActionTodo": func(t *testing.T, e *env) {
		x := e.freshAction(t, "Losing a to-do", e.parent.ID)
		todo, err := e.app.AddTodo(ctx, e.admin, x.ID, app.TodoInput{Title: "Going"})
		if err != nil {
			t.Fatal(err)
		}
		path := "/api/v1/i/ACME/actions/" + id(x.ID) + "/todos/" + id(todo.ID)
		wantStatus(t, "no Manage To-Dos", e.send("DELETE", path, "viewer", ""), http.StatusForbidden)
		wantStatus(t, "delete", e.send("DELETE", path, "builder", ""), http.StatusNoContent)
		wantStatus(t, "again", e.send("DELETE", path, "builder", ""), http.StatusNotFound)
	},
	"listNotes": func(t *testing.T, e *env) {
		var got struct{ Items []apiNote }
		r := e.do("GET", "/api/v1/i/ACME/measures/"+id(e.measures[0].ID)+"/notes", "builder", nil)
		if r.json(t, &got); r.Status != http.StatusOK || len(got.Items) != 5 || got.Items[0].TypeName != "Definition" || got.Items[0].Version != 0 ||
			got.Items[0].UpdatedAt != nil {
			t.Errorf("a measure's notes: %d %s", r.Status, r.Body)
		}
		sc, err := e.app.CreateScorecard(ctx, e.admin, app.ScorecardInput{Title: "Noted", ExtID: "SC-NOTES"})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { e.gone(t, e.app.DeleteScorecard(ctx, e.admin, sc.ID)) })
		r = e.do("GET", "/api/v1/i/ACME/scorecards/ext:SC-NOTES/notes", "builder", nil)
		if r.Status != http.StatusOK || !strings.Contains(string(r.Body), `"items":[]`) {
			t.Errorf("a scorecard's notes (none by default), by external id: %d %s", r.Status, r.Body)
		}
		for _, tc := range []struct {
			who, path string
			status    int
		}{
			{"builder", "/api/v1/i/ACME/containers/" + id(e.measures[0].ID) + "/notes", 404}, // a measure at a container's address
			{"builder", "/api/v1/i/ACME/measures/" + id(e.result.ID) + "/notes", 404},
			{"presenter", "/api/v1/i/ACME/measures/" + id(e.measures[0].ID) + "/notes", 404},
			{"admin", "/api/v1/i/ACME/measures/" + id(e.betaMeasure.ID) + "/notes", 404},
			{"admin", "/api/v1/i/ACME/scorecards/ext:BETA-1/notes", 404},
		} {
			wantStatus(t, tc.who+" "+tc.path, e.do("GET", tc.path, tc.who, nil), tc.status)
		}
		wantStatus(t, "not a kind of host", e.do("GET", "/api/v1/i/ACME/actions/"+id(e.measures[0].ID)+"/notes", "admin", nil),
			http.StatusBadRequest, "path.on")
		r = e.do("GET", "/api/v1/i/ACME/containers/"+id(e.result.ID)+"/notes", "admin", nil)
		if r.json(t, &got); r.Status != http.StatusOK || len(got.Items) != 5 {
			t.Errorf("a container's notes: %d %s", r.Status, r.Body)
		}
	},
	"getNote": func(t *testing.T, e *env) {
		def := id(e.noteType["Definition"])
		r := e.do("GET", "/api/v1/i/ACME/measures/"+id(e.measures[1].ID)+"/notes/"+def, "builder", nil)
		var got apiNote
		if r.json(t, &got); r.Status != http.StatusOK || got.TypeName != "Definition" || got.Version != 0 || r.Header.Get("ETag") != `"0"` {
			t.Errorf("note: %d %s %q", r.Status, r.Body, r.Header.Get("ETag"))
		}
		// A section a scorecard does not show, and no such type.
		wantStatus(t, "not shown", e.do("GET", "/api/v1/i/ACME/scorecards/"+id(e.parent.ID)+"/notes/"+def, "builder", nil), http.StatusNotFound)
		wantStatus(t, "no such type", e.do("GET", "/api/v1/i/ACME/measures/"+id(e.measures[1].ID)+"/notes/999999", "builder", nil), http.StatusNotFound)
		wantStatus(t, "invisible", e.do("GET", "/api/v1/i/ACME/measures/"+id(e.measures[1].ID)+"/notes/"+def, "dataentry", nil), http.StatusNotFound)
	},
	"addNoteSection": func(t *testing.T, e *env) {
		sc := e.freshScorecard(t, "Getting a section")
		path := "/api/v1/i/ACME/scorecards/" + id(sc.ID) + "/notes"
		body := `{"type_id":` + id(e.noteType["What Works"]) + `}`
		wantStatus(t, "no Add/Edit Scorecard Objects", e.send("POST", path, "viewer", body), http.StatusForbidden)
		wantStatus(t, "invisible", e.send("POST", path, "presenter", body), http.StatusNotFound)
		r := e.send("POST", path, "builder", body)
		var got apiNote
		if r.json(t, &got); r.Status != http.StatusCreated || got.TypeName != "What Works" ||
			r.Header.Get("Location") != path+"/"+id(e.noteType["What Works"]) {
			t.Errorf("added: %d %s %q", r.Status, r.Body, r.Header.Get("Location"))
		}
		wantStatus(t, "again", e.send("POST", path, "builder", body), http.StatusOK)
		wantStatus(t, "no such type", e.send("POST", path, "builder", `{"type_id":999999}`), http.StatusUnprocessableEntity, "type_id")
		var list struct{ Items []apiNote }
		e.do("GET", path, "builder", nil).json(t, &list)
		if len(list.Items) != 1 || list.Items[0].TypeName != "What Works" {
			t.Errorf("sections after adding: %+v", list)
		}
	},
	"saveNote": func(t *testing.T, e *env) {
		m := e.freshMeasure(t, "Annotated", e.result.ID)
		path := "/api/v1/i/ACME/measures/" + id(m.ID) + "/notes/" + id(e.noteType["Definition"])
		r := e.send("PUT", path, "builder", `{"body":"<p>Counted <b>monthly</b></p><script>alert(1)</script><img src=x onerror=alert(1)>"}`, "If-Match", `"0"`)
		var got apiNote
		if r.json(t, &got); r.Status != http.StatusOK || got.Version != 1 || r.Header.Get("ETag") != `"1"` || !strings.Contains(got.Body, "monthly") ||
			strings.Contains(got.Body, "<script") || strings.Contains(got.Body, "onerror") || got.UpdatedAt == nil {
			t.Fatalf("saved: %d %s", r.Status, r.Body)
		}
		var n int
		if err := e.db.Store.DB().QueryRow(`SELECT COUNT(*) FROM activity_log WHERE object_type = 'note' AND actor_name = $1 AND object_id = $2`,
			"API key “builder”", m.ID).Scan(&n); err != nil || n != 1 {
			t.Errorf("the key's note save in the log: %d (%v), want 1", n, err)
		}
		wantStatus(t, "stale", e.send("PUT", path, "builder", `{"body":"Theirs"}`, "If-Match", `"0"`), http.StatusPreconditionFailed)
		wantStatus(t, "no If-Match", e.send("PUT", path, "builder", `{"body":"x"}`), http.StatusPreconditionRequired)
		wantStatus(t, "no Edit Notes", e.send("PUT", path, "viewer", `{"body":"x"}`, "If-Match", `"1"`), http.StatusForbidden)
		wantStatus(t, "invisible", e.send("PUT", path, "presenter", `{"body":"x"}`, "If-Match", `"1"`), http.StatusNotFound)
		wantStatus(t, "too long", e.send("PUT", path, "builder", `{"body":"`+strings.Repeat("x", 100_001)+`"}`, "If-Match", `"1"`),
			http.StatusUnprocessableEntity, "body")
		wantStatus(t, "no body", e.send("PUT", path, "builder", `{}`, "If-Match", `"1"`), http.StatusUnprocessableEntity)
		// NUL is not stored.
		r = e.send("PUT", path, "builder", `{"body":"a\u0000b"}`, "If-Match", `"1"`)
		if r.Status != http.StatusOK && r.Status != http.StatusUnprocessableEntity {
			t.Errorf("NUL: %d %s", r.Status, r.Body)
		}
		r = e.do("GET", path, "builder", nil)
		if r.json(t, &got); strings.ContainsRune(got.Body, 0) {
			t.Errorf("a NUL was stored: %q", got.Body)
		}
	},
	"removeNoteSection": func(t *testing.T, e *env) {
		m := e.freshMeasure(t, "Trimmed", e.result.ID)
		path := "/api/v1/i/ACME/measures/" + id(m.ID) + "/notes/" + id(e.noteType["Partners"])
		wantStatus(t, "stale", e.send("DELETE", path, "builder", "", "If-Match", `"4"`), http.StatusPreconditionFailed)
		wantStatus(t, "no Add/Edit Scorecard Objects", e.send("DELETE", path, "viewer", ""), http.StatusForbidden)
		wantStatus(t, "remove", e.send("DELETE", path, "builder", "", "If-Match", `"0"`), http.StatusNoContent)
		wantStatus(t, "removed", e.do("GET", path, "builder", nil), http.StatusNotFound)
		var list struct{ Items []apiNote }
		e.do("GET", "/api/v1/i/ACME/measures/"+id(m.ID)+"/notes", "builder", nil).json(t, &list)
		if len(list.Items) != 4 {
			t.Errorf("sections after removing one: %d", len(list.Items))
		}
	},
	"listComments": func(t *testing.T, e *env) {
		m := e.freshMeasure(t, "Discussed", e.result.ID)
		for i := range 51 {
			if _, err := e.app.AddComment(ctx, e.admin, app.OnObject, m.ID, "Comment "+strconv.Itoa(i+1)); err != nil {
				t.Fatal(err)
			}
		}
		path := "/api/v1/i/ACME/measures/" + id(m.ID) + "/comments"
		type page struct {
			Items []struct {
				ID     int64  `json:"id"`
				Body   string `json:"body"`
				Author string `json:"author"`
			}
			NextCursor *string `json:"next_cursor"`
		}
		var first, second page
		r := e.do("GET", path, "builder", nil)
		if r.json(t, &first); r.Status != http.StatusOK || len(first.Items) != 50 || first.Items[0].Body != "Comment 51" || first.NextCursor == nil {
			t.Fatalf("first page: %d %.300s", r.Status, r.Body)
		}
		r = e.do("GET", path+"?cursor="+*first.NextCursor, "builder", nil)
		if r.json(t, &second); len(second.Items) != 1 || second.Items[0].Body != "Comment 1" || second.NextCursor != nil {
			t.Errorf("second page: %s", r.Body)
		}
		wantStatus(t, "bad cursor", e.do("GET", path+"?cursor=-3", "builder", nil), http.StatusUnprocessableEntity, "cursor")
		wantStatus(t, "invisible", e.do("GET", path, "presenter", nil), http.StatusNotFound)
		wantStatus(t, "another instance's", e.do("GET", "/api/v1/i/ACME/measures/"+id(e.betaMeasure.ID)+"/comments", "admin", nil), http.StatusNotFound)
	},
	"addComment": func(t *testing.T, e *env) {
		path := "/api/v1/i/ACME/scorecards/" + id(e.freshScorecard(t, "Commented").ID) + "/comments"
		r := e.send("POST", path, "builder", `{"body":"  <b>Looks</b> right  "}`)
		var got struct {
			ID     int64  `json:"id"`
			Body   string `json:"body"`
			Author string `json:"author"`
		}
		if r.json(t, &got); r.Status != http.StatusCreated || got.Body != "<b>Looks</b> right" {
			t.Errorf("comment: %d %s", r.Status, r.Body)
		}
		var list struct{ Items []struct{ Body string } }
		e.do("GET", path, "builder", nil).json(t, &list)
		if len(list.Items) != 1 || list.Items[0].Body != "<b>Looks</b> right" {
			t.Errorf("comments after one: %+v", list)
		}
		key := []string{"Idempotency-Key", "comment-1"}
		first := e.send("POST", path, "builder", `{"body":"Once"}`, key...)
		again := e.send("POST", path, "builder", `{"body":"Once"}`, key...)
		if first.Status != http.StatusCreated || string(first.Body) != string(again.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("replayed comment: %d %s / %s", first.Status, first.Body, again.Body)
		}
		wantStatus(t, "same key, another body", e.send("POST", path, "builder", `{"body":"Twice"}`, key...), http.StatusUnprocessableEntity)
		wantStatus(t, "empty", e.send("POST", path, "builder", `{"body":"   "}`), http.StatusUnprocessableEntity, "body")
		wantStatus(t, "too long", e.send("POST", path, "builder", `{"body":"`+strings.Repeat("é", 4001)+`"}`), http.StatusUnprocessableEntity, "body")
		wantStatus(t, "no Add Commentary", e.send("POST", path, "viewer", `{"body":"x"}`), http.StatusForbidden)
		wantStatus(t, "invisible", e.send("POST", path, "dataentry", `{"body":"x"}`), http.StatusNotFound)
		e.do("GET", path, "builder", nil).json(t, &list)
		if len(list.Items) != 2 {
			t.Errorf("comments after refusals: %d, want 2", len(list.Items))
		}
	},
	"listNoteVersions": func(t *testing.T, e *env) {
		m := e.freshMeasure(t, "Much revised", e.result.ID)
		typeID := e.noteType["What Works"]
		path := "/api/v1/i/ACME/measures/" + id(m.ID) + "/notes/" + id(typeID) + "/versions"
		r := e.do("GET", path, "builder", nil)
		if r.Status != http.StatusOK || !strings.Contains(string(r.Body), `"items":[]`) || !strings.Contains(string(r.Body), `"next_cursor":null`) {
			t.Errorf("never saved: %d %s", r.Status, r.Body)
		}
		for v := range 21 {
			if _, err := e.app.SaveNote(ctx, e.admin, app.OnObject, m.ID, typeID, v, "<p>Version "+strconv.Itoa(v+1)+"</p>"); err != nil {
				t.Fatal(err)
			}
		}
		type page struct {
			Items []struct {
				Version int    `json:"version"`
				Body    string `json:"body"`
				Author  string `json:"author"`
			}
			NextCursor *string `json:"next_cursor"`
		}
		var first, second page
		r = e.do("GET", path, "builder", nil)
		if r.json(t, &first); r.Status != http.StatusOK || len(first.Items) != 20 || first.Items[0].Version != 21 || first.NextCursor == nil {
			t.Fatalf("first page: %d %.300s", r.Status, r.Body)
		}
		r = e.do("GET", path+"?cursor="+*first.NextCursor, "builder", nil)
		if r.json(t, &second); len(second.Items) != 1 || second.Items[0].Version != 1 || second.NextCursor != nil ||
			!strings.Contains(second.Items[0].Body, "Version 1") {
			t.Errorf("second page: %s", r.Body)
		}
		wantStatus(t, "bad cursor", e.do("GET", path+"?cursor=x", "builder", nil), http.StatusUnprocessableEntity, "cursor")
		wantStatus(t, "invisible", e.do("GET", path, "presenter", nil), http.StatusNotFound)
	},
}
