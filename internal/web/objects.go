package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/a-h/templ"

	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/web/views"
)

func (s *Server) objectList(w http.ResponseWriter, r *http.Request, c *req) error {
	qv := r.URL.Query()
	kind := qv.Get("kind")
	if kind != model.KindContainer {
		kind = model.KindMeasure
	}
	q := views.ListQuery{Kind: kind, Type: qv.Get("type"), Tag: qv.Get("tag"), Text: qv.Get("q"), Sort: qv.Get("sort"), Desc: qv.Get("dir") == "desc"}
	if q.Sort != "updated" {
		q.Sort = "title"
	}
	typeID, err := formID(r, "type")
	if err != nil {
		return err
	}
	f := app.ObjectQuery{Kind: kind, TypeID: typeID, Tag: q.Tag, Text: q.Text, Sort: q.Sort, Desc: q.Desc, After: qv.Get("after"), Limit: 50}
	v, err := s.app.ObjectList(r.Context(), c.Actor, f)
	if err != nil {
		return err
	}
	base := "/i/" + c.Actor.Instance.Code + "/objects"
	link := func(sort string, desc bool, after string) string {
		v := url.Values{"kind": {kind}, "sort": {sort}}
		for k, val := range map[string]string{"type": q.Type, "tag": q.Tag, "q": q.Text, "after": after} {
			if val != "" {
				v.Set(k, val)
			}
		}
		if desc {
			v.Set("dir", "desc")
		}
		return base + "?" + v.Encode()
	}
	q.SortURL = func(col string) string { return link(col, col == q.Sort && !q.Desc, "") }
	if v.Page.Next != "" {
		q.NextURL = link(q.Sort, q.Desc, v.Page.Next)
	}
	if f.After != "" {
		q.FirstURL = link(q.Sort, q.Desc, "")
	}
	return s.render(w, r, http.StatusOK, views.ObjectList(s.termShell(r, c, views.KindPlural(kind)), q, v.Types, v.Page, v.Total, v.Can))
}

// objectFormData gathers the choices of the object form.
func (s *Server) objectFormData(r *http.Request, c *req, kind, action string, editing bool) (views.ObjectFormData, error) {
	ch, err := s.app.ObjectForm(r.Context(), c.Actor, kind)
	if err != nil {
		return views.ObjectFormData{}, err
	}
	d := views.ObjectFormData{Kind: kind, Types: ch.Types, Frequencies: ch.Frequencies, Action: action, Editing: editing}
	for _, p := range []string{"scorecard", "parent"} {
		id, err := formID(r, p)
		if err != nil {
			return views.ObjectFormData{}, err
		}
		if id != 0 {
			d.Placement, d.PlacementID = p, strconv.FormatInt(id, 10)
			break
		}
	}
	return d, nil
}

func (s *Server) objectNew(w http.ResponseWriter, r *http.Request, c *req) error {
	kind := r.URL.Query().Get("kind")
	if kind != model.KindContainer {
		kind = model.KindMeasure
	}
	d, err := s.objectFormData(r, c, kind, "/i/"+c.Actor.Instance.Code+"/objects", false)
	if err != nil {
		return err
	}
	f := views.Form{Values: map[string]string{"decimals": "0", "polarity": "higher"}}
	if kind == model.KindMeasure {
		// Under a program, a new measure is most likely a performance measure.
		for _, t := range d.Types {
			if (t.Name == "Performance Measure") == (d.Placement == "parent") {
				f.Values["type"] = strconv.FormatInt(t.ID, 10)
				break
			}
		}
	}
	return s.render(w, r, http.StatusOK, views.ObjectForm(s.shell(r, c, "New"), f, d))
}

// objectInput reads only the fields the form offers.
func objectInput(r *http.Request) (app.ObjectInput, map[string]string, error) {
	typeID, err1 := formID(r, "type")
	freqID, err2 := formID(r, "frequency")
	in := app.ObjectInput{
		Kind: r.PostFormValue("kind"), TypeID: typeID, Title: r.PostFormValue("title"),
		Description: r.PostFormValue("description"), Tags: r.PostFormValue("tags"), ExtID: r.PostFormValue("ext_id"),
		Unit: r.PostFormValue("unit"), UnitBefore: r.PostFormValue("unit_before") == "1", Decimals: r.PostFormValue("decimals"),
		Polarity: r.PostFormValue("polarity"), FrequencyID: freqID, PMCategory: r.PostFormValue("pm_category"),
		DataSource: r.PostFormValue("data_source"), BandGreen: r.PostFormValue("band_green"), BandYellow: r.PostFormValue("band_yellow"),
	}
	values := map[string]string{}
	for _, k := range []string{"type", "title", "description", "tags", "unit", "unit_before", "decimals", "polarity",
		"frequency", "pm_category", "data_source", "band_green", "band_yellow", "version", "ext_id"} {
		values[k] = r.PostFormValue(k)
	}
	return in, values, firstErr(err1, err2)
}

// placementOf reads where an object goes, or where a link is.
func placementOf(r *http.Request) (app.Placement, error) {
	sc, err1 := formID(r, "scorecard")
	parent, err2 := formID(r, "parent")
	return app.Placement{ScorecardID: sc, ParentID: parent}, firstErr(err1, err2)
}

