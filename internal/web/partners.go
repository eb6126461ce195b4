package web

import (
	"net/http"

	"github.com/a-h/templ"

	"yardstick/internal/app"
	"yardstick/internal/terms"
	"yardstick/internal/web/views"
)

// Partner Connect (SPEC §12): the admin page, requests, the Edit
// Scorecards chooser, revoking, referring, and sign-up from a referral.
// Every decision is in internal/app; these handlers read forms and
// redirect (POST-redirect-GET) with a fixed flash.

// partnerFlashes are what ?done= may say, in the Common Terms' form.
var partnerFlashes = map[string]string{
	"requested": "Request sent. Their administrators were emailed.",
	"accepted":  "Connected. Nothing is shared until someone chooses {scorecard:lowmany}.",
	"declined":  "Request declined.",
	"cancelled": "Request cancelled.",
	"shared":    "Sharing saved.",
	"revoked":   "Revoked. Its shared {scorecard:lowmany} are no longer visible to the {partner:lower}.",
	"referred":  "Invitation sent.",
}

func (s *Server) partnersView(r *http.Request, c *req, req, refer views.Form) (views.PartnersData, error) {
	v, err := s.app.PartnerPage(r.Context(), c.Actor)
	return views.PartnersData{View: v, Request: req, Refer: refer}, err
}

func (s *Server) partnersShell(r *http.Request, c *req) views.Shell {
	sh := s.shell(r, c, "Partner Connect")
	sh.Flash, _ = flashText(r, partnerFlashes, r.URL.Query().Get("done"))
	return sh
}

func (s *Server) partnersRedirect(w http.ResponseWriter, r *http.Request, c *req, done string) error {
	http.Redirect(w, r, views.InstanceURL(&c.Actor.Instance, "/admin/partners")+"?done="+done, http.StatusSeeOther)
	return nil
}

func (s *Server) partnersPage(w http.ResponseWriter, r *http.Request, c *req) error {
	d, err := s.partnersView(r, c, views.Form{}, views.Form{})
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.PartnersPage(s.partnersShell(r, c), d))
}

func (s *Server) partnerRequest(w http.ResponseWriter, r *http.Request, c *req) error {
	code := r.PostFormValue("code")
	if _, err := s.app.RequestPartner(r.Context(), c.Actor, code); err != nil {
		return s.formError(w, r, err, func(f views.Form) templ.Component {
			d, _ := s.partnersView(r, c, f, views.Form{})
			return views.PartnersPage(s.shell(r, c, "Partner Connect"), d)
		}, map[string]string{"code": code})
	}
	return s.partnersRedirect(w, r, c, "requested")
}

func (s *Server) partnerAnswer(accept bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, c *req) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if err := s.app.AnswerPartnerRequest(r.Context(), c.Actor, id, accept); err != nil {
			return err
		}
		if accept {
			return s.partnersRedirect(w, r, c, "accepted")
		}
		return s.partnersRedirect(w, r, c, "declined")
	}
}

func (s *Server) partnerCancel(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.app.CancelPartnerRequest(r.Context(), c.Actor, id); err != nil {
		return err
	}
	return s.partnersRedirect(w, r, c, "cancelled")
}

func (s *Server) sharesPage(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ed, err := s.app.EditShares(r.Context(), c.Actor, id)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.SharesPage(s.termShell(r, c, "Edit {scorecard:many}"), ed, views.Form{}))
}

