package web_test

import (
	"net/http"
	"strings"
	"testing"

	"yardstick/internal/testkit"
)

// An address no route has, or a method a route does not answer, gets the
// app's page in its layout (language, title, a way back), not the
// standard library's plain text.
func TestUnmatchedRequestsGetTheAppsPage(t *testing.T) {
	e := newEnv(t, testkit.NewSQLite(t))
	c := e.client()
	for _, tc := range []struct {
		method, path string
		status       int
		want         string
	}{
		{"GET", "/no/such/page", http.StatusNotFound, "Not found"},
		{"GET", "/i/ACME/nothing-here", http.StatusNotFound, "Not found"},
		{"PUT", "/login", http.StatusMethodNotAllowed, "Not available this way"},
	} {
		r := c.do(tc.method, tc.path, nil)
		expect(t, tc.method+" "+tc.path, r, tc.status, `<html lang="en"`, "<title>", tc.want, `href="/"`)
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Errorf("%s %s: Content-Type %q, want text/html", tc.method, tc.path, ct)
		}
		if tc.status == http.StatusMethodNotAllowed && !strings.Contains(r.Header.Get("Allow"), "POST") {
			t.Errorf("%s %s: Allow %q, want the methods the route answers", tc.method, tc.path, r.Header.Get("Allow"))
		}
	}
	// The mux's own redirects (a missing trailing slash) pass as they were.
	if r := c.get("/i/ACME"); r.Status/100 != 3 || r.Location != "/i/ACME/" {
		t.Errorf("/i/ACME: status %d to %q, want the mux's redirect to /i/ACME/", r.Status, r.Location)
	}
}
