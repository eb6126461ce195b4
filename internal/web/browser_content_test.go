package web_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"yardstick/internal/access"
	"yardstick/internal/demo"
	"yardstick/internal/testkit"
)

// TestBrowserScorecard is the builder's journey of the issue: "build a
// scorecard with a result, an indicator and a performance measure, enter
// three periods of data, see the graph and the coloured values". Every
// step is a click or typed keys on the page a person would use, so the
// links, the forms' fields and actions, and the redirects between them are
// what is tested; the HTTP tests cover each handler's rules.
func TestBrowserScorecard(t *testing.T) {
	e := newSQLiteEnv(t)
	in := e.instance("GREEN", "Green Valley Partners")
	e.member(in, "ada@example.org", access.PresetAdministration)
	ctx := a11yBrowser(t)

	uiSignIn(t, ctx, e.srv.URL, "ada@example.org", testkit.Password)
	uiWait(t, ctx, "#dashboard-code")

	// Scorecards from the header, then a new one.
	uiFollow(t, ctx, "#nav-scorecards", http.StatusOK)
	uiWait(t, ctx, "#scorecard-list")
	uiFollow(t, ctx, `//main//a[normalize-space()="New scorecard"]`, http.StatusOK)
	uiType(t, ctx, `#scorecard-form input[name=title]`, "Green Valley Community Scorecard")
	uiType(t, ctx, `#scorecard-form textarea[name=description]`, "How Green Valley's children and families are doing.")
	uiFollow(t, ctx, `#scorecard-form button[type=submit]`, http.StatusOK)
	if got, want := testkit.Text(t, ctx, "#scorecard-title"), "Green Valley Community Scorecard"; got != want {
		t.Fatalf("after saving the new scorecard the page is titled %q, want %q", got, want)
	}
	scorecardPath := tabPath(t, ctx)
	uiWait(t, ctx, "#empty-scorecard")

	// A result on it.
	uiFollow(t, ctx, `//main//a[normalize-space()="Add result or program"]`, http.StatusOK)
	uiChoose(t, ctx, `#object-form select[name=type]`, "Result")
	uiType(t, ctx, `#object-form input[name=title]`, "All children are ready for kindergarten")
	uiType(t, ctx, `#object-form input[name=tags]`, "early childhood, education")
	uiFollow(t, ctx, `#object-form button[type=submit]`, http.StatusOK)
	if got := tabPath(t, ctx); got != scorecardPath {
		t.Errorf("after saving the result the tab shows %s, want the scorecard %s", got, scorecardPath)
	}
	resultRow := `//table[@id="scorecard-tree"]//tr[contains(@class,"row-container")][.//a[normalize-space()="All children are ready for kindergarten"]]`
	uiWait(t, ctx, resultRow)

	// An indicator under the result, from the row's "+ measure".
	openRowMenu(t, ctx, resultRow)
	uiFollow(t, ctx, resultRow+`//a[normalize-space()="Add a measure under it"]`, http.StatusOK)
	uiChoose(t, ctx, `#object-form select[name=type]`, "Indicator")
	uiType(t, ctx, `#object-form input[name=title]`, "% of children ready for kindergarten")
	uiType(t, ctx, `#object-form textarea[name=description]`, "Share of incoming kindergartners assessed ready in every domain.")
	uiChoose(t, ctx, `#object-form select[name=frequency]`, "Quarterly")
	uiChoose(t, ctx, `#object-form select[name=polarity]`, "Higher is better")
	uiType(t, ctx, `#object-form input[name=unit]`, "%")
	uiClear(t, ctx, `#object-form input[name=decimals]`)
	uiType(t, ctx, `#object-form input[name=decimals]`, "1")
	uiType(t, ctx, `#object-form input[name=data_source]`, "School district fall assessment")
	testkit.Screenshot(t, ctx, "new-indicator-form")
	uiFollow(t, ctx, `#object-form button[type=submit]`, http.StatusOK)
	if got, want := testkit.Text(t, ctx, "#object-title"), "% of children ready for kindergarten"; got != want {
		t.Fatalf("after saving the indicator the page is titled %q, want %q", got, want)
	}
	if txt := testkit.Text(t, ctx, "#measure-graph"); !strings.Contains(txt, "No data yet") {
		t.Errorf("a new measure's graph reads %q, want it to say No data yet", txt)
	}

	// Three consecutive periods in the grid: below, near and above the
	// target, so the colours and the trend have something to show.
	rows := uiCount(t, ctx, `#data-grid tbody tr`)
	if rows < 3 {
		t.Fatalf("the data grid has %d rows, want at least 3", rows)
	}
	data := []struct{ actual, target, comment string }{
		{"70", "80", ""},
		{"78", "80", "New outreach at the libraries"},
		{"85", "80", ""},
	}
	var labels []string
	for i, d := range data {
		row := `#data-grid tbody tr:nth-child(` + strconv.Itoa(i+1) + `)`
		labels = append(labels, testkit.Text(t, ctx, row+` th`))
		uiType(t, ctx, row+` input[data-col=actual]`, d.actual)
		uiType(t, ctx, row+` input[data-col=target]`, d.target)
		if d.comment != "" {
			uiType(t, ctx, row+` input[name=comment]`, d.comment)
		}
	}
	testkit.Screenshot(t, ctx, "data-grid-filled")
	uiFollow(t, ctx, `//form[@id="data-form"]//button[normalize-space()="Save data"]`, http.StatusOK)

	// The page now draws the data.
	uiWait(t, ctx, "#measure-graph svg")
	if n := uiCount(t, ctx, `#measure-graph svg g.point .marker`); n < 3 {
		t.Errorf("the graph has %d point markers, want at least 3", n)
	}
	if n := uiCount(t, ctx, `#measure-graph svg .marker-green`); n < 1 {
		t.Errorf("the graph has %d green markers, want the 85%% period green", n)
	}
	if txt := testkit.Text(t, ctx, "#measure-graph"); strings.Contains(txt, "No data yet") {
		t.Errorf("with three periods of data the graph still says No data yet")
	}
	if got, want := testkit.Text(t, ctx, "#current-actual"), "85.0%"; got != want {
		t.Errorf("#current-actual shows %q, want %q", got, want)
	}
	if cls := uiAttr(t, ctx, "#current-actual", "class"); !strings.Contains(cls, "band-green") {
		t.Errorf("#current-actual has class %q, want band-green", cls)
	}
	summary := testkit.Text(t, ctx, "#measure-summary")
	for _, want := range []string{labels[2], "80.0%", "↑ 2", "+21.4%"} {
		if !strings.Contains(summary, want) {
			t.Errorf("the summary reads %q, want it to contain %q", summary, want)
		}
	}
	// What was typed is what the grid holds after the round trip.
	for i, d := range data {
		row := `#data-grid tbody tr:nth-child(` + strconv.Itoa(i+1) + `)`
		if got := uiValue(t, ctx, row+` input[data-col=actual]`); got != d.actual {
			t.Errorf("%s actual after saving: %q, want %q", labels[i], got, d.actual)
		}
		if got := uiValue(t, ctx, row+` input[name=comment]`); got != d.comment {
			t.Errorf("%s comment after saving: %q, want %q", labels[i], got, d.comment)
		}
	}
	testkit.Screenshot(t, ctx, "measure")

	// Back to the scorecard through the measure's "On scorecards" list.
	uiFollow(t, ctx, `//section[h2[normalize-space()="On scorecards"]]//a[normalize-space()="Green Valley Community Scorecard"]`, http.StatusOK)
	if got := tabPath(t, ctx); got != scorecardPath {
		t.Errorf("the On scorecards link led to %s, want %s", got, scorecardPath)
	}

	// A performance measure under the same result, with its RBA category.
	openRowMenu(t, ctx, resultRow)
	uiFollow(t, ctx, resultRow+`//a[normalize-space()="Add a measure under it"]`, http.StatusOK)
	uiChoose(t, ctx, `#object-form select[name=type]`, "Performance Measure")
	uiType(t, ctx, `#object-form input[name=title]`, "# of families attending reading circles")
	uiChoose(t, ctx, `#object-form select[name=frequency]`, "Monthly")
	uiChoose(t, ctx, `#object-form select[name=polarity]`, "Higher is better")
	uiChoose(t, ctx, `#object-form select[name=pm_category]`, "How much did we do?")
	uiType(t, ctx, `#object-form input[name=unit]`, "families")
	uiFollow(t, ctx, `#object-form button[type=submit]`, http.StatusOK)
	if got, want := testkit.Text(t, ctx, "#object-title"), "# of families attending reading circles"; got != want {
		t.Fatalf("after saving the performance measure the page is titled %q, want %q", got, want)
	}
	if head := testkit.Text(t, ctx, "main .page-head"); !strings.Contains(head, "Performance Measure") || !strings.Contains(head, "How much did we do?") {
		t.Errorf("the performance measure's heading reads %q, want its type and category", head)
	}
	uiFollow(t, ctx, `//section[h2[normalize-space()="On scorecards"]]//a[normalize-space()="Green Valley Community Scorecard"]`, http.StatusOK)

	// The scorecard: the result, its indicator with the coloured current
	// value and the columns, and the performance measure.
	uiWait(t, ctx, "#scorecard-tree")
	tree := uiRows(t, ctx)
	if len(tree) != 3 {
		t.Fatalf("the scorecard has %d rows (%v), want the result and its two measures", len(tree), tree)
	}
	wantKinds := []struct{ kind, title string }{
		{"row-container", "All children are ready for kindergarten"},
		{"row-measure", "% of children ready for kindergarten"},
		{"row-measure", "# of families attending reading circles"},
	}
	for i, w := range wantKinds {
		if !strings.Contains(tree[i].Class, w.kind) || !strings.Contains(tree[i].Cells[0], w.title) {
			t.Errorf("scorecard row %d is %q (%s), want %s %q", i, tree[i].Cells[0], tree[i].Class, w.kind, w.title)
		}
	}
	if tree[1].Parent != tree[0].ID || tree[2].Parent != tree[0].ID {
		t.Errorf("the measures' parents are %s and %s, want the result %s", tree[1].Parent, tree[2].Parent, tree[0].ID)
	}
	ind := tree[1]
	// Title, period, actual, target, variance, prior, trend, baseline change.
	// The actual also says its band in words for screen readers.
	wantCells := map[int]string{1: labels[2], 2: "85.0% (on target)", 3: "80.0%", 4: "+5.0%", 5: "78.0%", 6: "↑ 2 improving", 7: "+21.4%"}
	for i, want := range wantCells {
		if i >= len(ind.Cells) || ind.Cells[i] != want {
			t.Errorf("indicator row cell %d: %q, want %q (row %q)", i, at(ind.Cells, i), want, ind.Cells)
		}
	}
	if len(ind.Classes) < 3 || !strings.Contains(ind.Classes[2], "band-green") {
		t.Errorf("the indicator's actual cell has class %q, want band-green", at(ind.Classes, 2))
	}
	if len(ind.Classes) < 7 || !strings.Contains(ind.Classes[6], "trend") {
		t.Logf("the trend cell has class %q", at(ind.Classes, 6))
	}
	// The result's and the measures' badges tell the types apart.
	for i, want := range []string{"Result", "Indicator", "Performance Measure"} {
		if tree[i].Badge != want {
			t.Errorf("scorecard row %d badge title %q, want %q", i, tree[i].Badge, want)
		}
	}
	testkit.Screenshot(t, ctx, "scorecard")

	// The row menu's buttons post the page's one row-actions form: moving
	// the performance measure up puts it before the indicator, and
	// unlinking it takes it off the scorecard (it still exists).
	pmRow := `//table[@id="scorecard-tree"]//tr[.//a[normalize-space()="# of families attending reading circles"]]`
	openRowMenu(t, ctx, pmRow)
	uiFollow(t, ctx, pmRow+`//button[normalize-space()="Move up"]`, http.StatusOK)
	if got := tabPath(t, ctx); got != scorecardPath {
		t.Errorf("after Move up the tab shows %s, want the scorecard %s", got, scorecardPath)
	}
	moved := uiRows(t, ctx)
	if len(moved) != 3 || !strings.Contains(moved[1].Cells[0], "# of families") || !strings.Contains(moved[2].Cells[0], "% of children") {
		t.Errorf("after Move up the rows are %v, want the performance measure before the indicator", moved)
	}
	openRowMenu(t, ctx, pmRow)
	uiFollow(t, ctx, pmRow+`//button[normalize-space()="Unlink here"]`, http.StatusOK)
	if left := uiRows(t, ctx); len(left) != 2 {
		t.Errorf("after Unlink here the scorecard has %d rows (%v), want 2", len(left), left)
	}
}

