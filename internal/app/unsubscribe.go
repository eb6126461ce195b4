package app

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"strconv"
	"strings"
	"time"

	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/terms"
)

// A digest's unsubscribe link (issue 15) is /unsubscribe/<token>, the
// token "<instance id>_<membership id>_<w|m><yyyymmdd>_<mac>": which
// digest (weekly or monthly, and the period it was for) of which
// membership, signed with an HMAC under the deployment's link key
// (store.LinkKey). It is single-purpose (the MAC covers the purpose, the
// membership and the digest: no field can be changed to reach another)
// and single-use (the digest's digest_sends row records the use), and
// nothing is stored for it when the digest is sent. It turns off one
// digest of one membership with no sign-in: whoever holds the mail holds
// the link. The instance id leads, so a look-up names one shard.

// maxUnsubscribeToken bounds the token's length before any parsing: two
// ids of at most 18 digits, the digest and its date (9), the MAC (26) and
// three separators fit.
const maxUnsubscribeToken = 80

// unsubscribeLink is what a token names.
type unsubscribeLink struct {
	instanceID, membershipID int64
	kind, period             string // DigestWeekly or DigestMonthly; the period's key, 2006-01-02
}

var macText = base32.StdEncoding.WithPadding(base32.NoPadding)

// mac signs the link: 128 bits of HMAC-SHA256 over its purpose and
// fields, in base32 (letters and digits, safe in any mail client).
func (l unsubscribeLink) mac(key []byte) string {
	h := hmac.New(sha256.New, key)
	h.Write([]byte("yardstick unsubscribe\x00" + strconv.FormatInt(l.instanceID, 10) + "\x00" + strconv.FormatInt(l.membershipID, 10) +
		"\x00" + l.kind + "\x00" + l.period))
	return macText.EncodeToString(h.Sum(nil)[:16])
}

func (l unsubscribeLink) token(key []byte) string {
	k := "w"
	if l.kind == DigestMonthly {
		k = "m"
	}
	return strconv.FormatInt(l.instanceID, 10) + "_" + strconv.FormatInt(l.membershipID, 10) + "_" + k +
		strings.ReplaceAll(l.period, "-", "") + "_" + l.mac(key)
}

// DigestUnsubscribeToken is the token of the unsubscribe link in the
// digest of kind for period sent to a membership (RunDigests writes it
// into the mail; tests make links with it).
func (a *App) DigestUnsubscribeToken(ctx context.Context, instanceID, membershipID int64, kind, period string) (string, error) {
	key, err := a.store.LinkKey(ctx)
	if err != nil {
		return "", err
	}
	return unsubscribeLink{instanceID, membershipID, kind, period}.token(key), nil
}

// parseUnsubscribe reads a token, checking its shape before anything is
// read (too long, a part missing, an id that is not a plain positive
// number, a date that is not one, a MAC of the wrong length or alphabet
// are refused as they are) and then its MAC.
func (a *App) parseUnsubscribe(ctx context.Context, token string) (unsubscribeLink, error) {
	var l unsubscribeLink
	parts := strings.Split(token, "_")
	if len(token) > maxUnsubscribeToken || len(parts) != 4 {
		return l, errUnsubscribeLink
	}
	inst, ok1 := plainID(parts[0])
	member, ok2 := plainID(parts[1])
	digest, mac := parts[2], parts[3]
	if !ok1 || !ok2 || len(digest) != 9 || (digest[0] != 'w' && digest[0] != 'm') || len(mac) != macText.EncodedLen(16) {
		return l, errUnsubscribeLink
	}
	day, err := time.Parse("20060102", digest[1:])
	if err != nil {
		return l, errUnsubscribeLink
	}
	l = unsubscribeLink{instanceID: inst, membershipID: member, kind: DigestWeekly, period: day.Format("2006-01-02")}
	if digest[0] == 'm' {
		l.kind = DigestMonthly
	}
	if _, err := macText.DecodeString(mac); err != nil {
		return l, errUnsubscribeLink
	}
	key, err := a.store.LinkKey(ctx)
	if err != nil {
		return l, err
	}
	// The texts are compared, not the decoded bytes: base32 ignores the
	// last character's two spare bits, so four texts decode alike.
	if !hmac.Equal([]byte(l.mac(key)), []byte(mac)) {
		return l, errUnsubscribeLink
	}
	return l, nil
}

// plainID reads a positive id written as the token writes it: plain
// digits, no sign, no leading zero (one link has one token), at most 18.
func plainID(s string) (int64, bool) {
	if s == "" || s[0] == '0' || len(s) > 18 || strings.TrimLeft(s, "0123456789") != "" {
		return 0, false
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

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

// UnsubscribeInfo says what an unsubscribe link stops, without using it:
// the page a link opens (GET) changes nothing, since mail scanners
// follow links.
func (a *App) UnsubscribeInfo(ctx context.Context, token string) (UnsubscribeView, error) {
	l, err := a.parseUnsubscribe(ctx, token)
	if err != nil {
		return UnsubscribeView{}, err
	}
	q := a.store.Q()
	used, err := q.DigestLink(ctx, l.instanceID, l.membershipID, l.kind, l.period)
	if err != nil {
		return UnsubscribeView{}, unsubscribeErr(err)
	}
	v, _, err := a.unsubscribeView(ctx, q, l.instanceID, l.membershipID, l.kind)
	v.Used = used
	return v, err
}

// Unsubscribe uses an unsubscribe link: it turns off the link's digest
// for the link's membership only, once. A second use changes nothing and
// says so (Used). The change and its activity-log entry are one
// transaction; the entry names no actor (nobody signed in: the link is
// the key), as for a "Forgot password" request.
func (a *App) Unsubscribe(ctx context.Context, token string, c Client) (UnsubscribeView, error) {
	l, err := a.parseUnsubscribe(ctx, token)
	if err != nil {
		return UnsubscribeView{}, err
	}
	id, kind := l.instanceID, l.kind
	var v UnsubscribeView
	err = a.store.InTx(ctx, func(q *store.Q) error {
		used, err := q.DigestLink(ctx, id, l.membershipID, kind, l.period)
		if err != nil {
			return unsubscribeErr(err)
		}
		var m model.Membership
		if v, m, err = a.unsubscribeView(ctx, q, id, l.membershipID, kind); err != nil {
			return err
		}
		if used {
			v.Used = true
			return nil
		}
		if err = q.Unsubscribe(ctx, id, l.membershipID, kind, l.period, a.Now()); errors.Is(err, store.ErrConflict) {
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
