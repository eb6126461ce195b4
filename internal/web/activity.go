package web

import (
	"net/http"
	"net/url"

	"yardstick/internal/app"
	"yardstick/internal/web/views"
)

// activityQuery reads the log filter from the URL.
func activityQuery(r *http.Request) app.ActivityQuery {
	q := r.URL.Query()
	return app.ActivityQuery{From: q.Get("from"), To: q.Get("to"), MemberEmail: q.Get("member"), Activity: q.Get("activity"), After: q.Get("after")}
}

// link rebuilds the filter's URL with another cursor.
func activityLink(base string, q app.ActivityQuery, after string) string {
	v := url.Values{"from": {q.From}, "to": {q.To}}
	for k, val := range map[string]string{"member": q.MemberEmail, "activity": q.Activity, "after": after} {
		if val != "" {
			v.Set(k, val)
		}
	}
	return base + "?" + v.Encode()
}

func (s *Server) activityPage(w http.ResponseWriter, r *http.Request, c *req) error {
	q := activityQuery(r)
	base := "/i/" + c.Actor.Instance.Code + "/admin/activity"
	v, err := s.app.ActivityLog(r.Context(), c.Actor, q)
	status, form := http.StatusOK, views.Form{}
	if e, ok := app.AsError(err); ok && e.Kind == app.Invalid {
		// Show the refused filter with its message and no entries.
		status, form = http.StatusUnprocessableEntity, views.Form{Errors: e.Fields, Msg: e.Msg}
		v = app.ActivityView{Query: q, Location: c.Actor.Location()}
	} else if err != nil {
		return err
	}
	d := views.ActivityData{View: v, Types: app.ActivityTypes, Action: base}
	if v.Page.Next != "" {
		d.NextURL = activityLink(base, v.Query, v.Page.Next)
	}
	return s.render(w, r, status, views.ActivityPage(s.shell(r, c, "User Activity"), d, form))
}
