package app_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/jobs"
	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

// calcWorld is one instance with a scorecard and a container, for
// calculated measures.
type calcWorld struct {
	*pw
	A     *site
	admin *app.Actor
	box   model.Object
	sc    model.Scorecard
}

func newCalcWorld(t *testing.T, db *testkit.DB) *calcWorld {
	w := newPW(t, db)
	A := w.site("ALPHA", "Alpha Org")
	admin := A.member("admin", access.PresetAdministration)
	sc := A.scorecard(admin, "Network")
	box := A.container(admin, "Results", app.Placement{ScorecardID: sc.ID})
	return &calcWorld{pw: w, A: A, admin: admin, box: box, sc: sc}
}

func (c *calcWorld) measure(title string) model.Object {
	return c.A.measure(c.A.as("admin"), title, app.Placement{ParentID: c.box.ID})
}

func (c *calcWorld) set(m model.Object, method string, inputs ...model.Object) {
	c.t.Helper()
	if err := c.app.SetCalculation(c.ctx, c.A.as("admin"), m.ID, app.CalculationInput{Method: method, Inputs: idsOf(inputs...)}); err != nil {
		c.t.Fatalf("calculate %s: %v", m.Title, err)
	}
}

func idsOf(ms ...model.Object) []int64 {
	out := make([]int64, len(ms))
	for i, m := range ms {
		out[i] = m.ID
	}
	return out
}

// actuals returns a measure's actuals by period, as text ("" for none).
func actualsOf(t *testing.T, w *pw, inst, id int64) map[string]string {
	t.Helper()
	vs, err := w.q().DataValues(w.ctx, inst, id)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, v := range vs {
		out[v.PeriodKey] = app.FormatRaw(v.Actual)
	}
	return out
}

func (c *calcWorld) wantActual(what string, m model.Object, key, want string) {
	c.t.Helper()
	if got := actualsOf(c.t, c.pw, c.A.in.ID, m.ID)[key]; got != want {
		c.t.Errorf("%s: %s at %s = %q, want %q", what, m.Title, key, got, want)
	}
}

// save types an actual over what is stored.
func (c *calcWorld) save(m model.Object, key, actual string) {
	c.t.Helper()
	saveOver(c.t, c.pw, c.A.as("admin"), m, key, actual)
}

func saveOver(t *testing.T, w *pw, actor *app.Actor, m model.Object, key, actual string) {
	t.Helper()
	cur, err := w.q().DataValuesAt(w.ctx, m.InstanceID, m.ID, []string{key})
	if err != nil {
		t.Fatal(err)
	}
	e := app.DataEntry{PeriodKey: key, Actual: actual}
	if len(cur) == 1 {
		e.OrigActual, e.Version = app.FormatRaw(cur[0].Actual), cur[0].Version
		e.Target, e.OrigTarget = app.FormatRaw(cur[0].Target), app.FormatRaw(cur[0].Target)
		e.Comment, e.OrigComment = cur[0].Comment, cur[0].Comment
	}
	if _, err := w.app.SaveData(w.ctx, actor, m.ID, []app.DataEntry{e}); err != nil {
		t.Fatalf("save %s %s: %v", m.Title, key, err)
	}
}

const k1, k2, k3, k4 = "2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01"

