package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/csv"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"yardstick/internal/access"
	"yardstick/internal/mail"
	"yardstick/internal/testkit"
)

// importCSV is the uploaded file as a spreadsheet program saves it: a
// UTF-8 byte order mark, CRLF line ends, header names in another case, a
// quoted last name holding a comma. Its rows cover every outcome but "no
// change": a new account (welcome mail), a new account without mail, an
// account of another instance, the administrator's own (new names), and a
// row that is refused.
const importCSV = "\ufeffUsername,First_Name,Last_Name,Role_Group,Send_Email\r\n" +
	"nora.new@example.org,Nora,\"Newbie, Jr.\",User,true\r\n" +
	"omar@example.org,Omar,Okafor,Administrator,false\r\n" +
	"pat@example.org,Pat,Partner,User,false\r\n" +
	"ada@example.org,Ada,Lovelace,Administrator,false\r\n" +
	"not-an-email,Bad,Row,User,true\r\n"

// importWant is each data row of importCSV as the preview (and then the
// results file) must show it.
var importWant = []struct{ line, email, name, role, mail, outcome string }{
	{"2", "nora.new@example.org", "Nora Newbie, Jr.", "User", "yes", "invite or create"},
	{"3", "omar@example.org", "Omar Okafor", "Administrator", "no", "invite or create"},
	{"4", "pat@example.org", "Pat Partner", "User", "no", "invite or create"}, // pat has an account elsewhere: invited
	{"5", "ada@example.org", "Ada Lovelace", "Administrator", "no", "update names"},
	{"6", "not-an-email", "Bad Row", "User", "yes", "error"},
}

