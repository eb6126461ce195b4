package web_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/mail"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
)

// importEnv is instance ACME with ada (Administration, named Ada
// Lovelace, signed in) and dan (Presenter, named "dan"), and instance
// OTHER with eve, whose account (named Eve Other) is not a member of ACME.
type importEnv struct {
	*env
	in, other model.Instance
	ada       *client
}

func newImportEnv(t *testing.T, db *testkit.DB) *importEnv {
	t.Helper()
	e := newEnv(t, db)
	ie := &importEnv{env: e, in: e.instance("ACME", "Acme Community"), other: e.instance("OTHER", "Other Place")}
	acct, _ := e.member(ie.in, "ada@example.org", access.PresetAdministration)
	if err := e.store.Q().UpdateAccountIdentity(ctx, acct.ID, "ada@example.org", "Ada Lovelace"); err != nil {
		t.Fatal(err)
	}
	e.member(ie.in, "dan@example.org", access.PresetPresenter)
	eve, _ := e.member(ie.other, "eve@example.org", access.PresetAdministration)
	if err := e.store.Q().UpdateAccountIdentity(ctx, eve.ID, "eve@example.org", "Eve Other"); err != nil {
		t.Fatal(err)
	}
	ie.ada = e.client()
	ie.ada.login("ada@example.org", testkit.Password)
	return ie
}

// upload posts content as the multipart field "file", as a browser's
// file input does.
func (c *client) upload(path, fileName string, content []byte) resp {
	c.t.Helper()
	return c.uploadAs(path, "file", fileName, content)
}

var (
	importLocation = regexp.MustCompile(`^/i/([A-Z0-9-]+)/admin/import/(\d+)$`)
	importToken    = regexp.MustCompile(`<input type="hidden" name="token" value="([^"]*)">`)
	importRowTag   = regexp.MustCompile(`(?s)<tr class="outcome-[^"]*">(.*?)</tr>`)
	importCell     = regexp.MustCompile(`(?s)<td>(.*?)</td>`)
	importCount    = regexp.MustCompile(`<li><strong>(\d+)</strong> ([^<]*)</li>`)
)

// previewRow is one row of the preview table, as shown.
type previewRow struct {
	Line                                      int
	Email, Name, Role, Send, Outcome, Message string
}

// preview is a parsed preview page.
type preview struct {
	ID     int64
	Path   string
	Token  string
	Rows   []previewRow
	Counts map[string]int
	Body   string
}

// uploadOK uploads a file, expects the redirect to its preview, and
// returns the parsed preview.
func (ie *importEnv) uploadOK(c *client, code, fileName string, content []byte) preview {
	ie.t.Helper()
	r := c.upload("/i/"+code+"/admin/import", fileName, content)
	if r.Status != http.StatusSeeOther {
		ie.t.Fatalf("upload %s: status %d, want 303; body %s", fileName, r.Status, excerpt(r.Body))
	}
	m := importLocation.FindStringSubmatch(r.Location)
	if m == nil || m[1] != code {
		ie.t.Fatalf("upload %s went to %q, want /i/%s/admin/import/{id}", fileName, r.Location, code)
	}
	return ie.preview(c, r.Location)
}

func (ie *importEnv) preview(c *client, path string) preview {
	ie.t.Helper()
	r := c.get(path)
	if r.Status != http.StatusOK {
		ie.t.Fatalf("GET %s: status %d; body %s", path, r.Status, excerpt(r.Body))
	}
	p := parsePreview(ie.t, r.Body)
	p.Path = strings.SplitN(path, "?", 2)[0]
	p.ID, _ = strconv.ParseInt(p.Path[strings.LastIndexByte(p.Path, '/')+1:], 10, 64)
	return p
}

func parsePreview(t *testing.T, body string) preview {
	t.Helper()
	p := preview{Body: body, Counts: map[string]int{}}
	if m := importToken.FindStringSubmatch(body); m != nil {
		p.Token = html.UnescapeString(m[1])
	}
	i := strings.Index(body, `id="import-counts"`)
	if i < 0 {
		t.Fatalf("no #import-counts in %s", excerpt(body))
	}
	j := strings.Index(body[i:], "</ul>")
	for _, m := range importCount.FindAllStringSubmatch(body[i:i+j], -1) {
		n, _ := strconv.Atoi(m[1])
		p.Counts[html.UnescapeString(m[2])] = n
	}
	i = strings.Index(body, `id="import-rows"`)
	if i < 0 {
		t.Fatalf("no #import-rows in %s", excerpt(body))
	}
	for _, m := range importRowTag.FindAllStringSubmatch(body[i:], -1) {
		cells := importCell.FindAllStringSubmatch(m[1], -1)
		if len(cells) != 7 {
			t.Fatalf("preview row with %d cells: %s", len(cells), m[0])
		}
		var v [7]string
		for k, c := range cells {
			v[k] = html.UnescapeString(c[1])
		}
		line, _ := strconv.Atoi(v[0])
		p.Rows = append(p.Rows, previewRow{Line: line, Email: v[1], Name: v[2], Role: v[3], Send: v[4], Outcome: v[5], Message: v[6]})
	}
	return p
}

// row returns the preview row of an email.
func (p preview) row(t *testing.T, email string) previewRow {
	t.Helper()
	for _, r := range p.Rows {
		if r.Email == email {
			return r
		}
	}
	t.Fatalf("no preview row for %q in %+v", email, p.Rows)
	return previewRow{}
}

