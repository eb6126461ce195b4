package web_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"yardstick/internal/access"
	"yardstick/internal/testkit"
)

// TestBrowserInvitation is the invitation journey of the takeover issue,
// in two browsers: ACME's administrator invites BETA's administrator by
// email; the invitation arrives over SMTP; she signs in, lands on her
// invitations and accepts; ACME's Edit User then shows her name and email
// read-only, with the reason.
func TestBrowserInvitation(t *testing.T) {
	e, smtp := newMailEnv(t)
	acme := e.instance("ACME", "Acme Community Partners")
	beta := e.instance("BETA", "Beta Foundation")
	e.member(acme, "admin@example.org", access.PresetAdministration)
	bea, _ := e.member(beta, "bea@example.org", access.PresetAdministration)
	if err := e.store.Q().UpdateAccountIdentity(ctx, bea.ID, "bea@example.org", "Bea Beta"); err != nil {
		t.Fatal(err)
	}

	admin := a11yBrowser(t)
	uiSignIn(t, admin, e.srv.URL, "admin@example.org", testkit.Password)
	uiWait(t, admin, "#dashboard-code")
	if err := chromedp.Do(admin, chromedp.Navigate(e.srv.URL+"/i/ACME/admin/users")); err != nil {
		t.Fatal(err)
	}
	checkAxe(t, admin, "users list")
	uiWait(t, admin, "#user-list")
	uiFollow(t, admin, "#add-existing-user", http.StatusOK)
	uiWait(t, admin, "#user-new-form")
	uiType(t, admin, `#user-new-form input[name=email]`, "bea@example.org")
	testkit.Screenshot(t, admin, "invite-form")
	uiFollow(t, admin, `#user-new-form button[type=submit]`, http.StatusOK)
	uiWait(t, admin, "#user-list")
	if got := testkit.Text(t, admin, ".flash"); !strings.Contains(got, "We sent an email to bea@example.org.") {
		t.Errorf("after inviting, the list says %q", got)
	}
	row := `//tr[td[normalize-space()="bea@example.org"]]`
	if got := uiXText(t, admin, row+`//span[contains(@class,"status")]`); got != "Invited" {
		t.Errorf("bea's status in ACME's list: %q, want Invited", got)
	}
	testkit.Screenshot(t, admin, "invited-in-list")

	msgs := smtp.WaitFor(t, 1, 10*time.Second)
	if !slices.Equal(msgs[0].To, []string{"bea@example.org"}) || !strings.Contains(msgs[0].Body, "http://yardstick.test/invitations") {
		t.Fatalf("invitation mail to %v:\n%s", msgs[0].To, msgs[0].Body)
	}

	// Bea signs in to her own account and lands on the invitation.
	user := a11yBrowser(t)
	uiSignIn(t, user, e.srv.URL, "bea@example.org", testkit.Password)
	uiWait(t, user, "#invitations")
	if got := testkit.Text(t, user, "#invitations tbody th"); !strings.Contains(got, "Acme Community Partners") {
		t.Errorf("the invitation names %q, want ACME", got)
	}
	testkit.Screenshot(t, user, "invitation")
	uiFollow(t, user, `//button[normalize-space()="Accept"]`, http.StatusOK)
	uiWait(t, user, "#dashboard-code")
	if got := testkit.Text(t, user, "#dashboard-code"); got != "ACME" {
		t.Errorf("after accepting, bea is in %q, want ACME", got)
	}

	// ACME sees her as a member now, but her account is not ACME's.
	if err := chromedp.Do(admin, chromedp.Navigate(e.srv.URL+"/i/ACME/admin/users?q=bea")); err != nil {
		t.Fatal(err)
	}
	checkAxe(t, admin, "users list searched")
	uiWait(t, admin, "#user-list")
	if got := uiXText(t, admin, row+`//span[contains(@class,"status")]`); got != "Active" {
		t.Errorf("bea's status after accepting: %q, want Active", got)
	}
	uiFollow(t, admin, row+`//a[normalize-space()="Edit"]`, http.StatusOK)
	uiWait(t, admin, "#account-readonly")
	if got := testkit.Text(t, admin, "#user-email"); got != "bea@example.org" {
		t.Errorf("read-only email %q", got)
	}
	if got := testkit.Text(t, admin, "#account-lock"); !strings.Contains(got, "Also a member of another organization") {
		t.Errorf("the reason reads %q", got)
	}
	if n := uiCount(t, admin, `#user-form input[name=email], #user-form input[name=name]`); n != 0 {
		t.Errorf("%d name or email inputs for an account that is not ACME's", n)
	}
	testkit.Screenshot(t, admin, "edit-user-readonly")
}
