package web

import (
	"log/slog"
	"net/http"
	"strconv"
	"strings"
)

// What a log line, a metric label or the activity log says of a request
// is its route pattern ("GET /reset/{token}") and the path's ids, never
// the path itself: a path can hold a secret (the token of a reset,
// sign-in, sign-up or email-confirmation link) or text of the client's
// choosing (a forged log line). Only two wildcards are ids: {id}, when it
// is a number, and {code}, when it has an instance code's form. Every
// other wildcard ({token}) is never written anywhere.

// wildcards lists the names of a pattern's {wildcards}, in order.
func wildcards(pattern string) []string {
	var out []string
	for {
		i := strings.IndexByte(pattern, '{')
		if i < 0 {
			return out
		}
		j := strings.IndexByte(pattern[i:], '}')
		if j < 0 {
			return out
		}
		name := strings.TrimSuffix(pattern[i+1:i+j], "...")
		if name != "$" {
			out = append(out, name)
		}
		pattern = pattern[i+j+1:]
	}
}

// patternOf is the route a request matched, or "unmatched".
func patternOf(r *http.Request) string {
	if r.Pattern == "" {
		return "unmatched"
	}
	return r.Pattern
}

// routeID is one logged id of the path.
type routeID struct {
	name  string
	num   int64  // {id}
	code  string // {code}
	valid bool
}

// ids returns the path's ids that may be written down, in pattern order.
func (s *Server) ids(r *http.Request) []routeID {
	meta := s.meta[r.Pattern]
	if meta == nil {
		return nil
	}
	var out []routeID
	for _, name := range meta.wildcards {
		v := r.PathValue(name)
		if v == "" {
			continue // refused before the mux matched (gate): no values yet
		}
		switch name {
		case "id":
			n, ok := parseWhole(v, 0, maxID)
			out = append(out, routeID{name: name, num: n, valid: ok && strconv.FormatInt(n, 10) == v})
		case "code":
			out = append(out, routeID{name: name, code: v, valid: isCodeShaped(v)})
		}
	}
	return out
}

// isCodeShaped reports an instance code's form: 2–16 of A–Z, 0–9, '-'
// (SPEC §1; the route looks it up case-insensitively, so a–z too).
func isCodeShaped(v string) bool {
	if len(v) < 2 || len(v) > 16 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// pathIDs is the "ids" group of a log line: the ids of the path; an id
// that is not one is logged as "invalid", never as it came.
func (s *Server) pathIDs(r *http.Request) slog.Attr {
	var attrs []any
	for _, id := range s.ids(r) {
		switch {
		case !id.valid:
			attrs = append(attrs, slog.String(id.name, "invalid"))
		case id.name == "id":
			attrs = append(attrs, slog.Int64(id.name, id.num))
		default:
			attrs = append(attrs, slog.String(id.name, id.code))
		}
	}
	return slog.Group("ids", attrs...)
}

// routeRef names a request for the activity log: the route pattern and
// the numeric ids, as in "POST /i/{code}/admin/users/{id}/deactivate
// (id 12)". The instance is the log's own, so {code} stays a name; an id
// that is not a number is said to be so, never copied.
func (s *Server) routeRef(r *http.Request) string {
	var b strings.Builder
	b.WriteString(patternOf(r))
	n := 0
	for _, id := range s.ids(r) {
		if id.name == "code" {
			continue
		}
		if n == 0 {
			b.WriteString(" (")
		} else {
			b.WriteString(", ")
		}
		n++
		b.WriteString(id.name)
		b.WriteByte(' ')
		if id.valid {
			b.WriteString(strconv.FormatInt(id.num, 10))
		} else {
			b.WriteString("not a number")
		}
	}
	if n > 0 {
		b.WriteByte(')')
	}
	return b.String()
}
