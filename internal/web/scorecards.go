package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"yardstick/internal/app"
	"yardstick/internal/model"
	"yardstick/internal/web/views"
)

// scorecardList shows the accessible scorecards of the sites chosen in
// the Sites filter (?site=ID, repeatable): this instance when none is
// chosen, and partners that share with it. An id that is not one of
// those sites is ignored, never looked up.
func (s *Server) scorecardList(w http.ResponseWriter, r *http.Request, c *req) error {
	var ids []int64
	for _, v := range r.URL.Query()["site"] {
		if n, ok := parseWhole(v, 1, maxID); ok {
			ids = append(ids, n)
		}
	}
	v, err := s.app.ScorecardList(r.Context(), c.Actor, ids)
	if err != nil {
		return err
	}
	sh := s.flash(r, s.termShell(r, c, "{scorecard:many}"))
	filter := views.SitesFilter{Own: v.Own, Partners: v.Sites, Chosen: v.Chosen}
	return s.render(w, r, http.StatusOK, views.ScorecardList(sh, v.Favorites, v.Nodes, v.Can, filter))
}

// scorecardForm renders the form for scorecard id (0: a new one) with a
// status.
func (s *Server) scorecardForm(w http.ResponseWriter, r *http.Request, c *req, status int, f views.Form, action string, id int64) error {
	page, err := s.scorecardFormPage(r, c, action, id, nil)
	if err != nil {
		return err
	}
	return s.render(w, r, status, page(f))
}

// scorecardFormPage loads the form's choices (parents, members) and
// returns a function rendering the form with given values and errors.
// id is the scorecard edited (0: a new one); checked, when not nil, the
// members a refused save had ticked.
func (s *Server) scorecardFormPage(r *http.Request, c *req, action string, id int64, checked []int64) (func(views.Form) templ.Component, error) {
	editing := id != 0
	ch, err := s.app.ScorecardForm(r.Context(), c.Actor, id)
	if err != nil {
		return nil, err
	}
	if checked == nil {
		checked = ch.Picker.Assigned
	}
	choices := memberChoices(ch.Picker, checked)
	parents := ch.Parents
	title := "New {scorecard:lower}"
	if editing {
		title = "Edit {scorecard:lower}"
	}
	var embed templ.Component
	if editing {
		sc, ok, err := s.app.EmbedSwitchOf(r.Context(), c.Actor, id)
		if err != nil {
			return nil, err
		}
		if ok {
			embed = views.EmbedSwitch(s.shell(r, c, title), sc, views.Form{})
		}
	}
	return func(f views.Form) templ.Component {
		return views.ScorecardForm(s.termShell(r, c, title), f, action, parents, editing, f.V("version"), choices, embed)
	}, nil
}

func (s *Server) scorecardNew(w http.ResponseWriter, r *http.Request, c *req) error {
	parent, err := formID(r, "parent")
	if err != nil {
		return err
	}
	f := views.Form{Values: map[string]string{"parent": ""}}
	if parent != 0 {
		f.Values["parent"] = strconv.FormatInt(parent, 10)
	}
	return s.scorecardForm(w, r, c, http.StatusOK, f, "/i/"+c.Actor.Instance.Code+"/scorecards", 0)
}

