package api_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/api"
	"yardstick/internal/app"
	"yardstick/internal/testkit"
	"yardstick/internal/web"
)

// contract has, for every operation of the document, a test that calls it
// against the real server and checks what it answers; every answer is
// also validated against the document (env.do). An operation of the
// document missing here fails TestContract.
var contract = map[string]func(t *testing.T, e *env){
	"getInstance": func(t *testing.T, e *env) {
		r := e.do("GET", "/api/v1/i/ACME/instance", "presenter", nil)
		var got struct{ Code, Name string }
		r.json(t, &got)
		if r.Status != http.StatusOK || got.Code != "ACME" || got.Name != "Acme Community" {
			t.Errorf("instance: %d %+v", r.Status, got)
		}
		// The code is read as the pages read it.
		if r := e.do("GET", "/api/v1/i/acme/instance", "presenter", nil); r.Status != http.StatusOK {
			t.Errorf("lower-case code: %d", r.Status)
		}
	},
	"listScorecards": func(t *testing.T, e *env) {
		var got struct {
			Items []struct {
				ID       int64  `json:"id"`
				Title    string `json:"title"`
				ParentID *int64 `json:"parent_id"`
			}
		}
		r := e.do("GET", "/api/v1/i/ACME/scorecards", "admin", nil)
		r.json(t, &got)
		if r.Status != http.StatusOK || len(got.Items) != 2 || got.Items[0].Title != "Community" || got.Items[1].ParentID == nil ||
			*got.Items[1].ParentID != e.parent.ID {
			t.Errorf("admin's scorecards: %d %s", r.Status, r.Body)
		}
		// Same visibility as the pages: a Data Entry key has no scorecard
		// assigned and no objects.edit, so it sees none (SPEC §3.3).
		r = e.do("GET", "/api/v1/i/ACME/scorecards", "dataentry", nil)
		r.json(t, &got)
		if r.Status != http.StatusOK || len(got.Items) != 0 || !strings.Contains(string(r.Body), `"items":[]`) {
			t.Errorf("data entry's scorecards: %d %s", r.Status, r.Body)
		}
	},
	"getScorecard": func(t *testing.T, e *env) {
		r := e.do("GET", "/api/v1/i/ACME/scorecards/"+strconv.FormatInt(e.child.ID, 10), "builder", nil)
		var got map[string]any
		r.json(t, &got)
		if r.Status != http.StatusOK || got["title"] != "Youth" || got["parent_id"] != float64(e.parent.ID) || got["version"] != float64(1) {
			t.Errorf("scorecard: %d %s", r.Status, r.Body)
		}
		if r.Header.Get("ETag") != `"1"` {
			t.Errorf("scorecard's ETag %q, want \"1\" (its version)", r.Header.Get("ETag"))
		}
		e.viewsLogged(t, app.ActViewScorecard, "builder", e.child.ID, 1)
		r = e.do("GET", "/api/v1/i/ACME/scorecards/"+strconv.FormatInt(e.parent.ID, 10), "builder", nil)
		if r.json(t, &got); got["parent_id"] != nil {
			t.Errorf("top-level scorecard: parent_id %v", got["parent_id"])
		}
		// Not visible to the key, or of no instance: 404 alike.
		for _, who := range []string{"dataentry", "presenter"} {
			if r := e.do("GET", "/api/v1/i/ACME/scorecards/"+strconv.FormatInt(e.parent.ID, 10), who, nil); r.Status != http.StatusNotFound {
				t.Errorf("%s: %d, want 404", who, r.Status)
			}
		}
		if r := e.do("GET", "/api/v1/i/ACME/scorecards/999999", "admin", nil); r.Status != http.StatusNotFound {
			t.Errorf("missing scorecard: %d, want 404", r.Status)
		}
	},
	"listMeasures": func(t *testing.T, e *env) {
		type page struct {
			Items []struct {
				ID    int64    `json:"id"`
				Title string   `json:"title"`
				Tags  []string `json:"tags"`
			}
			NextCursor *string `json:"next_cursor"`
		}
		titles := func(p page) string {
			var out []string
			for _, m := range p.Items {
				out = append(out, m.Title)
			}
			return strings.Join(out, ", ")
		}
		var first, second page
		r := e.do("GET", "/api/v1/i/ACME/measures?limit=2", "admin", nil)
		r.json(t, &first)
		if r.Status != http.StatusOK || titles(first) != "Alpha rate, Beta count" || first.NextCursor == nil {
			t.Fatalf("first page: %d %s", r.Status, r.Body)
		}
		r = e.do("GET", "/api/v1/i/ACME/measures?limit=2&cursor="+url.QueryEscape(*first.NextCursor), "admin", nil)
		r.json(t, &second)
		if r.Status != http.StatusOK || titles(second) != "Gamma share" || second.NextCursor != nil || !strings.Contains(string(r.Body), `"next_cursor":null`) {
			t.Errorf("second page: %d %s", r.Status, r.Body)
		}
		var tagged page
		r = e.do("GET", "/api/v1/i/ACME/measures?tag=Youth", "builder", nil)
		if r.json(t, &tagged); titles(tagged) != "Beta count" || len(tagged.Items[0].Tags) != 1 {
			t.Errorf("by tag: %s", r.Body)
		}
		r = e.do("GET", "/api/v1/i/ACME/measures?q=SHARE", "builder", nil)
		if r.json(t, &tagged); titles(tagged) != "Gamma share" {
			t.Errorf("by text: %s", r.Body)
		}
		// By place: directly under a container, anywhere under a scorecard.
		for _, tc := range []struct{ query, want string }{
			{"parent_id=" + strconv.FormatInt(e.result.ID, 10), "Alpha rate, Beta count, Gamma share"},
			{"parent_id=" + strconv.FormatInt(e.result.ID, 10) + "&tag=youth", "Beta count"},
			{"scorecard_id=" + strconv.FormatInt(e.parent.ID, 10) + "&limit=1", "Alpha rate"},
			{"scorecard_id=" + strconv.FormatInt(e.child.ID, 10), ""},
		} {
			var p page
			r := e.do("GET", "/api/v1/i/ACME/measures?"+tc.query, "builder", nil)
			if r.json(t, &p); r.Status != http.StatusOK || titles(p) != tc.want {
				t.Errorf("?%s: %d %s, want %q", tc.query, r.Status, r.Body, tc.want)
			}
		}
		r = e.do("GET", "/api/v1/i/ACME/measures?scorecard_id="+strconv.FormatInt(e.parent.ID, 10)+"&limit=1&cursor="+url.QueryEscape(*first.NextCursor), "builder", nil)
		if r.json(t, &tagged); titles(tagged) != "Gamma share" {
			t.Errorf("second page by scorecard: %s", r.Body)
		}
		// A place the key cannot see is refused, naming the filter.
		for _, tc := range []struct{ who, query, field string }{
			{"builder", "scorecard_id=999999", "scorecard_id"},
			{"builder", "scorecard_id=" + strconv.FormatInt(e.betaSC.ID, 10), "scorecard_id"},
			{"builder", "parent_id=" + strconv.FormatInt(e.measures[0].ID, 10), "parent_id"},
			{"builder", "parent_id=" + strconv.FormatInt(e.betaResult.ID, 10), "parent_id"},
			{"presenter", "parent_id=" + strconv.FormatInt(e.result.ID, 10), "parent_id"},
		} {
			r := e.do("GET", "/api/v1/i/ACME/measures?"+tc.query, tc.who, nil)
			var p problem
			if r.json(t, &p); r.Status != http.StatusUnprocessableEntity || len(p.Errors) != 1 || p.Errors[0].Field != tc.field {
				t.Errorf("%s ?%s: %d %s", tc.who, tc.query, r.Status, r.Body)
			}
		}
		// Same visibility as the pages: nothing for a key without scope.
		r = e.do("GET", "/api/v1/i/ACME/measures", "dataentry", nil)
		if r.json(t, &tagged); len(tagged.Items) != 0 {
			t.Errorf("data entry key sees %s", r.Body)
		}
		for _, bad := range []struct {
			query  string
			status int
		}{{"limit=0", 400}, {"limit=201", 400}, {"limit=x", 400}, {"type_id=-1", 400}, {"cursor=" + strings.Repeat("a", 600), 400},
			{"cursor=garbage!", 422}} {
			if r := e.do("GET", "/api/v1/i/ACME/measures?"+bad.query, "admin", nil); r.Status != bad.status {
				t.Errorf("?%.40s: %d, want %d; %s", bad.query, r.Status, bad.status, r.Body)
			}
		}
	},
	"getMeasure": func(t *testing.T, e *env) {
		m := e.measures[1]
		r := e.do("GET", "/api/v1/i/ACME/measures/"+strconv.FormatInt(m.ID, 10), "builder", nil)
		var got map[string]any
		r.json(t, &got)
		if r.Status != http.StatusOK || got["title"] != "Beta count" || got["type_name"] != "Indicator" || got["polarity"] != "higher" ||
			got["frequency_id"] == nil {
			t.Errorf("measure: %d %s", r.Status, r.Body)
		}
		if want := `"` + strconv.FormatInt(m.Version, 10) + `"`; r.Header.Get("ETag") != want {
			t.Errorf("measure's ETag %q, want %s", r.Header.Get("ETag"), want)
		}
		e.viewsLogged(t, app.ActViewMeasure, "builder", m.ID, 1)
		// A container is not a measure; an invisible measure is missing.
		if r := e.do("GET", "/api/v1/i/ACME/measures/"+strconv.FormatInt(e.result.ID, 10), "admin", nil); r.Status != http.StatusNotFound {
			t.Errorf("container as a measure: %d, want 404", r.Status)
		}
		if r := e.do("GET", "/api/v1/i/ACME/measures/"+strconv.FormatInt(m.ID, 10), "presenter", nil); r.Status != http.StatusNotFound {
			t.Errorf("presenter key: %d, want 404", r.Status)
		}
	},
	"listMeasureValues": func(t *testing.T, e *env) {
		base := "/api/v1/i/ACME/measures/" + strconv.FormatInt(e.measures[0].ID, 10) + "/values"
		type list struct {
			Items []struct {
				Period  string   `json:"period"`
				Label   string   `json:"label"`
				Actual  *float64 `json:"actual"`
				Target  *float64 `json:"target"`
				Comment string   `json:"comment"`
				Version int64    `json:"version"`
			}
		}
		var all, some list
		r := e.do("GET", base, "dataentry", nil)
		if r.Status != http.StatusNotFound {
			t.Errorf("data entry key without scope: %d, want 404", r.Status)
		}
		r = e.do("GET", base, "builder", nil)
		r.json(t, &all)
		if r.Status != http.StatusOK || len(all.Items) != 3 || all.Items[0].Period != e.periods[0] || *all.Items[2].Actual != 30 ||
			all.Items[1].Target != nil || all.Items[1].Comment != "c1" || all.Items[0].Version < 1 || all.Items[0].Label == "" {
			t.Fatalf("all values: %d %s", r.Status, r.Body)
		}
		r = e.do("GET", base+"?from="+e.periods[1]+"&to="+e.periods[1], "builder", nil)
		if r.json(t, &some); len(some.Items) != 1 || some.Items[0].Period != e.periods[1] {
			t.Errorf("one period: %s", r.Body)
		}
		r = e.do("GET", base+"?to="+e.periods[0], "builder", nil)
		if r.json(t, &some); len(some.Items) != 1 {
			t.Errorf("up to the first: %s", r.Body)
		}
		for _, bad := range []struct{ query, field string }{{"from=2026-13-01", "from"}, {"to=soon", "to"}, {"from=2026-02-01&to=2026-01-01", "to"}} {
			r := e.do("GET", base+"?"+bad.query, "builder", nil)
			var p problem
			r.json(t, &p)
			if r.Status != http.StatusUnprocessableEntity || len(p.Errors) != 1 || p.Errors[0].Field != bad.field {
				t.Errorf("?%s: %d %s", bad.query, r.Status, r.Body)
			}
		}
		if r := e.do("GET", base+"?from="+strings.Repeat("9", 11), "builder", nil); r.Status != http.StatusBadRequest {
			t.Errorf("long from: %d, want 400", r.Status)
		}
		if r := e.do("GET", "/api/v1/i/ACME/measures/"+strconv.FormatInt(e.result.ID, 10)+"/values", "admin", nil); r.Status != http.StatusNotFound {
			t.Errorf("values of a container: %d, want 404", r.Status)
		}
	},
	"upsertValues": func(t *testing.T, e *env) {
		m := strconv.FormatInt(e.measures[0].ID, 10)
		stored := e.values()
		next := nextPeriod(t, e)
		post := func(who, body string) resp {
			return e.do("POST", "/api/v1/i/ACME/values", who, []byte(body), "Content-Type", "application/json")
		}
		body := `{"values":[` +
			`{"measure_id":` + m + `,"period":"` + e.periods[0] + `","actual":11,"target":12,"comment":"fixed","version":` + strconv.FormatInt(stored[e.periods[0]].Version, 10) + `},` +
			`{"measure_id":` + m + `,"period":"` + next + `","actual":40,"version":0},` +
			`{"measure_id":` + m + `,"period":"` + e.periods[1] + `","actual":null,"version":` + strconv.FormatInt(stored[e.periods[1]].Version, 10) + `}]}`
		r := post("builder", body)
		var got struct{ Saved int }
		r.json(t, &got)
		if r.Status != http.StatusOK || got.Saved != 3 {
			t.Fatalf("upsert: %d %s", r.Status, r.Body)
		}
		after := e.values()
		if v := after[e.periods[0]]; *v.Actual != 11 || *v.Target != 12 || v.Comment != "fixed" || v.Version <= stored[e.periods[0]].Version {
			t.Errorf("updated value: %+v", v)
		}
		if v, ok := after[next]; !ok || *v.Actual != 40 {
			t.Errorf("new value: %+v", v)
		}
		if _, ok := after[e.periods[1]]; ok {
			t.Errorf("an empty row did not delete the period's value")
		}
		// The same request again is stale on every row: 409 naming each,
		// nothing written.
		before := e.fingerprint()
		r = post("builder", body)
		var p problem
		r.json(t, &p)
		// (the deleted period is stored at no version now: stale too)
		if r.Status != http.StatusConflict || len(p.Errors) != 3 || p.Errors[0].Field != "values/0/version" || p.Errors[2].Field != "values/2/version" {
			t.Errorf("stale upsert: %d %s", r.Status, r.Body)
		}
		if e.fingerprint() != before {
			t.Errorf("a stale upsert wrote")
		}
		// The key's writes are logged under its name, as data entry: one
		// entry for the measure, naming its three periods.
		var n int
		var changes string
		if err := e.db.Store.DB().QueryRow(`SELECT COUNT(*), MAX(changes) FROM activity_log WHERE activity = $1 AND actor_name = $2 AND account_id IS NULL`,
			app.ActDataEntry, "API key “builder”").Scan(&n, &changes); err != nil || n != 1 || strings.Count(changes, `"period"`) != 3 {
			t.Errorf("the key's data entries in the log: %d (%v), want 1 naming 3 periods: %s", n, err, changes)
		}
	},
	"listFrequencies": func(t *testing.T, e *env) {
		var got struct {
			Items []struct {
				ID      int64  `json:"id"`
				Title   string `json:"title"`
				Kind    string `json:"kind"`
				Builtin bool   `json:"builtin"`
			}
		}
		r := e.do("GET", "/api/v1/i/ACME/frequencies", "presenter", nil)
		r.json(t, &got)
		want, err := e.app.Frequencies(ctx, e.admin)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != http.StatusOK || len(got.Items) != len(want) || len(want) == 0 || got.Items[1].ID != want[1].ID || got.Items[1].Title != want[1].Title || !got.Items[1].Builtin {
			t.Errorf("frequencies: %d %s", r.Status, r.Body)
		}
	},
	"listObjectTypes": func(t *testing.T, e *env) {
		var got struct {
			Items []struct {
				ID   int64  `json:"id"`
				Kind string `json:"kind"`
				Name string `json:"name"`
			}
		}
		r := e.do("GET", "/api/v1/i/ACME/object-types", "presenter", nil)
		r.json(t, &got)
		names := map[string]string{}
		for _, ty := range got.Items {
			names[ty.Name] = ty.Kind
		}
		if r.Status != http.StatusOK || names["Result"] != "container" || names["Indicator"] != "measure" {
			t.Errorf("object types: %d %s", r.Status, r.Body)
		}
	},
	"listUsers": func(t *testing.T, e *env) {
		type page struct {
			Items []struct {
				ID     int64  `json:"id"`
				Email  string `json:"email"`
				Active bool   `json:"active"`
				Role   string `json:"role"`
			}
			NextCursor *string `json:"next_cursor"`
		}
		var first, second page
		r := e.do("GET", "/api/v1/i/ACME/users?limit=1", "admin", nil)
		r.json(t, &first)
		if r.Status != http.StatusOK || len(first.Items) != 1 || first.Items[0].Email != "admin@example.org" || first.Items[0].Role != "Administration" ||
			first.NextCursor != nil {
			t.Errorf("users: %d %s", r.Status, r.Body)
		}
		// Two members: a page of one has a next page.
		testkit.MustCreateMember(t, e.db.Store, e.acme, "zed@example.org", access.PresetPresenter)
		r = e.do("GET", "/api/v1/i/ACME/users?limit=1", "admin", nil)
		if r.json(t, &first); first.NextCursor == nil {
			t.Fatalf("first of two: %s", r.Body)
		}
		r = e.do("GET", "/api/v1/i/ACME/users?limit=1&cursor="+url.QueryEscape(*first.NextCursor), "admin", nil)
		if r.json(t, &second); len(second.Items) != 1 || second.Items[0].Email != "zed@example.org" || second.NextCursor != nil {
			t.Errorf("second of two: %s", r.Body)
		}
		r = e.do("GET", "/api/v1/i/ACME/users?q=zed", "admin", nil)
		if r.json(t, &second); len(second.Items) != 1 {
			t.Errorf("search: %s", r.Body)
		}
		if r := e.do("GET", "/api/v1/i/ACME/users", "builder", nil); r.Status != http.StatusForbidden {
			t.Errorf("a key without Manage Users: %d, want 403", r.Status)
		}
	},
	"listContainers": func(t *testing.T, e *env) {
		var got struct {
			Items []struct {
				ID       int64  `json:"id"`
				Title    string `json:"title"`
				TypeName string `json:"type_name"`
			}
			NextCursor *string `json:"next_cursor"`
		}
		r := e.do("GET", "/api/v1/i/ACME/containers", "builder", nil)
		r.json(t, &got)
		if r.Status != http.StatusOK || len(got.Items) != 1 || got.Items[0].ID != e.result.ID || got.Items[0].TypeName != "Result" || got.NextCursor != nil {
			t.Errorf("containers: %d %s", r.Status, r.Body)
		}
		r = e.do("GET", "/api/v1/i/ACME/containers", "presenter", nil)
		if r.json(t, &got); len(got.Items) != 0 {
			t.Errorf("presenter key sees %s", r.Body)
		}
		r = e.do("GET", "/api/v1/i/ACME/containers?scorecard_id="+strconv.FormatInt(e.parent.ID, 10), "builder", nil)
		if r.json(t, &got); len(got.Items) != 1 || got.Items[0].ID != e.result.ID {
			t.Errorf("containers on the scorecard: %s", r.Body)
		}
		r = e.do("GET", "/api/v1/i/ACME/containers?parent_id="+strconv.FormatInt(e.result.ID, 10), "builder", nil)
		if r.json(t, &got); r.Status != http.StatusOK || len(got.Items) != 0 {
			t.Errorf("containers under the result (none): %s", r.Body)
		}
		if r := e.do("GET", "/api/v1/i/ACME/containers?scorecard_id="+strconv.FormatInt(e.betaSC.ID, 10), "admin", nil); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("another instance's scorecard as filter: %d, want 422", r.Status)
		}
		if r := e.do("GET", "/api/v1/i/ACME/containers?cursor=garbage!", "admin", nil); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("bad cursor: %d, want 422", r.Status)
		}
	},
	"getContainer": func(t *testing.T, e *env) {
		r := e.do("GET", "/api/v1/i/ACME/containers/"+strconv.FormatInt(e.result.ID, 10), "admin", nil)
		var got map[string]any
		if r.json(t, &got); r.Status != http.StatusOK || got["title"] != "Ready" {
			t.Errorf("container: %d %s", r.Status, r.Body)
		}
		if r.Header.Get("ETag") != `"1"` {
			t.Errorf("container's ETag %q, want \"1\"", r.Header.Get("ETag"))
		}
		if r := e.do("GET", "/api/v1/i/ACME/containers/"+strconv.FormatInt(e.measures[0].ID, 10), "admin", nil); r.Status != http.StatusNotFound {
			t.Errorf("a measure as a container: %d, want 404", r.Status)
		}
	},
}

