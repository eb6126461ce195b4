package web_test

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/app"
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
		expect(t, "measure page", c.get(base+"/objects/"+m), http.StatusOK, `id="ext-id">External id <code>M-1</code>`)
		expect(t, "container page", c.get(base+"/objects/"+result), http.StatusOK, `<code>R-1</code>`)
		expect(t, "scorecard page", c.get(base+"/scorecards/"+sc), http.StatusOK, `<code>WH-&lt;b&gt;1&lt;/b&gt;</code>`)
		r = c.post(base+"/objects", "kind", "container", "scorecard", sc, "type", e.typeID(in, "Result"), "title", "Ready too", "ext_id", "M-1")
		expect(t, "taken object ext id", r, http.StatusUnprocessableEntity, `id="err-ext_id"`, "has this external id")
	})
}

// Administration → API XREF: the ids, the rows of every kind paged and
// searched, the CSV with HTML and formula text neutral, and nothing of
// another instance.
func TestXrefPageAndCSV(t *testing.T) {
	testkit.SQLiteAndPostgres(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		in := e.instance("ACME", "Acme")
		acct, _ := e.member(in, "ada@example.org", access.PresetAdministration)
		beta := e.instance("BETA", "Beta")
		bacct, _ := e.member(beta, "bo@example.org", access.PresetAdministration)
		admin, err := e.app.ActorFor(ctx, app.Session{Account: acct}, "ACME", app.Client{})
		if err != nil {
			t.Fatal(err)
		}
		b, err := e.app.ActorFor(ctx, app.Session{Account: bacct}, "BETA", app.Client{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.CreateScorecard(ctx, b, app.ScorecardInput{Title: "Beta secret", ExtID: "B-1"}); err != nil {
			t.Fatal(err)
		}
		hostile, err := e.app.CreateScorecard(ctx, admin, app.ScorecardInput{Title: "=HYPERLINK(\"http://x\") <b>bold</b>", ExtID: "+SUM(A1)"})
		if err != nil {
			t.Fatal(err)
		}
		for i := range 55 {
			if _, err := e.app.CreateScorecard(ctx, admin, app.ScorecardInput{Title: fmt.Sprintf("Card %02d", i), ExtID: fmt.Sprintf("C-%02d", i)}); err != nil {
				t.Fatal(err)
			}
		}
		c := e.client()
		c.login("ada@example.org", testkit.Password)
		r := c.get("/i/ACME/admin/xref")
		expect(t, "first page", r, http.StatusOK, `id="xref-code"`, "<code>ACME</code>", "higher, lower, range, none", "Monthly",
			"Card 00", `<code>C-00</code>`, "&lt;b&gt;bold&lt;/b&gt;", `id="next-page"`, `href="/i/ACME/admin/xref.csv"`)
		if strings.Contains(r.Body, "Beta secret") || strings.Contains(r.Body, "<b>bold</b>") {
			t.Errorf("first page shows another instance's row or unescaped HTML")
		}
		next := regexp.MustCompile(`href="([^"]+)" id="next-page"`).FindStringSubmatch(r.Body)
		if next == nil {
			t.Fatal("no next page link")
		}
		r = c.get(strings.ReplaceAll(next[1], "&amp;", "&"))
		expect(t, "second page", r, http.StatusOK, "Card 54", "First page")
		if strings.Contains(r.Body, "Card 00<") {
			t.Errorf("second page repeats the first")
		}
		expect(t, "search by ext id", c.get("/i/ACME/admin/xref?q=c-07"), http.StatusOK, "Card 07")
		if r := c.get("/i/ACME/admin/xref?q=c-07"); strings.Contains(r.Body, "Card 08") {
			t.Errorf("search kept other rows")
		}
		expect(t, "admin menu", c.get("/i/ACME/admin/users"), http.StatusOK, `href="/i/ACME/admin/xref"`)
		// The CSV: every row, text neutral.
		r = c.get("/i/ACME/admin/xref.csv")
		if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("csv: %d %s", r.Status, r.Header.Get("Content-Type"))
		}
		rows, err := csv.NewReader(strings.NewReader(r.Body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1+56 || strings.Join(rows[0], ",") != "Id,Kind,Title,External id" {
			t.Fatalf("csv: %d rows, header %v", len(rows), rows[0])
		}
		found := false
		for _, row := range rows[1:] {
			if row[0] == strconv.FormatInt(hostile.ID, 10) {
				found = true
				if row[2] != "'=HYPERLINK(\"http://x\") <b>bold</b>" || row[3] != "'+SUM(A1)" || row[1] != "Scorecard" {
					t.Errorf("hostile row not neutral: %q", row)
				}
			}
			if row[2] == "Beta secret" {
				t.Errorf("csv has another instance's row")
			}
		}
		if !found {
			t.Errorf("csv lacks the hostile row")
		}
		if rows, _ := csv.NewReader(strings.NewReader(c.get("/i/ACME/admin/xref.csv?q=c-1").Body)).ReadAll(); len(rows) != 1+10 {
			t.Errorf("searched csv: %d rows, want 11", len(rows))
		}
		if r := c.get("/i/ACME/admin/xref.csv?q=" + strings.Repeat("x", 201)); r.Status != http.StatusUnprocessableEntity || strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
			t.Errorf("refused search as csv: %d %s", r.Status, r.Header.Get("Content-Type"))
		}
	})
}
