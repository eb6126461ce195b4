package store

import (
	"context"
	"database/sql"

	"yardstick/internal/model"
)

// Link is one ordered edge of a scorecard's tree: ParentID is 0 for the
// scorecard itself.
type Link struct {
	ParentID int64
	ChildID  int64
	Position int
}

// LinkToScorecard puts an object on a scorecard, last. Linking twice is a
// no-op. The reach table is rebuilt for the scorecard.
func (q *Q) LinkToScorecard(ctx context.Context, instanceID, scorecardID, objectID int64) error {
	// The position is read first: Citus takes no subquery in an INSERT.
	last, err := q.lastTopPosition(ctx, instanceID, scorecardID)
	if err != nil {
		return err
	}
	if _, err := q.exec(ctx, `INSERT INTO scorecard_links (instance_id, scorecard_id, object_id, position) VALUES ($1, $2, $3, $4)
		ON CONFLICT DO NOTHING`, instanceID, scorecardID, objectID, last+1); err != nil {
		return err
	}
	return q.rebuildReach(ctx, instanceID, []int64{scorecardID})
}

// UnlinkFromScorecard takes an object off a scorecard without deleting it.
func (q *Q) UnlinkFromScorecard(ctx context.Context, instanceID, scorecardID, objectID int64) error {
	res, err := q.exec(ctx, `DELETE FROM scorecard_links WHERE instance_id = $1 AND scorecard_id = $2 AND object_id = $3`,
		instanceID, scorecardID, objectID)
	if err := affectedOne(res, err); err != nil {
		return err
	}
	return q.rebuildReach(ctx, instanceID, []int64{scorecardID})
}

// IsDescendant reports whether target lies under (or is) root through
// the instance's object links: linking root under target would make a
// cycle.
func (q *Q) IsDescendant(ctx context.Context, instanceID, root, target int64) (bool, error) {
	if root == target {
		return true, nil
	}
	var n int
	err := q.row(ctx, `WITH RECURSIVE down(id) AS (
			SELECT child_id FROM object_links WHERE instance_id = $3 AND parent_id = $1
			UNION SELECT l.child_id FROM object_links l JOIN down ON l.parent_id = down.id WHERE l.instance_id = $3
		) SELECT COUNT(*) FROM down WHERE id = $2`, root, target, instanceID).Scan(&n)
	return n > 0, err
}

// LinkToObject puts child under the container parent, last. The caller
// checks for cycles first (IsDescendant) inside the same transaction.
func (q *Q) LinkToObject(ctx context.Context, instanceID, parentID, childID int64) error {
	var last int
	if err := q.row(ctx, `SELECT COALESCE(MAX(position), 0) FROM object_links WHERE instance_id = $1 AND parent_id = $2`,
		instanceID, parentID).Scan(&last); err != nil {
		return err
	}
	if _, err := q.exec(ctx, `INSERT INTO object_links (instance_id, parent_id, child_id, position) VALUES ($1, $2, $3, $4)
		ON CONFLICT DO NOTHING`, instanceID, parentID, childID, last+1); err != nil {
		return err
	}
	return q.rebuildReachOf(ctx, instanceID, parentID)
}

// UnlinkFromObject takes child from under parent without deleting it.
func (q *Q) UnlinkFromObject(ctx context.Context, instanceID, parentID, childID int64) error {
	res, err := q.exec(ctx, `DELETE FROM object_links WHERE instance_id = $1 AND parent_id = $2 AND child_id = $3`,
		instanceID, parentID, childID)
	if err := affectedOne(res, err); err != nil {
		return err
	}
	return q.rebuildReachOf(ctx, instanceID, parentID)
}