// scorecardInput reads the scorecard form; the error is a parent that is
// not an id, with the rest read as far as it goes. A member that is not
// an id is 0, which the app refuses naming it.
func scorecardInput(r *http.Request) (app.ScorecardInput, map[string]string, error) {
	parent, err := formID(r, "parent")
	in := app.ScorecardInput{Title: r.PostFormValue("title"), Description: r.PostFormValue("description"), ParentID: parent,
		ExtID:      r.PostFormValue("ext_id"),
		SetMembers: r.PostFormValue("members_present") == "1",
		Members:    app.Assignment{Offered: formIDs(r.PostForm["offered"]), Chosen: formIDs(r.PostForm["member"])}}
	if in.Members.Chosen == nil {
		in.Members.Chosen = []int64{} // nothing ticked: a refused save shows it so, not the stored list
	}
	values := map[string]string{"title": in.Title, "description": in.Description, "parent": r.PostFormValue("parent"), "version": r.PostFormValue("version"),
		"ext_id": in.ExtID, "expand_depth": r.PostFormValue("expand_depth")}
	if r.PostFormValue("columns_present") == "1" {
		in.SetColumns, in.Columns = true, app.ColumnChoice{}
		for _, col := range app.Columns {
			v := r.PostFormValue("col_" + col.ID)
			values["col_"+col.ID] = v
			pos, ok := parseWhole(v, 0, int64(app.MaxPosition))
			if !ok && v != "" {
				pos = -1 // refused by the app, tied to the field
			}
			in.Columns[col.ID] = int(pos)
		}
		depth, ok := parseWhole(r.PostFormValue("expand_depth"), 0, 4)
		if !ok && strings.TrimSpace(r.PostFormValue("expand_depth")) != "" {
			depth = -1 // refused by the app, tied to the field
		}
		in.ExpandDepth = int(depth)
	}
	if r.PostFormValue("scores_present") == "1" {
		in.SetScores, in.ScoresOn, in.ScoresShared = true, r.PostFormValue("scores_on") == "1", r.PostFormValue("scores_shared") == "1"
		values["scores_on"], values["scores_shared"] = r.PostFormValue("scores_on"), r.PostFormValue("scores_shared")
	}
	return in, values, err
}

func (s *Server) scorecardCreate(w http.ResponseWriter, r *http.Request, c *req) error {
	in, values, err := scorecardInput(r)
	var sc model.Scorecard
	if err == nil {
		sc, err = s.app.CreateScorecard(r.Context(), c.Actor, in)
	}
	if err != nil {
		page, perr := s.scorecardFormPage(r, c, "/i/"+c.Actor.Instance.Code+"/scorecards", 0, in.Members.Chosen)
		if perr != nil {
			return perr
		}
		return s.formError(w, r, err, page, values)
	}
	return back(w, r, c, "/scorecards/"+strconv.FormatInt(sc.ID, 10))
}

func (s *Server) scorecardPage(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.scorecardPageWith(w, r, c, id, http.StatusOK, nil)
}

// scorecardPageWith renders a scorecard page; a refused assignment passes
// the members it chose and the reason.
func (s *Server) scorecardPageWith(w http.ResponseWriter, r *http.Request, c *req, id int64, status int, refused *views.MemberAssign) error {
	return s.scorecardPageFull(w, r, c, id, status, refused, nil)
}

// scorecardPageDivider is the scorecard page with a refused divider title.
func (s *Server) scorecardPageDivider(w http.ResponseWriter, r *http.Request, c *req, id int64, title, msg string) error {
	return s.scorecardPageFull(w, r, c, id, http.StatusUnprocessableEntity, nil, nil, title, msg)
}

// scorecardPageFull is scorecardPageWith with a refused lock form's values
// or a refused divider's.
func (s *Server) scorecardPageFull(w http.ResponseWriter, r *http.Request, c *req, id int64, status int, refused *views.MemberAssign, lock *views.LockForm,
	divider ...string) error {
	v, err := s.app.ScorecardPage(r.Context(), c.Actor, id)
	if err != nil {
		return err
	}
	if err := s.olderComments(r, c, &v.Notes); err != nil {
		return err
	}
	sh := s.flash(r, s.shell(r, c, v.Scorecard.Title))
	sh.Notice = partnerNotice(v.Standing)
	assign := refused
	if assign == nil && v.Picker != nil {
		assign = memberAssign(c, id, *v.Picker, nil, "")
	}
	if lock == nil {
		lock = &views.LockForm{Mode: v.Scorecard.LockMode, Reason: v.Scorecard.LockReason}
	}
	x := scorecardExtras(r, v, *lock)
	if len(divider) == 2 {
		x.DividerTitle, x.DividerError = divider[0], divider[1]
	}
	return s.render(w, r, status, views.ScorecardPage(sh, v, v.Can, v.Containers, assign, views.Form{}, s.embedPanel(r, c, app.OnScorecard, id), x))
}

