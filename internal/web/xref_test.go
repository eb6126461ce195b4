package web_test

import (
	"net/http"
	"regexp"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/testkit"
)

// The External id field of the scorecard and object forms: saved, shown
// back on the edit form, and a taken one refused on the field.
func TestExternalIDForms(t *testing.T) {
	testkit.SQLiteAndPostgres(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		in := e.instance("ACME", "Acme")
		e.member(in, "ada@example.org", access.PresetAdministration)
		c := e.client()
		c.login("ada@example.org", testkit.Password)
		base := "/i/ACME"
		sc := locationID(t, c.post(base+"/scorecards", "title", "Community", "ext_id", " WH-<b>1</b> "))
		expect(t, "edit form", c.get(base+"/scorecards/"+sc+"/edit"), http.StatusOK, `name="ext_id" value="WH-&lt;b&gt;1&lt;/b&gt;"`, `id="ext-id-hint"`)
		r := c.post(base+"/scorecards", "title", "Another", "ext_id", "WH-<b>1</b>")
		expect(t, "taken scorecard ext id", r, http.StatusUnprocessableEntity, `id="err-ext_id"`, "has this external id")
		r = c.post(base+"/objects", "kind", "container", "scorecard", sc, "type", e.typeID(in, "Result"), "title", "Ready", "ext_id", "R-1")
		expect(t, "container", r, http.StatusSeeOther)
		result := regexp.MustCompile(`data-id="(\d+)"`).FindStringSubmatch(c.get(base + "/scorecards/" + sc).Body)[1]
		m := locationID(t, c.post(base+"/objects", "kind", "measure", "parent", result, "type", e.typeID(in, "Indicator"),
			"title", "Visits", "decimals", "0", "polarity", "higher", "frequency", e.frequencyID(in, "Monthly"), "ext_id", "M-1"))
		expect(t, "object edit form", c.get(base+"/objects/"+m+"/edit"), http.StatusOK, `name="ext_id" value="M-1"`)
		r = c.post(base+"/objects", "kind", "container", "scorecard", sc, "type", e.typeID(in, "Result"), "title", "Ready too", "ext_id", "M-1")
		expect(t, "taken object ext id", r, http.StatusUnprocessableEntity, `id="err-ext_id"`, "has this external id")
	})
}
