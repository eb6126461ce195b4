package web_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"yardstick/internal/testkit"
)

// contrastJS defines contrast(a, b) of two CSS colours and bg(el), the
// first opaque background behind an element, in the page.
const contrastJS = `
const rgb = s => { const m = s.match(/[\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; };
const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
	return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
const contrast = (a, b) => { const x = lum(rgb(a)), y = lum(rgb(b)); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
const bg = el => { for (let e = el.parentElement; e; e = e.parentElement) { const c = getComputedStyle(e).backgroundColor; if (rgb(c).a > 0) return c; } return 'rgb(255,255,255)'; };
`

// lowContrast lists what under root falls short: each element's edge (the
// given colour property) against what is behind it, below min.
func lowContrast(t *testing.T, ctx context.Context, sel, prop string, min float64) []string {
	t.Helper()
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {`+contrastJS+`
		return [...document.querySelectorAll(`+jsString(sel)+`)].map(el => {
			const c = getComputedStyle(el)[`+jsString(prop)+`], b = bg(el), r = contrast(c, b);
			return r < `+strconv.FormatFloat(min, 'f', 2, 64)+` ? (el.name || el.tagName) + ' ' + c + ' on ' + b + ' = ' + r.toFixed(2) : '';
		}).filter(Boolean);
	})()`))
	if err != nil {
		t.Fatalf("contrast of %s: %v", sel, err)
	}
	return got
}

// TestBrowserContrast is finding 7 of the accessibility issue (WCAG
// 1.4.11, 1.4.3): input borders and switch tracks at 3:1 or more, graph
// markers at 3:1 against the plot, type badges' letters at 4.5:1; and under
// forced colours (Windows high contrast) inputs and cards keep a border and
// focus stays visible.
func TestBrowserContrast(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) { contrast(t, newBandFixtureIn(t, newEnv(t, db))) })
}

func contrast(t *testing.T, f *bandFixture) {
	ctx := a11yBrowser(t)
	signInAs(t, ctx, f.fixture, "admin")

	open(t, ctx, f.fixture, "/i/ACME/admin/users/"+strconv.FormatInt(f.spareID, 10))
	checkAxe(t, ctx, "Edit User")
	for _, c := range []struct{ sel, prop string }{
		{`label.switch input`, "borderTopColor"},
		{`#user-form input[type=text], #user-form input[type=email]`, "borderTopColor"},
	} {
		if n := uiCount(t, ctx, c.sel); n == 0 {
			t.Fatalf("no %s on Edit User", c.sel)
		}
		if low := lowContrast(t, ctx, c.sel, c.prop, 3); len(low) > 0 {
			t.Errorf("Edit User: %s edges below 3:1: %v", c.sel, low)
		}
	}

	// Graph markers: the shape's fill or its outline stands out from the plot.
	for _, id := range []int64{f.green.ID, f.yellow.ID, f.red.ID} {
		open(t, ctx, f.fixture, "/i/ACME/objects/"+strconv.FormatInt(id, 10))
		checkAxe(t, ctx, "measure")
		low, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {`+contrastJS+`
			return [...document.querySelectorAll('#measure-graph svg .marker')].map(el => {
				const fill = contrast(getComputedStyle(el).fill, 'rgb(255,255,255)');
				const stroke = getComputedStyle(el).stroke === 'none' ? 0 : contrast(getComputedStyle(el).stroke, 'rgb(255,255,255)');
				return Math.max(fill, stroke) < 3 ? el.getAttribute('class') + ' fill ' + fill.toFixed(2) + ' stroke ' + stroke.toFixed(2) : '';
			}).filter(Boolean);
		})()`))
		if err != nil {
			t.Fatal(err)
		}
		if len(low) > 0 {
			t.Errorf("graph markers below 3:1 against white: %v", low)
		}
	}

	// Type badges: the letter against the badge.
	open(t, ctx, f.fixture, "/i/ACME/admin/types")
	checkAxe(t, ctx, "types")
	low, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {`+contrastJS+`
		return [...document.querySelectorAll('main svg[role=img]')].map(svg => {
			const rect = svg.querySelector('rect'), text = svg.querySelector('text');
			if (!rect || !text) return '';
			const r = contrast(getComputedStyle(rect).fill, getComputedStyle(text).fill);
			return r < 4.5 ? svg.getAttribute('aria-label') + ' ' + r.toFixed(2) : '';
		}).filter(Boolean);
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if n := uiCount(t, ctx, `main svg[role=img] text`); n < 4 || len(low) > 0 {
		t.Errorf("%d type badges; below 4.5:1: %v", n, low)
	}

	// Forced colours.
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "forced-colors", Value: "active"}}}); err != nil {
		t.Fatalf("emulate forced colours: %v", err)
	}
	open(t, ctx, f.fixture, "/i/ACME/admin/users/"+strconv.FormatInt(f.spareID, 10))
	checkAxe(t, ctx, "Edit User, forced colours")
	// A headless tab is not focused, and :focus matches only in a focused one.
	if _, err := chromedp.Call(ctx, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS(`#user-form input[name=name]`))); err != nil {
		t.Fatal(err)
	}
	type edge struct{ Forced, CardBorder, InputBorder, SwitchBorder, Outline string }
	e, err := chromedp.Run(ctx, chromedp.Evaluate[edge](`(() => {
		const s = sel => getComputedStyle(document.querySelector(sel));
		const b = st => st.borderTopStyle + ' ' + st.borderTopWidth;
		return {Forced: String(matchMedia('(forced-colors: active)').matches), CardBorder: b(s('main .card')), InputBorder: b(s('#user-form input[name=name]')),
			SwitchBorder: b(s('label.switch input')), Outline: getComputedStyle(document.activeElement).outlineStyle + ' ' + getComputedStyle(document.activeElement).outlineWidth};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if e.Forced != "true" {
		t.Fatalf("forced colours not in effect (matchMedia %s)", e.Forced)
	}
	for what, v := range map[string]string{"a card": e.CardBorder, "an input": e.InputBorder, "a switch": e.SwitchBorder, "the focused input's outline": e.Outline} {
		if v == "" || v[:4] == "none" || v[len(v)-3:] == "0px" {
			t.Errorf("forced colours: %s has %q, want a visible edge", what, v)
		}
	}
	testkit.Screenshot(t, ctx, "edit-user-forced-colors")
}
