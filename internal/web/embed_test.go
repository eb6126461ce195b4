package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"yardstick/internal/testkit"
)

// embedLink finds the token of an embed code in a page that shows one.
var embedLink = regexp.MustCompile(`/embed/([A-Za-z0-9_-]{43})`)

func tokenIn(t *testing.T, r resp) string {
	t.Helper()
	m := embedLink.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no embed code in the page (status %d): %s", r.Status, excerpt(r.Body))
	}
	return m[1]
}

// setEmbed saves a scorecard's Enable Embed and Embed origins through the
// form on its edit page, as c, and returns the answer.
func setEmbed(t *testing.T, c *client, scorecard int64, on bool, origins string) resp {
	t.Helper()
	edit := c.get("/i/ACME/scorecards/" + itoa64(scorecard) + "/edit")
	expect(t, "edit page", edit, http.StatusOK, `id="embed-enabled"`, "Empty: any website may show them")
	v := regexp.MustCompile(`id="embed-switch".*?name="version" value="(\d+)"`).FindStringSubmatch(strings.ReplaceAll(edit.Body, "\n", " "))
	if v == nil {
		t.Fatal("no version in the embedding form")
	}
	kv := []string{"version", v[1], "embed_origins", origins}
	if on {
		kv = append(kv, "enabled", "1")
	}
	return c.post("/i/ACME/scorecards/"+itoa64(scorecard)+"/embed", kv...)
}

// mustSetEmbed is setEmbed that must succeed.
func mustSetEmbed(t *testing.T, c *client, scorecard int64, on bool, origins string) {
	t.Helper()
	if r := setEmbed(t, c, scorecard, on, origins); r.Status != http.StatusSeeOther {
		t.Fatalf("embedding of scorecard %d: %d %s", scorecard, r.Status, excerpt(r.Body))
	}
}

// Header tests: an embed page has the configured frame-ancestors,
// Referrer-Policy no-referrer, Cache-Control public for at most 60 s, no
// Set-Cookie, and the same bytes with or without a valid session; other
// routes keep frame-ancestors 'none'. It shows no people, no ids, no
// links into the instance.
func TestEmbedHeadersAndAnonymity(t *testing.T) {
	f := newFixture(t)
	anon := f.e.client()
	page := anon.get("/embed/" + f.embedToken)
	expect(t, "embed page", page, http.StatusOK, "Readiness", "Ready", "Acme", "Why the curve bends", `id="embed-graph"`, "<svg")
	h := page.Header
	if csp := h.Get("Content-Security-Policy"); !strings.HasSuffix(csp, "; frame-ancestors *") {
		t.Errorf("CSP with no origins listed: %q", csp)
	}
	if h.Get("Referrer-Policy") != "no-referrer" || h.Get("Cache-Control") != "public, max-age=60" || h.Get("X-Frame-Options") != "" {
		t.Errorf("headers: Referrer-Policy %q, Cache-Control %q, X-Frame-Options %q", h.Get("Referrer-Policy"), h.Get("Cache-Control"), h.Get("X-Frame-Options"))
	}
	if len(h.Values("Set-Cookie")) > 0 {
		t.Errorf("embed sets cookies: %v", h.Values("Set-Cookie"))
	}
	// The instance's logo (General Settings) is on the page, served under
	// the code's own path with the same checks.
	if !strings.Contains(page.Body, `id="embed-logo" src="/embed/`+f.embedToken+`/logo"`) {
		t.Errorf("the embed page shows no logo: %s", excerpt(page.Body))
	}
	logo := anon.get("/embed/" + f.embedToken + "/logo")
	if logo.Status != http.StatusOK || logo.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(logo.Body, "\x89PNG") ||
		len(logo.Header.Values("Set-Cookie")) > 0 || !strings.Contains(logo.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("the logo: %d %q %q", logo.Status, logo.Header.Get("Content-Type"), logo.Header.Get("Content-Security-Policy"))
	}
	if r := anon.get("/embed/" + strings.Repeat("A", 43) + "/logo"); r.Status != http.StatusNotFound {
		t.Errorf("a guessed token's logo: %d", r.Status)
	}
	for _, leak := range []string{"admin@example.org", "@example.org", "/i/ACME", "data-id", "<form", "<script", "csrf", "Sign out",
		"Administration", "id=\"m" + itoa64(f.measure.ID)} {
		if strings.Contains(page.Body, leak) {
			t.Errorf("embed page contains %q", leak)
		}
	}

	// A signed-in browser gets exactly the anonymous page, and no cookie.
	signed := f.e.client()
	signed.setCookie(f.cookies["admin"])
	again := signed.get("/embed/" + f.embedToken)
	if again.Body != page.Body || len(again.Header.Values("Set-Cookie")) > 0 {
		t.Errorf("with a session cookie the embed differs (%d vs %d bytes) or sets a cookie %v", len(again.Body), len(page.Body), again.Header.Values("Set-Cookie"))
	}

	// Origins set on the scorecard become the frame-ancestors.
	admin := f.e.client()
	admin.setCookie(f.cookies["admin"])
	mustSetEmbed(t, admin, f.sc.ID, true, "https://www.City.example\nhttp://localhost:8081/")
	page = anon.get("/embed/" + f.embedToken)
	if csp := page.Header.Get("Content-Security-Policy"); !strings.HasSuffix(csp, "frame-ancestors https://www.city.example http://localhost:8081") {
		t.Errorf("CSP with two origins: %q", csp)
	}
	bad := setEmbed(t, admin, f.sc.ID, true, "https://a.example; script-src *")
	expect(t, "a bad origin", bad, http.StatusUnprocessableEntity, "is not an origin")

	// Every other route keeps frame-ancestors 'none'.
	for _, p := range []string{"/login", "/i/ACME/objects/" + itoa64(f.measure.ID), "/no/such/page", "/i/ACME/scorecards/" + itoa64(f.sc.ID)} {
		r := admin.get(p)
		if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || r.Header.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: CSP %q, X-Frame-Options %q", p, csp, r.Header.Get("X-Frame-Options"))
		}
	}
}

