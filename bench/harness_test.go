package bench

import (
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"yardstick/internal/app"
	"yardstick/internal/testkit"
	"yardstick/internal/web"
)

// site is a running Yardstick for benchmarks.
type site struct {
	db  *testkit.DB
	app *app.App
	srv *httptest.Server
}

func newSite(b *testing.B, db *testkit.DB) *site {
	b.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := app.New(db.Store, app.Config{BaseURL: "http://bench.test", SessionIdle: 24 * time.Hour}, log, nil)
	// No per-key API limit: a benchmark's loop is not an integration's.
	srv := httptest.NewServer(web.New(a, web.Config{QuietRequests: true, APIRate: 1e9, APIBurst: 1 << 30}, log))
	b.Cleanup(srv.Close)
	return &site{db: db, app: a, srv: srv}
}

// eachDB runs a benchmark on SQLite and, when set up, PostgreSQL and the
// Citus cluster's coordinator.
func eachDB(b *testing.B, fn func(b *testing.B, db *testkit.DB)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, testkit.NewSQLite(b)) })
	if testkit.PostgresURL(b) != "" {
		b.Run("postgres", func(b *testing.B) { fn(b, testkit.NewPostgres(b)) })
	}
	if testkit.CitusURL(b) != "" {
		b.Run("citus", func(b *testing.B) { fn(b, testkit.NewCitus(b)) })
	}
}

// storeCursor is the store's page cursor (store.encodeCursor) for the
// row after which a page starts: its sort key, a zero byte, its id.
func storeCursor(key string, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(key + "\x00" + strconv.FormatInt(id, 10)))
}

func (s *site) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// apiClient is a client that sends a new API key of the member email
// (created with the member's own permissions) as its bearer token.
func (s *site) apiClient(b *testing.B, code, email string) *http.Client {
	b.Helper()
	ctx := context.Background()
	acct, err := s.db.Store.Q().AccountByEmail(ctx, email)
	if err != nil {
		b.Fatal(err)
	}
	actor, err := s.app.ActorFor(ctx, app.Session{Account: acct}, code, app.Client{Addr: "192.0.2.1"})
	if err != nil {
		b.Fatal(err)
	}
	nk, err := s.app.CreateAPIKey(ctx, actor, app.APIKeyInput{Name: "bench", Permissions: actor.Perms.Keys()})
	if err != nil {
		b.Fatal(err)
	}
	return &http.Client{Transport: bearer{nk.Secret, http.DefaultTransport}}
}

// bearer adds an API key to each request.
type bearer struct {
	key  string
	next http.RoundTripper
}

func (t bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+t.key)
	return t.next.RoundTrip(r)
}

func (s *site) login(b *testing.B, c *http.Client, email string) {
	b.Helper()
	res, err := c.PostForm(s.srv.URL+"/login", url.Values{"email": {email}, "password": {testkit.Password}})
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		b.Fatalf("login %s: %d", email, res.StatusCode)
	}
}

// get fetches a path and fails unless the status is want; it returns the
// body length so the compiler cannot drop the work.
func get(b *testing.B, c *http.Client, u string, want int) int {
	res, err := c.Get(u)
	if err != nil {
		b.Fatal(err)
	}
	n, _ := io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != want {
		b.Fatalf("GET %s: %d, want %d", u, res.StatusCode, want)
	}
	return int(n)
}

// mustContain fetches once and checks the page really is what is measured.
func mustContain(b *testing.B, c *http.Client, u, want string) {
	b.Helper()
	res, err := c.Get(u)
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(body), want) {
		b.Fatalf("GET %s lacks %q", u, want)
	}
}

func reqPerSec(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}
