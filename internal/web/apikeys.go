package web

import (
	"net/http"

	"yardstick/internal/app"
	"yardstick/internal/web/views"
)

// Administration → API (SPEC §14, instance.admin): the instance's API keys.
// A created key's secret is shown in the answer to the POST itself, never
// in a URL or a redirect, and never again; the page is not cached (every
// response carries Cache-Control: no-store).

// apiKeysFlashes are the flashes a ?saved= value may ask for.
var apiKeysFlashes = map[string]string{"revoked": "The key is revoked: it stops working with the next request."}

func (s *Server) apiKeysView(r *http.Request, c *req) (views.APIKeysView, error) {
	page, err := s.app.APIKeys(r.Context(), c.Actor)
	if err != nil {
		return views.APIKeysView{}, err
	}
	return views.APIKeysView{Page: page, Loc: usersLocation(c), Chosen: map[string]bool{}, Picked: map[int64]bool{}}, nil
}

func (s *Server) apiKeysShell(r *http.Request, c *req) views.Shell {
	sh := s.shell(r, c, "API keys")
	sh.Flash = apiKeysFlashes[r.URL.Query().Get("saved")]
	return sh
}

func (s *Server) apiKeysPage(w http.ResponseWriter, r *http.Request, c *req) error {
	v, err := s.apiKeysView(r, c)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.APIKeysPage(s.apiKeysShell(r, c), v))
}

// apiKeyCreate makes a key and shows its secret once. A refusal
// (Invalid, Forbidden beyond the creator's permissions, Conflict at the
// key limit) re-renders the form with what was typed; internal/app records
// a Forbidden one as it maps the error (Outcome).
func (s *Server) apiKeyCreate(w http.ResponseWriter, r *http.Request, c *req) error {
	in := app.APIKeyInput{Name: r.PostFormValue("name"), Expires: r.PostFormValue("expires"), Permissions: r.PostForm["perm"],
		Scorecards: r.PostForm["scorecard"]}
	nk, err := s.app.CreateAPIKey(r.Context(), c.Actor, in)
	if err != nil {
		e, ok := app.AsError(err)
		if !ok || e.Kind == app.NotFound {
			return err
		}
		e = s.app.Outcome(r.Context(), c.Actor, s.routeRef(r), err)
		v, verr := s.apiKeysView(r, c)
		if verr != nil {
			return verr
		}
		v.Add = views.Form{Values: map[string]string{"name": in.Name, "expires": in.Expires}, Errors: e.Fields, Msg: e.Msg}
		for _, p := range in.Permissions {
			v.Chosen[p] = true
		}
		for _, sc := range in.Scorecards {
			if id, ok := parseWhole(sc, 1, maxID); ok {
				v.Picked[id] = true
			}
		}
		return s.render(w, r, statusOf(e.Kind), views.APIKeysPage(s.shell(r, c, "API keys"), v))
	}
	v, err := s.apiKeysView(r, c)
	if err != nil {
		return err
	}
	v.NewKey = &nk
	return s.render(w, r, http.StatusOK, views.APIKeysPage(s.shell(r, c, "API keys"), v))
}

func (s *Server) apiKeyRevoke(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.app.RevokeAPIKey(r.Context(), c.Actor, id); err != nil {
		if refusal := conflictRefusal(err); refusal != "" {
			v, verr := s.apiKeysView(r, c)
			if verr != nil {
				return verr
			}
			v.Refusal = refusal
			return s.render(w, r, http.StatusConflict, views.APIKeysPage(s.shell(r, c, "API keys"), v))
		}
		return err
	}
	http.Redirect(w, r, views.InstanceURL(&c.Actor.Instance, "/admin/api")+"?saved=revoked", http.StatusSeeOther)
	return nil
}