// TestCalculationDefinition: set and clear; every refusal tied to its
// field (method, formula, inputs), a cycle with its path named, inputs of
// another frequency or not visible refused; a refused save changes
// nothing; clearing keeps the values and lets them be typed.
func TestCalculationDefinition(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		c := newCalcWorld(t, db)
		X, Y, Z, C, D := c.measure("X"), c.measure("Y"), c.measure("Z"), c.measure("Total C"), c.measure("Total D")
		c.save(X, k1, "2")
		c.save(Y, k1, "3")
		c.set(C, "sum", X, Y)
		c.wantActual("set computes at once", C, k1, "5")
		stored, err := c.q().Calculation(c.ctx, c.A.in.ID, C.ID)
		if err != nil || stored.Method != "sum" || len(stored.Inputs) != 2 || stored.Inputs[1].MeasureID != Y.ID {
			t.Fatalf("stored calculation = %+v, %v", stored, err)
		}
		c.save(Z, k1, "1")
		c.set(D, "sum", C, Z)
		c.wantActual("D over C", D, k1, "6")

		// A quarterly measure, a container, a measure of another instance.
		freqs, err := c.app.Frequencies(c.ctx, c.admin)
		if err != nil {
			t.Fatal(err)
		}
		var quarterly int64
		for _, f := range freqs {
			if f.Kind == "Quarterly" {
				quarterly = f.ID
			}
		}
		Q, err := c.app.CreateObject(c.ctx, c.admin, app.ObjectInput{Kind: model.KindMeasure, TypeID: c.A.typeOf["Indicator"], Title: "Quarterly Q",
			Decimals: "0", Polarity: "higher", FrequencyID: quarterly}, app.Placement{ParentID: c.box.ID})
		if err != nil {
			t.Fatal(err)
		}
		B := c.site("BETA", "Beta Org")
		bAdmin := B.member("admin", access.PresetAdministration)
		bs := B.scorecard(bAdmin, "Beta's")
		bm := B.measure(bAdmin, "Beta M", app.Placement{ParentID: B.container(bAdmin, "Beta R", app.Placement{ScorecardID: bs.ID}).ID})

		for _, tc := range []struct {
			name  string
			in    app.CalculationInput
			field string
			has   string
		}{
			{"unknown method", app.CalculationInput{Method: "median", Inputs: idsOf(X)}, "method", "Choose how"},
			{"no inputs", app.CalculationInput{Method: "sum"}, "inputs", "at least one"},
			{"bad formula", app.CalculationInput{Method: "formula", Formula: "A + * B", Inputs: idsOf(X, Y)}, "formula", "character 5"},
			{"formula names a missing input", app.CalculationInput{Method: "formula", Formula: "A + C", Inputs: idsOf(X, Y)}, "formula", "uses C"},
			{"percent of one", app.CalculationInput{Method: "percent", Inputs: idsOf(X)}, "inputs", "exactly two"},
			{"partial ratio", app.CalculationInput{Method: "ratio", Partial: true, Inputs: idsOf(X, Y)}, "method", "Only Sum"},
			{"input twice", app.CalculationInput{Method: "sum", Inputs: idsOf(X, X)}, "inputs", "again"},
			{"a container", app.CalculationInput{Method: "sum", Inputs: idsOf(c.box)}, "inputs", "that you can see"},
			{"another instance's, not shared", app.CalculationInput{Method: "sum", Inputs: idsOf(bm)}, "inputs", "that you can see"},
			{"another frequency", app.CalculationInput{Method: "sum", Inputs: idsOf(X, Q)}, "inputs", "reporting frequency"},
			{"itself", app.CalculationInput{Method: "sum", Inputs: idsOf(X, C)}, "inputs", "from itself"},
			{"a cycle through D", app.CalculationInput{Method: "sum", Inputs: idsOf(X, D)}, "inputs", "“Total C” → “Total D” → “Total C”"},
		} {
			err := c.app.SetCalculation(c.ctx, c.A.as("admin"), C.ID, tc.in)
			wantField(t, tc.name, err, tc.field)
			if e, ok := app.AsError(err); ok && !strings.Contains(e.Fields[tc.field], tc.has) {
				t.Errorf("%s: message %q lacks %q", tc.name, e.Fields[tc.field], tc.has)
			}
		}
		if got, err := c.q().Calculation(c.ctx, c.A.in.ID, C.ID); err != nil || got.Method != "sum" || len(got.Inputs) != 2 {
			t.Errorf("a refused change changed the calculation: %+v, %v", got, err)
		}
		// Data Entry alone may not define a calculation.
		c.A.member("clerk", access.PresetDataEntry)
		if err := c.A.assign(c.A.as("admin"), "clerk", c.sc.ID); err != nil {
			t.Fatal(err)
		}
		wantKind(t, "data entry sets a calculation", c.app.SetCalculation(c.ctx, c.A.as("clerk"), C.ID,
			app.CalculationInput{Method: "sum", Inputs: idsOf(X)}), app.Forbidden)

		// Clear: the values stay and can be typed over.
		wantOK(t, "clear", c.app.ClearCalculation(c.ctx, c.A.as("admin"), C.ID))
		if _, err := c.q().Calculation(c.ctx, c.A.in.ID, C.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("calculation after clear: %v", err)
		}
		c.wantActual("after clear", C, k1, "5")
		c.save(C, k1, "9")
		c.wantActual("typed after clear", C, k1, "9")
		c.wantActual("D follows C's typed value", D, k1, "10")
		wantKind(t, "clear twice", c.app.ClearCalculation(c.ctx, c.A.as("admin"), C.ID), app.Conflict)
	})
}

