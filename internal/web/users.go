package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/app"
	"yardstick/internal/web/views"
)

// Users administration (SPEC §4): the users list with its row actions,
// Add New User, Add Existing User and the Seats and Billing page. Row
// actions are small POST forms whose action URL carries the list's query,
// so that after the action the manager returns to the same list
// (POST-redirect-GET with ?done=…); a refused action (no free seat, the
// last administrator) re-renders that list with the refusal and 409.

// usersPageSize is how many members one page of the list shows.
const usersPageSize = 50

// usersSorts are the list's sortable columns (app.MemberQuery.Sort).
var usersSorts = map[string]bool{"email": true, "name": true, "activity": true, "role": true, "permissions": true, "status": true}

// usersQuery is the list's state as the URL carries it.
type usersQuery struct {
	Search string
	Hide   bool
	Sort   string
	Desc   bool
	After  string
}

func parseUsersQuery(v url.Values) usersQuery {
	q := usersQuery{Search: strings.TrimSpace(v.Get("q")), Hide: v.Get("hide") == "1", Sort: v.Get("sort"),
		Desc: v.Get("dir") == "desc", After: v.Get("after")}
	if !usersSorts[q.Sort] {
		q.Sort = "email"
	}
	return q
}

// values encodes the query; the default sort and empty values are left out.
func (q usersQuery) values() url.Values {
	v := url.Values{}
	if q.Search != "" {
		v.Set("q", q.Search)
	}
	if q.Hide {
		v.Set("hide", "1")
	}
	if q.Sort != "email" {
		v.Set("sort", q.Sort)
	}
	if q.Desc {
		v.Set("dir", "desc")
	}
	if q.After != "" {
		v.Set("after", q.After)
	}
	return v
}

// usersListURL is the list with the query plus extra parameters.
func usersListURL(c *req, q usersQuery, extra ...string) string {
	v := q.values()
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	u := views.InstanceURL(&c.Actor.Instance, "/admin/users")
	if enc := v.Encode(); enc != "" {
		u += "?" + enc
	}
	return u
}

// usersFlashes are the fixed messages ?done= may ask for on the list.
func usersFlash(c *req, q url.Values) string {
	switch q.Get("done") {
	case "sent":
		// Only an address is echoed, so a crafted link cannot make the
		// page say anything else.
		if to, ok := app.NormalizeEmail(q.Get("to")); ok {
			return "We sent an email to " + to + "."
		}
		return "We sent the email."
	case "deactivated":
		return "The member was deactivated and can no longer open this instance."
	case "reactivated":
		return "The member was reactivated."
	case "reset":
		if c.Actor.Instance.WelcomeMode == "link" {
			return "Password reset: the member was sent a new one-time sign-in link by mail. Their previous password no longer works."
		}
		return "Password reset: the member was sent a new temporary password by mail. Their previous password no longer works."
	}
	return ""
}

// usersLocation is the time zone the viewer reads times in: their own,
// else the instance's, else UTC.
func usersLocation(c *req) *time.Location {
	for _, tz := range []string{c.Session.Account.TimeZone, c.Actor.Instance.TimeZone} {
		if tz == "" {
			continue
		}
		if loc, err := time.LoadLocation(tz); err == nil {
			return loc
		}
	}
	return time.UTC
}

// usersBillingURL is the Billing page for a refusal about seats, when the
// viewer may open it ("" otherwise: the message still names the page).
func usersBillingURL(c *req) string {
	if !c.Actor.Can(access.InstanceAdmin) {
		return ""
	}
	return views.InstanceURL(&c.Actor.Instance, "/admin/billing")
}

// usersPage renders the list for q with a status and a refusal message.
func (s *Server) usersPage(w http.ResponseWriter, r *http.Request, c *req, q usersQuery, status int, refusal string) error {
	f := app.MemberQuery{Sort: q.Sort, Desc: q.Desc, Search: q.Search, HideInactive: q.Hide, After: q.After, Limit: usersPageSize}
	list, err := s.app.ListUsers(r.Context(), c.Actor, f)
	if app.KindOf(err) == app.Invalid && q.After != "" {
		// A stale or altered cursor: show the first page and say so.
		refusal, status = err.Error(), http.StatusUnprocessableEntity
		q.After, f.After = "", ""
		list, err = s.app.ListUsers(r.Context(), c.Actor, f)
	}
	if err != nil {
		return err
	}
	base := q
	base.After = ""
	v := views.UsersView{
		List: list.Page, Active: list.Active, Total: list.Total,
		Search: q.Search, Hide: q.Hide, Sort: q.Sort, Desc: q.Desc,
		Loc: usersLocation(c), Refusal: refusal, PermTotal: len(access.All),
	}
	v.SortURL = func(col string) string {
		sq := base
		sq.Sort, sq.Desc = col, col == q.Sort && !q.Desc
		return usersListURL(c, sq)
	}
	if list.Page.Next != "" {
		nq := base
		nq.After = list.Page.Next
		v.NextURL = usersListURL(c, nq)
	}
	if q.After != "" {
		v.FirstURL = usersListURL(c, base)
	}
	v.After = q.After
	if refusal != "" && strings.Contains(refusal, "Billing") {
		v.BillingURL = usersBillingURL(c)
	}
	sh := s.shell(r, c, "Users")
	if refusal == "" {
		sh.Flash = usersFlash(c, r.URL.Query())
	}
	return s.render(w, r, status, views.UsersPage(sh, v))
}

