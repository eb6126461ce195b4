package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"yardstick/internal/app"
	"yardstick/internal/export"
	"yardstick/internal/model"
	"yardstick/internal/terms"
	"yardstick/internal/web/views"
)

// Actions (issue 14): the Action Manager, an action's page, its form, its
// status log and to-dos. Visibility and permissions are decided in
// internal/app; the route table states the permission each write needs.

// actionFlashes are what ?done= may say after an action change, in the
// Common Terms' form.
var actionFlashes = map[string]string{
	"action-saved":   "{action} saved.",
	"action-deleted": "{action} deleted.",
	"update-added":   "Status update added.",
	"todo-added":     "{todo:cap} added.",
	"todo-saved":     "{todo:cap} saved.",
	"todo-deleted":   "{todo:cap} deleted.",
	"unlinked":       "Link removed; the {scorecard:lower} or object itself is unchanged.",
}

func actionPath(_ *req, id int64) string { return "/actions/" + strconv.FormatInt(id, 10) }

func actionInput(r *http.Request) (app.ActionInput, map[string]string) {
	in := app.ActionInput{Title: r.PostFormValue("title"), Description: r.PostFormValue("description"),
		StartDate: r.PostFormValue("start_date"), EndDate: r.PostFormValue("end_date"), Status: r.PostFormValue("status"),
		Percent: r.PostFormValue("percent"), Assignee: r.PostFormValue("assignee"), Tags: r.PostFormValue("tags")}
	values := map[string]string{"title": in.Title, "description": in.Description, "start_date": in.StartDate,
		"end_date": in.EndDate, "status": in.Status, "percent": in.Percent, "assignee": in.Assignee, "tags": in.Tags,
		"version": r.PostFormValue("version"), "on": r.PostFormValue("on"), "id": r.PostFormValue("id")}
	// The form always carries the custom fields (an empty map clears them).
	in.Fields = map[int64]string{}
	for k, v := range r.PostForm {
		rest, ok := strings.CutPrefix(k, "field-")
		if !ok || len(v) == 0 {
			continue
		}
		if id, ok := parseWhole(rest, 1, maxID); ok {
			in.Fields[id] = v[0]
			values[k] = v[0]
		}
	}
	return in, values
}

// actionForm renders the new (id 0) or edit form with the instance's
// custom fields.
func (s *Server) actionForm(w http.ResponseWriter, r *http.Request, c *req, status int, title string, f views.Form, id int64) error {
	defs, err := s.app.ActionFormFields(r.Context(), c.Actor)
	if err != nil {
		return err
	}
	sh := s.editorShell(r, c, terms.From(r.Context()).Expand(title))
	return s.render(w, r, status, views.ActionForm(sh, f, id, defs))
}

// actionHostOf reads where a new action is taken (on=scorecards|objects,
// id=…), or none.
func actionHostOf(get func(string) string) (string, int64, error) {
	on := get("on")
	if on == "" {
		return "", 0, nil
	}
	if on != app.OnScorecard && on != app.OnObject {
		return "", 0, &app.Error{Kind: app.NotFound, Msg: "Not found."}
	}
	id, ok := parseWhole(get("id"), 1, maxID)
	if !ok {
		return "", 0, &app.Error{Kind: app.NotFound, Msg: "Not found."}
	}
	return on, id, nil
}

// actionQuery reads the Action Manager's filters.
func actionQuery(r *http.Request) app.ActionQuery {
	q := r.URL.Query()
	on, hostID, _ := actionHostOf(q.Get) // a bad host filter lists nothing more than the others
	return app.ActionQuery{On: on, HostID: hostID, Status: q.Get("status"), Open: q.Get("open") == "1", Mine: q.Get("mine") == "1",
		Assignee: q.Get("assignee"), Tag: q.Get("tag"), From: q.Get("from"), To: q.Get("to"),
		Sort: q.Get("sort"), Desc: q.Get("dir") == "desc", After: q.Get("after")}
}