// TestBrowserDemoScorecard loads the demo and looks at it as its
// administrator does on a first visit: the temporary password forces a
// new one, then the community scorecard and two of its measures whose
// colours follow other rules than "higher is better".
func TestBrowserDemoScorecard(t *testing.T) {
	e := newSQLiteEnv(t)
	res, err := demo.Load(ctx, e.app)
	if err != nil {
		t.Fatalf("load demo: %v", err)
	}
	if res.TempPassword == "" {
		t.Fatal("the demo returned no temporary password")
	}
	bctx := a11yBrowser(t)

	uiSignIn(t, bctx, e.srv.URL, res.AdminEmail, res.TempPassword)
	uiWait(t, bctx, "#forced-change")
	if got, want := tabPath(t, bctx), "/account/password"; got != want {
		t.Errorf("signed in with the temporary password, landed on %s, want %s", got, want)
	}
	const newPassword = "heron lantern copper meadow"
	uiType(t, bctx, `#password-form input[name=password]`, newPassword)
	uiType(t, bctx, `#password-form input[name=confirm]`, newPassword)
	uiFollow(t, bctx, `#password-form button[type=submit]`, http.StatusOK)
	uiWait(t, bctx, "#dashboard-code")
	if got, want := testkit.Text(t, bctx, "#dashboard-code"), demo.Code; got != want {
		t.Errorf("after choosing a password the dashboard is of %q, want %q", got, want)
	}

	uiFollow(t, bctx, "#nav-scorecards", http.StatusOK)
	uiFollow(t, bctx, `//ul[@id="scorecard-list"]//a[normalize-space()="Riverside Community Scorecard"]`, http.StatusOK)
	uiWait(t, bctx, "#scorecard-tree")
	rows := uiRows(t, bctx)
	var measures, colored int
	for _, r := range rows {
		if strings.Contains(r.Class, "row-measure") {
			measures++
			if len(r.Classes) > 2 && strings.Contains(r.Classes[2], "band-") {
				colored++
			}
		}
	}
	if measures < 6 || colored < measures/2 {
		t.Errorf("the demo scorecard has %d measure rows, %d with a coloured actual; want a full, coloured scorecard", measures, colored)
	}
	testkit.Screenshot(t, bctx, "demo-scorecard")

	// The tree collapses: the first result's toggle hides the rows under
	// it, and a second click shows them again.
	visible := func() int {
		n, err := chromedp.Run(bctx, chromedp.Evaluate[int](`[...document.querySelectorAll('#scorecard-tree tbody tr')].filter(r => r.offsetParent !== null).length`))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	all := visible()
	if _, err := chromedp.Run(bctx, chromedp.Click(chromedp.CSS(`#scorecard-tree tr.row-container button.toggle`))); err != nil {
		t.Fatalf("collapse: %v", err)
	}
	if collapsed := visible(); collapsed >= all-2 {
		t.Errorf("collapsing the first result left %d of %d rows visible", collapsed, all)
	}
	testkit.Screenshot(t, bctx, "demo-collapsed")
	chromedp.Run(bctx, chromedp.Click(chromedp.CSS(`#scorecard-tree tr.row-container button.toggle`)))
	if again := visible(); again != all {
		t.Errorf("expanding again shows %d of %d rows", again, all)
	}
	scorecardURL, err := chromedp.Run(bctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}

	// A target-range measure and a lower-is-better one.
	for _, m := range []struct{ title, polarity, shot string }{
		{"Average caseload per home visitor", "Target range", "demo-range-measure"},
		{"Unemployment rate", "Lower is better", "demo-lower-measure"},
	} {
		uiFollow(t, bctx, `(//table[@id="scorecard-tree"]//a[normalize-space()="`+m.title+`"])[1]`, http.StatusOK)
		if got := testkit.Text(t, bctx, "#object-title"); got != m.title {
			t.Errorf("opened %q, the page is titled %q", m.title, got)
		}
		if head := testkit.Text(t, bctx, "main .page-head"); !strings.Contains(head, m.polarity) {
			t.Errorf("%s: the heading reads %q, want %q", m.title, head, m.polarity)
		}
		if n := uiCount(t, bctx, `#measure-graph svg g.point .marker`); n < 3 {
			t.Errorf("%s: the graph has %d markers, want the demo's history", m.title, n)
		}
		if cls := uiAttr(t, bctx, "#current-actual", "class"); !strings.Contains(cls, "band-") {
			t.Errorf("%s: #current-actual has class %q, want a band colour", m.title, cls)
		}
		testkit.Screenshot(t, bctx, m.shot)
		if err := chromedp.Do(bctx, chromedp.Navigate(scorecardURL), chromedp.WaitVisible(chromedp.CSS("#scorecard-tree"))); err != nil {
			t.Fatalf("back to the scorecard: %v", err)
		}
	}
}

// uiSignIn opens the sign-in form from the site's root and submits it.
func uiSignIn(t *testing.T, ctx context.Context, base, email, password string) {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS("#login-form")),
	); err != nil {
		t.Fatalf("open %s/: %v", base, err)
	}
	checkAxe(t, ctx, "sign-in form")
	uiType(t, ctx, `#login-form input[name=email]`, email)
	uiType(t, ctx, `#login-form input[name=password]`, password)
	uiFollow(t, ctx, `#login-form button[type=submit]`, http.StatusOK)
}

