package store

import (
	"context"
	"strconv"
	"strings"

	"yardstick/internal/model"
)

// GanttActions lists up to limit actions of the filter that the
// visibility allows, soonest end first (an action without an end date
// by its start, one with neither last), and says whether there were more.
// The Gantt chart draws them (issue 14); f's paging fields are ignored.
// The actions carry their id, title, dates, status, percent and version.
func (q *Q) GanttActions(ctx context.Context, instanceID int64, f ActionFilter, v Visibility, limit int) ([]model.Action, bool, error) {
	a := args{instanceID}
	where := q.actionWhere(f, v, &a)
	// Only what a bar and its row show: the description, tags, names and
	// times were most of the cost of reading 500 actions on SQLite.
	rows, err := q.query(ctx, `SELECT ac.id, ac.instance_id, ac.title, COALESCE(ac.start_date, ''), COALESCE(ac.end_date, ''), ac.status, ac.percent, ac.version
		FROM actions ac WHERE `+strings.Join(where, " AND ")+
		` ORDER BY COALESCE(ac.end_date, ac.start_date, '9999-12-31'), ac.id LIMIT `+strconv.Itoa(limit+1), a...)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var out []model.Action
	for rows.Next() {
		var x model.Action
		if err := rows.Scan(&x.ID, &x.InstanceID, &x.Title, &x.StartDate, &x.EndDate, &x.Status, &x.Percent, &x.Version); err != nil {
			return nil, false, err
		}
		out = append(out, x)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	if len(out) > limit {
		return out[:limit], true, nil
	}
	return out, false, nil
}

// ActionLink is one visible scorecard or object an action is linked to.
type ActionLink struct {
	ActionID int64
	Kind     string // "scorecard", "container" or "measure"
	ID       int64
	Title    string
}

// ActionLinksOf lists, in one statement, the links of the given actions to
// scorecards and objects the visibility allows (a link to what the viewer
// cannot see is left out: its title is not the viewer's to read). within,
// if not 0, keeps only that scorecard and the objects under it.
func (q *Q) ActionLinksOf(ctx context.Context, instanceID int64, actionIDs []int64, v Visibility, within int64) ([]ActionLink, error) {
	if len(actionIDs) == 0 {
		return nil, nil
	}
	a := args{instanceID}
	set := a.idSet(q.s.dialect, actionIDs)
	sw, ow := "", ""
	if within != 0 {
		w := a.add(within)
		sw = " AND s.id = " + w
		ow = " AND EXISTS (SELECT 1 FROM scorecard_objects sw WHERE sw.instance_id = o.instance_id AND sw.object_id = o.id AND sw.scorecard_id = " + w + ")"
	}
	sql := `SELECT l.action_id, 'scorecard', s.id, s.title FROM action_links l
			JOIN scorecards s ON s.instance_id = l.instance_id AND s.id = l.scorecard_id
		WHERE l.instance_id = $1 AND l.action_id IN (` + set + `) AND ` + v.scorecardFilter(&a) + sw + `
		UNION ALL
		SELECT l.action_id, o.kind, o.id, o.title FROM action_links l
			JOIN objects o ON o.instance_id = l.instance_id AND o.id = l.object_id
		WHERE l.instance_id = $1 AND l.action_id IN (` + set + `) AND ` + v.objectFilter(&a) + ow
	return collect(ctx, q, func(sc interface{ Scan(...any) error }) (ActionLink, error) {
		var l ActionLink
		err := sc.Scan(&l.ActionID, &l.Kind, &l.ID, &l.Title)
		return l, err
	}, sql, a...)
}
