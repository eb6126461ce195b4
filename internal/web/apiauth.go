package web

import (
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"yardstick/internal/api"
	"yardstick/internal/app"
	"yardstick/internal/web/views"
)

// The /api/v1 transport (issue 16): its routes are the operations of
// internal/api's OpenAPI document, each authenticated by an API key sent
// as a bearer token, limited per key, and answered with JSON and RFC 9457
// problem documents. Session cookies do not authenticate it (a browser
// cannot be made to call it with someone's session), and nothing here is
// meant to be framed or run as a page.

// apiPolicy: API responses are data, never a document to render.
var apiPolicy = policy{csp: "default-src 'none'; frame-ancestors 'none'"}

// Rate limits per API key.
const (
	DefaultAPIRate  = 20 // requests per second, sustained
	DefaultAPIBurst = 40 // requests at once
)

// apiRoutes lists the transport's routes: the document, every operation of
// it, and a catch-all that answers unknown API paths in the API's format.
func (s *Server) apiRoutes() []route {
	out := []route{
		{Pattern: "GET " + api.BasePath + "/openapi.json", Need: public, h: s.apiDocument},
		{Pattern: api.BasePath + "/", Need: public, h: s.apiUnknown},
	}
	for _, op := range s.api.Operations() {
		// The permission of each operation is checked by its use case in
		// internal/app, as for the pages' reads.
		out = append(out, route{Pattern: op.Pattern, Need: apiKey, MaxBody: op.MaxBody, h: s.apiServe})
	}
	return out
}

// errKeyInURL refuses a key in the query string: URLs are logged, cached
// and sent on in Referer headers.
var errKeyInURL error = &app.Error{Kind: app.Unauthenticated,
	Msg: "Send the API key only in the Authorization header (Authorization: Bearer ys_…), never in the URL. Revoke a key that was sent in a URL."}

var errNoBearer error = &app.Error{Kind: app.Unauthenticated,
	Msg: "Send an API key in the Authorization header: Authorization: Bearer ys_…"}

// apiAuth authenticates an operation's request by its API key, for the
// instance in the path, and applies the key's rate limit.
func (s *Server) apiAuth(_ http.ResponseWriter, r *http.Request, rt route, c *req) error {
	if rt.Need == public {
		return nil
	}
	for name, vals := range r.URL.Query() {
		if api.CredentialName(name) {
			return errKeyInURL
		}
		for _, v := range vals {
			if api.KeyShaped(v) {
				return errKeyInURL
			}
		}
	}
	scheme, key, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return errNoBearer
	}
	actor, err := s.app.AuthenticateKey(r.Context(), strings.TrimSpace(key), r.PathValue("code"), c.Client)
	if err != nil {
		return err
	}
	c.Actor = actor
	if wait := s.keyLimits.wait(actor.KeyID); wait > 0 {
		return &app.Error{Kind: app.TooMany, Msg: "Too many requests with this key. Wait and try again.", RetryAfter: wait}
	}
	return nil
}

// apiFail answers an error of the API transport as a problem document;
// internal/app maps it and records a refusal of the key (Outcome).
func (s *Server) apiFail(w http.ResponseWriter, r *http.Request, c *req, err error) {
	var actor *app.Actor
	if c != nil {
		actor = c.Actor
	}
	e := s.app.Outcome(r.Context(), actor, s.routeRef(r), err)
	if e.Kind == app.Internal {
		s.logger(r).Error("internal error", "pattern", patternOf(r), s.pathIDs(r), "err", err)
	}
	api.WriteError(w, r, e)
}

func (s *Server) apiServe(w http.ResponseWriter, r *http.Request, c *req) error {
	s.api.ServeHTTP(w, r.WithContext(api.WithActor(r.Context(), c.Actor)))
	return nil
}

func (s *Server) apiDocument(w http.ResponseWriter, _ *http.Request, _ *req) error {
	w.Header().Set("Content-Type", "application/json")
	_, err := w.Write(s.api.SpecJSON())
	return err
}

// apiDocsPage is /api/v1/docs: the document as a page (views.APIDocs),
// public like the document itself and answered by the pages' transport, so
// it carries their policy (the app's own stylesheet, no script needed) and
// their accessibility checks. Like every page and the document, it is not
// cached (no-store).
func (s *Server) apiDocsPage(w http.ResponseWriter, r *http.Request, _ *req) error {
	return s.render(w, r, http.StatusOK, views.APIDocs(s.shell(r, nil, "API documentation"), s.api.Reference()))
}

func (s *Server) apiUnknown(w http.ResponseWriter, r *http.Request, _ *req) error {
	api.WriteProblem(w, r, http.StatusNotFound, "There is no such operation: see "+api.BasePath+"/openapi.json.", nil)
	return nil
}

// keyLimiter holds a token bucket per API key. Keys unused for a while
// are forgotten, so the map stays the size of the keys in use.
type keyLimiter struct {
	mu      sync.Mutex
	limit   rate.Limit
	burst   int
	buckets map[int64]*keyBucket
	swept   time.Time
}

type keyBucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newKeyLimiter(perSecond float64, burst int) *keyLimiter {
	if perSecond <= 0 {
		perSecond = DefaultAPIRate
	}
	if burst <= 0 {
		burst = DefaultAPIBurst
	}
	return &keyLimiter{limit: rate.Limit(perSecond), burst: burst, buckets: map[int64]*keyBucket{}}
}

// wait takes a token for the key: 0 when the request may go on, otherwise
// how long until it could (nothing is taken then).
func (k *keyLimiter) wait(keyID int64) time.Duration {
	now := time.Now()
	k.mu.Lock()
	defer k.mu.Unlock()
	if now.Sub(k.swept) > time.Minute {
		for id, b := range k.buckets {
			if now.Sub(b.seen) > 10*time.Minute {
				delete(k.buckets, id)
			}
		}
		k.swept = now
	}
	b := k.buckets[keyID]
	if b == nil {
		b = &keyBucket{lim: rate.NewLimiter(k.limit, k.burst)}
		k.buckets[keyID] = b
	}
	b.seen = now
	res := b.lim.ReserveN(now, 1)
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return d
	}
	return 0
}