// Numeric or guessed paths are 404, every method but GET is 405, and
// query parameters change nothing shown; on SQLite, PostgreSQL and Citus.
func TestEmbedGuessesMethodsAndQuery(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		f := newFixtureIn(t, newEnv(t, db))
		c := f.e.client()
		for _, p := range []string{"/embed/1", "/embed/5", "/embed/measure/5", "/embed/scorecard/" + itoa64(f.sc.ID), "/embed/",
			"/embed/" + itoa64(f.embedID), "/embed/" + strings.Repeat("A", 43), "/embed/" + f.embedToken[:42], "/embed/" + f.embedToken + "x",
			"/embed/" + f.embedToken + "/", "/embed/" + strings.Repeat("ж", 100)} {
			r := c.get(p)
			if r.Status != http.StatusNotFound || strings.Contains(r.Body, "Readiness") {
				t.Errorf("GET %s: %d, want 404", p, r.Status)
			}
		}
		if r := c.get("/embed/%00"); r.Status != http.StatusBadRequest {
			t.Errorf("GET /embed/%%00: %d, want 400 (refused as input)", r.Status)
		}
		for _, m := range []string{"POST", "PUT", "DELETE", "PATCH", "OPTIONS"} {
			for _, p := range []string{"/embed/" + f.embedToken, "/embed/1", "/embed/", "/embed/a/b"} {
				r := c.do(m, p, nil)
				if r.Status != http.StatusMethodNotAllowed {
					t.Errorf("%s %s: %d, want 405", m, p, r.Status)
				}
			}
		}
		// A cross-site form post is 405 too, not a CSRF refusal.
		req, _ := http.NewRequest("POST", f.e.srv.URL+"/embed/"+f.embedToken, strings.NewReader("a=1"))
		req.Header.Set("Origin", "https://evil.example")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("cross-site POST: %v %v", res, err)
		} else {
			res.Body.Close()
		}

		base := c.get("/embed/" + f.embedToken)
		expect(t, "embed", base, http.StatusOK, "Readiness")
		for _, q := range []string{"?periods=100", "?targets=0&show_targets=0", "?chart=bar", "?notes=all&note_type=1&note_types=1,2,3",
			"?instance=BETA&code=BETA", "?id=1&object=1&scorecard=1", "?token=" + f.embedToken, "?" + strings.Repeat("x=1&", 50)} {
			r := c.get("/embed/" + f.embedToken + q)
			if r.Status != http.StatusOK || r.Body != base.Body {
				t.Errorf("query %q changed the page (%d, %d bytes vs %d)", q, r.Status, len(r.Body), len(base.Body))
			}
		}
	})
}

