package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"yardstick/internal/testkit"
)

// TestBrowserActions is issue 14's journey: from a measure's page, add an
// action; on its page add a status update and two to-dos and check one
// off; find it in the Action Manager by its status. Screenshots are kept.
func TestBrowserActions(t *testing.T) {
	f := newFixtureIn(t, newSQLiteEnv(t))
	ctx := a11yBrowser(t)
	signInAs(t, ctx, f, "admin")
	open(t, ctx, f, "/i/ACME/objects/"+strconv.FormatInt(f.measure.ID, 10))
	checkAxe(t, ctx, "measure page")
	uiFollow(t, ctx, `//section[@id="actions"]//a[normalize-space()="Add action"]`, http.StatusOK)
	uiType(t, ctx, `#action-form input[name=title]`, "Library reading circles in every district")
	uiType(t, ctx, `#action-form input[name=start_date]`, "03012026")
	uiType(t, ctx, `#action-form input[name=end_date]`, "09302026")
	uiChoose(t, ctx, `#action-form select[name=status]`, "On Track")
	uiClear(t, ctx, `#action-form input[name=percent]`)
	uiType(t, ctx, `#action-form input[name=percent]`, "10")
	uiType(t, ctx, `#action-form input[name=assignee]`, "presenter@example.org")
	// The description is written in the notes' editor (Trix).
	uiWait(t, ctx, "trix-editor#f-description")
	desc := chromedp.CSS("trix-editor#f-description")
	if err := chromedp.Do(ctx, chromedp.Click(desc)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.SendKeys(desc, "Circles in every district library")); err != nil {
		t.Fatal(err)
	}
	trixWait(t, ctx, `ed.getDocument().toString().includes("every district library")`, "the description")
	testkit.Screenshot(t, ctx, "action-form")
	uiFollow(t, ctx, `#action-form button[type=submit]`, http.StatusOK)
	if got := testkit.Text(t, ctx, "#action-title"); got != "Library reading circles in every district" {
		t.Fatalf("after saving, the page is titled %q", got)
	}
	if desc := testkit.Text(t, ctx, ".note-body"); !strings.Contains(desc, "Circles in every district library") {
		t.Errorf("the description reads %q", desc)
	}
	if facts := testkit.Text(t, ctx, "#action-facts"); !strings.Contains(facts, "On Track") || !strings.Contains(facts, "2026-09-30") || !strings.Contains(facts, "presenter") {
		t.Errorf("the action's facts read %q", facts)
	}

	// A status update moves it to Behind Schedule at 25%.
	uiType(t, ctx, `#update-form textarea[name=update]`, "Two districts still without a venue")
	uiChoose(t, ctx, `#update-form select[name=status]`, "Behind Schedule")
	uiClear(t, ctx, `#update-form input[name=percent]`)
	uiType(t, ctx, `#update-form input[name=percent]`, "25")
	uiFollow(t, ctx, `#update-form button[type=submit]`, http.StatusOK)
	if got := testkit.Text(t, ctx, "#action-status"); got != "Behind Schedule" {
		t.Errorf("status after the update: %q", got)
	}
	if log := testkit.Text(t, ctx, "#update-list"); !strings.Contains(log, "Two districts still without a venue") {
		t.Errorf("the status log reads %q", log)
	}

	// Two to-dos; the first checked off.
	for _, todo := range []string{"Book the Eastside branch", "Print flyers"} {
		uiType(t, ctx, `#todo-form input[name=todo]`, todo)
		uiFollow(t, ctx, `#todo-form button[type=submit]`, http.StatusOK)
	}
	uiFollow(t, ctx, `//ul[@id="todo-list"]/li[1]//button[normalize-space()="Mark done"]`, http.StatusOK)
	todos := testkit.Text(t, ctx, "#todo-list")
	if !strings.Contains(todos, "Done: Book the Eastside branch") || !strings.Contains(todos, "Open: Print flyers") {
		t.Errorf("the to-dos read %q", todos)
	}
	testkit.Screenshot(t, ctx, "action")

	// The measure lists it; the Action Manager finds it by its status.
	open(t, ctx, f, "/i/ACME/objects/"+strconv.FormatInt(f.measure.ID, 10))
	checkAxe(t, ctx, "measure page with an action")
	if list := testkit.Text(t, ctx, "#host-action-list"); !strings.Contains(list, "Library reading circles") {
		t.Errorf("the measure's actions read %q", list)
	}
	open(t, ctx, f, "/i/ACME/actions")
	checkAxe(t, ctx, "Action Manager")
	uiChoose(t, ctx, `#action-filters select[name=status]`, "Behind Schedule")
	uiFollow(t, ctx, `#action-filters button[type=submit]`, http.StatusOK)
	list := testkit.Text(t, ctx, "#action-list")
	if !strings.Contains(list, "Library reading circles in every district") || strings.Contains(list, "Reading circles\t") {
		t.Errorf("the Action Manager filtered by Behind Schedule lists %q", list)
	}
	if n := uiCount(t, ctx, `#action-list tbody tr`); n != 1 {
		t.Errorf("the Action Manager filtered by Behind Schedule has %d rows, want 1", n)
	}
	testkit.Screenshot(t, ctx, "action-manager")
}
