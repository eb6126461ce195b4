package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
)

// TestBrowserPartnerConnect is the Partner Connect journey (SPEC §12) in
// two browsers, one per organization: ACME's administrator requests a
// connection with BETA; the request mail reaches BETA's administrator
// over SMTP, whose link leads (through sign-in) to the page where they
// accept it; ACME shares one of its two scorecards; BETA picks ACME in the
// Scorecards list's Sites filter and opens the shared scorecard and its
// measure, read-only; BETA revokes the channel and the shared content is
// gone. Every step is a click or typed keys.
func TestBrowserPartnerConnect(t *testing.T) {
	e, smtp := newMailEnv(t)
	acme := e.instance("ACME", "Acme Community Partners")
	beta := e.instance("BETA", "Beta Family Services")
	acmeAdmin, _ := e.member(acme, "admin@acme.example", access.PresetAdministration)
	e.member(beta, "admin@beta.example", access.PresetAdministration)
	_, pat := e.member(beta, "pat@beta.example", access.PresetPresenter)

	// ACME's content: "Shared Results" holds a result and, under it, a
	// measure with a value; "Private Plans" is never shared.
	actor, err := e.app.ActorFor(ctx, app.Session{Account: acmeAdmin}, "ACME", app.Client{})
	if err != nil {
		t.Fatalf("ACME admin actor: %v", err)
	}
	types, err := e.app.Types(ctx, actor, "")
	if err != nil {
		t.Fatal(err)
	}
	typeID := map[string]int64{}
	for _, ty := range types {
		typeID[ty.Name] = ty.ID
	}
	if typeID["Result"] == 0 || typeID["Indicator"] == 0 {
		t.Fatalf("ACME has no Result or Indicator type: %v", typeID)
	}
	freqs, err := e.app.Frequencies(ctx, actor)
	if err != nil || len(freqs) == 0 {
		t.Fatalf("frequencies: %v %v", freqs, err)
	}
	const (
		sharedTitle  = "Shared Results"
		privateTitle = "Private Plans"
		resultTitle  = "Every family has a stable home"
		measureTitle = "Families placed in housing"
		privResult   = "Board succession is planned"
	)
	shared, err := e.app.CreateScorecard(ctx, actor, app.ScorecardInput{Title: sharedTitle})
	if err != nil {
		t.Fatalf("create %s: %v", sharedTitle, err)
	}
	result, err := e.app.CreateObject(ctx, actor, app.ObjectInput{Kind: model.KindContainer, TypeID: typeID["Result"], Title: resultTitle,
		Decimals: "0", Polarity: "higher", FrequencyID: freqs[0].ID}, app.Placement{ScorecardID: shared.ID})
	if err != nil {
		t.Fatalf("result on %s: %v", sharedTitle, err)
	}
	measure, err := e.app.CreateObject(ctx, actor, app.ObjectInput{Kind: model.KindMeasure, TypeID: typeID["Indicator"], Title: measureTitle,
		Decimals: "0", Polarity: "higher", FrequencyID: freqs[0].ID}, app.Placement{ParentID: result.ID})
	if err != nil {
		t.Fatalf("measure under %s: %v", resultTitle, err)
	}
	mv, err := e.app.MeasurePage(ctx, actor, measure.ID, 0, 0)
	if err != nil || len(mv.Grid) == 0 {
		t.Fatalf("measure page: %v (grid %d rows)", err, len(mv.Grid))
	}
	period := mv.Grid[len(mv.Grid)-1]
	if n, err := e.app.SaveData(ctx, actor, measure.ID, []app.DataEntry{{PeriodKey: period.Key, Actual: "42", Target: "50", Comment: "Spring intake"}}); err != nil || n != 1 {
		t.Fatalf("enter data: saved %d, %v", n, err)
	}
	private, err := e.app.CreateScorecard(ctx, actor, app.ScorecardInput{Title: privateTitle})
	if err != nil {
		t.Fatalf("create %s: %v", privateTitle, err)
	}
	if _, err := e.app.CreateObject(ctx, actor, app.ObjectInput{Kind: model.KindContainer, TypeID: typeID["Result"], Title: privResult,
		Decimals: "0", Polarity: "higher", FrequencyID: freqs[0].ID}, app.Placement{ScorecardID: private.ID}); err != nil {
		t.Fatalf("result on %s: %v", privateTitle, err)
	}
	sharedPath := "/i/BETA/scorecards/" + strconv.FormatInt(shared.ID, 10)
	privatePath := "/i/BETA/scorecards/" + strconv.FormatInt(private.ID, 10)
	measurePath := "/i/BETA/objects/" + strconv.FormatInt(measure.ID, 10)

	// 1. ACME's administrator requests the connection from
	// Administration → Partner Connect.
	admin := a11yBrowser(t)
	uiSignIn(t, admin, e.srv.URL, "admin@acme.example", testkit.Password)
	uiWait(t, admin, "#dashboard-code")
	openAdminPage(t, admin, "Partner Connect")
	uiWait(t, admin, "#request-form")
	if got, want := tabPath(t, admin), "/i/ACME/admin/partners"; got != want {
		t.Errorf("Administration → Partner Connect led to %s, want %s", got, want)
	}
	if got, want := testkit.Text(t, admin, "#own-code"), "ACME"; got != want {
		t.Errorf("#own-code shows %q, want %q", got, want)
	}
	if n := uiCount(t, admin, "#pending"); n != 0 {
		t.Errorf("before any request the page has %d pending sections, want none", n)
	}
	uiType(t, admin, `#request-form input[name=code]`, "BETA")
	uiFollow(t, admin, `#request-form button[type=submit]`, http.StatusOK)
	uiWait(t, admin, "#pending")
	if got, want := tabPath(t, admin), "/i/ACME/admin/partners"; got != want {
		t.Errorf("after the request the tab shows %s, want %s", got, want)
	}
	if got := testkit.Text(t, admin, "main .flash"); !strings.Contains(got, "Request sent") {
		t.Errorf("after the request the flash reads %q, want it to say the request was sent", got)
	}
	if n := uiCount(t, admin, "#pending tr.incoming"); n != 0 {
		t.Errorf("ACME shows %d incoming requests, want none", n)
	}
	if rows := uiTexts(t, admin, "#pending tbody tr.outgoing"); len(rows) != 1 ||
		!strings.Contains(rows[0], "Beta Family Services (BETA)") || !strings.Contains(rows[0], "Waiting for their answer") || !strings.Contains(rows[0], "Cancel") {
		t.Errorf("ACME's outgoing requests read %q, want one to Beta Family Services (BETA), waiting, with Cancel", rows)
	}
	testkit.Screenshot(t, admin, "request-sent")

	// 2. The request mail reaches BETA's administrator; its link, opened
	// in their own browser, goes through sign-in to the request.
	msgs := smtp.WaitFor(t, 1, 10*time.Second)
	var req *testkit.CapturedMail
	for i := range msgs {
		if slices.Equal(msgs[i].To, []string{"admin@beta.example"}) {
			req = &msgs[i]
		}
	}
	if req == nil {
		t.Fatalf("no mail to admin@beta.example; got %d messages", len(msgs))
	}
	for _, m := range msgs {
		if slices.Contains(m.To, "admin@acme.example") {
			t.Errorf("the requester was mailed too: %q", m.Subject)
		}
	}
	if want := "Partner Connect request from “Acme Community Partners” (ACME)"; req.Subject != want {
		t.Errorf("request mail subject %q, want %q", req.Subject, want)
	}
	link := testkit.FindLink(req.Body, "http://yardstick.test/i/BETA/admin/partners")
	if link == "" {
		t.Fatalf("request mail has no link to /i/BETA/admin/partners:\n%s", req.Body)
	}
	lu, err := url.Parse(link)
	if err != nil {
		t.Fatalf("request mail link %q: %v", link, err)
	}

	partner := a11yBrowser(t)
	if err := chromedp.Do(partner,
		chromedp.Navigate(e.srv.URL+lu.RequestURI()),
		chromedp.WaitVisible(chromedp.CSS("#login-form")),
	); err != nil {
		t.Fatalf("open the mail's link signed out: %v", err)
	}
	checkAxe(t, partner, "sign-in form")
	if got, want := tabPath(t, partner), "/login"; got != want {
		t.Errorf("signed out, the mail's link led to %s, want %s", got, want)
	}
	uiType(t, partner, `#login-form input[name=email]`, "admin@beta.example")
	uiType(t, partner, `#login-form input[name=password]`, testkit.Password)
	uiFollow(t, partner, `#login-form button[type=submit]`, http.StatusOK)
	uiWait(t, partner, "#pending")
	if got, want := tabPath(t, partner), "/i/BETA/admin/partners"; got != want {
		t.Errorf("signed in from the mail's link, landed on %s, want %s", got, want)
	}
	if got, want := testkit.Text(t, partner, "#own-code"), "BETA"; got != want {
		t.Errorf("BETA's #own-code shows %q, want %q", got, want)
	}
	incoming := `//section[@id="pending"]//tr[contains(@class,"incoming")][td[normalize-space()="Acme Community Partners (ACME)"]]`
	uiWait(t, partner, incoming)
	if rows := uiTexts(t, partner, "#pending tbody tr"); len(rows) != 1 || !strings.Contains(rows[0], "Asks to connect with you") {
		t.Errorf("BETA's pending requests read %q, want ACME's incoming one only", rows)
	}
	testkit.Screenshot(t, partner, "request-received")
	uiFollow(t, partner, incoming+`//button[normalize-space()="Accept"]`, http.StatusOK)
	uiWait(t, partner, "#receiving")
	if got := testkit.Text(t, partner, "main .flash"); !strings.Contains(got, "Connected") {
		t.Errorf("after Accept the flash reads %q", got)
	}
	if n := uiCount(t, partner, "#pending"); n != 0 {
		t.Errorf("after Accept %d pending sections remain, want none", n)
	}
	for _, sec := range []string{"#sharing", "#receiving"} {
		if got := testkit.Text(t, partner, sec); !strings.Contains(got, "Acme Community Partners (ACME)") || !strings.Contains(got, "No scorecards") {
			t.Errorf("after Accept BETA's %s reads %q, want ACME with no scorecards", sec, got)
		}
	}
	testkit.Screenshot(t, partner, "request-accepted")

	// 3. ACME shares "Shared Results" with BETA from Edit Scorecards.
	openAdminPage(t, admin, "Partner Connect")
	uiWait(t, admin, "#sharing")
	if n := uiCount(t, admin, "#pending"); n != 0 {
		t.Errorf("once accepted ACME still shows %d pending sections", n)
	}
	sharingRow := `//section[@id="sharing"]//tr[td[normalize-space()="Beta Family Services (BETA)"]]`
	uiWait(t, admin, sharingRow)
	if got := testkit.Text(t, admin, "#sharing"); !strings.Contains(got, "No scorecards") {
		t.Errorf("before choosing, ACME's #sharing reads %q, want No scorecards", got)
	}
	uiFollow(t, admin, sharingRow+`//a[normalize-space()="Edit Scorecards"]`, http.StatusOK)
	uiWait(t, admin, "#shares-form")
	if got := testkit.Text(t, admin, "main h1"); !strings.Contains(got, "Beta Family Services (BETA)") {
		t.Errorf("Edit Scorecards is headed %q, want it to name BETA", got)
	}
	available := uiLabels(t, admin, "#available label")
	if !slices.Contains(available, sharedTitle) || !slices.Contains(available, privateTitle) {
		t.Errorf("Available lists %q, want both of ACME's scorecards", available)
	}
	if got := uiLabels(t, admin, "#has-access label"); len(got) != 0 {
		t.Errorf("Has Access To lists %q before anything is shared", got)
	}
	if err := chromedp.Do(admin, uiClick(`//fieldset[@id="available"]//label[normalize-space()="`+sharedTitle+`"]/input[@name="share"]`)); err != nil {
		t.Fatalf("tick %s: %v", sharedTitle, err)
	}
	uiFollow(t, admin, `#shares-form button[type=submit]`, http.StatusOK)
	uiWait(t, admin, "#sharing")
	if got, want := tabPath(t, admin), "/i/ACME/admin/partners"; got != want {
		t.Errorf("after Save the tab shows %s, want %s", got, want)
	}
	if got := testkit.Text(t, admin, "main .flash"); !strings.Contains(got, "Sharing saved") {
		t.Errorf("after Save the flash reads %q", got)
	}
	if got := uiTexts(t, admin, "#sharing .share"); !slices.Equal(got, []string{sharedTitle}) {
		t.Errorf("ACME's #sharing lists %q, want [%s]", got, sharedTitle)
	}
	if got := testkit.Text(t, admin, "#sharing"); strings.Contains(got, privateTitle) {
		t.Errorf("ACME's #sharing mentions %s: %q", privateTitle, got)
	}
	testkit.Screenshot(t, admin, "scorecard-shared")

	// 4. BETA picks ACME in the Sites filter and opens what it shares.
	uiFollow(t, partner, "#nav-scorecards", http.StatusOK)
	uiWait(t, partner, "#sites-filter")
	if got, want := tabPath(t, partner), "/i/BETA/scorecards"; got != want {
		t.Errorf("Scorecards led to %s, want %s", got, want)
	}
	sites := uiSites(t, partner)
	if len(sites) != 2 || !strings.Contains(sites[0].Text, "Beta Family Services") || !sites[0].Checked ||
		sites[1].Text != "Acme Community Partners (ACME)" || sites[1].Checked {
		t.Errorf("the Sites filter offers %+v, want BETA ticked and ACME unticked", sites)
	}
	if body := testkit.Text(t, partner, "main"); strings.Contains(body, sharedTitle) || strings.Contains(body, privateTitle) {
		t.Errorf("with only BETA chosen the list shows ACME's scorecards: %q", body)
	}
	if err := chromedp.Do(partner, uiClick(`//form[@id="sites-filter"]//label[contains(normalize-space(),"(ACME)")]/input`)); err != nil {
		t.Fatalf("tick ACME in the Sites filter: %v", err)
	}
	uiFollow(t, partner, `#sites-filter button[type=submit]`, http.StatusOK)
	uiWait(t, partner, "#scorecard-list")
	if sites := uiSites(t, partner); len(sites) != 2 || !sites[0].Checked || !sites[1].Checked {
		t.Errorf("after Go the Sites filter reads %+v, want both ticked", sites)
	}
	titles := uiTexts(t, partner, "#scorecard-list li > a")
	if !slices.Equal(titles, []string{sharedTitle}) {
		t.Errorf("with ACME chosen BETA's list shows %q, want [%s]", titles, sharedTitle)
	}
	if body := testkit.Text(t, partner, "main"); strings.Contains(body, privateTitle) {
		t.Errorf("BETA's list shows the unshared %s: %q", privateTitle, body)
	}
	sharedItem := `//ul[@id="scorecard-list"]/li[a[normalize-space()="` + sharedTitle + `"]]`
	if got := uiXText(t, partner, sharedItem+`/span[contains(@class,"site")]`); got != "Acme Community Partners (ACME)" {
		t.Errorf("the shared scorecard's site badge reads %q, want Acme Community Partners (ACME)", got)
	}
	testkit.Screenshot(t, partner, "sites-filter")

	uiFollow(t, partner, sharedItem+`/a`, http.StatusOK)
	uiWait(t, partner, "#scorecard-tree")
	if got := tabPath(t, partner); got != sharedPath {
		t.Errorf("the shared scorecard opened at %s, want %s", got, sharedPath)
	}
	if got := testkit.Text(t, partner, "#scorecard-title"); got != sharedTitle {
		t.Errorf("the shared scorecard is titled %q", got)
	}
	if got := testkit.Text(t, partner, "#notice"); !strings.Contains(got, "Shared by Acme Community Partners (ACME)") || !strings.Contains(got, "Read-only") {
		t.Errorf("the shared scorecard's notice reads %q, want Shared by ACME, read-only", got)
	}
	rows := uiRows(t, partner)
	if len(rows) != 2 || !strings.Contains(rows[0].Class, "row-container") || !strings.Contains(rows[0].Cells[0], resultTitle) ||
		!strings.Contains(rows[1].Class, "row-measure") || !strings.Contains(rows[1].Cells[0], measureTitle) {
		t.Fatalf("the shared scorecard's rows: %+v, want the result and its measure", rows)
	}
	if got := at(rows[1].Cells, 1); got != period.Label {
		t.Errorf("the measure row's period reads %q, want %q", got, period.Label)
	}
	if got := at(rows[1].Cells, 2); !strings.HasPrefix(got, "42") {
		t.Errorf("the measure row's actual reads %q, want 42", got)
	}
	if got := at(rows[1].Cells, 3); got != "50" {
		t.Errorf("the measure row's target reads %q, want 50", got)
	}
	if ctl := uiEditControls(t, partner); len(ctl) != 0 {
		t.Errorf("the shared scorecard offers edit controls: %q", ctl)
	}
	// Nothing edits the scorecard; the forms are BETA's own list of who
	// gets it (its administrator holds Manage Users) and the viewer's own
	// favourite star, which changes nothing of ACME's.
	if n := uiCount(t, partner, "main section:not(#scorecard-assign) :is(.row-menu, form[method=post]:not(.star), select, input:not([type=hidden]))"); n != 0 {
		t.Errorf("the shared scorecard has %d row menus or forms, want none", n)
	}
	testkit.Screenshot(t, partner, "shared-scorecard")

	// BETA assigns the shared scorecard to its Presenter pat (SPEC §3.3).
	patBox := `//section[@id="scorecard-assign"]//label[contains(normalize-space(),"pat@beta.example")]/input[@type="checkbox"]`
	uiWait(t, partner, patBox)
	if n := uiCount(t, partner, "#scorecard-assign input[name=member]:checked"); n != 0 {
		t.Errorf("before assigning, %d members are ticked", n)
	}
	if err := chromedp.Do(partner, uiClick(patBox)); err != nil {
		t.Fatalf("tick pat: %v", err)
	}
	uiFollow(t, partner, `#scorecard-assign button[type=submit]`, http.StatusOK)
	uiWait(t, partner, "#scorecard-assign")
	if got := testkit.Text(t, partner, "main .flash"); !strings.Contains(got, "Assignments saved") {
		t.Errorf("after saving the assignment the flash reads %q", got)
	}
	if got := tabPath(t, partner); got != sharedPath {
		t.Errorf("saving the assignment landed on %s, want %s", got, sharedPath)
	}
	checked, err := chromedp.Run(partner, chromedp.Evaluate[bool](`document.evaluate(`+jsString(patBox)+`, document, null, 9, null).singleNodeValue.checked`))
	if err != nil || !checked {
		t.Errorf("after saving, pat's box is not ticked (%v)", err)
	}
	if got, err := e.store.Q().MembershipScorecardIDs(ctx, pat.InstanceID, pat.ID); err != nil || !slices.Equal(got, []int64{shared.ID}) {
		t.Errorf("pat's assigned scorecards = %v, %v; want the shared one", got, err)
	}
	testkit.Screenshot(t, partner, "shared-scorecard-assigned")

	uiFollow(t, partner, `//table[@id="scorecard-tree"]//a[normalize-space()="`+measureTitle+`"]`, http.StatusOK)
	uiWait(t, partner, "#measure-summary")
	if got := tabPath(t, partner); got != measurePath {
		t.Errorf("the shared measure opened at %s, want %s", got, measurePath)
	}
	if got := testkit.Text(t, partner, "#object-title"); got != measureTitle {
		t.Errorf("the shared measure is titled %q", got)
	}
	if got := testkit.Text(t, partner, "#notice"); !strings.Contains(got, "Shared by Acme Community Partners (ACME)") || !strings.Contains(got, "Read-only") {
		t.Errorf("the shared measure's notice reads %q, want Shared by ACME, read-only", got)
	}
	if got := testkit.Text(t, partner, "#current-actual"); got != "42" {
		t.Errorf("the shared measure's #current-actual reads %q, want 42", got)
	}
	uiWait(t, partner, "#data-grid")
	grid, err := chromedp.Run(partner, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll(`+jsString(`#data-grid tbody tr[data-key="`+period.Key+`"] > *`)+`)].map(c => c.innerText.trim())`))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{period.Label, "42", "50", "", "Spring intake"}; !slices.Equal(grid, want) { // no forecast
		t.Errorf("the grid's %s row reads %q, want %q", period.Label, grid, want)
	}
	if n := uiCount(t, partner, "#data-grid input, #data-grid textarea, #data-grid select"); n != 0 {
		t.Errorf("the shared measure's grid has %d inputs, want none", n)
	}
	if n := uiCount(t, partner, "main input:not([type=hidden]), main textarea, main select, #graph-form"); n != 0 {
		t.Errorf("the shared measure page has %d data-entry or settings controls, want none", n)
	}
	if ctl := uiEditControls(t, partner); len(ctl) != 0 {
		t.Errorf("the shared measure offers edit controls: %q", ctl)
	}
	testkit.Screenshot(t, partner, "shared-measure")

	// The star is the viewer's own: BETA's administrator follows the shared
	// measure on its dashboard, with ACME's latest value.
	uiFollow(t, partner, "#star", http.StatusOK)
	uiWait(t, partner, "#measure-summary")
	if got := uiAttr(t, partner, "#star", "aria-pressed"); got != "true" {
		t.Errorf("after starring, #star is aria-pressed=%q", got)
	}
	if _, err := chromedp.RunResponse(partner, chromedp.Navigate(e.srv.URL+"/i/BETA/")); err != nil {
		t.Fatal(err)
	}
	checkAxe(t, partner, "partner dashboard")
	uiWait(t, partner, "#favorites")
	if got := testkit.Text(t, partner, "#favorites tbody"); !strings.Contains(got, measureTitle) ||
		!strings.Contains(got, "shared by Acme Community Partners (ACME)") || !strings.Contains(got, "42") {
		t.Errorf("BETA's dashboard favourites read %q, want %s shared by ACME with 42", got, measureTitle)
	}
	testkit.Screenshot(t, partner, "dashboard-partner-favourite")
	if _, err := chromedp.RunResponse(partner, chromedp.Navigate(e.srv.URL+measurePath)); err != nil {
		t.Fatal(err)
	}
	checkAxe(t, partner, "shared measure")
	uiWait(t, partner, "#measure-summary")

	// What ACME did not share stays out of reach, by URL too.
	res, err := chromedp.RunResponse(partner, chromedp.Navigate(e.srv.URL+privatePath))
	if err != nil {
		t.Fatalf("open %s: %v", privatePath, err)
	}
	checkAxe(t, partner, "private page")
	if res.Status != http.StatusNotFound {
		t.Errorf("the unshared %s answered %d under /i/BETA/, want 404", privateTitle, res.Status)
	}
	if body := testkit.Text(t, partner, "main"); strings.Contains(body, privateTitle) || strings.Contains(body, privResult) {
		t.Errorf("the 404 page gives %s away: %q", privateTitle, body)
	}

	// 5. BETA revokes the channel on which ACME shares with it.
	openAdminPage(t, partner, "Partner Connect")
	receivingRow := `//section[@id="receiving"]//tr[td[normalize-space()="Acme Community Partners (ACME)"]]`
	uiWait(t, partner, receivingRow)
	if got := uiTexts(t, partner, "#receiving .share"); !slices.Equal(got, []string{sharedTitle}) {
		t.Errorf("BETA's #receiving lists %q, want [%s]", got, sharedTitle)
	}
	uiFollow(t, partner, receivingRow+`//a[normalize-space()="Revoke"]`, http.StatusOK)
	uiWait(t, partner, "#revoke-form")
	if got := testkit.Text(t, partner, "#consequence"); !strings.Contains(got, "Acme Community Partners (ACME)") || !strings.Contains(got, "stop seeing the 1 scorecard") {
		t.Errorf("the revoke confirmation reads %q, want it to say BETA stops seeing ACME's 1 scorecard", got)
	}
	testkit.Screenshot(t, partner, "revoke-confirm")
	uiFollow(t, partner, `#revoke-form button[type=submit]`, http.StatusOK)
	uiWait(t, partner, "#receiving")
	if got, want := tabPath(t, partner), "/i/BETA/admin/partners"; got != want {
		t.Errorf("after revoking the tab shows %s, want %s", got, want)
	}
	if got := testkit.Text(t, partner, "main .flash"); !strings.Contains(got, "Revoked") {
		t.Errorf("after revoking the flash reads %q", got)
	}
	if got := testkit.Text(t, partner, "#receiving"); strings.Contains(got, "ACME") || !strings.Contains(got, "None.") {
		t.Errorf("after revoking BETA's #receiving reads %q, want None.", got)
	}
	testkit.Screenshot(t, partner, "revoked")

	for _, p := range []struct{ what, path string }{{"scorecard", sharedPath}, {"measure", measurePath}} {
		res, err := chromedp.RunResponse(partner, chromedp.Navigate(e.srv.URL+p.path))
		if err != nil {
			t.Fatalf("open %s: %v", p.path, err)
		}
		checkAxe(t, partner, p.path)
		if res.Status != http.StatusNotFound {
			t.Errorf("after revoking, the shared %s's URL %s answered %d, want 404", p.what, p.path, res.Status)
		}
		if got := testkit.Text(t, partner, "main h1"); got != "Not found" {
			t.Errorf("after revoking, %s shows %q, want the Not found page", p.path, got)
		}
		if body := testkit.Text(t, partner, "main"); strings.Contains(body, sharedTitle) || strings.Contains(body, measureTitle) || strings.Contains(body, resultTitle) {
			t.Errorf("after revoking, the 404 page at %s gives the content away: %q", p.path, body)
		}
	}
	testkit.Screenshot(t, partner, "revoked-not-found")

	uiFollow(t, partner, "#nav-scorecards", http.StatusOK)
	uiWait(t, partner, "main .page-head")
	if n := uiCount(t, partner, "#sites-filter"); n != 0 {
		if sites := uiSites(t, partner); slices.ContainsFunc(sites, func(s uiSite) bool { return strings.Contains(s.Text, "ACME") }) {
			t.Errorf("after revoking, the Sites filter still offers ACME: %+v", sites)
		}
	}
	if body := testkit.Text(t, partner, "main"); strings.Contains(body, sharedTitle) || strings.Contains(body, "ACME") {
		t.Errorf("after revoking, BETA's Scorecards list reads %q, want nothing of ACME", body)
	}
	// Asking for ACME by id, as the filter's old URL did, shows nothing of it.
	if err := chromedp.Do(partner,
		chromedp.Navigate(e.srv.URL+"/i/BETA/scorecards?site="+strconv.FormatInt(beta.ID, 10)+"&site="+strconv.FormatInt(acme.ID, 10)),
		chromedp.WaitVisible(chromedp.CSS("main .page-head")),
	); err != nil {
		t.Fatalf("open the old filter URL: %v", err)
	}
	checkAxe(t, partner, "sites filter")
	if body := testkit.Text(t, partner, "main"); strings.Contains(body, sharedTitle) {
		t.Errorf("after revoking, ?site=ACME still lists %s: %q", sharedTitle, body)
	}
	testkit.Screenshot(t, partner, "revoked-scorecards")

	// The favourite of ACME's measure is gone from BETA's dashboard with it.
	if _, err := chromedp.RunResponse(partner, chromedp.Navigate(e.srv.URL+"/i/BETA/")); err != nil {
		t.Fatal(err)
	}
	checkAxe(t, partner, "partner dashboard")
	uiWait(t, partner, "#favorites")
	if got := testkit.Text(t, partner, "#favorites"); strings.Contains(got, measureTitle) {
		t.Errorf("after revoking, BETA's dashboard still lists %s: %q", measureTitle, got)
	}

	// ACME sees the revocation too: BETA no longer has access.
	openAdminPage(t, admin, "Partner Connect")
	uiWait(t, admin, "#sharing")
	if got := testkit.Text(t, admin, "#sharing"); strings.Contains(got, sharedTitle) || strings.Contains(got, "BETA") {
		t.Errorf("after BETA revoked, ACME's #sharing reads %q, want BETA gone", got)
	}
}

// uiTexts is the visible text of each element matching a CSS selector,
// with runs of white space as one space.
func uiTexts(t *testing.T, ctx context.Context, sel string) []string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll(`+jsString(sel)+`)].map(e => e.innerText.replace(/\s+/g, ' ').trim())`))
	if err != nil {
		t.Fatalf("texts of %s: %v", sel, err)
	}
	return s
}

// uiLabels is the text of each label matching a CSS selector, as written
// in the markup (a chooser's labels need not be laid out to count).
func uiLabels(t *testing.T, ctx context.Context, sel string) []string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll(`+jsString(sel)+`)].map(e => e.textContent.replace(/\s+/g, ' ').trim())`))
	if err != nil {
		t.Fatalf("labels of %s: %v", sel, err)
	}
	return s
}