// outcomes counts the rows by outcome, as the table shows them.
func (p preview) outcomes() map[string]int {
	out := map[string]int{}
	for _, r := range p.Rows {
		out[r.Outcome]++
	}
	return out
}

// importSnap is everything an import may write, row by row, apart from
// the imports table and the activity log.
type importSnap struct {
	Accounts, Members []string
	Mail              int
}

func (ie *importEnv) snap() importSnap {
	ie.t.Helper()
	db := ie.store.DB()
	var s importSnap
	rows, err := db.QueryContext(ctx, `SELECT id, email, name, password_hash, password_temporary, home_instance_id, updated_at FROM accounts ORDER BY id`)
	if err != nil {
		ie.t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var email, name, hash string
		var temp bool
		var home *int64
		var updated time.Time
		if err := rows.Scan(&id, &email, &name, &hash, &temp, &home, &updated); err != nil {
			ie.t.Fatal(err)
		}
		h := int64(0)
		if home != nil {
			h = *home
		}
		s.Accounts = append(s.Accounts, fmt.Sprintf("%d %s %q %s %v %d %s", id, email, name, hash, temp, h, updated.UTC().Format(time.RFC3339Nano)))
	}
	if err := rows.Err(); err != nil {
		ie.t.Fatal(err)
	}
	rows.Close()
	rows, err = db.QueryContext(ctx, `SELECT id, instance_id, account_id, permissions, preset, role, active, email, name, version, updated_at
		FROM memberships ORDER BY id`)
	if err != nil {
		ie.t.Fatal(err)
	}
	for rows.Next() {
		var id, in, acct, version int64
		var perms, preset, role, email, name string
		var active bool
		var updated time.Time
		if err := rows.Scan(&id, &in, &acct, &perms, &preset, &role, &active, &email, &name, &version, &updated); err != nil {
			ie.t.Fatal(err)
		}
		s.Members = append(s.Members, fmt.Sprintf("%d %d %d %s %s %s %v %s %q %d %s", id, in, acct, perms, preset, role, active, email, name, version,
			updated.UTC().Format(time.RFC3339Nano)))
	}
	if err := rows.Err(); err != nil {
		ie.t.Fatal(err)
	}
	rows.Close()
	mails, err := ie.store.Q().ListMail(ctx, "", 0, 100000)
	if err != nil {
		ie.t.Fatal(err)
	}
	s.Mail = len(mails)
	return s
}

func (ie *importEnv) count(table string) int {
	ie.t.Helper()
	var n int
	if err := ie.store.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		ie.t.Fatal(err)
	}
	return n
}

func (ie *importEnv) same(what string, before importSnap) {
	ie.t.Helper()
	if after := ie.snap(); !reflect.DeepEqual(after, before) {
		ie.t.Errorf("%s wrote something:\n got %+v\nwant %+v", what, after, before)
	}
}

// memberOf returns the ACME membership of an email, or ok false.
func (ie *importEnv) memberOf(in model.Instance, email string) (model.Membership, bool) {
	ie.t.Helper()
	acct, err := ie.store.Q().AccountByEmail(ctx, email)
	if err != nil {
		return model.Membership{}, false
	}
	m, err := ie.store.Q().MembershipOf(ctx, in.ID, acct.ID)
	return m, err == nil
}

func (ie *importEnv) operator() *app.Actor {
	ie.t.Helper()
	a, err := ie.app.OperatorActor(ctx, ie.in.Code)
	if err != nil {
		ie.t.Fatal(err)
	}
	return a
}

// run posts the preview's token and expects status.
func (ie *importEnv) run(c *client, p preview, token string, status int, want ...string) resp {
	ie.t.Helper()
	r := c.post(p.Path+"/run", "token", token)
	expect(ie.t, "run "+p.Path, r, status, want...)
	return r
}

// excelFile is a file as Excel saves "CSV UTF-8": a byte order mark, CRLF
// line ends, quotes around values with a comma or a line break, and the
// header in the case someone typed it.
func excelFile(rows ...string) []byte {
	return []byte("\uFEFFUserName,First_Name,LAST_NAME,Role_Group,SEND_EMAIL\r\n" + strings.Join(rows, "\r\n") + "\r\n")
}

// happyRows: every outcome, quoted values, and cells a spreadsheet would
// run as formulas. Lines: the header is 1; lin's quoted name spans 7–8.
var happyRows = []string{
	`nina@example.org,Nina,"Ng, Jr.",User,true`,        // 2 create, welcome mail
	`Root@Example.org,Ro,Ot,Administrator,FALSE`,       // 3 create Administrator, no mail
	`eve@example.org,Eve,Other,user,true`,              // 4 add existing account (OTHER's), mail
	`dan@example.org,Dan,Daniels,User,false`,           // 5 update names
	`ada@example.org,Ada,Lovelace,Administrator,true`,  // 6 no change
	"lin@example.org,\"Li\r\nNa\",Park,User,true",      // 7 error: a name of two lines
	`=2+3,Bad,Formula,User,true`,                       // 9 error: not an email (and a formula)
	`not-an-email,No,Body,User,true`,                   // 10 error: not an email
	`=sum@example.org,=1+1,"Formula, Esq.",User,false`, // 11 create: a valid email a spreadsheet would run
}

