package web_test

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/mail"
	"yardstick/internal/password"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
	"yardstick/internal/web"
)

// Sign-in under attack (issue 11, items 2–5): each test is written as the
// attack that found the defect.

// newProxiedEnv is newEnv behind a reverse proxy: trusted lists the
// proxies (YARDSTICK_TRUSTED_PROXIES), empty trusts none.
func newProxiedEnv(t *testing.T, db *testkit.DB, trusted string, cfg app.Config) *env {
	t.Helper()
	proxies, err := web.ParseTrustedProxies(trusted)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg.BaseURL, cfg.SessionIdle = "http://yardstick.test", 120*time.Minute
	e := &env{t: t, db: db, store: db.Store}
	e.app = app.New(db.Store, cfg, log, nil)
	e.web = web.New(e.app, web.Config{BaseURL: "http://yardstick.test", QuietRequests: true, TrustedProxies: proxies}, log)
	e.srv = httptest.NewServer(e.web)
	t.Cleanup(e.srv.Close)
	return e
}

// attempt is one sign-in POST from a fresh browser, optionally with an
// X-Forwarded-For header. Safe to call from many goroutines.
type attempt struct {
	Status     int
	Location   string
	RetryAfter string
	Msg        string
	Cookie     bool
}

func signInFrom(e *env, xff, email, pw string) (attempt, error) {
	form := url.Values{"email": {email}, "password": {pw}}
	req, err := http.NewRequest("POST", e.srv.URL+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		return attempt{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if xff != "" {
		req.Header.Set("X-Forwarded-For", xff)
	}
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := hc.Do(req)
	if err != nil {
		return attempt{}, err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	a := attempt{Status: res.StatusCode, Location: res.Header.Get("Location"), RetryAfter: res.Header.Get("Retry-After"), Msg: msg(string(b))}
	if a.Msg == "" {
		a.Msg = errorPageMsg(string(b))
	}
	for _, c := range res.Cookies() {
		if c.Name == "ys_session" && c.Value != "" {
			a.Cookie = true
		}
	}
	return a, nil
}

var errorPageText = regexp.MustCompile(`(Too many failed sign-ins[^<]*)`)

func errorPageMsg(body string) string {
	if m := errorPageText.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}

// parallel runs n sign-ins at once (released together) and returns them.
func parallel(t *testing.T, n int, one func(i int) (attempt, error)) []attempt {
	t.Helper()
	out := make([]attempt, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			out[i], errs[i] = one(i)
		})
	}
	close(start)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	return out
}

func sessionsOf(t *testing.T, db *testkit.DB, email string) int {
	t.Helper()
	var n int
	if err := db.Store.DB().QueryRow(`SELECT COUNT(*) FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.email = $1`, email).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

const badCredentials = "The email or password is not correct."

// A temporary password signs in exactly once: a second sign-in with it is
// refused like any wrong password, 20 parallel sign-ins make one session,
// and that session can only choose a password.
func TestTemporaryPasswordSignsInOnce(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		e := newProxiedEnv(t, db, "127.0.0.1", app.Config{})
		out, err := e.app.CreateInstance(ctx, app.NewInstance{Code: "ACME", Name: "Acme", AdminEmail: "boss@acme.org"})
		if err != nil {
			t.Fatal(err)
		}
		first := e.client()
		if r := first.login("boss@acme.org", out.TempPassword); r.Location != "/account/password" {
			t.Fatalf("first sign-in went to %q", r.Location)
		}
		// The attacker who read the mail later: refused with the answer a
		// wrong password gets.
		again := e.client().post("/login", "email", "boss@acme.org", "password", out.TempPassword)
		expect(t, "second sign-in with the temporary password", again, http.StatusUnprocessableEntity, badCredentials)
		wrong := e.client().post("/login", "email", "boss@acme.org", "password", "some-wrong-passw-ord12")
		if msg(again.Body) != msg(wrong.Body) {
			t.Errorf("a spent temporary password answers %q, a wrong one %q", msg(again.Body), msg(wrong.Body))
		}
		// The one session may only choose a password, without the old one.
		if r := first.get("/i/ACME/"); r.Status != http.StatusSeeOther || r.Location != "/account/password" {
			t.Errorf("dashboard from the temporary session: %d → %q", r.Status, r.Location)
		}
		expect(t, "instances from the temporary session", first.get("/instances"), http.StatusSeeOther)
		if r := first.post("/account/password", "password", "my own passphrase now", "confirm", "my own passphrase now"); r.Status != http.StatusSeeOther {
			t.Fatalf("forced change: %d %s", r.Status, excerpt(r.Body))
		}
		expect(t, "dashboard after the change", first.get("/i/ACME/"), http.StatusOK)

		// The race: 20 sign-ins with one fresh temporary password at once,
		// each from its own address (a trusted proxy names them), so the
		// per-client limit does not hide the race.
		out2, err := e.app.CreateInstance(ctx, app.NewInstance{Code: "BETA", Name: "Beta", AdminEmail: "boss@beta.org"})
		if err != nil {
			t.Fatal(err)
		}
		got := parallel(t, 20, func(i int) (attempt, error) {
			return signInFrom(e, fmt.Sprintf("198.51.100.%d", i+1), "boss@beta.org", out2.TempPassword)
		})
		var signedIn, refused, throttled int
		for _, a := range got {
			switch {
			case a.Status == http.StatusSeeOther && a.Location == "/account/password" && a.Cookie:
				signedIn++
			case a.Status == http.StatusUnprocessableEntity && a.Msg == badCredentials:
				refused++
			case a.Status == http.StatusTooManyRequests && a.RetryAfter != "":
				throttled++ // the per-account throttle: counted before evaluation
			default:
				t.Errorf("unexpected answer in the race: %+v", a)
			}
		}
		t.Logf("20 parallel sign-ins with one temporary password: %d session, %d refused as bad credentials, %d throttled", signedIn, refused, throttled)
		if signedIn != 1 {
			t.Errorf("%d parallel sign-ins succeeded, want exactly 1", signedIn)
		}
		if n := sessionsOf(t, db, "boss@beta.org"); n != 1 {
			t.Errorf("%d sessions in the database, want 1", n)
		}
	})
}

