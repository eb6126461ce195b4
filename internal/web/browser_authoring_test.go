package web_test

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
)

// TestBrowserAuthoring is issue 28's journey in Chromium: an administrator
// locks a scorecard's structure (adding a measure is refused with the
// reason, entering data still works), chooses five columns, draws a
// forecast on the grid and sees it on the graph, drags a divider to the
// top, copies the scorecard as a
// template without data (it keeps the chosen columns), and stars the copy;
// the scores are switched on with the columns and their breakdown opened. Every page is checked with
// axe; screenshots are kept.
func TestBrowserAuthoring(t *testing.T) {
	e, admin, sc, box := newGreenCommunity(t)
	in := admin.Instance
	typeID, _ := strconv.ParseInt(e.typeID(in, "Indicator"), 10, 64)
	freq, _ := strconv.ParseInt(e.frequencyID(in, "Monthly"), 10, 64)
	m, err := e.app.CreateObject(ctx, admin, app.ObjectInput{Kind: model.KindMeasure, TypeID: typeID, Title: "Children enrolled",
		Decimals: "0", Polarity: "higher", FrequencyID: freq}, app.Placement{ParentID: box.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.AddDivider(ctx, admin, sc.ID, "Health"); err != nil {
		t.Fatal(err)
	}
	f := &fixture{e: e}
	scPath := "/i/GREEN/scorecards/" + strconv.FormatInt(sc.ID, 10)
	mPath := "/i/GREEN/objects/" + strconv.FormatInt(m.ID, 10)

	bctx := a11yBrowser(t)
	uiSignIn(t, bctx, e.srv.URL, "ada@example.org", testkit.Password)
	uiWait(t, bctx, "#dashboard-code")

	// 1. Lock the structure, with a reason.
	open(t, bctx, f, scPath)
	checkAxe(t, bctx, "the scorecard, unlocked")
	if err := uiCheck(bctx, `#lock input[name=lock_mode][value="structure"]`); err != nil {
		t.Fatal(err)
	}
	uiType(t, bctx, "#lock_reason", "Board review in March")
	uiFollow(t, bctx, "#lock button[type=submit]", http.StatusOK)
	uiWait(t, bctx, "#lock-notice")
	if txt := uiText(t, bctx, "#lock-notice"); !strings.Contains(txt, "structure locked") || !strings.Contains(txt, "Board review in March") {
		t.Errorf("lock notice: %q", txt)
	}
	// Nothing on the page offers to add to a structure-locked scorecard.
	if n := uiCount(t, bctx, `main a[href*="/objects/new"]`); n != 0 {
		t.Errorf("a structure-locked scorecard offers %d links to add content", n)
	}
	checkAxe(t, bctx, "a structure-locked scorecard")
	testkit.Screenshot(t, bctx, "authoring-locked")

	// A bookmarked "add a measure under it" is refused with the lock's name,
	// and nothing is created.
	open(t, bctx, f, "/i/GREEN/objects/new?kind=measure&parent="+strconv.FormatInt(box.ID, 10))
	checkAxe(t, bctx, "a new measure under the locked result")
	uiType(t, bctx, `#object-form input[name=title]`, "Families reached")
	uiFollow(t, bctx, `#object-form button[type=submit]`, http.StatusForbidden)
	if txt := uiText(t, bctx, "main"); !strings.Contains(txt, "Community") || !strings.Contains(txt, "locked") {
		t.Errorf("the refusal reads %q; want it to name the locked scorecard", txt)
	}
	checkAxe(t, bctx, "adding a measure under a locked structure, refused")
	testkit.Screenshot(t, bctx, "authoring-add-refused")
	if kids, err := e.app.Children(ctx, admin, box.ID); err != nil || len(kids) != 1 {
		t.Errorf("after the refusal the result has %d children (%v), want the one measure", len(kids), err)
	}

	// 2. Data entry stays open: an actual now, a forecast for the next period.
	open(t, bctx, f, mPath+"?later=1#data")
	checkAxe(t, bctx, "the measure with a future period")
	uiType(t, bctx, "#entry-period input[data-col=actual]", "40")
	next := `#entry-period + tr input[data-col=forecast]`
	uiType(t, bctx, next, "46")
	uiFollow(t, bctx, `#data-form button[type=submit]`, http.StatusOK)
	if got := uiAttr(t, bctx, "#entry-period input[data-col=actual]", "value"); got != "40" {
		t.Errorf("after saving, the entry period's actual is %q, want 40", got)
	}
	// The forecast is a dotted series of its own with a legend entry.
	if n := uiCount(t, bctx, "#measure-graph .series-forecast"); n != 1 {
		t.Errorf("the graph has %d forecast series, want 1", n)
	}
	if txt := uiText(t, bctx, "#measure-graph .legend"); !strings.Contains(txt, "Forecast") {
		t.Errorf("the graph's legend reads %q; want a Forecast entry", txt)
	}
	checkAxe(t, bctx, "a measure with a forecast")
	testkit.Screenshot(t, bctx, "authoring-forecast")

	// Unlock, then choose five columns in a new order.
	open(t, bctx, f, scPath)
	checkAxe(t, bctx, "the scorecard, locked")
	if err := uiCheck(bctx, `#lock input[name=lock_mode][value="normal"]`); err != nil {
		t.Fatal(err)
	}
	uiFollow(t, bctx, "#lock button[type=submit]", http.StatusOK)
	if n := uiCount(t, bctx, "#lock-notice"); n != 0 {
		t.Errorf("after unlocking the notice is still there")
	}
	checkAxe(t, bctx, "the scorecard, unlocked again")
	// Drag the divider above the result: app.js posts the move.
	firstRow := func() string {
		t.Helper()
		return uiText(t, bctx, "#scorecard-tree tbody tr[data-move] th")
	}
	if got := firstRow(); !strings.Contains(got, "Children ready") {
		t.Fatalf("the first top-level row is %q, want the result", got)
	}
	if _, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`(() => {
		const rows = document.querySelectorAll("#scorecard-tree tbody tr[data-move]"), from = rows[rows.length - 1], to = rows[0];
		const dt = new DataTransfer(), top = to.getBoundingClientRect().top + 1;
		from.dispatchEvent(new DragEvent("dragstart", {bubbles: true, dataTransfer: dt}));
		to.dispatchEvent(new DragEvent("dragover", {bubbles: true, cancelable: true, dataTransfer: dt, clientY: top}));
		to.dispatchEvent(new DragEvent("drop", {bubbles: true, cancelable: true, dataTransfer: dt, clientY: top}));
		return true;
	})()`)); err != nil {
		t.Fatalf("drag: %v", err)
	}
	uiWait(t, bctx, "#scorecard-tree tbody tr.divider:first-child")
	checkAxe(t, bctx, "the scorecard after dragging the divider")
	if got := firstRow(); got != "Health" {
		t.Errorf("after dragging, the first top-level row is %q, want the divider Health", got)
	}
	open(t, bctx, f, scPath+"/edit")
	chosen := []string{app.ColActual, app.ColForecast, app.ColTarget, app.ColTrend, app.ColPeriod}
	for _, c := range app.Columns {
		pos := slices.Index(chosen, c.ID) + 1
		if err := chromedp.Do(bctx, chromedp.SetValue("#col_"+c.ID, strconv.Itoa(pos))); err != nil {
			t.Fatal(err)
		}
	}
	// Accountability scores on, in the same form.
	if err := uiCheck(bctx, "#scores_on"); err != nil {
		t.Fatal(err)
	}
	checkAxe(t, bctx, "the scorecard's edit form with columns")
	uiFollow(t, bctx, `#scorecard-form button[type=submit]`, http.StatusOK)
	uiWait(t, bctx, "#scorecard-scores")
	if txt := uiText(t, bctx, "#scorecard-scores summary"); !strings.Contains(txt, "Engagement") || !strings.Contains(txt, "Impact") {
		t.Errorf("the header's scores read %q", txt)
	}
	if err := chromedp.Do(bctx, chromedp.Click(chromedp.CSS("#scorecard-scores summary"))); err != nil {
		t.Fatal(err)
	}
	uiWait(t, bctx, "#scorecard-engagement-table")
	testkit.Screenshot(t, bctx, "authoring-scores-breakdown")
	checkAxe(t, bctx, "the scorecard with five columns")
	// The title, the chosen columns in their order, the row menu.
	heads := uiTexts(t, bctx, "#scorecard-tree thead th")
	if len(heads) != 2+len(chosen) {
		t.Fatalf("the tree's header is %q; want the title, %d chosen columns and the row menu", heads, len(chosen))
	}
	if want := []string{"Actual", "Forecast", "Target", "Trend", "Period"}; !slices.Equal(heads[1:1+len(chosen)], want) {
		t.Errorf("the chosen columns read %q, want %q", heads[1:1+len(chosen)], want)
	}
	testkit.Screenshot(t, bctx, "authoring-columns")

	// 3. Copy as a template without data.
	uiFollow(t, bctx, "#copy-link", http.StatusOK)
	checkAxe(t, bctx, "the copy form")
	uiType(t, bctx, "#copy-form input[name=title]", "Community template")
	if err := uiCheck(bctx, `#copy-form input[name=data][value="none"]`); err != nil {
		t.Fatal(err)
	}
	uiFollow(t, bctx, "#copy-form button[type=submit]", http.StatusOK)
	uiWait(t, bctx, "#copy-preview")
	checkAxe(t, bctx, "the copy's preview")
	if txt := uiText(t, bctx, "#copy-preview"); !strings.Contains(txt, "Measures: 1 created") {
		t.Errorf("the preview reads %q; want it to create the one measure", txt)
	}
	uiFollow(t, bctx, "#copy-confirm button[type=submit]", http.StatusOK)
	if txt := uiText(t, bctx, "h1"); !strings.Contains(txt, "Community template") {
		t.Fatalf("after the copy the page is %q", txt)
	}
	checkAxe(t, bctx, "the template")
	copyPath := tabPath(t, bctx)
	if copyPath == scPath {
		t.Fatalf("the copy opened the original")
	}
	// The template has the tree and the chosen columns, but no values.
	if got := uiTexts(t, bctx, "#scorecard-tree thead th"); !slices.Equal(got, heads) {
		t.Errorf("the copy's columns are %q, want the original's %q", got, heads)
	}
	if txt := uiText(t, bctx, "#scorecard-tree tbody"); strings.Contains(txt, "40") || strings.Contains(txt, "46") {
		t.Errorf("the template carries values: %q", txt)
	}

	// 4. Star the copy; the dashboard lists it first among favourites.
	uiFollow(t, bctx, "#star", http.StatusOK)
	if got := uiAttr(t, bctx, "#star", "aria-pressed"); got != "true" {
		t.Errorf("after starring, #star is aria-pressed=%q", got)
	}
	checkAxe(t, bctx, "the starred template")
	testkit.Screenshot(t, bctx, "authoring-starred-copy")
	open(t, bctx, f, "/i/GREEN/scorecards")
	checkAxe(t, bctx, "the Scorecards list with a favourite")
	if got := uiTexts(t, bctx, "#favorite-scorecards a"); !slices.Equal(got, []string{"Community template"}) {
		t.Errorf("the Scorecards list's favourites read %q; want the starred template", got)
	}
}