// scorecardExtras reads how many levels the page shows: the scorecard's
// default depth, or all with ?levels=all.
func scorecardExtras(r *http.Request, v app.ScorecardView, lock views.LockForm) views.ScorecardExtras {
	x := views.ScorecardExtras{Lock: lock, Levels: v.Scorecard.ExpandDepth}
	if x.Levels == 0 {
		return x
	}
	if r.URL.Query().Get("levels") == "all" {
		x.Levels, x.LevelsURL = 0, "/i/"+r.PathValue("code")+"/scorecards/"+r.PathValue("id")
		return x
	}
	for _, row := range v.Rows {
		if row.Depth >= x.Levels {
			x.Hidden++
		}
	}
	x.LevelsURL = "/i/" + r.PathValue("code") + "/scorecards/" + r.PathValue("id") + "?levels=all"
	return x
}

// scorecardLock saves a scorecard's lock mode (objects.edit); a refused
// reason comes back on the page with its message.
func (s *Server) scorecardLock(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	version, err := formVersion(r)
	in := app.LockInput{Mode: r.PostFormValue("lock_mode"), Reason: r.PostFormValue("lock_reason")}
	if err == nil {
		err = s.app.SetScorecardLock(r.Context(), c.Actor, id, version, in)
	}
	if err != nil {
		e, ok := app.AsError(err)
		if !ok || e.Kind != app.Invalid || len(e.Fields) == 0 {
			return err
		}
		return s.scorecardPageFull(w, r, c, id, http.StatusUnprocessableEntity, nil, &views.LockForm{Mode: in.Mode, Reason: in.Reason, Errors: e.Fields})
	}
	return back(w, r, c, "/scorecards/"+r.PathValue("id")+"?done=saved")
}

// memberAssign is the assignment list of scorecard id; chosen, when not
// nil, are the members a refused save had ticked.
func memberAssign(c *req, id int64, list app.MemberPicker, chosen []int64, msg string) *views.MemberAssign {
	if chosen == nil {
		chosen = list.Assigned
	}
	return &views.MemberAssign{Action: "/i/" + c.Actor.Instance.Code + "/scorecards/" + strconv.FormatInt(id, 10) + "/members",
		Members: memberChoices(list, chosen), Error: msg}
}

// memberChoices offers an assignment list's members, labelled as the app
// allows the viewer to see them, the chosen ones ticked.
func memberChoices(list app.MemberPicker, chosen []int64) views.MemberChoices {
	on := map[int64]bool{}
	for _, id := range chosen {
		on[id] = true
	}
	out := views.MemberChoices{List: make([]views.MemberChoice, 0, len(list.Members)), More: list.More, Limit: app.PickerLimit}
	for _, m := range list.Members {
		out.List = append(out.List, views.MemberChoice{ID: m.ID, Label: m.Label, Inactive: !m.Active, Checked: on[m.ID]})
	}
	return out
}

// scorecardAssign saves a scorecard's assignment list (users.manage).
func (s *Server) scorecardAssign(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	in, _, err := scorecardInput(r)
	if err == nil {
		err = s.app.AssignScorecard(r.Context(), c.Actor, id, in.Members)
	}
	if e, ok := app.AsError(err); ok && e.Kind == app.Invalid {
		// Show the list again as chosen, with the reason, and keep nothing.
		msg := e.Msg
		if f := e.Fields["members"]; f != "" {
			msg = f
		}
		list, err := s.app.MemberPicker(r.Context(), c.Actor, id)
		if err != nil {
			return err
		}
		refused := memberAssign(c, id, list, in.Members.Chosen, msg)
		return s.scorecardPageWith(w, r, c, id, http.StatusUnprocessableEntity, refused)
	}
	if err != nil {
		return err
	}
	return back(w, r, c, "/scorecards/"+strconv.FormatInt(id, 10)+"?done=assigned")
}

func (s *Server) scorecardEdit(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	sc, err := s.app.Scorecard(r.Context(), c.Actor, id)
	if err != nil {
		return err
	}
	parent := ""
	if sc.ParentID != nil {
		parent = strconv.FormatInt(*sc.ParentID, 10)
	}
	f := views.Form{Values: map[string]string{"title": sc.Title, "description": sc.Description, "parent": parent, "ext_id": sc.ExtID,
		"version": strconv.FormatInt(sc.Version, 10), "expand_depth": strconv.Itoa(sc.ExpandDepth),
		"scores_on": checkedValue(sc.ScoresOn), "scores_shared": checkedValue(sc.ScoresShared)}}
	for id, pos := range app.ColumnPositions(sc) {
		f.Values["col_"+id] = strconv.Itoa(pos)
	}
	return s.scorecardForm(w, r, c, http.StatusOK, f, "/i/"+c.Actor.Instance.Code+"/scorecards/"+r.PathValue("id"), id)
}