// Every refused sign-in costs the same whatever the account's state, so
// the time tells nothing (SPEC §2). A benchmark in the shape of a test:
// rounds of each case, interleaved, through app.SignIn with the real
// argon2id cost; the medians must lie within 15% of the unknown email's.
func TestSignInTimingIsEven(t *testing.T) {
	rounds := 200 // ≈ 40 s per database with the real argon2id cost
	switch {
	case testing.Short():
		rounds = 30
	case raceEnabled:
		rounds = 60
	}
	testkit.SQLiteAndPostgres(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		stop := e.app.StartRecorder() // as in production: log entries are written behind the request
		defer stop()
		acme, beta := e.instance("ACME", "Acme"), e.instance("BETA", "Beta")
		e.member(acme, "known@acme.org", access.PresetAdministration)
		_, gone := e.member(acme, "gone@acme.org", access.PresetPresenter)
		if _, err := db.Store.DB().Exec(`UPDATE memberships SET active = FALSE WHERE id = $1`, gone.ID); err != nil {
			t.Fatal(err)
		}
		e.member(beta, "other@beta.org", access.PresetAdministration)
		expired, err := e.app.CreateInstance(ctx, app.NewInstance{Code: "OLD", Name: "Old", AdminEmail: "expired@old.org"})
		if err != nil {
			t.Fatal(err)
		}
		db.Clock.Advance(app.TempPasswordLife + time.Hour)
		if _, err := e.app.CreateInstance(ctx, app.NewInstance{Code: "NEW", Name: "New", AdminEmail: "temp@new.org"}); err != nil {
			t.Fatal(err)
		}
		spent, err := e.app.CreateInstance(ctx, app.NewInstance{Code: "SPENT", Name: "Spent", AdminEmail: "spent@spent.org"})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.app.SignIn(ctx, "spent@spent.org", spent.TempPassword, "", app.Client{Addr: "192.0.2.1"}); err != nil {
			t.Fatalf("first sign-in with a temporary password: %v", err)
		}
		const wrong = "a-wrong-guess-of-20-chars"
		cases := []struct{ name, email, pw string }{
			{"unknown email", "nobody@nowhere.org", wrong},
			{"known, wrong password", "known@acme.org", wrong},
			{"deactivated member", "gone@acme.org", wrong},
			{"account of another instance", "other@beta.org", wrong},
			{"temporary password held", "temp@new.org", wrong},
			{"temporary password expired", "expired@old.org", expired.TempPassword},
			{"temporary password spent", "spent@spent.org", spent.TempPassword},
		}
		times := make([][]time.Duration, len(cases))
		q := db.Store.Q()
		for r := range rounds {
			for k := range cases {
				i := (k + r) % len(cases) // rotate the order: no case always runs first
				c := cases[i]
				if err := q.ClearThrottle(ctx, c.email); err != nil {
					t.Fatal(err)
				}
				client := app.Client{Addr: fmt.Sprintf("10.%d.%d.%d", i, r/250, r%250+1)}
				start := time.Now()
				_, _, err := e.app.SignIn(ctx, c.email, c.pw, "", client)
				d := time.Since(start)
				ae, ok := app.AsError(err)
				if !ok || ae.Kind != app.Invalid {
					t.Fatalf("%s: %v, want a refusal", c.name, err)
				}
				if c.name != "temporary password expired" && ae.Msg != badCredentials {
					t.Fatalf("%s: %q, want the bad-credentials answer", c.name, ae.Msg)
				}
				times[i] = append(times[i], d)
			}
		}
		base := median(times[0])
		t.Logf("median of %d failed sign-ins on %s:", rounds, db.Name)
		for i, c := range cases {
			m := median(times[i])
			ratio := float64(m) / float64(base)
			t.Logf("  %-30s %8.2f ms  (%.2f× unknown email)", c.name, float64(m)/1e6, ratio)
			if ratio < 0.85 || ratio > 1.15 {
				t.Errorf("%s: median %v is not within 15%% of the unknown email's %v", c.name, m, base)
			}
		}
	})
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s[len(s)/2]
}

