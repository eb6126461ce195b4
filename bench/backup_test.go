package bench

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/backup"
	"yardstick/internal/testkit"
)

// BenchmarkBackup grows a SQLite database to about 1 GB (a 5 × 10
// scorecard and a million 900-byte activity-log rows), then times
// `yardstick backup`'s copy against copying the file with io.Copy (as cp
// does; target ≤ 3×), and the scorecard page's 99th-percentile latency
// while backups run against without (target ≤ 2×).
func BenchmarkBackup(b *testing.B) {
	db := testkit.NewSQLite(b)
	s := newSite(b, db)
	in := testkit.MustCreateInstance(b, db.Store, "BENCH", "Bench Community")
	testkit.MustCreateMember(b, db.Store, in, "ada@example.org", access.PresetAdministration)
	sc := generate(b, db, in, tree{Prefix: "Small", Scorecards: 1, Containers: 5, Measures: 10, Periods: 36})
	ctx := context.Background()
	for range 4 { // in four transactions, so the WAL stays a quarter of the size
		if _, err := db.Store.DB().ExecContext(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 250000)
			INSERT INTO activity_log (instance_id, at, activity, object_name, changes)
			SELECT $1, '2026-01-01 00:00:00', 'data.saved', 'Bench', printf('%.900c', 'x') FROM n`, in.ID); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := db.Store.DB().ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		b.Fatal(err)
	}
	live := filepath.Join(filepath.Dir(db.URL[len("sqlite:"):]), "test.db")
	st, err := os.Stat(live)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("database: %.2f GB", float64(st.Size())/1e9)
	dir := b.TempDir()

	var cp float64
	b.Run("cp", func(b *testing.B) {
		for b.Loop() {
			copyOut(b, live, filepath.Join(dir, "copy.db"))
		}
		cp = nsPerOp(b)
	})
	b.Run("backup", func(b *testing.B) {
		for b.Loop() {
			dst := filepath.Join(dir, "backup.db")
			os.Remove(dst)
			if _, err := backup.Write(ctx, db.Store, db.URL, dst, false); err != nil {
				b.Fatal(err)
			}
		}
		ratio(b, nsPerOp(b), cp, "x-cp")
	})

	c := s.client()
	s.login(b, c, "ada@example.org")
	page := s.srv.URL + "/i/BENCH/scorecards/" + itoa(sc.Scorecards[0])
	var quiet float64
	b.Run("page-p99", func(b *testing.B) {
		quiet = p99(b, c, page, 5*time.Second, nil)
	})
	b.Run("page-p99-during-backup", func(b *testing.B) {
		during := p99(b, c, page, 5*time.Second, func(stop <-chan struct{}) {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				dst := filepath.Join(dir, "during.db")
				os.Remove(dst)
				if _, err := backup.Write(ctx, db.Store, db.URL, dst, false); err != nil {
					b.Error(err)
					return
				}
			}
		})
		ratio(b, during, quiet, "x-quiet")
	})
}

func copyOut(b *testing.B, src, dst string) {
	in, err := os.Open(src)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		b.Fatal(err)
	}
	if err := out.Sync(); err != nil {
		b.Fatal(err)
	}
	out.Close()
}

// p99 requests page from two clients for d while background runs, and
// reports the 99th percentile latency in milliseconds.
func p99(b *testing.B, c *http.Client, page string, d time.Duration, background func(stop <-chan struct{})) float64 {
	stop := make(chan struct{})
	var bg sync.WaitGroup
	if background != nil {
		bg.Go(func() { background(stop) })
	}
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	end := time.Now().Add(d)
	for range 2 {
		wg.Go(func() {
			for time.Now().Before(end) {
				t := time.Now()
				get(b, c, page, http.StatusOK)
				mu.Lock()
				lat = append(lat, time.Since(t))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(stop)
	bg.Wait()
	slices.Sort(lat)
	ms := float64(lat[len(lat)*99/100]) / 1e6
	b.ReportMetric(ms, "p99-ms")
	b.ReportMetric(float64(len(lat)), "requests")
	return ms
}
