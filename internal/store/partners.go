package store

import (
	"context"
	"strings"
	"time"

	"yardstick/internal/model"
)

// Partner Connect: requests, the directed channels they create, and the
// scorecards shared on them. Visibility of shared content is in
// visibility.go, next to the instance's own rules.

const requestCols = `r.id, r.status, r.created_at, COALESCE(a.name, ''),
	f.id, f.code, f.name, t.id, t.code, t.name`

const requestFrom = ` FROM partner_requests r
	JOIN instances f ON f.id = r.from_instance
	JOIN instances t ON t.id = r.to_instance
	LEFT JOIN accounts a ON a.id = r.requested_by`

func scanRequest(sc interface{ Scan(...any) error }) (model.PartnerRequest, error) {
	var r model.PartnerRequest
	err := sc.Scan(&r.ID, &r.Status, &r.CreatedAt, &r.RequestedBy, &r.From.ID, &r.From.Code, &r.From.Name, &r.To.ID, &r.To.Code, &r.To.Name)
	return r, err
}

// CreatePartnerRequest records a pending request. A pending request
// between the two instances, in either direction, is ErrConflict.
func (q *Q) CreatePartnerRequest(ctx context.Context, from, to, accountID int64) (int64, error) {
	lo, hi := min(from, to), max(from, to)
	var by any
	if accountID != 0 {
		by = accountID
	}
	var id int64
	err := q.row(ctx, `INSERT INTO partner_requests (from_instance, to_instance, pair_lo, pair_hi, status, requested_by, created_at)
		VALUES ($1, $2, $3, $4, 'pending', $5, $6) RETURNING id`, from, to, lo, hi, by, q.Now()).Scan(&id)
	if isUniqueViolation(err) {
		return 0, ErrConflict
	}
	return id, err
}

// PendingRequestBetween returns the pending request between two
// instances, in either direction.
func (q *Q) PendingRequestBetween(ctx context.Context, a, b int64) (model.PartnerRequest, error) {
	r, err := scanRequest(q.row(ctx, `SELECT `+requestCols+requestFrom+`
		WHERE r.pair_lo = $1 AND r.pair_hi = $2 AND r.status = 'pending'`, min(a, b), max(a, b)))
	return r, notFound(err)
}

// PartnerRequestByID returns a request that instanceID is a party to;
// any other is ErrNotFound.
func (q *Q) PartnerRequestByID(ctx context.Context, instanceID, id int64) (model.PartnerRequest, error) {
	r, err := scanRequest(q.row(ctx, `SELECT `+requestCols+requestFrom+`
		WHERE r.id = $1 AND (r.from_instance = $2 OR r.to_instance = $2)`, id, instanceID))
	return r, notFound(err)
}

// PendingRequests lists an instance's pending requests, incoming and
// outgoing, oldest first.
func (q *Q) PendingRequests(ctx context.Context, instanceID int64) ([]model.PartnerRequest, error) {
	return collect(ctx, q, scanRequest, `SELECT `+requestCols+requestFrom+`
		WHERE (r.from_instance = $1 OR r.to_instance = $1) AND r.status = 'pending' ORDER BY r.id`, instanceID)
}

// ClosePartnerRequest moves a pending request to status; one no longer
// pending is ErrConflict (two people answered at once).
func (q *Q) ClosePartnerRequest(ctx context.Context, id int64, status string) error {
	res, err := q.exec(ctx, `UPDATE partner_requests SET status = $1, closed_at = $2 WHERE id = $3 AND status = 'pending'`, status, q.Now(), id)
	if err := affectedOne(res, err); err == ErrNotFound {
		return ErrConflict
	} else if err != nil {
		return err
	}
	return nil
}

const channelCols = `c.id, c.created_at, o.id, o.code, o.name, p.id, p.code, p.name`

const channelFrom = ` FROM partner_channels c
	JOIN instances o ON o.id = c.owner_instance
	JOIN instances p ON p.id = c.partner_instance`

func scanChannel(sc interface{ Scan(...any) error }) (model.PartnerChannel, error) {
	var c model.PartnerChannel
	err := sc.Scan(&c.ID, &c.CreatedAt, &c.Owner.ID, &c.Owner.Code, &c.Owner.Name, &c.Partner.ID, &c.Partner.Code, &c.Partner.Name)
	return c, err
}

