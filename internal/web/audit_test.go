package web_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/password"
	"yardstick/internal/store"
	"yardstick/internal/testkit"
	"yardstick/internal/web"
)

// auditLog collects a server's log lines for a test to read.
type auditLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *auditLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *auditLog) lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Split(strings.TrimSpace(l.b.String()), "\n")
}

// newAuditEnv is newEnv with the server's log kept.
func newAuditEnv(t *testing.T, db *testkit.DB) (*env, *auditLog) {
	t.Helper()
	logs := &auditLog{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	e := &env{t: t, db: db, store: db.Store}
	e.app = app.New(db.Store, app.Config{BaseURL: "http://yardstick.test", SessionIdle: 120 * time.Minute}, log, nil)
	e.web = web.New(e.app, web.Config{BaseURL: "http://yardstick.test", QuietRequests: true}, log)
	e.srv = httptest.NewServer(e.web)
	t.Cleanup(e.srv.Close)
	return e, logs
}

// entryWant describes a log entry a test looks for.
type entryWant struct {
	activity, actor, object, outcome string
	change                           string // "field: after" that one change must read; "" for any
}

func (w entryWant) matches(a model.Activity) bool {
	if a.Activity != w.activity || a.ActorEmail != w.actor || a.Outcome != w.outcome || (w.object != "" && a.ObjectName != w.object) {
		return false
	}
	if w.change == "" {
		return true
	}
	for _, c := range a.Changes {
		if c.Field+": "+c.After == w.change {
			return true
		}
	}
	return false
}

// findEntry returns the entry of in's log that matches want, checking what
// every entry must have: a time, the client's address and the instance.
func findEntry(t *testing.T, e *env, in model.Instance, want entryWant) (model.Activity, bool) {
	t.Helper()
	for _, a := range activities(t, e, in) {
		if !want.matches(a) {
			continue
		}
		if a.At.IsZero() || a.ClientAddr != "127.0.0.1" || a.InstanceID != in.ID {
			t.Errorf("%s: entry %+v lacks its time, client address or instance", in.Code, a)
		}
		return a, true
	}
	return model.Activity{}, false
}

func describe(list []model.Activity) string {
	var b strings.Builder
	for _, a := range list {
		b.WriteString("\n  " + a.Activity + " " + a.Outcome + " by " + a.ActorEmail + " on " + a.ObjectName)
		for _, c := range a.Changes {
			b.WriteString(" [" + c.Field + ": " + c.After + "]")
		}
	}
	return b.String()
}

// TestSecurityEventsAreAudited performs every security event of an
// account (SPEC §10) and finds each in every instance the account joined,
// with its outcome as a field.
func TestSecurityEventsAreAudited(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		e, _ := newAuditEnv(t, db)
		acme, beta := e.instance("ACME", "Acme"), e.instance("BETA", "Beta")
		e.member(acme, "ada@example.org", access.PresetAdministration)
		pat, _ := e.member(acme, "pat@example.org", access.PresetPresenter)
		e.member(beta, "pat@example.org", access.PresetPresenter)
		const (
			pw1 = "a new password for pat"
			pw2 = "reset through the mailed link"
			pw3 = "chosen after the sign-in link"
		)

		c := e.client()
		expect(t, "wrong password", c.post("/login", "email", "pat@example.org", "password", "not the password"), http.StatusUnprocessableEntity)
		c.login("pat@example.org", testkit.Password)
		expect(t, "own change, wrong current", c.post("/account/password", "current", "not the password", "password", pw1, "confirm", pw1),
			http.StatusUnprocessableEntity, "The current password is not correct.")
		expect(t, "own change", c.post("/account/password", "current", testkit.Password, "password", pw1, "confirm", pw1), http.StatusOK)
		expect(t, "sign out", c.post("/logout"), http.StatusSeeOther)

		// "Forgot password" answers the same for an address without an
		// account, and logs only for the account.
		known := e.client().post("/forgot", "email", "pat@example.org")
		unknown := e.client().post("/forgot", "email", "nobody@example.org")
		if known.Status != http.StatusOK || known.Body != unknown.Body {
			t.Errorf("forgot password: %d vs %d, bodies equal %v", known.Status, unknown.Status, known.Body == unknown.Body)
		}
		link := resetLink.FindStringSubmatch(lastMail(t, e).Body)
		if link == nil {
			t.Fatal("no reset link mailed")
		}
		expect(t, "reset through the link", e.client().post(link[1], "password", pw2, "confirm", pw2), http.StatusOK)

		// A one-time sign-in link, as a manager's reset in link mode sends.
		token := "sign-in-link-token-for-the-audit-test"
		if err := e.store.Q().CreatePasswordToken(ctx, password.HashSecret(token), pat.ID, store.TokenSignIn, db.Clock.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		l := e.client()
		expect(t, "sign-in link", l.post("/signin/"+token), http.StatusSeeOther)
		expect(t, "password after the link", l.post("/account/password", "password", pw3, "confirm", pw3), http.StatusSeeOther)
		expect(t, "email change", l.post("/account/email", "new_email", "pat.new@example.org", "email_password", pw3), http.StatusSeeOther)

		// A refused write is the instance's own.
		expect(t, "refused write", l.post("/i/ACME/scorecards", "title", "nope"), http.StatusForbidden)

		const patEmail = "pat@example.org"
		events := []entryWant{
			{app.ActSignInFailed, patEmail, patEmail, model.OutcomeFailed, ""},
			{app.ActSignIn, patEmail, patEmail, model.OutcomeSucceeded, ""},
			{app.ActPasswordChange, patEmail, patEmail, model.OutcomeFailed, "reason: the current password was not correct"},
			{app.ActPasswordChange, patEmail, patEmail, model.OutcomeSucceeded, "password: changed by its owner"},
			{app.ActSignOut, patEmail, patEmail, model.OutcomeSucceeded, ""},
			{app.ActResetRequest, "", patEmail, model.OutcomeSucceeded, ""},
			{app.ActPasswordChange, patEmail, patEmail, model.OutcomeSucceeded, "password: changed through a reset link"},
			{app.ActSignIn, patEmail, patEmail, model.OutcomeSucceeded, "method: one-time sign-in link"},
			{app.ActPasswordChange, patEmail, patEmail, model.OutcomeSucceeded, "password: chosen after a temporary password or sign-in link"},
			{app.ActEmailChange, patEmail, patEmail, model.OutcomeSucceeded, "requested: pat.new@example.org"},
		}
		for _, in := range []model.Instance{acme, beta} {
			for _, want := range events {
				if _, ok := findEntry(t, e, in, want); !ok {
					t.Errorf("%s: no %+v entry in%s", in.Code, want, describe(activities(t, e, in)))
				}
			}
		}
		if _, ok := findEntry(t, e, acme, entryWant{app.ActRefused, patEmail, "", model.OutcomeRefused, ""}); !ok {
			t.Errorf("ACME: no refused entry in%s", describe(activities(t, e, acme)))
		}
		if _, ok := findEntry(t, e, beta, entryWant{app.ActRefused, patEmail, "", model.OutcomeRefused, ""}); ok {
			t.Error("BETA's log holds a refusal that happened in ACME")
		}
		for _, in := range []model.Instance{acme, beta} {
			for _, a := range activities(t, e, in) {
				if strings.Contains(a.ObjectName, "nobody@example.org") {
					t.Errorf("%s: a reset asked for an address without an account was logged: %+v", in.Code, a)
				}
			}
		}

		// The page shows the outcome.
		admin := e.client()
		admin.login("ada@example.org", testkit.Password)
		expect(t, "log page", admin.get("/i/ACME/admin/activity?activity="+app.ActPasswordChange), http.StatusOK,
			"<th>Outcome</th>", "<td>Failed</td>", "<td>Succeeded</td>", "Password change")
		expect(t, "refusals", admin.get("/i/ACME/admin/activity?activity=refused"), http.StatusOK, "<td>Refused</td>")
	})
}

