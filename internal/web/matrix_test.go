package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/password"
)

// The personas of the authorization matrix, in the order of each row's
// expectation string. Denied personas run first and the permitted last,
// so a permitted write (a delete) cannot hide a wrongly permitted one.
var personas = []string{"anon", "other", "inactive", "presenter", "dataentry", "builder", "custom", "admin"}

// Expectations: A allowed (any answer but 401/403/404 or a redirect to
// sign-in), F forbidden (403), N not found (404), L sent to sign in.
var matrix = map[string]string{
	"GET /healthz":         "AAAAAAAA",
	"GET /readyz":          "AAAAAAAA",
	"GET /metrics":         "AAAAAAAA",
	"GET /static/":         "NNNNNNNN",
	"GET /{$}":             "LAAAAAAA",
	"GET /setup":           "NNNNNNNN",
	"POST /setup":          "NNNNNNNN",
	"GET /login":           "AAAAAAAA",
	"POST /login":          "AAAAAAAA",
	"POST /logout":         "LLLLLLLL",
	"GET /forgot":          "AAAAAAAA",
	"POST /forgot":         "AAAAAAAA",
	"GET /reset/{token}":   "NNNNNNNN",
	"POST /reset/{token}":  "NNNNNNNN",
	"GET /signin/{token}":  "NNNNNNNN",
	"POST /signin/{token}": "NNNNNNNN",

	"GET /account/password":  "LAAAAAAA",
	"POST /account/password": "LAAAAAAA",
	"GET /instances":         "LAAAAAAA",
	"GET /account":           "LAAAAAAA",
	"POST /account":          "LAAAAAAA",

	"GET /i/{code}/{$}":                     "LNNAAAAA",
	"GET /i/{code}/preferences":             "LNNAAAAA",
	"POST /i/{code}/preferences":            "LNNAAAAA",
	"GET /i/{code}/scorecards":              "LNNAAAAA",
	"GET /i/{code}/scorecards/new":          "LNNFFAFA",
	"POST /i/{code}/scorecards":             "LNNFFAFA",
	"GET /i/{code}/scorecards/{id}":         "LNNAAAAA",
	"GET /i/{code}/scorecards/{id}/edit":    "LNNFFAFA",
	"POST /i/{code}/scorecards/{id}":        "LNNFFAFA",
	"POST /i/{code}/scorecards/{id}/delete": "LNNFFAFA",
	"GET /i/{code}/objects":                 "LNNAAAAA",
	"GET /i/{code}/objects/new":             "LNNFFAFA",
	"POST /i/{code}/objects":                "LNNFFAFA",
	"GET /i/{code}/objects/{id}":            "LNNAAAAA",
	"GET /i/{code}/objects/{id}/edit":       "LNNFFAFA",
	"POST /i/{code}/objects/{id}":           "LNNFFAFA",
	"POST /i/{code}/objects/{id}/delete":    "LNNFFAFA",
	"POST /i/{code}/objects/{id}/data":      "LNNFAAAA",
	"POST /i/{code}/objects/{id}/paste":     "LNNFAAAA",
	"POST /i/{code}/objects/{id}/baseline":  "LNNFFAFA",
	"POST /i/{code}/objects/{id}/graph":     "LNNFFAFA",
	"POST /i/{code}/objects/{id}/star":      "LNNAAAAA",
	"POST /i/{code}/links":                  "LNNFFAFA",
	"POST /i/{code}/links/unlink":           "LNNFFAFA",
	"POST /i/{code}/links/move":             "LNNFFAFA",

	"GET /i/{code}/admin/users":                   "LNNFFFAA",
	"GET /i/{code}/admin/users/new":               "LNNFFFAA",
	"POST /i/{code}/admin/users":                  "LNNFFFAA",
	"POST /i/{code}/admin/users/existing":         "LNNFFFAA",
	"GET /i/{code}/admin/users/{id}":              "LNNFFFAA",
	"POST /i/{code}/admin/users/{id}":             "LNNFFFAA",
	"POST /i/{code}/admin/users/{id}/deactivate":  "LNNFFFAA",
	"POST /i/{code}/admin/users/{id}/reactivate":  "LNNFFFAA",
	"POST /i/{code}/admin/users/{id}/reset":       "LNNFFFAA",
	"GET /i/{code}/admin/billing":                 "LNNFFFFA",
	"GET /i/{code}/admin/activity":                "LNNFFFFA",
	"GET /i/{code}/admin/activity.xlsx":           "LNNFFFFA",
	"GET /i/{code}/admin/activity.pdf":            "LNNFFFFA",
	"GET /i/{code}/admin/import":                  "LNNFFFFA",
	"GET /i/{code}/admin/import/template.csv":     "LNNFFFFA",
	"POST /i/{code}/admin/import":                 "LNNFFFFA",
	"GET /i/{code}/admin/import/{id}":             "LNNFFFFN",
	"POST /i/{code}/admin/import/{id}/run":        "LNNFFFFN",
	"GET /i/{code}/admin/import/{id}/results.csv": "LNNFFFFN",

	"GET /i/{code}/admin/types":                    "LNNFFFFA",
	"POST /i/{code}/admin/types":                   "LNNFFFFA",
	"POST /i/{code}/admin/types/{id}":              "LNNFFFFA",
	"POST /i/{code}/admin/types/{id}/delete":       "LNNFFFFA",
	"GET /i/{code}/admin/frequencies":              "LNNFFFFA",
	"POST /i/{code}/admin/frequencies":             "LNNFFFFA",
	"POST /i/{code}/admin/frequencies/{id}/delete": "LNNFFFFA",
	"GET /i/{code}/admin/bands":                    "LNNFFFFA",
	"POST /i/{code}/admin/bands":                   "LNNFFFFA",
}