func (s *Server) usersList(w http.ResponseWriter, r *http.Request, c *req) error {
	return s.usersPage(w, r, c, parseUsersQuery(r.URL.Query()), http.StatusOK, "")
}

// userAction runs a row action and returns to the list it was started
// from; a Conflict re-renders that list with the refusal.
func (s *Server) userAction(w http.ResponseWriter, r *http.Request, c *req, done string, do func(id int64) error) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	// The list's state comes in the body (the list's shared action form)
	// or in the query string.
	_ = r.ParseForm()
	q := parseUsersQuery(r.Form)
	if err := do(id); err != nil {
		if msg := conflictRefusal(err); msg != "" {
			return s.usersPage(w, r, c, q, http.StatusConflict, msg)
		}
		return err
	}
	http.Redirect(w, r, usersListURL(c, q, "done", done), http.StatusSeeOther)
	return nil
}

func (s *Server) userDeactivate(w http.ResponseWriter, r *http.Request, c *req) error {
	return s.userAction(w, r, c, "deactivated", func(id int64) error { return s.app.SetActive(r.Context(), c.Actor, id, false) })
}

func (s *Server) userReactivate(w http.ResponseWriter, r *http.Request, c *req) error {
	return s.userAction(w, r, c, "reactivated", func(id int64) error { return s.app.SetActive(r.Context(), c.Actor, id, true) })
}

func (s *Server) userResetPassword(w http.ResponseWriter, r *http.Request, c *req) error {
	return s.userAction(w, r, c, "reset", func(id int64) error { return s.app.ResetUserPassword(r.Context(), c.Actor, id) })
}

// userForm renders Add New User (or, existing, Add Existing User).
func (s *Server) userForm(w http.ResponseWriter, r *http.Request, c *req, status int, existing bool, f views.Form) error {
	title := "Add New User"
	if existing {
		title = "Add Existing User"
	}
	d := views.UserNewData{Existing: existing, NewURL: views.InstanceURL(&c.Actor.Instance, "/admin/users/new"),
		ListURL: views.InstanceURL(&c.Actor.Instance, "/admin/users")}
	if existing {
		d.Action = views.InstanceURL(&c.Actor.Instance, "/admin/users/existing")
	} else {
		d.Action = views.InstanceURL(&c.Actor.Instance, "/admin/users")
	}
	if status == http.StatusConflict {
		d.BillingURL = usersBillingURL(c)
	}
	return s.render(w, r, status, views.UserNewPage(s.shell(r, c, title), f, d))
}

func (s *Server) userNewForm(w http.ResponseWriter, r *http.Request, c *req) error {
	existing := r.URL.Query().Get("existing") == "1"
	return s.userForm(w, r, c, http.StatusOK, existing, views.Form{Values: map[string]string{"role": "User"}})
}

// userFormError re-renders the add form for a refusal the manager can act
// on (invalid input, no free seat, a grant above their own permissions);
// other errors go to the error page.
func (s *Server) userFormError(w http.ResponseWriter, r *http.Request, c *req, existing bool, err error, values map[string]string) error {
	e, ok := app.AsError(err)
	if !ok || (e.Kind != app.Invalid && e.Kind != app.Conflict && e.Kind != app.Forbidden) {
		return err
	}
	return s.userForm(w, r, c, statusOf(e.Kind), existing, views.Form{Values: values, Errors: e.Fields, Msg: e.Msg})
}

// userAdded goes to the new member's Edit page, where permissions are set.
// userSent returns to the users list saying where the mail went. Both add
// forms end here, whether the address got an account or an invitation.
func userSent(w http.ResponseWriter, r *http.Request, c *req, email string) error {
	return back(w, r, c, "/admin/users?done=sent&to="+url.QueryEscape(email))
}

func (s *Server) userCreate(w http.ResponseWriter, r *http.Request, c *req) error {
	in := app.NewUser{Email: r.PostFormValue("email"), FirstName: r.PostFormValue("first_name"),
		LastName: r.PostFormValue("last_name"), Administrator: r.PostFormValue("role") == "Administrator"}
	role := "User"
	if in.Administrator {
		role = "Administrator"
	}
	if _, err := s.app.AddNewUser(r.Context(), c.Actor, in); err != nil {
		values := map[string]string{"email": in.Email, "first_name": in.FirstName, "last_name": in.LastName, "role": role}
		return s.userFormError(w, r, c, false, err, values)
	}
	return userSent(w, r, c, in.Email)
}

func (s *Server) userAddExisting(w http.ResponseWriter, r *http.Request, c *req) error {
	email := r.PostFormValue("email")
	if _, err := s.app.AddExistingUser(r.Context(), c.Actor, email); err != nil {
		return s.userFormError(w, r, c, true, err, map[string]string{"email": email})
	}
	return userSent(w, r, c, email)
}

func (s *Server) billingPage(w http.ResponseWriter, r *http.Request, c *req) error {
	b, err := s.app.Billing(r.Context(), c.Actor)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.BillingPage(s.shell(r, c, "Seats and Billing"), b))
}
