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
	b.ReportAllocs()
	var peak uint64
	var written int64
	start := time.Now()
	n := 0
	for b.Loop() {
		n++
		out := &countingWriter{}
		p := peakHeap(func() {
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
		})
		peak = max(peak, p)
		written = out.n
	}
	elapsed := time.Since(start)
	b.ReportMetric(float64(rows*n)/elapsed.Seconds(), "rows/s")
	b.ReportMetric(float64(peak)/mib, "peak-heap-MiB")
	b.ReportMetric(float64(written)/mib, "file-MiB")
}

func BenchmarkXLSX100k(b *testing.B) {
	benchWriter(b, benchRows, func(w io.Writer) (RowWriter, error) {
		return NewXLSX(w, "Log", activityColumns())
	})
}

func BenchmarkCSV100k(b *testing.B) {
	benchWriter(b, benchRows, func(w io.Writer) (RowWriter, error) {
		return NewCSV(w, activityColumns(), CSVOptions{BOM: true})
	})
}

// BenchmarkPDF10k is the PDF at its row limit's order of magnitude; PDF is
// not streamed (see MaxPDFRows), so its heap grows with the rows.
func BenchmarkPDF10k(b *testing.B) {
	benchWriter(b, 10000, func(w io.Writer) (RowWriter, error) {
		return NewPDF(w, PDFMeta{Title: "User Activity", Subtitle: "Bench", Generated: activityTime}, activityColumns())
	})
}