// Credential stuffing: 200 emails with one password from one client. The
// client's failures are limited (429 with Retry-After until the window
// ends), a forged X-Forwarded-For does not escape the limit, and the
// owner signs in again once the window has passed.
func TestCredentialStuffingIsLimitedPerClient(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db) // no trusted proxy
		in := e.instance("ACME", "Acme")
		e.member(in, "ada@example.org", access.PresetAdministration)
		var evaluated, limited int
		for i := range 200 {
			a, err := signInFrom(e, fmt.Sprintf("203.0.113.%d", i%250), fmt.Sprintf("user%03d@victims.example", i), "Summer2026!")
			if err != nil {
				t.Fatal(err)
			}
			switch a.Status {
			case http.StatusUnprocessableEntity:
				if limited > 0 {
					t.Fatalf("attempt %d evaluated after the limit answered", i)
				}
				evaluated++
			case http.StatusTooManyRequests:
				limited++
				secs, err := strconv.Atoi(a.RetryAfter)
				if err != nil || secs < 1 || secs > int(app.ClientFailureWindow/time.Second) {
					t.Fatalf("attempt %d: Retry-After %q, want 1..%d seconds", i, a.RetryAfter, int(app.ClientFailureWindow/time.Second))
				}
				if !strings.Contains(a.Msg, "Too many failed sign-ins from your network") {
					t.Fatalf("attempt %d: message %q", i, a.Msg)
				}
			default:
				t.Fatalf("attempt %d: %+v", i, a)
			}
		}
		t.Logf("200 emails from one client: %d evaluated, %d refused with 429", evaluated, limited)
		if evaluated != app.ClientFailureLimit {
			t.Errorf("%d attempts evaluated, want the limit %d", evaluated, app.ClientFailureLimit)
		}
		// The owner behind the same address waits too, but not for good.
		a, _ := signInFrom(e, "", "ada@example.org", testkit.Password)
		if a.Status != http.StatusTooManyRequests {
			t.Errorf("owner inside the window: %+v, want 429", a)
		}
		db.Clock.Advance(app.ClientFailureWindow - time.Minute)
		if a, _ := signInFrom(e, "", "ada@example.org", testkit.Password); a.Status != http.StatusTooManyRequests || a.RetryAfter != "60" {
			t.Errorf("a minute before the window ends: %+v, want 429 with Retry-After 60", a)
		}
		db.Clock.Advance(time.Minute)
		if a, _ := signInFrom(e, "", "ada@example.org", testkit.Password); a.Status != http.StatusSeeOther || !a.Cookie {
			t.Errorf("owner after the window: %+v, want signed in", a)
		}
		// A success does not reset the client's count (one valid account
		// must not buy an attacker fresh tries), it only is not counted.
		var n int
		if err := db.Store.DB().QueryRow(`SELECT failures FROM client_throttle WHERE client_key = '127.0.0.1'`).Scan(&n); err != nil || n != 0 {
			t.Errorf("client failures after a success: %d, %v; want 0", n, err)
		}
	})
}

