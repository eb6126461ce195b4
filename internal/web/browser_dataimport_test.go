package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/http"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
)

// TestBrowserDataImport is the Import Data journey (issue 21) in a real
// browser: from a scorecard's Import Data page the administrator
// downloads the template for a range of months, fills it (the test, with
// excelize, as a spreadsheet program would), uploads it, reads the
// preview, runs it, and the measure's graph shows the new points.
func TestBrowserDataImport(t *testing.T) {
	e := newSQLiteEnv(t)
	in := e.instance("ACME", "Acme Community Partners")
	acct, _ := e.member(in, "ada@example.org", access.PresetAdministration)
	ctx := context.Background()
	actor, err := e.app.ActorFor(ctx, app.Session{Account: acct}, in.Code, app.Client{Addr: "192.0.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	sc, err := e.app.CreateScorecard(ctx, actor, app.ScorecardInput{Title: "Reading"})
	if err != nil {
		t.Fatal(err)
	}
	typeID := func(name string) int64 {
		id, _ := strconv.ParseInt(e.typeID(in, name), 10, 64)
		return id
	}
	freq, _ := strconv.ParseInt(e.frequencyID(in, "Monthly"), 10, 64)
	box, err := e.app.CreateObject(ctx, actor, app.ObjectInput{Kind: model.KindContainer, TypeID: typeID("Result"), Title: "Families"},
		app.Placement{ScorecardID: sc.ID})
	if err != nil {
		t.Fatal(err)
	}
	m, err := e.app.CreateObject(ctx, actor, app.ObjectInput{Kind: model.KindMeasure, TypeID: typeID("Indicator"), Title: "Families attending",
		Decimals: "0", Polarity: "higher", FrequencyID: freq}, app.Placement{ParentID: box.ID})
	if err != nil {
		t.Fatal(err)
	}
	bctx := a11yBrowser(t)
	uiSignIn(t, bctx, e.srv.URL, "ada@example.org", testkit.Password)
	uiWait(t, bctx, "#dashboard-code")
	scPath := "/i/ACME/scorecards/" + strconv.FormatInt(sc.ID, 10)
	if err := chromedp.Do(bctx, chromedp.Navigate(e.srv.URL+scPath)); err != nil {
		t.Fatal(err)
	}
	checkAxe(t, bctx, "the scorecard page")
	uiFollow(t, bctx, "#scorecard-data-import", http.StatusOK)
	uiWait(t, bctx, "#data-import-form")
	testkit.Screenshot(t, bctx, "data-import-page")

	// The template of six months, fetched with the browser's session.
	tpl := browserFetch(t, bctx, scPath+"/data-template.xlsx?from=2025-01-01&to=2025-06-30")
	if tpl.Status != http.StatusOK {
		t.Fatalf("template: %d", tpl.Status)
	}
	x, err := excelize.OpenReader(bytes.NewReader(tpl.Body))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows("Data values")
	if err != nil || len(rows) != 7 {
		t.Fatalf("template rows %q, %v", rows, err)
	}
	for i := 2; i <= 7; i++ {
		if err := x.SetCellValue("Data values", "D"+strconv.Itoa(i), 10*i); err != nil {
			t.Fatal(err)
		}
	}
	file := filepath.Join(t.TempDir(), "reading.xlsx")
	if err := x.SaveAs(file); err != nil {
		t.Fatal(err)
	}
	x.Close()

	if err := chromedp.Do(bctx, chromedp.SetUploadFiles(chromedp.CSS(`#data-import-form input[type=file]`), []string{file})); err != nil {
		t.Fatalf("choose the file: %v", err)
	}
	uiFollow(t, bctx, `//form[@id="data-import-form"]//button[normalize-space()="Preview"]`, http.StatusOK)
	uiWait(t, bctx, "#data-import-rows")
	if n := uiCount(t, bctx, "#data-import-rows tbody tr.outcome-new"); n != 6 {
		t.Errorf("%d new rows in the preview, want 6", n)
	}
	testkit.Screenshot(t, bctx, "data-import-preview")
	uiFollow(t, bctx, `//form[@id="data-import-run"]//button[normalize-space()="Run import"]`, http.StatusOK)
	uiWait(t, bctx, "#data-import-results")
	testkit.Screenshot(t, bctx, "data-import-done")

	if err := chromedp.Do(bctx, chromedp.Navigate(e.srv.URL+"/i/ACME/objects/"+strconv.FormatInt(m.ID, 10))); err != nil {
		t.Fatal(err)
	}
	uiWait(t, bctx, "#measure-graph svg")
	checkAxe(t, bctx, "the measure page")
	if n := uiCount(t, bctx, `#measure-graph svg g.point .marker`); n < 6 {
		t.Errorf("the graph has %d point markers, want the 6 imported", n)
	}
	testkit.Screenshot(t, bctx, "data-import-graph")
}

// browserFetch fetches a same-origin path with the browser's cookie.
func browserFetch(t *testing.T, bctx context.Context, path string) download {
	t.Helper()
	raw, err := chromedp.Run(bctx, chromedp.Evaluate[struct {
		Status int
		B64    string
	}](`(async () => {
		const r = await fetch(`+jsString(path)+`, {credentials: 'same-origin'});
		const bytes = new Uint8Array(await r.arrayBuffer());
		let bin = '';
		for (let i = 0; i < bytes.length; i += 0x8000) {
			bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
		}
		return {Status: r.status, B64: btoa(bin)};
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("fetch %s: %v", path, err)
	}
	body, err := base64.StdEncoding.DecodeString(raw.B64)
	if err != nil {
		t.Fatal(err)
	}
	return download{Status: raw.Status, Body: body}
}
