package app_test

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/dataimport"
	"yardstick/internal/model"
	"yardstick/internal/period"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

func parseCSV(t *testing.T, text string) dataimport.File {
	t.Helper()
	f, err := dataimport.Parse(strings.NewReader(text), dataimport.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func label(key string) string {
	p, err := period.Monthly().FromKey(key)
	if err != nil {
		panic(err)
	}
	return period.Monthly().Label(p)
}

// byLine indexes a plan's rows by their line.
func byLine(p app.DataImportPlan) map[int]app.DataImportRow {
	out := map[int]app.DataImportRow{}
	for _, r := range p.Rows {
		out[r.Line] = r
	}
	return out
}

// dataImportFixture: the limits fixture (scorecard Limits, Box, monthly
// measure Gauge with no decimals), a second measure Counter with an
// external id, a value of each, and another instance with its own measure.
type dataImportFixture struct {
	*limitsFixture
	counter model.Object
	foreign int64 // a measure of another instance
}

func newDataImportFixture(t *testing.T, db *testkit.DB) *dataImportFixture {
	f := &dataImportFixture{limitsFixture: newLimitsFixture(t, db)}
	f.counter = f.newMeasure(app.ObjectInput{Title: "Counter", ExtID: "C-1"})
	one, seven := 1.0, 7.0
	if _, err := f.app.UpsertValues(f.ctx, f.actor(), []app.ValueRow{
		{MeasureID: f.measure.ID, PeriodKey: f.keys[0], Actual: &seven},
		{MeasureID: f.counter.ID, PeriodKey: f.keys[0], Actual: &one, Comment: "first"},
	}); err != nil {
		t.Fatal(err)
	}
	other := testkit.MustCreateInstance(t, db.Store, "BETA", "Beta")
	bAdmin, _ := testkit.MustCreateMember(t, db.Store, other, "bo@example.org", access.PresetAdministration)
	b, err := f.app.ActorFor(f.ctx, app.Session{Account: bAdmin}, other.Code, app.Client{Addr: "192.0.2.2"})
	if err != nil {
		t.Fatal(err)
	}
	sc, err := f.app.CreateScorecard(f.ctx, b, app.ScorecardInput{Title: "Beta's"})
	if err != nil {
		t.Fatal(err)
	}
	types, _ := f.app.Types(f.ctx, b, "")
	ids := map[string]int64{}
	for _, ty := range types {
		ids[ty.Name] = ty.ID
	}
	freqs, _ := f.app.Frequencies(f.ctx, b)
	box, err := f.app.CreateObject(f.ctx, b, app.ObjectInput{Kind: model.KindContainer, TypeID: ids["Result"], Title: "Box"}, app.Placement{ScorecardID: sc.ID})
	if err != nil {
		t.Fatal(err)
	}
	m, err := f.app.CreateObject(f.ctx, b, app.ObjectInput{Kind: model.KindMeasure, TypeID: ids["Indicator"], Title: "Gauge", Decimals: "0",
		Polarity: "higher", FrequencyID: freqs[0].ID}, app.Placement{ParentID: box.ID})
	if err != nil {
		t.Fatal(err)
	}
	f.foreign = m.ID
	return f
}

func (f *dataImportFixture) count() int {
	return len(f.values(f.measure.ID)) + len(f.values(f.counter.ID))
}

// Import Data (issue 21): each preview outcome with its reason, errors
// first; all or nothing unless the valid rows are chosen; a re-run writes
// nothing; one activity entry for the import besides those of the values.
func TestDataImportOutcomes(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		f := newDataImportFixture(t, db)
		k := f.keys
		in := app.DataImportInput{ScorecardID: f.sc.ID, FileName: "march.csv", File: parseCSV(t, "measure,period,actual,target,comment\n"+
			"Gauge,"+label(k[0])+",7,,\n"+ // 2: no change
			"Gauge,"+k[1]+",5,6,\n"+ // 3: new (a date in the period)
			"ext:C-1,"+label(k[0])+",2,,first\n"+ // 4: update 1 → 2
			strconv.FormatInt(f.measure.ID, 10)+","+label(k[0])+",8,,\n"+ // 5: duplicate of 2
			"Nope,"+label(k[0])+",1,,\n"+ // 6: unknown measure
			strconv.FormatInt(f.foreign, 10)+","+label(k[0])+",1,,\n"+ // 7: another instance's: unknown
			"Gauge,Q1 2024,1,,\n"+ // 8: not a period of a monthly measure
			"Gauge,"+label(k[2])+",abc,,\n"+ // 9: not a number
			"Gauge,"+label(k[3])+",1.5,,\n"+ // 10: more decimals than the measure has
			"C-1,"+label(k[2])+",,,\n")} // 11: nothing to import
		plan, err := f.app.PreviewDataImport(f.ctx, f.actor(), in)
		if err != nil {
			t.Fatal(err)
		}
		rows := byLine(plan)
		want := map[int]struct{ outcome, reason string }{
			2:  {app.DataNoChange, ""},
			3:  {app.DataNew, ""},
			4:  {app.DataUpdate, "actual 1 → 2"},
			5:  {app.DataError, "Duplicate of row 2"},
			6:  {app.DataError, "Unknown measure “Nope”."},
			7:  {app.DataError, "Unknown measure “" + strconv.FormatInt(f.foreign, 10) + "”."},
			8:  {app.DataError, "“Q1 2024” is not a period of this measure (monthly)"},
			9:  {app.DataError, "The actual is not a number: “abc”."},
			10: {app.DataError, "The actual: "},
			11: {app.DataNoChange, "No value in the row"},
		}
		for line, w := range want {
			r := rows[line]
			if r.Outcome != w.outcome || !strings.HasPrefix(r.Reason, w.reason) {
				t.Errorf("row %d: %q %q, want %q %q", line, r.Outcome, r.Reason, w.outcome, w.reason)
			}
		}
		if c := plan.Counts; c[app.DataNew] != 1 || c[app.DataUpdate] != 1 || c[app.DataNoChange] != 2 || c[app.DataError] != 6 {
			t.Errorf("counts = %v", c)
		}
		for i, r := range plan.Rows {
			if (i < 6) != (r.Outcome == app.DataError) {
				t.Errorf("row %d of the preview is %q: errors come first", i, r.Outcome)
			}
		}
		if rows[3].Period != label(k[1]) || rows[3].MeasureID != f.measure.ID {
			t.Errorf("row 3 = %+v", rows[3])
		}

		// All or nothing: errors refuse the run, nothing written.
		before := f.count()
		_, err = f.app.RunDataImport(f.ctx, f.actor(), in, plan.Seen(), false)
		if e, ok := app.AsError(err); !ok || e.Kind != app.Invalid || !strings.Contains(e.Msg, "6 rows with errors") {
			t.Fatalf("run with errors: %v", err)
		}
		if f.count() != before {
			t.Fatalf("a refused run wrote values")
		}
		// The valid rows, chosen explicitly; every row is still reported.
		ran, err := f.app.RunDataImport(f.ctx, f.actor(), in, plan.Seen(), true)
		if err != nil {
			t.Fatal(err)
		}
		if !ran.Ran || ran.Written != 2 || len(ran.Rows) != 10 {
			t.Fatalf("run: %+v", ran)
		}
		if v := f.values(f.measure.ID)[k[1]]; *v.Actual != 5 || *v.Target != 6 {
			t.Errorf("new value = %+v", v)
		}
		if v := f.values(f.counter.ID)[k[0]]; *v.Actual != 2 || v.Comment != "first" {
			t.Errorf("updated value = %+v", v)
		}
		res, err := app.WriteDataResults(ran)
		if err != nil || !bytes.Contains(res, []byte("\r\n4,update,actual 1 → 2\r\n")) || !bytes.Contains(res, []byte("\r\n6,error,Unknown measure “Nope”.\r\n")) {
			t.Errorf("results = %q, %v", res, err)
		}
		page, err := f.q().ListActivity(f.ctx, f.in.ID, store.ActivityFilter{From: testkit.Epoch.Add(-time.Hour),
			To: testkit.Epoch.Add(time.Hour), Activity: app.ActImport, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Entries) != 1 || page.Entries[0].ObjectName != "march.csv" || page.Entries[0].ObjectType != "data" ||
			fmt.Sprint(page.Entries[0].Changes) != fmt.Sprint([]model.Change{{Field: "new", After: "1"}, {Field: "update", After: "1"},
				{Field: "no change", After: "2"}, {Field: "error", After: "6"}}) {
			t.Errorf("import entries = %+v", page.Entries)
		}
		if got := f.logged(app.ActDataEntry, f.counter.ID); got != "Counter" {
			t.Errorf("data entry logged about %q", got)
		}

		// Re-running the same file: everything valid is now no change.
		again, err := f.app.PreviewDataImport(f.ctx, f.actor(), in)
		if err != nil {
			t.Fatal(err)
		}
		if again.Counts[app.DataNew]+again.Counts[app.DataUpdate] != 0 || again.Counts[app.DataNoChange] != 4 {
			t.Fatalf("second preview counts = %v", again.Counts)
		}
		ran, err = f.app.RunDataImport(f.ctx, f.actor(), in, again.Seen(), true)
		if err != nil || ran.Written != 0 {
			t.Fatalf("re-run wrote %d: %v", ran.Written, err)
		}
	})
}

// A value changed between the preview and the run refuses the whole run.
func TestDataImportStalePreview(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		f := newDataImportFixture(t, db)
		k := f.keys
		in := app.DataImportInput{FileName: "x.csv", File: parseCSV(t, "measure,period,actual\n"+
			strconv.FormatInt(f.measure.ID, 10)+","+label(k[0])+",9\n"+
			"ext:C-1,"+label(k[1])+",3\n")}
		plan, err := f.app.PreviewDataImport(f.ctx, f.actor(), in)
		if err != nil {
			t.Fatal(err)
		}
		if plan.Counts[app.DataUpdate] != 1 || plan.Counts[app.DataNew] != 1 {
			t.Fatalf("counts = %v", plan.Counts)
		}
		eight := 8.0
		v := f.values(f.measure.ID)[k[0]]
		if _, err := f.app.UpsertValues(f.ctx, f.actor(), []app.ValueRow{{MeasureID: f.measure.ID, PeriodKey: k[0], Actual: &eight, Version: v.Version}}); err != nil {
			t.Fatal(err)
		}
		_, err = f.app.RunDataImport(f.ctx, f.actor(), in, plan.Seen(), false)
		if e, ok := app.AsError(err); !ok || e.Kind != app.Conflict || !strings.Contains(e.Msg, "changed since the preview") {
			t.Fatalf("stale run: %v", err)
		}
		if _, ok := f.values(f.counter.ID)[k[1]]; ok {
			t.Errorf("a stale run wrote the other row")
		}
		if got := *f.values(f.measure.ID)[k[0]].Actual; got != 8 {
			t.Errorf("stale run overwrote: %v", got)
		}
	})
}

