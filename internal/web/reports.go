package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/export"
	"yardstick/internal/graph"
	"yardstick/internal/web/views"
)

// The Reports area (issue 23, SPEC §14): saved reports (reports.view to
// open them and change their filters, reports.edit to add, edit and
// delete them), any report run unsaved, and their exports. Every row
// comes from internal/app with the viewer's own visibility.

// reportFlashes are what ?done= may say after a change of a saved report.
var reportFlashes = map[string]string{
	"report-saved":   "Report saved.",
	"report-deleted": "Report deleted.",
}

// reportSpec reads a report's question from values (a query or a form);
// a malformed number is a field error, not a zero.
func reportSpec(v url.Values) (kind string, spec app.ReportSpec, fields map[string]string) {
	fields = map[string]string{}
	num := func(name string) int64 {
		s := strings.TrimSpace(v.Get(name))
		if s == "" {
			return 0
		}
		n, ok := parseWhole(s, 1, maxID)
		if !ok {
			fields[name] = "Choose from the list."
		}
		return n
	}
	kind = v.Get("kind")
	spec.Filters = app.ReportFilters{ScorecardID: num("scorecard"), SubScorecards: v.Get("sub") == "1", TypeID: num("type"),
		Tag: v.Get("tag"), From: v.Get("from"), To: v.Get("to"), Site: v.Get("site"), Assignee: v.Get("assignee"), Status: v.Get("status")}
	spec.Columns = v["col"]
	spec.Sort, spec.Desc = v.Get("sort"), v.Get("dir") == "desc"
	spec.Graphs = v.Get("graphs") == "1"
	return kind, spec, fields
}

// specValues is a question as query parameters (the links of a report's
// page: sort, next page, exports).
func specValues(kind string, spec app.ReportSpec) url.Values {
	v := url.Values{"kind": {kind}}
	f := spec.Filters
	set := func(k, val string) {
		if val != "" && val != "0" {
			v.Set(k, val)
		}
	}
	set("scorecard", strconv.FormatInt(f.ScorecardID, 10))
	if f.SubScorecards {
		v.Set("sub", "1")
	}
	set("type", strconv.FormatInt(f.TypeID, 10))
	set("tag", f.Tag)
	set("from", f.From)
	set("to", f.To)
	set("site", f.Site)
	set("assignee", f.Assignee)
	set("status", f.Status)
	for _, c := range spec.Columns {
		v.Add("col", c)
	}
	set("sort", spec.Sort)
	if spec.Desc {
		v.Set("dir", "desc")
	}
	if spec.Graphs {
		v.Set("graphs", "1")
	}
	return v
}

func (s *Server) reportsList(w http.ResponseWriter, r *http.Request, c *req) error {
	list, next, err := s.app.SavedReports(r.Context(), c.Actor, r.URL.Query().Get("after"))
	if err != nil {
		return err
	}
	sh := s.termShell(r, c, "Reports")
	if msg, ok := flashText(r, reportFlashes, r.URL.Query().Get("done")); ok {
		sh.Flash = msg
	}
	d := views.ReportsData{Reports: list, CanEdit: c.Actor.Can(access.ReportsEdit), CanUsers: c.Actor.Can(access.UsersManage)}
	for _, k := range app.ReportKinds {
		if k == app.ReportUserAccess && !d.CanUsers {
			continue
		}
		d.Kinds = append(d.Kinds, views.ReportKind{Key: k, Title: c.Actor.ReportKindTitle(k)})
	}
	if next != "" {
		d.NextURL = "/i/" + c.Actor.Instance.Code + "/reports?after=" + url.QueryEscape(next)
	}
	return s.render(w, r, http.StatusOK, views.ReportsPage(sh, d))
}

// reportRun shows a report: unsaved (/reports/run) or saved
// (/reports/{id}), whose filters, sort and columns the query may change
// without saving (go=1).
func (s *Server) reportRun(w http.ResponseWriter, r *http.Request, c *req) error {
	return s.reportView(w, r, c, 0)
}

func (s *Server) reportOpen(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.reportView(w, r, c, id)
}