func TestImportHappyPathAndRerun(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		ie := newImportEnv(t, db)
		var seen []string // every HTTP response the manager got
		keep := func(r resp) resp { seen = append(seen, r.Body, r.Location); return r }

		page := keep(ie.ada.get("/i/ACME/admin/import"))
		expect(t, "import page", page, http.StatusOK, `id="import-form"`, `enctype="multipart/form-data"`, `name="file"`,
			`href="/i/ACME/admin/import/template.csv"`)

		file := excelFile(happyRows...)
		before := ie.snap()
		p := ie.uploadOK(ie.ada, "ACME", "users (Excel).csv", file)
		seen = append(seen, p.Body)
		ie.same("upload and preview", before)
		expect(t, "preview", resp{Status: 200, Body: p.Body}, 200, "Import preview", "users (Excel).csv", "9 rows", `id="import-run"`)

		type want struct {
			line           int
			email, outcome string
			msg            string // part of the message
			name, role     string
		}
		wants := []want{
			{2, "nina@example.org", app.OutcomeCreate, "", "Nina Ng, Jr.", "User"},
			{3, "root@example.org", app.OutcomeCreate, "", "Ro Ot", "Administrator"},
			{4, "eve@example.org", app.OutcomeCreate, "", "Eve Other", "User"},
			{5, "dan@example.org", app.OutcomeNames, "“dan” becomes “Dan Daniels”", "Dan Daniels", "User"},
			{6, "ada@example.org", app.OutcomeNone, "", "Ada Lovelace", "Administrator"},
			{7, "lin@example.org", app.OutcomeError, "First name must be a single line of text.", "Li\nNa Park", "User"},
			{9, "=2+3", app.OutcomeError, "“=2+3” is not a valid email address.", "Bad Formula", "User"},
			{10, "not-an-email", app.OutcomeError, "“not-an-email” is not a valid email address.", "No Body", "User"},
			{11, "=sum@example.org", app.OutcomeCreate, "", "=1+1 Formula, Esq.", "User"},
		}
		if len(p.Rows) != len(wants) {
			t.Fatalf("preview has %d rows, want %d: %+v", len(p.Rows), len(wants), p.Rows)
		}
		for i, w := range wants {
			got := p.Rows[i]
			if got.Line != w.line || got.Email != w.email || got.Outcome != w.outcome || !strings.Contains(got.Message, w.msg) ||
				got.Name != w.name || got.Role != w.role {
				t.Errorf("preview row %d: got %+v, want line %d %s %q %s, message with %q", i, got, w.line, w.email, w.name, w.outcome, w.msg)
			}
		}
		wantCounts := map[string]int{app.OutcomeCreate: 4, app.OutcomeNames: 1, app.OutcomeNone: 1, app.OutcomeError: 3}
		if !reflect.DeepEqual(p.Counts, wantCounts) {
			t.Errorf("#import-counts: got %v, want %v", p.Counts, wantCounts)
		}
		if p.Token == "" {
			t.Fatal("no token in the preview's run form")
		}

		// Run: one redirect, then the done page links the results.
		r := keep(ie.run(ie.ada, p, p.Token, http.StatusSeeOther))
		if r.Location != p.Path+"?done=ran" {
			t.Errorf("run went to %q, want %s?done=ran", r.Location, p.Path)
		}
		done := keep(ie.ada.get(r.Location))
		expect(t, "done page", done, http.StatusOK, "Import done", "Imported. Download the results", `id="import-results"`)
		if strings.Contains(done.Body, `id="import-run"`) {
			t.Errorf("the done page still offers to run the import")
		}
		link := regexp.MustCompile(`href="([^"]*)" id="import-results"`).FindStringSubmatch(done.Body)
		if link == nil {
			t.Fatalf("no #import-results link in %s", excerpt(done.Body))
		}
		if want := p.Path + "/results.csv"; html.UnescapeString(link[1]) != want {
			t.Errorf("#import-results links %q, want %q", link[1], want)
		}
		results := keep(ie.ada.get(html.UnescapeString(link[1])))
		expect(t, "results", results, http.StatusOK)
		if ct := results.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Errorf("results Content-Type %q", ct)
		}
		if cd := results.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") || !strings.Contains(cd, ".csv") {
			t.Errorf("results Content-Disposition %q", cd)
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(results.Body, "\uFEFF"))).ReadAll()
		if err != nil {
			t.Fatalf("results CSV: %v\n%s", err, results.Body)
		}
		if want := []string{"line", "username", "outcome", "message"}; len(recs) == 0 || !slices.Equal(recs[0], want) {
			t.Fatalf("results header %v, want %v", recs[:min(1, len(recs))], want)
		}
		if len(recs)-1 != len(wants) {
			t.Fatalf("results has %d rows, want one per file row (%d): %v", len(recs)-1, len(wants), recs)
		}
		for i, w := range wants {
			rec := recs[i+1]
			email := w.email
			if strings.HasPrefix(email, "=") {
				email = "'" + email // neutralised: a spreadsheet shows it as text
			}
			if rec[0] != strconv.Itoa(w.line) || rec[1] != email || rec[2] != w.outcome || !strings.Contains(rec[3], w.msg) {
				t.Errorf("results row %d: %q, want line %d %s %s", i+1, rec, w.line, email, w.outcome)
			}
			for _, cell := range rec {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Errorf("results row %d: cell %q would run as a formula", i+1, cell)
				}
			}
		}
		if got := recs[2][3]; !strings.Contains(got, "No email sent") {
			t.Errorf("results: root (send_email false) says %q, want that no email was sent", got)
		}

		// The members exist, with the role the row asked for.
		for _, m := range []struct{ email, role, name string }{
			{"nina@example.org", access.PresetPresenter, "Nina Ng, Jr."},
			{"root@example.org", access.PresetAdministration, "Ro Ot"},
			{"=sum@example.org", access.PresetPresenter, "=1+1 Formula, Esq."},
			{"dan@example.org", access.PresetPresenter, "Dan Daniels"},
			{"ada@example.org", access.PresetAdministration, "Ada Lovelace"},
		} {
			mem, ok := ie.memberOf(ie.in, m.email)
			if !ok || mem.Role != m.role || mem.Name != m.name || !mem.Active {
				t.Errorf("member %s: %+v (found %v), want active %s named %q", m.email, mem, ok, m.role, m.name)
			}
		}
		if mem, _ := ie.memberOf(ie.in, "root@example.org"); len(mem.Permissions) != len(access.All) {
			t.Errorf("the imported Administrator holds %d permissions, want all %d", len(mem.Permissions), len(access.All))
		}
		for _, email := range []string{"lin@example.org", "not-an-email", "=2+3"} {
			if _, err := ie.store.Q().AccountByEmail(ctx, email); err == nil {
				t.Errorf("the error row %s made an account", email)
			}
		}
		if mem, ok := ie.memberOf(ie.other, "eve@example.org"); !ok || mem.Role != access.PresetAdministration {
			t.Errorf("eve's OTHER membership changed: %+v", mem)
		}
		// eve has an account elsewhere: she is invited, not attached, and
		// the instance sees nothing of her account but the address.
		if mem, ok := ie.memberOf(ie.in, "eve@example.org"); !ok || !mem.Invited || mem.Active || mem.Name != "" {
			t.Errorf("eve in ACME: %+v (found %v), want an invitation with no name, not active", mem, ok)
		}
		// Temporary secrets are hashed fast (no argon2id on the import path).
		for _, email := range []string{"nina@example.org", "root@example.org", "=sum@example.org"} {
			acct, err := ie.store.Q().AccountByEmail(ctx, email)
			if err != nil {
				t.Fatal(err)
			}
			hash, err := ie.store.Q().PasswordHash(ctx, acct.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(hash, "$sha256$") || !acct.PasswordTemporary || acct.HomeInstanceID == nil || *acct.HomeInstanceID != ie.in.ID {
				t.Errorf("account %s: hash %.12s…, temporary %v, home %v; want a fast-hashed temporary password, home ACME",
					email, hash, acct.PasswordTemporary, acct.HomeInstanceID)
			}
		}

		// Mail only for the rows with send_email true that were applied.
		mails, err := ie.store.Q().ListMail(ctx, "", 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, m := range mails {
			got[m.To] = m.Kind
		}
		if want := map[string]string{"nina@example.org": mail.KindWelcome, "eve@example.org": mail.KindInvitation}; !reflect.DeepEqual(got, want) {
			t.Errorf("queued mail (to → kind): %v, want %v", got, want)
		}
		var temp string
		for _, m := range mails {
			if m.To == "nina@example.org" {
				temp = testkit.FindAfter(m.Body, mail.LabelTempPassword)
			}
		}
		if len(temp) < 12 {
			t.Fatalf("no temporary password in nina's welcome mail: %+v", mails)
		}
		seen = append(seen, keep(ie.ada.get("/i/ACME/admin/users")).Body)
		for i, body := range seen {
			if strings.Contains(body, temp) {
				t.Errorf("HTTP response %d shows the temporary password", i)
			}
		}
		if strings.Contains(strings.ToLower(recs[0][0]+recs[0][1]+recs[0][2]+recs[0][3]), "password") {
			t.Errorf("results have a password column: %v", recs[0])
		}
		// The mailed password signs nina in.
		if r := ie.client().post("/login", "email", "nina@example.org", "password", temp); r.Status != http.StatusSeeOther {
			t.Errorf("nina cannot sign in with the mailed password: %d", r.Status)
		}

		// The same file again: every valid row is "no change", and running
		// it writes nothing.
		db.Clock.Advance(time.Hour) // a write would show in updated_at
		before = ie.snap()
		p2 := ie.uploadOK(ie.ada, "ACME", "users (Excel).csv", file)
		if p2.ID == p.ID {
			t.Errorf("the second upload reused import %d", p.ID)
		}
		for _, r := range p2.Rows {
			if r.Outcome != app.OutcomeNone && r.Outcome != app.OutcomeError {
				t.Errorf("re-run preview: line %d %s is %q, want %q", r.Line, r.Email, r.Outcome, app.OutcomeNone)
			}
		}
		if want := map[string]int{app.OutcomeNone: 6, app.OutcomeError: 3}; !reflect.DeepEqual(p2.outcomes(), want) {
			t.Errorf("re-run preview outcomes %v, want %v", p2.outcomes(), want)
		}
		ie.run(ie.ada, p2, p2.Token, http.StatusSeeOther)
		ie.same("re-running the same file", before)
	})
}

