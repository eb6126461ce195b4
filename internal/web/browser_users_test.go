package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/mail"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
	"yardstick/internal/web"
)

// newMailEnv is an env whose mail really goes out: the app wakes a mail
// worker that delivers the outbox over SMTP to a test server, as the
// running service does. The worker stops when the test ends.
func newMailEnv(t *testing.T) (*env, *testkit.SMTPServer) {
	t.Helper()
	db := testkit.NewSQLite(t)
	smtp := testkit.StartSMTP(t)
	sender, err := mail.NewSMTPSender(smtp.URL(), "Yardstick <noreply@yardstick.test>")
	if err != nil {
		t.Fatalf("smtp sender: %v", err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	worker := &mail.Worker{Store: db.Store, Sender: sender, Log: log, Poll: 200 * time.Millisecond}
	runCtx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := worker.Run(runCtx); err != nil {
			t.Errorf("mail worker: %v", err)
		}
	}()
	t.Cleanup(func() { stop(); <-done })

	e := &env{t: t, db: db, store: db.Store}
	e.app = app.New(db.Store, app.Config{BaseURL: "http://yardstick.test", SessionIdle: 120 * time.Minute}, log, worker.Wake)
	e.web = web.New(e.app, web.Config{BaseURL: "http://yardstick.test", QuietRequests: true}, log)
	e.srv = httptest.NewServer(e.web)
	t.Cleanup(e.srv.Close)
	return e, smtp
}

// TestBrowserUsersJourney is the users administration journey of the
// issue, in two browsers: an administrator adds a user, the welcome mail
// arrives over SMTP, the new user signs in with its temporary password and
// chooses a password; the administrator makes them Data Entry on one
// scorecard, which is all they then see; the administrator deactivates
// them and their open session ends. Every step is a click or typed keys.
func TestBrowserUsersJourney(t *testing.T) {
	e, smtp := newMailEnv(t)
	in := e.instance("ACME", "Acme Community Partners")
	adminAcct, _ := e.member(in, "admin@example.org", access.PresetAdministration)
	actor, err := e.app.ActorFor(ctx, app.Session{Account: adminAcct}, "ACME", app.Client{})
	if err != nil {
		t.Fatalf("admin actor: %v", err)
	}
	types, err := e.app.Types(ctx, actor, "")
	if err != nil {
		t.Fatal(err)
	}
	var resultType int64
	for _, ty := range types {
		if ty.Name == "Result" {
			resultType = ty.ID
		}
	}
	freqs, err := e.app.Frequencies(ctx, actor)
	if err != nil || len(freqs) == 0 {
		t.Fatalf("frequencies: %v %v", freqs, err)
	}
	scorecards := map[string]model.Scorecard{}
	for _, sc := range []struct{ title, result string }{
		{"Community Scorecard", "All families are economically secure"},
		{"Board Scorecard", "The organization is financially sound"},
	} {
		s, err := e.app.CreateScorecard(ctx, actor, app.ScorecardInput{Title: sc.title})
		if err != nil {
			t.Fatalf("create %s: %v", sc.title, err)
		}
		if _, err := e.app.CreateObject(ctx, actor, app.ObjectInput{Kind: model.KindContainer, TypeID: resultType, Title: sc.result,
			Decimals: "0", Polarity: "higher", FrequencyID: freqs[0].ID}, app.Placement{ScorecardID: s.ID}); err != nil {
			t.Fatalf("result on %s: %v", sc.title, err)
		}
		scorecards[sc.title] = s
	}

	admin := a11yBrowser(t)
	// Every page the administrator saw, to check that the temporary
	// password never reached them.
	var adminPages []string
	saw := func() {
		t.Helper()
		html, err := chromedp.Run(admin, chromedp.Evaluate[string](`document.documentElement.outerHTML`))
		if err != nil {
			t.Fatalf("read the admin's page: %v", err)
		}
		adminPages = append(adminPages, html)
	}

	// 1. The administrator adds the user from Administration → Users.
	uiSignIn(t, admin, e.srv.URL, "admin@example.org", testkit.Password)
	uiWait(t, admin, "#dashboard-code")
	saw()
	if err := chromedp.Do(admin, uiClick("#admin-menu > summary")); err != nil {
		t.Fatalf("open the Administration menu: %v", err)
	}
	uiFollow(t, admin, `//details[@id="admin-menu"]//a[normalize-space()="Users"]`, http.StatusOK)
	uiWait(t, admin, "#user-list")
	saw()
	uiFollow(t, admin, "#add-new-user", http.StatusOK)
	uiWait(t, admin, "#user-new-form")
	saw()
	uiType(t, admin, `#user-new-form input[name=email]`, "newbie@example.org")
	uiType(t, admin, `#user-new-form input[name=first_name]`, "Nora")
	uiType(t, admin, `#user-new-form input[name=last_name]`, "Newbie")
	if err := chromedp.Do(admin, uiClick(`#user-new-form input[name=role][value=User]`)); err != nil {
		t.Fatalf("choose the User role: %v", err)
	}
	testkit.Screenshot(t, admin, "add-user-form")
	uiFollow(t, admin, `#user-new-form button[type=submit]`, http.StatusOK)
	// Both add forms end on the list with the same answer, whether or not
	// the address had an account.
	uiWait(t, admin, "#user-list")
	if got := testkit.Text(t, admin, ".flash"); !strings.Contains(got, "We sent an email to newbie@example.org.") {
		t.Errorf("after adding, the list says %q", got)
	}
	uiFollow(t, admin, `//tr[td[normalize-space()="newbie@example.org"]]//a[normalize-space()="Edit"]`, http.StatusOK)
	uiWait(t, admin, "#user-form")
	saw()
	if got, want := testkit.Text(t, admin, "#user-role"), access.PresetPresenter; got != want {
		t.Errorf("a new User's role on the Edit page is %q, want %q", got, want)
	}
	testkit.Screenshot(t, admin, "users-added")

	// 2. The welcome mail, as the SMTP server received it.
	msgs := smtp.WaitFor(t, 1, 10*time.Second)
	welcome := msgs[0]
	if !slices.Equal(welcome.To, []string{"newbie@example.org"}) {
		t.Errorf("welcome mail to %v, want newbie@example.org", welcome.To)
	}
	if want := "Sign in at: http://yardstick.test/login"; !strings.Contains(welcome.Body, want) {
		t.Errorf("welcome mail body lacks %q:\n%s", want, welcome.Body)
	}
	if !strings.Contains(welcome.Body, "Username: newbie@example.org") {
		t.Errorf("welcome mail body lacks the username:\n%s", welcome.Body)
	}
	temp := testkit.FindAfter(welcome.Body, "Temporary password:")
	if temp == "" {
		t.Fatalf("welcome mail has no temporary password:\n%s", welcome.Body)
	}
	if len(temp) < 12 {
		t.Errorf("temporary password %d characters long, want a high-entropy one", len(temp))
	}

	// 3. The new user, in a browser of their own, must replace it.
	user := a11yBrowser(t)
	uiSignIn(t, user, e.srv.URL, "newbie@example.org", temp)
	uiWait(t, user, "#forced-change")
	if got, want := tabPath(t, user), "/account/password"; got != want {
		t.Errorf("signed in with the temporary password, landed on %s, want %s", got, want)
	}
	if got := testkit.Text(t, user, "#forced-change"); !strings.Contains(got, "temporary password") {
		t.Errorf("forced change notice reads %q", got)
	}
	const newPassword = "violet harbor pencil thunder"
	uiType(t, user, `#password-form input[name=password]`, newPassword)
	uiType(t, user, `#password-form input[name=confirm]`, newPassword)
	testkit.Screenshot(t, user, "forced-change")
	uiFollow(t, user, `#password-form button[type=submit]`, http.StatusOK)
	uiWait(t, user, "#dashboard-code")
	if got, want := tabPath(t, user), "/i/ACME/"; got != want {
		t.Errorf("after choosing a password the new user is on %s, want %s", got, want)
	}
	testkit.Screenshot(t, user, "new-user-dashboard")

	// 4. The administrator makes them Data Entry on the Community Scorecard,
	// starting from the users list.
	if err := chromedp.Do(admin, uiClick("#admin-menu > summary")); err != nil {
		t.Fatalf("open the Administration menu: %v", err)
	}
	uiFollow(t, admin, `//details[@id="admin-menu"]//a[normalize-space()="Users"]`, http.StatusOK)
	row := `//table[@id="user-list"]/tbody/tr[td[normalize-space()="newbie@example.org"]]`
	uiWait(t, admin, row)
	saw()
	uiFollow(t, admin, row+`//a[normalize-space()="Edit"]`, http.StatusOK)
	uiWait(t, admin, "#user-form")
	saw()
	if got := testkit.Text(t, admin, "main h1"); !strings.Contains(got, "Nora Newbie") {
		t.Errorf("Edit User heading %q, want the member's name", got)
	}
	if err := chromedp.Do(admin, uiClick(`#presets button[value="Data Entry"]`)); err != nil {
		t.Fatalf("click the Data Entry preset: %v", err)
	}
	if got, want := testkit.Text(t, admin, "#user-role"), access.PresetDataEntry; got != want {
		t.Errorf("after the preset the role reads %q, want %q", got, want)
	}
	if err := chromedp.Do(admin, uiClick(`#user-tabs a[href="#scorecards"]`)); err != nil {
		t.Fatalf("open the Scorecards tab: %v", err)
	}
	uiWait(t, admin, "#scorecard-options")
	if n := uiCount(t, admin, `#scorecard-options input[name=scorecard]:checked`); n != 0 {
		t.Errorf("a new member has %d scorecards ticked, want none", n)
	}
	if err := chromedp.Do(admin, uiClick(`//ul[@id="scorecard-options"]//label[normalize-space()="Community Scorecard"]/input`)); err != nil {
		t.Fatalf("tick Community Scorecard: %v", err)
	}
	uiFollow(t, admin, "#user-save", http.StatusOK)
	uiWait(t, admin, "#user-form")
	saw()
	if got := testkit.Text(t, admin, "main .flash"); !strings.Contains(got, "Saved") {
		t.Errorf("after Save the flash reads %q", got)
	}
	// Save comes back to the tab it was clicked on (Scorecards), so the
	// role, on General, is read from the markup rather than as shown.
	if got := tabPath(t, admin); !editUserPath.MatchString(got) {
		t.Errorf("after Save the tab shows %s, want the Edit User page", got)
	}
	role, err := chromedp.Run(admin, chromedp.Evaluate[string](`document.querySelector('#user-role').textContent.trim()`))
	if err != nil {
		t.Fatal(err)
	}
	if want := access.PresetDataEntry; role != want {
		t.Errorf("after Save the role reads %q, want %q", role, want)
	}
	if shown, err := chromedp.Run(admin, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#user-form [data-tab]')].filter(p => p.offsetParent !== null).map(p => p.id)`)); err != nil {
		t.Fatal(err)
	} else if !slices.Equal(shown, []string{"scorecards"}) {
		t.Errorf("after Save the sections shown are %v, want the Scorecards tab Save was clicked on", shown)
	}
	ticked, err := chromedp.Run(admin, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll('#scorecard-options input[name=scorecard]:checked')].map(c => c.closest('label').textContent.trim())`))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ticked, []string{"Community Scorecard"}) {
		t.Errorf("after Save the ticked scorecards are %v, want [Community Scorecard]", ticked)
	}
	testkit.Screenshot(t, admin, "edit-user-saved")

	uiFollow(t, admin, `//main//a[normalize-space()="Users"]`, http.StatusOK)
	uiWait(t, admin, row)
	saw()
	cells, err := chromedp.Run(admin, chromedp.Evaluate[[]string](`(() => {
		const tr = [...document.querySelectorAll('#user-list tbody tr')].find(r => r.cells[0].innerText.trim() === 'newbie@example.org');
		return tr ? [...tr.cells].map(td => td.innerText.replace(/\s+/g, ' ').trim()) : [];
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if len(cells) < 6 {
		t.Fatalf("the users list row of the new member: %q", cells)
	}
	if got, want := cells[1], "Nora Newbie"; got != want {
		t.Errorf("users list name %q, want %q", got, want)
	}
	if got, want := cells[3], access.PresetDataEntry; got != want {
		t.Errorf("users list role %q, want %q", got, want)
	}
	if got, want := cells[4], strconv.Itoa(len(access.MustPreset(access.PresetDataEntry).Keys()))+" of "+strconv.Itoa(len(access.All)); got != want {
		t.Errorf("users list permissions %q, want %q", got, want)
	}
	if got, want := cells[5], "Active"; got != want {
		t.Errorf("users list status %q, want %q", got, want)
	}
	if cells[2] == "Never" {
		t.Errorf("the new member signed in, yet last activity reads %q", cells[2])
	}
	testkit.Screenshot(t, admin, "users-list")

	// 5. The new user sees the Community Scorecard only.
	uiFollow(t, user, "#nav-scorecards", http.StatusOK)
	uiWait(t, user, "#scorecard-list")
	titles, err := chromedp.Run(user, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#scorecard-list a')].map(a => a.textContent.trim())`))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(titles, []string{"Community Scorecard"}) {
		t.Errorf("the new user's scorecards: %v, want [Community Scorecard]", titles)
	}
	testkit.Screenshot(t, user, "new-user-scorecards")
	uiFollow(t, user, `//ul[@id="scorecard-list"]//a[normalize-space()="Community Scorecard"]`, http.StatusOK)
	if got, want := testkit.Text(t, user, "#scorecard-title"), "Community Scorecard"; got != want {
		t.Errorf("opened the Community Scorecard, the page is titled %q", got)
	}
	board := e.srv.URL + "/i/ACME/scorecards/" + strconv.FormatInt(scorecards["Board Scorecard"].ID, 10)
	res, err := chromedp.RunResponse(user, chromedp.Navigate(board))
	if err != nil {
		t.Fatalf("open %s: %v", board, err)
	}
	checkAxe(t, user, "board")
	if got, want := res.Status, int64(http.StatusNotFound); got != want {
		t.Errorf("the Board Scorecard's URL answered %d, want %d", got, want)
	}
	if got := testkit.Text(t, user, "main h1"); got != "Not found" {
		t.Errorf("the Board Scorecard's URL shows %q, want the Not found page", got)
	}
	testkit.Screenshot(t, user, "board-not-found")
	if body := testkit.Text(t, user, "main"); strings.Contains(body, "Board Scorecard") || strings.Contains(body, "financially sound") {
		t.Errorf("the 404 page gives the Board Scorecard away: %q", body)
	}
	// Back to a page of the instance, where the user stays while the
	// administrator acts.
	if err := chromedp.Do(user, chromedp.Navigate(e.srv.URL+"/i/ACME/"), chromedp.WaitVisible(chromedp.CSS("#dashboard-code"))); err != nil {
		t.Fatalf("back to the dashboard: %v", err)
	}
	checkAxe(t, user, "dashboard")

	// 6. The administrator deactivates them from the row menu, confirming
	// the browser's dialog.
	dialogCtx, stopDialogs := context.WithCancel(admin)
	defer stopDialogs()
	var (
		dialogMu  sync.Mutex
		dialogMsg []string
	)
	dialogs := chromedp.Events(dialogCtx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			dialogMu.Lock()
			dialogMsg = append(dialogMsg, string(ev.Type)+": "+ev.Message)
			dialogMu.Unlock()
			if _, err := chromedp.Call(dialogCtx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true}); err != nil && dialogCtx.Err() == nil {
				t.Errorf("accept the dialog: %v", err)
			}
		}
	}()
	if err := chromedp.Do(admin, uiClick(row+`//details[contains(@class,"row-menu")]/summary`)); err != nil {
		t.Fatalf("open the row menu: %v", err)
	}
	uiWait(t, admin, row+`//button[normalize-space()="Deactivate"]`)
	testkit.Screenshot(t, admin, "row-menu")
	uiFollow(t, admin, row+`//button[normalize-space()="Deactivate"]`, http.StatusOK)
	stopDialogs()
	dialogMu.Lock()
	gotDialogs := slices.Clone(dialogMsg)
	dialogMu.Unlock()
	if len(gotDialogs) != 1 || !strings.HasPrefix(gotDialogs[0], "confirm: Deactivate Nora Newbie (newbie@example.org)?") {
		t.Errorf("dialogs while deactivating: %q, want one confirm naming the member", gotDialogs)
	}
	uiWait(t, admin, "#user-list")
	saw()
	if got := testkit.Text(t, admin, "main .flash"); !strings.Contains(got, "deactivated") {
		t.Errorf("after deactivating the flash reads %q", got)
	}
	status, err := chromedp.Run(admin, chromedp.Evaluate[string](`(() => {
		const tr = [...document.querySelectorAll('#user-list tbody tr')].find(r => r.cells[0].innerText.trim() === 'newbie@example.org');
		return tr ? tr.cells[5].innerText.trim() + '|' + tr.className + '|' + (tr.querySelector('a.button').getAttribute('aria-disabled') || '') : '';
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "Inactive|inactive|true"; status != want {
		t.Errorf("the deactivated row reads status|class|edit disabled %q, want %q", status, want)
	}
	if got := testkit.Text(t, admin, "#user-counts"); !strings.HasPrefix(got, "1 active") || !strings.Contains(got, "2 total") {
		t.Errorf("user counts %q, want 1 active · 2 total", got)
	}
	testkit.Screenshot(t, admin, "deactivated")

	// 7. The new user's next click finds the session gone.
	uiFollow(t, user, "#nav-scorecards", http.StatusOK)
	uiWait(t, user, "#login-form")
	if got, want := tabPath(t, user), "/login"; got != want {
		t.Errorf("after deactivation the new user's next page is %s, want %s", got, want)
	}
	testkit.Screenshot(t, user, "session-ended")

	// The administrator never saw the temporary password.
	if len(adminPages) < 8 {
		t.Errorf("collected %d admin pages, want every step's", len(adminPages))
	}
	for i, html := range adminPages {
		if strings.Contains(html, temp) {
			t.Errorf("admin page %d shows the temporary password", i)
		}
	}
}

// editUserPath is the path of a member's Edit User page in ACME.
var editUserPath = regexp.MustCompile(`^/i/ACME/admin/users/\d+$`)
