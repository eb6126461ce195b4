package app

import (
	"context"
	"errors"

	"yardstick/internal/access"
	"yardstick/internal/mail"
	"yardstick/internal/model"
	"yardstick/internal/password"
	"yardstick/internal/store"
)

// Referrals (SPEC §12): inviting an organization that does not use the
// deployment yet, and the sign-up its link opens.

// ReferInput is the Refer form.
type ReferInput struct {
	Organization string
	Email        string
}

// MaxReferredName is the longest organization name a referral takes: it is
// quoted in a mail to an outside address (see mail.MaxQuoted).
const MaxReferredName = 80

// Refer invites an organization that does not use the deployment
// (instance.admin). With sign-up open the mail carries a link that
// creates its instance with a request to this one waiting; otherwise the
// operator gets the referral. Referrals are limited per instance and per
// address (mailquota.go); a refused one is logged as refused.
func (a *App) Refer(ctx context.Context, actor *Actor, in ReferInput) error {
	if err := actor.Require(access.InstanceAdmin); err != nil {
		return err
	}
	fields := map[string]string{}
	var msg string
	if in.Organization, msg = cleanText(in.Organization, "Organization", 1, MaxReferredName); msg != "" {
		fields["organization"] = msg
	}
	email, ok := NormalizeEmail(in.Email)
	if !ok {
		fields["email"] = "Enter a valid email address."
	}
	if len(fields) > 0 {
		return invalid("Please correct the highlighted fields.", fields)
	}
	_, perAddress := a.outsideLimits()
	var refused *outsideRefusal
	err := a.store.InTx(ctx, func(q *store.Q) error {
		var err error
		if refused, err = a.claimOutsideMail(ctx, q, actor.Instance.ID, outsideReferral, email, perAddress, outsideWeek); err != nil || refused != nil {
			return err
		}
		link := ""
		if a.cfg.Signup {
			token := password.Token()
			ref := store.Referral{FromInstance: actor.Instance.ID, Email: email, Organization: in.Organization, ExpiresAt: a.Now().Add(ReferralLife)}
			if _, err := q.CreateReferral(ctx, ref, hashToken(token), actor.Account.ID); err != nil {
				return err
			}
			link = a.cfg.BaseURL + "/signup/" + token
		} else if a.cfg.OperatorEmail != "" {
			m := mail.OperatorReferral(a.cfg.BaseURL, actor.Instance.Name, actor.Instance.Code, in.Organization, email, a.cfg.OperatorEmail)
			if _, err := q.EnqueueMail(ctx, withInstance(m, actor.Instance.ID)); err != nil {
				return err
			}
		} else {
			a.log.Warn("referral with sign-up closed and no operator email (YARDSTICK_OPERATOR_EMAIL)", "instance", actor.Instance.Code)
		}
		m := mail.PartnerReferral(a.cfg.BaseURL, actor.Instance.Name, actor.Instance.Code, in.Organization, email, link, actor.Words())
		if _, err := q.EnqueueMail(ctx, withInstance(m, actor.Instance.ID)); err != nil {
			return err
		}
		return record(ctx, q, entry(actor, ActPartnerRefer, "referral", 0, in.Organization, changed("email", "", email)...))
	})
	if err == nil && refused != nil {
		err = errReferralLimit(refused)
		e := entry(actor, ActPartnerRefer, "referral", 0, in.Organization, model.Change{Field: "email", After: email},
			model.Change{Field: "reason", After: err.(*Error).Msg})
		e.Outcome = model.OutcomeRefused
		if lerr := a.store.InTx(ctx, func(q *store.Q) error { return record(ctx, q, e) }); lerr != nil {
			a.log.Error("recording a refused referral", "err", lerr)
		}
		return err
	}
	return err
}

// Referral is what a sign-up link offers: the organization and address
// it was sent to, which prefill the form.
type Referral struct {
	Organization string
	Email        string
}

// SignupReferral returns the referral behind a sign-up link and the
// instance that sent it, or NotFound when sign-up is closed or the link is
// unknown, used or expired.
func (a *App) SignupReferral(ctx context.Context, token string) (Referral, model.Instance, error) {
	r, from, err := a.signupReferral(ctx, token)
	return Referral{Organization: r.Organization, Email: r.Email}, from, err
}

func (a *App) signupReferral(ctx context.Context, token string) (store.Referral, model.Instance, error) {
	if !a.cfg.Signup || token == "" {
		return store.Referral{}, model.Instance{}, errNotFound()
	}
	q := a.store.Q()
	r, err := q.ReferralByToken(ctx, hashToken(token))
	if err != nil {
		return r, model.Instance{}, mapNotFound(err)
	}
	from, err := q.InstanceByID(ctx, r.FromInstance)
	return r, from, mapNotFound(err)
}

// SignUp creates the referred organization's instance and first admin
// from a referral link, with a pending request to the referrer, and signs
// the admin in. The link works once; the admin's email must be new.
func (a *App) SignUp(ctx context.Context, token string, n NewInstance, c Client) (string, CreatedInstance, error) {
	ref, from, err := a.signupReferral(ctx, token)
	if err != nil {
		return "", CreatedInstance{}, err
	}
	if err := n.validate(true); err != nil {
		return "", CreatedInstance{}, err
	}
	hash := password.Hash(n.AdminPassword)
	var out CreatedInstance
	// The transaction writes in two instances (the new one and the
	// referrer's); on Citus two such transactions at once may lose a
	// distributed deadlock, which InTx runs again.
	session, err := a.signUpSession(ctx, ref, from, n, hash, c, &out)
	return session, out, err
}

// signUpSession is SignUp's transaction: the new instance, its
// administrator and session, and the partner request to the referrer.
func (a *App) signUpSession(ctx context.Context, ref store.Referral, from model.Instance, n NewInstance, hash string, c Client, out *CreatedInstance) (string, error) {
	return a.startSession(ctx, "", c, func(q *store.Q) (int64, error) {
		if _, err := q.AccountByEmail(ctx, n.AdminEmail); err == nil {
			return 0, fieldError("email", "An account with this email exists already. Use another email, or ask the operator to add your organization.")
		} else if !errors.Is(err, store.ErrNotFound) {
			return 0, err
		}
		if err := q.UseReferral(ctx, ref.ID); errors.Is(err, store.ErrConflict) {
			return 0, errConflict("This sign-up link was used already.")
		} else if err != nil {
			return 0, err
		}
		created, err := a.createInstance(ctx, q, n, hash)
		if err != nil {
			return 0, err
		}
		*out = created
		if _, err := q.CreatePartnerRequest(ctx, out.Instance.ID, from.ID, out.Admin.ID); err != nil {
			return 0, err
		}
		actor := &Actor{Account: out.Admin, Instance: out.Instance, Client: c}
		if err := record(ctx, q, inBoth(actor, from.ID, entry(actor, ActPartnerRequest, "partner", from.ID, from.Label()))...); err != nil {
			return 0, err
		}
		return out.Admin.ID, a.mailRequest(ctx, q, out.Instance, from)
	})
}
