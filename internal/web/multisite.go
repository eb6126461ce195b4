package web

import (
	"net/http"
	"strconv"

	"github.com/a-h/templ"

	"yardstick/internal/app"
	"yardstick/internal/terms"
	"yardstick/internal/web/views"
)

// Multi-Site Tools (issue 22): the children of this instance, creating
// one, and adding an administrator of this instance to children. The
// rules are in internal/app (multisite.go).

func (s *Server) multiSiteView(r *http.Request, c *req, child, admin views.Form) (views.MultiSiteData, error) {
	v, err := s.app.MultiSitePage(r.Context(), c.Actor)
	d := views.MultiSiteData{View: v, Child: child, Admin: admin}
	switch r.URL.Query().Get("done") {
	case "created":
		d.Done = "The child instance was created; its first administrator has been emailed."
	case "added":
		added, _ := parseWhole(r.URL.Query().Get("added"), 0, 1000)
		already, _ := parseWhole(r.URL.Query().Get("already"), 0, 1000)
		d.Done = "The administrator joined " + strconv.FormatInt(added, 10) + " child instance(s); was a member of " + strconv.FormatInt(already, 10) + " already."
	}
	return d, err
}

func (s *Server) multiSitePage(w http.ResponseWriter, r *http.Request, c *req) error {
	d, err := s.multiSiteView(r, c, views.Form{}, views.Form{})
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.MultiSitePage(s.shell(r, c, "Multi-Site Tools"), d))
}

func (s *Server) multiSiteRedirect(w http.ResponseWriter, r *http.Request, c *req, query string) error {
	http.Redirect(w, r, views.InstanceURL(&c.Actor.Instance, "/admin/multisite")+"?"+query, http.StatusSeeOther)
	return nil
}

func (s *Server) multiSiteCreateChild(w http.ResponseWriter, r *http.Request, c *req) error {
	in := app.NewChild{Code: r.PostFormValue("code"), Name: r.PostFormValue("name"), AdminEmail: r.PostFormValue("email")}
	if _, err := s.app.CreateChild(r.Context(), c.Actor, in); err != nil {
		return s.formError(w, r, err, func(f views.Form) templ.Component {
			d, _ := s.multiSiteView(r, c, f, views.Form{})
			return views.MultiSitePage(s.shell(r, c, "Multi-Site Tools"), d)
		}, map[string]string{"code": in.Code, "name": in.Name, "email": in.AdminEmail})
	}
	return s.multiSiteRedirect(w, r, c, "done=created")
}

func (s *Server) multiSiteAddAdmin(w http.ResponseWriter, r *http.Request, c *req) error {
	admin, child := r.PostFormValue("admin"), r.PostFormValue("child")
	id, _ := formID(r, "admin") // a bad id is no administrator: the app says so on the field
	res, err := s.app.AddAdminToChildren(r.Context(), c.Actor, id, child)
	if err != nil {
		return s.formError(w, r, err, func(f views.Form) templ.Component {
			d, _ := s.multiSiteView(r, c, views.Form{}, f)
			return views.MultiSitePage(s.shell(r, c, "Multi-Site Tools"), d)
		}, map[string]string{"admin": admin, "child": child})
	}
	return s.multiSiteRedirect(w, r, c, "done=added&added="+strconv.Itoa(len(res.Added))+"&already="+strconv.Itoa(len(res.Already)))
}

// The copy pages: Copy scorecard (within the instance, from the
// scorecard's page) and the Multi-Site Tools copy (to children, or from a
// child). Both preview first; the copy then writes what was previewed.

func copyOptions(r *http.Request) (app.CopyOptions, map[string]string) {
	o := app.CopyOptions{Title: r.PostFormValue("title"), Mode: r.PostFormValue("mode"), Data: r.PostFormValue("data"),
		Notes: r.PostFormValue("notes") == "1"}
	notes := ""
	if o.Notes {
		notes = "1"
	}
	return o, map[string]string{"title": o.Title, "mode": o.Mode, "data": o.Data, "notes": notes}
}