// uiFollow clicks a link or a submit button and waits for the page it
// leads to, failing unless that page has the status want. A selector
// starting with "/" or "(" is XPath (to find links by their text); any
// other is CSS.
func uiFollow(t *testing.T, ctx context.Context, sel string, want int) {
	t.Helper()
	res, err := chromedp.RunResponse(ctx, uiClick(sel))
	if err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
	if res.Status != int64(want) {
		body, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
		t.Fatalf("click %s: %s answered %d, want %d; page: %.600s", sel, res.URL, res.Status, want, body)
	}
	checkAxe(t, ctx, "after following "+sel)
}

func uiClick(sel string) chromedp.Action[chromedp.Void] {
	if isXPath(sel) {
		return chromedp.Click(sel)
	}
	return chromedp.Click(chromedp.CSS(sel))
}

func isXPath(sel string) bool { return strings.HasPrefix(sel, "/") || strings.HasPrefix(sel, "(") }

// uiWait waits until the element is visible.
func uiWait(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	var err error
	if isXPath(sel) {
		err = chromedp.Do(ctx, chromedp.WaitVisible(sel))
	} else {
		err = chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(sel)))
	}
	if err != nil {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		t.Fatalf("wait for %s on %s: %v", sel, loc, err)
	}
}

// uiType types into an input as keystrokes.
func uiType(t *testing.T, ctx context.Context, sel, text string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(sel), text)); err != nil {
		t.Fatalf("type into %s: %v", sel, err)
	}
}

