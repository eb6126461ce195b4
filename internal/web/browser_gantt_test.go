package web_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"yardstick/internal/app"
	"yardstick/internal/testkit"
)

// TestBrowserGantt is issue 14's Gantt journey: an action made on a
// measure is on the measure's Gantt chart; dragging its end a week later
// with real mouse events saves the new end date; a drag that the server
// refuses (someone saved the action in between) snaps back and says why;
// the percent slider saves from the keyboard. Screenshots are kept.
func TestBrowserGantt(t *testing.T) {
	f := newFixtureIn(t, newSQLiteEnv(t))
	ctx := a11yBrowser(t)
	signInAs(t, ctx, f, "admin")
	measure := "/i/ACME/objects/" + strconv.FormatInt(f.measure.ID, 10)
	open(t, ctx, f, measure)
	checkAxe(t, ctx, "measure page")
	uiFollow(t, ctx, `//section[@id="actions"]//a[normalize-space()="Add action"]`, http.StatusOK)
	uiType(t, ctx, `#action-form input[name=title]`, "Tutoring at the libraries")
	uiType(t, ctx, `#action-form input[name=start_date]`, "03022026")
	uiType(t, ctx, `#action-form input[name=end_date]`, "04302026")
	uiChoose(t, ctx, `#action-form select[name=status]`, "Behind Schedule")
	uiFollow(t, ctx, `#action-form button[type=submit]`, http.StatusOK)
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	id := loc[strings.LastIndex(loc, "/")+1:]
	id = strings.SplitN(id, "?", 2)[0]
	actionID, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		t.Fatalf("the action's page is %s", loc)
	}

	// The measure's chart, by week, over spring.
	open(t, ctx, f, measure)
	checkAxe(t, ctx, "measure page with its action")
	uiFollow(t, ctx, `#host-gantt-link`, http.StatusOK)
	uiChoose(t, ctx, `#gantt-filters select[name=zoom]`, "week")
	uiClear(t, ctx, `#gantt-filters input[name=from]`)
	uiType(t, ctx, `#gantt-filters input[name=from]`, "02152026")
	uiClear(t, ctx, `#gantt-filters input[name=to]`)
	uiType(t, ctx, `#gantt-filters input[name=to]`, "05312026")
	uiFollow(t, ctx, `#gantt-filters button[type=submit]`, http.StatusOK)
	checkAxe(t, ctx, "Gantt chart")
	bar := `#gantt g.gantt-row[data-id="` + id + `"]`
	uiWait(t, ctx, bar)
	if txt := testkit.Text(t, ctx, "#gantt-table"); !strings.Contains(txt, "Measure: Readiness") || !strings.Contains(txt, "Tutoring at the libraries") {
		t.Errorf("the chart's table reads %q", txt)
	}
	if got := evalString(t, ctx, `document.querySelector('`+bar+` text.gantt-status').textContent`); got != "Behind Schedule · 0%" {
		t.Errorf("the bar says %q", got)
	}
	testkit.Screenshot(t, ctx, "gantt")

	// Drag the end handle one week (7 days × 24 px) to the right.
	drag(t, ctx, bar+` .gantt-end`, 7*24)
	waitData(t, ctx, "saved", "1")
	v, err := f.e.app.Action(ctx, adminActor(t, f), actionID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Action.EndDate != "2026-05-07" || v.Action.StartDate != "2026-03-02" {
		t.Errorf("after dragging the end a week: %s to %s, want 2026-03-02 to 2026-05-07", v.Action.StartDate, v.Action.EndDate)
	}
	if got := evalString(t, ctx, `document.querySelector('#gantt-table tr[data-id="`+id+`"] input[name=end_date]').value`); got != "2026-05-07" {
		t.Errorf("the table's end date after the drag: %q", got)
	}
	testkit.Screenshot(t, ctx, "gantt-after-drag")

	// Someone saves the action meanwhile: moving the bar is refused, the
	// bar snaps back and the message says why.
	if _, err := f.e.app.UpdateAction(ctx, adminActor(t, f), actionID, v.Action.Version, app.ActionInput{Title: v.Action.Title,
		StartDate: v.Action.StartDate, EndDate: v.Action.EndDate, Status: "On Track"}); err != nil {
		t.Fatal(err)
	}
	x0 := evalString(t, ctx, `document.querySelector('`+bar+` rect.gantt-bar').getAttribute('x')`)
	drag(t, ctx, bar+` rect.gantt-bar`, 3*24)
	waitData(t, ctx, "refused", "1")
	if msg := testkit.Text(t, ctx, "#gantt-alert"); !strings.Contains(msg, "Someone saved this action") {
		t.Errorf("the refused drag says %q", msg)
	}
	if x := evalString(t, ctx, `document.querySelector('`+bar+` rect.gantt-bar').getAttribute('x')`); x != x0 {
		t.Errorf("the refused bar is at x %s, was %s: it did not snap back", x, x0)
	}
	if w, _ := f.e.app.Action(ctx, adminActor(t, f), actionID); w.Action.StartDate != "2026-03-02" || w.Action.EndDate != "2026-05-07" {
		t.Errorf("the refused drag changed the dates: %s to %s", w.Action.StartDate, w.Action.EndDate)
	}
	checkAxe(t, ctx, "Gantt chart after a refused drag")
	testkit.Screenshot(t, ctx, "gantt-refused")

	// After a reload, the slider saves percent complete from the keyboard.
	open(t, ctx, f, "/i/ACME/actions/gantt?zoom=week&from=2026-02-15&to=2026-05-31&on=objects&id="+strconv.FormatInt(f.measure.ID, 10))
	checkAxe(t, ctx, "Gantt chart, reloaded")
	slider := `#gantt-table tr[data-id="` + id + `"] input[name=percent]`
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS(slider)), chromedp.KeyEvent(kb.ArrowRight)); err != nil {
		t.Fatal(err)
	}
	waitData(t, ctx, "saved", "1")
	if w, _ := f.e.app.Action(ctx, adminActor(t, f), actionID); w.Action.Percent != 5 || w.Action.Status != "On Track" {
		t.Errorf("after the slider: %d%% %s, want 5%% On Track", w.Action.Percent, w.Action.Status)
	}
	if got := evalString(t, ctx, `document.querySelector('`+bar+` text.gantt-status').textContent`); got != "On Track · 5%" {
		t.Errorf("the bar says %q after the slider", got)
	}
}

