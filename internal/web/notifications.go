package web

import (
	"net/http"

	"yardstick/internal/web/views"
)

// Notifications (issue 15): the member's own notification history, which
// the header's bell links to, and marking it read. A member needs no
// permission for its own; another instance's are out of reach since both
// routes name the member's instance.

var notificationFlashes = map[string]string{
	"read": "Notifications marked as read.",
}

func (s *Server) notificationsPage(w http.ResponseWriter, r *http.Request, c *req) error {
	v, err := s.app.Notifications(r.Context(), c.Actor)
	if err != nil {
		return err
	}
	sh := s.shell(r, c, "Notifications")
	if msg, ok := flashText(r, notificationFlashes, r.URL.Query().Get("done")); ok {
		sh.Flash = msg
	}
	return s.render(w, r, http.StatusOK, views.Notifications(sh, v, c.Actor.Location()))
}

// notificationsRead marks read up to the newest notification the page
// showed (up_to), so one that came after it stays unread; without up_to,
// all of them.
func (s *Server) notificationsRead(w http.ResponseWriter, r *http.Request, c *req) error {
	upTo, err := formOptInt(r, "up_to", 1, maxID, maxID)
	if err != nil {
		return err
	}
	if err := s.app.MarkNotificationsRead(r.Context(), c.Actor, upTo); err != nil {
		return err
	}
	return back(w, r, c, "/notifications?done=read")
}