// TestImportRerunAfterAddExistingWithOtherNames: an existing account
// (another instance's) whose name differs from the file's is added
// without its name changing; re-running the file must still change
// nothing (SPEC §11), so the second run may not turn into "update names".
func TestImportRerunAfterAddExistingWithOtherNames(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		ie := newImportEnv(t, db)
		file := excelFile(`eve@example.org,Evelyn,Otherton,User,false`)
		p := ie.uploadOK(ie.ada, "ACME", "eve.csv", file)
		if r := p.row(t, "eve@example.org"); r.Outcome != app.OutcomeCreate {
			t.Fatalf("first preview: %+v, want %q", r, app.OutcomeCreate)
		}
		ie.run(ie.ada, p, p.Token, http.StatusSeeOther)
		db.Clock.Advance(time.Hour)
		before := ie.snap()
		p2 := ie.uploadOK(ie.ada, "ACME", "eve.csv", file)
		if r := p2.row(t, "eve@example.org"); r.Outcome != app.OutcomeNone {
			t.Errorf("second preview of the same file: eve is %q (%s), want %q", r.Outcome, r.Message, app.OutcomeNone)
		}
		ie.run(ie.ada, p2, p2.Token, http.StatusSeeOther)
		ie.same("re-running the same file", before)
	})
}