// uiClear empties an input (the decimals field starts with a default).
func uiClear(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Clear(chromedp.CSS(sel))); err != nil {
		t.Fatalf("clear %s: %v", sel, err)
	}
}

// uiChoose picks an option of a <select> the way a keyboard user does:
// focus it and type the start of the option's text. It fails unless the
// option shown is then exactly the one named.
func uiChoose(t *testing.T, ctx context.Context, sel, option string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(sel), option)); err != nil {
		t.Fatalf("choose %q in %s: %v", option, sel, err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`(() => { const s = document.querySelector(`+jsString(sel)+`); return s.options[s.selectedIndex].text.trim(); })()`))
	if err != nil {
		t.Fatalf("read %s: %v", sel, err)
	}
	if got != option {
		t.Fatalf("typed %q into %s, it shows %q", option, sel, got)
	}
}

// uiCount counts the elements matching a CSS selector, without waiting.
func uiCount(t *testing.T, ctx context.Context, sel string) int {
	t.Helper()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+jsString(sel)+`).length`))
	if err != nil {
		t.Fatalf("count %s: %v", sel, err)
	}
	return n
}

func uiAttr(t *testing.T, ctx context.Context, sel, name string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(sel), name))
	if err != nil {
		t.Fatalf("attribute %s of %s: %v", name, sel, err)
	}
	return v.Value
}

