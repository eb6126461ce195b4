package store

import (
	"context"

	"yardstick/internal/model"
)

// Dividers share the positions of a scorecard's top-level links
// (scorecard_links): a new row or divider goes after both, and moving one
// swaps it with its neighbour whichever table that is in.

// lastTopPosition is the highest position among a scorecard's top-level
// links and dividers.
func (q *Q) lastTopPosition(ctx context.Context, instanceID, scorecardID int64) (int, error) {
	var last int
	err := q.row(ctx, `SELECT COALESCE(MAX(position), 0) FROM (
			SELECT position FROM scorecard_links WHERE instance_id = $1 AND scorecard_id = $2
			UNION ALL SELECT position FROM scorecard_dividers WHERE instance_id = $1 AND scorecard_id = $2) p`,
		instanceID, scorecardID).Scan(&last)
	return last, err
}

// AddDivider puts a divider last among a scorecard's top-level rows.
func (q *Q) AddDivider(ctx context.Context, d model.Divider) (model.Divider, error) {
	last, err := q.lastTopPosition(ctx, d.InstanceID, d.ScorecardID)
	if err != nil {
		return d, err
	}
	d.Position = last + 1
	err = q.row(ctx, `INSERT INTO scorecard_dividers (instance_id, scorecard_id, title, position, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		d.InstanceID, d.ScorecardID, d.Title, d.Position, q.Now()).Scan(&d.ID)
	return d, err
}

// Dividers lists a scorecard's dividers by position.
func (q *Q) Dividers(ctx context.Context, instanceID, scorecardID int64) ([]model.Divider, error) {
	return collect(ctx, q, func(r interface{ Scan(...any) error }) (model.Divider, error) {
		d := model.Divider{InstanceID: instanceID, ScorecardID: scorecardID}
		err := r.Scan(&d.ID, &d.Title, &d.Position)
		return d, err
	}, `SELECT id, title, position FROM scorecard_dividers WHERE instance_id = $1 AND scorecard_id = $2 ORDER BY position`, instanceID, scorecardID)
}

// CountDividers counts a scorecard's dividers.
func (q *Q) CountDividers(ctx context.Context, instanceID, scorecardID int64) (int, error) {
	var n int
	err := q.row(ctx, `SELECT COUNT(*) FROM scorecard_dividers WHERE instance_id = $1 AND scorecard_id = $2`, instanceID, scorecardID).Scan(&n)
	return n, err
}

// Divider reads one divider of a scorecard.
func (q *Q) Divider(ctx context.Context, instanceID, scorecardID, id int64) (model.Divider, error) {
	d := model.Divider{InstanceID: instanceID, ScorecardID: scorecardID, ID: id}
	err := q.row(ctx, `SELECT title, position FROM scorecard_dividers WHERE instance_id = $1 AND scorecard_id = $2 AND id = $3`,
		instanceID, scorecardID, id).Scan(&d.Title, &d.Position)
	return d, notFound(err)
}

// RenameDivider changes a divider's title.
func (q *Q) RenameDivider(ctx context.Context, instanceID, scorecardID, id int64, title string) error {
	res, err := q.exec(ctx, `UPDATE scorecard_dividers SET title = $1 WHERE instance_id = $2 AND scorecard_id = $3 AND id = $4`,
		title, instanceID, scorecardID, id)
	return affectedOne(res, err)
}

// DeleteDivider removes a divider.
func (q *Q) DeleteDivider(ctx context.Context, instanceID, scorecardID, id int64) error {
	res, err := q.exec(ctx, `DELETE FROM scorecard_dividers WHERE instance_id = $1 AND scorecard_id = $2 AND id = $3`, instanceID, scorecardID, id)
	return affectedOne(res, err)
}

// moveTop swaps a top-level link (divider false: objectID) or divider
// (divider true: its id) with its neighbour among both (delta -1 up, +1
// down); at either end nothing moves.
func (q *Q) moveTop(ctx context.Context, instanceID, scorecardID, id int64, divider bool, delta int) error {
	type item struct {
		divider bool
		id      int64
		pos     int
	}
	rows, err := q.query(ctx, `SELECT 0, object_id, position FROM scorecard_links WHERE instance_id = $1 AND scorecard_id = $2
		UNION ALL SELECT 1, id, position FROM scorecard_dividers WHERE instance_id = $1 AND scorecard_id = $2
		ORDER BY 3, 1, 2`, instanceID, scorecardID)
	if err != nil {
		return err
	}
	var items []item
	for rows.Next() {
		var it item
		var kind int
		if err := rows.Scan(&kind, &it.id, &it.pos); err != nil {
			rows.Close()
			return err
		}
		it.divider = kind == 1
		items = append(items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	at := -1
	for i, it := range items {
		if it.divider == divider && it.id == id {
			at = i
		}
	}
	if at < 0 {
		return ErrNotFound
	}
	other := at + delta
	if other < 0 || other >= len(items) {
		return nil
	}
	a, b := items[at], items[other]
	if a.pos == b.pos { // equal positions (rows added before dividers existed): make room
		b.pos = a.pos + delta
	}
	set := func(it item, pos int) error {
		if it.divider {
			_, err := q.exec(ctx, `UPDATE scorecard_dividers SET position = $1 WHERE instance_id = $2 AND scorecard_id = $3 AND id = $4`,
				pos, instanceID, scorecardID, it.id)
			return err
		}
		_, err := q.exec(ctx, `UPDATE scorecard_links SET position = $1 WHERE instance_id = $2 AND scorecard_id = $3 AND object_id = $4`,
			pos, instanceID, scorecardID, it.id)
		return err
	}
	if err := set(a, b.pos); err != nil {
		return err
	}
	return set(b, a.pos)
}

// MoveDivider moves a divider among its scorecard's top-level rows.
func (q *Q) MoveDivider(ctx context.Context, instanceID, scorecardID, id int64, delta int) error {
	return q.moveTop(ctx, instanceID, scorecardID, id, true, delta)
}
