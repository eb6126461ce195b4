package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/terms"
	"yardstick/internal/web/views"
)

// Edit User (SPEC §4): five tabs in one form with one Save. Without
// JavaScript the tabs are sections of one page, the preset buttons and the
// favourites search are submit buttons of the same form that re-render it
// with the typed values kept and nothing saved; app.js does both in place.

// userEditFavLimit bounds the "Add existing measure" results.
const userEditFavLimit = 20

// userEditFilter is the "Add existing measure" filter.
type userEditFilter struct {
	Type, Tag, Text string
	On              bool // a search was asked for
}

// userEditPath is the Edit User page of a member.
func userEditPath(c *req, id int64) string {
	return views.InstanceURL(&c.Actor.Instance, "/admin/users/"+strconv.FormatInt(id, 10))
}

func (s *Server) userEdit(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ue, err := s.app.EditUser(r.Context(), c.Actor, id)
	if err != nil {
		return err
	}
	in, values := userEditStored(ue)
	qv := r.URL.Query()
	f := userEditFilter{Type: qv.Get("fav_type"), Tag: qv.Get("fav_tag"), Text: qv.Get("fav_q")}
	f.On = f.Type != "" || f.Tag != "" || f.Text != "" || qv.Get("fav_search") != ""
	values["fav_type"], values["fav_tag"], values["fav_q"] = f.Type, f.Tag, f.Text
	v, err := s.userEditView(r, c, ue, in, views.Form{Values: values}, f)
	if err != nil {
		return err
	}
	if f.On {
		v.Tab = "favorites"
	}
	return s.render(w, r, http.StatusOK, views.UserEdit(s.flash(r, s.shell(r, c, "Edit user")), v))
}

func (s *Server) userSave(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	in, values, inErr := userEditInput(r)
	f := userEditFilter{Type: values["fav_type"], Tag: values["fav_tag"], Text: values["fav_q"]}
	// rerender shows the form again with what was typed; the stored member
	// supplies the lists (and another instance's id is 404 here, like a
	// missing one).
	rerender := func(status int, form views.Form, tab string) error {
		ue, err := s.app.EditUser(r.Context(), c.Actor, id)
		if err != nil {
			return err
		}
		v, err := s.userEditView(r, c, ue, in, form, f)
		if err != nil {
			return err
		}
		v.Tab = tab
		return s.render(w, r, status, views.UserEdit(s.shell(r, c, "Edit user"), v))
	}

	// A preset button without JavaScript: show the preset's switches and
	// remember the preset; nothing is saved until Save.
	if name := r.PostFormValue("apply_preset"); name != "" {
		form := views.Form{Values: values}
		status := http.StatusOK
		if set, err := access.Preset(name); err != nil {
			status = http.StatusUnprocessableEntity
			form.Msg = "Unknown preset."
			form.Errors = map[string]string{"preset": "Unknown preset “" + userEditClip(name, 40) + "”."}
		} else {
			in.Permissions = set.Keys()
			values["preset"] = name
		}
		return rerender(status, form, "general")
	}
	// The favourites search without JavaScript: list the matches, keep
	// every typed value, save nothing.
	if r.PostFormValue("fav_search") != "" {
		f.On = true
		return rerender(http.StatusOK, views.Form{Values: values}, "favorites")
	}

	notice, err := "", inErr
	if err == nil {
		notice, err = s.app.SaveUser(r.Context(), c.Actor, id, in)
	}
	if err == nil {
		done := "saved"
		if notice != "" {
			done = "saved-email"
		}
		http.Redirect(w, r, userEditPath(c, id)+"?done="+done, http.StatusSeeOther)
		return nil
	}
	e, ok := app.AsError(err)
	if !ok || e.Kind == app.NotFound {
		return err
	}
	// Refusals (Invalid, Forbidden, Conflict) re-render the form with what
	// was typed, the message and the matching status; nothing was saved.
	return rerender(statusOf(e.Kind), views.Form{Values: values, Errors: e.Fields, Msg: e.Msg}, userEditTab(e.Fields))
}

// userEditInput reads only the fields the Edit User form offers; anything
// else posted (active, account or instance ids, …) is ignored. Values are
// passed on as typed: unknown permission keys and presets are the app's to
// refuse, and an id that is not one becomes 0, which matches nothing. The
// error is a version that is not one, for the form to show (a preset
// button or a search still works with it).
func userEditInput(r *http.Request) (app.UserInput, map[string]string, error) {
	_ = r.ParseForm()
	pf := r.PostForm
	version, ok := parseWhole(pf.Get("version"), 0, maxVersion)
	var err error
	if !ok {
		err = numberError("version", 0, maxVersion)
	}
	in := app.UserInput{
		Version:         version,
		NameField:       pf.Has("name"),
		EmailField:      pf.Has("email"),
		Name:            pf.Get("name"),
		Email:           pf.Get("email"),
		Preset:          pf.Get("preset"),
		Permissions:     pf["perm"],
		ScorecardIDs:    formIDs(pf["scorecard"]),
		DigestWeekly:    pf.Get("digest_weekly") == "1",
		DigestMonthly:   pf.Get("digest_monthly") == "1",
		ActionEmails:    pf.Get("action_emails") == "1",
		AddFavorites:    formIDs(pf["fav_add"]),
		RemoveFavorites: formIDs(pf["fav_remove"]),
	}
	if in.Permissions == nil {
		in.Permissions = []string{}
	}
	values := map[string]string{}
	for _, k := range []string{"version", "name", "email", "preset", "fav_type", "fav_tag", "fav_q"} {
		values[k] = pf.Get(k)
	}
	return in, values, err
}

