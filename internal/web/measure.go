package web

import (
	"net/http"
	"strconv"

	"yardstick/internal/app"
	"yardstick/internal/calc"
	"yardstick/internal/graph"
	"yardstick/internal/model"
	"yardstick/internal/web/views"
)

// measurePage renders a measure with its graph and data grid after a
// refused change; gridForm carries a refused save's values and errors
// back into the grid.
func (s *Server) measurePage(w http.ResponseWriter, r *http.Request, c *req, status int, id int64, gridForm views.Form) error {
	earlier, later, err := gridWindow(r)
	if err != nil {
		return err
	}
	v, err := s.app.MeasurePage(r.Context(), c.Actor, id, earlier, later)
	if err != nil {
		return err
	}
	return s.renderMeasure(w, r, c, status, v, earlier, later, gridForm)
}

// measureGraph draws a measure's graph with its own title, axis and units,
// the chart type, points and targets given; id prefixes the SVG's ids.
func measureGraph(m model.Object, chart string, pts []calc.Point, baseline string, bands calc.Bands, targets bool, id string) []byte {
	return graph.Render(measureChart(m, chart, pts, baseline, bands, targets, id))
}

// measureChart is the graph of measure m as its page draws it.
func measureChart(m model.Object, chart string, pts []calc.Point, baseline string, bands calc.Bands, targets bool, id string) graph.Chart {
	title := m.GraphTitle
	if title == "" {
		title = m.Title
	}
	return graph.Chart{Title: title, Type: chart, Points: pts, ShowTargets: targets, BaselineKey: baseline,
		Polarity: calc.Polarity(m.Polarity), Bands: bands, YMin: m.GraphYMin, YMax: m.GraphYMax, Decimals: m.Decimals, Unit: m.Unit,
		UnitBefore: m.UnitBefore, ID: id}
}

// gridWindow reads how many periods the editor asked to add before and
// after the grid's default window.
func gridWindow(r *http.Request) (earlier, later int, err error) {
	e, err1 := formClamped(r, "earlier", 0, 600, 0)
	l, err2 := formClamped(r, "later", 0, 120, 0)
	return int(e), int(l), firstErr(err1, err2)
}

func (s *Server) renderMeasure(w http.ResponseWriter, r *http.Request, c *req, status int, v app.MeasureView, earlier, later int, gridForm views.Form) error {
	return s.renderMeasureWith(w, r, c, status, v, earlier, later, gridForm, views.Form{})
}

// renderMeasureWith is renderMeasure with a refused comment's form.
func (s *Server) renderMeasureWith(w http.ResponseWriter, r *http.Request, c *req, status int, v app.MeasureView, earlier, later int, gridForm, comment views.Form) error {
	m := v.Measure
	svg := measureGraph(m, m.GraphType, v.GraphPoints, v.GraphBaseline, v.Bands, m.GraphTargets, "m"+strconv.FormatInt(m.ID, 10))
	d := views.MeasureData{View: v, Graph: svg, Earlier: earlier, Later: later, GridForm: gridForm, Favorite: v.Favorite, Comment: comment,
		Embed: s.embedPanel(r, c, app.OnObject, m.ID)}
	sh := s.flash(r, s.shell(r, c, m.Title))
	sh.Notice = partnerNotice(v.Standing)
	return s.render(w, r, status, views.MeasurePage(sh, d, v.Can))
}

// partnerNotice tells the viewer whose content a page shows when it is a
// partner's, and what it may do with it.
func partnerNotice(st app.Standing) string {
	switch {
	case !st.Partner():
		return ""
	case st.Can.EnterData:
		return "Shared by " + st.Site + ". You can enter data on it; everything else is read-only."
	}
	return "Shared by " + st.Site + ". Read-only here."
}