// OpenChannel makes the active channel owner → partner unless there is
// one; it reports whether it made it.
func (q *Q) OpenChannel(ctx context.Context, owner, partner int64) (bool, error) {
	if _, err := q.ActiveChannel(ctx, owner, partner); err == nil {
		return false, nil
	} else if err != ErrNotFound {
		return false, err
	}
	_, err := q.exec(ctx, `INSERT INTO partner_channels (owner_instance, partner_instance, created_at) VALUES ($1, $2, $3)`, owner, partner, q.Now())
	return err == nil, err
}

// ActiveChannel returns the active channel on which owner shares with partner.
func (q *Q) ActiveChannel(ctx context.Context, owner, partner int64) (model.PartnerChannel, error) {
	c, err := scanChannel(q.row(ctx, `SELECT `+channelCols+channelFrom+`
		WHERE c.owner_instance = $1 AND c.partner_instance = $2 AND c.revoked_at IS NULL`, owner, partner))
	return c, notFound(err)
}

// ChannelByID returns an active channel that instanceID is a party to;
// any other is ErrNotFound.
func (q *Q) ChannelByID(ctx context.Context, instanceID, id int64) (model.PartnerChannel, error) {
	c, err := scanChannel(q.row(ctx, `SELECT `+channelCols+channelFrom+`
		WHERE c.id = $1 AND c.revoked_at IS NULL AND (c.owner_instance = $2 OR c.partner_instance = $2)`, id, instanceID))
	return c, notFound(err)
}

// Channels lists an instance's active channels, outgoing (it shares)
// and incoming (it receives), each with its shared scorecards: the
// channels (a reference table), then the shares of the outgoing ones,
// which live with this instance, and those of the incoming ones, which
// live with their owners, named from the channels.
func (q *Q) Channels(ctx context.Context, instanceID int64) (outgoing, incoming []model.PartnerChannel, err error) {
	all, err := collect(ctx, q, scanChannel, `SELECT `+channelCols+channelFrom+`
		WHERE c.revoked_at IS NULL AND (c.owner_instance = $1 OR c.partner_instance = $1) ORDER BY o.name, p.name, c.id`, instanceID)
	if err != nil {
		return nil, nil, err
	}
	type share struct {
		channel int64
		model.PartnerShare
	}
	scan := func(sc interface{ Scan(...any) error }) (share, error) {
		var s share
		err := sc.Scan(&s.channel, &s.ScorecardID, &s.Title, &s.Contribute)
		return s, err
	}
	const shareCols = `SELECT ps.channel_id, s.id, s.title, ps.contribute FROM partner_shares ps
		JOIN scorecards s ON s.instance_id = ps.instance_id AND s.id = ps.scorecard_id`
	var owners []int64
	sharing := false
	for _, c := range all {
		if c.Owner.ID == instanceID {
			sharing = true
		} else {
			owners = append(owners, c.Owner.ID)
		}
	}
	var shares []share
	if sharing {
		if shares, err = collect(ctx, q, scan, shareCols+` WHERE ps.instance_id = $1 ORDER BY s.title_key, s.id`, instanceID); err != nil {
			return nil, nil, err
		}
	}
	if len(owners) > 0 {
		a := args{instanceID}
		in, err := collect(ctx, q, scan, shareCols+` WHERE ps.instance_id IN (`+a.list(owners)+`) AND ps.partner_instance = $1
			ORDER BY s.title_key, s.id`, a...)
		if err != nil {
			return nil, nil, err
		}
		shares = append(shares, in...)
	}
	byChannel := map[int64][]model.PartnerShare{}
	for _, s := range shares {
		byChannel[s.channel] = append(byChannel[s.channel], s.PartnerShare)
	}
	for _, c := range all {
		c.Shares = byChannel[c.ID]
		if c.Owner.ID == instanceID {
			outgoing = append(outgoing, c)
		} else {
			incoming = append(incoming, c)
		}
	}
	return outgoing, incoming, nil
}

