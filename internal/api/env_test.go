package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"yardstick/internal/access"
	"yardstick/internal/api"
	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/testkit"
	"yardstick/internal/web"
)

var ctx = context.Background()

// env is a running Yardstick (real store, app and HTTP stack) with ACME,
// its content, and API keys of ACME for each persona, plus BETA's.
type env struct {
	t     *testing.T
	db    *testkit.DB
	app   *app.App
	srv   *httptest.Server
	doc   *openapi3.T
	ops   *http.ServeMux // operation patterns, to find a response's operation
	route map[string]*routers.Route

	acme, beta    model.Instance
	admin         *app.Actor
	parent, child model.Scorecard
	result        model.Object      // a container on parent
	measures      []model.Object    // under result: "Alpha rate", "Beta count" (tagged "youth"), "Gamma share"
	periods       []string          // three consecutive periods of measures[0], oldest first, with values 10, 20, 30
	keys          map[string]string // persona → key; also "viewer": All Scorecards and nothing else (sees all, changes nothing)
	validatedOps  map[string]bool   // operations whose responses were validated, by id
	mu            sync.Mutex        // guards validatedOps: the concurrency tests send requests at once
	typeID        map[string]int64  // object type ids by name ("Result", "Indicator", …)
	freqID        int64             // the measures' reporting frequency
	betaAdmin     *app.Actor
	betaSC        model.Scorecard  // BETA's: another instance's ids for the hostile tests
	betaResult    model.Object     // on betaSC
	betaMeasure   model.Object     // under betaResult
	action        model.Action     // "Fix the data", linked to parent, with one to-do and one status update
	todoID        int64            // the action's to-do
	noteType      map[string]int64 // note type ids by name ("Definition": on containers and measures by default)
	betaAction    model.Action     // BETA's
}

// keyPersonas are the API matrix's personas, in the order of its
// expectation strings: each preset as a key, a revoked and an expired key
// of ACME, BETA's key on ACME's paths, no key.
var keyPersonas = []string{"admin", "builder", "dataentry", "presenter", "revoked", "expired", "other", "none"}