// A member who may import and enter data on one scorecard cannot write to
// a measure that is only on another: the row is an unknown measure (it is
// not visible to them) and nothing is written; without import, 403.
func TestDataImportScope(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		f := newDataImportFixture(t, db)
		ctx := context.Background()
		q := f.q()
		acct, err := q.CreateAccount(ctx, model.Account{Email: "sam@example.org", Name: "Sam", HomeInstanceID: &f.in.ID}, "x")
		if err != nil {
			t.Fatal(err)
		}
		m, err := q.CreateMembership(ctx, model.Membership{InstanceID: f.in.ID, AccountID: acct.ID, Active: true, Role: access.Custom,
			Permissions: []string{string(access.Import), string(access.DataEnter), string(access.ObjectsEdit)}})
		if err != nil {
			t.Fatal(err)
		}
		other, err := f.app.CreateScorecard(ctx, f.actor(), app.ScorecardInput{Title: "Sam's"})
		if err != nil {
			t.Fatal(err)
		}
		box, err := f.app.CreateObject(ctx, f.actor(), app.ObjectInput{Kind: model.KindContainer, TypeID: f.types["Result"], Title: "Sam's box"},
			app.Placement{ScorecardID: other.ID})
		if err != nil {
			t.Fatal(err)
		}
		own, err := f.app.CreateObject(ctx, f.actor(), app.ObjectInput{Kind: model.KindMeasure, TypeID: f.types["Indicator"], Title: "Own",
			Decimals: "0", Polarity: "higher", FrequencyID: f.freq}, app.Placement{ParentID: box.ID})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.app.AssignScorecard(ctx, f.actor(), other.ID, app.Assignment{Chosen: []int64{m.ID}}); err != nil {
			t.Fatal(err)
		}
		sam, err := f.app.ActorFor(ctx, app.Session{Account: acct}, f.in.Code, app.Client{Addr: "192.0.2.3"})
		if err != nil {
			t.Fatal(err)
		}
		in := app.DataImportInput{ScorecardID: other.ID, FileName: "x.csv", File: parseCSV(t, "measure,period,actual\n"+
			"Own,"+label(f.keys[1])+",4\n"+
			strconv.FormatInt(f.measure.ID, 10)+","+label(f.keys[1])+",4\n")}
		plan, err := f.app.PreviewDataImport(ctx, sam, in)
		if err != nil {
			t.Fatal(err)
		}
		rows := byLine(plan)
		if rows[2].Outcome != app.DataNew || rows[3].Outcome != app.DataError || rows[3].Reason != "Unknown measure “"+strconv.FormatInt(f.measure.ID, 10)+"”." {
			t.Fatalf("rows = %+v", plan.Rows)
		}
		if _, err := f.app.RunDataImport(ctx, sam, in, plan.Seen(), false); app.KindOf(err) != app.Invalid {
			t.Fatalf("run: %v", err)
		}
		if len(f.values(own.ID)) != 0 || len(f.values(f.measure.ID)) != 1 {
			t.Errorf("a refused run wrote values")
		}
		// Import Data needs import.
		bAcct, _ := testkit.MustCreateMember(t, db.Store, f.in, "bea@example.org", access.PresetScorecardBuilder)
		bea, err := f.app.ActorFor(ctx, app.Session{Account: bAcct}, f.in.Code, app.Client{Addr: "192.0.2.4"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.app.PreviewDataImport(ctx, bea, in); app.KindOf(err) != app.Forbidden {
			t.Errorf("preview without import: %v", err)
		}
		if _, err := f.app.RunDataImport(ctx, bea, in, plan.Seen(), true); app.KindOf(err) != app.Forbidden {
			t.Errorf("run without import: %v", err)
		}
	})
}

