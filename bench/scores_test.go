package bench

import (
	"context"
	"net/http"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
)

// Accountability scores (issue 28, point 7): what showing them costs on
// the scorecard page and on the Scorecards list, against the same page
// with them off, on the same data in the same run.

// setScoresOn switches scorecards' scores on or off (one statement, as a
// test fixture may).
func setScoresOn(b *testing.B, db *testkit.DB, in model.Instance, on bool, ids ...int64) {
	b.Helper()
	q := `UPDATE scorecards SET scores_on = $1 WHERE instance_id = $2`
	args := []any{on, in.ID}
	if len(ids) == 1 {
		q, args = q+` AND id = $3`, append(args, ids[0])
	}
	if _, err := db.Store.DB().ExecContext(context.Background(), q, args...); err != nil {
		b.Fatal(err)
	}
}

// coldQueries counts the store queries of a page whose scores are not
// kept (their rows' gen moved on): the computing path.
func coldQueries(b *testing.B, db *testkit.DB, c *http.Client, in model.Instance, u string) int64 {
	b.Helper()
	get(b, c, u, http.StatusOK)
	if err := db.Store.Q().StaleInstanceScores(context.Background(), in.ID); err != nil {
		b.Fatal(err)
	}
	before := db.Store.QueryCount()
	get(b, c, u, http.StatusOK)
	return db.Store.QueryCount() - before
}

// pairedOn times the page with scores (on) against the same page without
// (off) in alternating blocks (activityPaired) and reports on's
// throughput as a fraction of off's ("of-off"), which load from elsewhere
// on the machine skews far less than two req/s figures taken apart.
func pairedOn(b *testing.B, c *http.Client, on, off string) {
	b.Run("on", func(b *testing.B) {
		for b.Loop() {
			get(b, c, on, http.StatusOK)
		}
		reqPerSec(b)
		b.ReportMetric(1/activityPaired(b, c, on, off), "of-off")
	})
	b.Run("off", func(b *testing.B) {
		for b.Loop() {
			get(b, c, off, http.StatusOK)
		}
		reqPerSec(b)
	})
}

// BenchmarkScorecardScores opens a 50-container × 10-measure scorecard
// with 36 months of data (as BenchmarkScorecardPage) with its scores on,
// against a scorecard of the same shape and data with them off
// ("of-off": target ≥ 0.8). Before timing it checks that the scores cost
// a 5 × 10 scorecard the same number of store queries as a 50 × 10 one,
// both when they are kept and when they are computed: no query per
// measure.
func BenchmarkScorecardScores(b *testing.B) {
	eachDB(b, func(b *testing.B, db *testkit.DB) {
		s := newSite(b, db)
		in := testkit.MustCreateInstance(b, db.Store, "BENCH", "Bench Community")
		testkit.MustCreateMember(b, db.Store, in, "ada@example.org", access.PresetAdministration)
		small := generate(b, db, in, tree{Prefix: "Small", Scorecards: 1, Containers: 5, Measures: 10, Periods: 36})
		big := generate(b, db, in, tree{Prefix: "Big", Scorecards: 2, Containers: 50, Measures: 10, Periods: 36})
		c := s.client()
		s.login(b, c, "ada@example.org")
		url := func(id int64) string { return s.srv.URL + "/i/BENCH/scorecards/" + itoa(id) }
		smallURL, onURL, offURL := url(small.Scorecards[0]), url(big.Scorecards[0]), url(big.Scorecards[1])

		offSmall, offBig := queriesOf(b, db, c, smallURL), queriesOf(b, db, c, onURL)
		setScoresOn(b, db, in, true, small.Scorecards[0])
		setScoresOn(b, db, in, true, big.Scorecards[0])
		mustContain(b, c, onURL, `id="scorecard-engagement"`)
		mustNotContain(b, c, offURL, `id="scorecard-engagement"`)
		onSmall, onBig := queriesOf(b, db, c, smallURL), queriesOf(b, db, c, onURL)
		coldSmall, coldBig := coldQueries(b, db, c, in, smallURL), coldQueries(b, db, c, in, onURL)
		b.Logf("%s: store queries per scorecard page, 5×10 / 50×10: scores off %d / %d, kept %d / %d, computed %d / %d",
			db.Name, offSmall, offBig, onSmall, onBig, coldSmall, coldBig)
		if offSmall != offBig || onSmall != onBig || coldSmall != coldBig {
			b.Fatalf("query counts differ with the scorecard's size: a query per measure")
		}
		get(b, c, onURL, http.StatusOK) // keep the scores again
		b.ReportMetric(float64(onBig-offBig), "extra-queries/req")
		pairedOn(b, c, onURL, offURL)
	})
}

// BenchmarkScorecardListScores lists 200 scorecards (2 containers × 5
// measures × 24 months each: 2,000 measures, 48,000 values) with every
// scorecard's scores on, against an instance of the same shape and data
// with them off ("of-off"; target ≥ 0.7). Before timing it checks that
// listing 200 scored scorecards costs the same number of store queries as
// listing 20, when kept and when computed: no query per scorecard or per
// measure.
func BenchmarkScorecardListScores(b *testing.B) {
	eachDB(b, func(b *testing.B, db *testkit.DB) {
		s := newSite(b, db)
		c := s.client()
		sites := map[string]model.Instance{}
		for _, site := range []struct {
			code string
			n    int
		}{{"FEW", 20}, {"ON", 200}, {"OFF", 200}} {
			in := testkit.MustCreateInstance(b, db.Store, site.code, site.code+" Community")
			testkit.MustCreateMember(b, db.Store, in, "ada@example.org", access.PresetAdministration)
			generate(b, db, in, tree{Prefix: site.code, Scorecards: site.n, Containers: 2, Measures: 5, Periods: 24})
			sites[site.code] = in
		}
		s.login(b, c, "ada@example.org")
		url := func(code string) string { return s.srv.URL + "/i/" + code + "/scorecards" }
		setScoresOn(b, db, sites["FEW"], true)
		setScoresOn(b, db, sites["ON"], true)
		mustContain(b, c, url("ON"), scorecardTitle("ON", 199))
		mustContain(b, c, url("ON"), `class="scores-link"`)
		mustNotContain(b, c, url("OFF"), `class="scores-link"`)
		kept20, kept200 := queriesOf(b, db, c, url("FEW")), queriesOf(b, db, c, url("ON"))
		cold20, cold200 := coldQueries(b, db, c, sites["FEW"], url("FEW")), coldQueries(b, db, c, sites["ON"], url("ON"))
		off := queriesOf(b, db, c, url("OFF"))
		b.Logf("%s: store queries per Scorecards list, 20 / 200 scorecards: scores off – / %d, kept %d / %d, computed %d / %d",
			db.Name, off, kept20, kept200, cold20, cold200)
		if kept20 != kept200 || cold20 != cold200 {
			b.Fatalf("query counts differ with the number of scorecards: a query per scorecard")
		}
		get(b, c, url("ON"), http.StatusOK) // keep the scores again
		b.ReportMetric(float64(kept200-off), "extra-queries/req")
		pairedOn(b, c, url("ON"), url("OFF"))
	})
}
