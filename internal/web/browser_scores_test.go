package web_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
)

// TestBrowserScores is the accountability scores and the Instance
// dashboard in Chromium (issue 28, points 7 and 8): an administrator
// switches scores on in a scorecard's settings, sees them on its header
// and on the Scorecards list, opens their breakdown with the keyboard,
// and opens Administration → Instance dashboard. Every page and opened
// breakdown is checked with axe; screenshots are kept.
func TestBrowserScores(t *testing.T) {
	e, admin, sc, result := newGreenCommunity(t)
	// Two measures: one with a note, data and a forecast (the clock is
	// testkit.Epoch, March 2026), one with nothing.
	types, _ := e.app.Types(ctx, admin, "")
	freqs, _ := e.app.Frequencies(ctx, admin)
	var indicator int64
	for _, ty := range types {
		if ty.Name == "Indicator" {
			indicator = ty.ID
		}
	}
	var ms []model.Object
	for _, title := range []string{"Children reading at grade level", "Families with a medical home"} {
		m, err := e.app.CreateObject(ctx, admin, app.ObjectInput{Kind: model.KindMeasure, TypeID: indicator, Title: title, Decimals: "0",
			Polarity: "higher", FrequencyID: freqs[0].ID}, app.Placement{ParentID: result.ID})
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	if _, err := e.app.SaveData(ctx, admin, ms[0].ID, []app.DataEntry{{PeriodKey: "2026-01-01", Actual: "40"},
		{PeriodKey: "2026-02-01", Actual: "44"}, {PeriodKey: "2026-04-01", Forecast: "46"}}); err != nil {
		t.Fatal(err)
	}
	notes, _ := e.app.NoteTypes(ctx, admin)
	e.db.Clock.Advance(60e9)
	if _, err := e.app.SaveNote(ctx, admin, app.OnObject, ms[0].ID, notes[1].ID, 0, "<div>Reading clubs opened in every school.</div>"); err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(sc.ID, 10)

	bctx := a11yBrowser(t)
	uiSignIn(t, bctx, e.srv.URL, "ada@example.org", testkit.Password)
	uiWait(t, bctx, "#dashboard-code")

	// Off until switched on.
	open(t, bctx, &fixture{e: e}, "/i/GREEN/scorecards/"+id)
	checkAxe(t, bctx, "scorecard without scores")
	if n := countOf(t, bctx, "#scorecard-scores"); n != 0 {
		t.Fatalf("scores shown before they are switched on")
	}
	uiFollow(t, bctx, `a[href$="/scorecards/`+id+`/edit"]`, http.StatusOK)
	uiWait(t, bctx, "#scorecard-scores-settings")
	if err := uiCheck(bctx, "#scores_on"); err != nil {
		t.Fatal(err)
	}
	testkit.Screenshot(t, bctx, "scores-settings")
	uiFollow(t, bctx, "#scorecard-form button[type=submit]", http.StatusOK)

	// The header: both scores, as numbers with their names. M1 meets every
	// factor, M2 none: 50 and 50.
	uiWait(t, bctx, "#scorecard-scores")
	if txt := testkit.Text(t, bctx, "#scorecard-scores summary"); !strings.Contains(txt, "Engagement 50") || !strings.Contains(txt, "Impact 50") {
		t.Errorf("header scores: %q", txt)
	}
	// The breakdown opens from the keyboard (a <details> disclosure).
	if err := chromedp.Do(bctx, chromedp.Focus(chromedp.CSS("#scorecard-scores summary"))); err != nil {
		t.Fatal(err)
	}
	uiKeys(t, bctx, kb.Enter)
	uiWait(t, bctx, "#scorecard-engagement-table")
	if txt := testkit.Text(t, bctx, "#scorecard-engagement-table"); !strings.Contains(txt, "1 of 2") || !strings.Contains(txt, "23.5") {
		t.Errorf("engagement breakdown: %q", txt)
	}
	checkAxe(t, bctx, "scorecard with its scores' breakdown open")
	testkit.Screenshot(t, bctx, "scores-header-breakdown")
	// Space closes it again, as for any disclosure.
	uiKeys(t, bctx, " ")
	if open, _ := chromedp.Run(bctx, chromedp.Evaluate[bool](`document.querySelector('#scorecard-scores').open`)); open {
		t.Errorf("the breakdown did not close with Space")
	}

	// The Scorecards list: the scores, linking to their breakdown.
	open(t, bctx, &fixture{e: e}, "/i/GREEN/scorecards")
	checkAxe(t, bctx, "Scorecards list with scores")
	key := "#sc-" + id + "-scores"
	uiWait(t, bctx, key)
	if txt := testkit.Text(t, bctx, key); !strings.Contains(txt, "Engagement 50") || !strings.Contains(txt, "Impact 50") {
		t.Errorf("list scores: %q", txt)
	}
	testkit.Screenshot(t, bctx, "scores-list")
	uiFollow(t, bctx, key, http.StatusOK)
	uiWait(t, bctx, "#scorecard-impact-table")
	if txt := testkit.Text(t, bctx, "#scorecard-impact-table"); !strings.Contains(txt, "60 %") || !strings.Contains(txt, "30") {
		t.Errorf("impact breakdown: %q", txt)
	}
	testkit.Screenshot(t, bctx, "scores-breakdown-page")

	// Administration → Instance dashboard.
	open(t, bctx, &fixture{e: e}, "/i/GREEN/admin")
	checkAxe(t, bctx, "Administration")
	uiFollow(t, bctx, `main a[href="/i/GREEN/admin/dashboard"]`, http.StatusOK)
	uiWait(t, bctx, "#dashboard-counts")
	for sel, want := range map[string]string{"#count-active": "1", "#count-scorecards": "1", "#count-containers": "1",
		"#count-measures": "2", "#count-values": "3", "#median-engagement": "50", "#median-impact": "50"} {
		if got := testkit.Text(t, bctx, sel); strings.TrimSpace(got) != want {
			t.Errorf("dashboard %s: %q, want %q", sel, got, want)
		}
	}
	// M2 was created in March, so nothing of it is overdue yet; M1 has
	// February. Nothing is listed.
	if txt := testkit.Text(t, bctx, "#dashboard-overdue"); !strings.Contains(txt, "is missing data") {
		t.Errorf("overdue: %q", txt)
	}
	checkAxe(t, bctx, "Instance dashboard")
	testkit.Screenshot(t, bctx, "instance-dashboard")
}

// countOf counts the elements matching a CSS selector.
func countOf(t *testing.T, ctx context.Context, sel string) int {
	t.Helper()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+jsLiteral(sel)+`).length`))
	if err != nil {
		t.Fatal(err)
	}
	return n
}
