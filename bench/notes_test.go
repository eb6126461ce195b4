package bench

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
)

// BenchmarkNotesPage opens a measure with 6 note sections of 20 saved
// versions each and 200 comments, and the same kind of measure with
// none, in one run (issue 13): the first's throughput as a fraction of
// the second's is "of-bare" (target ≥ 0.70). Before timing it checks that
// both pages cost the same number of store queries, and that a page with
// 2 comments and 1 note costs as many: no query per note or comment (the
// benchmark fails otherwise).
func BenchmarkNotesPage(b *testing.B) {
	eachDB(b, func(b *testing.B, db *testkit.DB) {
		ctx := context.Background()
		s := newSite(b, db)
		in := testkit.MustCreateInstance(b, db.Store, "BENCH", "Bench Community")
		ada, _ := testkit.MustCreateMember(b, db.Store, in, "ada@example.org", access.PresetAdministration)
		gen := generate(b, db, in, tree{Prefix: "Notes", Scorecards: 1, Containers: 1, Measures: 3, Periods: 36})
		full, bare, few := gen.Measures[0], gen.Measures[1], gen.Measures[2]
		q := db.Store.Q()
		if _, err := q.CreateNoteType(ctx, model.NoteType{InstanceID: in.ID, Name: "Budget", OnMeasures: true}); err != nil {
			b.Fatal(err)
		}
		types, err := q.ListNoteTypes(ctx, in.ID, false)
		if err != nil || len(types) != 6 {
			b.Fatalf("%d note types, %v", len(types), err)
		}
		// A note of about 1,500 characters with formatting, 20 times.
		para := "<div><strong>Enrolment</strong> rose after the outreach at the libraries; <em>home visits</em> doubled.</div>" +
			"<ul><li>more home visitors</li><li>library story hours</li></ul>"
		for _, ty := range types {
			for v := range 20 {
				body := strings.Repeat(para, 8) + fmt.Sprintf("<p>Revision %d.</p>", v+1)
				if err := db.Store.InTx(ctx, func(q *store.Q) error {
					_, err := q.SaveNote(ctx, in.ID, model.Target{ObjectID: full}, ty.ID, v, body, ada.ID, 0)
					return err
				}); err != nil {
					b.Fatal(err)
				}
			}
		}
		if err := db.Store.InTx(ctx, func(q *store.Q) error {
			_, err := q.SaveNote(ctx, in.ID, model.Target{ObjectID: few}, types[0].ID, 0, para, ada.ID, 0)
			return err
		}); err != nil {
			b.Fatal(err)
		}
		for i := range 200 {
			if _, err := q.AddComment(ctx, model.Comment{InstanceID: in.ID, Target: model.Target{ObjectID: full}, AuthorID: ada.ID,
				Body: fmt.Sprintf("Comment %d: checked against the district's numbers, see https://example.org/report/%d", i+1, i+1)}); err != nil {
				b.Fatal(err)
			}
		}
		for i := range 2 {
			if _, err := q.AddComment(ctx, model.Comment{InstanceID: in.ID, Target: model.Target{ObjectID: few}, AuthorID: ada.ID,
				Body: fmt.Sprintf("Comment %d", i+1)}); err != nil {
				b.Fatal(err)
			}
		}
		c := s.client()
		s.login(b, c, "ada@example.org")
		fullURL := s.srv.URL + "/i/BENCH/objects/" + itoa(full)
		bareURL := s.srv.URL + "/i/BENCH/objects/" + itoa(bare)
		fewURL := s.srv.URL + "/i/BENCH/objects/" + itoa(few)
		mustContain(b, c, fullURL, "Revision 20.")
		mustContain(b, c, fullURL, "Comment 200:")
		mustContain(b, c, fullURL, "Comment 151:") // the first page shows 50

		nFull, nBare, nFew := queriesOf(b, db, c, fullURL), queriesOf(b, db, c, bareURL), queriesOf(b, db, c, fewURL)
		b.Logf("%s: store queries per measure page: no notes or comments %d, 1 note and 2 comments %d, 6 notes × 20 versions and 200 comments %d",
			db.Name, nBare, nFew, nFull)
		if nFull != nBare || nFew != nBare {
			b.Fatalf("queries per measure page: %d bare, %d with 1 note and 2 comments, %d with 6 notes and 200 comments: a query per note or comment",
				nBare, nFew, nFull)
		}

		var bareRate float64
		b.Run("bare", func(b *testing.B) {
			for b.Loop() {
				get(b, c, bareURL, http.StatusOK)
			}
			reqPerSec(b)
			bareRate = rate(b)
		})
		b.Run("notes", func(b *testing.B) {
			for b.Loop() {
				get(b, c, fullURL, http.StatusOK)
			}
			reqPerSec(b)
			b.ReportMetric(float64(nFull), "queries/req")
			ratio(b, rate(b), bareRate, "of-bare")
		})
	})
}
