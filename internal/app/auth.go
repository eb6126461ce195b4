package app

import (
	"context"
	"errors"
	"net/netip"
	"strconv"
	"time"

	"yardstick/internal/mail"
	"yardstick/internal/model"
	"yardstick/internal/password"
	"yardstick/internal/store"
)

// Sign-in rules (SPEC §2).
const (
	TempPasswordLife = 72 * time.Hour
	ResetLinkLife    = time.Hour
	throttleFree     = 5                // failures before delays start
	throttleMax      = 15 * time.Minute // longest delay
	touchEvery       = time.Minute      // how stale last_seen may get before it is written (at most)

	// ClientFailureLimit failed sign-ins per ClientFailureWindow from one
	// client address (or IPv6 /64) are evaluated; more wait for the
	// window to end. It slows credential stuffing (one password tried on
	// many emails), which the per-email throttle cannot see, and never
	// locks anyone out for longer than the window.
	ClientFailureLimit  = 20
	ClientFailureWindow = 15 * time.Minute
)

// errBadCredentials is the one answer to a wrong email or password, so the
// response never tells whether an account exists.
var errBadCredentials error = &Error{Kind: Invalid, Msg: "The email or password is not correct."}

// SignIn checks an email and password and starts a session. It returns
// the session token for the cookie. A previous session token of this
// browser (oldToken) is ended so the session id is always new.
//
// The attempt is counted against the email and the client before the
// password is checked, and a success takes the count back, so parallel
// guesses cannot outrun the throttles. Every refusal after that costs one
// argon2id computation whatever the account's state, so the time does not
// tell an unknown email from an account with a temporary password.
func (a *App) SignIn(ctx context.Context, email, pw, oldToken string, c Client) (string, model.Account, error) {
	norm, ok := NormalizeEmail(email)
	if !ok {
		return "", model.Account{}, fieldError("email", "Enter a valid email address.")
	}
	if pw == "" {
		return "", model.Account{}, fieldError("password", "Enter your password.")
	}
	if len(pw) > 4*password.MaxLength {
		return "", model.Account{}, errBadCredentials
	}
	client := ClientKey(c.Addr)
	if err := a.claimSignIn(ctx, norm, client); err != nil {
		return "", model.Account{}, err
	}
	acct, hash, err := a.store.Q().AccountForSignIn(ctx, norm)
	found := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return "", model.Account{}, err
	}
	if !password.VerifyEven(hash, pw) || !found {
		if found {
			a.signInEntries(ctx, acct, ActSignInFailed, c)
		} else {
			// The same look-up as signInEntries', for no account, so an
			// unknown email takes as long: on Citus it visits every shard
			// (an account's memberships span instances), which would
			// otherwise tell known accounts apart by several milliseconds.
			_, _ = a.store.Q().MemberInstances(ctx, 0)
		}
		return "", model.Account{}, errBadCredentials
	}
	if acct.PasswordTemporary && acct.PasswordExpiresAt != nil && !a.Now().Before(*acct.PasswordExpiresAt) {
		a.signInEntries(ctx, acct, ActSignInFailed, c, model.Change{Field: "reason", After: "temporary password expired"})
		return "", model.Account{}, &Error{Kind: Invalid, Msg: "Your temporary password has expired. Use “Forgot password” to get a new link."}
	}
	token, err := a.startSession(ctx, oldToken, c, func(q *store.Q) (int64, error) {
		if acct.PasswordTemporary {
			// A temporary password signs in once: swap it for a secret
			// nobody holds, unless a parallel sign-in did so first. The
			// account stays marked temporary, so this session can only
			// choose a password.
			spent, err := q.SpendTemporaryPassword(ctx, acct.ID, hash, password.HashSecret(password.Token()))
			if err != nil {
				return 0, err
			}
			if !spent {
				return 0, errBadCredentials
			}
		}
		// Client row before email row, the order claimSignIn locks them
		// in, so the two transactions cannot deadlock on PostgreSQL.
		if err := q.ReleaseClientFailure(ctx, client); err != nil {
			return 0, err
		}
		return acct.ID, q.ClearThrottle(ctx, norm)
	})
	if err == nil {
		a.signInEntries(ctx, acct, ActSignIn, c)
	} else if errors.Is(err, errBadCredentials) {
		a.signInEntries(ctx, acct, ActSignInFailed, c)
	}
	return token, acct, err
}

