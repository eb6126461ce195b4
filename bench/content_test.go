package bench

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

// BenchmarkScorecardPage opens a 50-container × 10-measure scorecard with
// 36 months of data per measure, as an administrator, against /healthz of
// the same server. Before timing, it checks the page costs the same number
// of store queries as a 5 × 10 scorecard: no query per row.
func BenchmarkScorecardPage(b *testing.B) {
	eachDB(b, func(b *testing.B, db *testkit.DB) {
		s := newSite(b, db)
		in := testkit.MustCreateInstance(b, db.Store, "BENCH", "Bench Community")
		testkit.MustCreateMember(b, db.Store, in, "ada@example.org", access.PresetAdministration)
		small := generate(b, db, in, tree{Prefix: "Small", Scorecards: 1, Containers: 5, Measures: 10, Periods: 36})
		big := generate(b, db, in, tree{Prefix: "Big", Scorecards: 1, Containers: 50, Measures: 10, Periods: 36})
		c := s.client()
		s.login(b, c, "ada@example.org")
		smallURL := s.srv.URL + "/i/BENCH/scorecards/" + itoa(small.Scorecards[0])
		bigURL := s.srv.URL + "/i/BENCH/scorecards/" + itoa(big.Scorecards[0])
		mustContain(b, c, bigURL, measureTitle("Big", 499)) // the last row is rendered

		nSmall, nBig := queriesOf(b, db, c, smallURL), queriesOf(b, db, c, bigURL)
		b.Logf("%s: store queries per scorecard page: 5×10 %d, 50×10 %d", db.Name, nSmall, nBig)
		if nBig != nSmall {
			b.Fatalf("a 50×10 scorecard costs %d queries, a 5×10 one %d: a query per row", nBig, nSmall)
		}

		var hello float64
		b.Run("hello", func(b *testing.B) {
			for b.Loop() {
				get(b, c, s.srv.URL+"/healthz", http.StatusOK)
			}
			reqPerSec(b)
			hello = rate(b)
		})
		b.Run("page", func(b *testing.B) {
			for b.Loop() {
				get(b, c, bigURL, http.StatusOK)
			}
			reqPerSec(b)
			b.ReportMetric(float64(nBig), "queries/req")
			ratio(b, rate(b), hello, "of-hello")
		})
	})
}

