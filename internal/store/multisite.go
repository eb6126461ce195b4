package store

import (
	"context"
	"time"

	"yardstick/internal/model"
)

// SetMultiSite turns an instance's Multi-Site Tools on or off (the
// operator's `yardstick instance set --multi-site`).
func (q *Q) SetMultiSite(ctx context.Context, instanceID int64, on bool) error {
	res, err := q.exec(ctx, `UPDATE instances SET multi_site = $1 WHERE id = $2`, on, instanceID)
	return affectedOne(res, err)
}

// ChildInstance is one row of a parent's Multi-Site Tools list.
type ChildInstance struct {
	Instance     model.Instance
	Members      int // all memberships
	Active       int // active memberships
	Scorecards   int
	LastActivity *time.Time // the latest activity of any of its members
}

// ChildInstances lists a parent's children by code with their counts, in
// three queries whatever their number: the children (instances, a
// reference table, carries the member counts), then the scorecard counts
// and the members' latest activity of all of them, grouped by instance
// (on Citus these two read the children's shards: DESIGN.md "Queries that
// span instances").
func (q *Q) ChildInstances(ctx context.Context, parentID int64) ([]ChildInstance, error) {
	var out []ChildInstance
	rows, err := q.query(ctx, `SELECT `+instanceCols+`, member_count, active_count FROM instances WHERE parent_id = $1 ORDER BY code`, parentID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var c ChildInstance
		in, err := scanInstance(extraScan{rows, []any{&c.Members, &c.Active}})
		if err != nil {
			rows.Close()
			return nil, err
		}
		c.Instance = in
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	at := map[int64]int{}
	ids := make([]int64, len(out))
	for i, c := range out {
		ids[i], at[c.Instance.ID] = c.Instance.ID, i
	}
	a := args{}
	list := a.list(ids)
	rows, err = q.query(ctx, `SELECT instance_id, COUNT(*) FROM scorecards WHERE instance_id IN (`+list+`) GROUP BY instance_id`, a...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			rows.Close()
			return nil, err
		}
		out[at[id]].Scorecards = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.query(ctx, `SELECT instance_id, `+q.timeText("MAX(last_activity_at)")+` FROM memberships WHERE instance_id IN (`+list+`)
		AND last_activity_at IS NOT NULL GROUP BY instance_id`, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var last textTime
		if err := rows.Scan(&id, &last); err != nil {
			return nil, err
		}
		if !last.t.IsZero() {
			t := last.t.UTC()
			out[at[id]].LastActivity = &t
		}
	}
	return out, rows.Err()
}

// ChildByCode finds a child of parentID by its normalized code; any other
// instance is ErrNotFound.
func (q *Q) ChildByCode(ctx context.Context, parentID int64, code string) (model.Instance, error) {
	in, err := scanInstance(q.row(ctx, `SELECT `+instanceCols+` FROM instances WHERE code = $1 AND parent_id = $2`, code, parentID))
	return in, notFound(err)
}

// ChildIDs lists the ids of a parent's children by code.
func (q *Q) ChildIDs(ctx context.Context, parentID int64) ([]int64, error) {
	return q.ids(ctx, `SELECT id FROM instances WHERE parent_id = $1 ORDER BY code`, parentID)
}

// MembershipsIn returns the account's memberships in the given instances,
// by instance (one read of those instances' shards).
func (q *Q) MembershipsIn(ctx context.Context, accountID int64, instanceIDs []int64) (map[int64]model.Membership, error) {
	out := map[int64]model.Membership{}
	if len(instanceIDs) == 0 {
		return out, nil
	}
	a := args{accountID}
	list := a.list(instanceIDs)
	ms, err := collect(ctx, q, scanMembership, `SELECT `+membershipCols+` FROM memberships m WHERE m.instance_id IN (`+list+`) AND m.account_id = $1`, a...)
	for _, m := range ms {
		out[m.InstanceID] = m
	}
	return out, err
}

// Administrators lists an instance's active members holding instance.admin,
// by email, at most limit: whom a parent may add to its children.
func (q *Q) Administrators(ctx context.Context, instanceID int64, limit int) ([]model.Membership, error) {
	return collect(ctx, q, scanMembership, `SELECT `+membershipCols+` FROM memberships WHERE instance_id = $1 AND active
		AND (',' || permissions || ',') LIKE '%,instance.admin,%' ORDER BY email, id LIMIT $2`, instanceID, limit)
}