// X-Forwarded-For names the client only when the request comes from a
// trusted proxy: then each client has its own limit (IPv6 by its /64), and
// addresses a client forged to the left of the real one change nothing.
func TestForwardedForFromTrustedProxyOnly(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		e := newProxiedEnv(t, db, "10.0.0.0/8, 127.0.0.1", app.Config{})
		in := e.instance("ACME", "Acme")
		e.member(in, "ada@example.org", access.PresetAdministration)
		victim := 0
		stuff := func(xff string, n int) (last attempt) {
			t.Helper()
			for range n {
				victim++
				a, err := signInFrom(e, xff, fmt.Sprintf("v%d@victims.example", victim), "Summer2026!")
				if err != nil {
					t.Fatal(err)
				}
				last = a
			}
			return last
		}
		// Behind the proxy, the forged left-most hops are ignored: each of
		// these is the client 198.51.100.7.
		for i := range app.ClientFailureLimit {
			a, _ := signInFrom(e, fmt.Sprintf("192.0.2.%d, 198.51.100.7", i), fmt.Sprintf("s%d@victims.example", i), "Summer2026!")
			if a.Status != http.StatusUnprocessableEntity {
				t.Fatalf("attempt %d within the limit: %+v", i, a)
			}
		}
		if a := stuff("203.0.113.99, 198.51.100.7", 1); a.Status != http.StatusTooManyRequests {
			t.Errorf("client past the limit behind the proxy: %+v, want 429", a)
		}
		if a := stuff("198.51.100.7, 10.1.2.3", 1); a.Status != http.StatusTooManyRequests {
			t.Errorf("through two trusted proxies: %+v, want 429", a)
		}
		if a := stuff("198.51.100.8", 1); a.Status != http.StatusUnprocessableEntity {
			t.Errorf("another client behind the proxy: %+v, want 422", a)
		}
		// IPv6: one /64 is one client.
		stuff("2001:db8:1:2::1", app.ClientFailureLimit)
		if a := stuff("2001:db8:1:2:ffff::9", 1); a.Status != http.StatusTooManyRequests {
			t.Errorf("same /64: %+v, want 429", a)
		}
		if a := stuff("2001:db8:1:3::1", 1); a.Status != http.StatusUnprocessableEntity {
			t.Errorf("another /64: %+v, want 422", a)
		}
		// The session records the client the proxy named.
		if a, _ := signInFrom(e, "198.51.100.200", "ada@example.org", testkit.Password); a.Status != http.StatusSeeOther {
			t.Fatalf("owner behind the proxy: %+v", a)
		}
		var addr string
		if err := db.Store.DB().QueryRow(`SELECT client_addr FROM sessions`).Scan(&addr); err != nil || addr != "198.51.100.200" {
			t.Errorf("session client_addr = %q, %v; want 198.51.100.200", addr, err)
		}

		// Without a trusted proxy a forged header changes nothing: the
		// limit applies to the real peer.
		plain := newEnv(t, db)
		for i := range app.ClientFailureLimit + 5 {
			a, _ := signInFrom(plain, fmt.Sprintf("198.18.0.%d", i), fmt.Sprintf("p%d@victims.example", i), "Summer2026!")
			if want := http.StatusUnprocessableEntity; i >= app.ClientFailureLimit {
				if a.Status != http.StatusTooManyRequests {
					t.Fatalf("forged X-Forwarded-For %d escaped the limit: %+v", i, a)
				}
			} else if a.Status != want {
				t.Fatalf("attempt %d: %+v", i, a)
			}
		}
	})
}

// 30 parallel wrong guesses at one account, each from its own address: at
// most 5 are evaluated (the count is claimed before the password is
// checked), the rest wait with 429.
func TestParallelGuessesAreCountedFirst(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		e := newProxiedEnv(t, db, "127.0.0.1", app.Config{})
		in := e.instance("ACME", "Acme")
		e.member(in, "ada@example.org", access.PresetAdministration)
		got := parallel(t, 30, func(i int) (attempt, error) {
			return signInFrom(e, fmt.Sprintf("198.51.100.%d", i+1), "ada@example.org", fmt.Sprintf("guess number %d", i))
		})
		var evaluated, throttled int
		for _, a := range got {
			switch {
			case a.Status == http.StatusUnprocessableEntity && a.Msg == badCredentials:
				evaluated++
			case a.Status == http.StatusTooManyRequests && a.RetryAfter != "":
				throttled++
			default:
				t.Errorf("unexpected answer: %+v", a)
			}
		}
		t.Logf("30 parallel wrong guesses: %d evaluated, %d throttled", evaluated, throttled)
		if evaluated > 5 {
			t.Errorf("%d guesses evaluated, want at most 5", evaluated)
		}
		if evaluated == 0 {
			t.Error("no guess evaluated")
		}
	})
}

