package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"

	"yardstick/internal/model"
)

const scorecardCols = `s.id, s.instance_id, s.title, s.description, s.parent_id, s.embed_enabled, s.embed_origins, s.ext_id, s.lock_mode, s.lock_reason, s.columns, s.expand_depth, s.scores_on, s.scores_shared, s.version, s.created_at, s.updated_at`

func scanScorecard(sc interface{ Scan(...any) error }) (model.Scorecard, error) {
	var s model.Scorecard
	var parent sql.NullInt64
	var ext sql.NullString
	var cols string
	err := sc.Scan(&s.ID, &s.InstanceID, &s.Title, &s.Description, &parent, &s.EmbedEnabled, &s.EmbedOrigins, &ext, &s.LockMode, &s.LockReason,
		&cols, &s.ExpandDepth, &s.ScoresOn, &s.ScoresShared, &s.Version, &s.CreatedAt, &s.UpdatedAt)
	if cols != "" {
		s.Columns = strings.Split(cols, ",")
	}
	s.ExtID = ext.String
	if parent.Valid {
		s.ParentID = &parent.Int64
	}
	return s, err
}

// CreateScorecard inserts a scorecard.
func (q *Q) CreateScorecard(ctx context.Context, s model.Scorecard) (model.Scorecard, error) {
	now := q.Now()
	s.CreatedAt, s.UpdatedAt, s.Version = now, now, 1
	err := q.row(ctx, `INSERT INTO scorecards (instance_id, title, title_key, description, parent_id, embed_enabled, ext_id, columns, expand_depth,
		version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $9, $10, 1, $8, $8) RETURNING id`,
		s.InstanceID, s.Title, Key(s.Title), s.Description, s.ParentID, s.EmbedEnabled, extValue(s.ExtID), now, strings.Join(s.Columns, ","), s.ExpandDepth).Scan(&s.ID)
	return s, extTaken(err)
}

// UpdateScorecard saves a scorecard edited from version s.Version; a
// scorecard changed since is ErrConflict.
func (q *Q) UpdateScorecard(ctx context.Context, s model.Scorecard) error {
	res, err := q.exec(ctx, `UPDATE scorecards SET title = $1, title_key = $2, description = $3, parent_id = $4, embed_enabled = $5,
		ext_id = $10, columns = $11, expand_depth = $12, scores_on = $13, scores_shared = $14, version = version + 1, updated_at = $6
		WHERE instance_id = $7 AND id = $8 AND version = $9`,
		s.Title, Key(s.Title), s.Description, s.ParentID, s.EmbedEnabled, q.Now(), s.InstanceID, s.ID, s.Version, extValue(s.ExtID),
		strings.Join(s.Columns, ","), s.ExpandDepth, s.ScoresOn, s.ScoresShared)
	if err := extTaken(err); err != nil {
		return err
	}
	if err := affectedOne(res, err); err != ErrNotFound {
		return err
	}
	if _, err := q.ScorecardByID(ctx, s.InstanceID, s.ID, SeeAll); err != nil {
		return err
	}
	return ErrConflict
}

// DeleteScorecard removes a scorecard; its links, reach rows and
// assignments go with it, its child scorecards become top-level. A
// version other than 0 must be the stored one (deleteAt).
func (q *Q) DeleteScorecard(ctx context.Context, instanceID, id, version int64) error {
	// Partners' assignments and favourites of it live with the partner (no foreign key
	// reaches them); they exist only while it is shared, so the shares say
	// whose they are.
	partners, err := q.ids(ctx, `SELECT DISTINCT partner_instance FROM partner_shares WHERE instance_id = $1 AND scorecard_id = $2`, instanceID, id)
	if err != nil {
		return err
	}
	for _, p := range partners {
		for _, table := range []string{"partner_assignments", "partner_scorecard_favorites", "api_key_partner_scorecards"} {
			if _, err := q.exec(ctx, `DELETE FROM `+table+` WHERE instance_id = $1 AND owner_instance = $2 AND scorecard_id = $3`,
				p, instanceID, id); err != nil {
				return err
			}
		}
	}
	// The parent key includes instance_id, so the database cannot set it
	// to NULL on its own (that would null instance_id too).
	if _, err := q.exec(ctx, `UPDATE scorecards SET parent_id = NULL WHERE instance_id = $1 AND parent_id = $2`, instanceID, id); err != nil {
		return err
	}
	return q.deleteAt(ctx, "scorecards", instanceID, id, version)
}