// MoveLink swaps a link with its neighbour (delta -1 up, +1 down) among
// the children of a scorecard (parentID 0 with scorecardID) or container.
func (q *Q) MoveLink(ctx context.Context, instanceID, scorecardID, parentID, childID int64, delta int) error {
	if parentID == 0 {
		return q.moveTop(ctx, instanceID, scorecardID, childID, false, delta)
	}
	table, parentCol, childCol, parent := "object_links", "parent_id", "child_id", parentID
	var pos int
	err := q.row(ctx, `SELECT position FROM `+table+` WHERE instance_id = $1 AND `+parentCol+` = $2 AND `+childCol+` = $3`,
		instanceID, parent, childID).Scan(&pos)
	if err != nil {
		return notFound(err)
	}
	cmp, order := "<", "DESC"
	if delta > 0 {
		cmp, order = ">", "ASC"
	}
	var otherID int64
	var otherPos int
	err = q.row(ctx, `SELECT `+childCol+`, position FROM `+table+` WHERE instance_id = $1 AND `+parentCol+` = $2 AND position `+cmp+` $3
		ORDER BY position `+order+` LIMIT 1`, instanceID, parent, pos).Scan(&otherID, &otherPos)
	if err != nil {
		return nil // already first or last
	}
	if _, err := q.exec(ctx, `UPDATE `+table+` SET position = $1 WHERE instance_id = $2 AND `+parentCol+` = $3 AND `+childCol+` = $4`,
		otherPos, instanceID, parent, childID); err != nil {
		return err
	}
	_, err = q.exec(ctx, `UPDATE `+table+` SET position = $1 WHERE instance_id = $2 AND `+parentCol+` = $3 AND `+childCol+` = $4`,
		pos, instanceID, parent, otherID)
	return err
}

// ScorecardsReaching lists the scorecards of the instance an object sits under.
func (q *Q) ScorecardsReaching(ctx context.Context, instanceID, objectID int64) ([]int64, error) {
	return q.ids(ctx, `SELECT scorecard_id FROM scorecard_objects WHERE instance_id = $1 AND object_id = $2 ORDER BY scorecard_id`, instanceID, objectID)
}

// rebuildReachOf rebuilds every scorecard that reaches object id.
func (q *Q) rebuildReachOf(ctx context.Context, instanceID, id int64) error {
	scs, err := q.ScorecardsReaching(ctx, instanceID, id)
	if err != nil {
		return err
	}
	return q.rebuildReach(ctx, instanceID, scs)
}

// RebuildReach recomputes the reach rows of scorecards, after a change
// the link methods did not make themselves (deleting an object: call it
// with the scorecards the object reached, after the delete).
func (q *Q) RebuildReach(ctx context.Context, instanceID int64, scorecardIDs []int64) error {
	return q.rebuildReach(ctx, instanceID, scorecardIDs)
}

// rebuildReach recomputes which objects sit under each scorecard from
// its links. Work is proportional to the scorecard's tree; UNION (not
// UNION ALL) visits a shared object once.
func (q *Q) rebuildReach(ctx context.Context, instanceID int64, scorecardIDs []int64) error {
	// The scorecards' measures may change: their scores with them.
	if err := q.StaleScorecardScores(ctx, instanceID, scorecardIDs); err != nil {
		return err
	}
	for _, s := range scorecardIDs {
		if _, err := q.exec(ctx, `DELETE FROM scorecard_objects WHERE instance_id = $1 AND scorecard_id = $2`, instanceID, s); err != nil {
			return err
		}
		if _, err := q.exec(ctx, `INSERT INTO scorecard_objects (instance_id, scorecard_id, object_id, kind)
			WITH RECURSIVE down(id) AS (
				SELECT object_id FROM scorecard_links WHERE instance_id = $1 AND scorecard_id = $2
				UNION SELECT l.child_id FROM object_links l JOIN down ON l.parent_id = down.id WHERE l.instance_id = $1
			) SELECT o.instance_id, $2, o.id, o.kind FROM down d JOIN objects o ON o.instance_id = $1 AND o.id = d.id`, instanceID, s); err != nil {
			return err
		}
		if err := q.reachScorecard(ctx, instanceID, s); err != nil {
			return err
		}
	}
	return nil
}

// Tree is everything a scorecard page shows, read in a fixed number of
// queries whatever its size.
type Tree struct {
	Links   []Link                      // ordered by parent, position
	Objects map[int64]model.Object      // every object under the scorecard
	Values  map[int64][]model.DataValue // measure id → values by period
}

