package api_test

import (
	"net/http"

	"strconv"
	"strings"
	"testing"
	"yardstick/internal/access"
	"yardstick/internal/app"

	"yardstick/internal/testkit"
	"yardstick/internal/web"
)

// apiMatrix: every operation × every key persona (keyPersonas: admin,
// builder, dataentry, presenter, revoked, expired, other, none) → status.
// 2 is 200, 4 is 404, U is 401, F is 403, I is 422. A registered API route or an
// operation of the document missing here fails the test.
var apiMatrix = map[string]string{
	"GET /api/v1/i/{code}/instance":             "2222UU4U",
	"GET /api/v1/i/{code}/containers":           "2222UU4U",
	"GET /api/v1/i/{code}/containers/{id}":      "2244UU4U",
	"GET /api/v1/i/{code}/users":                "2FFFUU4U",
	"GET /api/v1/i/{code}/frequencies":          "2222UU4U",
	"GET /api/v1/i/{code}/object-types":         "2222UU4U",
	"GET /api/v1/i/{code}/scorecards":           "2222UU4U",
	"GET /api/v1/i/{code}/scorecards/{id}":      "2244UU4U",
	"GET /api/v1/i/{code}/measures":             "2222UU4U",
	"GET /api/v1/i/{code}/measures/{id}":        "2244UU4U",
	"GET /api/v1/i/{code}/measures/{id}/values": "2244UU4U",
	"POST /api/v1/i/{code}/values":              "22IFUU4U",
	"GET /api/v1/i/{code}/xref":                 "2FFFUU4U",

	// Writes of objects: a create is refused (403) to a key without
	// Add/Edit Scorecard Objects; an update, delete or unlink of an object
	// the key cannot see is a missing one (404), as for the reads; a link
	// asks for the permission first, as the pages' Link does.
	"POST /api/v1/i/{code}/scorecards":                             "22FFUU4U",
	"PATCH /api/v1/i/{code}/scorecards/{id}":                       "2244UU4U",
	"DELETE /api/v1/i/{code}/scorecards/{id}":                      "2244UU4U",
	"POST /api/v1/i/{code}/containers":                             "22FFUU4U",
	"PATCH /api/v1/i/{code}/containers/{id}":                       "2244UU4U",
	"DELETE /api/v1/i/{code}/containers/{id}":                      "2244UU4U",
	"POST /api/v1/i/{code}/measures":                               "22FFUU4U",
	"PATCH /api/v1/i/{code}/measures/{id}":                         "2244UU4U",
	"DELETE /api/v1/i/{code}/measures/{id}":                        "2244UU4U",
	"PUT /api/v1/i/{code}/scorecards/{id}/objects/{object_id}":     "22FFUU4U",
	"DELETE /api/v1/i/{code}/scorecards/{id}/objects/{object_id}":  "2244UU4U",
	"PUT /api/v1/i/{code}/containers/{id}/children/{object_id}":    "22FFUU4U",
	"DELETE /api/v1/i/{code}/containers/{id}/children/{object_id}": "2244UU4U",

	// Actions (on a scorecard the Data Entry and Presenter keys cannot
	// see, so theirs are missing, though they may edit actions), and the
	// note sections of a measure. Refusals of visible ones (403) are in
	// the contract tests, with a key that sees all and changes nothing.
	"GET /api/v1/i/{code}/actions":                                "2222UU4U",
	"POST /api/v1/i/{code}/actions":                               "2244UU4U",
	"GET /api/v1/i/{code}/actions/{action_id}":                    "2244UU4U",
	"PATCH /api/v1/i/{code}/actions/{action_id}":                  "2244UU4U",
	"DELETE /api/v1/i/{code}/actions/{action_id}":                 "2244UU4U",
	"GET /api/v1/i/{code}/actions/{action_id}/updates":            "2244UU4U",
	"POST /api/v1/i/{code}/actions/{action_id}/updates":           "2244UU4U",
	"GET /api/v1/i/{code}/actions/{action_id}/todos":              "2244UU4U",
	"POST /api/v1/i/{code}/actions/{action_id}/todos":             "2244UU4U",
	"PATCH /api/v1/i/{code}/actions/{action_id}/todos/{todo_id}":  "2244UU4U",
	"DELETE /api/v1/i/{code}/actions/{action_id}/todos/{todo_id}": "2244UU4U",
	"GET /api/v1/i/{code}/{on}/{id}/notes":                        "2244UU4U",
	"POST /api/v1/i/{code}/{on}/{id}/notes":                       "2244UU4U",
	"GET /api/v1/i/{code}/{on}/{id}/notes/{type_id}":              "2244UU4U",
	"PUT /api/v1/i/{code}/{on}/{id}/notes/{type_id}":              "2244UU4U",
	"DELETE /api/v1/i/{code}/{on}/{id}/notes/{type_id}":           "2244UU4U",
	"GET /api/v1/i/{code}/{on}/{id}/notes/{type_id}/versions":     "2244UU4U",
	"GET /api/v1/i/{code}/{on}/{id}/comments":                     "2244UU4U",
	"POST /api/v1/i/{code}/{on}/{id}/comments":                    "2244UU4U",
}

