package web_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/mail"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
	"yardstick/internal/web"
)

// syncBuffer is a log destination safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// newLoggedEnv is an env whose app, web server and mail worker log every
// level to text and JSON buffers at once (both formats the service has),
// with request lines on, and with sign-up by referral open.
func newLoggedEnv(t *testing.T, db *testkit.DB) (e *env, text, js *syncBuffer, worker *mail.Worker) {
	t.Helper()
	text, js = &syncBuffer{}, &syncBuffer{}
	opts := &slog.HandlerOptions{Level: slog.LevelDebug}
	log := slog.New(slog.NewMultiHandler(slog.NewTextHandler(text, opts), slog.NewJSONHandler(js, opts)))
	e = &env{t: t, db: db, store: db.Store}
	e.app = app.New(db.Store, app.Config{BaseURL: "http://yardstick.test", SessionIdle: 120 * time.Minute, Signup: true}, log, nil)
	e.web = web.New(e.app, web.Config{BaseURL: "http://yardstick.test"}, log)
	e.srv = httptest.NewServer(e.web)
	t.Cleanup(e.srv.Close)
	smtp := testkit.StartSMTP(t)
	sender, err := mail.NewSMTPSender(smtp.URL(), "Yardstick <noreply@yardstick.test>")
	if err != nil {
		t.Fatal(err)
	}
	return e, text, js, &mail.Worker{Store: db.Store, Sender: sender, Log: log}
}

// linkIn finds the path of a secret link (/reset/…, /signin/…) in the
// newest mail of a kind to an address and returns it and its token.
func linkIn(t *testing.T, e *env, to, kind, prefix string) (path, token string) {
	t.Helper()
	ms := mailsTo(t, e, to, kind)
	if len(ms) == 0 {
		t.Fatalf("no %s mail to %s", kind, to)
	}
	i := strings.Index(ms[0].Body, "http://yardstick.test"+prefix)
	if i < 0 {
		t.Fatalf("no %s link in the %s mail: %q", prefix, kind, ms[0].Body)
	}
	path = strings.Fields(ms[0].Body[i+len("http://yardstick.test"):])[0]
	return path, strings.TrimPrefix(path, prefix)
}

