package web_test

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
)

// idFrom pulls the id out of a redirect like /i/ACME/scorecards/12?…
var idFrom = regexp.MustCompile(`/(scorecards|objects)/(\d+)`)

func locationID(t *testing.T, r resp) string {
	t.Helper()
	m := idFrom.FindStringSubmatch(r.Location)
	if r.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("expected a redirect to a new object, got %d %q: %s", r.Status, r.Location, excerpt(r.Body))
	}
	return m[2]
}

// typeID finds a type by name in the instance.
func (e *env) typeID(in model.Instance, name string) string {
	e.t.Helper()
	types, err := e.store.Q().ListTypes(ctx, in.ID, "", false)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, ty := range types {
		if ty.Name == name {
			return strconv.FormatInt(ty.ID, 10)
		}
	}
	e.t.Fatalf("no type %q", name)
	return ""
}

func (e *env) frequencyID(in model.Instance, title string) string {
	e.t.Helper()
	f, err := e.store.Q().FrequencyByTitle(ctx, in.ID, title)
	if err != nil {
		e.t.Fatal(err)
	}
	return strconv.FormatInt(f.ID, 10)
}

// buildScorecard makes a scorecard with a result and an indicator through
// the forms, as a builder would, and returns their ids.
func buildScorecard(t *testing.T, e *env, c *client, in model.Instance) (sc, result, measure string) {
	t.Helper()
	base := "/i/" + in.Code
	sc = locationID(t, c.post(base+"/scorecards", "title", "Community <b>Scorecard</b>", "description", "Our shared results"))
	r := c.post(base+"/objects", "kind", "container", "scorecard", sc, "type", e.typeID(in, "Result"), "title", "All children are ready for kindergarten", "tags", "Early childhood, Health")
	if r.Status != http.StatusSeeOther || !strings.Contains(r.Location, "/scorecards/"+sc) {
		t.Fatalf("create result: %d %q %s", r.Status, r.Location, excerpt(r.Body))
	}
	page := c.get(base + "/scorecards/" + sc)
	result = regexp.MustCompile(`data-id="(\d+)"`).FindStringSubmatch(page.Body)[1]
	measure = locationID(t, c.post(base+"/objects", "kind", "measure", "parent", result, "type", e.typeID(in, "Indicator"),
		"title", "% of children ready", "unit", "%", "decimals", "1", "polarity", "higher", "frequency", e.frequencyID(in, "Quarterly")))
	return sc, result, measure
}

func TestBuildScorecardAndEnterData(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		in := e.instance("ACME", "Acme")
		e.member(in, "ada@example.org", access.PresetAdministration)
		c := e.client()
		c.login("ada@example.org", testkit.Password)
		sc, result, m := buildScorecard(t, e, c, in)
		base := "/i/ACME"

		page := c.get(base + "/objects/" + m)
		expect(t, "measure page", page, http.StatusOK, "% of children ready", "<svg", "No data yet", `name="actual"`)
		keys := regexp.MustCompile(`name="key" value="([0-9-]+)"`).FindAllStringSubmatch(page.Body, -1)
		if len(keys) < 4 {
			t.Fatalf("grid has %d periods", len(keys))
		}
		// Enter three periods: below, near and above target.
		form := []string{}
		vals := [][3]string{{"70", "80", "Slow start"}, {"75.5", "80", ""}, {"82", "80", "New outreach <script>"}}
		for i, k := range keys[:3] {
			form = append(form, "key", k[1], "version", "0", "orig_actual", "", "orig_target", "", "orig_comment", "",
				"actual", vals[i][0], "target", vals[i][1], "comment", vals[i][2])
		}
		r := c.post(base+"/objects/"+m+"/data", form...)
		if r.Status != http.StatusSeeOther {
			t.Fatalf("save data: %d %s", r.Status, excerpt(r.Body))
		}
		page = c.get(base + "/objects/" + m)
		expect(t, "measure with data", page, http.StatusOK, "82.0%", "band-green", "New outreach &lt;script&gt;")
		if strings.Contains(page.Body, "New outreach <script>") {
			t.Error("comment not escaped")
		}
		sp := c.get(base + "/scorecards/" + sc)
		expect(t, "scorecard page", sp, http.StatusOK, "Community &lt;b&gt;Scorecard&lt;/b&gt;", "All children are ready for kindergarten",
			"% of children ready", "82.0%", "80.0%", "+2.0%", "band-green", "↑ 2", "+17.1%")
		// A second scorecard shares the result: one object, seen twice.
		sc2 := locationID(t, c.post(base+"/scorecards", "title", "Board view"))
		expect(t, "link existing", c.post(base+"/links", "scorecard", sc2, "child", result), http.StatusSeeOther)
		expect(t, "shared on second scorecard", c.get(base+"/scorecards/"+sc2), http.StatusOK, "82.0%")
		// Unlink from the first keeps the object.
		expect(t, "unlink", c.post(base+"/links/unlink", "scorecard", sc, "child", result), http.StatusSeeOther)
		expect(t, "first now empty", c.get(base+"/scorecards/"+sc), http.StatusOK, "This scorecard is empty.")
		expect(t, "object remains", c.get(base+"/objects/"+result), http.StatusOK, "All children are ready for kindergarten", "Board view")
		// The list finds it by tag and text.
		expect(t, "list by tag", c.get(base+"/objects?kind=container&tag=health"), http.StatusOK, "All children are ready")
		expect(t, "list by text", c.get(base+"/objects?kind=measure&q=CHILDREN"), http.StatusOK, "% of children ready")
	})
}

