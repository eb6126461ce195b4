package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"yardstick/internal/app"
	"yardstick/internal/web/views"
)

// The Gantt chart of actions (issue 14): the page, and the change a drag
// or a row of its table saves, through the action form's use case.

// ganttQuery reads the chart's zoom, range and host (on=scorecards|objects,
// id=…).
func ganttQuery(get func(string) string) (app.GanttQuery, error) {
	on, hostID, err := actionHostOf(get)
	return app.GanttQuery{On: on, HostID: hostID, Zoom: get("zoom"), From: get("from"), To: get("to")}, err
}

func (s *Server) ganttPage(w http.ResponseWriter, r *http.Request, c *req) error {
	q := r.URL.Query()
	qy, err := ganttQuery(q.Get)
	if err != nil {
		return err
	}
	v, err := s.app.Gantt(r.Context(), c.Actor, qy)
	status, form := http.StatusOK, views.Form{}
	if e, ok := app.AsError(err); ok && e.Kind == app.Invalid {
		// The refused settings with their messages, and no chart.
		status = http.StatusUnprocessableEntity
		form = views.Form{Errors: e.Fields, Msg: e.Msg, Values: map[string]string{"from": qy.From, "to": qy.To}}
	} else if err != nil {
		return err
	}
	sh := s.shell(r, c, "Gantt chart")
	sh.ExtraCSS, sh.ExtraJS = []string{s.assets.URL("gantt.css")}, []string{s.assets.URL("gantt.js")}
	if q.Get("done") == "schedule-saved" {
		sh.Flash, _ = flashText(r, actionFlashes, "action-saved")
	}
	return s.render(w, r, status, views.GanttPage(sh, v, form))
}

// scheduleReply is what gantt.js reads after a change.
type scheduleReply struct {
	OK      bool              `json:"ok"`
	Message string            `json:"message,omitempty"`
	Fields  map[string]string `json:"fields,omitempty"`
	Version int               `json:"version,omitempty"`
	Start   string            `json:"start"`
	End     string            `json:"end"`
	Percent int               `json:"percent"`
}

// actionSchedule saves new dates and percent complete of an action from
// the Gantt chart: gantt.js asks for JSON; a row's form without
// JavaScript is sent back to the chart, or to the action's form with the
// refused fields marked.
func (s *Server) actionSchedule(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	in := app.ScheduleInput{StartDate: r.PostFormValue("start_date"), EndDate: r.PostFormValue("end_date"), Percent: r.PostFormValue("percent")}
	version, err := formVersion(r)
	var saved struct {
		version, percent int
		start, end       string
	}
	if err == nil {
		x, uerr := s.app.ScheduleAction(r.Context(), c.Actor, id, int(version), in)
		saved.version, saved.percent, saved.start, saved.end, err = x.Version, x.Percent, x.StartDate, x.EndDate, uerr
	}
	if strings.Contains(r.Header.Get("Accept"), "application/json") {
		reply, status := scheduleReply{OK: err == nil, Version: saved.version, Start: saved.start, End: saved.end, Percent: saved.percent}, http.StatusOK
		if err != nil {
			e, ok := app.AsError(err)
			if !ok {
				return err
			}
			reply = scheduleReply{Message: e.Msg, Fields: e.Fields}
			status = statusOf(e.Kind)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		return json.NewEncoder(w).Encode(reply)
	}
	if e, ok := app.AsError(err); ok && e.Kind == app.Invalid {
		f := views.Form{Values: s.scheduleValues(r, c, id, in), Errors: e.Fields, Msg: e.Msg}
		return s.actionForm(w, r, c, statusOf(e.Kind), "Edit {action:lower}", f, id)
	} else if err != nil {
		return err
	}
	return back(w, r, c, "/actions/gantt?"+ganttBack(r.PostFormValue("back")))
}

// scheduleValues fills the action form after a refused change from the
// chart: the action as it is, with the dates and percent that were sent.
func (s *Server) scheduleValues(r *http.Request, c *req, id int64, in app.ScheduleInput) map[string]string {
	values := map[string]string{"start_date": in.StartDate, "end_date": in.EndDate, "percent": in.Percent, "version": r.PostFormValue("version")}
	if v, err := s.app.Action(r.Context(), c.Actor, id); err == nil {
		x := v.Action
		values["title"], values["description"], values["status"] = x.Title, x.Description, x.Status
		values["assignee"], values["tags"] = x.AssigneeEmail, strings.Join(x.Tags, ", ")
		for _, fv := range v.Fields { // so that saving this form keeps them
			values[app.FieldKey(fv.Field.ID)] = fv.Value
		}
	}
	return values
}

// ganttBack keeps of a chart's query (the way back after a save) only its
// known settings.
func ganttBack(raw string) string {
	q, _ := url.ParseQuery(raw)
	out := url.Values{"done": {"schedule-saved"}}
	for _, k := range []string{"zoom", "from", "to", "on", "id"} {
		if v := q.Get(k); v != "" && len(v) <= 40 {
			out.Set(k, v)
		}
	}
	if _, ok := parseWhole(out.Get("id"), 1, maxID); out.Get("id") != "" && !ok {
		out.Del("id")
		out.Del("on")
	}
	return out.Encode()
}
