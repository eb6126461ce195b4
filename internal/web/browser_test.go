package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"yardstick/internal/access"
	"yardstick/internal/testkit"
)

// TestBrowserSignIn is the sign-in journey in a real browser: the start
// page sends a visitor to the form, a wrong password is refused on the
// form, the right one lands on the instance's dashboard with the instance
// named at the top right. The HTTP tests cover each step's status; this
// one shows the pages work together with cookies, redirects and the
// stylesheet as a person sees them.
func TestBrowserSignIn(t *testing.T) {
	e := newSQLiteEnv(t)
	in := e.instance("GREEN", "Green Valley Partners")
	e.member(in, "ada@example.org", access.PresetAdministration)
	ctx := a11yBrowser(t)

	// Start where a person would: the root, not /login, so the redirect
	// for a signed-out visitor is part of the journey.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(e.srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS("#login-form")),
	); err != nil {
		t.Fatalf("open %s/: %v", e.srv.URL, err)
	}
	checkAxe(t, ctx, "sign-in form")
	if got, want := tabPath(t, ctx), "/login"; got != want {
		t.Errorf("signed out, / led to %s, want %s", got, want)
	}

	// Typed keys and a real click, not form values set by script, so the
	// inputs' names, the button and the form's action are what is tested.
	res, err := chromedp.RunResponse(ctx,
		chromedp.SendKeys(chromedp.CSS(`#login-form input[name=email]`), "ada@example.org"),
		chromedp.SendKeys(chromedp.CSS(`#login-form input[name=password]`), "not the password"),
		chromedp.Click(chromedp.CSS(`#login-form button[type=submit]`)),
	)
	if err != nil {
		t.Fatalf("submit wrong password: %v", err)
	}
	checkAxe(t, ctx, "wrong password")
	if got, want := res.Status, int64(http.StatusUnprocessableEntity); got != want {
		t.Errorf("wrong password: status %d, want %d", got, want)
	}
	if got, want := testkit.Text(t, ctx, `.form-error[role=alert]`), "The email or password is not correct."; got != want {
		t.Errorf("wrong password: form message %q, want %q", got, want)
	}
	// The email is kept so only the password needs typing again; the
	// password is not echoed back into the page.
	email, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#login-form input[name=email]`)))
	if err != nil {
		t.Fatal(err)
	}
	if email != "ada@example.org" {
		t.Errorf("after a wrong password the email field holds %q, want it kept", email)
	}
	pw, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#login-form input[name=password]`)))
	if err != nil {
		t.Fatal(err)
	}
	if pw != "" {
		t.Errorf("after a wrong password the password field holds %q, want it empty", pw)
	}
	testkit.Screenshot(t, ctx, "login-error")

	res, err = chromedp.RunResponse(ctx,
		chromedp.SendKeys(chromedp.CSS(`#login-form input[name=password]`), testkit.Password),
		chromedp.Click(chromedp.CSS(`#login-form button[type=submit]`)),
	)
	if err != nil {
		t.Fatalf("submit right password: %v", err)
	}
	checkAxe(t, ctx, "dashboard")
	if got, want := res.Status, int64(http.StatusOK); got != want {
		t.Errorf("dashboard: status %d, want %d", got, want)
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#dashboard-code"))); err != nil {
		t.Fatalf("dashboard did not appear: %v", err)
	}
	// A member of a single instance goes straight to its dashboard.
	if got, want := tabPath(t, ctx), "/i/GREEN/"; got != want {
		t.Errorf("signed in, landed on %s, want %s", got, want)
	}
	current := testkit.Text(t, ctx, "#current-instance")
	for _, want := range []string{"Green Valley Partners", "GREEN"} {
		if !strings.Contains(current, want) {
			t.Errorf("#current-instance shows %q, want it to contain %q", current, want)
		}
	}
	if got, want := testkit.Text(t, ctx, "#current-instance .instance-code"), "GREEN"; got != want {
		t.Errorf("instance code badge %q, want %q", got, want)
	}

	// "Top right" is a layout promise the markup alone cannot keep: it
	// holds only if the stylesheet loaded and applied, so measure it.
	box, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
		Top, Right, Width float64
	}](`(() => {
		const r = document.querySelector('#current-instance').getBoundingClientRect();
		return {Top: r.top, Right: r.right, Width: document.documentElement.clientWidth};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if box.Top > 60 || box.Width-box.Right > 40 {
		t.Errorf("#current-instance at top %.0f, %.0f px from the right edge of a %.0f px page; want it in the top right corner",
			box.Top, box.Width-box.Right, box.Width)
	}
	testkit.Screenshot(t, ctx, "dashboard")

	// The account menu is a <details>, so it opens without JavaScript; it
	// is where a signed-in person sees who they are signed in as.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("#account-menu > summary")),
		chromedp.WaitVisible(chromedp.CSS("#account-menu > ul")),
	); err != nil {
		t.Fatalf("open account menu: %v", err)
	}
	if menu := testkit.Text(t, ctx, "#account-menu > ul"); !strings.Contains(menu, "ada@example.org") || !strings.Contains(menu, "Sign out") {
		t.Errorf("account menu shows %q, want the email and Sign out", menu)
	}
	testkit.Screenshot(t, ctx, "account-menu")
}

// tabPath is the path of the tab's current URL.
func tabPath(t *testing.T, ctx context.Context) string {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatalf("location: %v", err)
	}
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatalf("location %q: %v", loc, err)
	}
	return u.Path
}