// RevokeChannel ends a channel for good and deletes its shares, and the
// partner's assignments of those scorecards, in the caller's transaction.
func (q *Q) RevokeChannel(ctx context.Context, c model.PartnerChannel, by int64) error {
	res, err := q.exec(ctx, `UPDATE partner_channels SET revoked_at = $1, revoked_by = $2 WHERE id = $3 AND revoked_at IS NULL`, q.Now(), by, c.ID)
	if err := affectedOne(res, err); err != nil {
		return err
	}
	_, err = q.SetShares(ctx, c, nil)
	return err
}

// Shares returns the scorecards shared on a channel, by id; they live
// with the channel's owner.
func (q *Q) Shares(ctx context.Context, owner, channelID int64) (map[int64]model.PartnerShare, error) {
	list, err := collect(ctx, q, func(sc interface{ Scan(...any) error }) (model.PartnerShare, error) {
		var s model.PartnerShare
		err := sc.Scan(&s.ScorecardID, &s.Title, &s.Contribute)
		return s, err
	}, `SELECT s.id, s.title, ps.contribute FROM partner_shares ps JOIN scorecards s ON s.instance_id = ps.instance_id AND s.id = ps.scorecard_id
		WHERE ps.instance_id = $1 AND ps.channel_id = $2`, owner, channelID)
	out := make(map[int64]model.PartnerShare, len(list))
	for _, s := range list {
		out[s.ScorecardID] = s
	}
	return out, err
}

// SetShares makes the channel's shares exactly want (scorecards of the
// owner, checked by the caller) and returns what they were, for the log.
// Scorecards no longer shared also leave the partner's members'
// assignments, so a later share starts clean.
func (q *Q) SetShares(ctx context.Context, c model.PartnerChannel, want []model.PartnerShare) (map[int64]model.PartnerShare, error) {
	have, err := q.Shares(ctx, c.Owner.ID, c.ID)
	if err != nil {
		return nil, err
	}
	// New shares in one INSERT; changed ones in one UPDATE per value.
	keep := map[int64]bool{}
	ins := args{c.ID, c.Owner.ID, c.Partner.ID, q.Now()}
	var rows []string
	flip := map[bool][]int64{}
	for _, s := range want {
		keep[s.ScorecardID] = true
		old, ok := have[s.ScorecardID]
		switch {
		case !ok:
			rows = append(rows, "($1, $2, $3, "+ins.add(s.ScorecardID)+", "+ins.add(s.Contribute)+", $4)")
		case old.Contribute != s.Contribute:
			flip[s.Contribute] = append(flip[s.Contribute], s.ScorecardID)
		}
	}
	if len(rows) > 0 {
		if _, err := q.exec(ctx, `INSERT INTO partner_shares (channel_id, instance_id, partner_instance, scorecard_id, contribute, created_at)
			VALUES `+strings.Join(rows, ", "), ins...); err != nil {
			return nil, err
		}
	}
	for value, ids := range flip {
		a := args{value, c.Owner.ID, c.ID}
		if _, err := q.exec(ctx, `UPDATE partner_shares SET contribute = $1 WHERE instance_id = $2 AND channel_id = $3 AND scorecard_id IN (`+
			a.list(ids)+`)`, a...); err != nil {
			return nil, err
		}
	}
	var gone []int64
	for id := range have {
		if !keep[id] {
			gone = append(gone, id)
		}
	}
	if len(gone) == 0 {
		return have, nil
	}
	a := args{c.Owner.ID, c.ID}
	in := a.list(gone)
	if _, err := q.exec(ctx, `DELETE FROM partner_shares WHERE instance_id = $1 AND channel_id = $2 AND scorecard_id IN (`+in+`)`, a...); err != nil {
		return nil, err
	}
	// The partner's members' and API keys' assignments of them go too.
	for _, table := range []string{"partner_assignments", "api_key_partner_scorecards"} {
		a = args{c.Partner.ID, c.Owner.ID}
		in = a.list(gone)
		if _, err := q.exec(ctx, `DELETE FROM `+table+` WHERE instance_id = $1 AND owner_instance = $2 AND scorecard_id IN (`+in+`)`, a...); err != nil {
			return nil, err
		}
	}
	return have, nil
}

