package web_test

import (
	"strconv"
	"strings"
	"testing"
	"yardstick/internal/testkit"

	"github.com/chromedp/chromedp"
)

// TestBrowserStructureInMarkup is finding 5 of the accessibility issue
// (WCAG 1.3.1): the scorecard's result → measure nesting is in the markup
// (each row's title a row header saying its level), Partner Connect's
// tables have header cells, and the favourite toggle is named for its
// measure and says whether it is on.
func TestBrowserStructureInMarkup(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) { structureInMarkup(t, newBandFixtureIn(t, newEnv(t, db))) })
}

func structureInMarkup(t *testing.T, f *bandFixture) {
	ctx := a11yBrowser(t)
	signInAs(t, ctx, f.fixture, "admin")

	open(t, ctx, f.fixture, "/i/ACME/scorecards/"+strconv.FormatInt(f.sc.ID, 10))
	checkAxe(t, ctx, "scorecard")
	type row struct {
		Tag, Scope, Level, Text string
		Depth                   string
	}
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[[]row](`[...document.querySelectorAll('#scorecard-tree tbody tr:not(.divider)')].map(tr => { // the fixture's divider is a rowgroup heading
		const c = tr.cells[0], m = /depth-(\d+)/.exec(tr.className);
		return {Tag: c.tagName.toLowerCase(), Scope: c.getAttribute('scope') || '', Level: c.dataset.level || '',
			Text: c.textContent.replace(/\s+/g, ' ').trim(), Depth: m ? String(+m[1] + 1) : '1'};
	})`))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 {
		t.Fatalf("the scorecard has %d rows, want the result and its three measures", len(rows))
	}
	for i, r := range rows {
		if r.Tag != "th" || r.Scope != "row" {
			t.Errorf("row %d (%q): first cell is <%s scope=%q>, want a row header", i, r.Text, r.Tag, r.Scope)
		}
		if r.Level != r.Depth || !strings.Contains(r.Text, "(level "+r.Depth+")") {
			t.Errorf("row %d (%q): level %q, want %s said in its text", i, r.Text, r.Level, r.Depth)
		}
	}
	if rows[0].Depth != "1" || rows[1].Depth != "2" {
		t.Errorf("levels %s, %s: want the result at 1 and its measure at 2", rows[0].Depth, rows[1].Depth)
	}

	// Partner Connect: every table has a header row.
	open(t, ctx, f.fixture, "/i/ACME/admin/partners")
	checkAxe(t, ctx, "Partner Connect")
	bare, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('main table')].filter(t => !t.querySelector('thead th')).map(t => t.closest('section').id)`))
	if err != nil {
		t.Fatal(err)
	}
	if n := uiCount(t, ctx, "main table"); n < 2 || len(bare) > 0 {
		t.Errorf("Partner Connect has %d tables, those without header cells in sections %v; want every table headed", n, bare)
	}

	// The favourite toggle, on and off.
	for _, step := range []struct{ label, pressed string }{
		{"Remove Readiness from favourites", "true"},
		{"Add Readiness to favourites", "false"},
	} {
		open(t, ctx, f.fixture, "/i/ACME/objects/"+strconv.FormatInt(f.green.ID, 10))
		checkAxe(t, ctx, "measure")
		if got := uiAttr(t, ctx, "#star", "aria-label"); got != step.label {
			t.Errorf("the favourite toggle is named %q, want %q", got, step.label)
		}
		if got := uiAttr(t, ctx, "#star", "aria-pressed"); got != step.pressed {
			t.Errorf("the favourite toggle has aria-pressed %q, want %q", got, step.pressed)
		}
		uiFollow(t, ctx, "#star", 200)
	}
}