// userEditStored is the form as the stored member fills it.
func userEditStored(ue app.UserEdit) (app.UserInput, map[string]string) {
	m := ue.Membership
	in := app.UserInput{Version: m.Version, Name: ue.Account.Name, Email: ue.Account.Email,
		Permissions: ue.Perms.Keys(), ScorecardIDs: ue.ScorecardIDs,
		DigestWeekly: m.DigestWeekly, DigestMonthly: m.DigestMonthly, ActionEmails: m.ActionEmails}
	values := map[string]string{"version": strconv.FormatInt(m.Version, 10), "name": in.Name, "email": in.Email, "preset": ""}
	return in, values
}

// userEditView builds the page from the stored member (ue) and the form's
// current state (in): stored lists, typed choices.
func (s *Server) userEditView(r *http.Request, c *req, ue app.UserEdit, in app.UserInput, form views.Form, f userEditFilter) (views.UserEditView, error) {
	ctx := r.Context()
	on := map[string]bool{}
	for _, k := range in.Permissions {
		on[k] = true
	}
	role := access.Custom
	if set, err := access.NewSet(in.Permissions...); err == nil {
		role = access.Role(set)
	}
	v := views.UserEditView{
		Form:          form,
		Action:        userEditPath(c, ue.Membership.ID),
		UsersURL:      views.InstanceURL(&c.Actor.Instance, "/admin/users"),
		Email:         ue.Account.Email,
		Name:          ue.Account.Name,
		Active:        ue.Membership.Active,
		Invited:       ue.Membership.Invited,
		AccountLock:   ue.AccountLock,
		Self:          ue.Self,
		PendingEmail:  ue.PendingEmail,
		Role:          role,
		AllScorecards: on[string(access.ScorecardsAll)],
		DigestWeekly:  in.DigestWeekly,
		DigestMonthly: in.DigestMonthly,
		ActionEmails:  in.ActionEmails,
		LastActivity:  userEditActivity(c, ue.Membership.LastActivityAt),
		Filter:        f.On,
	}
	v.Activity, v.ActivityForm = s.memberActivity(r, c, ue.Membership.ID)
	for _, name := range access.PresetNames {
		v.Presets = append(v.Presets, views.UserPreset{Name: name, Keys: strings.Join(access.MustPreset(name).Keys(), " ")})
	}
	for _, p := range access.All {
		up := views.UserPerm{Key: string(p.Key), Name: p.Name, Description: p.Description, On: on[string(p.Key)]}
		if p.Key == access.Compyle && s.cfg.CompyleURL == "" {
			up.Note = "No Compyle address configured: the menu shows no Compyle item."
		}
		v.Perms = append(v.Perms, up)
	}
	for _, sc := range ue.Scorecards {
		label := sc.Title
		if c.Actor.Partner(sc.InstanceID) {
			label += terms.From(ctx).Expand(" (shared by a {partner:lower})")
		}
		v.Scorecards = append(v.Scorecards, views.UserScorecard{ID: sc.ID, Label: label, Checked: slices.Contains(in.ScorecardIDs, sc.ID)})
	}
	isFav := map[int64]bool{}
	for _, o := range ue.Favorites {
		isFav[o.ID] = true
		v.Favorites = append(v.Favorites, views.UserFavorite{Measure: o, Checked: slices.Contains(in.RemoveFavorites, o.ID)})
	}
	fq := app.FavoriteQuery{Search: f.On, Tag: strings.TrimSpace(f.Tag), Text: strings.TrimSpace(f.Text), Limit: userEditFavLimit, Chosen: in.AddFavorites}
	if f.On {
		typeID, ok := parseWhole(f.Type, 1, maxID)
		if !ok && strings.TrimSpace(f.Type) != "" {
			return v, numberError("fav_type", 1, maxID)
		}
		fq.TypeID = typeID
	}
	ch, err := s.app.FavoriteChoices(ctx, c.Actor, fq)
	if err != nil {
		return v, err
	}
	v.FavTypes, v.More = ch.Types, ch.More
	for _, o := range ch.Results {
		v.Results = append(v.Results, views.UserFavorite{Measure: o, Already: isFav[o.ID], Checked: slices.Contains(in.AddFavorites, o.ID)})
	}
	// Measures ticked in an earlier search stay chosen across searches.
	for _, o := range ch.Pending {
		if !isFav[o.ID] {
			v.Pending = append(v.Pending, views.UserFavorite{Measure: o, Checked: true})
		}
	}
	return v, nil
}

// userEditActivity formats a time in the viewer's time zone.
func userEditActivity(c *req, at *time.Time) string {
	if at == nil {
		return "never"
	}
	loc, err := time.LoadLocation(c.Actor.Account.TimeZone)
	if err != nil || c.Actor.Account.TimeZone == "" {
		if loc, err = time.LoadLocation(c.Actor.Instance.TimeZone); err != nil {
			loc = time.UTC
		}
	}
	return at.In(loc).Format("2 Jan 2006 15:04 MST")
}

// userEditTab names the tab holding the first field in error.
func userEditTab(fields map[string]string) string {
	for _, k := range []string{"name", "email", "preset", "permissions"} {
		if fields[k] != "" {
			return "general"
		}
	}
	if fields["scorecards"] != "" {
		return "scorecards"
	}
	if fields["favorites"] != "" {
		return "favorites"
	}
	return ""
}

func userEditClip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