// nextPeriod is the period after e.periods' last, of measures[0].
func nextPeriod(t *testing.T, e *env) string {
	t.Helper()
	freqs, err := e.app.Frequencies(ctx, e.admin)
	if err != nil {
		t.Fatal(err)
	}
	pf := app.FrequencyOf(freqs[1])
	last, err := pf.FromKey(e.periods[2])
	if err != nil {
		t.Fatal(err)
	}
	return pf.Key(pf.Next(last))
}

// TestContract runs every operation's contract test on SQLite, PostgreSQL
// and Citus; an operation of the document without one fails.
func TestContract(t *testing.T) {
	doc, err := api.Document()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			ids = append(ids, op.OperationID)
			if _, ok := contract[op.OperationID]; !ok {
				t.Errorf("operation %s has no contract test", op.OperationID)
			}
		}
	}
	sort.Strings(ids)
	for id := range contract {
		if !contains(ids, id) {
			t.Errorf("contract test %s names no operation of the document", id)
		}
	}
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db, unlimited)
		for _, id := range ids {
			t.Run(id, func(t *testing.T) {
				if test := contract[id]; test != nil {
					test(t, e)
				}
				if !e.validatedOps[id] {
					t.Errorf("no successful answer of %s was validated against the document", id)
				}
			})
		}
	})
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TestDocumentIsServed: /api/v1/openapi.json is the document, as JSON,
// without a key.
func TestDocumentIsServed(t *testing.T) {
	e := newEnv(t, testkit.NewSQLite(t), web.Config{})
	r := e.do("GET", "/api/v1/openapi.json", "none", nil)
	var got struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(r.Body, &got); err != nil || r.Status != http.StatusOK {
		t.Fatalf("openapi.json: %d %v", r.Status, err)
	}
	if got.OpenAPI != "3.1.0" || len(got.Paths) == 0 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Errorf("openapi.json: %q, %d paths, %s", got.OpenAPI, len(got.Paths), r.Header.Get("Content-Type"))
	}
}