// BenchmarkMeasureList lists measures in an instance of 100,000: as an
// administrator (scorecards.all, no filter) and as a member assigned 5 of
// 100 scorecards (5,000 measures, every 20th by title), on the first page
// and on a page from the middle of the list. Each member page reports its
// throughput as a fraction of the same administrator page ("of-admin";
// target ≥ 0.70).
func BenchmarkMeasureList(b *testing.B) {
	eachDB(b, func(b *testing.B, db *testkit.DB) {
		s := newSite(b, db)
		in := testkit.MustCreateInstance(b, db.Store, "BENCH", "Bench Community")
		testkit.MustCreateMember(b, db.Store, in, "ada@example.org", access.PresetAdministration)
		_, bea := testkit.MustCreateMember(b, db.Store, in, "bea@example.org", access.PresetDataEntry)
		const scorecards = 100
		gen := generate(b, db, in, tree{Prefix: "List", Scorecards: scorecards, Containers: 10, Measures: 100})
		// Every 20th scorecard: measure n sits on scorecard n % 100, so the
		// member's 5% is spread evenly through the title order.
		var assigned []int64
		for i := 0; i < scorecards; i += 20 {
			assigned = append(assigned, gen.Scorecards[i])
		}
		ctx := context.Background()
		if err := db.Store.Q().SetMembershipScorecards(ctx, in.ID, bea.ID, assigned); err != nil {
			b.Fatal(err)
		}

		base := s.srv.URL + "/i/BENCH/objects?kind=measure"
		mid := middleCursor(b, db, in.ID, len(gen.Measures))
		deep := base + "&after=" + mid
		admin, member := s.client(), s.client()
		s.login(b, admin, "ada@example.org")
		s.login(b, member, "bea@example.org")
		// The pages are what they claim: the admin sees every measure, the
		// member every 20th, and the deep page starts mid-list.
		mustContain(b, admin, base, measureTitle("List", 1))
		mustContain(b, member, base, measureTitle("List", 20))
		mustNotContain(b, member, base, measureTitle("List", 1))
		mustContain(b, admin, deep, measureTitle("List", 50_001))
		mustContain(b, member, deep, measureTitle("List", 50_020))
		mustNotContain(b, member, deep, measureTitle("List", 50_001))

		var hello float64
		b.Run("hello", func(b *testing.B) {
			for b.Loop() {
				get(b, admin, s.srv.URL+"/healthz", http.StatusOK)
			}
			reqPerSec(b)
			hello = rate(b)
		})
		adminRate := map[string]float64{}
		for _, p := range []struct{ name, url string }{{"first", base}, {"deep", deep}} {
			b.Run("admin-"+p.name, func(b *testing.B) {
				for b.Loop() {
					get(b, admin, p.url, http.StatusOK)
				}
				reqPerSec(b)
				adminRate[p.name] = rate(b)
				ratio(b, rate(b), hello, "of-hello")
			})
		}
		// The last-updated order, where the generated measures share one
		// time: its first page, and the page after measure 50,000, against
		// the title order's first page.
		var midID int64
		var midAt time.Time
		if err := db.Store.DB().QueryRowContext(ctx, `SELECT id, updated_at FROM objects WHERE instance_id = $1 AND title = $2`,
			in.ID, measureTitle("List", 50_000)).Scan(&midID, &midAt); err != nil {
			b.Fatal(err)
		}
		byUpdated := base + "&sort=updated"
		updatedDeep := byUpdated + "&after=" + storeCursor(midAt.UTC().Format(time.RFC3339Nano), midID)
		mustContain(b, admin, updatedDeep, measureTitle("List", 50_001))
		for _, p := range []struct{ name, url string }{{"updated", byUpdated}, {"updated-deep", updatedDeep}} {
			b.Run("admin-"+p.name, func(b *testing.B) {
				for b.Loop() {
					get(b, admin, p.url, http.StatusOK)
				}
				reqPerSec(b)
				b.ReportMetric(partnersPaired(b, admin, base, admin, p.url), "paired-x-first")
			})
		}
		for _, p := range []struct{ name, url string }{{"first", base}, {"deep", deep}} {
			b.Run("member-"+p.name, func(b *testing.B) {
				for b.Loop() {
					get(b, member, p.url, http.StatusOK)
				}
				reqPerSec(b)
				ratio(b, rate(b), adminRate[p.name], "of-admin")
			})
		}
		// The same pages through the API (issue 16: ≥ 1.0× the HTML list),
		// with a key of the administrator's permissions; also from blocks
		// interleaved with the HTML page's ("paired-of-html").
		api := s.apiClient(b, "BENCH", "ada@example.org")
		apiBase := s.srv.URL + "/api/v1/i/BENCH/measures?limit=50"
		apiURLs := map[string]string{"first": apiBase, "deep": apiBase + "&cursor=" + url.QueryEscape(mid)}
		mustContain(b, api, apiURLs["first"], measureTitle("List", 1))
		mustContain(b, api, apiURLs["deep"], measureTitle("List", 50_001))
		for _, p := range []struct{ name, url string }{{"first", base}, {"deep", deep}} {
			b.Run("api-"+p.name, func(b *testing.B) {
				u := apiURLs[p.name]
				for b.Loop() {
					get(b, api, u, http.StatusOK)
				}
				reqPerSec(b)
				ratio(b, rate(b), adminRate[p.name], "of-html")
				b.ReportMetric(partnersPaired(b, api, u, admin, p.url), "paired-of-html")
			})
		}
	})
}

// middleCursor returns a page cursor made by the store that starts the
// list just after the middle measure. A title search matching the ten
// measures from the middle one, one per page, yields the store's cursor
// after the first of them; a cursor is only a position in the title
// order, so it serves the unfiltered list too.
func middleCursor(b *testing.B, db *testkit.DB, instanceID int64, measures int) string {
	b.Helper()
	text := measureTitle("List", measures/2)
	page, err := db.Store.Q().ListObjects(context.Background(), instanceID,
		store.ObjectFilter{Kind: model.KindMeasure, Text: text[:len(text)-1], Limit: 1}, store.SeeAll)
	if err != nil || page.Next == "" {
		b.Fatalf("no cursor for the middle of the list (%v)", err)
	}
	return page.Next
}