// ContributeShare reports whether a measure of owner sits under a
// scorecard that owner shares with the viewer for data entry, within the
// member's scope.
func (q *Q) ContributeShare(ctx context.Context, owner, measureID int64, v Visibility) (bool, error) {
	a := args{owner, measureID}
	var n int
	err := q.row(ctx, `SELECT COUNT(*) FROM scorecard_objects so JOIN partner_shares ps ON ps.instance_id = so.instance_id AND ps.scorecard_id = so.scorecard_id
		WHERE so.instance_id = $1 AND so.object_id = $2 AND ps.contribute AND `+v.shareFilter(&a), a...).Scan(&n)
	return n > 0, err
}

// AdminEmails lists the emails of an instance's active members holding
// permission perm (for Partner Connect mail), at most limit.
func (q *Q) AdminEmails(ctx context.Context, instanceID int64, perm string, limit int) ([]string, error) {
	return collect(ctx, q, func(sc interface{ Scan(...any) error }) (string, error) {
		var s string
		return s, sc.Scan(&s)
	}, `SELECT a.email FROM memberships m JOIN accounts a ON a.id = m.account_id
		WHERE m.instance_id = $1 AND m.active AND (',' || m.permissions || ',') LIKE $2 ORDER BY a.email LIMIT $3`,
		instanceID, "%,"+perm+",%", limit)
}

// Referral is an invitation to an organization not on the deployment.
type Referral struct {
	ID           int64
	FromInstance int64
	Email        string
	Organization string
	ExpiresAt    time.Time
}