// claimSignIn counts a sign-in attempt against the client and the email
// in one transaction, before the password is checked: the client's window
// must have room, and the email must not be locked. The count that
// reaches the free failures sets the next delay, which doubles each time:
// 1 s, 2 s, 4 s … up to 15 minutes. A refused attempt counts nowhere.
func (a *App) claimSignIn(ctx context.Context, email, client string) error {
	return a.store.InTx(ctx, func(q *store.Q) error {
		ok, windowEnd, err := q.ClaimClientFailure(ctx, client, ClientFailureLimit, ClientFailureWindow)
		if err != nil {
			return err
		}
		if !ok {
			return errClientThrottled(windowEnd.Sub(a.Now()))
		}
		n, ok, until, err := q.ClaimFailure(ctx, email)
		if err != nil {
			return err
		}
		if !ok {
			// Rolled back: the client's claim does not count either.
			return errThrottled(until.Sub(a.Now()))
		}
		if n < throttleFree {
			return nil
		}
		d := throttleMax
		if shift := n - throttleFree; shift < 20 {
			d = min(time.Second<<shift, throttleMax)
		}
		return q.LockUntil(ctx, email, a.Now().Add(d))
	})
}

// ClientKey is the key of the client throttle for a client address: the
// address itself, or its /64 for IPv6 (one subscriber's usual share).
func ClientKey(addr string) string {
	ip, err := netip.ParseAddr(addr)
	switch {
	case err != nil:
		return "other:" + truncateText(addr, 100)
	case ip.Unmap().Is4():
		return ip.Unmap().String()
	}
	p, _ := ip.WithZone("").Prefix(64)
	return p.String()
}

func errClientThrottled(wait time.Duration) error {
	secs := max(int((wait+time.Second-1)/time.Second), 1)
	mins := (secs + 59) / 60
	return &Error{Kind: TooMany, RetryAfter: time.Duration(secs) * time.Second,
		Msg: "Too many failed sign-ins from your network. Try again in " + plural(mins, "minute") + "."}
}

func errThrottled(wait time.Duration) error {
	secs := int(wait.Round(time.Second) / time.Second)
	if secs < 1 {
		secs = 1
	}
	return &Error{Kind: TooMany, RetryAfter: time.Duration(secs) * time.Second,
		Msg: "Too many failed sign-ins for this email. Try again in " + plural(secs, "second") + "."}
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}

// startSession creates a new session in one transaction with `within`,
// which returns the account signing in, and ends the browser's previous
// session (oldToken) so the session id is always new.
func (a *App) startSession(ctx context.Context, oldToken string, c Client, within func(q *store.Q) (int64, error)) (string, error) {
	token := password.Token()
	err := a.store.InTx(ctx, func(q *store.Q) error {
		accountID, err := within(q)
		if err != nil {
			return err
		}
		if oldToken != "" {
			if err := q.DeleteSession(ctx, hashToken(oldToken)); err != nil {
				return err
			}
		}
		return q.CreateSession(ctx, model.Session{IDHash: hashToken(token), AccountID: accountID,
			ClientAddr: truncateText(c.Addr, 100), UserAgent: truncateText(c.UserAgent, 300)})
	})
	return token, err
}

func hashToken(token string) string { return password.HashSecret(token) }

// Authenticate resolves a session cookie. A session idle longer than the
// configured timeout is ended.
func (a *App) Authenticate(ctx context.Context, token string) (Session, error) {
	return a.AuthenticateIn(ctx, token, "")
}

// AuthenticateIn is Authenticate for a page of the instance code: one query
// finds the session and the account's membership there, which ActorFor then
// takes instead of asking again. It runs on every instance page.
func (a *App) AuthenticateIn(ctx context.Context, token, code string) (Session, error) {
	if token == "" || len(token) > 100 {
		return Session{}, ErrUnauthenticated
	}
	h := hashToken(token)
	q := a.store.Q()
	var (
		s    model.Session
		acct model.Account
		pre  *member
		err  = store.ErrNotFound
	)
	if norm, ok := NormalizeCode(code); ok {
		var in model.Instance
		var m model.Membership
		if s, acct, in, m, err = q.SessionMember(ctx, h, norm); err == nil {
			pre = &member{code: norm, in: in, m: m}
		}
	}
	if errors.Is(err, store.ErrNotFound) {
		// No code, or no membership there: the session alone.
		s, acct, err = q.SessionAccount(ctx, h)
	}
	if errors.Is(err, store.ErrNotFound) {
		return Session{}, ErrUnauthenticated
	}
	if err != nil {
		return Session{}, err
	}
	now := a.Now()
	if now.Sub(s.LastSeenAt) > a.idleLimit() {
		if err := q.DeleteSession(ctx, h); err != nil {
			return Session{}, err
		}
		return Session{}, ErrUnauthenticated
	}
	if now.Sub(s.LastSeenAt) > a.touchAfter() {
		if err := q.TouchSession(ctx, h, now); err != nil {
			return Session{}, err
		}
	}
	return Session{Account: acct, Hash: h, Instances: s.Instances, member: pre}, nil
}

