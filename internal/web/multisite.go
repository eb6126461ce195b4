package web

import (
	"net/http"
	"strconv"

	"github.com/a-h/templ"

	"yardstick/internal/app"
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