func TestDataEntryRefusals(t *testing.T) {
	e := newSQLiteEnv(t)
	in := e.instance("ACME", "Acme")
	e.member(in, "ada@example.org", access.PresetAdministration)
	c := e.client()
	c.login("ada@example.org", testkit.Password)
	_, _, m := buildScorecard(t, e, c, in)
	path := "/i/ACME/objects/" + m + "/data"
	page := c.get("/i/ACME/objects/" + m)
	key := regexp.MustCompile(`name="key" value="([0-9-]+)"`).FindStringSubmatch(page.Body)[1]
	row := func(actual, target, comment, version string) []string {
		return []string{"key", key, "version", version, "orig_actual", "", "orig_target", "", "orig_comment", "",
			"actual", actual, "target", target, "comment", comment}
	}
	bad := []struct {
		name, actual, target, comment, want string
	}{
		{"not a number", "abc", "", "", "is not a number"},
		{"too many decimals", "1.25", "", "", "at most 1 decimals"},
		{"formula", "=1+1", "", "", "is not a number"},
		{"exponent", "1e9", "", "", "is not a number"},
		{"long comment", "1", "", strings.Repeat("x", 256), "at most 255 characters"},
		{"bad target", "1", "NaN", "", "is not a number"},
	}
	for _, tt := range bad {
		r := c.post(path, row(tt.actual, tt.target, tt.comment, "0")...)
		expect(t, tt.name, r, http.StatusUnprocessableEntity, tt.want, "Nothing was saved")
		if tt.actual == "abc" && !strings.Contains(r.Body, `value="abc"`) {
			t.Errorf("%s: the typed value was lost", tt.name)
		}
	}
	unknown := []string{"key", "2026-02-15", "version", "0", "orig_actual", "", "orig_target", "", "orig_comment", "", "actual", "1", "target", "", "comment", ""}
	expect(t, "unknown period", c.post(path, unknown...), http.StatusUnprocessableEntity, "is not a period of this measure")
	if vals, _ := e.store.Q().DataValues(ctx, in.ID, mustAtoi(t, m)); len(vals) != 0 {
		t.Fatalf("refused saves wrote %d values", len(vals))
	}
	// Two editors load the same empty period; the later save is refused.
	expect(t, "first editor", c.post(path, row("10", "", "", "0")...), http.StatusSeeOther)
	r := c.post(path, row("20", "", "", "0")...)
	expect(t, "second editor", r, http.StatusConflict, "someone else changed")
	vals, _ := e.store.Q().DataValues(ctx, in.ID, mustAtoi(t, m))
	if len(vals) != 1 || *vals[0].Actual != 10 {
		t.Errorf("after conflict: %+v", vals)
	}
	// Saving the value already there is not a conflict.
	expect(t, "same value", c.post(path, row("10", "", "", "0")...), http.StatusSeeOther)
	// A paste fills a column from the chosen period on.
	r = c.post("/i/ACME/objects/"+m+"/paste", "column", "target", "start", key, "paste", "12\r\n13.5\r\n14\r\n")
	expect(t, "paste", r, http.StatusSeeOther)
	vals, _ = e.store.Q().DataValues(ctx, in.ID, mustAtoi(t, m))
	if len(vals) != 3 || *vals[0].Target != 12 || *vals[0].Actual != 10 || *vals[1].Target != 13.5 {
		t.Errorf("after paste: %+v", vals)
	}
}

