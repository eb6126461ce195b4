package web

import (
	"net/http"

	"yardstick/internal/terms"
	"yardstick/internal/web/views"
)

// back redirects to a page of the instance after a successful POST.
func back(w http.ResponseWriter, r *http.Request, c *req, path string) error {
	http.Redirect(w, r, "/i/"+c.Actor.Instance.Code+path, http.StatusSeeOther)
	return nil
}

// contentFlashes are what ?done= may say after a change of content or of
// a member, in the Common Terms' form.
var contentFlashes = map[string]string{
	"saved":         "Saved.",
	"saved-email":   "Saved. The email changes when the new address confirms it: we sent it a link, and told the current address.",
	"added":         "Added. They were sent a welcome email; choose their permissions and {scorecard:lowmany} here.",
	"deleted":       "Deleted.",
	"linked":        "Linked.",
	"action-linked": "{action} linked.",
	"unlinked":      "Unlinked. The object itself still exists.",
	"assigned":      "Assignments saved.",
}

func (s *Server) flash(r *http.Request, sh views.Shell) views.Shell {
	done := r.URL.Query().Get("done")
	if msg, ok := flashText(r, noteFlashes, done); ok {
		sh.Flash = msg
	} else if msg, ok := flashText(r, contentFlashes, done); ok {
		sh.Flash = msg
	}
	return sh
}

// flashText is the fixed flash msgs[key] in the request's words; ok is
// false when msgs has no such key (a URL cannot put text on the page).
func flashText(r *http.Request, msgs map[string]string, key string) (string, bool) {
	msg, ok := msgs[key]
	return terms.From(r.Context()).Expand(msg), ok
}
