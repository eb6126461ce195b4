package web

import (
	"net/http"

	"yardstick/internal/access"
)

// need says what a route requires before its handler runs.
type need int

const (
	public  need = iota // anyone
	account             // a signed-in account
	member              // an active member of the instance in {code}
)

// route is one registered pattern. Perm, when set, is checked through the
// actor (internal/access) before the handler; the use case in
// internal/app checks again for what it touches.
type route struct {
	Pattern        string
	Need           need
	Perm           access.Permission
	AllowTemporary bool // reachable while a temporary password must be replaced
	h              handlerFunc
}

// RouteInfo describes a route for the authorization matrix test.
type RouteInfo struct {
	Pattern string
	Need    string
	Perm    access.Permission
}

// Routes lists every registered route.
func (s *Server) Routes() []RouteInfo {
	names := map[need]string{public: "public", account: "account", member: "member"}
	var out []RouteInfo
	for _, rt := range s.routes() {
		out = append(out, RouteInfo{Pattern: rt.Pattern, Need: names[rt.Need], Perm: rt.Perm})
	}
	return out
}

// routes is every route of the web app, one per line, with what it needs.
func (s *Server) routes() []route {
	return []route{
		{Pattern: "GET /healthz", Need: public, h: s.healthz},
		{Pattern: "GET /readyz", Need: public, h: s.readyz},
		{Pattern: "GET /metrics", Need: public, h: s.metricsPage},
		{Pattern: "GET /static/", Need: public, h: s.static},
		{Pattern: "GET /{$}", Need: public, h: s.root},

		{Pattern: "GET /setup", Need: public, h: s.setupForm},
		{Pattern: "POST /setup", Need: public, h: s.setupSubmit},
		{Pattern: "GET /login", Need: public, h: s.loginForm},
		{Pattern: "POST /login", Need: public, h: s.loginSubmit},
		{Pattern: "POST /logout", Need: public, h: s.logout},
		{Pattern: "GET /forgot", Need: public, h: s.forgotForm},
		{Pattern: "POST /forgot", Need: public, h: s.forgotSubmit},
		{Pattern: "GET /reset/{token}", Need: public, h: s.resetForm},
		{Pattern: "POST /reset/{token}", Need: public, h: s.resetSubmit},
		{Pattern: "GET /signin/{token}", Need: public, h: s.signInLinkForm},
		{Pattern: "POST /signin/{token}", Need: public, h: s.signInLinkSubmit},

		{Pattern: "GET /account/password", Need: account, AllowTemporary: true, h: s.passwordForm},
		{Pattern: "POST /account/password", Need: account, AllowTemporary: true, h: s.passwordSubmit},
		{Pattern: "GET /instances", Need: account, h: s.instances},

		{Pattern: "GET /i/{code}/{$}", Need: member, h: s.dashboard},
	}
}

func (s *Server) static(w http.ResponseWriter, r *http.Request, _ *req) error {
	s.assets.serve(w, r)
	return nil
}
