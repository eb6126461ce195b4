package web_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
)

// TestBrowserCalculatedMeasure is issue 22's journey in a real browser:
// an administrator makes a measure the Sum of two others on its
// Calculation form, enters data in the inputs, and sees the calculated
// value (read-only, its inputs on hover) and the network view, first with
// one input not reported, then with both.
func TestBrowserCalculatedMeasure(t *testing.T) {
	e := newSQLiteEnv(t)
	in := e.instance("ACME", "Acme Community Partners")
	acct, _ := e.member(in, "ada@example.org", access.PresetAdministration)
	ctx := context.Background()
	actor, err := e.app.ActorFor(ctx, app.Session{Account: acct}, in.Code, app.Client{Addr: "192.0.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	sc, err := e.app.CreateScorecard(ctx, actor, app.ScorecardInput{Title: "Region"})
	if err != nil {
		t.Fatal(err)
	}
	typeID := func(name string) int64 {
		id, _ := strconv.ParseInt(e.typeID(in, name), 10, 64)
		return id
	}
	freq, _ := strconv.ParseInt(e.frequencyID(in, "Monthly"), 10, 64)
	box, err := e.app.CreateObject(ctx, actor, app.ObjectInput{Kind: model.KindContainer, TypeID: typeID("Result"), Title: "Families served"},
		app.Placement{ScorecardID: sc.ID})
	if err != nil {
		t.Fatal(err)
	}
	measure := func(title string) model.Object {
		m, err := e.app.CreateObject(ctx, actor, app.ObjectInput{Kind: model.KindMeasure, TypeID: typeID("Indicator"), Title: title,
			Decimals: "0", Polarity: "higher", FrequencyID: freq}, app.Placement{ParentID: box.ID})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	north, south, total := measure("North office"), measure("South office"), measure("Both offices")
	bctx := a11yBrowser(t)
	uiSignIn(t, bctx, e.srv.URL, "ada@example.org", testkit.Password)
	uiWait(t, bctx, "#dashboard-code")
	uiSumJourney(t, bctx, e.srv.URL+"/i/ACME", north, south, total)
}

// uiSumJourney makes total the Sum of north and south on its Calculation
// form (signed in as an administrator of the instance at base, e.g.
// URL/i/ACME), enters data in the inputs, and checks the calculated value
// (read-only, its inputs on hover) and the network view, first with one
// input not reported, then with both.
func uiSumJourney(t *testing.T, bctx context.Context, base string, north, south, total model.Object) {
	t.Helper()
	path := func(m model.Object) string { return base + "/objects/" + strconv.FormatInt(m.ID, 10) }
	if err := chromedp.Do(bctx, chromedp.Navigate(path(total))); err != nil {
		t.Fatal(err)
	}
	checkAxe(t, bctx, "a plain measure")
	uiFollow(t, bctx, "#calc-make", http.StatusOK)
	uiWait(t, bctx, "#calculation-form")
	uiChoose(t, bctx, "#calc-input-A", north.Title)
	uiChoose(t, bctx, "#calc-input-B", south.Title)
	testkit.Screenshot(t, bctx, "calc-form")
	uiFollow(t, bctx, "#calculation-form button[type=submit]", http.StatusOK)
	uiWait(t, bctx, "#network-view")
	if got := uiText(t, bctx, "#calc-definition"); !strings.Contains(got, "Sum") {
		t.Errorf("definition reads %q", got)
	}

	enter := func(m model.Object, v string) {
		t.Helper()
		if err := chromedp.Do(bctx, chromedp.Navigate(path(m))); err != nil {
			t.Fatal(err)
		}
		checkAxe(t, bctx, "the page of "+m.Title)
		uiType(t, bctx, "#entry-period input[data-col=actual]", v)
		uiFollow(t, bctx, "#data-form button[type=submit]", http.StatusOK)
	}
	enter(north, "40")
	if err := chromedp.Do(bctx, chromedp.Navigate(path(total))); err != nil {
		t.Fatal(err)
	}
	checkAxe(t, bctx, "the calculated measure, one input reported")
	if got := uiText(t, bctx, "#network-missing"); !strings.Contains(got, south.Title) {
		t.Errorf("who has not reported: %q", got)
	}
	if n := uiCount(t, bctx, "#network-view td.missing"); n < 1 {
		t.Errorf("no missing period marked in the network view")
	}
	testkit.Screenshot(t, bctx, "calc-network-one-missing")

	enter(south, "2")
	if err := chromedp.Do(bctx, chromedp.Navigate(path(total))); err != nil {
		t.Fatal(err)
	}
	checkAxe(t, bctx, "the calculated measure, both reported")
	if got := uiText(t, bctx, "#entry-period [data-calculated]"); got != "42" {
		t.Errorf("the calculated actual shows %q, want 42", got)
	}
	if title := uiAttr(t, bctx, "#entry-period [data-calculated]", "title"); !strings.Contains(title, "A "+north.Title+": 40") || !strings.Contains(title, "B "+south.Title+": 2") {
		t.Errorf("hover text %q", title)
	}
	if n := uiCount(t, bctx, "#entry-period input[data-col=actual]"); n != 0 {
		t.Errorf("the calculated actual can be typed into")
	}
	if got := uiText(t, bctx, "#network-missing"); !strings.Contains(got, "Every input has reported") {
		t.Errorf("network summary: %q", got)
	}
	testkit.Screenshot(t, bctx, "calc-network-all-reported")
}

// uiText is an element's text, trimmed.
func uiText(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector(`+jsString(sel)+`) || {textContent: ''}).textContent.trim()`))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}
