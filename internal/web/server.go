package web

import (
	"bytes"
	"errors"
	"log/slog"
	"maps"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/a-h/templ"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"yardstick/internal/access"
	"yardstick/internal/api"
	"yardstick/internal/app"
	"yardstick/internal/terms"
	"yardstick/internal/web/views"
)

// Config is what the web layer needs from the deployment's configuration.
type Config struct {
	BaseURL       string
	MetricsToken  string // bearer token for /metrics; empty: loopback clients only
	QuietRequests bool   // no per-request log lines (benchmarks)
	// TrustedProxies may name the client in X-Forwarded-For
	// (YARDSTICK_TRUSTED_PROXIES); from other peers the header is ignored.
	TrustedProxies []netip.Prefix
	// MaxInFlight bounds the requests served at once
	// (YARDSTICK_MAX_INFLIGHT); the rest wait in arrival order. 0: twice
	// the database's connection pool; negative: no bound.
	MaxInFlight int
	// QueueWait is how long a request waits for admission before a 503
	// (YARDSTICK_QUEUE_WAIT); 0: DefaultQueueWait.
	QueueWait time.Duration
	// MaxFormBody is the body limit of every route that takes no upload
	// (YARDSTICK_MAX_FORM_BODY); 0: DefaultMaxFormBody. The import upload
	// takes up to 6 MB (its 5 MB file and the form around it).
	MaxFormBody int64
	// Collectors are more metrics for /metrics (the snapshot schedule's).
	Collectors []prometheus.Collector
	// APIRate and APIBurst limit requests per API key (requests per second
	// and at once; YARDSTICK_API_RATE and YARDSTICK_API_BURST); 0:
	// DefaultAPIRate and DefaultAPIBurst.
	APIRate  float64
	APIBurst int
	// CompyleURL is the Compyle app's address (YARDSTICK_COMPYLE_URL),
	// which /i/{code}/compyle sends members with Compyle Access to; "":
	// the menu has no Compyle item.
	CompyleURL string
}

// Server serves the HTML pages.
type Server struct {
	app       *app.App
	cfg       Config
	log       *slog.Logger
	assets    *assets
	metrics   *metrics
	reg       *prometheus.Registry
	handler   http.Handler
	meta      map[string]*routeMeta // by route pattern
	admission *admission            // nil: no bound
	menu      []route               // the Administration pages, in menu order
	api       *api.API              // the /api/v1 operations (apiauth.go)
	keyLimits *keyLimiter
	embeds    embedCache // rendered embed pages (embeds.go)
}

// New builds the server and its routes.
func New(a *app.App, cfg Config, log *slog.Logger) *Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	reg.MustRegister(cfg.Collectors...)
	if cfg.MaxFormBody <= 0 {
		cfg.MaxFormBody = DefaultMaxFormBody
	}
	if cfg.QueueWait <= 0 {
		cfg.QueueWait = DefaultQueueWait
	}
	if cfg.MaxInFlight == 0 {
		cfg.MaxInFlight = DefaultMaxInFlight(a.Store().DB().Stats().MaxOpenConnections)
	}
	s := &Server{app: a, cfg: cfg, log: log, assets: loadAssets(), reg: reg, meta: map[string]*routeMeta{},
		keyLimits: newKeyLimiter(cfg.APIRate, cfg.APIBurst)}
	var err error
	if s.api, err = api.New(a); err != nil {
		panic(err) // the embedded document is checked by the tests
	}
	if cfg.MaxInFlight > 0 {
		// The queue holds what the wait lets through at most a few times
		// over; a longer one would only time out.
		s.admission = newAdmission(cfg.MaxInFlight, cfg.QueueWait, 64*cfg.MaxInFlight)
	}
	s.metrics = newMetrics(reg, s.admission)
	mux := http.NewServeMux()
	for _, t := range s.transports() {
		for _, rt := range t.routes {
			mux.Handle(rt.Pattern, s.wrap(t, rt))
			s.meta[rt.Pattern] = &routeMeta{upload: rt.Upload, multipart: rt.Multipart, unqueued: rt.Unqueued, maxBody: rt.MaxBody, wildcards: wildcards(rt.Pattern)}
			if rt.Menu != "" {
				s.menu = append(s.menu, rt)
			}
		}
	}
	cop := http.NewCrossOriginProtection()
	// Embeds answer nothing but reads; any other method is 405 there.
	cop.AddInsecureBypassPattern("/embed/")
	// RFC 8058's one-click unsubscribe is posted by mail providers, maybe
	// from a browser on another site; the token in the path is its only
	// authority, never a cookie (unsubscribe.go).
	cop.AddInsecureBypassPattern("POST /unsubscribe/{token}")
	// The common layers (layers.go); each transport's own come in wrap.
	s.handler = s.realClient(s.observe(baseHeaders(s.gate(mux, cop.Handler(s.checkInput(s.unmatched(mux)))))))
	return s
}

