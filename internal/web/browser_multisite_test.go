package web_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
)

// TestBrowserMultiSite is the Multi-Site journey in Chromium (issues 22
// and 28): with the tools on, an administrator creates a child, joins it,
// copies a scorecard into it with a preview first, makes a measure of the
// copy the Sum of two others there, enters data and sees the calculated
// value and the network view, and copies a scorecard as a template within
// the instance from its page. Every page is checked
// with axe; screenshots are kept.
func TestBrowserMultiSite(t *testing.T) {
	e, admin, sc, box := newGreenCommunity(t)
	if err := e.app.SetMultiSite(ctx, "GREEN", true); err != nil {
		t.Fatal(err)
	}
	// Three measures the child will add up once it has its copy.
	typeID, _ := strconv.ParseInt(e.typeID(admin.Instance, "Indicator"), 10, 64)
	freq, _ := strconv.ParseInt(e.frequencyID(admin.Instance, "Monthly"), 10, 64)
	offices := []string{"North office", "South office", "Both offices"}
	for _, title := range offices {
		if _, err := e.app.CreateObject(ctx, admin, app.ObjectInput{Kind: model.KindMeasure, TypeID: typeID, Title: title,
			Decimals: "0", Polarity: "higher", FrequencyID: freq}, app.Placement{ParentID: box.ID}); err != nil {
			t.Fatal(err)
		}
	}
	bctx := a11yBrowser(t)
	uiSignIn(t, bctx, e.srv.URL, "ada@example.org", testkit.Password)
	uiWait(t, bctx, "#dashboard-code")

	open(t, bctx, &fixture{e: e}, "/i/GREEN/admin/multisite")
	checkAxe(t, bctx, "Multi-Site Tools, no children")
	// A refused form: the errors sit on their fields.
	uiFollow(t, bctx, "#child-form button[type=submit]", http.StatusUnprocessableEntity)
	uiWait(t, bctx, "#err-code")
	checkAxe(t, bctx, "Create child, refused")
	uiType(t, bctx, "#child-form input[name=code]", "EAST")
	uiType(t, bctx, "#child-form input[name=name]", "East Side Agency")
	uiType(t, bctx, "#child-form input[name=email]", "lead@east.example.org")
	uiFollow(t, bctx, "#child-form button[type=submit]", http.StatusOK)
	uiWait(t, bctx, "#multisite-done")
	if txt := testkit.Text(t, bctx, "#children"); !strings.Contains(txt, "East Side Agency (EAST)") {
		t.Errorf("children: %q", txt)
	}
	checkAxe(t, bctx, "Multi-Site Tools with a child")
	testkit.Screenshot(t, bctx, "multisite-children")
	// Ada joins every child.
	uiFollow(t, bctx, "#admin-form button[type=submit]", http.StatusOK)
	uiWait(t, bctx, `//section[@id="children"]//a[contains(text(), "East Side Agency")]`)

	// Copy the scorecard to all children: preview, then copy.
	uiFollow(t, bctx, "#copy-link", http.StatusOK)
	checkAxe(t, bctx, "Multi-Site copy form")
	if err := uiCheck(bctx, "#copy-to input[name=all]"); err != nil {
		t.Fatal(err)
	}
	uiFollow(t, bctx, `#site-copy-form button[value=preview]`, http.StatusOK)
	uiWait(t, bctx, "#copy-results")
	if txt := testkit.Text(t, bctx, "#copy-results"); !strings.Contains(txt, "Community") || !strings.Contains(txt, "East Side Agency") {
		t.Errorf("preview: %q", txt)
	}
	checkAxe(t, bctx, "Multi-Site copy preview")
	testkit.Screenshot(t, bctx, "multisite-copy-preview")
	uiFollow(t, bctx, `#site-copy-form button[value=copy]`, http.StatusOK)
	if txt := testkit.Text(t, bctx, "#copy-results"); !strings.Contains(txt, "Copied.") {
		t.Errorf("summary: %q", txt)
	}
	testkit.Screenshot(t, bctx, "multisite-copy-summary")
	open(t, bctx, &fixture{e: e}, "/i/EAST/scorecards")
	checkAxe(t, bctx, "the child's scorecards")
	if txt := testkit.Text(t, bctx, "main"); !strings.Contains(txt, "Community") {
		t.Errorf("EAST's scorecards: %q", txt)
	}

	// In the child, its copy's total becomes the Sum of the two offices.
	east, err := e.store.Q().InstanceByCode(ctx, "EAST")
	if err != nil {
		t.Fatal(err)
	}
	copied := make([]model.Object, len(offices))
	for i, title := range offices {
		copied[i].Title = title
		if err := e.store.DB().QueryRowContext(ctx, `SELECT id FROM objects WHERE instance_id = $1 AND title = $2`, east.ID, title).Scan(&copied[i].ID); err != nil {
			t.Fatalf("the copy of %q in EAST: %v", title, err)
		}
	}
	uiSumJourney(t, bctx, e.srv.URL+"/i/EAST", copied[0], copied[1], copied[2])

	// Copy scorecard within GREEN, as a template.
	open(t, bctx, &fixture{e: e}, "/i/GREEN/scorecards/"+strconv.FormatInt(sc.ID, 10))
	checkAxe(t, bctx, "the scorecard page with Copy")
	uiFollow(t, bctx, "#copy-link", http.StatusOK)
	checkAxe(t, bctx, "Copy scorecard form")
	uiType(t, bctx, "#copy-form input[name=title]", "Community template")
	uiFollow(t, bctx, "#copy-form button[type=submit]", http.StatusOK)
	uiWait(t, bctx, "#copy-preview")
	checkAxe(t, bctx, "Copy scorecard preview")
	testkit.Screenshot(t, bctx, "copy-scorecard-preview")
	uiFollow(t, bctx, "#copy-confirm button[type=submit]", http.StatusOK)
	if txt := testkit.Text(t, bctx, "h1"); !strings.Contains(txt, "Community template") {
		t.Errorf("after the copy: %q", txt)
	}
	testkit.Screenshot(t, bctx, "copy-scorecard-done")
}

// uiCheck ticks a checkbox.
func uiCheck(ctx context.Context, sel string) error {
	return chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel)))
}