// fixture is the content every matrix row acts on.
type fixture struct {
	e                          *env
	scorecard, result, measure model.Object
	sc                         model.Scorecard
	typeID, freqID, spareID    int64
	periodKey                  string
	cookies                    map[string]string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	e := newSQLiteEnv(t)
	in := e.instance("ACME", "Acme")
	beta := e.instance("BETA", "Beta")
	f := &fixture{e: e, cookies: map[string]string{}}
	adminAcct, _ := e.member(in, "admin@example.org", access.PresetAdministration)
	admin, err := e.app.ActorFor(ctx, app.Session{Account: adminAcct}, "ACME", app.Client{})
	if err != nil {
		t.Fatal(err)
	}
	f.sc, err = e.app.CreateScorecard(ctx, admin, app.ScorecardInput{Title: "Community"})
	if err != nil {
		t.Fatal(err)
	}
	types, _ := e.app.Types(ctx, admin, "")
	freqs, _ := e.app.Frequencies(ctx, admin)
	var resultT, indicatorT int64
	for _, ty := range types {
		switch ty.Name {
		case "Result":
			resultT = ty.ID
		case "Indicator":
			indicatorT = ty.ID
		}
	}
	f.result, err = e.app.CreateObject(ctx, admin, app.ObjectInput{Kind: model.KindContainer, TypeID: resultT, Title: "Ready"}, app.Placement{ScorecardID: f.sc.ID})
	if err != nil {
		t.Fatal(err)
	}
	f.measure, err = e.app.CreateObject(ctx, admin, app.ObjectInput{Kind: model.KindMeasure, TypeID: indicatorT, Title: "Readiness",
		Decimals: "0", Polarity: "higher", FrequencyID: freqs[1].ID}, app.Placement{ParentID: f.result.ID})
	if err != nil {
		t.Fatal(err)
	}
	f.periodKey = app.FrequencyOf(freqs[1]).Key(app.FrequencyOf(freqs[1]).At(e.db.Clock.Now()))
	ty, err := e.app.CreateType(ctx, admin, app.TypeInput{Kind: model.KindContainer, Name: "Goal", Plural: "Goals", Color: "#123456", Badge: "G"})
	if err != nil {
		t.Fatal(err)
	}
	f.typeID = ty.ID
	fr, err := e.app.CreateFrequency(ctx, admin, app.FrequencyInput{Title: "Weekly", PeriodsPerYear: "52", StartMonth: "1", StartDay: "1", LabelPrefix: "W"})
	if err != nil {
		t.Fatal(err)
	}
	f.freqID = fr.ID
	_, spare := e.member(in, "spare@example.org", access.PresetPresenter)
	f.spareID = spare.ID

	custom := access.MustPreset(access.PresetPresenter)
	custom[access.UsersManage], custom[access.DataEnter] = true, true
	members := map[string]string{"presenter": access.PresetPresenter, "dataentry": access.PresetDataEntry,
		"builder": access.PresetScorecardBuilder, "custom": "", "inactive": access.PresetAdministration}
	for name, preset := range members {
		acct, m := e.member(in, name+"@example.org", preset)
		if name == "custom" {
			setPerms(t, e, m.ID, custom)
		}
		if name == "presenter" || name == "dataentry" || name == "custom" {
			if err := e.store.Q().SetMembershipScorecards(ctx, in.ID, m.ID, []int64{f.sc.ID}); err != nil {
				t.Fatal(err)
			}
		}
		if name == "inactive" {
			if _, err := e.store.DB().Exec(`UPDATE memberships SET active = FALSE WHERE id = $1`, m.ID); err != nil {
				t.Fatal(err)
			}
		}
		f.cookies[name] = f.session(t, acct.ID)
	}
	f.cookies["admin"] = f.session(t, adminAcct.ID)
	otherAcct, _ := e.member(beta, "other@example.org", access.PresetAdministration)
	f.cookies["other"] = f.session(t, otherAcct.ID)
	return f
}

