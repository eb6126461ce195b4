package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"yardstick/internal/store"
)

// Mail an instance sends to addresses outside the deployment is where the
// deployment's mail could be used for spam: an instance administrator
// types any address and any organization name. Such mail is limited per
// instance and per address, counted in the database so that every process
// sharing it counts the same (issue 25, defect 14).
//
//   - Partner Connect referrals: Config.ReferralsPerDay in 24 hours per
//     instance and Config.ReferralsPerAddressWeek in 7 days per address;
//     past either, a clear refusal (429) saying when it lifts.
//   - Invitations from Add Existing User to an address with no account:
//     one per address, ever (an invitation to an account waits for an
//     answer, and refuses a second one the same way), and
//     Config.ReferralsPerDay in 24 hours per instance. Past the daily
//     limit the answer stays the same and no mail goes out: a refusal
//     would tell the instance that the address has no account, which
//     SPEC §4 forbids. The operator sees a warning in the server log.
const (
	DefaultReferralsPerDay         = 20
	DefaultReferralsPerAddressWeek = 1

	outsideReferral   = "referral"
	outsideInvitation = "invitation"
	outsideDay        = 24 * time.Hour
	outsideWeek       = 7 * 24 * time.Hour
)

// outsideLimits are the limits in force: 0 in Config takes the default,
// a negative value means no limit (returned as 0).
func (a *App) outsideLimits() (perDay, perAddressWeek int) {
	pick := func(v, def int) int {
		switch {
		case v == 0:
			return def
		case v < 0:
			return 0
		}
		return v
	}
	return pick(a.cfg.ReferralsPerDay, DefaultReferralsPerDay), pick(a.cfg.ReferralsPerAddressWeek, DefaultReferralsPerAddressWeek)
}

// outsideRefusal is which limit a mail would pass, with when it lifts.
type outsideRefusal struct {
	instance, address bool
	limit             int
	wait              time.Duration
}

// claimOutsideMail counts a mail of kind from an instance to email in q's
// transaction, unless a limit is reached: then it counts nothing and says
// which. perAddress mails to one address are allowed per addressWindow
// (0: ever). The instance row is locked first, so parallel requests,
// in this process or another, take turns.
func (a *App) claimOutsideMail(ctx context.Context, q *store.Q, instanceID int64, kind, email string, perAddress int, addressWindow time.Duration) (*outsideRefusal, error) {
	perDay, _ := a.outsideLimits()
	if perDay == 0 && perAddress == 0 {
		return nil, nil
	}
	if err := q.LockInstance(ctx, instanceID); err != nil {
		return nil, err
	}
	now := a.Now()
	hash := recipientHash(email)
	var addressSince time.Time // zero: ever
	if addressWindow > 0 {
		addressSince = now.Add(-addressWindow)
	}
	day, address, err := q.OutsideMailSent(ctx, instanceID, kind, hash, now.Add(-outsideDay), addressSince)
	if err != nil {
		return nil, err
	}
	if perAddress > 0 && address >= perAddress {
		r := &outsideRefusal{address: true, limit: perAddress}
		if addressWindow > 0 {
			first, err := q.OldestOutsideMail(ctx, instanceID, kind, hash, addressSince)
			if err != nil {
				return nil, err
			}
			r.wait = first.Add(addressWindow).Sub(now)
		}
		return r, nil
	}
	if perDay > 0 && day >= perDay {
		first, err := q.OldestOutsideMail(ctx, instanceID, kind, "", now.Add(-outsideDay))
		if err != nil {
			return nil, err
		}
		return &outsideRefusal{instance: true, limit: perDay, wait: first.Add(outsideDay).Sub(now)}, nil
	}
	// Rows past every window are forgotten as new ones come; invitation
	// rows are kept, as an invitation waits for an answer.
	var forget time.Time
	if addressWindow > 0 {
		forget = now.Add(-max(addressWindow, outsideDay))
	}
	return nil, q.RecordOutsideMail(ctx, instanceID, kind, hash, forget)
}

// recipientHash keys the count of one address without storing it.
func recipientHash(email string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email))))
	return hex.EncodeToString(sum[:])
}

// errReferralLimit is the refusal of a referral past a limit.
func errReferralLimit(r *outsideRefusal) error {
	wait := max(r.wait, time.Minute)
	when := waitText(wait)
	if r.address {
		msg := "This address was sent a referral from your organization in the last 7 days. This site sends at most " +
			plural(r.limit, "referral") + " a week to one address; you can send another " + when + "."
		return &Error{Kind: TooMany, RetryAfter: wait, Msg: msg, Fields: map[string]string{"email": msg}}
	}
	return &Error{Kind: TooMany, RetryAfter: wait,
		Msg: "Your organization has sent " + plural(r.limit, "referral") + " in the last 24 hours, the most this site allows, " +
			"so that its mail cannot be used for spam. You can send another " + when + "."}
}

// waitText says when a wait ends, in whole hours or minutes, rounded up.
func waitText(d time.Duration) string {
	if d > 90*time.Minute {
		return "in " + plural(int((d+time.Hour-1)/time.Hour), "hour")
	}
	return "in " + plural(max(int((d+time.Minute-1)/time.Minute), 1), "minute")
}