// TestProbesAndRefusedPagesAreAudited: a refused admin page (403 on GET)
// is logged in the instance like a refused write; a signed-in account's
// 404s for another instance or its ids go to the server log and a metric,
// never to either instance's log, and name no path.
func TestProbesAndRefusedPagesAreAudited(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		e, logs := newAuditEnv(t, db)
		acme, gamma := e.instance("ACME", "Acme"), e.instance("GAMMA", "Gamma")
		_, ada := e.member(acme, "ada@example.org", access.PresetAdministration)
		e.member(acme, "pat@example.org", access.PresetPresenter)
		carl, _ := e.member(gamma, "carl@example.org", access.PresetAdministration)
		a := e.client()
		a.login("ada@example.org", testkit.Password)
		sc, _, measure := buildScorecard(t, e, a, acme)

		p := e.client()
		p.login("pat@example.org", testkit.Password)
		adaID := strconv.FormatInt(ada.ID, 10)
		expect(t, "refused page", p.get("/i/ACME/admin/activity"), http.StatusForbidden)
		expect(t, "refused page with an id", p.get("/i/ACME/admin/users/"+adaID), http.StatusForbidden)
		for _, want := range []string{"GET /i/{code}/admin/activity", "GET /i/{code}/admin/users/{id} (id " + adaID + ")"} {
			if _, ok := findEntry(t, e, acme, entryWant{app.ActRefused, "pat@example.org", want, model.OutcomeRefused, ""}); !ok {
				t.Errorf("no refused entry %q in%s", want, describe(activities(t, e, acme)))
			}
		}

		before := map[int64]int{acme.ID: len(activities(t, e, acme)), gamma.ID: len(activities(t, e, gamma))}
		c := e.client()
		c.login("carl@example.org", testkit.Password)
		before[gamma.ID]++ // the sign-in
		probes := []struct{ path, kind string }{
			{"/i/ACME/", "instance"},
			{"/i/ACME/scorecards/" + sc, "instance"},
			{"/i/GAMMA/scorecards/" + sc, "object"},
			{"/i/GAMMA/objects/" + measure, "object"},
		}
		for _, pr := range probes {
			expect(t, "probe "+pr.path, c.get(pr.path), http.StatusNotFound)
		}
		for _, in := range []model.Instance{acme, gamma} {
			if got := activities(t, e, in); len(got) != before[in.ID] {
				t.Errorf("%s's log has %d new entries after the probes:%s", in.Code, len(got)-before[in.ID], describe(got[before[in.ID]:]))
			}
		}

		var warned []string
		for _, l := range logs.lines() {
			if strings.Contains(l, "possible probe") {
				warned = append(warned, l)
			}
			for _, pr := range probes[1:] {
				if strings.Contains(l, pr.path) {
					t.Errorf("a log line holds the raw path %q: %s", pr.path, l)
				}
			}
		}
		if len(warned) != len(probes) {
			t.Fatalf("%d probe warnings, want %d:\n%s", len(warned), len(probes), strings.Join(logs.lines(), "\n"))
		}
		for i, pr := range probes {
			l := warned[i]
			for _, want := range []string{"level=WARN", "kind=" + pr.kind, "account=" + strconv.FormatInt(carl.ID, 10),
				`pattern="GET /i/{code}/`, "client=127.0.0.1"} {
				if !strings.Contains(l, want) {
					t.Errorf("probe warning for %s lacks %q: %s", pr.path, want, l)
				}
			}
		}

		m := e.client().get("/metrics").Body
		for _, want := range []string{`yardstick_not_found_probes_total{kind="instance"} 2`, `yardstick_not_found_probes_total{kind="object"} 2`} {
			if !strings.Contains(m, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
		if regexp.MustCompile(`yardstick_not_found_probes_total\{[^}]*(account|code|id|path)=`).MatchString(m) {
			t.Error("the probe counter has a label naming an account, instance, id or path")
		}
	})
}

