package api_test

import (
	"strings"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/testkit"
)

// titles reads the titles of a list answer's items.
func titles(t *testing.T, r resp) []string {
	t.Helper()
	var body struct{ Items []struct{ Title string } }
	r.json(t, &body)
	out := []string{}
	for _, it := range body.Items {
		out = append(out, it.Title)
	}
	return out
}

// TestAPIKeyAssignments: a key assigned one scorecard sees and writes
// exactly what sits under it (SPEC §3.3, issue 16 point 1), in lists,
// gets, searches and writes alike; what is reachable only through another
// scorecard is missing (404) or refused with nothing written; a scorecard
// the key creates is assigned to it; and when its assigned scorecard is
// deleted it sees nothing, never the wider reach of its permissions.
func TestAPIKeyAssignments(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db, unlimited)
		youth := e.freshContainer(t, "Youth result", app.Placement{ScorecardID: e.child.ID})
		m := e.freshMeasure(t, "Youth measure", youth.ID)
		e.assignedKey(t, "youth", access.PresetScorecardBuilder, e.child.ID)
		acme := "/api/v1/i/ACME"
		get := func(path string) resp { return e.do("GET", acme+path, "youth", nil) }

		if r := get("/scorecards"); r.Status != 200 || strings.Join(titles(t, r), "|") != "Youth" {
			t.Errorf("scorecards: %d %v, want [Youth]", r.Status, titles(t, r))
		}
		if r := get("/measures"); r.Status != 200 || strings.Join(titles(t, r), "|") != "Youth measure" {
			t.Errorf("measures: %d %v, want [Youth measure]", r.Status, titles(t, r))
		}
		if r := get("/measures?q=rate"); r.Status != 200 || len(titles(t, r)) != 0 {
			t.Errorf("search for another scorecard's measure: %d %v, want none", r.Status, titles(t, r))
		}
		if r := get("/containers"); r.Status != 200 || strings.Join(titles(t, r), "|") != "Youth result" {
			t.Errorf("containers: %d %v, want [Youth result]", r.Status, titles(t, r))
		}
		for _, p := range []string{"/scorecards/" + id(e.child.ID), "/containers/" + id(youth.ID), "/measures/" + id(m.ID), "/measures/" + id(m.ID) + "/values"} {
			if r := get(p); r.Status != 200 {
				t.Errorf("GET %s: %d, want 200", p, r.Status)
			}
		}
		for _, p := range []string{"/scorecards/" + id(e.parent.ID), "/containers/" + id(e.result.ID), "/measures/" + id(e.measures[0].ID),
			"/measures/" + id(e.measures[0].ID) + "/values", "/measures?parent_id=" + id(e.result.ID), "/measures?scorecard_id=" + id(e.parent.ID)} {
			r := get(p)
			if r.Status == 422 && strings.Contains(p, "?") {
				continue // a filter by what it cannot see: "There is no such …", as for a missing id
			}
			if r.Status != 404 {
				t.Errorf("GET %s: %d, want 404; %.200s", p, r.Status, r.Body)
			}
		}

		// Writes: under its scorecard yes; elsewhere nothing changes.
		period := e.periods[0]
		if r := e.send("POST", acme+"/values", "youth", `{"values":[{"measure_id":`+id(m.ID)+`,"period":"`+period+`","actual":5,"version":0}]}`); r.Status != 200 {
			t.Errorf("values of its measure: %d %.300s", r.Status, r.Body)
		}
		before := e.fingerprint()
		if r := e.send("POST", acme+"/values", "youth", `{"values":[{"measure_id":`+id(e.measures[0].ID)+`,"period":"`+period+`","actual":99,"version":1}]}`); r.Status != 422 {
			t.Errorf("values of another scorecard's measure: %d, want 422; %.300s", r.Status, r.Body)
		}
		if r := e.send("PATCH", acme+"/measures/"+id(e.measures[1].ID), "youth", `{"title":"Taken"}`, "If-Match", `"1"`); r.Status != 404 {
			t.Errorf("PATCH another scorecard's measure: %d, want 404", r.Status)
		}
		if r := e.send("DELETE", acme+"/containers/"+id(e.result.ID), "youth", "", "If-Match", `"1"`); r.Status != 404 {
			t.Errorf("DELETE another scorecard's container: %d, want 404", r.Status)
		}
		if r := e.send("PUT", acme+"/scorecards/"+id(e.child.ID)+"/objects/"+id(e.result.ID), "youth", ""); r.Status != 404 {
			t.Errorf("link another scorecard's container to its own: %d, want 404", r.Status)
		}
		if after := e.fingerprint(); after != before {
			t.Errorf("refused writes changed the data: %s → %s", before, after)
		}
		if o, err := e.app.Object(ctx, e.admin, e.measures[1].ID); err != nil || o.Title != "Beta count" {
			t.Errorf("refused PATCH changed the measure: %q, %v", o.Title, err)
		}

		// A scorecard it creates is assigned to it, as to a member.
		r := e.send("POST", acme+"/scorecards", "youth", `{"title":"Made by the key"}`)
		if r.Status != 201 {
			t.Fatalf("create: %d %.300s", r.Status, r.Body)
		}
		var made struct{ ID int64 }
		r.json(t, &made)
		if r := get("/scorecards/" + id(made.ID)); r.Status != 200 {
			t.Errorf("its own new scorecard: %d, want 200", r.Status)
		}
		if err := e.app.DeleteScorecard(ctx, e.admin, made.ID); err != nil {
			t.Fatal(err)
		}

		// Its assigned scorecard deleted: it sees none, not every one.
		if err := e.app.DeleteScorecard(ctx, e.admin, e.child.ID); err != nil {
			t.Fatal(err)
		}
		if r := get("/scorecards"); r.Status != 200 || len(titles(t, r)) != 0 {
			t.Errorf("scorecards after its assigned one went: %d %v, want none", r.Status, titles(t, r))
		}
		if r := get("/measures"); r.Status != 200 || len(titles(t, r)) != 0 {
			t.Errorf("measures after its assigned scorecard went: %d %v, want none", r.Status, titles(t, r))
		}
		if r := get("/scorecards/" + id(e.parent.ID)); r.Status != 404 {
			t.Errorf("another scorecard after its assigned one went: %d, want 404", r.Status)
		}
	})
}