// TestCalculationWritePaths: every write path recomputes in its own
// transaction (grid, paste, API bulk, Import Data), and refuses a write
// of the calculated actual per row, saying "calculated measure"; the
// target stays typed; a nested chain city → county → region follows one
// save.
func TestCalculationWritePaths(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		c := newCalcWorld(t, db)
		X, Y, S := c.measure("X"), c.measure("Y"), c.measure("Sum S")
		c.set(S, "sum", X, Y)

		// Grid.
		if _, err := c.app.SaveData(c.ctx, c.A.as("admin"), X.ID, []app.DataEntry{{PeriodKey: k1, Actual: "1"}, {PeriodKey: k2, Actual: "10"}}); err != nil {
			t.Fatal(err)
		}
		c.wantActual("grid, one input", S, k1, "")
		c.save(Y, k1, "2")
		c.wantActual("grid", S, k1, "3")
		// Paste.
		if _, err := c.app.PasteColumn(c.ctx, c.A.as("admin"), Y.ID, "actual", k2, "20\n30"); err != nil {
			t.Fatal(err)
		}
		c.wantActual("paste", S, k2, "30")
		c.wantActual("paste, X missing", S, k3, "")
		// API bulk write.
		v := func(f float64) *float64 { return &f }
		if _, err := c.app.UpsertValues(c.ctx, c.A.as("admin"), []app.ValueRow{{MeasureID: X.ID, PeriodKey: k3, Actual: v(5)}}); err != nil {
			t.Fatal(err)
		}
		c.wantActual("API", S, k3, "35")
		// Import Data.
		in := app.DataImportInput{FileName: "x.csv", File: parseCSV(t, "measure,period,actual\n"+
			strconv.FormatInt(X.ID, 10)+","+label(k4)+",4\n"+strconv.FormatInt(Y.ID, 10)+","+label(k4)+",6\n")}
		plan, err := c.app.PreviewDataImport(c.ctx, c.A.as("admin"), in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.app.RunDataImport(c.ctx, c.A.as("admin"), in, plan.Seen(), false); err != nil {
			t.Fatal(err)
		}
		c.wantActual("import", S, k4, "10")
		// Deleting an input's value removes the calculated one.
		if _, err := c.app.SaveData(c.ctx, c.A.as("admin"), X.ID, []app.DataEntry{{PeriodKey: k4, OrigActual: "4", Actual: "", Version: 1}}); err != nil {
			t.Fatal(err)
		}
		c.wantActual("input deleted", S, k4, "")

		// The calculated actual is refused on every path, nothing saved.
		before := actualsOf(t, c.pw, c.A.in.ID, S.ID)
		_, err = c.app.SaveData(c.ctx, c.A.as("admin"), S.ID, []app.DataEntry{{PeriodKey: k1, OrigActual: "3", Actual: "99", Version: 1}})
		wantField(t, "grid write of a calculated actual", err, k1)
		_, err = c.app.PasteColumn(c.ctx, c.A.as("admin"), S.ID, "actual", k1, "7")
		wantField(t, "paste into a calculated actual", err, k1)
		_, err = c.app.UpsertValues(c.ctx, c.A.as("admin"), []app.ValueRow{{MeasureID: S.ID, PeriodKey: k1, Actual: v(7), Version: 1}})
		wantField(t, "API write of a calculated actual", err, "values/0/actual")
		in = app.DataImportInput{FileName: "s.csv", File: parseCSV(t, "measure,period,actual\n"+strconv.FormatInt(S.ID, 10)+","+label(k1)+",7\n")}
		plan, err = c.app.PreviewDataImport(c.ctx, c.A.as("admin"), in)
		if err != nil {
			t.Fatal(err)
		}
		if r := byLine(plan)[2]; r.Outcome != app.DataError || !strings.Contains(r.Reason, "calculated measure") {
			t.Errorf("import preview of a calculated actual: %s %q", r.Outcome, r.Reason)
		}
		if got := actualsOf(t, c.pw, c.A.in.ID, S.ID); len(got) != len(before) || got[k1] != before[k1] {
			t.Errorf("a refused write changed the calculated values: %v, was %v", got, before)
		}
		// The target stays typed, and keeps the calculated actual.
		if _, err := c.app.SaveData(c.ctx, c.A.as("admin"), S.ID, []app.DataEntry{{PeriodKey: k1, OrigActual: "3", Actual: "3", Target: "4", Version: 1}}); err != nil {
			t.Fatalf("target of a calculated measure: %v", err)
		}
		c.wantActual("typed target", S, k1, "3")
		if _, err := c.app.UpsertValues(c.ctx, c.A.as("admin"), []app.ValueRow{{MeasureID: S.ID, PeriodKey: k2, Target: v(40), Version: 1}}); err != nil {
			t.Fatalf("API target of a calculated measure: %v", err)
		}
		c.wantActual("API typed target", S, k2, "30")

		// Calculated targets: computed like the actuals, and refused when
		// typed, on the grid and in the API.
		T := c.measure("Targets T")
		if err := c.app.SetCalculation(c.ctx, c.A.as("admin"), T.ID, app.CalculationInput{Method: "sum", CalcTargets: true,
			Inputs: idsOf(X, Y)}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.app.UpsertValues(c.ctx, c.A.as("admin"), []app.ValueRow{{MeasureID: X.ID, PeriodKey: "2026-01-01", Target: v(5)},
			{MeasureID: Y.ID, PeriodKey: "2026-01-01", Target: v(6)}}); err != nil {
			t.Fatal(err)
		}
		if got, err := c.q().DataValuesAt(c.ctx, c.A.in.ID, T.ID, []string{"2026-01-01"}); err != nil || len(got) != 1 ||
			app.FormatRaw(got[0].Target) != "11" || got[0].Actual != nil {
			t.Errorf("calculated target = %+v, %v; want 11 and no actual", got, err)
		}
		_, err = c.app.UpsertValues(c.ctx, c.A.as("admin"), []app.ValueRow{{MeasureID: T.ID, PeriodKey: "2026-01-01", Target: v(1), Version: 1}})
		wantField(t, "API write of a calculated target", err, "values/0/target")
		_, err = c.app.SaveData(c.ctx, c.A.as("admin"), T.ID, []app.DataEntry{{PeriodKey: "2026-01-01", OrigTarget: "11", Target: "1", Version: 1}})
		wantField(t, "grid write of a calculated target", err, "2026-01-01")
		if e, ok := app.AsError(err); ok && app.DataColumn(e.Fields["2026-01-01"], c.admin.Words()) != "target" {
			t.Errorf("the refusal is not tied to the target cell: %q", e.Fields["2026-01-01"])
		}

		// Nested: city → county → region, one save.
		c1, c2, c3 := c.measure("City 1"), c.measure("City 2"), c.measure("City 3")
		n1, n2, region := c.measure("County 1"), c.measure("County 2"), c.measure("Region")
		c.set(region, "sum", n1, n2)
		c.set(n1, "sum", c1, c2)
		c.set(n2, "average", c3)
		if _, err := c.app.UpsertValues(c.ctx, c.A.as("admin"), []app.ValueRow{
			{MeasureID: c1.ID, PeriodKey: k1, Actual: v(1)}, {MeasureID: c2.ID, PeriodKey: k1, Actual: v(2)}, {MeasureID: c3.ID, PeriodKey: k1, Actual: v(4)}}); err != nil {
			t.Fatal(err)
		}
		c.wantActual("chain, county", n1, k1, "3")
		c.wantActual("chain, region", region, k1, "7")
		c.save(c1, k1, "11")
		c.wantActual("chain, one grid save", region, k1, "17")

		// An accumulation: YTD restarts with the fiscal year.
		ytd := c.measure("YTD")
		c.set(ytd, "ytd_sum", X)
		c.save(X, "2024-12-01", "100")
		c.wantActual("ytd", ytd, k3, "16") // 1 + 10 + 5
		c.wantActual("ytd, previous year", ytd, "2024-12-01", "100")
		c.save(X, k2, "20")
		c.wantActual("ytd after an earlier period changed", ytd, k3, "26")
	})
}