// touchAfter is how old a session's last_seen may get before a request
// writes it again: a minute, or a quarter of the idle time when that is
// shorter. Writing it on every request would cost a write per page.
func (a *App) touchAfter() time.Duration { return min(touchEvery, a.cfg.SessionIdle/4) }

// idleLimit is how old last_seen must be for a session to have been
// unused for the idle time. A request younger than touchAfter does not
// write last_seen, so the last use may be up to touchAfter later than
// last_seen says: a session used within the idle time never ends, and an
// unused one ends at most touchAfter late.
func (a *App) idleLimit() time.Duration { return a.cfg.SessionIdle + a.touchAfter() }

// SignOut ends a session on the server.
func (a *App) SignOut(ctx context.Context, token string, c Client) error {
	if token == "" {
		return nil
	}
	if s, err := a.Authenticate(ctx, token); err == nil {
		a.signInEntries(ctx, s.Account, ActSignOut, c)
	}
	return a.store.Q().DeleteSession(ctx, hashToken(token))
}

// ChangePassword sets a new password for the signed-in account. It needs
// the current password unless the account holds a temporary one it just
// signed in with (the forced change). Other sessions end; this one stays.
// The change, and a wrong current password, are logged in every instance
// the account has joined.
func (a *App) ChangePassword(ctx context.Context, s Session, current, next, confirm string, c Client) error {
	acct := s.Account
	hash, err := a.store.Q().PasswordHash(ctx, acct.ID)
	if err != nil {
		return err
	}
	if !acct.PasswordTemporary && (len(current) > 4*password.MaxLength || !password.Verify(hash, current)) {
		if err := a.store.InTx(ctx, func(q *store.Q) error {
			return a.accountEventOutcome(ctx, q, acct, acct, ActPasswordChange, model.OutcomeFailed, c,
				model.Change{Field: "reason", After: "the current password was not correct"})
		}); err != nil {
			a.log.Error("recording a failed password change", "err", err)
		}
		return fieldError("current", "The current password is not correct.")
	}
	if next != confirm {
		return fieldError("confirm", "The two new passwords do not match.")
	}
	if err := a.checkPassword(ctx, acct, next); err != nil {
		return err
	}
	if password.Verify(hash, next) {
		return fieldError("password", "Choose a password different from the current one.")
	}
	hash = password.Hash(next)
	how := "changed by its owner"
	if acct.PasswordTemporary {
		how = "chosen after a temporary password or sign-in link"
	}
	err = a.store.InTx(ctx, func(q *store.Q) error {
		if err := q.SetPassword(ctx, acct.ID, hash, false, nil); err != nil {
			return err
		}
		if err := q.InvalidatePasswordTokens(ctx, acct.ID); err != nil {
			return err
		}
		if err := q.DeleteAccountSessions(ctx, acct.ID, s.Hash); err != nil {
			return err
		}
		if err := a.accountEvent(ctx, q, acct, acct, ActPasswordChange, c, model.Change{Field: "password", After: how}); err != nil {
			return err
		}
		_, err := q.EnqueueMail(ctx, mail.PasswordChanged(a.cfg.BaseURL, acct.Email))
		return err
	})
	return err
}

// checkPassword applies the policy with the account's context words: its
// email, its name and the names and codes of its instances.
func (a *App) checkPassword(ctx context.Context, acct model.Account, pw string) error {
	words := []string{acct.Email, acct.Name}
	ins, err := a.store.Q().MemberInstances(ctx, acct.ID)
	if err != nil {
		return err
	}
	for _, in := range ins {
		words = append(words, in.Name, in.Code)
	}
	if err := password.Check(pw, words...); err != nil {
		msg := err.Error()[len(password.ErrPolicy.Error())+2:]
		return fieldError("password", upperFirst(msg)+".")
	}
	return nil
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// ForgotPassword mails a single-use reset link valid for one hour when the
// email has an account, and logs the request in every instance the
// account has joined. The caller answers the same either way.
func (a *App) ForgotPassword(ctx context.Context, email string, c Client) error {
	norm, ok := NormalizeEmail(email)
	if !ok {
		return fieldError("email", "Enter a valid email address.")
	}
	acct, err := a.store.Q().AccountByEmail(ctx, norm)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	token := password.Token()
	err = a.store.InTx(ctx, func(q *store.Q) error {
		if err := q.CreatePasswordToken(ctx, hashToken(token), acct.ID, store.TokenReset, a.Now().Add(ResetLinkLife)); err != nil {
			return err
		}
		// Whoever asked is not signed in: the entry names no actor.
		if err := a.accountEvent(ctx, q, acct, anonymous, ActResetRequest, c, model.Change{Field: "link", After: "reset link mailed to the account's address"}); err != nil {
			return err
		}
		_, err := q.EnqueueMail(ctx, mail.PasswordReset(a.cfg.BaseURL, acct.Email, a.cfg.BaseURL+"/reset/"+token))
		return err
	})
	return err
}

// CheckResetToken reports whether a reset link is still usable, so the
// form is only offered for live links.
func (a *App) CheckResetToken(ctx context.Context, token string) error {
	if _, err := a.store.Q().PeekPasswordToken(ctx, hashToken(token), store.TokenReset); err != nil {
		return errLinkDead(err)
	}
	return nil
}

func errLinkDead(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return &Error{Kind: NotFound, Msg: "This link has expired or was already used. Ask for a new one."}
	}
	return err
}

