package web_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/testkit"
)

// hostileEnv is instance ACME with its administrator ada signed in and an
// anonymous visitor.
type hostileEnv struct {
	*env
	ada, anon *client
}

func newHostileEnv(t *testing.T, db *testkit.DB) *hostileEnv {
	t.Helper()
	e := newEnv(t, db)
	in := e.instance("ACME", "Acme Community")
	e.member(in, "ada@example.org", access.PresetAdministration)
	h := &hostileEnv{env: e, ada: e.client(), anon: e.client()}
	h.ada.login("ada@example.org", testkit.Password)
	return h
}

// count runs a COUNT(*) query.
func (h *hostileEnv) count(table string) int {
	h.t.Helper()
	var n int
	if err := h.store.DB().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		h.t.Fatal(err)
	}
	return n
}

// multipart sends fields (and, when fileName is set, a file) as a
// multipart form.
func (c *client) multipart(method, path string, fields [][2]string, fileName string, file []byte) resp {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, f := range fields {
		if err := mw.WriteField(f[0], f[1]); err != nil {
			c.t.Fatal(err)
		}
	}
	if fileName != "" {
		fw, err := mw.CreateFormFile("file", fileName)
		if err != nil {
			c.t.Fatal(err)
		}
		fw.Write(file)
	}
	if err := mw.Close(); err != nil {
		c.t.Fatal(err)
	}
	req, err := http.NewRequest(method, c.e.srv.URL+path, &body)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{Status: res.StatusCode, Body: string(b), Location: res.Header.Get("Location"), Header: res.Header}
}

const (
	addressRefused = "This address contains a character that is not allowed"
	notUTF8Text    = "a control character (such as NUL) or bytes that are not UTF-8 text"
)

