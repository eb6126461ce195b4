package web

import (
	"net/http"
	"slices"

	"yardstick/internal/app"
	"yardstick/internal/web/views"
)

// The signed-in account's own pages (SPEC §2, §9): /account for name and
// time zone, and per instance /i/{code}/preferences for notifications and
// favourites.

// accountZones are the time zones the account page offers; the account's
// own zone is added when it is another.
var accountZones = []string{
	"UTC",
	"America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
	"America/Anchorage", "Pacific/Honolulu", "America/Halifax", "America/Toronto", "America/Vancouver",
	"America/Mexico_City", "America/Sao_Paulo", "America/Bogota",
	"Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Paris", "Europe/Berlin", "Europe/Amsterdam",
	"Europe/Madrid", "Europe/Rome", "Europe/Stockholm", "Europe/Warsaw", "Europe/Athens", "Europe/Istanbul",
	"Africa/Johannesburg", "Africa/Lagos", "Africa/Nairobi",
	"Asia/Dubai", "Asia/Kolkata", "Asia/Singapore", "Asia/Shanghai", "Asia/Hong_Kong", "Asia/Tokyo", "Asia/Seoul",
	"Australia/Perth", "Australia/Brisbane", "Australia/Adelaide", "Australia/Sydney", "Australia/Melbourne",
	"Pacific/Auckland",
}

// accountZonesWith returns the offered zones plus any of extra not among them, so
// a select never silently shows another zone than the stored or typed one.
func accountZonesWith(extra ...string) []string {
	out := slices.Clone(accountZones)
	for _, z := range extra {
		if z != "" && !slices.Contains(out, z) {
			out = append(out, z)
		}
	}
	return out
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request, c *req) error {
	a := c.Session.Account
	form := views.Form{Values: map[string]string{"name": a.Name, "time_zone": a.TimeZone}}
	sh := s.flash(r, s.shell(r, c, "Account"))
	if r.URL.Query().Get("done") == "email" {
		sh.Flash = "We sent a link to the new address. Your email changes when you follow it."
	}
	return s.renderAccount(w, r, c, http.StatusOK, form, views.Form{}, sh)
}

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, c *req, status int, form, emailForm views.Form, sh views.Shell) error {
	list, err := s.app.MyInstances(r.Context(), c.Session.Account.ID)
	if err != nil {
		return err
	}
	pending, err := s.app.PendingEmail(r.Context(), c.Session.Account.ID)
	if err != nil {
		return err
	}
	if form.Values == nil {
		form.Values = map[string]string{"name": c.Session.Account.Name, "time_zone": c.Session.Account.TimeZone}
	}
	v := views.AccountView{Form: form, EmailForm: emailForm, Email: c.Session.Account.Email, PendingEmail: pending, Instances: list,
		Zones: accountZonesWith(c.Session.Account.TimeZone, form.V("time_zone"))}
	return s.render(w, r, status, views.AccountPage(sh, v))
}

// accountEmail asks for a change of the signed-in account's email.
func (s *Server) accountEmail(w http.ResponseWriter, r *http.Request, c *req) error {
	newEmail := r.PostFormValue("new_email")
	if err := s.app.ChangeEmail(r.Context(), *c.Session, newEmail, r.PostFormValue("email_password"), c.Client); err != nil {
		e, ok := app.AsError(err)
		if !ok || e.Kind != app.Invalid {
			return err
		}
		form := views.Form{Values: map[string]string{"new_email": newEmail}, Errors: e.Fields, Msg: e.Msg}
		return s.renderAccount(w, r, c, statusOf(e.Kind), views.Form{}, form, s.shell(r, c, "Account"))
	}
	http.Redirect(w, r, "/account?done=email", http.StatusSeeOther)
	return nil
}

func (s *Server) accountSave(w http.ResponseWriter, r *http.Request, c *req) error {
	name, tz := r.PostFormValue("name"), r.PostFormValue("time_zone")
	if err := s.app.UpdateProfile(r.Context(), *c.Session, name, tz); err != nil {
		e, ok := app.AsError(err)
		if !ok || e.Kind != app.Invalid {
			return err
		}
		form := views.Form{Values: map[string]string{"name": name, "time_zone": tz}, Errors: e.Fields, Msg: e.Msg}
		return s.renderAccount(w, r, c, statusOf(e.Kind), form, views.Form{}, s.shell(r, c, "Account"))
	}
	http.Redirect(w, r, "/account?done=saved", http.StatusSeeOther)
	return nil
}

func (s *Server) preferencesPage(w http.ResponseWriter, r *http.Request, c *req) error {
	m := c.Actor.Membership
	return s.renderPreferences(w, r, c, http.StatusOK, views.PreferencesView{
		DigestWeekly: m.DigestWeekly, DigestMonthly: m.DigestMonthly, ActionEmails: m.ActionEmails,
	}, nil, s.flash(r, s.shell(r, c, "Preferences")))
}

func (s *Server) renderPreferences(w http.ResponseWriter, r *http.Request, c *req, status int, v views.PreferencesView, remove []int64, sh views.Shell) error {
	favs, err := s.app.Favorites(r.Context(), c.Actor)
	if err != nil {
		return err
	}
	for _, f := range favs {
		v.Favorites = append(v.Favorites, views.PreferenceFavorite{Favorite: f, Remove: slices.Contains(remove, f.Measure.ID)})
	}
	return s.render(w, r, status, views.PreferencesPage(sh, v))
}

func (s *Server) preferencesSave(w http.ResponseWriter, r *http.Request, c *req) error {
	_ = r.ParseForm()
	p := app.Preferences{
		DigestWeekly:    r.PostForm.Get("digest_weekly") == "1",
		DigestMonthly:   r.PostForm.Get("digest_monthly") == "1",
		ActionEmails:    r.PostForm.Get("action_emails") == "1",
		RemoveFavorites: formIDs(r.PostForm["fav_remove"]),
	}
	if err := s.app.SavePreferences(r.Context(), c.Actor, p); err != nil {
		e, ok := app.AsError(err)
		if !ok || (e.Kind != app.Invalid && e.Kind != app.Conflict) {
			return err
		}
		v := views.PreferencesView{Form: views.Form{Errors: e.Fields, Msg: e.Msg},
			DigestWeekly: p.DigestWeekly, DigestMonthly: p.DigestMonthly, ActionEmails: p.ActionEmails}
		return s.renderPreferences(w, r, c, statusOf(e.Kind), v, p.RemoveFavorites, s.shell(r, c, "Preferences"))
	}
	return back(w, r, c, "/preferences?done=saved")
}
