package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/testkit"
)

// The Multi-Site Tools pages with the tools on: create a child (errors on
// their fields), add an administrator to all children, copy a scorecard
// to a child with a preview first; and Copy scorecard from its page.
func TestMultiSitePages(t *testing.T) {
	testkit.SQLiteAndPostgres(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		in := e.instance("ACME", "Acme")
		e.member(in, "ada@example.org", access.PresetAdministration)
		e.member(in, "bea@example.org", access.PresetAdministration)
		c := e.client()
		c.login("ada@example.org", testkit.Password)
		base := "/i/ACME"
		expect(t, "page, tools off", c.get(base+"/admin/multisite"), http.StatusOK, `id="multisite-off"`)
		expect(t, "create, tools off", c.post(base+"/admin/multisite/children", "code", "KID", "name", "Kid", "email", "k@example.org"), http.StatusForbidden)
		if err := e.app.SetMultiSite(ctx, "ACME", true); err != nil {
			t.Fatal(err)
		}
		r := c.post(base+"/admin/multisite/children", "code", "x", "name", "", "email", "nope")
		expect(t, "bad child", r, http.StatusUnprocessableEntity, `id="err-code"`, `id="err-name"`, `id="err-email"`, `href="#f-code"`)
		expect(t, "create KID1", c.post(base+"/admin/multisite/children", "code", "KID1", "name", "Kid One", "email", "k1@example.org"), http.StatusSeeOther)
		expect(t, "create KID2", c.post(base+"/admin/multisite/children", "code", "KID2", "name", "Kid Two", "email", "k2@example.org"), http.StatusSeeOther)
		expect(t, "list", c.get(base+"/admin/multisite?done=created"), http.StatusOK, "Kid One (KID1)", "Kid Two (KID2)", `id="add-admin"`, "bea@example.org")

		bea := regexp.MustCompile(`<option value="(\d+)"[^>]*>[^<]*\(bea@example.org\)`).FindStringSubmatch(c.get(base + "/admin/multisite").Body)
		if bea == nil {
			t.Fatal("no option for bea")
		}
		expect(t, "add bea to all", c.post(base+"/admin/multisite/admins", "admin", bea[1], "child", ""), http.StatusSeeOther)
		expect(t, "bad admin", c.post(base+"/admin/multisite/admins", "admin", "x", "child", ""), http.StatusUnprocessableEntity, `id="err-admin"`)
		b := e.client()
		b.login("bea@example.org", testkit.Password)
		expect(t, "bea in KID2", b.get("/i/KID2/scorecards"), http.StatusOK)

		// A scorecard with a result, copied within and to the children.
		sc := locationID(t, c.post(base+"/scorecards", "title", "Community"))
		expect(t, "container", c.post(base+"/objects", "kind", "container", "scorecard", sc, "type", e.typeID(in, "Result"), "title", "Ready"), http.StatusSeeOther)
		expect(t, "scorecard page has the copy link", c.get(base+"/scorecards/"+sc), http.StatusOK, `href="/i/ACME/scorecards/`+sc+`/copy"`)
		expect(t, "copy form", c.get(base+"/scorecards/"+sc+"/copy"), http.StatusOK, `id="copy-form"`, `value="link"`)
		expect(t, "copy bad option", c.post(base+"/scorecards/"+sc+"/copy", "step", "preview", "mode", "both"), http.StatusUnprocessableEntity, `id="err-mode"`)
		expect(t, "copy preview", c.post(base+"/scorecards/"+sc+"/copy", "step", "preview", "title", "Template"), http.StatusOK,
			`id="copy-preview"`, "Template", `id="copy-confirm"`)
		r = c.post(base+"/scorecards/"+sc+"/copy", "step", "copy", "title", "Template", "mode", "duplicate", "data", "none")
		expect(t, "copy", r, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); !strings.HasPrefix(loc, base+"/scorecards/") || strings.HasSuffix(loc, "/"+sc) {
			t.Errorf("the copy sends to %q", loc)
		}
		expect(t, "site copy form", c.get(base+"/admin/multisite/copy"), http.StatusOK, `id="site-copy-form"`, "Kid One (KID1)", "Community")
		expect(t, "site copy, no target", c.post(base+"/admin/multisite/copy", "scorecard", sc, "step", "preview"), http.StatusUnprocessableEntity, `id="err-to"`)
		expect(t, "site copy preview", c.post(base+"/admin/multisite/copy", "scorecard", sc, "all", "1", "step", "preview"), http.StatusOK,
			`id="copy-results"`, "What the copy does", "Kid Two (KID2)")
		expect(t, "site copy run", c.post(base+"/admin/multisite/copy", "scorecard", sc, "all", "1", "step", "copy"), http.StatusOK,
			"Copy summary", "Copied.")
		expect(t, "the copy in KID2", b.get("/i/KID2/scorecards"), http.StatusOK, "Community")
		expect(t, "a child's scorecards to copy back", c.get(base+"/admin/multisite/copy?from=KID1"), http.StatusOK, "Community", "to this instance")
		expect(t, "another parent's child", c.get(base+"/admin/multisite/copy?from=NOPE"), http.StatusNotFound)
	})
}
