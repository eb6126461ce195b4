package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

// BenchmarkPartnerScorecard opens a 50-container × 10-measure scorecard
// with 36 months of data per measure (SPEC §12): as an administrator of
// the instance that owns it ("owner", /i/OWNER/scorecards/{id}) and as an
// administrator of a partner instance it is shared with ("partner",
// /i/PARTNER/scorecards/{id}, the same id under the partner's own code).
// The partner reports its throughput as a fraction of the owner's from the
// same run ("of-owner", target ≥ 0.80), and again from blocks of requests
// interleaved with the owner's ("paired-of-owner"), which a noisy machine
// skews less. Before timing, setup fails unless each side costs the same
// number of store queries for a 5 × 10 and a 50 × 10 scorecard: no query
// per row.
func BenchmarkPartnerScorecard(b *testing.B) {
	eachDB(b, func(b *testing.B, db *testkit.DB) {
		s := newSite(b, db)
		owner := testkit.MustCreateInstance(b, db.Store, "OWNER", "Owner Community")
		partner := testkit.MustCreateInstance(b, db.Store, "PARTNER", "Partner Community")
		ada, _ := testkit.MustCreateMember(b, db.Store, owner, "ada@example.org", access.PresetAdministration)
		pia, _ := testkit.MustCreateMember(b, db.Store, partner, "pia@example.org", access.PresetAdministration)
		small := generate(b, db, owner, tree{Prefix: "Small", Scorecards: 1, Containers: 5, Measures: 10, Periods: 36})
		big := generate(b, db, owner, tree{Prefix: "Big", Scorecards: 1, Containers: 50, Measures: 10, Periods: 36})
		partnerConnect(b, s, db, owner, ada, partner, pia, []int64{small.Scorecards[0], big.Scorecards[0]})

		oc, pc := s.client(), s.client()
		s.login(b, oc, "ada@example.org")
		s.login(b, pc, "pia@example.org")
		page := func(in model.Instance, id int64) string {
			return s.srv.URL + "/i/" + in.Code + "/scorecards/" + itoa(id)
		}
		ownerURL, partnerURL := page(owner, big.Scorecards[0]), page(partner, big.Scorecards[0])
		// Both pages render every row; the partner's is the read-only view.
		mustContain(b, oc, ownerURL, measureTitle("Big", 499))
		mustContain(b, pc, partnerURL, measureTitle("Big", 499))
		mustContain(b, pc, partnerURL, "Shared by Owner Community (OWNER)")
		mustNotContain(b, oc, ownerURL, "Shared by")

		counts := map[string]int64{}
		for _, side := range []struct {
			name string
			c    *http.Client
			in   model.Instance
		}{{"owner", oc, owner}, {"partner", pc, partner}} {
			nSmall := queriesOf(b, db, side.c, page(side.in, small.Scorecards[0]))
			nBig := queriesOf(b, db, side.c, page(side.in, big.Scorecards[0]))
			b.Logf("%s: %s: store queries per scorecard page: 5×10 %d, 50×10 %d", db.Name, side.name, nSmall, nBig)
			if nBig != nSmall {
				b.Fatalf("%s: a 50×10 scorecard costs %d queries, a 5×10 one %d: a query per row", side.name, nBig, nSmall)
			}
			counts[side.name] = nBig
		}
		if counts["owner"] != counts["partner"] {
			b.Logf("%s: owner page %d queries, partner page %d", db.Name, counts["owner"], counts["partner"])
		}

		var ownerRate float64
		b.Run("owner", func(b *testing.B) {
			for b.Loop() {
				get(b, oc, ownerURL, http.StatusOK)
			}
			reqPerSec(b)
			b.ReportMetric(float64(counts["owner"]), "queries/req")
			ownerRate = rate(b)
		})
		b.Run("partner", func(b *testing.B) {
			for b.Loop() {
				get(b, pc, partnerURL, http.StatusOK)
			}
			reqPerSec(b)
			b.ReportMetric(float64(counts["partner"]), "queries/req")
			ratio(b, rate(b), ownerRate, "of-owner")
			b.ReportMetric(partnersPaired(b, pc, partnerURL, oc, ownerURL), "paired-of-owner")
		})
	})
}

// Sizes of BenchmarkPartnerVisibility: the viewer's instance and 20
// partners hold 5,000 scorecards; each partner shares 10 of its 240 with
// the viewer, 200 in all, as many as the viewer's own.
const (
	visPartners   = 20
	visOwn        = 200
	visPerPartner = (5000 - visOwn) / visPartners // 240
	visShared     = 10                            // per partner
)

