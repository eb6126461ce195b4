package bench

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

// BenchmarkActionManager lists the Action Manager of an instance with
// 100,000 actions, each linked to one of 100 scorecards: as an
// administrator (scorecards.all) and as a member assigned 5 of them (5,000
// actions, every 20th by title), on the first page and on a page from the
// middle. Member pages report their throughput as a fraction of the same
// administrator page ("of-admin"; target ≥ 0.70), deep pages their time
// as a multiple of the first ("x-first"; target ≤ 1.25); the paired-
// metrics are the same ratios from interleaved blocks of requests, which
// load from elsewhere on the machine skews less. A page that runs
// a query per action fails the benchmark.
func BenchmarkActionManager(b *testing.B) {
	eachDB(b, func(b *testing.B, db *testkit.DB) {
		s := newSite(b, db)
		in := testkit.MustCreateInstance(b, db.Store, "BENCH", "Bench Community")
		testkit.MustCreateMember(b, db.Store, in, "ada@example.org", access.PresetAdministration)
		_, bea := testkit.MustCreateMember(b, db.Store, in, "bea@example.org", access.PresetPresenter)
		const scorecards, actions = 100, 100_000
		gen := generate(b, db, in, tree{Prefix: "Act", Scorecards: scorecards, Containers: 1, Measures: 1})
		ctx := context.Background()
		now := db.Store.Now().UTC().Format("2006-01-02 15:04:05")
		pad := "printf('%06d', i)" // n as six digits
		if db.Store.Dialect() == store.Postgres {
			pad = "lpad(i::text, 6, '0')"
		}
		// Action n is titled "Action n" (zero-padded: title order is n's
		// order) and linked to scorecard n % 100.
		if _, err := db.Store.DB().ExecContext(ctx, fmt.Sprintf(`INSERT INTO actions (instance_id, title, title_key, status, percent,
				start_date, end_date, tags, version, created_at, updated_at)
			WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)
			SELECT %d, 'Action ' || %s, 'action ' || %s, 'On Track', i %% 100,
				'2026-01-01', '2026-12-31', '', 1, '%s', '%s' FROM n`, actions, in.ID, pad, pad, now, now)); err != nil {
			b.Fatal(err)
		}
		var sc []string
		for i, id := range gen.Scorecards {
			sc = append(sc, fmt.Sprintf("(%d, %d)", i, id))
		}
		if _, err := db.Store.DB().ExecContext(ctx, `INSERT INTO action_links (instance_id, action_id, scorecard_id)
			WITH sc(k, id) AS (VALUES `+strings.Join(sc, ", ")+`)
			SELECT a.instance_id, a.id, sc.id FROM actions a JOIN sc ON sc.k = CAST(substr(a.title, 8) AS INTEGER) % 100
			WHERE a.instance_id = $1`, in.ID); err != nil {
			b.Fatal(err)
		}
		// The links went in around the store: derive what its link writes keep.
		if err := db.Store.Q().RebuildActionReach(ctx, in.ID); err != nil {
			b.Fatal(err)
		}
		var assigned []int64
		for i := 0; i < scorecards; i += 20 {
			assigned = append(assigned, gen.Scorecards[i])
		}
		if err := db.Store.Q().SetMembershipScorecards(ctx, in.ID, bea.ID, assigned); err != nil {
			b.Fatal(err)
		}
		if db.Store.Dialect() == store.Postgres {
			// As autovacuum would after such an insert: the statistics, and
			// the visibility map that lets index-only scans skip the heap.
			for _, t := range []string{"actions", "action_links", "action_reach"} {
				if _, err := db.Store.DB().ExecContext(ctx, `VACUUM ANALYZE `+t); err != nil {
					b.Fatal(err)
				}
			}
		}
		// The middle cursor: the store's own, after "Action 050000".
		mid, err := db.Store.Q().ListActions(ctx, in.ID, store.ActionFilter{Text: "Action 050000", Limit: 1}, store.SeeAll)
		if err != nil || mid.Next == "" {
			// one match: no next page; take the cursor of a two-match search
			mid, err = db.Store.Q().ListActions(ctx, in.ID, store.ActionFilter{Text: "Action 05000", Limit: 1}, store.SeeAll)
		}
		if err != nil || mid.Next == "" {
			b.Fatalf("no cursor for the middle of the list (%v)", err)
		}
		base := s.srv.URL + "/i/BENCH/actions"
		deep := base + "?after=" + mid.Next
		// The end-date order, where every action ends on the same day: its
		// first page, and the page after "Action 050000".
		var midID int64
		if err := db.Store.DB().QueryRowContext(ctx, `SELECT id FROM actions WHERE instance_id = $1 AND title = 'Action 050000'`, in.ID).Scan(&midID); err != nil {
			b.Fatal(err)
		}
		byEnd := base + "?sort=end"
		endDeep := byEnd + "&after=" + storeCursor("2026-12-31", midID)
		admin, member := s.client(), s.client()
		s.login(b, admin, "ada@example.org")
		s.login(b, member, "bea@example.org")
		mustContain(b, admin, base, "Action 000001")
		mustContain(b, member, base, "Action 000020")
		mustNotContain(b, member, base, "Action 000001<")
		mustContain(b, admin, deep, "Action 050001")
		mustContain(b, member, deep, "Action 050020")
		mustNotContain(b, member, deep, "Action 050001<")
		mustContain(b, admin, byEnd, "Action 000001")
		mustContain(b, admin, endDeep, "Action 050001")
		mustContain(b, member, endDeep, "Action 050020")
		// No query per action: a page of 50 costs what a page of 1 does.
		for _, c := range []*http.Client{admin, member} {
			for _, u := range []string{base, deep} {
				before := db.Store.QueryCount()
				get(b, c, u, http.StatusOK)
				if n := db.Store.QueryCount() - before; n > 20 {
					b.Fatalf("%s costs %d queries: one per action?", u, n)
				}
			}
		}

		adminRate := map[string]float64{}
		for _, p := range []struct{ name, url string }{{"first", base}, {"deep", deep}} {
			b.Run("admin-"+p.name, func(b *testing.B) {
				for b.Loop() {
					get(b, admin, p.url, http.StatusOK)
				}
				reqPerSec(b)
				adminRate[p.name] = rate(b)
				if p.name == "deep" {
					ratio(b, adminRate["first"], rate(b), "x-first")
					b.ReportMetric(partnersPaired(b, admin, base, admin, deep), "paired-x-first")
				}
			})
		}
		// The end-date order against the title order's first page, for each.
		for _, who := range []struct {
			name string
			c    *http.Client
		}{{"admin", admin}, {"member", member}} {
			for _, p := range []struct{ name, url string }{{"end", byEnd}, {"end-deep", endDeep}} {
				b.Run(who.name+"-"+p.name, func(b *testing.B) {
					for b.Loop() {
						get(b, who.c, p.url, http.StatusOK)
					}
					reqPerSec(b)
					b.ReportMetric(partnersPaired(b, who.c, base, who.c, p.url), "paired-x-first")
				})
			}
		}
		memberRate := map[string]float64{}
		for _, p := range []struct{ name, url string }{{"first", base}, {"deep", deep}} {
			b.Run("member-"+p.name, func(b *testing.B) {
				for b.Loop() {
					get(b, member, p.url, http.StatusOK)
				}
				reqPerSec(b)
				memberRate[p.name] = rate(b)
				ratio(b, rate(b), adminRate[p.name], "of-admin")
				// The same from blocks of each interleaved, so that load
				// from elsewhere on the machine weighs on both alike.
				b.ReportMetric(partnersPaired(b, member, p.url, admin, p.url), "paired-of-admin")
				if p.name == "deep" {
					ratio(b, memberRate["first"], rate(b), "x-first")
					b.ReportMetric(partnersPaired(b, member, base, member, deep), "paired-x-first")
				}
			})
		}
	})
}