func (s *Server) objectCreate(w http.ResponseWriter, r *http.Request, c *req) error {
	in, values, err := objectInput(r)
	at, aerr := placementOf(r)
	var o model.Object
	if err = firstErr(err, aerr); err == nil {
		o, err = s.app.CreateObject(r.Context(), c.Actor, in, at)
	}
	if err != nil {
		kind := in.Kind
		if kind != model.KindContainer {
			kind = model.KindMeasure
		}
		d, derr := s.objectFormData(r, c, kind, "/i/"+c.Actor.Instance.Code+"/objects", false)
		if derr != nil {
			return derr
		}
		return s.formError(w, r, err, func(f views.Form) templ.Component {
			return views.ObjectForm(s.shell(r, c, "New"), f, d)
		}, values)
	}
	if at.ScorecardID != 0 {
		return back(w, r, c, "/scorecards/"+strconv.FormatInt(at.ScorecardID, 10)+"?done=saved")
	}
	return back(w, r, c, "/objects/"+strconv.FormatInt(o.ID, 10)+"?done=saved")
}

func (s *Server) objectPage(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	earlier, later, err := gridWindow(r)
	if err != nil {
		return err
	}
	page, err := s.app.ObjectPage(r.Context(), c.Actor, id, earlier, later)
	if err != nil {
		return err
	}
	if m := page.Measure; m != nil {
		if err := s.olderComments(r, c, &m.Notes); err != nil {
			return err
		}
		return s.renderMeasure(w, r, c, http.StatusOK, *m, earlier, later, views.Form{})
	}
	v := page.Container
	if err := s.olderComments(r, c, &v.Notes); err != nil {
		return err
	}
	sh := s.flash(r, s.shell(r, c, v.Object.Title))
	sh.Notice = partnerNotice(v.Standing)
	return s.render(w, r, http.StatusOK, views.ContainerPage(sh, v.Object, v.Children, v.Scorecards, v.Can, v.Notes, v.Actions, views.Form{},
		s.embedPanel(r, c, app.OnObject, id)))
}

func (s *Server) objectEdit(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	o, err := s.app.Object(r.Context(), c.Actor, id)
	if err != nil {
		return err
	}
	d, err := s.objectFormData(r, c, o.Kind, "/i/"+c.Actor.Instance.Code+"/objects/"+r.PathValue("id"), true)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.ObjectForm(s.shell(r, c, "Edit "+o.Title), views.Form{Values: objectValues(o)}, d))
}

func objectValues(o model.Object) map[string]string {
	v := map[string]string{
		"type": strconv.FormatInt(o.TypeID, 10), "title": o.Title, "description": o.Description, "ext_id": o.ExtID,
		"tags": views.TagsText(o.Tags), "unit": o.Unit, "decimals": strconv.Itoa(o.Decimals), "polarity": o.Polarity,
		"pm_category": o.PMCategory, "data_source": o.DataSource, "version": strconv.FormatInt(o.Version, 10),
		"band_green": app.FormatRaw(o.BandGreen), "band_yellow": app.FormatRaw(o.BandYellow),
	}
	if o.UnitBefore {
		v["unit_before"] = "1"
	}
	if o.FrequencyID != nil {
		v["frequency"] = strconv.FormatInt(*o.FrequencyID, 10)
	}
	return v
}

func (s *Server) objectUpdate(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	in, values, err := objectInput(r)
	version, verr := formVersion(r)
	if err = firstErr(err, verr); err == nil {
		err = s.app.UpdateObject(r.Context(), c.Actor, id, version, in)
	}
	if err != nil {
		o, oerr := s.app.Object(r.Context(), c.Actor, id)
		if oerr != nil {
			return oerr
		}
		d, derr := s.objectFormData(r, c, o.Kind, "/i/"+c.Actor.Instance.Code+"/objects/"+r.PathValue("id"), true)
		if derr != nil {
			return derr
		}
		return s.formError(w, r, err, func(f views.Form) templ.Component {
			return views.ObjectForm(s.shell(r, c, "Edit "+o.Title), f, d)
		}, values)
	}
	return back(w, r, c, "/objects/"+r.PathValue("id")+"?done=saved")
}

func (s *Server) objectDelete(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.app.DeleteObject(r.Context(), c.Actor, id); err != nil {
		return err
	}
	return back(w, r, c, "/scorecards?done=deleted")
}

// linkTarget reads where a link goes and which page to return to.
func linkTarget(r *http.Request) (app.Placement, int64, string, error) {
	at, err1 := placementOf(r)
	child, err2 := formID(r, "child")
	b, err3 := formID(r, "back")
	if err := firstErr(err1, err2, err3); err != nil {
		return at, 0, "", err
	}
	ret := "/objects/" + strconv.FormatInt(at.ParentID, 10)
	if b != 0 {
		ret = "/scorecards/" + strconv.FormatInt(b, 10)
	} else if at.ScorecardID != 0 {
		ret = "/scorecards/" + strconv.FormatInt(at.ScorecardID, 10)
	}
	return at, child, ret, nil
}

func (s *Server) linkCreate(w http.ResponseWriter, r *http.Request, c *req) error {
	at, child, ret, err := linkTarget(r)
	if err != nil {
		return err
	}
	if err := s.app.Link(r.Context(), c.Actor, at, child); err != nil {
		return err
	}
	return back(w, r, c, ret+"?done=linked")
}

func (s *Server) linkDelete(w http.ResponseWriter, r *http.Request, c *req) error {
	at, child, ret, err := linkTarget(r)
	if err != nil {
		return err
	}
	if err := s.app.Unlink(r.Context(), c.Actor, at, child); err != nil {
		return err
	}
	return back(w, r, c, ret+"?done=unlinked")
}

func (s *Server) linkMove(w http.ResponseWriter, r *http.Request, c *req) error {
	at, child, ret, err := linkTarget(r)
	if err != nil {
		return err
	}
	// A delta that is not a number goes on as 0, which the app refuses once
	// it has checked the actor may move the row at all.
	delta, _ := parseWhole(r.FormValue("delta"), -app.MaxMove, app.MaxMove)
	if err := s.app.Move(r.Context(), c.Actor, at, child, int(delta)); err != nil {
		return err
	}
	return back(w, r, c, ret)
}
