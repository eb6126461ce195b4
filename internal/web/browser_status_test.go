package web_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"yardstick/internal/testkit"
)

// bandStatus is one band value on a page as shown: its colour class, the
// shape drawn before it, and the words next to it in the DOM.
type bandStatus struct {
	Class, Icon, Words string
	Visible            bool
}

// bandStatuses reads every band-coloured value under root.
func bandStatuses(t *testing.T, ctx context.Context, root string) []bandStatus {
	t.Helper()
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]bandStatus](`[...document.querySelectorAll(`+jsString(root)+` + ' .val[class*="band-"]')].
		filter(el => !el.closest('.band-key')).map(el => {
			const next = el.nextElementSibling;
			const words = document.getElementById(el.id ? el.id.replace('actual', 'band') : '') || (next && next.classList.contains('band-word') ? next : null);
			return {Class: el.className, Icon: getComputedStyle(el, '::before').content,
				Words: words ? words.textContent.trim() : '', Visible: el.offsetParent !== null};
		})`))
	if err != nil {
		t.Fatalf("read band values under %s: %v", root, err)
	}
	return got
}

// TestBrowserStatusNotByColourAlone is finding 1 of the accessibility
// issue (WCAG 1.4.1): every band value shows its status as a shape and has
// it in words next to the colour, on the scorecard, the dashboard, the
// preferences' favourites and the measure's headline; trends say improving or
// worsening; the graph's markers differ in shape per band. A screenshot
// under emulated deuteranopia is kept for people to look at.
func TestBrowserStatusNotByColourAlone(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) { statusNotByColourAlone(t, newBandFixtureIn(t, newEnv(t, db))) })
}

func statusNotByColourAlone(t *testing.T, f *bandFixture) {
	ctx := a11yBrowser(t)
	signInAs(t, ctx, f.fixture, "admin")

	icons := map[string]string{"band-green": `"✓"`, "band-yellow": `"!"`, "band-red": `"✕"`}
	words := map[string]string{"band-green": "on target", "band-yellow": "near target", "band-red": "off target"}
	bandOf := func(class string) string {
		for b := range icons {
			if strings.Contains(class, b) {
				return b
			}
		}
		return ""
	}
	checkValues := func(page, root string, want int) {
		t.Helper()
		vals := bandStatuses(t, ctx, root)
		seen := map[string]bool{}
		for _, v := range vals {
			b := bandOf(v.Class)
			seen[b] = true
			// The generated content is `"✓" / ""`; Chromium reports its first part.
			if !strings.HasPrefix(v.Icon, icons[b]) {
				t.Errorf("%s: a %s value is drawn with %s before it, want the shape %s", page, b, v.Icon, icons[b])
			}
			if !strings.Contains(v.Words, words[b]) {
				t.Errorf("%s: a %s value has %q next to it, want the words %q", page, b, v.Words, words[b])
			}
		}
		if len(seen) < want {
			t.Errorf("%s: band values of %d bands (%v), want %d", page, len(seen), vals, want)
		}
	}
	checkKey := func(page string) {
		t.Helper()
		key := testkit.Text(t, ctx, "main .band-key")
		for _, w := range []string{"on target", "near target", "off target"} {
			if !strings.Contains(key, w) {
				t.Errorf("%s: the key reads %q, want it to say %q", page, key, w)
			}
		}
	}

	// The scorecard: values, key, trends in words.
	open(t, ctx, f.fixture, "/i/ACME/scorecards/"+strconv.FormatInt(f.sc.ID, 10))
	checkAxe(t, ctx, "scorecard")
	checkValues("scorecard", "#scorecard-tree", 3)
	checkKey("scorecard")
	trends, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#scorecard-tree td.trend')].map(td => td.className + ': ' + td.innerText.trim())`))
	if err != nil {
		t.Fatal(err)
	}
	var improving, worsening int
	for _, tr := range trends {
		switch {
		case strings.Contains(tr, "trend good"):
			if !strings.Contains(tr, "improving") {
				t.Errorf("scorecard: a good trend reads %q, want the word improving", tr)
			}
			improving++
		case strings.Contains(tr, "trend bad"):
			if !strings.Contains(tr, "worsening") {
				t.Errorf("scorecard: a bad trend reads %q, want the word worsening", tr)
			}
			worsening++
		}
	}
	if improving != 1 || worsening != 2 {
		t.Errorf("scorecard trends %q: %d improving, %d worsening; want 1 and 2", trends, improving, worsening)
	}
	testkit.Screenshot(t, ctx, "scorecard")
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedVisionDeficiency, emulation.SetEmulatedVisionDeficiencyParams{Type: emulation.SetEmulatedVisionDeficiencyTypeDeuteranopia}); err != nil {
		t.Fatalf("emulate deuteranopia: %v", err)
	}
	testkit.Screenshot(t, ctx, "scorecard-deuteranopia")
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedVisionDeficiency, emulation.SetEmulatedVisionDeficiencyParams{Type: emulation.SetEmulatedVisionDeficiencyTypeNone}); err != nil {
		t.Fatal(err)
	}

	// The dashboard's and the preferences page's favourites.
	open(t, ctx, f.fixture, "/i/ACME/")
	checkAxe(t, ctx, "dashboard")
	checkValues("dashboard", "#favorites", 3)
	checkKey("dashboard")
	open(t, ctx, f.fixture, "/i/ACME/preferences")
	checkAxe(t, ctx, "preferences")
	checkValues("preferences", "#favorite-list", 3)

	// Each measure's headline says its band in visible words, and its graph
	// draws the band's shape.
	shapes := map[string]bool{}
	for _, m := range []struct {
		id          int64
		band, trend string
	}{{f.green.ID, "band-green", "improving"}, {f.yellow.ID, "band-yellow", "worsening"}, {f.red.ID, "band-red", "worsening"}} {
		open(t, ctx, f.fixture, "/i/ACME/objects/"+strconv.FormatInt(m.id, 10))
		checkAxe(t, ctx, "measure "+m.band)
		checkValues("measure", "#measure-summary", 1)
		if got := testkit.Text(t, ctx, "#current-band"); got != words[m.band] {
			t.Errorf("measure %s: the headline says %q, want %q", m.band, got, words[m.band])
		}
		if got := testkit.Text(t, ctx, "#current-trend"); !strings.Contains(got, m.trend) {
			t.Errorf("measure %s: the trend reads %q, want %q", m.band, got, m.trend)
		}
		color := strings.TrimPrefix(m.band, "band-")
		shape, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
			const el = document.querySelector('#measure-graph svg g.point .marker-`+color+`');
			return el ? el.tagName + ' ' + (el.getAttribute('d') || '').split('L').length : '';
		})()`))
		if err != nil {
			t.Fatal(err)
		}
		if shape == "" {
			t.Errorf("measure %s: no %s marker in the graph", m.band, color)
		}
		shapes[shape] = true
		if key, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('#measure-graph svg g.legend text')].map(e => e.textContent).join(' | ')`)); !strings.Contains(key, strings.Fields(words[m.band])[0]) {
			t.Errorf("measure %s: the graph's key reads %q, want it to name the band", m.band, key)
		}
	}
	if len(shapes) != 3 {
		t.Errorf("the graph markers of the three bands have shapes %v, want three different ones", shapes)
	}
}
