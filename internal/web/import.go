package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/a-h/templ"

	"yardstick/internal/app"
	"yardstick/internal/importer"
	"yardstick/internal/web/views"
)

func (s *Server) importPage(w http.ResponseWriter, r *http.Request, c *req) error {
	return s.render(w, r, http.StatusOK, views.ImportPage(s.shell(r, c, "Import Users"), views.Form{}))
}

func (s *Server) importTemplate(w http.ResponseWriter, r *http.Request, c *req) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", attachment("yardstick-users-template.csv"))
	_, err := w.Write(importer.Template())
	return err
}

// importUpload reads the uploaded file (heavy work, see limits.go).
func (s *Server) importUpload(w http.ResponseWriter, r *http.Request, c *req) error {
	return s.heavy(s.readUpload, w, r, c)
}

// readUpload reads the file; the body is capped a little above the
// importer's own limit, so a huge upload is cut off, not buffered.
func (s *Server) readUpload(w http.ResponseWriter, r *http.Request, c *req) error {
	page := func(f views.Form) templ.Component { return views.ImportPage(s.shell(r, c, "Import Users"), f) }
	r.Body = http.MaxBytesReader(w, r.Body, importer.MaxBytes+1<<20)
	file, header, err := r.FormFile("file")
	if err != nil {
		msg := "Choose a CSV file to upload."
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			msg = "The file is larger than 5 MB."
		}
		return s.formError(w, r, &app.Error{Kind: app.Invalid, Msg: msg, Fields: map[string]string{"file": msg}}, page, nil)
	}
	defer file.Close()
	plan, err := s.app.UploadImport(r.Context(), c.Actor, header.Filename, file)
	if err != nil {
		return s.formError(w, r, err, page, nil)
	}
	return back(w, r, c, "/admin/import/"+strconv.FormatInt(plan.ID, 10))
}

func (s *Server) importPreview(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	plan, err := s.app.PreviewImport(r.Context(), c.Actor, id)
	if err != nil {
		return err
	}
	sh := s.shell(r, c, "Import preview")
	if r.URL.Query().Get("done") == "ran" {
		sh.Flash = "Imported. Download the results for each row's outcome."
	}
	return s.render(w, r, http.StatusOK, views.ImportPreview(sh, plan, views.Form{}))
}

// importRun runs a previewed import (heavy work); when the instance
// changed since the preview, the new preview is shown with the refusal.
func (s *Server) importRun(w http.ResponseWriter, r *http.Request, c *req) error {
	return s.heavy(s.runImport, w, r, c)
}

func (s *Server) runImport(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.app.RunImport(r.Context(), c.Actor, id, r.PostFormValue("token")); err != nil {
		e, ok := app.AsError(err)
		if !ok || e.Kind != app.Conflict {
			return err
		}
		plan, perr := s.app.PreviewImport(r.Context(), c.Actor, id)
		if perr != nil {
			return perr
		}
		return s.render(w, r, http.StatusConflict, views.ImportPreview(s.shell(r, c, "Import preview"), plan, views.Form{Msg: e.Msg}))
	}
	return back(w, r, c, "/admin/import/"+r.PathValue("id")+"?done=ran")
}

// importResults sends an import's outcome per row (heavy work).
func (s *Server) importResults(w http.ResponseWriter, r *http.Request, c *req) error {
	return s.heavy(s.sendImportResults, w, r, c)
}

func (s *Server) sendImportResults(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	csv, err := s.app.ImportResults(r.Context(), c.Actor, id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", attachment("yardstick-import-"+c.Actor.Instance.Code+"-"+r.PathValue("id")+"-results.csv"))
	_, err = w.Write([]byte(csv))
	return err
}