// BenchmarkDataSave saves one data value: a plain single-row UPDATE (the
// baseline), the store's versioned SaveDataValue, and the app's SaveData
// (access check, validation, conflict check and write in a transaction).
// Each save reports its time as a multiple of the plain UPDATE
// ("x-update"; target for the store save ≤ 5).
func BenchmarkDataSave(b *testing.B) {
	eachDB(b, func(b *testing.B, db *testkit.DB) {
		s := newSite(b, db)
		in := testkit.MustCreateInstance(b, db.Store, "BENCH", "Bench Community")
		acct, _ := testkit.MustCreateMember(b, db.Store, in, "ada@example.org", access.PresetAdministration)
		gen := generate(b, db, in, tree{Prefix: "Data", Scorecards: 1, Containers: 50, Measures: 10, Periods: 36})
		ctx := context.Background()
		key := monthKeys(db.Store.Now(), 1)[0] // the newest period, which has a value
		// Each variant writes its own row so versions do not interfere.
		current := func(b *testing.B, measureID int64) model.DataValue {
			vals, err := db.Store.Q().DataValues(ctx, in.ID, measureID)
			if err != nil {
				b.Fatal(err)
			}
			for _, v := range vals {
				if v.PeriodKey == key {
					return v
				}
			}
			b.Fatalf("measure %d has no value for %s", measureID, key)
			return model.DataValue{}
		}

		var plain float64 // ns per plain UPDATE
		b.Run("update", func(b *testing.B) {
			m := gen.Measures[0]
			i := 0
			for b.Loop() {
				i++
				res, err := db.Store.DB().ExecContext(ctx, `UPDATE data_values SET actual = $1 WHERE instance_id = $2 AND measure_id = $3 AND period_key = $4`,
					float64(i), in.ID, m, key)
				if err != nil {
					b.Fatal(err)
				}
				if n, _ := res.RowsAffected(); n != 1 {
					b.Fatalf("updated %d rows", n)
				}
			}
			plain = nsPerOp(b)
		})
		b.Run("store", func(b *testing.B) {
			v := current(b, gen.Measures[1])
			q := db.Store.Q()
			i := 0
			for b.Loop() {
				i++
				actual := float64(i)
				v.Actual = &actual
				var err error
				if v, err = q.SaveDataValue(ctx, in.ID, v); err != nil {
					b.Fatal(err)
				}
			}
			ratio(b, nsPerOp(b), plain, "x-update")
		})
		b.Run("app", func(b *testing.B) {
			m := gen.Measures[2]
			v := current(b, m)
			actor, err := s.app.ActorFor(ctx, app.Session{Account: acct}, in.Code, app.Client{})
			if err != nil {
				b.Fatal(err)
			}
			// One edited row as the grid posts it: what the editor saw, at
			// which version, and the new actual.
			e := app.DataEntry{PeriodKey: key, Target: "75", OrigTarget: "75", OrigActual: app.FormatRaw(v.Actual), Version: v.Version}
			i := 0
			for b.Loop() {
				i++
				e.Actual = strconv.Itoa(i)
				if n, err := s.app.SaveData(ctx, actor, m, []app.DataEntry{e}); err != nil || n != 1 {
					b.Fatalf("saved %d: %v", n, err)
				}
				e.OrigActual, e.Version = e.Actual, e.Version+1
			}
			ratio(b, nsPerOp(b), plain, "x-update")
		})
	})
}

// queriesOf counts the store queries of one page request. The page is
// fetched once first so first-use work (such as a session refresh) is
// not counted, and twice after to check the count is stable.
func queriesOf(b *testing.B, db *testkit.DB, c *http.Client, url string) int64 {
	b.Helper()
	get(b, c, url, http.StatusOK)
	var counts [2]int64
	for i := range counts {
		before := db.Store.QueryCount()
		get(b, c, url, http.StatusOK)
		counts[i] = db.Store.QueryCount() - before
	}
	if counts[0] != counts[1] {
		b.Fatalf("GET %s: %d then %d queries", url, counts[0], counts[1])
	}
	return counts[0]
}

func mustNotContain(b *testing.B, c *http.Client, url, unwanted string) {
	b.Helper()
	res, err := c.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if strings.Contains(string(body), unwanted) {
		b.Fatalf("GET %s shows %q", url, unwanted)
	}
}

// rate is a finished benchmark's operations per second.
func rate(b *testing.B) float64 { return float64(b.N) / b.Elapsed().Seconds() }

// nsPerOp is a finished benchmark's time per operation.
func nsPerOp(b *testing.B) float64 { return float64(b.Elapsed().Nanoseconds()) / float64(b.N) }

// ratio reports got/base as a metric, when the base ran in this run
// (a -bench pattern may have skipped it).
func ratio(b *testing.B, got, base float64, unit string) {
	if base > 0 {
		b.ReportMetric(got/base, unit)
	}
}