func (s *Server) scorecardUpdate(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	in, values, err := scorecardInput(r)
	version, verr := formVersion(r)
	if err = firstErr(err, verr); err == nil {
		err = s.app.UpdateScorecard(r.Context(), c.Actor, id, version, in)
	}
	if err != nil {
		page, perr := s.scorecardFormPage(r, c, "/i/"+c.Actor.Instance.Code+"/scorecards/"+r.PathValue("id"), id, in.Members.Chosen)
		if perr != nil {
			return perr
		}
		return s.formError(w, r, err, page, values)
	}
	return back(w, r, c, "/scorecards/"+r.PathValue("id")+"?done=saved")
}

func (s *Server) scorecardDelete(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.app.DeleteScorecard(r.Context(), c.Actor, id); err != nil {
		return err
	}
	return back(w, r, c, "/scorecards?done=deleted")
}

// scorecardStar stars or unstars a scorecard for the viewer.
func (s *Server) scorecardStar(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.app.StarScorecard(r.Context(), c.Actor, id, r.PostFormValue("on") == "1"); err != nil {
		return err
	}
	return back(w, r, c, "/scorecards/"+r.PathValue("id"))
}

// scorecardJump is the header switcher: a single match opens, several are
// listed (favourites first).
func (s *Server) scorecardJump(w http.ResponseWriter, r *http.Request, c *req) error {
	text := r.URL.Query().Get("q")
	list, err := s.app.JumpScorecards(r.Context(), c.Actor, text)
	d := views.JumpData{Text: text}
	status := http.StatusOK
	if err != nil {
		e, ok := app.AsError(err)
		if !ok || e.Kind != app.Invalid {
			return err
		}
		d.Error, status = e.Fields["q"], http.StatusUnprocessableEntity
	}
	if err == nil && len(list) == 1 && text != "" {
		return back(w, r, c, "/scorecards/"+strconv.FormatInt(list[0].Scorecard.ID, 10))
	}
	d.Matches = list
	return s.render(w, r, status, views.JumpPage(s.termShell(r, c, "Go to {scorecard:lower}"), d))
}

// dividerAdd adds a divider to a scorecard; a refused title comes back on
// the page with its message.
func (s *Server) dividerAdd(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	title := r.PostFormValue("divider_title")
	if _, err := s.app.AddDivider(r.Context(), c.Actor, id, title); err != nil {
		e, ok := app.AsError(err)
		if !ok || e.Kind != app.Invalid || e.Fields["divider_title"] == "" {
			return err
		}
		return s.scorecardPageDivider(w, r, c, id, title, e.Fields["divider_title"])
	}
	return back(w, r, c, "/scorecards/"+r.PathValue("id")+"?done=saved")
}

// dividerChange renames, moves or deletes a divider.
func (s *Server) dividerChange(what string) func(http.ResponseWriter, *http.Request, *req) error {
	return func(w http.ResponseWriter, r *http.Request, c *req) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		did, err := pathID(r, "divider")
		if err != nil {
			return err
		}
		switch what {
		case "rename":
			err = s.app.RenameDivider(r.Context(), c.Actor, id, did, r.PostFormValue("divider_title"))
		case "move":
			// As for rows: a delta that is not a number is the app's to refuse.
			delta, _ := parseWhole(r.PostFormValue("delta"), -app.MaxMove, app.MaxMove)
			err = s.app.MoveDivider(r.Context(), c.Actor, id, did, int(delta))
		default:
			err = s.app.DeleteDivider(r.Context(), c.Actor, id, did)
		}
		if err != nil {
			if e, ok := app.AsError(err); ok && e.Kind == app.Invalid && e.Fields["divider_title"] != "" {
				return s.scorecardPageDivider(w, r, c, id, r.PostFormValue("divider_title"), e.Fields["divider_title"])
			}
			return err
		}
		return back(w, r, c, "/scorecards/"+r.PathValue("id")+"?done=saved")
	}
}

// checkedValue is a ticked box's form value ("1"), or "" for an unticked one.
func checkedValue(b bool) string {
	if b {
		return "1"
	}
	return ""
}
