package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
)

var ctx = context.Background()

func TestSignIn(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		in := e.instance("ACME", "Acme Community")
		e.member(in, "ada@example.org", access.PresetAdministration)

		c := e.client()
		expect(t, "dashboard signed out", c.get("/i/ACME/"), http.StatusSeeOther)
		if r := c.get("/i/ACME/"); !strings.HasPrefix(r.Location, "/login?next=") {
			t.Errorf("signed-out redirect to %q", r.Location)
		}

		wrong := c.post("/login", "email", "ada@example.org", "password", "not the password")
		unknown := c.post("/login", "email", "nobody@example.org", "password", "not the password")
		expect(t, "wrong password", wrong, http.StatusUnprocessableEntity, "The email or password is not correct.")
		expect(t, "unknown email", unknown, http.StatusUnprocessableEntity, "The email or password is not correct.")
		if msg(wrong.Body) != msg(unknown.Body) {
			t.Errorf("unknown email answered differently: %q vs %q", msg(unknown.Body), msg(wrong.Body))
		}
		expect(t, "malformed email", c.post("/login", "email", "ada@", "password", "x"), http.StatusUnprocessableEntity, "Enter a valid email address.")

		r := c.post("/login", "email", "  ADA@Example.org ", "password", testkit.Password, "next", "/i/ACME/")
		if r.Status != http.StatusSeeOther || r.Location != "/i/ACME/" {
			t.Fatalf("sign-in: %d → %q", r.Status, r.Location)
		}
		expect(t, "dashboard", c.get("/i/ACME/"), http.StatusOK, "Acme Community", `<span class="instance-code">ACME</span>`)
		expect(t, "lower-case code", c.get("/i/acme/"), http.StatusOK, "Acme Community")

		// An open redirect is refused: next must be a local path.
		c2 := e.client()
		if r := c2.post("/login", "email", "ada@example.org", "password", testkit.Password, "next", "//evil.example/"); r.Location != "/" {
			t.Errorf("next=//evil: redirected to %q", r.Location)
		}
	})
}

var formErr = regexp.MustCompile(`<p class="form-error" role="alert">([^<]*)</p>`)

func msg(body string) string {
	m := formErr.FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

func TestSignInRenewsSessionID(t *testing.T) {
	e := newSQLiteEnv(t)
	in := e.instance("ACME", "Acme")
	e.member(in, "ada@example.org", access.PresetAdministration)
	c := e.client()
	c.login("ada@example.org", testkit.Password)
	first := sessionCookie(c)
	c.login("ada@example.org", testkit.Password)
	second := sessionCookie(c)
	if first == "" || first == second {
		t.Fatalf("session id not renewed: %q then %q", first, second)
	}
	// The old id no longer works.
	old := e.client()
	old.setCookie(first)
	expect(t, "old session", old.get("/i/ACME/"), http.StatusSeeOther)
}

func TestThrottle(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		in := e.instance("ACME", "Acme")
		e.member(in, "ada@example.org", access.PresetAdministration)
		for _, email := range []string{"ada@example.org", "ghost@example.org"} {
			c := e.client()
			for range 5 {
				expect(t, email+" failure", c.post("/login", "email", email, "password", "wrong password"), http.StatusUnprocessableEntity)
			}
			// After five failures each try waits: the right password is refused too.
			r := c.post("/login", "email", email, "password", testkit.Password)
			expect(t, email+" locked", r, http.StatusTooManyRequests, "Too many failed sign-ins", "1 second")
			if r.Header.Get("Retry-After") != "1" {
				t.Errorf("%s Retry-After = %q", email, r.Header.Get("Retry-After"))
			}
			db.Clock.Advance(1100 * time.Millisecond)
			expect(t, email+" sixth failure", c.post("/login", "email", email, "password", "wrong"), http.StatusUnprocessableEntity)
			expect(t, email+" doubled", c.post("/login", "email", email, "password", "wrong"), http.StatusTooManyRequests, "2 seconds")
			db.Clock.Advance(2100 * time.Millisecond)
		}
		// The account signs in once the delay has passed, and that clears the count.
		c := e.client()
		c.login("ada@example.org", testkit.Password)
		expect(t, "after throttle", c.get("/i/ACME/"), http.StatusOK)
		for range 4 {
			c.post("/login", "email", "ada@example.org", "password", "wrong")
		}
		expect(t, "count was cleared", c.post("/login", "email", "ada@example.org", "password", "wrong"), http.StatusUnprocessableEntity)
	})
}

