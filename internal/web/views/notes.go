package views

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/a-h/templ"

	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/terms"
)

// NotesURL is the URL of a host's notes and comments: /i/CODE/on/{on}/{id}…
func NotesURL(in *model.Instance, on string, id int64, rest string) templ.SafeURL {
	return templ.SafeURL(InstanceURL(in, "/on/"+on+"/"+strconv.FormatInt(id, 10)+rest))
}

// noteURL is the URL of one note section of a host.
func noteURL(in *model.Instance, on string, id, typeID int64, rest string) templ.SafeURL {
	return NotesURL(in, on, id, "/notes/"+strconv.FormatInt(typeID, 10)+rest)
}

// hostURL is the page of the scorecard or object notes hang on.
func hostURL(in *model.Instance, on string, id int64) templ.SafeURL {
	return templ.SafeURL(InstanceURL(in, "/"+on+"/"+strconv.FormatInt(id, 10)))
}

// stamp shows a time in the viewer's time zone.
func stamp(s Shell, t time.Time) string {
	loc := time.UTC
	if s.Account != nil && s.Account.TimeZone != "" {
		loc = location(s.Account.TimeZone)
	} else if s.Instance != nil && s.Instance.TimeZone != "" {
		loc = location(s.Instance.TimeZone) // an account without a zone follows the instance's
	}
	return t.In(loc).Format("2 Jan 2006, 15:04")
}

// zones caches loaded time zones: time.LoadLocation reads and parses the
// zone's data on every call, and a page of 50 comments stamps 150 times
// (BenchmarkNotesPage).
var zones sync.Map

func location(name string) *time.Location {
	if l, ok := zones.Load(name); ok {
		return l.(*time.Location)
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		l = time.UTC
	}
	zones.Store(name, l)
	return l
}

func isoTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// noteBody is a stored body: sanitised by internal/notes when it was
// saved, so it is written as it is.
func noteBody(body string) templ.Component { return templ.Raw(body) }

// NoteEditData is the note editor page.
type NoteEditData struct {
	Form app.NoteForm
	F    Form // the refusal's messages
}

// CommentEditData is the comment editor page.
type CommentEditData struct {
	Form app.CommentForm
	F    Form
}

// NoteTypesData is the Notes administration page.
type NoteTypesData struct {
	Types   []model.NoteType
	Add     Form
	Refusal string
}

// NoteTypeEditData is a note type's edit page.
type NoteTypeEditData struct {
	Type model.NoteType
	F    Form
}

// NoteTypeValues are the form values of a stored note type.
func NoteTypeValues(t model.NoteType) map[string]string {
	v := map[string]string{"name": t.Name, "help_text": t.HelpText, "default_text": t.DefaultText}
	if t.CharLimit > 0 {
		v["char_limit"] = strconv.Itoa(t.CharLimit)
	}
	for k, on := range map[string]bool{"on_scorecards": t.OnScorecards, "on_containers": t.OnContainers, "on_measures": t.OnMeasures} {
		if on {
			v[k] = "1"
		}
	}
	return v
}

// defaultKinds says which kinds get a type by default.
func defaultKinds(ctx context.Context, t model.NoteType) string {
	var k []string
	if t.OnScorecards {
		k = append(k, tm(ctx).LowMany(terms.Scorecard))
	}
	if t.OnContainers {
		k = append(k, tx(ctx, "{result:lowmany} and {program:lowmany}"))
	}
	if t.OnMeasures {
		k = append(k, tm(ctx).LowMany(terms.Measure))
	}
	if len(k) == 0 {
		return "none (added by hand)"
	}
	return strings.Join(k, ", ")
}

// textPiece is a run of a comment: plain text, or a link.
type textPiece struct {
	Text string
	Link bool
}

var linkPattern = regexp.MustCompile(`https?://[^\s<>"']+[^\s<>"'.,;:!?)\]]`)

// linkPieces cuts a comment into text and http(s) links, which the page
// makes clickable.
func linkPieces(s string) []textPiece {
	var out []textPiece
	last := 0
	for _, m := range linkPattern.FindAllStringIndex(s, -1) {
		if m[0] > last {
			out = append(out, textPiece{Text: s[last:m[0]]})
		}
		out = append(out, textPiece{Text: s[m[0]:m[1]], Link: true})
		last = m[1]
	}
	if last < len(s) {
		out = append(out, textPiece{Text: s[last:]})
	}
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func authorName(n string) string {
	if n == "" {
		return "A former member"
	}
	return n
}

// commentFieldID is the comment box's id: the one the error summary
// links to when it has an error.
func commentFieldID(f Form) string {
	if f.E("body") != "" {
		return fieldID("body")
	}
	return "comment-body"
}

func commentInvalid(f Form) templ.Attributes {
	if f.E("body") == "" {
		return templ.Attributes{"aria-describedby": "comment-hint"}
	}
	return templ.Attributes{"aria-invalid": "true", "aria-describedby": errID("body") + " comment-hint"}
}