// The attacks: NUL bytes, other control characters and bytes that are not
// UTF-8 in every kind of input. PostgreSQL refuses such text with an error
// (a users search with %00 answered 500); every one must be refused with a
// clear message instead, on both databases, before a handler sees it.
func TestHostileTextIsRefusedNot500(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		h := newHostileEnv(t, db)
		tests := []struct {
			name   string
			c      *client
			method string
			path   string
			form   url.Values
			status int
			want   []string
		}{
			// Query strings.
			{"users search NUL", h.ada, "GET", "/i/ACME/admin/users?q=%00", nil, 400, []string{addressRefused, notUTF8Text}},
			{"users search NUL inside a name", h.ada, "GET", "/i/ACME/admin/users?q=ad%00a&sort=name", nil, 400, []string{addressRefused}},
			{"users search not UTF-8", h.ada, "GET", "/i/ACME/admin/users?q=%FF", nil, 400, []string{addressRefused}},
			{"users search cut UTF-8 sequence", h.ada, "GET", "/i/ACME/admin/users?q=A%D0", nil, 400, []string{addressRefused}},
			{"users search control character", h.ada, "GET", "/i/ACME/admin/users?q=a%01b", nil, 400, []string{addressRefused}},
			{"users search with + and NUL", h.ada, "GET", "/i/ACME/admin/users?q=ada+%00", nil, 400, []string{addressRefused}},
			{"users sort NUL", h.ada, "GET", "/i/ACME/admin/users?sort=%00", nil, 400, []string{addressRefused}},
			{"users cursor not UTF-8", h.ada, "GET", "/i/ACME/admin/users?after=%C3%28", nil, 400, []string{addressRefused}},
			{"NUL in a query name", h.ada, "GET", "/i/ACME/admin/users?%00=1", nil, 400, []string{addressRefused}},
			{"activity member NUL", h.ada, "GET", "/i/ACME/admin/activity?member=%00", nil, 400, []string{addressRefused}},
			{"scorecards site NUL", h.ada, "GET", "/i/ACME/scorecards?site=%00", nil, 400, []string{addressRefused}},
			{"instance search NUL", h.ada, "GET", "/instances?q=%00", nil, 400, []string{addressRefused}},
			{"sign-in next NUL, anonymous", h.anon, "GET", "/login?next=/i/%00", nil, 400, []string{addressRefused}},
			// Path values.
			{"instance code NUL", h.ada, "GET", "/i/AC%00ME/admin/users", nil, 400, []string{addressRefused}},
			{"instance code not UTF-8", h.ada, "GET", "/i/%FF/scorecards", nil, 400, []string{addressRefused}},
			{"scorecard id not UTF-8", h.ada, "GET", "/i/ACME/scorecards/%E2%82", nil, 400, []string{addressRefused}},
			{"reset token NUL", h.anon, "GET", "/reset/abc%00def", nil, 400, []string{addressRefused}},
			{"sign-in link token not UTF-8", h.anon, "POST", "/signin/%C3%28", url.Values{}, 400, []string{addressRefused}},
			// URL-encoded form fields.
			{"sign-in email NUL", h.anon, "POST", "/login", url.Values{"email": {"ada@example.org\x00"}, "password": {"x"}}, 422,
				[]string{"The field “email” contains a character that is not allowed", notUTF8Text}},
			{"sign-in password not UTF-8", h.anon, "POST", "/login", url.Values{"email": {"ada@example.org"}, "password": {"\xff\xfe"}}, 422,
				[]string{"The field “password”"}},
			{"forgot password email NUL", h.anon, "POST", "/forgot", url.Values{"email": {"\x00"}}, 422, []string{"The field “email”"}},
			{"scorecard title NUL", h.ada, "POST", "/i/ACME/scorecards", url.Values{"title": {"Board\x00"}}, 422, []string{"The field “title”"}},
			{"scorecard title not UTF-8", h.ada, "POST", "/i/ACME/scorecards", url.Values{"title": {"A\xd0"}}, 422, []string{"The field “title”"}},
			{"scorecard description escape sequence", h.ada, "POST", "/i/ACME/scorecards", url.Values{"title": {"Board"}, "description": {"\x1b[2J"}}, 422,
				[]string{"The field “description”"}},
			{"field name NUL", h.ada, "POST", "/i/ACME/scorecards", url.Values{"title": {"Board"}, "ti\x00tle": {"x"}}, 422,
				[]string{"The form contains a character that is not allowed"}},
			{"add existing user email NUL", h.ada, "POST", "/i/ACME/admin/users/existing", url.Values{"email": {"%00\x00@example.org"}}, 422,
				[]string{"The field “email”"}},
			{"own name NUL", h.ada, "POST", "/account", url.Values{"name": {"Ada\x00"}, "time_zone": {"UTC"}}, 422, []string{"The field “name”"}},
			{"NUL in both query and form", h.ada, "POST", "/i/ACME/scorecards?x=%00", url.Values{"title": {"Board\x00"}}, 400, []string{addressRefused}},
			// Allowed: what a textarea sends, and every script.
			{"users search in Cyrillic", h.ada, "GET", "/i/ACME/admin/users?q=%D0%B6", nil, 200, nil},
			{"users search with a malformed escape", h.ada, "GET", "/i/ACME/admin/users?q=%zz", nil, 200, nil},
			{"description with tab, CR and LF", h.ada, "POST", "/i/ACME/scorecards", url.Values{"title": {"Tabbed 語 😀"}, "description": {"one\ttwo\r\nthree"}}, 303, nil},
		}
		scorecards := h.count("scorecards")
		for _, tt := range tests {
			r := tt.c.do(tt.method, tt.path, tt.form)
			if r.Status == http.StatusInternalServerError {
				t.Errorf("%s: 500; body %s", tt.name, excerpt(r.Body))
				continue
			}
			expect(t, tt.name, r, tt.status, tt.want...)
		}
		if got := h.count("scorecards"); got != scorecards+1 {
			t.Errorf("%d scorecards after the attacks, want %d (only the valid one added)", got, scorecards+1)
		}
	})
}