// assignedKeyMatrix is the matrix's column of one more persona,
// "assigned": a key with the Scorecard Builder's permissions assigned one
// scorecard of its own (not the one the rows act on), so it must meet
// every object the rows name as missing (404), as a member with that
// assignment does, also as the place of a create. Every row of apiMatrix
// needs one here.
var assignedKeyMatrix = map[string]string{
	"GET /api/v1/i/{code}/instance":             "2",
	"GET /api/v1/i/{code}/containers":           "2",
	"GET /api/v1/i/{code}/containers/{id}":      "4",
	"GET /api/v1/i/{code}/users":                "F",
	"GET /api/v1/i/{code}/frequencies":          "2",
	"GET /api/v1/i/{code}/object-types":         "2",
	"GET /api/v1/i/{code}/scorecards":           "2",
	"GET /api/v1/i/{code}/scorecards/{id}":      "4",
	"GET /api/v1/i/{code}/measures":             "2",
	"GET /api/v1/i/{code}/measures/{id}":        "4",
	"GET /api/v1/i/{code}/measures/{id}/values": "4",
	"POST /api/v1/i/{code}/values":              "I",
	"GET /api/v1/i/{code}/xref":                 "F",

	"POST /api/v1/i/{code}/scorecards":                             "2",
	"PATCH /api/v1/i/{code}/scorecards/{id}":                       "4",
	"DELETE /api/v1/i/{code}/scorecards/{id}":                      "4",
	"POST /api/v1/i/{code}/containers":                             "4",
	"PATCH /api/v1/i/{code}/containers/{id}":                       "4",
	"DELETE /api/v1/i/{code}/containers/{id}":                      "4",
	"POST /api/v1/i/{code}/measures":                               "4",
	"PATCH /api/v1/i/{code}/measures/{id}":                         "4",
	"DELETE /api/v1/i/{code}/measures/{id}":                        "4",
	"PUT /api/v1/i/{code}/scorecards/{id}/objects/{object_id}":     "4",
	"DELETE /api/v1/i/{code}/scorecards/{id}/objects/{object_id}":  "4",
	"PUT /api/v1/i/{code}/containers/{id}/children/{object_id}":    "4",
	"DELETE /api/v1/i/{code}/containers/{id}/children/{object_id}": "4",
	"GET /api/v1/i/{code}/actions":                                 "2",
	"POST /api/v1/i/{code}/actions":                                "4",
	"GET /api/v1/i/{code}/actions/{action_id}":                     "4",
	"PATCH /api/v1/i/{code}/actions/{action_id}":                   "4",
	"DELETE /api/v1/i/{code}/actions/{action_id}":                  "4",
	"GET /api/v1/i/{code}/actions/{action_id}/updates":             "4",
	"POST /api/v1/i/{code}/actions/{action_id}/updates":            "4",
	"GET /api/v1/i/{code}/actions/{action_id}/todos":               "4",
	"POST /api/v1/i/{code}/actions/{action_id}/todos":              "4",
	"PATCH /api/v1/i/{code}/actions/{action_id}/todos/{todo_id}":   "4",
	"DELETE /api/v1/i/{code}/actions/{action_id}/todos/{todo_id}":  "4",
	"GET /api/v1/i/{code}/{on}/{id}/notes":                         "4",
	"POST /api/v1/i/{code}/{on}/{id}/notes":                        "4",
	"GET /api/v1/i/{code}/{on}/{id}/notes/{type_id}":               "4",
	"PUT /api/v1/i/{code}/{on}/{id}/notes/{type_id}":               "4",
	"DELETE /api/v1/i/{code}/{on}/{id}/notes/{type_id}":            "4",
	"GET /api/v1/i/{code}/{on}/{id}/notes/{type_id}/versions":      "4",
	"GET /api/v1/i/{code}/{on}/{id}/comments":                      "4",
	"POST /api/v1/i/{code}/{on}/{id}/comments":                     "4",
}