// session signs an account in without the (deliberately slow) password
// check, by writing a session the way the app does.
func (f *fixture) session(t *testing.T, accountID int64) string {
	t.Helper()
	token := password.Token()
	if err := f.e.store.Q().CreateSession(ctx, model.Session{IDHash: password.HashSecret(token), AccountID: accountID}); err != nil {
		t.Fatal(err)
	}
	return token
}

// request turns a pattern into a concrete request with a plausible form.
func (f *fixture) request(pattern string) (method, path string, form url.Values) {
	method, path, _ = strings.Cut(pattern, " ")
	path = strings.ReplaceAll(path, "{$}", "")
	id := func(v int64) string { return strconv.FormatInt(v, 10) }
	replace := map[string]string{"{code}": "ACME", "{token}": "not-a-token"}
	switch {
	case strings.Contains(path, "/scorecards/{id}"):
		replace["{id}"] = id(f.sc.ID)
	case strings.Contains(path, "/objects/{id}"):
		replace["{id}"] = id(f.measure.ID)
	case strings.Contains(path, "/admin/types/{id}"):
		replace["{id}"] = id(f.typeID)
	case strings.Contains(path, "/admin/frequencies/{id}"):
		replace["{id}"] = id(f.freqID)
	case strings.Contains(path, "/admin/users/{id}"):
		replace["{id}"] = id(f.spareID)
	}
	for k, v := range replace {
		path = strings.ReplaceAll(path, k, v)
	}
	if path == "/static/" {
		path = "/static/nope/app.css"
	}
	form = url.Values{
		"title": {"Matrix"}, "version": {"1"}, "kind": {"container"}, "scorecard": {id(f.sc.ID)}, "child": {id(f.result.ID)},
		"key": {f.periodKey}, "actual": {"5"}, "start": {f.periodKey}, "column": {"actual"}, "paste": {"5"},
		"graph_type": {"bar"}, "graph_periods": {"4"}, "on": {"1"}, "email": {"new@example.org"}, "first_name": {"New"},
		"last_name": {"Person"}, "name": {"Matrix"}, "time_zone": {"UTC"}, "password": {"x"},
	}
	return method, path, form
}

