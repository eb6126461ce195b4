package web

import (
	"net/http"

	"yardstick/internal/web/views"
)

// instanceDashboard is Administration → Instance dashboard (issue 28,
// point 8; instance.admin).
func (s *Server) instanceDashboard(w http.ResponseWriter, r *http.Request, c *req) error {
	v, err := s.app.InstanceDashboard(r.Context(), c.Actor)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.InstanceDashboard(s.shell(r, c, "Instance dashboard"), v))
}

// scorecardScores is a scorecard's scores breakdown page (issue 28,
// point 7), linked from the Scorecards list.
func (s *Server) scorecardScores(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.app.ScorecardScores(r.Context(), c.Actor, id)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.ScoresPage(s.termShell(r, c, "Accountability scores"), v))
}
