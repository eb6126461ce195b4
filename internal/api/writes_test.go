package api_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
	"yardstick/internal/web"
)

// Fixtures made for one test and removed after it, so that the shared
// content of the contract tests (env) stays as the read tests expect.

func (e *env) freshScorecard(t *testing.T, title string) model.Scorecard {
	t.Helper()
	s, err := e.app.CreateScorecard(ctx, e.admin, app.ScorecardInput{Title: title})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.gone(t, e.app.DeleteScorecard(ctx, e.admin, s.ID)) })
	return s
}

// freshContainer makes a Result on a scorecard or under a container.
func (e *env) freshContainer(t *testing.T, title string, at app.Placement) model.Object {
	t.Helper()
	o, err := e.app.CreateObject(ctx, e.admin, app.ObjectInput{Kind: model.KindContainer, TypeID: e.typeID["Result"], Title: title}, at)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.gone(t, e.app.DeleteObject(ctx, e.admin, o.ID)) })
	return o
}

// freshMeasure makes an Indicator under a container.
func (e *env) freshMeasure(t *testing.T, title string, parent int64) model.Object {
	t.Helper()
	o, err := e.app.CreateObject(ctx, e.admin, app.ObjectInput{Kind: model.KindMeasure, TypeID: e.typeID["Indicator"], Title: title,
		Decimals: "0", Polarity: "higher", FrequencyID: e.freqID}, app.Placement{ParentID: parent})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.gone(t, e.app.DeleteObject(ctx, e.admin, o.ID)) })
	return o
}

