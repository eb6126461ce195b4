package export

import (
	"io"
	"testing"
	"time"
)

// The targets for the XLSX export: at least 10% of the rows per
// second of a plain CSV of the same rows, and at most 64 MiB of heap.
//
//	go test -run '^$' -bench . -benchtime 3x ./internal/export/
//
// Each benchmark writes benchRows rows per iteration and reports rows/s and
// peak-heap-MiB (the highest HeapInuse sampled while writing, above the
// heap in use before). The rows are made up front so that the benchmarks
// time the writers, not fmt.Sprintf.

const benchRows = 100000

var benchData = func() [][]any {
	rows := make([][]any, 1000)
	for i := range rows {
		rows[i] = activityRow(i)
	}
	return rows
}()

func benchWriter(b *testing.B, rows int, open func(w io.Writer) (RowWriter, error)) {
	run := func(out io.Writer) {
		w, err := open(out)
		if err != nil {
			b.Fatal(err)
		}
		for i := range rows {
			if err := w.WriteRow(benchData[i%len(benchData)]...); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		run(io.Discard)
		n++
	}
	// Reading MemStats stops the world, so the heap is sampled in one more
	// run outside the timed loop.
	elapsed := b.Elapsed()
	out := &countingWriter{}
	peak := peakHeap(func() { run(out) })
	b.ReportMetric(float64(rows*n)/elapsed.Seconds(), "rows/s")
	b.ReportMetric(float64(peak)/mib, "peak-heap-MiB")
	b.ReportMetric(float64(out.n)/mib, "file-MiB")
}

func BenchmarkXLSX100k(b *testing.B) {
	benchWriter(b, benchRows, func(w io.Writer) (RowWriter, error) {
		return NewXLSX(w, "Log", activityColumns())
	})
}

// BenchmarkXLSX100kCold is an export after a quiet spell: the last
// export's sheet buffer is gone and a new one is made.
func BenchmarkXLSX100kCold(b *testing.B) {
	benchWriter(b, benchRows, func(w io.Writer) (RowWriter, error) {
		spareSheet.Store(nil)
		return NewXLSX(w, "Log", activityColumns())
	})
}

func BenchmarkCSV100k(b *testing.B) {
	benchWriter(b, benchRows, func(w io.Writer) (RowWriter, error) {
		return NewCSV(w, activityColumns(), CSVOptions{BOM: true})
	})
}

// BenchmarkPDF100k is the PDF of the same 100,000 rows: pages are written
// as they fill, so its heap stays flat like the XLSX's.
func BenchmarkPDF100k(b *testing.B) {
	benchWriter(b, benchRows, func(w io.Writer) (RowWriter, error) {
		return NewPDF(w, PDFMeta{Title: "User Activity", Subtitle: "Bench", Generated: activityTime}, activityColumns())
	})
}

func BenchmarkNewPDF(b *testing.B) {
	for b.Loop() {
		p, err := NewPDF(io.Discard, PDFMeta{Title: "T"}, activityColumns())
		if err != nil {
			b.Fatal(err)
		}
		p.Abort()
	}
}

// BenchmarkXLSXvsCSV alternates the two exports of the same 100,000 rows and
// reports the XLSX's speed as a percentage of the CSV's (the target is at
// least 10%). Alternating puts both under the same machine load, which on a
// shared machine swings more than the difference being measured.
func BenchmarkXLSXvsCSV(b *testing.B) {
	run := func(w RowWriter, err error) time.Duration {
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		for i := range benchRows {
			if err := w.WriteRow(benchData[i%len(benchData)]...); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	var csvTime, xlsxTime time.Duration
	for b.Loop() {
		csvTime += run(NewCSV(io.Discard, activityColumns(), CSVOptions{BOM: true}))
		xlsxTime += run(NewXLSX(io.Discard, "Log", activityColumns()))
	}
	b.ReportMetric(100*csvTime.Seconds()/xlsxTime.Seconds(), "xlsx-%-of-csv")
}