func (s *Server) actionsPage(w http.ResponseWriter, r *http.Request, c *req) error {
	q := r.URL.Query()
	qy := actionQuery(r)
	list, err := s.app.Actions(r.Context(), c.Actor, qy)
	status, form := http.StatusOK, views.Form{}
	if e, ok := app.AsError(err); ok && e.Kind == app.Invalid {
		// Show the refused filters with their messages and no actions.
		status, form = http.StatusUnprocessableEntity, views.Form{Errors: e.Fields, Msg: e.Msg}
	} else if err != nil {
		return err
	}
	sh := s.flash(r, s.termShell(r, c, "{action} Manager"))
	if msg, ok := flashText(r, actionFlashes, q.Get("done")); ok {
		sh.Flash = msg
	}
	return s.render(w, r, status, views.ActionManager(sh, list, qy, r.URL.Query(), form))
}

func (s *Server) actionNew(w http.ResponseWriter, r *http.Request, c *req) error {
	on, id, err := actionHostOf(r.URL.Query().Get)
	if err != nil {
		return err
	}
	f := views.Form{Values: map[string]string{"status": "Not Started", "percent": "0", "on": on, "id": idText(id)}}
	return s.actionForm(w, r, c, http.StatusOK, "New {action:lower}", f, 0)
}

