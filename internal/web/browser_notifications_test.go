package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"yardstick/internal/testkit"
)

// axName is the accessible name Chromium computes for the element of a
// CSS selector.
func axName(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	ev, err := chromedp.Call(ctx, runtime.Evaluate, runtime.EvaluateParams{Expression: "document.querySelector(" + jsLiteral(sel) + ")"})
	if err != nil || ev.Result == nil || ev.Result.ObjectID == "" {
		t.Fatalf("find %s: %v", sel, err)
	}
	tree, err := chromedp.Call(ctx, accessibility.GetPartialAXTree, accessibility.GetPartialAXTreeParams{ObjectID: ev.Result.ObjectID,
		FetchRelatives: new(false)})
	if err != nil || len(tree.Nodes) == 0 || tree.Nodes[0].Name == nil {
		t.Fatalf("accessibility node of %s: %v", sel, err)
	}
	var name string
	if err := json.Unmarshal(tree.Nodes[0].Name.Value, &name); err != nil {
		t.Fatalf("name of %s: %v", sel, err)
	}
	return strings.Join(strings.Fields(name), " ")
}

// TestBrowserNotifications is issue 15's bell in a browser: the fixture's
// administrator has two unread notifications; the header's link names the
// count ("Notifications, 2 unread"), leads to the list, where "Mark all as
// read" clears it. Every state passes axe; screenshots are kept.
func TestBrowserNotifications(t *testing.T) {
	f := newFixtureIn(t, newSQLiteEnv(t))
	ctx := a11yBrowser(t)
	signInAs(t, ctx, f, "admin")
	open(t, ctx, f, "/i/ACME/")
	checkAxe(t, ctx, "dashboard with unread notifications")
	if got := axName(t, ctx, "#nav-notifications"); got != "Notifications, 2 unread" {
		t.Errorf("the bell's accessible name is %q, want %q", got, "Notifications, 2 unread")
	}
	if got := testkit.Text(t, ctx, "#nav-notifications .bell-count"); got != "2" {
		t.Errorf("the bell shows %q, want 2", got)
	}
	uiFollow(t, ctx, "#nav-notifications", http.StatusOK)
	items := uiTexts(t, ctx, "ol.notifications > li")
	if len(items) != 3 || !strings.HasPrefix(items[0], "Unread") || !strings.Contains(items[0], "Print flyers") ||
		strings.HasPrefix(items[2], "Unread") || !strings.Contains(items[2], "Weekly digest") {
		t.Errorf("the list reads %q", items)
	}
	testkit.Screenshot(t, ctx, "notifications")
	uiFollow(t, ctx, "#mark-read button", http.StatusOK)
	if got := testkit.Text(t, ctx, "#status-message"); !strings.Contains(got, "Notifications marked as read.") {
		t.Errorf("after marking, the status says %q", got)
	}
	if got := axName(t, ctx, "#nav-notifications"); got != "Notifications" {
		t.Errorf("after marking, the bell's accessible name is %q", got)
	}
	if n := uiCount(t, ctx, ".unread-tag"); n != 0 {
		t.Errorf("%d notifications still marked unread", n)
	}
	testkit.Screenshot(t, ctx, "notifications-read")
}