func uiValue(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("value of %s: %v", sel, err)
	}
	return v
}

// uiRow is one row of the scorecard table as shown: the visible text and
// class of each cell, the row's class and tree ids, the badge's title.
type uiRow struct {
	ID, Parent, Class, Badge string
	Cells, Classes           []string
}

func uiRows(t *testing.T, ctx context.Context) []uiRow {
	t.Helper()
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[[]uiRow](`[...document.querySelectorAll('#scorecard-tree tbody tr')].map(tr => ({
		ID: tr.dataset.id || '', Parent: tr.dataset.parent || '', Class: tr.className,
		Badge: ((tr.querySelector('.badge') || {getAttribute: () => ''}).getAttribute('aria-label')) || '',
		Cells: [...tr.cells].map(td => td.innerText.replace(/\s+/g, ' ').trim()),
		// A cell's classes include its children's: the band colour is a pill
		// inside the cell.
		Classes: [...tr.cells].map(td => [td, ...td.querySelectorAll('[class]')].map(e => e.getAttribute('class') || '').join(' ')),
	}))`))
	if err != nil {
		t.Fatalf("read the scorecard rows: %v", err)
	}
	return rows
}

func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return ""
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`)
	return "'" + r.Replace(s) + "'"
}

// openRowMenu opens a scorecard row's "⋯" menu so its actions can be clicked.
func openRowMenu(t *testing.T, ctx context.Context, row string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Click(row+`//details[contains(@class,"row-menu")]/summary`)); err != nil {
		t.Fatalf("open the row menu of %s: %v", row, err)
	}
	checkAxe(t, ctx, "row menu open")
}