// ResetPassword sets a password through a reset link. The link works
// once; every session of the account ends; the change is logged in every
// instance the account has joined.
func (a *App) ResetPassword(ctx context.Context, token, next, confirm string, c Client) error {
	accountID, err := a.store.Q().PeekPasswordToken(ctx, hashToken(token), store.TokenReset)
	if err != nil {
		return errLinkDead(err)
	}
	acct, err := a.store.Q().AccountByID(ctx, accountID)
	if err != nil {
		return err
	}
	if next != confirm {
		return fieldError("confirm", "The two new passwords do not match.")
	}
	if err := a.checkPassword(ctx, acct, next); err != nil {
		return err
	}
	hash := password.Hash(next)
	err = a.store.InTx(ctx, func(q *store.Q) error {
		// Using the token inside the transaction makes the link single-use
		// even when two tabs submit at once.
		if _, err := q.UsePasswordToken(ctx, hashToken(token), store.TokenReset); err != nil {
			return errLinkDead(err)
		}
		if err := q.SetPassword(ctx, acct.ID, hash, false, nil); err != nil {
			return err
		}
		if err := q.InvalidatePasswordTokens(ctx, acct.ID); err != nil {
			return err
		}
		if err := q.DeleteAccountSessions(ctx, acct.ID, ""); err != nil {
			return err
		}
		if err := q.ClearThrottle(ctx, acct.Email); err != nil {
			return err
		}
		if err := a.accountEvent(ctx, q, acct, acct, ActPasswordChange, c, model.Change{Field: "password", After: "changed through a reset link"}); err != nil {
			return err
		}
		_, err := q.EnqueueMail(ctx, mail.PasswordChanged(a.cfg.BaseURL, acct.Email))
		return err
	})
	return err
}

// SignInWithLink spends a one-time sign-in link (welcome mail in link
// mode, admin reset) and starts a session; the account then has to choose
// a password.
func (a *App) SignInWithLink(ctx context.Context, token, oldToken string, c Client) (string, error) {
	return a.startSession(ctx, oldToken, c, func(q *store.Q) (int64, error) {
		id, err := q.UsePasswordToken(ctx, hashToken(token), store.TokenSignIn)
		if err != nil {
			return 0, errLinkDead(err)
		}
		acct, err := q.AccountByID(ctx, id)
		if err != nil {
			return 0, err
		}
		hash, err := q.PasswordHash(ctx, id)
		if err != nil {
			return 0, err
		}
		// The account must now choose a password: mark the current one
		// temporary (in link mode it is a random secret never shown).
		if err := q.SetPassword(ctx, id, hash, true, nil); err != nil {
			return 0, err
		}
		return id, a.accountEvent(ctx, q, acct, acct, ActSignIn, c, model.Change{Field: "method", After: "one-time sign-in link"})
	})
}

// CheckSignInLink reports whether a sign-in link is still usable.
func (a *App) CheckSignInLink(ctx context.Context, token string) error {
	if _, err := a.store.Q().PeekPasswordToken(ctx, hashToken(token), store.TokenSignIn); err != nil {
		return errLinkDead(err)
	}
	return nil
}

// ExpireIdleSessions deletes sessions past the idle timeout, and client
// throttle windows that have ended.
func (a *App) ExpireIdleSessions(ctx context.Context) (int64, error) {
	if err := a.store.Q().PruneClientThrottle(ctx, a.Now().Add(-ClientFailureWindow)); err != nil {
		return 0, err
	}
	return a.store.Q().DeleteIdleSessions(ctx, a.Now().Add(-a.idleLimit()))
}