func mustAtoi(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestContentBadInput(t *testing.T) {
	e := newSQLiteEnv(t)
	in := e.instance("ACME", "Acme")
	e.member(in, "ada@example.org", access.PresetAdministration)
	c := e.client()
	c.login("ada@example.org", testkit.Password)
	sc, result, m := buildScorecard(t, e, c, in)
	base := "/i/ACME"
	before := countRows(t, e)
	tests := []struct {
		name, path string
		form       []string
		status     int
		want       string
	}{
		{"long title", "/scorecards", []string{"title", strings.Repeat("x", 10000)}, 422, "Title is too long"},
		{"empty title", "/scorecards", []string{"title", "  "}, 422, "Title is required"},
		{"own parent", "/scorecards/" + sc, []string{"title", "x", "parent", sc, "version", "1"}, 422, "cannot be its own parent"},
		{"six tags", "/objects", []string{"kind", "container", "scorecard", sc, "type", e.typeID(in, "Result"), "title", "x", "tags", "a,b,c,d,e,f"}, 422, "at most 5 tags"},
		{"measure type for container", "/objects", []string{"kind", "container", "scorecard", sc, "type", e.typeID(in, "Indicator"), "title", "x"}, 422, "Choose a type"},
		{"measure on scorecard", "/objects", []string{"kind", "measure", "scorecard", sc, "type", e.typeID(in, "Indicator"), "title", "x", "decimals", "0", "polarity", "higher", "frequency", e.frequencyID(in, "Monthly")}, 422, "Put measures under a result"},
		{"decimals 7", "/objects", []string{"kind", "measure", "parent", result, "type", e.typeID(in, "Indicator"), "title", "x", "decimals", "7", "polarity", "higher", "frequency", e.frequencyID(in, "Monthly")}, 422, "from 0 to 6"},
		{"bad bands", "/objects", []string{"kind", "measure", "parent", result, "type", e.typeID(in, "Indicator"), "title", "x", "decimals", "0", "polarity", "higher", "frequency", e.frequencyID(in, "Monthly"), "band_green", "80", "band_yellow", "90"}, 422, "yellow threshold"},
		{"cycle", "/links", []string{"parent", result, "child", result}, 422, "loop"},
		{"measure under measure", "/links", []string{"parent", m, "child", result}, 422, "Only results and programs"},
		{"stale edit", "/scorecards/" + sc, []string{"title", "new", "version", "99"}, 409, "Someone else changed"},
		{"graph bounds", "/objects/" + m + "/graph", []string{"graph_type", "line", "graph_periods", "12", "graph_ymin", "10", "graph_ymax", "5", "version", "1"}, 422, "must be above"},
		{"graph type", "/objects/" + m + "/graph", []string{"graph_type", "pie", "graph_periods", "12", "version", "1"}, 422, "line or bar"},
	}
	for _, tt := range tests {
		r := c.post(base+tt.path, tt.form...)
		expect(t, tt.name, r, tt.status, tt.want)
	}
	if after := countRows(t, e); after != before {
		t.Errorf("refused writes changed the database: %v → %v", before, after)
	}
	// HTML in a title is escaped on every page that shows it.
	c.post(base+"/scorecards/"+sc, "title", `<img src=x onerror=alert(1)>`, "version", "1")
	if body := c.get(base + "/scorecards").Body; strings.Contains(body, "<img src=x") {
		t.Error("scorecard title not escaped in the list")
	}
}

// countRows is a fingerprint of the content tables, to prove a refused
// write changed nothing.
func countRows(t *testing.T, e *env) string {
	t.Helper()
	var out []string
	for _, table := range []string{"scorecards", "objects", "object_links", "scorecard_links", "scorecard_objects", "data_values", "object_tags", "membership_scorecards", "object_types", "frequencies"} {
		var n int
		var v int64
		if err := e.store.DB().QueryRow(`SELECT COUNT(*), COALESCE(SUM(version), 0) FROM `+table).Scan(&n, &v); err != nil {
			if err := e.store.DB().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
				t.Fatal(err)
			}
		}
		out = append(out, table+"="+strconv.Itoa(n)+"/"+strconv.FormatInt(v, 10))
	}
	return strings.Join(out, " ")
}

