package web

import (
	"net/http"

	"yardstick/internal/web/views"
)

// Invitations are answered by the invited person, signed in to their own
// account (SPEC §4): /invitations lists them, accept and decline are
// POSTs. Another account's invitation is 404, like a missing one.

func (s *Server) invitationsPage(w http.ResponseWriter, r *http.Request, c *req) error {
	list, err := s.app.Invitations(r.Context(), *c.Session)
	if err != nil {
		return err
	}
	sh := s.shell(r, c, "Invitations")
	if r.URL.Query().Get("done") == "declined" {
		sh.Flash = "Invitation declined."
	}
	return s.render(w, r, http.StatusOK, views.Invitations(sh, list))
}

func (s *Server) invitationAnswer(accept bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, c *req) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		code, err := s.app.AnswerInvitation(r.Context(), *c.Session, id, accept, c.Client)
		if err != nil {
			return err
		}
		if accept {
			http.Redirect(w, r, "/i/"+code+"/", http.StatusSeeOther)
		} else {
			http.Redirect(w, r, "/invitations?done=declined", http.StatusSeeOther)
		}
		return nil
	}
}

// emailConfirmForm shows a button rather than changing the email on GET.
func (s *Server) emailConfirmForm(w http.ResponseWriter, r *http.Request, c *req) error {
	token := r.PathValue("token")
	noReferrer(w)
	newEmail, err := s.app.CheckEmailChange(r.Context(), token)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.ConfirmEmail(s.shell(r, c, "Confirm your new email"), newEmail, "/email/"+token))
}

func (s *Server) emailConfirmSubmit(w http.ResponseWriter, r *http.Request, c *req) error {
	noReferrer(w)
	newEmail, err := s.app.ConfirmEmailChange(r.Context(), r.PathValue("token"), c.Client)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.EmailConfirmed(s.shell(r, c, "Email changed"), newEmail))
}
