package web

import (
	"net/http"

	"github.com/a-h/templ"

	"yardstick/internal/app"
	"yardstick/internal/web/views"
)

// setupForm is open only while the deployment has no instance.
func (s *Server) setupForm(w http.ResponseWriter, r *http.Request, c *req) error {
	open, err := s.app.NeedsSetup(r.Context())
	if err != nil {
		return err
	}
	if !open {
		return &app.Error{Kind: app.NotFound, Msg: "Not found."}
	}
	return s.render(w, r, http.StatusOK, views.Setup(s.shell(r, nil, "Set up"), views.Form{}))
}

func (s *Server) setupSubmit(w http.ResponseWriter, r *http.Request, c *req) error {
	n := app.NewInstance{Code: r.PostFormValue("code"), Name: r.PostFormValue("name"),
		AdminEmail: r.PostFormValue("email"), AdminName: r.PostFormValue("admin_name"), AdminPassword: r.PostFormValue("password")}
	values := map[string]string{"code": n.Code, "name": n.Name, "email": n.AdminEmail, "admin_name": n.AdminName}
	token, out, err := s.app.Setup(r.Context(), n, c.Client)
	if err != nil {
		return s.formError(w, r, err, func(f views.Form) templ.Component {
			return views.Setup(s.shell(r, nil, "Set up"), f)
		}, values)
	}
	s.setSession(w, r, token)
	http.Redirect(w, r, "/i/"+out.Instance.Code+"/", http.StatusSeeOther)
	return nil
}
