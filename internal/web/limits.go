package web

import (
	"net/http"
	"time"
)

// heavy runs a heavy handler (a document download, an import) within the
// app's bounds on heavy work (app.Heavy): admitted per account and per
// process, then run a few at a time in arrival order. Beyond the bounds
// the answer is the error page with 429 and Retry-After, before any work
// or database read is done.
func (s *Server) heavy(h handlerFunc, w http.ResponseWriter, r *http.Request, c *req) error {
	return s.app.Heavy(r.Context(), c.Actor, func() error { return h(w, r, c) })
}

// An export's row loop has no reason of its own to wait (rows stream in
// from the database's buffer, the document grows in memory), so left
// alone it holds its processor for the whole export, and other requests'
// goroutines, woken by the network, wait for the scheduler to look: on a
// two-processor server another member's page p99 went from under 1 ms to
// 8–15 ms behind one export. So an export writes its rows in batches
// and, after each, waits as long as the batch took: it uses at most half
// of one processor while rows stream (the document's final assembly in
// Close is one call and runs at full speed), and the processor is free
// half the time for everyone else. An export of 20,000 rows takes about
// half a second longer.
const (
	paceRows = 64                    // rows of one batch
	paceMax  = 20 * time.Millisecond // the longest wait after a batch
)

// pacer paces one export's rows; the zero value is ready to use.
type pacer struct {
	n     int
	start time.Time // of the current batch
}

// row is called before each row is written.
func (p *pacer) row() {
	if p.n%paceRows == 0 {
		if !p.start.IsZero() {
			time.Sleep(min(time.Since(p.start), paceMax))
		}
		p.start = time.Now()
	}
	p.n++
}