func TestThrottleCapsAtFifteenMinutes(t *testing.T) {
	e := newSQLiteEnv(t)
	q := e.store.Q()
	for range 40 {
		q.RecordFailure(ctx, "x@example.org")
	}
	c := e.client()
	// The 41st failure sets the delay; it must not exceed 15 minutes.
	c.post("/login", "email", "x@example.org", "password", "wrong")
	th, _ := q.ThrottleOf(ctx, "x@example.org")
	if d := th.LockedUntil.Sub(e.db.Clock.Now()); d != 15*time.Minute {
		t.Errorf("delay after 41 failures = %v, want 15m", d)
	}
}

func TestTemporaryPassword(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		out, err := e.app.CreateInstance(ctx, app.NewInstance{Code: "acme", Name: "Acme", AdminEmail: "boss@acme.org"})
		if err != nil {
			t.Fatal(err)
		}
		if out.TempPassword == "" || out.Instance.Code != "ACME" {
			t.Fatalf("CreateInstance = %+v", out)
		}
		c := e.client()
		r := c.login("boss@acme.org", out.TempPassword)
		if r.Location != "/account/password" {
			t.Errorf("temporary sign-in went to %q", r.Location)
		}
		// Every page sends the member back to choose a password.
		if r := c.get("/i/ACME/"); r.Status != http.StatusSeeOther || r.Location != "/account/password" {
			t.Errorf("dashboard with temporary password: %d → %q", r.Status, r.Location)
		}
		expect(t, "forced form", c.get("/account/password"), http.StatusOK, "Choose your own password to continue")
		expect(t, "weak", c.post("/account/password", "password", "password1234", "confirm", "password1234"),
			http.StatusUnprocessableEntity, "too common")
		expect(t, "mismatch", c.post("/account/password", "password", "a fine new secret", "confirm", "a fine new secrex"),
			http.StatusUnprocessableEntity, "do not match")
		expect(t, "context word", c.post("/account/password", "password", "acme forever and ever", "confirm", "acme forever and ever"),
			http.StatusUnprocessableEntity, "organization")
		if r := c.post("/account/password", "password", "a fine new secret", "confirm", "a fine new secret"); r.Status != http.StatusSeeOther {
			t.Fatalf("forced change: %d %s", r.Status, excerpt(r.Body))
		}
		expect(t, "dashboard after change", c.get("/i/ACME/"), http.StatusOK, "ACME")
		// The temporary password no longer works; the new one does.
		expect(t, "old temporary", e.client().post("/login", "email", "boss@acme.org", "password", out.TempPassword), http.StatusUnprocessableEntity)
		e.client().login("boss@acme.org", "a fine new secret")

		// A temporary password expires after 72 hours.
		out2, err := e.app.CreateInstance(ctx, app.NewInstance{Code: "BETA", Name: "Beta", AdminEmail: "late@beta.org"})
		if err != nil {
			t.Fatal(err)
		}
		db.Clock.Advance(72*time.Hour + time.Second)
		expect(t, "expired temporary", e.client().post("/login", "email", "late@beta.org", "password", out2.TempPassword),
			http.StatusUnprocessableEntity, "temporary password has expired")
	})
}

func TestChangePasswordEndsOtherSessions(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		in := e.instance("ACME", "Acme")
		e.member(in, "ada@example.org", access.PresetAdministration)
		here, there := e.client(), e.client()
		here.login("ada@example.org", testkit.Password)
		there.login("ada@example.org", testkit.Password)

		before := mailCount(t, e)
		expect(t, "wrong current", here.post("/account/password", "current", "nope nope nope", "password", "brand new passphrase", "confirm", "brand new passphrase"),
			http.StatusUnprocessableEntity, "The current password is not correct.")
		expect(t, "still old password", e.client().login("ada@example.org", testkit.Password), http.StatusSeeOther)
		expect(t, "change", here.post("/account/password", "current", testkit.Password, "password", "brand new passphrase", "confirm", "brand new passphrase"),
			http.StatusOK, "Your password was changed")
		expect(t, "this session stays", here.get("/i/ACME/"), http.StatusOK)
		expect(t, "other session ended", there.get("/i/ACME/"), http.StatusSeeOther)
		if n := mailCount(t, e); n != before+1 {
			t.Errorf("mails after change: %d, want %d (password changed notice)", n, before+1)
		}
	})
}

