package web

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/a-h/templ"

	"yardstick/internal/app"
	"yardstick/internal/terms"
	"yardstick/internal/web/views"
)

// The /embed/ transport (issue 17): public, read-only pages of embed
// codes. No session cookie is read or set, no CSRF token is made, and the
// responses may be framed by the origins the embedded scorecard allows
// (frame-ancestors); every other route keeps frame-ancestors 'none'. A
// rendered page may be kept up to embedCacheFor, but every request first
// resolves its token (app.ResolveEmbed), so a code switched off in any
// way answers 404 on the very next request, the cache included.

// embedCSP is the embeds' policy before the origins: the app's own styles
// and images, no scripts, no forms.
const embedCSP = "default-src 'none'; img-src 'self' data:; style-src 'self'; base-uri 'none'; form-action 'none'"

// embedPolicy lets other sites frame the embeds; the frame-ancestors are
// set per response (embedHeaders).
var embedPolicy = policy{csp: embedCSP + "; frame-ancestors *", frameable: true}

// embedCacheFor is how long a rendered embed is kept, and the longest a
// browser or proxy may keep it (Cache-Control).
const embedCacheFor = 60 * time.Second

// maxEmbedCache bounds the rendered embeds kept in memory.
const maxEmbedCache = 1000

func (s *Server) embedRoutes() []route {
	return []route{
		{Pattern: "GET /embed/{token}", Need: public, h: s.embedPage},
		{Pattern: "GET /embed/{token}/logo", Need: public, h: s.embedLogo},
		// Any other path or method under /embed/: 404 for a read, 405 for
		// anything else (embeds are read-only).
		{Pattern: "/embed/", Need: public, h: s.embedOther},
	}
}

// embedAuth: embeds are anonymous; nothing about the request's cookies is
// read.
func (s *Server) embedAuth(http.ResponseWriter, *http.Request, route, *req) error { return nil }

// embedFail answers an embed that shows nothing with the embeds' own
// not-found page, which any site may frame (it shows nothing), so a
// switched-off embed says so inside the frame.
func (s *Server) embedFail(w http.ResponseWriter, r *http.Request, _ *req, err error) {
	e := s.app.Outcome(r.Context(), nil, s.routeRef(r), err)
	if e.Kind == app.Internal {
		s.logger(r).Error("internal error", "pattern", patternOf(r), "err", err)
	}
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	status := statusOf(e.Kind)
	if e.Kind == app.NotFound {
		s.render(w, r, status, views.EmbedNotFound(s.assets.URL("app.css")))
		return
	}
	if e.Kind == app.Unavailable {
		h.Set("Retry-After", strconv.Itoa(int(e.RetryAfter.Seconds())))
	}
	http.Error(w, "The embed cannot be shown now. Try again later.", status)
}

func (s *Server) embedOther(w http.ResponseWriter, r *http.Request, _ *req) error {
	w.Header().Set("Referrer-Policy", "no-referrer")
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		w.Header().Set("Cache-Control", "no-store")
		return s.render(w, r, http.StatusNotFound, views.EmbedNotFound(s.assets.URL("app.css")))
	}
	w.Header().Set("Allow", "GET, HEAD")
	return s.render(w, r, http.StatusMethodNotAllowed, views.EmbedNotAllowed(s.assets.URL("app.css")))
}

// embedPage serves /embed/{token}. Query parameters are never read: what
// a code shows is fixed on the server.
func (s *Server) embedPage(w http.ResponseWriter, r *http.Request, _ *req) error {
	ref, err := s.app.ResolveEmbed(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Security-Policy", embedCSP+"; frame-ancestors "+frameAncestors(ref.Origins))
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "public, max-age="+strconv.Itoa(int(embedCacheFor.Seconds())))
	key := embedKey{instance: ref.InstanceID, token: ref.TokenID, via: ref.Via, logo: "/embed/" + r.PathValue("token") + "/logo"}
	if body, ok := s.embeds.get(key); ok {
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		_, err := w.Write(body)
		return err
	}
	v, err := s.app.EmbedPage(r.Context(), ref)
	if err != nil {
		return err
	}
	d := views.EmbedData{CSS: s.assets.URL("app.css"), View: v}
	if v.HasLogo {
		d.LogoURL = key.logo
	}
	if v.Kind == "measure" {
		d.Graph = measureGraph(v.Measure, v.Chart, v.Points, v.Baseline, v.Bands, ref.Options.ShowTargets, "embed")
	}
	// In the instance's Common Terms, as its own pages are.
	return s.renderEmbed(w, r.WithContext(terms.With(r.Context(), v.Words)), key, views.EmbedPage(d))
}

// renderEmbed renders an embed page, keeps it for embedCacheFor and
// writes it.
func (s *Server) renderEmbed(w http.ResponseWriter, r *http.Request, key embedKey, comp templ.Component) error {
	var b strings.Builder
	if err := comp.Render(r.Context(), &b); err != nil {
		return err
	}
	body := []byte(b.String())
	s.embeds.put(key, body)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(body)
	return err
}

// frameAncestors is the CSP source list of the allowed origins; none
// listed allows any.
func frameAncestors(origins []string) string {
	if len(origins) == 0 {
		return "*"
	}
	return strings.Join(origins, " ")
}

// embedKey names a rendered embed: the code, and the scorecard whose tree
// it was shown through.
// embedKey names a rendered embed page: the code, the tree it is shown
// through, and its logo address (which carries the token, so a page made
// for a token replaced since is not served for the new one).
type embedKey struct {
	instance, token, via int64
	logo                 string
}

type embedEntry struct {
	body []byte
	at   time.Time
}