func (s *Server) reportView(w http.ResponseWriter, r *http.Request, c *req, id int64) error {
	q := r.URL.Query()
	d := views.ReportData{CanEdit: c.Actor.Can(access.ReportsEdit)}
	var saved app.SavedReportView
	if id != 0 {
		var err error
		if saved, err = s.app.SavedReport(r.Context(), c.Actor, id); err != nil {
			return err
		}
		d.Saved = &saved
	}
	kind, spec, fields := reportSpec(q)
	if id != 0 && q.Get("go") == "" {
		kind, spec = saved.Kind, saved.Spec
	}
	if kind == "" {
		kind = app.ReportMeasureData
	}
	d.Kind, d.Spec, d.KindTitle = kind, spec, c.Actor.ReportKindTitle(kind)
	d.Columns, d.Applies = c.Actor.ReportColumns(kind)
	choices, err := s.app.ReportChoices(r.Context(), c.Actor)
	if err != nil {
		return err
	}
	d.Choices = choices
	status := http.StatusOK
	if len(fields) > 0 {
		status, d.Form = http.StatusUnprocessableEntity, views.Form{Errors: fields, Msg: "Check the report: a filter is not one of the choices."}
	} else {
		page, err := s.app.Report(r.Context(), c.Actor, app.ReportQuery{Kind: kind, ReportSpec: spec, After: q.Get("after"), Limit: 50})
		if e, ok := app.AsError(err); ok && e.Kind == app.Invalid {
			status, d.Form = http.StatusUnprocessableEntity, views.Form{Errors: e.Fields, Msg: e.Msg}
		} else if err != nil {
			return err
		}
		d.Page = page
		if status == http.StatusOK && spec.Graphs {
			graphs, err := s.app.ReportGraphs(r.Context(), c.Actor, app.ReportQuery{Kind: kind, ReportSpec: spec})
			if e, ok := app.AsError(err); ok && e.Kind == app.Invalid {
				status, d.Form = http.StatusUnprocessableEntity, views.Form{Errors: e.Fields, Msg: e.Msg}
			} else if err != nil {
				return err
			}
			for _, g := range graphs {
				m := g.Measure
				d.Graphs = append(d.Graphs, views.ReportGraph{Title: m.Title, URL: "/objects/" + strconv.FormatInt(m.ID, 10),
					SVG: measureGraph(m, m.GraphType, g.Points, g.Baseline, g.Bands, m.GraphTargets, "rg"+strconv.FormatInt(m.ID, 10))})
			}
		}
	}
	base := "/i/" + c.Actor.Instance.Code + "/reports/run"
	if id != 0 {
		base = "/i/" + c.Actor.Instance.Code + "/reports/" + strconv.FormatInt(id, 10)
	}
	d.Action = base
	link := func(path string, extra url.Values) string {
		v := specValues(kind, spec)
		v.Set("go", "1")
		for k, vals := range extra {
			v[k] = vals
		}
		return path + "?" + v.Encode()
	}
	d.SortURL = func(key string) string {
		dir := ""
		if spec.Sort == key && !spec.Desc {
			dir = "desc"
		}
		return link(base, url.Values{"sort": {key}, "dir": {dir}})
	}
	if status == http.StatusOK {
		if d.Page.Next != "" {
			d.NextURL = link(base, url.Values{"after": {d.Page.Next}})
		}
		if q.Get("after") != "" {
			d.FirstURL = link(base, nil)
		}
		exp := "/i/" + c.Actor.Instance.Code + "/reports/run"
		var extra url.Values
		if id != 0 {
			extra = url.Values{"report": {strconv.FormatInt(id, 10)}}
		}
		d.CSVURL, d.XLSXURL, d.PDFURL = link(exp+".csv", extra), link(exp+".xlsx", extra), link(exp+".pdf", extra)
		if d.CanEdit && id == 0 {
			d.SaveURL = link("/i/"+c.Actor.Instance.Code+"/reports/new", nil)
		}
	}
	title := d.KindTitle
	if d.Saved != nil {
		title = d.Saved.Name
	}
	sh := s.shell(r, c, title)
	if msg, ok := flashText(r, reportFlashes, q.Get("done")); ok {
		sh.Flash = msg
	}
	return s.render(w, r, status, views.ReportPage(sh, d))
}

// reportForm values: the question's fields by name, the chosen columns
// in order.
func reportFormData(c *req, kind, name string, spec app.ReportSpec, choices app.ReportChoices, f views.Form) views.ReportFormData {
	d := views.ReportFormData{Kind: kind, KindTitle: c.Actor.ReportKindTitle(kind), Name: name, Spec: spec, Choices: choices, Form: f}
	d.Columns, d.Applies = c.Actor.ReportColumns(kind)
	for _, k := range app.ReportKinds {
		if k == app.ReportUserAccess && !c.Actor.Can(access.UsersManage) {
			continue
		}
		d.Kinds = append(d.Kinds, views.ReportKind{Key: k, Title: c.Actor.ReportKindTitle(k)})
	}
	return d
}

func (s *Server) reportNew(w http.ResponseWriter, r *http.Request, c *req) error {
	kind, spec, _ := reportSpec(r.URL.Query())
	if !slices.Contains(app.ReportKinds, kind) {
		kind = app.ReportMeasureData
	}
	choices, err := s.app.ReportChoices(r.Context(), c.Actor)
	if err != nil {
		return err
	}
	d := reportFormData(c, kind, "", spec, choices, views.Form{})
	d.Action = "/i/" + c.Actor.Instance.Code + "/reports"
	return s.render(w, r, http.StatusOK, views.ReportFormPage(s.termShell(r, c, "New report"), d))
}

