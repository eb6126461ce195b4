package web_test

import (
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/model"
	"yardstick/internal/password"
	"yardstick/internal/testkit"
)

// bellLink is the header bell's opening tag and content.
var bellLink = regexp.MustCompile(`(?s)<a ([^>]*id="nav-notifications"[^>]*)>(.*?)</a>`)

var ariaLabel = regexp.MustCompile(`aria-label="([^"]*)"`)

// bellOf is the header bell's accessible name (its aria-label, which must
// start with its visible text); found is false when the page has no bell.
func bellOf(t *testing.T, body string) (name string, found bool) {
	t.Helper()
	m := bellLink.FindStringSubmatch(body)
	if m == nil {
		return "", false
	}
	text := strings.Join(strings.Fields(visibleText(m[2])), " ")
	label := ariaLabel.FindStringSubmatch(m[1])
	if label == nil {
		t.Errorf("the bell has no aria-label: %s", m[0])
		return text, true
	}
	name = html.UnescapeString(label[1])
	// The visible label is in the name: "Notifications" and the count.
	if word, count, _ := strings.Cut(text, " "); !strings.HasPrefix(name, word) || !strings.Contains(name, count) {
		t.Errorf("the bell shows %q but is named %q", text, name)
	}
	return name, true
}

// The notification bell (issue 15, point 5), through the real stack: an
// action assigned by someone else shows in the assignee's header (the
// count in the bell's text, and so in its name) and on its notifications
// page, linking to the action; marking read clears the count; the
// assigner, another member and another instance's member see none of it,
// and another instance's member cannot mark it read.
func TestNotificationBell(t *testing.T) {
	testkit.SQLiteAndPostgres(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		in, beta := e.instance("ACME", "Acme"), e.instance("BETA", "Beta")
		as := func(inst model.Instance, email, preset string) *client {
			t.Helper()
			acct, _ := e.member(inst, email, preset)
			token := password.Token()
			if err := e.store.Q().CreateSession(ctx, model.Session{IDHash: password.HashSecret(token), AccountID: acct.ID}); err != nil {
				t.Fatal(err)
			}
			c := e.client()
			c.setCookie(token)
			return c
		}
		admin := as(in, "admin@example.org", access.PresetAdministration)
		ana := as(in, "ana@example.org", access.PresetPresenter)
		bo := as(in, "bo@example.org", access.PresetPresenter)
		cy := as(beta, "cy@example.org", access.PresetAdministration)

		// Before anything: a bell with no count, on every member's pages.
		if text, ok := bellOf(t, ana.get("/i/ACME/").Body); !ok || text != "Notifications" {
			t.Errorf("ana's bell before: %q (shown %v)", text, ok)
		}
		r := admin.post("/i/ACME/actions", "title", "Reading circles", "status", "On Track", "percent", "0", "assignee", "ana@example.org")
		expect(t, "create assigned to ana", r, http.StatusSeeOther)
		actionPath := strings.TrimSuffix(r.Location, "?done=action-saved")
		if !strings.HasPrefix(actionPath, "/i/ACME/actions/") {
			t.Fatalf("created action at %q", r.Location)
		}

		// Ana: the count in the header, the page lists it unread with its link.
		if text, _ := bellOf(t, ana.get("/i/ACME/scorecards").Body); text != "Notifications, 1 unread" {
			t.Errorf("ana's bell: %q, want Notifications, 1 unread", text)
		}
		page := ana.get("/i/ACME/notifications")
		expect(t, "ana's notifications", page, http.StatusOK, "Reading circles", `href="`+actionPath+`"`, ">Unread<", "Action assigned to you",
			`id="mark-read"`, "1 unread.")
		upTo := regexp.MustCompile(`name="up_to" value="(\d+)"`).FindStringSubmatch(page.Body)
		if upTo == nil {
			t.Fatalf("no up_to in the mark-read form: %s", excerpt(page.Body))
		}

		// The assigner, another member and another instance's: nothing.
		for name, c := range map[string]*client{"admin": admin, "bo": bo} {
			if text, _ := bellOf(t, c.get("/i/ACME/").Body); text != "Notifications" {
				t.Errorf("%s's bell: %q, want no count", name, text)
			}
			p := c.get("/i/ACME/notifications")
			expect(t, name+"'s notifications", p, http.StatusOK, `id="no-notifications"`)
			if strings.Contains(p.Body, "Reading circles") {
				t.Errorf("%s sees ana's notification", name)
			}
		}
		expect(t, "cy's own notifications", cy.get("/i/BETA/notifications"), http.StatusOK, `id="no-notifications"`)
		expect(t, "cy reads ACME's notifications", cy.get("/i/ACME/notifications"), http.StatusNotFound)
		expect(t, "cy marks ACME's read", cy.post("/i/ACME/notifications/read", "up_to", upTo[1]), http.StatusNotFound)
		expect(t, "cy marks its own read", cy.post("/i/BETA/notifications/read", "up_to", upTo[1]), http.StatusSeeOther)
		expect(t, "bo marks his own read", bo.post("/i/ACME/notifications/read", "up_to", upTo[1]), http.StatusSeeOther)
		if text, _ := bellOf(t, ana.get("/i/ACME/").Body); !strings.HasSuffix(text, "1 unread") {
			t.Errorf("ana's bell after others marked theirs: %q", text)
		}
		// Signed out: no bell on the sign-in page, and the POST goes to sign-in.
		anon := e.client()
		if _, ok := bellOf(t, anon.get("/login").Body); ok {
			t.Error("the sign-in page shows a bell")
		}
		if r := anon.post("/i/ACME/notifications/read", "up_to", upTo[1]); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
			t.Errorf("anonymous mark: %d %q", r.Status, r.Location)
		}
		// A cross-site POST is refused, as every POST.
		req, _ := http.NewRequest("POST", e.srv.URL+"/i/ACME/notifications/read", strings.NewReader("up_to="+upTo[1]))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		res, err := ana.hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site mark: %d, want 403", res.StatusCode)
		}
		if text, _ := bellOf(t, ana.get("/i/ACME/").Body); !strings.HasSuffix(text, "1 unread") {
			t.Errorf("ana's bell after refused marks: %q", text)
		}

		// Ana marks read: back to the page with a flash; the count is gone.
		r = ana.post("/i/ACME/notifications/read", "up_to", upTo[1])
		expect(t, "ana marks read", r, http.StatusSeeOther)
		if r.Location != "/i/ACME/notifications?done=read" {
			t.Errorf("mark read went to %q", r.Location)
		}
		after := ana.get(r.Location)
		expect(t, "after marking", after, http.StatusOK, "Notifications marked as read.", "Reading circles", "All read.")
		if strings.Contains(after.Body, ">Unread<") || strings.Contains(after.Body, `id="mark-read"`) {
			t.Errorf("still unread after marking: %s", excerpt(after.Body))
		}
		if text, _ := bellOf(t, after.Body); text != "Notifications" {
			t.Errorf("ana's bell after marking: %q, want no count", text)
		}
		// Not a number: refused, not a 500.
		expect(t, "up_to not a number", ana.post("/i/ACME/notifications/read", "up_to", "x"), http.StatusUnprocessableEntity)
		// More than 99 unread: the bell says 99+.
		var many []model.Notification
		acct, err := e.store.Q().AccountByEmail(ctx, "ana@example.org")
		if err != nil {
			t.Fatal(err)
		}
		_, m, err := e.store.Q().MembershipByCode(ctx, "ACME", acct.ID)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 120 {
			many = append(many, model.Notification{InstanceID: in.ID, MembershipID: m.ID, Kind: model.NotifyActionEmail, Title: "Mail " + strconv.Itoa(i)})
		}
		if err := e.store.Q().AddNotifications(ctx, many); err != nil {
			t.Fatal(err)
		}
		if text, _ := bellOf(t, ana.get("/i/ACME/").Body); !strings.HasSuffix(text, "99+ unread") {
			t.Errorf("ana's bell with 120 unread: %q, want 99+ unread", text)
		}
	})
}