// matrixWrite makes, for one persona's request of a write operation, what
// it acts on (fresh, so every persona meets the same state): the path, a
// body and headers.
func matrixWrite(t *testing.T, e *env, pattern string) (path, body string, header []string) {
	acme := func(p string, ids ...int64) string {
		r := strings.NewReplacer("{code}", "ACME", "{id}", id(ids[0]))
		if len(ids) > 1 {
			r = strings.NewReplacer("{code}", "ACME", "{id}", id(ids[0]), "{object_id}", id(ids[1]))
		}
		return r.Replace(p)
	}
	_, p, _ := strings.Cut(pattern, " ")
	onParent := app.Placement{ScorecardID: e.parent.ID}
	underResult := app.Placement{ParentID: e.result.ID}
	ifMatch := []string{"If-Match", `"1"`}
	switch pattern {
	case "POST /api/v1/i/{code}/scorecards":
		return acme(p, 0), `{"title":"Matrix"}`, nil
	case "PATCH /api/v1/i/{code}/scorecards/{id}":
		return acme(p, e.freshScorecard(t, "Matrix").ID), `{"title":"Matrix 2"}`, ifMatch
	case "DELETE /api/v1/i/{code}/scorecards/{id}":
		return acme(p, e.freshScorecard(t, "Matrix").ID), "", ifMatch
	case "POST /api/v1/i/{code}/containers":
		return acme(p, 0), `{"title":"Matrix","type_id":` + id(e.typeID["Result"]) + `,"scorecard_id":` + id(e.parent.ID) + `}`, nil
	case "PATCH /api/v1/i/{code}/containers/{id}":
		return acme(p, e.freshContainer(t, "Matrix", onParent).ID), `{"title":"Matrix 2"}`, ifMatch
	case "DELETE /api/v1/i/{code}/containers/{id}":
		return acme(p, e.freshContainer(t, "Matrix", onParent).ID), "", ifMatch
	case "POST /api/v1/i/{code}/measures":
		return acme(p, 0), `{"title":"Matrix","type_id":` + id(e.typeID["Indicator"]) + `,"frequency_id":` + id(e.freqID) + `,"parent_id":` + id(e.result.ID) + `}`, nil
	case "PATCH /api/v1/i/{code}/measures/{id}":
		return acme(p, e.freshMeasure(t, "Matrix", e.result.ID).ID), `{"title":"Matrix 2"}`, ifMatch
	case "DELETE /api/v1/i/{code}/measures/{id}":
		return acme(p, e.freshMeasure(t, "Matrix", e.result.ID).ID), "", ifMatch
	case "PUT /api/v1/i/{code}/scorecards/{id}/objects/{object_id}":
		return acme(p, e.child.ID, e.freshContainer(t, "Matrix", underResult).ID), "", nil
	case "DELETE /api/v1/i/{code}/scorecards/{id}/objects/{object_id}":
		return acme(p, e.parent.ID, e.freshContainer(t, "Matrix", onParent).ID), "", nil
	case "PUT /api/v1/i/{code}/containers/{id}/children/{object_id}":
		return acme(p, e.freshContainer(t, "Matrix", onParent).ID, e.freshMeasure(t, "Matrix", e.result.ID).ID), "", nil
	case "DELETE /api/v1/i/{code}/containers/{id}/children/{object_id}":
		return acme(p, e.result.ID, e.freshMeasure(t, "Matrix", e.result.ID).ID), "", nil
	}
	action := func(p string) string {
		x := e.freshAction(t, "Matrix", e.parent.ID)
		todo, err := e.app.AddTodo(ctx, e.admin, x.ID, app.TodoInput{Title: "Matrix"})
		if err != nil {
			t.Fatal(err)
		}
		return strings.NewReplacer("{code}", "ACME", "{action_id}", id(x.ID), "{todo_id}", id(todo.ID)).Replace(p)
	}
	note := func(p, typeName string) string {
		m := e.freshMeasure(t, "Matrix", e.result.ID)
		return strings.NewReplacer("{code}", "ACME", "{on}", "measures", "{id}", id(m.ID), "{type_id}", id(e.noteType[typeName])).Replace(p)
	}
	switch pattern {
	case "POST /api/v1/i/{code}/actions":
		return acme(p, 0), `{"title":"Matrix","scorecard_id":` + id(e.parent.ID) + `}`, nil
	case "PATCH /api/v1/i/{code}/actions/{action_id}":
		return action(p), `{"title":"Matrix 2"}`, ifMatch
	case "DELETE /api/v1/i/{code}/actions/{action_id}":
		return action(p), "", ifMatch
	case "POST /api/v1/i/{code}/actions/{action_id}/updates":
		return action(p), `{"body":"Matrix"}`, ifMatch
	case "POST /api/v1/i/{code}/actions/{action_id}/todos":
		return action(p), `{"title":"Matrix"}`, nil
	case "PATCH /api/v1/i/{code}/actions/{action_id}/todos/{todo_id}":
		return action(p), `{"done":true}`, nil
	case "DELETE /api/v1/i/{code}/actions/{action_id}/todos/{todo_id}":
		return action(p), "", nil
	case "POST /api/v1/i/{code}/{on}/{id}/notes":
		sc := e.freshScorecard(t, "Matrix")
		return strings.NewReplacer("{code}", "ACME", "{on}", "scorecards", "{id}", id(sc.ID)).Replace(p), `{"type_id":` + id(e.noteType["Partners"]) + `}`, nil
	case "PUT /api/v1/i/{code}/{on}/{id}/notes/{type_id}":
		return note(p, "Definition"), `{"body":"Matrix"}`, []string{"If-Match", `"0"`}
	case "DELETE /api/v1/i/{code}/{on}/{id}/notes/{type_id}":
		return note(p, "Definition"), "", nil
	case "POST /api/v1/i/{code}/{on}/{id}/comments":
		return note(p, ""), `{"body":"Matrix"}`, nil
	}
	t.Fatalf("no request for the matrix row %s", pattern)
	return "", "", nil
}

