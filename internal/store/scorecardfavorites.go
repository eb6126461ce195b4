package store

import "context"

// SetScorecardFavorite stars (on) or unstars a scorecard for a member of
// instanceID: one of the instance's own (owner == instanceID) or one a
// partner (owner) shares with it, which partner_scorecard_favorites keeps
// with its owner. The caller has checked that the member sees it.
func (q *Q) SetScorecardFavorite(ctx context.Context, instanceID, membershipID, owner, scorecardID int64, on bool) error {
	var err error
	switch {
	case owner == instanceID && on:
		_, err = q.exec(ctx, `INSERT INTO scorecard_favorites (instance_id, membership_id, scorecard_id, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT DO NOTHING`, instanceID, membershipID, scorecardID, q.Now())
	case owner == instanceID:
		_, err = q.exec(ctx, `DELETE FROM scorecard_favorites WHERE instance_id = $1 AND membership_id = $2 AND scorecard_id = $3`,
			instanceID, membershipID, scorecardID)
	case on:
		_, err = q.exec(ctx, `INSERT INTO partner_scorecard_favorites (instance_id, membership_id, owner_instance, scorecard_id, created_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, instanceID, membershipID, owner, scorecardID, q.Now())
	default:
		_, err = q.exec(ctx, `DELETE FROM partner_scorecard_favorites WHERE instance_id = $1 AND membership_id = $2 AND owner_instance = $3
			AND scorecard_id = $4`, instanceID, membershipID, owner, scorecardID)
	}
	return err
}

// ScorecardFavorites returns a member's starred scorecards by owning
// instance, own and partners', in one statement on the member's shard.
// They are ids only: the caller lists those the member still sees.
func (q *Q) ScorecardFavorites(ctx context.Context, instanceID, membershipID int64) (map[int64][]int64, error) {
	rows, err := q.query(ctx, `SELECT instance_id, scorecard_id FROM scorecard_favorites WHERE instance_id = $1 AND membership_id = $2
		UNION ALL SELECT owner_instance, scorecard_id FROM partner_scorecard_favorites WHERE instance_id = $1 AND membership_id = $2`,
		instanceID, membershipID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]int64{}
	for rows.Next() {
		var owner, id int64
		if err := rows.Scan(&owner, &id); err != nil {
			return nil, err
		}
		out[owner] = append(out[owner], id)
	}
	return out, rows.Err()
}
