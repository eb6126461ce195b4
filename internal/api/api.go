package api

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"yardstick/internal/app"
)

//go:embed openapi.yaml
var specYAML []byte

// BasePath is where the API is served.
const BasePath = "/api/v1"

// Operation is one operation of the document, as a route pattern of the
// standard library's ServeMux ("GET /api/v1/i/{code}/instance").
type Operation struct {
	Pattern string
	ID      string // operationId
	MaxBody int64  // the request body limit, 0: the server's default (1 MB)
}

// bodyLimits are the operations that take more than the default body:
// 10,000 values with comments.
var bodyLimits = map[string]int64{"upsertValues": 8 << 20}

// API serves the operations of openapi.yaml over internal/app. It expects
// the transport (internal/web) to have authenticated the request and put
// the key's actor in the context (WithActor).
type API struct {
	app     *app.App
	doc     *openapi3.T
	json    []byte
	ops     []Operation
	routes  map[string]*routers.Route // by pattern
	handler http.Handler
}

// New loads and checks the document and builds the handlers.
func New(a *app.App) (*API, error) {
	doc, err := Document()
	if err != nil {
		return nil, err
	}
	js, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	x := &API{app: a, doc: doc, json: js, routes: map[string]*routers.Route{}}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			pattern := method + " " + BasePath + path
			x.ops = append(x.ops, Operation{Pattern: pattern, ID: op.OperationID, MaxBody: bodyLimits[op.OperationID]})
			x.routes[pattern] = &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: op}
		}
	}
	sort.Slice(x.ops, func(i, j int) bool { return x.ops[i].Pattern < x.ops[j].Pattern })
	mux := http.NewServeMux()
	strict := NewStrictHandlerWithOptions(&handlers{app: a}, nil, StrictHTTPServerOptions{
		RequestErrorHandlerFunc: func(w http.ResponseWriter, r *http.Request, err error) {
			WriteProblem(w, r, http.StatusBadRequest, err.Error(), nil)
		},
		ResponseErrorHandlerFunc: func(w http.ResponseWriter, r *http.Request, err error) {
			x.fail(w, r, err)
		},
	})
	x.handler = HandlerWithOptions(strict, StdHTTPServerOptions{BaseURL: BasePath, BaseRouter: mux,
		ErrorHandlerFunc: func(w http.ResponseWriter, r *http.Request, err error) {
			WriteProblem(w, r, http.StatusBadRequest, err.Error(), nil)
		}})
	return x, nil
}