// apiPublic are the API transport's routes that take no key.
var apiPublic = map[string]int{
	"GET /api/v1/openapi.json": http.StatusOK,
	"/api/v1/":                 http.StatusNotFound,
}

func TestAPIAuthorizationMatrix(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db, unlimited)
		e.assignedKey(t, "assigned", access.PresetScorecardBuilder, e.freshScorecard(t, "Elsewhere").ID)
		personas := append(keyPersonas[:len(keyPersonas):len(keyPersonas)], "assigned")
		srv := web.New(e.app, web.Config{}, nil)
		registered := map[string]bool{}
		for _, rt := range srv.Routes() {
			if rt.Transport != "api" {
				continue
			}
			registered[rt.Pattern] = true
			if _, public := apiPublic[rt.Pattern]; public {
				if rt.Need != "public" {
					t.Errorf("%s needs %s, want public", rt.Pattern, rt.Need)
				}
				continue
			}
			if rt.Need != "key" {
				t.Errorf("%s needs %s, want key", rt.Pattern, rt.Need)
			}
			if _, ok := apiMatrix[rt.Pattern]; !ok {
				t.Errorf("API route %q is missing from the API matrix", rt.Pattern)
			}
		}
		for pattern := range apiMatrix {
			if !registered[pattern] {
				t.Errorf("API matrix row %q matches no registered route", pattern)
			}
			if len(assignedKeyMatrix[pattern]) != 1 {
				t.Errorf("API matrix row %q has no entry in assignedKeyMatrix", pattern)
			}
		}
		for pattern, want := range apiMatrix {
			want += assignedKeyMatrix[pattern]
			method, path, _ := strings.Cut(pattern, " ")
			if method != "GET" && !strings.HasSuffix(path, "/values") {
				for i, who := range personas {
					p, body, header := matrixWrite(t, e, pattern)
					r := e.send(method, p, who, body, header...)
					got := map[int]byte{200: '2', 201: '2', 204: '2', 401: 'U', 403: 'F', 404: '4', 422: 'I'}[r.Status]
					if got != want[i] {
						t.Errorf("%s %s as %s: %d (%c), want %c; body %.200s", method, p, who, r.Status, got, want[i], r.Body)
					}
				}
				continue
			}
			id := e.parent.ID
			if strings.Contains(path, "/measures/") {
				id = e.measures[0].ID
			}
			if strings.Contains(path, "/containers/") {
				id = e.result.ID
			}
			if strings.Contains(path, "{on}") {
				id = e.measures[0].ID
			}
			path = strings.NewReplacer("{code}", "ACME", "{id}", strconv.FormatInt(id, 10), "{on}", "measures",
				"{action_id}", strconv.FormatInt(e.action.ID, 10), "{todo_id}", strconv.FormatInt(e.todoID, 10),
				"{type_id}", strconv.FormatInt(e.noteType["Definition"], 10)).Replace(path)
			var body []byte
			if method == "POST" {
				// Writes what is stored: allowed ones change nothing, so every
				// persona meets the same data.
				body = e.sameValueBody()
			}
			for i, who := range personas {
				before := e.fingerprint()
				r := e.do(method, path, who, body, "Content-Type", "application/json")
				got := map[int]byte{200: '2', 401: 'U', 403: 'F', 404: '4', 422: 'I'}[r.Status]
				if after := e.fingerprint(); after != before {
					t.Errorf("%s %s as %s changed the data: %s → %s", method, path, who, before, after)
				}
				if got != want[i] {
					t.Errorf("%s %s as %s: %d (%c), want %c; body %.200s", method, path, who, r.Status, got, want[i], r.Body)
				}
				if r.Status == http.StatusUnauthorized && !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") {
					t.Errorf("%s %s as %s: 401 without WWW-Authenticate: Bearer", method, path, who)
				}
			}
		}
		for pattern, status := range apiPublic {
			path := pattern[strings.Index(pattern, "/"):]
			if path == "/api/v1/" {
				path = "/api/v1/nothing/here"
			}
			if r := e.do("GET", path, "none", nil); r.Status != status {
				t.Errorf("GET %s without a key: %d, want %d", path, r.Status, status)
			}
		}
	})
}

