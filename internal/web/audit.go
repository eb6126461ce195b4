package web

import (
	"net/http"

	"yardstick/internal/app"
)

// audit tells the operator of a signed-in account answered 404 for an
// instance page or an id; fail calls it once per error answer. The account
// is told nothing more, and neither instance's log records it (one
// instance may not see the other): the operator sees it in the server log
// (a warning with the account id, the route pattern, the path's ids and
// the client address, never the path itself) and in the counter
// yardstick_not_found_probes_total{kind}. kind is "instance" (the account
// is no active member of the URL's instance, or it does not exist) or
// "object" (an id, in the path or a form, that the member cannot see:
// another instance's, or none). A run of them from one account is a
// probe; a stale link makes one.
func (s *Server) audit(r *http.Request, c *req, e *app.Error) {
	if c == nil || e == nil || e.Kind != app.NotFound || c.Session == nil {
		return
	}
	kind := ""
	switch {
	case r.PathValue("code") != "" && c.Actor == nil:
		kind = "instance"
	case r.PathValue("code") != "" || r.PathValue("id") != "":
		kind = "object" // an id in the path or the form
	default:
		return // a page that is not there, not someone else's
	}
	s.metrics.probes.WithLabelValues(kind).Inc()
	s.logger(r).Warn("not found for a signed-in account (possible probe of another instance)",
		"kind", kind, "account", c.Session.Account.ID, "pattern", patternOf(r), s.pathIDs(r), "client", c.Client.Addr)
}