// The page's flow: an upload is kept, previewed, run once with the
// preview's fingerprint; its results stay; another member cannot reach it.
func TestDataImportKept(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		f := newDataImportFixture(t, db)
		file := "measure;period;actual\r\nGauge;" + label(f.keys[1]) + ";1,5e\r\nGauge;" + label(f.keys[2]) + ";4\r\n"
		plan, err := f.app.UploadDataImport(f.ctx, f.actor(), f.sc.ID, "data.csv", "", strings.NewReader(file))
		if err != nil {
			t.Fatal(err)
		}
		if plan.ID == 0 || plan.Counts[app.DataError] != 1 || plan.Counts[app.DataNew] != 1 || plan.Token == "" {
			t.Fatalf("plan = %+v", plan)
		}
		if _, err := f.app.UploadDataImport(f.ctx, f.actor(), f.sc.ID, "x.csv", "", strings.NewReader("nothing")); app.KindOf(err) != app.Invalid {
			t.Errorf("a file refused as a whole: %v", err)
		}
		if _, err := f.app.RunKeptDataImport(f.ctx, f.actor(), plan.ID, "other", true); app.KindOf(err) != app.Conflict {
			t.Errorf("another fingerprint: %v", err)
		}
		if _, err := f.app.RunKeptDataImport(f.ctx, f.actor(), plan.ID, plan.Token, false); app.KindOf(err) != app.Invalid {
			t.Errorf("errors without valid only: %v", err)
		}
		if _, err := f.app.DataImportResults(f.ctx, f.actor(), plan.ID); app.KindOf(err) != app.NotFound {
			t.Errorf("results before the run: %v", err)
		}
		ran, err := f.app.RunKeptDataImport(f.ctx, f.actor(), plan.ID, plan.Token, true)
		if err != nil || ran.Written != 1 {
			t.Fatalf("run: %+v %v", ran, err)
		}
		if _, err := f.app.RunKeptDataImport(f.ctx, f.actor(), plan.ID, plan.Token, true); app.KindOf(err) != app.Conflict {
			t.Errorf("second run: %v", err)
		}
		res, err := f.app.DataImportResults(f.ctx, f.actor(), plan.ID)
		if err != nil || !strings.HasPrefix(string(res), "\ufeffrow,outcome,reason\r\n2,error,\"The actual is not a number: “1,5e”.\"\r\n3,new,\r\n") {
			t.Errorf("results = %q, %v", res, err)
		}
		shown, err := f.app.DataImportPreview(f.ctx, f.actor(), plan.ID)
		if err != nil || !shown.Ran || shown.Written != 1 || shown.Counts[app.DataNew] != 1 || shown.Rows[0].Outcome != app.DataError {
			t.Errorf("after the run: %+v %v", shown, err)
		}
		// Another administrator does not see it.
		acct, _ := testkit.MustCreateMember(t, db.Store, f.in, "al@example.org", access.PresetAdministration)
		al, err := f.app.ActorFor(f.ctx, app.Session{Account: acct}, f.in.Code, app.Client{Addr: "192.0.2.5"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.app.DataImportPreview(f.ctx, al, plan.ID); app.KindOf(err) != app.NotFound {
			t.Errorf("another member's upload: %v", err)
		}
	})
}

