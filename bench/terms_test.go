package bench

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/terms"
	"yardstick/internal/testkit"
)

// BenchmarkScorecardTerms opens the same 50-container × 10-measure
// scorecard (36 months of data) in two instances, one with the default
// vocabulary and one with every Common Term overridden (issue 18),
// alternating the two requests in one loop so both meet the same machine.
// "of-defaults" is the overridden page's throughput as a fraction of the
// default one's, the median of the rounds' (target ≥ 0.95).
func BenchmarkScorecardTerms(b *testing.B) {
	eachDB(b, func(b *testing.B, db *testkit.DB) {
		s := newSite(b, db)
		plain := testkit.MustCreateInstance(b, db.Store, "PLAIN", "Plain Community")
		named := testkit.MustCreateInstance(b, db.Store, "NAMED", "Named Community")
		testkit.MustCreateMember(b, db.Store, plain, "ada@example.org", access.PresetAdministration)
		testkit.MustCreateMember(b, db.Store, named, "ada@example.org", access.PresetAdministration)
		tp := generate(b, db, plain, tree{Prefix: "Big", Scorecards: 1, Containers: 50, Measures: 10, Periods: 36})
		tn := generate(b, db, named, tree{Prefix: "Big", Scorecards: 1, Containers: 50, Measures: 10, Periods: 36})
		o := terms.Overrides{}
		for _, k := range terms.All() {
			d := terms.Default(k)
			o[d.ID] = [2]string{"Our " + d.One, "Our " + d.Many}
		}
		if err := db.Store.Q().SetTerms(context.Background(), named.ID, terms.Encode(o)); err != nil {
			b.Fatal(err)
		}
		c := s.client()
		s.login(b, c, "ada@example.org")
		plainURL := s.srv.URL + "/i/PLAIN/scorecards/" + itoa(tp.Scorecards[0])
		namedURL := s.srv.URL + "/i/NAMED/scorecards/" + itoa(tn.Scorecards[0])
		mustContain(b, c, plainURL, "Add result or program")
		mustContain(b, c, namedURL, "Add our result or our program")
		mustContain(b, c, namedURL, measureTitle("Big", 499))

		b.Run("alternating", func(b *testing.B) {
			// Each round takes the two pages in turn, in alternating order,
			// so neither always follows the other.
			var tPlain, tNamed time.Duration
			var pairs []float64 // each round's default time over its overridden time
			timed := func(u string) time.Duration {
				t0 := time.Now()
				get(b, c, u, http.StatusOK)
				return time.Since(t0)
			}
			odd := false
			for b.Loop() {
				var p, n time.Duration
				if odd {
					n, p = timed(namedURL), timed(plainURL)
				} else {
					p, n = timed(plainURL), timed(namedURL)
				}
				tPlain, tNamed = tPlain+p, tNamed+n
				pairs = append(pairs, p.Seconds()/n.Seconds())
				odd = !odd
			}
			n := float64(b.N)
			b.ReportMetric(n/tPlain.Seconds(), "defaults-req/s")
			b.ReportMetric(n/tNamed.Seconds(), "terms-req/s")
			// The median round: on a shared machine one slow request of
			// either kind would tip a ratio of totals.
			slices.Sort(pairs)
			b.ReportMetric(pairs[len(pairs)/2], "of-defaults")
		})
	})
}
