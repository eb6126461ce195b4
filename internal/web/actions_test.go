package web_test

import (
	"encoding/csv"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"yardstick/internal/app"
	"yardstick/internal/testkit"
)

// The Action Manager's downloads hold exactly the actions the viewer may
// see, with the filters applied, and neutralise formula-looking text; an
// action a member cannot see is neither listed nor downloadable.
func TestActionExports(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		f := newFixtureIn(t, newEnv(t, db))
		acct, err := f.e.store.Q().AccountByEmail(ctx, "admin@example.org")
		if err != nil {
			t.Fatal(err)
		}
		admin, err := f.e.app.ActorFor(ctx, app.Session{Account: acct}, "ACME", app.Client{})
		if err != nil {
			t.Fatal(err)
		}
		// Unlinked, so only scorecards.all (and its assigner) sees it.
		if _, err := f.e.app.CreateAction(ctx, admin, app.ActionInput{Title: "=HYPERLINK(\"http://x\")", Status: "Behind Schedule"}, "", 0); err != nil {
			t.Fatal(err)
		}
		a := f.e.client()
		a.setCookie(f.cookies["admin"])
		r := a.get("/i/ACME/actions.xlsx")
		if r.Status != http.StatusOK || !strings.Contains(r.Header.Get("Content-Disposition"), "yardstick-actions-ACME.xlsx") {
			t.Fatalf("xlsx: %d %q", r.Status, r.Header.Get("Content-Disposition"))
		}
		x, err := excelize.OpenReader(strings.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := x.GetRows("Actions")
		if len(rows) != 3 || rows[0][0] != "Action" {
			t.Fatalf("xlsx rows: %q", rows)
		}
		var titles []string
		for _, row := range rows[1:] {
			titles = append(titles, row[0])
		}
		if !strings.Contains(strings.Join(titles, "|"), "Reading circles") {
			t.Errorf("xlsx titles %q", titles)
		}
		for i := 2; i <= 3; i++ {
			if formula, _ := x.GetCellFormula("Actions", "A"+string(rune('0'+i))); formula != "" {
				t.Errorf("row %d holds a formula %q", i, formula)
			}
		}

		// The CSV, filtered by status, as the admin: one row, neutralised.
		r = a.get("/i/ACME/actions.csv?status=Behind+Schedule")
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, "\ufeff"))).ReadAll()
		if err != nil || r.Status != http.StatusOK {
			t.Fatalf("csv: %d %v %q", r.Status, err, r.Body)
		}
		if len(recs) != 2 || strings.HasPrefix(recs[1][0], "=") || !strings.Contains(recs[1][0], "HYPERLINK") {
			t.Errorf("csv filtered by status: %q", recs)
		}

		// A Presenter assigned the scorecard sees the measure's action only.
		p := f.e.client()
		p.setCookie(f.cookies["presenter"])
		recs, _ = csv.NewReader(strings.NewReader(strings.TrimPrefix(p.get("/i/ACME/actions.csv").Body, "\ufeff"))).ReadAll()
		if len(recs) != 2 || recs[1][0] != "Reading circles" {
			t.Errorf("the presenter's csv: %q", recs)
		}
		if body := p.get("/i/ACME/actions").Body; strings.Contains(body, "HYPERLINK") {
			t.Error("the presenter's Action Manager lists an action it cannot see")
		}
	})
}
