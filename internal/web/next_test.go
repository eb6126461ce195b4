package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/testkit"
)

var nextField = regexp.MustCompile(`<input type="hidden" name="next" value="([^"]*)"`)

// Defect 2: after sign-in, next is followed only as a path on this site.
// Each hostile value, carried by GET /login?next=… into the form and
// posted back, ends at "/"; each local path is kept.
func TestSignInNextStaysOnSite(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		in := e.instance("ACME", "Acme")
		e.member(in, "ada@example.org", access.PresetAdministration)

		hostile := []string{
			"/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "\t//evil.example",
			"\\evil.example", "\\\\evil.example", "/\\evil.example", "/\\/evil.example", "/\\\\evil.example",
			"/%09/evil.example", "/%0a/evil.example", "/%0d%0a/evil.example", "/%5cevil.example", "/%5c/evil.example", "/%5C%5Cevil.example",
			"/%2f/evil.example", "/%2F%2Fevil.example", "/%2f%2fevil.example/path", "//evil.example", "///evil.example", "////evil.example",
			"/ /evil.example", " /evil.example", "/%20/evil.example", "/\u00a0/evil.example", "/\u3000/evil.example",
			"/\u2028/evil.example", "/\u0085/evil.example", "/\u202e/evil.example", "/\u200b/evil.example",
			"https://evil.example", "HtTpS://evil.example", "http:/evil.example", "hTTp:evil.example", "//evil.example:443/",
			"javascript:alert(1)", "JaVaScRiPt:alert(1)", "/javascript:alert(1)#\tx", "data:text/html,<script>alert(1)</script>",
			"//еvil.example", "//xn--vil-ddd.example", "https://éxample.com", "//ⓔvil.example", "/\uff0f/evil.example", "//evil。example",
			"/i/ACME/?q=%5c", "/i/ACME/#%09", "/%", "/%zz", "", "evil.example", "./evil", "../evil", "?next=/",
		}
		for _, next := range hostile {
			c := e.client()
			form := c.get("/login?next=" + url.QueryEscape(next))
			if form.Status == http.StatusOK {
				m := nextField.FindStringSubmatch(form.Body)
				if m == nil {
					t.Errorf("next=%q: the form has no next field", next)
				} else if m[1] != "" {
					t.Errorf("next=%q: the form carries %q", next, html.UnescapeString(m[1]))
				}
			} else if form.Status != http.StatusBadRequest { // a refused address is fine too
				t.Errorf("next=%q: sign-in form status %d", next, form.Status)
			}
			r := c.post("/login", "email", "ada@example.org", "password", testkit.Password, "next", next)
			if r.Status != http.StatusSeeOther || r.Location != "/" {
				t.Errorf("next=%q: sign-in answered %d → %q, want 303 → /", next, r.Status, r.Location)
			}
		}

		for _, next := range []string{"/i/ACME/", "/i/ACME/objects?kind=measure&q=a%20b+c", "/account", "/i/ACME/scorecards/1#top", "/@evil.example"} {
			c := e.client()
			if m := nextField.FindStringSubmatch(c.get("/login?next=" + url.QueryEscape(next)).Body); m == nil || html.UnescapeString(m[1]) != next {
				t.Errorf("next=%q: the form carries %v", next, m)
			}
			if r := c.post("/login", "email", "ada@example.org", "password", testkit.Password, "next", next); r.Location != next {
				t.Errorf("next=%q: sign-in went to %q", next, r.Location)
			}
		}

		// A page that asks for sign-in comes back after it.
		c := e.client()
		r := c.get("/i/ACME/objects?kind=measure")
		if r.Status != http.StatusSeeOther {
			t.Fatalf("signed out: %d", r.Status)
		}
		u, _ := url.Parse(r.Location)
		next := u.Query().Get("next")
		if r := c.post("/login", "email", "ada@example.org", "password", testkit.Password, "next", next); r.Location != "/i/ACME/objects?kind=measure" {
			t.Errorf("back after sign-in: %q", r.Location)
		}
	})
}
