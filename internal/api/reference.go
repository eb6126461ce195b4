package api

import (
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Reference is the document as the page /api/v1/docs shows it: plain
// values read from the parsed document, so the page renders whatever
// operations the document has, with no script and no viewer to vendor.
type Reference struct {
	Title, Version, Description string
	Groups                      []RefGroup
}

// RefGroup is the operations of one tag, in path order.
type RefGroup struct {
	Tag, Description string
	Ops              []RefOp
}

// RefOp is one operation.
type RefOp struct {
	ID, Method, Path, Summary, Description string
	Params                                 []RefParam
	Body                                   string // the request body's content type and schema, in short; "" without one
	BodyRequired                           bool
	Responses                              []RefResponse
}

// RefParam is one parameter of an operation.
type RefParam struct {
	Name, In, Type, Description string
	Required                    bool
}

// RefResponse is one documented answer.
type RefResponse struct {
	Status, Description, Body string
}

// Reference reads the document into a Reference, operations grouped by
// their first tag (untagged ones under "other"), groups by name.
func (x *API) Reference() Reference { return BuildReference(x.doc) }

// BuildReference reads a parsed document into a Reference.
func BuildReference(doc *openapi3.T) Reference {
	ref := Reference{}
	tagDesc := map[string]string{}
	for _, t := range doc.Tags {
		tagDesc[t.Name] = t.Description
	}
	if doc.Info != nil {
		ref.Title, ref.Version, ref.Description = doc.Info.Title, doc.Info.Version, doc.Info.Description
	}
	groups := map[string]*RefGroup{}
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		for method, op := range item.Operations() {
			tag := "other"
			if len(op.Tags) > 0 {
				tag = op.Tags[0]
			}
			g := groups[tag]
			if g == nil {
				g = &RefGroup{Tag: tag, Description: tagDesc[tag]}
				groups[tag] = g
			}
			g.Ops = append(g.Ops, refOp(method, path, item, op))
		}
	}
	for _, g := range groups {
		sort.Slice(g.Ops, func(i, j int) bool {
			if g.Ops[i].Path != g.Ops[j].Path {
				return g.Ops[i].Path < g.Ops[j].Path
			}
			return methodRank(g.Ops[i].Method) < methodRank(g.Ops[j].Method)
		})
		ref.Groups = append(ref.Groups, *g)
	}
	sort.Slice(ref.Groups, func(i, j int) bool { return ref.Groups[i].Tag < ref.Groups[j].Tag })
	return ref
}

func methodRank(m string) int {
	for i, x := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
		if m == x {
			return i
		}
	}
	return 9
}

func refOp(method, path string, item *openapi3.PathItem, op *openapi3.Operation) RefOp {
	out := RefOp{ID: op.OperationID, Method: method, Path: BasePath + path, Summary: op.Summary, Description: op.Description}
	seen := map[string]bool{}
	for _, list := range []openapi3.Parameters{op.Parameters, item.Parameters} {
		for _, p := range list {
			if p == nil || p.Value == nil || seen[p.Value.In+" "+p.Value.Name] {
				continue
			}
			seen[p.Value.In+" "+p.Value.Name] = true
			out.Params = append(out.Params, RefParam{Name: p.Value.Name, In: p.Value.In, Required: p.Value.Required,
				Type: schemaType(p.Value.Schema, 0), Description: p.Value.Description})
		}
	}
	if rb := op.RequestBody; rb != nil && rb.Value != nil {
		out.Body, out.BodyRequired = contentSummary(rb.Value.Content), rb.Value.Required
	}
	if op.Responses != nil {
		codes := make([]string, 0, op.Responses.Len())
		for code := range op.Responses.Map() {
			codes = append(codes, code)
		}
		sort.Strings(codes)
		for _, code := range codes {
			r := op.Responses.Value(code)
			if r == nil || r.Value == nil {
				continue
			}
			desc := ""
			if r.Value.Description != nil {
				desc = *r.Value.Description
			}
			out.Responses = append(out.Responses, RefResponse{Status: code, Description: desc, Body: contentSummary(r.Value.Content)})
		}
	}
	return out
}

// contentSummary names a body's media types and the shape of its schema.
func contentSummary(c openapi3.Content) string {
	if len(c) == 0 {
		return ""
	}
	types := make([]string, 0, len(c))
	for t := range c {
		types = append(types, t)
	}
	sort.Strings(types)
	var parts []string
	for _, t := range types {
		parts = append(parts, t+": "+schemaType(c[t].Schema, 0))
	}
	return strings.Join(parts, "; ")
}

// schemaType writes a schema in short: its name when it is a reference,
// otherwise its type, an array's items, an object's properties (required
// ones marked *), two levels deep.
func schemaType(s *openapi3.SchemaRef, depth int) string {
	if s == nil {
		return "any"
	}
	if s.Ref != "" && depth > 0 {
		return s.Ref[strings.LastIndex(s.Ref, "/")+1:]
	}
	v := s.Value
	if v == nil {
		return "any"
	}
	name := ""
	if s.Ref != "" {
		name = s.Ref[strings.LastIndex(s.Ref, "/")+1:] + " "
	}
	var types []string
	if v.Type != nil {
		types = v.Type.Slice()
	}
	switch {
	case len(v.OneOf) > 0 || len(v.AnyOf) > 0:
		var alts []string
		for _, x := range append(append(openapi3.SchemaRefs{}, v.OneOf...), v.AnyOf...) {
			alts = append(alts, schemaType(x, depth+1))
		}
		return name + strings.Join(alts, " | ")
	case v.Items != nil && hasType(types, "array"):
		return name + "array of " + schemaType(v.Items, depth+1)
	case len(v.Properties) > 0:
		if depth >= 2 {
			return name + "object"
		}
		keys := make([]string, 0, len(v.Properties))
		for k := range v.Properties {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		req := map[string]bool{}
		for _, r := range v.Required {
			req[r] = true
		}
		props := make([]string, len(keys))
		for i, k := range keys {
			mark := ""
			if req[k] {
				mark = "*"
			}
			props[i] = k + mark + ": " + schemaType(v.Properties[k], depth+1)
		}
		return name + "{" + strings.Join(props, ", ") + "}"
	}
	t := strings.Join(types, " or ")
	if t == "" {
		t = "any"
	}
	if v.Format != "" {
		t += " (" + v.Format + ")"
	}
	if len(v.Enum) > 0 {
		vals := make([]string, 0, len(v.Enum))
		for _, e := range v.Enum {
			switch e := e.(type) {
			case string:
				vals = append(vals, e)
			case float64:
				vals = append(vals, strconv.FormatFloat(e, 'f', -1, 64))
			}
		}
		t += ": " + strings.Join(vals, ", ")
	}
	if v.MaxItems != nil && hasType(types, "array") {
		t += ", at most " + strconv.FormatUint(*v.MaxItems, 10)
	}
	return strings.TrimSpace(name + t)
}

func hasType(types []string, t string) bool {
	for _, x := range types {
		if x == t {
			return true
		}
	}
	return false
}