func idText(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

func (s *Server) actionCreate(w http.ResponseWriter, r *http.Request, c *req) error {
	in, values := actionInput(r)
	on, hostID, err := actionHostOf(r.PostFormValue)
	if err != nil {
		return err
	}
	x, err := s.app.CreateAction(r.Context(), c.Actor, in, on, hostID)
	if e, ok := app.AsError(err); ok && e.Kind == app.Invalid {
		return s.actionForm(w, r, c, http.StatusUnprocessableEntity, "New {action:lower}", views.Form{Values: values, Errors: e.Fields, Msg: e.Msg}, 0)
	} else if err != nil {
		return err
	}
	return back(w, r, c, actionPath(c, x.ID)+"?done=action-saved")
}

func (s *Server) actionPage(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.actionPageWith(w, r, c, id, http.StatusOK, views.Form{})
}

// actionPageWith renders an action's page, with a refused status update's
// or to-do's text and message.
func (s *Server) actionPageWith(w http.ResponseWriter, r *http.Request, c *req, id int64, status int, f views.Form) error {
	v, err := s.app.Action(r.Context(), c.Actor, id)
	if err != nil {
		return err
	}
	sh := s.shell(r, c, v.Action.Title)
	if msg, ok := flashText(r, actionFlashes, r.URL.Query().Get("done")); ok {
		sh.Flash = msg
	}
	return s.render(w, r, status, views.ActionPage(sh, v, f))
}

func (s *Server) actionEdit(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.app.Action(r.Context(), c.Actor, id)
	if err != nil {
		return err
	}
	x := v.Action
	f := views.Form{Values: map[string]string{"title": x.Title, "description": x.Description, "start_date": x.StartDate,
		"end_date": x.EndDate, "status": x.Status, "percent": strconv.Itoa(x.Percent), "assignee": x.AssigneeEmail,
		"tags": strings.Join(x.Tags, ", "), "version": strconv.Itoa(x.Version)}}
	for _, fv := range v.Fields {
		f.Values[app.FieldKey(fv.Field.ID)] = fv.Value
	}
	return s.actionForm(w, r, c, http.StatusOK, "Edit "+x.Title, f, id)
}

func (s *Server) actionUpdate(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	in, values := actionInput(r)
	version, err := formVersion(r)
	if err == nil {
		_, err = s.app.UpdateAction(r.Context(), c.Actor, id, int(version), in)
	}
	if e, ok := app.AsError(err); ok && e.Kind == app.Invalid {
		return s.actionForm(w, r, c, http.StatusUnprocessableEntity, "Edit {action:lower}", views.Form{Values: values, Errors: e.Fields, Msg: e.Msg}, id)
	} else if err != nil {
		return err
	}
	return back(w, r, c, actionPath(c, id)+"?done=action-saved")
}

func (s *Server) actionDelete(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.app.DeleteAction(r.Context(), c.Actor, id); err != nil {
		return err
	}
	return back(w, r, c, "/actions?done=action-deleted")
}

func (s *Server) actionStatusAdd(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	version, err := formVersion(r)
	if err == nil {
		err = s.app.AddActionUpdate(r.Context(), c.Actor, id, int(version), r.PostFormValue("update"), r.PostFormValue("status"), r.PostFormValue("percent"))
	}
	if e, ok := app.AsError(err); ok && e.Kind == app.Invalid {
		f := views.Form{Values: map[string]string{"update": r.PostFormValue("update"), "status": r.PostFormValue("status"),
			"percent": r.PostFormValue("percent")}, Errors: e.Fields, Msg: e.Msg}
		return s.actionPageWith(w, r, c, id, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return back(w, r, c, actionPath(c, id)+"?done=update-added#updates")
}

func (s *Server) actionTodoAdd(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	in := app.TodoInput{Title: r.PostFormValue("todo"), Assignee: r.PostFormValue("todo_assignee"), DueDate: r.PostFormValue("due_date")}
	_, err = s.app.AddTodo(r.Context(), c.Actor, id, in)
	if e, ok := app.AsError(err); ok && e.Kind == app.Invalid {
		f := views.Form{Values: map[string]string{"todo": in.Title, "todo_assignee": in.Assignee, "due_date": in.DueDate},
			Errors: e.Fields, Msg: e.Msg}
		return s.actionPageWith(w, r, c, id, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return back(w, r, c, actionPath(c, id)+"?done=todo-added#todos")
}

func (s *Server) actionTodoCheck(w http.ResponseWriter, r *http.Request, c *req) error {
	id, todo, err := todoIDs(r)
	if err != nil {
		return err
	}
	if err := s.app.CheckTodo(r.Context(), c.Actor, id, todo, r.PostFormValue("done") == "1"); err != nil {
		return err
	}
	return back(w, r, c, actionPath(c, id)+"?done=todo-saved#todos")
}

// actionLinkPage is "Add Existing Action" on a scorecard or object: the
// visible actions not linked to it yet, found by title.
func (s *Server) actionLinkPage(w http.ResponseWriter, r *http.Request, c *req) error {
	q := r.URL.Query()
	on, hostID, err := actionHostOf(q.Get)
	if err != nil || on == "" {
		return &app.Error{Kind: app.NotFound, Msg: "Not found."}
	}
	v, err := s.app.ActionsToLink(r.Context(), c.Actor, on, hostID, q.Get("q"), q.Get("after"))
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.ActionLinkPage(s.termShell(r, c, "Add an existing {action:lower}"), v, q.Get("q")))
}

// actionLink links an action to a scorecard or object (on, id), or with
// unlink removes that link; either goes back where it was asked from.
func (s *Server) actionLink(unlink bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, c *req) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		on, hostID, err := actionHostOf(r.PostFormValue)
		if err != nil || on == "" {
			return &app.Error{Kind: app.NotFound, Msg: "Not found."}
		}
		if err := s.app.LinkAction(r.Context(), c.Actor, id, on, hostID, !unlink); err != nil {
			return err
		}
		if unlink {
			return back(w, r, c, actionPath(c, id)+"?done=unlinked#links")
		}
		http.Redirect(w, r, hostPath(c, on, hostID)+"?done=action-linked#actions", http.StatusSeeOther)
		return nil
	}
}

// todoIDs reads an action's and a to-do's ids from the path.
func todoIDs(r *http.Request) (int64, int64, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, 0, err
	}
	todo, err := pathID(r, "todo")
	return id, todo, err
}

func (s *Server) actionTodoEdit(w http.ResponseWriter, r *http.Request, c *req) error {
	id, todo, err := todoIDs(r)
	if err != nil {
		return err
	}
	x, t, err := s.app.Todo(r.Context(), c.Actor, id, todo)
	if err != nil {
		return err
	}
	f := views.Form{Values: map[string]string{"todo": t.Title, "todo_assignee": t.AssigneeEmail, "due_date": t.DueDate}}
	return s.render(w, r, http.StatusOK, views.TodoForm(s.termShell(r, c, "Edit {todo:lower}"), x, t, f))
}

func (s *Server) actionTodoUpdate(w http.ResponseWriter, r *http.Request, c *req) error {
	id, todo, err := todoIDs(r)
	if err != nil {
		return err
	}
	in := app.TodoInput{Title: r.PostFormValue("todo"), Assignee: r.PostFormValue("todo_assignee"), DueDate: r.PostFormValue("due_date")}
	err = s.app.UpdateTodo(r.Context(), c.Actor, id, todo, in)
	if e, ok := app.AsError(err); ok && e.Kind == app.Invalid {
		x, t, terr := s.app.Todo(r.Context(), c.Actor, id, todo)
		if terr != nil {
			return terr
		}
		f := views.Form{Values: map[string]string{"todo": in.Title, "todo_assignee": in.Assignee, "due_date": in.DueDate},
			Errors: e.Fields, Msg: e.Msg}
		return s.render(w, r, http.StatusUnprocessableEntity, views.TodoForm(s.termShell(r, c, "Edit {todo:lower}"), x, t, f))
	}
	if err != nil {
		return err
	}
	return back(w, r, c, actionPath(c, id)+"?done=todo-saved#todos")
}

func (s *Server) actionTodoDelete(w http.ResponseWriter, r *http.Request, c *req) error {
	id, todo, err := todoIDs(r)
	if err != nil {
		return err
	}
	if err := s.app.DeleteTodo(r.Context(), c.Actor, id, todo); err != nil {
		return err
	}
	return back(w, r, c, actionPath(c, id)+"?done=todo-deleted#todos")
}

// actionColumns are the Action Manager's export columns.
var actionColumns = []export.Column{
	{Title: "{action}", Kind: export.Text, Width: 40}, {Title: "Status", Kind: export.Text, Width: 18},
	{Title: "Percent complete", Kind: export.Number, Width: 10}, {Title: "Start", Kind: export.Text, Width: 12},
	{Title: "End", Kind: export.Text, Width: 12}, {Title: "Assigned to", Kind: export.Text, Width: 24},
	{Title: "Assigned by", Kind: export.Text, Width: 24}, {Title: "{tag:many}", Kind: export.Text, Width: 24},
}

// termColumns are columns with the request's Common Terms in their titles.
func termColumns(r *http.Request, cols []export.Column) []export.Column {
	set := terms.From(r.Context())
	out := make([]export.Column, len(cols))
	for i, c := range cols {
		c.Title = set.Expand(c.Title)
		out[i] = c
	}
	return out
}

// actionsXLSX and actionsCSV download the filtered Action Manager (heavy
// work, see limits.go).
func (s *Server) actionsXLSX(w http.ResponseWriter, r *http.Request, c *req) error {
	return s.heavy(func(w http.ResponseWriter, r *http.Request, c *req) error {
		return s.exportActions(w, r, c, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", func() (export.RowWriter, error) {
			return export.NewXLSX(w, terms.From(r.Context()).Many(terms.Action), termColumns(r, actionColumns))
		})
	}, w, r, c)
}

