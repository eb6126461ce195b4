package app

import (
	"context"
	"errors"
	"maps"
	"slices"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/mail"
	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/terms"
)

// Partner Connect (SPEC §12). Every act here is logged in both instances.
// Content shared with the actor's instance is read through ViewScorecard
// and ViewObject; the write paths keep using Scorecard and Object, which
// answer 403 for a visible partner object.

// Partner Connect activity types.
const (
	ActPartnerRequest = "partner_request"
	ActPartnerAccept  = "partner_accept"
	ActPartnerDecline = "partner_decline"
	ActPartnerCancel  = "partner_cancel"
	ActPartnerShare   = "partner_share"
	ActPartnerUnshare = "partner_unshare"
	ActPartnerRevoke  = "partner_revoke"
	ActPartnerRefer   = "partner_refer"
)

// ReferralLife is how long a referral's sign-up link works.
const ReferralLife = 14 * 24 * time.Hour

// maxRequestMails caps the admins mailed about one request.
const maxRequestMails = 50

// inBoth returns e for the actor's instance and a copy for other that
// names the actor's instance: both logs tell the same event.
func inBoth(actor *Actor, other int64, e model.Activity) []model.Activity {
	o := e
	o.InstanceID = other
	o.ActorInstance = actor.Instance.Code
	return []model.Activity{e, o}
}

// PartnerView is what the Partner Connect page shows.
type PartnerView struct {
	Incoming   []model.PartnerRequest // pending, addressed to this instance
	Outgoing   []model.PartnerRequest // pending, sent by this instance
	Sharing    []model.PartnerChannel // channels on which this instance shares
	Receiving  []model.PartnerChannel // channels on which partners share with it
	SignupOpen bool
}

// PartnerPage loads the Partner Connect page (instance.admin).
func (a *App) PartnerPage(ctx context.Context, actor *Actor) (PartnerView, error) {
	if err := actor.Require(access.InstanceAdmin); err != nil {
		return PartnerView{}, err
	}
	q := a.store.Q()
	reqs, err := q.PendingRequests(ctx, actor.Instance.ID)
	if err != nil {
		return PartnerView{}, err
	}
	view := PartnerView{SignupOpen: a.cfg.Signup}
	for _, r := range reqs {
		if r.To.ID == actor.Instance.ID {
			view.Incoming = append(view.Incoming, r)
		} else {
			view.Outgoing = append(view.Outgoing, r)
		}
	}
	view.Sharing, view.Receiving, err = q.Channels(ctx, actor.Instance.ID)
	return view, err
}

// RequestPartner asks the instance with code to connect (instance.admin)
// and mails its admins.
func (a *App) RequestPartner(ctx context.Context, actor *Actor, code string) (model.PartnerRequest, error) {
	if err := actor.Require(access.InstanceAdmin); err != nil {
		return model.PartnerRequest{}, err
	}
	code, ok := NormalizeCode(code)
	if !ok {
		return model.PartnerRequest{}, fieldError("code", "Enter an instance code: 2 to 16 letters, digits or dashes.")
	}
	if code == actor.Instance.Code {
		return model.PartnerRequest{}, fieldError("code", code+" is this instance's own code. Enter the code of the organization you want to connect with.")
	}
	var req model.PartnerRequest
	err := a.store.InTx(ctx, func(q *store.Q) error {
		to, err := q.InstanceByCode(ctx, code)
		if errors.Is(err, store.ErrNotFound) {
			return fieldError("code", "No organization on this site has the code "+code+". Check the code, or use Refer to invite them.")
		} else if err != nil {
			return err
		}
		if err := a.checkRequestable(ctx, q, actor.Instance, to); err != nil {
			return err
		}
		id, err := q.CreatePartnerRequest(ctx, actor.Instance.ID, to.ID, actor.Account.ID)
		if errors.Is(err, store.ErrConflict) {
			return errPending(to)
		} else if err != nil {
			return err
		}
		req = model.PartnerRequest{ID: id, From: actor.Instance, To: to, Status: model.RequestPending, RequestedBy: actor.Account.Name}
		if err := record(ctx, q, inBoth(actor, to.ID, entry(actor, ActPartnerRequest, "partner", to.ID, to.Label()))...); err != nil {
			return err
		}
		return a.mailRequest(ctx, q, actor.Instance, to)
	})
	return req, err
}

