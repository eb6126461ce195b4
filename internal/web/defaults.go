package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/a-h/templ"

	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/web/views"
)

// Scorecard defaults and calendars (SPEC §5, §6, §13): object types,
// reporting frequencies and global colour bands. Each change redirects
// back to its page (POST-redirect-GET) with ?saved=…, which the page
// turns into a fixed message; a refused delete re-renders the page with
// the refusal and 409 so the list it refers to stays in view.

// defaultsFlashes are the flashes a ?saved= value may ask for; anything else
// shows nothing, so the URL cannot put text of its own on the page.
var defaultsFlashes = map[string]string{
	"added":   "Added.",
	"saved":   "Your changes were saved.",
	"deleted": "Deleted.",
	// General Settings' logo (settings.go).
	"logo":         "The new logo was saved.",
	"logo-removed": "The logo was removed.",
}

func (s *Server) defaultsShell(r *http.Request, c *req, title string) views.Shell {
	sh := s.termShell(r, c, title)
	sh.Flash = defaultsFlashes[r.URL.Query().Get("saved")]
	return sh
}

func (s *Server) defaultsRedirect(w http.ResponseWriter, r *http.Request, c *req, path, what string) error {
	http.Redirect(w, r, views.InstanceURL(&c.Actor.Instance, path)+"?saved="+what, http.StatusSeeOther)
	return nil
}

// defaultsID reads {id}; a malformed one is answered like a missing object.
func defaultsID(r *http.Request) (int64, error) { return pathID(r, "id") }

// conflictRefusal returns the message of a Conflict refusal, "" for any other
// outcome.
func conflictRefusal(err error) string {
	if e, ok := app.AsError(err); ok && e.Kind == app.Conflict {
		return e.Msg
	}
	return ""
}

// Object types.

func (s *Server) typesView(r *http.Request, c *req) (views.TypesView, error) {
	types, err := s.app.TypesInUse(r.Context(), c.Actor)
	if err != nil {
		return views.TypesView{}, err
	}
	v := views.TypesView{Add: views.Form{Values: map[string]string{"kind": model.KindContainer, "color": "#1f6f8b"}}}
	for _, t := range types {
		if t.Kind == model.KindContainer {
			v.Containers = append(v.Containers, t)
		} else {
			v.Measures = append(v.Measures, t)
		}
	}
	return v, nil
}

func (s *Server) typesPage(w http.ResponseWriter, r *http.Request, c *req) error {
	v, err := s.typesView(r, c)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.TypesPage(s.defaultsShell(r, c, "Object Types"), v))
}

func typeFormInput(r *http.Request) (app.TypeInput, map[string]string) {
	in := app.TypeInput{Kind: r.PostFormValue("kind"), Name: r.PostFormValue("name"), Plural: r.PostFormValue("plural"),
		Color: r.PostFormValue("color"), Badge: r.PostFormValue("badge")}
	return in, map[string]string{"kind": in.Kind, "name": in.Name, "plural": in.Plural, "color": in.Color, "badge": in.Badge}
}

func (s *Server) typeCreate(w http.ResponseWriter, r *http.Request, c *req) error {
	in, values := typeFormInput(r)
	if _, err := s.app.CreateType(r.Context(), c.Actor, in); err != nil {
		v, verr := s.typesView(r, c)
		if verr != nil {
			return verr
		}
		return s.formError(w, r, err, func(f views.Form) templ.Component {
			v.Add = f
			return views.TypesPage(s.shell(r, c, "Object Types"), v)
		}, values)
	}
	return s.defaultsRedirect(w, r, c, "/admin/types", "added")
}

func (s *Server) typeUpdate(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := defaultsID(r)
	if err != nil {
		return err
	}
	in, values := typeFormInput(r)
	if err := s.app.UpdateType(r.Context(), c.Actor, id, in); err != nil {
		v, verr := s.typesView(r, c)
		if verr != nil {
			return verr
		}
		return s.formError(w, r, err, func(f views.Form) templ.Component {
			v.EditID, v.Edit = id, f
			return views.TypesPage(s.shell(r, c, "Object Types"), v)
		}, values)
	}
	return s.defaultsRedirect(w, r, c, "/admin/types", "saved")
}

func (s *Server) typeDelete(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := defaultsID(r)
	if err != nil {
		return err
	}
	if err := s.app.DeleteType(r.Context(), c.Actor, id); err != nil {
		msg := conflictRefusal(err)
		if msg == "" {
			return err
		}
		v, err := s.typesView(r, c)
		if err != nil {
			return err
		}
		v.Refusal = msg
		return s.render(w, r, http.StatusConflict, views.TypesPage(s.shell(r, c, "Object Types"), v))
	}
	return s.defaultsRedirect(w, r, c, "/admin/types", "deleted")
}

