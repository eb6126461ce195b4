package web

import (
	"net/http"
	"strings"

	"yardstick/internal/app"
	"yardstick/internal/terms"
	"yardstick/internal/web/views"
)

// The HTTP stack is layered so that more than one transport can mount on
// it. Every request passes the common layers, whatever it is for (New):
//
//	realClient → observe (request id, log line, metrics, recovery) →
//	baseHeaders → gate (admission, body limits) → cross-origin protection →
//	checkInput → the mux
//
// Each transport then brings what differs: the policy its responses carry
// in a browser (CSP, framing), how a request proves who it is, and its
// route table with the permission on each line, and how its refusals
// are answered. There are two: the HTML pages with cookie sessions, and
// /api/v1 with API keys (apiauth.go), and /embed/ (embeds.go): anonymous
// pages of embed codes, framed by the origins each allows.

// policy is what a transport's responses may do in a browser.
type policy struct {
	csp       string
	frameable bool // other sites may frame it (embeds)
}

// baseCSP allows only the app's own scripts, styles and images.
const baseCSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'"

// pagesPolicy is the HTML pages': never framed.
var pagesPolicy = policy{csp: baseCSP + "; frame-ancestors 'none'"}

// apply sets the policy's headers.
func (p policy) apply(h http.Header) {
	h.Set("Content-Security-Policy", p.csp)
	if p.frameable {
		h.Del("X-Frame-Options")
	} else {
		h.Set("X-Frame-Options", "DENY")
	}
}

// transport is one way in over the common layers.
type transport struct {
	name   string
	policy policy
	// auth resolves who is asking before a route's handler runs and
	// applies the route's permission through internal/app.
	auth func(w http.ResponseWriter, r *http.Request, rt route, c *req) error
	// fail answers an error of auth or of a handler.
	fail   func(w http.ResponseWriter, r *http.Request, c *req, err error)
	routes []route
}

// transports lists every transport the server mounts.
func (s *Server) transports() []transport {
	return []transport{
		{name: "pages", policy: pagesPolicy, auth: s.prepare, fail: s.fail, routes: s.routes()},
		{name: "api", policy: apiPolicy, auth: s.apiAuth, fail: s.apiFail, routes: s.apiRoutes()},
		{name: "embed", policy: embedPolicy, auth: s.embedAuth, fail: s.embedFail, routes: s.embedRoutes()},
	}
}

// baseHeaders sets the headers every response carries, with the pages'
// policy until a transport's route sets its own (wrap): unmatched paths
// and early refusals are answered as pages.
func baseHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		pagesPolicy.apply(h)
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

// wrap runs one route of a transport: its policy, its authentication and
// the route's permission, then the handler; errors become answers in fail.
func (s *Server) wrap(t transport, rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.policy.apply(w.Header())
		c := &req{Client: app.Client{Addr: clientAddr(r), UserAgent: r.UserAgent(), RequestID: requestID(r.Context())}}
		err := t.auth(w, r, rt, c)
		if c.Actor != nil && c.Actor.Instance.Terms != "" {
			// The instance's Common Terms, for every view of the request,
			// a refusal of the route's permission too.
			r = r.WithContext(terms.With(r.Context(), terms.Parse(c.Actor.Instance.Terms)))
		}
		if err != nil {
			t.fail(w, r, c, err)
			return
		}
		if err := rt.h(w, r, c); err != nil {
			t.fail(w, r, c, err)
		}
	})
}

// adminMenu lists the Administration pages the actor's permissions open:
// the route table's entries with a Menu label, in table order (SPEC §13).
func (s *Server) adminMenu(a *app.Actor) []views.MenuItem {
	var out []views.MenuItem
	for _, rt := range s.menu {
		if a.Can(rt.Perm) {
			out = append(out, views.MenuItem{Label: rt.Menu, Group: rt.Group, Desc: rt.Desc,
				URL: "/i/" + a.Instance.Code + strings.TrimPrefix(strings.TrimPrefix(rt.Pattern, "GET "), "/i/{code}")})
		}
	}
	return out
}
