// Package views holds the templ components of the web pages. Components
// receive plain data; they make no decisions about permissions (the
// handler passes only what the viewer may see).
package views

import "yardstick/internal/model"

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
}

// MenuItem is one link in a menu.
type MenuItem struct {
	Label, URL string
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