func newEnv(t *testing.T, db *testkit.DB, cfg web.Config) *env {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	e := &env{t: t, db: db, keys: map[string]string{}, validatedOps: map[string]bool{}, route: map[string]*routers.Route{}}
	e.app = app.New(db.Store, app.Config{BaseURL: "http://yardstick.test", SessionIdle: 120 * time.Minute}, log, nil)
	cfg.BaseURL, cfg.QuietRequests = "http://yardstick.test", true
	e.srv = httptest.NewServer(web.New(e.app, cfg, log))
	t.Cleanup(e.srv.Close)
	doc, err := api.Document()
	if err != nil {
		t.Fatal(err)
	}
	e.doc, e.ops = doc, http.NewServeMux()
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			pattern := method + " " + api.BasePath + path
			e.ops.HandleFunc(pattern, func(http.ResponseWriter, *http.Request) {})
			e.route[pattern] = &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: op}
		}
	}

	e.acme = testkit.MustCreateInstance(t, db.Store, "ACME", "Acme Community")
	e.beta = testkit.MustCreateInstance(t, db.Store, "BETA", "Beta")
	acct, _ := testkit.MustCreateMember(t, db.Store, e.acme, "admin@example.org", access.PresetAdministration)
	e.admin = e.actor(acct, "ACME")
	betaAcct, _ := testkit.MustCreateMember(t, db.Store, e.beta, "boss@example.org", access.PresetAdministration)
	if e.parent, err = e.app.CreateScorecard(ctx, e.admin, app.ScorecardInput{Title: "Community"}); err != nil {
		t.Fatal(err)
	}
	if e.child, err = e.app.CreateScorecard(ctx, e.admin, app.ScorecardInput{Title: "Youth", ParentID: e.parent.ID}); err != nil {
		t.Fatal(err)
	}
	types, err := e.app.Types(ctx, e.admin, "")
	if err != nil {
		t.Fatal(err)
	}
	typeID := map[string]int64{}
	for _, ty := range types {
		typeID[ty.Name] = ty.ID
	}
	e.typeID, e.freqID = typeID, 0
	freqs, err := e.app.Frequencies(ctx, e.admin)
	if err != nil {
		t.Fatal(err)
	}
	if e.result, err = e.app.CreateObject(ctx, e.admin, app.ObjectInput{Kind: model.KindContainer, TypeID: typeID["Result"], Title: "Ready"},
		app.Placement{ScorecardID: e.parent.ID}); err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct{ title, tags string }{{"Alpha rate", ""}, {"Beta count", "youth"}, {"Gamma share", ""}} {
		o, err := e.app.CreateObject(ctx, e.admin, app.ObjectInput{Kind: model.KindMeasure, TypeID: typeID["Indicator"], Title: m.title,
			Tags: m.tags, Decimals: "0", Polarity: "higher", FrequencyID: freqs[1].ID}, app.Placement{ParentID: e.result.ID})
		if err != nil {
			t.Fatal(err)
		}
		e.measures = append(e.measures, o)
	}
	e.freqID = freqs[1].ID
	pf := app.FrequencyOf(freqs[1])
	now := pf.At(db.Clock.Now())
	var entries []app.DataEntry
	for i, p := range []int{-2, -1, 0} {
		key := pf.Key(pf.Add(now, p))
		e.periods = append(e.periods, key)
		entries = append(entries, app.DataEntry{PeriodKey: key, Actual: strconv.Itoa(10 * (i + 1)), Comment: "c" + strconv.Itoa(i)})
	}
	if _, err := e.app.SaveData(ctx, e.admin, e.measures[0].ID, entries); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct{ name, preset string }{{"admin", access.PresetAdministration}, {"builder", access.PresetScorecardBuilder},
		{"dataentry", access.PresetDataEntry}, {"presenter", access.PresetPresenter}, {"revoked", access.PresetAdministration},
		{"expired", access.PresetAdministration}} {
		expires := ""
		if p.name == "expired" {
			expires = testkit.Epoch.Format("2006-01-02")
		}
		nk, err := e.app.CreateAPIKey(ctx, e.admin, app.APIKeyInput{Name: p.name, Permissions: access.MustPreset(p.preset).Keys(), Expires: expires})
		if err != nil {
			t.Fatal(err)
		}
		e.keys[p.name] = nk.Secret
		if p.name == "revoked" {
			if err := e.app.RevokeAPIKey(ctx, e.admin, nk.Key.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	viewer, err := e.app.CreateAPIKey(ctx, e.admin, app.APIKeyInput{Name: "viewer", Permissions: []string{string(access.ScorecardsAll)}})
	if err != nil {
		t.Fatal(err)
	}
	e.keys["viewer"] = viewer.Secret
	beta := e.actor(betaAcct, "BETA")
	e.betaAdmin = beta
	nk, err := e.app.CreateAPIKey(ctx, beta, app.APIKeyInput{Name: "beta", Permissions: access.MustPreset(access.PresetAdministration).Keys()})
	if err != nil {
		t.Fatal(err)
	}
	e.keys["other"] = nk.Secret
	if e.betaSC, err = e.app.CreateScorecard(ctx, beta, app.ScorecardInput{Title: "Beta card", ExtID: "BETA-1"}); err != nil {
		t.Fatal(err)
	}
	betaTypes, err := e.app.Types(ctx, beta, "")
	if err != nil {
		t.Fatal(err)
	}
	betaType := map[string]int64{}
	for _, ty := range betaTypes {
		betaType[ty.Name] = ty.ID
	}
	betaFreqs, err := e.app.Frequencies(ctx, beta)
	if err != nil {
		t.Fatal(err)
	}
	if e.betaResult, err = e.app.CreateObject(ctx, beta, app.ObjectInput{Kind: model.KindContainer, TypeID: betaType["Result"], Title: "Beta result"},
		app.Placement{ScorecardID: e.betaSC.ID}); err != nil {
		t.Fatal(err)
	}
	if e.betaMeasure, err = e.app.CreateObject(ctx, beta, app.ObjectInput{Kind: model.KindMeasure, TypeID: betaType["Indicator"], Title: "Beta measure",
		Decimals: "0", Polarity: "higher", FrequencyID: betaFreqs[1].ID}, app.Placement{ParentID: e.betaResult.ID}); err != nil {
		t.Fatal(err)
	}
	if e.action, err = e.app.CreateAction(ctx, e.admin, app.ActionInput{Title: "Fix the data", Status: "On Track", StartDate: "2026-01-01",
		EndDate: "2026-06-30", Tags: "data"}, app.OnScorecard, e.parent.ID); err != nil {
		t.Fatal(err)
	}
	todo, err := e.app.AddTodo(ctx, e.admin, e.action.ID, app.TodoInput{Title: "Call the school"})
	if err != nil {
		t.Fatal(err)
	}
	e.todoID = todo.ID
	if err := e.app.AddActionUpdate(ctx, e.admin, e.action.ID, e.action.Version, "Started", "On Track", "10"); err != nil {
		t.Fatal(err)
	}
	av, err := e.app.Action(ctx, e.admin, e.action.ID)
	if err != nil {
		t.Fatal(err)
	}
	e.action = av.Action
	noteTypes, err := e.app.NoteTypes(ctx, e.admin)
	if err != nil {
		t.Fatal(err)
	}
	e.noteType = map[string]int64{}
	for _, nt := range noteTypes {
		e.noteType[nt.Name] = nt.ID
	}
	if e.betaAction, err = e.app.CreateAction(ctx, beta, app.ActionInput{Title: "Beta action"}, app.OnScorecard, e.betaSC.ID); err != nil {
		t.Fatal(err)
	}
	db.Clock.Advance(48 * time.Hour) // past the expired key's last day
	return e
}

func (e *env) actor(acct model.Account, code string) *app.Actor {
	e.t.Helper()
	a, err := e.app.ActorFor(ctx, app.Session{Account: acct}, code, app.Client{})
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// resp is what a test looks at.
type resp struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r resp) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("body is not JSON: %v: %.300s", err, r.Body)
	}
}