// Each switch-off path answers 404 on the very next request, though the
// page was just rendered (and cached); on SQLite, PostgreSQL and Citus.
func TestEmbedSwitchOffOverHTTP(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		f := newFixtureIn(t, newEnv(t, db))
		admin := f.e.client()
		admin.setCookie(f.cookies["admin"])
		anon := f.e.client()
		measure := "/i/ACME/on/objects/" + itoa64(f.measure.ID) + "/embeds"
		live := func(what, token string, want bool) {
			t.Helper()
			r := anon.get("/embed/" + token)
			if got := r.Status == http.StatusOK; got != want {
				t.Errorf("%s: status %d, want live=%v", what, r.Status, want)
			}
			if !want && !strings.Contains(r.Body, `id="embed-not-found"`) {
				t.Errorf("%s: not the embed's not-found page", what)
			}
		}
		made := func(path string, kv ...string) string {
			t.Helper()
			r := admin.post(path, kv...)
			expect(t, "make a code", r, http.StatusOK, `id="embed-snippet"`, "&lt;iframe")
			return tokenIn(t, r)
		}
		// The panel: offered to the administrator, not to a Presenter.
		expect(t, "measure page", admin.get("/i/ACME/objects/"+itoa64(f.measure.ID)), http.StatusOK, `id="embed-panel"`)
		pres := f.e.client()
		pres.setCookie(f.cookies["presenter"])
		if r := pres.get("/i/ACME/objects/" + itoa64(f.measure.ID)); strings.Contains(r.Body, "embed-panel") {
			t.Error("a Presenter is offered the Embed panel")
		}

		// Revoked.
		live("fixture code", f.embedToken, true)
		r := admin.post("/i/ACME/embeds/" + itoa64(f.embedID) + "/revoke")
		if r.Status != http.StatusSeeOther {
			t.Fatalf("revoke: %d %s", r.Status, excerpt(r.Body))
		}
		live("revoked code", f.embedToken, false)

		// Regenerated: the old token stops, the new one shows.
		old := made(measure, "targets", "1", "periods", "6")
		live("new code", old, true)
		list := admin.get("/i/ACME/scorecards/" + itoa64(f.sc.ID) + "/embeds")
		expect(t, "codes list", list, http.StatusOK, "Measure: Readiness", "Revoked", "Made by")
		ids := regexp.MustCompile(`/embeds/(\d+)/regenerate`).FindAllStringSubmatch(list.Body, -1)
		if len(ids) != 1 {
			t.Fatalf("live codes in the list: %v", ids)
		}
		fresh := tokenIn(t, admin.post("/i/ACME/embeds/"+ids[0][1]+"/regenerate"))
		live("regenerated code's old token", old, false)
		live("regenerated code's new token", fresh, true)

		// Enable Embed off, and on again.
		sc := made("/i/ACME/on/scorecards/" + itoa64(f.sc.ID) + "/embeds")
		live("scorecard code", sc, true)
		mustSetEmbed(t, admin, f.sc.ID, false, "")
		live("measure code, embedding off", fresh, false)
		live("scorecard code, embedding off", sc, false)
		mustSetEmbed(t, admin, f.sc.ID, true, "")
		live("measure code, embedding on again", fresh, true)

		// Unlinked from the only enabled scorecard, and linked back.
		r = admin.post("/i/ACME/links/unlink", "scorecard", itoa64(f.sc.ID), "child", itoa64(f.result.ID))
		if r.Status != http.StatusSeeOther {
			t.Fatalf("unlink: %d %s", r.Status, excerpt(r.Body))
		}
		live("measure code, unlinked", fresh, false)
		live("scorecard code, result unlinked", sc, true)
		if r := admin.post("/i/ACME/links", "scorecard", itoa64(f.sc.ID), "child", itoa64(f.result.ID)); r.Status != http.StatusSeeOther {
			t.Fatalf("link: %d %s", r.Status, excerpt(r.Body))
		}
		live("measure code, linked again", fresh, true)

		// The measure deleted; then the scorecard.
		if r := admin.post("/i/ACME/objects/" + itoa64(f.measure.ID) + "/delete"); r.Status != http.StatusSeeOther {
			t.Fatalf("delete measure: %d", r.Status)
		}
		live("deleted measure's code", fresh, false)
		live("scorecard code", sc, true)
		if r := admin.post("/i/ACME/scorecards/" + itoa64(f.sc.ID) + "/delete"); r.Status != http.StatusSeeOther {
			t.Fatalf("delete scorecard: %d", r.Status)
		}
		live("deleted scorecard's code", sc, false)

	})
}