// TestCalculationPartners: a funder's Sum over three grantees' shared
// measures updates when a grantee enters data (through the job engine);
// after a revoke the funder sees the mark and no new values; a grantee
// never sees the funder's calculated measure.
func TestCalculationPartners(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		F := w.site("FUND", "Funder")
		fAdmin := F.member("admin", access.PresetAdministration)
		fsc := F.scorecard(fAdmin, "Portfolio")
		total := F.measure(fAdmin, "Clients served, all grantees", app.Placement{ParentID: F.container(fAdmin, "Reach", app.Placement{ScorecardID: fsc.ID}).ID})
		var grantees []*site
		var inputs []int64
		for i, code := range []string{"G1", "G2", "G3"} {
			G := w.site(code, "Grantee "+strconv.Itoa(i+1))
			ga := G.member("admin", access.PresetAdministration)
			s := G.scorecard(ga, "Grant report")
			m := G.measure(ga, "Clients served", app.Placement{ParentID: G.container(ga, "Service", app.Placement{ScorecardID: s.ID}).ID})
			w.connect(G, F)
			w.share(G, F, app.ShareChoice{ScorecardID: s.ID})
			grantees = append(grantees, G)
			inputs = append(inputs, m.ID)
		}
		if err := w.app.SetCalculation(w.ctx, F.as("admin"), total.ID, app.CalculationInput{Method: "sum", Inputs: inputs}); err != nil {
			t.Fatal(err)
		}
		shown, err := w.app.NetworkView(w.ctx, F.as("admin"), total.ID)
		if err != nil || len(shown.Periods) != app.NetworkPeriods {
			t.Fatalf("network view: %+v, %v", shown, err)
		}
		p1, p2 := shown.Periods[app.NetworkPeriods-2].Key, shown.Periods[app.NetworkPeriods-1].Key
		settle := startJobs(t, w, db, "calc_recompute")
		enter := func(g int, key, actual string) {
			t.Helper()
			saveOver(t, w, grantees[g].as("admin"), model.Object{ID: inputs[g], InstanceID: grantees[g].in.ID, Title: "Clients served"}, key, actual)
			settle()
		}
		funder := func(key string) string { return actualsOf(t, w, F.in.ID, total.ID)[key] }
		enter(0, p1, "10")
		enter(1, p1, "20")
		if got := funder(p1); got != "" {
			t.Errorf("two of three reported: total %q, want none", got)
		}
		enter(2, p1, "30")
		if got := funder(p1); got != "60" {
			t.Errorf("all three reported: total %q, want 60", got)
		}
		enter(2, p1, "35")
		if got := funder(p1); got != "65" {
			t.Errorf("a grantee corrected: total %q, want 65", got)
		}
		enter(0, p2, "1")
		enter(1, p2, "2")

		// The network view: each input's latest value and owner; who has
		// not reported p2.
		nv, err := w.app.NetworkView(w.ctx, F.as("admin"), total.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(nv.Inputs) != 3 || nv.Inputs[0].Owner != "Grantee 1 (G1)" || nv.Inputs[2].Latest.PeriodKey != p1 ||
			app.FormatRaw(nv.Inputs[2].Latest.Actual) != "35" {
			t.Errorf("network view inputs = %+v", nv.Inputs)
		}
		if missing := nv.Missing(p2); len(missing) != 1 || missing[0].Owner != "Grantee 3 (G3)" {
			t.Errorf("missing at %s = %v, want Grantee 3", p2, missing)
		}

		// A grantee never sees the funder's calculated measure.
		for i, G := range grantees {
			if _, err := w.app.ViewObject(w.ctx, G.as("admin"), total.ID); app.KindOf(err) != app.NotFound {
				t.Errorf("grantee %d opens the funder's calculation: %v", i+1, kindName(err))
			}
		}

		// Grantee 1 revokes: the funder's values stay, marked, and stop
		// updating.
		c := grantees[0].sharingWith(F)
		if err := w.app.RevokeChannel(w.ctx, grantees[0].as("admin"), c.ID); err != nil {
			t.Fatal(err)
		}
		marks, err := w.q().CalcMarks(w.ctx, F.in.ID, total.ID)
		if err != nil || !marks[p1] {
			t.Errorf("marks after revoke = %v, %v; want %s marked", marks, err, p1)
		}
		enter(2, p2, "3")
		enter(1, p1, "25")
		if got := funder(p1); got != "65" {
			t.Errorf("after the revoke the total moved: %q, want 65 kept", got)
		}
		if got := funder(p2); got != "" {
			t.Errorf("after the revoke a new period got a value: %q", got)
		}
		mp, err := w.app.MeasurePage(w.ctx, F.as("admin"), total.ID, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if mp.Calc == nil || !mp.Calc.Unshared[p1] {
			t.Errorf("the funder's page does not show the mark: %+v", mp.Calc)
		}
	})
}

