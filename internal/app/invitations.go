package app

import (
	"context"
	"errors"
	"slices"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/mail"
	"yardstick/internal/model"
	"yardstick/internal/store"
)

// An account is the person's own (SPEC §2): an instance joins it only by
// invitation, and changes its email, password or name only when it
// manages every instance the account belongs to.

// Activity types of account safety.
const (
	ActInvitation  = "invitation"
	ActEmailChange = "email_change"
)

// sentTo is the one answer of both add forms, whether or not the address
// has an account.
func sentTo(email string) string { return "We sent an email to " + email + "." }

// inviteAccount makes an invited membership of acct in the actor's
// instance, with preset, and mails the invitation. The membership stays
// inactive, uses no seat and shows no name until the person accepts.
func (a *App) inviteAccount(ctx context.Context, q *store.Q, actor *Actor, acct model.Account, preset, via string, send bool) (model.Membership, error) {
	if m, err := q.MembershipOf(ctx, actor.Instance.ID, acct.ID); err == nil {
		if m.Invited {
			return m, fieldError("email", "An invitation to this address is waiting for an answer already.")
		}
		return m, fieldError("email", "This person is already a member of this instance.")
	} else if !errors.Is(err, store.ErrNotFound) {
		return model.Membership{}, err
	}
	m, err := q.CreateMembership(ctx, model.Membership{InstanceID: actor.Instance.ID, AccountID: acct.ID,
		Permissions: access.MustPreset(preset).Keys(), Preset: preset, Role: preset, Invited: true, ActionEmails: true})
	if errors.Is(err, store.ErrConflict) { // invited by someone else a moment ago
		return m, fieldError("email", "This person is already a member of this instance.")
	}
	if err != nil {
		return m, err
	}
	if err := record(ctx, q, entry(actor, ActInvitation, "member", m.ID, acct.Email,
		model.Change{Field: "sent", After: via + ", " + preset})); err != nil {
		return m, err
	}
	if send {
		_, err = q.EnqueueMail(ctx, withInstance(mail.Invitation(a.cfg.BaseURL, actor.Instance.Name, actor.Instance.Code, acct.Email), actor.Instance.ID))
	}
	return m, err
}

// inviteNobody answers an invitation to an address with no account as an
// invitation to an account would be answered: the same mail, the same log
// entry, no membership. The mail goes outside the deployment, so it is
// limited (mailquota.go) in ways that answer as an account would: a
// second invitation to the address is "waiting for an answer already",
// and past the instance's daily limit the mail is not sent, the answer
// unchanged, and the operator warned.
func (a *App) inviteNobody(ctx context.Context, q *store.Q, actor *Actor, email, via string) error {
	refused, err := a.claimOutsideMail(ctx, q, actor.Instance.ID, outsideInvitation, email, 1, 0)
	if err != nil {
		return err
	}
	if refused != nil && refused.address {
		return fieldError("email", "An invitation to this address is waiting for an answer already.")
	}
	if err := record(ctx, q, entry(actor, ActInvitation, "member", 0, email,
		model.Change{Field: "sent", After: via + ", " + access.PresetPresenter})); err != nil {
		return err
	}
	if refused != nil {
		a.log.Warn("invitation mail to an address without an account not sent: the instance's daily limit of mail to outside addresses is reached (YARDSTICK_REFERRALS_PER_DAY)",
			"instance", actor.Instance.Code, "limit", refused.limit)
		return nil
	}
	_, err = q.EnqueueMail(ctx, withInstance(mail.Invitation(a.cfg.BaseURL, actor.Instance.Name, actor.Instance.Code, email), actor.Instance.ID))
	return err
}

// PendingInvitation is an invitation waiting for the signed-in person.
type PendingInvitation struct {
	ID          int64
	Code, Name  string
	Preset      string
	InvitedAt   time.Time
	InstanceTag string // "Name (CODE)"
}

// Invitations lists the invitations waiting for the signed-in account.
func (a *App) Invitations(ctx context.Context, s Session) ([]PendingInvitation, error) {
	list, err := a.store.Q().Invitations(ctx, s.Account.ID)
	if err != nil {
		return nil, err
	}
	out := make([]PendingInvitation, len(list))
	for i, v := range list {
		out[i] = PendingInvitation{ID: v.MembershipID, Code: v.Code, Name: v.Name, Preset: v.Preset, InvitedAt: v.CreatedAt,
			InstanceTag: v.Name + " (" + v.Code + ")"}
	}
	return out, nil
}

// AnswerInvitation accepts or declines an invitation of the signed-in
// account. Another account's invitation, or one answered already, is 404.
// It returns the instance code (to go to after accepting).
func (a *App) AnswerInvitation(ctx context.Context, s Session, id int64, accept bool, c Client) (string, error) {
	if s.Account.PasswordTemporary {
		return "", errForbidden("Choose your password first.")
	}
	var code string
	err := a.store.InTx(ctx, func(q *store.Q) error {
		var m model.Membership
		var err error
		what := "declined"
		if accept {
			what = "accepted"
			m, err = q.AcceptInvitation(ctx, s.Account.ID, id)
		} else {
			m, err = q.DeleteInvitation(ctx, s.Account.ID, id)
		}
		if err != nil {
			return mapNotFound(err)
		}
		in, err := q.InstanceByID(ctx, m.InstanceID)
		if err != nil {
			return err
		}
		code = in.Code
		acct := s.Account
		e := model.Activity{InstanceID: m.InstanceID, AccountID: &acct.ID, ActorName: acct.Name, ActorEmail: acct.Email,
			Activity: ActInvitation, ObjectType: "member", ObjectName: acct.Email, ClientAddr: c.Addr, RequestID: c.RequestID,
			Changes: []model.Change{{Field: "answer", After: what}}}
		if accept {
			e.ObjectID = &m.ID
		}
		return record(ctx, q, e)
	})
	return code, err
}

// accountLock says why actor may not change the account of membership m
// (its email, password or name), or "" when it may: the membership is an
// accepted one, and the actor holds Manage Users in every instance the
// account has joined. (A manager's own email changes only with its
// current password, on the Account page: SaveUser refuses it.)
func (a *App) accountLock(ctx context.Context, q *store.Q, actor *Actor, m model.Membership) (string, error) {
	if m.Invited {
		return "Invited: their account is their own, and stays so until they accept.", nil
	}
	joined, err := q.AccountInstances(ctx, []int64{m.AccountID})
	if err != nil {
		return "", err
	}
	managed, err := q.ManagedInstances(ctx, actor.Account.ID)
	if err != nil {
		return "", err
	}
	if !managesAll(joined[m.AccountID], managed) {
		return "Also a member of another organization: only they can change their name, email and password.", nil
	}
	return "", nil
}

// managesAll reports whether every instance of joined is in managed
// (sorted ascending).
func managesAll(joined, managed []int64) bool {
	for _, in := range joined {
		if _, ok := slices.BinarySearch(managed, in); !ok {
			return false
		}
	}
	return len(joined) > 0
}