func TestImportTemplateRoundTrip(t *testing.T) {
	ie := newImportEnv(t, testkit.NewSQLite(t))
	r := ie.ada.get("/i/ACME/admin/import/template.csv")
	expect(t, "template", r, http.StatusOK, "username,first_name,last_name,role_group,send_email")
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("template Content-Type %q", ct)
	}
	if cd := r.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") {
		t.Errorf("template Content-Disposition %q", cd)
	}
	recs, err := csv.NewReader(strings.NewReader(r.Body)).ReadAll()
	if err != nil || len(recs) != 2 {
		t.Fatalf("template: %v, %v", recs, err)
	}
	// The template, uploaded unchanged, is a valid file.
	p := ie.uploadOK(ie.ada, "ACME", "template.csv", []byte(r.Body))
	if len(p.Rows) != 1 || p.Rows[0].Outcome != app.OutcomeCreate || p.Rows[0].Email != recs[1][0] {
		t.Errorf("template preview: %+v", p.Rows)
	}
}

func TestImportRefusedWhenTheInstanceChanged(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		ie := newImportEnv(t, db)
		file := excelFile(`nina@example.org,Nina,Ng,User,true`, `dan@example.org,Dan,Daniels,User,false`, `kai@example.org,Kai,Ko,User,true`)

		// Someone adds nina by hand between the preview and the run.
		p := ie.uploadOK(ie.ada, "ACME", "users.csv", file)
		if p.row(t, "nina@example.org").Outcome != app.OutcomeCreate {
			t.Fatalf("preview: %+v", p.Rows)
		}
		if _, err := ie.app.AddNewUser(ctx, ie.operator(), app.NewUser{Email: "nina@example.org", FirstName: "Nina", LastName: "Ng"}); err != nil {
			t.Fatal(err)
		}
		before := ie.snap()
		r := ie.run(ie.ada, p, p.Token, http.StatusConflict, "The instance changed since the preview, so nothing was imported.")
		ie.same("a run refused for a changed instance", before)
		// The refusal shows the new plan, ready to run.
		p2 := parsePreview(t, r.Body)
		p2.Path = p.Path
		if got := p2.row(t, "nina@example.org").Outcome; got != app.OutcomeNone {
			t.Errorf("refusal's preview: nina is %q, want %q", got, app.OutcomeNone)
		}
		if p2.Token == "" || p2.Token == p.Token {
			t.Errorf("refusal's preview token %q (old %q)", p2.Token, p.Token)
		}

		// Someone renames dan to the file's name after this preview.
		dan, err := ie.store.Q().AccountByEmail(ctx, "dan@example.org")
		if err != nil {
			t.Fatal(err)
		}
		if err := ie.store.Q().UpdateAccountName(ctx, dan.ID, "Dan Daniels"); err != nil {
			t.Fatal(err)
		}
		before = ie.snap()
		ie.run(ie.ada, p2, p2.Token, http.StatusConflict, "The instance changed since the preview")
		ie.same("a run refused after a rename", before)
		if _, ok := ie.memberOf(ie.in, "kai@example.org"); ok {
			t.Errorf("a refused run added kai")
		}

		// A made-up token is refused too.
		ie.run(ie.ada, p2, "0123", http.StatusConflict, "The instance changed since the preview")
		ie.same("a run with a wrong token", before)

		// With the current preview's token it runs, once.
		p3 := ie.preview(ie.ada, p.Path)
		if want := map[string]int{app.OutcomeNone: 2, app.OutcomeCreate: 1}; !reflect.DeepEqual(p3.outcomes(), want) {
			t.Errorf("current preview %v, want %v", p3.outcomes(), want)
		}
		ie.run(ie.ada, p3, p3.Token, http.StatusSeeOther)
		if _, ok := ie.memberOf(ie.in, "kai@example.org"); !ok {
			t.Errorf("kai was not added")
		}
		before = ie.snap()
		ie.run(ie.ada, p3, p3.Token, http.StatusConflict, "This file was imported already.")
		ie.same("running an upload twice", before)
	})
}