// deleteAt deletes one row of a versioned table (scorecards, objects) by
// id and, unless version is 0, only at that version: a row changed since
// is ErrConflict, a missing one ErrNotFound.
func (q *Q) deleteAt(ctx context.Context, table string, instanceID, id, version int64) error {
	if version == 0 {
		res, err := q.exec(ctx, `DELETE FROM `+table+` WHERE instance_id = $1 AND id = $2`, instanceID, id)
		return affectedOne(res, err)
	}
	res, err := q.exec(ctx, `DELETE FROM `+table+` WHERE instance_id = $1 AND id = $2 AND version = $3`, instanceID, id, version)
	if err := affectedOne(res, err); !errors.Is(err, ErrNotFound) {
		return err
	}
	var n int
	if err := q.row(ctx, `SELECT COUNT(*) FROM `+table+` WHERE instance_id = $1 AND id = $2`, instanceID, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return ErrConflict
}

// ScorecardByID returns a scorecard the visibility allows.
func (q *Q) ScorecardByID(ctx context.Context, instanceID, id int64, v Visibility) (model.Scorecard, error) {
	a := args{instanceID, id}
	s, err := scanScorecard(q.row(ctx, `SELECT `+scorecardCols+` FROM scorecards s WHERE s.instance_id = $1 AND s.id = $2 AND `+v.scorecardFilter(&a), a...))
	return s, notFound(err)
}

// ScorecardsByIDs returns the scorecards among ids that the visibility
// allows, by title; the others are left out.
func (q *Q) ScorecardsByIDs(ctx context.Context, instanceID int64, ids []int64, v Visibility) ([]model.Scorecard, error) {
	var out []model.Scorecard
	for chunk := range slices.Chunk(slices.Compact(slices.Sorted(slices.Values(ids))), idChunk) {
		a := args{instanceID}
		list, err := collect(ctx, q, scanScorecard, `SELECT `+scorecardCols+` FROM scorecards s WHERE s.instance_id = $1 AND s.id IN (`+
			a.list(chunk)+`) AND `+v.scorecardFilter(&a)+` ORDER BY s.title, s.id`, a...)
		if err != nil {
			return nil, err
		}
		out = append(out, list...)
	}
	return out, nil
}

// ScorecardAncestors returns the chain of parent ids above a scorecard,
// nearest first, for cycle checks.
func (q *Q) ScorecardAncestors(ctx context.Context, instanceID, id int64) ([]int64, error) {
	return q.ids(ctx, `WITH RECURSIVE up(id, depth) AS (
			SELECT parent_id, 1 FROM scorecards WHERE instance_id = $1 AND id = $2 AND parent_id IS NOT NULL
			UNION ALL
			SELECT s.parent_id, up.depth + 1 FROM scorecards s JOIN up ON s.id = up.id WHERE s.instance_id = $1 AND s.parent_id IS NOT NULL AND up.depth < 1000
		) SELECT id FROM up ORDER BY depth`, instanceID, id)
}

// ListScorecards returns every scorecard the visibility allows, by title.
// Scorecard lists are short (they are the tree's roots), so they are not
// paged; objects are.
func (q *Q) ListScorecards(ctx context.Context, instanceID int64, v Visibility) ([]model.Scorecard, error) {
	a := args{instanceID}
	return collect(ctx, q, scanScorecard, `SELECT `+scorecardCols+` FROM scorecards s WHERE s.instance_id = $1 AND `+v.scorecardFilter(&a)+
		` ORDER BY s.title_key, s.id LIMIT 5000`, a...)
}

// MembershipAssignments reads a member's assignments for its visibility
// (SPEC §3.3: the scope depends on whether there are any): its own
// instance's assigned scorecards, up to AssignedListed+1 of them (more
// only tell that there are many), and the partners' scorecards assigned
// to it, the filter of its reads of partners' content. Both kinds live
// with the member's instance: one query, one shard.
func (q *Q) MembershipAssignments(ctx context.Context, instanceID, membershipID int64) (own, shared []int64, err error) {
	rows, err := q.query(ctx, `SELECT 'own', scorecard_id FROM (SELECT scorecard_id FROM membership_scorecards WHERE instance_id = $1 AND membership_id = $2
			ORDER BY scorecard_id LIMIT `+strconv.Itoa(AssignedListed+1)+`) o
		UNION ALL SELECT 'shared', scorecard_id FROM partner_assignments WHERE instance_id = $1 AND membership_id = $2`, instanceID, membershipID)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var kind string
		var id int64
		if err := rows.Scan(&kind, &id); err != nil {
			return nil, nil, err
		}
		if kind == "own" {
			own = append(own, id)
		} else {
			shared = append(shared, id)
		}
	}
	slices.Sort(own)
	slices.Sort(shared)
	return own, shared, rows.Err()
}

