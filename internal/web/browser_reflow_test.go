package web_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"yardstick/internal/testkit"
)

// notPages are the GET routes that answer with something other than an
// HTML page, so reflow and axe do not apply. Every other GET route of the
// route table is visited by TestBrowserEveryPageReflowsAndPassesAxe: a new
// page is checked without anyone adding it here.
var notPages = map[string]string{
	"GET /healthz":                                     "plain text",
	"GET /readyz":                                      "plain text",
	"GET /metrics":                                     "Prometheus text",
	"GET /static/":                                     "CSS and JavaScript",
	"GET /i/{code}/admin/activity.xlsx":                "a download",
	"GET /i/{code}/actions.xlsx":                       "a download",
	"GET /i/{code}/actions.csv":                        "a download",
	"GET /i/{code}/admin/activity.pdf":                 "a download",
	"GET /i/{code}/admin/import/template.csv":          "a download",
	"GET /i/{code}/admin/xref.csv":                     "a download",
	"GET /i/{code}/admin/import/{id}/results.csv":      "a download",
	"GET /i/{code}/admin/data-import/{id}/results.csv": "a download",
	"GET /i/{code}/scorecards/{id}/data-template.xlsx": "a download",
	"GET /i/{code}/scorecards/{id}/data-template.csv":  "a download",
	"GET /i/{code}/scorecards/{id}/data-values.xlsx":   "a download",
	"GET /i/{code}/scorecards/{id}/data-values.csv":    "a download",
	"GET /i/{code}/scorecards/{id}/export.csv":         "a download",
	"GET /i/{code}/scorecards/{id}/export.xlsx":        "a download",
	"GET /i/{code}/scorecards/{id}/export.pdf":         "a download",
	"GET /i/{code}/logo":                               "an image",
	"GET /i/{code}/compyle":                            "a redirect to the Compyle app",
	"GET /i/{code}/reports/run.csv":                    "a download",
	"GET /i/{code}/reports/run.xlsx":                   "a download",
	"GET /i/{code}/reports/run.pdf":                    "a download",
}

// TestBrowserEveryPageReflowsAndPassesAxe is finding 2 of the
// accessibility issue (WCAG 1.4.10, reflow) and the axe part of its
// checks: every GET page of the route table, with the authorization
// matrix's fixture and ids, as an administrator, a Presenter, a partner's
// administrator (a partner viewer of the shared scorecard) and signed out,
// at 320 × 640 CSS px. The document must not scroll sideways (tables
// scroll inside their own region), and axe must find no violation. On
// SQLite and PostgreSQL, as the accessibility issue asks: the markup does
// not depend on the database, and the Citus run (PostgreSQL underneath,
// the same pages) cost a minute and a half of make test.
func TestBrowserEveryPageReflowsAndPassesAxe(t *testing.T) {
	testkit.SQLiteAndPostgres(t, func(t *testing.T, db *testkit.DB) { reflowAndAxe(t, newBandFixtureIn(t, newEnv(t, db))) })
}

