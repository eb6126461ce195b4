package web_test

import (
	"html"
	"net/http"
	"strings"
	"testing"

	"yardstick/internal/api"
	"yardstick/internal/testkit"
)

// TestAPIDocsPage: /api/v1/docs (issue 16 point 5) is public, a page of
// the pages' transport (their CSP: no inline script or style), not cached
// (like /api/v1/openapi.json), and shows every operation of the document
// with its method and path, the authentication and a link to the document.
func TestAPIDocsPage(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db)
		c := e.client()
		r := c.get("/api/v1/docs")
		expect(t, "docs", r, http.StatusOK, "Authorization: Bearer ys_", `href="/api/v1/openapi.json"`, `id="toc-title"`)
		if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control %q, want no-store like the document", cc)
		}
		if doc := c.get("/api/v1/openapi.json"); doc.Header.Get("Cache-Control") != r.Header.Get("Cache-Control") {
			t.Errorf("the page's Cache-Control %q differs from the document's %q", r.Header.Get("Cache-Control"), doc.Header.Get("Cache-Control"))
		}
		if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("CSP %q: want the pages' policy", csp)
		}
		body := html.UnescapeString(r.Body)
		doc, err := api.Document()
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for path, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				n++
				if !strings.Contains(body, `data-operation="`+op.OperationID+`"`) {
					t.Errorf("operation %s (%s %s) is not on the page", op.OperationID, method, path)
				}
				if !strings.Contains(body, `<span class="api-method">`+method+`</span> <code>`+api.BasePath+path+`</code>`) {
					t.Errorf("%s %s is not on the page with its method and path", method, path)
				}
				if op.Summary != "" && !strings.Contains(body, op.Summary) {
					t.Errorf("the summary of %s is not on the page: %q", op.OperationID, op.Summary)
				}
			}
		}
		if n == 0 {
			t.Fatal("the document has no operations")
		}
	})
}