func (s *Server) scorecardCopyForm(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	sc, err := s.app.Scorecard(r.Context(), c.Actor, id)
	if err != nil {
		return err
	}
	// Asked now, so a member who may not copy learns it before filling the form.
	if _, err := s.app.PreviewScorecardCopy(r.Context(), c.Actor, id, app.CopyOptions{}); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.ScorecardCopyPage(s.termShell(r, c, "Copy {scorecard:lower}"), views.ScorecardCopyData{Scorecard: sc}))
}

func (s *Server) scorecardCopy(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	sc, err := s.app.Scorecard(r.Context(), c.Actor, id)
	if err != nil {
		return err
	}
	opts, values := copyOptions(r)
	page := func(f views.Form) templ.Component {
		return views.ScorecardCopyPage(s.termShell(r, c, "Copy {scorecard:lower}"), views.ScorecardCopyData{Scorecard: sc, Form: f})
	}
	if r.PostFormValue("step") == "copy" {
		made, _, err := s.app.CopyScorecard(r.Context(), c.Actor, id, opts)
		if err != nil {
			return s.formError(w, r, err, page, values)
		}
		http.Redirect(w, r, views.InstanceURL(&c.Actor.Instance, "/scorecards/"+strconv.FormatInt(made.ID, 10)), http.StatusSeeOther)
		return nil
	}
	p, err := s.app.PreviewScorecardCopy(r.Context(), c.Actor, id, opts)
	if err != nil {
		return s.formError(w, r, err, page, values)
	}
	return s.render(w, r, http.StatusOK, views.ScorecardCopyPage(s.termShell(r, c, "Copy {scorecard:lower}"),
		views.ScorecardCopyData{Scorecard: sc, Form: views.Form{Values: values}, Plan: &p}))
}

func (s *Server) siteCopyData(r *http.Request, c *req, from string, f views.Form) (views.SiteCopyData, error) {
	ch, err := s.app.SiteCopyForm(r.Context(), c.Actor, from)
	d := views.SiteCopyData{From: from, Children: ch.Children, Sources: ch.Sources, Form: f, Chosen: map[string]bool{}}
	if r.Method == http.MethodPost {
		for _, code := range r.PostForm["to"] {
			d.Chosen[code] = true
		}
	}
	return d, err
}

func (s *Server) siteCopyPage(w http.ResponseWriter, r *http.Request, c *req) error {
	d, err := s.siteCopyData(r, c, r.URL.Query().Get("from"), views.Form{})
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.SiteCopyPage(s.termShell(r, c, "Copy {scorecard:lowmany}"), d))
}

func (s *Server) siteCopy(w http.ResponseWriter, r *http.Request, c *req) error {
	from := r.PostFormValue("from")
	opts, values := copyOptions(r)
	scID, _ := formID(r, "scorecard") // 0 is no scorecard: the app answers Not found, shown on the field
	values["scorecard"] = r.PostFormValue("scorecard")
	values["all"] = r.PostFormValue("all")
	in := app.SiteCopy{From: from, ScorecardID: scID, To: r.PostForm["to"], AllChildren: r.PostFormValue("all") == "1", Options: opts}
	page := func(f views.Form) templ.Component {
		d, _ := s.siteCopyData(r, c, from, f)
		return views.SiteCopyPage(s.termShell(r, c, "Copy {scorecard:lowmany}"), d)
	}
	var res []app.SiteCopyResult
	var err error
	ran := r.PostFormValue("step") == "copy"
	if ran {
		res, err = s.app.RunSiteCopy(r.Context(), c.Actor, in)
	} else {
		res, err = s.app.PreviewSiteCopy(r.Context(), c.Actor, in)
	}
	if app.KindOf(err) == app.NotFound && from == "" || app.KindOf(err) == app.NotFound && scID == 0 {
		err = &app.Error{Kind: app.Invalid, Msg: "Please correct the highlighted fields.",
			Fields: map[string]string{"scorecard": terms.From(r.Context()).Expand("Choose a {scorecard:lower} from the list.")}}
	}
	if err != nil {
		return s.formError(w, r, err, page, values)
	}
	d, err := s.siteCopyData(r, c, from, views.Form{Values: values})
	if err != nil {
		return err
	}
	d.Results, d.Ran = res, ran
	return s.render(w, r, http.StatusOK, views.SiteCopyPage(s.termShell(r, c, "Copy {scorecard:lowmany}"), d))
}