// DefaultMaxInFlight is the in-flight bound for a database pool of pool
// connections: twice the pool, so a request finishing its queries finds
// the next one ready, and requests never queue on the pool in random
// order for long. An unlimited pool (0) gets 64.
func DefaultMaxInFlight(pool int) int {
	if pool <= 0 {
		return 64
	}
	return 2 * pool
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// req is what a handler knows about the request beyond *http.Request.
type req struct {
	Session *app.Session // signed-in account; nil on public routes
	Actor   *app.Actor   // member in the URL's instance; nil unless the route needs one
	Client  app.Client
	embed   *embedState // a code made on this request, or the refusal of the form (embeds.go)
}

type handlerFunc func(w http.ResponseWriter, r *http.Request, c *req) error

// prepare is the pages' authentication: the cookie session, the member a
// route needs in the URL's instance, and the route's permission through
// the actor (internal/access).
func (s *Server) prepare(_ http.ResponseWriter, r *http.Request, rt route, c *req) error {
	if rt.Need == public {
		// Public pages still show who is signed in, when someone is.
		if sess, err := s.app.Authenticate(r.Context(), sessionToken(r)); err == nil {
			c.Session = &sess
		}
		return nil
	}
	code := ""
	if rt.Need == member {
		code = r.PathValue("code")
	}
	sess, err := s.app.AuthenticateIn(r.Context(), sessionToken(r), code)
	if err != nil {
		return err
	}
	c.Session = &sess
	if sess.Account.PasswordTemporary && !rt.AllowTemporary {
		return errMustChangePassword
	}
	if rt.Need == member {
		actor, err := s.app.ActorFor(r.Context(), sess, r.PathValue("code"), c.Client)
		if err != nil {
			return err
		}
		c.Actor = actor
		if rt.Perm != "" {
			return actor.Require(rt.Perm)
		}
	}
	return nil
}

var errMustChangePassword = errors.New("must change password")

// fail maps an error to a response: kinds from internal/app become
// statuses; anything else is logged once and answered 500.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, c *req, err error) {
	if errors.Is(err, errMustChangePassword) {
		http.Redirect(w, r, "/account/password", http.StatusSeeOther)
		return
	}
	var actor *app.Actor
	if c != nil {
		actor = c.Actor
	}
	// internal/app records a refusal (SPEC §3.4, §10) as it maps the error.
	e := s.app.Outcome(r.Context(), actor, s.routeRef(r), err)
	if e.Kind == app.Internal {
		s.logger(r).Error("internal error", "pattern", patternOf(r), s.pathIDs(r), "err", err)
		s.render(w, r, http.StatusInternalServerError, views.ErrorPage(s.shell(r, c, "Error"),
			http.StatusInternalServerError, "Something went wrong on our side. Request id: "+requestID(r.Context())))
		return
	}
	if e.Kind == app.Unavailable {
		s.unavailable(w, r, e)
		return
	}
	status := statusOf(e.Kind)
	s.audit(r, c, e) // cross-instance probes (audit.go)
	if e.Kind == app.Unauthenticated {
		target := "/login"
		if r.Method == http.MethodGet {
			target += "?next=" + url.QueryEscape(r.URL.RequestURI())
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
		return
	}
	if e.Kind == app.TooMany && e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(e.RetryAfter.Seconds())))
	}
	s.render(w, r, status, views.ErrorPage(s.shell(r, c, "Error"), status, e.Msg))
}

// unavailable answers 503 while the database cannot be reached. The page
// needs nothing from the database (no menus, no account). A form post
// comes back as a form holding what was typed, which "Try again" sends
// as it was; passwords and one-time tokens are not written into the page.
func (s *Server) unavailable(w http.ResponseWriter, r *http.Request, e *app.Error) {
	s.logger(r).Warn("database unavailable", "pattern", patternOf(r))
	w.Header().Set("Retry-After", strconv.Itoa(int(e.RetryAfter.Seconds())))
	w.Header().Set("Cache-Control", "no-store")
	var retry *views.Retry
	if r.Method == http.MethodPost {
		retry = &views.Retry{Action: r.URL.RequestURI()}
		for _, name := range slices.Sorted(maps.Keys(r.PostForm)) {
			if secretField(name) {
				retry.Dropped = true
				continue
			}
			for _, v := range r.PostForm[name] {
				retry.Fields = append(retry.Fields, views.Field{Name: name, Value: v})
			}
		}
	}
	s.render(w, r, http.StatusServiceUnavailable, views.UnavailablePage(s.shell(r, nil, "Database unavailable"), e.Msg, retry))
}

// secretField names the form fields whose values the 503 page does not
// echo.
func secretField(name string) bool {
	n := strings.ToLower(name)
	return strings.Contains(n, "password") || strings.Contains(n, "token")
}

