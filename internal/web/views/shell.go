// Package views holds the templ components of the web pages. Components
// receive plain data; they make no decisions about permissions (the
// handler passes only what the viewer may see).
package views

import (
	"context"
	"net/url"
	"sort"
	"strconv"

	"github.com/a-h/templ"

	"yardstick/internal/app"
	"yardstick/internal/model"
)

// Shell is what every page's frame shows.
type Shell struct {
	Title     string
	Account   *model.Account         // nil when signed out
	Instance  *model.Instance        // the current instance, if any
	Instances []model.MemberInstance // for the switcher
	AdminMenu []MenuItem             // only the entries the member may open
	Flash     string
	Notice    string // e.g. that the page shows a partner's read-only content
	CSS, JS   string // content-hashed static URLs
	// The rich-text editor's files (Trix and notes.js), on the pages that
	// edit a note; static files, so the CSP stays 'self' only.
	ExtraCSS, ExtraJS []string
	// Compyle is the top menu's Compyle item (/i/{code}/compyle), shown
	// only to members with Compyle Access on a site with an address.
	Compyle bool
	// Reports is the top menu's Reports item, for members with View
	// Reports (issue 23).
	Reports bool
	// Unread is the member's unread notifications for the bell, which
	// shows on the pages of an instance (read with the membership).
	Unread int
}

// MenuItem is one link in a menu.
type MenuItem struct {
	Label, URL  string
	Group, Desc string // the Administration page's group and one-line description
}

// Form carries submitted values and field errors back to a form.
type Form struct {
	Values map[string]string
	Errors map[string]string
	Msg    string // message about the whole form
}

// V returns a submitted value.
func (f Form) V(name string) string { return f.Values[name] }

// E returns a field's error message.
func (f Form) E(name string) string { return f.Errors[name] }

// InstanceURL builds a URL inside an instance.
func InstanceURL(in *model.Instance, path string) string {
	return "/i/" + in.Code + path
}

// fieldID is the id of the control of a field with an error, which the
// error summary links to.
func fieldID(name string) string { return "f-" + name }

// errID is the id of a field's error message.
func errID(name string) string { return "err-" + name }

// errorLink is one line of an error summary.
type errorLink struct{ Name, Msg string }

// errorLinks are a form's field errors in a stable order (by field name).
func errorLinks(f Form) []errorLink {
	out := make([]errorLink, 0, len(f.Errors))
	for name, msg := range f.Errors {
		if msg != "" {
			out = append(out, errorLink{name, msg})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// gridCellError is the message of one grid cell, or "".
func gridCellError(ctx context.Context, f Form, key, col string) string {
	if msg := f.E(key); msg != "" && app.DataColumn(msg, tm(ctx)) == col {
		return msg
	}
	return ""
}

// summaryRole makes an error summary an alert unless its whole-form message
// already is one (that <p role="alert"> is what the sign-in tests read).
func summaryRole(f Form) string {
	if f.Msg != "" {
		return "group"
	}
	return "alert"
}

// invalid marks a control whose field has an error: aria-invalid, the id
// the error summary links to, and aria-describedby to the message that
// fieldError writes after its label.
func invalid(f Form, name string) templ.Attributes {
	if f.E(name) == "" {
		return templ.Attributes{}
	}
	return templ.Attributes{"aria-invalid": "true", "id": fieldID(name), "aria-describedby": errID(name)}
}

// actionFilterKeys are the Action Manager's filters, carried to its next
// page and downloads.
var actionFilterKeys = []string{"on", "id", "status", "open", "mine", "assignee", "tag", "from", "to", "sort", "dir"}

// linkQuery is the next page of "Add Existing Action".
func linkQuery(v app.LinkChoices, text string) string {
	q := url.Values{"on": {v.Host.On}, "id": {strconv.FormatInt(v.Host.ID, 10)}, "after": {v.Next}}
	if text != "" {
		q.Set("q", text)
	}
	return q.Encode()
}

// fieldLabel is a custom field's label on the action form.
func fieldLabel(d model.ActionField) string {
	if d.Required {
		return d.Name + " (required)"
	}
	return d.Name + " (optional)"
}

// choice is one option of a select.
type choice struct{ Value, Label string }

// fieldChoices are a drop-down's or a yes/no field's options.
func fieldChoices(d model.ActionField) []choice {
	if d.Kind == model.FieldYesNo {
		return []choice{{"yes", "Yes"}, {"no", "No"}}
	}
	out := make([]choice, len(d.Options))
	for i, o := range d.Options {
		out[i] = choice{o, o}
	}
	return out
}

func emptyChoice(d model.ActionField) string {
	if d.Required {
		return "Choose…"
	}
	return "(none)"
}

// fieldText is a custom field's value as its page shows it.
func fieldText(fv app.FieldValue) string {
	if fv.Field.Kind == model.FieldYesNo {
		switch fv.Value {
		case "yes":
			return "Yes"
		case "no":
			return "No"
		}
	}
	return fv.Value
}

// kindTerm names a kind of content ("scorecard", "container", "measure")
// in the instance's words, lower case, for a sentence.
func kindTerm(ctx context.Context, kind string) string {
	switch kind {
	case "scorecard", "scorecards":
		return tx(ctx, "{scorecard:lower}")
	case model.KindContainer:
		return tx(ctx, "{container:lower}")
	case model.KindMeasure:
		return tx(ctx, "{measure:lower}")
	}
	return kind
}