// TestImportAdministratorRowsNeedEveryPermission: a manager holding only
// import may import Users but not Administrators.
func TestImportAdministratorRowsNeedEveryPermission(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		ie := newImportEnv(t, db)
		_, mgr := ie.member(ie.in, "max@example.org", access.PresetPresenter)
		if _, err := ie.store.DB().ExecContext(ctx, `UPDATE memberships SET permissions = 'import', role = 'Custom', perm_count = 1 WHERE id = $1`,
			mgr.ID); err != nil {
			t.Fatal(err)
		}
		maxc := ie.client()
		maxc.login("max@example.org", testkit.Password)
		p := ie.uploadOK(maxc, "ACME", "users.csv", excelFile(
			`u1@example.org,Una,One,User,true`,
			`boss@example.org,Big,Boss,Administrator,true`,
			`u2@example.org,Udo,Two,,false`, // empty role_group: User
		))
		boss := p.row(t, "boss@example.org")
		if boss.Outcome != app.OutcomeError || !strings.Contains(boss.Message, "You cannot import Administrator rows") {
			t.Errorf("boss row: %+v, want an error about Administrator rows", boss)
		}
		for _, e := range []string{"u1@example.org", "u2@example.org"} {
			if r := p.row(t, e); r.Outcome != app.OutcomeCreate || r.Role != "User" {
				t.Errorf("%s: %+v, want create as User", e, r)
			}
		}
		ie.run(maxc, p, p.Token, http.StatusSeeOther)
		if _, err := ie.store.Q().AccountByEmail(ctx, "boss@example.org"); err == nil {
			t.Errorf("the refused Administrator row made an account")
		}
		for _, e := range []string{"u1@example.org", "u2@example.org"} {
			if m, ok := ie.memberOf(ie.in, e); !ok || m.Role != access.PresetPresenter {
				t.Errorf("%s: %+v (found %v), want a Presenter", e, m, ok)
			}
		}
		// The same rows are fine for ada, who holds every permission.
		p = ie.uploadOK(ie.ada, "ACME", "boss.csv", excelFile(`boss@example.org,Big,Boss,Administrator,true`))
		if r := p.row(t, "boss@example.org"); r.Outcome != app.OutcomeCreate {
			t.Errorf("ada's boss row: %+v, want create", r)
		}
	})
}

func TestImportSeatLimit(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		ie := newImportEnv(t, db)
		used, err := ie.store.Q().SeatsUsed(ctx, ie.in.ID)
		if err != nil {
			t.Fatal(err)
		}
		seats := used + 2
		if err := ie.store.Q().SetLicense(ctx, ie.in.ID, "Standard", seats); err != nil {
			t.Fatal(err)
		}
		p := ie.uploadOK(ie.ada, "ACME", "users.csv", excelFile(
			`s1@example.org,S,One,User,false`,
			`bad,S,Bad,User,false`, // an error takes no seat
			`s2@example.org,S,Two,User,false`,
			`eve@example.org,Eve,Other,User,false`, // an existing account counts as a new one: the preview must not tell them apart
			`s3@example.org,S,Three,User,false`,
			`s4@example.org,S,Four,Administrator,false`,
		))
		wantOutcome := map[string]string{"s1@example.org": app.OutcomeCreate, "s2@example.org": app.OutcomeCreate,
			"eve@example.org": app.OutcomeError, "s3@example.org": app.OutcomeError, "s4@example.org": app.OutcomeError}
		for email, want := range wantOutcome {
			r := p.row(t, email)
			if r.Outcome != want {
				t.Errorf("%s: %q (%s), want %q", email, r.Outcome, r.Message, want)
			}
			if want == app.OutcomeError && !strings.Contains(r.Message, "Would exceed the seat limit ("+strconv.Itoa(seats)+" seats)") {
				t.Errorf("%s: message %q does not name the seat limit", email, r.Message)
			}
		}
		ie.run(ie.ada, p, p.Token, http.StatusSeeOther)
		for email, want := range wantOutcome {
			if _, ok := ie.memberOf(ie.in, email); ok != (want != app.OutcomeError) {
				t.Errorf("%s: member %v after the run, want %v", email, ok, want != app.OutcomeError)
			}
		}
		if n, err := ie.store.Q().SeatsUsed(ctx, ie.in.ID); err != nil || n != seats {
			t.Errorf("seats used %d (%v), want %d", n, err, seats)
		}
	})
}