// ScorecardTree reads the tree under a scorecard: links, objects and the
// data values of its measures.
func (q *Q) ScorecardTree(ctx context.Context, instanceID, scorecardID int64) (Tree, error) {
	t := Tree{Objects: map[int64]model.Object{}, Values: map[int64][]model.DataValue{}}
	rows, err := q.query(ctx, `SELECT 0, object_id, position FROM scorecard_links WHERE instance_id = $1 AND scorecard_id = $2
		UNION ALL
		SELECT l.parent_id, l.child_id, l.position FROM object_links l
			JOIN scorecard_objects so ON so.instance_id = l.instance_id AND so.object_id = l.parent_id AND so.scorecard_id = $2
		WHERE l.instance_id = $1
		ORDER BY 1, 3`, instanceID, scorecardID)
	if err != nil {
		return t, err
	}
	for rows.Next() {
		var l Link
		if err := rows.Scan(&l.ParentID, &l.ChildID, &l.Position); err != nil {
			rows.Close()
			return t, err
		}
		t.Links = append(t.Links, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return t, err
	}
	rows, err = q.query(ctx, `SELECT `+objectCols+objectFrom+` JOIN scorecard_objects so ON so.instance_id = o.instance_id AND so.object_id = o.id
		WHERE so.scorecard_id = $1 AND o.instance_id = $2`, scorecardID, instanceID)
	if err != nil {
		return t, err
	}
	for rows.Next() {
		o, err := scanObject(rows)
		if err != nil {
			rows.Close()
			return t, err
		}
		t.Objects[o.ID] = o
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return t, err
	}
	// Only what the columns need, in the reach index's order: no temporary
	// sort, no timestamps to parse for 18,000 values.
	rows, err = q.query(ctx, `SELECT dv.measure_id, dv.period_key, dv.actual, dv.target, dv.forecast, dv.comment
		FROM scorecard_objects so JOIN data_values dv ON dv.instance_id = so.instance_id AND dv.measure_id = so.object_id
		WHERE so.instance_id = $2 AND so.scorecard_id = $1 AND so.kind = 'measure' AND dv.instance_id = $2 ORDER BY so.object_id, dv.period_key`, scorecardID, instanceID)
	if err != nil {
		return t, err
	}
	defer rows.Close()
	for rows.Next() {
		var v model.DataValue
		var a, tg, f sql.NullFloat64
		if err := rows.Scan(&v.MeasureID, &v.PeriodKey, &a, &tg, &f, &v.Comment); err != nil {
			return t, err
		}
		v.Actual, v.Target, v.Forecast = nullFloat(a), nullFloat(tg), nullFloat(f)
		t.Values[v.MeasureID] = append(t.Values[v.MeasureID], v)
	}
	return t, rows.Err()
}

// ChildObjects lists the objects directly under a container, in order.
// A child of a visible container sits under the same scorecards, so it
// is visible too; no filter is needed.
func (q *Q) ChildObjects(ctx context.Context, instanceID, parentID int64) ([]model.Object, error) {
	return collect(ctx, q, scanObject, `SELECT `+objectCols+objectFrom+` JOIN object_links l ON l.instance_id = o.instance_id AND l.child_id = o.id
		WHERE l.instance_id = $1 AND l.parent_id = $2 ORDER BY l.position`, instanceID, parentID)
}

// ScorecardsOf lists the scorecards an object sits under that the
// visibility allows, by title.
func (q *Q) ScorecardsOf(ctx context.Context, instanceID, objectID int64, v Visibility) ([]model.Scorecard, error) {
	a := args{instanceID, objectID}
	return collect(ctx, q, scanScorecard, `SELECT `+scorecardCols+` FROM scorecards s JOIN scorecard_objects so ON so.instance_id = s.instance_id AND so.scorecard_id = s.id
		WHERE s.instance_id = $1 AND so.object_id = $2 AND `+v.scorecardFilter(&a)+` ORDER BY s.title_key, s.id`, a...)
}
