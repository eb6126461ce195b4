package web

import (
	"errors"
	"net/http"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"yardstick/internal/app"
)

// audit records what SPEC §10 asks of a refused request beyond its answer.
// fail calls it once per error answer:
//
//   - A refused page view (403 on GET) is recorded in the instance's log,
//     as a refused write is.
//   - A signed-in account answered 404 for an instance page or an id is
//     told nothing more, and neither instance's log records it (one
//     instance may not see the other): the operator sees it in the server
//     log (a warning with the account id, the route pattern, the path's
//     ids and the client address, never the path itself) and in the
//     counter yardstick_not_found_probes_total{kind}. kind is "instance"
//     (the account is no active member of the URL's instance, or it does
//     not exist) or "object" (an id, in the path or a form, that the
//     member cannot see: another instance's, or none). A run of them from
//     one account is a probe; a stale link makes one.
func (s *Server) audit(r *http.Request, c *req, e *app.Error) {
	if c == nil || e == nil {
		return
	}
	switch {
	case e.Kind == app.Forbidden && c.Actor != nil && r.Method == http.MethodGet:
		// Writes are recorded by fail itself.
		if err := s.app.RecordRefusal(r.Context(), c.Actor, s.routeRef(r), e.Msg); err != nil {
			s.logger(r).Error("recording a refused page", "err", err)
		}
	case e.Kind == app.NotFound && c.Session != nil:
		kind := ""
		switch {
		case r.PathValue("code") != "" && c.Actor == nil:
			kind = "instance"
		case r.PathValue("code") != "" || r.PathValue("id") != "":
			kind = "object" // an id in the path or the form
		default:
			return // a page that is not there, not someone else's
		}
		s.probes().WithLabelValues(kind).Inc()
		s.logger(r).Warn("not found for a signed-in account (possible probe of another instance)",
			"kind", kind, "account", c.Session.Account.ID, "pattern", patternOf(r), s.pathIDs(r), "client", c.Client.Addr)
	}
}

// probeCounters holds each server's probe counter by its registry, so the
// counter is registered once however many servers a test builds.
var probeCounters sync.Map // *prometheus.Registry → *prometheus.CounterVec

// probes is the server's counter of 404s to signed-in accounts. Its labels
// carry the kind only: no account, instance, id or path.
func (s *Server) probes() *prometheus.CounterVec {
	if c, ok := probeCounters.Load(s.reg); ok {
		return c.(*prometheus.CounterVec)
	}
	c := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "yardstick_not_found_probes_total",
		Help: "404 answers to signed-in accounts for an instance they are not an active member of (kind=instance) or an id they cannot see (kind=object).",
	}, []string{"kind"})
	c.WithLabelValues("instance")
	c.WithLabelValues("object")
	if err := s.reg.Register(c); err != nil {
		var dup prometheus.AlreadyRegisteredError
		if !errors.As(err, &dup) {
			s.log.Error("registering the probe counter", "err", err)
			return c
		}
		c = dup.ExistingCollector.(*prometheus.CounterVec)
	}
	got, _ := probeCounters.LoadOrStore(s.reg, c)
	return got.(*prometheus.CounterVec)
}
