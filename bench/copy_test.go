package bench

import (
	"context"
	"fmt"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/testkit"
)

// BenchmarkScorecardCopy (issues 22 and 28): copying a 50 × 10 scorecard
// with 36 months of data (550 objects, 18,000 values) into a child
// instance through the copy engine ("copy", ≤ 10× "raw"), against the same
// rows written by multi-row INSERTs in one transaction into a new instance
// ("raw", the generator). "children-25" copies it to 25 children at once
// (one transaction each) and reports the time per child against "raw";
// "within" duplicates it inside its own instance (issue 28's copy).
// Each operation writes into instances made with the timer stopped.
func BenchmarkScorecardCopy(b *testing.B) {
	eachDB(b, func(b *testing.B, db *testkit.DB) {
		s := newSite(b, db)
		ctx := context.Background()
		parent := testkit.MustCreateInstance(b, db.Store, "NET", "Network")
		acct, _ := testkit.MustCreateMember(b, db.Store, parent, "ada@example.org", access.PresetAdministration)
		shape := tree{Prefix: "Copy", Scorecards: 1, Containers: 50, Measures: 10, Periods: 36}
		gen := generate(b, db, parent, shape)
		// The generator writes reach rows without their kind, which the
		// store's own writes keep (the tree's values are read by it).
		if err := db.Store.Q().RebuildReach(ctx, parent.ID, gen.Scorecards); err != nil {
			b.Fatal(err)
		}
		if err := s.app.SetMultiSite(ctx, "NET", true); err != nil {
			b.Fatal(err)
		}
		admin, err := s.app.ActorFor(ctx, app.Session{Account: acct}, "NET", app.Client{})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		child := func() string {
			n++
			code := fmt.Sprintf("K%d", n)
			if _, err := s.app.CreateChild(ctx, admin, app.NewChild{Code: code, Name: "Child " + code, AdminEmail: "k" + code + "@example.org"}); err != nil {
				b.Fatal(err)
			}
			return code
		}
		values := func(code string) int {
			in, err := db.Store.Q().InstanceByCode(ctx, code)
			if err != nil {
				b.Fatal(err)
			}
			var v int
			if err := db.Store.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM data_values WHERE instance_id = $1`, in.ID).Scan(&v); err != nil {
				b.Fatal(err)
			}
			return v
		}
		opts := app.CopyOptions{Data: app.CopyDataAll, Notes: true}

		var rawNs float64
		b.Run("raw", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				in := testkit.MustCreateInstance(b, db.Store, fmt.Sprintf("RAW%d", i), "Raw")
				b.StartTimer()
				generate(b, db, in, shape)
			}
			rawNs = nsPerOp(b)
		})
		b.Run("copy", func(b *testing.B) {
			var code string
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				code = child()
				b.StartTimer()
				res, err := s.app.RunSiteCopy(ctx, admin, app.SiteCopy{ScorecardID: gen.Scorecards[0], To: []string{code}, Options: opts})
				if err != nil || !res[0].Done {
					b.Fatal(res, err)
				}
			}
			b.StopTimer()
			if v := values(code); v != 18_000 {
				b.Fatalf("%d values copied, want 18,000", v)
			}
			ratio(b, nsPerOp(b), rawNs, "x-raw")
		})
		// Issue 28: the same scorecard duplicated within its instance, as
		// "Copy scorecard" does (new containers and measures, their data).
		b.Run("within", func(b *testing.B) {
			b.StopTimer()
			before := values("NET")
			b.StartTimer()
			for i := 0; i < b.N; i++ {
				sc, _, err := s.app.CopyScorecard(ctx, admin, gen.Scorecards[0], app.CopyOptions{Data: app.CopyDataAll, Notes: true, Title: fmt.Sprintf("Copy %d", before+i)})
				if err != nil || sc.ID == 0 {
					b.Fatal(sc, err)
				}
			}
			b.StopTimer()
			if v := values("NET") - before; v != 18_000*b.N {
				b.Fatalf("%d values copied by %d copies, want %d", v, b.N, 18_000*b.N)
			}
			ratio(b, nsPerOp(b), rawNs, "x-raw")
		})
		b.Run("children-25", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				var codes []string
				for range 25 {
					codes = append(codes, child())
				}
				b.StartTimer()
				res, err := s.app.RunSiteCopy(ctx, admin, app.SiteCopy{ScorecardID: gen.Scorecards[0], To: codes, Options: opts})
				if err != nil || len(res) != 25 {
					b.Fatal(len(res), err)
				}
				for _, r := range res {
					if !r.Done {
						b.Fatal(r.Err)
					}
				}
			}
			b.StopTimer()
			ratio(b, nsPerOp(b)/25, rawNs, "x-raw-per-child")
		})

	})
}