// gone accepts a cleanup's delete of what the test deleted already.
func (e *env) gone(t *testing.T, err error) {
	if err != nil && app.KindOf(err) != app.NotFound {
		t.Errorf("cleanup: %v", err)
	}
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

// send is e.do with a JSON body and more headers.
func (e *env) send(method, path, who, body string, header ...string) resp {
	e.t.Helper()
	var b []byte
	if body != "" {
		b = []byte(body)
	}
	return e.do(method, path, who, b, append([]string{"Content-Type", "application/json"}, header...)...)
}

// fieldsOf lists a problem's per-field errors, field → message.
func fieldsOf(t *testing.T, r resp) map[string]string {
	t.Helper()
	var p problem
	r.json(t, &p)
	out := map[string]string{}
	for _, f := range p.Errors {
		out[f.Field] = f.Message
	}
	return out
}

// logged counts the activity-log entries of an API key's act on a
// scorecard or object (an action's id may be the same number: its
// entries are loggedAction's).
func (e *env) logged(t *testing.T, activity, key string, objectID int64) int {
	t.Helper()
	var n int
	if err := e.db.Store.DB().QueryRow(`SELECT COUNT(*) FROM activity_log WHERE activity = $1 AND actor_name = $2 AND object_id = $3 AND account_id IS NULL
			AND object_type NOT IN ('action', 'to-do')`,
		activity, "API key “"+key+"”", objectID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

type created struct {
	ID           int64    `json:"id"`
	Title        string   `json:"title"`
	ParentID     *int64   `json:"parent_id"`
	ScoresOn     bool     `json:"scores_on"`
	ScoresShared bool     `json:"scores_shared"`
	Version      int64    `json:"version"`
	Tags         []string `json:"tags"`
	Polarity     string   `json:"polarity"`
	Decimals     int      `json:"decimals"`
	Unit         string   `json:"unit"`
	TypeName     string   `json:"type_name"`
}

// made reads a create's answer and removes what it made after the test.
func (e *env) made(t *testing.T, r resp, kind string) created {
	t.Helper()
	var c created
	r.json(t, &c)
	if r.Status != http.StatusCreated || c.ID == 0 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	t.Cleanup(func() {
		if kind == "scorecards" {
			e.gone(t, e.app.DeleteScorecard(ctx, e.admin, c.ID))
		} else {
			e.gone(t, e.app.DeleteObject(ctx, e.admin, c.ID))
		}
	})
	if want := "/api/v1/i/ACME/" + kind + "/" + id(c.ID); r.Header.Get("Location") != want {
		t.Errorf("Location %q, want %q", r.Header.Get("Location"), want)
	}
	if want := `"` + id(c.Version) + `"`; r.Header.Get("ETag") != want {
		t.Errorf("ETag %q, want %q", r.Header.Get("ETag"), want)
	}
	return c
}

var writeContract = map[string]func(t *testing.T, e *env){
	"createScorecard": func(t *testing.T, e *env) {
		path := "/api/v1/i/ACME/scorecards"
		body := `{"title":"Made by API","description":"From the warehouse","parent_id":` + id(e.parent.ID) + `}`
		c := e.made(t, e.send("POST", path, "builder", body), "scorecards")
		if c.Title != "Made by API" || c.ParentID == nil || *c.ParentID != e.parent.ID || c.Version != 1 {
			t.Errorf("created %+v", c)
		}
		if r := e.do("GET", path+"/"+id(c.ID), "builder", nil); r.Status != http.StatusOK || r.Header.Get("ETag") != `"1"` {
			t.Errorf("read back: %d %s", r.Status, r.Header.Get("ETag"))
		}
		if n := e.logged(t, app.ActCreate, "builder", c.ID); n != 1 {
			t.Errorf("create logged under the key %d times, want 1", n)
		}
		// The pages' messages, per field.
		for _, tc := range []struct{ body, field, msg string }{
			{`{"title":"  "}`, "title", "Title is required."},
			{`{"title":"x","parent_id":999999}`, "parent_id", "Choose a parent scorecard from the list."},
			{`{"title":"x","parent_id":` + id(e.betaSC.ID) + `}`, "parent_id", "Choose a parent scorecard from the list."},
		} {
			r := e.send("POST", path, "builder", tc.body)
			if f := fieldsOf(t, r); r.Status != http.StatusUnprocessableEntity || f[tc.field] != tc.msg {
				t.Errorf("%s: %d %v", tc.body, r.Status, f)
			}
		}
		if r := e.send("POST", path, "dataentry", `{"title":"x"}`); r.Status != http.StatusForbidden {
			t.Errorf("a key without Add/Edit Scorecard Objects: %d, want 403", r.Status)
		}
	},
	"updateScorecard": func(t *testing.T, e *env) {
		s := e.freshScorecard(t, "Before")
		path := "/api/v1/i/ACME/scorecards/" + id(s.ID)
		tag := e.do("GET", path, "builder", nil).Header.Get("ETag")
		r := e.send("PATCH", path, "builder", `{"title":"After","parent_id":`+id(e.parent.ID)+`}`, "If-Match", tag)
		var got created
		if r.json(t, &got); r.Status != http.StatusOK || got.Title != "After" || got.ParentID == nil || got.Version != 2 || r.Header.Get("ETag") != `"2"` {
			t.Fatalf("update: %d %s %s", r.Status, r.Header.Get("ETag"), r.Body)
		}
		if n := e.logged(t, app.ActUpdate, "builder", s.ID); n != 1 {
			t.Errorf("update logged under the key %d times, want 1", n)
		}
		// Fields left out keep their value; parent 0 is top level.
		r = e.send("PATCH", path, "builder", `{"parent_id":0}`, "If-Match", `"2"`)
		if r.json(t, &got); r.Status != http.StatusOK || got.Title != "After" || got.ParentID != nil {
			t.Errorf("to top level: %d %s", r.Status, r.Body)
		}
		// The accountability scores: on and shared, then off, which
		// unshares them too; a value that is no boolean is refused.
		r = e.send("PATCH", path, "builder", `{"scores_on":true,"scores_shared":true}`, "If-Match", `"3"`)
		if r.json(t, &got); r.Status != http.StatusOK || !got.ScoresOn || !got.ScoresShared || got.Title != "After" {
			t.Errorf("scores on: %d %s", r.Status, r.Body)
		}
		r = e.send("PATCH", path, "builder", `{"scores_on":false}`, "If-Match", `"4"`)
		if r.json(t, &got); r.Status != http.StatusOK || got.ScoresOn || got.ScoresShared {
			t.Errorf("scores off: %d %s", r.Status, r.Body)
		}
		if r := e.send("PATCH", path, "builder", `{"scores_on":"yes"}`, "If-Match", `"5"`); r.Status != http.StatusUnprocessableEntity || fieldsOf(t, r)["body/scores_on"] != "got string, want boolean" {
			t.Errorf("scores_on a string: %d %s", r.Status, r.Body)
		}
		for _, tc := range []struct {
			name, who, body, ifMatch string
			status                   int
			field                    string
		}{
			{"stale ETag", "builder", `{"title":"Lost"}`, `"1"`, http.StatusPreconditionFailed, ""},
			{"no If-Match", "builder", `{"title":"Lost"}`, "", http.StatusPreconditionRequired, ""},
			{"its own parent", "builder", `{"parent_id":` + id(s.ID) + `}`, `"5"`, http.StatusUnprocessableEntity, "parent_id"},
			{"empty title", "builder", `{"title":""}`, `"5"`, http.StatusUnprocessableEntity, "title"},
			{"visible, not editable", "viewer", `{"title":"Lost"}`, `"5"`, http.StatusForbidden, ""},
			{"not visible", "presenter", `{"title":"Lost"}`, `"5"`, http.StatusNotFound, ""},
			{"any version", "builder", `{"title":"Star"}`, `*`, http.StatusOK, ""},
			{"one of several", "builder", `{"title":"Listed"}`, `"1", "6"`, http.StatusOK, ""},
		} {
			var h []string
			if tc.ifMatch != "" {
				h = []string{"If-Match", tc.ifMatch}
			}
			r := e.send("PATCH", path, tc.who, tc.body, h...)
			if r.Status != tc.status {
				t.Errorf("%s: %d, want %d; %s", tc.name, r.Status, tc.status, r.Body)
			} else if tc.field != "" && fieldsOf(t, r)[tc.field] == "" {
				t.Errorf("%s: no error on %s: %s", tc.name, tc.field, r.Body)
			}
		}
		if r := e.send("PATCH", "/api/v1/i/ACME/scorecards/"+id(e.betaSC.ID), "admin", `{"title":"x"}`, "If-Match", `"1"`); r.Status != http.StatusNotFound {
			t.Errorf("another instance's scorecard: %d, want 404", r.Status)
		}
	},
	"deleteScorecard": func(t *testing.T, e *env) {
		s := e.freshScorecard(t, "Doomed")
		path := "/api/v1/i/ACME/scorecards/" + id(s.ID)
		if r := e.do("DELETE", path, "viewer", nil); r.Status != http.StatusForbidden {
			t.Errorf("visible, not deletable: %d, want 403", r.Status)
		}
		if _, err := e.app.ViewScorecard(ctx, e.admin, s.ID); err != nil {
			t.Fatalf("a refused delete deleted: %v", err)
		}
		if err := e.app.UpdateScorecard(ctx, e.admin, s.ID, 1, app.ScorecardInput{Title: "Doomed 2"}); err != nil {
			t.Fatal(err)
		}
		if r := e.do("DELETE", path, "builder", nil, "If-Match", `"1"`); r.Status != http.StatusPreconditionFailed {
			t.Errorf("stale If-Match: %d, want 412", r.Status)
		}
		if r := e.do("DELETE", path, "builder", nil, "If-Match", `"2"`); r.Status != http.StatusNoContent {
			t.Errorf("delete: %d %s", r.Status, r.Body)
		}
		if r := e.do("GET", path, "builder", nil); r.Status != http.StatusNotFound {
			t.Errorf("deleted scorecard: %d, want 404", r.Status)
		}
		if n := e.logged(t, app.ActDelete, "builder", s.ID); n != 1 {
			t.Errorf("delete logged under the key %d times, want 1", n)
		}
		// Without If-Match it goes whatever its version.
		s2 := e.freshScorecard(t, "Doomed too")
		if r := e.do("DELETE", "/api/v1/i/ACME/scorecards/"+id(s2.ID), "admin", nil); r.Status != http.StatusNoContent {
			t.Errorf("delete without If-Match: %d", r.Status)
		}
		if r := e.do("DELETE", "/api/v1/i/ACME/scorecards/"+id(e.betaSC.ID), "admin", nil); r.Status != http.StatusNotFound {
			t.Errorf("another instance's scorecard: %d, want 404", r.Status)
		}
	},
	"createContainer": func(t *testing.T, e *env) {
		path := "/api/v1/i/ACME/containers"
		body := `{"title":"Stable homes","type_id":` + id(e.typeID["Result"]) + `,"scorecard_id":` + id(e.child.ID) + `,"tags":["housing","Youth"]}`
		c := e.made(t, e.send("POST", path, "builder", body), "containers")
		if c.Title != "Stable homes" || c.TypeName != "Result" || strings.Join(c.Tags, ",") != "housing,Youth" {
			t.Errorf("created %+v", c)
		}
		var page struct{ Items []created }
		r := e.do("GET", path+"?scorecard_id="+id(e.child.ID), "builder", nil)
		if r.json(t, &page); len(page.Items) != 1 || page.Items[0].ID != c.ID {
			t.Errorf("not on the scorecard: %s", r.Body)
		}
		under := e.made(t, e.send("POST", path, "builder", `{"title":"Inner","type_id":`+id(e.typeID["Program"])+`,"parent_id":`+id(c.ID)+`}`), "containers")
		r = e.do("GET", path+"?parent_id="+id(c.ID), "builder", nil)
		if r.json(t, &page); len(page.Items) != 1 || page.Items[0].ID != under.ID {
			t.Errorf("not under the container: %s", r.Body)
		}
		if n := e.logged(t, app.ActCreate, "builder", c.ID); n != 1 {
			t.Errorf("create logged under the key %d times, want 1", n)
		}
		for _, tc := range []struct {
			name, body string
			status     int
			field      string
		}{
			{"a measure type", `{"title":"x","type_id":` + id(e.typeID["Indicator"]) + `,"scorecard_id":` + id(e.parent.ID) + `}`, 422, "type_id"},
			{"both places", `{"title":"x","type_id":` + id(e.typeID["Result"]) + `,"scorecard_id":` + id(e.parent.ID) + `,"parent_id":` + id(e.result.ID) + `}`, 422, "parent_id"},
			{"nowhere, without All Scorecards", `{"title":"x","type_id":` + id(e.typeID["Result"]) + `}`, 422, ""},
			{"under a measure", `{"title":"x","type_id":` + id(e.typeID["Result"]) + `,"parent_id":` + id(e.measures[0].ID) + `}`, 422, ""},
			{"six tags", `{"title":"x","type_id":` + id(e.typeID["Result"]) + `,"scorecard_id":` + id(e.parent.ID) + `,"tags":["a","b","c","d","e","f"]}`, 422, "body/tags"},
			{"another instance's scorecard", `{"title":"x","type_id":` + id(e.typeID["Result"]) + `,"scorecard_id":` + id(e.betaSC.ID) + `}`, 404, ""},
		} {
			r := e.send("POST", path, "builder", tc.body)
			if r.Status != tc.status {
				t.Errorf("%s: %d, want %d; %s", tc.name, r.Status, tc.status, r.Body)
			} else if tc.field != "" && fieldsOf(t, r)[tc.field] == "" {
				t.Errorf("%s: no error on %s: %s", tc.name, tc.field, r.Body)
			}
		}
	},
	"updateContainer": func(t *testing.T, e *env) {
		c := e.freshContainer(t, "Before", app.Placement{ScorecardID: e.parent.ID})
		path := "/api/v1/i/ACME/containers/" + id(c.ID)
		r := e.send("PATCH", path, "builder", `{"title":"After","tags":["x"],"type_id":`+id(e.typeID["Program"])+`}`, "If-Match", `"1"`)
		var got created
		if r.json(t, &got); r.Status != http.StatusOK || got.Title != "After" || got.TypeName != "Program" || len(got.Tags) != 1 || r.Header.Get("ETag") != `"2"` {
			t.Fatalf("update: %d %s", r.Status, r.Body)
		}
		if r := e.send("PATCH", path, "builder", `{"title":"Lost"}`, "If-Match", `"1"`); r.Status != http.StatusPreconditionFailed {
			t.Errorf("stale: %d, want 412", r.Status)
		}
		if r := e.send("PATCH", path, "builder", `{"title":"Lost"}`); r.Status != http.StatusPreconditionRequired {
			t.Errorf("no If-Match: %d, want 428", r.Status)
		}
		if r := e.send("PATCH", "/api/v1/i/ACME/containers/"+id(e.measures[0].ID), "builder", `{"title":"Lost"}`, "If-Match", `"1"`); r.Status != http.StatusNotFound {
			t.Errorf("a measure as a container: %d, want 404", r.Status)
		}
		if r := e.send("PATCH", "/api/v1/i/ACME/containers/"+id(e.betaResult.ID), "admin", `{"title":"Lost"}`, "If-Match", `"1"`); r.Status != http.StatusNotFound {
			t.Errorf("another instance's container: %d, want 404", r.Status)
		}
		if o, _ := e.app.ViewObject(ctx, e.admin, c.ID); o.Title != "After" {
			t.Errorf("a refused update wrote: %q", o.Title)
		}
	},
	"deleteContainer": func(t *testing.T, e *env) {
		c := e.freshContainer(t, "Doomed", app.Placement{ScorecardID: e.parent.ID})
		path := "/api/v1/i/ACME/containers/" + id(c.ID)
		if r := e.do("DELETE", path, "viewer", nil); r.Status != http.StatusForbidden {
			t.Errorf("visible, not deletable: %d, want 403", r.Status)
		}
		if r := e.do("DELETE", path, "builder", nil, "If-Match", `"9"`); r.Status != http.StatusPreconditionFailed {
			t.Errorf("stale: %d, want 412", r.Status)
		}
		if r := e.do("DELETE", path, "builder", nil, "If-Match", `"1"`); r.Status != http.StatusNoContent {
			t.Errorf("delete: %d %s", r.Status, r.Body)
		}
		if r := e.do("DELETE", path, "builder", nil); r.Status != http.StatusNotFound {
			t.Errorf("deleted twice: %d, want 404", r.Status)
		}
		if r := e.do("DELETE", "/api/v1/i/ACME/containers/"+id(e.betaResult.ID), "admin", nil); r.Status != http.StatusNotFound {
			t.Errorf("another instance's container: %d, want 404", r.Status)
		}
	},
	"createMeasure": func(t *testing.T, e *env) {
		path := "/api/v1/i/ACME/measures"
		body := `{"title":"Delta","type_id":` + id(e.typeID["Indicator"]) + `,"frequency_id":` + id(e.freqID) + `,"parent_id":` + id(e.result.ID) +
			`,"decimals":1,"polarity":"lower","unit":"%","tags":["a"],"pm_category":"how_well"}`
		m := e.made(t, e.send("POST", path, "builder", body), "measures")
		if m.Title != "Delta" || m.Decimals != 1 || m.Polarity != "lower" || m.Unit != "%" || len(m.Tags) != 1 {
			t.Errorf("created %+v", m)
		}
		if n := e.logged(t, app.ActCreate, "builder", m.ID); n != 1 {
			t.Errorf("create logged under the key %d times, want 1", n)
		}
		// Unlinked is for keys that see everything.
		m2 := e.made(t, e.send("POST", path, "admin", `{"title":"Loose","type_id":`+id(e.typeID["Indicator"])+`,"frequency_id":`+id(e.freqID)+`}`), "measures")
		if m2.Polarity != "higher" || m2.Decimals != 0 {
			t.Errorf("defaults: %+v", m2)
		}
		base := `"title":"x","type_id":` + id(e.typeID["Indicator"]) + `,"frequency_id":` + id(e.freqID) + `,"parent_id":` + id(e.result.ID)
		for _, tc := range []struct {
			name, body string
			status     int
			field      string
		}{
			{"polarity", `{` + base + `,"polarity":"sideways"}`, 422, "polarity"},
			{"decimals", `{` + base + `,"decimals":9}`, 422, "decimals"},
			{"category", `{` + base + `,"pm_category":"vibes"}`, 422, "pm_category"},
			{"frequency", `{"title":"x","type_id":` + id(e.typeID["Indicator"]) + `,"frequency_id":999999,"parent_id":` + id(e.result.ID) + `}`, 422, "frequency_id"},
			{"a tag with a comma", `{` + base + `,"tags":["a,b"]}`, 422, "tags"},
			{"no frequency", `{"title":"x","type_id":` + id(e.typeID["Indicator"]) + `}`, 422, ""},
			{"nowhere, without All Scorecards", `{"title":"x","type_id":` + id(e.typeID["Indicator"]) + `,"frequency_id":` + id(e.freqID) + `}`, 422, ""},
			{"under another instance's container", `{"title":"x","type_id":` + id(e.typeID["Indicator"]) + `,"frequency_id":` + id(e.freqID) + `,"parent_id":` + id(e.betaResult.ID) + `}`, 404, ""},
		} {
			r := e.send("POST", path, "builder", tc.body)
			if r.Status != tc.status {
				t.Errorf("%s: %d, want %d; %s", tc.name, r.Status, tc.status, r.Body)
			} else if tc.field != "" && fieldsOf(t, r)[tc.field] == "" {
				t.Errorf("%s: no error on %s: %s", tc.name, tc.field, r.Body)
			}
		}
		if r := e.send("POST", path, "presenter", `{`+base+`}`); r.Status != http.StatusForbidden {
			t.Errorf("presenter key: %d, want 403", r.Status)
		}
	},
	"updateMeasure": func(t *testing.T, e *env) {
		m := e.freshMeasure(t, "Before", e.result.ID)
		path := "/api/v1/i/ACME/measures/" + id(m.ID)
		tag := e.do("GET", path, "builder", nil).Header.Get("ETag")
		r := e.send("PATCH", path, "builder", `{"title":"After","decimals":2,"polarity":"lower"}`, "If-Match", tag)
		var got created
		if r.json(t, &got); r.Status != http.StatusOK || got.Title != "After" || got.Decimals != 2 || got.Polarity != "lower" || got.TypeName != "Indicator" {
			t.Fatalf("update: %d %s", r.Status, r.Body)
		}
		if n := e.logged(t, app.ActUpdate, "builder", m.ID); n != 1 {
			t.Errorf("update logged under the key %d times, want 1", n)
		}
		if r := e.send("PATCH", path, "builder", `{"decimals":7}`, "If-Match", r.Header.Get("ETag")); r.Status != 422 || fieldsOf(t, r)["decimals"] == "" {
			t.Errorf("bad decimals: %d %s", r.Status, r.Body)
		}
		if r := e.send("PATCH", path, "builder", `{"title":"Lost"}`, "If-Match", tag); r.Status != http.StatusPreconditionFailed {
			t.Errorf("stale: %d, want 412", r.Status)
		}
		if r := e.send("PATCH", path, "viewer", `{"title":"Lost"}`, "If-Match", `*`); r.Status != http.StatusForbidden {
			t.Errorf("visible, not editable: %d, want 403", r.Status)
		}
		if r := e.send("PATCH", "/api/v1/i/ACME/measures/"+id(e.betaMeasure.ID), "admin", `{"title":"Lost"}`, "If-Match", `"1"`); r.Status != http.StatusNotFound {
			t.Errorf("another instance's measure: %d, want 404", r.Status)
		}
	},
	"deleteMeasure": func(t *testing.T, e *env) {
		m := e.freshMeasure(t, "Doomed", e.result.ID)
		path := "/api/v1/i/ACME/measures/" + id(m.ID)
		if r := e.do("DELETE", path, "presenter", nil); r.Status != http.StatusNotFound {
			t.Errorf("not visible: %d, want 404", r.Status)
		}
		if r := e.do("DELETE", path, "builder", nil, "If-Match", `W/"1"`); r.Status != http.StatusPreconditionFailed {
			t.Errorf("a weak ETag: %d, want 412", r.Status)
		}
		if r := e.do("DELETE", path, "builder", nil, "If-Match", `"1"`); r.Status != http.StatusNoContent {
			t.Errorf("delete: %d %s", r.Status, r.Body)
		}
		if n := e.logged(t, app.ActDelete, "builder", m.ID); n != 1 {
			t.Errorf("delete logged under the key %d times, want 1", n)
		}
		if r := e.do("DELETE", "/api/v1/i/ACME/measures/"+id(e.result.ID), "admin", nil); r.Status != http.StatusNotFound {
			t.Errorf("a container as a measure: %d, want 404", r.Status)
		}
		if r := e.do("DELETE", "/api/v1/i/ACME/measures/"+id(e.betaMeasure.ID), "admin", nil); r.Status != http.StatusNotFound {
			t.Errorf("another instance's measure: %d, want 404", r.Status)
		}
	},
	"linkToScorecard": func(t *testing.T, e *env) {
		c := e.freshContainer(t, "Shared", app.Placement{ParentID: e.result.ID})
		path := "/api/v1/i/ACME/scorecards/" + id(e.child.ID) + "/objects/" + id(c.ID)
		for i := range 2 { // the second time changes nothing
			if r := e.do("PUT", path, "builder", nil); r.Status != http.StatusNoContent {
				t.Errorf("link %d: %d %s", i+1, r.Status, r.Body)
			}
		}
		scs, err := e.app.ScorecardsOf(ctx, e.admin, c.ID)
		if err != nil || len(scs) != 2 {
			t.Errorf("scorecards of the container: %v %v, want parent (through result) and child", scs, err)
		}
		if n := e.logged(t, app.ActLink, "builder", c.ID); n != 2 {
			t.Errorf("links logged under the key %d times, want 2", n)
		}
		for _, tc := range []struct {
			name, who, path string
			status          int
		}{
			{"a measure on a scorecard", "builder", "/api/v1/i/ACME/scorecards/" + id(e.child.ID) + "/objects/" + id(e.measures[0].ID), 422},
			{"another instance's container", "admin", "/api/v1/i/ACME/scorecards/" + id(e.child.ID) + "/objects/" + id(e.betaResult.ID), 404},
			{"onto another instance's scorecard", "admin", "/api/v1/i/ACME/scorecards/" + id(e.betaSC.ID) + "/objects/" + id(c.ID), 404},
			{"no permission", "viewer", path, 403},
		} {
			if r := e.do("PUT", tc.path, tc.who, nil); r.Status != tc.status {
				t.Errorf("%s: %d, want %d; %s", tc.name, r.Status, tc.status, r.Body)
			}
		}
	},
	"unlinkFromScorecard": func(t *testing.T, e *env) {
		c := e.freshContainer(t, "Leaving", app.Placement{ScorecardID: e.child.ID})
		path := "/api/v1/i/ACME/scorecards/" + id(e.child.ID) + "/objects/" + id(c.ID)
		if r := e.do("DELETE", path, "viewer", nil); r.Status != http.StatusForbidden {
			t.Errorf("no permission: %d, want 403", r.Status)
		}
		if r := e.do("DELETE", path, "builder", nil); r.Status != http.StatusNoContent {
			t.Errorf("unlink: %d %s", r.Status, r.Body)
		}
		if r := e.do("DELETE", path, "builder", nil); r.Status != http.StatusNotFound {
			t.Errorf("unlinked twice: %d, want 404", r.Status)
		}
		if o, err := e.app.ViewObject(ctx, e.admin, c.ID); err != nil || o.Title != "Leaving" {
			t.Errorf("the container went with its link: %v", err)
		}
		if n := e.logged(t, app.ActUnlink, "builder", c.ID); n != 1 {
			t.Errorf("unlink logged under the key %d times, want 1", n)
		}
	},
	"linkToContainer": func(t *testing.T, e *env) {
		c := e.freshContainer(t, "Second home", app.Placement{ScorecardID: e.child.ID})
		m := e.freshMeasure(t, "Shared measure", e.result.ID)
		path := "/api/v1/i/ACME/containers/" + id(c.ID) + "/children/" + id(m.ID)
		if r := e.do("PUT", path, "builder", nil); r.Status != http.StatusNoContent {
			t.Fatalf("link: %d %s", r.Status, r.Body)
		}
		var page struct{ Items []created }
		r := e.do("GET", "/api/v1/i/ACME/measures?parent_id="+id(c.ID), "builder", nil)
		if r.json(t, &page); len(page.Items) != 1 || page.Items[0].ID != m.ID {
			t.Errorf("not under the container: %s", r.Body)
		}
		// result → c would make a loop once c sits under result.
		inner := e.freshContainer(t, "Inner", app.Placement{ParentID: e.result.ID})
		for _, tc := range []struct {
			name, who, path string
			status          int
		}{
			{"a loop", "builder", "/api/v1/i/ACME/containers/" + id(inner.ID) + "/children/" + id(e.result.ID), 422},
			{"under itself", "builder", "/api/v1/i/ACME/containers/" + id(c.ID) + "/children/" + id(c.ID), 422},
			{"under a measure", "builder", "/api/v1/i/ACME/containers/" + id(m.ID) + "/children/" + id(c.ID), 422},
			{"another instance's measure", "admin", "/api/v1/i/ACME/containers/" + id(c.ID) + "/children/" + id(e.betaMeasure.ID), 404},
			{"under another instance's container", "admin", "/api/v1/i/ACME/containers/" + id(e.betaResult.ID) + "/children/" + id(m.ID), 404},
			{"no permission", "viewer", path, 403},
		} {
			if r := e.do("PUT", tc.path, tc.who, nil); r.Status != tc.status {
				t.Errorf("%s: %d, want %d; %s", tc.name, r.Status, tc.status, r.Body)
			}
		}
	},
	"unlinkFromContainer": func(t *testing.T, e *env) {
		m := e.freshMeasure(t, "Moving", e.result.ID)
		path := "/api/v1/i/ACME/containers/" + id(e.result.ID) + "/children/" + id(m.ID)
		if r := e.do("DELETE", path, "presenter", nil); r.Status != http.StatusNotFound {
			t.Errorf("not visible: %d, want 404", r.Status)
		}
		if r := e.do("DELETE", path, "builder", nil); r.Status != http.StatusNoContent {
			t.Errorf("unlink: %d %s", r.Status, r.Body)
		}
		if r := e.do("DELETE", path, "builder", nil); r.Status != http.StatusNotFound {
			t.Errorf("unlinked twice: %d, want 404 (it sits nowhere: the builder key sees it no more)", r.Status)
		}
		if o, err := e.app.ViewObject(ctx, e.admin, m.ID); err != nil || o.Title != "Moving" {
			t.Errorf("the measure went with its link: %v", err)
		}
	},
}

func init() {
	for op, test := range writeContract {
		contract[op] = test
	}
}

// TestIdempotencyKey: a retried create returns the first answer and
// creates nothing; the same key with another body is 422; keys of two API
// keys never meet; concurrent retries create once; after 24 hours the key
// is free again.
func TestIdempotencyKey(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		path := "/api/v1/i/ACME/scorecards"
		count := func(title string) int {
			list, err := e.app.ListScorecards(ctx, e.admin)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, s := range list {
				if s.Title == title {
					n++
				}
			}
			return n
		}
		first := e.send("POST", path, "builder", `{"title":"Once"}`, "Idempotency-Key", "order-1")
		c := e.made(t, first, "scorecards")
		// Same body, other spacing and key order: the same request.
		again := e.send("POST", path, "builder", ` { "title" : "Once" } `, "Idempotency-Key", "order-1")
		if again.Status != first.Status || string(again.Body) != string(first.Body) || again.Header.Get("Idempotent-Replayed") != "true" ||
			again.Header.Get("Location") != first.Header.Get("Location") || again.Header.Get("ETag") != first.Header.Get("ETag") {
			t.Errorf("replay: %d %s %v, want %d %s", again.Status, again.Body, again.Header, first.Status, first.Body)
		}
		if first.Header.Get("Idempotent-Replayed") != "" {
			t.Errorf("the first answer says replayed")
		}
		if n := count("Once"); n != 1 {
			t.Errorf("%d scorecards after a retry, want 1", n)
		}
		if n := e.logged(t, app.ActCreate, "builder", c.ID); n != 1 {
			t.Errorf("create logged %d times, want 1", n)
		}
		r := e.send("POST", path, "builder", `{"title":"Twice"}`, "Idempotency-Key", "order-1")
		if f := fieldsOf(t, r); r.Status != http.StatusUnprocessableEntity || f["header.Idempotency-Key"] == "" {
			t.Errorf("same key, other body: %d %s", r.Status, r.Body)
		}
		// The same key on another operation is another request too.
		r = e.send("POST", "/api/v1/i/ACME/containers", "builder", `{"title":"Once","type_id":`+id(e.typeID["Result"])+`,"scorecard_id":`+id(e.parent.ID)+`}`,
			"Idempotency-Key", "order-1")
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("same key, other operation: %d %s", r.Status, r.Body)
		}
		// Another API key's Idempotency-Key of the same text is its own.
		other := e.made(t, e.send("POST", path, "admin", `{"title":"Once"}`, "Idempotency-Key", "order-1"), "scorecards")
		if other.ID == c.ID {
			t.Errorf("the admin key got the builder key's answer")
		}
		// A refused create keeps nothing: once allowed, the key creates.
		if r := e.send("POST", path, "builder", `{"title":""}`, "Idempotency-Key", "order-2"); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("invalid create: %d", r.Status)
		}
		e.made(t, e.send("POST", path, "builder", `{"title":"Fixed"}`, "Idempotency-Key", "order-2"), "scorecards")
		// Measures and containers keep their answers too.
		mbody := `{"title":"Kept","type_id":` + id(e.typeID["Indicator"]) + `,"frequency_id":` + id(e.freqID) + `,"parent_id":` + id(e.result.ID) + `}`
		m1 := e.send("POST", "/api/v1/i/ACME/measures", "builder", mbody, "Idempotency-Key", "m-1")
		e.made(t, m1, "measures")
		if m2 := e.send("POST", "/api/v1/i/ACME/measures", "builder", mbody, "Idempotency-Key", "m-1"); string(m2.Body) != string(m1.Body) || m2.Status != 201 {
			t.Errorf("measure replay: %d %s", m2.Status, m2.Body)
		}
		// Concurrent retries: one creates, all get its answer.
		const n = 8
		answers := make(chan resp, n)
		for range n {
			go func() { answers <- e.send("POST", path, "builder", `{"title":"Raced"}`, "Idempotency-Key", "race-1") }()
		}
		var bodies []string
		for range n {
			r := <-answers
			if r.Status != http.StatusCreated {
				t.Errorf("concurrent retry: %d %s", r.Status, r.Body)
			}
			bodies = append(bodies, string(r.Body))
		}
		for _, b := range bodies[1:] {
			if b != bodies[0] {
				t.Errorf("concurrent retries answered differently: %s vs %s", b, bodies[0])
			}
		}
		if got := count("Raced"); got != 1 {
			t.Errorf("%d scorecards after %d concurrent retries, want 1", got, n)
		}
		var raced created
		if err := json.Unmarshal([]byte(bodies[0]), &raced); err == nil {
			t.Cleanup(func() { e.gone(t, e.app.DeleteScorecard(ctx, e.admin, raced.ID)) })
		}
		// After 24 hours the answer is gone, and the key makes a new one.
		e.db.Clock.Advance(app.IdempotencyWindow + time.Minute)
		late := e.made(t, e.send("POST", path, "builder", `{"title":"Once"}`, "Idempotency-Key", "order-1"), "scorecards")
		if late.ID == c.ID {
			t.Errorf("a key older than 24 hours replayed")
		}
		var kept int
		if err := e.db.Store.DB().QueryRow(`SELECT COUNT(*) FROM idempotency_keys WHERE instance_id = $1`, e.acme.ID).Scan(&kept); err != nil || kept != 1 {
			t.Errorf("answers kept after 24 hours and a new create: %d (%v), want 1 (expired ones are deleted)", kept, err)
		}
	})
}