// uiXText is the visible text of the first element an XPath finds, "" when none.
func uiXText(t *testing.T, ctx context.Context, xpath string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const n = document.evaluate(`+jsString(xpath)+`, document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue;
		return n ? n.innerText.replace(/\s+/g, ' ').trim() : '';
	})()`))
	if err != nil {
		t.Fatalf("text of %s: %v", xpath, err)
	}
	return s
}

// uiSite is one choice of the Scorecards list's Sites filter.
type uiSite struct {
	Text    string
	Checked bool
}

func uiSites(t *testing.T, ctx context.Context) []uiSite {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[[]uiSite](
		`[...document.querySelectorAll('#sites-filter label')].map(l => ({Text: l.textContent.replace(/\s+/g, ' ').trim(), Checked: l.querySelector('input[name=site]').checked}))`))
	if err != nil {
		t.Fatalf("read the Sites filter: %v", err)
	}
	return s
}

// uiEditControls lists the links and buttons in the page's main part that
// would change content (the grid's "Add earlier periods" only pages). The
// assignment list of a partner's scorecard is the viewer's own, not content.
func uiEditControls(t *testing.T, ctx context.Context) []string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll('main a, main button')].filter(e => !e.closest('#scorecard-assign')).map(e => e.textContent.replace(/\s+/g, ' ').trim()).filter(s => /^(Edit|Delete|Add (result|a measure|a program)|Link|Save|Set baseline|Fill column|Request|Accept)\b/i.test(s))`))
	if err != nil {
		t.Fatalf("read the page's controls: %v", err)
	}
	return s
}
