package web_test

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/testkit"
)

// A scorecard's download (issue 28, point 2): the tree with its chosen
// columns in their order, in CSV, XLSX (numbers as number cells) and PDF;
// formula-looking titles stay text; the download is logged.
func TestScorecardExport(t *testing.T) {
	testkit.SQLiteAndPostgres(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		in := e.instance("ACME", "Acme")
		acct, _ := e.member(in, "ada@example.org", access.PresetAdministration)
		admin, err := e.app.ActorFor(ctx, app.Session{Account: acct}, "ACME", app.Client{})
		if err != nil {
			t.Fatal(err)
		}
		sc, err := e.app.CreateScorecard(ctx, admin, app.ScorecardInput{Title: "Board"})
		if err != nil {
			t.Fatal(err)
		}
		box, err := e.app.CreateObject(ctx, admin, app.ObjectInput{Kind: "container", TypeID: atoi64(e.typeID(in, "Result")), Title: "Children ready"},
			app.Placement{ScorecardID: sc.ID})
		if err != nil {
			t.Fatal(err)
		}
		m, err := e.app.CreateObject(ctx, admin, app.ObjectInput{Kind: "measure", TypeID: atoi64(e.typeID(in, "Indicator")), Title: "=HYPERLINK(\"x\")",
			Decimals: "0", Polarity: "higher", FrequencyID: atoi64(e.frequencyID(in, "Monthly"))}, app.Placement{ParentID: box.ID})
		if err != nil {
			t.Fatal(err)
		}
		mp, err := e.app.MeasurePage(ctx, admin, m.ID, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.SaveData(ctx, admin, m.ID, []app.DataEntry{{PeriodKey: mp.EntryKey, Actual: "40", Target: "50"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.AddDivider(ctx, admin, sc.ID, "Health"); err != nil {
			t.Fatal(err)
		}
		c := e.client()
		c.login("ada@example.org", testkit.Password)
		page := fmt.Sprintf("/i/ACME/scorecards/%d", sc.ID)
		expect(t, "the page links the downloads", c.get(page), http.StatusOK, `id="scorecard-csv"`, page+"/export.xlsx")
		if r := c.post(page, "version", "1", "title", "Board", "columns_present", "1",
			"col_actual", "1", "col_target", "2", "col_pct_target", "3", "col_period", "4", "col_trend", "5"); r.Status != http.StatusSeeOther {
			t.Fatalf("five chosen: %d %.300s", r.Status, r.Body)
		}
		wantHead := []string{"Level", "Type", "Title", "Actual", "Target", "% of target", "Period", "Trend"}

		recs := csvRecords(t, c.get(page+"/export.csv"))
		if len(recs) != 4 || !slices.Equal(recs[0], wantHead) {
			t.Fatalf("csv: %q", recs)
		}
		var measureRow []string
		for _, r := range recs[1:] {
			if strings.Contains(r[2], "HYPERLINK") {
				measureRow = r
			}
		}
		if measureRow == nil || measureRow[0] != "2" || measureRow[3] != "40" || measureRow[4] != "50" || measureRow[5] != "80" || measureRow[6] == "" {
			t.Errorf("the measure's csv row: %q", measureRow)
		}
		if measureRow != nil && strings.HasPrefix(measureRow[2], "=") {
			t.Errorf("a formula-looking title starts a formula in the csv: %q", measureRow[2])
		}
		if !slices.ContainsFunc(recs, func(r []string) bool { return r[1] == "Divider" && r[2] == "Health" }) {
			t.Errorf("no divider row: %q", recs)
		}

		xr := c.get(page + "/export.xlsx")
		if xr.Status != http.StatusOK {
			t.Fatalf("xlsx: %d %s", xr.Status, excerpt(xr.Body))
		}
		x, err := excelize.OpenReader(strings.NewReader(xr.Body))
		if err != nil {
			t.Fatal(err)
		}
		sheet := x.GetSheetName(0)
		rows, _ := x.GetRows(sheet)
		if len(rows) != 4 || !slices.Equal(rows[0], wantHead) {
			t.Fatalf("xlsx rows: %q", rows)
		}
		for i, r := range rows {
			if len(r) > 2 && strings.Contains(r[2], "HYPERLINK") {
				cell := fmt.Sprintf("D%d", i+1)
				if typ, _ := x.GetCellType(sheet, cell); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
					t.Errorf("the actual %s is a %v cell, want a number", cell, typ)
				}
				if f, _ := x.GetCellFormula(sheet, fmt.Sprintf("C%d", i+1)); f != "" {
					t.Errorf("the title holds a formula %q", f)
				}
			}
		}

		pr := c.get(page + "/export.pdf")
		if pr.Status != http.StatusOK || pr.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("pdf: %d %s", pr.Status, pr.Header.Get("Content-Type"))
		}
		pages, err := testkit.PDFLines([]byte(pr.Body))
		if err != nil {
			t.Fatal(err)
		}
		var text []string
		for _, pg := range pages {
			text = append(text, pg...)
		}
		if all := strings.Join(text, "\n"); !strings.Contains(all, "Board") || !strings.Contains(all, "Children ready") || !strings.Contains(all, "% of target") {
			t.Errorf("pdf text: %q", all)
		}

		log, err := e.app.ActivityLog(ctx, admin, app.ActivityQuery{Activity: app.ActExport})
		if err != nil {
			t.Fatal(err)
		}
		if n := len(log.Page.Entries); n != 3 {
			t.Errorf("%d exports logged, want 3", n)
		}
	})
}

func atoi64(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}
