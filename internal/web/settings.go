package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/a-h/templ"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/terms"
	"yardstick/internal/web/views"
)

// General Settings, Common Terms, the Administration page and the Compyle
// link (issue 18, SPEC §13).

// adminPage lists every Administration page the member may open, grouped,
// from the route table (the menu's own list).
func (s *Server) adminPage(w http.ResponseWriter, r *http.Request, c *req) error {
	return s.render(w, r, http.StatusOK, views.AdminPage(s.shell(r, c, "Administration"), s.adminMenu(c.Actor)))
}

func (s *Server) settingsPage(w http.ResponseWriter, r *http.Request, c *req) error {
	v, err := s.app.Settings(r.Context(), c.Actor)
	if err != nil {
		return err
	}
	in := v.Instance
	f := views.Form{Values: map[string]string{"name": in.Name, "time_zone": in.TimeZone, "data_period": in.DataPeriod,
		"welcome_mode": in.WelcomeMode, "message": v.Message}}
	return s.render(w, r, http.StatusOK, s.settingsView(r, c, v, f))
}

func (s *Server) settingsView(r *http.Request, c *req, v app.SettingsView, f views.Form) templ.Component {
	sh := s.editorShell(r, c, "General Settings")
	sh.Flash = defaultsFlashes[r.URL.Query().Get("saved")]
	return views.SettingsPage(sh, views.SettingsData{View: v, Form: f, Zones: accountZonesWith(f.V("time_zone"), v.Instance.TimeZone)})
}

func (s *Server) settingsSave(w http.ResponseWriter, r *http.Request, c *req) error {
	in := app.SettingsInput{Name: r.PostFormValue("name"), TimeZone: r.PostFormValue("time_zone"), DataPeriod: r.PostFormValue("data_period"),
		WelcomeMode: r.PostFormValue("welcome_mode"), Message: r.PostFormValue("message")}
	if err := s.app.SaveSettings(r.Context(), c.Actor, in); err != nil {
		return s.settingsRefused(w, r, c, err, &in)
	}
	return s.defaultsRedirect(w, r, c, "/admin/settings", "saved")
}

// settingsRefused shows the page again with a refusal's messages, and
// what was typed (in), or the saved settings when the logo was refused.
func (s *Server) settingsRefused(w http.ResponseWriter, r *http.Request, c *req, err error, in *app.SettingsInput) error {
	v, verr := s.app.Settings(r.Context(), c.Actor)
	if verr != nil {
		return verr
	}
	if in == nil {
		in = &app.SettingsInput{Name: v.Instance.Name, TimeZone: v.Instance.TimeZone, DataPeriod: v.Instance.DataPeriod,
			WelcomeMode: v.Instance.WelcomeMode, Message: v.Message}
	}
	values := map[string]string{"name": in.Name, "time_zone": in.TimeZone, "data_period": in.DataPeriod, "welcome_mode": in.WelcomeMode, "message": in.Message}
	return s.formError(w, r, err, func(f views.Form) templ.Component { return s.settingsView(r, c, v, f) }, values)
}

// logoUpload reads the logo file: the body is cut off a little above the
// logo's limit, so a huge upload is refused, not buffered.
func (s *Server) logoUpload(w http.ResponseWriter, r *http.Request, c *req) error {
	refuse := func(err error) error { return s.settingsRefused(w, r, c, err, nil) }
	if err := c.Actor.Require(access.Settings); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, app.MaxLogoBytes+64<<10)
	file, _, err := r.FormFile("logo")
	if err != nil {
		msg := "Choose a PNG or JPEG file for the logo."
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			msg = "The logo file is larger than 1 MB; choose a smaller one."
		}
		return refuse(&app.Error{Kind: app.Invalid, Msg: msg, Fields: map[string]string{"logo": msg}})
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, app.MaxLogoBytes+1))
	if err != nil {
		return err
	}
	if err := s.app.SetLogo(r.Context(), c.Actor, data); err != nil {
		return refuse(err)
	}
	return s.defaultsRedirect(w, r, c, "/admin/settings", "logo")
}

func (s *Server) logoDelete(w http.ResponseWriter, r *http.Request, c *req) error {
	if err := s.app.RemoveLogo(r.Context(), c.Actor); err != nil {
		return err
	}
	return s.defaultsRedirect(w, r, c, "/admin/settings", "logo-removed")
}

// logo serves the instance's logo to its members. Its URL carries the
// logo's version, so a browser may keep it.
func (s *Server) logo(w http.ResponseWriter, r *http.Request, c *req) error {
	l, err := s.app.InstanceLogo(r.Context(), c.Actor)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", l.ContentType)
	h.Set("Content-Length", strconv.Itoa(len(l.Body)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, max-age=31536000, immutable")
	_, err = w.Write(l.Body)
	return err
}

func (s *Server) termsPage(w http.ResponseWriter, r *http.Request, c *req) error {
	v, err := s.app.CommonTerms(r.Context(), c.Actor)
	if err != nil {
		return err
	}
	f := views.Form{Values: map[string]string{}}
	for _, row := range v.Rows {
		f.Values[row.Default.ID+"_one"], f.Values[row.Default.ID+"_many"] = row.One, row.Many
	}
	sh := s.defaultsShell(r, c, "Common Terms")
	return s.render(w, r, http.StatusOK, views.TermsPage(sh, v, f))
}

func (s *Server) termsSave(w http.ResponseWriter, r *http.Request, c *req) error {
	in := terms.Overrides{}
	values := map[string]string{}
	reset := r.PostFormValue("reset")
	for _, k := range terms.All() {
		id := terms.Default(k).ID
		one, many := r.PostFormValue(id+"_one"), r.PostFormValue(id+"_many")
		if reset == id || reset == "all" {
			one, many = "", ""
		}
		in[id] = [2]string{one, many}
		values[id+"_one"], values[id+"_many"] = one, many
	}
	if err := s.app.SaveTerms(r.Context(), c.Actor, in); err != nil {
		v, verr := s.app.CommonTerms(r.Context(), c.Actor)
		if verr != nil {
			return verr
		}
		return s.formError(w, r, err, func(f views.Form) templ.Component {
			return views.TermsPage(s.shell(r, c, "Common Terms"), v, f)
		}, values)
	}
	return s.defaultsRedirect(w, r, c, "/admin/terms", "saved")
}

// compyle sends a member with Compyle Access to the operator's Compyle
// app; without an address configured there is nothing to open.
func (s *Server) compyle(w http.ResponseWriter, r *http.Request, c *req) error {
	if s.cfg.CompyleURL == "" {
		return &app.Error{Kind: app.NotFound, Msg: "No Compyle address is configured for this site."}
	}
	http.Redirect(w, r, s.cfg.CompyleURL, http.StatusSeeOther)
	return nil
}
