package app

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/terms"
)

// A digest's unsubscribe link (issue 15) is /unsubscribe/<token>, the
// token "<instance id>_<secret>" (RunDigests). It turns off one digest of
// one membership, once, with no sign-in: whoever holds the mail holds the
// link. Only the token's hash is stored, on its instance's shard, which
// the id in the token names, so the look-up reads one instance only.

// maxUnsubscribeToken bounds the token's length before any look-up: the
// id (at most 18 digits), "_" and rand.Text's 26 characters fit well.
const maxUnsubscribeToken = 80

// UnsubscribeView is what the unsubscribe page shows: which digest of
// which instance the link stops, for whom, and whether it was used.
type UnsubscribeView struct {
	Kind         string     // DigestWeekly or DigestMonthly
	InstanceName string     // the instance whose digest it is
	InstanceCode string     // for the link to Preferences
	Email        string     // the member's address, masked (a•••@example.org)
	Used         bool       // the link was used before; this request changed nothing
	Done         bool       // this request turned the digest off
	Words        *terms.Set // the instance's Common Terms, for the page
}

// errUnsubscribeLink is the one answer to a token that is malformed,
// unknown, of another instance or whose membership is gone: none tells
// which.
var errUnsubscribeLink error = &Error{Kind: NotFound,
	Msg: "This unsubscribe link is not valid. Check that the whole link was copied from the email, or turn digests off in Preferences after signing in."}

// parseUnsubscribeToken reads the instance id of "<id>_<secret>"; false
// for anything else (too long, no separator, an id that is not a plain
// positive number, a secret outside the letters and digits rand.Text
// writes), which is then not looked up at all.
func parseUnsubscribeToken(token string) (int64, bool) {
	if len(token) > maxUnsubscribeToken {
		return 0, false
	}
	digits, secret, ok := strings.Cut(token, "_")
	if !ok || digits == "" || len(digits) > 18 || strings.TrimLeft(digits, "0123456789") != "" || len(secret) < 16 {
		return 0, false
	}
	for i := 0; i < len(secret); i++ {
		c := secret[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			return 0, false
		}
	}
	id, err := strconv.ParseInt(digits, 10, 64)
	return id, err == nil && id > 0
}

// UnsubscribeInfo says what an unsubscribe link stops, without using it:
// the page a link opens (GET) changes nothing, since mail scanners
// follow links.
func (a *App) UnsubscribeInfo(ctx context.Context, token string) (UnsubscribeView, error) {
	id, ok := parseUnsubscribeToken(token)
	if !ok {
		return UnsubscribeView{}, errUnsubscribeLink
	}
	q := a.store.Q()
	membershipID, kind, used, err := q.UnsubscribeToken(ctx, id, hashToken(token))
	if err != nil {
		return UnsubscribeView{}, unsubscribeErr(err)
	}
	v, _, err := a.unsubscribeView(ctx, q, id, membershipID, kind)
	v.Used = used
	return v, err
}

// Unsubscribe uses an unsubscribe link: it turns off the link's digest
// for the link's membership only, once. A second use changes nothing and
// says so (Used). The change and its activity-log entry are one
// transaction; the entry names no actor (nobody signed in: the link is
// the key), as for a "Forgot password" request.
func (a *App) Unsubscribe(ctx context.Context, token string, c Client) (UnsubscribeView, error) {
	id, ok := parseUnsubscribeToken(token)
	if !ok {
		return UnsubscribeView{}, errUnsubscribeLink
	}
	h := hashToken(token)
	var v UnsubscribeView
	err := a.store.InTx(ctx, func(q *store.Q) error {
		membershipID, kind, used, err := q.UnsubscribeToken(ctx, id, h)
		if err != nil {
			return unsubscribeErr(err)
		}
		var m model.Membership
		if v, m, err = a.unsubscribeView(ctx, q, id, membershipID, kind); err != nil {
			return err
		}
		if used {
			v.Used = true
			return nil
		}
		if err = q.Unsubscribe(ctx, id, h, membershipID, kind, a.Now()); errors.Is(err, store.ErrConflict) {
			v.Used = true
			return nil
		} else if err != nil {
			return unsubscribeErr(err)
		}
		v.Done = true
		field, before := "weekly digest", m.DigestWeekly
		if kind == DigestMonthly {
			field, before = "monthly digest", m.DigestMonthly
		}
		e := model.Activity{InstanceID: id, ActorName: anonymous.Name, Activity: ActUpdate, ObjectType: "member",
			ObjectID: &m.ID, ObjectName: m.Email, ClientAddr: c.Addr, RequestID: c.RequestID,
			Changes: []model.Change{{Field: field, Before: btoa(before), After: "false"},
				{Field: "through", After: "the unsubscribe link of a " + kind + " digest"}}}
		return record(ctx, q, e)
	})
	if err != nil {
		return UnsubscribeView{}, err
	}
	return v, nil
}

// unsubscribeView fills the page's view from the link's membership.
func (a *App) unsubscribeView(ctx context.Context, q *store.Q, instanceID, membershipID int64, kind string) (UnsubscribeView, model.Membership, error) {
	in, err := q.InstanceByID(ctx, instanceID)
	if err != nil {
		return UnsubscribeView{}, model.Membership{}, unsubscribeErr(err)
	}
	m, err := q.MembershipByID(ctx, instanceID, membershipID)
	if err != nil {
		return UnsubscribeView{}, model.Membership{}, unsubscribeErr(err)
	}
	return UnsubscribeView{Kind: kind, InstanceName: in.Name, InstanceCode: in.Code, Email: MaskEmail(m.Email),
		Words: terms.Parse(in.Terms)}, m, nil
}

func unsubscribeErr(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return errUnsubscribeLink
	}
	return err
}

// MaskEmail shows enough of an address for its owner to know it and
// little to anyone else holding the link: "ada@example.org" becomes
// "a•••@example.org".
func MaskEmail(email string) string {
	local, domain, ok := strings.Cut(email, "@")
	if !ok || local == "" {
		return "•••"
	}
	first := []rune(local)[0]
	return string(first) + "•••@" + domain
}
