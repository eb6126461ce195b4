package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"yardstick/internal/app"
	"yardstick/internal/calc"
	"yardstick/internal/model"
	"yardstick/internal/web/views"
)

// The calculation form of a measure (issue 22, point 3): objects.edit,
// checked in internal/app like everything else.

func (s *Server) calculationPage(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.app.CalculationForm(r.Context(), c.Actor, id)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.CalculationPage(s.shell(r, c, "Calculation of "+d.Measure.Title), d, views.Form{Values: calcValues(d.Calc)}))
}

// calcValues fills the form from a stored calculation.
func calcValues(c *model.Calculation) map[string]string {
	v := map[string]string{"method": string(calc.Sum)}
	if c == nil {
		return v
	}
	v["method"], v["formula"] = c.Method, c.Formula
	if c.Partial {
		v["partial"] = "1"
	}
	if c.CalcTargets {
		v["calc_targets"] = "1"
	}
	for i, in := range c.Inputs {
		v["input"+strconv.Itoa(i)] = strconv.FormatInt(in.MeasureID, 10)
	}
	return v
}

func (s *Server) calculationSave(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return &app.Error{Kind: app.Invalid, Msg: "The form could not be read."}
	}
	f := r.PostForm
	in := app.CalculationInput{Method: f.Get("method"), Formula: f.Get("formula"), Partial: f.Get("partial") == "1",
		CalcTargets: f.Get("calc_targets") == "1"}
	values := map[string]string{"method": in.Method, "formula": in.Formula, "partial": f.Get("partial"), "calc_targets": f.Get("calc_targets")}
	var bad error
	n := 0
	for _, raw := range f["input"] {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue // an empty row: the inputs close up
		}
		v, ok := parseWhole(raw, 1, maxID)
		if !ok {
			bad = &app.Error{Kind: app.Invalid, Msg: "Choose each input from its list.", Fields: map[string]string{"inputs": "Choose each input from its list."}}
			continue
		}
		values["input"+strconv.Itoa(n)] = raw
		in.Inputs = append(in.Inputs, v)
		n++
	}
	if len(f["input"]) > calc.MaxInputs*2 {
		bad = &app.Error{Kind: app.Invalid, Msg: "Too many inputs.", Fields: map[string]string{"inputs": "A calculation takes at most 26 inputs."}}
	}
	err = bad
	if err == nil {
		err = s.app.SetCalculation(r.Context(), c.Actor, id, in)
	}
	if err != nil {
		d, derr := s.app.CalculationForm(r.Context(), c.Actor, id)
		if derr != nil {
			return derr
		}
		d.Rows = min(calc.MaxInputs, max(d.Rows, len(in.Inputs)+3))
		return s.formError(w, r, err, func(f views.Form) templ.Component {
			return views.CalculationPage(s.shell(r, c, "Calculation of "+d.Measure.Title), d, f)
		}, values)
	}
	return back(w, r, c, "/objects/"+r.PathValue("id")+"?done=saved#network")
}

func (s *Server) calculationClear(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.app.ClearCalculation(r.Context(), c.Actor, id); err != nil {
		return err
	}
	return back(w, r, c, "/objects/"+r.PathValue("id")+"?done=saved")
}