func TestImportBadFiles(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		ie := newImportEnv(t, db)
		header := "username,first_name,last_name,role_group,send_email\r\n"
		row := "a@example.org,Ann,Ash,User,true\r\n"
		png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
		for _, tc := range []struct {
			what, name string
			content    []byte
			want       string
		}{
			{"missing column", "a.csv", []byte("username,first_name,last_name,role_group\r\na@example.org,Ann,Ash,User\r\n"),
				"Missing column “send_email”."},
			{"extra column", "a.csv", []byte(strings.TrimSuffix(header, "\r\n") + ",password\r\n" + strings.TrimSuffix(row, "\r\n") + ",secret\r\n"),
				"Unknown column “password”."},
			{"duplicated column", "a.csv", []byte(strings.TrimSuffix(header, "\r\n") + ",UserName\r\n" + strings.TrimSuffix(row, "\r\n") + ",b@example.org\r\n"),
				"Column “username” appears more than once."},
			{"empty file", "a.csv", nil, "The file has no rows."},
			{"header only", "a.csv", []byte(header), "The file has no rows."},
			{"Latin-1", "a.csv", []byte(header + "rene@example.org,Ren\xe9,Roux,User,true\r\n"), "Line 2 is not UTF-8 text"},
			{"PNG renamed .csv", "photo.csv", png, "This does not look like a CSV file."},
			{"5.5 MB", "big.csv", append([]byte(header), bytes.Repeat([]byte(row), 5_500_000/len(row))...), "The file is larger than 5 MB."},
			{"50 MB", "huge.csv", append([]byte(header), bytes.Repeat([]byte(row), 50_000_000/len(row))...), "The file is larger than 5 MB."},
		} {
			before, imports := ie.snap(), ie.count("imports")
			r := ie.ada.upload("/i/ACME/admin/import", tc.name, tc.content)
			expect(t, tc.what, r, http.StatusUnprocessableEntity, html.EscapeString(tc.want), `id="import-form"`)
			ie.same(tc.what, before)
			if n := ie.count("imports"); n != imports {
				t.Errorf("%s: %d uploads kept, want %d", tc.what, n, imports)
			}
		}
	})
}

// TestImportBadRows: row problems are errors in the preview, with the
// reason; the other rows still count, and the preview writes nothing.
func TestImportBadRows(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		ie := newImportEnv(t, db)
		if err := ie.store.Q().SetLicense(ctx, ie.in.ID, "Standard", 100_000); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			what string
			rows []string
			want map[string]string // email → part of the error; others must not be errors
		}{
			{"duplicates", []string{`a@example.org,Ann,Ash,User,true`, `b@example.org,Bo,Bee,User,true`, `a@example.org,Ann,Again,User,true`},
				map[string]string{"a@example.org#4": "Duplicate of line 2."}},
			{"case duplicates", []string{`B@Example.org,Bo,Bee,User,true`, `b@example.org,Bo,Bee,User,true`, `c@example.org,Cy,Cee,User,true`},
				map[string]string{"b@example.org#3": "Duplicate of line 2."}},
			{"role_group unknown", []string{`a@example.org,Ann,Ash,Manager,true`, `b@example.org,Bo,Bee,administrator,true`},
				map[string]string{"a@example.org": "role_group must be User or Administrator, not “Manager”."}},
			{"send_email maybe", []string{`a@example.org,Ann,Ash,User,maybe`, `b@example.org,Bo,Bee,User,no`},
				map[string]string{"a@example.org": "send_email must be true or false, not “maybe”."}},
		} {
			before, imports := ie.snap(), ie.count("imports")
			p := ie.uploadOK(ie.ada, "ACME", tc.what+".csv", excelFile(tc.rows...))
			ie.same(tc.what+" preview", before)
			if n := ie.count("imports"); n != imports+1 {
				t.Errorf("%s: %d uploads kept, want %d", tc.what, n, imports+1)
			}
			if len(p.Rows) != len(tc.rows) {
				t.Errorf("%s: %d preview rows, want %d", tc.what, len(p.Rows), len(tc.rows))
			}
			for _, r := range p.Rows {
				msg, isErr := tc.want[r.Email+"#"+strconv.Itoa(r.Line)]
				if !isErr {
					msg, isErr = tc.want[r.Email]
				}
				switch {
				case isErr && (r.Outcome != app.OutcomeError || !strings.Contains(r.Message, msg)):
					t.Errorf("%s: line %d %s: %q %q, want an error with %q", tc.what, r.Line, r.Email, r.Outcome, r.Message, msg)
				case !isErr && r.Outcome != app.OutcomeCreate:
					t.Errorf("%s: line %d %s: %q %q, want create", tc.what, r.Line, r.Email, r.Outcome, r.Message)
				}
			}
			if p.Counts[app.OutcomeError] != len(tc.want) {
				t.Errorf("%s: #import-counts %v, want %d error", tc.what, p.Counts, len(tc.want))
			}
		}

		// 10,000 rows with one invalid email: one error row, the rest create.
		var rows []string
		for i := range 10_000 {
			if i == 4321 {
				rows = append(rows, "person.4321.example.org,Per,Son,User,false")
				continue
			}
			rows = append(rows, fmt.Sprintf("person.%d@example.org,Per,Son %d,User,false", i, i))
		}
		before := ie.snap()
		p := ie.uploadOK(ie.ada, "ACME", "ten-thousand.csv", excelFile(rows...))
		ie.same("10,000-row preview", before)
		if want := map[string]int{app.OutcomeCreate: 9_999, app.OutcomeError: 1}; !reflect.DeepEqual(p.outcomes(), want) {
			t.Errorf("10,000 rows: preview outcomes %v, want %v", p.outcomes(), want)
		}
		if p.Counts[app.OutcomeCreate] != 9_999 || p.Counts[app.OutcomeError] != 1 {
			t.Errorf("10,000 rows: #import-counts %v", p.Counts)
		}
		if n := strings.Count(p.Body, `class="outcome-error"`); n != 1 {
			t.Errorf("10,000 rows: %d error rows shown, want 1", n)
		}
		if r := p.row(t, "person.4321.example.org"); r.Line != 4323 || !strings.Contains(r.Message, "is not a valid email address") {
			t.Errorf("10,000 rows: the bad row %+v, want line 4323 with the reason", r)
		}
	})
}

