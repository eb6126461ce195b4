package bench

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

// BenchmarkGantt opens the Gantt chart of a scorecard with 500 actions
// (issue 14), each linked to one of its 50 measures and every fifth to
// the scorecard too, and the same scorecard's page, in one run, as an
// administrator: the chart's time per request as a multiple of the
// page's is "x-scorecard" (target ≤ 5). Before timing it checks that the
// chart of 500 actions costs as many store queries as the chart of 3
// actions of another scorecard: no query per action (the benchmark fails
// otherwise).
func BenchmarkGantt(b *testing.B) {
	eachDB(b, func(b *testing.B, db *testkit.DB) {
		ctx := context.Background()
		s := newSite(b, db)
		in := testkit.MustCreateInstance(b, db.Store, "BENCH", "Bench Community")
		ada, _ := testkit.MustCreateMember(b, db.Store, in, "ada@example.org", access.PresetAdministration)
		big := generate(b, db, in, tree{Prefix: "Plan", Scorecards: 1, Containers: 10, Measures: 5, Periods: 36})
		small := generate(b, db, in, tree{Prefix: "Few", Scorecards: 1, Containers: 1, Measures: 3, Periods: 12})
		m, err := db.Store.Q().MembershipOf(ctx, in.ID, ada.ID)
		if err != nil {
			b.Fatal(err)
		}
		add := func(q *store.Q, i int, sc int64, measures []int64) error {
			x, err := q.CreateAction(ctx, model.Action{InstanceID: in.ID, Title: fmt.Sprintf("Action %03d", i),
				StartDate: fmt.Sprintf("2026-%02d-%02d", 1+i%6, 1+i%28), EndDate: fmt.Sprintf("2026-%02d-%02d", 7+i%6, 1+i%28),
				Status: model.ActionStatuses[i%len(model.ActionStatuses)], Percent: i % 101, AssignerID: m.ID, AssigneeID: m.ID})
			if err != nil {
				return err
			}
			if err := q.LinkAction(ctx, in.ID, x.ID, model.Target{ObjectID: measures[i%len(measures)]}); err != nil {
				return err
			}
			if i%5 == 0 {
				return q.LinkAction(ctx, in.ID, x.ID, model.Target{ScorecardID: sc})
			}
			return nil
		}
		if err := db.Store.InTx(ctx, func(q *store.Q) error {
			for i := range 500 {
				if err := add(q, i, big.Scorecards[0], big.Measures); err != nil {
					return err
				}
			}
			for i := range 3 {
				if err := add(q, 500+i, small.Scorecards[0], small.Measures); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
		c := s.client()
		s.login(b, c, "ada@example.org")
		const window = "&zoom=year&from=2026-01-01&to=2026-12-31"
		pageURL := s.srv.URL + "/i/BENCH/scorecards/" + itoa(big.Scorecards[0])
		ganttURL := s.srv.URL + "/i/BENCH/actions/gantt?on=scorecards&id=" + itoa(big.Scorecards[0]) + window
		fewURL := s.srv.URL + "/i/BENCH/actions/gantt?on=scorecards&id=" + itoa(small.Scorecards[0]) + window
		mustContain(b, c, ganttURL, "Action 499")
		mustContain(b, c, ganttURL, "Scorecard: Plan")
		mustNotContain(b, c, ganttURL, `id="gantt-more"`) // all 500 drawn
		mustContain(b, c, fewURL, "Action 502")

		nPage, nFew, nGantt := queriesOf(b, db, c, pageURL), queriesOf(b, db, c, fewURL), queriesOf(b, db, c, ganttURL)
		b.Logf("%s: store queries per request: scorecard page %d, Gantt of 3 actions %d, Gantt of 500 actions %d", db.Name, nPage, nFew, nGantt)
		if nGantt != nFew {
			b.Fatalf("the Gantt chart of 500 actions costs %d queries, of 3 actions %d: a query per action", nGantt, nFew)
		}

		var page float64
		b.Run("scorecard", func(b *testing.B) {
			for b.Loop() {
				get(b, c, pageURL, http.StatusOK)
			}
			reqPerSec(b)
			b.ReportMetric(float64(nPage), "queries/req")
			page = nsPerOp(b)
		})
		b.Run("gantt", func(b *testing.B) {
			for b.Loop() {
				get(b, c, ganttURL, http.StatusOK)
			}
			reqPerSec(b)
			b.ReportMetric(float64(nGantt), "queries/req")
			ratio(b, nsPerOp(b), page, "x-scorecard")
			// The same from blocks of each interleaved, so that load from
			// elsewhere on the machine weighs on both alike.
			b.ReportMetric(partnersPaired(b, c, pageURL, c, ganttURL), "paired-x-scorecard")
		})
	})
}
