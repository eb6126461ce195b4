package web

import (
	"net/http"

	"yardstick/internal/app"
	"yardstick/internal/terms"
	"yardstick/internal/web/views"
)

// A digest's unsubscribe link, /unsubscribe/{token} (issue 15): public,
// since whoever holds the mail holds the link.
//
// GET shows what the link stops and a button, and changes nothing: mail
// scanners and link previews fetch links. POST turns the digest off.
//
// The same POST is RFC 8058's one-click unsubscribe: a mail provider
// posts "List-Unsubscribe=One-Click" (URL-encoded or multipart, the
// RFC's preference) from its own servers, with no cookie. The route
// therefore takes a small multipart form (route.Multipart) and is exempt
// from the cross-origin protection (server.go). The protection guards
// what a browser's cookie lets a request do; this route's authority is
// the token in its path alone (the session a public page reads only
// names who is signed in, in the header), so a cross-site post can do
// nothing that posting the link directly would not. The body's field is
// not read: the form's button and the one-click post do the same.

func (s *Server) unsubscribeForm(w http.ResponseWriter, r *http.Request, c *req) error {
	noReferrer(w)
	token := r.PathValue("token")
	v, err := s.app.UnsubscribeInfo(r.Context(), token)
	if err != nil {
		return err
	}
	r = r.WithContext(terms.With(r.Context(), v.Words))
	if v.Used {
		return s.render(w, r, http.StatusOK, views.UnsubscribeDone(s.shell(r, c, "Link already used"), v))
	}
	return s.render(w, r, http.StatusOK, views.UnsubscribeConfirm(s.shell(r, c, "Stop the "+v.Kind+" digest"), v, "/unsubscribe/"+token))
}

func (s *Server) unsubscribeSubmit(w http.ResponseWriter, r *http.Request, c *req) error {
	noReferrer(w)
	v, err := s.app.Unsubscribe(r.Context(), r.PathValue("token"), c.Client)
	if err != nil {
		return err
	}
	r = r.WithContext(terms.With(r.Context(), v.Words))
	return s.render(w, r, http.StatusOK, views.UnsubscribeDone(s.shell(r, c, unsubscribeTitle(v)), v))
}

func unsubscribeTitle(v app.UnsubscribeView) string {
	if v.Used {
		return "Link already used"
	}
	return "The " + v.Kind + " digest is off"
}