// sharesSave reads the chooser: `share` lists the scorecards on the Has
// Access To side, `contribute` those the partner may also enter data on.
func (s *Server) sharesSave(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return &app.Error{Kind: app.Invalid, Msg: "The form could not be read."}
	}
	contribute := map[int64]bool{}
	for _, v := range r.PostForm["contribute"] {
		if n, ok := parseWhole(v, 1, maxID); ok {
			contribute[n] = true
		}
	}
	var choices []app.ShareChoice
	for _, v := range r.PostForm["share"] {
		n, ok := parseWhole(v, 1, maxID)
		if !ok {
			return &app.Error{Kind: app.Invalid, Msg: "The form could not be read.", Fields: map[string]string{"scorecards": terms.From(r.Context()).Expand("Choose {scorecard:lowmany} from the list.")}}
		}
		choices = append(choices, app.ShareChoice{ScorecardID: n, Contribute: contribute[n]})
	}
	if err := s.app.SaveShares(r.Context(), c.Actor, id, choices); err != nil {
		ed, verr := s.app.EditShares(r.Context(), c.Actor, id)
		if verr != nil {
			return err
		}
		return s.formError(w, r, err, func(f views.Form) templ.Component {
			return views.SharesPage(s.termShell(r, c, "Edit {scorecard:many}"), ed, f)
		}, nil)
	}
	return s.partnersRedirect(w, r, c, "shared")
}

// revokeConfirm asks before revoking: the page names what the partner
// loses, and that it cannot be undone.
func (s *Server) revokeConfirm(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ch, err := s.app.PartnerChannel(r.Context(), c.Actor, id)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.RevokePage(s.shell(r, c, "Revoke"), c.Actor.Instance.ID, ch))
}

func (s *Server) revokeChannel(w http.ResponseWriter, r *http.Request, c *req) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if r.PostFormValue("confirm") != "yes" {
		return &app.Error{Kind: app.Invalid, Msg: "Confirm the revocation on the confirmation page."}
	}
	if err := s.app.RevokeChannel(r.Context(), c.Actor, id); err != nil {
		return err
	}
	return s.partnersRedirect(w, r, c, "revoked")
}

func (s *Server) partnerRefer(w http.ResponseWriter, r *http.Request, c *req) error {
	in := app.ReferInput{Organization: r.PostFormValue("organization"), Email: r.PostFormValue("email")}
	if err := s.app.Refer(r.Context(), c.Actor, in); err != nil {
		return s.formError(w, r, err, func(f views.Form) templ.Component {
			d, _ := s.partnersView(r, c, views.Form{}, f)
			return views.PartnersPage(s.shell(r, c, "Partner Connect"), d)
		}, map[string]string{"organization": in.Organization, "email": in.Email})
	}
	return s.partnersRedirect(w, r, c, "referred")
}

// Sign-up from a referral link (YARDSTICK_SIGNUP=true); otherwise 404.

func (s *Server) signupForm(w http.ResponseWriter, r *http.Request, c *req) error {
	noReferrer(w)
	ref, from, err := s.app.SignupReferral(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	f := views.Form{Values: map[string]string{"name": ref.Organization, "email": ref.Email}}
	return s.render(w, r, http.StatusOK, views.SignupPage(s.shell(r, nil, "Sign up"), from, f))
}

func (s *Server) signupSubmit(w http.ResponseWriter, r *http.Request, c *req) error {
	noReferrer(w)
	token := r.PathValue("token")
	_, from, err := s.app.SignupReferral(r.Context(), token)
	if err != nil {
		return err
	}
	n := app.NewInstance{Code: r.PostFormValue("code"), Name: r.PostFormValue("name"),
		AdminEmail: r.PostFormValue("email"), AdminName: r.PostFormValue("admin_name"), AdminPassword: r.PostFormValue("password")}
	values := map[string]string{"code": n.Code, "name": n.Name, "email": n.AdminEmail, "admin_name": n.AdminName}
	session, out, err := s.app.SignUp(r.Context(), token, n, c.Client)
	if err != nil {
		return s.formError(w, r, err, func(f views.Form) templ.Component {
			return views.SignupPage(s.shell(r, nil, "Sign up"), from, f)
		}, values)
	}
	s.setSession(w, r, session)
	http.Redirect(w, r, "/i/"+out.Instance.Code+"/admin/partners", http.StatusSeeOther)
	return nil
}