// The round trip (issue 21): export a scorecard's values to XLSX, change
// three cells with excelize as a spreadsheet program would, import the
// file: those three values change and nothing else.
func TestDataImportRoundTrip(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		f := newDataImportFixture(t, db)
		k := f.keys
		three, four, five, two := 3.0, 4.0, 5.0, 2.0
		if _, err := f.app.UpsertValues(f.ctx, f.actor(), []app.ValueRow{
			{MeasureID: f.measure.ID, PeriodKey: k[1], Actual: &three, Target: &four, Comment: "=HYPERLINK(\"x\")"},
			{MeasureID: f.measure.ID, PeriodKey: k[2], Actual: &five},
			{MeasureID: f.counter.ID, PeriodKey: k[1], Actual: &two, Target: &two},
		}); err != nil {
			t.Fatal(err)
		}
		sheet, err := f.app.ExportDataValues(f.ctx, f.actor(), f.sc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(sheet.Rows) != 5 {
			t.Fatalf("export rows = %+v", sheet.Rows)
		}
		var out bytes.Buffer
		if err := dataimport.WriteXLSX(&out, "Data values", sheet.Rows); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&out)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := x.GetRows("Data values")
		if err != nil {
			t.Fatal(err)
		}
		find := func(id int64, key string) int {
			for i, r := range rows {
				if len(r) > 2 && r[0] == strconv.FormatInt(id, 10) && r[2] == label(key) {
					return i + 1
				}
			}
			t.Fatalf("no row of %d %s in %q", id, key, rows)
			return 0
		}
		set := func(col string, row int, v any) {
			if err := x.SetCellValue("Data values", col+strconv.Itoa(row), v); err != nil {
				t.Fatal(err)
			}
		}
		set("D", find(f.measure.ID, k[1]), 30)          // actual 3 → 30
		set("E", find(f.measure.ID, k[2]), 9)           // target (none) → 9
		set("G", find(f.counter.ID, k[0]), "corrected") // comment "first" → "corrected"
		var edited bytes.Buffer
		if err := x.Write(&edited); err != nil {
			t.Fatal(err)
		}
		x.Close()
		before := map[int64]map[string]model.DataValue{f.measure.ID: f.values(f.measure.ID), f.counter.ID: f.values(f.counter.ID)}

		plan, err := f.app.UploadDataImport(f.ctx, f.actor(), f.sc.ID, "export.xlsx", "", &edited)
		if err != nil {
			t.Fatal(err)
		}
		if plan.Counts[app.DataUpdate] != 3 || plan.Counts[app.DataNoChange] != 2 || len(plan.Rows) != 5 {
			t.Fatalf("preview = %+v", plan)
		}
		ran, err := f.app.RunKeptDataImport(f.ctx, f.actor(), plan.ID, plan.Token, false)
		if err != nil || ran.Written != 3 {
			t.Fatalf("run: %d %v", ran.Written, err)
		}
		changes := 0
		for id, vs := range before {
			after := f.values(id)
			if len(after) != len(vs) {
				t.Errorf("measure %d: %d values, had %d", id, len(after), len(vs))
			}
			for key, b := range vs {
				a := after[key]
				for _, d := range []struct {
					name string
					same bool
				}{{"actual", ptrEq(a.Actual, b.Actual)}, {"target", ptrEq(a.Target, b.Target)}, {"comment", a.Comment == b.Comment}} {
					if !d.same {
						changes++
						t.Logf("changed: measure %d %s %s", id, key, d.name)
					}
				}
			}
		}
		if changes != 3 || *f.values(f.measure.ID)[k[1]].Actual != 30 || *f.values(f.measure.ID)[k[2]].Target != 9 ||
			f.values(f.counter.ID)[k[0]].Comment != "corrected" || f.values(f.measure.ID)[k[1]].Comment != "=HYPERLINK(\"x\")" {
			t.Errorf("%d fields changed, want the three edited", changes)
		}
	})
}

