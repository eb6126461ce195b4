package export

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites the file under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it); got:\n%s", name, got)
	}
}

// peakHeap runs fn and returns the highest HeapInuse seen while it ran, above
// what was in use before. Sampling every millisecond catches the peaks that
// matter (those lasting a GC cycle); runtime.ReadMemStats is exact at each
// sample. The XLSX writer's spare sheet buffer is dropped first, so that
// the peak counts the buffer, as in an export after a quiet spell.
func peakHeap(fn func()) uint64 {
	spareSheet.Store(nil)
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse

	var (
		mu   sync.Mutex
		peak uint64
		stop = make(chan struct{})
		done = make(chan struct{})
	)
	sample := func() {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		mu.Lock()
		peak = max(peak, m.HeapInuse)
		mu.Unlock()
	}
	go func() {
		defer close(done)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				sample()
			}
		}
	}()
	fn()
	sample()
	close(stop)
	<-done
	if peak < base {
		return 0
	}
	return peak - base
}

const mib = 1 << 20

// activityColumns and activityRow make rows shaped like the User Activity log.
func activityColumns() []Column {
	return []Column{
		{Title: "When", Kind: DateTime},
		{Title: "Member", Width: 26},
		{Title: "Activity", Width: 18},
		{Title: "Object", Width: 30},
		{Title: "Details", Width: 50},
		{Title: "Count", Kind: Number, Width: 8},
	}
}

var (
	activityNames = []string{"Anna Kowalska", "Łukasz Żółć", "Νίκος Παπαδόπουλος", "Дмитрий Иванов", "Zoë O'Brien", "=HYPERLINK(\"http://evil\",\"x\")"}
	activityKinds = []string{"Sign-in", "Changed measure", "Viewed scorecard", "Data entry", "Export"}
	activityTime  = time.Date(2026, 3, 1, 8, 0, 0, 0, time.FixedZone("CET", 3600))
)

func activityRow(i int) []any {
	return []any{
		activityTime.Add(time.Duration(i) * time.Minute),
		activityNames[i%len(activityNames)],
		activityKinds[i%len(activityKinds)],
		fmt.Sprintf("Scorecard %d / Measure %d", i%17, i%101),
		fmt.Sprintf("row-%06d target %d → %d", i, i%50, i%50+1),
		int64(i % 1000),
	}
}

// countingWriter counts what is written and drops it.
type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}