func (s *Server) reportEdit(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	saved, err := s.app.SavedReport(r.Context(), c.Actor, id)
	if err != nil {
		return err
	}
	kind, spec := saved.Kind, saved.Spec
	if k := r.URL.Query().Get("kind"); slices.Contains(app.ReportKinds, k) && k != kind {
		kind, spec = k, app.ReportSpec{}
	}
	choices, err := s.app.ReportChoices(r.Context(), c.Actor)
	if err != nil {
		return err
	}
	d := reportFormData(c, kind, saved.Name, spec, choices, views.Form{})
	d.ID, d.Version, d.Schedule = saved.ID, saved.Version, saved.Schedule
	d.Action = "/i/" + c.Actor.Instance.Code + "/reports/" + strconv.FormatInt(id, 10)
	return s.render(w, r, http.StatusOK, views.ReportFormPage(s.termShell(r, c, "Edit report"), d))
}

// reportInput reads the save form: the question as on the report's page,
// the columns as ticked, ordered by their position fields.
func reportInput(r *http.Request) (app.SavedReportInput, map[string]string) {
	_ = r.ParseForm()
	kind, spec, fields := reportSpec(r.PostForm)
	pos := func(k string) int {
		n, ok := parseWhole(r.PostForm.Get("order_"+k), -1<<20, 1<<20)
		if !ok {
			return 1 << 20
		}
		return int(n)
	}
	cols := append([]string{}, spec.Columns...)
	sort.SliceStable(cols, func(i, j int) bool { return pos(cols[i]) < pos(cols[j]) })
	spec.Columns = cols
	return app.SavedReportInput{Name: r.PostForm.Get("name"), Kind: kind, Spec: spec, Schedule: r.PostForm.Get("schedule")}, fields
}

func (s *Server) reportSave(w http.ResponseWriter, r *http.Request, c *req, id int64) error {
	in, fields := reportInput(r)
	var err error
	if len(fields) > 0 {
		err = &app.Error{Kind: app.Invalid, Msg: "Check the report: a filter is not one of the choices.", Fields: fields}
	} else if id == 0 {
		var saved app.SavedReportView
		saved.SavedReport, err = s.app.CreateSavedReport(r.Context(), c.Actor, in)
		id = saved.ID
	} else {
		version, verr := formVersion(r)
		if err = verr; err == nil {
			err = s.app.UpdateSavedReport(r.Context(), c.Actor, id, int(version), in)
		}
	}
	if e, ok := app.AsError(err); ok && e.Kind == app.Invalid {
		choices, cerr := s.app.ReportChoices(r.Context(), c.Actor)
		if cerr != nil {
			return cerr
		}
		kind := in.Kind
		if !slices.Contains(app.ReportKinds, kind) {
			kind = app.ReportMeasureData
		}
		d := reportFormData(c, kind, in.Name, in.Spec, choices, views.Form{Errors: e.Fields, Msg: e.Msg})
		d.Action, d.Schedule = r.URL.Path, in.Schedule
		if id != 0 {
			d.ID = id
			v, _ := parseWhole(r.PostForm.Get("version"), 0, maxVersion)
			d.Version = int(v)
		}
		return s.render(w, r, http.StatusUnprocessableEntity, views.ReportFormPage(s.termShell(r, c, "Report"), d))
	}
	if err != nil {
		return err
	}
	return back(w, r, c, "/reports/"+strconv.FormatInt(id, 10)+"?done=report-saved")
}

func (s *Server) reportCreate(w http.ResponseWriter, r *http.Request, c *req) error {
	return s.reportSave(w, r, c, 0)
}

func (s *Server) reportUpdate(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.reportSave(w, r, c, id)
}

func (s *Server) reportDelete(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.app.DeleteSavedReport(r.Context(), c.Actor, id); err != nil {
		return err
	}
	return back(w, r, c, "/reports?done=report-deleted")
}

