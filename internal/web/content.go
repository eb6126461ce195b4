package web

import (
	"net/http"

	"yardstick/internal/web/views"
)

// back redirects to a page of the instance after a successful POST.
func back(w http.ResponseWriter, r *http.Request, c *req, path string) error {
	http.Redirect(w, r, "/i/"+c.Actor.Instance.Code+path, http.StatusSeeOther)
	return nil
}

func (s *Server) flash(r *http.Request, sh views.Shell) views.Shell {
	if msg, ok := noteFlashes[r.URL.Query().Get("done")]; ok {
		sh.Flash = msg
		return sh
	}
	switch r.URL.Query().Get("done") {
	case "saved":
		sh.Flash = "Saved."
	case "saved-email":
		sh.Flash = "Saved. The email changes when the new address confirms it: we sent it a link, and told the current address."
	case "added":
		sh.Flash = "Added. They were sent a welcome email; choose their permissions and scorecards here."
	case "deleted":
		sh.Flash = "Deleted."
	case "linked":
		sh.Flash = "Linked."
	case "action-linked":
		sh.Flash = "Action linked."
	case "unlinked":
		sh.Flash = "Unlinked. The object itself still exists."
	case "assigned":
		sh.Flash = "Assignments saved."
	}
	return sh
}
