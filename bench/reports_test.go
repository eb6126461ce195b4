package bench

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/testkit"
)

// Issue 23's report benchmarks: a Measure data report of reportRows rows
// (2,000 measures on 20 scorecards, 50 months each) exported as XLSX
// against the User Activity XLSX export of as many log entries, the
// same report as one PDF, and the report's first HTML page for a member who sees 5 % of the measures (one
// scorecard of 20) against the administrator's.
const (
	reportRows = 100_000
	// Targets: the report's XLSX at least 0.8× the activity export's
	// rows a second with a heap peak (over idle) of at most 64 MiB; the
	// 5 % member's first page at least 0.7× the administrator's req/s.
	reportMinXLSX  = 0.8
	reportMaxHeap  = 64 << 20
	reportMinFirst = 0.7
	// The PDF of all reportRows rows: heap peak at most 128 MiB.
	reportMaxPDFHeap = 128 << 20
)

// BenchmarkReports reports xlsx-rows/s of both exports and their ratio
// (x-activity), the report export's heap peak over idle (heap-MiB), the
// PDF's time and heap peak (logged), and
// the first page's req/s for the administrator and the 5 % member and
// their ratio (x-admin). It fails when a target is missed.
func BenchmarkReports(b *testing.B) {
	eachDB(b, func(b *testing.B, db *testkit.DB) {
		ctx := context.Background()
		s := newSite(b, db)
		in := testkit.MustCreateInstance(b, db.Store, "BENCH", "Bench Community")
		testkit.MustCreateMember(b, db.Store, in, "ada@example.org", access.PresetAdministration)
		_, few := testkit.MustCreateMember(b, db.Store, in, activityEmail(0), access.PresetPresenter)
		for i := 1; i < 20; i++ {
			testkit.MustCreateMember(b, db.Store, in, activityEmail(i), access.PresetPresenter)
		}
		perms := access.MustPreset(access.PresetPresenter)
		perms[access.ReportsView] = true
		if _, err := db.Store.DB().ExecContext(ctx, `UPDATE memberships SET permissions = $1 WHERE id = $2`, joinKeys(perms), few.ID); err != nil {
			b.Fatal(err)
		}
		c := generate(b, db, in, tree{Prefix: "R", Scorecards: 20, Containers: 5, Measures: 20, Periods: reportRows / 2000})
		if err := db.Store.Q().SetMembershipScorecards(ctx, in.ID, few.ID, c.Scorecards[:1]); err != nil {
			b.Fatal(err)
		}
		activityGenerate(b, db, in, reportRows)

		admin, member := s.client(), s.client()
		s.login(b, admin, "ada@example.org")
		s.login(b, member, activityEmail(0))
		base := s.srv.URL + "/i/BENCH"
		activityXLSX := base + "/admin/activity.xlsx?from=2024-01-01&to=2026-12-31"
		reportXLSX := base + "/reports/run.xlsx?kind=measure_data"
		first := base + "/reports/run?kind=measure_data"
		mustContain(b, admin, first, "R measure 0000000")
		mustContain(b, member, first, "R measure 0000000")

		// The exports, alternated three times each; the heap sampled
		// during the report's.
		var tAct, tRep time.Duration
		var heap uint64
		for range 3 {
			start := time.Now()
			get(b, admin, activityXLSX, http.StatusOK)
			tAct += time.Since(start)
			idle := heapInuse()
			h := sampleHeap(s.app)
			start = time.Now()
			get(b, admin, reportXLSX, http.StatusOK)
			tRep += time.Since(start)
			if p := h.stop(); p > idle && p-idle > heap {
				heap = p - idle
			}
		}
		actRate, repRate := 3*reportRows/tAct.Seconds(), 3*reportRows/tRep.Seconds()
		ratio := repRate / actRate
		b.Logf("%s: xlsx of %d rows: activity %.0f rows/s, report %.0f rows/s (%.2f×), report heap peak %.1f MiB over idle",
			db.Name, reportRows, actRate, repRate, ratio, float64(heap)/(1<<20))

		// The PDF of every row, once: memory flat however many pages.
		idle := heapInuse()
		h := sampleHeap(s.app)
		start := time.Now()
		get(b, admin, base+"/reports/run.pdf?kind=measure_data", http.StatusOK)
		pdfTime := time.Since(start)
		pdfHeap := uint64(0)
		if p := h.stop(); p > idle {
			pdfHeap = p - idle
		}
		b.Logf("%s: pdf of %d rows in %v, heap peak %.1f MiB over idle", db.Name, reportRows, pdfTime.Round(time.Millisecond), float64(pdfHeap)/(1<<20))
		if pdfHeap > reportMaxPDFHeap {
			b.Errorf("report PDF heap peak %.1f MiB over idle, want ≤ %d MiB", float64(pdfHeap)/(1<<20), reportMaxPDFHeap>>20)
		}

		// The first page, in interleaved blocks.
		var tAdmin, tMember time.Duration
		n := 0
		for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline) || n < 30; n += 10 {
			start := time.Now()
			for range 10 {
				get(b, admin, first, http.StatusOK)
			}
			tAdmin += time.Since(start)
			start = time.Now()
			for range 10 {
				get(b, member, first, http.StatusOK)
			}
			tMember += time.Since(start)
		}
		adminRate, memberRate := float64(n)/tAdmin.Seconds(), float64(n)/tMember.Seconds()
		b.Logf("%s: first page: admin %.0f req/s, 5%% member %.0f req/s (%.2f×)", db.Name, adminRate, memberRate, memberRate/adminRate)

		for b.Loop() {
			get(b, member, first, http.StatusOK)
		}
		b.ReportMetric(repRate, "report-rows/s")
		b.ReportMetric(ratio, "x-activity")
		b.ReportMetric(float64(heap)/(1<<20), "heap-MiB")
		b.ReportMetric(memberRate/adminRate, "x-admin")
		if ratio < reportMinXLSX {
			b.Errorf("report XLSX %.2f× the activity export's rows/s, want ≥ %.1f×", ratio, reportMinXLSX)
		}
		if heap > reportMaxHeap {
			b.Errorf("report XLSX heap peak %.1f MiB over idle, want ≤ %d MiB", float64(heap)/(1<<20), reportMaxHeap>>20)
		}
		if memberRate/adminRate < reportMinFirst {
			b.Errorf("the 5%% member's first page %.2f× the administrator's, want ≥ %.1f×", memberRate/adminRate, reportMinFirst)
		}
	})
}

func joinKeys(s access.Set) string {
	out := ""
	for i, k := range s.Keys() {
		if i > 0 {
			out += ","
		}
		out += k
	}
	return fmt.Sprint(out)
}