func mailCount(t *testing.T, e *env) int {
	t.Helper()
	ms, err := e.store.Q().ListMail(ctx, "", 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return len(ms)
}

func lastMail(t *testing.T, e *env) model.OutboxMessage {
	t.Helper()
	ms, err := e.store.Q().ListMail(ctx, "", 0, 1)
	if err != nil || len(ms) == 0 {
		t.Fatalf("no mail: %v", err)
	}
	return ms[0]
}

var resetLink = regexp.MustCompile(`http://yardstick.test(/reset/[A-Za-z0-9_-]+)`)

func TestForgotPassword(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		in := e.instance("ACME", "Acme")
		e.member(in, "ada@example.org", access.PresetAdministration)
		c := e.client()
		known := c.post("/forgot", "email", "ada@example.org")
		n := mailCount(t, e)
		unknown := c.post("/forgot", "email", "nobody@example.org")
		expect(t, "known", known, http.StatusOK, "If an account exists")
		if known.Body != unknown.Body || known.Status != unknown.Status {
			t.Error("forgot-password answers differ for known and unknown emails")
		}
		if mailCount(t, e) != n {
			t.Error("a mail was queued for an unknown email")
		}
		expect(t, "malformed", c.post("/forgot", "email", "not an email"), http.StatusUnprocessableEntity, "Enter a valid email address.")

		m := lastMail(t, e)
		link := resetLink.FindStringSubmatch(m.Body)
		if m.To != "ada@example.org" || link == nil {
			t.Fatalf("reset mail = %+v", m)
		}
		path := link[1]
		other := e.client()
		other.login("ada@example.org", testkit.Password)

		expect(t, "reset form", c.get(path), http.StatusOK, "Choose a new password")
		expect(t, "weak", c.post(path, "password", "short", "confirm", "short"), http.StatusUnprocessableEntity, "at least 12")
		expect(t, "reset", c.post(path, "password", "reset to something new", "confirm", "reset to something new"), http.StatusOK, "Your password was changed")
		expect(t, "second use", c.post(path, "password", "and again something", "confirm", "and again something"), http.StatusNotFound, "expired or was already used")
		expect(t, "second view", c.get(path), http.StatusNotFound)
		expect(t, "sessions ended", other.get("/i/ACME/"), http.StatusSeeOther)
		e.client().login("ada@example.org", "reset to something new")

		// A link is good for one hour.
		c.post("/forgot", "email", "ada@example.org")
		late := resetLink.FindStringSubmatch(lastMail(t, e).Body)[1]
		db.Clock.Advance(time.Hour + time.Second)
		expect(t, "expired link", c.post(late, "password", "too late for this one", "confirm", "too late for this one"), http.StatusNotFound)
		expect(t, "garbage token", c.get("/reset/garbage"), http.StatusNotFound)
	})
}

func TestLogoutEndsSessionOnServer(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		in := e.instance("ACME", "Acme")
		e.member(in, "ada@example.org", access.PresetAdministration)
		c := e.client()
		c.login("ada@example.org", testkit.Password)
		token := sessionCookie(c)
		if r := c.post("/logout"); r.Status != http.StatusSeeOther || r.Location != "/login" {
			t.Fatalf("logout: %d → %q", r.Status, r.Location)
		}
		// Replaying the old cookie does not work: the session is gone.
		replay := e.client()
		replay.setCookie(token)
		expect(t, "replayed cookie", replay.get("/i/ACME/"), http.StatusSeeOther)
	})
}

func TestNonMemberGets404(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		acme, beta := e.instance("ACME", "Acme"), e.instance("BETA", "Beta")
		e.member(acme, "ada@example.org", access.PresetAdministration)
		e.member(beta, "bob@example.org", access.PresetAdministration)
		_, m := e.member(beta, "gone@example.org", access.PresetPresenter)
		if _, err := db.Store.DB().Exec(`UPDATE memberships SET active = FALSE WHERE id = $1`, m.ID); err != nil {
			t.Fatal(err)
		}
		c := e.client()
		c.login("ada@example.org", testkit.Password)
		expect(t, "other instance", c.get("/i/BETA/"), http.StatusNotFound)
		expect(t, "missing instance", c.get("/i/NOPE/"), http.StatusNotFound)
		if a, b := c.get("/i/BETA/").Body, c.get("/i/NOPE/").Body; msg(a) != msg(b) || !strings.Contains(a, "Not found") {
			t.Error("another instance and a missing one answer differently")
		}
		expect(t, "bad code", c.get("/i/%3Cscript%3E/"), http.StatusNotFound)
		g := e.client()
		g.login("gone@example.org", testkit.Password)
		expect(t, "inactive member", g.get("/i/BETA/"), http.StatusNotFound)
	})
}

