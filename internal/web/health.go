package web

import (
	"context"
	"net/http"
	"time"
)

// healthz answers while the process runs.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request, _ *req) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
	return nil
}

// readyz answers 200 only when the database does.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request, _ *req) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.app.Ready(ctx); err != nil {
		s.logger(r).Warn("not ready", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database unreachable\n"))
		return nil
	}
	w.Write([]byte("ready\n"))
	return nil
}

func (s *Server) metricsPage(w http.ResponseWriter, r *http.Request, _ *req) error {
	s.metricsHandler().ServeHTTP(w, r)
	return nil
}
