package web_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
)

// TestBrowserMissingDataReport is issue 23's browser journey: an
// administrator builds and saves a Missing data report through the
// Reports area; a Data Entry member (with View Reports) opens the same
// saved report and sees only its own scorecard's measures, and exports it
// as XLSX and PDF, read back here; screenshots of both views.
func TestBrowserMissingDataReport(t *testing.T) {
	e := newSQLiteEnv(t)
	in := e.instance("ACME", "Acme")
	adminAcct, _ := e.member(in, "ada@example.org", access.PresetAdministration)
	_, dee := e.member(in, "dee@example.org", access.PresetDataEntry)
	perms := access.MustPreset(access.PresetDataEntry)
	perms[access.ReportsView] = true
	setPerms(t, e, dee.ID, perms)
	admin, err := e.app.ActorFor(ctx, app.Session{Account: adminAcct}, "ACME", app.Client{})
	if err != nil {
		t.Fatal(err)
	}
	types, _ := e.app.Types(ctx, admin, "")
	freqs, _ := e.app.Frequencies(ctx, admin)
	typeOf := map[string]int64{}
	for _, ty := range types {
		typeOf[ty.Name] = ty.ID
	}
	place := func(sc, title string) model.Scorecard {
		s, err := e.app.CreateScorecard(ctx, admin, app.ScorecardInput{Title: sc})
		if err != nil {
			t.Fatal(err)
		}
		r, err := e.app.CreateObject(ctx, admin, app.ObjectInput{Kind: model.KindContainer, TypeID: typeOf["Result"], Title: "Result of " + sc},
			app.Placement{ScorecardID: s.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.CreateObject(ctx, admin, app.ObjectInput{Kind: model.KindMeasure, TypeID: typeOf["Indicator"], Title: title,
			Decimals: "0", Polarity: "higher", FrequencyID: freqs[0].ID}, app.Placement{ParentID: r.ID}); err != nil {
			t.Fatal(err)
		}
		return s
	}
	mine := place("Reading", "Children reading at grade level")
	place("Budget", "Unspent funds")
	if err := e.store.Q().SetMembershipScorecards(ctx, in.ID, dee.ID, []int64{mine.ID}); err != nil {
		t.Fatal(err)
	}

	bctx := a11yBrowser(t)
	uiSignIn(t, bctx, e.srv.URL, "ada@example.org", testkit.Password)
	uiFollow(t, bctx, "#nav-reports", http.StatusOK)
	uiFollow(t, bctx, "#new-report", http.StatusOK)
	uiFollow(t, bctx, `//nav[@id="report-kind-choice"]//a[normalize-space()="Missing data"]`, http.StatusOK)
	uiType(t, bctx, `#report-form input[name=name]`, "Overdue for the board")
	uiFollow(t, bctx, `//form[@id="report-form"]//button[normalize-space()="Save report"]`, http.StatusOK)
	uiWait(t, bctx, "#report-table")
	if got := testkit.Text(t, bctx, "main h1"); got != "Overdue for the board" {
		t.Errorf("the saved report is titled %q", got)
	}
	if got := reportColumn(t, bctx); !slices.Equal(got, []string{"Children reading at grade level", "Unspent funds"}) {
		t.Errorf("the administrator's rows %q", got)
	}
	testkit.Screenshot(t, bctx, "report-missing-data-admin")
	path := tabPath(t, bctx)

	// Sign out, and in as the Data Entry member.
	if _, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`(document.querySelector('#account-menu form').submit(), true)`)); err != nil {
		t.Fatal(err)
	}
	uiWait(t, bctx, "#login-form")
	uiSignIn(t, bctx, e.srv.URL, "dee@example.org", testkit.Password)
	uiFollow(t, bctx, "#nav-reports", http.StatusOK)
	uiFollow(t, bctx, `//table[@id="report-list"]//a[normalize-space()="Overdue for the board"]`, http.StatusOK)
	if got := tabPath(t, bctx); got != path {
		t.Errorf("the member opened %s, the administrator saved %s", got, path)
	}
	if got := reportColumn(t, bctx); !slices.Equal(got, []string{"Children reading at grade level"}) {
		t.Errorf("the member's rows %q", got)
	}
	if n := uiCount(t, bctx, "#edit-report"); n != 0 {
		t.Error("a member without Add/Edit Report is offered Edit report")
	}
	testkit.Screenshot(t, bctx, "report-missing-data-member")

	x := uiDownload(t, bctx, "#report-xlsx")
	if x.Status != http.StatusOK || !strings.Contains(x.Disposition, ".xlsx") {
		t.Fatalf("xlsx: %d %q", x.Status, x.Disposition)
	}
	book, err := excelize.OpenReader(strings.NewReader(string(x.Body)))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := book.GetRows(book.GetSheetName(0))
	if len(rows) != 2 || rows[1][0] != "Children reading at grade level" {
		t.Errorf("the member's xlsx: %q", rows)
	}
	p := uiDownload(t, bctx, "#report-pdf")
	if p.Status != http.StatusOK || p.Type != "application/pdf" {
		t.Fatalf("pdf: %d %q", p.Status, p.Type)
	}
	pages, err := testkit.PDFLines(p.Body)
	if err != nil {
		t.Fatal(err)
	}
	var text []string
	for _, pg := range pages {
		text = append(text, pg...)
	}
	all := strings.Join(text, "\n")
	if !strings.Contains(all, "Children reading") || strings.Contains(all, "Unspent") || !strings.Contains(all, "Overdue for the board") {
		t.Errorf("the member's pdf:\n%s", all)
	}
}

// reportColumn is the first column of the report table on the page.
func reportColumn(t *testing.T, bctx context.Context) []string {
	t.Helper()
	got, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#report-table tbody th')].map(th => th.textContent.trim())`))
	if err != nil {
		t.Fatal(err)
	}
	return got
}