// BenchmarkPartnerVisibility measures what a viewer with scorecards.all
// sees of 20 partners (SPEC §12): 5,000 scorecards over 21 instances, 200
// of them shared with the viewer's instance (10 by each partner). It
// times the viewer's own Scorecards list ("own-list", the baseline), the
// list with the Sites filter choosing all 20 partners ("partner-list",
// the 200 shared scorecards), one of the viewer's own scorecards
// ("own-page") and one shared scorecard of the same shape
// ("shared-page"). Each reports its throughput as a fraction of own-list
// ("of-own-list"); shared-page also as a fraction of own-page
// ("of-own-page"), and the two pairs again from interleaved blocks
// ("paired-of-…"). Setup fails unless the partner list costs the same
// number of store queries for 2 partners (20 rows) as for 20 (200 rows).
func BenchmarkPartnerVisibility(b *testing.B) {
	eachDB(b, func(b *testing.B, db *testkit.DB) {
		start := time.Now()
		ctx := context.Background()
		s := newSite(b, db)
		view := testkit.MustCreateInstance(b, db.Store, "VIEW", "Viewer Community")
		vera, _ := testkit.MustCreateMember(b, db.Store, view, "vera@example.org", access.PresetAdministration)
		shape := tree{Containers: 2, Measures: 5, Periods: 6}
		shape.Prefix, shape.Scorecards = "VIEW", visOwn
		own := generate(b, db, view, shape)
		var partners []model.Instance
		var shared []int64 // every shared scorecard, partner by partner
		for p := range visPartners {
			code := fmt.Sprintf("PART%02d", p+1)
			in := testkit.MustCreateInstance(b, db.Store, code, fmt.Sprintf("Partner %02d", p+1))
			admin, _ := testkit.MustCreateMember(b, db.Store, in, "admin-"+code+"@example.org", access.PresetAdministration)
			shape.Prefix, shape.Scorecards = code, visPerPartner
			gen := generate(b, db, in, shape)
			// Every 24th scorecard: the shared ones are spread through the
			// partner's title order.
			var ids []int64
			for i := range visShared {
				ids = append(ids, gen.Scorecards[i*visPerPartner/visShared])
			}
			partnerConnect(b, s, db, in, admin, view, vera, ids)
			partners = append(partners, in)
			shared = append(shared, ids...)
		}
		if db.Store.Dialect() == store.Postgres {
			// As generate does: the steady state autovacuum reaches.
			if _, err := db.Store.DB().ExecContext(ctx, `ANALYZE instances, partner_channels, partner_shares, scorecards`); err != nil {
				b.Fatal(err)
			}
		}
		var total int
		if err := db.Store.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM scorecards`).Scan(&total); err != nil {
			b.Fatal(err)
		}
		b.Logf("%s: %d scorecards in %d instances, %d shared with VIEW; setup %v", db.Name, total, visPartners+1,
			len(shared), time.Since(start).Round(time.Millisecond))

		c := s.client()
		s.login(b, c, "vera@example.org")
		base := s.srv.URL + "/i/VIEW/scorecards"
		sites := func(ins []model.Instance) string {
			v := url.Values{}
			for _, in := range ins {
				v.Add("site", itoa(in.ID))
			}
			return base + "?" + v.Encode()
		}
		ownList, partnerList := base, sites(partners)
		fewList := sites(partners[:2])
		last := partners[visPartners-1]
		// The page opened is the last partner's last shared scorecard,
		// number lastShared of its own.
		lastShared := (visShared - 1) * visPerPartner / visShared
		sharedID := shared[len(shared)-1]
		ownPage, sharedPage := base+"/"+itoa(own.Scorecards[visOwn-1]), base+"/"+itoa(sharedID)

		// The lists and pages are what they claim to be.
		mustContain(b, c, ownList, scorecardTitle("VIEW", visOwn-1))
		mustNotContain(b, c, ownList, scorecardTitle("PART01", 0))
		mustContain(b, c, partnerList, scorecardTitle("PART01", 0))
		mustContain(b, c, partnerList, scorecardTitle(last.Code, lastShared))
		mustNotContain(b, c, partnerList, scorecardTitle(last.Code, 1)) // not shared
		mustNotContain(b, c, partnerList, scorecardTitle("VIEW", 0))    // own site not chosen
		mustNotContain(b, c, fewList, scorecardTitle("PART03", 0))
		mustContain(b, c, ownPage, measureTitle("VIEW", shape.Containers*shape.Measures*visOwn-1))
		mustContain(b, c, sharedPage, "Shared by Partner 20 (PART20)")
		// The last measure on scorecard n of S sits at (C·M−1)·S + n.
		mustContain(b, c, sharedPage, measureTitle(last.Code, (shape.Containers*shape.Measures-1)*visPerPartner+lastShared))
		for _, u := range []string{ownList, partnerList} {
			if n := rowsOf(b, c, u); n != 200 {
				b.Fatalf("GET %s lists %d scorecards, want 200", u, n)
			}
		}

		counts := map[string]int64{}
		for _, p := range []struct{ name, url string }{
			{"own-list", ownList}, {"few-list", fewList}, {"partner-list", partnerList}, {"own-page", ownPage}, {"shared-page", sharedPage},
		} {
			counts[p.name] = queriesOf(b, db, c, p.url)
		}
		b.Logf("%s: store queries per request: own list %d, 2-partner list (20 rows) %d, 20-partner list (200 rows) %d, own page %d, shared page %d",
			db.Name, counts["own-list"], counts["few-list"], counts["partner-list"], counts["own-page"], counts["shared-page"])
		if counts["partner-list"] != counts["few-list"] {
			b.Fatalf("the list of 20 partners costs %d queries, of 2 partners %d: a query per row or site", counts["partner-list"], counts["few-list"])
		}

		var ownListRate, ownPageRate float64
		run := func(name, u string, after func(b *testing.B)) {
			b.Run(name, func(b *testing.B) {
				for b.Loop() {
					get(b, c, u, http.StatusOK)
				}
				reqPerSec(b)
				b.ReportMetric(float64(counts[name]), "queries/req")
				ratio(b, rate(b), ownListRate, "of-own-list")
				if after != nil {
					after(b)
				}
			})
		}
		run("own-list", ownList, func(b *testing.B) { ownListRate = rate(b) })
		run("partner-list", partnerList, func(b *testing.B) {
			b.ReportMetric(partnersPaired(b, c, partnerList, c, ownList), "paired-of-own-list")
		})
		run("own-page", ownPage, func(b *testing.B) { ownPageRate = rate(b) })
		run("shared-page", sharedPage, func(b *testing.B) {
			ratio(b, rate(b), ownPageRate, "of-own-page")
			b.ReportMetric(partnersPaired(b, c, sharedPage, c, ownPage), "paired-of-own-page")
		})
	})
}

// partnerConnect connects two instances the way their admins do: owner's
// admin asks partner to connect, partner's admin accepts, and owner's
// admin shares the scorecards (view only) on the channel owner → partner.
func partnerConnect(b *testing.B, s *site, db *testkit.DB, owner model.Instance, ownerAdmin model.Account,
	partner model.Instance, partnerAdmin model.Account, scorecards []int64) {
	b.Helper()
	ctx := context.Background()
	actor := func(acct model.Account, in model.Instance) *app.Actor {
		a, err := s.app.ActorFor(ctx, app.Session{Account: acct}, in.Code, app.Client{})
		if err != nil {
			b.Fatalf("actor %s in %s: %v", acct.Email, in.Code, err)
		}
		return a
	}
	req, err := s.app.RequestPartner(ctx, actor(ownerAdmin, owner), partner.Code)
	if err != nil {
		b.Fatalf("%s requests %s: %v", owner.Code, partner.Code, err)
	}
	if err := s.app.AnswerPartnerRequest(ctx, actor(partnerAdmin, partner), req.ID, true); err != nil {
		b.Fatalf("%s accepts %s: %v", partner.Code, owner.Code, err)
	}
	ch, err := db.Store.Q().ActiveChannel(ctx, owner.ID, partner.ID)
	if err != nil {
		b.Fatalf("channel %s → %s: %v", owner.Code, partner.Code, err)
	}
	choices := make([]app.ShareChoice, len(scorecards))
	for i, id := range scorecards {
		choices[i] = app.ShareChoice{ScorecardID: id}
	}
	if err := s.app.SaveShares(ctx, actor(ownerAdmin, owner), ch.ID, choices); err != nil {
		b.Fatalf("%s shares with %s: %v", owner.Code, partner.Code, err)
	}
}

// rowsOf counts the rows of a Scorecards list page.
func rowsOf(b *testing.B, c *http.Client, u string) int {
	b.Helper()
	res, err := c.Get(u)
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	_, list, ok := strings.Cut(string(body), `id="scorecard-list"`)
	if !ok {
		b.Fatalf("GET %s has no scorecard list", u)
	}
	list, _, _ = strings.Cut(list, "</ul>")
	return strings.Count(list, "<li")
}

// partnersPaired alternates blocks of ten requests, a with ca and z with
// cz, for about a second (at least three blocks each) and returns z's
// total wall-clock time over a's: a's throughput as a fraction of z's.
// Interleaving puts load from elsewhere on the machine on both sides alike.
func partnersPaired(b *testing.B, ca *http.Client, a string, cz *http.Client, z string) float64 {
	b.Helper()
	var wa, wz time.Duration
	block := func(c *http.Client, u string, w *time.Duration) {
		t := time.Now()
		for range 10 {
			get(b, c, u, http.StatusOK)
		}
		*w += time.Since(t)
	}
	start := time.Now()
	for n := 0; n < 3 || (n < 40 && time.Since(start) < time.Second); n++ {
		block(ca, a, &wa)
		block(cz, z, &wz)
	}
	return float64(wz) / float64(wa)
}
