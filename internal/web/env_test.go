package web_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // zones load without the system database

	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
	"yardstick/internal/web"
)

// env is a running Yardstick: real store, real app, real HTTP server.
type env struct {
	t     *testing.T
	db    *testkit.DB
	app   *app.App
	web   *web.Server
	srv   *httptest.Server
	store *store.Store
}

func newEnv(t *testing.T, db *testkit.DB) *env {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	e := &env{t: t, db: db, store: db.Store}
	e.app = app.New(db.Store, app.Config{BaseURL: "http://yardstick.test", SessionIdle: 120 * time.Minute}, log, nil)
	e.web = web.New(e.app, web.Config{BaseURL: "http://yardstick.test", QuietRequests: true, CompyleURL: compyleURL}, log)
	e.srv = httptest.NewServer(e.web)
	t.Cleanup(e.srv.Close)
	return e
}

// newSQLiteEnv is an env on a fresh SQLite database.
func newSQLiteEnv(t *testing.T) *env { return newEnv(t, testkit.NewSQLite(t)) }

func (e *env) instance(code, name string) model.Instance {
	return testkit.MustCreateInstance(e.t, e.store, code, name)
}

func (e *env) member(in model.Instance, email, preset string) (model.Account, model.Membership) {
	return testkit.MustCreateMember(e.t, e.store, in, email, preset)
}

// client is a browser without JavaScript: a cookie jar that does not
// follow redirects, so tests see each status.
type client struct {
	t  *testing.T
	e  *env
	hc *http.Client
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: e.t, e: e, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// resp is what a test looks at.
type resp struct {
	Status   int
	Body     string
	Location string
	Header   http.Header
}

func (c *client) do(method, path string, form url.Values) resp {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.e.srv.URL+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{Status: res.StatusCode, Body: string(b), Location: res.Header.Get("Location"), Header: res.Header}
}

func (c *client) get(path string) resp { c.t.Helper(); return c.do("GET", path, nil) }

func (c *client) post(path string, kv ...string) resp {
	c.t.Helper()
	form := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		form.Add(kv[i], kv[i+1])
	}
	return c.do("POST", path, form)
}

// login signs in and fails the test unless it succeeds.
func (c *client) login(email, pw string) resp {
	c.t.Helper()
	r := c.post("/login", "email", email, "password", pw)
	if r.Status != http.StatusSeeOther {
		c.t.Fatalf("login %s: status %d, body %s", email, r.Status, excerpt(r.Body))
	}
	return r
}

// excerpt shortens a body for failure messages.
func excerpt(s string) string {
	if i := strings.Index(s, "<main>"); i >= 0 {
		s = s[i:]
	}
	if len(s) > 600 {
		s = s[:600] + "…"
	}
	return s
}

// expect checks a response's status and that the body contains each of want.
func expect(t *testing.T, what string, r resp, status int, want ...string) {
	t.Helper()
	if r.Status != status {
		t.Errorf("%s: status %d, want %d; body %s", what, r.Status, status, excerpt(r.Body))
		return
	}
	for _, w := range want {
		if !strings.Contains(r.Body, w) {
			t.Errorf("%s: body lacks %q; body %s", what, w, excerpt(r.Body))
		}
	}
}

func sessionCookie(c *client) string {
	u, _ := url.Parse(c.e.srv.URL)
	for _, ck := range c.hc.Jar.Cookies(u) {
		if ck.Name == "ys_session" {
			return ck.Value
		}
	}
	return ""
}

func (c *client) setCookie(token string) {
	u, _ := url.Parse(c.e.srv.URL)
	c.hc.Jar.SetCookies(u, []*http.Cookie{{Name: "ys_session", Value: token, Path: "/"}})
}
