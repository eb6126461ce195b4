package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/testkit"
)

// BenchmarkAPIBulkUpsert writes 10,000 data values (100 measures × 100
// months) in one POST …/values through the API (issue 16: ≤ 5× the raw
// insert, "x-raw"), against the same rows written by multi-row INSERTs in
// one transaction ("raw"). Before each write the instance's values are
// deleted with the timer stopped, so every write creates all 10,000.
func BenchmarkAPIBulkUpsert(b *testing.B) {
	eachDB(b, func(b *testing.B, db *testkit.DB) {
		s := newSite(b, db)
		in := testkit.MustCreateInstance(b, db.Store, "BENCH", "Bench Community")
		testkit.MustCreateMember(b, db.Store, in, "ada@example.org", access.PresetAdministration)
		gen := generate(b, db, in, tree{Prefix: "Bulk", Scorecards: 1, Containers: 10, Measures: 10})
		months := monthKeys(db.Store.Now(), 100)
		var rows, raw []string
		for i, m := range gen.Measures {
			for j, p := range months {
				rows = append(rows, fmt.Sprintf(`{"measure_id":%d,"period":%q,"actual":%d,"target":%d,"version":0}`, m, p, i+j, i+j+1))
				raw = append(raw, fmt.Sprintf("(%d, %d, %s, %d, %d, $1)", in.ID, m, lit(p), i+j, i+j+1))
			}
		}
		if len(rows) != 10_000 {
			b.Fatalf("%d rows, want 10,000", len(rows))
		}
		body := []byte(`{"values":[` + strings.Join(rows, ",") + `]}`)
		api := s.apiClient(b, "BENCH", "ada@example.org")
		ctx := context.Background()
		clear := func() {
			if _, err := db.Store.DB().ExecContext(ctx, `DELETE FROM data_values WHERE instance_id = $1`, in.ID); err != nil {
				b.Fatal(err)
			}
		}
		count := func() int {
			var n int
			if err := db.Store.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM data_values WHERE instance_id = $1`, in.ID).Scan(&n); err != nil {
				b.Fatal(err)
			}
			return n
		}

		var rawNs float64
		b.Run("raw", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				clear()
				b.StartTimer()
				tx, err := db.Store.DB().BeginTx(ctx, nil)
				if err != nil {
					b.Fatal(err)
				}
				for k := 0; k < len(raw); k += batch {
					if _, err := tx.ExecContext(ctx, `INSERT INTO data_values (instance_id, measure_id, period_key, actual, target, updated_at) VALUES `+
						strings.Join(raw[k:min(k+batch, len(raw))], ", "), db.Store.Now()); err != nil {
						b.Fatal(err)
					}
				}
				if err := tx.Commit(); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if n := count(); n != 10_000 {
				b.Fatalf("%d values written, want 10,000", n)
			}
			rawNs = nsPerOp(b)
		})
		b.Run("api", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				clear()
				b.StartTimer()
				res, err := api.Post(s.srv.URL+"/api/v1/i/BENCH/values", "application/json", bytes.NewReader(body))
				if err != nil {
					b.Fatal(err)
				}
				out, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					b.Fatalf("bulk upsert: %d %.300s", res.StatusCode, out)
				}
			}
			b.StopTimer()
			if n := count(); n != 10_000 {
				b.Fatalf("%d values written, want 10,000", n)
			}
			ratio(b, nsPerOp(b), rawNs, "x-raw")
		})
	})
}