// TestRateLimitPerKey: past its burst a key is answered 429 with
// Retry-After; another key is not held back by it.
func TestRateLimitPerKey(t *testing.T) {
	e := newEnv(t, testkit.NewSQLite(t), web.Config{APIRate: 0.001, APIBurst: 3})
	for i := range 3 {
		if r := e.do("GET", "/api/v1/i/ACME/instance", "admin", nil); r.Status != http.StatusOK {
			t.Fatalf("request %d within the burst: %d", i+1, r.Status)
		}
	}
	r := e.do("GET", "/api/v1/i/ACME/instance", "admin", nil)
	if r.Status != http.StatusTooManyRequests {
		t.Fatalf("past the burst: %d, want 429", r.Status)
	}
	if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 {
		t.Errorf("Retry-After %q", r.Header.Get("Retry-After"))
	}
	if r := e.do("GET", "/api/v1/i/ACME/instance", "builder", nil); r.Status != http.StatusOK {
		t.Errorf("another key: %d, want 200", r.Status)
	}
}

// viewsLogged checks that a key's reads of an object are in the User
// Activity log as views, under the key's name, like the pages' (issue 16).
func (e *env) viewsLogged(t *testing.T, activity, key string, id int64, want int) {
	t.Helper()
	var n int
	if err := e.db.Store.DB().QueryRow(`SELECT COUNT(*) FROM activity_log WHERE activity = $1 AND actor_name = $2 AND object_id = $3 AND account_id IS NULL`,
		activity, "API key “"+key+"”", id).Scan(&n); err != nil || n != want {
		t.Errorf("%s of %d by key %s in the log: %d (%v), want %d", activity, id, key, n, err, want)
	}
}
