package export

import (
	"io"
	"runtime"
	"testing"
)

func TestSmokeLive(t *testing.T) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	x, _ := NewXLSX(io.Discard, "Log", activityColumns())
	peak, at := uint64(0), 0
	for i := range 100000 {
		x.WriteRow(benchData[i%1000]...)
		if i%500 == 0 {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse-base > peak {
				peak, at = ms.HeapInuse-base, i
			}
			if i%5000 == 0 {
				t.Logf("row %d inuse %.1f MiB, next GC %.1f", i, float64(ms.HeapInuse-base)/mib, float64(ms.NextGC)/mib)
			}
		}
	}
	t.Logf("peak %.1f at %d", float64(peak)/mib, at)
	p := peakHeap(func() { x.Close() })
	t.Logf("close peak %.1f", float64(p)/mib)
}