func ptrEq(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

// The template: each measure's periods due since its last value through
// the period data is entered for, pre-filled; or a chosen range.
func TestDataTemplate(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		f := newDataImportFixture(t, db)
		sheet, err := f.app.DataTemplate(f.ctx, f.actor(), f.sc.ID, "", "")
		if err != nil {
			t.Fatal(err)
		}
		if len(sheet.Rows) == 0 {
			t.Fatal("an empty template")
		}
		for _, r := range sheet.Rows {
			if r.Measure != f.measure.ID && r.Measure != f.counter.ID {
				t.Errorf("row of measure %d", r.Measure)
			}
		}
		sheet, err = f.app.DataTemplate(f.ctx, f.actor(), f.sc.ID, f.keys[0], f.keys[2])
		if err != nil {
			t.Fatal(err)
		}
		if len(sheet.Rows) != 6 || sheet.Rows[0].Period != label(f.keys[0]) || sheet.Rows[0].Actual == nil || *sheet.Rows[0].Actual != 7 {
			t.Errorf("range rows = %+v", sheet.Rows)
		}
		if _, err := f.app.DataTemplate(f.ctx, f.actor(), f.sc.ID, "2026-13-01", ""); app.KindOf(err) != app.Invalid {
			t.Errorf("bad date: %v", err)
		}
	})
}

