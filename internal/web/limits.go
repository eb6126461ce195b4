package web

import (
	"net/http"
	"runtime"
)

// heavy runs a heavy handler (a document download, an import) within the
// app's bounds on heavy work (app.Heavy): admitted per account and per
// process, then run a few at a time in arrival order. Beyond the bounds
// the answer is the error page with 429 and Retry-After, before any work
// or database read is done.
func (s *Server) heavy(h handlerFunc, w http.ResponseWriter, r *http.Request, c *req) error {
	return s.app.Heavy(r.Context(), c.Actor, func() error { return h(w, r, c) })
}

// yieldEvery is how many rows an export writes between giving the
// processor to other requests. An export's loop has no other reason to
// wait (rows stream in from the database's buffer, the document is built
// in memory), so without it a page request arriving behind a few exports
// waits in the run queue for whole scheduler time slices (10 ms each).
const yieldEvery = 64

// politeRows counts an export's rows and lets waiting requests run every
// yieldEvery of them.
type politeRows int

func (n *politeRows) next() {
	if *n++; *n%yieldEvery == 0 {
		runtime.Gosched()
	}
}
