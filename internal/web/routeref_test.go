package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/testkit"
)

// Defect 7 (the log's part): a refused write is stored as its route
// pattern and the path's ids, never the path as sent: a path with a
// newline and a forged entry stores neither. The server log says the same.
func TestRefusalStoresRouteNotPath(t *testing.T) {
	testkit.EachDBParallel(t, func(t *testing.T, db *testkit.DB) {
		e, text, js, _ := newLoggedEnv(t, db)
		in := e.instance("ACME", "Acme")
		_, ada := e.member(in, "ada@example.org", access.PresetAdministration)
		e.member(in, "pat@example.org", access.PresetPresenter)
		pat := e.client()
		pat.login("pat@example.org", testkit.Password)

		const forged = "2026-12-04 09:00 Boss Admin Signed in"
		id := strconv.FormatInt(ada.ID, 10)
		for _, tc := range []struct{ path, want string }{
			{"/i/ACME/admin/users/" + id + "/deactivate", "POST /i/{code}/admin/users/{id}/deactivate (id " + id + ")"},
			{"/i/acme/admin/users/1%0a" + strings.ReplaceAll(forged, " ", "%20") + "/deactivate", "POST /i/{code}/admin/users/{id}/deactivate (id not a number)"},
			{"/i/ACME/admin/users/%E2%80%AE12/reset", "POST /i/{code}/admin/users/{id}/reset (id not a number)"},
			{"/i/ACME/admin/users/012/reactivate", "POST /i/{code}/admin/users/{id}/reactivate (id not a number)"},
			{"/i/ACME/admin/users", "POST /i/{code}/admin/users"},
		} {
			expect(t, tc.path, pat.post(tc.path), http.StatusForbidden)
			log := activities(t, e, in)
			last := log[len(log)-1]
			if last.Activity != "refused" || last.ObjectName != tc.want {
				t.Errorf("%s: stored %s %q, want refused %q", tc.path, last.Activity, last.ObjectName, tc.want)
			}
		}
		for _, a := range activities(t, e, in) {
			if strings.ContainsAny(a.ObjectName, "\n\u202e") || strings.Contains(a.ObjectName, "Boss") {
				t.Errorf("the log stores %q", a.ObjectName)
			}
		}
		for where, log := range map[string]string{"text": text.String(), "JSON": js.String()} {
			if strings.Contains(log, "Boss") || strings.Contains(log, "%0a") {
				t.Errorf("the %s log holds the forged path", where)
			}
		}
		if !strings.Contains(text.String(), `pattern="POST /i/{code}/admin/users/{id}/deactivate" ids.code=acme ids.id=invalid status=403`) {
			t.Errorf("the text log lacks the refusal by route and ids:\n%s", text.String())
		}
		if !strings.Contains(js.String(), `"pattern":"POST /i/{code}/admin/users/{id}/deactivate","ids":{"code":"ACME","id":`+id+`},"status":403`) {
			t.Errorf("the JSON log lacks the refusal by route and ids")
		}
	})
}
