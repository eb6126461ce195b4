package web

import (
	"net/http"

	"github.com/a-h/templ"

	"yardstick/internal/web/views"
)

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request, c *req) error {
	if c.Session != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	return s.render(w, r, http.StatusOK, views.Login(s.shell(r, nil, "Sign in"), views.Form{}, safeNext(r.URL.Query().Get("next"))))
}

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request, c *req) error {
	email, next := r.PostFormValue("email"), safeNext(r.PostFormValue("next"))
	token, acct, err := s.app.SignIn(r.Context(), email, r.PostFormValue("password"), sessionToken(r), c.Client)
	if err != nil {
		return s.formError(w, r, err, func(f views.Form) templ.Component {
			return views.Login(s.shell(r, nil, "Sign in"), f, next)
		}, map[string]string{"email": email})
	}
	s.setSession(w, r, token)
	switch {
	case acct.PasswordTemporary:
		next = "/account/password"
	case next == "":
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, c *req) error {
	if err := s.app.SignOut(r.Context(), sessionToken(r), c.Client); err != nil {
		return err
	}
	s.clearSession(w, r)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

func (s *Server) forgotForm(w http.ResponseWriter, r *http.Request, c *req) error {
	return s.render(w, r, http.StatusOK, views.Forgot(s.shell(r, c, "Forgot password"), views.Form{}, false))
}

// forgotSubmit answers the same whether or not the email has an account.
func (s *Server) forgotSubmit(w http.ResponseWriter, r *http.Request, c *req) error {
	email := r.PostFormValue("email")
	if err := s.app.ForgotPassword(r.Context(), email, c.Client); err != nil {
		return s.formError(w, r, err, func(f views.Form) templ.Component {
			return views.Forgot(s.shell(r, c, "Forgot password"), f, false)
		}, map[string]string{"email": email})
	}
	return s.render(w, r, http.StatusOK, views.Forgot(s.shell(r, c, "Forgot password"), views.Form{}, true))
}

func (s *Server) resetForm(w http.ResponseWriter, r *http.Request, c *req) error {
	noReferrer(w)
	token := r.PathValue("token")
	if err := s.app.CheckResetToken(r.Context(), token); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.ResetPassword(s.shell(r, c, "Choose a new password"), views.Form{}, "/reset/"+token))
}

func (s *Server) resetSubmit(w http.ResponseWriter, r *http.Request, c *req) error {
	noReferrer(w)
	token := r.PathValue("token")
	err := s.app.ResetPassword(r.Context(), token, r.PostFormValue("password"), r.PostFormValue("confirm"), c.Client)
	if err != nil {
		return s.formError(w, r, err, func(f views.Form) templ.Component {
			return views.ResetPassword(s.shell(r, c, "Choose a new password"), f, "/reset/"+token)
		}, nil)
	}
	s.clearSession(w, r)
	sh := s.shell(r, nil, "Sign in")
	sh.Flash = "Your password was changed. Sign in with it now."
	return s.render(w, r, http.StatusOK, views.Login(sh, views.Form{}, ""))
}

// signInLinkForm shows a button rather than signing in on GET: GET never
// changes state, and mail scanners that follow links do not spend them.
func (s *Server) signInLinkForm(w http.ResponseWriter, r *http.Request, c *req) error {
	noReferrer(w)
	token := r.PathValue("token")
	if err := s.app.CheckSignInLink(r.Context(), token); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, views.SignInLink(s.shell(r, nil, "Sign in"), "/signin/"+token))
}

func (s *Server) signInLinkSubmit(w http.ResponseWriter, r *http.Request, c *req) error {
	noReferrer(w)
	token, err := s.app.SignInWithLink(r.Context(), r.PathValue("token"), sessionToken(r), c.Client)
	if err != nil {
		return err
	}
	s.setSession(w, r, token)
	http.Redirect(w, r, "/account/password", http.StatusSeeOther)
	return nil
}

func (s *Server) passwordForm(w http.ResponseWriter, r *http.Request, c *req) error {
	forced := c.Session.Account.PasswordTemporary
	return s.render(w, r, http.StatusOK, views.ChangePassword(s.shell(r, c, "Change password"), views.Form{}, forced))
}

func (s *Server) passwordSubmit(w http.ResponseWriter, r *http.Request, c *req) error {
	forced := c.Session.Account.PasswordTemporary
	err := s.app.ChangePassword(r.Context(), *c.Session, r.PostFormValue("current"), r.PostFormValue("password"), r.PostFormValue("confirm"), c.Client)
	if err != nil {
		return s.formError(w, r, err, func(f views.Form) templ.Component {
			return views.ChangePassword(s.shell(r, c, "Change password"), f, forced)
		}, nil)
	}
	if forced {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	sh := s.shell(r, c, "Change password")
	sh.Flash = "Your password was changed. Your other sessions were signed out."
	return s.render(w, r, http.StatusOK, views.ChangePassword(sh, views.Form{}, false))
}

// noReferrer keeps a page whose URL holds a secret (reset, sign-in and
// sign-up links) out of the Referer of anything it loads or links to,
// overriding the site-wide same-origin policy (SPEC §2).
func noReferrer(w http.ResponseWriter) { w.Header().Set("Referrer-Policy", "no-referrer") }