// problem is the body of an error answer.
type problem struct {
	Type, Title, Detail string
	Status              int
	Errors              []struct{ Field, Message string }
}

// do sends a request with the key of who (none: no Authorization) and, when
// the path is an operation of the document, validates the response against
// it (kin-openapi): status, headers, content type and body schema.
func (e *env) do(method, path, who string, body []byte, header ...string) resp {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if key := e.keys[who]; key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	r := resp{Status: res.StatusCode, Header: res.Header, Body: b}
	e.validate(req, r)
	return r
}

// validate checks an answer of an operation against the document.
func (e *env) validate(req *http.Request, r resp) {
	e.t.Helper()
	probe := req.Clone(ctx)
	probe.URL.RawQuery = req.URL.RawQuery
	_, pattern := e.ops.Handler(probe)
	route := e.route[pattern]
	if route == nil {
		return
	}
	params := map[string]string{}
	// The pattern's wildcards, read back through a mux match.
	mux := http.NewServeMux()
	mux.HandleFunc(pattern, func(_ http.ResponseWriter, rr *http.Request) {
		for _, p := range route.PathItem.Parameters {
			params[p.Value.Name] = rr.PathValue(p.Value.Name)
		}
		for _, p := range route.Operation.Parameters {
			if p.Value.In == "path" {
				params[p.Value.Name] = rr.PathValue(p.Value.Name)
			}
		}
	})
	mux.ServeHTTP(httptest.NewRecorder(), probe)
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: probe, PathParams: params, Route: route},
		Status:                 r.Status, Header: r.Header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	in.SetBodyBytes(r.Body)
	if err := openapi3filter.ValidateResponse(ctx, in); err != nil {
		e.t.Errorf("%s %s → %d does not match the document: %v\nbody: %.500s", req.Method, req.URL.Path, r.Status, err, r.Body)
		return
	}
	if r.Status < 300 {
		e.mu.Lock()
		e.validatedOps[route.Operation.OperationID] = true
		e.mu.Unlock()
	}
	if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
		e.t.Errorf("%s %s: Cache-Control %q, want no-store", req.Method, req.URL.Path, cc)
	}
	if r.Status >= 400 && !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
		e.t.Errorf("%s %s → %d: Content-Type %q, want application/problem+json", req.Method, req.URL.Path, r.Status, r.Header.Get("Content-Type"))
	}
}

// values returns measures[0]'s stored values through the app, by period.
func (e *env) values() map[string]app.PeriodValue {
	e.t.Helper()
	list, err := e.app.MeasureValues(ctx, e.admin, e.measures[0].ID, "", "")
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string]app.PeriodValue{}
	for _, v := range list {
		out[v.PeriodKey] = v
	}
	return out
}

// sameValueBody is an upsert of measures[0]'s first period with what is
// stored, at its version.
func (e *env) sameValueBody() []byte {
	v := e.values()[e.periods[0]]
	return []byte(`{"values":[{"measure_id":` + strconv.FormatInt(e.measures[0].ID, 10) + `,"period":"` + e.periods[0] +
		`","actual":10,"comment":"c0","version":` + strconv.FormatInt(v.Version, 10) + `}]}`)
}

// fingerprint summarizes the data values (count, versions, actuals).
func (e *env) fingerprint() string {
	e.t.Helper()
	var v string
	if err := e.db.Store.DB().QueryRow(`SELECT COUNT(*) || ':' || COALESCE(SUM(version), 0) || ':' || COALESCE(SUM(actual), 0) FROM data_values`).Scan(&v); err != nil {
		e.t.Fatal(err)
	}
	return v
}

// assignedKey makes an ACME key, as who, with a preset's permissions and
// the given scorecards assigned (SPEC §3.3: it sees exactly those).
func (e *env) assignedKey(t *testing.T, who, preset string, scorecards ...int64) app.APIKey {
	t.Helper()
	ids := make([]string, len(scorecards))
	for i, id := range scorecards {
		ids[i] = strconv.FormatInt(id, 10)
	}
	nk, err := e.app.CreateAPIKey(ctx, e.admin, app.APIKeyInput{Name: who, Permissions: access.MustPreset(preset).Keys(), Scorecards: ids})
	if err != nil {
		t.Fatal(err)
	}
	e.keys[who] = nk.Secret
	return nk.Key
}