// A calculated measure and a partner-owned measure are each refused per
// row, with the reason, in the preview and in the run (issue 21): a
// calculated actual, a calculated target, a partner's measure shared to
// contribute to and one shared to view. Nothing is written to them, with or
// without "import the valid rows", and the other row still imports when
// that is chosen.
func TestDataImportCalculatedAndPartnerRows(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		A, B := w.site("ALPHA", "Alpha Org"), w.site("BETA", "Beta Org")
		adminA := A.member("admin", access.PresetAdministration)
		adminB := B.member("admin", access.PresetAdministration)
		contrib := A.scorecard(adminA, "Shared to contribute")
		M := A.measure(adminA, "Partner M", app.Placement{ParentID: A.container(adminA, "R1", app.Placement{ScorecardID: contrib.ID}).ID})
		view := A.scorecard(adminA, "Shared to view")
		MV := A.measure(adminA, "Partner MV", app.Placement{ParentID: A.container(adminA, "R2", app.Placement{ScorecardID: view.ID}).ID})
		w.connect(A, B)
		w.share(A, B, app.ShareChoice{ScorecardID: contrib.ID, Contribute: true}, app.ShareChoice{ScorecardID: view.ID})

		sc := B.scorecard(adminB, "Beta's")
		box := B.container(adminB, "Box", app.Placement{ScorecardID: sc.ID})
		X := B.measure(adminB, "X", app.Placement{ParentID: box.ID})
		Y := B.measure(adminB, "Y", app.Placement{ParentID: box.ID})
		total := B.measure(adminB, "Total", app.Placement{ParentID: box.ID})
		targets := B.measure(adminB, "Targets", app.Placement{ParentID: box.ID})
		if err := w.app.SetCalculation(w.ctx, B.as("admin"), total.ID, app.CalculationInput{Method: "sum", Inputs: idsOf(X)}); err != nil {
			t.Fatal(err)
		}
		if err := w.app.SetCalculation(w.ctx, B.as("admin"), targets.ID, app.CalculationInput{Method: "sum", CalcTargets: true, Inputs: idsOf(X)}); err != nil {
			t.Fatal(err)
		}
		two, five := 2.0, 5.0
		if _, err := w.app.UpsertValues(w.ctx, B.as("admin"), []app.ValueRow{{MeasureID: X.ID, PeriodKey: k1, Actual: &two, Target: &five}}); err != nil {
			t.Fatal(err)
		}
		type snapshot map[string]string
		values := func(inst, id int64) snapshot {
			t.Helper()
			vs, err := w.q().DataValues(w.ctx, inst, id)
			if err != nil {
				t.Fatal(err)
			}
			out := snapshot{}
			for _, v := range vs {
				out[v.PeriodKey] = fmt.Sprintf("%s/%s/%s v%d", app.FormatRaw(v.Actual), app.FormatRaw(v.Target), v.Comment, v.Version)
			}
			return out
		}
		all := func() map[string]snapshot {
			return map[string]snapshot{"Y": values(B.in.ID, Y.ID), "Total": values(B.in.ID, total.ID), "Targets": values(B.in.ID, targets.ID),
				"Partner M": values(A.in.ID, M.ID), "Partner MV": values(A.in.ID, MV.ID)}
		}
		before := all()
		if !strings.HasPrefix(before["Total"][k1], "2/") {
			t.Fatalf("the calculated actual before the import = %q, want 2", before["Total"][k1])
		}
		aEntries := len(w.log(A.in, app.ActDataEntry))

		in := app.DataImportInput{ScorecardID: sc.ID, FileName: "mixed.csv", File: parseCSV(t, "measure,period,actual,target\n"+
			"Y,"+label(k1)+",5,\n"+ // 2: new
			"Total,"+label(k1)+",7,\n"+ // 3: a calculated actual
			"Targets,"+label(k1)+",,3\n"+ // 4: a calculated target
			strconv.FormatInt(M.ID, 10)+","+label(k1)+",4,\n"+ // 5: a partner's, shared to contribute
			strconv.FormatInt(MV.ID, 10)+","+label(k1)+",4,\n")} // 6: a partner's, shared to view
		want := map[int]struct{ outcome, reason string }{
			2: {app.DataNew, ""},
			3: {app.DataError, "The actual: “Total” is a calculated measure: its actual is calculated from its inputs and cannot be entered."},
			4: {app.DataError, "The target: “Targets” is a calculated measure: its target is calculated from its inputs and cannot be entered."},
			5: {app.DataError, "“Partner M” belongs to a partner organization: enter its data on its page there."},
			6: {app.DataError, "“Partner MV” belongs to a partner organization: enter its data on its page there."},
		}
		check := func(what string, plan app.DataImportPlan) {
			t.Helper()
			rows := byLine(plan)
			for line, x := range want {
				if r := rows[line]; r.Outcome != x.outcome || r.Reason != x.reason {
					t.Errorf("%s, row %d: %q %q, want %q %q", what, line, r.Outcome, r.Reason, x.outcome, x.reason)
				}
			}
			if c := plan.Counts; c[app.DataNew] != 1 || c[app.DataError] != 4 || len(plan.Rows) != 5 {
				t.Errorf("%s: counts %v of %d rows", what, c, len(plan.Rows))
			}
		}
		nothingWritten := func(what string) {
			t.Helper()
			got := all()
			for name, vs := range before {
				if name == "Y" {
					continue
				}
				if fmt.Sprint(got[name]) != fmt.Sprint(vs) {
					t.Errorf("%s: %s changed: %v, was %v", what, name, got[name], vs)
				}
			}
			if n := len(w.log(A.in, app.ActDataEntry)); n != aEntries {
				t.Errorf("%s: the partner's log has %d data entries, had %d", what, n, aEntries)
			}
		}

		plan, err := w.app.PreviewDataImport(w.ctx, B.as("admin"), in)
		if err != nil {
			t.Fatal(err)
		}
		check("preview", plan)

		// All or nothing: the refused rows refuse the run, Y included.
		_, err = w.app.RunDataImport(w.ctx, B.as("admin"), in, plan.Seen(), false)
		if e, ok := app.AsError(err); !ok || e.Kind != app.Invalid || !strings.Contains(e.Msg, "4 rows with errors") {
			t.Fatalf("run with the refused rows: %v", err)
		}
		nothingWritten("refused run")
		if got := values(B.in.ID, Y.ID); len(got) != 0 {
			t.Errorf("a refused run wrote Y: %v", got)
		}

		// The valid rows, chosen: Y only; every row is reported with its
		// reason, and the results file says the same.
		ran, err := w.app.RunDataImport(w.ctx, B.as("admin"), in, plan.Seen(), true)
		if err != nil {
			t.Fatal(err)
		}
		if !ran.Ran || ran.Written != 1 {
			t.Fatalf("run of the valid rows: ran %v, wrote %d", ran.Ran, ran.Written)
		}
		check("run", ran)
		nothingWritten("run of the valid rows")
		if got := values(B.in.ID, Y.ID)[k1]; !strings.HasPrefix(got, "5/") {
			t.Errorf("Y at %s = %q, want 5", k1, got)
		}
		res, err := app.WriteDataResults(ran)
		if err != nil {
			t.Fatal(err)
		}
		for line, x := range want {
			if x.outcome == app.DataError && !strings.Contains(string(res), "\r\n"+strconv.Itoa(line)+",error,"+x.reason+"\r\n") {
				t.Errorf("the results file lacks row %d's reason: %q", line, res)
			}
		}

		// The page's flow, through a kept upload, refuses them the same way.
		var csv strings.Builder
		csv.WriteString("measure,period,actual,target\r\n")
		csv.WriteString("Total," + label(k2) + ",7,\r\nTargets," + label(k2) + ",,3\r\n")
		csv.WriteString(strconv.FormatInt(M.ID, 10) + "," + label(k2) + ",4,\r\n" + strconv.FormatInt(MV.ID, 10) + "," + label(k2) + ",4,\r\n")
		kept, err := w.app.UploadDataImport(w.ctx, B.as("admin"), sc.ID, "mixed.csv", "", strings.NewReader(csv.String()))
		if err != nil {
			t.Fatal(err)
		}
		if kept.Counts[app.DataError] != 4 || len(kept.Rows) != 4 {
			t.Fatalf("kept preview: %v", kept.Counts)
		}
		for _, r := range kept.Rows {
			if !strings.Contains(r.Reason, "is a calculated measure") && !strings.Contains(r.Reason, "belongs to a partner organization") {
				t.Errorf("kept preview, row %d: %q", r.Line, r.Reason)
			}
		}
		if _, err := w.app.RunKeptDataImport(w.ctx, B.as("admin"), kept.ID, kept.Token, false); app.KindOf(err) != app.Invalid {
			t.Errorf("kept run with errors: %v", err)
		}
		done, err := w.app.RunKeptDataImport(w.ctx, B.as("admin"), kept.ID, kept.Token, true)
		if err != nil || done.Written != 0 {
			t.Errorf("kept run of the valid rows: wrote %d, %v", done.Written, err)
		}
		nothingWritten("kept run")
	})
}