func reflowAndAxe(t *testing.T, f *bandFixture) {
	var pages []string
	for _, rt := range f.e.web.Routes() {
		if !strings.HasPrefix(rt.Pattern, "GET ") || rt.Transport != "pages" {
			continue
		}
		if _, ok := notPages[rt.Pattern]; ok {
			continue
		}
		pages = append(pages, rt.Pattern)
	}
	for pattern := range notPages {
		found := false
		for _, rt := range f.e.web.Routes() {
			found = found || rt.Pattern == pattern
		}
		if !found {
			t.Errorf("notPages names %q, which is not a route", pattern)
		}
	}
	// Each page takes 0.2 s on a quiet machine and four times that in CI,
	// beside the other packages; one budget for all of them grew too small
	// as pages were added (CI hit 60 s on PostgreSQL).
	budget := max(time.Minute, time.Duration(len(pages))*3*time.Second)
	for _, persona := range []string{"admin", "presenter", "partner", "anon"} {
		t.Run(persona, func(t *testing.T) {
			ctx := a11yBrowserWithin(t, budget)
			signInAs(t, ctx, f.fixture, persona)
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(320, 640)); err != nil {
				t.Fatal(err)
			}
			for _, pattern := range pages {
				_, path, _ := f.request(pattern)
				if persona == "partner" {
					// The partner reads ACME's shared content under its own instance.
					path = strings.Replace(path, "/i/ACME/", "/i/BETA/", 1)
				}
				open(t, ctx, f.fixture, path)
				checkAxe(t, ctx, pattern+" as "+persona)
				w, err := chromedp.Run(ctx, chromedp.Evaluate[struct{ Scroll, View int }](`({Scroll: document.documentElement.scrollWidth, View: window.innerWidth})`))
				if err != nil {
					t.Fatal(err)
				}
				if w.Scroll > w.View {
					wide, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('body *')].
						filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-scroll')).
						slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().replace(/\s+/g, '.') : '') + ' → ' + Math.round(e.getBoundingClientRect().right))`))
					t.Errorf("%s (%s) as %s: the document is %d px wide in a %d px viewport; too wide: %v", pattern, path, persona, w.Scroll, w.View, wide)
				}
			}
		})
	}
}

// TestBrowserWideTablesScrollInTheirCard is issue 12's item 9 and the
// table half of finding 2: the scorecard fits its card at 1280 px; at 375
// and 320 px the scorecard and the users list scroll inside a focusable,
// named region with the first column kept in view. Screenshots of both at
// 320 and 1280 px are kept.
func TestBrowserWideTablesScrollInTheirCard(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) { wideTablesScrollInTheirCard(t, newBandFixtureIn(t, newEnv(t, db))) })
}

func wideTablesScrollInTheirCard(t *testing.T, f *bandFixture) {
	ctx := a11yBrowser(t)
	signInAs(t, ctx, f.fixture, "admin")
	type box struct {
		CardRight, TableRight, RegionRight float64
		Overflow, Role, Label, Tab         string
		FirstSticky                        string
		Doc, View                          int
	}
	measure := func(table string) box {
		t.Helper()
		b, err := chromedp.Run(ctx, chromedp.Evaluate[box](`(() => {
			const t = document.querySelector(`+jsString(table)+`), card = t.closest('.card'), r = t.closest('.table-scroll');
			const first = t.querySelector('tbody tr > :first-child');
			return {CardRight: card.getBoundingClientRect().right, TableRight: t.getBoundingClientRect().right,
				RegionRight: r ? r.getBoundingClientRect().right : 0,
				Overflow: r ? getComputedStyle(r).overflowX : '', Role: r ? r.getAttribute('role') || '' : '',
				Label: r ? r.getAttribute('aria-label') || '' : '', Tab: r ? r.getAttribute('tabindex') || '' : '',
				FirstSticky: first ? getComputedStyle(first).position : '',
				Doc: document.documentElement.scrollWidth, View: window.innerWidth};
		})()`))
		if err != nil {
			t.Fatalf("measure %s: %v", table, err)
		}
		return b
	}
	for _, p := range []struct{ name, path, table string }{
		{"scorecard", "/i/ACME/scorecards/" + itoa64(f.sc.ID), "#scorecard-tree"},
		{"users", "/i/ACME/admin/users", "#user-list"},
	} {
		for _, width := range []int64{1280, 375, 320} {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 800)); err != nil {
				t.Fatal(err)
			}
			open(t, ctx, f.fixture, p.path)
			checkAxe(t, ctx, p.name)
			b := measure(p.table)
			if b.Overflow != "auto" || b.Role != "region" || b.Label == "" || b.Tab != "0" {
				t.Errorf("%s at %d px: the table's scroll region is overflow-x %q role %q aria-label %q tabindex %q; want auto, region, a name, 0",
					p.name, width, b.Overflow, b.Role, b.Label, b.Tab)
			}
			if b.RegionRight > b.CardRight+0.5 {
				t.Errorf("%s at %d px: the table's region ends at %.0f, past its card's edge at %.0f", p.name, width, b.RegionRight, b.CardRight)
			}
			if b.Doc > b.View {
				t.Errorf("%s at %d px: the document is %d px wide", p.name, width, b.Doc)
			}
			if b.FirstSticky != "sticky" {
				t.Errorf("%s at %d px: the first column is position %q, want sticky", p.name, width, b.FirstSticky)
			}
			if p.name == "scorecard" && width == 1280 && b.TableRight > b.CardRight+0.5 {
				t.Errorf("scorecard at 1280 px: the table ends at %.0f, past its card at %.0f (issue 12 item 9)", b.TableRight, b.CardRight)
			}
			if width != 375 {
				testkit.Screenshot(t, ctx, p.name+"-"+itoa64(width))
			}
		}
	}
}

func itoa64(v int64) string { return strconv.FormatInt(v, 10) }