func TestSessionIdleTimeout(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		in := e.instance("ACME", "Acme")
		e.member(in, "ada@example.org", access.PresetAdministration)
		c := e.client()
		c.login("ada@example.org", testkit.Password)
		// Activity keeps the session alive past the timeout in total…
		for range 3 {
			db.Clock.Advance(100 * time.Minute)
			expect(t, "active session", c.get("/i/ACME/"), http.StatusOK)
		}
		// …but 120 idle minutes end it (at most a minute late: last_seen
		// is written when a minute old, and a session never ends early).
		db.Clock.Advance(122 * time.Minute)
		expect(t, "idle session", c.get("/i/ACME/"), http.StatusSeeOther)
		db.Clock.Advance(-122 * time.Minute)
		expect(t, "session is gone, not just hidden", c.get("/i/ACME/"), http.StatusSeeOther)
	})
}

func TestSetupOnce(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		c := e.client()
		if r := c.get("/"); r.Location != "/setup" {
			t.Errorf("new deployment: / → %q", r.Location)
		}
		expect(t, "setup form", c.get("/setup"), http.StatusOK, "Set up Yardstick")

		bad := []struct {
			name string
			form []string
			want string
		}{
			{"bad code", []string{"code", "a b", "name", "Acme", "admin_name", "Ada", "email", "ada@acme.org", "password", "a good long passphrase"}, "Use 2 to 16 letters"},
			{"long code", []string{"code", "ABCDEFGHIJKLMNOPQ", "name", "Acme", "admin_name", "Ada", "email", "ada@acme.org", "password", "a good long passphrase"}, "Use 2 to 16 letters"},
			{"bad email", []string{"code", "ACME", "name", "Acme", "admin_name", "Ada", "email", "ada@", "password", "a good long passphrase"}, "Enter a valid email address."},
			{"weak password", []string{"code", "ACME", "name", "Acme", "admin_name", "Ada", "email", "ada@acme.org", "password", "password"}, "at least 12"},
			{"no name", []string{"code", "ACME", "name", " ", "admin_name", "Ada", "email", "ada@acme.org", "password", "a good long passphrase"}, "Organization name is required."},
		}
		for _, tt := range bad {
			r := c.post("/setup", tt.form...)
			expect(t, tt.name, r, http.StatusUnprocessableEntity, tt.want)
			if n, _ := db.Store.Q().CountInstances(ctx); n != 0 {
				t.Fatalf("%s: an instance was created", tt.name)
			}
		}
		// Submitted values come back escaped, and the password never comes back.
		r := c.post("/setup", "code", "ACME", "name", `<script>alert(1)</script>`, "admin_name", "Ada", "email", "ada@acme.org", "password", "short")
		if strings.Contains(r.Body, "<script>alert(1)") || !strings.Contains(r.Body, "&lt;script&gt;") || strings.Contains(r.Body, `value="short"`) {
			t.Errorf("setup form echo not escaped or leaks password: %s", excerpt(r.Body))
		}

		r = c.post("/setup", "code", "acme", "name", "Acme Community", "admin_name", "Ada", "email", "Ada@Acme.org", "password", "a good long passphrase")
		if r.Status != http.StatusSeeOther || r.Location != "/i/ACME/" {
			t.Fatalf("setup: %d → %q %s", r.Status, r.Location, excerpt(r.Body))
		}
		expect(t, "signed in after setup", c.get("/i/ACME/"), http.StatusOK, "Acme Community", "ACME")
		expect(t, "setup closed", c.get("/setup"), http.StatusNotFound)
		expect(t, "setup post closed", e.client().post("/setup", "code", "OTHER", "name", "Other", "admin_name", "Eve", "email", "eve@x.org", "password", "a good long passphrase"), http.StatusNotFound)
		if n, _ := db.Store.Q().CountInstances(ctx); n != 1 {
			t.Errorf("instances after setup: %d", n)
		}
	})
}

