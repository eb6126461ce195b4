package bench

import (
	"context"
	"net/http"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/testkit"
)

// BenchmarkEmbedPage opens a measure's embed page (issue 17), anonymous,
// and the signed-in measure page of the same measure (36 monthly values,
// graph, a Story Behind the Curve note), in one run: the embed's
// throughput as a fraction of the measure page's is "of-measure" (target
// ≥ 1.0). The embed reads no session; its token is resolved on every
// request (3 store queries: the token's key, the code, the scorecards
// that make it embeddable), and the rendered page is kept up to 60 s.
func BenchmarkEmbedPage(b *testing.B) {
	eachDB(b, func(b *testing.B, db *testkit.DB) {
		ctx := context.Background()
		s := newSite(b, db)
		in := testkit.MustCreateInstance(b, db.Store, "BENCH", "Bench Community")
		ada, _ := testkit.MustCreateMember(b, db.Store, in, "ada@example.org", access.PresetAdministration)
		gen := generate(b, db, in, tree{Prefix: "Embed", Scorecards: 1, Containers: 1, Measures: 1, Periods: 36})
		m := gen.Measures[0]
		admin, err := s.app.ActorFor(ctx, app.Session{Account: ada}, "BENCH", app.Client{})
		if err != nil {
			b.Fatal(err)
		}
		sc, err := s.app.Scorecard(ctx, admin, gen.Scorecards[0])
		if err != nil {
			b.Fatal(err)
		}
		if err := s.app.SetScorecardEmbed(ctx, admin, sc.ID, sc.Version, true, ""); err != nil {
			b.Fatal(err)
		}
		types, err := s.app.NoteTypes(ctx, admin)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.app.SaveNote(ctx, admin, app.OnObject, m, types[1].ID, 0, "<p>Enrolment rose after the outreach.</p>"); err != nil {
			b.Fatal(err)
		}
		code, err := s.app.CreateEmbed(ctx, admin, app.OnObject, m, app.EmbedInput{EmbedOptions: app.EmbedOptions{ShowTargets: true,
			NoteTypes: []int64{types[1].ID}}})
		if err != nil {
			b.Fatal(err)
		}
		c := s.client()
		s.login(b, c, "ada@example.org")
		anon := s.client()
		measureURL := s.srv.URL + "/i/BENCH/objects/" + itoa(m)
		embedURL := s.srv.URL + "/embed/" + code.Token
		mustContain(b, c, measureURL, "Enrolment rose")
		mustContain(b, anon, embedURL, "Enrolment rose")
		nEmbed := queriesOf(b, db, anon, embedURL)
		nMeasure := queriesOf(b, db, c, measureURL)
		b.Logf("%s: store queries per page: embed %d, signed-in measure page %d", db.Name, nEmbed, nMeasure)

		var measureRate float64
		b.Run("measure", func(b *testing.B) {
			for b.Loop() {
				get(b, c, measureURL, http.StatusOK)
			}
			reqPerSec(b)
			b.ReportMetric(float64(nMeasure), "queries/req")
			measureRate = rate(b)
		})
		b.Run("embed", func(b *testing.B) {
			for b.Loop() {
				get(b, anon, embedURL, http.StatusOK)
			}
			reqPerSec(b)
			b.ReportMetric(float64(nEmbed), "queries/req")
			ratio(b, rate(b), measureRate, "of-measure")
		})
	})
}
