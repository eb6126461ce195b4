package api_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
)

type xrefBody struct {
	Code        string `json:"code"`
	Frequencies []struct {
		ID      int64  `json:"id"`
		Title   string `json:"title"`
		Builtin bool   `json:"builtin"`
	} `json:"frequencies"`
	ObjectTypes []struct {
		ID   int64  `json:"id"`
		Kind string `json:"kind"`
	} `json:"object_types"`
	Polarities []string `json:"polarities"`
	Statuses   []string `json:"statuses"`
	Items      []struct {
		Kind  string  `json:"kind"`
		ID    int64   `json:"id"`
		Title string  `json:"title"`
		ExtID *string `json:"ext_id"`
	} `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

func init() {
	contract["getXref"] = func(t *testing.T, e *env) {
		// Fresh rows the search finds alone, one of each kind.
		sc, err := e.app.CreateScorecard(ctx, e.admin, app.ScorecardInput{Title: "Xref card", ExtID: "XR-S"})
		if err != nil {
			t.Fatal(err)
		}
		box, err := e.app.CreateObject(ctx, e.admin, app.ObjectInput{Kind: model.KindContainer, TypeID: e.typeID["Result"], Title: "Xref box", ExtID: "XR-C"},
			app.Placement{ScorecardID: sc.ID})
		if err != nil {
			t.Fatal(err)
		}
		m, err := e.app.CreateObject(ctx, e.admin, app.ObjectInput{Kind: model.KindMeasure, TypeID: e.typeID["Indicator"], Title: "Xref gauge",
			Decimals: "0", Polarity: "higher", FrequencyID: e.freqID}, app.Placement{ParentID: box.ID})
		if err != nil {
			t.Fatal(err)
		}
		// The env is shared by every operation's test: they go again after.
		defer func() {
			for _, err := range []error{e.app.DeleteObject(ctx, e.admin, m.ID), e.app.DeleteObject(ctx, e.admin, box.ID),
				e.app.DeleteScorecard(ctx, e.admin, sc.ID)} {
				if err != nil {
					t.Errorf("clean up: %v", err)
				}
			}
		}()
		var got xrefBody
		r := e.do("GET", "/api/v1/i/ACME/xref?q=xref&limit=2", "admin", nil)
		r.json(t, &got)
		if r.Status != http.StatusOK || got.Code != "ACME" || len(got.Frequencies) == 0 || len(got.ObjectTypes) == 0 ||
			strings.Join(got.Polarities, ",") != "higher,lower,range,none" || len(got.Statuses) != 4 {
			t.Fatalf("xref: %d %s", r.Status, r.Body)
		}
		if len(got.Items) != 2 || got.Items[0].ID != sc.ID || got.Items[0].Kind != "scorecard" || *got.Items[0].ExtID != "XR-S" ||
			got.Items[1].ID != box.ID || got.Items[1].Kind != "container" || got.NextCursor == nil {
			t.Fatalf("first page: %s", r.Body)
		}
		var next xrefBody
		r = e.do("GET", "/api/v1/i/ACME/xref?q=xref&limit=2&cursor="+url.QueryEscape(*got.NextCursor), "admin", nil)
		r.json(t, &next)
		if r.Status != http.StatusOK || len(next.Items) != 1 || next.Items[0].ID != m.ID || next.Items[0].Kind != "measure" ||
			next.Items[0].ExtID != nil || next.NextCursor != nil {
			t.Errorf("second page: %d %s", r.Status, r.Body)
		}
		// By external id, any case.
		r = e.do("GET", "/api/v1/i/ACME/xref?q=xr-c", "admin", nil)
		if r.json(t, &got); len(got.Items) != 1 || got.Items[0].ID != box.ID {
			t.Errorf("by external id: %s", r.Body)
		}
		// Instance Admin only.
		if r := e.do("GET", "/api/v1/i/ACME/xref", "builder", nil); r.Status != http.StatusForbidden {
			t.Errorf("builder: %d, want 403", r.Status)
		}
		if r := e.do("GET", "/api/v1/i/ACME/xref?cursor=garbage!", "admin", nil); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("bad cursor: %d, want 422", r.Status)
		}
	}
}

// TestExternalIDAddressing: ext_id is read and written on scorecards,
// containers and measures, a taken one is 422 on ext_id, and every path
// that takes an id takes ext:ID — for reads, updates, deletes, links and a
// measure's values; another instance's is 404.
func TestExternalIDAddressing(t *testing.T) {
	testkit.SQLiteAndPostgres(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db, unlimited)
		base := "/api/v1/i/ACME/"
		fieldErr := func(what string, r resp, field string) {
			t.Helper()
			var p problem
			r.json(t, &p)
			if r.Status != http.StatusUnprocessableEntity || len(p.Errors) == 0 || p.Errors[0].Field != field {
				t.Errorf("%s: %d %s, want 422 on %s", what, r.Status, r.Body, field)
			}
		}
		r := e.send("POST", base+"scorecards", "admin", `{"title":"Warehouse","ext_id":" WH/1 é "}`)
		var sc struct {
			ID    int64   `json:"id"`
			ExtID *string `json:"ext_id"`
		}
		if r.json(t, &sc); r.Status != http.StatusCreated || sc.ExtID == nil || *sc.ExtID != "WH/1 é" {
			t.Fatalf("create with ext_id: %d %s", r.Status, r.Body)
		}
		fieldErr("taken", e.send("POST", base+"scorecards", "admin", `{"title":"Again","ext_id":"WH/1 é"}`), "ext_id")
		fieldErr("control character", e.send("POST", base+"scorecards", "admin", `{"title":"Bad","ext_id":"a\u0000b"}`), "ext_id")
		fieldErr("too long", e.send("POST", base+"scorecards", "admin", `{"title":"Bad","ext_id":"`+strings.Repeat("x", 101)+`"}`), "ext_id")
		ext := "ext:" + url.PathEscape("WH/1 é")
		r = e.do("GET", base+"scorecards/"+ext, "admin", nil)
		if r.json(t, &sc); r.Status != http.StatusOK || *sc.ExtID != "WH/1 é" {
			t.Fatalf("GET by ext: %d %s", r.Status, r.Body)
		}
		r = e.send("PATCH", base+"scorecards/"+ext, "admin", `{"title":"Warehouse 2"}`, "If-Match", r.Header.Get("ETag"))
		if r.Status != http.StatusOK || !strings.Contains(string(r.Body), `"Warehouse 2"`) {
			t.Errorf("PATCH by ext: %d %s", r.Status, r.Body)
		}
		// Objects: the container and the measure by ext id.
		r = e.send("POST", base+"containers", "admin", `{"title":"Box","type_id":`+id(e.typeID["Result"])+`,"scorecard_id":`+id(sc.ID)+`,"ext_id":"BOX-1"}`)
		if r.Status != http.StatusCreated {
			t.Fatalf("container: %d %s", r.Status, r.Body)
		}
		r = e.send("PATCH", base+"measures/"+id(e.measures[0].ID), "admin", `{"ext_id":"M-1"}`, "If-Match", `"`+strconv.FormatInt(e.measures[0].Version, 10)+`"`)
		if r.Status != http.StatusOK || !strings.Contains(string(r.Body), `"ext_id":"M-1"`) {
			t.Fatalf("set a measure's ext_id: %d %s", r.Status, r.Body)
		}
		fieldErr("taken by a measure", e.send("POST", base+"containers", "admin",
			`{"title":"Box 2","type_id":`+id(e.typeID["Result"])+`,"scorecard_id":`+id(sc.ID)+`,"ext_id":"M-1"}`), "ext_id")
		for _, path := range []string{"measures/ext:M-1", "containers/ext:BOX-1"} {
			if r := e.do("GET", base+path, "admin", nil); r.Status != http.StatusOK {
				t.Errorf("GET %s: %d %s", path, r.Status, r.Body)
			}
		}
		// A measure's ext id on the containers' path is missing, as its id is.
		if r := e.do("GET", base+"containers/ext:M-1", "admin", nil); r.Status != http.StatusNotFound {
			t.Errorf("measure's ext id as a container: %d", r.Status)
		}
		r = e.do("GET", base+"measures/ext:M-1/values", "admin", nil)
		if r.Status != http.StatusOK || strings.Count(string(r.Body), `"period"`) != 3 {
			t.Errorf("values by ext: %d %s", r.Status, r.Body)
		}
		if r := e.send("PUT", base+"scorecards/"+ext+"/objects/ext:BOX-1", "admin", ""); r.Status != http.StatusNoContent {
			t.Errorf("link by ext: %d %s", r.Status, r.Body)
		}
		if r := e.send("DELETE", base+"scorecards/"+ext+"/objects/ext:BOX-1", "admin", ""); r.Status != http.StatusNoContent {
			t.Errorf("unlink by ext: %d %s", r.Status, r.Body)
		}
		if r := e.send("DELETE", base+"containers/ext:BOX-1", "admin", ""); r.Status != http.StatusNoContent {
			t.Errorf("delete by ext: %d %s", r.Status, r.Body)
		}
		if r := e.do("GET", base+"containers/ext:BOX-1", "admin", nil); r.Status != http.StatusNotFound {
			t.Errorf("deleted: %d", r.Status)
		}
		// Visibility still applies; another instance's ext id is missing.
		if r := e.do("GET", base+"scorecards/"+ext, "presenter", nil); r.Status != http.StatusNotFound {
			t.Errorf("presenter: %d", r.Status)
		}
		// BETA's scorecard has the external id BETA-1 (env).
		for _, path := range []string{"scorecards/ext:BETA-1", "scorecards/ext:nothing", "measures/ext:M-2/values"} {
			if r := e.do("GET", base+path, "admin", nil); r.Status != http.StatusNotFound {
				t.Errorf("%s: %d, want 404", path, r.Status)
			}
		}
		if r := e.do("GET", base+"scorecards/ext:", "admin", nil); r.Status != http.StatusBadRequest {
			t.Errorf("empty ext id: %d, want 400", r.Status)
		}
		if r := e.send("DELETE", base+"scorecards/"+ext, "admin", ""); r.Status != http.StatusNoContent {
			t.Errorf("delete scorecard by ext: %d %s", r.Status, r.Body)
		}
	})
}
