package web

import (
	"bytes"
	"net/http"

	"yardstick/internal/web/views"
)

// unmatched answers the requests no route matches with the app's own
// error page, in its layout (language, title, a way back), where the
// standard library writes a plain-text "404 page not found" or "405
// method not allowed". The status and the Allow header stay the mux's.
func (s *Server) unmatched(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		rec := &captured{header: http.Header{}, code: http.StatusOK}
		mux.ServeHTTP(rec, r)
		status := rec.code
		if status != http.StatusNotFound && status != http.StatusMethodNotAllowed {
			// A redirect the mux makes itself (a cleaned path, a
			// trailing slash): pass it on as it is.
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(status)
			w.Write(rec.body.Bytes())
			return
		}
		msg := "There is no page at this address. Check the link, or start again from the start page."
		if status == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", rec.Header().Get("Allow"))
			msg = "This page does not answer that kind of request. Open it from a link or a form of Yardstick."
		}
		title := "Not found"
		if status == http.StatusMethodNotAllowed {
			title = "Not available this way"
		}
		s.render(w, r, status, views.ErrorPage(s.shell(r, nil, title), status, msg))
	})
}

// captured holds what the mux answers to an unmatched request (a few
// short lines), so that it can be replaced by the app's page.
type captured struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (c *captured) Header() http.Header         { return c.header }
func (c *captured) WriteHeader(code int)        { c.code = code }
func (c *captured) Write(b []byte) (int, error) { return c.body.Write(b) }