// dataSave saves the grid. A refused save re-renders the grid with what
// the editor typed and a message per period, so nothing typed is lost.
func (s *Server) dataSave(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return &app.Error{Kind: app.Invalid, Msg: "The form could not be read."}
	}
	f := r.PostForm
	keys := f["key"]
	if len(keys) > 5000 {
		return &app.Error{Kind: app.Invalid, Msg: "Too many periods in one save."}
	}
	col := func(name string, i int) string {
		if vs := f[name]; i < len(vs) {
			return vs[i]
		}
		return ""
	}
	var entries []app.DataEntry
	typed := map[string]string{}
	var bad error // a row's version that is not one
	for i, k := range keys {
		version, ok := parseWhole(col("version", i), 0, maxVersion)
		if !ok && bad == nil {
			bad = numberError("version", 0, maxVersion)
		}
		e := app.DataEntry{PeriodKey: k, Actual: col("actual", i), Target: col("target", i), Comment: col("comment", i),
			Forecast: col("forecast", i), OrigForecast: col("orig_forecast", i),
			OrigActual: col("orig_actual", i), OrigTarget: col("orig_target", i), OrigComment: col("orig_comment", i), Version: version}
		entries = append(entries, e)
		typed["actual/"+k], typed["target/"+k], typed["comment/"+k], typed["forecast/"+k] = e.Actual, e.Target, e.Comment, e.Forecast
	}
	earlier, err1 := formClamped(r, "earlier", 0, 600, 0)
	later, err2 := formClamped(r, "later", 0, 120, 0)
	err = firstErr(bad, err1, err2)
	if err == nil {
		_, err = s.app.SaveData(r.Context(), c.Actor, id, entries)
	}
	if err != nil {
		e, ok := app.AsError(err)
		if !ok || (e.Kind != app.Invalid && e.Kind != app.Conflict) {
			return err
		}
		form := views.Form{Errors: e.Fields, Msg: e.Msg}
		if e.Kind == app.Invalid {
			form.Values = typed // keep what was typed; a conflict shows the other editor's values
		}
		return s.measurePage(w, r, c, statusOf(e.Kind), id, form)
	}
	return back(w, r, c, "/objects/"+strconv.FormatInt(id, 10)+"?done=saved&earlier="+strconv.FormatInt(earlier, 10)+
		"&later="+strconv.FormatInt(later, 10)+"#data")
}

func (s *Server) dataPaste(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if len(r.PostFormValue("paste")) > 100_000 {
		return &app.Error{Kind: app.Invalid, Msg: "That is too much to paste at once."}
	}
	if _, err := s.app.PasteColumn(r.Context(), c.Actor, id, r.PostFormValue("column"), r.PostFormValue("start"), r.PostFormValue("paste")); err != nil {
		if e, ok := app.AsError(err); ok && (e.Kind == app.Invalid || e.Kind == app.Conflict) {
			return s.measurePage(w, r, c, statusOf(e.Kind), id, views.Form{Errors: e.Fields, Msg: e.Msg})
		}
		return err
	}
	return back(w, r, c, "/objects/"+r.PathValue("id")+"?done=saved#data")
}

func (s *Server) baselineSave(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	version, err := formVersion(r)
	if err == nil {
		err = s.app.SetBaseline(r.Context(), c.Actor, id, version, r.PostFormValue("baseline"))
	}
	if err != nil {
		return s.measureFormError(w, r, c, id, err)
	}
	return back(w, r, c, "/objects/"+r.PathValue("id")+"?done=saved")
}

func (s *Server) graphSave(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	version, err := formVersion(r)
	if err != nil {
		return s.measureFormError(w, r, c, id, err)
	}
	in := app.GraphInput{Title: r.PostFormValue("graph_title"), Type: r.PostFormValue("graph_type"), Periods: r.PostFormValue("graph_periods"),
		YMin: r.PostFormValue("graph_ymin"), YMax: r.PostFormValue("graph_ymax"), ShowTargets: r.PostFormValue("graph_targets") == "1"}
	if err := s.app.SetGraph(r.Context(), c.Actor, id, version, in); err != nil {
		return s.measureFormError(w, r, c, id, err)
	}
	return back(w, r, c, "/objects/"+r.PathValue("id")+"?done=saved")
}

// measureFormError shows a refused baseline or graph change on the page.
func (s *Server) measureFormError(w http.ResponseWriter, r *http.Request, c *req, id int64, err error) error {
	e, ok := app.AsError(err)
	if !ok || (e.Kind != app.Invalid && e.Kind != app.Conflict) {
		return err
	}
	return s.measurePage(w, r, c, statusOf(e.Kind), id, views.Form{Errors: e.Fields, Msg: e.Msg})
}

// starToggle adds or removes a measure from the viewer's favourites.
func (s *Server) starToggle(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.app.Star(r.Context(), c.Actor, id, r.PostFormValue("on") == "1"); err != nil {
		return err
	}
	return back(w, r, c, "/objects/"+r.PathValue("id"))
}