// embedCache keeps rendered embeds for embedCacheFor. It is consulted only
// after the token resolved on this request, so it can never show what has
// been switched off.
type embedCache struct {
	mu      sync.Mutex
	entries map[embedKey]embedEntry
}

func (c *embedCache) get(k embedKey) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if !ok || time.Since(e.at) >= embedCacheFor {
		return nil, false
	}
	return e.body, true
}

func (c *embedCache) put(k embedKey, body []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[embedKey]embedEntry{}
	}
	if len(c.entries) >= maxEmbedCache {
		for key, e := range c.entries {
			if time.Since(e.at) >= embedCacheFor {
				delete(c.entries, key)
			}
		}
		if len(c.entries) >= maxEmbedCache {
			clear(c.entries)
		}
	}
	c.entries[k] = embedEntry{body: body, at: time.Now()}
}

// embedState is a code just made on this request, or the create form's
// refusal, for the Embed panel.
type embedState struct {
	made *app.NewEmbed
	form views.Form
}

// embedPanel is the Embed panel of a page, when app gives the viewer one
// (a member with Embed, on the instance's own content); nil otherwise.
func (s *Server) embedPanel(r *http.Request, c *req, on string, id int64) templ.Component {
	p, err := s.app.EmbedPanel(r.Context(), c.Actor, on, id)
	if err != nil {
		s.logger(r).Warn("embed panel", "err", err)
		return nil
	}
	if p.On == "" {
		return nil
	}
	d := views.EmbedPanelData{Panel: p, BaseURL: strings.TrimRight(s.cfg.BaseURL, "/")}
	if c.embed != nil {
		d.New, d.Form = c.embed.made, c.embed.form
	}
	return views.EmbedPanelSection(s.shell(r, c, ""), d)
}

// embedCreate makes an embed code from the Embed panel and shows the page
// again with its snippet, once.
func (s *Server) embedCreate(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	on := r.PathValue("on")
	periods, err := formOptInt(r, "periods", 0, app.MaxEmbedPeriods, 0)
	var scorecard int64
	if err == nil {
		scorecard, err = formID(r, "scorecard")
	}
	in := app.EmbedInput{EmbedOptions: app.EmbedOptions{Periods: int(periods), Chart: r.PostFormValue("chart"),
		NoteTypes: formIDs(r.PostForm["note_type"]), ShowTargets: r.PostFormValue("targets") == "1"}, ScorecardID: scorecard}
	var made app.NewEmbed
	if err == nil {
		made, err = s.app.CreateEmbed(r.Context(), c.Actor, on, id, in)
	}
	if err != nil {
		e, ok := app.AsError(err)
		if !ok || (e.Kind != app.Invalid && e.Kind != app.Conflict) {
			return err
		}
		c.embed = &embedState{form: views.Form{Values: map[string]string{"periods": r.PostFormValue("periods")}, Errors: e.Fields, Msg: e.Msg}}
		return s.hostPage(w, r, c, on, id, statusOf(e.Kind), views.Form{})
	}
	c.embed = &embedState{made: &made}
	return s.hostPage(w, r, c, on, id, http.StatusOK, views.Form{})
}

// embedRegenerate replaces an embed code's token and shows the scorecard
// page with the new snippet, once.
func (s *Server) embedRegenerate(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	made, err := s.app.RegenerateEmbed(r.Context(), c.Actor, id)
	if err != nil {
		return err
	}
	c.embed = &embedState{made: &made}
	return s.hostPage(w, r, c, app.OnScorecard, made.Code.ScorecardID, http.StatusOK, views.Form{})
}

func (s *Server) embedRevoke(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	scorecard, err := s.app.RevokeEmbed(r.Context(), c.Actor, id)
	if err != nil {
		return err
	}
	return back(w, r, c, "/scorecards/"+strconv.FormatInt(scorecard, 10)+"?done=revoked#embed-panel")
}

// embedCodes lists a scorecard's embed codes, a page at a time.
func (s *Server) embedCodes(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	before, err := formOptInt(r, "before", 0, maxID, 0)
	if err != nil {
		return err
	}
	list, err := s.app.EmbedCodes(r.Context(), c.Actor, id, before)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.EmbedCodesPage(s.shell(r, c, "Embed codes"), list))
}

// embedSwitch saves Enable Embed and the Embed origins of a scorecard.
func (s *Server) embedSwitch(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	version, err := formVersion(r)
	if err == nil {
		err = s.app.SetScorecardEmbed(r.Context(), c.Actor, id, version, r.PostFormValue("enabled") == "1", r.PostFormValue("embed_origins"))
	}
	if err != nil {
		e, ok := app.AsError(err)
		if !ok || (e.Kind != app.Invalid && e.Kind != app.Conflict) {
			return err
		}
		sc, serr := s.app.Scorecard(r.Context(), c.Actor, id)
		if serr != nil {
			return serr
		}
		f := views.Form{Values: map[string]string{"embed_origins": r.PostFormValue("embed_origins")}, Errors: e.Fields, Msg: e.Msg}
		return s.render(w, r, statusOf(e.Kind), views.EmbedSwitchPage(s.shell(r, c, "Embedding"), sc, f))
	}
	return back(w, r, c, "/scorecards/"+r.PathValue("id")+"?done=saved")
}

// embedLogo serves the logo of an embed code's instance, under the code's
// own path: the same checks as the page, so it stops with the code.
func (s *Server) embedLogo(w http.ResponseWriter, r *http.Request, _ *req) error {
	ref, err := s.app.ResolveEmbed(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	l, err := s.app.EmbedLogo(r.Context(), ref)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", l.ContentType)
	h.Set("Content-Length", strconv.Itoa(len(l.Body)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "public, max-age="+strconv.Itoa(int(embedCacheFor.Seconds())))
	_, err = w.Write(l.Body)
	return err
}