// A new reset link ends the older ones; the pages of secret links send no
// Referer anywhere.
func TestNewResetLinkEndsOlderOnes(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		in := e.instance("ACME", "Acme")
		e.member(in, "ada@example.org", access.PresetAdministration)
		c := e.client()
		c.post("/forgot", "email", "ada@example.org")
		older := resetLink.FindStringSubmatch(lastMail(t, e).Body)[1]
		expect(t, "first link before the second is sent", c.get(older), http.StatusOK, "Choose a new password")
		c.post("/forgot", "email", "ada@example.org")
		newer := resetLink.FindStringSubmatch(lastMail(t, e).Body)[1]
		if newer == older {
			t.Fatal("the same link twice")
		}
		expect(t, "older link shown", c.get(older), http.StatusNotFound, "expired or was already used")
		expect(t, "older link used", c.post(older, "password", "stolen link password", "confirm", "stolen link password"),
			http.StatusNotFound, "expired or was already used")
		e.client().login("ada@example.org", testkit.Password) // unchanged
		expect(t, "newer link", c.post(newer, "password", "the owner's new phrase", "confirm", "the owner's new phrase"), http.StatusOK, "Your password was changed")
	})
}

func TestSecretLinkPagesSendNoReferrer(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		e := newProxiedEnv(t, db, "", app.Config{Signup: true})
		in := e.instance("ACME", "Acme")
		acct, _ := e.member(in, "ada@example.org", access.PresetAdministration)
		c := e.client()
		c.post("/forgot", "email", "ada@example.org")
		reset := resetLink.FindStringSubmatch(lastMail(t, e).Body)[1]

		signin := password.Token()
		if err := e.store.InTx(ctx, func(q *store.Q) error {
			return q.CreatePasswordToken(ctx, password.HashSecret(signin), acct.ID, store.TokenSignIn, db.Clock.Now().Add(time.Hour))
		}); err != nil {
			t.Fatal(err)
		}

		admin, err := e.app.ActorFor(ctx, app.Session{Account: acct}, "ACME", app.Client{})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.app.Refer(ctx, admin, app.ReferInput{Organization: "Delta", Email: "boss@delta.example.org"}); err != nil {
			t.Fatal(err)
		}
		var signup string
		ms, _ := e.store.Q().ListMail(ctx, "", 0, 100)
		for _, m := range ms {
			if i := strings.Index(m.Body, "/signup/"); m.Kind == mail.KindPartnerReferral && i >= 0 {
				signup = "/signup/" + strings.Fields(m.Body[i+len("/signup/"):])[0]
			}
		}
		if signup == "" {
			t.Fatal("no sign-up link mailed")
		}

		pages := []struct {
			name   string
			r      resp
			status int
		}{
			{"reset form", c.get(reset), http.StatusOK},
			{"reset form refused", c.post(reset, "password", "x", "confirm", "y"), http.StatusUnprocessableEntity},
			{"dead reset link", c.get("/reset/nope"), http.StatusNotFound},
			{"sign-in link", c.get("/signin/" + signin), http.StatusOK},
			{"dead sign-in link", c.post("/signin/nope"), http.StatusNotFound},
			{"sign-up form", c.get(signup), http.StatusOK},
			{"sign-up refused", c.post(signup, "code", "x"), http.StatusUnprocessableEntity},
			{"dead sign-up link", c.get("/signup/nope"), http.StatusNotFound},
			{"sign-in link used", c.post("/signin/" + signin), http.StatusSeeOther},
		}
		for _, p := range pages {
			if p.r.Status != p.status {
				t.Errorf("%s: status %d, want %d", p.name, p.r.Status, p.status)
			}
			if got := p.r.Header.Get("Referrer-Policy"); got != "no-referrer" {
				t.Errorf("%s: Referrer-Policy %q, want no-referrer", p.name, got)
			}
		}
		if got := c.get("/login").Header.Get("Referrer-Policy"); got != "same-origin" {
			t.Errorf("other pages: Referrer-Policy %q, want same-origin", got)
		}
	})
}