// CreateReferral stores a referral with the hash of its link's token.
func (q *Q) CreateReferral(ctx context.Context, r Referral, tokenHash string, accountID int64) (int64, error) {
	var id int64
	err := q.row(ctx, `INSERT INTO partner_referrals (from_instance, email, organization, token_hash, referred_by, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, r.FromInstance, r.Email, r.Organization, tokenHash, accountID, q.Now(), r.ExpiresAt).Scan(&id)
	return id, err
}

// ReferralByToken returns an unused, unexpired referral.
func (q *Q) ReferralByToken(ctx context.Context, tokenHash string) (Referral, error) {
	var r Referral
	err := q.row(ctx, `SELECT id, from_instance, email, organization, expires_at FROM partner_referrals
		WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2`, tokenHash, q.Now()).
		Scan(&r.ID, &r.FromInstance, &r.Email, &r.Organization, &r.ExpiresAt)
	return r, notFound(err)
}

// UseReferral marks a referral used; a second use is ErrConflict.
func (q *Q) UseReferral(ctx context.Context, id int64) error {
	res, err := q.exec(ctx, `UPDATE partner_referrals SET used_at = $1 WHERE id = $2 AND used_at IS NULL`, q.Now(), id)
	if err := affectedOne(res, err); err == ErrNotFound {
		return ErrConflict
	} else if err != nil {
		return err
	}
	return nil
}

// Reading what partners share. Each query names the viewer's instance
// and excludes it, so own content keeps its own rules and paths, and
// names the owners it reads from: the instances that share with the
// viewer on an active channel (SharingOwners, partner_channels being a
// reference table), or the one owner the caller knows. On Citus a query
// so reaches the owners' shards only (one, for one partner), never every
// shard. No owners, nothing shared.

// SharingOwners lists the instances that share with instanceID on an
// active channel, ascending: the owners the shared reads name.
func (q *Q) SharingOwners(ctx context.Context, instanceID int64) ([]int64, error) {
	return q.ids(ctx, `SELECT DISTINCT owner_instance FROM partner_channels WHERE partner_instance = $1 AND revoked_at IS NULL
		ORDER BY owner_instance`, instanceID)
}

// SharedScorecardByID returns a scorecard of one of owners shared with
// the viewer within its scope.
func (q *Q) SharedScorecardByID(ctx context.Context, owners []int64, id int64, v Visibility) (model.Scorecard, error) {
	if len(owners) == 0 {
		return model.Scorecard{}, ErrNotFound
	}
	a := args{id, v.InstanceID}
	s, err := scanScorecard(q.row(ctx, `SELECT `+scorecardCols+` FROM scorecards s
		WHERE s.instance_id IN (`+a.list(owners)+`) AND s.id = $1 AND s.instance_id <> $2 AND `+v.sharedScorecardFilter(&a), a...))
	return s, notFound(err)
}

// SharedObjectByID returns an object of one of owners that sits under a
// scorecard shared with the viewer within its scope.
func (q *Q) SharedObjectByID(ctx context.Context, owners []int64, id int64, v Visibility) (model.Object, error) {
	if len(owners) == 0 {
		return model.Object{}, ErrNotFound
	}
	a := args{id, v.InstanceID}
	o, err := scanOneObject(q.row(ctx, `SELECT `+oneObjectCols+oneObjectFrom+`
		WHERE o.instance_id IN (`+a.list(owners)+`) AND o.id = $1 AND o.instance_id <> $2 AND `+v.sharedObjectFilter(&a), a...))
	return o, notFound(err)
}

// ListSharedScorecards lists the scorecards the given partner instances
// share with the viewer, within its scope, by title.
func (q *Q) ListSharedScorecards(ctx context.Context, owners []int64, v Visibility) ([]model.Scorecard, error) {
	if len(owners) == 0 {
		return nil, nil
	}
	// Start from the shares (indexed by partner, owner), not from every
	// scorecard of the owners: the cost follows what is shared.
	a := args{v.InstanceID}
	in := a.list(owners)
	return collect(ctx, q, scanScorecard, `SELECT `+scorecardCols+` FROM scorecards s
		WHERE s.instance_id IN (`+in+`) AND s.id IN (SELECT ps.scorecard_id FROM partner_shares ps WHERE ps.instance_id IN (`+in+`) AND ps.partner_instance = $1)
		AND s.instance_id <> $1 AND `+v.sharedScorecardFilter(&a)+` ORDER BY s.title_key, s.id`, a...)
}

// SharedScorecardsOf lists the shared scorecards, visible to the viewer,
// that an object of owner sits under.
func (q *Q) SharedScorecardsOf(ctx context.Context, owner, objectID int64, v Visibility) ([]model.Scorecard, error) {
	a := args{owner, objectID, v.InstanceID}
	return collect(ctx, q, scanScorecard, `SELECT `+scorecardCols+` FROM scorecards s JOIN scorecard_objects so ON so.instance_id = s.instance_id AND so.scorecard_id = s.id
		WHERE s.instance_id = $1 AND so.object_id = $2 AND s.instance_id <> $3 AND `+v.sharedScorecardFilter(&a)+` ORDER BY s.title_key, s.id`, a...)
}

// SharedScorecardIDsIn returns which ids are scorecards owners share with
// instanceID (whoever in it may see them).
func (q *Q) SharedScorecardIDsIn(ctx context.Context, instanceID int64, owners, ids []int64) ([]int64, error) {
	if len(owners) == 0 || len(ids) == 0 {
		return nil, nil
	}
	a := args{instanceID}
	return q.ids(ctx, `SELECT DISTINCT scorecard_id FROM partner_shares WHERE instance_id IN (`+a.list(owners)+`) AND partner_instance = $1
		AND scorecard_id IN (`+a.list(ids)+`) ORDER BY scorecard_id`, a...)
}

// Sites lists the instances that share with instanceID on an active
// channel (the Scorecards list's Sites filter), by name.
func (q *Q) Sites(ctx context.Context, instanceID int64) ([]model.Instance, error) {
	return collect(ctx, q, scanSite, `SELECT `+siteCols+siteFrom+` ORDER BY i.name, i.id`, instanceID)
}

// Site returns the instance owner if it shares with instanceID on an
// active channel; any other is ErrNotFound.
func (q *Q) Site(ctx context.Context, instanceID, owner int64) (model.Instance, error) {
	in, err := scanSite(q.row(ctx, `SELECT `+siteCols+siteFrom+` AND c.owner_instance = $2`, instanceID, owner))
	return in, notFound(err)
}

const siteCols = `i.id, i.code, i.name`

const siteFrom = ` FROM partner_channels c JOIN instances i ON i.id = c.owner_instance
	WHERE c.partner_instance = $1 AND c.revoked_at IS NULL`

func scanSite(sc interface{ Scan(...any) error }) (model.Instance, error) {
	var in model.Instance
	return in, sc.Scan(&in.ID, &in.Code, &in.Name)
}
