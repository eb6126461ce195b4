package web

import (
	"net/http"
	"strings"

	"yardstick/internal/model"
	"yardstick/internal/web/views"
)

// root sends a visitor where they belong: setup on a new deployment,
// sign-in when signed out, the only instance's dashboard, or the list.
func (s *Server) root(w http.ResponseWriter, r *http.Request, c *req) error {
	if c.Session == nil {
		open, err := s.app.NeedsSetup(r.Context())
		if err != nil {
			return err
		}
		if open {
			http.Redirect(w, r, "/setup", http.StatusSeeOther)
		} else {
			http.Redirect(w, r, "/login", http.StatusSeeOther)
		}
		return nil
	}
	if c.Session.Account.PasswordTemporary {
		return errMustChangePassword
	}
	// Invitations waiting for an answer come first: the mail sends the
	// person to sign in, and this is where signing in lands.
	invited, err := s.app.Invitations(r.Context(), *c.Session)
	if err != nil {
		return err
	}
	list, err := s.app.MyInstances(r.Context(), c.Session.Account.ID)
	if err != nil {
		return err
	}
	if len(invited) > 0 || len(list) == 0 {
		http.Redirect(w, r, "/invitations", http.StatusSeeOther)
		return nil
	}
	if len(list) == 1 {
		http.Redirect(w, r, "/i/"+list[0].Code+"/", http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, "/instances", http.StatusSeeOther)
	return nil
}

// instances is the instance switcher's search without JavaScript.
func (s *Server) instances(w http.ResponseWriter, r *http.Request, c *req) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	list, err := s.app.MyInstances(r.Context(), c.Session.Account.ID)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.Instances(s.shell(r, c, "Your instances"), q, filterInstances(list, q)))
}

func filterInstances(list []model.MemberInstance, q string) []model.MemberInstance {
	if q == "" {
		return list
	}
	q = strings.ToLower(q)
	var out []model.MemberInstance
	for _, in := range list {
		if strings.Contains(strings.ToLower(in.Name), q) || strings.Contains(strings.ToLower(in.Code), q) {
			out = append(out, in)
		}
	}
	return out
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request, c *req) error {
	v, err := s.app.Dashboard(r.Context(), c.Actor)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.Dashboard(s.shell(r, c, "Dashboard"), v))
}
