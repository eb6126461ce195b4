package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/testkit"
)

// Hostile from/to values never reach a download's Content-Disposition:
// the file name is built from the parsed dates.
func TestExportFileNameFromParsedValues(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		in := e.instance("ACME", "Acme")
		e.member(in, "ada@example.org", access.PresetAdministration)
		c := e.client()
		c.login("ada@example.org", testkit.Password)
		for _, v := range []string{"\v2026-01-01\f", "\u00852026-01-01\u00a0", "\u20282026-01-01", " 2026-01-01 ", "2026-01-01\"; x=\"y"} {
			for _, f := range []string{"xlsx", "pdf"} {
				q := url.Values{"from": {v}, "to": {"2026-02-01"}}
				r := c.get("/i/ACME/admin/activity." + f + "?" + q.Encode())
				cd := r.Header.Get("Content-Disposition")
				for _, b := range []byte(cd) {
					if b < 0x20 || b > 0x7e {
						t.Errorf("%s from=%q: Content-Disposition carries byte %#x: %q", f, v, b, cd)
					}
				}
				if r.Status == http.StatusOK {
					if want := `attachment; filename="yardstick-activity-ACME-2026-01-01-to-2026-02-01.` + f + `"`; cd != want {
						t.Errorf("%s from=%q: Content-Disposition %q, want %q", f, v, cd, want)
					}
				} else if (r.Status != http.StatusUnprocessableEntity && r.Status != http.StatusBadRequest) || cd != "" {
					t.Errorf("%s from=%q: status %d, Content-Disposition %q; want 200, or a 400/422 page", f, v, r.Status, cd)
				}
			}
		}
	})
}

// A search of 50,000 characters is cut to MaxSearch, never a 500
// ("LIKE or GLOB pattern too complex" on SQLite).
func TestLongSearchIsCut(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		in := e.instance("ACME", "Acme")
		e.member(in, "ada@example.org", access.PresetAdministration)
		c := e.client()
		c.login("ada@example.org", testkit.Password)
		long := strings.Repeat("a%_", 17000)
		for _, p := range []string{"/i/ACME/admin/users?q=", "/i/ACME/objects?kind=measure&q=", "/i/ACME/objects?kind=container&tag="} {
			r := c.get(p + url.QueryEscape(long))
			expect(t, p, r, http.StatusOK)
		}
		expect(t, "the field says its limit", c.get("/i/ACME/admin/users"), http.StatusOK, `maxlength="200"`, "up to 200 characters")
	})
}