// TestConcurrentUpdatesOneWins: 50 updates sent at once with the same
// ETag: exactly one is 200, the rest 412, and what is stored is the
// winner's.
func TestConcurrentUpdatesOneWins(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		for _, kind := range []string{"scorecards", "containers", "measures"} {
			t.Run(kind, func(t *testing.T) {
				var target int64
				switch kind {
				case "scorecards":
					target = e.freshScorecard(t, "Contested").ID
				case "containers":
					target = e.freshContainer(t, "Contested", app.Placement{ScorecardID: e.parent.ID}).ID
				default:
					target = e.freshMeasure(t, "Contested", e.result.ID).ID
				}
				path := "/api/v1/i/ACME/" + kind + "/" + id(target)
				const n = 50
				type result struct {
					title string
					r     resp
				}
				results := make(chan result, n)
				start := make(chan struct{})
				for i := range n {
					title := "Writer " + strconv.Itoa(i)
					go func() {
						<-start
						results <- result{title, e.send("PATCH", path, "builder", `{"title":"`+title+`"}`, "If-Match", `"1"`)}
					}()
				}
				close(start)
				winner, ok, stale := "", 0, 0
				for range n {
					res := <-results
					switch res.r.Status {
					case http.StatusOK:
						ok++
						winner = res.title
					case http.StatusPreconditionFailed:
						stale++
					default:
						t.Errorf("%d %s", res.r.Status, res.r.Body)
					}
				}
				if ok != 1 || stale != n-1 {
					t.Fatalf("%d × 200 and %d × 412, want 1 and %d", ok, stale, n-1)
				}
				r := e.do("GET", path, "builder", nil)
				var got created
				if r.json(t, &got); got.Title != winner || got.Version != 2 || r.Header.Get("ETag") != `"2"` {
					t.Errorf("stored %q at version %d, want the winner's %q at 2", got.Title, got.Version, winner)
				}
			})
		}
		// Actions (version 1) and a note section (never saved: "0") alike.
		for _, kind := range []string{"actions", "notes"} {
			t.Run(kind, func(t *testing.T) {
				method, path, tag, field := "PATCH", "", `"1"`, "title"
				if kind == "actions" {
					path = "/api/v1/i/ACME/actions/" + id(e.freshAction(t, "Contested", e.parent.ID).ID)
				} else {
					method, tag, field = "PUT", `"0"`, "body"
					path = "/api/v1/i/ACME/measures/" + id(e.freshMeasure(t, "Contested", e.result.ID).ID) + "/notes/" + id(e.noteType["Definition"])
				}
				const n = 50
				codes := make(chan int, n)
				start := make(chan struct{})
				for i := range n {
					go func() {
						<-start
						codes <- e.send(method, path, "builder", `{"`+field+`":"Writer `+strconv.Itoa(i)+`"}`, "If-Match", tag).Status
					}()
				}
				close(start)
				ok, stale := 0, 0
				for range n {
					switch c := <-codes; c {
					case http.StatusOK:
						ok++
					case http.StatusPreconditionFailed:
						stale++
					default:
						t.Errorf("status %d", c)
					}
				}
				if ok != 1 || stale != n-1 {
					t.Errorf("%d × 200 and %d × 412, want 1 and %d", ok, stale, n-1)
				}
			})
		}
	})
}

