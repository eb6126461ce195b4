package app_test

import (
	"strings"
	"testing"

	"yardstick/internal/app"
	"yardstick/internal/testkit"
)

// Forecasts (issue 28, point 3) go in through every data path — the grid,
// the paste, the API's bulk write and Import Data — are refused like an
// actual when they are not numbers, and the scorecard's Forecast column
// shows the next one.
func TestForecastsThroughEveryPath(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		f := newLimitsFixture(t, db)
		ctx, m, k := f.ctx, f.measure, f.keys
		forecastAt := func(key string) string {
			t.Helper()
			page, err := f.app.MeasurePage(ctx, f.actor(), m.ID, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, g := range page.Grid {
				if g.Key == key {
					return app.FormatRaw(g.Value.Forecast)
				}
			}
			return "?"
		}
		// The grid.
		if _, err := f.app.SaveData(ctx, f.actor(), m.ID, []app.DataEntry{{PeriodKey: k[0], Actual: "10", Forecast: "12"}}); err != nil {
			t.Fatal(err)
		}
		if got := forecastAt(k[0]); got != "12" {
			t.Errorf("grid: forecast %q, want 12", got)
		}
		if _, err := f.app.SaveData(ctx, f.actor(), m.ID, []app.DataEntry{{PeriodKey: k[1], Forecast: "lots"}}); app.KindOf(err) != app.Invalid ||
			!strings.Contains(err.Error(), "forecast") {
			t.Errorf("a forecast that is not a number: %v", err)
		}
		// The paste, into the forecast column from k[1].
		if _, err := f.app.PasteColumn(ctx, f.actor(), m.ID, "forecast", k[1], "13\n14"); err != nil {
			t.Fatal(err)
		}
		if got := forecastAt(k[2]); got != "14" {
			t.Errorf("paste: forecast %q, want 14", got)
		}
		// The API's bulk write.
		v := 15.0
		if _, err := f.app.UpsertValues(ctx, f.actor(), []app.ValueRow{{MeasureID: m.ID, PeriodKey: k[3], Forecast: &v}}); err != nil {
			t.Fatal(err)
		}
		if got := forecastAt(k[3]); got != "15" {
			t.Errorf("bulk: forecast %q, want 15", got)
		}
		// Import Data: a forecast column sets it; a file without one keeps it.
		in := app.DataImportInput{ScorecardID: f.sc.ID, FileName: "forecasts.csv", File: parseCSV(t, "measure,period,forecast\n"+
			itoa64(m.ID)+","+k[4]+",16\n")}
		run := func(in app.DataImportInput) {
			t.Helper()
			plan, err := f.app.PreviewDataImport(ctx, f.actor(), in)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.app.RunDataImport(ctx, f.actor(), in, plan.Seen(), false); err != nil {
				t.Fatal(err)
			}
		}
		run(in)
		if got := forecastAt(k[4]); got != "16" {
			t.Errorf("import: forecast %q, want 16", got)
		}
		in = app.DataImportInput{ScorecardID: f.sc.ID, FileName: "actuals.csv", File: parseCSV(t, "measure,period,actual\n"+
			itoa64(m.ID)+","+k[4]+",7\n")}
		run(in)
		if got := forecastAt(k[4]); got != "16" {
			t.Errorf("import without a forecast column: forecast %q, want 16 kept", got)
		}
		// The scorecard: the next forecast after the current actual (k[4]'s 7)
		// is none yet; after k[0]'s, k[1]'s.
		page, err := f.app.ScorecardPage(ctx, f.actor(), f.sc.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Rows {
			if r.Object.ID == m.ID && r.Summary.NextForecast != nil {
				t.Errorf("next forecast after the latest actual: %+v, want none", r.Summary.NextForecast)
			}
		}
	})
}