// TestBrowserImportAndActivity is the Import Users journey (SPEC §11) and
// the User Activity log (SPEC §10) in a real browser: an administrator
// downloads the template, uploads a spreadsheet-saved CSV, reads the dry
// run, runs it, downloads the results, then finds the import in the log
// with the activity filter and downloads the filtered log as Excel and
// PDF. Downloads are fetched inside the page, with the browser's own
// session cookie, and read back.
func TestBrowserImportAndActivity(t *testing.T) {
	e := newSQLiteEnv(t)
	in := e.instance("ACME", "Acme Community Partners")
	e.member(in, "ada@example.org", access.PresetAdministration)
	// pat has an account, in another instance only.
	e.member(e.instance("OTHER", "Other Partners"), "pat@example.org", access.PresetPresenter)
	bctx := a11yBrowser(t)

	uiSignIn(t, bctx, e.srv.URL, "ada@example.org", testkit.Password)
	uiWait(t, bctx, "#dashboard-code")
	openAdminPage(t, bctx, "Import Users")
	uiWait(t, bctx, "#import-form")
	if got, want := tabPath(t, bctx), "/i/ACME/admin/import"; got != want {
		t.Errorf("Administration → Import Users opened %s, want %s", got, want)
	}

	// The template, as the link downloads it.
	tpl := uiDownload(t, bctx, "#import-template")
	if tpl.Status != http.StatusOK {
		t.Fatalf("template: status %d", tpl.Status)
	}
	if !strings.HasPrefix(tpl.Type, "text/csv") || !strings.Contains(tpl.Disposition, "attachment") {
		t.Errorf("template: Content-Type %q, Content-Disposition %q; want a CSV attachment", tpl.Type, tpl.Disposition)
	}
	if want := "username,first_name,last_name,role_group,send_email"; !strings.HasPrefix(string(tpl.Body), want+"\r\n") {
		t.Errorf("template starts %q, want the header %q", excerpt(string(tpl.Body)), want)
	}

	// Upload the file through the file input and ask for the preview.
	file := filepath.Join(t.TempDir(), "acme people.csv")
	if err := os.WriteFile(file, []byte(importCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(bctx, chromedp.SetUploadFiles(chromedp.CSS(`#import-form input[type=file]`), []string{file})); err != nil {
		t.Fatalf("choose the file: %v", err)
	}
	uiFollow(t, bctx, `//form[@id="import-form"]//button[normalize-space()="Preview"]`, http.StatusOK)
	uiWait(t, bctx, "#import-rows")
	if got, want := testkit.Text(t, bctx, "main h1"), "Import preview"; got != want {
		t.Errorf("after Preview the page is titled %q, want %q", got, want)
	}
	checkImportRows(t, bctx, "preview")
	if got := importCounts(t, bctx); !slices.Equal(got, []string{"3 invite or create", "1 update names", "0 no change", "1 error"}) {
		t.Errorf("preview counts %q", got)
	}
	if n := uiCount(t, bctx, "#import-rows tbody tr.outcome-error"); n != 1 {
		t.Errorf("%d rows marked as errors, want 1", n)
	}
	if _, err := e.store.Q().AccountByEmail(ctx, "nora.new@example.org"); err == nil {
		t.Error("the preview created an account; nothing may be written before Run import")
	}
	testkit.Screenshot(t, bctx, "import-preview")

	// Run it.
	uiFollow(t, bctx, `//form[@id="import-run"]//button[normalize-space()="Run import"]`, http.StatusOK)
	uiWait(t, bctx, "#import-results")
	if got, want := testkit.Text(t, bctx, "main h1"), "Import done"; got != want {
		t.Errorf("after Run import the page is titled %q, want %q", got, want)
	}
	if got := testkit.Text(t, bctx, "main .flash"); !strings.Contains(got, "Imported") {
		t.Errorf("after Run import the flash reads %q", got)
	}
	if n := uiCount(t, bctx, "#import-run"); n != 0 {
		t.Errorf("a finished import still offers Run import (%d forms)", n)
	}
	// The finished page shows what the run did, not a new plan against
	// the instance as the run left it.
	checkImportRows(t, bctx, "done")
	if got := importCounts(t, bctx); !slices.Equal(got, []string{"3 invite or create", "1 update names", "0 no change", "1 error"}) {
		t.Errorf("done: counts %q, want the run's", got)
	}
	for _, email := range []string{"nora.new@example.org", "omar@example.org"} {
		if _, err := e.store.Q().AccountByEmail(ctx, email); err != nil {
			t.Errorf("after the import %s has no account: %v", email, err)
		}
	}
	testkit.Screenshot(t, bctx, "import-done")

	// The results file: one line per row of the file, no password.
	res := uiDownload(t, bctx, "#import-results")
	if res.Status != http.StatusOK || !strings.HasPrefix(res.Type, "text/csv") {
		t.Fatalf("results: status %d, Content-Type %q", res.Status, res.Type)
	}
	if !strings.Contains(res.Disposition, `filename="yardstick-import-ACME-`) {
		t.Errorf("results: Content-Disposition %q", res.Disposition)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(res.Body, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatalf("read the results CSV: %v\n%s", err, res.Body)
	}
	if len(recs) != 1+len(importWant) {
		t.Fatalf("results CSV has %d records, want a header and %d rows:\n%s", len(recs), len(importWant), res.Body)
	}
	if got, want := recs[0], []string{"line", "username", "outcome", "message"}; !slices.Equal(got, want) {
		t.Errorf("results header %q, want %q", got, want)
	}
	for _, col := range recs[0] {
		if strings.Contains(strings.ToLower(col), "password") {
			t.Errorf("results CSV has a column %q", col)
		}
	}
	for i, w := range importWant {
		r := recs[i+1]
		if len(r) != 4 || r[0] != w.line || r[1] != w.email || r[2] != w.outcome {
			t.Errorf("results row %d = %q, want line %s, %s, %s", i+1, r, w.line, w.email, w.outcome)
		}
	}
	if msg := recs[len(recs)-1][3]; !strings.Contains(msg, "not a valid email") {
		t.Errorf("the error row's message %q does not say why", msg)
	}
	// The one temporary password made (nora's, in the queued welcome
	// mail) is nowhere in the file or on the page.
	var temp string
	mails, err := e.store.Q().ListMail(ctx, "", 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mails {
		if m.To == "nora.new@example.org" {
			temp = testkit.FindAfter(m.Body, mail.LabelTempPassword)
		}
	}
	if len(temp) < 12 {
		t.Fatalf("no temporary password in the welcome mail to nora.new@example.org (%d mails queued)", len(mails))
	}
	html, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.documentElement.outerHTML`))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(res.Body), temp) || strings.Contains(html, temp) {
		t.Error("the temporary password appears in the results file or on the page")
	}

	// The same file again would change nothing (SPEC §11): its preview
	// has only "no change" rows and the refused one. It is not run.
	openAdminPage(t, bctx, "Import Users")
	uiWait(t, bctx, "#import-form")
	if err := chromedp.Do(bctx, chromedp.SetUploadFiles(chromedp.CSS(`#import-form input[type=file]`), []string{file})); err != nil {
		t.Fatalf("choose the file again: %v", err)
	}
	uiFollow(t, bctx, `//form[@id="import-form"]//button[normalize-space()="Preview"]`, http.StatusOK)
	uiWait(t, bctx, "#import-rows")
	if got := importCounts(t, bctx); !slices.Equal(got, []string{"0 invite or create", "0 update names", "4 no change", "1 error"}) {
		t.Errorf("the same file uploaded again previews %q, want 4 no change and the 1 error", got)
	}

	// The log, filtered to imports.
	openAdminPage(t, bctx, "User Activity")
	uiWait(t, bctx, "#activity-filter")
	if got, want := tabPath(t, bctx), "/i/ACME/admin/activity"; got != want {
		t.Errorf("Administration → User Activity opened %s, want %s", got, want)
	}
	uiChoose(t, bctx, `#activity-filter select[name=activity]`, "Imported")
	uiFollow(t, bctx, `//form[@id="activity-filter"]//button[normalize-space()="Go"]`, http.StatusOK)
	loc, err := chromedp.Run(bctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(loc, "activity=import") {
		t.Errorf("after Go the page is %s, want the activity filter in the URL", loc)
	}
	uiWait(t, bctx, "#activity-list")
	rows, err := chromedp.Run(bctx, chromedp.Evaluate[[][]string](
		`[...document.querySelectorAll('#activity-list tbody tr')].map(tr => [...tr.cells].map(td => td.innerText.replace(/\s+/g, ' ').trim()))`))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 {
		t.Fatalf("filtered to Imported the log shows %d entries, want the one import: %q", len(rows), rows)
	}
	entry := rows[0]
	if len(entry) != 7 {
		t.Fatalf("the import entry has cells %q, want 7", entry)
	}
	if !strings.Contains(entry[1], "ada@example.org") || entry[2] != "Imported" || entry[3] != "Succeeded" || !strings.Contains(entry[4], "acme people.csv") {
		t.Errorf("the import entry reads %q, want ada's Imported entry for acme people.csv, succeeded", entry)
	}
	for _, want := range []string{"invite or create 3", "update names 1", "error 1"} {
		if !strings.Contains(entry[5], want) {
			t.Errorf("the import entry's changes %q lack %q", entry[5], want)
		}
	}
	if sel := uiValue(t, bctx, `#activity-filter select[name=activity]`); sel != "import" {
		t.Errorf("after Go the activity filter holds %q, want it kept as import", sel)
	}
	testkit.Screenshot(t, bctx, "activity-filtered")

	// The filtered log as Excel, read back.
	dir := testkit.ArtifactsDir(t)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	artifact := func(name string, b []byte) {
		t.Helper()
		p := filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "_")+"-"+name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("artifact %s (%d bytes)", p, len(b))
	}
	x := uiDownload(t, bctx, "#export-xlsx")
	if x.Status != http.StatusOK || x.Type != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("xlsx: status %d, Content-Type %q: %.300s", x.Status, x.Type, x.Body)
	}
	if want := `filename="yardstick-activity-ACME-2026-02-02-to-2026-03-02.xlsx"`; !strings.Contains(x.Disposition, want) {
		t.Errorf("xlsx: Content-Disposition %q, want %s", x.Disposition, want)
	}
	artifact("activity.xlsx", x.Body)
	f, err := excelize.OpenReader(bytes.NewReader(x.Body))
	if err != nil {
		t.Fatalf("open the xlsx: %v", err)
	}
	defer f.Close()
	if sheets := f.GetSheetList(); !slices.Equal(sheets, []string{"User Activity"}) {
		t.Errorf("xlsx sheets %q, want [User Activity]", sheets)
	}
	xrows, err := f.GetRows("User Activity")
	if err != nil {
		t.Fatal(err)
	}
	if len(xrows) != 2 {
		t.Fatalf("xlsx has %d rows, want the header and the import: %q", len(xrows), xrows)
	}
	// Columns by title (the outcome's column is checked in audit_test.go).
	col := map[string]int{}
	for i, title := range xrows[0] {
		col[title] = i
	}
	for _, title := range []string{"When", "Who", "Email", "Activity", "Object type", "Object", "Changes", "Client"} {
		if _, ok := col[title]; !ok {
			t.Fatalf("xlsx header %q lacks %q", xrows[0], title)
		}
	}
	xr := append(xrows[1], make([]string, len(xrows[0]))...)
	if xr[col["Email"]] != "ada@example.org" || xr[col["Activity"]] != "Imported" || xr[col["Object"]] != "acme people.csv" {
		t.Errorf("xlsx import row %q, want ada@example.org, Imported, acme people.csv", xrows[1])
	}
	if changes := xr[col["Changes"]]; !strings.Contains(changes, "invite or create: 3") || !strings.Contains(changes, "error: 1") {
		t.Errorf("xlsx changes %q, want the import's counts", changes)
	}
	if typ, _ := f.GetCellType("User Activity", "A2"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Error("xlsx When cell is text, want a date")
	}
	// The page shows the time in the viewer's zone; so does the sheet.
	if !strings.HasPrefix(entry[0], "2026-03-02") {
		t.Errorf("the entry's time %q, want the test clock's day", entry[0])
	}

	// And as PDF.
	p := uiDownload(t, bctx, "#export-pdf")
	if p.Status != http.StatusOK || p.Type != "application/pdf" {
		t.Fatalf("pdf: status %d, Content-Type %q: %.300s", p.Status, p.Type, p.Body)
	}
	if want := `filename="yardstick-activity-ACME-2026-02-02-to-2026-03-02.pdf"`; !strings.Contains(p.Disposition, want) {
		t.Errorf("pdf: Content-Disposition %q, want %s", p.Disposition, want)
	}
	artifact("activity.pdf", p.Body)
	if !bytes.HasPrefix(p.Body, []byte("%PDF-")) || !bytes.Contains(p.Body[max(0, len(p.Body)-64):], []byte("%%EOF")) {
		t.Errorf("pdf starts %q and does not end in %%%%EOF", p.Body[:min(16, len(p.Body))])
	}
	if len(p.Body) < 2000 {
		t.Errorf("pdf is %d bytes, want a real document", len(p.Body))
	}

	// Both downloads are in the log themselves.
	uiFollow(t, bctx, `#activity-filter button[type=submit]`, http.StatusOK)
	uiChoose(t, bctx, `#activity-filter select[name=activity]`, "Exported")
	uiFollow(t, bctx, `#activity-filter button[type=submit]`, http.StatusOK)
	uiWait(t, bctx, "#activity-list")
	if got := testkit.Text(t, bctx, "#activity-list"); !strings.Contains(got, "User Activity (xlsx)") || !strings.Contains(got, "User Activity (pdf)") {
		t.Errorf("filtered to Exported the log reads %q, want both downloads", got)
	}
}

// openAdminPage follows an entry of the header's Administration menu.
func openAdminPage(t *testing.T, bctx context.Context, label string) {
	t.Helper()
	if err := chromedp.Do(bctx, uiClick("#admin-menu > summary")); err != nil {
		t.Fatalf("open the Administration menu: %v", err)
	}
	uiFollow(t, bctx, `//details[@id="admin-menu"]//a[normalize-space()="`+label+`"]`, http.StatusOK)
}

// checkImportRows compares the import table with importWant.
func checkImportRows(t *testing.T, bctx context.Context, when string) {
	t.Helper()
	rows, err := chromedp.Run(bctx, chromedp.Evaluate[[][]string](
		`[...document.querySelectorAll('#import-rows tbody tr')].map(tr => [...tr.cells].map(td => td.innerText.replace(/\s+/g, ' ').trim()))`))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(importWant) {
		t.Fatalf("%s: #import-rows has %d rows, want %d: %q", when, len(rows), len(importWant), rows)
	}
	for i, w := range importWant {
		r := append(rows[i], make([]string, 7)...)
		got := []string{r[0], r[1], r[2], r[3], r[4], r[5]}
		if want := []string{w.line, w.email, w.name, w.role, w.mail, w.outcome}; !slices.Equal(got, want) {
			t.Errorf("%s: row %d shows %q, want %q", when, i+1, got, want)
		}
	}
	msg := func(i int) string { return at(rows[i], 6) }
	if m := msg(4); !strings.Contains(m, "not a valid email") {
		t.Errorf("%s: the error row's message %q does not say why", when, m)
	}
	if m := msg(3); !strings.Contains(m, "Ada Lovelace") {
		t.Errorf("%s: the update-names row's message %q does not give the new name", when, m)
	}
}

// importCounts reads the outcome counts, "2 create" and so on.
func importCounts(t *testing.T, bctx context.Context) []string {
	t.Helper()
	c, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll('#import-counts li')].map(li => li.innerText.replace(/\s+/g, ' ').trim())`))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// download is a file fetched inside the page.
type download struct {
	Status      int
	Type        string
	Disposition string
	Body        []byte
}

// uiDownload fetches the href of a link from inside the page, so the
// request carries the browser's session cookie as a click would, and
// returns the response with its body (carried out of the page as base64,
// since a download is binary).
func uiDownload(t *testing.T, bctx context.Context, sel string) download {
	t.Helper()
	href := uiAttr(t, bctx, sel, "href")
	if href == "" {
		t.Fatalf("%s has no href", sel)
	}
	raw, err := chromedp.Run(bctx, chromedp.Evaluate[struct {
		Status      int
		Type        string
		Disposition string
		B64         string
	}](`(async () => {
		const r = await fetch(`+jsString(href)+`, {credentials: 'same-origin'});
		const bytes = new Uint8Array(await r.arrayBuffer());
		let bin = '';
		for (let i = 0; i < bytes.length; i += 0x8000) {
			bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
		}
		return {Status: r.status, Type: r.headers.get('Content-Type') || '',
			Disposition: r.headers.get('Content-Disposition') || '', B64: btoa(bin)};
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("fetch %s (%s): %v", sel, href, err)
	}
	body, err := base64.StdEncoding.DecodeString(raw.B64)
	if err != nil {
		t.Fatalf("fetch %s: %v", sel, err)
	}
	return download{Status: raw.Status, Type: raw.Type, Disposition: raw.Disposition, Body: body}
}
