package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
)

// postJSON posts a form as gantt.js does, asking for JSON.
func postJSON(t *testing.T, c *client, path string, form url.Values) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	res, err := c.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var out map[string]any
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatalf("%s: %v in %s", path, err, b)
		}
	}
	return res.StatusCode, out
}

// The Gantt page (issue 14): the fixture's action on its measure, grouped
// under the measure, with its status in words and a bar to drag; one
// scorecard's chart; refused settings answer 422 with their messages and
// no chart, never 500. A change from the chart, as gantt.js sends it, is
// saved with the version and answered in JSON; a stale version is 409
// with the conflict message, a member without actions.edit gets 403, and
// neither changes the action. Without JavaScript a row's form saves and
// returns to the chart, or shows the action's form with the refused field.
func TestGanttPage(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		f := newFixtureIn(t, newEnv(t, db))
		a := f.e.client()
		a.setCookie(f.cookies["admin"])
		aid := strconv.FormatInt(f.actionID, 10)
		year := "zoom=year&from=2026-01-01&to=2026-12-31"
		r := a.get("/i/ACME/actions/gantt?" + year)
		expect(t, "gantt", r, http.StatusOK, "Measure: Readiness", "Reading circles", "On Track · 30%", `data-id="`+aid+`"`,
			`class="gantt-handle gantt-end"`, `id="gantt-table"`, "gantt.js", `data-edit="1"`, `aria-label="Gantt chart"`)
		r = a.get("/i/ACME/actions/gantt?on=scorecards&id=" + strconv.FormatInt(f.sc.ID, 10) + "&" + year)
		expect(t, "one scorecard's gantt", r, http.StatusOK, "Gantt chart: Community", "Measure: Readiness", "Reading circles")
		// Each zoom draws its axis around today, with the today line.
		for _, z := range app.GanttZooms {
			expect(t, "gantt by "+z.Name, a.get("/i/ACME/actions/gantt?zoom="+z.Name), http.StatusOK, `class="gantt-tick-label"`, `class="gantt-today"`)
		}
		// An action without dates is listed, saying so, not dropped.
		if _, err := f.e.app.CreateAction(ctx, adminActor(t, f), app.ActionInput{Title: "Someday", Status: "Not Started"}, "", 0); err != nil {
			t.Fatal(err)
		}
		expect(t, "gantt with an undated action", a.get("/i/ACME/actions/gantt?"+year), http.StatusOK,
			"Not linked to a scorecard or object you can see", "Someday", "Not Started · 0% · no dates")
		r = a.get("/i/ACME/actions/gantt?zoom=year&from=2027-01-01&to=2027-12-31")
		expect(t, "gantt of 2027", r, http.StatusOK, "Someday")
		if strings.Contains(r.Body, `class="gantt-today"`) {
			t.Error("the chart of 2027 has a today line")
		}
		if strings.Contains(r.Body, "Reading circles") {
			t.Error("an action of 2026 is on the chart of 2027")
		}
		expect(t, "gantt of 2029", a.get("/i/ACME/actions/gantt?on=objects&id="+strconv.FormatInt(f.measure.ID, 10)+"&zoom=year&from=2029-01-01&to=2029-12-31"),
			http.StatusOK, "No actions in this range.")
		for _, q := range []string{"from=2026-02-30", "to=x", "from=2026-05-01&to=2026-01-01", "zoom=decade", "zoom=week&from=2020-01-01&to=2026-01-01"} {
			r := a.get("/i/ACME/actions/gantt?" + q)
			expect(t, "gantt?"+q, r, http.StatusUnprocessableEntity, "There is a problem", `aria-invalid="true"`)
			if strings.Contains(r.Body, `id="gantt"`) {
				t.Errorf("gantt?%s draws a chart", q)
			}
		}
		// The Action Manager and the measure's page link to the chart.
		expect(t, "action manager", a.get("/i/ACME/actions"), http.StatusOK, `href="/i/ACME/actions/gantt"`)
		expect(t, "measure page", a.get("/i/ACME/objects/"+strconv.FormatInt(f.measure.ID, 10)), http.StatusOK,
			`/i/ACME/actions/gantt?on=objects&amp;id=`+strconv.FormatInt(f.measure.ID, 10))

		action := func() (string, string, int, int) {
			v, err := f.e.app.Action(ctx, adminActor(t, f), f.actionID)
			if err != nil {
				t.Fatal(err)
			}
			return v.Action.StartDate, v.Action.EndDate, v.Action.Percent, v.Action.Version
		}
		_, _, _, version := action()
		path := "/i/ACME/actions/" + aid + "/schedule"
		form := func(v int, start, end, pct string) url.Values {
			return url.Values{"version": {strconv.Itoa(v)}, "start_date": {start}, "end_date": {end}, "percent": {pct}}
		}

		// Without actions.edit: 403, nothing changes.
		_, m := f.e.member(mustInstance(t, f, "ACME"), "noedit@example.org", "")
		if err := f.e.store.Q().SetMembershipScorecards(ctx, m.InstanceID, m.ID, []int64{f.sc.ID}); err != nil {
			t.Fatal(err)
		}
		n := f.e.client()
		n.setCookie(f.session(t, m.AccountID))
		if status, _ := postJSON(t, n, path, form(version, "2026-01-08", "2026-07-07", "30")); status != http.StatusForbidden {
			t.Errorf("without actions.edit: %d, want 403", status)
		}
		expect(t, "gantt without actions.edit", n.get("/i/ACME/actions/gantt?"+year), http.StatusOK, "Reading circles")
		if strings.Contains(n.get("/i/ACME/actions/gantt?"+year).Body, `data-edit="1"`) {
			t.Error("a member without actions.edit is offered dragging")
		}
		// A stale version: 409 with the conflict message.
		status, j := postJSON(t, a, path, form(version-1, "2026-01-08", "2026-07-07", "30"))
		if status != http.StatusConflict || !strings.Contains(j["message"].(string), "Someone saved this action") {
			t.Errorf("stale version: %d %v", status, j)
		}
		// End before start: 422 naming the field.
		status, j = postJSON(t, a, path, form(version, "2026-08-01", "2026-07-07", "30"))
		if fields, _ := j["fields"].(map[string]any); status != http.StatusUnprocessableEntity || fields["end_date"] == nil {
			t.Errorf("end before start: %d %v", status, j)
		}
		if s, e, p, v := action(); s != "2026-01-01" || e != "2026-06-30" || p != 30 || v != version {
			t.Errorf("refused changes changed the action: %s %s %d v%d", s, e, p, v)
		}
		// Accepted: the end a week later.
		status, j = postJSON(t, a, path, form(version, "2026-01-01", "2026-07-07", "30"))
		if status != http.StatusOK || j["ok"] != true || j["end"] != "2026-07-07" || j["version"] != float64(version+1) {
			t.Errorf("drag: %d %v", status, j)
		}
		if s, e, p, v := action(); s != "2026-01-01" || e != "2026-07-07" || p != 30 || v != version+1 {
			t.Errorf("after the drag: %s %s %d v%d", s, e, p, v)
		}
		// Without JavaScript: a row's form returns to the chart, or shows
		// the action's form with the refused field.
		fm := form(version+1, "2026-01-01", "2026-07-07", "55")
		fm.Set("back", "zoom=year&from=2026-01-01&to=2026-12-31&evil=1")
		r = a.do("POST", path, fm)
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/i/ACME/actions/gantt?") || strings.Contains(r.Location, "evil") ||
			!strings.Contains(r.Location, "zoom=year") {
			t.Errorf("a row's form: %d %q", r.Status, r.Location)
		}
		r = a.do("POST", path, form(version+2, "2026-01-01", "2026-07-07", "101"))
		expect(t, "a row's form, percent 101", r, http.StatusUnprocessableEntity, `id="action-form"`, "Percent complete is a whole number", "Reading circles")
		if _, _, p, _ := action(); p != 55 {
			t.Errorf("percent after the row's forms: %d, want 55", p)
		}
		// Another instance's member: not found.
		o := f.e.client()
		o.setCookie(f.cookies["other"])
		if status, _ := postJSON(t, o, "/i/BETA/actions/"+aid+"/schedule", form(version+2, "2026-01-01", "2026-07-07", "30")); status != http.StatusNotFound {
			t.Errorf("another instance: %d, want 404", status)
		}
	})
}

func adminActor(t *testing.T, f *fixture) *app.Actor {
	t.Helper()
	acct, err := f.e.store.Q().AccountByEmail(ctx, "admin@example.org")
	if err != nil {
		t.Fatal(err)
	}
	a, err := f.e.app.ActorFor(ctx, app.Session{Account: acct}, "ACME", app.Client{})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func mustInstance(t *testing.T, f *fixture, code string) model.Instance {
	t.Helper()
	in, err := f.e.store.Q().InstanceByCode(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	return in
}