// exportReport streams a report the viewer may see into a writer made by
// open once the columns are known; access is checked again here, as on
// every export (the report's own page may be hours old).
func (s *Server) exportReport(w http.ResponseWriter, r *http.Request, c *req, format, mime string,
	open func(title string, cols []export.Column) (export.RowWriter, error)) error {
	q := r.URL.Query()
	kind, spec, fields := reportSpec(q)
	if kind == "" {
		kind = app.ReportMeasureData
	}
	if len(fields) > 0 {
		return &app.Error{Kind: app.Invalid, Msg: "Check the report: a filter is not one of the choices.", Fields: fields}
	}
	var id int64
	title := c.Actor.ReportKindTitle(kind)
	var name string
	if raw := q.Get("report"); raw != "" {
		n, ok := parseWhole(raw, 1, maxID)
		if !ok {
			return &app.Error{Kind: app.NotFound, Msg: "Not found."}
		}
		saved, err := s.app.SavedReport(r.Context(), c.Actor, n)
		if err != nil {
			return err
		}
		id, name, title = n, saved.Name, saved.Name
	}
	// A PDF carries the graphs after the table. They are read as the
	// report's page reads them (the viewer's own measures, checked again)
	// and before the rows, so a report over the limit is refused as its
	// page is, with the same words, before anything is exported.
	var graphs []app.ReportGraph
	if format == "pdf" && spec.Graphs {
		var err error
		if graphs, err = s.app.ReportGraphs(r.Context(), c.Actor, app.ReportQuery{Kind: kind, ReportSpec: spec}); err != nil {
			return err
		}
	}
	var out export.RowWriter
	defer func() {
		if out != nil {
			out.Abort()
		}
	}()
	var pace pacer
	_, err := s.app.ExportReport(r.Context(), c.Actor, id, name, app.ReportQuery{Kind: kind, ReportSpec: spec}, format,
		func(cols []app.ReportColumn) error {
			var err error
			out, err = open(title, app.ReportExportColumns(cols))
			return err
		},
		func(row app.ReportRow) error {
			pace.row()
			vals := make([]any, len(row.Cells))
			for i, cell := range row.Cells {
				vals[i] = cell.Value
			}
			return out.WriteRow(vals...)
		})
	if errors.Is(err, export.ErrTooLarge) || errors.Is(err, export.ErrTooManyRows) {
		return &app.Error{Kind: app.Invalid, Msg: "This export is too large for one " + strings.ToUpper(format) + " file: narrow the filters."}
	}
	if err != nil {
		return err
	}
	if pdf, ok := out.(*export.PDFWriter); ok {
		for _, g := range graphs {
			if err := addPDFGraph(pdf, g); err != nil {
				return err
			}
		}
	}
	w.Header().Set("Content-Type", mime)
	w.Header().Set("Content-Disposition", attachment("yardstick-report-"+c.Actor.Instance.Code+"-"+kind+"."+format))
	if err := out.Close(); err != nil {
		s.logger(r).Error("writing a report export", "format", format, "err", err)
	}
	return nil
}

func (s *Server) reportCSV(w http.ResponseWriter, r *http.Request, c *req) error {
	return s.heavy(func(w http.ResponseWriter, r *http.Request, c *req) error {
		return s.exportReport(w, r, c, "csv", "text/csv; charset=utf-8", func(_ string, cols []export.Column) (export.RowWriter, error) {
			return export.NewCSV(w, cols, export.CSVOptions{})
		})
	}, w, r, c)
}

func (s *Server) reportXLSX(w http.ResponseWriter, r *http.Request, c *req) error {
	return s.heavy(func(w http.ResponseWriter, r *http.Request, c *req) error {
		return s.exportReport(w, r, c, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
			func(title string, cols []export.Column) (export.RowWriter, error) {
				return export.NewXLSX(w, title, cols)
			})
	}, w, r, c)
}

func (s *Server) reportPDF(w http.ResponseWriter, r *http.Request, c *req) error {
	return s.heavy(func(w http.ResponseWriter, r *http.Request, c *req) error {
		in := c.Actor.Instance
		logo := s.app.LogoImage(r.Context(), c.Actor)
		return s.exportReport(w, r, c, "pdf", "application/pdf", func(title string, cols []export.Column) (export.RowWriter, error) {
			return export.NewPDF(w, export.PDFMeta{Title: title, Subtitle: in.Label(), Generated: s.app.Now().In(c.Actor.Location()), Logo: logo}, cols)
		})
	}, w, r, c)
}

// A PDF figure takes a graph as it is drawn.
var _ graph.Surface = (*export.Figure)(nil)

// addPDFGraph adds a report's graph to its PDF: the measure's title as the
// heading, the graph wider than on screen to fill the page, and its words
// summary below, so the PDF never tells a status by colour alone.
func addPDFGraph(pdf *export.PDFWriter, g app.ReportGraph) error {
	m := g.Measure
	ch := measureChart(m, m.GraphType, g.Points, g.Baseline, g.Bands, m.GraphTargets, "")
	if ch.Title == m.Title {
		ch.Title = "" // the heading says it
	}
	ch.Width, ch.Height = 1000, 250
	return pdf.AddFigure(m.Title, graph.Describe(ch), float64(ch.Width), float64(ch.Height), func(f *export.Figure) { graph.Draw(f, ch) })
}
