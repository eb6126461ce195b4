package web_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
)

// TestBrowserSettings is issue 18's journey in Chromium: an administrator
// uploads a logo, writes an administrator message in the notes editor on
// General Settings, and renames "Result" to "Goal" on Common Terms; the
// dashboard and a scorecard page then show the logo, the message and the
// new word. Every page is checked with axe; screenshots are kept.
func TestBrowserSettings(t *testing.T) {
	e, _, sc, _ := newGreenCommunity(t)
	logo := filepath.Join(t.TempDir(), "logo.png")
	if err := os.WriteFile(logo, testPNG(t, 480, 120), 0o600); err != nil {
		t.Fatal(err)
	}

	bctx := a11yBrowser(t)
	uiSignIn(t, bctx, e.srv.URL, "ada@example.org", testkit.Password)
	uiWait(t, bctx, "#dashboard-code")

	// The Administration page, then General Settings.
	open(t, bctx, &fixture{e: e}, "/i/GREEN/admin")
	checkAxe(t, bctx, "Administration page")
	uiFollow(t, bctx, `//section[@id="admin-pages"]//a[text()="General Settings"]`, http.StatusOK)
	uiWait(t, bctx, "trix-editor#f-message")
	if err := chromedp.Do(bctx, chromedp.SetUploadFiles(chromedp.CSS(`input[name=logo]`), []string{logo})); err != nil {
		t.Fatal(err)
	}
	uiFollow(t, bctx, "#upload-logo", http.StatusOK)
	uiWait(t, bctx, "#logo-preview")
	uiWait(t, bctx, "trix-editor#f-message")
	if err := chromedp.Do(bctx, chromedp.Click(chromedp.CSS("trix-editor#f-message"))); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(bctx, chromedp.SendKeys(chromedp.CSS("trix-editor#f-message"), "Our mission: every child ready for school.")); err != nil {
		t.Fatal(err)
	}
	trixWait(t, bctx, `ed.getDocument().toString().includes("every child ready")`, "the message")
	checkAxe(t, bctx, "General Settings with a logo and a message")
	testkit.Screenshot(t, bctx, "general-settings")
	uiFollow(t, bctx, "#save-settings", http.StatusOK)
	if txt := testkit.Text(t, bctx, "#status-message"); !strings.Contains(txt, "saved") {
		t.Errorf("after saving: %q", txt)
	}

	// Common Terms: Result → Goal.
	open(t, bctx, &fixture{e: e}, "/i/GREEN/admin/terms")
	checkAxe(t, bctx, "Common Terms")
	uiType(t, bctx, `input[name=result_one]`, "Goal")
	uiType(t, bctx, `input[name=result_many]`, "Goals")
	testkit.Screenshot(t, bctx, "common-terms")
	uiFollow(t, bctx, "#save-terms", http.StatusOK)

	// The dashboard: logo in the header, the message.
	open(t, bctx, &fixture{e: e}, "/i/GREEN/")
	checkAxe(t, bctx, "dashboard with logo and message")
	uiWait(t, bctx, "#instance-logo")
	if ok, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`(() => { const i = document.querySelector("#instance-logo"); return i.complete && i.naturalWidth === 480; })()`)); err != nil || !ok {
		t.Errorf("the header logo did not load (%v)", err)
	}
	if txt := testkit.Text(t, bctx, "#admin-message"); !strings.Contains(txt, "every child ready for school") {
		t.Errorf("dashboard message: %q", txt)
	}
	testkit.Screenshot(t, bctx, "dashboard-logo-message")

	// The scorecard page: the result's type reads "Goal", the add button
	// too; the title the member wrote stays.
	open(t, bctx, &fixture{e: e}, "/i/GREEN/scorecards/"+strconv.FormatInt(sc.ID, 10))
	checkAxe(t, bctx, "scorecard page with Goal")
	body := testkit.Text(t, bctx, "body")
	for _, want := range []string{"Add goal or program", "Children ready"} {
		if !strings.Contains(body, want) {
			t.Errorf("the scorecard page lacks %q", want)
		}
	}
	if label, _ := chromedp.Run(bctx, chromedp.Evaluate[string](`document.querySelector("#scorecard-tree svg.badge").getAttribute("aria-label")`)); label != "Goal" {
		t.Errorf("the result's badge says %q, want Goal", label)
	}
	if strings.Contains(body, "Result") {
		t.Error("the scorecard page still says Result")
	}
	testkit.Screenshot(t, bctx, "scorecard-goal")
}

// newGreenCommunity is the browser tests' instance GREEN with its
// administrator ada@example.org, the scorecard Community and the result
// "Children ready" on it.
func newGreenCommunity(t *testing.T) (*env, *app.Actor, model.Scorecard, model.Object) {
	t.Helper()
	e := newSQLiteEnv(t)
	in := e.instance("GREEN", "Green Valley Partners")
	acct, _ := e.member(in, "ada@example.org", access.PresetAdministration)
	admin, err := e.app.ActorFor(ctx, app.Session{Account: acct}, "GREEN", app.Client{})
	if err != nil {
		t.Fatal(err)
	}
	sc, err := e.app.CreateScorecard(ctx, admin, app.ScorecardInput{Title: "Community"})
	if err != nil {
		t.Fatal(err)
	}
	types, _ := e.app.Types(ctx, admin, "")
	var resultT int64
	for _, ty := range types {
		if ty.Name == "Result" {
			resultT = ty.ID
		}
	}
	r, err := e.app.CreateObject(ctx, admin, app.ObjectInput{Kind: model.KindContainer, TypeID: resultT, Title: "Children ready"}, app.Placement{ScorecardID: sc.ID})
	if err != nil {
		t.Fatal(err)
	}
	return e, admin, sc, r
}