// MembershipScorecardIDs lists a member's assigned scorecards, its own
// instance's and those partners share.
func (q *Q) MembershipScorecardIDs(ctx context.Context, instanceID, membershipID int64) ([]int64, error) {
	return q.ids(ctx, `SELECT scorecard_id FROM membership_scorecards WHERE instance_id = $1 AND membership_id = $2
		UNION SELECT scorecard_id FROM partner_assignments WHERE instance_id = $1 AND membership_id = $2 ORDER BY 1`, instanceID, membershipID)
}

// SetMembershipScorecards replaces a member's assignments. The ids must
// already be checked to be the instance's or shared with it.
func (q *Q) SetMembershipScorecards(ctx context.Context, instanceID, membershipID int64, scorecardIDs []int64) error {
	for _, table := range []string{"membership_scorecards", "partner_assignments"} {
		if _, err := q.exec(ctx, `DELETE FROM `+table+` WHERE instance_id = $1 AND membership_id = $2`, instanceID, membershipID); err != nil {
			return err
		}
	}
	for _, id := range scorecardIDs {
		if err := q.AssignScorecard(ctx, instanceID, id, []int64{membershipID}); err != nil {
			return err
		}
	}
	return nil
}

// AssignScorecard gives members a scorecard (from the scorecard side): one
// of the instance's own, or one a partner shares with it, whose
// assignments name the owner in partner_assignments (the database refuses
// an assignment that joins two instances anywhere else).
func (q *Q) AssignScorecard(ctx context.Context, instanceID, scorecardID int64, membershipIDs []int64) error {
	if len(membershipIDs) == 0 {
		return nil
	}
	owner, err := q.scorecardOwner(ctx, instanceID, scorecardID)
	if err != nil {
		return err
	}
	for _, m := range membershipIDs {
		if owner == instanceID {
			_, err = q.exec(ctx, `INSERT INTO membership_scorecards (instance_id, membership_id, scorecard_id) VALUES ($1, $2, $3)
				ON CONFLICT DO NOTHING`, instanceID, m, scorecardID)
		} else {
			_, err = q.exec(ctx, `INSERT INTO partner_assignments (instance_id, membership_id, owner_instance, scorecard_id) VALUES ($1, $2, $3, $4)
				ON CONFLICT DO NOTHING`, instanceID, m, owner, scorecardID)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// scorecardOwner returns the instance whose scorecard id is, when it is
// instanceID's own or shared with it; otherwise ErrNotFound. A partner's
// is looked for among the shares of the instances sharing with instanceID
// (SharingOwners), so the query names them.
func (q *Q) scorecardOwner(ctx context.Context, instanceID, scorecardID int64) (int64, error) {
	var n int
	if err := q.row(ctx, `SELECT COUNT(*) FROM scorecards WHERE instance_id = $1 AND id = $2`, instanceID, scorecardID).Scan(&n); err != nil {
		return 0, err
	}
	if n > 0 {
		return instanceID, nil
	}
	owners, err := q.SharingOwners(ctx, instanceID)
	if err != nil || len(owners) == 0 {
		return 0, cmp.Or(err, ErrNotFound)
	}
	var owner sql.NullInt64
	a := args{instanceID, scorecardID}
	err = q.row(ctx, `SELECT MIN(instance_id) FROM partner_shares WHERE instance_id IN (`+a.list(owners)+`) AND partner_instance = $1 AND scorecard_id = $2`,
		a...).Scan(&owner)
	if err != nil {
		return 0, err
	}
	if !owner.Valid {
		return 0, ErrNotFound
	}
	return owner.Int64, nil
}

func (q *Q) ids(ctx context.Context, query string, a ...any) ([]int64, error) {
	rows, err := q.query(ctx, query, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// ScorecardIDsIn returns which of ids are scorecards of the instance.
func (q *Q) ScorecardIDsIn(ctx context.Context, instanceID int64, ids []int64) ([]int64, error) {
	a := args{instanceID}
	return q.ids(ctx, `SELECT id FROM scorecards WHERE instance_id = $1 AND id IN (`+a.list(ids)+`) ORDER BY id`, a...)
}

// ScorecardMembershipIDs lists the memberships a scorecard is assigned to.
func (q *Q) ScorecardMembershipIDs(ctx context.Context, instanceID, scorecardID int64) ([]int64, error) {
	return q.ids(ctx, `SELECT membership_id FROM membership_scorecards WHERE instance_id = $1 AND scorecard_id = $2
		UNION SELECT membership_id FROM partner_assignments WHERE instance_id = $1 AND scorecard_id = $2 ORDER BY 1`,
		instanceID, scorecardID)
}

// ScorecardAssignees lists the members a scorecard is assigned to, by
// name, with what an assignment list shows of them (id, email, name,
// active): one join, however many there are.
func (q *Q) ScorecardAssignees(ctx context.Context, instanceID, scorecardID int64) ([]model.Membership, error) {
	return collect(ctx, q, func(sc interface{ Scan(...any) error }) (model.Membership, error) {
		m := model.Membership{InstanceID: instanceID}
		return m, sc.Scan(&m.ID, &m.Email, &m.Name, &m.Active)
	}, `SELECT m.id, m.email, m.name, m.active FROM memberships m
		WHERE m.instance_id = $1 AND m.id IN (SELECT membership_id FROM membership_scorecards WHERE instance_id = $1 AND scorecard_id = $2
			UNION SELECT membership_id FROM partner_assignments WHERE instance_id = $1 AND scorecard_id = $2)
		ORDER BY m.name_key, m.id`, instanceID, scorecardID)
}

// ChangeScorecardMembers gives a scorecard to the members add and takes it
// from the members remove (ids already checked to be the instance's). Only
// the change is written, so a save that ticks one box of a list of
// thousands writes one row.
func (q *Q) ChangeScorecardMembers(ctx context.Context, instanceID, scorecardID int64, add, remove []int64) error {
	for chunk := range slices.Chunk(remove, idChunk) {
		for _, table := range []string{"membership_scorecards", "partner_assignments"} {
			a := args{instanceID, scorecardID}
			if _, err := q.exec(ctx, `DELETE FROM `+table+` WHERE instance_id = $1 AND scorecard_id = $2 AND membership_id IN (`+
				a.list(chunk)+`)`, a...); err != nil {
				return err
			}
		}
	}
	return q.AssignScorecard(ctx, instanceID, scorecardID, add)
}

// SetScorecardLock saves a scorecard's lock mode and reason, edited from
// version; a scorecard changed since is ErrConflict.
func (q *Q) SetScorecardLock(ctx context.Context, instanceID, id, version int64, mode, reason string) error {
	res, err := q.exec(ctx, `UPDATE scorecards SET lock_mode = $1, lock_reason = $2, version = version + 1, updated_at = $3
		WHERE instance_id = $4 AND id = $5 AND version = $6`, mode, reason, q.Now(), instanceID, id, version)
	if err := affectedOne(res, err); err != ErrNotFound {
		return err
	}
	if _, err := q.ScorecardByID(ctx, instanceID, id, SeeAll); err != nil {
		return err
	}
	return ErrConflict
}