func TestCreateInstanceRefusesBadInput(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		if _, err := e.app.CreateInstance(ctx, app.NewInstance{Code: "ACME", Name: "Acme", AdminEmail: "a@acme.org"}); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name  string
			in    app.NewInstance
			field string
		}{
			{"duplicate code, other case", app.NewInstance{Code: "acme", Name: "Other", AdminEmail: "b@b.org"}, "code"},
			{"bad code", app.NewInstance{Code: "A_B", Name: "Other", AdminEmail: "b@b.org"}, "code"},
			{"one letter", app.NewInstance{Code: "A", Name: "Other", AdminEmail: "b@b.org"}, "code"},
			{"bad email", app.NewInstance{Code: "BETA", Name: "Other", AdminEmail: "b@"}, "email"},
			{"long name", app.NewInstance{Code: "BETA", Name: strings.Repeat("x", 10000), AdminEmail: "b@b.org"}, "name"},
			{"control chars", app.NewInstance{Code: "BETA", Name: "a\nb", AdminEmail: "b@b.org"}, "name"},
		}
		for _, tt := range tests {
			_, err := e.app.CreateInstance(ctx, tt.in)
			ae, ok := app.AsError(err)
			if !ok || ae.Kind != app.Invalid || ae.Fields[tt.field] == "" {
				t.Errorf("%s: got %v, want an Invalid error on %s", tt.name, err, tt.field)
			}
		}
		list, _ := db.Store.Q().ListInstances(ctx)
		if len(list) != 1 {
			t.Errorf("instances: %d, want 1", len(list))
		}
		// An existing account is added, not duplicated, and told by mail.
		out, err := e.app.CreateInstance(ctx, app.NewInstance{Code: "BETA", Name: "Beta", AdminEmail: "A@acme.org"})
		if err != nil || !out.ExistingAccount || out.TempPassword != "" {
			t.Errorf("existing admin: %+v, %v", out, err)
		}
		if m := lastMail(t, e); m.Kind != "added_to_instance" || m.To != "a@acme.org" {
			t.Errorf("notice mail = %+v", m)
		}
	})
}

func TestSecurityHeaders(t *testing.T) {
	e := newSQLiteEnv(t)
	r := e.client().get("/login")
	for h, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "same-origin",
		"X-Frame-Options":        "DENY",
	} {
		if got := r.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("CSP = %q", csp)
	}
	if r.Header.Get("X-Request-Id") == "" {
		t.Error("no request id")
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	e := newSQLiteEnv(t)
	in := e.instance("ACME", "Acme")
	e.member(in, "ada@example.org", access.PresetAdministration)
	req, _ := http.NewRequest("POST", e.srv.URL+"/login", strings.NewReader("email=ada%40example.org&password=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST: %d, want 403", res.StatusCode)
	}
}

func TestHealthAndMetrics(t *testing.T) {
	e := newSQLiteEnv(t)
	c := e.client()
	expect(t, "healthz", c.get("/healthz"), http.StatusOK, "ok")
	expect(t, "readyz", c.get("/readyz"), http.StatusOK, "ready")
	expect(t, "metrics", c.get("/metrics"), http.StatusOK, "yardstick_http_requests_total")
	e.store.Close()
	expect(t, "readyz with the database gone", c.get("/readyz"), http.StatusServiceUnavailable)
}

// The instance switcher appears for an account with two active
// memberships, listing both, and not for one with a single membership
// (the session query counts them; the list is read only when needed).
func TestInstanceSwitcher(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		acme, beta := e.instance("ACME", "Acme"), e.instance("BETA", "Beta")
		e.member(acme, "ada@example.org", access.PresetAdministration)
		e.member(beta, "ada@example.org", access.PresetPresenter)
		_, gone := e.member(beta, "bob@example.org", access.PresetPresenter)
		e.member(acme, "bob@example.org", access.PresetPresenter)
		if _, err := db.Store.DB().Exec(`UPDATE memberships SET active = FALSE WHERE id = $1`, gone.ID); err != nil {
			t.Fatal(err)
		}
		ada := e.client()
		ada.login("ada@example.org", testkit.Password)
		for _, path := range []string{"/i/ACME/", "/i/BETA/", "/account"} {
			body := ada.get(path).Body
			if !strings.Contains(body, `id="instance-switcher"`) || !strings.Contains(body, `href="/i/ACME/"`) || !strings.Contains(body, `href="/i/BETA/"`) {
				t.Errorf("%s: the switcher with both instances is missing", path)
			}
		}
		bob := e.client()
		bob.login("bob@example.org", testkit.Password)
		if body := bob.get("/i/ACME/").Body; strings.Contains(body, `id="instance-switcher"`) {
			t.Error("a member of one active instance sees the switcher")
		}
	})
}