// errPending refuses a second request between two instances.
func errPending(to model.Instance) error {
	return fieldError("code", "A connection request between "+to.Name+" and this organization is already pending.")
}

// errAnswered refuses to act on a request that is no longer pending.
func errAnswered() error { return errConflict("This request was already answered or cancelled.") }

// checkRequestable refuses a request between two instances that are
// fully connected already or have a request pending.
func (a *App) checkRequestable(ctx context.Context, q *store.Q, from, to model.Instance) error {
	if _, err := q.PendingRequestBetween(ctx, from.ID, to.ID); err == nil {
		return errPending(to)
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	_, err1 := q.ActiveChannel(ctx, from.ID, to.ID)
	_, err2 := q.ActiveChannel(ctx, to.ID, from.ID)
	for _, err := range []error{err1, err2} {
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	if err1 == nil && err2 == nil {
		return fieldError("code", "You are already connected with "+to.Name+" ("+to.Code+").")
	}
	return nil
}

// mailRequest tells each active member of to who holds instance.admin
// that from asks to connect.
func (a *App) mailRequest(ctx context.Context, q *store.Q, from, to model.Instance) error {
	emails, err := q.AdminEmails(ctx, to.ID, string(access.InstanceAdmin), maxRequestMails)
	if err != nil {
		return err
	}
	for _, e := range emails {
		m := mail.PartnerRequest(a.cfg.BaseURL, from.Name, from.Code, to.Name, to.Code, e, terms.Parse(to.Terms))
		if _, err := q.EnqueueMail(ctx, withInstance(m, to.ID)); err != nil {
			return err
		}
	}
	return nil
}

// partnerRequest loads a pending request the actor's instance is party
// to: another instance's request is NotFound.
func (a *App) partnerRequest(ctx context.Context, q *store.Q, actor *Actor, id int64) (model.PartnerRequest, error) {
	r, err := q.PartnerRequestByID(ctx, actor.Instance.ID, id)
	if err != nil {
		return r, mapNotFound(err)
	}
	if r.Status != model.RequestPending {
		return r, errAnswered()
	}
	return r, nil
}

// AnswerPartnerRequest accepts or declines a request addressed to the
// actor's instance (instance.admin). Accepting opens both channels, with
// nothing shared.
func (a *App) AnswerPartnerRequest(ctx context.Context, actor *Actor, id int64, accept bool) error {
	if err := actor.Require(access.InstanceAdmin); err != nil {
		return err
	}
	return a.store.InTx(ctx, func(q *store.Q) error {
		r, err := a.partnerRequest(ctx, q, actor, id)
		if err != nil {
			return err
		}
		if r.To.ID != actor.Instance.ID {
			return errForbidden("Only %s can answer this request; you can cancel it.", r.To.Name)
		}
		status, act := model.RequestDeclined, ActPartnerDecline
		if accept {
			status, act = model.RequestAccepted, ActPartnerAccept
		}
		if err := q.ClosePartnerRequest(ctx, r.ID, status); errors.Is(err, store.ErrConflict) {
			return errAnswered()
		} else if err != nil {
			return err
		}
		if accept {
			if _, err := q.OpenChannel(ctx, r.From.ID, r.To.ID); err != nil {
				return err
			}
			if _, err := q.OpenChannel(ctx, r.To.ID, r.From.ID); err != nil {
				return err
			}
		}
		return record(ctx, q, inBoth(actor, r.From.ID, entry(actor, act, "partner", r.From.ID, r.From.Label()))...)
	})
}

// CancelPartnerRequest withdraws a request the actor's instance sent.
func (a *App) CancelPartnerRequest(ctx context.Context, actor *Actor, id int64) error {
	if err := actor.Require(access.InstanceAdmin); err != nil {
		return err
	}
	return a.store.InTx(ctx, func(q *store.Q) error {
		r, err := a.partnerRequest(ctx, q, actor, id)
		if err != nil {
			return err
		}
		if r.From.ID != actor.Instance.ID {
			return errForbidden("Only %s can cancel this request; you can accept or decline it.", r.From.Name)
		}
		if err := q.ClosePartnerRequest(ctx, r.ID, model.RequestCancelled); errors.Is(err, store.ErrConflict) {
			return errAnswered()
		} else if err != nil {
			return err
		}
		return record(ctx, q, inBoth(actor, r.To.ID, entry(actor, ActPartnerCancel, "partner", r.To.ID, r.To.Label()))...)
	})
}

// channel loads an active channel the actor's instance is party to;
// another's is NotFound.
func (a *App) channel(ctx context.Context, q *store.Q, actor *Actor, id int64) (model.PartnerChannel, error) {
	c, err := q.ChannelByID(ctx, actor.Instance.ID, id)
	return c, mapNotFound(err)
}

// PartnerChannel returns a channel the actor's instance is party to,
// with what it shares (instance.admin): the revoke confirmation names it.
func (a *App) PartnerChannel(ctx context.Context, actor *Actor, id int64) (model.PartnerChannel, error) {
	if err := actor.Require(access.InstanceAdmin); err != nil {
		return model.PartnerChannel{}, err
	}
	q := a.store.Q()
	c, err := a.channel(ctx, q, actor, id)
	if err != nil {
		return c, err
	}
	shares, err := q.Shares(ctx, c.Owner.ID, c.ID)
	c.Shares = slices.Collect(maps.Values(shares))
	return c, err
}

// ShareChoice is one scorecard on the Has Access To side of the chooser.
type ShareChoice struct {
	ScorecardID int64
	Contribute  bool // the partner may enter data on its measures
}

// ShareEditor is what the Edit Scorecards chooser shows.
type ShareEditor struct {
	Channel    model.PartnerChannel
	Scorecards []model.Scorecard // this instance's scorecards the actor can share
	Shared     map[int64]model.PartnerShare
}

// EditShares loads the chooser of a channel on which the actor's
// instance shares (instance.admin).
func (a *App) EditShares(ctx context.Context, actor *Actor, channelID int64) (ShareEditor, error) {
	if err := actor.Require(access.InstanceAdmin); err != nil {
		return ShareEditor{}, err
	}
	q := a.store.Q()
	c, err := a.channel(ctx, q, actor, channelID)
	if err != nil {
		return ShareEditor{}, err
	}
	if c.Owner.ID != actor.Instance.ID {
		return ShareEditor{}, errForbidden("%s chooses what it shares with you.", c.Owner.Name)
	}
	v, err := a.Visibility(ctx, actor)
	if err != nil {
		return ShareEditor{}, err
	}
	ed := ShareEditor{Channel: c}
	if ed.Scorecards, err = q.ListScorecards(ctx, actor.Instance.ID, v); err != nil {
		return ed, err
	}
	ed.Shared, err = q.Shares(ctx, c.Owner.ID, c.ID)
	return ed, err
}

// SaveShares makes the channel share exactly the chosen scorecards. Only
// this instance's own scorecards that the actor can access can be shared:
// a partner's scorecard cannot be passed on.
func (a *App) SaveShares(ctx context.Context, actor *Actor, channelID int64, choices []ShareChoice) error {
	if err := actor.Require(access.InstanceAdmin); err != nil {
		return err
	}
	v, err := a.Visibility(ctx, actor)
	if err != nil {
		return err
	}
	return a.store.InTx(ctx, func(q *store.Q) error {
		c, err := a.channel(ctx, q, actor, channelID)
		if err != nil {
			return err
		}
		if c.Owner.ID != actor.Instance.ID {
			return errForbidden("%s chooses what it shares with you.", c.Owner.Name)
		}
		want := map[int64]bool{}
		var list []model.PartnerShare
		for _, ch := range choices {
			if !want[ch.ScorecardID] {
				want[ch.ScorecardID] = true
				list = append(list, model.PartnerShare{ScorecardID: ch.ScorecardID, Contribute: ch.Contribute})
			}
		}
		// What EditShares offers: the instance's scorecards the actor can open.
		shareable, err := q.ListScorecards(ctx, actor.Instance.ID, v)
		if err != nil {
			return err
		}
		titles := make(map[int64]string, len(shareable))
		for _, s := range shareable {
			titles[s.ID] = s.Title
		}
		for id := range want {
			if _, ok := titles[id]; !ok {
				return fieldError("scorecards", actor.Words().Expand("Only this organization's own {scorecard:lowmany} that you can open can be shared."))
			}
		}
		have, err := q.SetShares(ctx, c, list)
		if err != nil {
			return err
		}
		var log []model.Activity
		name := c.Partner.Label()
		for _, s := range list {
			old, was := have[s.ScorecardID]
			if was && old.Contribute == s.Contribute {
				continue
			}
			e := entry(actor, ActPartnerShare, "scorecard", s.ScorecardID, titles[s.ScorecardID],
				changed("partner", "", name, "access", accessText(was, old.Contribute), accessText(true, s.Contribute))...)
			log = append(log, inBoth(actor, c.Partner.ID, e)...)
		}
		unshared := false
		for id, old := range have {
			if !want[id] {
				unshared = true
				e := entry(actor, ActPartnerUnshare, "scorecard", id, old.Title,
					changed("partner", name, "", "access", accessText(true, old.Contribute), accessText(false, false))...)
				log = append(log, inBoth(actor, c.Partner.ID, e)...)
			}
		}
		// As after a revoke: the partner's calculations fed by a measure no
		// longer shared keep their values, marked, and stop updating.
		if unshared {
			calcs, err := q.UnsharedFeeds(ctx, c.Owner.ID, c.Partner.ID)
			if err != nil {
				return err
			}
			if err := q.MarkCalculations(ctx, c.Partner.ID, calcs); err != nil {
				return err
			}
		}
		return record(ctx, q, log...)
	})
}

func accessText(shared, contribute bool) string {
	switch {
	case !shared:
		return ""
	case contribute:
		return "view and enter data"
	}
	return "view"
}

// RevokeChannel ends a channel from either side (instance.admin): its
// shares go at once, and only a new request and acceptance restores it.
func (a *App) RevokeChannel(ctx context.Context, actor *Actor, channelID int64) error {
	if err := actor.Require(access.InstanceAdmin); err != nil {
		return err
	}
	return a.store.InTx(ctx, func(q *store.Q) error {
		c, err := a.channel(ctx, q, actor, channelID)
		if err != nil {
			return err
		}
		if err := q.RevokeChannel(ctx, c, actor.Instance.ID); errors.Is(err, store.ErrNotFound) {
			return errConflict("This connection was already revoked.")
		} else if err != nil {
			return err
		}
		// The partner's calculations fed by the owner's measures keep
		// their values, marked "input no longer shared", and stop updating.
		if err := markRevoked(ctx, q, c.Partner.ID, c.Owner.ID); err != nil {
			return err
		}
		other := c.Partner
		if other.ID == actor.Instance.ID {
			other = c.Owner
		}
		e := entry(actor, ActPartnerRevoke, "partner", other.ID, other.Label(),
			changed("channel", c.Owner.Code+" shares with "+c.Partner.Code, "revoked")...)
		return record(ctx, q, inBoth(actor, other.ID, e)...)
	})
}