// TestContentPermissions posts each content route as a member allowed to
// and one refused: the refused one gets 403 and nothing changes.
func TestContentPermissions(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		in := e.instance("ACME", "Acme")
		e.member(in, "ada@example.org", access.PresetAdministration)
		_, presenter := e.member(in, "pat@example.org", access.PresetPresenter)
		admin := e.client()
		admin.login("ada@example.org", testkit.Password)
		sc, result, m := buildScorecard(t, e, admin, in)
		// The presenter sees the scorecard (assigned) but may change nothing.
		if err := e.store.Q().SetMembershipScorecards(ctx, in.ID, presenter.ID, []int64{mustAtoi(t, sc)}); err != nil {
			t.Fatal(err)
		}
		p := e.client()
		p.login("pat@example.org", testkit.Password)
		expect(t, "presenter sees scorecard", p.get("/i/ACME/scorecards/"+sc), http.StatusOK, "% of children ready")
		expect(t, "presenter sees measure", p.get("/i/ACME/objects/"+m), http.StatusOK, "% of children ready")
		if body := p.get("/i/ACME/objects/" + m).Body; strings.Contains(body, `name="actual"`) {
			t.Error("the grid offers inputs to a member without data.enter")
		}
		key := regexp.MustCompile(`data-key="([0-9-]+)"`).FindStringSubmatch(p.get("/i/ACME/objects/" + m).Body)[1]
		base := "/i/ACME"
		routes := []struct {
			path string
			form []string
		}{
			{"/scorecards", []string{"title", "x"}},
			{"/scorecards/" + sc, []string{"title", "x", "version", "1"}},
			{"/scorecards/" + sc + "/delete", nil},
			{"/objects", []string{"kind", "container", "scorecard", sc, "type", e.typeID(in, "Result"), "title", "x"}},
			{"/objects/" + result, []string{"title", "x", "version", "1"}},
			{"/objects/" + result + "/delete", nil},
			{"/objects/" + m + "/data", []string{"key", key, "version", "0", "actual", "5"}},
			{"/objects/" + m + "/paste", []string{"column", "actual", "start", key, "paste", "5"}},
			{"/objects/" + m + "/baseline", []string{"baseline", key, "version", "1"}},
			{"/objects/" + m + "/graph", []string{"graph_type", "bar", "graph_periods", "4", "version", "1"}},
			{"/links", []string{"scorecard", sc, "child", result}},
			{"/links/unlink", []string{"scorecard", sc, "child", result}},
			{"/links/move", []string{"scorecard", sc, "child", result, "delta", "1"}},
		}
		before := countRows(t, e)
		for _, rt := range routes {
			expect(t, "presenter POST "+rt.path, p.post(base+rt.path, rt.form...), http.StatusForbidden)
		}
		for _, g := range []string{"/scorecards/new", "/scorecards/" + sc + "/edit", "/objects/new?kind=measure", "/objects/" + m + "/edit"} {
			expect(t, "presenter GET "+g, p.get(base+g), http.StatusForbidden)
		}
		if after := countRows(t, e); after != before {
			t.Errorf("refused writes changed the database:\n%v\n%v", before, after)
		}
		// The same writes by the administrator are accepted.
		expect(t, "admin data", admin.post(base+"/objects/"+m+"/data", "key", key, "version", "0", "actual", "5"), http.StatusSeeOther)
		expect(t, "admin graph", admin.post(base+"/objects/"+m+"/graph", "graph_type", "bar", "graph_periods", "4", "version", "1"), http.StatusSeeOther)
		expect(t, "admin delete object", admin.post(base+"/objects/"+result+"/delete"), http.StatusSeeOther)
		expect(t, "deleted object", admin.get(base+"/objects/"+result), http.StatusNotFound)
		expect(t, "admin delete scorecard", admin.post(base+"/scorecards/"+sc+"/delete"), http.StatusSeeOther)

		// Another instance's ids are 404, even for its own administrator.
		other := e.instance("BETA", "Beta")
		e.member(other, "bob@example.org", access.PresetAdministration)
		b := e.client()
		b.login("bob@example.org", testkit.Password)
		for _, path := range []string{"/i/BETA/objects/" + m, "/i/BETA/scorecards/" + sc} {
			expect(t, "cross-instance "+path, b.get(path), http.StatusNotFound)
		}
		expect(t, "cross-instance data write", b.post("/i/BETA/objects/"+m+"/data", "key", key, "version", "0", "actual", "1"), http.StatusNotFound)
	})
}

// TestDataEntryMember: data.enter without objects.edit enters values but
// cannot change the measure.
func TestDataEntryMember(t *testing.T) {
	e := newSQLiteEnv(t)
	in := e.instance("ACME", "Acme")
	e.member(in, "ada@example.org", access.PresetAdministration)
	_, de := e.member(in, "dee@example.org", access.PresetDataEntry)
	admin := e.client()
	admin.login("ada@example.org", testkit.Password)
	sc, _, m := buildScorecard(t, e, admin, in)
	e.store.Q().SetMembershipScorecards(ctx, in.ID, de.ID, []int64{mustAtoi(t, sc)})
	d := e.client()
	d.login("dee@example.org", testkit.Password)
	page := d.get("/i/ACME/objects/" + m)
	key := regexp.MustCompile(`name="key" value="([0-9-]+)"`).FindStringSubmatch(page.Body)[1]
	expect(t, "data entry", d.post("/i/ACME/objects/"+m+"/data", "key", key, "version", "0", "orig_actual", "", "actual", "42"), http.StatusSeeOther)
	expect(t, "edit measure", d.post("/i/ACME/objects/"+m, "title", "renamed", "version", "1"), http.StatusForbidden)
	_ = app.Client{}
}
