package web

import (
	"net/http"
	"strconv"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/web/views"
)

// pathID parses a numeric path value; anything else is NotFound, like a
// missing id.
func pathID(r *http.Request, name string) (int64, error) {
	v, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || v <= 0 {
		return 0, &app.Error{Kind: app.NotFound, Msg: "Not found."}
	}
	return v, nil
}

// formID parses an id from a form field; empty or bad is 0.
func formID(r *http.Request, name string) int64 {
	v, _ := strconv.ParseInt(r.FormValue(name), 10, 64)
	return v
}

// canFor tells the views which controls to offer. It only hides what
// would be refused: every submit is checked again in internal/app.
func canFor(a *app.Actor) views.Can {
	return views.Can{Edit: a.Can(access.ObjectsEdit), Delete: a.Can(access.ObjectsDelete),
		EnterData: a.Can(access.DataEnter), Graphs: a.Can(access.GraphsEdit)}
}

// back redirects to a page of the instance after a successful POST.
func back(w http.ResponseWriter, r *http.Request, c *req, path string) error {
	http.Redirect(w, r, "/i/"+c.Actor.Instance.Code+path, http.StatusSeeOther)
	return nil
}

func (s *Server) flash(r *http.Request, sh views.Shell) views.Shell {
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
	case "unlinked":
		sh.Flash = "Unlinked. The object itself still exists."
	case "assigned":
		sh.Flash = "Assignments saved."
	}
	return sh
}