// Multipart forms pass the same check: a text field, a file name. Any
// handler reading PostFormValue parses a multipart body too, so a
// multipart form must not be a way around it. The file's content is the
// importer's to check, with a message naming the line.
func TestHostileMultipartIsRefusedNot500(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		h := newHostileEnv(t, db)
		const header = "username,first_name,last_name,role_group,send_email\n"
		valid := []byte(header + "zoe@example.org,Zoe,Lee,User,false\n")
		tests := []struct {
			name     string
			path     string
			fields   [][2]string
			fileName string
			file     []byte
			status   int
			want     []string
		}{
			// Multipart is refused outright where no file is expected.
			{"scorecard title NUL", "/i/ACME/scorecards", [][2]string{{"title", "Board\x00"}}, "", nil, 415, []string{noUpload}},
			{"scorecard title not UTF-8", "/i/ACME/scorecards", [][2]string{{"title", "\xc3\x28"}}, "", nil, 415, []string{noUpload}},
			// A NUL in a part's header is refused by the multipart reader itself.
			{"import file name NUL", "/i/ACME/admin/import", nil, "users\x00.csv", valid, 400, []string{"The form could not be read"}},
			{"import file name not UTF-8", "/i/ACME/admin/import", nil, "us\xe9rs.csv", valid, 422, []string{"The field “file”"}},
			{"import extra field NUL", "/i/ACME/admin/import", [][2]string{{"note", "\x00"}}, "users.csv", valid, 422, []string{"The field “note”"}},
			{"import cell NUL", "/i/ACME/admin/import", nil, "users.csv",
				[]byte(header + "zoe@example.org,Zoe,Lee,User,false\namy@example.org,Amy\x00,Lee,User,false\n"), 422,
				[]string{"Line 3 contains a NUL character"}},
			{"import cell not UTF-8", "/i/ACME/admin/import", nil, "users.csv",
				[]byte(header + "zoe@example.org,Zo\xeb,Lee,User,false\n"), 422, []string{"Line 2 is not UTF-8 text"}},
			{"import cell control character", "/i/ACME/admin/import", nil, "users.csv",
				[]byte(header + "zoe@example.org,Zo\x01e,Lee,User,false\n"), 303, nil}, // a row error, shown in the preview
			{"new object form with a multipart body on GET", "GET:/i/ACME/objects/new?kind=container", [][2]string{{"parent", "1\x00"}}, "", nil, 415, []string{noUpload}},
			{"scorecard as multipart", "/i/ACME/scorecards", [][2]string{{"title", "Multipart 語"}}, "", nil, 415, []string{noUpload}},
			{"import with a valid file", "/i/ACME/admin/import", nil, "users ж.csv", valid, 303, nil},
		}
		imports := h.count("imports")
		for _, tt := range tests {
			method, path := "POST", tt.path
			if m, p, ok := strings.Cut(tt.path, ":"); ok {
				method, path = m, p
			}
			r := h.ada.multipart(method, path, tt.fields, tt.fileName, tt.file)
			if r.Status == http.StatusInternalServerError {
				t.Errorf("%s: 500; body %s", tt.name, excerpt(r.Body))
				continue
			}
			expect(t, tt.name, r, tt.status, tt.want...)
		}
		if got := h.count("imports"); got != imports+2 {
			t.Errorf("%d uploads kept, want %d (only the two readable files)", got, imports+2)
		}
		if !strings.Contains(h.ada.get("/i/ACME/admin/import/"+lastID(t, h, "imports")).Body, "users ж.csv") {
			t.Error("the valid upload's file name did not survive intact")
		}
	})
}

// lastID is the highest id of a table.
func lastID(t *testing.T, h *hostileEnv, table string) string {
	t.Helper()
	var id string
	if err := h.store.DB().QueryRow(`SELECT CAST(MAX(id) AS TEXT) FROM ` + table).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// The attack of defect 7: a scorecard titled "A" + 199 × "ж" (200
// characters, within the limit; 399 bytes) answered 500 on PostgreSQL,
// because the activity log cut the name at 300 bytes, inside a character.
// It must be created and stored intact everywhere it is shown, and one
// more character refused with the limit named. A User-Agent the session
// keeps (cut at 300 characters) must not break the sign-in either.
func TestMultiByteTitleAtItsLimit(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		h := newHostileEnv(t, db)
		for _, c := range []string{"ж", "語", "😀"} {
			title := "A" + strings.Repeat(c, 199)
			r := h.ada.post("/i/ACME/scorecards", "title", title)
			expect(t, c+" × 200: create", r, http.StatusSeeOther)
			if r.Status != http.StatusSeeOther {
				continue
			}
			expect(t, c+" × 200: scorecard page", h.ada.get(r.Location), http.StatusOK, title)
			var stored string
			if err := h.store.DB().QueryRow(`SELECT title FROM scorecards WHERE title LIKE 'A%' ORDER BY id DESC LIMIT 1`).Scan(&stored); err != nil {
				t.Fatal(err)
			}
			if stored != title {
				t.Errorf("%s × 200: stored %q", c, stored)
			}
			var logged string
			if err := h.store.DB().QueryRow(`SELECT object_name FROM activity_log WHERE object_type = 'scorecard' ORDER BY id DESC LIMIT 1`).Scan(&logged); err != nil {
				t.Fatal(err)
			}
			if logged != title {
				t.Errorf("%s × 200: logged as %q", c, logged)
			}
			expect(t, c+" × 201", h.ada.post("/i/ACME/scorecards", "title", title+c), http.StatusUnprocessableEntity,
				"Title is too long (at most 200 characters).")
		}

		// The session keeps the browser's User-Agent, cut to 300 characters:
		// a long multi-byte one must sign in, not fail in the database.
		ua := "A" + strings.Repeat("ж", 400)
		req, err := http.NewRequest("POST", h.srv.URL+"/login", strings.NewReader(url.Values{"email": {"ada@example.org"}, "password": {testkit.Password}}.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("User-Agent", ua)
		res, err := h.anon.hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Errorf("sign-in with a %d-byte User-Agent: status %d, want 303", len(ua), res.StatusCode)
		}
	})
}