// startJobs starts the job engine for a test and returns a function that
// waits until no job of kind is left to work.
func startJobs(t *testing.T, w *pw, db *testkit.DB, kind string) (settle func()) {
	t.Helper()
	e, err := jobs.New(w.app, jobs.Config{PollEvery: 20 * time.Millisecond}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Start(w.ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Stop(context.WithoutCancel(w.ctx)) })
	return func() {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			rows, err := db.Store.ListJobs(w.ctx, []string{"available", "running", "retryable", "scheduled"}, 100)
			if err != nil {
				t.Fatal(err)
			}
			left := 0
			for _, r := range rows {
				if r.Kind == kind {
					left++
				}
			}
			if left == 0 {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Fatalf("%s jobs not worked within 30 s", kind)
	}
}

// TestCalculationUnshare: a grantee that stops sharing the scorecard
// (the channel stays) marks the funder's values at once, as a revoke does;
// they stay and stop updating.
func TestCalculationUnshare(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		w := newPW(t, db)
		F := w.site("FUND", "Funder")
		fAdmin := F.member("admin", access.PresetAdministration)
		total := F.measure(fAdmin, "Clients served, all grantees", app.Placement{ParentID: F.container(fAdmin, "Reach",
			app.Placement{ScorecardID: F.scorecard(fAdmin, "Portfolio").ID}).ID})
		G := w.site("G1", "Grantee 1")
		ga := G.member("admin", access.PresetAdministration)
		s := G.scorecard(ga, "Grant report")
		m := G.measure(ga, "Clients served", app.Placement{ParentID: G.container(ga, "Service", app.Placement{ScorecardID: s.ID}).ID})
		other := G.scorecard(ga, "Other report")
		w.connect(G, F)
		w.share(G, F, app.ShareChoice{ScorecardID: s.ID}, app.ShareChoice{ScorecardID: other.ID})
		if err := w.app.SetCalculation(w.ctx, F.as("admin"), total.ID, app.CalculationInput{Method: "sum", Inputs: []int64{m.ID}}); err != nil {
			t.Fatal(err)
		}
		nv, err := w.app.NetworkView(w.ctx, F.as("admin"), total.ID)
		if err != nil {
			t.Fatal(err)
		}
		p1 := nv.Periods[app.NetworkPeriods-1].Key
		settle := startJobs(t, w, db, "calc_recompute")
		saveOver(t, w, G.as("admin"), m, p1, "10")
		settle()
		if got := actualsOf(t, w, F.in.ID, total.ID)[p1]; got != "10" {
			t.Fatalf("the funder's total is %q, want 10", got)
		}
		// Unsharing a scorecard that does not reach the input marks nothing.
		w.share(G, F, app.ShareChoice{ScorecardID: s.ID})
		if marks, err := w.q().CalcMarks(w.ctx, F.in.ID, total.ID); err != nil || len(marks) != 0 {
			t.Errorf("marks after unsharing another scorecard = %v, %v; want none", marks, err)
		}
		w.share(G, F)
		if marks, err := w.q().CalcMarks(w.ctx, F.in.ID, total.ID); err != nil || !marks[p1] {
			t.Errorf("marks after the unshare = %v, %v; want %s marked", marks, err, p1)
		}
		saveOver(t, w, G.as("admin"), m, p1, "12")
		settle()
		if got := actualsOf(t, w, F.in.ID, total.ID)[p1]; got != "10" {
			t.Errorf("after the unshare the total moved: %q, want 10 kept", got)
		}
	})
}