// Reporting frequencies.

func (s *Server) frequenciesView(r *http.Request, c *req) (views.FrequenciesView, error) {
	list, err := s.app.Frequencies(r.Context(), c.Actor)
	if err != nil {
		return views.FrequenciesView{}, err
	}
	// The example label is the period today falls in where the instance
	// is, which is what its members call "now".
	loc, err := time.LoadLocation(c.Actor.Instance.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	now := s.app.Now().In(loc)
	v := views.FrequenciesView{Add: views.Form{Values: map[string]string{"start_month": "1", "start_day": "1"}}}
	for _, f := range list {
		pf := app.FrequencyOf(f)
		row := views.FrequencyRow{Frequency: f}
		// A stored frequency was validated when created; guard anyway so
		// one bad row cannot take the page down (period panics on it).
		if pf.Validate() == nil {
			row.Example = pf.Label(pf.At(now))
		}
		v.Rows = append(v.Rows, row)
	}
	return v, nil
}

func (s *Server) frequenciesPage(w http.ResponseWriter, r *http.Request, c *req) error {
	v, err := s.frequenciesView(r, c)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.FrequenciesPage(s.defaultsShell(r, c, "Reporting Frequencies"), v))
}

func (s *Server) frequencyCreate(w http.ResponseWriter, r *http.Request, c *req) error {
	in := app.FrequencyInput{Title: r.PostFormValue("title"), PeriodsPerYear: r.PostFormValue("periods_per_year"),
		StartMonth: r.PostFormValue("start_month"), StartDay: r.PostFormValue("start_day"), LabelPrefix: r.PostFormValue("label_prefix")}
	values := map[string]string{"title": in.Title, "periods_per_year": in.PeriodsPerYear, "start_month": in.StartMonth,
		"start_day": in.StartDay, "label_prefix": in.LabelPrefix}
	if _, err := s.app.CreateFrequency(r.Context(), c.Actor, in); err != nil {
		v, verr := s.frequenciesView(r, c)
		if verr != nil {
			return verr
		}
		return s.formError(w, r, err, func(f views.Form) templ.Component {
			v.Add = f
			return views.FrequenciesPage(s.shell(r, c, "Reporting Frequencies"), v)
		}, values)
	}
	return s.defaultsRedirect(w, r, c, "/admin/frequencies", "added")
}

func (s *Server) frequencyDelete(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := defaultsID(r)
	if err != nil {
		return err
	}
	if err := s.app.DeleteFrequency(r.Context(), c.Actor, id); err != nil {
		msg := conflictRefusal(err)
		if msg == "" {
			return err
		}
		v, err := s.frequenciesView(r, c)
		if err != nil {
			return err
		}
		v.Refusal = msg
		return s.render(w, r, http.StatusConflict, views.FrequenciesPage(s.shell(r, c, "Reporting Frequencies"), v))
	}
	return s.defaultsRedirect(w, r, c, "/admin/frequencies", "deleted")
}

// Global colour bands.

func (s *Server) bandsView(r *http.Request, c *req) (views.BandsView, error) {
	saved, err := s.app.GlobalBands(r.Context(), c.Actor)
	if err != nil {
		return views.BandsView{}, err
	}
	values := map[string]string{}
	for _, p := range views.BandPolarities {
		b := saved[p]
		values[p+"_green"] = strconv.FormatFloat(b.Green, 'f', -1, 64)
		values[p+"_yellow"] = strconv.FormatFloat(b.Yellow, 'f', -1, 64)
	}
	return views.BandsView{Form: views.Form{Values: values}, Saved: saved}, nil
}

func (s *Server) bandsPage(w http.ResponseWriter, r *http.Request, c *req) error {
	v, err := s.bandsView(r, c)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.BandsPage(s.defaultsShell(r, c, "Global Color Bands"), v))
}

func (s *Server) bandsSave(w http.ResponseWriter, r *http.Request, c *req) error {
	in := map[string][2]string{}
	values := map[string]string{}
	for _, p := range views.BandPolarities {
		g, y := r.PostFormValue(p+"_green"), r.PostFormValue(p+"_yellow")
		in[p] = [2]string{g, y}
		values[p+"_green"], values[p+"_yellow"] = g, y
	}
	if err := s.app.SetGlobalBands(r.Context(), c.Actor, in); err != nil {
		v, verr := s.bandsView(r, c)
		if verr != nil {
			return verr
		}
		return s.formError(w, r, err, func(f views.Form) templ.Component {
			v.Form = f
			return views.BandsPage(s.shell(r, c, "Global Color Bands"), v)
		}, values)
	}
	return s.defaultsRedirect(w, r, c, "/admin/bands", "saved")
}
