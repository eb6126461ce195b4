package bench

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/dataimport"
	"yardstick/internal/testkit"
)

// BenchmarkDataImport imports 100,000 data values (1,000 measures × 100
// months) from one XLSX through Import Data (issue 21: the run ≤ 10× the
// store's raw batch insert of the same rows, "x-raw"; the preview ≤ 1.5×
// the run, "x-run"; the heap ≤ 128 MiB while a run reads and writes the
// file, "heap-MiB", the most in use sampled every millisecond above what
// was in use before, garbage not yet collected included). Each run starts
// from no values, as the raw insert does, and is what running a kept
// upload does: parse the file, plan it, write it; the preview is parse
// and plan.
func BenchmarkDataImport(b *testing.B) {
	eachDB(b, func(b *testing.B, db *testkit.DB) {
		s := newSite(b, db)
		in := testkit.MustCreateInstance(b, db.Store, "BENCH", "Bench Community")
		acct, _ := testkit.MustCreateMember(b, db.Store, in, "ada@example.org", access.PresetAdministration)
		gen := generate(b, db, in, tree{Prefix: "Import", Scorecards: 1, Containers: 100, Measures: 10})
		months := monthKeys(db.Store.Now(), 100)
		var rows []dataimport.SheetRow
		var raw []string
		for i, m := range gen.Measures {
			for j, p := range months {
				a, t := float64(i+j), float64(i+j+1)
				rows = append(rows, dataimport.SheetRow{Measure: m, Period: p, Actual: &a, Target: &t})
				raw = append(raw, fmt.Sprintf("(%d, %d, %s, %d, %d, $1)", in.ID, m, lit(p), i+j, i+j+1))
			}
		}
		if len(rows) != 100_000 {
			b.Fatalf("%d rows, want 100,000", len(rows))
		}
		var file bytes.Buffer
		if err := dataimport.WriteXLSX(&file, "Data values", rows); err != nil {
			b.Fatal(err)
		}
		b.Logf("the XLSX of 100,000 values is %.1f MB", float64(file.Len())/(1<<20))
		rows = nil
		ctx := context.Background()
		actor, err := s.app.ActorFor(ctx, app.Session{Account: acct}, in.Code, app.Client{Addr: "192.0.2.1"})
		if err != nil {
			b.Fatal(err)
		}
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
		// The upload as a kept upload's run reads it: the file's bytes,
		// parsed a row at a time as the rows are planned.
		input := func() app.DataImportInput {
			return app.DataImportInput{FileName: "bench.xlsx", Content: file.Bytes()}
		}

		// What a preview of the file against no stored values saw: every row
		// at version 0. The run plans again (as a kept upload's run does)
		// and writes.
		clear()
		first, err := s.app.PreviewDataImport(ctx, actor, input())
		if err != nil {
			b.Fatal(err)
		}
		seen := first.Seen()
		var rawNs, runNs float64
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
			if n := count(); n != 100_000 {
				b.Fatalf("%d values written, want 100,000", n)
			}
			rawNs = nsPerOp(b)
		})
		b.Run("run", func(b *testing.B) {
			var peak uint64
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				clear()
				runtime.GC()
				stop := importHeap()
				b.StartTimer()
				ran, err := s.app.RunDataImport(ctx, actor, input(), seen, false)
				if err != nil || ran.Written != 100_000 {
					b.Fatalf("run: %d written, %v", ran.Written, err)
				}
				b.StopTimer()
				peak = max(peak, stop())
				b.StartTimer()
			}
			b.StopTimer()
			runNs = nsPerOp(b)
			ratio(b, runNs, rawNs, "x-raw")
			b.ReportMetric(float64(peak)/(1<<20), "heap-MiB")
		})
		b.Run("preview", func(b *testing.B) {
			b.StopTimer()
			clear()
			b.StartTimer()
			for i := 0; i < b.N; i++ {
				plan, err := s.app.PreviewDataImport(ctx, actor, input())
				if err != nil || plan.Counts[app.DataNew] != 100_000 {
					b.Fatalf("preview: %v %v", plan.Counts, err)
				}
			}
			b.StopTimer()
			ratio(b, nsPerOp(b), runNs, "x-run")
		})
	})
}

// importHeap samples the heap in use every millisecond until the returned
// function is called, which returns the most seen above the start.
func importHeap() func() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		for {
			select {
			case <-done:
				return
			case <-t.C:
				runtime.ReadMemStats(&m)
				if m.HeapInuse > base && m.HeapInuse-base > peak.Load() {
					peak.Store(m.HeapInuse - base)
				}
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak.Load()
	}
}
