package web_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"yardstick/internal/testkit"
)

// The error summary lists the bad fields in the form's order, as GOV.UK's
// does: the server names them alphabetically (email before organization),
// the Refer form asks for the organization first.
func TestBrowserErrorSummaryInFormOrder(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		f := newBandFixtureIn(t, newEnv(t, db))
		ctx := a11yBrowser(t)
		signInAs(t, ctx, f.fixture, "admin")
		open(t, ctx, f.fixture, "/i/ACME/admin/partners")
		checkAxe(t, ctx, "partners")
		if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS("#refer-form input[name=organization]"))); err != nil {
			t.Fatal(err)
		}
		if got := uiKeysNavigate(t, ctx, kb.Enter); got != http.StatusUnprocessableEntity {
			t.Fatalf("an empty Refer form answered %d, want 422", got)
		}
		checkAxe(t, ctx, "refer refused")
		links, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('[data-error-summary] .error-list a')].map(a => a.getAttribute('href'))`))
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"#f-organization", "#f-email"}; !slices.Equal(links, want) {
			t.Errorf("the summary links %v, want %v (the form's order)", links, want)
		}
	})
}