func statusOf(k app.Kind) int {
	switch k {
	case app.NotFound:
		return http.StatusNotFound
	case app.Forbidden:
		return http.StatusForbidden
	case app.Conflict:
		return http.StatusConflict
	case app.Invalid:
		return http.StatusUnprocessableEntity
	case app.Unauthenticated:
		return http.StatusUnauthorized
	case app.TooMany:
		return http.StatusTooManyRequests
	case app.Unavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// pages holds render buffers for reuse.
var pages = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render writes a component with a status. The page is rendered whole
// first: a rendering error can still become an error page, and the
// response goes out in one write with its length instead of dozens of
// small chunks.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, comp templ.Component) error {
	buf := pages.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		// A 500-row scorecard is over 1 MB since its rows state their band
		// and level in words; below 4 MB a buffer is kept for the next page.
		if buf.Cap() <= 4<<20 {
			pages.Put(buf)
		}
	}()
	if err := comp.Render(r.Context(), buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// formError re-renders a form with the error's field messages when err is
// a validation (or throttle) error, and returns other errors unchanged.
func (s *Server) formError(w http.ResponseWriter, r *http.Request, err error, page func(views.Form) templ.Component, values map[string]string) error {
	e, ok := app.AsError(err)
	if !ok || (e.Kind != app.Invalid && e.Kind != app.TooMany) {
		return err
	}
	if e.Kind == app.TooMany && e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(e.RetryAfter.Seconds())))
	}
	f := views.Form{Values: values, Errors: e.Fields, Msg: e.Msg}
	return s.render(w, r, statusOf(e.Kind), page(f))
}

// termShell is shell for a title written in the catalogue's form
// ("{scorecard:many}"), with the request's Common Terms in it; a title
// holding user content (an object's) goes to shell, unexpanded.
func (s *Server) termShell(r *http.Request, c *req, title string) views.Shell {
	return s.shell(r, c, terms.From(r.Context()).Expand(title))
}

// shell builds the page frame for the viewer.
func (s *Server) shell(r *http.Request, c *req, title string) views.Shell {
	sh := views.Shell{Title: title, CSS: s.assets.URL("app.css"), JS: s.assets.URL("app.js")}
	if c == nil || c.Session == nil {
		return sh
	}
	sh.Account = &c.Session.Account
	// The switcher shows from two instances on; most accounts have one.
	if c.Session.Instances > 1 {
		if list, err := s.app.MyInstances(r.Context(), c.Session.Account.ID); err == nil {
			sh.Instances = list
		}
	}
	if c.Actor != nil {
		sh.Instance = &c.Actor.Instance
		sh.AdminMenu = s.adminMenu(c.Actor)
		sh.Compyle = s.cfg.CompyleURL != "" && c.Actor.Can(access.Compyle)
		sh.Reports = c.Actor.Can(access.ReportsView)
		sh.Unread = c.Actor.Membership.Unread
	}
	return sh
}

// safeNext accepts a post-sign-in destination only as a path on this site,
// else "". Browsers forgive much in a Location: they drop tabs and line
// breaks, read a backslash as a slash and "//host" as another site, so
// "/<TAB>/evil.example" leaves the site. So the value must start with
// exactly one "/", be visible ASCII without a backslash, hold no control
// character, space or backslash percent-encoded either (spaces allowed in
// the query), parse as a URL without scheme, host or user, and its
// decoded path must not start with "//" either.
func safeNext(next string) string {
	if len(next) > 2000 || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || !printableASCII(next) {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return ""
	}
	// u.Path and u.Fragment are decoded.
	if !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") || !plainURLText(u.Path) {
		return ""
	}
	// Encoded, a query or fragment goes back as it came; decoded, it may
	// hold spaces (a search), nothing else that is not plain.
	query, err := url.PathUnescape(u.RawQuery)
	if err != nil {
		return ""
	}
	for _, part := range []string{query, u.Fragment} {
		if !plainURLText(strings.ReplaceAll(part, " ", "")) {
			return ""
		}
	}
	return next
}

// printableASCII reports s made of visible ASCII characters only, no
// backslash: what a URL of ours looks like escaped (the sign-in redirect
// sends RequestURI, which is), and nothing a browser would strip or map
// (fullwidth "／", "。").
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x21 || c > 0x7e || c == '\\' {
			return false
		}
	}
	return true
}

// plainURLText reports s free of what browsers strip or reinterpret in a
// URL: control characters (C0, DEL, C1), spaces of any kind, backslashes,
// and bytes that are not UTF-8.
func plainURLText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, c := range s {
		if c < 0x21 || c == 0x7f || c == '\\' || unicode.IsControl(c) || unicode.IsSpace(c) ||
			unicode.Is(unicode.Cf, c) { // format characters: bidi overrides, zero-width
			return false
		}
	}
	return true
}

// metricsHandler serves Prometheus metrics to the operator: a bearer token
// when configured, otherwise loopback clients only.
func (s *Server) metricsHandler() http.Handler {
	h := promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.MetricsToken != "" {
			if r.Header.Get("Authorization") != "Bearer "+s.cfg.MetricsToken {
				http.Error(w, "metrics need the operator's token", http.StatusUnauthorized)
				return
			}
		} else if !isLoopback(r) {
			http.Error(w, "metrics are served to local clients only; set YARDSTICK_METRICS_TOKEN", http.StatusForbidden)
			return
		}
		h.ServeHTTP(w, r)
	})
}
