package bench

import (
	"context"
	"strconv"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/testkit"
)

// BenchmarkCalcChainSave is issue 22's target: a data save of one measure
// that feeds a three-level chain of calculated measures (a Sum of four
// measures, a Sum of that and another, an Average of that and a third),
// each recomputed in the save's transaction, against the same save of a
// measure that feeds nothing ("x-plain"; target ≤ 3). Before timing, it
// checks that the recompute runs no query per input or per period: a save
// of one period and of three, feeding a chain whose first level has four
// inputs or twelve, all run the same number of statements.
func BenchmarkCalcChainSave(b *testing.B) {
	eachDB(b, func(b *testing.B, db *testkit.DB) {
		s := newSite(b, db)
		in := testkit.MustCreateInstance(b, db.Store, "BENCH", "Bench Community")
		acct, _ := testkit.MustCreateMember(b, db.Store, in, "ada@example.org", access.PresetAdministration)
		gen := generate(b, db, in, tree{Prefix: "Calc", Scorecards: 1, Containers: 5, Measures: 10, Periods: 36})
		ctx := context.Background()
		actor, err := s.app.ActorFor(ctx, app.Session{Account: acct}, in.Code, app.Client{})
		if err != nil {
			b.Fatal(err)
		}
		ms := gen.Measures
		set := func(calcID int64, method string, inputs ...int64) {
			b.Helper()
			if err := s.app.SetCalculation(ctx, actor, calcID, app.CalculationInput{Method: method, Inputs: inputs}); err != nil {
				b.Fatal(err)
			}
		}
		// Chain 1: L1 = Sum(m0..m3), L2 = Sum(L1, m4), L3 = Average(L2, m5).
		set(ms[10], "sum", ms[0], ms[1], ms[2], ms[3])
		set(ms[11], "sum", ms[10], ms[4])
		set(ms[12], "average", ms[11], ms[5])
		// Chain 2, twelve inputs at its first level, fed by m20.
		set(ms[40], "sum", ms[20], ms[21], ms[22], ms[23], ms[24], ms[25], ms[26], ms[27], ms[28], ms[29], ms[30], ms[31])
		set(ms[41], "sum", ms[40], ms[32])
		set(ms[42], "average", ms[41], ms[33])
		keys := monthKeys(db.Store.Now(), 3)
		entries := func(m int64, n int, val int) []app.DataEntry {
			vals, err := db.Store.Q().DataValuesAt(ctx, in.ID, m, keys[3-n:])
			if err != nil {
				b.Fatal(err)
			}
			var out []app.DataEntry
			for _, v := range vals {
				out = append(out, app.DataEntry{PeriodKey: v.PeriodKey, Actual: strconv.Itoa(val), OrigActual: app.FormatRaw(v.Actual),
					Target: app.FormatRaw(v.Target), OrigTarget: app.FormatRaw(v.Target), Comment: v.Comment, OrigComment: v.Comment, Version: v.Version})
			}
			if len(out) != n {
				b.Fatalf("measure %d has %d of the last %d periods", m, len(out), n)
			}
			return out
		}
		queries := func(m int64, n, val int) int64 {
			before := db.Store.QueryCount()
			if _, err := s.app.SaveData(ctx, actor, m, entries(m, n, val)); err != nil {
				b.Fatal(err)
			}
			return db.Store.QueryCount() - before - 1 // less entries' read
		}
		// What the chain adds to the same save of a measure feeding nothing
		// (SaveData itself writes one statement per period).
		extra := map[string]int64{
			"4 inputs, 1 period":   queries(ms[0], 1, 1001) - queries(ms[8], 1, 1001),
			"4 inputs, 3 periods":  queries(ms[0], 3, 1002) - queries(ms[8], 3, 1002),
			"12 inputs, 1 period":  queries(ms[20], 1, 1003) - queries(ms[9], 1, 1003),
			"12 inputs, 3 periods": queries(ms[20], 3, 1004) - queries(ms[9], 3, 1004),
		}
		for _, n := range extra {
			if n != extra["4 inputs, 1 period"] {
				b.Fatalf("statements a chain adds to a save: %v; not the same for every number of inputs and periods", extra)
			}
		}
		b.Logf("statements a 3-level chain adds to a save: %v", extra)
		// The chain computed: L1 = 1004×? — m0 and m1..m3 at the newest
		// period; checked against a direct sum of the stored inputs.
		sum := 0.0
		for _, m := range ms[0:4] {
			v, err := db.Store.Q().DataValuesAt(ctx, in.ID, m, keys[2:])
			if err != nil || len(v) != 1 || v[0].Actual == nil {
				b.Fatalf("input %d: %+v %v", m, v, err)
			}
			sum += *v[0].Actual
		}
		if got, err := db.Store.Q().DataValuesAt(ctx, in.ID, ms[10], keys[2:]); err != nil || len(got) != 1 || got[0].Actual == nil || *got[0].Actual != sum {
			b.Fatalf("level 1 = %+v, %v; want %v", got, err, sum)
		}

		var plain float64
		run := func(b *testing.B, m int64) {
			e := entries(m, 1, 0)[0]
			i := 0
			for b.Loop() {
				i++
				e.Actual = strconv.Itoa(i)
				if n, err := s.app.SaveData(ctx, actor, m, []app.DataEntry{e}); err != nil || n != 1 {
					b.Fatalf("saved %d: %v", n, err)
				}
				e.OrigActual, e.Version = e.Actual, e.Version+1
			}
		}
		b.Run("plain", func(b *testing.B) {
			run(b, ms[8])
			plain = nsPerOp(b)
		})
		b.Run("chain", func(b *testing.B) {
			run(b, ms[0])
			ratio(b, nsPerOp(b), plain, "x-plain")
		})
	})
}