// Document loads openapi.yaml and validates it.
func Document() (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(specYAML)
	if err != nil {
		return nil, fmt.Errorf("api: openapi.yaml: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("api: openapi.yaml: %w", err)
	}
	return doc, nil
}

// Operations lists every operation of the document, by pattern.
func (x *API) Operations() []Operation { return x.ops }

// SpecJSON is the document as JSON, served at /api/v1/openapi.json.
func (x *API) SpecJSON() []byte { return x.json }

type ctxKey int

const actorKey ctxKey = 1

// WithActor gives the handlers the authenticated key's actor.
func WithActor(ctx context.Context, a *app.Actor) context.Context {
	return context.WithValue(ctx, actorKey, a)
}

func actorOf(ctx context.Context) *app.Actor {
	a, _ := ctx.Value(actorKey).(*app.Actor)
	return a
}

// ServeHTTP validates the request against the document, then runs the
// operation. r.Pattern must be the operation's (the transport's mux set it).
func (x *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	route := x.routes[r.Pattern]
	if route == nil || actorOf(r.Context()) == nil {
		WriteProblem(w, r, http.StatusNotFound, "There is no such operation.", nil)
		return
	}
	params := map[string]string{}
	for _, p := range route.PathItem.Parameters {
		if p.Value != nil && p.Value.In == "path" {
			params[p.Value.Name] = r.PathValue(p.Value.Name)
		}
	}
	for _, p := range route.Operation.Parameters {
		if p.Value != nil && p.Value.In == "path" {
			params[p.Value.Name] = r.PathValue(p.Value.Name)
		}
	}
	if route.Operation.RequestBody != nil && !isJSON(r) {
		// Before the body is read: a form was already parsed (and its body
		// drained) by the common layers, and nothing else is JSON.
		WriteProblem(w, r, http.StatusUnsupportedMediaType, "Send the body as application/json.", nil)
		return
	}
	if r.Body != nil && r.Body != http.NoBody {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			WriteProblem(w, r, http.StatusRequestEntityTooLarge, "The request body is too large.", nil)
			return
		}
		if isJSON(r) {
			msg := checkJSON(body)
			if msg == msgCredential || KeyShaped(string(body)) {
				WriteProblem(w, r, http.StatusUnauthorized, msgCredential, nil)
				return
			}
			if msg != "" {
				WriteProblem(w, r, http.StatusBadRequest, msg, map[string]string{"body": msg})
				return
			}
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route,
		Options: &openapi3filter.Options{MultiError: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	if err := openapi3filter.ValidateRequest(r.Context(), in); err != nil {
		status, fields := requestProblem(err)
		WriteProblem(w, r, status, "The request does not match the API's description: see errors.", fields)
		return
	}
	if err := x.resolveIDs(r, route, params); err != nil {
		x.fail(w, r, err)
		return
	}
	x.handler.ServeHTTP(w, r)
}

// resolveIDs is where `ext:ID` in a path becomes an id, for every
// operation: each path id sent as `ext:` and an external id is looked up in
// the key's instance (scorecards on a scorecard path's {id}, and on a
// notes path's {id} when its {on} is scorecards; containers and measures
// otherwise), and the request goes on with the id in its place, as
// if the id had been sent; the operation then reads it through the key's
// visibility as always. One this instance does not have is 404.
func (x *API) resolveIDs(r *http.Request, route *routers.Route, params map[string]string) error {
	changed := false
	for _, name := range []string{"id", "object_id"} {
		v, ok := params[name]
		if !ok || !strings.HasPrefix(v, app.ExtPrefix) {
			continue
		}
		kind := app.ExtObject
		if name == "id" && (strings.HasPrefix(route.Path, "/i/{code}/scorecards/") || params["on"] == "scorecards") {
			kind = app.ExtScorecard
		}
		id, err := x.app.ResolveID(r.Context(), actorOf(r.Context()), kind, v)
		if err != nil {
			return err
		}
		params[name], changed = strconv.FormatInt(id, 10), true
	}
	if changed {
		// The operations' router matches the path again: it gets the ids.
		path := BasePath + route.Path
		for name, v := range params {
			path = strings.ReplaceAll(path, "{"+name+"}", url.PathEscape(v))
		}
		r.URL.Path, r.URL.RawPath = path, ""
		if u, err := url.PathUnescape(path); err == nil {
			r.URL.Path = u
			if u != path {
				r.URL.RawPath = path
			}
		}
	}
	return nil
}

// requestProblem turns validation errors into a status and per-field
// messages (field: "path.id", "query.limit", "body/items/3/value").
func requestProblem(err error) (int, map[string]string) {
	fields := map[string]string{}
	status := http.StatusBadRequest
	var errs openapi3.MultiError
	if !errors.As(err, &errs) {
		errs = openapi3.MultiError{err}
	}
	for _, e := range errs {
		var re *openapi3filter.RequestError
		if !errors.As(e, &re) {
			fields["request"] = e.Error()
			continue
		}
		switch {
		case re.Parameter != nil:
			msg := re.Reason
			var se *openapi3.SchemaError
			if errors.As(re.Err, &se) {
				msg = se.Reason
			} else if msg == "" && re.Err != nil {
				msg = re.Err.Error()
			}
			fields[re.Parameter.In+"."+re.Parameter.Name] = msg
		case re.RequestBody != nil:
			if strings.Contains(re.Error(), "header Content-Type has unexpected value") {
				status = http.StatusUnsupportedMediaType
			}
			var se *openapi3.SchemaError
			if errors.As(re.Err, &se) {
				// Well-formed JSON that breaks the document's rules.
				if status == http.StatusBadRequest {
					status = http.StatusUnprocessableEntity
				}
				fields["body"+pointer(se.JSONPointer())] = schemaReason(se.Reason)
			} else {
				fields["body"] = re.Error()
			}
		default:
			fields["request"] = re.Error()
		}
	}
	return status, fields
}

// schemaReason is a schema error's reason without the validator's
// preamble: "jsonschema validation failed with '<schema URL>'" and an
// "- at '/field':" per finding name a schema the client never sees, and the
// field is named beside the message already.
func schemaReason(reason string) string {
	if !strings.HasPrefix(reason, "jsonschema validation failed") {
		return reason
	}
	var out []string
	for _, line := range strings.Split(reason, "\n")[1:] {
		line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "-"))
		if strings.HasPrefix(line, "at '") {
			if i := strings.Index(line, "': "); i >= 0 {
				line = line[i+3:]
			}
		}
		if line != "" {
			out = append(out, line)
		}
	}
	if len(out) == 0 {
		return "This value does not match the API's description."
	}
	return strings.Join(out, "; ")
}

func pointer(p []string) string {
	if len(p) == 0 {
		return ""
	}
	return "/" + strings.Join(p, "/")
}

// fail answers a use case's error: app.Outcome maps it (and records a
// refusal of the key), the document's problem format carries it.
func (x *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	var pe *preconditionError
	if errors.As(err, &pe) {
		WriteProblem(w, r, pe.status, pe.msg, nil)
		return
	}
	actor := actorOf(r.Context())
	e := x.app.Outcome(r.Context(), actor, r.Pattern, err)
	WriteError(w, r, e)
}

// StatusOf is the HTTP status of an error kind.
func StatusOf(k app.Kind) int {
	switch k {
	case app.NotFound:
		return http.StatusNotFound
	case app.Forbidden:
		return http.StatusForbidden
	case app.Conflict:
		return http.StatusConflict
	case app.Invalid:
		return http.StatusUnprocessableEntity
	case app.Unauthenticated:
		return http.StatusUnauthorized
	case app.TooMany:
		return http.StatusTooManyRequests
	case app.Unavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// WriteError answers an error of internal/app (from app.Outcome) as a
// problem document.
func WriteError(w http.ResponseWriter, r *http.Request, e *app.Error) {
	status := StatusOf(e.Kind)
	if e.Kind == app.Unauthenticated {
		w.Header().Set("WWW-Authenticate", `Bearer realm="yardstick"`)
	}
	if (e.Kind == app.TooMany || e.Kind == app.Unavailable) && e.RetryAfter > 0 {
		w.Header().Set("Retry-After", fmt.Sprint(int(e.RetryAfter.Seconds()+0.999)))
	}
	WriteProblem(w, r, status, e.Msg, e.Fields)
}

// WriteProblem writes an RFC 9457 problem document; fields become the
// per-field errors, by field name.
func WriteProblem(w http.ResponseWriter, r *http.Request, status int, detail string, fields map[string]string) {
	p := Problem{Type: "about:blank", Title: http.StatusText(status), Status: status}
	if detail != "" {
		p.Detail = &detail
	}
	if id := w.Header().Get("X-Request-Id"); id != "" {
		p.RequestId = &id
	}
	if len(fields) > 0 {
		names := make([]string, 0, len(fields))
		for f := range fields {
			names = append(names, f)
		}
		sort.Strings(names)
		list := make([]struct {
			Field   string `json:"field"`
			Message string `json:"message"`
		}, len(names))
		for i, f := range names {
			list[i].Field, list[i].Message = f, fields[f]
		}
		p.Errors = &list
	}
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(p)
}

// maxJSONDepth bounds how deeply a request's JSON nests; the deepest
// document the API takes nests 3 deep.
const maxJSONDepth = 32

func isJSON(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// checkJSON refuses what encoding/json would quietly accept: an object
// with the same key twice (which one counts is a guess), and nesting
// deeper than maxJSONDepth; and a top-level field named like a credential
// (msgCredential). Malformed JSON is left to the validation, which names
// it. It scans the bytes itself: encoding/json's Token allocated per token
// and took 110 ms of a 10,000-value bulk write.
func checkJSON(body []byte) string {
	// An object's keys are a short list, searched in turn, until it holds
	// smallObject keys, then a map: a map per object was a third of the
	// scan of 10,000 values, and a list alone would be quadratic in a
	// hostile object's keys.
	const smallObject = 16
	type frame struct {
		object bool
		keys   []string
		many   map[string]bool
		expect bool // the next string of an object is a key
	}
	var stack []frame
	var pool [][]string // key lists of closed objects, reused
	for i := 0; i < len(body); i++ {
		switch c := body[i]; c {
		case '{', '[':
			if len(stack) >= maxJSONDepth {
				return fmt.Sprintf("The JSON nests deeper than %d levels.", maxJSONDepth)
			}
			f := frame{}
			if c == '{' {
				f = frame{object: true, expect: true}
				if n := len(pool); n > 0 {
					f.keys, pool = pool[n-1][:0], pool[:n-1]
				}
			}
			stack = append(stack, f)
		case '}', ']':
			if len(stack) == 0 {
				return "" // malformed: the validation says so
			}
			if f := stack[len(stack)-1]; f.keys != nil {
				pool = append(pool, f.keys)
			}
			stack = stack[:len(stack)-1]
		case ',':
			if n := len(stack); n > 0 && stack[n-1].object {
				stack[n-1].expect = true
			}
		case '"':
			end, escaped := i+1, false
			for end < len(body) && body[end] != '"' {
				if body[end] == '\\' {
					escaped = true
					end++
				}
				end++
			}
			if end >= len(body) {
				return "" // an unterminated string: malformed
			}
			if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].expect {
				f := &stack[n-1]
				key := string(body[i+1 : end])
				if escaped { // compare keys as decoded: "a" and "\u0061" are one key
					if err := json.Unmarshal(body[i:end+1], &key); err != nil {
						return ""
					}
				}
				seen := f.many[key]
				if f.many == nil {
					seen = slices.Contains(f.keys, key)
				}
				if n == 1 && CredentialName(key) {
					return msgCredential
				}
				if seen {
					return fmt.Sprintf("The JSON has the key %q twice in one object.", truncate(key, 40))
				}
				switch {
				case f.many != nil:
					f.many[key] = true
				case len(f.keys) < smallObject:
					f.keys = append(f.keys, key)
				default:
					f.many = make(map[string]bool, 2*smallObject)
					for _, k := range f.keys {
						f.many[k] = true
					}
					f.many[key] = true
				}
				f.expect = false
			}
			i = end
		}
	}
	return ""
}

func truncate(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