// drag presses the left button on the middle of sel, moves the mouse dx
// CSS px to the right in steps and lets go: real mouse events, which
// Chromium turns into pointer events.
func drag(t *testing.T, ctx context.Context, sel string, dx float64) {
	t.Helper()
	type box struct{ X, Y float64 }
	b, err := chromedp.Run(ctx, chromedp.Evaluate[box](`(() => {
		const el = document.querySelector('`+sel+`');
		el.scrollIntoView({block: "center", inline: "center"});
		const r = el.getBoundingClientRect();
		return {X: r.left + r.width / 2, Y: r.top + r.height / 2};
	})()`))
	if err != nil {
		t.Fatalf("find %s: %v", sel, err)
	}
	held := func(p *input.DispatchMouseEventParams) { p.Button, p.Buttons = input.MouseButtonLeft, 1 }
	steps := []chromedp.Action[chromedp.Void]{chromedp.MouseEvent(chromedp.MouseMoved, b.X, b.Y),
		chromedp.MouseEvent(chromedp.MousePressed, b.X, b.Y, held, chromedp.ClickCount(1))}
	for i := 1; i <= 10; i++ {
		steps = append(steps, chromedp.MouseEvent(chromedp.MouseMoved, b.X+dx*float64(i)/10, b.Y, held))
	}
	steps = append(steps, chromedp.MouseEvent(chromedp.MouseReleased, b.X+dx, b.Y, held, chromedp.ClickCount(1)))
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("drag %s: %v", sel, err)
	}
}

// waitData waits until the chart's data-<name> is want (gantt.js counts
// saved and refused changes there).
func waitData(t *testing.T, ctx context.Context, name, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := evalString(t, ctx, `document.getElementById("gantt").dataset.`+name+` || ""`)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			alert := evalString(t, ctx, `document.getElementById("gantt-alert").textContent`)
			t.Fatalf("data-%s is %q, want %q (alert %q)", name, got, want, alert)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func evalString(t *testing.T, ctx context.Context, js string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return s
}
