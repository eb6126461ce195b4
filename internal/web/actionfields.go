package web

import (
	"net/http"
	"strconv"

	"yardstick/internal/terms"

	"yardstick/internal/app"
	"yardstick/internal/web/views"
)

// Administration → Action Custom Fields (issue 14, item 4), beside Notes
// under Scorecard Defaults.

const fieldsTitle = "{action} Custom Fields"

func (s *Server) actionFieldsData(r *http.Request, c *req) (views.ActionFieldsData, error) {
	list, err := s.app.ActionFields(r.Context(), c.Actor)
	return views.ActionFieldsData{Fields: list, Add: views.Form{Values: map[string]string{"kind": "text"}}}, err
}

func (s *Server) actionFieldsPage(w http.ResponseWriter, r *http.Request, c *req) error {
	d, err := s.actionFieldsData(r, c)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.ActionFieldsPage(s.defaultsShell(r, c, terms.From(r.Context()).Expand(fieldsTitle)), d))
}

func actionFieldInput(r *http.Request) (app.ActionFieldInput, map[string]string) {
	in := app.ActionFieldInput{Name: r.PostFormValue("name"), Kind: r.PostFormValue("kind"), Options: r.PostFormValue("options"),
		Required: r.PostFormValue("required") != ""}
	values := map[string]string{"name": in.Name, "kind": in.Kind, "options": in.Options}
	if in.Required {
		values["required"] = "1"
	}
	return in, values
}

func (s *Server) actionFieldCreate(w http.ResponseWriter, r *http.Request, c *req) error {
	in, values := actionFieldInput(r)
	_, err := s.app.CreateActionField(r.Context(), c.Actor, in)
	if e, ok := app.AsError(err); ok && e.Kind == app.Invalid {
		d, derr := s.actionFieldsData(r, c)
		if derr != nil {
			return derr
		}
		d.Add = views.Form{Values: values, Errors: e.Fields, Msg: e.Msg}
		return s.render(w, r, http.StatusUnprocessableEntity, views.ActionFieldsPage(s.termShell(r, c, fieldsTitle), d))
	} else if err != nil {
		return err
	}
	return s.defaultsRedirect(w, r, c, "/admin/action-fields", "added")
}

func (s *Server) actionFieldEdit(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := defaultsID(r)
	if err != nil {
		return err
	}
	f, err := s.app.ActionFieldByID(r.Context(), c.Actor, id)
	if err != nil {
		return err
	}
	d := views.ActionFieldEditData{Field: f, F: views.Form{Values: views.ActionFieldValues(f)}}
	return s.render(w, r, http.StatusOK, views.ActionFieldEditPage(s.shell(r, c, "Edit "+f.Name), d))
}

func (s *Server) actionFieldUpdate(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := defaultsID(r)
	if err != nil {
		return err
	}
	in, values := actionFieldInput(r)
	err = s.app.UpdateActionField(r.Context(), c.Actor, id, in)
	if e, ok := app.AsError(err); ok && e.Kind == app.Invalid {
		f, ferr := s.app.ActionFieldByID(r.Context(), c.Actor, id)
		if ferr != nil {
			return ferr
		}
		d := views.ActionFieldEditData{Field: f, F: views.Form{Values: values, Errors: e.Fields, Msg: e.Msg}}
		return s.render(w, r, http.StatusUnprocessableEntity, views.ActionFieldEditPage(s.shell(r, c, "Edit "+f.Name), d))
	} else if err != nil {
		return err
	}
	return s.defaultsRedirect(w, r, c, "/admin/action-fields", "saved")
}

func (s *Server) actionFieldMove(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := defaultsID(r)
	if err != nil {
		return err
	}
	if err := s.app.MoveActionField(r.Context(), c.Actor, id, r.PostFormValue("dir") == "up"); err != nil {
		return err
	}
	http.Redirect(w, r, views.InstanceURL(&c.Actor.Instance, "/admin/action-fields")+"?saved=saved#action-field-"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

func (s *Server) actionFieldDeleteConfirm(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := defaultsID(r)
	if err != nil {
		return err
	}
	f, err := s.app.ActionFieldByID(r.Context(), c.Actor, id)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.ActionFieldDeletePage(s.shell(r, c, "Delete "+f.Name), views.ActionFieldEditData{Field: f}))
}

func (s *Server) actionFieldDelete(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := defaultsID(r)
	if err != nil {
		return err
	}
	if err := s.app.DeleteActionField(r.Context(), c.Actor, id, r.PostFormValue("confirm") != ""); err != nil {
		msg := conflictRefusal(err)
		if msg == "" {
			return err
		}
		d, err := s.actionFieldsData(r, c)
		if err != nil {
			return err
		}
		d.Refusal = msg
		return s.render(w, r, http.StatusConflict, views.ActionFieldsPage(s.termShell(r, c, fieldsTitle), d))
	}
	return s.defaultsRedirect(w, r, c, "/admin/action-fields", "deleted")
}
