package web

import (
	"context"
	"net/http"
	"net/url"

	"yardstick/internal/app"
	"yardstick/internal/web/views"
)

// History tabs (issue 28, point 9): a scorecard's, container's or
// measure's changes from the activity log, newest first, a page at a time.

func (s *Server) scorecardHistory(w http.ResponseWriter, r *http.Request, c *req) error {
	return s.history(w, r, c, "/scorecards/", s.app.ScorecardHistory)
}

func (s *Server) objectHistory(w http.ResponseWriter, r *http.Request, c *req) error {
	return s.history(w, r, c, "/objects/", s.app.ObjectHistory)
}

func (s *Server) history(w http.ResponseWriter, r *http.Request, c *req, kind string,
	read func(ctx context.Context, actor *app.Actor, id int64, after string) (app.HistoryView, error)) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	after := r.URL.Query().Get("after")
	v, err := read(r.Context(), c.Actor, id, after)
	if err != nil {
		return err
	}
	base := "/i/" + c.Actor.Instance.Code + kind + r.PathValue("id")
	d := views.HistoryData{View: v, ObjectURL: base}
	if v.Page.Next != "" {
		d.NextURL = base + "/history?" + url.Values{"after": {v.Page.Next}}.Encode()
	}
	if after != "" {
		d.FirstURL = base + "/history"
	}
	return s.render(w, r, http.StatusOK, views.HistoryPage(s.shell(r, c, "History of "+v.Title), d))
}