// forgedName and forgedObject are text an entry may hold from any source:
// a bidi override that reverses what follows, and a newline followed by a
// fake entry, a carriage return and an ESC sequence.
const (
	forgedName   = "Pat \u202Enimda ssoB"
	forgedObject = "users/1\n2026-12-04 09:00 Boss Admin Signed in\r\x1b[2J"
	forgedShown  = `users/1\n2026-12-04 09:00 Boss Admin Signed in\r\u001B[2J`
)

// TestForgedLogLinesAreShownEscaped: whatever text an entry holds, the
// log page and the exports show control and bidi characters as visible
// escapes, so no entry can forge a line of its own; names refuse bidi
// overrides on input.
func TestForgedLogLinesAreShownEscaped(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		in := e.instance("ACME", "Acme")
		e.member(in, "ada@example.org", access.PresetAdministration)
		e.member(in, "pat@example.org", access.PresetPresenter)

		// The forged request path: refused, and whatever the log
		// stores of it is one line.
		p := e.client()
		p.login("pat@example.org", testkit.Password)
		forged := "/i/ACME/admin/users/1%0a2026-12-04%2009:00%20Boss%20Admin%20Signed%20in/deactivate"
		if r := p.post(forged); r.Status < 400 {
			t.Errorf("forged path: status %d", r.Status)
		}
		// And an entry that holds such text however it came there.
		id := int64(0)
		if err := e.store.InTx(ctx, func(q *store.Q) error {
			return q.RecordActivity(ctx, model.Activity{InstanceID: in.ID, AccountID: &id, ActorName: forgedName, ActorEmail: "pat@example.org",
				Activity: app.ActRefused, Outcome: model.OutcomeRefused, ObjectType: "request", ObjectName: forgedObject,
				Changes: []model.Change{{Field: "reason", After: "esc\x1b[31m red \u2066isolate\u2069"}}, ClientAddr: "127.0.0.1"})
		}); err != nil {
			t.Fatal(err)
		}

		a := e.client()
		a.login("ada@example.org", testkit.Password)
		page := a.get("/i/ACME/admin/activity?activity=refused")
		expect(t, "log page", page, http.StatusOK, `Pat \u202Enimda ssoB`, forgedShown, `esc\u001B[31m red \u2066isolate\u2069`)
		list := page.Body[strings.Index(page.Body, `id="activity-list"`):]
		for _, bad := range []string{"\r", "\x1b", "\u202e", "\u2066", "\n2026-12-04"} {
			if strings.Contains(list, bad) {
				t.Errorf("the log page serves %q raw", bad)
			}
		}

		r := a.get("/i/ACME/admin/activity.pdf?activity=refused")
		if r.Status != http.StatusOK {
			t.Fatalf("pdf: %d %s", r.Status, excerpt(r.Body))
		}
		pages, err := testkit.PDFLines([]byte(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		var all []string
		for _, pg := range pages {
			all = append(all, pg...)
		}
		found := false
		for _, l := range all {
			if strings.HasPrefix(strings.TrimSpace(l), "2026-12-04 09:00 Boss Admin") || strings.Contains(l, "| 2026-12-04 09:00 Boss") {
				t.Errorf("the PDF draws the forged entry as a line of its own: %q", l)
			}
			if strings.Contains(l, `users/1\n2026-12-04`) {
				found = true
			}
			if strings.ContainsAny(l, "\u202e\x1b\r") {
				t.Errorf("the PDF holds a raw control or bidi character: %q", l)
			}
		}
		if !found {
			t.Errorf("the PDF lacks the escaped entry:\n%s", strings.Join(all, "\n"))
		}

		r = a.get("/i/ACME/admin/activity.xlsx?activity=refused")
		f, err := excelize.OpenReader(strings.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows("User Activity")
		if err != nil {
			t.Fatal(err)
		}
		sawForged := false
		for _, row := range rows {
			for _, cell := range row {
				if strings.ContainsAny(cell, "\n\r\x1b\u202e\u2066") {
					t.Errorf("an XLSX cell holds a raw control or bidi character: %q", cell)
				}
				sawForged = sawForged || cell == forgedShown
			}
		}
		if !sawForged {
			t.Errorf("the XLSX lacks the escaped entry: %q", rows)
		}

		// A name carrying a bidi override is refused, with a clear message.
		expect(t, "bidi name", a.post("/account", "name", "Ada \u202Enimda", "time_zone", "UTC"), http.StatusUnprocessableEntity,
			"Name must not contain characters that change the direction of text")
	})
}

// TestActivityExportsShowOutcome: the Excel and PDF downloads carry each
// entry's outcome in a column of its own.
func TestActivityExportsShowOutcome(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		in := e.instance("ACME", "Acme")
		e.member(in, "ada@example.org", access.PresetAdministration)
		e.member(in, "dee@example.org", access.PresetDataEntry)
		d := e.client()
		expect(t, "failed sign-in", d.post("/login", "email", "dee@example.org", "password", "wrong password"), http.StatusUnprocessableEntity)
		d.login("dee@example.org", testkit.Password)
		expect(t, "refused", d.post("/i/ACME/scorecards", "title", "nope"), http.StatusForbidden)
		a := e.client()
		a.login("ada@example.org", testkit.Password)

		r := a.get("/i/ACME/admin/activity.xlsx")
		f, err := excelize.OpenReader(strings.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows("User Activity")
		if err != nil || len(rows) < 4 {
			t.Fatalf("xlsx rows = %q, %v", rows, err)
		}
		col := -1
		for i, title := range rows[0] {
			if title == "Outcome" {
				col = i
			}
		}
		if col < 0 {
			t.Fatalf("the XLSX has no Outcome column: %q", rows[0])
		}
		got := map[string]bool{}
		for _, row := range rows[1:] {
			if col < len(row) {
				got[row[col]] = true
			}
		}
		for _, want := range []string{"Succeeded", "Refused", "Failed"} {
			if !got[want] {
				t.Errorf("no XLSX row with outcome %s: %q", want, rows)
			}
		}

		r = a.get("/i/ACME/admin/activity.pdf")
		pages, err := testkit.PDFLines([]byte(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		text := ""
		for _, pg := range pages {
			text += strings.Join(pg, "\n") + "\n"
		}
		for _, want := range []string{"Outcome", "| Refused |", "| Failed |", "| Succeeded |"} {
			if !strings.Contains(text, want) {
				t.Errorf("the PDF lacks %q:\n%s", want, text)
			}
		}
	})
}
