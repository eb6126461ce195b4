package web_test

import (
	"encoding/csv"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
)

var dataRef = regexp.MustCompile(`data-ref="([^"]+)"`)

// htmlRefs are the rows a report page shows.
func htmlRefs(body string) []string {
	var out []string
	for _, m := range dataRef.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func csvRecords(t *testing.T, r resp) [][]string {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("csv: %d %s", r.Status, excerpt(r.Body))
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func firstColumn(recs [][]string) []string {
	var out []string
	for _, r := range recs {
		out = append(out, r[0])
	}
	return out
}

// Issue 23 on the pages: a report's HTML, CSV, XLSX and PDF rows are what
// the viewer may see, the same in every format; a saved report made by
// an administrator opened by a Presenter shows the Presenter's rows only;
// user text is escaped in the page and neutral in every download;
// another instance's scorecard is 404, an unknown column and a 200-year
// range are refused with a message; the save form keeps the chosen
// columns in the chosen order.
func TestReportPagesAndExports(t *testing.T) {
	testkit.SQLiteAndPostgres(t, func(t *testing.T, db *testkit.DB) {
		f := newFixtureIn(t, newEnv(t, db))
		e := f.e
		acct, err := e.store.Q().AccountByEmail(ctx, "admin@example.org")
		if err != nil {
			t.Fatal(err)
		}
		admin, err := e.app.ActorFor(ctx, app.Session{Account: acct}, "ACME", app.Client{})
		if err != nil {
			t.Fatal(err)
		}
		// A second scorecard, not assigned to the Presenter, with a measure
		// whose title and comment are formulas and HTML.
		hidden, err := e.app.CreateScorecard(ctx, admin, app.ScorecardInput{Title: "Hidden"})
		if err != nil {
			t.Fatal(err)
		}
		res, err := e.app.CreateObject(ctx, admin, app.ObjectInput{Kind: model.KindContainer, TypeID: f.result.TypeID, Title: "Secret result"},
			app.Placement{ScorecardID: hidden.ID})
		if err != nil {
			t.Fatal(err)
		}
		secret, err := e.app.CreateObject(ctx, admin, app.ObjectInput{Kind: model.KindMeasure, TypeID: f.measure.TypeID, Title: `=SUM(1)<b>bold</b>`,
			Decimals: "0", Polarity: "higher", FrequencyID: *f.measure.FrequencyID}, app.Placement{ParentID: res.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range []model.Object{f.measure, secret} {
			if _, err := e.app.SaveData(ctx, admin, m.ID, []app.DataEntry{{PeriodKey: f.periodKey, Actual: "5", Target: "10",
				Comment: `+cmd|' /C calc'!A0 <script>x</script>`}}); err != nil {
				t.Fatal(err)
			}
		}
		presenter, err := e.store.Q().AccountByEmail(ctx, "presenter@example.org")
		if err != nil {
			t.Fatal(err)
		}
		pm, err := e.store.Q().MembershipOf(ctx, f.sc.InstanceID, presenter.ID)
		if err != nil {
			t.Fatal(err)
		}
		perms := access.MustPreset(access.PresetPresenter)
		perms[access.ReportsView] = true
		setPerms(t, e, pm.ID, perms)

		a, p := e.client(), e.client()
		a.setCookie(f.cookies["admin"])
		p.setCookie(f.cookies["presenter"])
		q := "kind=measure_data&col=measure&col=comment&col=actual"
		mine := "m:" + strconv.FormatInt(f.measure.ID, 10) + ":" + f.periodKey
		theirs := "m:" + strconv.FormatInt(secret.ID, 10) + ":" + f.periodKey

		// The administrator sees both, HTML escaped.
		r := a.get("/i/ACME/reports/run?" + q)
		expect(t, "admin's report", r, http.StatusOK, "=SUM(1)&lt;b&gt;bold&lt;/b&gt;", "&lt;script&gt;", `id="nav-reports"`)
		if strings.Contains(r.Body, "<b>bold</b>") || strings.Contains(r.Body, "<script>x") {
			t.Error("user text reached the page as HTML")
		}
		if got := htmlRefs(r.Body); !slices.Equal(sortedStrings(got), sortedStrings([]string{mine, theirs})) {
			t.Errorf("admin's rows %v", got)
		}
		// Every download neutralises it.
		recs := csvRecords(t, a.get("/i/ACME/reports/run.csv?"+q))
		if len(recs) != 3 || recs[0][0] != "Measure" {
			t.Fatalf("admin's csv %q", recs)
		}
		for _, rec := range recs[1:] {
			for _, cell := range rec {
				if cell != "" && strings.ContainsAny(cell[:1], "=+-@") {
					t.Errorf("csv cell %q starts a formula", cell)
				}
			}
		}
		xr := a.get("/i/ACME/reports/run.xlsx?" + q)
		if xr.Status != http.StatusOK {
			t.Fatalf("xlsx %d %s", xr.Status, excerpt(xr.Body))
		}
		x, err := excelize.OpenReader(strings.NewReader(xr.Body))
		if err != nil {
			t.Fatal(err)
		}
		sheet := x.GetSheetName(0)
		rows, _ := x.GetRows(sheet)
		if len(rows) != 3 {
			t.Fatalf("xlsx rows %q", rows)
		}
		for i := 2; i <= 3; i++ {
			for _, col := range []string{"A", "B"} {
				if formula, _ := x.GetCellFormula(sheet, col+strconv.Itoa(i)); formula != "" {
					t.Errorf("xlsx %s%d holds a formula %q", col, i, formula)
				}
			}
		}
		if !slices.Contains(firstColumn(rows), `=SUM(1)<b>bold</b>`) {
			t.Errorf("xlsx keeps the text as text: %q", rows)
		}

		// The Presenter: its own rows only, in every format.
		r = p.get("/i/ACME/reports/run?" + q)
		if got := htmlRefs(r.Body); r.Status != http.StatusOK || !slices.Equal(got, []string{mine}) {
			t.Errorf("presenter's rows %d %v", r.Status, got)
		}
		if strings.Contains(r.Body, "SUM(1)") || strings.Contains(r.Body, "Hidden") {
			t.Error("the presenter's report names what it cannot see")
		}
		if recs := csvRecords(t, p.get("/i/ACME/reports/run.csv?"+q)); len(recs) != 2 || recs[1][0] != "Readiness" {
			t.Errorf("presenter's csv %q", recs)
		}
		xr = p.get("/i/ACME/reports/run.xlsx?" + q)
		x, err = excelize.OpenReader(strings.NewReader(xr.Body))
		if err != nil {
			t.Fatal(err)
		}
		if rows, _ := x.GetRows(x.GetSheetName(0)); len(rows) != 2 || rows[1][0] != "Readiness" {
			t.Errorf("presenter's xlsx %q", rows)
		}
		pr := p.get("/i/ACME/reports/run.pdf?" + q)
		if pr.Status != http.StatusOK || pr.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("pdf %d %s", pr.Status, pr.Header.Get("Content-Type"))
		}
		pages, err := testkit.PDFLines([]byte(pr.Body))
		if err != nil {
			t.Fatal(err)
		}
		var text []string
		for _, pg := range pages {
			text = append(text, pg...)
		}
		all := strings.Join(text, "\n")
		if !strings.Contains(all, "Readiness") || strings.Contains(all, "SUM(1)") {
			t.Errorf("presenter's pdf: %q", all)
		}
		// The administrator's saved report, opened by the Presenter.
		r = p.get("/i/ACME/reports/" + strconv.FormatInt(f.reportID, 10))
		if got := htmlRefs(r.Body); r.Status != http.StatusOK || !slices.Equal(got, []string{mine}) {
			t.Errorf("saved report as the presenter: %d %v", r.Status, got)
		}
		r = a.get("/i/ACME/reports/" + strconv.FormatInt(f.reportID, 10))
		if got := htmlRefs(r.Body); !slices.Equal(sortedStrings(got), sortedStrings([]string{mine, theirs})) {
			t.Errorf("saved report as the admin: %v", got)
		}
		// Exports are logged with their row count.
		if rows, err := e.store.DB().Query(`SELECT COUNT(*) FROM activity_log WHERE activity = 'export' AND object_type = 'report'`); err == nil {
			var n int
			for rows.Next() {
				rows.Scan(&n)
			}
			rows.Close()
			if n != 5 {
				t.Errorf("%d report exports logged, want 5", n)
			}
		}

		// Hostile filters.
		other, err := e.store.Q().AccountByEmail(ctx, "other@example.org")
		if err != nil {
			t.Fatal(err)
		}
		oa, err := e.app.ActorFor(ctx, app.Session{Account: other}, "BETA", app.Client{})
		if err != nil {
			t.Fatal(err)
		}
		betaSC, err := e.app.CreateScorecard(ctx, oa, app.ScorecardInput{Title: "Beta's own"})
		if err != nil {
			t.Fatal(err)
		}
		expect(t, "another instance's scorecard", a.get("/i/ACME/reports/run?kind=notes&scorecard="+strconv.FormatInt(betaSC.ID, 10)), http.StatusNotFound)
		expect(t, "another instance's scorecard, csv", a.get("/i/ACME/reports/run.csv?kind=notes&scorecard="+strconv.FormatInt(betaSC.ID, 10)), http.StatusNotFound)
		expect(t, "an unassigned scorecard", p.get("/i/ACME/reports/run?kind=notes&scorecard="+strconv.FormatInt(hidden.ID, 10)), http.StatusNotFound)
		expect(t, "unknown column", a.get("/i/ACME/reports/run?kind=notes&col=password_hash"), http.StatusUnprocessableEntity, "is not a column of this report")
		expect(t, "unknown column, xlsx", a.get("/i/ACME/reports/run.xlsx?kind=notes&col=password_hash"), http.StatusUnprocessableEntity)
		expect(t, "200 years", a.get("/i/ACME/reports/run?kind=measure_data&from=1900-01-01&to=2100-01-01"), http.StatusUnprocessableEntity,
			"at most 20 years", `id="f-to"`)
		partner := e.client()
		partner.setCookie(f.cookies["partner"])
		expect(t, "another instance's saved report", partner.get("/i/BETA/reports/"+strconv.FormatInt(f.reportID, 10)), http.StatusNotFound)
		expect(t, "user access without users.manage", p.get("/i/ACME/reports/run?kind=user_access"), http.StatusForbidden)
		expect(t, "user access", a.get("/i/ACME/reports/run?kind=user_access"), http.StatusOK, "presenter@example.org")

		// The save form: columns ticked and ordered, then opened.
		r = a.post("/i/ACME/reports", "name", "Overdue", "kind", "missing_data", "col", "measure", "col", "overdue",
			"order_measure", "2", "order_overdue", "1", "sort", "measure", "dir", "desc")
		if r.Status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", r.Status, excerpt(r.Body))
		}
		r = a.get(r.Location)
		if i, j := strings.Index(r.Body, "Days overdue"), strings.Index(r.Body, `data-sort="measure"`); r.Status != http.StatusOK || i < 0 || j < 0 || i > j {
			t.Errorf("saved report's columns out of order (%d, %d): %d", i, j, r.Status)
		}
		expect(t, "saved report in the list", a.get("/i/ACME/reports"), http.StatusOK, "Overdue", "Board pack")
		expect(t, "refused save", a.post("/i/ACME/reports", "name", "", "kind", "notes", "col", "nope"), http.StatusUnprocessableEntity,
			`id="f-name"`)
		// Graphs with a Measure data report: each measure's SVG, with its
		// text alternative; refused on another kind, tied to the option.
		expect(t, "graphs", a.get("/i/ACME/reports/run?kind=measure_data&graphs=1"), http.StatusOK, `id="report-graphs"`, "<desc", `role="img"`)
		expect(t, "graphs on notes", a.get("/i/ACME/reports/run?kind=notes&graphs=1"), http.StatusUnprocessableEntity, "Graphs are shown with a")
		expect(t, "graphs on notes, pdf", a.get("/i/ACME/reports/run.pdf?kind=notes&graphs=1"), http.StatusUnprocessableEntity, "Graphs are shown with a")
		// The PDF draws them after the table: each measure the viewer sees,
		// headed by its title, with its summary in words, and no other.
		q = "kind=measure_data&col=measure&col=actual&graphs=1"
		for _, tc := range []struct {
			who     string
			c       *client
			figures map[string]int // heading → figures with it
		}{
			{"admin", a, map[string]int{"Readiness": 1, "=SUM(1)<b>bold</b>": 1}},
			{"presenter", p, map[string]int{"Readiness": 1, "=SUM(1)<b>bold</b>": 0}},
		} {
			items := reportPDFItems(t, tc.c.get("/i/ACME/reports/run.pdf?"+q))
			text := strings.Join(items, " ")
			shown := 0
			for heading, n := range tc.figures {
				// The table has a row per measure shown, the figures a heading.
				if got := slices.Index(items, heading) >= 0; got != (n > 0) {
					t.Errorf("%s's pdf names %q: %v, want %v", tc.who, heading, got, n > 0)
				}
				if got := strings.Count(strings.Join(items, "\n"), "\n"+heading+"\n"); n > 0 && got != 2 {
					t.Errorf("%s's pdf has %q %d times, want twice (row and heading)", tc.who, heading, got)
				}
				shown += n
			}
			if got := strings.Count(text, "Latest actual 5 in"); got != shown {
				t.Errorf("%s's pdf has %d graph summaries, want %d:\n%s", tc.who, got, shown, text)
			}
			if tc.who == "presenter" && (strings.Contains(text, "SUM(1)") || strings.Contains(text, "Hidden")) {
				t.Errorf("the presenter's pdf names what it cannot see: %s", text)
			}
		}
		// Scheduled delivery is set on the form: a bad choice is refused,
		// tied to its field; a weekly one is saved and shown on Edit.
		expect(t, "bad schedule", a.post("/i/ACME/reports", "name", "Mailed", "kind", "notes", "schedule", "hourly"), http.StatusUnprocessableEntity,
			`id="f-schedule"`, "Choose no delivery, weekly or monthly.")
		r = a.post("/i/ACME/reports", "name", "Mailed", "kind", "notes", "schedule", "weekly")
		if r.Status != http.StatusSeeOther {
			t.Fatalf("save with a schedule: %d %s", r.Status, excerpt(r.Body))
		}
		mailed := strings.TrimSuffix(strings.SplitN(r.Location, "?", 2)[0], "/")
		expect(t, "schedule on the edit form", a.get(mailed+"/edit"), http.StatusOK, `<option value="weekly" selected`)
		// …and said on the report's page and in the list.
		expect(t, "schedule on the report", a.get(mailed), http.StatusOK, `id="report-schedule">Mailed as XLSX every Monday`)
		expect(t, "schedule in the list", a.get("/i/ACME/reports"), http.StatusOK, "<td>Weekly</td>")

		// Over 20 measures the graphs are refused in the PDF as on the page,
		// with the same words; the limit counts what the viewer sees, and
		// the CSV, which has no graphs, is not refused.
		for i := range app.MaxReportGraphs {
			if _, err := e.app.CreateObject(ctx, admin, app.ObjectInput{Kind: model.KindMeasure, TypeID: f.measure.TypeID, Title: "Extra " + strconv.Itoa(i),
				Decimals: "0", Polarity: "higher", FrequencyID: *f.measure.FrequencyID}, app.Placement{ParentID: res.ID}); err != nil {
				t.Fatal(err)
			}
		}
		const tooMany = "Graphs are shown for at most 20"
		expect(t, "too many graphs", a.get("/i/ACME/reports/run?"+q), http.StatusUnprocessableEntity, tooMany)
		expect(t, "too many graphs, pdf", a.get("/i/ACME/reports/run.pdf?"+q), http.StatusUnprocessableEntity, tooMany)
		expect(t, "too many graphs, csv", a.get("/i/ACME/reports/run.csv?"+q), http.StatusOK)
		if items := reportPDFItems(t, p.get("/i/ACME/reports/run.pdf?"+q)); slices.Contains(items, "Extra 0") || !slices.Contains(items, "Readiness") {
			t.Errorf("the presenter's pdf with graphs: %q", items)
		}
	})
}

// reportPDFItems is the text a PDF download draws, one item per piece of
// text drawn, in reading order.
func reportPDFItems(t *testing.T, r resp) []string {
	t.Helper()
	if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("pdf: %d %s %s", r.Status, r.Header.Get("Content-Type"), excerpt(r.Body))
	}
	pages, err := testkit.PDFLines([]byte(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	var items []string
	for _, pg := range pages {
		for _, l := range pg {
			items = append(items, strings.Split(l, " | ")...)
		}
	}
	return items
}

func sortedStrings(s []string) []string {
	out := append([]string{}, s...)
	slices.Sort(out)
	return out
}