// Defect 1: no secret of any journey reaches the server log (text or
// JSON), the metrics or the activity log. The journeys: a welcome with a
// temporary password, forgot and reset, a welcome by sign-in link, a
// sign-up by Partner Connect referral, an email change confirmed by link;
// each link also opened wrongly (a trailing segment, a used link), and
// the mails delivered by the worker. Every token, temporary password,
// chosen password and session cookie used is then looked for.
func TestNoSecretInAnyLog(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		e, text, js, worker := newLoggedEnv(t, db)
		type secret struct{ what, value string }
		var secrets []secret
		keep := func(what, value string) {
			t.Helper()
			if len(value) < 8 {
				t.Fatalf("%s: %q is no secret to look for", what, value)
			}
			secrets = append(secrets, secret{what, value})
		}
		session := func(what string, c *client) {
			t.Helper()
			keep(what+" session cookie", sessionCookie(c))
		}

		acme := e.instance("ACME", "Acme")
		e.member(acme, "ada@example.org", access.PresetAdministration)
		ada := e.client()
		ada.login("ada@example.org", testkit.Password)
		session("administrator's", ada)
		keep("test password", testkit.Password)

		// A welcome with a temporary password, a wrong guess, the forced change.
		expect(t, "add member", ada.post("/i/ACME/admin/users", "email", "nia@example.org", "first_name", "Nia", "last_name", "New", "role", "User"), http.StatusSeeOther)
		welcome := mailsTo(t, e, "nia@example.org", mail.KindWelcome)
		if len(welcome) != 1 {
			t.Fatalf("welcome mails: %d", len(welcome))
		}
		i := strings.Index(welcome[0].Body, mail.LabelTempPassword)
		if i < 0 {
			t.Fatalf("no temporary password in %q", welcome[0].Body)
		}
		temp := strings.Fields(welcome[0].Body[i+len(mail.LabelTempPassword):])[0]
		keep("temporary password", temp)
		expect(t, "wrong temporary password", e.client().post("/login", "email", "nia@example.org", "password", temp+"x"), http.StatusUnprocessableEntity)
		nia := e.client()
		nia.login("nia@example.org", temp)
		session("temporary", nia)
		const chosen = "nia's chosen passphrase"
		keep("chosen password", chosen)
		expect(t, "forced change", nia.post("/account/password", "password", chosen, "confirm", chosen), http.StatusSeeOther)
		session("member's", nia)

		// Forgot and reset; the link also opened with a segment too many,
		// refused, and after use.
		anon := e.client()
		expect(t, "forgot", anon.post("/forgot", "email", "nia@example.org"), http.StatusOK)
		reset, token := linkIn(t, e, "nia@example.org", mail.KindPasswordReset, "/reset/")
		keep("reset token", token)
		expect(t, "reset form", anon.get(reset), http.StatusOK)
		expect(t, "reset link with a segment too many", anon.get(reset+"/x"), http.StatusNotFound)
		expect(t, "reset refused", anon.post(reset, "password", "short", "confirm", "short"), http.StatusUnprocessableEntity)
		const afterReset = "nia's phrase after the reset"
		keep("password set by reset", afterReset)
		expect(t, "reset", anon.post(reset, "password", afterReset, "confirm", afterReset), http.StatusOK)
		expect(t, "reset link used", anon.post(reset, "password", afterReset, "confirm", afterReset), http.StatusNotFound)

		// A welcome by sign-in link (an instance in link mode).
		link, err := db.Store.Q().CreateInstance(ctx, model.Instance{Code: "LINK", Name: "Link Co", Seats: 100, WelcomeMode: "link"})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Store.Q().CreateBuiltins(ctx, link.ID); err != nil {
			t.Fatal(err)
		}
		e.member(link, "lee@example.org", access.PresetAdministration)
		lee := e.client()
		lee.login("lee@example.org", testkit.Password)
		session("link administrator's", lee)
		expect(t, "add member by link", lee.post("/i/LINK/admin/users", "email", "lou@example.org", "first_name", "Lou", "last_name", "Link", "role", "User"), http.StatusSeeOther)
		signin, token := linkIn(t, e, "lou@example.org", mail.KindWelcomeLink, "/signin/")
		keep("sign-in link token", token)
		lou := e.client()
		expect(t, "sign-in link page", lou.get(signin), http.StatusOK)
		expect(t, "sign-in link used", lou.post(signin), http.StatusSeeOther)
		session("link", lou)
		expect(t, "sign-in link again", e.client().post(signin), http.StatusNotFound)

		// A sign-up by Partner Connect referral.
		expect(t, "refer", ada.post("/i/ACME/admin/partners/refer", "organization", "Delta", "email", "dot@delta.example.org"), http.StatusSeeOther)
		signup, token := linkIn(t, e, "dot@delta.example.org", mail.KindPartnerReferral, "/signup/")
		keep("sign-up token", token)
		dot := e.client()
		expect(t, "sign-up form", dot.get(signup), http.StatusOK)
		const dotPassword = "plum tree under a winter sky"
		keep("sign-up password", dotPassword)
		expect(t, "sign-up refused", dot.post(signup, "code", "x", "name", "Delta", "email", "dot@delta.example.org", "admin_name", "Dot", "password", dotPassword),
			http.StatusUnprocessableEntity)
		expect(t, "sign-up", dot.post(signup, "code", "DELTA", "name", "Delta", "email", "dot@delta.example.org", "admin_name", "Dot", "password", dotPassword),
			http.StatusSeeOther)
		session("signed-up", dot)

		// An email change confirmed by link.
		nia = e.client()
		nia.login("nia@example.org", afterReset)
		session("member's new", nia)
		expect(t, "change email", nia.post("/account/email", "new_email", "nia.new@example.org", "email_password", afterReset), http.StatusSeeOther)
		confirm, token := linkIn(t, e, "nia.new@example.org", mail.KindEmailChangeConfirm, "/email/")
		keep("email confirmation token", token)
		expect(t, "confirm page", anon.get(confirm), http.StatusOK)
		expect(t, "confirm", anon.post(confirm), http.StatusOK)
		expect(t, "confirmation used", anon.post(confirm), http.StatusNotFound)

		// The mails go out, as the running service sends them.
		if _, _, err := worker.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		metrics := e.client().get("/metrics")
		expect(t, "metrics", metrics, http.StatusOK, "yardstick_http_requests_total")

		places := map[string]string{
			"text log":     text.String(),
			"JSON log":     js.String(),
			"metrics":      metrics.Body,
			"activity log": dumpTable(t, db.Store.DB(), "activity_log"),
		}
		for _, s := range secrets {
			forms := []string{s.value, jsonString(s.value)}
			for where, got := range places {
				for _, f := range forms {
					if strings.Contains(got, f) {
						t.Errorf("the %s appears in the %s", s.what, where)
						break
					}
				}
			}
		}
		// The log did record the requests, by route and ids.
		for where, want := range map[string][]string{
			"text log": {`pattern="GET /reset/{token}"`, `pattern="POST /signin/{token}"`, `pattern="POST /signup/{token}"`,
				`pattern="POST /email/{token}"`, `pattern="POST /i/{code}/admin/users" ids.code=LINK`, "pattern=unmatched", "mail: delivered"},
			"JSON log": {`"pattern":"GET /reset/{token}"`, `"pattern":"POST /i/{code}/admin/partners/refer","ids":{"code":"ACME"}`},
			"metrics":  {`pattern="GET /signin/{token}"`},
		} {
			for _, w := range want {
				if !strings.Contains(places[where], w) {
					t.Errorf("the %s lacks %s", where, w)
				}
			}
		}
	})
}

// jsonString is s as a JSON string's content.
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// dumpTable is every value of every row of a table, as text.
func dumpTable(t *testing.T, db *sql.DB, table string) string {
	t.Helper()
	rows, err := db.Query(`SELECT * FROM ` + table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	n := 0
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			b.WriteString(v.String)
			b.WriteByte('\t')
		}
		b.WriteByte('\n')
		n++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatalf("%s is empty", table)
	}
	return b.String()
}