func TestImportPermissions(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		ie := newImportEnv(t, db)
		file := excelFile(`nina@example.org,Nina,Ng,User,false`)
		ran := ie.uploadOK(ie.ada, "ACME", "users.csv", file)
		ie.run(ie.ada, ran, ran.Token, http.StatusSeeOther)
		kept := ie.uploadOK(ie.ada, "ACME", "kai.csv", excelFile(`kai@example.org,Kai,Ko,User,false`))

		// A member without import: 403 everywhere, nothing written.
		ie.member(ie.in, "bob@example.org", access.PresetScorecardBuilder)
		bob := ie.client()
		bob.login("bob@example.org", testkit.Password)
		before, imports := ie.snap(), ie.count("imports")
		for _, r := range []struct {
			what string
			r    resp
		}{
			{"GET page", bob.get("/i/ACME/admin/import")},
			{"GET template", bob.get("/i/ACME/admin/import/template.csv")},
			{"POST upload", bob.upload("/i/ACME/admin/import", "users.csv", excelFile(`x@example.org,X,Y,User,true`))},
			{"GET preview", bob.get(kept.Path)},
			{"POST run", bob.post(kept.Path+"/run", "token", kept.Token)},
			{"GET results", bob.get(ran.Path + "/results.csv")},
		} {
			expect(t, "builder "+r.what, r.r, http.StatusForbidden)
			if strings.Contains(r.r.Body, "nina@example.org") || strings.Contains(r.r.Body, "kai@example.org") {
				t.Errorf("builder %s: the refusal shows the file's rows", r.what)
			}
		}
		ie.same("the builder's refused import", before)
		if n := ie.count("imports"); n != imports {
			t.Errorf("the builder's upload was kept")
		}

		// Another instance's uploads do not exist here.
		ie.member(ie.other, "oz@example.org", access.PresetAdministration)
		oz := ie.client()
		oz.login("oz@example.org", testkit.Password)
		theirs := ie.uploadOK(oz, "OTHER", "theirs.csv", excelFile(`zed@example.org,Zed,Zee,User,false`))
		ie.run(oz, theirs, theirs.Token, http.StatusSeeOther)
		theirsKept := ie.uploadOK(oz, "OTHER", "kept.csv", excelFile(`zoe@example.org,Zoe,Zee,User,false`))
		before = ie.snap()
		for _, id := range []int64{theirs.ID, theirsKept.ID, 999_999} {
			base := "/i/ACME/admin/import/" + strconv.FormatInt(id, 10)
			expect(t, "ada GET "+base, ie.ada.get(base), http.StatusNotFound)
			expect(t, "ada POST "+base+"/run", ie.ada.post(base+"/run", "token", theirsKept.Token), http.StatusNotFound)
			expect(t, "ada GET "+base+"/results.csv", ie.ada.get(base+"/results.csv"), http.StatusNotFound)
			other := "/i/OTHER/admin/import/" + strconv.FormatInt(id, 10)
			expect(t, "ada GET "+other, ie.ada.get(other), http.StatusNotFound)
		}
		expect(t, "malformed id", ie.ada.get("/i/ACME/admin/import/x1"), http.StatusNotFound)
		expect(t, "results of an upload not run", ie.ada.get(kept.Path+"/results.csv"), http.StatusNotFound)
		ie.same("another instance's import ids", before)
		if _, ok := ie.memberOf(ie.other, "zoe@example.org"); ok {
			t.Errorf("ada ran OTHER's upload")
		}
	})
}

// TestImportRunsOnceWhenRunTwiceAtOnce: two Run clicks at the same moment
// (a double click, two tabs) apply the rows once; the other is refused.
func TestImportRunsOnceWhenRunTwiceAtOnce(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		ie := newImportEnv(t, db)
		p := ie.uploadOK(ie.ada, "ACME", "users.csv", excelFile(`nina@example.org,Nina,Ng,User,true`, `kai@example.org,Kai,Ko,Administrator,true`))
		ie.ada.get("/i/ACME/admin/import") // settle the session's first-request writes
		statuses := make([]int, 2)
		var start, done sync.WaitGroup
		start.Add(1)
		for i := range statuses {
			done.Add(1)
			go func() {
				defer done.Done()
				req, err := http.NewRequest("POST", ie.srv.URL+p.Path+"/run", strings.NewReader(url.Values{"token": {p.Token}}.Encode()))
				if err != nil {
					t.Error(err)
					return
				}
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				start.Wait()
				res, err := ie.ada.hc.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				res.Body.Close()
				statuses[i] = res.StatusCode
			}()
		}
		start.Done()
		done.Wait()
		slices.Sort(statuses)
		if want := []int{http.StatusSeeOther, http.StatusConflict}; !slices.Equal(statuses, want) {
			t.Errorf("two runs at once: statuses %v, want one %v", statuses, want)
		}
		if n := ie.count("memberships WHERE instance_id = " + strconv.FormatInt(ie.in.ID, 10)); n != 4 {
			t.Errorf("%d ACME members after two runs at once, want 4", n)
		}
		mails, err := ie.store.Q().ListMail(ctx, "", 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(mails) != 2 {
			t.Errorf("%d mails queued, want 2 (one welcome each)", len(mails))
		}
	})
}
