package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/testkit"
)

// TestCalculatedMeasurePages: the calculation form (a refused formula
// pointing at the character, a Sum saved), the grid showing the
// calculated actual read-only with its inputs on hover, a typed actual
// refused saying "calculated measure", the network view with who has not
// reported, and stopping the calculation.
func TestCalculatedMeasurePages(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		in := e.instance("ACME", "Acme")
		e.member(in, "ada@example.org", access.PresetAdministration)
		c := e.client()
		c.login("ada@example.org", testkit.Password)
		_, result, m1 := buildScorecard(t, e, c, in)
		base := "/i/ACME"
		newMeasure := func(title string) string {
			return locationID(t, c.post(base+"/objects", "kind", "measure", "parent", result, "type", e.typeID(in, "Indicator"),
				"title", title, "decimals", "1", "polarity", "higher", "frequency", e.frequencyID(in, "Quarterly")))
		}
		m2, total := newMeasure("Second"), newMeasure("Both together")

		expect(t, "a plain measure offers a calculation", c.get(base+"/objects/"+total), http.StatusOK, `id="calc-make"`)
		expect(t, "the form", c.get(base+"/objects/"+total+"/calculation"), http.StatusOK, "Input A", "Input D", "Second")
		expect(t, "a bad formula", c.post(base+"/objects/"+total+"/calculation", "method", "formula", "formula", "A + * B",
			"input", m1, "input", m2, "input", ""), http.StatusUnprocessableEntity, "At character 5", `id="f-formula"`)
		expect(t, "itself", c.post(base+"/objects/"+total+"/calculation", "method", "sum", "input", total),
			http.StatusUnprocessableEntity, "from itself", `id="f-inputs"`)
		expect(t, "a sum", c.post(base+"/objects/"+total+"/calculation", "method", "sum", "input", m1, "input", "", "input", m2),
			http.StatusSeeOther)

		page := c.get(base + "/objects/" + m1)
		k := regexp.MustCompile(`data-key="(\d{4}-\d{2}-\d{2})"\s+id="entry-period"`).FindStringSubmatch(page.Body)
		if k == nil {
			t.Fatalf("no entry period on the measure page: %s", excerpt(page.Body))
		}
		key := k[1]
		enter := func(m, actual string) {
			t.Helper()
			expect(t, "enter "+actual, c.post(base+"/objects/"+m+"/data", "key", key, "version", "0", "orig_actual", "", "orig_target", "",
				"orig_comment", "", "actual", actual, "target", "", "comment", ""), http.StatusSeeOther)
		}
		enter(m1, "4")
		page = c.get(base + "/objects/" + total)
		expect(t, "one input reported", page, http.StatusOK, `id="network-view"`, "Not reported for", "Second", "not reported")
		enter(m2, "6")
		page = c.get(base + "/objects/" + total)
		expect(t, "the calculated value", page, http.StatusOK, `data-calculated="`+key+`">10.0`, "Calculated from A % of children ready: 4.0%",
			"Every input has reported", `id="calc-definition"`)
		if strings.Contains(page.Body, `name="actual" value="10" aria-label`) {
			t.Errorf("the calculated actual is an input")
		}
		expect(t, "a typed actual refused", c.post(base+"/objects/"+total+"/data", "key", key, "version", "1", "orig_actual", "10",
			"orig_target", "", "orig_comment", "", "actual", "11", "target", "", "comment", ""), http.StatusUnprocessableEntity, "calculated measure")
		expect(t, "a typed target kept", c.post(base+"/objects/"+total+"/data", "key", key, "version", "1", "orig_actual", "10",
			"orig_target", "", "orig_comment", "", "actual", "10", "target", "12", "comment", ""), http.StatusSeeOther)
		expect(t, "stop", c.post(base+"/objects/"+total+"/calculation/clear"), http.StatusSeeOther)
		expect(t, "stopped", c.get(base+"/objects/"+total), http.StatusOK, `id="calc-make"`)
		expect(t, "stop twice", c.post(base+"/objects/"+total+"/calculation/clear"), http.StatusConflict)
	})
}