// TestObjectWritesRefuseHostileInput: text that is markup, a formula, NUL
// or too long, and headers that are not what they claim, are a 4xx
// problem naming the field or stored as inert text; never a 500.
func TestObjectWritesRefuseHostileInput(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		path := "/api/v1/i/ACME/scorecards"
		for _, tc := range []struct {
			name, body string
			header     []string
			status     int
			field      string
		}{
			{"NUL in the title", `{"title":"a\u0000b"}`, nil, 422, "title"},
			{"a line break in the title", `{"title":"a\nb"}`, nil, 422, "title"},
			{"a direction override", `{"title":"a\u202eb"}`, nil, 422, "title"},
			{"a title of 201 characters", `{"title":"` + strings.Repeat("x", 201) + `"}`, nil, 422, "title"},
			{"a description of 5,001 characters", `{"title":"x","description":"` + strings.Repeat("d", 5001) + `"}`, nil, 422, "description"},
			{"a number for the title", `{"title":5}`, nil, 422, "body/title"},
			{"an unknown field", `{"title":"x","owner":"me"}`, nil, 422, ""},
			{"the title twice", `{"title":"x","title":"y"}`, nil, 400, "body"},
			{"a form", `title=x`, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, ""},
			{"an Idempotency-Key over 255", `{"title":"x"}`, []string{"Idempotency-Key", strings.Repeat("k", 256)}, 400, "header.Idempotency-Key"},
			{"an Idempotency-Key with a space", `{"title":"x"}`, []string{"Idempotency-Key", "a b"}, 400, "header.Idempotency-Key"},
		} {
			before := e.scorecardCount(t)
			r := e.send("POST", path, "builder", tc.body, tc.header...)
			if r.Status != tc.status {
				t.Errorf("%s: %d, want %d; %.300s", tc.name, r.Status, tc.status, r.Body)
				continue
			}
			if tc.field != "" && fieldsOf(t, r)[tc.field] == "" {
				t.Errorf("%s: no error on %s: %s", tc.name, tc.field, r.Body)
			}
			if e.scorecardCount(t) != before {
				t.Errorf("%s: refused but created", tc.name)
			}
		}
		// A replayed Idempotency-Key with another body creates nothing.
		e.made(t, e.send("POST", path, "builder", `{"title":"Keyed"}`, "Idempotency-Key", "hostile-1"), "scorecards")
		before := e.scorecardCount(t)
		for _, body := range []string{`{"title":"Keyed","description":"more"}`, `{"title":"Other"}`} {
			if r := e.send("POST", path, "builder", body, "Idempotency-Key", "hostile-1"); r.Status != http.StatusUnprocessableEntity {
				t.Errorf("key replayed with %s: %d, want 422", body, r.Status)
			}
		}
		if e.scorecardCount(t) != before {
			t.Errorf("a replayed key with another body created")
		}
		// Markup and formulas are text: stored as sent, answered as JSON
		// text (never markup), neutralised by the exports.
		for _, title := range []string{`<script>alert(1)</script>`, `=HYPERLINK("http://evil.example","x")`, `@SUM(1+1)*cmd|' /C calc'!A0`} {
			b, _ := json.Marshal(map[string]string{"title": title})
			r := e.send("POST", path, "builder", string(b))
			c := e.made(t, r, "scorecards")
			if c.Title != title || strings.Contains(string(r.Body), "<script>") || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
				t.Errorf("%q came back as %q: %s", title, c.Title, r.Body)
			}
		}
		// A stale ETag writes nothing, whatever the body.
		s := e.freshScorecard(t, "Kept")
		if err := e.app.UpdateScorecard(ctx, e.admin, s.ID, 1, app.ScorecardInput{Title: "Kept"}); err != nil {
			t.Fatal(err)
		}
		for _, h := range []string{`"1"`, `1`, `W/"2"`, `"2`, `""`, `"999999999999999999999"`} {
			r := e.send("PATCH", path+"/"+id(s.ID), "builder", `{"title":"Changed"}`, "If-Match", h)
			if r.Status != http.StatusPreconditionFailed && r.Status != http.StatusBadRequest {
				t.Errorf("If-Match %q: %d, want 412", h, r.Status)
			}
		}
		if got, _ := e.app.ViewScorecard(ctx, e.admin, s.ID); got.Title != "Kept" || got.Version != 2 {
			t.Errorf("stale writes changed the scorecard: %q v%d", got.Title, got.Version)
		}
		// Another instance's ids are missing ids, for every write.
		for _, tc := range []struct{ method, path, body string }{
			{"PATCH", "/api/v1/i/ACME/scorecards/" + id(e.betaSC.ID), `{"title":"x"}`},
			{"DELETE", "/api/v1/i/ACME/scorecards/" + id(e.betaSC.ID), ``},
			{"PATCH", "/api/v1/i/ACME/containers/" + id(e.betaResult.ID), `{"title":"x"}`},
			{"DELETE", "/api/v1/i/ACME/containers/" + id(e.betaResult.ID), ``},
			{"PATCH", "/api/v1/i/ACME/measures/" + id(e.betaMeasure.ID), `{"title":"x"}`},
			{"DELETE", "/api/v1/i/ACME/measures/" + id(e.betaMeasure.ID), ``},
			{"PUT", "/api/v1/i/ACME/scorecards/" + id(e.betaSC.ID) + "/objects/" + id(e.betaResult.ID), ``},
			{"DELETE", "/api/v1/i/ACME/scorecards/" + id(e.betaSC.ID) + "/objects/" + id(e.betaResult.ID), ``},
			{"PUT", "/api/v1/i/ACME/containers/" + id(e.betaResult.ID) + "/children/" + id(e.betaMeasure.ID), ``},
			{"DELETE", "/api/v1/i/ACME/containers/" + id(e.betaResult.ID) + "/children/" + id(e.betaMeasure.ID), ``},
		} {
			if r := e.send(tc.method, tc.path, "admin", tc.body, "If-Match", `"1"`); r.Status != http.StatusNotFound ||
				strings.Contains(string(r.Body), "Beta") {
				t.Errorf("%s %s: %d %s, want 404", tc.method, tc.path, r.Status, r.Body)
			}
		}
		if _, err := e.app.ViewScorecard(ctx, e.betaAdmin, e.betaSC.ID); err != nil {
			t.Errorf("BETA's scorecard after ACME's attempts: %v", err)
		}
	})
}

func (e *env) scorecardCount(t *testing.T) int {
	t.Helper()
	list, err := e.app.ListScorecards(ctx, e.admin)
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

// unlimited lets the tests that send many requests with one key (and
// 50 at once) go unthrottled; TestRateLimitPerKey tests the limit.
var unlimited = web.Config{APIRate: 10000, APIBurst: 10000}

// eachDB runs fn on every database with a fresh, unthrottled env.
func eachDB(t *testing.T, fn func(t *testing.T, e *env)) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) { fn(t, newEnv(t, db, unlimited)) })
}
