package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/a-h/templ"

	"yardstick/internal/app"
	"yardstick/internal/dataimport"
	"yardstick/internal/web/views"
)

// dataUploadBody is the body limit of the Import Data upload routes: the
// parser's limit plus room for the form around the file.
const dataUploadBody = dataimport.MaxBytes + 1<<20

// dataImportTarget reads the scorecard of /scorecards/{id}/data-import
// (0 under Administration), opening it as the actor may see it.
func (s *Server) dataImportTarget(r *http.Request, c *req) (views.DataImportTarget, error) {
	if r.PathValue("id") == "" {
		return views.DataImportTarget{}, nil
	}
	id, err := pathID(r, "id")
	if err != nil {
		return views.DataImportTarget{}, err
	}
	sc, err := s.app.ViewScorecard(r.Context(), c.Actor, id)
	if err != nil {
		return views.DataImportTarget{}, err
	}
	if sc.InstanceID != c.Actor.Instance.ID {
		// A partner's scorecard takes data on the partner's pages.
		return views.DataImportTarget{}, &app.Error{Kind: app.Forbidden, Msg: "Import data on your own organization's pages; a partner's take data on their own."}
	}
	return views.DataImportTarget{ScorecardID: sc.ID, ScorecardTitle: sc.Title}, nil
}

func (s *Server) dataImportPage(w http.ResponseWriter, r *http.Request, c *req) error {
	t, err := s.dataImportTarget(r, c)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.DataImportPage(s.shell(r, c, "Import Data"), t, views.Form{}))
}

// dataImportUpload reads the uploaded file (heavy work, see limits.go).
func (s *Server) dataImportUpload(w http.ResponseWriter, r *http.Request, c *req) error {
	return s.heavy(s.readDataUpload, w, r, c)
}

func (s *Server) readDataUpload(w http.ResponseWriter, r *http.Request, c *req) error {
	t, err := s.dataImportTarget(r, c)
	if err != nil {
		return err
	}
	values := map[string]string{"sheet": r.FormValue("sheet")}
	page := func(f views.Form) templ.Component {
		f.Values = values
		return views.DataImportPage(s.shell(r, c, "Import Data"), t, f)
	}
	file, header, err := r.FormFile("file")
	if err != nil {
		msg := "Choose a CSV file or an Excel workbook to upload."
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			msg = "The file is larger than 20 MB. Split it into smaller files and import them one by one."
		}
		return s.formError(w, r, &app.Error{Kind: app.Invalid, Msg: msg, Fields: map[string]string{"file": msg}}, page, nil)
	}
	defer file.Close()
	plan, err := s.app.UploadDataImport(r.Context(), c.Actor, t.ScorecardID, header.Filename, r.FormValue("sheet"), file)
	if err != nil {
		return s.formError(w, r, err, page, nil)
	}
	return back(w, r, c, "/admin/data-import/"+strconv.FormatInt(plan.ID, 10))
}

func (s *Server) dataImportPreview(w http.ResponseWriter, r *http.Request, c *req) error {
	return s.heavy(func(w http.ResponseWriter, r *http.Request, c *req) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		plan, err := s.app.DataImportPreview(r.Context(), c.Actor, id)
		if err != nil {
			return err
		}
		sh := s.shell(r, c, "Import Data preview")
		if r.URL.Query().Get("done") == "ran" {
			sh.Flash = "Imported. Download the results for each row's outcome."
		}
		return s.render(w, r, http.StatusOK, views.DataImportPreview(sh, plan, views.Form{}))
	}, w, r, c)
}

// dataImportRun runs a previewed upload (heavy work); a refusal shows the
// preview as it is now, with the reason.
func (s *Server) dataImportRun(w http.ResponseWriter, r *http.Request, c *req) error {
	return s.heavy(s.runDataImport, w, r, c)
}

func (s *Server) runDataImport(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	_, err = s.app.RunKeptDataImport(r.Context(), c.Actor, id, r.PostFormValue("token"), r.PostFormValue("valid_only") == "1")
	if err == nil {
		return back(w, r, c, "/admin/data-import/"+r.PathValue("id")+"?done=ran")
	}
	e, ok := app.AsError(err)
	if !ok || (e.Kind != app.Conflict && e.Kind != app.Invalid) {
		return err
	}
	plan, perr := s.app.DataImportPreview(r.Context(), c.Actor, id)
	if perr != nil {
		return perr
	}
	status := http.StatusConflict
	if e.Kind == app.Invalid {
		status = http.StatusUnprocessableEntity
	}
	return s.render(w, r, status, views.DataImportPreview(s.shell(r, c, "Import Data preview"), plan, views.Form{Msg: e.Msg, Errors: e.Fields}))
}

// dataImportResults sends a run's outcome per row.
func (s *Server) dataImportResults(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	csv, err := s.app.DataImportResults(r.Context(), c.Actor, id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", attachment("yardstick-data-import-"+c.Actor.Instance.Code+"-"+r.PathValue("id")+"-results.csv"))
	_, err = w.Write(csv)
	return err
}

// dataSheet sends a scorecard's template or export of data values as XLSX
// or CSV (heavy work).
func (s *Server) dataSheet(template bool, format string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, c *req) error {
		return s.heavy(func(w http.ResponseWriter, r *http.Request, c *req) error {
			id, err := pathID(r, "id")
			if err != nil {
				return err
			}
			var sheet app.DataSheet
			name := "data-values"
			if template {
				name = "data-template"
				sheet, err = s.app.DataTemplate(r.Context(), c.Actor, id, r.FormValue("from"), r.FormValue("to"))
			} else {
				sheet, err = s.app.ExportDataValues(r.Context(), c.Actor, id)
			}
			if err != nil {
				return err
			}
			file := "yardstick-" + name + "-" + c.Actor.Instance.Code + "-" + r.PathValue("id") + "." + format
			w.Header().Set("Content-Disposition", attachment(file))
			if format == "csv" {
				w.Header().Set("Content-Type", "text/csv; charset=utf-8")
				return dataimport.WriteCSV(w, sheet.Rows)
			}
			w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
			return dataimport.WriteXLSX(w, "Data values", sheet.Rows)
		}, w, r, c)
	}
}
