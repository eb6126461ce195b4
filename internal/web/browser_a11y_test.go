package web_test

import (
	"context"
	_ "embed"
	"encoding/json"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
)

// axeSource is axe-core (npm axe-core, MPL-2.0, testdata/axe/LICENSE),
// vendored for the browser tests only: the app never serves it.
//
//go:embed testdata/axe/axe.min.js
var axeSource string

// axeTags are the rule sets every page state must pass with no violation:
// WCAG 2.0, 2.1 and 2.2, levels A and AA.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

// a11yTab is a browser tab whose page loads are tracked, so a test that
// loads a page and never checks it with axe fails (checkAxe after every
// navigation is the rule, as the authorization matrix is for routes).
type a11yTab struct {
	mu      sync.Mutex
	loaded  []string        // documents loaded in the tab, in order
	checked map[string]bool // documents checked with axe
}

// a11yBrowser is testkit.Browser with the page loads of its tab tracked.
// At the end of the test every document the tab loaded must have been
// checked by checkAxe at least once.
func a11yBrowser(t *testing.T) context.Context {
	t.Helper()
	return a11yTabIn(t, testkit.Browser(t))
}

// a11yBrowserWithin is a11yBrowser with a budget of its own
// (testkit.BrowserWithin), for the tests that visit every page.
func a11yBrowserWithin(t *testing.T, budget time.Duration) context.Context {
	t.Helper()
	return a11yTabIn(t, testkit.BrowserWithin(t, budget))
}

func a11yTabIn(t *testing.T, ctx context.Context) context.Context {
	t.Helper()
	tab := &a11yTab{checked: map[string]bool{}}
	if err := chromedp.Listen(ctx, func(ev any) {
		if ev, ok := ev.(*page.EventFrameNavigated); ok && ev.Frame.ParentID == "" {
			tab.mu.Lock()
			tab.loaded = append(tab.loaded, docKey(ev.Frame.URL))
			tab.mu.Unlock()
		}
	}); err != nil {
		t.Fatalf("listen to the tab: %v", err)
	}
	tabs.Store(ctx, tab)
	// axe-core is put into every page the tab loads (its top frame only:
	// checkAxe looks at the top document, as it did when it loaded axe
	// itself), so that checkAxe need not send its 550 KB source with every
	// check; that took a fifth of a check. It defines window.axe and does
	// nothing until run.
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: "if (window === window.top) {\n" + axeSource + "\n}"}); err != nil {
		t.Fatalf("add axe-core to the tab's pages: %v", err)
	}
	t.Cleanup(func() {
		tab.mu.Lock()
		defer tab.mu.Unlock()
		seen := map[string]bool{}
		for _, u := range tab.loaded {
			if !tab.checked[u] && !seen[u] && !strings.HasPrefix(u, "about:") && !strings.HasPrefix(u, "data:") {
				t.Errorf("the page %s was loaded but never checked with axe (call checkAxe after each navigation)", u)
			}
			seen[u] = true
		}
	})
	return ctx
}

// tabs maps a browser context to its tracked tab.
var tabs sync.Map

// docKey is a document's address without its fragment.
func docKey(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Fragment = ""
	return u.String()
}

// axeViolation is one failed rule, with the first few elements it failed on.
type axeViolation struct {
	ID, Impact, Help string
	Nodes            []string
}