func (s *Server) actionsCSV(w http.ResponseWriter, r *http.Request, c *req) error {
	return s.heavy(func(w http.ResponseWriter, r *http.Request, c *req) error {
		return s.exportActions(w, r, c, "csv", "text/csv; charset=utf-8", func() (export.RowWriter, error) {
			return export.NewCSV(w, termColumns(r, actionColumns), export.CSVOptions{})
		})
	}, w, r, c)
}

func (s *Server) exportActions(w http.ResponseWriter, r *http.Request, c *req, format, mime string, open func() (export.RowWriter, error)) error {
	out, err := open()
	if err != nil {
		return err
	}
	defer out.Abort()
	err = s.app.ExportActions(r.Context(), c.Actor, actionQuery(r), format, func(x model.Action) error {
		return out.WriteRow(x.Title, x.Status, x.Percent, x.StartDate, x.EndDate, x.Assignee, x.Assigner, strings.Join(x.Tags, ", "))
	})
	if errors.Is(err, export.ErrTooLarge) || errors.Is(err, export.ErrTooManyRows) {
		return &app.Error{Kind: app.Invalid, Msg: "This export is too large for one " + strings.ToUpper(format) + " file: narrow the filters."}
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", mime)
	w.Header().Set("Content-Disposition", attachment("yardstick-actions-"+c.Actor.Instance.Code+"."+format))
	if err := out.Close(); err != nil {
		s.logger(r).Error("writing an export", "format", format, "err", err)
	}
	return nil
}