func TestAuthorizationMatrix(t *testing.T) {
	probe := newSQLiteEnv(t)
	registered := map[string]bool{}
	for _, rt := range probe.web.Routes() {
		registered[rt.Pattern] = true
		if _, ok := matrix[rt.Pattern]; !ok {
			t.Errorf("route %q is missing from the authorization matrix", rt.Pattern)
		}
	}
	for pattern := range matrix {
		if !registered[pattern] {
			t.Errorf("matrix row %q matches no registered route", pattern)
		}
	}
	for pattern, want := range matrix {
		if !registered[pattern] {
			continue
		}
		t.Run(pattern, func(t *testing.T) {
			f := newFixture(t)
			for i, who := range personas {
				method, path, form := f.request(pattern)
				c := f.e.client()
				if token := f.cookies[who]; token != "" {
					c.setCookie(token)
				}
				before := fingerprint(t, f.e)
				var r resp
				if method == "GET" {
					r = c.get(path)
				} else {
					r = c.do(method, path, form)
				}
				got := classify(r)
				if got != want[i] {
					t.Errorf("%s %s as %s: got %c (status %d → %q), want %c", method, path, who, got, r.Status, r.Location, want[i])
				}
				if method == "POST" && want[i] != 'A' && pattern != "POST /logout" && pattern != "POST /login" {
					if after := fingerprint(t, f.e); after != before {
						t.Errorf("%s %s as %s was refused but changed the database:\n%s\n%s", method, path, who, before, after)
					}
				}
				if method == "POST" && want[i] == 'A' {
					// A permitted write (a delete, a deactivation) must not
					// decide what the next persona meets.
					f = newFixture(t)
				}
			}
		})
	}
}

func classify(r resp) byte {
	switch {
	case r.Status == http.StatusForbidden:
		return 'F'
	case r.Status == http.StatusNotFound:
		return 'N'
	case r.Status == http.StatusUnauthorized:
		return 'U'
	case r.Status == http.StatusSeeOther && strings.HasPrefix(r.Location, "/login"):
		return 'L'
	case r.Status >= 500:
		return 'E'
	}
	return 'A'
}

// fingerprint summarizes every table a refused write could touch.
func fingerprint(t *testing.T, e *env) string {
	t.Helper()
	var out []string
	for _, q := range []string{
		`SELECT COUNT(*) || ':' || COALESCE(SUM(version), 0) FROM scorecards`,
		`SELECT COUNT(*) || ':' || COALESCE(SUM(version), 0) FROM objects`,
		`SELECT COUNT(*) || ':' || COALESCE(SUM(version), 0) FROM data_values`,
		`SELECT COUNT(*) FROM object_links`, `SELECT COUNT(*) FROM scorecard_links`, `SELECT COUNT(*) FROM scorecard_objects`,
		`SELECT COUNT(*) || ':' || COALESCE(SUM(version), 0) FROM memberships`,
		`SELECT COUNT(*) FROM membership_scorecards`, `SELECT COUNT(*) FROM favorites`,
		`SELECT COUNT(*) || ':' || COALESCE(MAX(name), '') FROM object_types`, `SELECT COUNT(*) FROM frequencies`,
		`SELECT COUNT(*) || ':' || COALESCE(SUM(green + yellow), 0) FROM color_bands`,
		`SELECT COUNT(*) || ':' || COALESCE(MAX(updated_at), '') FROM accounts`, `SELECT COUNT(*) FROM outbox`,
		`SELECT COUNT(*) FROM instances`,
	} {
		var v string
		if err := e.store.DB().QueryRow(q).Scan(&v); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		out = append(out, v)
	}
	return strings.Join(out, " ")
}