// TestAPIRefusesHostileRequests: credentials where they do not belong,
// malformed paths and oversized bodies get a clear 4xx problem document,
// never a 500 and never the data.
func TestAPIRefusesHostileRequests(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, db *testkit.DB) {
		e := newEnv(t, db, web.Config{})
		admin := e.keys["admin"]
		sc := "/api/v1/i/ACME/scorecards/"
		for _, tc := range []struct {
			name, method, path, who string
			body                    []byte
			header                  []string
			status                  int
			field                   string // a per-field error the problem must name
		}{
			{"key in the query", "GET", "/api/v1/i/ACME/instance?api_key=" + admin, "none", nil, nil, 401, ""},
			{"key in the query beside the header", "GET", "/api/v1/i/ACME/instance?x=" + admin, "admin", nil, nil, 401, ""},
			{"access_token parameter", "GET", "/api/v1/i/ACME/instance?access_token=abc", "admin", nil, nil, 401, ""},
			{"basic auth", "GET", "/api/v1/i/ACME/instance", "none", nil, []string{"Authorization", "Basic " + admin}, 401, ""},
			{"bearer without key", "GET", "/api/v1/i/ACME/instance", "none", nil, []string{"Authorization", "Bearer "}, 401, ""},
			{"garbage key", "GET", "/api/v1/i/ACME/instance", "none", nil, []string{"Authorization", "Bearer ys_1_" + strings.Repeat("A", 5000)}, 401, ""},
			{"NUL in key", "GET", "/api/v1/i/ACME/instance", "none", nil, []string{"Authorization", "Bearer ys_1_a%00b"}, 401, ""},
			{"session cookie only", "GET", "/api/v1/i/ACME/instance", "none", nil, []string{"Cookie", "ys_session=whatever"}, 401, ""},
			{"another instance's key", "GET", "/api/v1/i/ACME/instance", "other", nil, nil, 404, ""},
			{"this key on another instance", "GET", "/api/v1/i/BETA/instance", "admin", nil, nil, 404, ""},
			{"no such instance", "GET", "/api/v1/i/NOPE/instance", "admin", nil, nil, 404, ""},
			{"id not a number", "GET", sc + "abc", "admin", nil, nil, 400, "path.id"},
			{"id zero", "GET", sc + "0", "admin", nil, nil, 400, "path.id"},
			{"id too big", "GET", sc + "99999999999999999999999", "admin", nil, nil, 400, "path.id"},
			{"id negative", "GET", sc + "-1", "admin", nil, nil, 400, "path.id"},
			{"NUL in path", "GET", sc + "1%00", "admin", nil, nil, 400, ""},
			{"external id too long", "GET", sc + "ext:" + strings.Repeat("x", 101), "admin", nil, nil, 400, "path.id"},
			{"empty external id", "GET", sc + "ext:", "admin", nil, nil, 400, "path.id"},
			{"NUL in an external id", "GET", sc + "ext:a%00b", "admin", nil, nil, 400, ""},
			{"another instance's external id", "GET", sc + "ext:BETA-1", "admin", nil, nil, 404, ""},
			{"action id not a number", "GET", "/api/v1/i/ACME/actions/abc", "admin", nil, nil, 400, "path.action_id"},
			{"action id as an external id", "GET", "/api/v1/i/ACME/actions/ext:A-1", "admin", nil, nil, 400, "path.action_id"},
			{"another instance's action", "GET", "/api/v1/i/ACME/actions/" + id(e.betaAction.ID), "admin", nil, nil, 404, ""},
			{"another instance's action's to-dos", "GET", "/api/v1/i/ACME/actions/" + id(e.betaAction.ID) + "/todos", "admin", nil, nil, 404, ""},
			{"this key on another instance's action", "GET", "/api/v1/i/BETA/actions/" + id(e.betaAction.ID), "admin", nil, nil, 404, ""},
			{"notes of no kind of host", "GET", "/api/v1/i/ACME/users/1/notes", "admin", nil, nil, 400, "path.on"},
			{"notes of another instance's measure", "GET", "/api/v1/i/ACME/measures/" + id(e.betaMeasure.ID) + "/notes", "admin", nil, nil, 404, ""},
			{"note type not a number", "GET", "/api/v1/i/ACME/measures/" + id(e.measures[0].ID) + "/notes/x", "admin", nil, nil, 400, "path.type_id"},
			{"unknown operation", "GET", "/api/v1/i/ACME/nothing", "admin", nil, nil, 404, ""},
			{"wrong method", "DELETE", "/api/v1/i/ACME/instance", "admin", nil, nil, 404, ""},
			{"body over the limit", "GET", "/api/v1/i/ACME/instance", "admin", make([]byte, 2<<20), []string{"Content-Type", "application/json"}, 413, ""},
		} {
			r := e.do(tc.method, tc.path, tc.who, tc.body, tc.header...)
			if r.Status != tc.status {
				t.Errorf("%s: %d, want %d; body %.300s", tc.name, r.Status, tc.status, r.Body)
				continue
			}
			if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
				t.Errorf("%s: Content-Type %q, want application/problem+json", tc.name, r.Header.Get("Content-Type"))
				continue
			}
			var p problem
			r.json(t, &p)
			if p.Status != tc.status || p.Title == "" || p.Detail == "" {
				t.Errorf("%s: problem %+v", tc.name, p)
			}
			if strings.Contains(string(r.Body), "Acme Community") || strings.Contains(string(r.Body), admin) {
				t.Errorf("%s: the refusal shows data or the key: %s", tc.name, r.Body)
			}
			if tc.field != "" {
				found := false
				for _, f := range p.Errors {
					found = found || f.Field == tc.field
				}
				if !found {
					t.Errorf("%s: errors %+v do not name %s", tc.name, p.Errors, tc.field)
				}
			}
		}
	})
}