// checkAxe runs axe-core on the tab's page as it is now and fails the test
// for any violation of axeTags. state names the page state in the message.
// Call it after every navigation and after every action that changes what
// the page shows (a menu opened, an error shown).
func checkAxe(t *testing.T, ctx context.Context, state string) {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatalf("axe %s: location: %v", state, err)
	}
	tags, _ := json.Marshal(axeTags)
	// Missing: a tab not from a11yBrowser, or a page the tab did not load
	// itself; axe is loaded then and the check run again.
	script := func(load string) string {
		return `(async () => {
		` + load + `
		if (!window.axe) { return {Missing: true}; }
		const r = await axe.run(document, {runOnly: {type: 'tag', values: ` + string(tags) + `}, resultTypes: ['violations']});
		return {Violations: r.violations.map(v => ({ID: v.id, Impact: v.impact || '', Help: v.help,
			Nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + (n.failureSummary || '').replace(/\s+/g, ' '))}))};
	})()`
	}
	type result struct {
		Missing    bool
		Violations []axeViolation
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[result](script(""), chromedp.EvalAsValue, chromedp.EvalAwaitPromise))
	if err == nil && got.Missing {
		got, err = chromedp.Run(ctx, chromedp.Evaluate[result](script(`if (!window.axe) { (0, eval)(`+jsLiteral(axeSource)+`); }`),
			chromedp.EvalAsValue, chromedp.EvalAwaitPromise))
	}
	if err != nil {
		t.Fatalf("axe %s (%s): %v", state, loc, err)
	}
	if got.Missing {
		t.Fatalf("axe %s (%s): axe-core did not load", state, loc)
	}
	for _, v := range got.Violations {
		t.Errorf("axe %s (%s): %s [%s] %s\n\t%s", state, loc, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n\t"))
	}
	if tab, ok := tabs.Load(ctx); ok {
		tab := tab.(*a11yTab)
		tab.mu.Lock()
		tab.checked[docKey(loc)] = true
		tab.mu.Unlock()
	}
}

// jsLiteral quotes s as a JavaScript string literal (JSON's quoting).
func jsLiteral(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// signInAs puts a persona's session cookie of the fixture into the tab, so
// a test starts signed in without the deliberately slow password check.
func signInAs(t *testing.T, ctx context.Context, f *fixture, persona string) {
	t.Helper()
	if persona == "anon" {
		return
	}
	token, ok := f.cookies[persona]
	if !ok {
		t.Fatalf("no persona %q in the fixture", persona)
	}
	if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: "ys_session", Value: token, URL: f.e.srv.URL, HTTPOnly: new(true)}); err != nil {
		t.Fatalf("session cookie of %s: %v", persona, err)
	}
}

// bandFixture is the authorization matrix's fixture with a measure in each
// band under its scorecard's result, two periods of data each, all three
// the administrator's favourites: what the colour and status checks look at.
type bandFixture struct {
	*fixture
	green, yellow, red model.Object
}

// newBandFixtureIn builds the band fixture in e (a database of EachDB).
func newBandFixtureIn(t *testing.T, e *env) *bandFixture {
	t.Helper()
	f := newFixtureIn(t, e)
	acct, err := e.store.Q().AccountByEmail(ctx, "admin@example.org")
	if err != nil {
		t.Fatal(err)
	}
	admin, err := e.app.ActorFor(ctx, app.Session{Account: acct}, "ACME", app.Client{})
	if err != nil {
		t.Fatal(err)
	}
	freqs, err := e.app.Frequencies(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	fr := app.FrequencyOf(freqs[1])
	cur := fr.At(e.db.Clock.Now())
	prevKey, curKey := fr.Key(fr.Prev(cur)), fr.Key(cur)
	b := &bandFixture{fixture: f, green: f.measure}
	add := func(title string) model.Object {
		m, err := e.app.CreateObject(ctx, admin, app.ObjectInput{Kind: model.KindMeasure, TypeID: f.measure.TypeID, Title: title,
			Decimals: "0", Polarity: "higher", FrequencyID: freqs[1].ID}, app.Placement{ParentID: f.result.ID})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	b.yellow, b.red = add("Attendance"), add("Enrolment")
	for _, d := range []struct {
		m                    model.Object
		prev, cur, prevT, cT string
	}{
		{b.green, "70", "85", "80", "80"},    // on target, improving
		{b.yellow, "95", "92", "100", "100"}, // near target, worsening
		{b.red, "60", "50", "100", "100"},    // off target, worsening
	} {
		if _, err := e.app.SaveData(ctx, admin, d.m.ID, []app.DataEntry{
			{PeriodKey: prevKey, Actual: d.prev, Target: d.prevT},
			{PeriodKey: curKey, Actual: d.cur, Target: d.cT},
		}); err != nil {
			t.Fatalf("data of %s: %v", d.m.Title, err)
		}
		if err := e.app.Star(ctx, admin, d.m.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// open navigates the tab to path on the fixture's server and waits for the
// page's main element.
func open(t *testing.T, ctx context.Context, f *fixture, path string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(f.e.srv.URL+path), chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
}
