package web_test

import (
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"yardstick/internal/access"
	"yardstick/internal/testkit"
)

// The keyboard's first stop is a skip link to the content, and header
// menus close on Escape (focus back on their summary) and when focus
// leaves them (issue 26, finding 6).
func TestBrowserSkipLinkAndMenus(t *testing.T) {
	e := newSQLiteEnv(t)
	in := e.instance("ACME", "Acme")
	e.member(in, "admin@example.org", access.PresetAdministration)
	b := a11yBrowser(t)
	uiSignIn(t, b, e.srv.URL, "admin@example.org", testkit.Password)
	uiWait(t, b, "#dashboard-code")

	key := func(k string) {
		t.Helper()
		if err := chromedp.Do(b, chromedp.KeyEvent(k)); err != nil {
			t.Fatalf("press %q: %v", k, err)
		}
	}
	active := func() string {
		t.Helper()
		got, err := chromedp.Run(b, chromedp.Evaluate[string](`(function (a) {
			return a.tagName.toLowerCase() + "|" + a.className + "|" + (a.tagName === "MAIN" ? "" : a.textContent.trim());
		})(document.activeElement)`))
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	isOpen := func(id string) bool {
		t.Helper()
		got, err := chromedp.Run(b, chromedp.Evaluate[bool](`document.getElementById("`+id+`").open`))
		if err != nil {
			t.Fatal(err)
		}
		return got
	}

	key("\t")
	if got := active(); got != "a|skip-link|Skip to content" {
		t.Fatalf("the first Tab stop is %q, want the skip link", got)
	}
	testkit.Screenshot(t, b, "skip-link")
	key("\r")
	if got := active(); got != "main||" {
		t.Errorf("after the skip link, focus is on %.60q, want <main>", got)
	}

	// Escape closes the open menu and gives focus back to its summary.
	if err := chromedp.Do(b, uiClick("#admin-menu > summary")); err != nil {
		t.Fatal(err)
	}
	if !isOpen("admin-menu") {
		t.Fatal("the Administration menu did not open")
	}
	key(string(rune(27))) // Escape
	if isOpen("admin-menu") {
		t.Error("Escape left the Administration menu open")
	}
	if got := active(); got != "summary||Administration" {
		t.Errorf("after Escape, focus is on %q, want the menu's summary", got)
	}

	// Focus leaving an open menu closes it.
	if err := chromedp.Do(b, uiClick("#admin-menu > summary")); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b, chromedp.Focus(chromedp.CSS("#nav-scorecards"))); err != nil {
		t.Fatal(err)
	}
	if isOpen("admin-menu") {
		t.Error("focus went elsewhere and the Administration menu stayed open")
	}
}

// Edit User shows its User Activity section on its own tab only (it sat
// under every tab: the panel is outside the form the tab styles keyed on).
func TestBrowserEditUserActivityOnItsTab(t *testing.T) {
	e := newSQLiteEnv(t)
	in := e.instance("ACME", "Acme")
	_, m := e.member(in, "admin@example.org", access.PresetAdministration)
	b := a11yBrowser(t)
	uiSignIn(t, b, e.srv.URL, "admin@example.org", testkit.Password)
	uiWait(t, b, "#dashboard-code")
	if err := chromedp.Do(b, chromedp.Navigate(e.srv.URL+"/i/ACME/admin/users/"+strconv.FormatInt(m.ID, 10))); err != nil {
		t.Fatal(err)
	}
	checkAxe(t, b, "Edit User")
	uiWait(t, b, "#user-form")
	visible := func(id string) bool {
		t.Helper()
		v, err := chromedp.Run(b, chromedp.Evaluate[bool](`document.getElementById("`+id+`").offsetParent !== null`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if !visible("general") || visible("activity") {
		t.Errorf("first tab: general shown %v, activity shown %v; want only general", visible("general"), visible("activity"))
	}
	clickTab := func(sel string) {
		t.Helper()
		if err := chromedp.Do(b, uiClick(sel)); err != nil {
			t.Fatal(err)
		}
	}
	clickTab(`#user-form [data-tabs] a[href="#activity"]`)
	if visible("general") || !visible("activity") {
		t.Errorf("activity tab: general shown %v, activity shown %v; want only activity", visible("general"), visible("activity"))
	}
}
